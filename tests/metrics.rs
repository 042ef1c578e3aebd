//! Metrics on a fixture set of incidents with known answers.

mod common;

use chrono::TimeDelta;
use common::Env;
use common::fixture::{import, load, time};
use warroom::domain::{Audience, IncidentState, Status};
use warroom::metrics::{adherence, for_incident, summarize};
use warroom::playbook::Playbook;

const FIXTURE: &str = include_str!("fixtures/metrics/incidents.toml");

fn states() -> (
    Vec<IncidentState>,
    std::collections::BTreeMap<String, ulid::Ulid>,
) {
    let (events, ids) = load(FIXTURE);
    let states = ids
        .values()
        .map(|id| IncidentState::fold(*id, events.iter().filter(|e| e.incident == *id).cloned()))
        .collect();
    (states, ids)
}

#[test]
fn across_incidents_drills_and_routed_alerts_are_left_out() {
    let (states, _) = states();
    let playbook = Playbook::builtin();
    let now = time("2026-11-30", "09:00");
    let summary = summarize(&states, None, &|s, _| playbook.cadence(s), now);
    assert_eq!(summary.incidents, 3);
    assert_eq!(summary.mtta_s, Some(600));
    assert_eq!(
        summary.mttr_s,
        Some(3600),
        "the reopened incident counts to its final resolution"
    );
    assert_eq!(summary.by_severity.get("P2"), Some(&1));
    assert_eq!(summary.by_severity.get("P3"), Some(&2));
    assert!(
        !summary.by_severity.contains_key("P1"),
        "the drill's P1 is not counted"
    );
    assert_eq!(summary.by_week.get("2026-W48"), Some(&2));
    assert_eq!(summary.by_week.get("2026-W49"), Some(&1));
    assert_eq!(summary.by_month.get("2026-11"), Some(&3));
    assert_eq!(summary.open_action_items, 2);
    assert_eq!(summary.open_incidents, 1);
    assert_eq!((summary.drills_excluded, summary.routed_excluded), (1, 1));

    let since = summarize(
        &states,
        Some(time("2026-11-24", "00:00")),
        &|s, _| playbook.cadence(s),
        now,
    );
    assert_eq!(since.incidents, 2, "--since leaves out older incidents");
    assert_eq!(since.mtta_s, Some(750));
}

#[test]
fn per_incident_timings_status_times_cadence_and_handoffs() {
    let (states, ids) = states();
    let playbook = Playbook::builtin();
    let now = time("2026-11-30", "09:00");
    let get = |name: &str| states.iter().find(|s| s.id == ids[name]).unwrap();

    let checkout = for_incident(get("checkout"), &|s, _| playbook.cadence(s), now);
    assert_eq!(checkout.time_to_acknowledge_s, Some(300));
    assert_eq!(checkout.time_to_declare_s, Some(360));
    assert_eq!(checkout.time_to_resolve_s, Some(3600));
    assert_eq!(checkout.time_in_status_s.get("triage"), Some(&240));
    assert_eq!(
        checkout.time_in_status_s.get("investigating"),
        Some(&(54 * 60))
    );
    assert_eq!(checkout.handoffs, 1);
    let responders = &checkout.cadence[0];
    assert_eq!(
        (responders.audience, responders.due, responders.on_time),
        (Audience::Responders, 2, 1)
    );
    assert!((responders.share() - 0.5).abs() < 1e-9);
    let executives = &checkout.cadence[1];
    assert_eq!(
        (executives.due, executives.on_time),
        (1, 0),
        "no update in 54 minutes at a 30-minute cadence"
    );

    let queue = get("queue");
    assert_eq!(queue.reopened, 1);
    assert_eq!(queue.status, Status::Resolved);
    let m = for_incident(queue, &|s, _| playbook.cadence(s), now);
    assert_eq!(m.time_to_resolve_s, Some(3600));
    assert_eq!(
        m.time_in_status_s.get("resolved"),
        Some(&(10 * 60 + 5 * 24 * 3600 + 23 * 3600)),
        "resolved from 09:30 to 09:40, then from 10:00 until now"
    );

    // The open incident's responders cadence (60 min at P3) has run out by now.
    let search = get("search");
    let a = adherence(
        search,
        Audience::Responders,
        &|s, _| playbook.cadence(s),
        time("2026-11-30", "10:00"),
    );
    assert_eq!((a.due, a.on_time), (1, 0));
    let early = adherence(
        search,
        Audience::Responders,
        &|s, _| playbook.cadence(s),
        time("2026-11-30", "08:30"),
    );
    assert_eq!((early.due, early.on_time), (0, 0), "not due yet");
    assert_eq!(search.time_to_resolve(), None);
    assert!(search.time_to_acknowledge() == Some(TimeDelta::minutes(15)));
}

