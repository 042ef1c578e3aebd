//! The schema, versioned with `PRAGMA user_version`, and its migrations.

/// Marks a file as warroom's in the SQLite header (`PRAGMA application_id`): "WARR".
pub const APPLICATION_ID: i64 = 0x5741_5252;

/// The rows that decide incident heads and inbox alert groups (see
/// `Store::incident_heads`): kept in an index of their own, so a console that starts
/// on years of history reads them from a few compact pages rather than from one table
/// page each. A macro so the index and the query that uses it say it in the same
/// words, which is how SQLite knows the index covers the query. Equalities joined by
/// `OR`, not `kind IN (...)`: SQLite tests a partial index's `WHERE` on every row
/// written, and an `IN` list there cost each insert as much again as the rest of it
/// (peer catch-up fell from 110k to 91k events a second); the equalities cost next to
/// nothing.
macro_rules! head_rows {
    () => {
        "kind = 'incident_opened' OR kind = 'severity_set' OR kind = 'status_changed' \
         OR kind = 'resolution' OR kind = 'routed' OR kind = 'problem_handoff' \
         OR kind = 'command_claimed' OR kind = 'command_handed_off' \
         OR kind = 'command_confirmed' OR kind = 'command_assumed' \
         OR kind = 'handoff_offered' OR kind = 'handoff_accepted' \
         OR kind = 'handoff_cancelled' OR kind = 'alert_acknowledged' \
         OR kind = 'alert_dismissed' OR kind = 'alert_attached' \
         OR (kind = 'alert_received' AND id = incident)"
    };
}

/// The `WHERE` of the index of heads, and of every query that reads it.
pub(super) const HEAD_ROWS: &str = head_rows!();

/// Migration `i` takes the schema from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: the append-only event log. `pos` is the local arrival order, the cursor that
    // readers use to ask for what is new; `id` is the global key that makes applying an
    // event twice harmless.
    "CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT;
    CREATE TABLE events (
        pos          INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        origin       TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        incident     TEXT NOT NULL,
        author       TEXT NOT NULL,
        at_ms        INTEGER NOT NULL,
        logged_at_ms INTEGER NOT NULL,
        kind         TEXT NOT NULL,
        payload      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX events_by_incident ON events (incident, at_ms, id);
    CREATE INDEX events_by_origin ON events (origin, seq);
    CREATE INDEX events_by_kind ON events (kind, incident);",
    // 2: who has the file open in a console on this host (a heartbeat, not an event:
    // it is about terminals, not the incident, and never leaves the host).
    "CREATE TABLE presence (
        session    TEXT PRIMARY KEY,
        user       TEXT NOT NULL,
        host       TEXT NOT NULL,
        pid        INTEGER NOT NULL,
        started_ms INTEGER NOT NULL,
        seen_ms    INTEGER NOT NULL
    ) STRICT;",
    // 3: the peers allowed to sync with this database, by public key (local
    // configuration, never synced).
    "CREATE TABLE peers (
        key      TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        added_ms INTEGER NOT NULL
    ) STRICT;",
    // 4: notification hooks to run, one row per (event, hook): a lease so that one
    // process runs it at a time, and when to try again (local work, never synced; the
    // outcome of each attempt is an event); and inbox alerts found by fingerprint.
    "CREATE TABLE deliveries (
        event       TEXT NOT NULL,
        hook        TEXT NOT NULL,
        state       TEXT NOT NULL,
        attempts    INTEGER NOT NULL,
        next_ms     INTEGER NOT NULL,
        lease_until INTEGER NOT NULL,
        holder      TEXT NOT NULL,
        PRIMARY KEY (event, hook)
    ) STRICT;
    CREATE INDEX deliveries_due ON deliveries (state, next_ms);
    CREATE INDEX events_alert_fingerprint ON events (json_extract(payload, '$.fingerprint'), at_ms)
        WHERE kind = 'alert_received';",
    // 5: was the first index of heads, whose `WHERE` made every insert slow; 6 makes
    // it again (a file at 4 goes straight to 6 without building it twice).
    "SELECT 1;",
    // 6: the events that decide heads, whole and in arrival order, in an index of
    // their own (a copy of a few percent of the rows, which SQLite keeps up to date).
    concat!(
        "DROP INDEX IF EXISTS events_heads;
         CREATE INDEX events_heads ON events \
         (pos, id, origin, seq, incident, author, at_ms, logged_at_ms, kind, payload) WHERE ",
        head_rows!(),
        ";"
    ),
    // 7: the hash chain (`domain::ChainFields`): each event's link to its origin's event
    // before it and its own hash, 32 bytes each (NULL while it waits for the event
    // before it, kept findable by `events_unchained`); and the seams: events stored
    // without the event before them (`awaiting` it, unchained; `unlinked`, with their
    // origin's link, unchecked until it comes) and numbers held `twice` by an older
    // build. Events stored before are chained by `chain::chain_unchained`.
    "ALTER TABLE events ADD COLUMN prev BLOB;
     ALTER TABLE events ADD COLUMN hash BLOB;
     CREATE INDEX events_unchained ON events (origin, seq) WHERE hash IS NULL;
     CREATE TABLE chain_seams (
        origin   TEXT NOT NULL,
        seq      INTEGER NOT NULL,
        kind     TEXT NOT NULL,
        noted_ms INTEGER NOT NULL,
        why      TEXT NOT NULL,
        PRIMARY KEY (origin, seq, kind)
     ) STRICT;",
];

/// The first version with the `presence` table.
pub(super) const PRESENCE_FROM: i64 = 2;
/// The first version with the `peers` table.
pub(super) const PEERS_FROM: i64 = 3;

/// The first version with the index of heads as it is read.
pub(super) const HEADS_FROM: i64 = 6;

/// The first version with the hash chain.
pub(super) const CHAIN_FROM: i64 = 7;

/// The schema version this build writes and reads.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::IncidentSummary;

    /// The index of heads holds every kind a head or an inbox group's state is folded
    /// from: a kind missing would leave switchers showing a stale status.
    #[test]
    fn the_index_of_heads_holds_every_kind_that_decides_a_head() {
        let listed = |kind: &str| HEAD_ROWS.contains(&format!("'{kind}'"));
        for kind in IncidentSummary::KINDS.iter().chain(&[
            "alert_acknowledged",
            "alert_dismissed",
            "alert_attached",
            "alert_received",
        ]) {
            assert!(listed(kind), "{kind} is not in the index of heads");
        }
        assert!(MIGRATIONS[HEADS_FROM as usize - 1].contains(HEAD_ROWS));
    }
}
