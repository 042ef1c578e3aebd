//! Appending events: one `BEGIN IMMEDIATE` transaction per batch, `INSERT OR IGNORE`.

use rusqlite::{OptionalExtension, Transaction, params};
use ulid::Ulid;

use super::chain::{Chainer, SeamKind, chain_pending, check_sent, check_successor, note_seam};
use super::row::StoredRow;
use super::tx::immediate;
use super::{Store, StoreError};
use crate::domain::{
    Body, ChainHash, Event, Link, MAX_EVENT_BYTES, MAX_SEQ, OutOfBounds, Timestamp, epoch_ms,
    to_millis,
};

/// An event to be written: the store stamps its id, origin, sequence and times.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The incident; `None` for an opening event (whose id becomes the incident's) and
    /// for entries that follow an opening event in the same batch.
    pub incident: Option<Ulid>,
    /// Who it is credited to.
    pub author: String,
    /// Who recorded it for the author (a scribe), if not the author.
    pub recorded_by: Option<String>,
    /// When it happened, if earlier than now (back-dated).
    pub at: Option<Timestamp>,
    /// What happened.
    pub body: Body,
}

impl NewEvent {
    /// An entry by `author` happening now; `incident` as for [`NewEvent::incident`].
    pub fn now(incident: Option<Ulid>, author: impl Into<String>, body: Body) -> NewEvent {
        NewEvent {
            incident,
            author: author.into(),
            recorded_by: None,
            at: None,
            body,
        }
    }
}

/// An insert of one event row, led by `$verb`.
macro_rules! insert_row_sql {
    ($verb:literal) => {
        concat!(
            $verb,
            " INTO events (id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload, prev, hash)",
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
        )
    };
}

/// For events from elsewhere: one already held is skipped.
const INSERT: &str = insert_row_sql!("INSERT OR IGNORE");

/// For events written here: each must be stored, or the write fails.
const INSERT_NEW: &str = insert_row_sql!("INSERT");

/// The highest sequence number stored for an origin (0 for none).
const HIGHEST_SEQ: &str = "SELECT COALESCE(MAX(seq), 0) FROM events WHERE origin = ?1";

/// Whether any event of this incident is stored.
const KNOWN_INCIDENT: &str = "SELECT 1 FROM events WHERE incident = ?1 LIMIT 1";

/// Whether an event with this id is stored.
const HELD: &str = "SELECT 1 FROM events WHERE id = ?1";

/// Whether another event (not this id) holds this origin and sequence number.
const TAKEN: &str = "SELECT 1 FROM events WHERE origin = ?1 AND seq = ?2 AND id <> ?3";

/// What became of a batch a peer sent.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The ids of the events that were new and are now stored.
    pub added: Vec<Ulid>,
    /// The events left out, each with why (worded for a log line).
    pub refused: Vec<(Ulid, String)>,
}

/// What an import of JSON lines stored ([`Store::import_stream`]): counts, not ids,
/// so that its memory stays flat however long the stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Imported {
    /// How many events were new and are now stored.
    pub added: usize,
    /// How many were left out (see [`Accepted::refused`]).
    pub refused: usize,
    /// The first event left out, with why (worded for a log line).
    pub first_refused: Option<(Ulid, String)>,
}

impl From<Accepted> for Imported {
    fn from(accepted: Accepted) -> Imported {
        Imported {
            added: accepted.added.len(),
            refused: accepted.refused.len(),
            first_refused: accepted.refused.into_iter().next(),
        }
    }
}

/// What a write of events from elsewhere keeps of each event stored or left out.
trait Tally: Default {
    fn added(&mut self, id: Ulid);
    fn refused(&mut self, id: Ulid, why: String);
}

impl Tally for Accepted {
    fn added(&mut self, id: Ulid) {
        self.added.push(id);
    }
    fn refused(&mut self, id: Ulid, why: String) {
        self.refused.push((id, why));
    }
}

impl Tally for Imported {
    fn added(&mut self, _: Ulid) {
        self.added += 1;
    }
    fn refused(&mut self, id: Ulid, why: String) {
        self.refused += 1;
        self.first_refused.get_or_insert((id, why));
    }
}

/// Why an event from elsewhere cannot be stored.
enum Unstorable {
    Bounds(OutOfBounds),
    TooLarge(usize),
    OwnOrigin,
    Chain(String),
}

