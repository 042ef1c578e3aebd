//! Reading events: by incident, everything, or what is new since a cursor.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rusqlite::{OptionalExtension, Row};
use ulid::Ulid;

use super::{Store, StoreError};
use crate::domain::{
    Body, ChainFields, EncodedEvent, Event, IncidentState, IncidentSummary, from_epoch_ms,
};

/// How the connection is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// `wal` for every warroom database.
    pub journal_mode: String,
    /// SQLite's level: 2 is FULL (fsync on every commit).
    pub synchronous: i64,
    /// How long a statement waits for another writer's lock.
    pub busy_timeout_ms: i64,
    /// The schema version (`PRAGMA user_version`).
    pub schema_version: i64,
}

const COLUMNS: &str = "pos, id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload";

/// A stored row that could not be read back as an event.
fn bad_row(detail: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, detail.into())
}

fn decode(row: &Row<'_>) -> rusqlite::Result<(i64, Event)> {
    let pos: i64 = row.get(0)?;
    // Text columns are read in place, not copied into strings first: a console's first
    // read decodes every head of years of history.
    let text = |i: usize| -> rusqlite::Result<&str> {
        row.get_ref(i)?
            .as_str()
            .map_err(|e| bad_row(format!("row {pos}: column {i}: {e}")))
    };
    let ulid = |i: usize| -> rusqlite::Result<Ulid> {
        let text = text(i)?;
        Ulid::from_string(text).map_err(|e| bad_row(format!("row {pos}: bad id {text:?}: {e}")))
    };
    let time = |i: usize| -> rusqlite::Result<_> {
        let ms: i64 = row.get(i)?;
        from_epoch_ms(ms).ok_or_else(|| bad_row(format!("row {pos}: bad time {ms}")))
    };
    let kind = text(8)?;
    let payload = text(9)?;
    // A payload that is not JSON is kept as a string under an unknown kind, never dropped.
    let (body, recorded_by) = match serde_json::from_str(payload) {
        Ok(value) => crate::domain::body_and_recorder(kind, value),
        Err(_) => (
            Body::Unknown {
                kind: kind.to_string(),
                payload: serde_json::Value::String(payload.to_string()),
            },
            None,
        ),
    };
    Ok((
        pos,
        Event {
            id: ulid(1)?,
            origin: row.get(2)?,
            seq: row.get::<_, i64>(3)? as u64,
            incident: ulid(4)?,
            author: row.get(5)?,
            at: time(6)?,
            logged_at: time(7)?,
            recorded_by,
            body,
        },
    ))
}