#[test]
fn a_reopened_incident_owes_no_updates_for_the_time_it_was_resolved() {
    // Declared P3 (responders every 60 minutes), updated on time, resolved; back two
    // days later, updated within the hour of its reopening, resolved again.
    let (events, ids) = load(
        r#"
day = "2026-11-23"
[[event]]
incident = "back"
at = "09:00"
author = "ana"
kind = "incident_opened"
payload = { title = "Back again" }
[[event]]
incident = "back"
at = "09:00"
author = "ana"
kind = "severity_set"
payload = { severity = "P3" }
[[event]]
incident = "back"
at = "09:00"
author = "ana"
kind = "status_changed"
payload = { status = "investigating" }
[[event]]
incident = "back"
at = "09:30"
author = "ana"
kind = "status_update"
payload = { audience = "responders", text = "on time" }
[[event]]
incident = "back"
at = "09:50"
author = "ana"
kind = "resolution"
payload = { code = "capacity", summary = "more consumers" }
[[event]]
incident = "back"
at = "2026-11-25 10:00"
author = "ana"
kind = "status_changed"
payload = { status = "investigating", reason = "reopened" }
[[event]]
incident = "back"
at = "2026-11-25 10:30"
author = "ana"
kind = "status_update"
payload = { audience = "responders", text = "on time after the reopening" }
[[event]]
incident = "back"
at = "2026-11-25 10:45"
author = "ana"
kind = "resolution"
payload = { code = "capacity", summary = "for good" }
"#,
    );
    let id = ids["back"];
    let state = IncidentState::fold(id, events.into_iter().filter(|e| e.incident == id));
    assert_eq!(state.reopened, 1);
    let playbook = Playbook::builtin();
    let now = time("2026-11-30", "09:00");
    let a = adherence(
        &state,
        Audience::Responders,
        &|s, _| playbook.cadence(s),
        now,
    );
    assert_eq!(
        (a.due, a.on_time),
        (2, 2),
        "both updates on time, none missed"
    );
    // Left reopened with no update: one missed, counted from the reopening.
    let (events, ids) = load(
        r#"
day = "2026-11-23"
[[event]]
incident = "quiet"
at = "09:00"
author = "ana"
kind = "incident_opened"
payload = { title = "Quiet" }
[[event]]
incident = "quiet"
at = "09:00"
author = "ana"
kind = "severity_set"
payload = { severity = "P3" }
[[event]]
incident = "quiet"
at = "09:00"
author = "ana"
kind = "status_changed"
payload = { status = "investigating" }
[[event]]
incident = "quiet"
at = "09:20"
author = "ana"
kind = "resolution"
payload = { code = "capacity", summary = "gone" }
[[event]]
incident = "quiet"
at = "2026-11-25 10:00"
author = "ana"
kind = "status_changed"
payload = { status = "investigating", reason = "reopened" }
"#,
    );
    let id = ids["quiet"];
    let state = IncidentState::fold(id, events.into_iter().filter(|e| e.incident == id));
    let at = |t: &str| {
        adherence(
            &state,
            Audience::Responders,
            &|s, _| playbook.cadence(s),
            time("2026-11-25", t),
        )
    };
    // 20 minutes were owed before the resolution; the clock stood still while it was
    // resolved, and runs again from the reopening.
    assert_eq!(
        (at("10:35").due, at("10:35").on_time),
        (0, 0),
        "not due yet"
    );
    assert_eq!(
        (at("10:45").due, at("10:45").on_time),
        (1, 0),
        "an hour owed by now"
    );
}

