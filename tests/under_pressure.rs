//! The command line under pressure: nothing logged to the wrong place without a word,
//! no name that means nobody, and a claim that lost said to have lost.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::Env;

/// Resolves incident `id`, then hands it to problem management, which closes it.
fn close(env: &Env, id: &str) {
    env.ok(&[
        "resolve",
        "rollback",
        "rolled back",
        "--checks",
        "yes,yes,yes",
        "--incident",
        id,
    ]);
    let (_, err) = env.ok_both(&["log", "--incident", id, "between"]);
    assert!(
        err.contains("is resolved"),
        "resolved is warned about too: {err}"
    );
    env.ok(&[
        "problem",
        "--owner",
        "dba",
        "--root-cause",
        "a bad index",
        "--incident",
        id,
    ]);
}

#[test]
fn an_entry_for_a_closed_incident_is_logged_with_a_warning_on_stderr() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    close(&env, &id);
    let (out, err) = env.ok_both(&["log", "--incident", &id, "late note"]);
    assert!(!out.trim().is_empty(), "the entry's id, as ever: {out}");
    assert!(
        err.contains("warroom: warning:") && err.contains("is closed"),
        "{err}"
    );
    assert!(
        err.contains("Checkout failing"),
        "names the incident: {err}"
    );
    assert!(common::texts(&env.db).contains(&"late note".to_string()));
    // Piped lines are warned about once, and all logged.
    let out = env
        .cmd()
        .args(["log", "--incident", &id, "--lines"])
        .write_stdin("one\ntwo\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.matches("is closed").count(), 1, "{err}");
    // An open incident: no warning.
    let open = env.declare("Login errors");
    let (_, err) = env.ok_both(&["log", "--incident", &open, "fine"]);
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn an_empty_name_is_refused_and_the_account_name_stands_in_for_unset_variables() {
    let env = Env::new();
    env.declare("Checkout failing");
    let err = env.fails(&["log", "--as", "", "hello"]);
    assert!(err.contains("--as") && err.contains("empty"), "{err}");
    let err = env.fails(&["log", "--as", "   ", "hello"]);
    assert!(err.contains("empty"), "{err}");
    for args in [&["handoff", ""][..], &["page", " "], &["standdown", ""]] {
        let err = env.fails(args);
        assert!(err.contains("a name is empty"), "{args:?}: {err}");
    }
    assert_eq!(common::texts(&env.db), Vec::<String>::new());

    // With no USER, LOGNAME or WARROOM_USER, the author is the account's name from the
    // password database (what `id -un` says), never "unknown".
    let id = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let expected = if id.status.success() {
        String::from_utf8(id.stdout).unwrap().trim().to_string()
    } else {
        let uid = std::process::Command::new("id").arg("-u").output().unwrap();
        format!("uid-{}", String::from_utf8(uid.stdout).unwrap().trim())
    };
    let out = env
        .cmd()
        .env_remove("WARROOM_USER")
        .env_remove("USER")
        .env_remove("LOGNAME")
        .args(["log", "from the account"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tail = env.ok(&["tail", "--json"]);
    let last: serde_json::Value = serde_json::from_str(tail.lines().last().unwrap()).unwrap();
    assert_eq!(last["text"], "from the account");
    assert_eq!(last["author"], expected.as_str());
    assert_ne!(last["author"], "unknown");
}

#[test]
fn names_in_any_case_are_one_responder_shown_as_first_written() {
    let env = Env::new();
    env.declare("Checkout failing");
    env.ok(&["page", "Dave"]);
    env.ok(&["ack", "--as", "dave"]);
    env.ok(&["claim", "--as", "Maya"]);
    // maya is the commander, however she types her name.
    env.ok(&["handoff", "DAVE", "--as", "maya"]);
    // dave accepts, however he types his name.
    env.ok(&["accept", "--as", "DAVE"]);
    let show = env.ok(&["show"]);
    assert!(show.contains("commander   Dave"), "{show}");
    // `show` takes the incident as the other commands do, too.
    let id = show
        .lines()
        .next()
        .and_then(|l| l.rsplit_once('('))
        .map(|(_, id)| id.trim_end_matches(')').to_string())
        .unwrap();
    assert_eq!(env.ok(&["show", "--incident", &id]), show);
    assert_eq!(env.ok(&["show", &id]), show);
    assert_eq!(
        show.matches("Dave").count(),
        show.matches("ave").count(),
        "{show}"
    );
    // A state for a name the room does not know is a likely typo.
    for args in [
        &["ack", "nobodyxyz"][..],
        &["engage", "davd"],
        &["standdown", "nobody"],
    ] {
        let err = env.fails(args);
        assert!(
            err.contains("not on the roster") && err.contains("--new-responder"),
            "{args:?}: {err}"
        );
    }
    env.ok(&["ack", "erin", "--new-responder"]);
    assert!(env.ok(&["show"]).contains("erin"));
    let err = env.fails(&["standdown", "dave"]);
    assert!(
        err.contains("holds command and cannot be stood down") && err.contains("warroom handoff"),
        "{err}"
    );
}

/// Holds the database's write lock until dropped, so writers wait for it.
struct WriteLock(rusqlite::Connection);

impl WriteLock {
    fn take(env: &Env) -> WriteLock {
        let conn = rusqlite::Connection::open(&env.db).unwrap();
        conn.busy_timeout(Duration::from_secs(30)).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        WriteLock(conn)
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let _ = self.0.execute_batch("ROLLBACK");
    }
}

/// `warroom claim` as `who`, with debug logs on stderr; the lines of stderr arrive on
/// the receiver as they are written.
fn claim(env: &Env, who: &str) -> (Child, mpsc::Receiver<String>) {
    let mut child = env
        .std_cmd()
        .args(["claim", "--as", who])
        .env("WARROOM_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let err = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Collects lines from `rx` until one contains `what` (failing after a generous wait).
fn wait_line(rx: &mpsc::Receiver<String>, what: &str, seen: &mut Vec<String>) {
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => {
                let found = line.contains(what);
                seen.push(line);
                if found {
                    return;
                }
            }
            Err(_) => panic!("no {what:?} on stderr; saw {seen:#?}"),
        }
    }
}

#[test]
fn of_two_claims_decided_at_once_the_one_that_lost_says_so_and_fails() {
    let env = Env::new();
    env.declare("Checkout failing");
    // Both read the incident with nobody in command and decide to claim; the write
    // lock, held here, keeps them from writing until both have decided.
    let lock = WriteLock::take(&env);
    let (mut maya, maya_err) = claim(&env, "maya");
    let (mut bob, bob_err) = claim(&env, "bob");
    let (mut maya_seen, mut bob_seen) = (Vec::new(), Vec::new());
    wait_line(&maya_err, "writing", &mut maya_seen);
    wait_line(&bob_err, "writing", &mut bob_seen);
    drop(lock);
    let (maya_ok, bob_ok) = (
        maya.wait().unwrap().success(),
        bob.wait().unwrap().success(),
    );
    maya_seen.extend(maya_err.iter());
    bob_seen.extend(bob_err.iter());
    assert!(
        maya_ok != bob_ok,
        "exactly one claim wins: maya {maya_ok} {maya_seen:#?}, bob {bob_ok} {bob_seen:#?}"
    );
    let (winner, loser_said) = if maya_ok {
        ("maya", bob_seen.join("\n"))
    } else {
        ("bob", maya_seen.join("\n"))
    };
    assert!(
        loser_said.contains(&format!(
            "claim refused: {winner} already holds command; conflict recorded"
        )),
        "{loser_said}"
    );
    assert!(!loser_said.contains("took command"), "{loser_said}");
    assert_eq!(
        loser_said.matches("claim refused").count(),
        1,
        "said once: {loser_said}"
    );
    // The timeline says the same.
    let tail = env.ok(&["tail"]);
    assert!(tail.contains("claim refused"), "{tail}");
    let show = env.ok(&["show"]);
    assert!(show.contains(&format!("commander   {winner}")), "{show}");
}

/// Whether `text` reads as sentences: each starts with a capital and ends with a stop.
fn sentences(text: &str) -> bool {
    let text = text.trim();
    text.ends_with('.')
        && text
            .split(". ")
            .all(|s| s.chars().next().is_some_and(char::is_uppercase))
}

#[test]
fn the_customer_template_says_nothing_internal_and_names_a_time_with_its_zone() {
    let env = Env::new();
    // P2 by its triage answers ("one region or a major feature"), P4 with no cadence.
    env.ok(&[
        "triage",
        "--title",
        "Checkout failing after deploy 4512",
        "--answers",
        "2,2,2",
    ]);
    let text = env.ok(&["update", "--audience", "customers", "--print"]);
    assert!(
        !text.contains("Checkout failing"),
        "no internal title: {text}"
    );
    assert!(!text.contains("4512"), "{text}");
    assert!(!text.contains("one region"), "no raw triage answer: {text}");
    assert!(sentences(&text), "{text}");
    let by = text.split("by ").nth(1).unwrap_or_default().trim();
    let (time, zone) = by.trim_end_matches('.').split_once(' ').unwrap();
    assert!(
        time.len() == 5 && time.as_bytes()[2] == b':' && zone == "UTC",
        "a time with its zone: {text}"
    );
    // A severity without a cadence still names a time, never "when there is news".
    let low = env.ok(&[
        "declare",
        "--title",
        "Typo on the help page",
        "--severity",
        "P5",
    ]);
    let low = low.trim();
    let text = env.ok(&["update", "--audience", "customers", "--print", "-i", low]);
    assert!(!text.contains("news"), "{text}");
    assert!(text.contains(" UTC."), "{text}");
    // What reaches the status page is that text, with no title in it.
    let listed = env.ok(&["incidents", "--json"]);
    let id = listed
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|i| i["title"].as_str().unwrap_or("").starts_with("Checkout"))
        .map(|i| i["id"].as_str().unwrap().to_string())
        .unwrap();
    env.ok(&["update", "--audience", "customers", "--yes", "-i", &id]);
    let site = env.path("site");
    env.ok(&["statuspage", "--out", site.to_str().unwrap()]);
    let page = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(page.contains("Our engineers are investigating."), "{page}");
    assert!(!page.contains("Checkout failing"), "{page}");
}

/// Central European time as a POSIX rule (no time zone database needed): UTC+01:00,
/// summer time UTC+02:00 from the last Sunday of March to the last Sunday of October.
const CET: &str = "CET-1CEST,M3.5.0,M10.5.0/3";

/// `warroom ARGS` in Central European time; stdout and stderr, and whether it worked.
fn in_cet(env: &Env, args: &[&str]) -> (bool, String, String) {
    let out = env.cmd().env("TZ", CET).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_local_time_the_clock_change_repeats_is_refused_with_both_readings() {
    let env = Env::new();
    env.declare("Checkout failing");
    // 2026-10-25 02:30 happened at 02:30 summer time and again an hour later.
    let (ok, _, err) = in_cet(&env, &["log", "--at", "2026-10-25 02:30", "late"]);
    assert!(!ok, "refused");
    assert!(
        err.contains("happened twice")
            && err.contains("2026-10-25T02:30:00+02:00")
            && err.contains("2026-10-25T02:30:00+01:00"),
        "{err}"
    );
    // 2026-03-29 02:30 never happened.
    let (ok, _, err) = in_cet(&env, &["log", "--at", "2026-03-29 02:30", "gap"]);
    assert!(!ok && err.contains("does not exist"), "{err}");
    // With its offset, either reading is taken.
    let (ok, _, err) = in_cet(
        &env,
        &["log", "--at", "2026-10-25T02:30:00+01:00", "second"],
    );
    assert!(ok, "{err}");
    assert_eq!(common::texts(&env.db), vec!["second".to_string()]);
}

#[test]
fn exports_print_every_time_with_its_true_offset_across_a_clock_change() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    // Back-dated entries on the night the clocks went back, one on each side.
    for (at, text) in [
        ("2026-10-25T00:30:00Z", "before the change"),
        ("2026-10-25T01:30:00Z", "after the change"),
    ] {
        env.ok(&["log", "--at", at, text]);
    }
    let (ok, markdown, err) = in_cet(&env, &["export", "--format", "markdown", "-i", &id]);
    assert!(ok, "{err}");
    assert!(
        markdown.contains("each with its offset from UTC"),
        "no single offset is claimed for all: {markdown}"
    );
    assert!(!markdown.contains("Times are local (UTC+"), "{markdown}");
    let line = |text: &str| {
        markdown
            .lines()
            .find(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{text} missing: {markdown}"))
            .to_string()
    };
    assert!(
        line("before the change").contains("2026-10-25 02:30:00 UTC+02:00"),
        "{}",
        line("before the change")
    );
    assert!(
        line("after the change").contains("2026-10-25 02:30:00 UTC+01:00"),
        "{}",
        line("after the change")
    );
    let (ok, ics, _) = in_cet(&env, &["export", "--format", "ics214", "-i", &id]);
    assert!(ok);
    assert!(
        ics.contains("02:30:00 UTC+02:00") && ics.contains("02:30:00 UTC+01:00"),
        "{ics}"
    );
    // Within one offset the heading says it once and the times carry none.
    let one = Env::new();
    let other = one.declare("Login errors");
    let (_, markdown, _) = in_cet(&one, &["export", "--format", "markdown", "-i", &other]);
    assert!(
        markdown.contains("Times are local (UTC+01:00)."),
        "{markdown}"
    );
    assert!(!markdown.contains(":00 UTC+01:00 |"), "{markdown}");
}

#[test]
fn the_activity_log_covers_every_entry_back_dated_ones_included() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    env.ok(&[
        "log",
        "--at",
        "2026-11-01T08:00:00Z",
        "support saw the first tickets",
    ]);
    env.ok(&[
        "resolve",
        "rollback",
        "rolled back",
        "--checks",
        "yes,yes,yes",
    ]);
    env.ok(&["finding", "--incident", &id, "cause", "a bad deploy"]);
    let log = env.ok(&["export", "--format", "ics214", "-i", &id]);
    assert!(
        log.contains("support saw the first tickets (back-dated; logged "),
        "{log}"
    );
    assert!(
        log.contains("| Operational period | 2026-11-01 08:00:00 to "),
        "the period starts with the earliest entry: {log}"
    );
    assert!(log.contains("a bad deploy"), "after the end, too: {log}");
}

#[test]
fn the_console_without_a_terminal_says_so_and_creates_nothing() {
    let env = Env::new();
    let out = env
        .std_cmd()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("the console needs a terminal") && err.contains("warroom --help"),
        "{err}"
    );
    assert!(!env.db.exists(), "no database was created");
}

#[test]
fn the_last_update_promises_nothing_more_and_a_playbook_leaking_to_customers_is_warned_about() {
    let env = Env::new();
    let id = env.declare("Checkout failing after deploy 4512");
    env.ok(&["log", "--kind", "decision", "roll back deploy 4512"]);
    env.ok(&[
        "resolve",
        "rollback",
        "rolled back deploy 4512",
        "--checks",
        "yes,yes,yes",
    ]);
    let customers = env.ok(&["update", "--audience", "customers", "--print", "-i", &id]);
    assert!(customers.contains("resolved"), "{customers}");
    assert!(!customers.contains("next update"), "{customers}");
    let executives = env.ok(&["update", "--audience", "executives", "--print", "-i", &id]);
    assert!(
        executives.contains("What fixed it: rolled back deploy 4512")
            && !executives.contains("investigating"),
        "{executives}"
    );
    // A team's playbook whose customers' text would carry the title is refused unless
    // it says customers may read it; other internal words are warned about.
    let default = env.ok(&["playbook", "--print-default"]);
    let original = "customers = \"We are aware of a problem affecting {services}.";
    let leaky = default.replace(original, "customers = \"{title}: {current}.");
    assert_ne!(leaky, default, "the default customers template was found");
    let path = env.path("pb.toml");
    std::fs::write(&path, &leaky).unwrap();
    let (out, _) = env.fails_both(&["playbook", "--check", path.to_str().unwrap()]);
    assert!(
        out.contains("{title}") && out.contains("title_to_customers = true"),
        "{out}"
    );
    std::fs::write(&path, format!("title_to_customers = true\n{leaky}")).unwrap();
    let (out, err) = env.ok_both(&["playbook", "--check", path.to_str().unwrap()]);
    assert!(out.contains(": ok"), "{out}");
    assert!(
        err.contains("warning") && err.contains("{current}") && !err.contains("{title}"),
        "{err}"
    );
    // Braces written as braces are not placeholders; a final template promising a
    // next update is warned about.
    let escaped = default
        .replace(
            original,
            "customers = \"{{title}} We are aware of a problem.",
        )
        .replace(
            "customers = \"The issue is resolved",
            "customers = \"Next update by {next_update}. The issue is resolved",
        );
    std::fs::write(&path, escaped).unwrap();
    let (_, err) = env.ok_both(&["playbook", "--check", path.to_str().unwrap()]);
    assert!(!err.contains("{title}"), "{err}");
    assert!(
        err.contains("final customers template uses {next_update}"),
        "{err}"
    );
}

#[test]
fn the_situation_is_set_from_the_command_line_shown_and_exported() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    // Nothing given: it prints the situation, empty so far.
    assert!(env.ok(&["situation"]).contains("impact      -"));
    let err = env.fails(&[
        "situation",
        "--impact-start",
        "10m ago",
        "--impact-end",
        "20m ago",
    ]);
    assert!(err.contains("would end before it starts"), "{err}");
    env.ok(&[
        "situation",
        "--impact",
        "EU card payments fail",
        "--services",
        "checkout, payments",
        "--impact-start",
        "15m ago",
    ]);
    env.ok(&[
        "situation",
        "--regions",
        "eu-west-1",
        "--next",
        "roll back 4512",
    ]);
    let said = env.ok(&["situation"]);
    for part in [
        "impact      EU card payments fail",
        "services    checkout, payments",
        "regions     eu-west-1",
        "next        roll back 4512",
    ] {
        assert!(said.contains(part), "{part} in {said}");
    }
    assert!(
        env.ok(&["show"])
            .contains("impact      EU card payments fail")
    );
    let tail = env.ok(&["tail"]);
    assert_eq!(
        tail.matches("SITUATION").count(),
        2,
        "every change is kept: {tail}"
    );
    let markdown = env.ok(&["export", "--format", "markdown", "-i", &id]);
    assert!(
        markdown.contains("| Impact | EU card payments fail |")
            && markdown.contains("| Next steps | roll back 4512 |"),
        "{markdown}"
    );
    let err = env.fails(&["situation", "--impact-start", "yesterday-ish"]);
    assert!(err.contains("--impact-start"), "{err}");
}