impl Unstorable {
    fn error(&self, event: &Event) -> StoreError {
        StoreError::Invalid(match self {
            Unstorable::Bounds(why) => format!(
                "event {} cannot be stored: {why}; nothing was written. Correct or remove it where it comes from and try again",
                event.id
            ),
            Unstorable::TooLarge(size) => format!(
                "event {} takes {}, over the {} one entry may hold; nothing was written. Shorten or remove it where it comes from and try again",
                event.id,
                kib(*size),
                kib(MAX_EVENT_BYTES)
            ),
            Unstorable::OwnOrigin => format!(
                "event {} claims to be written by this database (origin {}), which never wrote it; nothing was written. Only events from other databases can be imported or synced",
                event.id, event.origin
            ),
            Unstorable::Chain(why) => format!(
                "event {} (origin {} #{}) breaks its origin's hash chain: {why}; nothing was written",
                event.id, event.origin, event.seq
            ),
        })
    }
}

/// The row for an event from elsewhere, or why it cannot be stored.
fn storable(event: &Event) -> Result<StoredRow, Unstorable> {
    event.check_bounds().map_err(Unstorable::Bounds)?;
    StoredRow::of(event).map_err(Unstorable::TooLarge)
}

/// A chunk of events from elsewhere made ready to store: with the chain link each
/// came with (`links[i]` for `events[i]`, or none), the row of each or why it cannot
/// be stored, the hash each one's fields give over the link it came with
/// (`sent_hashes[i]`, where it came with one), and the order to store them in (each
/// origin's in number order, so an event's one before it is stored first whenever both
/// are in the chunk, whatever order they came in). None of it needs the database, so an import, and a
/// link's reading thread, make the next chunk ready while the one before is stored.
struct Ready<C> {
    events: C,
    links: Vec<Option<Link>>,
    rows: Vec<Result<StoredRow, Unstorable>>,
    sent_hashes: Vec<Option<ChainHash>>,
    order: Vec<usize>,
}

impl<C: AsRef<[Event]>> Ready<C> {
    fn of(events: C, links: Vec<Option<Link>>) -> Ready<C> {
        let all = events.as_ref();
        let rows: Vec<_> = all.iter().map(storable).collect();
        let sent_hashes = rows
            .iter()
            .zip(all)
            .enumerate()
            .map(|(i, (row, event))| {
                let link = links.get(i).copied().flatten()?;
                Some(row.as_ref().ok()?.link(event, link.prev).hash)
            })
            .collect();
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by(|&a, &b| {
            (all[a].origin.as_str(), all[a].seq).cmp(&(all[b].origin.as_str(), all[b].seq))
        });
        Ready {
            events,
            links,
            rows,
            sent_hashes,
            order,
        }
    }

    /// The hash event `i`'s fields give when chained to `prev`: worked out when the
    /// chunk was made ready for the link it came with, else now.
    fn hash_of(&self, i: usize, row: &StoredRow, prev: &ChainHash) -> ChainHash {
        match (self.links.get(i).copied().flatten(), self.sent_hashes[i]) {
            (Some(link), Some(hash)) if link.prev == *prev => hash,
            _ => row.link(&self.events.as_ref()[i], *prev).hash,
        }
    }
}

/// One message of a peer's made ready to store (see [`Store::accept_batches_from_peer`]):
/// its events, the chain link each came with, and what storing them needs worked out
/// beforehand (each one's row or why it cannot be stored, the hash its fields give,
/// the order to store them in). Making it reads no database, so a link makes the next
/// message ready on its reading thread while the one before is stored.
pub struct Received(Ready<Vec<Event>>);

impl Received {
    /// `events` as a peer sent them, with `links[i]` the link `events[i]` came with
    /// (missing or `None` from a peer of an older build; links past the last event are
    /// ignored). Never fails: an event unfit to store (out of bounds, too large) is
    /// refused when the message is stored, named in [`Accepted::refused`].
    pub fn new(events: Vec<Event>, links: Vec<Option<Link>>) -> Received {
        Received(Ready::of(events, links))
    }

    /// The events, as sent.
    pub fn events(&self) -> &[Event] {
        &self.0.events
    }
}

impl std::fmt::Debug for Received {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Received")
            .field("events", &self.0.events)
            .field("links", &self.0.links)
            .finish()
    }
}

