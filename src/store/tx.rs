//! One write transaction and what waiting for its lock means: the helpers every part
//! of the store that writes shares.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::error::StoreError;

/// How long a statement waits for another process's lock before giving up.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs `body` in one `BEGIN IMMEDIATE` transaction on `conn` and commits it; on any
/// error nothing is written. Waiting longer than `busy` for the lock is
/// [`StoreError::Busy`].
pub(super) fn immediate<T>(
    conn: &mut Connection,
    path: &Path,
    busy: Duration,
    body: impl FnOnce(&Transaction<'_>, &dyn Fn(rusqlite::Error) -> StoreError) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| busy_after(path, e, busy))?;
    let value = body(&tx, &|e| StoreError::from_sqlite(path, e))?;
    tx.commit().map_err(|e| busy_after(path, e, busy))?;
    Ok(value)
}

/// Whether `e` means another connection holds the lock.
pub(super) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Maps a lock timeout to [`StoreError::Busy`] (saying how long it waited).
pub(super) fn busy_after(path: &Path, e: rusqlite::Error, waited: Duration) -> StoreError {
    if is_busy(&e) {
        StoreError::Busy {
            waited_ms: waited.as_millis() as u64,
        }
    } else {
        StoreError::from_sqlite(path, e)
    }
}
