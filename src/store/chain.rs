//! The hash chain in the store: each written event is chained to its origin's event
//! before it (`domain::ChainFields`), events written before the chain are chained once
//! when a file is upgraded, and [`Store::verify`] walks every chain.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError};
use crate::domain::{ChainFields, ChainHash, Link, Timestamp, from_epoch_ms};

/// The stored hash of the event an origin numbers `seq` (the first one stored, should a
/// file of an older build hold the number twice).
const HASH_AT: &str = "SELECT hash FROM events WHERE origin = ?1 AND seq = ?2 AND hash IS NOT NULL ORDER BY pos LIMIT 1";

/// The stored link of the event an origin numbers `seq`.
const PREV_AT: &str = "SELECT prev FROM events WHERE origin = ?1 AND seq = ?2 ORDER BY pos LIMIT 1";

/// Notes a seam: an event stored without its origin's event before it, or a number
/// held twice.
const NOTE_SEAM: &str = "INSERT OR IGNORE INTO chain_seams (origin, seq, kind, noted_ms, why) \
     VALUES (?1, ?2, ?3, ?4, ?5)";

/// What a seam is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeamKind {
    /// Stored without a link and without the event before it: not chained until that
    /// event comes.
    Awaiting,
    /// Stored with its origin's link but without the event before it: the link is
    /// checked when that event comes.
    Unlinked,
    /// The number was held by two events when the file was upgraded (an older build).
    Twice,
}

impl SeamKind {
    fn name(self) -> &'static str {
        match self {
            SeamKind::Awaiting => "awaiting",
            SeamKind::Unlinked => "unlinked",
            SeamKind::Twice => "twice",
        }
    }

    /// The kind a stored name says; an unknown name (a row not written by warroom)
    /// reads as `Unlinked`, the one that excuses least.
    fn named(name: &str) -> SeamKind {
        match name {
            "awaiting" => SeamKind::Awaiting,
            "twice" => SeamKind::Twice,
            _ => SeamKind::Unlinked,
        }
    }
}

/// The meta keys that record the upgrade that chained events written before the chain.
const CHAINED_AT: &str = "chain_began_ms";
const CHAINED_COUNT: &str = "chain_migrated_events";

/// Finds the hash each new event is chained to, within one write transaction: the
/// origin's event just before it, remembered from this transaction's own writes (the
/// usual case, a batch in order) or read from the file.
#[derive(Default)]
pub(super) struct Chainer {
    last: HashMap<String, (u64, ChainHash)>,
}

impl Chainer {
    /// The hash of the event `origin` numbered `seq - 1`, if held; the genesis hash
    /// for number 1.
    pub(super) fn prev_held(
        &mut self,
        tx: &Transaction<'_>,
        origin: &str,
        seq: u64,
    ) -> rusqlite::Result<Option<ChainHash>> {
        if seq <= 1 {
            return Ok(Some(ChainHash::GENESIS));
        }
        if let Some(&(last, hash)) = self.last.get(origin)
            && last == seq - 1
        {
            return Ok(Some(hash));
        }
        stored_hash(tx, origin, seq - 1)
    }

    /// Remembers what was just stored.
    pub(super) fn stored(&mut self, origin: &str, seq: u64, hash: ChainHash) {
        match self.last.get_mut(origin) {
            Some(last) => *last = (seq, hash),
            None => {
                self.last.insert(origin.to_string(), (seq, hash));
            }
        }
    }
}

fn stored_hash(
    tx: &rusqlite::Connection,
    origin: &str,
    seq: u64,
) -> rusqlite::Result<Option<ChainHash>> {
    let bytes: Option<Vec<u8>> = tx
        .prepare_cached(HASH_AT)?
        .query_row(params![origin, seq as i64], |r| r.get(0))
        .optional()?;
    Ok(bytes.and_then(|b| ChainHash::from_bytes(&b)))
}