impl PartialEq for Received {
    fn eq(&self, other: &Received) -> bool {
        self.0.events == other.0.events && self.0.links == other.0.links
    }
}

impl Store {
    /// Writes new events in one transaction and returns them as stored. When this
    /// returns `Ok`, they are durable; on error, nothing was written.
    pub fn append(&mut self, drafts: Vec<NewEvent>) -> Result<Vec<Event>, StoreError> {
        let mut origin = self.origin.clone();
        let clock = self.clock.clone();
        let wrote_up_to = self.last_seq;
        let path = self.path.clone();
        let written = self.write(|tx, sql| {
            // Stamped inside the write lock, so commit order follows time order for live entries.
            let now = to_millis(clock());
            let now_ms = epoch_ms(now);
            let mut last_seq = tx
                .query_row(HIGHEST_SEQ, [&origin], |r| r.get::<_, i64>(0))
                .map_err(sql)?
                .max(0) as u64;
            if wrote_up_to.is_some_and(|wrote| last_seq < wrote) {
                // The file was rolled back under this connection (restored from an
                // older copy): the numbers after `last_seq` were given out already, and
                // may be held elsewhere. A fresh origin never gives them out again.
                let fresh = ulid::Ulid::generate().to_string();
                tx.execute("UPDATE meta SET value = ?1 WHERE key = 'origin'", [&fresh])
                    .map_err(sql)?;
                tracing::warn!(
                    "{} was rolled back under this process (restored from an older copy?); it writes as origin {fresh} instead of {origin}",
                    path.display()
                );
                origin = fresh;
                last_seq = 0;
            }
            if last_seq.saturating_add(drafts.len() as u64) > MAX_SEQ {
                return Err(StoreError::Invalid(format!(
                    "this database has used every sequence number its origin may number ({MAX_SEQ}); nothing was written. Start a new database and sync this one into it"
                )));
            }
            let mut next_id = first_id(tx, now_ms).map_err(sql)?;
            let mut written = Vec::with_capacity(drafts.len());
            // Entries without an incident belong to the incident opened earlier in the batch.
            let mut opened_here: Option<Ulid> = None;
            let mut insert = tx.prepare_cached(INSERT_NEW).map_err(sql)?;
            let mut known = tx.prepare_cached(KNOWN_INCIDENT).map_err(sql)?;
            let mut checked: Vec<Ulid> = Vec::new();
            let mut chainer = Chainer::default();
            let mut alert_groups: std::collections::HashMap<String, Ulid> =
                std::collections::HashMap::new();
            for (seq, draft) in (last_seq + 1..).zip(drafts) {
                let id = next_id;
                next_id = id.increment().unwrap_or(id);
                let incident = match (draft.incident, &draft.body, opened_here) {
                    (Some(incident), _, _) => incident,
                    // An inbox alert without a group goes to the group its fingerprint
                    // opened earlier in this batch, else opens one.
                    (None, Body::AlertReceived { fingerprint, .. }, _) => {
                        *alert_groups.entry(fingerprint.clone()).or_insert(id)
                    }
                    (None, Body::IncidentOpened { .. }, _) => id,
                    (None, _, Some(opened)) => opened,
                    (None, _, None) => {
                        return Err(StoreError::Invalid(
                            "an entry needs an incident; only an opening event starts one".into(),
                        ));
                    }
                };
                if matches!(draft.body, Body::IncidentOpened { .. }) {
                    opened_here = Some(incident);
                }
                let opened_group = matches!(draft.body, Body::AlertReceived { .. }) && incident == id;
                // An entry goes to an incident this file holds: after the file was
                // replaced or restored, the incident a console still shows may be gone.
                if Some(incident) != opened_here
                    && !opened_group
                    && !alert_groups.values().any(|g| *g == incident)
                    && !checked.contains(&incident)
                {
                    if !known.exists([incident.to_string()]).map_err(sql)? {
                        return Err(StoreError::Invalid(format!(
                            "incident {incident} is not in this database (was the file replaced or restored?); nothing was written. Pick an incident it holds"
                        )));
                    }
                    checked.push(incident);
                }
                let event = Event {
                    id,
                    origin: origin.clone(),
                    seq,
                    incident,
                    author: draft.author,
                    recorded_by: draft.recorded_by,
                    at: draft.at.map(to_millis).unwrap_or(now),
                    logged_at: now,
                    body: draft.body,
                };
                event.check_bounds().map_err(|why| {
                    StoreError::Invalid(format!("the entry cannot be written: {why}; nothing was written"))
                })?;
                let row = StoredRow::of(&event).map_err(|size| {
                    StoreError::Invalid(format!(
                        "the entry takes {}, over the {} one entry may hold; nothing was written. Shorten it: put long output (logs, traces) in a file or ticket and log where it is",
                        kib(size),
                        kib(MAX_EVENT_BYTES)
                    ))
                })?;
                // Its own origin's event before it is always held, unless something
                // removed it from the file; `verify` says so then.
                let mut prev = chainer.prev_held(tx, &origin, seq).map_err(sql)?;
                if prev.is_none() && seq > 1 {
                    // Written by an older build still running after the upgrade:
                    // chained now, late.
                    let own = std::collections::BTreeSet::from([origin.clone()]);
                    chain_pending(tx, &mut chainer, Vec::new(), &own, now_ms, "")
                        .map_err(sql)?;
                    prev = chainer.prev_held(tx, &origin, seq).map_err(sql)?;
                }
                let prev = prev.unwrap_or(ChainHash::GENESIS);
                let link = row.link(&event, prev);
                insert_new(&mut insert, &event, &row, &link, sql)?;
                chainer.stored(&origin, seq, link.hash);
                written.push(event);
            }
            Ok(written)
        })?;
        if let Some(last) = written.last() {
            self.origin = last.origin.clone();
            self.last_seq = Some(last.seq);
        }
        Ok(written)
    }

