//! The exports from a fixed incident: golden files for Markdown, JSON and the activity
//! log, and the public status page, which must carry every customer update and nothing
//! internal.

mod common;

use common::Env;
use common::fixture::import;

const FIXTURE: &str = include_str!("fixtures/exports/incident.toml");

fn env_with_fixture() -> Env {
    let env = Env::new();
    import(&env, FIXTURE);
    env
}

#[test]
fn the_markdown_post_incident_document() {
    let env = env_with_fixture();
    let md = env.ok(&["export", "--format", "markdown"]);
    for heading in [
        "## Summary",
        "## Impact",
        "## Review",
        "## Severity history",
        "## Who commanded",
        "## Status updates",
        "## Timeline",
        "## Action items",
        "## Metrics",
    ] {
        assert!(md.contains(heading), "lacks {heading}");
    }
    assert!(
        md.contains("**roll back deploy 4512**"),
        "decisions stand out"
    );
    assert!(
        md.contains("~~NAT gateway saturated~~"),
        "struck entries stay, crossed out"
    );
    assert!(
        md.contains("Checkout failing in EU \\<b>\\|\\</b>"),
        "text is escaped for Markdown, exactly where Markdown would read it"
    );
    insta::assert_snapshot!("export_markdown", md);
}

#[test]
fn the_json_document() {
    let env = env_with_fixture();
    let json = env.ok(&["export", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let incident = &value["incidents"][0];
    assert_eq!(incident["resolution_code"], "rollback");
    assert_eq!(incident["problem_owner"], "payments-team");
    assert_eq!(incident["metrics"]["time_to_resolve_s"], 45 * 60);
    assert_eq!(incident["metrics"]["handoffs"], 1);
    assert_eq!(
        incident["review"]["cause"][0],
        "deploy 4512 changed the TLS settings of the card processor client"
    );
    assert_eq!(
        incident["resolve_checklist"]["customers have been told"],
        false
    );
    assert_eq!(value["events"].as_array().unwrap().len(), 22);
    insta::assert_snapshot!("export_json", json);
}

#[test]
fn the_activity_log_per_person_and_role() {
    let env = env_with_fixture();
    let log = env.ok(&["export", "--format", "ics214"]);
    for person in ["## maya", "## priya", "## jonas", "## liam"] {
        assert!(log.contains(person), "{person} missing:\n{log}");
    }
    // The form's fields: incident name and number, period, who prepared it; for each
    // person their name, ICS position, home team and resources assigned.
    for field in [
        "| Incident name | Checkout failing in EU",
        "| Incident number | `",
        "| Operational period | ",
        "| Prepared by | alice, from the log up to ",
        "| Name | priya |",
        "| ICS position | commander 10:03-10:20",
        "| Home team | - |",
        "| Resources assigned | ",
    ] {
        assert!(log.contains(field), "{field} missing:\n{log}");
    }
    // The alerting bot is a source, listed apart from the people.
    let (people, sources) = log.split_once("## Automated sources").expect("sources");
    assert!(!people.contains("pagerbot"), "{people}");
    assert!(sources.contains("### pagerbot"), "{sources}");
    insta::assert_snapshot!("export_ics214", log);
    let commanders = env.ok(&["export", "--format", "ics214", "--role", "commander"]);
    assert!(commanders.contains("## maya") && commanders.contains("## priya"));
    assert!(
        !commanders.contains("## liam") && !commanders.contains("## jonas"),
        "{commanders}"
    );
    let window = env.ok(&[
        "export",
        "--format",
        "ics214",
        "--from",
        "2026-11-23 10:15",
        "--to",
        "2026-11-23 10:20",
    ]);
    assert!(
        window.contains("roll back deploy 4512") && !window.contains("NAT gateway"),
        "{window}"
    );
    assert!(
        env.fails(&["export", "--format", "ics214", "--role", "janitor"])
            .contains("janitor")
    );
}

#[test]
fn the_status_page_carries_customer_updates_only() {
    let env = env_with_fixture();
    let out = env.path("site");
    env.ok(&["statuspage", "--out", out.to_str().unwrap()]);
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("Some payments in Europe fail. We are fixing it."));
    assert!(page.contains("Payments work again. Sorry for the trouble."));
    assert!(page.contains("Resolved") && page.contains("No ongoing incidents"));
    for internal in [
        "Checkout failing",
        "EU checkout degraded",
        "roll back deploy",
        "NAT gateway",
        "rollback complete",
        "TLS",
        "payments-team",
        "maya",
        "liam",
        "checkout-api",
    ] {
        assert!(
            !page.contains(internal),
            "the status page leaks {internal:?}"
        );
    }
    assert!(!page.to_lowercase().contains("<script"), "no JavaScript");

    // A drill with a customer update never appears; an ongoing incident does.
    let incident = env
        .ok(&["declare", "--title", "Search slow", "--severity", "P3"])
        .trim()
        .to_string();
    env.ok(&[
        "log",
        "--incident",
        &incident,
        "--kind",
        "status",
        "--audience",
        "customers",
        "--yes",
        "Search is slow; <b>we are on it</b>",
    ]);
    env.ok(&["statuspage", "--out", out.to_str().unwrap()]);
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(page.contains("1 ongoing incident(s)") && page.contains("Investigating"));
    assert!(
        page.contains("Search is slow; &lt;b&gt;we are on it&lt;/b&gt;"),
        "escaped for HTML"
    );
    assert!(!page.contains("Search slow"), "no titles");

    // Quotes and ampersands are escaped, line breaks kept, controls made inert.
    env.ok(&[
        "log",
        "--incident",
        &incident,
        "--kind",
        "status",
        "--audience",
        "customers",
        "--yes",
        "\"Fixed\" & done\nthanks\u{202e}",
    ]);
    env.ok(&["statuspage", "--out", out.to_str().unwrap()]);
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        page.contains("&quot;Fixed&quot; &amp; done<br>thanks&lt;U+202E&gt;"),
        "{page}"
    );
}

