//! The sample incidents `warroom demo` (and the console's `D`) loads: a live one and
//! one resolved the day before, covering every kind of entry. The story lives in
//! `sample.toml`; [`events`] turns it into events (pure: the same `now` and origin
//! always give the same events), and [`load`] stores them.

use std::collections::{HashMap, HashSet};

use chrono::TimeDelta;
use serde::Deserialize;
use serde_json::{Map, Value};
use ulid::Ulid;

use crate::domain::{Body, Event, Timestamp, rfc3339, to_millis};
use crate::store::{Store, StoreError};

const SAMPLE: &str = include_str!("sample.toml");

#[derive(Deserialize)]
struct Sample {
    incident: Vec<Script>,
}

#[derive(Deserialize)]
struct Script {
    #[allow(dead_code)]
    about: String,
    hours_ago: i64,
    events: Vec<toml::Table>,
}

/// A fixed scramble of a counter into random-looking id bits.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// An id at `t` whose random part starts with `seq`, so events stamped in the same
/// millisecond keep script order, as the store would keep commit order.
fn id_at(t: Timestamp, seq: u64, salt: u64) -> Ulid {
    let random = (u128::from(seq) << 64) | u128::from(mix(seq ^ salt));
    Ulid::from_parts(t.timestamp_millis() as u64, random)
}

fn take_i64(table: &mut toml::Table, key: &str) -> Option<i64> {
    table.remove(key).and_then(|v| v.as_integer())
}

fn take_string(table: &mut toml::Table, key: &str) -> String {
    table
        .remove(key)
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Replaces `"@name"` strings with the id of the event so named.
fn resolve(value: Value, names: &HashMap<String, Ulid>) -> Value {
    match value {
        Value::String(s) if s.starts_with('@') => names
            .get(&s[1..])
            .map(|id| Value::String(id.to_string()))
            .unwrap_or(Value::String(s)),
        Value::Array(items) => Value::Array(items.into_iter().map(|v| resolve(v, names)).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, resolve(v, names)))
                .collect(),
        ),
        other => other,
    }
}

fn script_events(script: &Script, origin: &str, now: Timestamp, first_seq: u64) -> Vec<Event> {
    let base = to_millis(now) - TimeDelta::hours(script.hours_ago);
    let salt = base.timestamp_millis() as u64;
    let minutes = |ago: i64| base - TimeDelta::minutes(ago);
    let mut names = HashMap::new();
    let mut drafts = Vec::new();
    let mut incident = Ulid::nil();
    for (i, raw) in script.events.iter().enumerate() {
        let mut table = raw.clone();
        let seq = first_seq + i as u64;
        let at = minutes(take_i64(&mut table, "ago").unwrap_or(0));
        let logged_at = take_i64(&mut table, "logged_ago")
            .map(minutes)
            .unwrap_or(at);
        let author = take_string(&mut table, "by");
        let kind = take_string(&mut table, "kind");
        let id = id_at(logged_at, seq, salt);
        if let Some(name) = table
            .remove("name")
            .and_then(|v| v.as_str().map(String::from))
        {
            names.insert(name, id);
        }
        if kind == "incident_opened" {
            incident = id;
        }
        let mut payload: Map<String, Value> = serde_json::to_value(&table)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default();
        if let Some(days) = payload.remove("due_in_days").and_then(|v| v.as_i64()) {
            let due = (base + TimeDelta::days(days)).date_naive();
            payload.insert("due".into(), Value::String(due.to_string()));
        }
        if let Some(ago) = payload.remove("detected_ago").and_then(|v| v.as_i64()) {
            payload.insert("detected_at".into(), Value::String(rfc3339(minutes(ago))));
        }
        drafts.push((id, seq, author, at, logged_at, kind, Value::Object(payload)));
    }
    drafts
        .into_iter()
        .map(|(id, seq, author, at, logged_at, kind, payload)| Event {
            id,
            origin: origin.to_string(),
            seq,
            incident,
            author,
            recorded_by: None,
            at,
            logged_at,
            body: Body::from_parts(&kind, resolve(payload, &names)),
        })
        .collect()
}

/// The sample incidents as events from the replica `origin`, relative to `now`.
fn sample_events(origin: &str, now: Timestamp) -> Result<Vec<Event>, toml::de::Error> {
    let sample: Sample = toml::from_str(SAMPLE)?;
    let mut all = Vec::new();
    for script in sample.incident.iter().rev() {
        let first_seq = all.len() as u64 + 1;
        all.extend(script_events(script, origin, now, first_seq));
    }
    Ok(all)
}

