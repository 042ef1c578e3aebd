//! Files people may only read, a full disk, and a folder a team shares: real Unix users
//! (numeric ids switched to by the test, which runs as root in CI), a real tmpfs that
//! fills up, and the real binary.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::pty::{Console, timeline_has};
use common::{Env, bin};

/// A user with no write access to anything here (the conventional `nobody`).
const NOBODY: u32 = 65534;
/// A team's group, and two of its members.
const TEAM: u32 = 61000;
const ANA: u32 = 61001;
const BEN: u32 = 61002;

/// Whether the test can switch users and mount file systems. CI runs as root; elsewhere
/// these tests say why they did nothing.
fn root() -> bool {
    let root = rustix::process::geteuid().is_root();
    if !root {
        eprintln!("skipped: switching users and mounting a small disk need root (CI runs as root)");
    }
    root
}

/// `warroom ARGS` on `db` as user `uid` (group `gid`) with `umask`.
fn warroom_as(uid: u32, gid: u32, umask: u32, db: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(bin());
    cmd.args(args)
        .env("WARROOM_DB", db)
        .env("WARROOM_USER", format!("user{uid}"))
        .env("HOME", "/nonexistent")
        .env("TZ", "UTC")
        .env_remove("WARROOM_PLAYBOOK")
        .uid(uid)
        .gid(gid);
    with_umask(&mut cmd, umask);
    cmd.output().expect("run warroom as another user")
}

/// Gives the child `umask` (the tool std offers for that, `pre_exec`, is `unsafe`).
#[allow(unsafe_code)]
fn with_umask(cmd: &mut Command, umask: u32) {
    let mask = rustix::fs::Mode::from_bits_truncate(umask as rustix::fs::RawMode);
    // SAFETY: between fork and exec the closure only calls umask, which allocates
    // nothing, takes no lock and touches only the child's own state.
    unsafe {
        cmd.pre_exec(move || {
            rustix::process::umask(mask);
            Ok(())
        });
    }
}

