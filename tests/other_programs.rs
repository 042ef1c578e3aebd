//! Other programs on the same file: an operator's `sqlite3` shell taking a backup, and a
//! file truncated under a running console. Nothing committed may be lost, and a file
//! that was a database is never silently made into a new one.

mod common;

use std::path::Path;
use std::process::Command;

use common::Env;
use common::peers::{Host, LONG, Server};
use common::pty::{Console, timeline_has};
use common::wait_for;

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

fn texts(db: &Path) -> Vec<String> {
    let store = warroom::store::Store::open(db, warroom::store::OpenOptions::read()).unwrap();
    store
        .all_events()
        .unwrap()
        .iter()
        .filter_map(|e| e.body.text().map(str::to_string))
        .collect()
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
    let out = sqlite3()
        .arg(&a.env.db)
        .arg(format!(".backup '{}'", copy.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    let mut console = Console::start(&env, &[]);
    console.wait_text("about to be truncated");
    console.wait_text("following");
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
    let mut console = Console::start(&env, &[]);
    console.wait_text("about to be deleted");
    console.wait_text("following");
    std::fs::remove_file(&env.db).unwrap();
    let err = env.fails(&["declare", "--title", "a new start"]);
    assert!(err.contains("deleted while in use"), "{err}");
    assert!(!env.db.exists(), "nothing was created");
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