/// The link in columns `at` (prev) and `at + 1` (hash), when both are set.
fn link_of(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<crate::domain::Link>> {
    let hash = |i: usize| -> rusqlite::Result<Option<crate::domain::ChainHash>> {
        Ok(row
            .get_ref(i)?
            .as_blob_or_null()?
            .and_then(crate::domain::ChainHash::from_bytes))
    };
    Ok(match (hash(at)?, hash(at + 1)?) {
        (Some(prev), Some(hash)) => Some(crate::domain::Link { prev, hash }),
        _ => None,
    })
}

/// A row of [`COLUMNS`] encoded for the wire, with its position: its payload not read
/// unless [`EncodedEvent::of_row`] cannot take it as written, refused as [`decode`]
/// refuses it.
fn encode(row: &Row<'_>) -> rusqlite::Result<(i64, EncodedEvent)> {
    let pos: i64 = row.get(0)?;
    let text = |i: usize| row.get_ref(i)?.as_str().map_err(rusqlite::Error::from);
    let fields = (|| -> rusqlite::Result<_> {
        Ok(ChainFields {
            id: text(1)?,
            origin: text(2)?,
            seq: row.get(3)?,
            incident: text(4)?,
            author: text(5)?,
            at_ms: row.get(6)?,
            logged_at_ms: row.get(7)?,
            kind: text(8)?,
            payload: text(9)?,
        })
    })();
    let encoded = fields.ok().and_then(|fields| {
        let id = Ulid::from_string(fields.id).ok()?;
        // The incident's id is checked as reading checks it; its text is what goes.
        Ulid::from_string(fields.incident).ok()?;
        EncodedEvent::of_row(&fields, id)
    });
    match encoded {
        Some(encoded) => Ok((pos, encoded)),
        // Anything odd (a payload a body would read otherwise than written, a bad id
        // or time): read back whole, which says what is wrong.
        None => decode(row).map(|(pos, event)| (pos, EncodedEvent::of(&event))),
    }
}

/// These kinds as an SQL list, `'note', 'decision'` (names of letters and underscores;
/// any other character is left out of a name, so a kind can never become SQL).
pub(super) fn kind_list<'a>(kinds: impl IntoIterator<Item = &'a str>) -> String {
    kinds
        .into_iter()
        .map(|k| {
            let name: String = k
                .chars()
                .filter(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            format!("'{name}'")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A `WHERE kind IN (...) ORDER BY pos` clause for these kinds ([`kind_list`]). SQLite
/// answers it from the `events_by_kind` index.
fn of_kinds(kinds: &[&str]) -> String {
    format!(
        "WHERE kind IN ({}) ORDER BY pos",
        kind_list(kinds.iter().copied())
    )
}

/// What picks the events that decide incident summaries (built once: the kinds are fixed).
static HEAD_EVENTS: LazyLock<String> = LazyLock::new(|| of_kinds(&IncidentSummary::KINDS));

/// What picks the events of [`Store::incident_heads`] from the index kept for them
/// (schema 6 on), in arrival order.
static HEADS_INDEXED: LazyLock<String> = LazyLock::new(|| {
    format!(
        "INDEXED BY events_heads WHERE ({}) ORDER BY pos",
        super::schema::HEAD_ROWS
    )
});

/// The same rows from a file of an older schema opened read-only (no such index).
static HEADS_UNINDEXED: LazyLock<String> =
    LazyLock::new(|| format!("WHERE ({}) ORDER BY pos", super::schema::HEAD_ROWS));

impl Store {
    /// Events with their positions, matching a `WHERE ... ORDER BY ...` clause.
    pub(super) fn query_rows(
        &self,
        clause: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<(i64, Event)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM events {clause}"))
            .map_err(|e| self.sql(e))?;
        let rows = stmt.query_map(params, decode).map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Events matching a `WHERE ... ORDER BY ...` clause with its parameters.
    pub(super) fn query_events(
        &self,
        clause: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<Event>, StoreError> {
        // Straight into the list: not a list of rows first and then a copy of it.
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM events {clause}"))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params, |row| decode(row).map(|(_, event)| event))
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Events matching a clause, each with its chain link (schema 7 on), added to `out`;
    /// returns the sequence number and position of the last one added.
    pub(super) fn query_linked(
        &self,
        clause: &str,
        params: impl rusqlite::Params,
        out: &mut (Vec<Event>, Vec<Option<crate::domain::Link>>),
    ) -> Result<Option<(i64, i64)>, StoreError> {
        self.linked_rows(clause, params, decode, |e| e.seq, out)
    }

    /// Like [`Store::query_linked`], each event encoded from its row's fields for the
    /// wire ([`EncodedEvent::of_row`]) rather than read into a body: a catch-up sends
    /// rows as they are. A row that would not read back as an event (a bad id or time)
    /// is an error, as there.
    pub(super) fn query_linked_encoded(
        &self,
        clause: &str,
        params: impl rusqlite::Params,
        out: &mut (Vec<EncodedEvent>, Vec<Option<crate::domain::Link>>),
    ) -> Result<Option<(i64, i64)>, StoreError> {
        self.linked_rows(clause, params, encode, |e| e.seq, out)
    }

    /// Rows after `clause` with their links, each read by `read` into `out`; returns the
    /// last one's `(seq, pos)`.
    fn linked_rows<T>(
        &self,
        clause: &str,
        params: impl rusqlite::Params,
        read: fn(&Row<'_>) -> rusqlite::Result<(i64, T)>,
        seq: fn(&T) -> u64,
        out: &mut (Vec<T>, Vec<Option<crate::domain::Link>>),
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS}, prev, hash FROM events {clause}"
            ))
            .map_err(|e| self.sql(e))?;
        let mut rows = stmt.query(params).map_err(|e| self.sql(e))?;
        let mut last = None;
        while let Some(row) = rows.next().map_err(|e| self.sql(e))? {
            let (pos, item) = read(row).map_err(|e| self.sql(e))?;
            last = Some((seq(&item) as i64, pos));
            out.0.push(item);
            out.1.push(link_of(row, 10).map_err(|e| self.sql(e))?);
        }
        Ok(last)
    }

    /// Events stored after cursor `pos`, in arrival order, with their positions.
    /// Pass the last position seen; start from 0.
    pub fn events_since(&self, pos: i64, limit: usize) -> Result<Vec<(i64, Event)>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.query_rows(
            "WHERE pos > ?1 ORDER BY pos LIMIT ?2",
            rusqlite::params![pos, limit],
        )
    }

    /// The event with this id, if stored (found by its unique index).
    pub fn event(&self, id: Ulid) -> Result<Option<Event>, StoreError> {
        Ok(self
            .query_events("WHERE id = ?1", [id.to_string()])?
            .into_iter()
            .next())
    }

    /// The events whose id ends with `suffix` (ignoring case), for resolving an id typed
    /// in part without reading the whole log. Anything but letters and digits matches
    /// nothing.
    pub fn events_ending_with(&self, suffix: &str) -> Result<Vec<Event>, StoreError> {
        if suffix.is_empty() || !suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(Vec::new());
        }
        self.query_events("WHERE id LIKE '%' || ?1 ORDER BY pos", [suffix])
    }

    /// The position of the newest stored event (0 when empty).
    /// The id of the event stored at position `pos`, if any.
    pub fn id_at_pos(&self, pos: i64) -> Result<Option<Ulid>, StoreError> {
        let id: Option<String> = self
            .conn
            .query_row("SELECT id FROM events WHERE pos = ?1", [pos], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))?;
        Ok(id.and_then(|id| Ulid::from_string(&id).ok()))
    }

    pub fn last_pos(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT COALESCE(MAX(pos), 0) FROM events", [], |r| r.get(0))
            .map_err(|e| self.sql(e))
    }

    /// Whether incident `incident` has an event stored at position `pos` or before.
    pub fn incident_has_events_up_to(&self, incident: Ulid, pos: i64) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM events WHERE incident = ?1 AND pos <= ?2 LIMIT 1",
                rusqlite::params![incident.to_string(), pos],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.sql(e))
    }

    /// Every event of one incident, in total order.
    pub fn incident_events(&self, incident: Ulid) -> Result<Vec<Event>, StoreError> {
        self.query_events(
            "WHERE incident = ?1 ORDER BY at_ms, id",
            [incident.to_string()],
        )
    }

    /// An incident's events in timeline order, as [`Store::incident_events`] reads
    /// them, handed to `each` in pages of `page` as they are decoded (one statement,
    /// so one moment of the log): whoever folds them starts before the last is read.
    /// Stops early, without error, when `each` returns false.
    pub fn incident_events_in_pages(
        &self,
        incident: Ulid,
        page: usize,
        each: &mut dyn FnMut(Vec<Event>) -> bool,
    ) -> Result<(), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM events WHERE incident = ?1 ORDER BY at_ms, id"
            ))
            .map_err(|e| self.sql(e))?;
        let mut rows = stmt
            .query([incident.to_string()])
            .map_err(|e| self.sql(e))?;
        let page = page.max(1);
        let mut out = Vec::with_capacity(page.min(4096));
        while let Some(row) = rows.next().map_err(|e| self.sql(e))? {
            out.push(decode(row).map_err(|e| self.sql(e))?.1);
            if out.len() >= page && !each(std::mem::take(&mut out)) {
                return Ok(());
            }
        }
        if !out.is_empty() {
            each(out);
        }
        Ok(())
    }

    /// A long incident in brief, for a console to draw before it has read it whole: its
    /// events of the kinds that change more than the timeline
    /// ([`IncidentState::state_kinds`], found by kind and incident, so its notes are
    /// never read) and its `newest` latest events of every kind, each once. Folded, they
    /// give every field the full fold does but the timeline, whose newest entries they
    /// hold. `None` when the incident has `from` events or fewer: read it whole.
    pub fn incident_preview(
        &self,
        incident: Ulid,
        newest: usize,
        from: usize,
    ) -> Result<Option<Vec<Event>>, StoreError> {
        let id = incident.to_string();
        let long: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM events WHERE incident = ?1 LIMIT 1 OFFSET ?2",
                rusqlite::params![id, i64::try_from(from).unwrap_or(i64::MAX)],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        if long.is_none() {
            return Ok(None);
        }
        let kinds = kind_list(IncidentState::state_kinds());
        let mut events =
            self.query_events(&format!("WHERE kind IN ({kinds}) AND incident = ?1"), [&id])?;
        let mut seen: std::collections::HashSet<Ulid> = events.iter().map(|e| e.id).collect();
        let latest = self.query_events(
            "WHERE incident = ?1 ORDER BY at_ms DESC, id DESC LIMIT ?2",
            rusqlite::params![id, i64::try_from(newest).unwrap_or(i64::MAX)],
        )?;
        events.extend(latest.into_iter().filter(|e| seen.insert(e.id)));
        Ok(Some(events))
    }

    /// Every event in arrival order.
    pub fn all_events(&self) -> Result<Vec<Event>, StoreError> {
        self.query_events("ORDER BY pos", [])
    }

    /// Every incident folded, oldest first.
    pub fn incidents(&self) -> Result<Vec<IncidentState>, StoreError> {
        let mut by_incident: BTreeMap<Ulid, Vec<Event>> = BTreeMap::new();
        for event in self.all_events()? {
            by_incident.entry(event.incident).or_default().push(event);
        }
        Ok(by_incident
            .into_iter()
            .map(|(id, events)| IncidentState::fold(id, events))
            .collect())
    }

    /// Every incident's head (title, severity, status, commander), oldest first, folded
    /// from the few kinds that decide them rather than from whole timelines.
    pub fn incident_summaries(&self) -> Result<Vec<IncidentSummary>, StoreError> {
        Ok(self
            .fold_clause(&HEAD_EVENTS)?
            .iter()
            .map(IncidentSummary::from)
            .collect())
    }

    /// Every incident and inbox alert group folded from the events that decide its head
    /// (the [`IncidentSummary`] fields) and whether it waits in the inbox
    /// ([`crate::domain::AlertGroup::waiting`]): what a console lists and needs to
    /// decide which to read whole. Timelines, rosters and counts are those of these
    /// events only.
    pub fn incident_heads(&self) -> Result<Vec<IncidentState>, StoreError> {
        // The version was read at opening; a file restored under this connection may
        // be older, so the index itself is looked for, as this build makes it.
        let index: Option<String> = self
            .conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'events_heads'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        let indexed = index.is_some_and(|sql| sql.contains(super::schema::HEAD_ROWS));
        if self.version >= super::schema::HEADS_FROM && indexed {
            self.fold_clause(&HEADS_INDEXED)
        } else {
            self.fold_clause(&HEADS_UNINDEXED)
        }
    }

    /// Runs `reads` in one read transaction, so all of them see the log as it was at
    /// one moment (another connection's commit in between shows in none of them).
    pub fn read_together<T>(
        &self,
        reads: impl FnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // Inside a transaction already, the reads share it.
        if !self.conn.is_autocommit() {
            return reads(self);
        }
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(|e| self.sql(e))?;
        let result = reads(self);
        // A read transaction has nothing to keep: one that will not commit is rolled
        // back, so the connection never stays on an old snapshot.
        if let Err(e) = self.conn.execute_batch("COMMIT") {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(self.sql(e));
        }
        result
    }

    /// Every incident folded from only its events of these `kinds` (in arrival order,
    /// oldest incident first): what a figure needs when it depends on those kinds alone,
    /// read by the kind index instead of the whole log. The states' timelines hold
    /// those events only.
    pub fn incidents_of_kinds(&self, kinds: &[&str]) -> Result<Vec<IncidentState>, StoreError> {
        self.fold_clause(&of_kinds(kinds))
    }

    /// Every incident with events matching `clause`, folded from those events.
    fn fold_clause(&self, clause: &str) -> Result<Vec<IncidentState>, StoreError> {
        // Rows go to their incident as they are read: no list of the whole result first.
        let mut by_incident: BTreeMap<Ulid, Vec<Event>> = BTreeMap::new();
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM events {clause}"))
            .map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([], decode).map_err(|e| self.sql(e))?;
        for row in rows {
            let (_, event) = row.map_err(|e| self.sql(e))?;
            by_incident.entry(event.incident).or_default().push(event);
        }
        Ok(by_incident
            .into_iter()
            .map(|(id, events)| IncidentState::fold(id, events))
            .collect())
    }

    /// The alert group a notification of `fingerprint` goes to: the group of the latest
    /// notification of that fingerprint, unless that one said resolved and this one
    /// fires (a new occurrence starts a new group). `None`: start one.
    pub fn alert_group(&self, fingerprint: &str, firing: bool) -> Result<Option<Ulid>, StoreError> {
        let latest = self.query_events(
            "WHERE kind = 'alert_received' AND json_extract(payload, '$.fingerprint') = ?1 \
             ORDER BY at_ms DESC, id DESC LIMIT 1",
            [fingerprint],
        )?;
        Ok(latest.into_iter().next().and_then(|e| match e.body {
            Body::AlertReceived { resolved, .. } if resolved && firing => None,
            _ => Some(e.incident),
        }))
    }

    /// Every alert group of the inbox, folded (waiting, acted on, or gone to an
    /// incident), oldest first.
    pub fn alert_groups(&self) -> Result<Vec<IncidentState>, StoreError> {
        let mut by_group: BTreeMap<Ulid, Vec<Event>> = BTreeMap::new();
        for event in self.query_events(
            "WHERE incident IN (SELECT id FROM events WHERE kind = 'alert_received' AND id = incident) \
             ORDER BY pos",
            [],
        )? {
            by_group.entry(event.incident).or_default().push(event);
        }
        Ok(by_group
            .into_iter()
            .map(|(id, events)| IncidentState::fold(id, events))
            .filter(|s| s.alert.is_some())
            .collect())
    }

    /// One incident folded, if it has any events.
    pub fn incident(&self, id: Ulid) -> Result<Option<IncidentState>, StoreError> {
        let events = self.incident_events(id)?;
        if events.is_empty() {
            return Ok(None);
        }
        Ok(Some(IncidentState::fold(id, events)))
    }

    /// Ids of every incident, for resolving what someone typed.
    pub fn incident_ids(&self) -> Result<Vec<Ulid>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT incident FROM events ORDER BY incident")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let text: String = r.get(0)?;
                Ulid::from_string(&text)
                    .map_err(|e| bad_row(format!("bad incident id {text:?}: {e}")))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// A number that changes whenever another connection commits (SQLite's
    /// `data_version`); it does not change for this connection's own writes.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.conn
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .map_err(|e| self.sql(e))
    }

    /// The connection settings that durability depends on, for diagnostics and tests.
    pub fn settings(&self) -> Result<Settings, StoreError> {
        let sql = |e| self.sql(e);
        Ok(Settings {
            journal_mode: self
                .conn
                .pragma_query_value(None, "journal_mode", |r| r.get(0))
                .map_err(sql)?,
            synchronous: self
                .conn
                .pragma_query_value(None, "synchronous", |r| r.get(0))
                .map_err(sql)?,
            busy_timeout_ms: self
                .conn
                .pragma_query_value(None, "busy_timeout", |r| r.get(0))
                .map_err(sql)?,
            schema_version: self
                .conn
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(sql)?,
        })
    }

    /// Runs SQLite's full integrity check; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let report: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        if report == "ok" {
            Ok(())
        } else {
            Err(StoreError::Corrupt {
                path: self.path.clone(),
                detail: report,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OpenOptions;

    /// Heads come from their own index alone (one compact scan, no table page per row).
    #[test]
    fn heads_are_read_from_their_index_alone() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path().join("w.db"), OpenOptions::write()).unwrap();
        let plan: Vec<String> = store
            .conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT {COLUMNS} FROM events {}",
                *HEADS_INDEXED
            ))
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(plan, ["SCAN events USING COVERING INDEX events_heads"]);
    }
}