#[test]
fn a_hypothesis_is_judged_from_the_command_line_and_shown_so_everywhere() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    let guess = env
        .ok(&["log", "--kind", "hypothesis", "the TLS change in 4512"])
        .trim()
        .to_string();
    let note = env.ok(&["log", "just a note"]).trim().to_string();
    let err = env.fails(&["hypothesis", &note, "confirmed"]);
    assert!(err.contains("no hypothesis"), "{err}");
    let err = env.fails(&["hypothesis", &guess, "ruled-out"]);
    assert!(err.contains("say why"), "{err}");
    let err = env.fails(&["hypothesis", &guess, "maybe"]);
    assert!(
        err.contains("confirmed") && err.contains("ruled-out"),
        "{err}"
    );
    env.ok(&[
        "hypothesis",
        &guess[20..],
        "ruled-out",
        "--reason",
        "4511 had it too",
    ]);
    let tail = env.ok(&["tail"]);
    assert!(
        tail.contains("the TLS change in 4512 [ruled out: 4511 had it too]"),
        "{tail}"
    );
    assert!(!tail.contains("[struck]"), "ruled out, not struck: {tail}");
    let markdown = env.ok(&["export", "--format", "markdown", "-i", &id]);
    assert!(
        markdown.contains("(ruled out: 4511 had it too)"),
        "{markdown}"
    );
    env.ok(&["hypothesis", &guess, "confirmed"]);
    assert!(
        env.ok(&["tail"])
            .contains("the TLS change in 4512 [confirmed]")
    );
}

