//! Errors that say what to do next, and words that say what was done: each refusal
//! here exits non-zero with one line naming the next step, and changes nothing.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;
use serde_json::Value;

/// Runs `warroom ARGS` with `stdin`; returns (exit code, stdout, stderr).
fn run(env: &Env, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let out = env
        .cmd()
        .current_dir(env.dir.path())
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The one line a refusal prints, checked to be one line from warroom.
fn one_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("warroom: "), "{stderr}");
    lines[0]
}

fn incident_count(env: &Env) -> usize {
    env.ok(&["incidents", "--json"]).lines().count()
}

#[test]
fn demo_refuses_a_database_that_holds_incidents_unless_forced() {
    let env = Env::new();
    env.declare("a real incident");
    let (code, out, err) = run(&env, &["demo"], b"");
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    let line = one_line(&err);
    assert!(line.contains("already holds 1 incident,"), "{line}");
    assert!(line.contains("`warroom --db demo.db demo`"), "{line}");
    assert!(line.contains("--force"), "{line}");
    assert_eq!(incident_count(&env), 1, "nothing was loaded");

    let (code, _, err) = run(&env, &["demo", "--force"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(incident_count(&env) > 1, "--force loads it anyway");

    // An empty database takes it without asking.
    let fresh = Env::new();
    let (code, _, err) = run(&fresh, &["demo"], b"");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_missing_import_file_says_where_one_comes_from() {
    let env = Env::new();
    env.declare("t");
    let (code, _, err) = run(&env, &["import", "events.jsonl"], b"");
    assert_eq!(code, 1);
    let line = one_line(&err);
    assert!(
        line.starts_with("warroom: cannot read events.jsonl: there is no such file;"),
        "{line}"
    );
    assert!(line.contains("`warroom export --format jsonl`"), "{line}");
    assert!(
        !line.contains("os error"),
        "in words, not an OS error: {line}"
    );
}

#[test]
fn text_on_stdin_that_is_not_utf8_is_refused_with_how_to_convert_it() {
    let env = Env::new();
    env.declare("t");
    let before = common::texts(&env.db);
    for args in [&["log", "-"][..], &["import", "-"]] {
        let (code, out, err) = run(&env, args, b"caf\xe9 au lait\n");
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        let line = one_line(&err);
        assert!(line.contains("not UTF-8 text"), "{args:?}: {line}");
        assert!(
            line.contains("iconv -f latin1 -t UTF-8"),
            "{args:?}: {line}"
        );
    }
    assert_eq!(common::texts(&env.db), before, "nothing was logged");

    // A file to import that is not UTF-8 names its line.
    let latin = env.path("latin1.jsonl");
    // (Its first line is blank: an import reads line by line and says the first
    // problem it meets, so the second line's is the one said.)
    std::fs::write(&latin, b"\n\xff\n").unwrap();
    let (code, _, err) = run(&env, &["import", latin.to_str().unwrap()], b"");
    assert_eq!(code, 1);
    assert!(one_line(&err).contains("line 2 is not"), "{err}");
}

#[test]
fn a_peer_host_that_does_not_resolve_says_to_check_the_name() {
    let env = Env::new();
    env.declare("t");
    // `.invalid` never resolves (RFC 6761), with or without a network.
    let (code, _, err) = run(&env, &["sync", "--peer", "nowhere.invalid:7420"], b"");
    assert_eq!(code, 1, "{err}");
    let line = one_line(&err);
    assert!(
        line.contains("cannot find the host of nowhere.invalid:7420"),
        "{line}"
    );
    assert!(line.contains("give its IP address"), "{line}");
    assert!(!line.contains("protocol"), "{line}");
}

#[test]
fn a_peer_address_nobody_listens_on_says_to_start_serve_there() {
    let env = Env::new();
    env.declare("t");
    // A port that was free a moment ago (nothing of this test listens on it).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let (code, _, err) = run(&env, &["sync", "--peer", &addr], b"");
    assert_eq!(code, 1, "{err}");
    let line = one_line(&err);
    assert!(line.contains("nothing listens there"), "{line}");
    assert!(line.contains("`warroom serve --listen`"), "{line}");
}

#[test]
fn a_bad_since_names_the_accepted_forms_once() {
    let env = Env::new();
    env.declare("t");
    let (code, _, err) = run(&env, &["metrics", "--since", "last tuesday"], b"");
    assert_eq!(code, 1);
    let line = one_line(&err);
    assert!(
        line.starts_with("warroom: --since 'last tuesday' is not a date or a time:"),
        "{line}"
    );
    assert_eq!(line.matches("RFC 3339").count(), 1, "{line}");
    assert_eq!(line.matches("YYYY-MM-DD (").count(), 1, "{line}");
    assert!(line.contains("'30d ago'"), "{line}");

    let (code, out, err) = run(&env, &["metrics", "--since", "30d ago"], b"");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 incident since 30d ago"), "{out}");
}

#[test]
fn a_status_update_without_an_audience_says_the_one_it_went_to() {
    let env = Env::new();
    env.declare("t");
    for kind in ["status", "update"] {
        let (code, _, err) = run(&env, &["log", "--kind", kind, "all good"], b"");
        assert_eq!(code, 0, "{err}");
        assert!(
            err.contains("a status update to responders") && err.contains("--audience"),
            "--kind {kind}: {err}"
        );
    }
    let (code, _, err) = run(
        &env,
        &[
            "log",
            "--kind",
            "update",
            "--audience",
            "customers",
            "--yes",
            "fixed",
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "an audience named is not said again: {err}");
}

#[test]
fn an_entry_can_be_dated_a_time_ago_and_a_typo_names_the_forms() {
    let env = Env::new();
    env.declare("t");
    env.ok(&["log", "--at", "10m ago", "ten minutes back"]);
    env.ok(&["log", "--at", "-2h", "two hours back"]);
    let entries: Vec<Value> = env
        .ok(&["tail", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let back = |text: &str| {
        let e = entries.iter().find(|e| e["text"] == text).unwrap();
        assert_eq!(e["backdated"], true, "{e}");
        let at = chrono::DateTime::parse_from_rfc3339(e["at"].as_str().unwrap()).unwrap();
        let logged =
            chrono::DateTime::parse_from_rfc3339(e["logged_at"].as_str().unwrap()).unwrap();
        logged - at
    };
    // Read before it was written: at least the time ago typed, never less.
    assert!(back("ten minutes back") >= chrono::TimeDelta::minutes(10));
    assert!(back("two hours back") >= chrono::TimeDelta::hours(2));

    let (code, _, err) = run(&env, &["log", "--at", "10 parsecs ago", "x"], b"");
    assert_eq!(code, 1);
    let line = one_line(&err);
    assert!(
        line.contains("cannot read the time '10 parsecs ago'"),
        "{line}"
    );
    assert!(
        line.contains("HH:MM") && line.contains("'10m ago'"),
        "{line}"
    );
}
