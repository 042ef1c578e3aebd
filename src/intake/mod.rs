//! The alert inbox's way in: notifications from monitors (Prometheus Alertmanager,
//! Grafana, a small generic JSON form) and from the command line, each recorded as an
//! `alert_received` event in the group of its fingerprint. Nothing here needs a
//! network: `warroom intake --stdin` and `warroom alert` take notifications without
//! one, and `warroom intake --listen` serves them over HTTP (`http.rs`).

pub mod http;
pub mod payload;

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::domain::{Body, Event};
use crate::store::{NewEvent, Store, StoreError};

/// One notification about one alert, as any source gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// What it says.
    pub text: String,
    /// Where it came from (`alertmanager`, `grafana`, a monitor's name).
    pub source: Option<String>,
    /// What makes notifications one alert.
    pub fingerprint: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// It says the alert resolved (else it is firing).
    pub resolved: bool,
    /// A link back to the monitor.
    pub url: Option<String>,
}

/// The most notifications one request may carry (Alertmanager groups, a generic list).
pub const MAX_NOTIFICATIONS: usize = 1000;

/// A fingerprint for an alert that came without one: the first 16 hex digits of the
/// SHA-256 of its source, text and labels, so the same alert sent again is the same
/// alert, and the same text about two hosts is two.
pub fn fingerprint_of(
    source: Option<&str>,
    text: &str,
    labels: &BTreeMap<String, String>,
) -> String {
    let mut hash = Sha256::new();
    hash.update(source.unwrap_or("").as_bytes());
    hash.update([0]);
    hash.update(text.as_bytes());
    for (k, v) in labels {
        hash.update([0]);
        hash.update(k.as_bytes());
        hash.update([1]);
        hash.update(v.as_bytes());
    }
    hex::encode(&hash.finalize()[..8])
}

impl Notification {
    /// The event this notification records.
    pub fn body(&self) -> Body {
        Body::AlertReceived {
            text: self.text.clone(),
            source: self.source.clone(),
            fingerprint: self.fingerprint.clone(),
            labels: self.labels.clone(),
            resolved: self.resolved,
            url: self.url.clone(),
        }
    }
}

/// Records `notes` by `author` in one transaction: each in the group of its
/// fingerprint (a new group for a fingerprint not seen, or seen resolved and firing
/// again), all or none.
///
/// # Errors
/// When the store refuses the write (read-only, too large, out of bounds); nothing
/// is stored then.
pub fn record(
    store: &mut Store,
    author: &str,
    notes: &[Notification],
) -> Result<Vec<Event>, StoreError> {
    let mut drafts = Vec::with_capacity(notes.len());
    let mut found: BTreeMap<String, Option<ulid::Ulid>> = BTreeMap::new();
    for note in notes {
        let group = match found.get(&note.fingerprint) {
            Some(group) => *group,
            None => {
                let group = store.alert_group(&note.fingerprint, !note.resolved)?;
                found.insert(note.fingerprint.clone(), group);
                group
            }
        };
        drafts.push(NewEvent {
            incident: group,
            author: author.to_string(),
            recorded_by: None,
            at: None,
            body: note.body(),
        });
    }
    store.append(drafts)
}