#[test]
fn objectives_and_tasks_are_set_and_moved_from_the_command_line() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    assert!(env.ok(&["task", "list"]).contains("none yet"));
    env.ok(&["objective", "add", "stop", "the", "card", "failures"]);
    env.ok(&[
        "objective",
        "add",
        "--planned",
        "find why 4512 passed the canary",
    ]);
    // An owner the room does not know is likely a typo: refused, unless meant.
    let err = env.fails(&["task", "add", "roll back 4512", "--owner", "jonsa"]);
    assert!(
        err.contains("jonsa is not on the roster") && err.contains("--new-responder"),
        "{err}"
    );
    env.ok(&["page", "jonas"]);
    env.ok(&["task", "add", "roll back 4512", "--owner", "jonas"]);
    env.ok(&["task", "add", "tell support"]);
    env.ok(&["task", "move", "1", "in-progress"]);
    env.ok(&["task", "move", "2", "--owner", "maya", "--new-responder"]);
    let err = env.fails(&["task", "move", "1", "in-progress"]);
    assert!(err.contains("nothing would change"), "{err}");
    let err = env.fails(&["task", "move", "7", "done"]);
    assert!(err.contains("no task 7: there are 2"), "{err}");
    let err = env.fails(&["task", "move", "1", "finished"]);
    assert!(err.contains("open, in-progress, done or dropped"), "{err}");
    env.ok(&["objective", "move", "1", "met"]);
    let tasks = env.ok(&["task", "list"]);
    assert!(
        tasks.contains("1. [in progress] roll back 4512 (owner jonas)")
            && tasks.contains("2. [open] tell support (owner maya)"),
        "{tasks}"
    );
    let show = env.ok(&["show"]);
    assert!(
        show.contains("objectives  1. [met] stop the card failures")
            && show.contains("2. [planned] find why 4512 passed the canary"),
        "{show}"
    );
    let markdown = env.ok(&["export", "--format", "markdown", "-i", &id]);
    assert!(
        markdown.contains("## Tasks") && markdown.contains("- [in progress] roll back 4512"),
        "{markdown}"
    );
    assert!(
        env.ok(&["tail"])
            .contains("task \"roll back 4512\" now in progress")
    );
}

