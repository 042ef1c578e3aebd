//! What sync needs from the store: per-origin heads, the events a peer lacks, and the
//! list of peers allowed to connect.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};

use super::schema::PEERS_FROM;
use super::{Store, StoreError};
use crate::domain::{EncodedEvent, Event, Link, epoch_ms};

/// Events (or their wire forms), and each one's link in its origin's hash chain (or
/// none): a page of what a peer lacks.
pub type Page<T> = (Vec<T>, Vec<Option<Link>>);

/// Events, and each one's link in its origin's hash chain (or none).
type Linked = Page<Event>;

/// One origin's events after a cursor `(seq, pos)`, in that order, up to a limit.
const AFTER_CURSOR: &str = "WHERE origin = ?1 AND (seq, pos) > (?2, ?3) ORDER BY seq, pos LIMIT ?4";

/// Reads up to a limit of one origin's events after a cursor into a page; returns the
/// last one's cursor.
type Reader<T> =
    dyn Fn(&Store, &str, (i64, i64), i64, &mut Page<T>) -> Result<Option<(i64, i64)>, StoreError>;

/// For each origin, the highest sequence number up to which every event is present.
pub type VersionVector = BTreeMap<String, u64>;

/// A peer allowed to sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedPeer {
    /// Its public key (hex).
    pub key: String,
    /// A name to know it by.
    pub name: String,
}

impl Store {
    /// The id of the event `origin` numbers `seq`, if one is held.
    pub fn id_at(&self, origin: &str, seq: u64) -> Result<Option<ulid::Ulid>, StoreError> {
        let seq = seq.min(crate::domain::MAX_SEQ) as i64;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM events WHERE origin = ?1 AND seq = ?2 LIMIT 1")
            .map_err(|e| self.sql(e))?;
        let id: Option<String> = stmt
            .query_row(params![origin, seq], |r| r.get(0))
            .optional()
            .map_err(|e| self.sql(e))?;
        Ok(id.and_then(|id| ulid::Ulid::from_string(&id).ok()))
    }

    /// For each origin in `heads`, the id of the event at its head.
    pub fn tips(&self, heads: &VersionVector) -> Result<BTreeMap<String, ulid::Ulid>, StoreError> {
        let mut tips = BTreeMap::new();
        for (origin, &head) in heads {
            if head > 0
                && let Some(id) = self.id_at(origin, head)?
            {
                tips.insert(origin.clone(), id);
            }
        }
        Ok(tips)
    }

    /// Gives this database a fresh origin from now on: its numbering has split from a
    /// peer's (it was restored from an older copy), and numbers it gives out again
    /// would name two different events. Returns the new origin.
    pub fn renumber(&mut self) -> Result<String, StoreError> {
        let fresh = ulid::Ulid::generate().to_string();
        let old = self.origin.clone();
        self.write(|tx, sql| {
            tx.execute("UPDATE meta SET value = ?1 WHERE key = 'origin'", [&fresh])
                .map_err(sql)?;
            Ok(())
        })?;
        tracing::warn!(
            "{}: origin {old} was numbered on elsewhere; it writes as {fresh} from now on",
            self.path.display()
        );
        self.origin = fresh.clone();
        Ok(fresh)
    }

