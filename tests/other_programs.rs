//! Other programs on the same file: an operator's `sqlite3` shell taking a backup, and a
//! file truncated under a running console. Nothing committed may be lost, and a file
//! that was a database is never silently made into a new one.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::Env;
use common::peers::{Host, LONG, Server};
use common::pty::{Console, timeline_has};
use common::{texts, wait_for};

/// The `sqlite3` shell (`.ci/run` installs it when missing).
fn sqlite3() -> Command {
    let probe = Command::new("sqlite3").arg("-version").output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "these tests need the sqlite3 shell: install it (apt-get install sqlite3; .ci/run does)"
    );
    Command::new("sqlite3")
}

/// Whether the process `pid` holds an open file whose name ends with `suffix` and that
/// has been deleted from its directory.
fn holds_deleted(pid: i32, suffix: &str) -> bool {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .any(|target| {
            let target = target.to_string_lossy();
            target.ends_with(" (deleted)") && target.contains(suffix)
        })
}

#[test]
fn a_backup_by_the_sqlite3_shell_beside_a_live_console_loses_nothing() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    let server = Server::start(&b, "127.0.0.1:0", &[]);
    let incident = a.states()[0].id.to_string();
    let mut console = Console::start_sized(
        &a.env,
        &["tui", "--peer", &server.addr(), "--incident", &incident],
        40,
        200,
    );
    console.wait_text("shared incident");
    console.wait_text("in sync");
    // A file named in the console that is the database itself is refused, not opened
    // (opening and closing it would drop the console's locks).
    console.send(&format!(":theme {}\r", a.env.db.display()));
    console.wait_text("database in use");
    // The operator's backup while the console is the only other program on the file: a
    // second program opens it, copies it and closes.
    let copy = a.env.path("copy.db");
    sqlite3_run(&a.env.db, &format!(".backup '{}'", copy.display()));
    assert!(
        a.env.db.with_extension("db-wal").exists(),
        "the live write-ahead log is still there"
    );
    assert!(
        !holds_deleted(console.pid(), "-wal"),
        "the console writes to a log that is still on disk"
    );

    // Others following the file from now on must see what the console writes.
    let mut tail = a.env.follow(&["tail", "--follow", "--incident", &incident]);
    wait_for("the tail to start", LONG, || {
        tail.drain();
        tail.lines.iter().any(|l| l.contains("shared incident"))
    });

    console.send("i");
    console.wait_text("Enter commits");
    console.send("after backup\r");
    console.wait_for("the entry in the timeline", |s| {
        timeline_has(s, "after backup")
    });
    wait_for("tail --follow to see it", LONG, || {
        tail.drain();
        tail.lines.iter().any(|l| l.contains("after backup"))
    });
    wait_for("the peer to receive it", LONG, || {
        b.has_text("after backup")
    });
    b.env.ok(&["log", "--incident", &incident, "from the peer"]);
    console.wait_for("the peer's entry in the console", |s| {
        timeline_has(s, "from the peer")
    });

    console.send("\x03");
    assert!(console.wait_exit().success());
    drop(tail);
    drop(server);
    let kept = texts(&a.env.db);
    for text in ["after backup", "from the peer"] {
        assert!(
            kept.iter().any(|t| t == text),
            "{text:?} is in the file after everyone left: {kept:?}"
        );
    }
    assert!(
        texts(&copy).is_empty() || !texts(&copy).iter().any(|t| t.contains("after")),
        "the copy is the file as it was"
    );
}

