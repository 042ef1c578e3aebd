//! The command line, run as the real binary against temp databases.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Env, bytes};
use serde_json::Value;

#[test]
fn declare_log_and_tail_a_timeline() {
    let env = Env::new();
    let id = env.declare("Checkout failing in EU");
    assert_eq!(id.len(), 26, "declare prints the incident id: {id}");
    env.ok(&["log", "error rate started at 09:12"]);
    env.ok(&[
        "log", "--kind", "decision", "roll", "back", "deploy", "4512",
    ]);
    env.ok(&["log", "--kind", "hypothesis", "TLS change in 4512"]);
    env.ok(&["log", "--kind", "action", "rollback started"]);
    env.ok(&[
        "log",
        "--kind",
        "status",
        "--audience",
        "executives",
        "EU checkout down, ETA 15 min",
    ]);
    env.cmd()
        .args(["log", "-"])
        .write_stdin("read from stdin\n")
        .assert()
        .success();

    let tail = env.ok(&["tail"]);
    let lines: Vec<&str> = tail.lines().collect();
    assert_eq!(lines.len(), 9, "{tail}");
    assert!(lines[0].contains("OPENED") && lines[0].contains("Checkout failing in EU"));
    assert!(lines[1].contains("SEVERITY") && lines[1].contains("P2 HIGH"));
    assert!(lines[2].contains("STATUS") && lines[2].contains("investigating"));
    assert!(
        lines[3].contains("alice: error rate started at 09:12"),
        "{}",
        lines[3]
    );
    assert!(lines[4].contains("DECISION") && lines[4].ends_with("roll back deploy 4512"));
    assert!(lines[5].contains("HYPOTHESIS"));
    assert!(lines[6].contains("ACTION"));
    assert!(lines[7].contains("UPDATE/EXEC") && lines[7].contains("EU checkout down"));
    assert!(lines[8].contains("read from stdin"));

    let json = env.ok(&["tail", "--json", "--incident", &id]);
    let entries: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 9);
    assert_eq!(entries[8]["kind"], "note");
    let status = entries
        .iter()
        .find(|e| e["kind"] == "status_update")
        .unwrap();
    for key in ["id", "incident", "kind", "author", "at", "text"] {
        assert!(status.get(key).is_some(), "json lacks {key}: {status}");
    }
    assert_eq!(status["incident"], id.as_str());
    assert_eq!(status["author"], "alice");
    assert_eq!(status["payload"]["audience"], "executives");
    chrono::DateTime::parse_from_rfc3339(status["at"].as_str().unwrap()).expect("RFC 3339");
}

#[test]
fn the_author_comes_from_the_flag_then_the_environment() {
    let env = Env::new();
    env.declare("t");
    env.ok(&["log", "--as", "bob", "from bob"]);
    env.ok(&["log", "from alice"]);
    let tail = env.ok(&["tail"]);
    assert!(tail.contains("bob: from bob"), "{tail}");
    assert!(tail.contains("alice: from alice"), "{tail}");
}

#[test]
fn several_open_incidents_need_naming_and_the_error_lists_them() {
    let env = Env::new();
    let a = env.declare("Checkout down");
    let b = env.declare("Search slow");
    let err = env.fails(&["log", "hello"]);
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
    assert!(err.contains("2 incidents are open"), "{err}");
    assert!(
        err.contains(&a[20..].to_lowercase()) && err.contains("Checkout down"),
        "{err}"
    );
    assert!(
        err.contains(&b[20..].to_lowercase()) && err.contains("Search slow"),
        "{err}"
    );
    // Nothing was written.
    assert_eq!(env.ok(&["tail", "--incident", &a]).lines().count(), 3);
    // The short id (last six characters) names one.
    env.ok(&["log", "--incident", &a[20..], "for checkout"]);
    assert!(env.ok(&["tail", "--incident", &a]).contains("for checkout"));
    let err = env.fails(&["log", "--incident", "zzzzzz", "x"]);
    assert!(err.contains("no incident with id"), "{err}");
}

#[test]
fn logging_with_no_incident_says_to_declare_one() {
    let env = Env::new();
    let err = env.fails(&["log", "hello"]);
    assert!(err.contains("warroom declare"), "{err}");
}

#[test]
fn bad_input_is_refused_with_one_line_and_changes_nothing() {
    let env = Env::new();
    env.declare("t");
    let before = env.ok(&["tail", "--json"]);
    for (args, needle) in [
        (vec!["declare", "--title", "x", "--severity", "P7"], "P7"),
        (
            vec!["log", "--kind", "note", "--audience", "customers", "x"],
            "--audience applies to status updates",
        ),
        (vec!["log", "--at", "2999-01-01T00:00:00Z", "x"], "future"),
        (vec!["log", "--at", "teatime", "x"], "cannot read the time"),
        (vec!["log", "   "], "nothing to log"),
        (vec!["declare", "--title", "  "], "title is empty"),
    ] {
        let err = env.fails(&args);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(
            err.trim().lines().count() <= 4,
            "{args:?}: short error: {err}"
        );
    }
    assert_eq!(env.ok(&["tail", "--json"]), before);
    assert_eq!(env.ok(&["incidents"]).lines().count(), 2);
}