/// The sample incidents as events from the replica `origin`, relative to `now`.
///
/// # Panics
/// If the compiled-in sample does not parse, which the unit tests rule out.
pub fn events(origin: &str, now: Timestamp) -> Vec<Event> {
    sample_events(origin, now).expect("the built-in sample.toml parses")
}

/// What [`load`] stored.
#[derive(Debug)]
pub struct Loaded {
    /// The events, as stored.
    pub events: Vec<Event>,
    /// How many incidents they make.
    pub incidents: usize,
}

/// Stores the sample incidents, as a replica of their own (`demo-<ulid>`) so that they
/// never share sequence numbers with real entries.
pub fn load(store: &mut Store) -> Result<Loaded, StoreError> {
    let origin = format!("demo-{}", Ulid::generate());
    let events = sample_events(&origin, store.now()).map_err(|e| {
        StoreError::Invalid(format!(
            "the built-in sample incidents cannot be read ({e}); nothing was loaded. This is a bug in warroom: please report it"
        ))
    })?;
    store.insert_events(&events)?;
    let incidents = events
        .iter()
        .map(|e| e.incident)
        .collect::<HashSet<_>>()
        .len();
    Ok(Loaded { events, incidents })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Category, IncidentState, Status};
    use chrono::TimeZone;
    use std::collections::{BTreeMap, HashSet};

    #[test]
    fn loading_stores_every_sample_event_under_an_origin_of_its_own() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut store =
            Store::open(dir.path().join("w.db"), crate::store::OpenOptions::write()).unwrap();
        let loaded = load(&mut store).unwrap();
        assert_eq!(loaded.incidents, 2);
        assert_eq!(store.all_events().unwrap(), loaded.events);
        assert!(loaded.events.iter().all(|e| e.origin.starts_with("demo-")));
        assert_ne!(loaded.events[0].origin, store.origin());
    }

    #[test]
    fn the_sample_covers_every_kind_and_folds_cleanly() {
        toml::from_str::<Sample>(SAMPLE).expect("sample.toml parses");
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 27, 10, 0, 0)
            .unwrap();
        let events = events("demo-test", now);
        assert!(events.len() > 60);
        assert!(
            !events
                .iter()
                .any(|e| matches!(e.body, Body::Unknown { .. })),
            "every sample event is a known kind with a valid payload"
        );
        let kinds: HashSet<&str> = events.iter().map(Event::kind).collect();
        for kind in [
            "incident_opened",
            "alert",
            "note",
            "hypothesis",
            "decision",
            "action",
            "status_update",
            "severity_set",
            "status_changed",
            "command_claimed",
            "command_handed_off",
            "command_confirmed",
            "role_assigned",
            "role_removed",
            "responder_paged",
            "responder_acknowledged",
            "responder_engaged",
            "responder_stood_down",
            "action_item_opened",
            "action_item_updated",
            "action_item_closed",
            "resolution",
            "correction",
        ] {
            assert!(kinds.contains(kind), "sample lacks {kind}");
        }
        let ids: HashSet<Ulid> = events.iter().map(|e| e.id).collect();
        assert_eq!(ids.len(), events.len(), "ids are unique");
        let seqs: HashSet<u64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs.len(), events.len(), "one sequence number per event");

        let mut by_incident: BTreeMap<Ulid, Vec<Event>> = BTreeMap::new();
        for e in &events {
            by_incident.entry(e.incident).or_default().push(e.clone());
        }
        assert_eq!(by_incident.len(), 2);
        let live = events.last().unwrap().incident;
        let state = IncidentState::fold(live, by_incident[&live].clone());
        assert_eq!(state.title, "Checkout failing for EU customers");
        assert_eq!(state.command.commander.as_deref(), Some("priya"));
        assert!(!state.command.in_conflict());
        assert_eq!(state.status, Status::Monitoring);
        assert_eq!(state.action_items.len(), 2);
        assert_eq!(state.action_items[1].owner.as_deref(), Some("priya"));
        let refused: Vec<_> = state
            .timeline
            .iter()
            .filter(|e| e.refused.is_some())
            .collect();
        assert_eq!(
            refused.len(),
            1,
            "only the exec's grab for command is refused"
        );
        assert_eq!(refused[0].category(), Category::Command);
        assert_eq!(events, super::events("demo-test", now), "deterministic");
    }
}