#[test]
fn the_briefing_gathers_the_picture_and_is_logged_when_given() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    env.ok(&["claim", "--as", "maya"]);
    env.ok(&["assign", "jonas", "deputy"]);
    env.ok(&["page", "tom"]);
    env.ok(&[
        "situation",
        "--impact",
        "EU card payments fail",
        "--next",
        "roll back 4512",
    ]);
    env.ok(&["objective", "add", "stop the card failures"]);
    env.ok(&[
        "objective",
        "add",
        "--planned",
        "find why the canary passed",
    ]);
    env.ok(&["task", "add", "roll back 4512", "--owner", "jonas"]);
    let brief = env.ok(&["brief"]);
    for part in [
        "# Briefing: Checkout failing",
        "- **Initiated:** ",
        "- **Commander:** maya",
        "- **Impact:** EU card payments fail",
        "- **Next steps:** roll back 4512",
        "- **Current:** stop the card failures",
        "- **Planned:** find why the canary passed",
        "- [open] roll back 4512, jonas (since ",
        "- **deputy:** jonas",
        "- tom: paged for ",
        "- **responders:** due ",
        "- **customers:** due ",
    ] {
        assert!(brief.contains(part), "{part:?} in\n{brief}");
    }
    assert!(
        !env.ok(&["tail"]).contains("briefing given"),
        "reading it logs nothing"
    );
    env.ok(&["brief", "--given", "--to", "tom", "-i", &id]);
    assert!(env.ok(&["tail"]).contains("briefing given to tom"));
}

#[test]
fn command_is_assumed_from_the_command_line_with_a_reason_shown_to_all() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    let err = env.fails(&["assume", "--reason", "nobody is here"]);
    assert!(
        err.contains("claim"),
        "nobody holds command: claim it: {err}"
    );
    env.ok(&["claim", "--as", "maya"]);
    let err = env.fails(&["assume", "--as", "jonas"]);
    assert!(err.contains("--reason"), "{err}");
    env.ok(&["assume", "--as", "jonas", "--reason", "maya's laptop died"]);
    assert!(env.ok(&["show"]).contains("commander   jonas"));
    assert!(
        env.ok(&["tail"])
            .contains("jonas assumed command from maya: maya's laptop died")
    );
    let markdown = env.ok(&["export", "--format", "markdown", "-i", &id]);
    assert!(markdown.contains("assumed from maya"), "{markdown}");
    // The listing knows who commands now.
    assert!(env.ok(&["incidents"]).contains("jonas"));
}
