//! Shared test helpers: a temp database and the real binary pointed at it.
#![allow(dead_code)]
// Helpers of tests, outside #[test] functions: a panic is how they report a failure.
#![allow(clippy::unwrap_used)]

pub mod fixture;
pub mod peers;
pub mod pty;
pub mod sshd;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub use rustix::process::Signal;

/// Sends `signal` to the test's own child process `pid` (gone already: nothing).
pub fn send_signal(pid: i32, signal: Signal) {
    if let Some(pid) = rustix::process::Pid::from_raw(pid) {
        let _ = rustix::process::kill_process(pid, signal);
    }
}

/// The built `warroom` binary.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_warroom")
}

/// A temp directory with a database path, and commands that use it.
pub struct Env {
    pub dir: TempDir,
    pub db: PathBuf,
}

impl Env {
    pub fn new() -> Env {
        let dir = TempDir::new().expect("temp dir");
        let db = dir.path().join("warroom.db");
        Env { dir, db }
    }

    /// `warroom` with this database, author `alice` and UTC times.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::from_std(self.std_cmd());
        cmd.timeout(Duration::from_secs(60));
        cmd
    }

    /// The same as a std command, for processes the test manages itself.
    pub fn std_cmd(&self) -> std::process::Command {
        std_cmd_for(&self.db)
    }

    /// Runs `warroom ARGS` and returns stdout, failing the test if it fails.
    pub fn ok(&self, args: &[&str]) -> String {
        self.ok_both(args).0
    }

    /// Runs `warroom ARGS` and returns stdout and stderr, failing the test if it fails.
    pub fn ok_both(&self, args: &[&str]) -> (String, String) {
        let out = self.cmd().args(args).output().expect("run warroom");
        assert!(
            out.status.success(),
            "warroom {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8(out.stdout).expect("utf-8 stdout"),
            String::from_utf8(out.stderr).expect("utf-8 stderr"),
        )
    }

    /// Runs `warroom ARGS`, expects failure, and returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        self.fails_both(args).1
    }

    /// Runs `warroom ARGS`, expects failure, and returns stdout and stderr.
    pub fn fails_both(&self, args: &[&str]) -> (String, String) {
        let out: Output = self.cmd().args(args).output().expect("run warroom");
        assert!(
            !out.status.success(),
            "warroom {args:?} should have failed; stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        (
            String::from_utf8(out.stdout).expect("utf-8 stdout"),
            String::from_utf8(out.stderr).expect("utf-8 stderr"),
        )
    }

    /// Declares an incident and returns its id.
    pub fn declare(&self, title: &str) -> String {
        self.ok(&["declare", "--title", title, "--severity", "P2"])
            .trim()
            .to_string()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Starts `warroom log --lines ARGS` as `user`, feeding it `lines` from a thread;
    /// its stdout (one id per committed line) and stderr are piped.
    pub fn line_writer(
        &self,
        user: &str,
        args: &[&str],
        lines: impl IntoIterator<Item = String> + Send + 'static,
    ) -> Child {
        let mut child = self
            .std_cmd()
            .args(["log", "--lines"])
            .args(args)
            .env("WARROOM_USER", user)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn a writer");
        let mut stdin = child.stdin.take().expect("piped stdin");
        std::thread::spawn(move || {
            for line in lines {
                writeln!(stdin, "{line}").expect("feed the writer");
            }
        });
        child
    }

    /// Starts `warroom ARGS` (for example `tail --follow`) and collects its stdout lines.
    pub fn follow(&self, args: &[&str]) -> Follow {
        let mut child = self
            .std_cmd()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn warroom");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Follow {
            child,
            rx,
            lines: Vec::new(),
        }
    }
}

/// A running `warroom` whose stdout is gathered line by line; killed when dropped.
pub struct Follow {
    child: Child,
    rx: mpsc::Receiver<String>,
    /// Every line printed so far (as of the last wait or drain).
    pub lines: Vec<String>,
}

impl Follow {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Takes in whatever lines have arrived.
    pub fn drain(&mut self) {
        while let Ok(line) = self.rx.try_recv() {
            self.lines.push(line);
        }
    }

    /// Waits until at least `n` lines have been printed.
    pub fn wait_lines(&mut self, what: &str, n: usize, timeout: Duration) {
        wait_for(what, timeout, || {
            self.drain();
            self.lines.len() >= n
        });
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `warroom` on the database at `db`, author `alice`, UTC times, the built-in playbook,
/// and no config file of the person running the tests (their config folder is a
/// missing one beside the database).
pub fn std_cmd_for(db: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(bin());
    cmd.env("WARROOM_DB", db)
        .env("WARROOM_USER", "alice")
        .env("TZ", "UTC")
        .env("XDG_CONFIG_HOME", config_home(db))
        .env_remove("WARROOM_CONFIG")
        .env_remove("WARROOM_RING")
        .env_remove("WARROOM_PLAYBOOK");
    cmd
}

/// A config folder no test writes to, beside the database `db`: no settings.
pub fn config_home(db: &Path) -> PathBuf {
    db.parent().unwrap_or(Path::new(".")).join("no-config-here")
}

/// Waits until `check` holds, polling; panics with `what` after `timeout`.
pub fn wait_for(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        if start.elapsed() > timeout {
            panic!("timed out after {timeout:?} waiting for {what}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The texts of every typed entry stored in the database at `db`.
pub fn texts(db: &Path) -> Vec<String> {
    let store = warroom::store::Store::open(db, warroom::store::OpenOptions::read())
        .expect("open the database");
    store
        .all_events()
        .expect("read the events")
        .iter()
        .filter_map(|e| e.body.text().map(str::to_string))
        .collect()
}

/// Bytes of a file, for checking it was left unchanged.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

/// What someone who knows the chain's encoding does after editing a row with plain
/// SQL: recomputes the hash of the row at `pos` from its fields as they now stand and
/// the link it holds, and stores it. Returns that hash.
pub fn rehash(db: &Path, pos: i64) -> warroom::domain::ChainHash {
    use warroom::domain::{ChainFields, ChainHash};
    let conn = rusqlite::Connection::open(db).unwrap();
    let hash = conn
        .query_row(
            "SELECT id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload, prev \
             FROM events WHERE pos = ?1",
            [pos],
            |r| {
                let text = |i| r.get::<_, String>(i);
                let (id, origin, incident, author, kind, payload) =
                    (text(0)?, text(1)?, text(3)?, text(4)?, text(7)?, text(8)?);
                let prev = ChainHash::from_bytes(&r.get::<_, Vec<u8>>(9)?).unwrap();
                Ok(ChainFields {
                    id: &id,
                    origin: &origin,
                    seq: r.get(2)?,
                    incident: &incident,
                    author: &author,
                    at_ms: r.get(5)?,
                    logged_at_ms: r.get(6)?,
                    kind: &kind,
                    payload: &payload,
                }
                .hash(&prev))
            },
        )
        .unwrap();
    conn.execute(
        "UPDATE events SET hash = ?1 WHERE pos = ?2",
        rusqlite::params![hash.0.as_slice(), pos],
    )
    .unwrap();
    hash
}