    /// Per-origin heads: the longest run 1..=n of sequence numbers held for each origin.
    /// A gap (from a partial import) stops the run, so a peer re-sends what follows it.
    /// Sequence numbers are counted once each: a file written by an older build may hold
    /// one number twice, which must not hide a missing one.
    pub fn heads(&self) -> Result<VersionVector, StoreError> {
        let mut heads = VersionVector::new();
        let mut gapped = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT origin, COUNT(DISTINCT seq), MAX(seq), MIN(seq) FROM events GROUP BY origin",
                )
                .map_err(|e| self.sql(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                    ))
                })
                .map_err(|e| self.sql(e))?;
            for row in rows {
                let (origin, count, max, min) = row.map_err(|e| self.sql(e))?;
                if min == 1 && count == max {
                    heads.insert(origin, max as u64);
                } else {
                    gapped.push(origin);
                }
            }
        }
        for origin in gapped {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT DISTINCT seq FROM events WHERE origin = ?1 ORDER BY seq")
                .map_err(|e| self.sql(e))?;
            let seqs = stmt
                .query_map([&origin], |r| r.get::<_, i64>(0))
                .map_err(|e| self.sql(e))?;
            let mut head = 0u64;
            for seq in seqs {
                if seq.map_err(|e| self.sql(e))? as u64 != head + 1 {
                    break;
                }
                head += 1;
            }
            heads.insert(origin, head);
        }
        Ok(heads)
    }

    /// Every event a peer with these heads lacks, origin by origin in sequence order
    /// (so a peer that stops half-way holds a gap-free prefix of each origin), with
    /// each one's link in its origin's hash chain, read in the same pass.
    pub fn missing_for(
        &self,
        theirs: &VersionVector,
    ) -> Result<(Vec<Event>, Vec<Option<Link>>), StoreError> {
        let mut out = (Vec::new(), Vec::new());
        self.missing_in_pages(theirs, usize::MAX, &mut |(events, links)| {
            out.0.extend(events);
            out.1.extend(links);
            Ok::<(), StoreError>(())
        })?;
        Ok(out)
    }

    /// What [`Store::missing_for`] returns, handed to `each` a page of at most `page`
    /// events at a time as it is read, so that a sender can send one page while the
    /// next is read and the receiver stores the one before. Each page is its own read;
    /// events are never changed, so pages read apart still hold each origin's events
    /// in sequence order, numbers held twice included. Stops at `each`'s first error.
    pub fn missing_in_pages<E: From<StoreError>>(
        &self,
        theirs: &VersionVector,
        page: usize,
        each: &mut dyn FnMut(Linked) -> Result<(), E>,
    ) -> Result<(), E> {
        self.pages(theirs, page, &Store::events_of_origin_after, each)
    }

    /// [`Store::missing_in_pages`], each event encoded for the wire from its row
    /// ([`EncodedEvent::of_row`]: the bytes it would be sent as, its payload not read
    /// into a body): what a catch-up sends.
    pub fn missing_encoded_in_pages<E: From<StoreError>>(
        &self,
        theirs: &VersionVector,
        page: usize,
        each: &mut dyn FnMut(Page<EncodedEvent>) -> Result<(), E>,
    ) -> Result<(), E> {
        self.pages(theirs, page, &Store::encoded_of_origin_after, each)
    }

    /// Pages of what a peer with `theirs` lacks, origin by origin, each read by `read`
    /// (of one origin after a cursor, at most a limit; returns the last one's cursor).
    fn pages<T, E: From<StoreError>>(
        &self,
        theirs: &VersionVector,
        page: usize,
        read: &Reader<T>,
        each: &mut dyn FnMut(Page<T>) -> Result<(), E>,
    ) -> Result<(), E> {
        let limit = i64::try_from(page.max(1)).unwrap_or(i64::MAX);
        for origin in self.origins()? {
            let after = theirs
                .get(&origin)
                .copied()
                .unwrap_or(0)
                .min(crate::domain::MAX_SEQ) as i64;
            // The cursor: the last (seq, pos) handed on; pos orders numbers held twice.
            let mut cursor = (after, i64::MAX);
            loop {
                let mut out = (Vec::new(), Vec::new());
                let last = read(self, &origin, cursor, limit, &mut out)?;
                let full = out.0.len() as i64 >= limit;
                if !out.0.is_empty() {
                    each(out)?;
                }
                match last {
                    Some(next) if full => cursor = next,
                    _ => break,
                }
            }
        }
        Ok(())
    }

    /// Every origin with events here.
    fn origins(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT origin FROM events ORDER BY origin")
            .map_err(|e| self.sql(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Up to `limit` events of one origin after the cursor `(seq, pos)` in (sequence,
    /// position) order, with their links, added to `out`; returns the cursor of the
    /// last one added.
    fn events_of_origin_after(
        &self,
        origin: &str,
        (seq, pos): (i64, i64),
        limit: i64,
        out: &mut Linked,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        let (clause, params) = (AFTER_CURSOR, params![origin, seq, pos, limit]);
        if self.version < super::schema::CHAIN_FROM {
            let rows = self.query_rows(clause, params)?;
            let last = rows.last().map(|(pos, e)| (e.seq as i64, *pos));
            out.1.extend(rows.iter().map(|_| None));
            out.0.extend(rows.into_iter().map(|(_, e)| e));
            return Ok(last);
        }
        self.query_linked(clause, params, out)
    }

    /// [`Store::events_of_origin_after`], encoded for the wire.
    fn encoded_of_origin_after(
        &self,
        origin: &str,
        (seq, pos): (i64, i64),
        limit: i64,
        out: &mut Page<EncodedEvent>,
    ) -> Result<Option<(i64, i64)>, StoreError> {
        if self.version < super::schema::CHAIN_FROM {
            let mut events = (Vec::new(), Vec::new());
            let last = self.events_of_origin_after(origin, (seq, pos), limit, &mut events)?;
            out.0.extend(events.0.iter().map(EncodedEvent::of));
            out.1.extend(events.1);
            return Ok(last);
        }
        self.query_linked_encoded(AFTER_CURSOR, params![origin, seq, pos, limit], out)
    }

    /// Allows a peer (by public key) to sync with this database.
    pub fn allow_peer(&mut self, key: &str, name: &str) -> Result<(), StoreError> {
        let now = epoch_ms(self.now());
        self.conn
            .execute(
                "INSERT INTO peers (key, name, added_ms) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name",
                params![key, name, now],
            )
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Stops allowing a peer; returns whether it was allowed.
    pub fn deny_peer(&mut self, key: &str) -> Result<bool, StoreError> {
        let n = self
            .conn
            .execute("DELETE FROM peers WHERE key = ?1", [key])
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    /// The peers allowed to sync.
    pub fn allowed_peers(&self) -> Result<Vec<AllowedPeer>, StoreError> {
        if self.version < PEERS_FROM {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT key, name FROM peers ORDER BY added_ms, key")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(AllowedPeer {
                    key: r.get(0)?,
                    name: r.get(1)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}
