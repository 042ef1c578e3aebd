//! Network peers on loopback: how fast a fresh peer catches up on 100k events, and
//! how long a commit on one host takes to be visible on the other while following.
//!
//! Run: `cargo bench --bench peer_sync` (options: `--events N`, `--commits N`, and
//! `--against BIN`: another build's `warroom` binary, whose catch-up is run in turn with
//! this build's on the same source, both sides of each link being one build, and the
//! ratio printed; a figure in events/s follows the machine's speed, the ratio does not.
//! This build makes the source, so the other build must read this build's schema).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use warroom::domain::Body;
use warroom::store::{NewEvent, OpenOptions, Store};

mod common;
use common::{arg, filler, ms, percentile, text_arg};

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

/// `bin` (a build of warroom) on the database at `db`.
fn warroom(bin: &Path, db: &Path) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env("WARROOM_DB", db).env("WARROOM_USER", "bench");
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run warroom");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A new database made by `bin`, and its peer id.
fn new_db(bin: &Path, dir: &Path, name: &str) -> (PathBuf, String) {
    let db = dir.join(name);
    ok(warroom(bin, &db).args(["declare", "--title", "bench"]));
    let id = ok(warroom(bin, &db).args(["peer", "id"]))
        .trim()
        .to_string();
    (db, id)
}