    /// Applies events from an import in one transaction. Events already present are
    /// skipped, so applying twice changes nothing. Returns how many were new.
    ///
    /// An event that cannot be stored (see [`Store::insert_new_events`]) fails the
    /// whole batch: nothing of it is written.
    pub fn insert_events(&mut self, events: &[Event]) -> Result<usize, StoreError> {
        Ok(self.insert_new_events(events)?.len())
    }

    /// Like [`Store::insert_events`], returning the ids of the events that were new.
    ///
    /// Refused, failing the batch: an event outside the bounds every event keeps
    /// ([`Event::check_bounds`]: times, sequence number, names), one larger than
    /// [`MAX_EVENT_BYTES`], and one that claims this database's own origin without
    /// being held here (only this database numbers its own events; an outside one with
    /// its origin is a forgery, and storing it would make this database skip or reuse
    /// sequence numbers). Skipped, with a log line: an event claiming an origin and
    /// sequence number already held by a different event, for the same reason.
    pub fn insert_new_events(&mut self, events: &[Event]) -> Result<Vec<Ulid>, StoreError> {
        let accepted = self.insert_foreign(events, true)?;
        Ok(accepted.added)
    }

    /// Like [`Store::insert_new_events`], also naming the events skipped because their
    /// origin and number are held by another event here.
    pub fn import_events(&mut self, events: &[Event]) -> Result<Accepted, StoreError> {
        self.insert_foreign(events, true)
    }

    /// Applies events a peer sent, in one transaction. Unlike an import, an event that
    /// cannot be stored is left out (and named in [`Accepted::refused`]) while the rest
    /// are stored: refusing the whole batch would stop sync for good, since the peer
    /// offers the same batch on every reconnect.
    pub fn accept_from_peer(&mut self, events: &[Event]) -> Result<Accepted, StoreError> {
        self.accept_chained_from_peer(events, &[])
    }

    /// Like [`Store::accept_from_peer`], with the chain link each event came with
    /// (`links[i]` for `events[i]`; missing or `None` from a peer of an older build).
    /// An event whose link does not follow from its fields, or from its origin's event
    /// before it held here, or that the event after it held here is not chained to, is
    /// left out with why (and a log line). One that arrives without its origin's event
    /// before it is stored with a seam noted, its link unchecked until `verify`.
    pub fn accept_chained_from_peer(
        &mut self,
        events: &[Event],
        links: &[Option<Link>],
    ) -> Result<Accepted, StoreError> {
        self.insert_chunks(
            std::iter::once(Ok(Ready::of(events, links.to_vec()))),
            false,
        )
    }