fn ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn err(out: &Output, what: &str) -> String {
    assert!(!out.status.success(), "{what} should have failed");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn side_files(db: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.exists())
        .collect()
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// An env whose folder others may enter and read, holding a database with an incident
/// and a note, closed (so no `-wal` or `-shm` beside it).
fn readable_env() -> Env {
    let env = Env::new();
    env.declare("readable only");
    env.ok(&["log", "a note written by its owner"]);
    chmod(env.dir.path(), 0o755);
    assert!(side_files(&env.db).is_empty(), "closed cleanly");
    env
}

#[test]
fn a_database_one_may_only_read_is_read_with_no_writer_running() {
    if !root() {
        return;
    }
    let env = readable_env();
    let reads: [&[&str]; 4] = [
        &["tail"],
        &["show"],
        &["incidents"],
        &["export", "--format", "markdown"],
    ];
    for args in reads {
        let out = warroom_as(NOBODY, NOBODY, 0o022, &env.db, args);
        let text = ok(&out, &format!("{args:?} as nobody"));
        assert!(text.contains("readable only"), "{args:?}: {text}");
    }
    let out = warroom_as(NOBODY, NOBODY, 0o022, &env.db, &["log", "x"]);
    let message = err(&out, "log as nobody");
    assert!(message.contains("read-only"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(
        side_files(&env.db).is_empty(),
        "a reader left nothing behind"
    );
}

#[test]
fn the_console_reads_a_file_it_may_not_write_and_sees_what_a_writer_adds_later() {
    if !root() {
        return;
    }
    let env = readable_env();
    // The console runs as nobody, through setpriv.
    let mut console = Console::start_command(
        &env,
        "setpriv",
        &[
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            bin(),
        ],
    );
    console.wait_text("readable only");
    console.wait_text("read-only (you may not write this file or its folder)");
    console.wait_for("the owner's note", |s| timeline_has(s, "a note written"));
    env.ok(&["log", "added while the console reads"]);
    console.wait_for("the later note", |s| timeline_has(s, "added while the"));
    console.send("\x03");
    assert!(console.wait_exit().success());
}

/// A child process killed when dropped, even when the test fails first.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> SmallDisk {
        let dir = tempfile::TempDir::new().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("run mount");
        assert!(status.success(), "mount a tmpfs");
        SmallDisk { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a file until the disk has no room left.
    fn fill(&self) {
        let out = Command::new("dd")
            .args(["if=/dev/zero", "bs=4096"])
            .arg(format!("of={}", self.path("filler").display()))
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("No space left"),
            "the disk filled up"
        );
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_stops_writing_with_its_reason_and_never_stops_reading() {
    if !root() {
        return;
    }
    let disk = SmallDisk::mount("1m");
    let db = disk.path("warroom.db");
    let run = |args: &[&str]| {
        let mut cmd = common::std_cmd_for(&db);
        cmd.args(args).output().unwrap()
    };
    ok(&run(&["declare", "--title", "on a small disk"]), "declare");
    ok(&run(&["log", "written before the disk filled"]), "log");
    disk.fill();

    for args in [
        &["tail"][..],
        &["show"],
        &["incidents"],
        &["export", "--format", "json"],
    ] {
        let text = ok(&run(args), &format!("{args:?} on a full disk"));
        assert!(text.contains("on a small disk"), "{args:?}: {text}");
    }
    let message = err(&run(&["log", "no room for this"]), "log on a full disk");
    assert!(message.contains("the disk holding"), "{message}");
    assert!(message.contains("is full"), "{message}");
    assert_eq!(message.lines().count(), 1, "{message}");

    let env = Env {
        dir: tempfile::TempDir::new().unwrap(),
        db: db.clone(),
    };
    let mut console = Console::start_sized(&env, &[], 30, 120);
    console.wait_text("on a small disk");
    console.wait_for("the note", |s| timeline_has(s, "written before the"));
    console.wait_text("the disk is full: entries stay in the box");
    // An entry typed now waits in the box, with the reason, until there is room.
    console.send("i");
    console.wait_text("Enter commits");
    console.send("typed on a full disk\r");
    console.wait_text("is full");
    assert!(!timeline_has(&console.screen(), "typed on a full disk"));

    std::fs::remove_file(disk.path("filler")).unwrap();
    console.send("\r");
    console.wait_for("the entry committed once there is room", |s| {
        timeline_has(s, "typed on a full disk")
    });
    console.send("\x03");
    assert!(console.wait_exit().success());
    ok(&run(&["log", "room again"]), "log once there is room");
    assert!(ok(&run(&["tail"]), "tail").contains("room again"));
}

#[test]
fn a_team_folder_gives_the_database_and_its_side_files_to_the_group() {
    if !root() {
        return;
    }
    for umask in [0o007, 0o022] {
        let env = Env::new();
        chmod(env.dir.path(), 0o755);
        let team = env.path("team");
        std::fs::create_dir(&team).unwrap();
        std::os::unix::fs::chown(&team, Some(0), Some(TEAM)).unwrap();
        chmod(&team, 0o2770);
        let db = team.join("warroom.db");

        let out = warroom_as(ANA, TEAM, umask, &db, &["declare", "--title", "shared"]);
        ok(&out, "declare as ana");
        let meta = std::fs::metadata(&db).unwrap();
        assert_eq!(meta.gid(), TEAM, "the folder's group");
        assert_eq!(
            meta.mode() & 0o060,
            0o060,
            "umask {umask:o}: the group may read and write ({:o})",
            meta.mode()
        );
        ok(
            &warroom_as(BEN, TEAM, umask, &db, &["log", "ben writes too"]),
            "log as ben",
        );
        // With a writer holding the file open, its side files are the group's too.
        let mut held = Command::new(bin());
        held.args(["tail", "--follow"])
            .env("WARROOM_DB", &db)
            .uid(ANA)
            .gid(TEAM)
            .stdout(std::process::Stdio::null());
        let held = Killed(held.spawn().unwrap());
        ok(
            &warroom_as(BEN, TEAM, umask, &db, &["log", "while ana follows"]),
            "log as ben while ana follows",
        );
        for side in side_files(&db) {
            let mode = std::fs::metadata(&side).unwrap().mode();
            assert_eq!(mode & 0o060, 0o060, "{}: {mode:o}", side.display());
        }
        ok(
            &warroom_as(ANA, TEAM, umask, &db, &["log", "ana again"]),
            "log as ana",
        );
        drop(held);
        let tail = ok(&warroom_as(BEN, TEAM, umask, &db, &["tail"]), "tail as ben");
        for text in ["ben writes too", "while ana follows", "ana again"] {
            assert!(tail.contains(text), "{text}: {tail}");
        }
    }
}
