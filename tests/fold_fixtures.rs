//! Fold fixtures: events in, expected state out, in every arrival order.
//!
//! Each `tests/fixtures/fold/*.toml` lists events and the state they must fold to.
//! Times are `HH:MM[:SS[.mmm]]` on 2026-11-27 UTC, or full RFC 3339. A payload string
//! `@name` stands for the id of the event named `name`. Ids are built from the time and
//! the event's `rank` (default: its position), so ties in time are settled by rank.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::fixture::{FixtureEvent, build, time};
use serde::Deserialize;
use ulid::Ulid;
use warroom::domain::{IncidentState, Timestamp, rfc3339};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    about: String,
    event: Vec<FixtureEvent>,
    expect: Expect,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expect {
    title: Option<String>,
    drill: Option<bool>,
    severity: Option<String>,
    severity_history: Option<Vec<String>>,
    status: Option<String>,
    status_history: Option<Vec<String>>,
    commander: Option<String>,
    command_history: Option<Vec<String>>,
    open_conflicts: Option<Vec<String>>,
    conflicts: Option<usize>,
    declared_at: Option<String>,
    resolved_at: Option<String>,
    closed_at: Option<String>,
    started_at: Option<String>,
    time_to_acknowledge_s: Option<i64>,
    time_to_declare_s: Option<i64>,
    time_to_resolve_s: Option<i64>,
    roster: Option<BTreeMap<String, String>>,
    roles: Option<BTreeMap<String, Vec<String>>>,
    timeline: Option<Vec<String>>,
    refused: Option<BTreeMap<String, String>>,
    action_items: Option<Vec<String>>,
    resolution: Option<String>,
    routed_to: Option<String>,
    reopened: Option<usize>,
    /// `from->to` of the pending handoff, or `none`.
    pending_handoff: Option<String>,
    impact: Option<String>,
    services: Option<Vec<String>>,
    impact_window: Option<String>,
    next_steps: Option<String>,
    /// `text | stage` per objective.
    objectives: Option<Vec<String>>,
    /// `text | owner | state` per task.
    tasks: Option<Vec<String>>,
    /// Judged hypotheses by event name: `confirmed`, or `ruled_out: why`.
    verdicts: Option<BTreeMap<String, String>>,
}

const DAY: &str = "2026-11-27";
const INCIDENT: Ulid = Ulid::from_parts(1_764_000_000_000, 42);

fn show_time(t: Option<Timestamp>) -> Option<String> {
    t.map(rfc3339)
}

fn timeline_line(state: &IncidentState, i: usize) -> String {
    let entry = &state.timeline[i];
    let current = state.current_text(entry);
    let mut line = format!(
        "{} {}: {}",
        entry.category().marker(),
        entry.event.author,
        current.text
    );
    if current.struck {
        line.push_str(" [struck]");
    }
    if current.amended {
        line.push_str(" [amended]");
    }
    if entry.event.is_backdated() {
        line.push_str(" [back-dated]");
    }
    line
}