#[test]
fn the_metrics_command_reports_the_same_numbers() {
    let env = Env::new();
    import(&env, FIXTURE);
    let json: serde_json::Value = serde_json::from_str(&env.ok(&["metrics", "--json"])).unwrap();
    assert_eq!(json["incidents"], 3);
    assert_eq!(json["mtta_s"], 600);
    assert_eq!(json["mttr_s"], 3600);
    assert_eq!(json["drills_excluded"], 1);
    let text = env.ok(&["metrics", "--since", "2026-11-24"]);
    assert!(
        text.contains("2 incidents") && text.contains("MTTA 12m"),
        "{text}"
    );
    let err = env.fails(&["metrics", "--since", "last tuesday"]);
    assert!(
        err.contains("--since") && err.contains("YYYY-MM-DD"),
        "{err}"
    );

    // A day starts at local midnight: twelve hours behind UTC, 2026-11-23 starts at
    // 12:00 UTC, after checkout (10:00 UTC) began.
    let out = env
        .cmd()
        .env("TZ", "XXX+12")
        .args(["metrics", "--json", "--since", "2026-11-23"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["since"], "2026-11-23T12:00:00.000Z");
    assert_eq!(json["incidents"], 2, "{json:#}");
    let utc: serde_json::Value =
        serde_json::from_str(&env.ok(&["metrics", "--json", "--since", "2026-11-23"])).unwrap();
    assert_eq!(utc["incidents"], 3, "in UTC the day starts before checkout");
    let time: serde_json::Value =
        serde_json::from_str(&env.ok(&["metrics", "--json", "--since", "2026-11-23 10:30"]))
            .unwrap();
    assert_eq!(time["incidents"], 2, "a time of day works too");
}

/// A routed alert that comes back and is declared counts like any incident, and the
/// post-incident document does not call it "never declared".
#[test]
fn a_routed_alert_declared_later_is_counted_as_an_incident() {
    let env = Env::new();
    import(
        &env,
        r#"
day = "2026-11-23"
[[event]]
incident = "login"
at = "10:00"
author = "ana"
kind = "incident_opened"
payload = { title = "Login slow for some users" }
[[event]]
incident = "login"
at = "10:01"
author = "ana"
kind = "severity_set"
payload = { severity = "P4" }
[[event]]
incident = "login"
at = "10:03"
author = "ana"
kind = "routed"
payload = { to = "service desk" }
[[event]]
incident = "login"
at = "10:30"
author = "ana"
kind = "severity_set"
payload = { severity = "P2" }
[[event]]
incident = "login"
at = "10:40"
author = "ana"
kind = "status_changed"
payload = { status = "investigating", reason = "every user now" }
"#,
    );
    let json: serde_json::Value = serde_json::from_str(&env.ok(&["metrics", "--json"])).unwrap();
    assert_eq!(json["incidents"], 1, "{json:#}");
    assert_eq!(json["routed_excluded"], 0, "{json:#}");
    assert_eq!(json["per_incident"][0]["routed"], false);
    assert_eq!(json["per_incident"][0]["time_to_declare_s"], 40 * 60);
    let md = env.ok(&["export", "--format", "markdown"]);
    assert!(md.contains("| Declared | 2026-11-23 10:40:00 |"), "{md}");
    assert!(!md.contains("| Routed |"), "{md}");
}

/// `warroom metrics` folds only the kinds that decide the figures; on the sample
/// incidents (every kind of entry) and the fixture, its answer is the full fold's.
#[test]
fn the_metrics_command_answers_as_the_full_fold_does() {
    let env = Env::new();
    env.ok(&["demo"]);
    import(&env, FIXTURE);
    let store = warroom::store::Store::open(&env.db, warroom::store::OpenOptions::read()).unwrap();
    let playbook = Playbook::builtin();
    let cadence = |s, a| playbook.cadence_for(s, a);
    let now = store.now();
    let full = store.incidents().unwrap();
    let part = store
        .incidents_of_kinds(&warroom::metrics::deciding_kinds())
        .unwrap();
    assert!(
        part.iter().map(|s| s.timeline.len()).sum::<usize>()
            < full.iter().map(|s| s.timeline.len()).sum::<usize>(),
        "some kinds are skipped"
    );
    let expected = summarize(&full, None, &cadence, now);
    assert!(expected.incidents >= 4, "{expected:?}");
    assert_eq!(summarize(&part, None, &cadence, now), expected);
    // The command, run on the same file, prints the full fold's numbers.
    let printed: serde_json::Value = serde_json::from_str(&env.ok(&["metrics", "--json"])).unwrap();
    let expected = serde_json::to_value(&expected).unwrap();
    for key in [
        "incidents",
        "mttr_s",
        "mtta_s",
        "by_severity",
        "by_week",
        "open_action_items",
    ] {
        assert_eq!(printed[key], expected[key], "{key}");
    }
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["per_incident"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                m["id"].to_string()
                    + &m["cadence"].to_string()
                    + &m["time_in_status_s"].to_string()
                    + &m["handoffs"].to_string()
            })
            .collect()
    };
    assert_eq!(ids(&printed), ids(&expected));
}