    /// Several of a peer's messages in one transaction, each made ready beforehand
    /// ([`Received::new`] over its events and their links): each taken as
    /// [`Store::accept_chained_from_peer`] would take it, in the order given. What is
    /// stored and left out is what applying them one after another would give, with one
    /// commit (one sync of the file) for them all; but an error that fails a write (the
    /// disk is full, the lock never came: [`StoreError::Busy`]; a read-only store:
    /// [`StoreError::ReadOnly`]) undoes every message of the group, where one after
    /// another would have kept those before.
    pub fn accept_batches_from_peer(
        &mut self,
        messages: Vec<Received>,
    ) -> Result<Accepted, StoreError> {
        self.insert_chunks(messages.into_iter().map(|m| Ok(m.0)), false)
    }

    /// Imports events as they are read, in chunks, all in one transaction: nothing is
    /// written unless every chunk is read and stored (a chunk that cannot be read, `Err`
    /// with why, undoes the rest). Each chunk comes with the chain links its lines
    /// carried (`links[i]` for `events[i]`, or none), checked as a peer's are: one that
    /// does not follow fails the import. As [`Store::import_events`] otherwise, but
    /// what it stored is counted, not listed.
    ///
    /// The chunks are read, and their rows and each line's hash over its link made, on
    /// a thread of its own while the chunk before is stored: memory holds the chunk
    /// being stored and at most one more. A write that fails returns at once; the reading thread stops at its next
    /// chunk (or with the process, if its input never ends). A thread that cannot be
    /// started is [`StoreError::Io`].
    pub fn import_stream<C, I>(&mut self, chunks: I) -> Result<Imported, StoreError>
    where
        C: AsRef<[Event]> + Send + 'static,
        I: Iterator<Item = Result<(C, Vec<Option<Link>>), String>> + Send + 'static,
    {
        // Rendezvous: the reader hands a chunk over only when the write takes it, and
        // says when the input has ended (`None`): a reader that stops without saying so
        // (it panicked) fails the import rather than store part of it.
        let (ready, take) = std::sync::mpsc::sync_channel(0);
        std::thread::Builder::new()
            .name("import-reader".into())
            .spawn(move || {
                for chunk in chunks {
                    let chunk = chunk
                        .map(|(events, links)| Ready::of(events, links))
                        .map_err(StoreError::Invalid);
                    let last = chunk.is_err();
                    // A send fails once the write has stopped (and dropped `take`).
                    if ready.send(Some(chunk)).is_err() || last {
                        return;
                    }
                }
                let _ = ready.send(None);
            })
            .map_err(|source| StoreError::Io {
                path: self.path.clone(),
                source,
            })?;
        let taken = std::iter::from_fn(move || match take.recv() {
            Ok(chunk) => chunk,
            Err(_) => Some(Err(StoreError::Invalid(
                "the import stopped reading its input before the end".into(),
            ))),
        });
        self.insert_chunks(taken, true)
    }

    /// Like [`Store::import_events`], with the chain link each event came with
    /// (`links[i]` for `events[i]`), checked as a peer's are; one that does not follow
    /// fails the whole write.
    pub fn import_linked(
        &mut self,
        events: &[Event],
        links: &[Option<Link>],
    ) -> Result<Accepted, StoreError> {
        self.insert_chunks(std::iter::once(Ok(Ready::of(events, links.to_vec()))), true)
    }

    fn insert_foreign(&mut self, events: &[Event], strict: bool) -> Result<Accepted, StoreError> {
        self.insert_chunks(std::iter::once(Ok(Ready::of(events, Vec::new()))), strict)
    }

