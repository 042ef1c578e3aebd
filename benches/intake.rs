//! The alert intake on loopback: how many alert notifications a second `warroom intake
//! --listen` stores (one request each, a real HTTP client, keep-alive), and the latency
//! from a POST to the alert being seen by a follower on the file (what a console's
//! store thread does: a change watch, then a read of what is new).
//!
//! Run: `cargo bench --bench intake` (options: `--posts N`, `--latency N`).
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use warroom::domain::Body;
use warroom::store::{Follower, OpenOptions, Store};

mod common;
use common::{arg, ms, percentile};

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn main() {
    let (posts, samples) = (arg("--posts", 2000), arg("--latency", 200));
    let dir = tempfile::TempDir::new().expect("temp dir");
    let db = dir.path().join("bench.db");
    drop(Store::open(&db, OpenOptions::write()).expect("create"));
    let mut server = Command::new(BIN)
        .env("WARROOM_DB", &db)
        .env("WARROOM_USER", "bench")
        .args(["intake", "--listen", "127.0.0.1:0", "--no-auth"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the intake");
    let stderr = server.stderr.take().unwrap();
    let mut url = String::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if let Some(rest) = line.strip_prefix("taking alerts on ") {
            url = rest.split_whitespace().next().unwrap().to_string();
            break;
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let post = |text: &str| {
        let body = format!(r#"{{"text": "{text}", "source": "bench"}}"#);
        let status = agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(body)
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(status, 202);
    };

    // Throughput: distinct alerts, one request each, back to back.
    let start = Instant::now();
    for i in 0..posts {
        post(&format!("alert {i}"));
    }
    let took = start.elapsed();
    println!(
        "intake: {posts} alerts in {:.2} s: {:.0} alerts/s ({} per request)",
        took.as_secs_f64(),
        posts as f64 / took.as_secs_f64(),
        ms(took / posts as u32)
    );

    // Latency: POST to seen by a follower on the file.
    let (tx, rx) = mpsc::channel::<(String, Instant)>();
    let watch_db = db.clone();
    std::thread::spawn(move || {
        let store = Store::open(&watch_db, OpenOptions::read()).unwrap();
        let mut follower = Follower::from_end(store).unwrap();
        loop {
            let events = follower.next(1000, Duration::from_millis(500)).unwrap();
            let seen = Instant::now();
            for e in events {
                if let Body::AlertReceived { text, .. } = e.body {
                    let _ = tx.send((text, seen));
                }
            }
        }
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut latencies = Vec::with_capacity(samples);
    for i in 0..samples {
        let text = format!("latency {i}");
        let sent = Instant::now();
        post(&text);
        loop {
            let (got, seen) = rx.recv_timeout(Duration::from_secs(10)).unwrap();
            if got == text {
                latencies.push(seen.duration_since(sent));
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    latencies.sort();
    println!(
        "POST to seen on the file: median {} p95 {} p99 {} max {} ({samples} samples)",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.95)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap())
    );
    let _ = server.kill();
    let _ = server.wait();
}
