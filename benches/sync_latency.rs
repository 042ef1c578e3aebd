//! Commit-to-visible latency between processes on one database file, and the idle cost
//! of watching it. A writer (this process) commits entries one at a time; watchers
//! (`warroom tail --follow`, and the console in a pseudo-terminal) show them; the time
//! from the commit returning to the entry appearing is recorded for each.
//!
//! Run: `cargo bench --bench sync_latency` (options: `--commits N`, `--log N`,
//! `--idle-secs N`).
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use warroom::domain::Body;
use warroom::store::{NewEvent, OpenOptions, Store};

mod common;
use common::{arg, filler, ms, percentile};

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

struct Args {
    commits: usize,
    log: usize,
    idle: u64,
}

fn args() -> Args {
    Args {
        commits: arg("--commits", 300),
        log: arg("--log", 100_000),
        idle: arg("--idle-secs", 60) as u64,
    }
}

/// CPU time (user + system) a process has used, from /proc.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields.get(11).and_then(|f| f.parse().ok()).unwrap_or(0)
        + fields.get(12).and_then(|f| f.parse().ok()).unwrap_or(0);
    let hz = rustix::param::clock_ticks_per_second().max(1);
    Duration::from_micros(ticks * 1_000_000 / hz)
}

fn main() {
    let args = args();
    let dir = tempfile::TempDir::new().expect("temp dir");
    let db = dir.path().join("bench.db");
    let mut store = Store::open(&db, OpenOptions::write()).expect("open");
    let opened = store
        .append(vec![NewEvent::now(None, "bench", Body::opening("latency"))])
        .expect("declare");
    let incident = opened[0].incident;
    // A long log first, so a watcher that re-read everything would show it.
    let base = opened[0].at - chrono::TimeDelta::days(1);
    let filler = filler(incident, "filler", args.log, base, 500, |i| {
        format!("earlier note {i}")
    });
    store.insert_events(&filler).expect("fill");

    // Watcher 1: tail --follow, reading its JSON lines.
    let mut tail = Command::new(BIN)
        .args([
            "tail",
            "--follow",
            "--json",
            "-n",
            "1",
            "--incident",
            &incident.to_string(),
        ])
        .env("WARROOM_DB", &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tail");
    let (tail_tx, tail_rx) = mpsc::channel::<(usize, Instant)>();
    let tail_out = tail.stdout.take().expect("tail stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(tail_out).lines().map_while(Result::ok) {
            let seen = Instant::now();
            if let Some(n) = line.split("lat-").nth(1).and_then(|r| r[..6].parse().ok()) {
                let _ = tail_tx.send((n, seen));
            }
        }
    });

    // Watcher 2: the console in a pseudo-terminal, read through vt100.
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(BIN);
    cmd.env("WARROOM_DB", &db);
    cmd.env("WARROOM_USER", "watcher");
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_STATE_HOME", dir.path().join("state"));
    cmd.env("HOME", dir.path());
    let mut console = pty.slave.spawn_command(cmd).expect("spawn console");
    drop(pty.slave);
    let console_pid = console.process_id().expect("console pid");
    let (con_tx, con_rx) = mpsc::channel::<(usize, Instant)>();
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let ready = Arc::new(Mutex::new(false));
    let ready_flag = ready.clone();
    std::thread::spawn(move || {
        let mut parser = vt100::Parser::new(
            std::num::NonZeroU16::new(40).unwrap(),
            std::num::NonZeroU16::new(120).unwrap(),
            0,
        );
        let mut buf = [0u8; 16384];
        let mut next = 0usize;
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            parser.process(&buf[..n]);
            let seen = Instant::now();
            let screen = parser.screen().contents();
            if screen.contains("following") {
                *ready_flag.lock().unwrap() = true;
            }
            // Report every marker now on screen that was not reported yet.
            while screen.contains(&format!("lat-{next:06}")) {
                let _ = con_tx.send((next, seen));
                next += 1;
            }
        }
    });
    let _writer = pty.master.take_writer().expect("writer");
    let start = Instant::now();
    while !*ready.lock().unwrap() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the console did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(500));

    let mut committed: HashMap<usize, Instant> = HashMap::new();
    for n in 0..args.commits {
        store
            .append(vec![NewEvent::now(
                Some(incident),
                "writer",
                Body::Note {
                    text: format!("lat-{n:06} from the writer"),
                },
            )])
            .expect("append");
        committed.insert(n, Instant::now());
        // Spaced out so each commit is seen on its own, as people type them.
        std::thread::sleep(Duration::from_millis(8 + (n as u64 * 7) % 9));
    }
    let collect = |rx: &mpsc::Receiver<(usize, Instant)>| {
        let mut latencies = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while latencies.len() < args.commits && Instant::now() < deadline {
            if let Ok((n, seen)) = rx.recv_timeout(Duration::from_millis(200))
                && let Some(at) = committed.get(&n)
            {
                latencies.push(seen.saturating_duration_since(*at));
            }
        }
        latencies.sort();
        latencies
    };
    let tail_lat = collect(&tail_rx);
    let con_lat = collect(&con_rx);

    println!(
        "commit-to-visible latency: {} commits, one at a time, on a {}-entry log",
        args.commits, args.log
    );
    for (name, lat) in [("tail --follow", &tail_lat), ("console (pty)", &con_lat)] {
        if lat.is_empty() {
            println!("  {name:<14} no entries seen");
            continue;
        }
        println!(
            "  {name:<14} seen {}/{}  p50 {}  p99 {}  max {}",
            lat.len(),
            args.commits,
            ms(percentile(lat, 0.5)),
            ms(percentile(lat, 0.99)),
            ms(*lat.last().unwrap())
        );
    }

    // Idle: nothing is written; watchers only wait.
    std::thread::sleep(Duration::from_secs(2));
    let (tail0, con0) = (cpu_time(tail.id()), cpu_time(console_pid));
    let idle = Duration::from_secs(args.idle);
    std::thread::sleep(idle);
    let (tail1, con1) = (cpu_time(tail.id()), cpu_time(console_pid));
    println!(
        "idle CPU while watching a quiet incident ({} s measured, scaled to a minute)",
        args.idle
    );
    for (name, used) in [
        ("tail --follow", tail1 - tail0),
        ("console (pty)", con1 - con0),
    ] {
        let per_min = used.as_secs_f64() * 60.0 / idle.as_secs_f64();
        println!(
            "  {name:<14} {:.3} s CPU per minute = {:.3}% of a core",
            per_min,
            per_min / 60.0 * 100.0
        );
    }
    let _ = tail.kill();
    let _ = tail.wait();
    let _ = console.kill();
    let _ = console.wait();
}