    fn insert_chunks<C: AsRef<[Event]>, T: Tally>(
        &mut self,
        chunks: impl Iterator<Item = Result<Ready<C>, StoreError>>,
        strict: bool,
    ) -> Result<T, StoreError> {
        let own = self.origin.clone();
        let now_ms = epoch_ms(self.now());
        let seam_why = if strict {
            "imported without the event before it"
        } else {
            "received from a peer without the event before it"
        };
        self.write(|tx, sql| {
            let mut chainer = Chainer::default();
            // Events stored without a link whose origin's event before it was not held
            // when they were: chained once everything is stored.
            let mut pending: Vec<(String, u64)> = Vec::new();
            // The origins this write stored events of.
            let mut touched: std::collections::BTreeSet<String> = Default::default();
            let mut insert = tx.prepare_cached(INSERT).map_err(sql)?;
            let mut taken = tx.prepare_cached(TAKEN).map_err(sql)?;
            let mut highest = tx.prepare_cached(HIGHEST_SEQ).map_err(sql)?;
            let mut held = tx.prepare_cached(HELD).map_err(sql)?;
            let mut accepted = T::default();
            for chunk in chunks {
            let chunk = chunk?;
            // The chunk is stored origin by origin, each in number order. For the origin
            // at hand, the highest number stored before this chunk (`up_to`): a number
            // above it can only clash with another event of the chunk itself, and those
            // come right after one another, so the first of them stored (`numbered`) is
            // all there is to compare with; the common case (a peer catching up) asks
            // SQLite nothing more. Both start again each chunk (earlier chunks are stored
            // by then).
            let mut up_to: Option<(&str, u64)> = None;
            let mut numbered: Option<(&str, u64, Ulid)> = None;
            let (events, links) = (chunk.events.as_ref(), &chunk.links);
            for &i in &chunk.order {
                let event = &events[i];
                let checked = match &chunk.rows[i] {
                    Ok(row) if event.origin != own => Ok(row),
                    Ok(row) => {
                        let is_held = held.exists([event.id.to_string()]).map_err(sql)?;
                        if is_held {
                            Ok(row)
                        } else {
                            Err(Unstorable::OwnOrigin.error(event))
                        }
                    }
                    Err(refusal) => Err(refusal.error(event)),
                };
                let row = match checked {
                    Ok(row) => row,
                    Err(refusal) if strict => return Err(refusal),
                    Err(refusal) => {
                        accepted.refused(event.id, refusal.to_string());
                        continue;
                    }
                };
                let origin = event.origin.as_str();
                let up_to = match up_to {
                    Some((of, n)) if of == origin => n,
                    _ => {
                        let n = highest
                            .query_row([origin], |r| r.get::<_, i64>(0))
                            .map_err(sql)?
                            .max(0) as u64;
                        up_to = Some((origin, n));
                        n
                    }
                };
                let clash = if event.seq > up_to {
                    match numbered {
                        Some((of, seq, first)) if of == origin && seq == event.seq => {
                            first != event.id
                        }
                        _ => {
                            numbered = Some((origin, event.seq, event.id));
                            false
                        }
                    }
                } else {
                    taken
                        .exists(params![origin, event.seq as i64, event.id.to_string()])
                        .map_err(sql)?
                };
                if clash {
                    tracing::warn!(
                        "skipped event {}: origin {origin:?} already has another event numbered {}",
                        event.id,
                        event.seq
                    );
                    accepted.refused(
                        event.id,
                        format!(
                            "origin {origin} already numbers another event #{} here: the two databases' numbering has split (one was restored from an older copy, or copied)",
                            event.seq
                        ),
                    );
                    continue;
                }
                let filling = event.seq <= up_to;
                if filling && held.exists([event.id.to_string()]).map_err(sql)? {
                    continue;
                }
                let sent = links.get(i).copied().flatten();
                let prev = chainer.prev_held(tx, origin, event.seq).map_err(sql)?;
                let chained = check_sent(sent, |p| chunk.hash_of(i, row, p), prev, event.seq);
                // One filling a gap must be the event the one after it is chained to.
                let chained = match chained {
                    Ok(Some((link, seam))) if filling => {
                        check_successor(tx, origin, event.seq, &link.hash)
                            .map_err(sql)?
                            .map(|()| Some((link, seam)))
                    }
                    other => other,
                };
                let chained = match chained {
                    Ok(chained) => chained,
                    Err(why) if strict => return Err(Unstorable::Chain(why).error(event)),
                    Err(why) => {
                        let why = Unstorable::Chain(why).error(event).to_string();
                        tracing::warn!("left out: {why}");
                        accepted.refused(event.id, why);
                        continue;
                    }
                };
                if insert_row(&mut insert, event, row, chained.as_ref().map(|c| &c.0))
                    .map_err(sql)?
                    == 1
                {
                    match chained {
                        Some((link, seam)) => {
                            if seam {
                                note_seam(
                                    tx,
                                    origin,
                                    event.seq,
                                    SeamKind::Unlinked,
                                    now_ms,
                                    seam_why,
                                )
                                .map_err(sql)?;
                            }
                            chainer.stored(origin, event.seq, link.hash);
                        }
                        None => pending.push((origin.to_string(), event.seq)),
                    }
                    if !touched.contains(origin) {
                        touched.insert(origin.to_string());
                    }
                    accepted.added(event.id);
                }
            }
            }
            chain_pending(tx, &mut chainer, pending, &touched, now_ms, seam_why)
                .map_err(sql)?;
            Ok(accepted)
        })
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction and commits it. A read-only
    /// store refuses; on any error nothing is written. `body` gets the transaction and
    /// the mapping from SQLite errors to ours.
    pub(super) fn write<T>(
        &mut self,
        body: impl FnOnce(
            &Transaction<'_>,
            &dyn Fn(rusqlite::Error) -> StoreError,
        ) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if self.read_only.is_some() {
            return Err(StoreError::ReadOnly {
                path: self.path.clone(),
            });
        }
        self.check_still_there()?;
        immediate(&mut self.conn, &self.path, self.busy_timeout, body)
    }
}

fn kib(bytes: usize) -> String {
    format!("{} KiB", bytes.div_ceil(1024))
}

/// Inserts one event unless its id is already stored; returns 1 if it was new.
fn insert_row(
    insert: &mut rusqlite::CachedStatement<'_>,
    event: &Event,
    row: &StoredRow,
    link: Option<&Link>,
) -> rusqlite::Result<usize> {
    // Ids as their 26 characters, written on the stack.
    let (mut id, mut incident) = ([0u8; ulid::ULID_LEN], [0u8; ulid::ULID_LEN]);
    insert.execute(params![
        &*event.id.array_to_str(&mut id),
        event.origin,
        event.seq as i64,
        &*event.incident.array_to_str(&mut incident),
        event.author,
        epoch_ms(event.at),
        epoch_ms(event.logged_at),
        row.kind,
        row.payload,
        link.map(|l| &l.prev.0[..]),
        link.map(|l| &l.hash.0[..]),
    ])
}

/// Inserts an event written here with [`INSERT_NEW`]. An id already taken fails the
/// whole write: reporting an entry as stored when it was not would lose it silently.
fn insert_new(
    insert: &mut rusqlite::CachedStatement<'_>,
    event: &Event,
    row: &StoredRow,
    link: &Link,
    sql: &dyn Fn(rusqlite::Error) -> StoreError,
) -> Result<(), StoreError> {
    let collision = || {
        StoreError::Invalid(format!(
            "the new entry's id {} is already taken; nothing was written. Try again",
            event.id
        ))
    };
    match insert_row(insert, event, row, Some(link)) {
        Ok(1) => Ok(()),
        Ok(_) => Err(collision()),
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            Err(collision())
        }
        Err(e) => Err(sql(e)),
    }
}

