//! SIGPIPE: commands that just print end quietly when their reader goes away; the
//! console and the peer commands, which talk to peers through pipes, never die of it.
#![cfg(target_os = "linux")]
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::pty::Console;
use common::{Env, Signal, send_signal, wait_for};

const LONG: Duration = Duration::from_secs(60);

/// Whether the process ignores SIGPIPE, from the `SigIgn` mask in /proc/PID/status.
fn ignores_sigpipe(pid: u32) -> bool {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read status");
    let mask = status
        .lines()
        .find_map(|l| l.strip_prefix("SigIgn:"))
        .expect("a SigIgn line");
    let mask = u64::from_str_radix(mask.trim(), 16).expect("a hex mask");
    // Signal n is bit n - 1.
    mask & (1 << (Signal::PIPE.as_raw() - 1)) != 0
}

/// Gathers a child's stderr lines as they come.
fn collect_stderr(child: &mut Child) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let stderr = child.stderr.take().expect("piped stderr");
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

fn said(lines: &Mutex<Vec<String>>, text: &str) -> usize {
    lines
        .lock()
        .unwrap()
        .iter()
        .filter(|l| l.contains(text))
        .count()
}

/// A child killed and reaped when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The pids of a process's children, from /proc/*/stat.
fn children_of(pid: u32) -> Vec<i32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("read /proc").flatten() {
        let Ok(child) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ...": comm may hold spaces, so read after its ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            found.push(child);
        }
    }
    found
}

#[test]
fn the_peer_commands_and_the_console_ignore_sigpipe_and_printing_commands_do_not() {
    let env = Env::new();
    env.declare("Checkout down");

    let mut serve = env
        .std_cmd()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn serve");
    let log = collect_stderr(&mut serve);
    let serve = Running(serve);
    wait_for("the server to listen", LONG, || {
        said(&log, "on 127.0.0.1:") > 0
    });
    assert!(ignores_sigpipe(serve.0.id()), "serve must ignore SIGPIPE");

    let mut sync = env
        .std_cmd()
        .args(["sync", "--follow", "--via", "cat"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sync");
    let log = collect_stderr(&mut sync);
    let sync = Running(sync);
    wait_for("sync to connect", LONG, || said(&log, "connecting") > 0);
    assert!(ignores_sigpipe(sync.0.id()), "sync must ignore SIGPIPE");

    let console = Console::start(&env, &[]);
    console.wait_text("Checkout down");
    assert!(
        ignores_sigpipe(console.pid() as u32),
        "the console must ignore SIGPIPE"
    );

    let mut tail = env.follow(&["tail", "--follow"]);
    tail.wait_lines("the timeline", 3, LONG);
    assert!(
        !ignores_sigpipe(tail.pid()),
        "tail keeps SIGPIPE's default, to end quietly when its reader goes away"
    );
}

#[test]
fn tail_ends_quietly_when_its_reader_goes_away() {
    let env = Env::new();
    env.declare("Checkout down");
    let mut child = env
        .std_cmd()
        .args(["tail", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tail");
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    stdout.read_line(&mut first).expect("read a line");
    assert!(first.contains("OPENED"), "{first}");
    drop(stdout); // `| head -1`
    let mut stderr = child.stderr.take().expect("piped stderr");
    let mut child = Running(child);

    // The next entries find nobody reading.
    let mut status = None;
    wait_for("tail to end", LONG, || {
        env.ok(&["log", "nobody reads this"]);
        status = child.0.try_wait().expect("try_wait");
        status.is_some()
    });
    let status = status.expect("an exit status");
    assert!(
        status.success() || status.signal() == Some(Signal::PIPE.as_raw()),
        "tail ends quietly: {status:?}"
    );
    let mut said = String::new();
    stderr.read_to_string(&mut said).expect("read stderr");
    assert_eq!(said, "", "and says nothing");
}

#[test]
fn sync_follow_reconnects_after_the_pipe_to_its_peer_breaks() {
    let (a, b) = (Env::new(), Env::new());
    let incident = a.declare("Checkout down");
    b.declare("Search slow");
    // What `--peer ssh://...` does, with the peer's side run directly.
    let via = format!(
        "exec '{}' --db '{}' serve --stdio",
        common::bin(),
        b.db.display()
    );
    let mut child = a
        .std_cmd()
        .args(["sync", "--follow", "--via", &via])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sync");
    let log = collect_stderr(&mut child);
    let mut child = Running(child);
    wait_for("the link to go live", LONG, || {
        said(&log, "in sync, following") > 0
    });

    // The peer's end dies (ssh dropped); the next thing written finds the pipe closed.
    let peers = children_of(child.0.id());
    assert_eq!(peers.len(), 1, "one peer process: {peers:?}");
    // The test's own grandchild, by the pid just read.
    send_signal(peers[0], Signal::KILL);
    a.ok(&[
        "log",
        "--incident",
        &incident,
        "written while the peer is gone",
    ]);

    wait_for("a reconnection", LONG, || {
        said(&log, "in sync, following") > 1 || child.0.try_wait().expect("try_wait").is_some()
    });
    assert_eq!(
        child.0.try_wait().expect("try_wait"),
        None,
        "sync --follow must survive the broken pipe; it said: {:?}",
        log.lock().unwrap()
    );
    assert!(said(&log, "disconnected") > 0, "{:?}", log.lock().unwrap());
    wait_for("the entry to reach the peer", LONG, || {
        b.ok(&["tail", "--incident", &incident])
            .contains("written while the peer is gone")
    });
}
