//! Shared test helpers: a temp database and the real binary pointed at it.
#![allow(dead_code)]

pub mod fixture;
pub mod pty;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use tempfile::TempDir;

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
        let mut cmd = assert_cmd::Command::new(bin());
        self.configure(&mut cmd);
        cmd.timeout(Duration::from_secs(60));
        cmd
    }

    /// A std command, for processes the test manages itself.
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(bin());
        cmd.env("WARROOM_DB", &self.db)
            .env("WARROOM_USER", "alice")
            .env("TZ", "UTC")
            .env_remove("WARROOM_PLAYBOOK");
        cmd
    }

    fn configure(&self, cmd: &mut assert_cmd::Command) {
        cmd.env("WARROOM_DB", &self.db)
            .env("WARROOM_USER", "alice")
            .env("TZ", "UTC")
            .env_remove("WARROOM_PLAYBOOK");
    }

    /// Runs `warroom ARGS` and returns stdout, failing the test if it fails.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run warroom");
        assert!(
            out.status.success(),
            "warroom {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs `warroom ARGS`, expects failure, and returns stderr.
    pub fn fails(&self, args: &[&str]) -> String {
        let out: Output = self.cmd().args(args).output().expect("run warroom");
        assert!(
            !out.status.success(),
            "warroom {args:?} should have failed; stdout: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
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

/// Bytes of a file, for checking it was left unchanged.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}