/// An id for `now_ms` that sorts after every id already stored for the same
/// millisecond, so that ties in time keep commit order.
fn first_id(tx: &rusqlite::Transaction<'_>, now_ms: i64) -> rusqlite::Result<Ulid> {
    let ms = now_ms.max(0) as u64;
    let fresh = Ulid::from_parts(ms, Ulid::generate().random());
    let low = Ulid::from_parts(ms, 0).to_string();
    let high = Ulid::from_parts(ms + 1, 0).to_string();
    let last: Option<String> = tx
        .query_row(
            "SELECT MAX(id) FROM events WHERE id >= ?1 AND id < ?2",
            [&low, &high],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let last = last.and_then(|s| Ulid::from_string(&s).ok());
    Ok(match last {
        Some(last) if last >= fresh => last.increment().unwrap_or(fresh),
        _ => fresh,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::OpenOptions;

    #[test]
    fn a_new_event_whose_id_is_taken_fails_the_write_instead_of_vanishing() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut store = Store::open(dir.path().join("w.db"), OpenOptions::write()).unwrap();
        let stored = store
            .append(vec![NewEvent::now(None, "ana", Body::opening("t"))])
            .unwrap();
        let mut twin = stored[0].clone();
        twin.seq += 1;
        twin.body = Body::Note {
            text: "same id".into(),
        };
        let err = store
            .write(|tx, sql| {
                let mut insert = tx.prepare_cached(INSERT_NEW).map_err(sql)?;
                let row = StoredRow::of(&twin).unwrap();
                let link = row.link(&twin, ChainHash::GENESIS);
                insert_new(&mut insert, &twin, &row, &link, sql)
            })
            .unwrap_err();
        assert!(err.to_string().contains("already taken"), "{err}");
        assert_eq!(store.all_events().unwrap(), stored, "nothing was written");
    }
}