#[test]
fn backdated_entries_are_ordered_by_when_they_happened_and_marked() {
    let env = Env::new();
    env.ok(&[
        "declare",
        "--title",
        "t",
        "--detected-at",
        "2026-01-01T08:55:00Z",
    ]);
    env.ok(&["log", "now"]);
    env.ok(&["log", "--at", "2026-01-01T09:00:00Z", "earlier"]);
    let json = env.ok(&["tail", "--json"]);
    let entries: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries[0]["text"], "earlier");
    assert_eq!(entries[0]["backdated"], true);
    assert_eq!(entries[0]["at"], "2026-01-01T09:00:00.000Z");
    assert_ne!(entries[0]["logged_at"], entries[0]["at"]);
    assert_eq!(entries.last().unwrap()["text"], "now");
    assert_eq!(entries.last().unwrap()["backdated"], false);
    let text = env.ok(&["tail"]);
    assert!(
        text.lines().next().unwrap().contains("[back-dated; logged"),
        "{text}"
    );
    let show = env.ok(&["show"]);
    assert!(show.contains("started     2026-01-01 08:55:00"), "{show}");
}

#[test]
fn corrections_amend_or_strike_and_keep_the_original() {
    let env = Env::new();
    env.declare("t");
    let decision = env
        .ok(&["log", "--kind", "decision", "roll back 4512"])
        .trim()
        .to_string();
    let note = env.ok(&["log", "NAT is saturated"]).trim().to_string();
    env.ok(&[
        "correct",
        &decision[20..],
        "--text",
        "roll back 4512 in EU only",
    ]);
    env.ok(&[
        "correct",
        &note,
        "--strike",
        "--reason",
        "metrics are normal",
    ]);
    let tail = env.ok(&["tail"]);
    assert!(
        tail.contains("roll back 4512 in EU only [amended; was: roll back 4512]"),
        "{tail}"
    );
    assert!(tail.contains("NAT is saturated [struck]"), "{tail}");
    let err = env.fails(&["correct", &decision]);
    assert!(err.contains("--text") || err.contains("required"), "{err}");
    // A structural entry cannot be corrected.
    let json = env.ok(&["tail", "--json"]);
    let severity_id = json
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|e| e["kind"] == "severity_set")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let err = env.fails(&["correct", &severity_id, "--strike"]);
    assert!(err.contains("corrections apply to typed entries"), "{err}");
}

#[test]
fn hostile_text_is_stored_as_typed_but_printed_inert() {
    let env = Env::new();
    env.declare("t");
    let hostile = "a\u{1b}[2J\u{1b}]0;owned\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}31m\u{202e}z";
    env.ok(&["log", hostile]);
    let out = env.cmd().args(["tail"]).output().unwrap();
    assert!(out.status.success());
    for bad in [
        &[0x1b_u8][..],
        &[0x07],
        &[0xc2, 0x9b],
        "\u{202e}".as_bytes(),
    ] {
        assert!(
            !out.stdout.windows(bad.len()).any(|w| w == bad),
            "tail wrote {bad:?} raw"
        );
    }
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("a^[[2J^[]0;owned^G"), "{text}");
    assert!(text.contains("<U+009B>31m<U+202E>z"), "{text}");

    let json = env.cmd().args(["tail", "--json"]).output().unwrap().stdout;
    assert!(!json.contains(&0x1b) && !json.windows(2).any(|w| w == [0xc2, 0x9b]));
    let last: Value =
        serde_json::from_slice(json.split(|&b| b == b'\n').rev().nth(1).unwrap()).unwrap();
    assert_eq!(last["text"], hostile, "JSON keeps the text as typed");
    let md = env
        .cmd()
        .args(["export", "--format", "markdown"])
        .output()
        .unwrap()
        .stdout;
    assert!(!md.contains(&0x1b));
}

