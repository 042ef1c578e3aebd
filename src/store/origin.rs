//! The database's origin (its replica id), and a fresh one for a copied file.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::StoreError;
use super::tx::{BUSY_TIMEOUT, immediate};

/// The file's identity on this host (device and inode) as stored: it changes when the
/// file is copied, not when it is renamed.
fn file_identity(path: &Path) -> Option<String> {
    super::file_identity(path).map(|(dev, ino)| format!("{dev}:{ino}"))
}

/// Gives a copied database file an origin of its own. A copy that kept its original's
/// origin would number new events like the original does, and two different events
/// with one origin and sequence number would break sync; a fresh origin costs nothing.
pub(super) fn own_origin(
    conn: &mut Connection,
    path: &Path,
    origin: String,
) -> Result<String, StoreError> {
    let Some(identity) = file_identity(path) else {
        return Ok(origin);
    };
    let sql = |e| StoreError::from_sqlite(path, e);
    let recorded = read_meta(conn, "origin_file").map_err(sql)?;
    if recorded.as_deref() == Some(identity.as_str()) {
        return Ok(origin);
    }
    immediate(conn, path, BUSY_TIMEOUT, |tx, sql| {
        let recorded = read_meta(tx, "origin_file").map_err(sql)?;
        let mut origin = read_origin(tx).map_err(sql)?.unwrap_or(origin);
        if recorded.is_some() && recorded.as_deref() != Some(identity.as_str()) {
            origin = ulid::Ulid::generate().to_string();
            tracing::info!(
                "{} is a copy; it writes as a new origin {origin}",
                path.display()
            );
            tx.execute("UPDATE meta SET value = ?1 WHERE key = 'origin'", [&origin])
                .map_err(sql)?;
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('origin_file', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [&identity],
        )
        .map_err(sql)?;
        Ok(origin)
    })
}

fn read_meta(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

/// The origin recorded in `meta` (a table every schema version has).
pub(super) fn read_origin(conn: &Connection) -> rusqlite::Result<Option<String>> {
    read_meta(conn, "origin")
}