fn check(path: &Path, state: &IncidentState, ids: &BTreeMap<String, Ulid>, expect: &Expect) {
    let name = path.display();
    let eq = |what: &str, got: Option<String>, want: &Option<String>| {
        if let Some(want) = want {
            let want = if what.ends_with("_at") {
                Some(rfc3339(time(DAY, want)))
            } else {
                Some(want.clone())
            };
            assert_eq!(got, want, "{name}: {what}");
        }
    };
    eq("title", Some(state.title.clone()), &expect.title);
    if let Some(drill) = expect.drill {
        assert_eq!(state.drill, drill, "{name}: drill");
    }
    eq(
        "severity",
        state.severity.map(|s| s.key().to_string()),
        &expect.severity,
    );
    eq("status", Some(state.status.to_string()), &expect.status);
    eq(
        "commander",
        Some(
            state
                .command
                .commander
                .clone()
                .unwrap_or_else(|| "none".into()),
        ),
        &expect.commander,
    );
    eq(
        "declared_at",
        show_time(state.declared_at),
        &expect.declared_at,
    );
    eq(
        "resolved_at",
        show_time(state.resolved_at),
        &expect.resolved_at,
    );
    eq("closed_at", show_time(state.closed_at), &expect.closed_at);
    eq(
        "started_at",
        show_time(state.started_at()),
        &expect.started_at,
    );
    eq(
        "resolution",
        state
            .resolution
            .as_ref()
            .map(|r| format!("{}: {}", r.code, r.summary)),
        &expect.resolution,
    );
    eq(
        "routed_to",
        Some(state.routed_to.clone().unwrap_or_else(|| "none".into())),
        &expect.routed_to,
    );
    if let Some(want) = expect.reopened {
        assert_eq!(state.reopened, want, "{name}: reopened");
    }
    let secs = |d: Option<chrono::TimeDelta>| d.map(|d| d.num_seconds());
    if expect.time_to_acknowledge_s.is_some() {
        assert_eq!(
            secs(state.time_to_acknowledge()),
            expect.time_to_acknowledge_s,
            "{name}: tta"
        );
    }
    if expect.time_to_declare_s.is_some() {
        assert_eq!(
            secs(state.time_to_declare()),
            expect.time_to_declare_s,
            "{name}: ttd"
        );
    }
    if expect.time_to_resolve_s.is_some() {
        assert_eq!(
            secs(state.time_to_resolve()),
            expect.time_to_resolve_s,
            "{name}: ttr"
        );
    }
    if let Some(want) = &expect.severity_history {
        let got: Vec<String> = state
            .severity_history
            .iter()
            .map(|c| c.to.key().to_string())
            .collect();
        assert_eq!(&got, want, "{name}: severity_history");
    }
    if let Some(want) = &expect.status_history {
        let got: Vec<String> = state
            .status_history
            .iter()
            .map(|c| format!("{}->{}", c.from, c.to))
            .collect();
        assert_eq!(&got, want, "{name}: status_history");
    }
    if let Some(want) = &expect.command_history {
        let got: Vec<String> = state
            .command
            .history
            .iter()
            .map(|c| {
                format!(
                    "{}->{} ({:?})",
                    c.from.as_deref().unwrap_or("none"),
                    c.to,
                    c.how
                )
            })
            .collect();
        assert_eq!(&got, want, "{name}: command_history");
    }
    if let Some(want) = &expect.open_conflicts {
        let got: Vec<String> = state
            .command
            .open_conflicts()
            .map(|c| c.claimant.clone())
            .collect();
        assert_eq!(&got, want, "{name}: open_conflicts");
    }
    if let Some(want) = expect.conflicts {
        assert_eq!(state.command.conflicts.len(), want, "{name}: conflicts");
    }
    if let Some(want) = &expect.roster {
        let got: BTreeMap<String, String> = state
            .roster
            .people
            .values()
            .map(|p| {
                (
                    p.name.clone(),
                    p.state
                        .map(|s| s.label().to_string())
                        .unwrap_or_else(|| "none".into()),
                )
            })
            .collect();
        assert_eq!(&got, want, "{name}: roster");
    }
    if let Some(want) = &expect.roles {
        let got: BTreeMap<String, Vec<String>> = state
            .roster
            .people
            .values()
            .filter(|p| !p.roles.is_empty())
            .map(|p| {
                (
                    p.name.clone(),
                    p.roles.iter().map(|r| r.key().to_string()).collect(),
                )
            })
            .collect();
        assert_eq!(&got, want, "{name}: roles");
    }
    if let Some(want) = &expect.timeline {
        let got: Vec<String> = (0..state.timeline.len())
            .map(|i| timeline_line(state, i))
            .collect();
        assert_eq!(&got, want, "{name}: timeline");
    }
    if let Some(want) = &expect.refused {
        let mut got = BTreeMap::new();
        for (label, id) in ids {
            if let Some(reason) = state.entry(*id).and_then(|e| e.refused.clone()) {
                got.insert(label.clone(), reason);
            }
        }
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{name}: refused events"
        );
        for (label, fragment) in want {
            assert!(
                got[label].contains(fragment.as_str()),
                "{name}: refusal of {label} was {:?}",
                got[label]
            );
        }
    }
    eq(
        "pending_handoff",
        Some(
            state
                .command
                .pending
                .as_ref()
                .map(|p| format!("{}->{}", p.from, p.to))
                .unwrap_or_else(|| "none".into()),
        ),
        &expect.pending_handoff,
    );
    let sit = &state.situation;
    eq("impact", sit.impact.clone(), &expect.impact);
    eq("next_steps", sit.next_steps.clone(), &expect.next_steps);
    if let Some(want) = &expect.services {
        assert_eq!(&sit.services, want, "{name}: services");
    }
    if let Some(want) = &expect.impact_window {
        let got = format!(
            "{} to {}",
            show_time(sit.impact_start).unwrap_or_else(|| "-".into()),
            show_time(sit.impact_end).unwrap_or_else(|| "-".into())
        );
        assert_eq!(&got, want, "{name}: impact_window");
    }
    if let Some(want) = &expect.objectives {
        let got: Vec<String> = state
            .objectives
            .iter()
            .map(|o| format!("{} | {}", o.text, o.stage))
            .collect();
        assert_eq!(&got, want, "{name}: objectives");
    }
    if let Some(want) = &expect.tasks {
        let got: Vec<String> = state
            .tasks
            .iter()
            .map(|t| {
                format!(
                    "{} | {} | {}",
                    t.text,
                    t.owner.as_deref().unwrap_or("-"),
                    t.state
                )
            })
            .collect();
        assert_eq!(&got, want, "{name}: tasks");
    }
    if let Some(want) = &expect.verdicts {
        let mut got = BTreeMap::new();
        for (label, id) in ids {
            if let Some((verdict, why)) = state.verdicts.get(id) {
                let mut said = verdict.to_string();
                if let Some(why) = why {
                    said.push_str(&format!(": {why}"));
                }
                got.insert(label.clone(), said);
            }
        }
        assert_eq!(&got, want, "{name}: verdicts");
    }
    if let Some(want) = &expect.action_items {
        let got: Vec<String> = state
            .action_items
            .iter()
            .map(|i| {
                format!(
                    "{} | {} | {} | {}",
                    i.title,
                    i.owner.as_deref().unwrap_or("-"),
                    i.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                    if i.closed_at.is_some() {
                        "closed"
                    } else {
                        "open"
                    }
                )
            })
            .collect();
        assert_eq!(&got, want, "{name}: action_items");
    }
}