#[test]
fn incidents_and_show_describe_the_state() {
    let env = Env::new();
    env.ok(&[
        "declare",
        "--title",
        "Checkout down",
        "--severity",
        "P1",
        "--commander",
        "maya",
    ]);
    env.ok(&["declare", "--title", "Noisy alert", "--severity", "P5"]);
    let list = env.ok(&["incidents"]);
    assert!(
        list.contains("P1 CRITICAL") && list.contains("investigating") && list.contains("maya"),
        "{list}"
    );
    assert!(
        list.contains("P5 INFO") && list.contains("triage"),
        "{list}"
    );
    let json: Vec<Value> = env
        .ok(&["incidents", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(json.len(), 2);
    assert_eq!(json[0]["severity"], "P1");
    let id = json[0]["id"].as_str().unwrap();
    let show = env.ok(&["show", id]);
    assert!(
        show.contains("Checkout down")
            && show.contains("P1 CRITICAL")
            && show.contains("commander   maya"),
        "{show}"
    );
}

/// Where each of `cells` starts in `line`, in columns as a terminal shows them.
fn columns(line: &str, cells: &[&str]) -> Vec<usize> {
    use unicode_width::UnicodeWidthStr;
    cells
        .iter()
        .map(|cell| {
            let at = line
                .find(cell)
                .unwrap_or_else(|| panic!("{cell:?} not in {line:?}"));
            line[..at].width()
        })
        .collect()
}

#[test]
fn tables_line_up_wide_titles_and_long_names_by_display_width() {
    let env = Env::new();
    let wide = "支付失败：欧洲的结账服务全部中断";
    let long = "maximilian-alexander-von-longname";
    env.ok(&[
        "declare",
        "--title",
        wide,
        "--severity",
        "P2",
        "--commander",
        long,
    ]);
    env.ok(&[
        "declare",
        "--title",
        "Search slow",
        "--severity",
        "P3",
        "--commander",
        "ana",
    ]);
    let list = env.ok(&["incidents"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 3, "{list}");
    let header = columns(lines[0], &["SEVERITY", "STATUS", "COMMANDER", "TITLE"]);
    let wide_row = lines.iter().find(|l| l.contains(wide)).unwrap();
    let plain_row = lines.iter().find(|l| l.contains("Search slow")).unwrap();
    assert_eq!(
        columns(wide_row, &["P2 HIGH", "investigating", long, wide]),
        header,
        "{list}"
    );
    assert_eq!(
        columns(
            plain_row,
            &["P3 MEDIUM", "investigating", "ana", "Search slow"]
        ),
        header,
        "{list}"
    );
    assert!(
        lines.iter().all(|l| l.trim_end() == *l),
        "no trailing spaces"
    );

    let metrics = env.ok(&["metrics"]);
    let header = metrics.lines().find(|l| l.starts_with("ID ")).unwrap();
    let title_at = columns(header, &["TITLE"]);
    for title in [wide, "Search slow"] {
        let row = metrics.lines().find(|l| l.contains(title)).unwrap();
        assert_eq!(columns(row, &[title]), title_at, "{metrics}");
    }
}

#[test]
fn export_then_import_twice_changes_nothing_the_second_time() {
    let src = Env::new();
    let id = src.declare("Checkout down");
    src.ok(&["log", "--kind", "decision", "roll back"]);
    let jsonl = src.ok(&["export", "--format", "jsonl"]);
    assert_eq!(jsonl.lines().count(), 4);
    let file = src.path("events.jsonl");
    std::fs::write(&file, &jsonl).unwrap();

    let dst = Env::new();
    let first = dst
        .cmd()
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(first.status.success());
    assert!(
        String::from_utf8_lossy(&first.stderr)
            .contains("imported 4 new events (0 already present)")
    );
    let after_first = dst.ok(&["export", "--format", "jsonl"]);
    let second = dst
        .cmd()
        .args(["import", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&second.stderr)
            .contains("imported 0 new events (4 already present)")
    );
    assert_eq!(dst.ok(&["export", "--format", "jsonl"]), after_first);
    assert_eq!(
        after_first, jsonl,
        "events keep their ids, origins and times"
    );

    // The JSON document imports too, and carries the folded summary.
    let doc = src.ok(&["export", "--format", "json", "--incident", &id]);
    let value: Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(value["format"], "warroom-export");
    assert_eq!(value["incidents"][0]["severity"], "P2");
    assert_eq!(value["events"].as_array().unwrap().len(), 4);
    let third = Env::new();
    third
        .cmd()
        .args(["import", "-"])
        .write_stdin(doc)
        .assert()
        .success();
    assert_eq!(third.ok(&["export", "--format", "jsonl"]), jsonl);

    let md = src.ok(&["export", "--format", "markdown"]);
    assert!(md.starts_with("# Checkout down"), "{md}");
    assert!(md.contains("**roll back**"), "decisions stand out: {md}");
}

#[test]
fn a_bad_import_file_names_the_line_and_imports_nothing() {
    let env = Env::new();
    let src = Env::new();
    src.declare("t");
    let mut jsonl = src.ok(&["export", "--format", "jsonl"]);
    jsonl.push_str("{\"id\": \"nope\"}\n");
    let file = env.path("bad.jsonl");
    std::fs::write(&file, jsonl).unwrap();
    let err = env.fails(&["import", file.to_str().unwrap()]);
    assert!(
        err.contains("line 4") && err.contains("nothing was imported"),
        "{err}"
    );
    assert!(!env.db.exists() || env.ok(&["incidents"]).trim().is_empty());
}

#[test]
fn unknown_kinds_from_a_newer_version_are_kept_and_shown() {
    let env = Env::new();
    let id = env.declare("t");
    let line = format!(
        r#"{{"id":"01KB1VX0KVAAAAAAAAAAAAAAAA","origin":"future","seq":1,"incident":"{id}","author":"zed","at":"2026-01-01T00:00:00Z","logged_at":"2026-01-01T00:00:00Z","kind":"hologram","payload":{{"to":"mars"}}}}"#
    );
    env.cmd()
        .args(["import", "-"])
        .write_stdin(line)
        .assert()
        .success();
    let tail = env.ok(&["tail"]);
    assert!(
        tail.contains("UNKNOWN") && tail.contains("unknown entry of kind 'hologram'"),
        "{tail}"
    );
    let exported = env.ok(&["export", "--format", "jsonl"]);
    assert!(
        exported.contains(r#""kind":"hologram","payload":{"to":"mars"}"#),
        "{exported}"
    );
}

#[test]
fn demo_loads_a_realistic_incident() {
    let env = Env::new();
    let id = env.ok(&["demo"]).trim().to_string();
    let tail = env.ok(&["tail", "--incident", &id]);
    assert!(tail.lines().count() >= 30, "{tail}");
    for marker in [
        "ALERT",
        "DECISION",
        "HYPOTHESIS",
        "UPDATE/EXEC",
        "UPDATE/CUST",
        "COMMAND",
        "ROSTER",
        "ITEM",
        "CORRECTION",
    ] {
        assert!(tail.contains(marker), "demo lacks {marker}");
    }
    let list = env.ok(&["incidents"]);
    assert!(
        list.contains("closed") && list.contains("monitoring"),
        "{list}"
    );
}

#[test]
fn help_documents_every_command() {
    let env = Env::new();
    let help = env.ok(&["--help"]);
    for command in [
        "declare",
        "log",
        "correct",
        "tail",
        "incidents",
        "show",
        "export",
        "import",
        "demo",
    ] {
        assert!(help.contains(command), "--help lacks {command}");
        env.ok(&[command, "--help"]);
    }
}

#[test]
fn refusals_name_the_problem_and_leave_files_alone() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();

    // A file that is not a database.
    let notes = env.path("notes.txt");
    std::fs::write(
        &notes,
        "not a database at all, just some text that is long enough\n".repeat(4),
    )
    .unwrap();
    let before = bytes(&notes);
    let err = env
        .cmd()
        .env("WARROOM_DB", &notes)
        .args(["declare", "--title", "x"])
        .output()
        .unwrap();
    assert!(!err.status.success());
    let msg = String::from_utf8_lossy(&err.stderr);
    assert!(msg.contains("is not a warroom database"), "{msg}");
    assert_eq!(bytes(&notes), before);

    // A missing directory.
    let missing = env.path("no/such/dir/w.db");
    let err = env
        .cmd()
        .env("WARROOM_DB", &missing)
        .args(["declare", "--title", "x"])
        .output()
        .unwrap();
    assert!(!err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr).contains("does not exist"));
    assert!(!env.path("no").exists());

    // A read-only database.
    env.declare("frozen");
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let err = env.fails(&["log", "x"]);
    assert!(err.contains("read-only"), "{err}");
    assert!(env.ok(&["tail"]).contains("frozen"), "still readable");

    // Reading a path where nothing exists does not create a file there.
    let nowhere = env.path("typo.db");
    let err = env
        .cmd()
        .env("WARROOM_DB", &nowhere)
        .args(["tail"])
        .output()
        .unwrap();
    assert!(!err.status.success());
    assert!(String::from_utf8_lossy(&err.stderr).contains("no warroom database"));
    assert!(!nowhere.exists());
}

#[test]
fn a_database_from_a_newer_version_is_refused_unchanged() {
    let env = Env::new();
    env.declare("t");
    let conn = rusqlite::Connection::open(&env.db).unwrap();
    conn.pragma_update(None, "user_version", warroom::store::CURRENT_VERSION + 1)
        .unwrap();
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
        .unwrap();
    drop(conn);
    let before = bytes(&env.db);
    for args in [&["log", "x"][..], &["tail"][..]] {
        let err = env.fails(args);
        assert!(
            err.contains("newer warroom") && err.contains("Upgrade warroom"),
            "{err}"
        );
    }
    assert_eq!(bytes(&env.db), before);
}

#[test]
fn the_database_is_chosen_by_flag_then_environment_then_data_directory() {
    let env = Env::new();
    let home = env.path("home");
    std::fs::create_dir(&home).unwrap();
    let data = env.path("xdg-data");
    // No --db and no WARROOM_DB: the user's data directory, created on first use.
    let default = || {
        let mut cmd = env.cmd();
        cmd.env_remove("WARROOM_DB")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", &data);
        cmd
    };
    default()
        .args(["declare", "--title", "in the data dir"])
        .assert()
        .success();
    assert!(data.join("warroom/warroom.db").exists());
    let list = default().arg("incidents").output().unwrap();
    assert!(String::from_utf8_lossy(&list.stdout).contains("in the data dir"));

    // WARROOM_DB next, and --db above it.
    env.declare("in the env db");
    let flagged = env.path("flag.db");
    env.ok(&[
        "--db",
        flagged.to_str().unwrap(),
        "declare",
        "--title",
        "in the flag db",
    ]);
    let by_env = env.ok(&["incidents"]);
    assert!(by_env.contains("in the env db") && !by_env.contains("in the flag db"));
    let by_flag = env.ok(&["incidents", "--db", flagged.to_str().unwrap()]);
    assert!(by_flag.contains("in the flag db") && !by_flag.contains("in the env db"));
}

#[test]
fn a_bad_theme_file_is_refused_with_its_line_before_the_console_starts() {
    let env = Env::new();
    env.declare("t");
    let theme = env.path("mine.toml");
    std::fs::write(
        &theme,
        "name = \"mine\"\n[styles]\ntext = \"default\"\nmuted = \"blu\"\n",
    )
    .unwrap();
    let err = env.fails(&["--theme", theme.to_str().unwrap()]);
    assert!(
        err.contains("mine.toml line 4") && err.contains("unknown colour 'blu'"),
        "{err}"
    );
    let err = env.fails(&["tui", "--theme", "solarised"]);
    assert!(err.contains("dark, light, high-contrast, mono"), "{err}");
}

#[test]
fn resolve_checks_the_code_and_the_incident_before_asking_the_checklist() {
    let env = Env::new();
    env.declare("Checkout failing");
    let before = env.ok(&["tail", "--json"]);
    // Off a terminal, the typo is reported rather than the missing --checks.
    let err = env.fails(&["resolve", "rolback", "rolled back"]);
    assert!(
        err.contains("'rolback' is not a resolution code") && err.contains("rollback"),
        "{err}"
    );
    // On a terminal, before a single question.
    let mut t = common::pty::Console::start(&env, &["resolve", "rolback", "rolled back"]);
    assert!(!t.wait_exit().success());
    let screen = t.screen();
    assert!(screen.contains("not a resolution code"), "{screen}");
    assert!(
        !screen.contains("(y/n)"),
        "asked the checklist first:\n{screen}"
    );
    assert_eq!(env.ok(&["tail", "--json"]), before, "nothing was written");

    env.ok(&[
        "resolve",
        "rollback",
        "rolled back",
        "--checks",
        "yes,yes,yes",
    ]);
    let err = env.fails(&["resolve", "rollback", "again"]);
    assert!(err.contains("already resolved"), "{err}");
}

/// Makes the database file and its directory read-only for the test's lifetime.
struct Frozen<'a>(&'a Env);

impl<'a> Frozen<'a> {
    fn new(env: &'a Env) -> Frozen<'a> {
        use std::os::unix::fs::PermissionsExt;
        let set = |p: &std::path::Path, mode| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
        };
        set(&env.db, 0o444);
        set(env.dir.path(), 0o555);
        Frozen(env)
    }
}

impl Drop for Frozen<'_> {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(self.0.dir.path(), std::fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn review_and_update_print_read_a_read_only_database_and_change_nothing() {
    let env = Env::new();
    env.declare("Checkout failing");
    env.ok(&["finding", "cause", "a bad deploy"]);
    env.ok(&[
        "resolve",
        "rollback",
        "rolled back",
        "--checks",
        "yes,yes,yes",
    ]);
    let before = bytes(&env.db);
    let frozen = Frozen::new(&env);

    let review = env.ok(&["review"]);
    assert!(
        review.contains("Review of Checkout failing") && review.contains("a bad deploy"),
        "{review}"
    );
    // The incident is resolved: --print falls back to it, as reading commands do (the
    // executives' text names it; the customers' never carries the internal title).
    let text = env.ok(&["update", "--audience", "executives", "--print"]);
    assert!(text.contains("Checkout failing"), "{text}");
    let text = env.ok(&["update", "--audience", "customers", "--print"]);
    assert!(text.contains("The issue is resolved"), "{text}");
    // Writing is still refused, clearly.
    let err = env.fails(&["update", "--audience", "customers"]);
    assert!(err.contains("read-only"), "{err}");

    drop(frozen);
    assert!(bytes(&env.db) == before, "the database changed");
    // (Root may write in a read-only directory, so SQLite may leave its empty WAL and
    // shared-memory files there; nothing may be written into them.)
    let wal = env.path("warroom.db-wal");
    assert!(
        !wal.exists() || bytes(&wal).is_empty(),
        "a write reached the WAL"
    );
}

