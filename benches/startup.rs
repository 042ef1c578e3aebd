//! What years of history cost, beside vim in the same harness: the figures of issue 17.
//!
//! On a database it makes (N incidents of M entries, all closed but the newest, 6 h
//! apart, one closed incident of 10,000 entries among them; 5,000 x 200 by default,
//! about a million events) it measures:
//! - `warroom import` of the whole history: seconds, events a second, peak memory;
//! - the console's first frame and its peak memory (vim opening a 100,000-line file is
//!   the anchor), and the time from Enter on `:switch` to the closed incident of 10,000
//!   entries on screen;
//! - `warroom metrics` over it: seconds and peak memory;
//! - one open incident of 100,000 entries: the first frame, the time until it is read
//!   whole (its count of entries on screen), and the median keystroke to screen in the
//!   entry box over every key of every run, beside vim's on a file of as many lines,
//!   typed in turn with the console's.
//!
//! Consoles run in a real pseudo-terminal at 80x24; times are medians of the runs;
//! peak memory is the kernel's high-water mark of the process (`VmHWM`).
//!
//! Run: `cargo bench --bench startup` (options: `--incidents N`, default 5000;
//! `--entries M`, default 200; `--runs R`, default 5; `--keep DIR` copies the databases
//! it made, and the import's input, into DIR, for a closer look). Without vim installed, warroom's figures alone
//! are printed.
// A panic is how a bench reports a failure.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use ulid::Ulid;
use warroom::domain::{Body, Event, Status, Timestamp};

mod common;
use common::pty::Pty;
use common::text_arg;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");
/// Entries in the closed incident the console switches to.
const BIG: usize = 10_000;
/// Entries in the one open incident of the second case (and lines in vim's file).
const LONG: usize = 100_000;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Writes the history as JSON lines to `file`; the id of the closed incident of
/// [`BIG`] entries and the event count.
fn history(file: &Path, incidents: usize, entries: usize) -> (Ulid, usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(file).unwrap());
    let now = chrono::Utc::now() - TimeDelta::hours(1);
    let mut seq = 0u64;
    let mut written = 0;
    let mut write = |id: Ulid, incident: Ulid, at: Timestamp, body: Body| {
        seq += 1;
        let event = Event {
            id,
            origin: "history".into(),
            seq,
            incident,
            author: "maya".into(),
            recorded_by: None,
            at,
            logged_at: at,
            body,
        };
        serde_json::to_writer(&mut out, &event).unwrap();
        out.write_all(b"\n").unwrap();
        written += 1;
    };
    let big_one = incidents.saturating_sub(10);
    let mut big = Ulid::nil();
    for k in 0..incidents {
        let start = now - TimeDelta::hours(6 * (incidents - k) as i64);
        let id = |n: u64, at: Timestamp| {
            Ulid::from_parts(at.timestamp_millis() as u64, (k as u128) << 32 | n as u128)
        };
        let incident = id(0, start);
        let open = k + 1 == incidents;
        let title = if open {
            "the open incident".to_string()
        } else {
            format!("history incident {k}")
        };
        write(incident, incident, start, Body::opening(title));
        let investigating = Body::StatusChanged {
            status: Status::Investigating,
            reason: Some("declared".into()),
        };
        write(id(1, start), incident, start, investigating);
        let notes = if k == big_one {
            BIG
        } else {
            entries.saturating_sub(3)
        };
        if k == big_one {
            big = incident;
        }
        let mut at = start;
        for i in 0..notes {
            at += TimeDelta::milliseconds(1_000);
            let text = if k == big_one {
                format!("big note {i:05}: checked the dashboards")
            } else {
                format!("note {i}: error rate on the primary, rolled back the deploy")
            };
            write(id(2 + i as u64, at), incident, at, Body::Note { text });
        }
        if !open {
            at += TimeDelta::milliseconds(5_000);
            let closed = Body::StatusChanged {
                status: Status::Closed,
                reason: Some("done".into()),
            };
            write(id(u64::MAX, at), incident, at, closed);
        }
    }
    out.flush().unwrap();
    (big, written)
}