#[test]
fn a_database_truncated_under_a_running_console_is_never_made_anew() {
    let env = Env::new();
    env.declare("about to be truncated");
    let mut console = Console::following(&env, "about to be truncated");
    let wal = env.db.with_extension("db-wal");
    assert!(
        std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0),
        "the console's log has frames"
    );

    let status = Command::new("truncate")
        .args(["-s", "0"])
        .arg(&env.db)
        .status()
        .unwrap();
    assert!(status.success());
    for args in [
        &["log", "--incident", "anything", "after the truncation"][..],
        &["declare", "--title", "a new start"][..],
    ] {
        let err = env.fails(args);
        assert!(err.contains("truncated"), "{args:?}: {err}");
        assert!(err.lines().count() == 1, "one line: {err}");
        assert_eq!(
            std::fs::metadata(&env.db).unwrap().len(),
            0,
            "{args:?} wrote nothing"
        );
    }
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn a_database_deleted_under_a_running_console_is_not_made_anew_beside_its_log() {
    let env = Env::new();
    env.declare("about to be deleted");
    let mut console = Console::following(&env, "about to be deleted");
    std::fs::remove_file(&env.db).unwrap();
    let err = env.fails(&["declare", "--title", "a new start"]);
    assert!(err.contains("deleted while in use"), "{err}");
    assert!(!env.db.exists(), "nothing was created");
    // The console itself writes nothing into the deleted file: the entry stays in the
    // box, with the reason, and in the draft.
    console.send("i");
    console.wait_text("Enter commits");
    console.send("after the deletion\r");
    console.wait_text("deleted or replaced");
    assert!(
        !timeline_has(&console.screen(), "after the deletion"),
        "not shown as logged"
    );
    common::wait_for("the draft", LONG, || {
        common::pty::drafts_holding(&env, "after the deletion")
    });
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn a_named_file_that_is_the_database_in_use_is_refused() {
    let env = Env::new();
    env.declare("named files");
    let db = env.db.display().to_string();
    let err = env.fails(&["--playbook", &db, "export", "--format", "markdown"]);
    assert!(err.contains("database in use"), "{err}");
}

/// `warroom sync` of `host` with the database at `far`, through a `--via` command;
/// returns stderr.
fn sync_via(host: &Host, far: &Path) -> String {
    let via = format!("{} --db '{}' serve --stdio", common::bin(), far.display());
    host.env.ok_both(&["sync", "--via", &via]).1
}

fn sqlite3_run(db: &Path, command: &str) {
    let out = sqlite3().arg(db).arg(command).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_database_restored_in_place_says_its_numbering_split_and_numbers_anew() {
    let (a, b) = (Host::new(), Host::new());
    let incident = a.states()[0].id.to_string();
    sync_via(&b, &a.env.db);
    let backup = b.env.path("backup.db");
    sqlite3_run(&b.env.db, &format!(".backup '{}'", backup.display()));
    b.env
        .ok(&["log", "--incident", &incident, "before the restore"]);
    sync_via(&b, &a.env.db);
    assert!(a.has_text("before the restore"));

    // The operator restores b from the older copy, in place, and b writes again: its
    // next number is one it already gave out.
    sqlite3_run(&b.env.db, &format!(".restore '{}'", backup.display()));
    b.env
        .ok(&["log", "--incident", &incident, "after the restore"]);
    let said = sync_via(&b, &a.env.db);
    assert!(
        said.contains("numbers events differently"),
        "the split is said, not passed over as in sync: {said}"
    );

    // b now writes as a new origin: what it logs reaches a again.
    b.env.ok(&["log", "--incident", &incident, "numbered anew"]);
    sync_via(&b, &a.env.db);
    assert!(a.has_text("numbered anew"), "sync goes on");
}

#[test]
fn a_restore_under_a_running_console_is_shown_and_never_reuses_a_number() {
    let env = Env::new();
    env.declare("restored under a console");
    let backup = env.path("backup.db");
    sqlite3_run(&env.db, &format!(".backup '{}'", backup.display()));
    let origin = |text: &str| -> (String, u64) {
        let store =
            warroom::store::Store::open(&env.db, warroom::store::OpenOptions::read()).unwrap();
        let e = store
            .all_events()
            .unwrap()
            .into_iter()
            .find(|e| e.body.text() == Some(text))
            .unwrap();
        (e.origin, e.seq)
    };
    let mut console = Console::start_sized(&env, &[], 30, 160);
    console.wait_text("restored under a console");
    console.send("i");
    console.wait_text("Enter commits");
    console.send("gone with the restore\r");
    console.wait_for("the entry", |s| timeline_has(s, "gone with the restore"));
    let (first_origin, _) = origin("gone with the restore");

    sqlite3_run(&env.db, &format!(".restore '{}'", backup.display()));
    console.wait_text("replaced or restored from an older copy");
    console.wait_for("the log as it is now", |s| {
        !timeline_has(s, "gone with the restore")
    });
    console.send("written after the restore\r");
    console.wait_for("the new entry", |s| {
        timeline_has(s, "written after the restore")
    });
    let (new_origin, seq) = origin("written after the restore");
    assert_ne!(
        new_origin, first_origin,
        "a number it gave out is never given again"
    );
    assert_eq!(seq, 1);
    console.send("\x1b");
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn a_file_moved_over_the_database_under_a_console_is_shown_and_never_written_blindly() {
    let env = Env::new();
    env.declare("the first file");
    let other = Env::new();
    other.declare("the file moved in");
    let mut console = Console::start_sized(&env, &[], 30, 160);
    console.wait_text("the first file");
    console.wait_text("following");
    console.send("i");
    console.wait_text("Enter commits");
    console.send("typed before the move");

    std::fs::rename(&other.db, &env.db).unwrap();
    console.wait_text("replaced or restored");
    console.wait_text("the file moved in");
    // The text was begun on the first file's incident: Enter asks before it goes to
    // the one moved in. Said yes to (after reading), the writer's file is gone from
    // the path: refused, and the text stays.
    console.send("\r");
    console.wait_text("This text was begun on");
    std::thread::sleep(std::time::Duration::from_millis(600));
    console.send("y");
    console.wait_text("deleted or replaced");
    assert!(
        !texts(&env.db).iter().any(|t| t == "typed before the move"),
        "nothing was filed in the file moved in"
    );
    let incidents = warroom::store::Store::open(&env.db, warroom::store::OpenOptions::read())
        .unwrap()
        .incidents()
        .unwrap();
    assert_eq!(incidents.len(), 1, "no incident made up from the old one");
    console.send("\x1b");
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn a_restore_under_a_live_link_is_said_and_the_link_goes_on_numbering_anew() {
    let (a, b) = (Host::new(), Host::new());
    a.allow(&b);
    b.allow(&a);
    let incident = a.states()[0].id.to_string();
    let server = Server::start(&a, "127.0.0.1:0", &[]);
    let mut follow = b
        .env
        .std_cmd()
        .args(["sync", "--follow", "--peer", &server.addr()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = said.clone();
    let stderr = follow.stderr.take().unwrap();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            sink.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    wait_for("the link", LONG, || {
        said.lock().unwrap().contains("in sync")
    });
    let backup = b.env.path("backup.db");
    sqlite3_run(&b.env.db, &format!(".backup '{}'", backup.display()));
    b.env
        .ok(&["log", "--incident", &incident, "c1 before the restore"]);
    wait_for("c1 on a", LONG, || a.has_text("c1 before the restore"));

    sqlite3_run(&b.env.db, &format!(".restore '{}'", backup.display()));
    b.env
        .ok(&["log", "--incident", &incident, "c2 after the restore"]);
    wait_for("the split said on the link", LONG, || {
        said.lock().unwrap().contains("numbers events differently")
    });
    b.env
        .ok(&["log", "--incident", &incident, "c3 numbered anew"]);
    wait_for("c3 on a", LONG, || a.has_text("c3 numbered anew"));
    let _ = follow.kill();
    let _ = follow.wait();
}

#[test]
fn a_link_that_loops_back_to_this_database_stops_with_one_line() {
    let env = Env::new();
    env.declare("looped");
    let err = env.fails(&["sync", "--follow", "--via", "cat"]);
    assert!(err.contains("this same database"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("warroom:")).count(),
        1,
        "{err}"
    );
}