#[test]
fn reading_commands_create_no_database() {
    let env = Env::new();
    let err = env.fails(&["review"]);
    assert!(err.contains("no warroom database"), "{err}");
    let err = env.fails(&["update", "--audience", "customers", "--print"]);
    assert!(err.contains("no warroom database"), "{err}");
    assert!(!env.db.exists());
}

#[test]
fn correct_checks_its_arguments_first_and_finds_entries_by_their_ending() {
    let env = Env::new();
    // An empty text is refused before the database is even opened (or created).
    let err = env.fails(&["correct", "abcd", "--text", "  "]);
    assert!(err.contains("the corrected text is empty"), "{err}");
    assert!(!env.db.exists(), "nothing was created");

    env.declare("t");
    let note = env.ok(&["log", "NAT is saturated"]).trim().to_string();
    env.ok(&["correct", &note[20..].to_lowercase(), "--strike"]);
    assert!(env.ok(&["tail"]).contains("NAT is saturated [struck]"));
    // Wildcards are text, not patterns.
    let err = env.fails(&["correct", "%%%%", "--strike"]);
    assert!(err.contains("no entry with id '%%%%'"), "{err}");
    let err = env.fails(&["correct", "____", "--strike"]);
    assert!(err.contains("no entry with id '____'"), "{err}");
    let err = env.fails(&["correct", &note[24..], "--strike"]);
    assert!(err.contains("too short"), "{err}");
}