/// A small deterministic shuffle, so every run tries the same orders.
fn shuffled<T: Clone>(items: &[T], seed: u64) -> Vec<T> {
    let mut out = items.to_vec();
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for i in (1..out.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = (state >> 33) as usize % (i + 1);
        out.swap(i, j);
    }
    out
}

#[test]
fn fixtures_fold_to_their_expected_state_in_any_order() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fold");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixture dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 6,
        "expected the fold fixtures, found {}",
        paths.len()
    );
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let fixture: Fixture =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!fixture.about.is_empty());
        let (events, ids, _) = build(DAY, &fixture.event, Some(INCIDENT));
        let baseline = IncidentState::fold(INCIDENT, events.clone());
        check(&path, &baseline, &ids, &fixture.expect);

        let mut orders = vec![events.iter().rev().cloned().collect::<Vec<_>>()];
        for seed in 0..24 {
            orders.push(shuffled(&events, seed));
        }
        for (n, order) in orders.into_iter().enumerate() {
            let folded = IncidentState::fold(INCIDENT, order.clone());
            assert!(
                folded == baseline,
                "{}: order {n} folded differently",
                path.display()
            );
            let mut incremental = IncidentState::empty(INCIDENT);
            for event in order.iter().cloned() {
                incremental.apply(event);
            }
            // Applying everything again changes nothing.
            for event in order {
                assert_eq!(
                    incremental.apply(event),
                    warroom::domain::Applied::Duplicate
                );
            }
            assert!(
                incremental == baseline,
                "{}: order {n} applied one by one differs",
                path.display()
            );
        }
    }
}