/// `bin` serving `db` on a loopback port, and that port's address.
fn serve(bin: &Path, db: &Path) -> (Child, String) {
    let mut child = warroom(bin, db)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve says where it listens")
            .expect("line");
        if let Some(rest) = line.split(" on ").nth(1) {
            break rest.split(' ').next().unwrap_or_default().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// A build to time: its name in the output, its binary, and the source it serves.
struct Build {
    name: String,
    bin: PathBuf,
    server: Child,
    addr: String,
    runs: Vec<Duration>,
}

impl Build {
    /// Times one catch-up: a fresh database made by this build syncs once from the
    /// source this build serves, and then holds all of it.
    fn catch_up(&mut self, dir: &Path, name: &str, source: &Path, source_id: &str) {
        let (db, id) = new_db(&self.bin, dir, name);
        ok(warroom(&self.bin, source).args(["peer", "allow", &id]));
        ok(warroom(&self.bin, &db).args(["peer", "allow", source_id]));
        let start = Instant::now();
        ok(warroom(&self.bin, &db).args(["sync", "--peer", &self.addr]));
        self.runs.push(start.elapsed());
        // Both sides now hold the union: every filler event and both sides' own.
        assert_eq!(count(&db), count(source), "the fresh peer got everything");
    }

    /// The median of the runs so far.
    fn median(&self) -> Duration {
        let mut runs = self.runs.clone();
        runs.sort();
        runs[runs.len() / 2]
    }
}

/// How many events the database at `db` holds.
fn count(db: &Path) -> usize {
    Store::open(db, OpenOptions::read())
        .and_then(|s| s.all_events())
        .map(|e| e.len())
        .unwrap_or(0)
}

fn main() {
    let events = arg("--events", 100_000);
    let commits = arg("--commits", 300);
    let against = text_arg("--against").map(|bin| {
        let bin = PathBuf::from(bin);
        assert!(
            bin.is_file(),
            "--against {}: no such file; give the path of another build's warroom binary",
            bin.display()
        );
        bin
    });
    let dir = tempfile::TempDir::new().expect("temp dir");

    // A source with `events` events from another origin.
    let (source, source_id) = new_db(Path::new(BIN), dir.path(), "source.db");
    {
        let mut store = Store::open(&source, OpenOptions::write()).expect("open");
        let incident = store.incidents().expect("incidents")[0].id;
        let start = store.now() - chrono::TimeDelta::days(2);
        let filler = filler(incident, "elsewhere", events, start, 700, |i| {
            format!("note {i}: error rate dropping in eu-west-1 after the rollback")
        });
        store.insert_events(&filler).expect("fill");
    }
    // Each build serves the same source; with `--against`, the two take turns.
    let mut builds: Vec<Build> = std::iter::once(("this build".to_string(), PathBuf::from(BIN)))
        .chain(against.map(|bin| (format!("against {}", bin.display()), bin)))
        .map(|(name, bin)| {
            let (server, addr) = serve(&bin, &source);
            Build {
                name,
                bin,
                server,
                addr,
                runs: Vec::new(),
            }
        })
        .collect();

    // Catch-up: a fresh peer syncs once; three runs of each build, the median. With
    // two builds, which goes first alternates from run to run.
    for run in 0..3 {
        let count = builds.len();
        for turn in 0..count {
            let b = if run % 2 == 0 { turn } else { count - 1 - turn };
            builds[b].catch_up(
                dir.path(),
                &format!("fresh{b}-{run}.db"),
                &source,
                &source_id,
            );
        }
    }
    for build in &builds {
        let median = build.median();
        println!(
            "catch-up of {events} events over TCP (Noise), one `warroom sync`, {}: median {:.2} s = {:.0} events/s (runs: {})",
            build.name,
            median.as_secs_f64(),
            events as f64 / median.as_secs_f64(),
            build
                .runs
                .iter()
                .map(|r| format!("{:.2} s", r.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let [ours, anchor] = &builds[..] {
        println!(
            "catch-up speed, this build against the other in the same run: {:.2}x",
            anchor.median().as_secs_f64() / ours.median().as_secs_f64()
        );
    }
    // The other build's server is done: the live figures are this build's alone.
    for build in &mut builds[1..] {
        let _ = build.server.kill();
        let _ = build.server.wait();
    }
    // Live: a follower stays linked; commits on the source are timed until the
    // follower's own `tail --follow` prints them.
    let bin = Path::new(BIN);
    let addr = builds[0].addr.clone();
    let (follower, id) = new_db(bin, dir.path(), "follower.db");
    ok(warroom(bin, &source).args(["peer", "allow", &id]));
    ok(warroom(bin, &follower).args(["peer", "allow", &source_id]));
    let mut link = warroom(bin, &follower)
        .args(["sync", "--follow", "--peer", &addr])
        .stderr(Stdio::null())
        .spawn()
        .expect("follow");
    let mut store = Store::open(&source, OpenOptions::write()).expect("open");
    let incident = store.incidents().expect("incidents")[0].id;
    // Wait for the link to catch up before timing.
    let deadline = Instant::now() + Duration::from_secs(120);
    while count(&follower) < events || count(&follower) != count(&source) {
        assert!(Instant::now() < deadline, "the follower did not catch up");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut tail = warroom(bin, &follower)
        .args([
            "tail",
            "--follow",
            "--json",
            "-n",
            "0",
            "--incident",
            &incident.to_string(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("tail");
    let (tx, rx) = mpsc::channel::<(usize, Instant)>();
    let out = tail.stdout.take().expect("tail stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Some(n) = line.split("live-").nth(1).and_then(|r| r[..6].parse().ok()) {
                let _ = tx.send((n, Instant::now()));
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut committed = HashMap::new();
    for n in 0..commits {
        store
            .append(vec![NewEvent::now(
                Some(incident),
                "bench",
                Body::Note {
                    text: format!("live-{n:06}"),
                },
            )])
            .expect("append");
        committed.insert(n, Instant::now());
        std::thread::sleep(Duration::from_millis(10 + (n as u64 * 7) % 11));
    }
    let mut latencies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while latencies.len() < commits && Instant::now() < deadline {
        if let Ok((n, seen)) = rx.recv_timeout(Duration::from_millis(200))
            && let Some(at) = committed.get(&n)
        {
            latencies.push(seen.saturating_duration_since(*at));
        }
    }
    latencies.sort();
    assert!(
        !latencies.is_empty(),
        "the follower showed none of the commits"
    );
    println!(
        "live commit-to-visible across the link ({} of {commits} seen): p50 {}  p99 {}  max {}",
        latencies.len(),
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().expect("some latencies"))
    );
    for child in [&mut link, &mut tail] {
        let _ = child.kill();
        let _ = child.wait();
    }
    let _ = builds[0].server.kill();
    let _ = builds[0].server.wait();
}