/// Checks a link an event came with (from a peer) against the chain held here, and
/// says what to store: the link, and whether the event arrives without its origin's
/// event before it (a seam); `None` when it came without a link and the event before
/// it is not held (yet): it is chained once the whole write is stored
/// ([`chain_pending`]), from the event before it if that came in the same write.
/// `own_of` gives the hash its fields give when chained to a `prev`; `held` is the
/// hash of the event before it, if held. `Err` says why the event cannot be stored.
pub(super) fn check_sent(
    sent: Option<Link>,
    own_of: impl Fn(&ChainHash) -> ChainHash,
    held: Option<ChainHash>,
    seq: u64,
) -> Result<Option<(Link, bool)>, String> {
    match (sent, held) {
        (Some(sent), _) if own_of(&sent.prev) != sent.hash => Err(format!(
            "its content does not give the hash it came with ({} claimed, {} from its fields): it was changed after it was chained",
            sent.hash.short(),
            own_of(&sent.prev).short()
        )),
        (Some(sent), Some(held)) if sent.prev != held => Err(format!(
            "it is chained to a different event #{} ({}) than the one held here ({}): a forged or edited chain",
            seq.saturating_sub(1),
            sent.prev.short(),
            held.short()
        )),
        (Some(sent), held) => Ok(Some((sent, held.is_none()))),
        (None, Some(prev)) => Ok(Some((
            Link {
                prev,
                hash: own_of(&prev),
            },
            false,
        ))),
        (None, None) => Ok(None),
    }
}