/// The metrics are read from the kinds that decide them only (`warroom metrics` and the
/// console skip notes and the like); on every fixture, whatever its order, the figures
/// from those kinds are the figures from the whole incident.
#[test]
fn metrics_folded_from_their_deciding_kinds_equal_the_full_folds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fold");
    let kinds = warroom::metrics::deciding_kinds();
    let playbook = warroom::playbook::Playbook::builtin();
    let cadence = |s, a| playbook.cadence_for(s, a);
    let now = rfc3339_now();
    let mut skipped = 0;
    for entry in std::fs::read_dir(&dir).expect("fixture dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let fixture: Fixture = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (events, _, _) = build(DAY, &fixture.event, Some(INCIDENT));
        for order in [events.clone(), shuffled(&events, 7)] {
            let full = IncidentState::fold(INCIDENT, order.clone());
            let deciding: Vec<_> = order
                .into_iter()
                .filter(|e| kinds.contains(&e.kind()))
                .collect();
            skipped += full.timeline.len() - deciding.len();
            let part = IncidentState::fold(INCIDENT, deciding);
            assert_eq!(
                warroom::metrics::for_incident(&part, &cadence, now),
                warroom::metrics::for_incident(&full, &cadence, now),
                "{}",
                path.display()
            );
        }
    }
    assert!(skipped > 0, "the fixtures hold kinds the metrics skip");
}

/// An incident folded without the kinds that change nothing but the timeline holds
/// every other field as the full fold: a console can draw the incident, roster and
/// triage panes of a long incident from those events and its newest entries.
#[test]
fn folds_without_the_timeline_only_kinds_hold_everything_beside_the_timeline() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fold");
    let mut skipped = 0;
    for entry in std::fs::read_dir(&dir).expect("fixture dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let fixture: Fixture = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (events, _, _) = build(DAY, &fixture.event, Some(INCIDENT));
        for (seed, order) in [events.clone(), shuffled(&events, 11)]
            .into_iter()
            .enumerate()
        {
            let full = IncidentState::fold(INCIDENT, order.clone());
            let kept: Vec<_> = order
                .into_iter()
                .filter(|e| !IncidentState::TIMELINE_ONLY.contains(&e.kind()))
                .collect();
            skipped += full.timeline.len() - kept.len();
            let part = IncidentState::fold(INCIDENT, kept);
            assert_eq!(
                part.beside_timeline(),
                full.beside_timeline(),
                "{} (order {seed})",
                path.display()
            );
        }
    }
    assert!(skipped > 0, "the fixtures hold timeline-only kinds");
}

fn rfc3339_now() -> Timestamp {
    warroom::domain::from_epoch_ms(1_796_000_000_000).expect("a time in range")
}

/// "As of" an entry is the fold of the events up to it in the total order, and "as of"
/// a time the fold of the events that happened by then: on every fixture, at every
/// entry and at every event's time, whatever order the events arrived in.
#[test]
fn as_of_equals_the_fold_of_the_prefix_at_every_entry_and_time() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fold");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixture dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let fixture: Fixture = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let (events, _, _) = build(DAY, &fixture.event, Some(INCIDENT));
        let full = IncidentState::fold(INCIDENT, shuffled(&events, 3));
        let mut ordered = events.clone();
        ordered.sort_by_key(warroom::domain::Event::order_key);
        for k in 0..=ordered.len() {
            assert!(
                full.prefix(k) == IncidentState::fold(INCIDENT, ordered[..k].to_vec()),
                "{}: as of entry {k}",
                path.display()
            );
            checked += 1;
        }
        for t in ordered.iter().map(|e| e.at) {
            let by_then: Vec<_> = events.iter().filter(|e| e.at <= t).cloned().collect();
            assert!(
                full.as_of(t) == IncidentState::fold(INCIDENT, by_then.clone()),
                "{}: as of {t}",
                path.display()
            );
            assert_eq!(
                full.hindsight(t),
                by_then.iter().filter(|e| e.logged_at > t).count()
            );
        }
        assert!(
            full.prefix(ordered.len() + 5) == full,
            "past the end: the whole"
        );
        for t in events.iter().map(|e| e.logged_at) {
            let known: Vec<_> = events
                .iter()
                .filter(|e| e.logged_at <= t)
                .cloned()
                .collect();
            assert!(
                full.known_at(t) == IncidentState::fold(INCIDENT, known),
                "{}: known at {t}",
                path.display()
            );
        }
    }
    assert!(checked > 50, "{checked}");
}
