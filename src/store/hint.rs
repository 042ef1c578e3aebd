//! A kept list of the incidents a console reads whole (open ones, alert groups still
//! waiting), as they stood at one position of the log: a console that starts on years
//! of history reads those first, and the list's incidents with anything since, so it
//! draws them before it has folded every closed incident's head.
//!
//! The list is a hint, never the record: a console reads every head right after, in the
//! same read transaction, and keeps the list fresh for the next start. It lives in
//! `meta`, which never leaves the file (not exported, not sent to peers).

use rusqlite::OptionalExtension;
use ulid::Ulid;

use super::{Store, StoreError};
use crate::domain::{Event, IncidentState, IncidentSummary};

/// The `meta` key the list is kept under.
const KEY: &str = "open_incidents";

/// The incidents read whole at start, as they were once the log held the event `id` at
/// position `pos`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenHint {
    /// The position of the newest event when the list was made.
    pub pos: i64,
    /// The id of the event at `pos`: a log replaced or restored since holds another
    /// event there (or none), and its list is not used.
    pub id: Ulid,
    /// The incidents read whole then, sorted.
    pub incidents: Vec<Ulid>,
}

impl OpenHint {
    /// The list as `meta` keeps it: the position, the event id and the incidents,
    /// separated by spaces. `None` for anything else.
    fn parse(text: &str) -> Option<OpenHint> {
        let mut words = text.split(' ');
        let pos = words.next()?.parse().ok()?;
        let id = Ulid::from_string(words.next()?).ok()?;
        let incidents = words
            .map(|w| Ulid::from_string(w).ok())
            .collect::<Option<Vec<_>>>()?;
        Some(OpenHint { pos, id, incidents })
    }

    fn text(&self) -> String {
        let mut out = format!("{} {}", self.pos, self.id);
        for id in &self.incidents {
            out.push(' ');
            out.push_str(&id.to_string());
        }
        out
    }
}

/// Every kind a head or an alert group is folded from, as an SQL list (the kinds of
/// the index of heads, `schema::HEAD_ROWS`).
fn head_kinds() -> String {
    super::read::kind_list(IncidentSummary::KINDS.iter().copied().chain([
        "alert_acknowledged",
        "alert_dismissed",
        "alert_attached",
        "alert_received",
    ]))
}

impl Store {
    /// The kept list, when there is one and it still describes this log (the event it
    /// names is at its position). Errors only when the file cannot be read.
    pub fn open_hint(&self) -> Result<Option<OpenHint>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [KEY], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some(hint) = text.as_deref().and_then(OpenHint::parse) else {
            return Ok(None);
        };
        let at: Option<String> = self
            .conn
            .query_row("SELECT id FROM events WHERE pos = ?1", [hint.pos], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql(e))?;
        Ok((at == Some(hint.id.to_string())).then_some(hint))
    }

    /// Keeps `hint` for the next start, unless it is what is kept already. A file this
    /// connection cannot write is left as it is.
    pub fn keep_open_hint(&mut self, hint: &OpenHint) -> Result<(), StoreError> {
        if self.is_read_only() {
            return Ok(());
        }
        let text = hint.text();
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value
                 WHERE value IS NOT excluded.value",
                [KEY, &text],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// The list to keep for `incidents` read whole with the log's newest event at `last`
    /// (`None` for an empty log, or a position holding no event).
    pub fn hint_at(&self, last: i64, incidents: Vec<Ulid>) -> Result<Option<OpenHint>, StoreError> {
        let id: Option<String> = self
            .conn
            .query_row("SELECT id FROM events WHERE pos = ?1", [last], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))?;
        Ok(id
            .and_then(|id| Ulid::from_string(&id).ok())
            .map(|id| OpenHint {
                pos: last,
                id,
                incidents,
            }))
    }

    /// Makes the list afresh from every incident's head (those worked in,
    /// [`IncidentState::worked_in`]), and keeps it: for a command that has just written
    /// much (an import), so the next console starts from it.
    pub fn refresh_open_hint(&mut self) -> Result<(), StoreError> {
        let hint = self.read_together(|s| {
            let last = s.last_pos()?;
            let mut incidents: Vec<Ulid> = s
                .incident_heads()?
                .iter()
                .filter(|h| h.worked_in())
                .map(|h| h.id)
                .collect();
            incidents.sort();
            s.hint_at(last, incidents)
        })?;
        match hint {
            Some(hint) => self.keep_open_hint(&hint),
            None => Ok(()),
        }
    }

    /// The incidents with an event deciding their head stored after position `pos`
    /// (read from the index of heads, so its cost follows what came since).
    pub fn incidents_with_heads_after(&self, pos: i64) -> Result<Vec<Ulid>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT DISTINCT incident FROM events INDEXED BY events_heads \
                 WHERE ({}) AND pos > ?1",
                super::schema::HEAD_ROWS
            ))
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([pos], |r| r.get::<_, String>(0))
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            if let Ok(id) = Ulid::from_string(&row.map_err(|e| self.sql(e))?) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// These incidents' heads: each folded from its events that decide a head, as
    /// [`Store::incident_heads`] folds every incident's (found by kind and incident,
    /// so an incident's notes are never read). Incidents with none are left out.
    pub fn heads_of(&self, incidents: &[Ulid]) -> Result<Vec<IncidentState>, StoreError> {
        let clause = format!(
            "WHERE kind IN ({}) AND incident = ?1 AND ({}) ORDER BY pos",
            head_kinds(),
            super::schema::HEAD_ROWS
        );
        let mut out = Vec::new();
        for &id in incidents {
            let events: Vec<Event> = self.query_events(&clause, [id.to_string()])?;
            if !events.is_empty() {
                out.push(IncidentState::fold(id, events));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_list_reads_back_as_written_and_anything_else_is_none() {
        let hint = OpenHint {
            pos: 42,
            id: Ulid::from_parts(1, 2),
            incidents: vec![Ulid::from_parts(3, 4), Ulid::from_parts(5, 6)],
        };
        assert_eq!(OpenHint::parse(&hint.text()), Some(hint.clone()));
        let none = OpenHint {
            incidents: Vec::new(),
            ..hint
        };
        assert_eq!(OpenHint::parse(&none.text()), Some(none));
        for bad in [
            "",
            "42",
            "x 01ARZ3NDEKTSV4RRFFQ69G5FAV",
            "42 nope",
            "42 01ARZ3NDEKTSV4RRFFQ69G5FAV zz",
        ] {
            assert_eq!(OpenHint::parse(bad), None, "{bad:?}");
        }
    }
}