/// Chains the events a write stored without a link, in their origins' number order,
/// each to the event before it (held before, or stored by this write); one whose event
/// before it is not held stays unchained, with an `awaiting` seam noted (`why`). Then,
/// for every origin the write touched, chains the events that were awaiting one it
/// stored (and those after them), so every copy of a log ends with the same hashes,
/// whatever order its events came in.
pub(super) fn chain_pending(
    tx: &Transaction<'_>,
    chainer: &mut Chainer,
    mut pending: Vec<(String, u64)>,
    touched: &std::collections::BTreeSet<String>,
    now_ms: i64,
    why: &str,
) -> rusqlite::Result<()> {
    pending.sort();
    for (origin, seq) in pending {
        if !chain_one(tx, chainer, &origin, seq)? {
            note_seam(tx, &origin, seq, SeamKind::Awaiting, now_ms, why)?;
        }
    }
    // Anything still unchained at all? (The index holds only rows without a hash.)
    let waiting = tx
        .prepare_cached(
            "SELECT 1 FROM events INDEXED BY events_unchained WHERE hash IS NULL LIMIT 1",
        )?
        .exists([])?;
    if !waiting {
        return Ok(());
    }
    let mut unchained = tx.prepare_cached(
        "SELECT seq FROM events INDEXED BY events_unchained WHERE origin = ?1 AND hash IS NULL ORDER BY seq",
    )?;
    let mut done = tx.prepare_cached(
        "DELETE FROM chain_seams WHERE origin = ?1 AND seq = ?2 AND kind = 'awaiting'",
    )?;
    for origin in touched {
        let seqs: Vec<i64> = unchained
            .query_map([origin], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for seq in seqs {
            let seq = seq.max(0) as u64;
            if chain_one(tx, chainer, origin, seq)? {
                done.execute(params![origin, seq as i64])?;
            }
        }
    }
    Ok(())
}

/// Chains the unchained event `origin` numbers `seq` to the event before it, if that
/// is held and chained; whether it did.
fn chain_one(
    tx: &Transaction<'_>,
    chainer: &mut Chainer,
    origin: &str,
    seq: u64,
) -> rusqlite::Result<bool> {
    let Some(prev) = chainer.prev_held(tx, origin, seq)? else {
        return Ok(false);
    };
    let mut read = tx.prepare_cached(
        "SELECT pos, id, incident, author, at_ms, logged_at_ms, kind, payload FROM events \
         WHERE origin = ?1 AND seq = ?2 AND hash IS NULL",
    )?;
    let mut write = tx.prepare_cached("UPDATE events SET prev = ?1, hash = ?2 WHERE pos = ?3")?;
    {
        let row = read
            .query_row(params![origin, seq as i64], |r| {
                let text = |i| r.get::<_, String>(i);
                Ok((
                    r.get::<_, i64>(0)?,
                    text(1)?,
                    text(2)?,
                    text(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    text(6)?,
                    text(7)?,
                ))
            })
            .optional()?;
        let Some((pos, id, incident, author, at_ms, logged_at_ms, kind, payload)) = row else {
            return Ok(false);
        };
        let hash = ChainFields {
            id: &id,
            origin,
            seq: seq as i64,
            incident: &incident,
            author: &author,
            at_ms,
            logged_at_ms,
            kind: &kind,
            payload: &payload,
        }
        .hash(&prev);
        write.execute(params![prev.0.as_slice(), hash.0.as_slice(), pos])?;
        chainer.stored(origin, seq, hash);
    }
    Ok(true)
}

/// Whether the event after `seq` held here (if any, and chained) is chained to `hash`:
/// `Err` with why when it is chained to a different event #`seq`.
pub(super) fn check_successor(
    tx: &Transaction<'_>,
    origin: &str,
    seq: u64,
    hash: &ChainHash,
) -> rusqlite::Result<Result<(), String>> {
    let next = seq.saturating_add(1) as i64;
    let prev: Option<Option<Vec<u8>>> = tx
        .prepare_cached(PREV_AT)?
        .query_row(params![origin, next], |r| r.get(0))
        .optional()?;
    let Some(Some(prev)) = prev else {
        return Ok(Ok(()));
    };
    if prev.as_slice() == hash.0.as_slice() {
        return Ok(Ok(()));
    }
    Ok(Err(format!(
        "the event #{next} held here is chained to another #{seq}: a forged or edited chain"
    )))
}

/// Notes a seam at the event `origin` numbers `seq`.
pub(super) fn note_seam(
    tx: &Transaction<'_>,
    origin: &str,
    seq: u64,
    kind: SeamKind,
    now_ms: i64,
    why: &str,
) -> rusqlite::Result<()> {
    tx.prepare_cached(NOTE_SEAM)?
        .execute(params![origin, seq as i64, kind.name(), now_ms, why])?;
    Ok(())
}

/// The fields a hash covers, read in place from a row whose columns from `first` are
/// `id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload`.
fn fields_at<'r>(row: &'r rusqlite::Row<'_>, first: usize) -> rusqlite::Result<ChainFields<'r>> {
    let text = |i: usize| -> rusqlite::Result<&'r str> {
        row.get_ref(first + i)?.as_str().map_err(Into::into)
    };
    Ok(ChainFields {
        id: text(0)?,
        origin: text(1)?,
        seq: row.get(first + 2)?,
        incident: text(3)?,
        author: text(4)?,
        at_ms: row.get(first + 5)?,
        logged_at_ms: row.get(first + 6)?,
        kind: text(7)?,
        payload: text(8)?,
    })
}

/// Chains, in place, every event stored before the file had the chain, origin by
/// origin in sequence order, and records when and how many (in `meta`). Run once, by
/// the migration that adds the chain, inside its transaction.
pub(super) fn chain_unchained(tx: &Transaction<'_>, now_ms: i64) -> rusqlite::Result<u64> {
    let mut read = tx.prepare(
        "SELECT pos, id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload \
         FROM events WHERE hash IS NULL ORDER BY origin, seq, pos",
    )?;
    let mut write = tx.prepare("UPDATE events SET prev = ?1, hash = ?2 WHERE pos = ?3")?;
    let mut rows = read.query([])?;
    // The origin and number last seen, its link and its hash (`None`: left unchained).
    let mut last: Option<(String, i64, Option<Link>)> = None;
    let mut count = 0u64;
    while let Some(row) = rows.next()? {
        let pos: i64 = row.get(0)?;
        let origin: &str = row.get_ref(2)?.as_str()?;
        let fields = fields_at(row, 1)?;
        let seq = fields.seq;
        let twice = matches!(&last, Some((o, s, _)) if o == origin && *s == seq);
        let prev = match &last {
            // A number held twice (by an older build): both follow the one before, and
            // the one after follows the first.
            Some((o, s, link)) if o == origin && *s == seq => link.map(|l| l.prev),
            Some((o, s, link)) if o == origin && *s == seq - 1 => link.map(|l| l.hash),
            _ if seq == 1 => Some(ChainHash::GENESIS),
            _ => None,
        };
        if twice {
            note_seam(
                tx,
                origin,
                seq as u64,
                SeamKind::Twice,
                now_ms,
                "held twice when the file was upgraded to the chain (written by an older build)",
            )?;
        }
        let Some(prev) = prev else {
            // Not chained until the event before it comes (a peer, an import).
            note_seam(
                tx,
                origin,
                seq as u64,
                SeamKind::Awaiting,
                now_ms,
                "not chained when the file was upgraded: its origin's events before it are not all here",
            )?;
            if !twice {
                last = Some((origin.to_string(), seq, None));
            }
            continue;
        };
        let hash = fields.hash(&prev);
        write.execute(params![prev.0.as_slice(), hash.0.as_slice(), pos])?;
        count += 1;
        if !twice {
            last = Some((origin.to_string(), seq, Some(Link { prev, hash })));
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2), (?3, ?4)",
        params![
            CHAINED_AT,
            now_ms.to_string(),
            CHAINED_COUNT,
            count.to_string()
        ],
    )?;
    Ok(count)
}

/// One place where a chain does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The origin whose chain it is.
    pub origin: String,
    /// The number of the event where it shows.
    pub seq: u64,
    /// The event's id and incident, when the event is held.
    pub event: Option<(String, String)>,
    /// What is wrong.
    pub what: BreakKind,
}

