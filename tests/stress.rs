//! Sixteen writers on one file while the machine is loaded, a write lock held far past
//! the store's own wait, and a stream with bad lines in it: every acknowledged entry is
//! stored, no stream dies, and nothing is dropped because of contention.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::Env;
use warroom::store::{OpenOptions, Store};

fn stored_texts(env: &Env) -> Vec<String> {
    Store::open(&env.db, OpenOptions::read())
        .unwrap()
        .integrity_check()
        .unwrap();
    common::texts(&env.db)
}

/// Load the test makes itself: a busy loop per core, and a writer that fsyncs.
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(dir: &std::path::Path) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        for _ in 0..cores {
            let stop = stop.clone();
            threads.push(std::thread::spawn(move || {
                let mut x = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            }));
        }
        let path = dir.join("fsync-load");
        let io_stop = stop.clone();
        threads.push(std::thread::spawn(move || {
            let block = vec![0x5a; 256 * 1024];
            while !io_stop.load(Ordering::Relaxed) {
                let mut file = std::fs::File::create(&path).unwrap();
                file.write_all(&block).unwrap();
                file.sync_all().unwrap();
            }
        }));
        Load { stop, threads }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

const STREAMS: usize = 8;
const LINES: usize = 300;
const COMMANDS: usize = 8;
const CALLS: usize = 25;

#[test]
fn sixteen_writers_on_a_loaded_machine_lose_nothing_and_none_dies() {
    let env = Env::new();
    let incident = env.declare("stress");
    let load = Load::start(env.dir.path());
    let started = Instant::now();

    let streams: Vec<_> = (0..STREAMS)
        .map(|w| {
            let lines = (0..LINES).map(move |i| format!("stream {w} line {i}"));
            env.line_writer(&format!("stream{w}"), &["--incident", &incident], lines)
        })
        .collect();
    let commands: Vec<_> = (0..COMMANDS)
        .map(|w| {
            let db = env.db.clone();
            let incident = incident.clone();
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for i in 0..CALLS {
                    let text = format!("command {w} call {i}");
                    let out = common::std_cmd_for(&db)
                        .args(["log", "--incident", &incident, &text])
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{text}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    acknowledged.push(text);
                }
                acknowledged
            })
        })
        .collect();

    let mut acknowledged: HashSet<String> = HashSet::new();
    for (w, child) in streams.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "stream {w} died: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ids = String::from_utf8(out.stdout).unwrap().lines().count();
        assert_eq!(ids, LINES, "stream {w} acknowledged every line");
        acknowledged.extend((0..LINES).map(|i| format!("stream {w} line {i}")));
    }
    for command in commands {
        acknowledged.extend(command.join().unwrap());
    }
    drop(load);
    let stored: HashSet<String> = stored_texts(&env).into_iter().collect();
    let missing: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(missing.is_empty(), "lost: {missing:?}");
    assert_eq!(acknowledged.len(), STREAMS * LINES + COMMANDS * CALLS);
    eprintln!(
        "{} streams x {LINES} lines and {COMMANDS} writers x {CALLS} commands: {} entries acknowledged and stored in {:.1} s under load",
        STREAMS,
        acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn writers_wait_out_a_lock_held_past_the_stores_own_wait() {
    let env = Env::new();
    let incident = env.declare("held lock");
    let lock = rusqlite::Connection::open(&env.db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let stream = env.line_writer(
        "streamer",
        &["--incident", &incident],
        (0..5).map(|i| format!("held line {i}")),
    );
    let single = env
        .std_cmd()
        .args(["log", "--incident", &incident, "held single"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Longer than the store's own 10 s wait for the lock.
    std::thread::sleep(Duration::from_secs(12));
    lock.execute_batch("ROLLBACK").unwrap();
    for (what, child) in [("the stream", stream), ("the single log", single)] {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stored = stored_texts(&env);
    for text in (0..5)
        .map(|i| format!("held line {i}"))
        .chain(["held single".to_string()])
    {
        assert!(stored.contains(&text), "{text} was logged");
    }
}

#[test]
fn a_stream_names_its_bad_lines_and_logs_every_good_one() {
    let env = Env::new();
    let incident = env.declare("bad lines");
    let mut child = env
        .std_cmd()
        .args(["log", "--lines", "--incident", &incident])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = b"first\n".to_vec();
    input.extend_from_slice(b"not \xff utf-8\n");
    input.extend_from_slice(b"third\n");
    input.extend(std::iter::repeat_n(b'z', 200 * 1024));
    input.extend_from_slice(b"\nfifth\n");
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "non-zero at the end: {stderr}");
    assert!(stderr.contains("line 2 is not UTF-8"), "{stderr}");
    assert!(stderr.contains("line 4 is longer than"), "{stderr}");
    assert!(stderr.contains("2 of 5 lines were not logged"), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    let stored = stored_texts(&env);
    for text in ["first", "third", "fifth"] {
        assert!(stored.iter().any(|t| t == text), "{text}");
    }
}
