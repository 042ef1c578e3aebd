//! Many processes on one file, and writers killed mid-stream: nothing acknowledged is lost.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use common::Env;
use warroom::store::{OpenOptions, Store};

fn stored_ids(env: &Env) -> HashSet<String> {
    let store = Store::open(&env.db, OpenOptions::read()).expect("open");
    store.integrity_check().expect("integrity_check is ok");
    store
        .all_events()
        .unwrap()
        .iter()
        .map(|e| e.id.to_string())
        .collect()
}

#[test]
fn eight_processes_appending_500_entries_each_lose_nothing() {
    let env = Env::new();
    env.declare("load");
    let writers: Vec<_> = (0..8)
        .map(|w| {
            let lines = (0..500).map(move |i| format!("writer {w} entry {i}"));
            env.line_writer(&format!("writer{w}"), &["-"], lines)
        })
        .collect();
    let mut acknowledged = HashSet::new();
    for child in writers {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "writer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ids: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        assert_eq!(ids.len(), 500);
        acknowledged.extend(ids);
    }
    assert_eq!(acknowledged.len(), 4000);
    let stored = stored_ids(&env);
    assert!(acknowledged.is_subset(&stored));
    assert_eq!(
        stored.len(),
        4000 + 3,
        "4,000 entries and the 3 from declaring"
    );

    // Each writer's entries are in its own order in the fold.
    let tail = env.ok(&["tail"]);
    for w in 0..8 {
        let order: Vec<usize> = tail
            .lines()
            .filter_map(|l| l.split(&format!("writer {w} entry ")).nth(1))
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(order, (0..500).collect::<Vec<_>>(), "writer {w}");
    }
}

#[test]
fn processes_creating_a_fresh_file_at_once_all_succeed() {
    let env = Env::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            env.std_cmd()
                .args(["declare", "--title", &format!("incident {i}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(env.ok(&["incidents"]).lines().count(), 9);
}

/// Starts a streaming writer and returns it with a channel of the ids it acknowledged.
fn streaming_writer(env: &Env) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut child = env
        .std_cmd()
        .args(["log", "--lines", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn writer");
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        for i in 0.. {
            if writeln!(stdin, "entry {i}").is_err() {
                break;
            }
        }
    });
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            match line {
                Ok(id) => {
                    if tx.send(id).is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    });
    (child, rx)
}

#[test]
fn a_writer_killed_mid_stream_loses_no_acknowledged_entry() {
    let env = Env::new();
    env.declare("kill -9");
    let mut acknowledged = HashSet::new();
    for round in 0..4 {
        let (mut child, acks) = streaming_writer(&env);
        let target = 100 + round * 57;
        let mut seen = 0;
        while seen < target {
            let id = acks
                .recv_timeout(Duration::from_secs(30))
                .expect("writer acknowledges");
            acknowledged.insert(id);
            seen += 1;
        }
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        // Acknowledgements already written before the kill count too.
        while let Ok(id) = acks.recv_timeout(Duration::from_millis(200)) {
            acknowledged.insert(id);
        }
        let stored = stored_ids(&env);
        let lost: Vec<_> = acknowledged.difference(&stored).collect();
        assert!(
            lost.is_empty(),
            "round {round}: acknowledged but missing: {lost:?}"
        );
    }
    // The file still takes writes after all that.
    env.ok(&["log", "after the crashes"]);
}

#[test]
fn separate_log_commands_killed_at_random_lose_nothing_that_succeeded() {
    let env = Env::new();
    env.declare("kill -9, one command at a time");
    let mut succeeded = HashSet::new();
    for i in 0..40u64 {
        let mut child = env
            .std_cmd()
            .args(["log", &format!("entry {i}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Kill some while they run, at varying points; let others finish.
        if i % 2 == 0 {
            std::thread::sleep(Duration::from_micros((i * 731) % 4000));
            let _ = child.kill();
        }
        let out = child.wait_with_output().unwrap();
        assert!(
            i % 2 == 0 || out.status.success(),
            "entry {i}, left alone, failed after the kills before it"
        );
        if out.status.success() {
            succeeded.insert(String::from_utf8(out.stdout).unwrap().trim().to_string());
        }
    }
    let stored = stored_ids(&env);
    let lost: Vec<_> = succeeded.difference(&stored).collect();
    assert!(lost.is_empty(), "reported written but missing: {lost:?}");
}

#[test]
fn tail_follow_prints_entries_other_processes_append() {
    let env = Env::new();
    env.declare("follow me");
    let mut follow = env.follow(&["tail", "--follow"]);
    follow.wait_lines("the existing timeline", 3, Duration::from_secs(20));
    env.ok(&["log", "--as", "bob", "written by another process"]);
    env.ok(&["log", "--kind", "decision", "and a decision"]);
    follow.wait_lines("the new entries", 5, Duration::from_secs(20));
    // One more entry, written last: once it is out, any entry printed twice is too.
    env.ok(&["log", "the last word"]);
    follow.wait_lines("the last entry", 6, Duration::from_secs(20));
    let lines = &follow.lines;
    assert!(lines[5].contains("the last word"), "{lines:?}");
    assert!(
        lines[3].contains("bob: written by another process"),
        "{lines:?}"
    );
    assert!(
        lines[4].contains("DECISION") && lines[4].contains("and a decision"),
        "{lines:?}"
    );
    assert_eq!(lines.len(), 6, "each entry once: {lines:?}");
}

#[test]
fn an_entry_too_large_to_sync_is_refused_clearly_and_changes_nothing() {
    let env = Env::new();
    env.declare("big paste");
    let before = stored_ids(&env);
    let file_before = common::bytes(&env.db);
    let huge = "a pasted log line that goes on and on\n".repeat(200 * 1024 / 38);
    let out = env
        .cmd()
        .args(["log", "-"])
        .write_stdin(huge.clone())
        .output()
        .unwrap();
    assert!(!out.status.success(), "a 200 KiB entry is refused");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("over the 128 KiB one entry may hold")
            && err.contains("nothing was written")
            && err.contains("Shorten it"),
        "{err}"
    );
    assert_eq!(stored_ids(&env), before, "nothing was stored");
    assert_eq!(common::bytes(&env.db), file_before);
    // Just under the limit is fine, and so is the next entry.
    env.ok(&["log", &"x".repeat(100 * 1024)]);
    env.ok(&["log", "after the refusal"]);
    assert_eq!(stored_ids(&env).len(), before.len() + 2);
}