/// What is wrong at a [`ChainBreak`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakKind {
    /// Its fields no longer give the hash it holds: it was edited after it was written.
    Edited {
        /// The hash it holds.
        stored: ChainHash,
        /// The hash its fields give now.
        computed: ChainHash,
    },
    /// It is chained to another hash than the one the event before it holds: that
    /// event was replaced, or this one was moved to another number.
    Relinked {
        /// The hash it is chained to.
        chained_to: ChainHash,
        /// The hash of the event numbered before it, held here.
        held: ChainHash,
    },
    /// The events numbered `from..=to` before it are not in the file, and nothing
    /// says it arrived without them: they were removed.
    Removed {
        /// The first number missing.
        from: u64,
        /// The last number missing.
        to: u64,
    },
    /// Two events hold this number.
    Twice,
    /// It has no hash: written into the file by something other than warroom.
    Unchained,
    /// A hash given to check (from an export) is not the one held for this number.
    NotAsExported {
        /// The hash given.
        expected: ChainHash,
        /// The hash held, if the event is held at all.
        held: Option<ChainHash>,
        /// The origin's newest number held here (`None`: no event of it at all, so
        /// probably another database than the export's).
        newest: Option<u64>,
    },
    /// Noted as held without the event before it, at or below a head an export
    /// printed, though the export did not list that seam: the event before it may
    /// have been removed since, and the seam added to hide it.
    NewSeam,
}

/// What an export printed, to hold the file against: heads (origin, number, hash) and
/// the seams it knew of (origin, number) at or below them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expectation {
    /// The heads an export printed.
    pub heads: Vec<(String, u64, ChainHash)>,
    /// The seams noted when it was made (origin, number).
    pub seams: Vec<(String, u64)>,
    /// Origins whose seams it did not list (too many to print): not checked.
    pub any_seams: Vec<String>,
}

/// The head of one origin's chain: its highest number held and that event's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// The origin.
    pub origin: String,
    /// Its highest number held (in the incident asked about, with `--incident`).
    pub seq: u64,
    /// That event's hash: it pins every event of the origin numbered up to it.
    pub hash: ChainHash,
}

/// An event stored without its origin's event before it, noted when it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSeam {
    /// The origin.
    pub origin: String,
    /// The number of the event that arrived without the one before it (or that was
    /// held twice).
    pub seq: u64,
    /// What it is: waiting to be chained, a link unchecked, or a number held twice.
    pub kind: SeamKind,
    /// When it was noted.
    pub noted: Option<Timestamp>,
    /// How it arrived.
    pub why: String,
}

/// What [`Store::verify`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// How many events were checked.
    pub checked: u64,
    /// Each origin's head (highest number checked), by origin.
    pub heads: Vec<ChainHead>,
    /// Every break, by origin and number.
    pub breaks: Vec<ChainBreak>,
    /// What could not be checked: events held without the event before them (a
    /// partial import, a peer that held a gap), which wait for it, and numbers an
    /// older build held twice before the upgrade.
    pub seams: Vec<ChainSeam>,
    /// Of the events, how many are not chained yet (they await the event before them).
    pub unchecked: u64,
    /// When the file was upgraded to the chain and how many events it held then
    /// (chained as they stood: the chain shows they have not changed since).
    pub migrated: Option<(Timestamp, u64)>,
    /// The file's schema predates the chain and it could not be upgraded (opened
    /// read-only): nothing was checked.
    pub unchained_schema: bool,
}

impl Verification {
    /// Whether every chain holds.
    pub fn is_whole(&self) -> bool {
        self.breaks.is_empty() && !self.unchained_schema
    }
}

/// The seams noted, by (origin, number): their kind (`awaiting`, `unlinked`, `twice`),
/// when and why.
type Seams = BTreeMap<(String, u64), Vec<(SeamKind, Option<Timestamp>, String)>>;

/// Whether a seam of `kind` is noted at (origin, number).
fn has_seam(seams: &Seams, origin: &str, seq: u64, kind: SeamKind) -> bool {
    seams
        .get(&(origin.to_string(), seq))
        .is_some_and(|all| all.iter().any(|(k, ..)| *k == kind))
}

