//! Resolution, reopening, problem management and the review from the command line.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;
use common::pty::Console;
use serde_json::Value;

fn status(env: &Env) -> String {
    let json: Vec<Value> = env
        .ok(&["incidents", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    json[0]["status"].as_str().unwrap().to_string()
}

#[test]
fn resolve_logs_the_checklist_and_refuses_bad_codes_and_twice() {
    let env = Env::new();
    env.declare("Checkout failing");
    let err = env.fails(&[
        "resolve",
        "magic",
        "it went away",
        "--checks",
        "yes,yes,yes",
    ]);
    assert!(
        err.contains("not a resolution code") && err.contains("rollback"),
        "{err}"
    );
    let err = env.fails(&["resolve", "rollback", "rolled back"]);
    assert!(
        err.contains("--checks") && err.contains("customers have been told"),
        "{err}"
    );
    let err = env.fails(&["resolve", "rollback", "rolled back", "--checks", "yes,no"]);
    assert!(err.contains("needs 3 answers"), "{err}");
    env.ok(&[
        "resolve",
        "rollback",
        "rolled",
        "back",
        "4512",
        "--checks",
        "yes,yes,no",
    ]);
    assert_eq!(status(&env), "resolved");
    let last: Value =
        serde_json::from_str(env.ok(&["tail", "--json"]).lines().last().unwrap()).unwrap();
    assert_eq!(last["payload"]["checklist"][2]["done"], false);
    assert!(
        last["text"]
            .as_str()
            .unwrap()
            .contains("not confirmed: customers have been told")
    );
    let err = env.fails(&["resolve", "rollback", "again", "--checks", "yes,yes,yes"]);
    assert!(err.contains("already resolved"), "{err}");
}

#[test]
fn the_checklist_is_asked_on_a_terminal() {
    let env = Env::new();
    env.declare("Checkout failing");
    let mut t = Console::start(&env, &["resolve", "rollback", "rolled back"]);
    t.wait_text("the fix is validated in every affected region? (y/n)");
    t.send("y\r");
    t.wait_text("monitoring is green? (y/n)");
    t.send("y\r");
    t.wait_text("customers have been told? (y/n)");
    t.send("n\r");
    assert!(t.wait_exit().success());
    assert_eq!(status(&env), "resolved");
}

#[test]
fn reopening_keeps_timings_honest_and_problem_management_closes() {
    let env = Env::new();
    env.ok(&[
        "declare",
        "--title",
        "Queue backlog",
        "--severity",
        "P3",
        "--detected-at",
        "2026-01-01T09:00:00Z",
    ]);
    env.ok(&[
        "log",
        "--at",
        "2026-01-01T09:05:00Z",
        "--kind",
        "alert",
        "backlog 10k",
    ]);
    let err = env.fails(&["reopen"]);
    assert!(err.contains("nothing to reopen"), "{err}");
    let err = env.fails(&[
        "problem",
        "--owner",
        "queue-team",
        "--root-cause",
        "consumer limits",
    ]);
    assert!(err.contains("resolve it first"), "{err}");
    env.ok(&[
        "resolve",
        "capacity",
        "more consumers",
        "--checks",
        "yes,yes,yes",
    ]);
    // The detection is back-dated to 09:00, so time to resolve is exactly from then to
    // the resolution's time.
    let detected = chrono::DateTime::parse_from_rfc3339("2026-01-01T09:00:00Z").unwrap();
    let resolutions = || -> Vec<String> {
        env.ok(&["tail", "--json"])
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .filter(|e| e["kind"] == "resolution")
            .map(|e| e["at"].as_str().unwrap().to_string())
            .collect()
    };
    let seconds_since_detected =
        |at: &str| (chrono::DateTime::parse_from_rfc3339(at).unwrap() - detected).num_seconds();
    let first: Value = serde_json::from_str(&env.ok(&["export", "--format", "json"])).unwrap();
    let first_ttr = first["incidents"][0]["time_to_resolve_s"].as_i64().unwrap();
    let first_at = resolutions().remove(0);
    assert_eq!(first["incidents"][0]["resolved_at"], first_at.as_str());
    assert_eq!(first_ttr, seconds_since_detected(&first_at));
    env.ok(&["reopen", "backlog", "growing", "again"]);
    assert_eq!(status(&env), "investigating");
    // While it is open again, the resolution is said as what came before.
    let shown = env.ok(&["show"]);
    assert!(
        shown.contains("resolved before") && shown.contains("reopened since"),
        "{shown}"
    );
    env.ok(&[
        "resolve",
        "config_change",
        "consumer limits raised",
        "--checks",
        "yes,yes,yes",
    ]);
    let shown = env.ok(&["show"]);
    assert!(
        shown.contains("consumer limits raised") && !shown.contains("resolved before"),
        "{shown}"
    );
    let doc: Value = serde_json::from_str(&env.ok(&["export", "--format", "json"])).unwrap();
    let incident = &doc["incidents"][0];
    assert_eq!(incident["reopened"], 1);
    assert_eq!(
        incident["resolution_code"], "config_change",
        "the final resolution counts"
    );
    let ats = resolutions();
    assert_eq!(ats.len(), 2);
    assert_eq!(ats[0], first_at);
    assert!(ats[1] > first_at, "{ats:?}");
    assert_eq!(
        incident["resolved_at"],
        ats[1].as_str(),
        "resolved means the final resolution"
    );
    assert_eq!(
        incident["time_to_resolve_s"].as_i64().unwrap(),
        seconds_since_detected(&ats[1]),
        "time to resolve runs to the final resolution"
    );
    assert!(incident["time_to_resolve_s"].as_i64().unwrap() >= first_ttr);

    env.ok(&[
        "problem",
        "--owner",
        "queue-team",
        "--root-cause",
        "consumer limits too low",
        "--fix",
        "autoscale, next sprint",
        "--ticket",
        "PRB-9",
    ]);
    assert_eq!(status(&env), "closed");
    let show = env.ok(&["export", "--format", "markdown"]);
    assert!(
        show.contains("| Problem owner | queue-team (PRB-9) |"),
        "{show}"
    );
    let err = env.fails(&["reopen"]);
    assert!(err.contains("problem management owns it"), "{err}");
}

#[test]
fn review_says_what_is_missing_until_nothing_is() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    env.ok(&[
        "resolve",
        "rollback",
        "rolled back",
        "--checks",
        "yes,yes,yes",
    ]);
    env.ok(&["item", "add", "alert on TLS errors"]);
    env.ok(&[
        "item",
        "add",
        "old chore",
        "--owner",
        "ana",
        "--due",
        "2020-01-01",
    ]);
    let review = env.ok(&["review"]);
    assert!(review.contains("no root cause recorded"), "{review}");
    assert!(
        review.contains("action item 1 \"alert on TLS errors\" has no owner"),
        "{review}"
    );
    assert!(
        review.contains("action item 1 \"alert on TLS errors\" has no due date"),
        "{review}"
    );
    assert!(
        review.contains("action item 2 \"old chore\" is overdue (due 2020-01-01)"),
        "{review}"
    );
    env.ok(&["finding", "cause", "deploy 4512 changed TLS settings"]);
    env.ok(&["finding", "badly", "paging took 12 minutes"]);
    env.ok(&[
        "item",
        "update",
        "1",
        "--owner",
        "jonas",
        "--due",
        "+7d",
        "--priority",
        "high",
    ]);
    env.ok(&["item", "done", "2", "--note", "no longer needed"]);
    // A P2 owes every audience updates: the review wants the last one to each, after
    // the resolution.
    let review = env.ok(&["review"]);
    for audience in ["responders", "executives", "customers"] {
        assert!(
            review.contains(&format!(
                "no final status update to {audience} since the resolution"
            )),
            "{review}"
        );
    }
    assert!(!review.contains("Nothing missing."), "{review}");
    // Written to a resolved incident, it is named (and warned about).
    env.ok(&["update", "--audience", "customers", "--yes", "-i", &id]);
    let review = env.ok(&["review"]);
    assert!(
        !review.contains("to customers since") && review.contains("to executives since"),
        "{review}"
    );
    env.ok(&["update", "--audience", "executives", "-i", &id]);
    env.ok(&["update", "--audience", "responders", "-i", &id]);
    let review = env.ok(&["review"]);
    assert!(review.contains("Nothing missing."), "{review}");
    assert!(
        review.contains("- deploy 4512 changed TLS settings"),
        "{review}"
    );
    assert!(
        review.contains("1. [open] alert on TLS errors (owner jonas"),
        "{review}"
    );
    assert!(review.contains("2. [done] old chore"), "{review}");
    assert!(env.fails(&["item", "done", "2"]).contains("already done"));
    assert!(
        env.fails(&["item", "update", "9", "--owner", "x"])
            .contains("no action item 9")
    );
    assert!(
        env.fails(&["item", "add", "x", "--due", "someday"])
            .contains("+7d")
    );
    assert!(
        env.fails(&["finding", "blame", "x"])
            .contains("cause, factor, well or badly")
    );
}

#[test]
fn review_is_not_complete_while_a_checklist_item_was_answered_no() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    env.ok(&[
        "resolve",
        "rollback",
        "rolled back",
        "--checks",
        "yes,no,yes",
    ]);
    env.ok(&["finding", "cause", "deploy 4512 changed TLS settings"]);
    env.ok(&["update", "--audience", "customers", "--yes", "-i", &id]);
    let review = env.ok(&["review"]);
    assert!(
        review.contains("was not confirmed at resolution"),
        "{review}"
    );
    assert!(!review.contains("Nothing missing."), "{review}");
}

#[test]
fn the_review_asks_for_the_impact_end_and_objectives_left_current() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    env.ok(&["situation", "--impact-start", "10m ago"]);
    env.ok(&["objective", "add", "stop the card failures"]);
    env.ok(&[
        "resolve",
        "rollback",
        "rolled back",
        "--checks",
        "yes,yes,yes",
    ]);
    let review = env.ok(&["review"]);
    assert!(
        review.contains("the customer impact has a start and no end"),
        "{review}"
    );
    assert!(
        review.contains("objective 1 \"stop the card failures\" is still current"),
        "{review}"
    );
    env.ok(&["situation", "--impact-end", "1m ago", "-i", &id]);
    env.ok(&["objective", "move", "1", "met", "-i", &id]);
    let review = env.ok(&["review"]);
    assert!(
        !review.contains("no end") && !review.contains("still current"),
        "{review}"
    );
}
