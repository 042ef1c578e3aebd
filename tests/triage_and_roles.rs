//! Triage, updates and the roster from the command line, and the commander rule across
//! two replicas that claim command at the same time.
// Helpers outside #[test] functions unwrap too: a panic is how a test reports a failure.
#![allow(clippy::unwrap_used)]

mod common;

use common::Env;
use common::pty::Console;
use serde_json::Value;
use warroom::domain::{IncidentState, Status};
use warroom::store::{OpenOptions, Store};

fn kinds(env: &Env, incident: &str) -> Vec<String> {
    env.ok(&["tail", "--json", "--incident", incident])
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn triage_by_answers_declares_at_the_threshold_and_routes_below_it() {
    let env = Env::new();
    let (id, said) = env.ok_both(&[
        "triage",
        "--title",
        "Checkout errors in EU",
        "--answers",
        "scope=2,data=no,trend=stable",
    ]);
    let id = id.trim().to_string();
    assert!(
        said.contains("P2 HIGH (declare), because impact 2"),
        "{said}"
    );
    assert!(said.contains("page tech_lead, communications"), "{said}");
    assert_eq!(
        kinds(&env, &id),
        ["incident_opened", "severity_set", "status_changed"]
    );
    let json = env.ok(&["tail", "--json", "--incident", &id]);
    assert!(
        json.contains(r#""answer":"one region or a major feature","question":"Who is affected?""#),
        "{json}"
    );

    let routed = env
        .ok(&[
            "triage",
            "--title",
            "Noisy disk alert",
            "--answers",
            "5,2,3",
        ])
        .trim()
        .to_string();
    assert_eq!(
        kinds(&env, &routed),
        ["incident_opened", "severity_set", "routed"]
    );
    let list = env.ok(&["incidents"]);
    assert!(
        list.contains("P5 INFO") && list.contains("closed"),
        "{list}"
    );

    // Insisting on the wrong outcome is refused and writes nothing.
    let err = env.fails(&["triage", "--title", "x", "--answers", "5,2,3", "--declare"]);
    assert!(err.contains("below the threshold"), "{err}");
    let err = env.fails(&["triage", "--title", "x", "--answers", "scope=2", "--route"]);
    assert!(err.contains("no answer for: data, trend"), "{err}");
    assert_eq!(env.ok(&["incidents"]).lines().count(), 3);
    let err = env.fails(&["triage", "--title", "piped"]);
    assert!(
        err.contains("stdin is not a terminal") && err.contains("--answers"),
        "{err}"
    );
}

#[test]
fn retriage_of_a_declared_incident_logs_a_severity_change_with_its_reason() {
    let env = Env::new();
    let id = env.declare("Search slow");
    env.ok(&["triage", "--answers", "scope=1,data=no,trend=spreading"]);
    let json = env.ok(&["tail", "--json", "--incident", &id]);
    let last: Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    assert_eq!(last["kind"], "severity_set");
    assert_eq!(last["payload"]["severity"], "P1");
    assert!(
        last["text"].as_str().unwrap().contains("re-triage"),
        "{last}"
    );
}

#[test]
fn triage_is_interactive_on_a_terminal() {
    let env = Env::new();
    let mut t = Console::start(&env, &["triage", "--title", "Payments double charging"]);
    t.wait_text("1/3 Who is affected?");
    t.send("3\r");
    t.wait_text("P3 MEDIUM (declare)");
    t.send("b\r");
    t.wait_text("1/3 Who is affected?");
    t.send("4\r");
    t.wait_text("P4 LOW (route)");
    t.send("1\r");
    t.wait_text("always P1");
    t.send("2\r");
    t.wait_text("d declare, r route");
    t.send("d\r");
    assert!(t.wait_exit().success());
    t.wait_text("status changed to investigating");
    let list = env.ok(&["incidents"]);
    assert!(
        list.contains("P1 CRITICAL") && list.contains("Payments double charging"),
        "{list}"
    );
}

#[test]
fn roster_commands_keep_the_one_commander_rule() {
    let env = Env::new();
    env.declare("Login errors");
    env.ok(&["claim"]);
    let err = env.fails(&["claim", "--as", "bob"]);
    assert!(err.contains("alice holds command"), "{err}");
    env.ok(&["assign", "bob", "deputy"]);
    let err = env.fails(&["handoff", "carol", "--as", "bob"]);
    assert!(
        err.contains("only the commander can hand off"),
        "a deputy does not share authority: {err}"
    );
    // carol smith is neither on the roster nor watching: a typo is refused, and the
    // flag that allows it is named.
    let err = env.fails(&["handoff", "carol smith"]);
    assert!(
        err.contains("not on the roster") && err.contains("--new-responder"),
        "{err}"
    );
    env.ok(&["handoff", "carol smith", "--new-responder"]);
    // Offered, not moved: alice holds command until carol accepts.
    let show = env.ok(&["show"]);
    assert!(show.contains("commander   alice"), "{show}");
    assert!(
        show.contains("HANDOFF") && show.contains("pending until carol smith accepts"),
        "{show}"
    );
    let err = env.fails(&["accept", "--as", "bob"]);
    assert!(err.contains("not yours"), "{err}");
    env.ok(&["handoff", "--cancel"]);
    let err = env.fails(&["accept", "--as", "carol smith"]);
    assert!(
        err.contains("no handoff is pending") && err.contains("warroom handoff NAME"),
        "{err}"
    );
    env.ok(&["handoff", "carol smith", "--new-responder"]);
    env.ok(&["accept", "--as", "carol smith"]);
    env.ok(&["page", "legal"]);
    env.ok(&["page", "dave", "--via", "phone"]);
    env.ok(&["ack", "--as", "dave"]);
    env.ok(&["engage", "dave"]);
    env.ok(&["standdown", "bob"]);
    let show = env.ok(&["show"]);
    assert!(show.contains("commander   carol smith"), "{show}");
    assert!(
        show.contains("legal-duty") && show.contains("paged"),
        "{show}"
    );
    assert!(show.contains("dave") && show.contains("engaged"), "{show}");
    assert!(show.contains("stood down"), "{show}");
    let err = env.fails(&["assign", "bob", "janitor"]);
    assert!(err.contains("janitor"), "{err}");
}

#[test]
fn update_prints_the_template_filled_from_the_incident() {
    let env = Env::new();
    env.ok(&[
        "triage",
        "--title",
        "Checkout failing",
        "--answers",
        "2,2,2",
    ]);
    env.ok(&["log", "--kind", "decision", "roll back deploy 4512"]);
    env.ok(&["claim", "--as", "maya"]);
    // Until the situation says it, the template does not guess from the log's latest
    // decision or the triage answers.
    let text = env.ok(&["update", "--audience", "executives", "--print"]);
    assert!(
        text.starts_with("Checkout failing (P2 HIGH, investigating for"),
        "{text}"
    );
    assert!(
        text.contains("Impact: being assessed.")
            && text.contains("What we are doing: still investigating."),
        "{text}"
    );
    env.ok(&[
        "situation",
        "--impact",
        "EU card payments fail",
        "--services",
        "checkout,payments",
        "--next",
        "roll back deploy 4512",
    ]);
    let text = env.ok(&["update", "--audience", "executives", "--print"]);
    assert!(
        text.contains("Impact: EU card payments fail.")
            && text.contains("What we are doing: roll back deploy 4512."),
        "{text}"
    );
    assert!(
        !env.ok(&["tail"]).contains("UPDATE/EXEC"),
        "--print logs nothing"
    );
    let text = env.ok(&["update", "--audience", "responders", "--print"]);
    assert!(
        text.contains("IC maya") && text.contains("Impact: EU card payments fail"),
        "{text}"
    );
    let text = env.ok(&["update", "--audience", "customers", "--print"]);
    assert!(
        text.contains("affecting checkout, payments") && !text.contains("Checkout failing"),
        "{text}"
    );
    // An update customers read is shown and asked about: a script says --yes.
    let err = env.fails(&["update", "--audience", "customers"]);
    assert!(err.contains("--yes"), "{err}");
    let err = env.fails(&[
        "log",
        "--kind",
        "update",
        "--audience",
        "customers",
        "we are on it",
    ]);
    assert!(err.contains("--yes"), "{err}");
    assert!(
        !env.ok(&["tail"]).contains("UPDATE/CUST"),
        "nothing reached customers unasked"
    );
    env.ok(&["update", "--audience", "customers", "--yes"]);
    assert!(
        env.ok(&["tail"]).contains("UPDATE/CUST"),
        "with --yes it is logged"
    );
}

#[test]
fn an_update_to_customers_is_shown_and_asked_about_on_a_terminal() {
    let env = Env::new();
    env.declare("Checkout failing");
    env.ok(&["situation", "--services", "checkout"]);
    let mut t = Console::start(&env, &["update", "--audience", "customers"]);
    t.wait_text("Customers will read:");
    t.wait_text("affecting checkout");
    t.wait_text("Log this update to customers? [y/N]");
    t.send("n\r");
    assert!(!t.wait_exit().success());
    assert!(
        !env.ok(&["tail"]).contains("UPDATE/CUST"),
        "a no sends nothing"
    );
    let mut t = Console::start(&env, &["update", "--audience", "customers"]);
    t.wait_text("Log this update to customers? [y/N]");
    t.send("y\r");
    assert!(t.wait_exit().success());
    assert!(env.ok(&["tail"]).contains("UPDATE/CUST"));
}

#[test]
fn concurrent_claims_on_two_replicas_resolve_the_same_way_and_show_until_confirmed() {
    let a = Env::new();
    let b = Env::new();
    let id = a.declare("Database primary down");
    // Both replicas start from the same events.
    let events = a.path("events.jsonl");
    std::fs::write(&events, a.ok(&["export", "--format", "jsonl"])).unwrap();
    b.ok(&["import", events.to_str().unwrap()]);
    // While apart, each host's responder takes command.
    a.ok(&["claim", "--as", "alice"]);
    b.ok(&["claim", "--as", "bob"]);
    // They sync both ways.
    let exchange = |from: &Env, to: &Env| {
        let file = from.path("sync.jsonl");
        std::fs::write(
            &file,
            from.ok(&["export", "--format", "jsonl", "--incident", &id]),
        )
        .unwrap();
        to.ok(&["import", file.to_str().unwrap()]);
    };
    exchange(&a, &b);
    exchange(&b, &a);
    let fold = |env: &Env| -> IncidentState {
        let store = Store::open(&env.db, OpenOptions::read()).unwrap();
        store
            .incident(ulid::Ulid::from_string(&id).unwrap())
            .unwrap()
            .unwrap()
    };
    let (sa, sb) = (fold(&a), fold(&b));
    assert_eq!(
        sa.command.commander, sb.command.commander,
        "both replicas agree on one commander"
    );
    let winner = sa.command.commander.clone().unwrap();
    let loser = if winner == "alice" { "bob" } else { "alice" };
    let conflicts: Vec<_> = sa
        .command
        .open_conflicts()
        .map(|c| c.claimant.clone())
        .collect();
    assert_eq!(conflicts, [loser.to_string()]);
    assert_eq!(sb.command.open_conflicts().count(), 1);
    for env in [&a, &b] {
        assert!(
            env.ok(&["show"])
                .contains(&format!("CONFLICT    {loser} claimed command"))
        );
        // The claim that lost across the partition reads as refused, on both sides.
        let tail = env.ok(&["tail"]);
        assert!(
            tail.contains(&format!(
                "{loser}: claim refused: {winner} already holds command; conflict recorded"
            )),
            "{tail}"
        );
        assert!(!tail.contains(&format!("{loser} took command")), "{tail}");
    }
    // Only the commander settles it; the other's confirmation is refused.
    let loser_env = if loser == "alice" { &a } else { &b };
    let winner_env = if loser == "alice" { &b } else { &a };
    assert!(
        loser_env
            .fails(&["confirm", "--as", loser])
            .contains("only the commander")
    );
    winner_env.ok(&["confirm", "--as", &winner]);
    exchange(winner_env, loser_env);
    for env in [&a, &b] {
        let state = fold(env);
        assert!(!state.command.in_conflict(), "settled everywhere");
        assert_eq!(state.status, Status::Investigating);
        assert!(!env.ok(&["show"]).contains("CONFLICT"));
    }
}

#[test]
fn declare_says_what_it_opened_and_whether_that_declared_it() {
    let env = Env::new();
    let (id, said) = env.ok_both(&["declare", "--title", "Disk filling", "--severity", "P4"]);
    let id = id.trim();
    let short = id[20..].to_ascii_lowercase();
    assert!(
        said.contains(&format!("opened {short} (P4 LOW, triage)"))
            && said.contains("below the threshold"),
        "{said}"
    );
    assert_eq!(kinds(&env, id), ["incident_opened", "severity_set"]);
    let (id, said) = env.ok_both(&[
        "declare",
        "--title",
        "Checkout down",
        "--severity",
        "P2",
        "--commander",
        "maya",
    ]);
    assert!(
        said.contains("(P2 HIGH, investigating)") && !said.contains("below"),
        "{said}"
    );
    assert_eq!(
        kinds(&env, id.trim()),
        [
            "incident_opened",
            "severity_set",
            "status_changed",
            "command_claimed"
        ]
    );
}

#[test]
fn refusals_on_the_command_line_name_the_command_line_step() {
    let env = Env::new();
    let id = env.declare("Login errors");
    env.ok(&["claim"]);
    let err = env.fails(&["claim", "--as", "bob"]);
    assert!(
        err.contains("`warroom handoff bob`") && !err.contains(":handoff"),
        "{err}"
    );
    env.ok(&[
        "resolve",
        "rollback",
        "rolled back",
        "--checks",
        "yes,yes,yes",
    ]);
    let err = env.fails(&["resolve", "rollback", "again", "--checks", "yes,yes,yes"]);
    assert!(
        err.contains("`warroom reopen` it first") && !err.contains(":reopen"),
        "{err}"
    );
    let err = env.fails(&["item", "done", "zzzz", "--incident", &id]);
    assert!(err.contains("`warroom review` numbers them"), "{err}");

    let err = env.fails(&["triage", "--title", "x", "--answers", "5,2,3", "--declare"]);
    assert!(
        err.contains("(--route)") && !err.contains("(r)") && !err.contains("(b)"),
        "{err}"
    );
    let err = env.fails(&["triage", "--title", "y", "--answers", "2,2,2", "--route"]);
    assert!(err.contains("(--declare)") && !err.contains("(d)"), "{err}");
    let (_, said) = env.ok_both(&["triage", "--title", "z", "--answers", "2,2,2"]);
    assert!(
        said.contains("(`warroom page ROLE`)") && !said.contains(":page"),
        "{said}"
    );
}

#[test]
fn interactive_triage_finishes_with_enter_the_way_the_answers_lead() {
    let env = Env::new();
    let mut t = Console::start(&env, &["triage", "--title", "Card data exposed"]);
    t.wait_text("1/3 Who is affected?");
    t.send("4\r");
    t.wait_text("2/3");
    t.send("1\r");
    t.wait_text("always P1");
    t.send("2\r");
    t.wait_text("Enter declares");
    t.send("\r");
    assert!(t.wait_exit().success(), "{}", t.screen());
    let list = env.ok(&["incidents"]);
    assert!(
        list.contains("P1 CRITICAL") && list.contains("Card data exposed"),
        "{list}"
    );
    // Below the threshold, Enter routes.
    let mut t = Console::start(&env, &["triage", "--title", "One report page broken"]);
    t.wait_text("1/3 Who is affected?");
    for answer in ["4", "2", "2"] {
        t.send(&format!("{answer}\r"));
    }
    t.wait_text("Enter routes");
    t.send("\r");
    assert!(t.wait_exit().success(), "{}", t.screen());
    let list = env.ok(&["incidents"]);
    assert!(
        list.contains("P4 LOW") && list.contains("One report page") && list.contains("closed"),
        "routed, never declared: {list}"
    );
}

#[test]
fn assuming_command_from_a_commander_at_a_console_needs_yes() {
    let env = Env::new();
    env.declare("Checkout failing");
    env.ok(&["claim", "--as", "alice"]);
    let mut console = Console::start(&env, &["--as", "alice"]);
    console.wait_text("Checkout failing");
    let err = env.fails(&["assume", "--as", "bob", "--reason", "no answer"]);
    assert!(
        err.contains("alice has a console open now") && err.contains("--yes"),
        "{err}"
    );
    assert!(env.ok(&["show"]).contains("commander   alice"));
    env.ok(&["assume", "--as", "bob", "--reason", "no answer", "--yes"]);
    assert!(env.ok(&["show"]).contains("commander   bob"));
    console.send("\x03");
    console.wait_exit();
}

#[test]
fn accept_finds_the_one_incident_whose_command_is_offered_to_you() {
    let env = Env::new();
    let first = env.declare("Checkout failing");
    let second = env.declare("Search slow");
    env.ok(&["claim", "--as", "alice", "-i", &first]);
    env.ok(&["claim", "--as", "alice", "-i", &second]);
    env.ok(&["page", "bob", "-i", &second]);
    env.ok(&["handoff", "bob", "--as", "alice", "-i", &second]);
    // Two incidents are open; only one offers bob command.
    env.ok(&["accept", "--as", "bob"]);
    assert!(env.ok(&["show", &second]).contains("commander   bob"));
    assert!(env.ok(&["show", &first]).contains("commander   alice"));
    // With none offered, the usual word on which incident.
    let err = env.fails(&["accept", "--as", "bob"]);
    assert!(err.contains("--incident"), "{err}");
}

/// A page reaches a person: for an incident that is resolved or closed (likely the
/// wrong one) the shell refuses it, naming the incident and `--yes`, and writes
/// nothing; with `--yes` the page is recorded. For a role as for a name.
#[test]
fn a_page_for_an_incident_that_is_over_wants_yes() {
    let env = Env::new();
    let id = env.declare("Old outage");
    env.ok(&["claim"]);
    env.ok(&[
        "resolve",
        "--checks",
        "yes,yes,yes",
        "rollback",
        "rolled back",
    ]);
    let before = kinds(&env, &id).len();
    for who in ["dave", "legal"] {
        let err = env.fails(&["page", who, "-i", &id]);
        assert!(
            err.contains("\"Old outage\" is resolved")
                && err.contains(&format!("page {who} to it anyway with --yes")),
            "{err}"
        );
        assert_eq!(kinds(&env, &id).len(), before, "nothing written");
    }
    env.ok(&[
        "problem",
        "-i",
        &id,
        "--owner",
        "carol",
        "--root-cause",
        "bad deploy",
    ]);
    let before = kinds(&env, &id).len();
    let err = env.fails(&["page", "dave", "-i", &id]);
    assert!(err.contains("is closed"), "{err}");
    assert_eq!(kinds(&env, &id).len(), before, "nothing written");
    env.ok(&["page", "dave", "-i", &id, "--yes"]);
    assert_eq!(
        kinds(&env, &id).last().map(String::as_str),
        Some("responder_paged")
    );
    // An open incident pages as before.
    let open = env.declare("New outage");
    env.ok(&["page", "dave", "-i", &open]);
}