/// What one origin's walk remembers.
struct Walk {
    /// The number and hash of the last event seen, when seen in order.
    last: Option<(u64, ChainHash)>,
    head: (u64, ChainHash),
}

impl Store {
    /// Walks every origin's chain (or only the events of `incident`, each checked
    /// against its origin's event before it, wherever that is), recomputing each
    /// event's hash from its fields. `expected` are (origin, number, hash) triples
    /// from an export, each checked against the hash held. Reads in one transaction.
    ///
    /// Errors only when the file cannot be read; what is wrong with the chain is in
    /// [`Verification::breaks`].
    pub fn verify(
        &self,
        incident: Option<ulid::Ulid>,
        expected: &Expectation,
    ) -> Result<Verification, StoreError> {
        if self.version < super::schema::CHAIN_FROM {
            return Ok(Verification {
                unchained_schema: true,
                ..Verification::default()
            });
        }
        self.read_together(|store| store.walk(incident, expected).map_err(|e| store.sql(e)))
    }

    fn walk(
        &self,
        incident: Option<ulid::Ulid>,
        expected: &Expectation,
    ) -> rusqlite::Result<Verification> {
        let mut found = Verification::default();
        let seams = self.seams()?;
        let mut walks: BTreeMap<String, Walk> = BTreeMap::new();
        // Every origin met, chained or not.
        let mut origins_seen: std::collections::BTreeSet<String> = Default::default();
        // With `incident`: its events, to look after each for one removed.
        let mut mine: std::collections::BTreeSet<(String, u64)> = Default::default();
        // Events whose event before it was not the last one seen of their origin:
        // checked by a lookup once the walk is done.
        let mut later: Vec<(String, u64, ChainHash, String, String)> = Vec::new();
        let clause = if incident.is_some() {
            "WHERE incident = ?1 ORDER BY pos"
        } else {
            "WHERE ?1 IS NULL ORDER BY pos"
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload, prev, hash \
             FROM events {clause}"
        ))?;
        let mut rows = stmt.query([incident.map(|i| i.to_string())])?;
        while let Some(row) = rows.next()? {
            found.checked += 1;
            let fields = fields_at(row, 0)?;
            let seq = fields.seq.max(0) as u64;
            let event = || Some((fields.id.to_string(), fields.incident.to_string()));
            let link = (
                row.get_ref(9)?
                    .as_blob_or_null()?
                    .and_then(ChainHash::from_bytes),
                row.get_ref(10)?
                    .as_blob_or_null()?
                    .and_then(ChainHash::from_bytes),
            );
            if !origins_seen.contains(fields.origin) {
                origins_seen.insert(fields.origin.to_string());
            }
            if incident.is_some() {
                mine.insert((fields.origin.to_string(), seq));
            }
            let (Some(prev), Some(hash)) = link else {
                if has_seam(&seams, fields.origin, seq, SeamKind::Awaiting) {
                    found.unchecked += 1;
                    continue;
                }
                found.breaks.push(ChainBreak {
                    origin: fields.origin.to_string(),
                    seq,
                    event: event(),
                    what: BreakKind::Unchained,
                });
                continue;
            };
            let computed = fields.hash(&prev);
            // An edited event's number and link are its word no more: where its
            // origin's numbers or links no longer meet, the events around it say so.
            let edited = computed != hash;
            if edited {
                found.breaks.push(ChainBreak {
                    origin: fields.origin.to_string(),
                    seq,
                    event: event(),
                    what: BreakKind::Edited {
                        stored: hash,
                        computed,
                    },
                });
            }
            let walk = match walks.get_mut(fields.origin) {
                Some(walk) => walk,
                None => walks.entry(fields.origin.to_string()).or_insert(Walk {
                    last: None,
                    head: (0, ChainHash::GENESIS),
                }),
            };
            if !edited && seq >= walk.head.0 {
                walk.head = (seq, hash);
            }
            // The hash of the event before it, when known without a lookup. An edited
            // event's number and link are its word no more: the numbers it left empty
            // show at the events after them, and no gap is claimed up to a number
            // written over it.
            let before = match walk.last {
                Some((last, held)) if last + 1 == seq => Some(held),
                _ if seq == 1 => Some(ChainHash::GENESIS),
                _ => None,
            };
            match before {
                _ if edited => {}
                Some(held) if held != prev => found.breaks.push(ChainBreak {
                    origin: fields.origin.to_string(),
                    seq,
                    event: event(),
                    what: BreakKind::Relinked {
                        chained_to: prev,
                        held,
                    },
                }),
                Some(_) => {}
                None => later.push((
                    fields.origin.to_string(),
                    seq,
                    prev,
                    fields.id.to_string(),
                    fields.incident.to_string(),
                )),
            }
            walk.last = Some((seq, hash));
        }
        drop(rows);
        for (origin, seq, prev, id, incident) in later {
            let event = Some((id, incident));
            let what = {
                let held = self.hashes_at(&origin, seq - 1)?;
                // A seam excuses the event before it being absent, never a link that
                // does not meet it.
                let seam = has_seam(&seams, &origin, seq, SeamKind::Unlinked)
                    || has_seam(&seams, &origin, seq, SeamKind::Awaiting);
                match held.as_slice() {
                    [] if seam => None,
                    [] => {
                        let from = self.highest_below(&origin, seq)? + 1;
                        Some(BreakKind::Removed { from, to: seq - 1 })
                    }
                    [Some(held)] if *held != prev => Some(BreakKind::Relinked {
                        chained_to: prev,
                        held: *held,
                    }),
                    // The one before is not chained yet (it waits), or reported itself.
                    [_] => None,
                    // Reported at the number held twice, once.
                    _ => None,
                }
            };
            if let Some(what) = what {
                found.breaks.push(ChainBreak {
                    origin,
                    seq,
                    event,
                    what,
                });
            }
        }
        // Of one incident: an event of it removed leaves a gap among its origin's
        // numbers (between two events of other incidents, say, or after its own last),
        // which nothing above looks at. Its origins' numbers from its first on are read
        // from the index (which cannot tell whose a missing number was), and each gap
        // is said where no seam excuses it.
        let mut spans: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for (origin, seq) in &mine {
            let span = spans.entry(origin).or_insert((*seq, *seq));
            span.0 = span.0.min(*seq);
            span.1 = span.1.max(*seq);
        }
        let mut numbers = self.conn.prepare_cached(
            "SELECT DISTINCT seq FROM events WHERE origin = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
        )?;
        for (origin, (low, high)) in spans {
            let end = self.highest_below(origin, u64::MAX)?.max(high);
            let held: Vec<i64> = numbers
                .query_map(
                    params![origin, low as i64, end.min(i64::MAX as u64) as i64],
                    |r| r.get(0),
                )?
                .collect::<Result<_, _>>()?;
            for pair in held.windows(2) {
                let (before, after) = (pair[0].max(0) as u64, pair[1].max(0) as u64);
                if after <= before + 1
                    || mine.contains(&(origin.to_string(), after))
                    || has_seam(&seams, origin, after, SeamKind::Unlinked)
                    || has_seam(&seams, origin, after, SeamKind::Awaiting)
                {
                    continue;
                }
                found.breaks.push(ChainBreak {
                    origin: origin.to_string(),
                    seq: after,
                    event: None,
                    what: BreakKind::Removed {
                        from: before + 1,
                        to: after - 1,
                    },
                });
            }
        }
        for (origin, seq) in self.numbers_held_twice(incident)? {
            if has_seam(&seams, &origin, seq, SeamKind::Twice) {
                continue;
            }
            found.breaks.push(ChainBreak {
                origin,
                seq,
                event: None,
                what: BreakKind::Twice,
            });
        }
        for (origin, seq, hash) in &expected.heads {
            let held = self.hashes_at(origin, *seq)?;
            if held.as_slice() != [Some(*hash)] {
                let newest = match self.highest_below(origin, u64::MAX)? {
                    0 => None,
                    n => Some(n),
                };
                found.breaks.push(ChainBreak {
                    origin: origin.clone(),
                    seq: *seq,
                    event: None,
                    what: BreakKind::NotAsExported {
                        expected: *hash,
                        held: held.first().copied().flatten(),
                        newest,
                    },
                });
            }
            // A seam at or below the head that the export did not know of.
            for (at, all) in seams.range((origin.clone(), 0)..=(origin.clone(), *seq)) {
                let open = all.iter().any(|(kind, ..)| *kind != SeamKind::Twice);
                if open && !expected.seams.contains(at) && !expected.any_seams.contains(origin) {
                    found.breaks.push(ChainBreak {
                        origin: origin.clone(),
                        seq: at.1,
                        event: None,
                        what: BreakKind::NewSeam,
                    });
                }
            }
        }
        found
            .breaks
            .sort_by(|a, b| (&a.origin, a.seq).cmp(&(&b.origin, b.seq)));
        found.breaks.dedup();
        found.heads = walks
            .into_iter()
            .filter(|(_, walk)| walk.head.0 > 0)
            .map(|(origin, walk)| ChainHead {
                origin,
                seq: walk.head.0,
                hash: walk.head.1,
            })
            .collect();
        // What still could not be checked: events that wait, events whose one before
        // is still absent, and numbers held twice; of the origins walked.
        let mut notes = Vec::new();
        for ((origin, seq), all) in seams {
            if !origins_seen.contains(&origin) {
                continue;
            }
            for (kind, noted, why) in all {
                let open = match kind {
                    SeamKind::Unlinked => seq > 1 && self.hashes_at(&origin, seq - 1)?.is_empty(),
                    SeamKind::Awaiting | SeamKind::Twice => true,
                };
                if open {
                    notes.push(ChainSeam {
                        origin: origin.clone(),
                        seq,
                        kind,
                        noted,
                        why,
                    });
                }
            }
        }
        found.seams = notes;
        found.migrated = self.migrated()?;
        Ok(found)
    }

    /// The hashes held for an origin's number (more than one when it is held twice;
    /// `None` for one not chained yet).
    fn hashes_at(&self, origin: &str, seq: u64) -> rusqlite::Result<Vec<Option<ChainHash>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT hash FROM events WHERE origin = ?1 AND seq = ?2 ORDER BY pos",
        )?;
        let rows = stmt.query_map(params![origin, seq.min(i64::MAX as u64) as i64], |r| {
            r.get::<_, Option<Vec<u8>>>(0)
        })?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row?.and_then(|b| ChainHash::from_bytes(&b)));
        }
        Ok(out)
    }

    /// The seams still open (the event before not held, or not chained yet) of
    /// `origin` at or below `seq`: what an export lists beside a head it prints.
    pub fn open_seams(&self, origin: &str, seq: u64) -> Result<Vec<u64>, StoreError> {
        if self.version < super::schema::CHAIN_FROM {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT seq FROM chain_seams WHERE origin = ?1 AND seq <= ?2 \
                 AND kind <> 'twice' ORDER BY seq",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![origin, seq.min(i64::MAX as u64) as i64], |r| {
                r.get::<_, i64>(0)
            })
            .map_err(|e| self.sql(e))?;
        rows.map(|r| r.map(|n| n.max(0) as u64))
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql(e))
    }

    /// The highest number held for an origin below `seq` (0 for none).
    fn highest_below(&self, origin: &str, seq: u64) -> rusqlite::Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT COALESCE(MAX(seq), 0) FROM events WHERE origin = ?1 AND seq < ?2",
            )?
            .query_row(params![origin, seq.min(i64::MAX as u64) as i64], |r| {
                r.get(0)
            })?;
        Ok(n.max(0) as u64)
    }

    /// Every (origin, number) held by more than one event (of `incident`, if given).
    fn numbers_held_twice(
        &self,
        incident: Option<ulid::Ulid>,
    ) -> rusqlite::Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT origin, seq FROM events GROUP BY origin, seq HAVING COUNT(*) > 1 \
             AND (?1 IS NULL OR MAX(incident = ?1) = 1)",
        )?;
        let rows = stmt.query_map([incident.map(|i| i.to_string())], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        rows.collect()
    }

    /// The seams noted, by (origin, number).
    fn seams(&self) -> rusqlite::Result<Seams> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT origin, seq, kind, noted_ms, why FROM chain_seams")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64),
                (
                    SeamKind::named(&r.get::<_, String>(2)?),
                    from_epoch_ms(r.get(3)?),
                    r.get::<_, String>(4)?,
                ),
            ))
        })?;
        let mut seams = Seams::new();
        for row in rows {
            let (at, seam) = row?;
            seams.entry(at).or_default().push(seam);
        }
        Ok(seams)
    }

    /// When the file was upgraded to the chain and how many events it chained then,
    /// if it held any.
    fn migrated(&self) -> rusqlite::Result<Option<(Timestamp, u64)>> {
        let get = |key: &str| -> rusqlite::Result<Option<String>> {
            self.conn
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
        };
        let (Some(at), Some(count)) = (get(CHAINED_AT)?, get(CHAINED_COUNT)?) else {
            return Ok(None);
        };
        let at = at.parse().ok().and_then(from_epoch_ms);
        let count: u64 = count.parse().unwrap_or(0);
        Ok(at.filter(|_| count > 0).map(|at| (at, count)))
    }

    /// Each origin's head: its highest number held and that event's hash.
    /// With `incident`, each origin's last chained event *of that incident* (what
    /// `verify --incident` prints).
    pub fn chain_heads(&self, incident: Option<ulid::Ulid>) -> Result<Vec<ChainHead>, StoreError> {
        if self.version < super::schema::CHAIN_FROM {
            return Ok(Vec::new());
        }
        let sql = |e| self.sql(e);
        let tops: Vec<(String, i64)> = match incident {
            None => self
                .conn
                .prepare_cached(
                    "SELECT origin, MAX(seq) FROM events GROUP BY origin ORDER BY origin",
                )
                .map_err(sql)?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?,
            Some(id) => self
                .conn
                .prepare_cached(
                    "SELECT origin, MAX(seq) FROM events WHERE incident = ?1 AND hash IS NOT NULL \
                     GROUP BY origin ORDER BY origin",
                )
                .map_err(sql)?
                .query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(sql)?
                .collect::<Result<_, _>>()
                .map_err(sql)?,
        };
        let mut last_chained = self
            .conn
            .prepare_cached(
                "SELECT seq, hash FROM events WHERE origin = ?1 AND seq <= ?2 AND hash IS NOT NULL \
                 ORDER BY seq DESC LIMIT 1",
            )
            .map_err(sql)?;
        let mut heads = Vec::with_capacity(tops.len());
        for (origin, seq) in tops {
            // The newest chained one: events at the top may still wait.
            let top: Option<(i64, Vec<u8>)> = last_chained
                .query_row(params![origin, seq], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(sql)?;
            if let Some((seq, hash)) = top
                && let Some(hash) = ChainHash::from_bytes(&hash)
            {
                heads.push(ChainHead {
                    origin,
                    seq: seq.max(0) as u64,
                    hash,
                });
            }
        }
        Ok(heads)
    }
}