#[test]
fn interactive_triage_explains_a_refused_outcome_and_asks_again() {
    let env = Env::new();
    let mut t = common::pty::Console::start(&env, &["triage", "--title", "One report page broken"]);
    t.wait_text("1/3 Who is affected?");
    t.send("4\r");
    t.wait_text("2/3");
    t.send("2\r");
    t.wait_text("3/3");
    t.send("2\r");
    t.wait_text("P4 LOW (route)");
    t.wait_text("d declare, r route");
    t.send("d\r");
    t.wait_text("below the threshold to declare");
    // Still running, still holding the answers: route it instead.
    t.send("r\r");
    assert!(t.wait_exit().success(), "{}", t.screen());
    let list = env.ok(&["incidents"]);
    assert!(
        list.contains("P4 LOW") && list.contains("closed") && list.contains("One report page"),
        "{list}"
    );
    assert_eq!(list.lines().count(), 2, "one incident: {list}");
}

#[test]
fn an_unreadable_playbook_is_explained_by_where_it_came_from() {
    let env = Env::new();
    let missing = env.path("missing.toml");
    let missing = missing.to_str().unwrap();

    // Checked by name: nothing to do with --playbook, and nothing could have changed.
    let (out, err) = env.fails_both(&["playbook", "--check", missing]);
    let err = out + &err;
    assert!(err.contains("cannot read it"), "{err}");
    assert!(
        !err.contains("WARROOM_PLAYBOOK") && !err.contains("nothing was changed"),
        "{err}"
    );

    // Named by --playbook or the environment.
    let err = env.fails(&["--playbook", missing, "playbook"]);
    assert!(
        err.contains("cannot read it") && err.contains("check --playbook or WARROOM_PLAYBOOK"),
        "{err}"
    );
    let out = env
        .cmd()
        .env("WARROOM_PLAYBOOK", missing)
        .arg("playbook")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("WARROOM_PLAYBOOK"));

    // Found beside the database: say so, and how to do without it.
    std::fs::write(env.path("playbook.toml"), [0xff, 0xfe, 0x00]).unwrap();
    let err = env.fails(&["playbook"]);
    assert!(
        err.contains("playbook.toml")
            && err.contains("beside the database")
            && !err.contains("--playbook"),
        "{err}"
    );
}

