//! What the harness benchmarks share: a long log to start from, and how latencies are
//! summarised.

#![allow(dead_code)]

pub mod pty;

use std::time::Duration;

use warroom::domain::{Body, Event, Timestamp};

/// `count` notes on `incident` from another origin, `step_ms` apart from `start`,
/// numbered from 1 in that origin: the log a bench starts from.
pub fn filler(
    incident: ulid::Ulid,
    origin: &str,
    count: usize,
    start: Timestamp,
    step_ms: i64,
    text: impl Fn(usize) -> String,
) -> Vec<Event> {
    (0..count)
        .map(|i| {
            let at = start + chrono::TimeDelta::milliseconds(i as i64 * step_ms);
            Event {
                id: ulid::Ulid::from_parts(at.timestamp_millis() as u64, i as u128 + 1),
                origin: origin.into(),
                seq: i as u64 + 1,
                incident,
                author: origin.into(),
                recorded_by: None,
                at,
                logged_at: at,
                body: Body::Note { text: text(i) },
            }
        })
        .collect()
}

/// The `p` quantile (0 to 1) of latencies sorted ascending.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The number after `name` on the bench's command line (`--runs 3`), else `default`.
pub fn arg(name: &str, default: usize) -> usize {
    text_arg(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The word after `name` on the bench's command line (`--keep DIR`), if given.
pub fn text_arg(name: &str) -> Option<String> {
    let argv: Vec<String> = std::env::args().collect();
    argv.windows(2).find(|w| w[0] == name).map(|w| w[1].clone())
}