impl Store {
    /// Events in the order an export writes them (one incident's by time, or every
    /// one by arrival), each with its chain link when the event as read gives the
    /// hash held (one an older build stored in a form this build writes otherwise
    /// goes without: an import would find its link false).
    pub fn events_with_links(
        &self,
        incident: Option<ulid::Ulid>,
    ) -> Result<(Vec<crate::domain::Event>, Vec<Option<Link>>), StoreError> {
        let mut out = (Vec::new(), Vec::new());
        match (incident, self.version >= super::schema::CHAIN_FROM) {
            (_, false) => {
                let events = match incident {
                    Some(id) => self.incident_events(id)?,
                    None => self.all_events()?,
                };
                out.1 = vec![None; events.len()];
                out.0 = events;
                return Ok(out);
            }
            (Some(id), true) => {
                self.query_linked(
                    "WHERE incident = ?1 ORDER BY at_ms, id",
                    [id.to_string()],
                    &mut out,
                )?;
            }
            (None, true) => {
                self.query_linked("ORDER BY pos", [], &mut out)?;
            }
        }
        for (event, link) in out.0.iter().zip(out.1.iter_mut()) {
            let kept = link.is_some_and(|l| {
                super::row::StoredRow::of(event).is_ok_and(|row| row.link(event, l.prev) == l)
            });
            if !kept {
                *link = None;
            }
        }
        Ok(out)
    }

    /// Each event's link as held here (`None` for one not held, or not chained), in
    /// the order given: what a peer link sends beside them.
    pub fn links_of(
        &self,
        events: &[crate::domain::Event],
    ) -> Result<Vec<Option<Link>>, StoreError> {
        if self.version < super::schema::CHAIN_FROM {
            return Ok(vec![None; events.len()]);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT prev, hash FROM events WHERE id = ?1")
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            let link = stmt
                .query_row([event.id.to_string()], |r| {
                    Ok((
                        r.get::<_, Option<Vec<u8>>>(0)?,
                        r.get::<_, Option<Vec<u8>>>(1)?,
                    ))
                })
                .optional()
                .map_err(|e| self.sql(e))?;
            out.push(match link {
                Some((Some(prev), Some(hash))) => Some(Link {
                    prev: ChainHash::from_bytes(&prev).unwrap_or_default(),
                    hash: ChainHash::from_bytes(&hash).unwrap_or_default(),
                }),
                _ => None,
            });
        }
        Ok(out)
    }
}
