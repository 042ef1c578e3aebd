//! What the console costs a terminal, beside vim in the same harness: the time to the
//! first frame on a long log, and the bytes a keystroke, the first k (the console
//! leaves following the newest entry; vim moves up a line), a scroll (k again), a full
//! redraw and
//! an idle spell send (what a 56 kbit link carries). Both programs run in a real
//! pseudo-terminal at 80x24; bytes are counted as written, times as medians.
//!
//! Run: `cargo bench --bench terminal` (options: `--log N` entries, default 100000;
//! `--runs N`, default 5). Without vim installed, warroom's figures alone are printed.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use warroom::store::{OpenOptions, Store};

mod common;
use common::filler;
use common::pty::Pty;

const BIN: &str = env!("CARGO_BIN_EXE_warroom");

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

struct Figures {
    first_frame_ms: f64,
    bytes_per_key: f64,
    /// The first k: the console leaves following the newest entry and selects it.
    first_k: f64,
    /// The k after it: the selection moves up one entry.
    scroll: f64,
    redraw: f64,
    idle_per_s: f64,
}

fn print(name: &str, f: &Figures) {
    println!(
        "{name:<8} first frame {:>8.1} ms · {:>5.0} bytes a key · {:>5.0} bytes the first k · {:>5.0} bytes a scroll (k) · {:>6.0} bytes a full redraw · {:>6.1} bytes/s idle",
        f.first_frame_ms, f.bytes_per_key, f.first_k, f.scroll, f.redraw, f.idle_per_s
    );
}

/// The figures of one program over `runs` starts: `start(run)` spawns it, `ready` is
/// on screen once its first frame is, `insert` starts typing text, `quit` ends it.
fn figures(
    runs: usize,
    start: impl Fn(usize) -> Pty,
    (ready, loaded): (&str, &str),
    insert: &str,
    quit: &str,
) -> Figures {
    let mut first = Vec::new();
    let (mut keys, mut firsts, mut scrolls, mut redraws) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut idle = 0.0;
    for run in 0..runs {
        let mut p = start(run);
        first.push(p.wait(ready).as_secs_f64() * 1000.0);
        // Scrolled once all of it is read (the console shows a long incident in brief
        // first), so that a k costs what a k costs, not what reading the rest does.
        p.wait(loaded);
        p.settle();
        firsts.push(p.cost("k") as f64);
        scrolls.push(p.cost("k") as f64);
        p.cost("G");
        redraws.push(p.cost("\x0c") as f64);
        if run == 0 {
            let before = p.len();
            std::thread::sleep(Duration::from_secs(5));
            idle = (p.len() - before) as f64 / 5.0;
        }
        p.cost(insert);
        for c in "rolled back the deploy".chars() {
            keys.push(p.cost(&c.to_string()) as f64);
        }
        p.send(quit);
    }
    Figures {
        first_frame_ms: median(first),
        bytes_per_key: median(keys),
        first_k: median(firsts),
        scroll: median(scrolls),
        redraw: median(redraws),
        idle_per_s: idle,
    }
}

fn warroom(db: &std::path::Path, home: &std::path::Path, count: usize, runs: usize) -> Figures {
    let start = |run: usize| common::pty::console(BIN, db, home, run);
    let loaded = format!("{} entries", count + 1);
    figures(runs, start, ("following", &loaded), "i", "\x03")
}

/// vim on `file`, whose last line is `last`.
fn vim(file: &std::path::Path, last: &str, runs: usize) -> Option<Figures> {
    if !common::pty::vim_installed() {
        return None;
    }
    Some(figures(
        runs,
        |_| common::pty::vim(file),
        (last, last),
        "o",
        "\x1b:q!\r",
    ))
}

fn main() {
    let opt = common::arg;
    let (log, runs) = (opt("--log", 100_000), opt("--runs", 5));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    // One open incident with `log` entries, and the same count of lines for vim.
    let mut store = Store::open(&db, OpenOptions::write()).unwrap();
    let opened = store
        .append(vec![warroom::store::NewEvent::now(
            None,
            String::from("bench"),
            warroom::domain::Body::IncidentOpened {
                title: "Benchmark incident".into(),
                detected_at: None,
                drill: false,
                pace: None,
            },
        )])
        .unwrap();
    let incident = opened[0].incident;
    let start = opened[0].at - chrono::TimeDelta::milliseconds(log as i64 * 10);
    let events = filler(incident, "other", log, start, 10, |i| {
        format!("line {i:06}: checked the dashboards, error rate steady")
    });
    for chunk in events.chunks(10_000) {
        store.import_events(chunk).unwrap();
    }
    drop(store);
    let file = dir.path().join("log.txt");
    let text: String = (0..log)
        .map(|i| format!("line {i:06}: checked the dashboards, error rate steady\n"))
        .collect();
    std::fs::write(&file, text).unwrap();

    println!("terminal cost at 80x24, {log} entries, median of {runs} runs");
    let w = warroom(&db, dir.path(), log, runs);
    print("warroom", &w);
    match vim(&file, &format!("line {:06}", log - 1), runs) {
        Some(v) => {
            print("vim", &v);
            println!(
                "ratios   first frame {:.2} · bytes a key {:.2} · first k {:.2} · scroll {:.2} · full redraw {:.2}",
                w.first_frame_ms / v.first_frame_ms,
                w.bytes_per_key / v.bytes_per_key,
                w.first_k / v.first_k.max(1.0),
                w.scroll / v.scroll.max(1.0),
                w.redraw / v.redraw.max(1.0)
            );
        }
        None => println!("vim is not installed: no anchor in this run"),
    }
}
