//! Event fixtures written by hand in TOML: times as `HH:MM[:SS[.mmm]]` on a fixed day (or
//! `YYYY-MM-DD HH:MM`, or RFC 3339), incidents and events named, `@name` in a payload for
//! a named event's id. Ids are built from the time and the event's `rank` (default: its
//! position), so ties in time are settled by rank.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use ulid::Ulid;
use warroom::domain::{Body, Event, Timestamp};

use super::Env;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    day: String,
    event: Vec<FixtureEvent>,
}

/// One event as written in a fixture.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureEvent {
    /// The incident's name (files with several incidents).
    incident: Option<String>,
    name: Option<String>,
    at: String,
    logged: Option<String>,
    rank: Option<u128>,
    author: String,
    kind: String,
    #[serde(default)]
    payload: toml::Table,
}

/// Reads a time of day on `day`, `YYYY-MM-DD HH:MM`, or an RFC 3339 time.
pub fn time(day: &str, text: &str) -> Timestamp {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return t.with_timezone(&Utc);
    }
    let (day, text) = match text.split_once(' ') {
        Some((d, t)) => (d, t),
        None => (day, text),
    };
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("fixture day");
    let time = ["%H:%M:%S%.3f", "%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(text, f).ok())
        .unwrap_or_else(|| panic!("bad fixture time {text:?}"));
    date.and_time(time).and_utc()
}

fn resolve(v: serde_json::Value, ids: &BTreeMap<String, Ulid>) -> serde_json::Value {
    match v {
        serde_json::Value::String(s) if s.starts_with('@') => {
            let id = ids
                .get(&s[1..])
                .unwrap_or_else(|| panic!("no event named {s}"));
            serde_json::Value::String(id.to_string())
        }
        serde_json::Value::Object(m) => {
            serde_json::Value::Object(m.into_iter().map(|(k, v)| (k, resolve(v, ids))).collect())
        }
        other => other,
    }
}

/// Builds the events of a fixture on `day`: each in its named incident (whose id is
/// that of its `incident_opened` event), or all in `single` when given. Returns the
/// events, the ids of named events, and the ids of the incidents by name.
pub fn build(
    day: &str,
    raw: &[FixtureEvent],
    single: Option<Ulid>,
) -> (Vec<Event>, BTreeMap<String, Ulid>, BTreeMap<String, Ulid>) {
    let mut names = BTreeMap::new();
    let mut incidents = BTreeMap::new();
    let stamped: Vec<(Ulid, Timestamp, &FixtureEvent)> = raw
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let at = time(day, &e.at);
            let rank = e.rank.unwrap_or(i as u128 + 1);
            let id = Ulid::from_parts(at.timestamp_millis() as u64, rank);
            if let Some(name) = &e.name {
                names.insert(name.clone(), id);
            }
            if let (Some(incident), "incident_opened") = (&e.incident, e.kind.as_str()) {
                incidents.insert(incident.clone(), id);
            }
            (id, at, e)
        })
        .collect();
    let events = stamped
        .into_iter()
        .enumerate()
        .map(|(i, (id, at, e))| Event {
            id,
            origin: "fixture".into(),
            seq: i as u64 + 1,
            incident: single.unwrap_or_else(|| {
                let name = e
                    .incident
                    .as_deref()
                    .expect("each event names its incident");
                incidents[name]
            }),
            author: e.author.clone(),
            recorded_by: None,
            at,
            logged_at: e.logged.as_deref().map(|l| time(day, l)).unwrap_or(at),
            body: Body::from_parts(
                &e.kind,
                resolve(serde_json::to_value(&e.payload).unwrap(), &names),
            ),
        })
        .collect();
    (events, names, incidents)
}

/// The events of a fixture file, and the ids of its incidents by name.
pub fn load(text: &str) -> (Vec<Event>, BTreeMap<String, Ulid>) {
    let file: File = toml::from_str(text).expect("fixture parses");
    let (events, _, incidents) = build(&file.day, &file.event, None);
    (events, incidents)
}

/// The events as JSON lines, for `warroom import`.
pub fn jsonl(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}

/// Imports a fixture file's events into the environment's database with
/// `warroom import`; returns the ids of its incidents by name.
pub fn import(env: &Env, text: &str) -> BTreeMap<String, Ulid> {
    let (events, incidents) = load(text);
    let file = env.path("fixture.jsonl");
    std::fs::write(&file, jsonl(&events)).unwrap();
    env.ok(&["import", file.to_str().unwrap()]);
    incidents
}
