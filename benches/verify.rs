//! `warroom verify` over a million events: events checked a second (the target of
//! issue 18 is at least 500,000), its peak memory, and the one-time chaining of a file
//! the previous schema wrote, at its first open by this build.
//!
//! Run: `cargo bench --bench verify` (options: `--events N`, default 1,000,000;
//! `--runs R`, default 3). The database is made in a temporary folder: N notes on one
//! incident, written by four origins in turn.
// A panic is how a bench reports a failure.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Instant;

use warroom::store::{OpenOptions, Store};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

/// Every event in the file (the opening and the notes): what each verify must check.
static EVENTS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `warroom verify` on `db`: seconds, peak memory in MB (`VmHWM`), and whether
/// it found every chain whole.
fn verify(db: &Path) -> (f64, f64, bool) {
    let started = Instant::now();
    let mut child = std::process::Command::new(BIN)
        .args(["verify", "--db"])
        .arg(db)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut peak = 0.0f64;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let seconds = started.elapsed().as_secs_f64();
            let mut out = String::new();
            std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
            let all = format!(
                "checked {} events: every chain is whole",
                EVENTS.get().unwrap()
            );
            return (seconds, peak, status.success() && out.contains(&all));
        }
        if let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kb) = text
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        {
            peak = peak.max(kb / 1024.0);
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

fn main() {
    let events = common::arg("--events", 1_000_000);
    let runs = common::arg("--runs", 3).max(1);
    EVENTS.set(events / 4 * 4 + 1).unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    let db = dir.path().join("verify.db");
    let started = Instant::now();
    {
        let mut store = Store::open(&db, OpenOptions::write()).unwrap();
        let start = chrono::Utc::now() - chrono::TimeDelta::days(30);
        let opening = warroom::store::NewEvent::now(
            None,
            "maya",
            warroom::domain::Body::opening("a long incident"),
        );
        let incident = store.append(vec![opening]).unwrap()[0].incident;
        let per_origin = events / 4;
        for origin in 0..4 {
            let name = format!("origin-{origin}");
            // A millisecond apart per origin: ids are made from the time, so each
            // origin's differ.
            let from = start + chrono::TimeDelta::milliseconds(origin);
            let all = common::filler(incident, &name, per_origin, from, 1_000, |i| {
                format!("note {i}: error rate on the primary, rolled back the deploy")
            });
            for chunk in all.chunks(10_000) {
                store.insert_events(chunk).unwrap();
            }
        }
    }
    println!(
        "made {events} events in {:.1} s (stored and chained as imports are)",
        started.elapsed().as_secs_f64()
    );

    let mut seconds = Vec::new();
    let mut peaks = Vec::new();
    for _ in 0..runs {
        let (s, peak, whole) = verify(&db);
        assert!(whole, "the generated file verifies");
        seconds.push(s);
        peaks.push(peak);
    }
    let s = median(seconds);
    println!(
        "warroom verify: {s:.2} s, {:.0}k events/s (target at least 500k), peak {:.0} MB",
        events as f64 / s / 1000.0,
        median(peaks)
    );

    // The same file as the previous schema left it: no chain yet.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP INDEX events_unchained;
         ALTER TABLE events DROP COLUMN prev;
         ALTER TABLE events DROP COLUMN hash;
         DROP TABLE chain_seams;
         DELETE FROM meta WHERE key LIKE 'chain_%';
         PRAGMA user_version = 6;
         VACUUM;",
    )
    .unwrap();
    drop(conn);
    let (s, peak, whole) = verify(&db);
    assert!(whole, "the upgraded file verifies");
    println!(
        "first open of a file of the previous schema (chains every event once, then verifies): {s:.2} s, peak {peak:.0} MB"
    );
}