/// The built-in playbook with `roles` replaced by `roles_line` (or left out when empty),
/// paging and contacts cut down to tech leads and communications.
fn playbook_with_roles(env: &Env, name: &str, roles_line: &str) -> std::path::PathBuf {
    let text = env.ok(&["playbook", "--print-default"]);
    let roles_at = text.find("\nroles = ").unwrap() + 1;
    let roles_end = roles_at + text[roles_at..].find('\n').unwrap() + 1;
    let legal_at = text.find("[[contacts]]\nname = \"legal-duty\"").unwrap();
    let legal_end = legal_at + text[legal_at..].find("\n\n").unwrap() + 2;
    let text = format!(
        "{}{roles_line}{}{}",
        &text[..roles_at],
        &text[roles_end..legal_at],
        &text[legal_end..]
    )
    .replace(
        r#"page = ["tech_lead", "communications", "legal"]"#,
        r#"page = ["tech_lead", "communications"]"#,
    );
    let path = env.path(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn only_the_roles_the_playbook_lists_can_be_assigned_or_paged() {
    let env = Env::new();
    env.declare("Login errors");
    let listed = playbook_with_roles(
        &env,
        "listed.toml",
        "roles = [\"tech_lead\", \"communications\"]\n",
    );
    let listed = listed.to_str().unwrap();
    env.ok(&["playbook", "--check", listed]);
    let shown = env.ok(&["--playbook", listed, "playbook"]);
    assert!(
        shown.contains("roles: commander, tech_lead, communications"),
        "{shown}"
    );
    let before = env.ok(&["tail", "--json"]);
    for args in [
        &["--playbook", listed, "assign", "bob", "legal"][..],
        &["--playbook", listed, "page", "legal"][..],
    ] {
        let err = env.fails(args);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("legal is not one of this team's roles")
                && err.contains("tech_lead, communications"),
            "{err}"
        );
    }
    assert_eq!(env.ok(&["tail", "--json"]), before, "nothing was written");
    env.ok(&["--playbook", listed, "assign", "bob", "tech_lead"]);
    env.ok(&["--playbook", listed, "page", "communications"]);
    // A role someone already holds can still be taken away.
    env.ok(&["assign", "carol", "legal"]);
    env.ok(&["--playbook", listed, "unassign", "carol", "legal"]);

    // Left out, every role is in use.
    let all = playbook_with_roles(&env, "all.toml", "");
    let all = all.to_str().unwrap();
    env.ok(&["--playbook", all, "assign", "dave", "legal"]);

    // Paging or a contact naming a role the list leaves out is a problem with its line.
    let text = std::fs::read_to_string(listed)
        .unwrap()
        .replace(r#"page = ["tech_lead"]"#, r#"page = ["tech_lead", "sme"]"#);
    std::fs::write(listed, text).unwrap();
    let (said, _) = env.fails_both(&["playbook", "--check", listed]);
    assert!(
        said.contains("P3 pages sme, which `roles` does not list (tech_lead, communications)"),
        "{said}"
    );
}

#[test]
fn commands_that_need_no_database_run_without_one_or_a_valid_author() {
    let env = Env::new();
    let scenario = env.path("scenario.toml");
    std::fs::write(&scenario, "not = [a scenario").unwrap();
    let playbook = env.path("team.toml");
    std::fs::write(&playbook, warroom::playbook::DEFAULT).unwrap();
    let playbook = playbook.to_str().unwrap();
    let home = env.path("no-such-home");
    let run = |args: &[&str]| {
        env.cmd()
            .env_remove("WARROOM_DB")
            .env("HOME", &home)
            .env("WARROOM_USER", "bell\u{7}")
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["playbook", "--print-default"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        warroom::playbook::DEFAULT
    );
    assert!(run(&["playbook", "--check", playbook]).status.success());
    assert!(run(&["drill", "list"]).status.success());
    let out = run(&["drill", "check", scenario.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("scenario.toml has") && !err.contains("--as"),
        "{err}"
    );
    // A command that writes still refuses the name, and nothing was created anywhere.
    let err = String::from_utf8_lossy(&run(&["log", "x"]).stderr).into_owned();
    assert!(
        err.contains("control characters") && err.contains("--as"),
        "{err}"
    );
    assert!(!home.exists());
}

#[test]
fn errors_name_the_five_newest_incidents_and_count_the_rest() {
    let env = Env::new();
    let ids: Vec<String> = (1..=7)
        .map(|n| env.declare(&format!("incident {n}")))
        .collect();
    let named = |err: &str, n: usize| err.contains(&format!("\"incident {n}\""));

    let err = env.fails(&["log", "x"]);
    assert!(err.contains("7 incidents are open"), "{err}");
    assert!((3..=7).all(|n| named(&err, n)), "the newest five: {err}");
    assert!(!named(&err, 1) && !named(&err, 2), "{err}");
    assert!(
        err.contains("and 2 more: `warroom incidents --open` lists them"),
        "{err}"
    );

    for id in &ids {
        env.ok(&[
            "resolve",
            "rollback",
            "done",
            "--checks",
            "yes,yes,yes",
            "--incident",
            id,
        ]);
    }
    let err = env.fails(&["log", "x"]);
    assert!(err.contains("no open incident"), "{err}");
    assert!((3..=7).all(|n| named(&err, n)), "the newest five: {err}");
    assert!(!named(&err, 1) && !named(&err, 2), "{err}");
    assert!(
        err.contains("and 2 more: `warroom incidents` lists them"),
        "{err}"
    );
}

#[test]
fn show_and_review_print_action_items_alike() {
    let env = Env::new();
    env.declare("Checkout failing");
    env.ok(&["item", "add", "write", "the", "postmortem"]);
    env.ok(&[
        "item",
        "add",
        "alert on TLS errors",
        "--owner",
        "jonas",
        "--due",
        "2030-01-31",
        "--priority",
        "high",
    ]);
    let show = env.ok(&["show"]);
    let review = env.ok(&["review"]);
    for (n, line) in [
        "[open] write the postmortem (owner -, due -, no priority)",
        "[open] alert on TLS errors (owner jonas, due 2030-01-31, high priority)",
    ]
    .into_iter()
    .enumerate()
    {
        assert!(
            show.contains(&format!("action item {line}")),
            "show: {show}"
        );
        assert!(
            review.contains(&format!("  {}. {line}", n + 1)),
            "review: {review}"
        );
    }
}

#[test]
fn a_scribe_records_for_someone_else_and_the_record_says_who_wrote_it() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    // A name the room does not know is likely a typo.
    let err = env.fails(&["log", "--for", "jonsa", "--as", "sam", "x"]);
    assert!(
        err.contains("jonsa is not on the roster") && err.contains("--new-responder"),
        "{err}"
    );
    env.ok(&["page", "jonas"]);
    env.ok(&[
        "log",
        "--kind",
        "decision",
        "--for",
        "jonas",
        "--as",
        "sam",
        "we roll back 4512",
    ]);
    let tail = env.ok(&["tail", "-i", &id]);
    assert!(
        tail.contains("jonas (recorded by sam): we roll back 4512"),
        "{tail}"
    );
    let json = env.ok(&["tail", "--json", "-i", &id]);
    let last: Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    assert_eq!(last["author"], "jonas");
    assert_eq!(last["recorded_by"], "sam");
    // It survives an export and an import into another database, and the exports say it.
    let other = Env::new();
    let events = env.path("events.jsonl");
    std::fs::write(&events, env.ok(&["export", "--format", "jsonl"])).unwrap();
    other.ok(&["import", events.to_str().unwrap()]);
    assert!(
        other
            .ok(&["tail", "-i", &id])
            .contains("jonas (recorded by sam): we roll back 4512")
    );
    let md = other.ok(&["export", "--format", "markdown", "-i", &id]);
    assert!(md.contains("jonas (recorded by sam)"), "{md}");
    let log = other.ok(&["export", "--format", "ics214", "-i", &id]);
    assert!(
        log.contains("## jonas") && log.contains("we roll back 4512 (recorded by sam)"),
        "{log}"
    );
    // Writing for oneself is writing; a blank name is one clear line, nothing written.
    env.ok(&["log", "--for", "SAM", "--as", "sam", "noted"]);
    let json = env.ok(&["tail", "--json", "-i", &id]);
    let last: Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    assert_eq!(last["author"], "sam");
    assert!(last.get("recorded_by").is_none(), "{last}");
    let before = env.ok(&["tail", "-i", &id]);
    let err = env.fails(&["log", "--for", " ", "x"]);
    assert!(err.contains("--for needs a name"), "{err}");
    assert_eq!(env.ok(&["tail", "-i", &id]), before);
}

#[test]
fn the_status_moves_from_the_command_line_by_the_lifecycle() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    env.ok(&["status", "identified", "--reason", "the TLS change in 4512"]);
    assert!(
        env.ok(&["show", &id])
            .contains("status      identified since"),
        "moved"
    );
    let err = env.fails(&["status", "resolved"]);
    assert!(err.contains("warroom resolve CODE SUMMARY"), "{err}");
    let err = env.fails(&["status", "identified"]);
    assert!(err.contains("already identified"), "{err}");
    let err = env.fails(&["status", "fixed"]);
    assert!(
        err.contains("investigating, identified, monitoring"),
        "{err}"
    );
}

#[test]
fn completions_and_a_manual_page_are_printed() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish"] {
        let script = env.ok(&["completions", shell]);
        assert!(
            script.contains("warroom") && script.contains("handoff") && script.contains("alerts"),
            "{shell}"
        );
    }
    // The bash script is valid bash.
    let path = env.path("warroom.bash");
    std::fs::write(&path, env.ok(&["completions", "bash"])).unwrap();
    if let Ok(status) = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .status()
    {
        assert!(status.success(), "bash -n warroom.bash");
    }
    let man = env.ok(&["man"]);
    assert!(
        man.contains(".TH warroom 1") && man.contains("intake"),
        "{man}"
    );
    let err = env.fails(&["completions", "tcsh"]);
    assert!(err.contains("bash") && err.contains("fish"), "{err}");
}

#[test]
fn an_incident_written_up_after_the_fact_is_declared_when_it_was() {
    let env = Env::new();
    env.ok(&[
        "declare",
        "--title",
        "Replayed outage",
        "--severity",
        "P2",
        "--detected-at",
        "2026-11-20 09:40",
        "--at",
        "2026-11-20 10:00",
    ]);
    let show = env.ok(&["show"]);
    assert!(
        show.contains("declared after 20m") && show.contains("started     2026-11-20 09:40:00"),
        "{show}"
    );
    let tail = env.ok(&["tail"]);
    assert!(tail.contains("2026-11-20 10:00:00"), "{tail}");
    let err = env.fails(&[
        "declare",
        "--title",
        "x",
        "--detected-at",
        "2026-11-20 10:30",
        "--at",
        "2026-11-20 10:00",
    ]);
    assert!(err.contains("--detected-at comes before --at"), "{err}");
}
