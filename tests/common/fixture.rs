//! Event fixtures written by hand in TOML: times as `HH:MM` on a fixed day (or RFC
//! 3339), incidents and events named, `@name` in a payload for a named event's id.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use ulid::Ulid;
use warroom::domain::{Body, Event, Timestamp};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    day: String,
    event: Vec<Raw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    incident: String,
    name: Option<String>,
    at: String,
    logged: Option<String>,
    author: String,
    kind: String,
    #[serde(default)]
    payload: toml::Table,
}

/// Reads a time of day on `day`, or an RFC 3339 time.
pub fn time(day: &str, text: &str) -> Timestamp {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return t.with_timezone(&Utc);
    }
    let (day, text) = match text.split_once(' ') {
        Some((d, t)) => (d, t),
        None => (day, text),
    };
    let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("fixture day");
    let time = ["%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(text, f).ok())
        .expect("fixture time");
    date.and_time(time).and_utc()
}

fn resolve(v: serde_json::Value, ids: &BTreeMap<String, Ulid>) -> serde_json::Value {
    match v {
        serde_json::Value::String(s) if s.starts_with('@') => {
            serde_json::Value::String(ids[&s[1..]].to_string())
        }
        serde_json::Value::Object(m) => {
            serde_json::Value::Object(m.into_iter().map(|(k, v)| (k, resolve(v, ids))).collect())
        }
        other => other,
    }
}

/// The events of a fixture file, and the ids of its incidents by name.
pub fn load(text: &str) -> (Vec<Event>, BTreeMap<String, Ulid>) {
    let file: File = toml::from_str(text).expect("fixture parses");
    let mut ids = BTreeMap::new();
    let mut incidents = BTreeMap::new();
    let stamped: Vec<(Ulid, Timestamp, &Raw)> = file
        .event
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let at = time(&file.day, &e.at);
            let id = Ulid::from_parts(at.timestamp_millis() as u64, i as u128 + 1);
            if let Some(name) = &e.name {
                ids.insert(name.clone(), id);
            }
            if e.kind == "incident_opened" {
                incidents.insert(e.incident.clone(), id);
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
            incident: incidents[&e.incident],
            author: e.author.clone(),
            at,
            logged_at: e
                .logged
                .as_deref()
                .map(|l| time(&file.day, l))
                .unwrap_or(at),
            body: Body::from_parts(
                &e.kind,
                resolve(serde_json::to_value(&e.payload).unwrap(), &ids),
            ),
        })
        .collect();
    (events, incidents)
}

/// The events as JSON lines, for `warroom import`.
pub fn jsonl(events: &[Event]) -> String {
    events
        .iter()
        .map(|e| serde_json::to_string(e).unwrap() + "\n")
        .collect()
}