/// Peak resident memory of process `pid` so far in MB (`VmHWM`; `None` once it has
/// ended).
fn peak_of(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

/// Runs `warroom ARGS` to its end on `db`: seconds taken, and its peak memory in MB as
/// last read while it ran (read every millisecond; the high-water mark only grows).
fn run(db: &Path, home: &Path, args: &[&str]) -> (f64, f64) {
    let started = Instant::now();
    let mut child = std::process::Command::new(BIN)
        .args(args)
        .env("WARROOM_DB", db)
        .env("WARROOM_USER", "bench")
        .env("XDG_CONFIG_HOME", home.join("no-config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0.0f64;
    let status = loop {
        if let Some(mb) = peak_of(child.id()) {
            peak = peak.max(mb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    assert!(status.success(), "warroom {args:?} failed");
    (started.elapsed().as_secs_f64(), peak)
}

/// What is typed, a key at a time, in each run: the median is over every key of
/// every run.
const TYPED: &str = "rolled-back-the-deploy";

/// Types `text` one key at a time; the time from each key to its character on screen,
/// in ms.
fn keystrokes(p: &mut Pty, text: &str) -> Vec<f64> {
    let mut times = Vec::new();
    let mut typed = String::new();
    for c in text.chars() {
        typed.push(c);
        // The prefix may be on screen already elsewhere: wait for one more of it.
        let before = p.count(&typed);
        let from = Instant::now();
        p.send(&c.to_string());
        let deadline = from + Duration::from_secs(10);
        assert!(
            p.wait_count_above(&typed, before, deadline),
            "{typed:?} never showed"
        );
        times.push(from.elapsed().as_secs_f64() * 1000.0);
        p.settle();
    }
    times
}

/// Copies the database at `db` into the folder after `--keep`, when given.
fn keep(db: &Path) {
    if let Some(dir) = text_arg("--keep") {
        std::fs::create_dir_all(&dir).unwrap();
        let conn = rusqlite::Connection::open(db).unwrap();
        let to = Path::new(&dir).join(db.file_name().unwrap());
        let _ = std::fs::remove_file(&to);
        conn.execute("VACUUM INTO ?1", [to.to_str().unwrap()])
            .unwrap();
    }
}

/// With `--keep DIR`, a copy of a generated file in DIR (the import's input, to
/// profile it alone).
fn keep_file(file: &Path) {
    if let Some(dir) = text_arg("--keep") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(file, Path::new(&dir).join(file.file_name().unwrap())).unwrap();
    }
}

/// A line of figures: warroom's, and vim's beside it with the ratio when there is one.
fn line(what: &str, ours: f64, unit: &str, anchor: Option<f64>) {
    match anchor {
        Some(v) => println!(
            "{what:<34} {ours:>9.2} {unit:<3}  vim {v:>7.2} {unit:<3}  ratio {:.2}",
            ours / v
        ),
        None => println!("{what:<34} {ours:>9.2} {unit}"),
    }
}

fn main() {
    let opt = common::arg;
    let (incidents, entries, runs) = (
        opt("--incidents", 5000),
        opt("--entries", 200),
        opt("--runs", 5),
    );
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let has_vim = common::pty::vim_installed();

    // vim opening a file of LONG lines: the anchor for every first frame.
    let file = home.join("log.txt");
    let text: String = (0..LONG)
        .map(|i| format!("line {i:06}: checked the dashboards, error rate steady\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    let last_line = format!("line {:06}", LONG - 1);
    let mut vim_first = Vec::new();
    if has_vim {
        for _ in 0..runs {
            let mut p = common::pty::vim(&file);
            vim_first.push(p.wait(&last_line).as_secs_f64() * 1000.0);
            p.send("\x1b:q!\r");
        }
    }
    let vim_first = has_vim.then(|| median(vim_first));

    // Years of history.
    let jsonl = home.join("history.jsonl");
    let (big, events) = history(&jsonl, incidents, entries);
    let db = home.join("history.db");
    let (secs, peak) = run(&db, home, &["import", jsonl.to_str().unwrap()]);
    keep_file(&jsonl);
    std::fs::remove_file(&jsonl).unwrap();
    println!(
        "history: {events} events in {incidents} incidents (one open), 80x24, median of {runs} runs"
    );
    line("import: seconds", secs, "s", None);
    line("import: events a second", events as f64 / secs, "", None);
    line("import: peak memory", peak, "MB", None);

    let (mut first, mut peaks, mut switch) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let mut p = common::pty::console(BIN, &db, home, run);
        first.push(p.wait("following").as_secs_f64() * 1000.0);
        p.settle();
        peaks.push(p.pid().and_then(peak_of).unwrap_or(f64::NAN));
        p.cost(":");
        p.cost(&format!("switch {big}"));
        let from = Instant::now();
        p.send("\r");
        switch.push(
            p.wait_since(&format!("big note {:05}", BIG - 1), from)
                .as_secs_f64()
                * 1000.0,
        );
        p.send("\x03");
    }
    line("console: first frame", median(first), "ms", vim_first);
    line("console: peak memory", median(peaks), "MB", None);
    line(
        &format!("console: switch to a closed {BIG}"),
        median(switch),
        "ms",
        None,
    );

    let (mut secs, mut peaks) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let (s, m) = run(&db, home, &["metrics"]);
        secs.push(s * 1000.0);
        peaks.push(m);
    }
    line("metrics: time", median(secs), "ms", None);
    line("metrics: peak memory", median(peaks), "MB", None);
    keep(&db);

    // One open incident of LONG entries.
    let long = home.join("long.db");
    let mut store =
        warroom::store::Store::open(&long, warroom::store::OpenOptions::write()).unwrap();
    let opened = store
        .append(vec![warroom::store::NewEvent::now(
            None,
            "bench",
            Body::opening("Benchmark incident"),
        )])
        .unwrap();
    let start = opened[0].at - TimeDelta::milliseconds(LONG as i64 * 10);
    let notes = common::filler(opened[0].incident, "other", LONG, start, 10, |i| {
        format!("line {i:06}: checked the dashboards, error rate steady")
    });
    for chunk in notes.chunks(10_000) {
        store.import_events(chunk).unwrap();
    }
    drop(store);
    keep(&long);
    let (mut first, mut whole, mut keys, mut vim_keys) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let mut p = common::pty::console(BIN, &long, home, run);
        first.push(p.wait("following").as_secs_f64() * 1000.0);
        // A file that keeps its list of open incidents shows a long one in brief first;
        // the count of its entries is on screen once it is read whole.
        whole.push(p.wait(&format!("{} entries", LONG + 1)).as_secs_f64() * 1000.0);
        p.settle();
        p.cost("i");
        keys.extend(keystrokes(&mut p, TYPED));
        p.send("\x03");
        // vim typing into its file of as many lines, in turn with the console: the
        // machine as it is in the same moments for both.
        if has_vim {
            let mut p = common::pty::vim(&file);
            p.wait(&last_line);
            p.settle();
            p.cost("o");
            vim_keys.extend(keystrokes(&mut p, TYPED));
            p.send("\x1b:q!\r");
        }
    }
    let typed = keys.len();
    println!("one open incident of {LONG} entries");
    line("console: first frame", median(first), "ms", vim_first);
    line("console: read whole", median(whole), "ms", None);
    line(
        &format!("console: keystroke to screen ({typed})"),
        median(keys),
        "ms",
        has_vim.then(|| median(vim_keys)),
    );
    if !has_vim {
        println!("vim is not installed: no anchor in this run");
    }
}