#[test]
fn a_cut_off_or_damaged_export_document_says_why_and_imports_nothing() {
    let env = env_with_fixture();
    let json = env.ok(&["export", "--format", "json"]);
    let other = Env::new();
    let import = |name: &str, text: &str| {
        let file = other.path(name);
        std::fs::write(&file, text).unwrap();
        other.fails(&["import", file.to_str().unwrap()])
    };

    let err = import("cut.json", &json[..json.len() / 2]);
    assert!(
        err.contains("cut.json: the export document ends early (EOF while parsing")
            && err.contains("export it again")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert!(!err.contains("not a warroom event"), "{err}");

    // One event in the middle whose id is not an id.
    let (before, after) = json.split_at(json.find("\"events\"").unwrap());
    let damaged = format!(
        "{before}{}",
        after.replacen("\"id\": \"01M", "\"id\": \"not-an-id-01M", 2)
    );
    let err = import("damaged.json", &damaged);
    assert!(
        err.contains("damaged.json: the export document cannot be read: ")
            && err.contains("at line")
            && err.contains("nothing was imported"),
        "{err}"
    );
    assert!(!err.contains("not a warroom event"), "{err}");

    // The same document on one line is still read as a document.
    let compact: serde_json::Value = serde_json::from_str(&damaged).unwrap();
    let err = import("compact.json", &compact.to_string());
    assert!(err.contains("the export document cannot be read"), "{err}");
    assert!(!other.db.exists(), "nothing was written");

    // JSON lines still say which line is bad.
    let lines = env.ok(&["export", "--format", "jsonl"]);
    let mut lines: Vec<&str> = lines.lines().collect();
    lines[2] = "{\"id\": 7}";
    let err = import("bad.jsonl", &lines.join("\n"));
    assert!(err.contains("line 3: not a warroom event"), "{err}");
    assert!(!other.db.exists(), "nothing was written");
}

#[test]
fn an_entry_corrected_back_to_its_words_still_shows_it_was_amended() {
    let env = Env::new();
    env.declare("Queue backlog");
    let note = env
        .ok(&["log", "--kind", "decision", "drain eu-1 first"])
        .trim()
        .to_string();
    let note = &note[note.len() - 6..];
    env.ok(&["correct", note, "--text", "drain eu-2 first"]);
    env.ok(&[
        "correct",
        note,
        "--text",
        "drain eu-1 first",
        "--reason",
        "eu-1 it was",
    ]);
    let tail = env.ok(&["tail"]);
    assert!(
        tail.contains("drain eu-1 first [amended; was: drain eu-1 first]"),
        "{tail}"
    );
    let md = env.ok(&["export", "--format", "markdown"]);
    assert!(
        md.contains("**drain eu-1 first** (amended; was: drain eu-1 first)"),
        "{md}"
    );
    let json: Vec<serde_json::Value> = env
        .ok(&["tail", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let entry = json.iter().find(|e| e["kind"] == "decision").unwrap();
    assert_eq!(entry["original_text"], "drain eu-1 first", "{entry}");
}

#[test]
fn export_all_writes_every_incident_and_round_trips_as_json_lines() {
    let env = env_with_fixture();
    env.declare("Search slow");
    env.ok(&["log", "index rebuild started"]);
    let all = env.ok(&["export", "--all", "--format", "jsonl"]);
    let events: Vec<serde_json::Value> = all
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let incidents: std::collections::BTreeSet<&str> = events
        .iter()
        .map(|e| e["incident"].as_str().unwrap())
        .collect();
    assert_eq!(incidents.len(), 2);
    assert_eq!(
        events.len(),
        22 + 4,
        "the fixture, and the declaration's 3 + 1"
    );
    let times: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e["at"].as_str().unwrap(), e["id"].as_str().unwrap()))
        .collect();
    assert!(times.is_sorted(), "in the total order");

    let copy = Env::new();
    let file = copy.path("all.jsonl");
    std::fs::write(&file, &all).unwrap();
    copy.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(copy.ok(&["export", "--all", "--format", "jsonl"]), all);
    let doc: serde_json::Value =
        serde_json::from_str(&copy.ok(&["export", "--all", "--format", "json"])).unwrap();
    assert_eq!(doc["incidents"].as_array().unwrap().len(), 2);
    assert_eq!(doc["events"].as_array().unwrap().len(), events.len());
    let err = copy.fails(&["export", "--all", "--format", "markdown"]);
    assert!(err.contains("one incident at a time"), "{err}");
}

#[test]
fn the_briefing_as_markdown() {
    let env = env_with_fixture();
    let brief = env.ok(&["brief"]);
    for heading in [
        "# Briefing: ",
        "## Situation",
        "## Objectives",
        "## Actions",
        "## Organization",
        "## Resources",
        "## Next status updates",
    ] {
        assert!(brief.contains(heading), "lacks {heading}:\n{brief}");
    }
    assert!(
        brief.contains("Checkout failing in EU \\<b>\\|\\</b>"),
        "text is escaped for Markdown:\n{brief}"
    );
    assert!(
        brief.contains("Times are UTC."),
        "the zone is said:\n{brief}"
    );
    // Over: nothing is due, and times in a state run to the end, not to today.
    assert!(!brief.contains("OVERDUE"), "{brief}");
    insta::assert_snapshot!("briefing_markdown", brief);
}

#[test]
fn the_review_and_exports_show_the_peak_severity_the_impact_window_and_home_teams() {
    let env = Env::new();
    let id = env.declare("Checkout failing");
    env.ok(&["severity", "P1", "--reason", "spreading"]);
    env.ok(&["severity", "P3", "--reason", "contained"]);
    env.ok(&[
        "situation",
        "--impact-start",
        "2026-11-27T09:50:00Z",
        "--impact-end",
        "2026-11-27T10:25:00Z",
    ]);
    let review = env.ok(&["review", "-i", &id]);
    assert!(
        review.contains("Severity: P3 MEDIUM (peak P1 CRITICAL)"),
        "{review}"
    );
    assert!(
        review.contains("Customer impact: from 09:50 UTC to 10:25 UTC (35m)"),
        "{review}"
    );
    let md = env.ok(&["export", "--format", "markdown", "-i", &id]);
    assert!(
        md.contains("| Severity | P3 MEDIUM (peak P1 CRITICAL) |"),
        "{md}"
    );
    assert!(
        md.contains("| Customer impact | from 2026-11-27 09:50:00 to 2026-11-27 10:25:00 (35m) |"),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json", "-i", &id])).unwrap();
    let incident = &json["incidents"][0];
    assert_eq!(incident["severity"], "P3");
    assert_eq!(incident["peak_severity"], "P1");
    assert_eq!(incident["impact_start"], "2026-11-27T09:50:00.000Z");
    assert_eq!(incident["impact_end"], "2026-11-27T10:25:00.000Z");
    // Home teams come from the playbook's [teams].
    let default = env.ok(&["playbook", "--print-default"]);
    let teams = default.replace(
        "# payments = [\"jonas\", \"maya\"]",
        "payments = [\"Alice\"]",
    );
    assert_ne!(teams, default);
    let path = env.path("playbook.toml");
    std::fs::write(&path, teams).unwrap();
    let log = env.ok(&[
        "export",
        "--format",
        "ics214",
        "-i",
        &id,
        "--playbook",
        path.to_str().unwrap(),
    ]);
    assert!(log.contains("| Home team | payments |"), "{log}");
}

#[test]
fn an_entry_a_rule_refused_says_so_in_every_export_that_shows_it() {
    // alice accepted a handoff that was no longer offered (a partition had overtaken
    // it): the log keeps her entry, and no document may read as though she took command.
    let env = Env::new();
    import(
        &env,
        r#"
day = "2026-11-23"
[[event]]
incident = "x"
at = "10:02"
author = "maya"
kind = "incident_opened"
payload = { title = "Checkout failing" }
[[event]]
incident = "x"
at = "10:03"
author = "bob"
kind = "command_claimed"
payload = { commander = "bob" }
[[event]]
incident = "x"
at = "10:05"
author = "alice"
kind = "handoff_accepted"
payload = { from = "bob", to = "alice" }
"#,
    );
    let marked = "(no effect: no handoff from bob to alice is pending)";
    let tail = env.ok(&["tail"]);
    assert!(
        tail.contains("[no effect: no handoff from bob to alice is pending]"),
        "{tail}"
    );
    // The line of a document that shows the acceptance, which must say it was refused.
    let says_refused = |doc: &str| {
        let line = doc
            .lines()
            .find(|l| l.contains("accepted command"))
            .unwrap_or_else(|| panic!("{doc}"));
        assert!(line.contains(marked), "{line}");
    };
    let md = env.ok(&["export", "--format", "markdown"]);
    says_refused(&md);
    let commanded = md
        .split("## Who commanded")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap_or_default();
    assert!(
        commanded.contains("**bob** commanded") && !commanded.contains("alice"),
        "{commanded}"
    );
    says_refused(&env.ok(&["export", "--format", "ics214"]));
}
