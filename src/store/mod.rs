//! The event log in SQLite: append-only, WAL, safe for many processes on one file.

mod chain;
mod create;
mod deliveries;
mod error;
mod exchange;
mod filesystem;
mod follow;
mod hint;
mod open;
mod origin;
mod presence;
mod read;
mod row;
mod schema;
mod tx;
mod watch;
mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rusqlite::Connection;

use crate::domain::{Timestamp, to_millis};

pub use chain::{BreakKind, ChainBreak, ChainHead, ChainSeam, Expectation, SeamKind, Verification};
pub use deliveries::{Claim, Finished};
pub use error::StoreError;
pub use exchange::{AllowedPeer, Page, VersionVector};
pub use follow::Follower;
pub use hint::OpenHint;
pub use open::{Access, OpenOptions, ReadOnly};
pub use presence::{HEARTBEAT, PRESENCE_TTL, Presence, host_name};
pub use read::Settings;
pub use schema::{APPLICATION_ID, CURRENT_VERSION};
pub use watch::{Waker, Watcher};
pub use write::{Accepted, Imported, NewEvent, Received};

/// A file's identity on this host (device, inode), following links.
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

/// Where the time comes from; tests inject a fixed one.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// The system clock, to the millisecond.
pub fn system_clock() -> Clock {
    Arc::new(|| to_millis(chrono::Utc::now()))
}

/// An open warroom database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    origin: String,
    read_only: Option<ReadOnly>,
    /// Whether it reads the file as it stood when opened (no writer had it open, and
    /// this reader could not set up the shared index beside it).
    snapshot: bool,
    /// The schema version the connection sees: current, or older when opened read-only.
    version: i64,
    clock: Clock,
    busy_timeout: std::time::Duration,
    /// The file's identity on this host (device, inode) when opened: a write checks the
    /// path still names it.
    identity: Option<(u64, u64)>,
    /// The highest number this store gave one of its own events: finding less stored
    /// means the file was rolled back under it (restored from an older copy).
    last_seq: Option<u64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("origin", &self.origin)
            .field("read_only", &self.read_only)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (and if asked, creates) the database at `path`.
    pub fn open(path: impl AsRef<Path>, opts: OpenOptions) -> Result<Store, StoreError> {
        let path = path.as_ref();
        let opened = open::open(path, opts)?;
        crate::files::register_database(path);
        let identity = file_identity(path);
        Ok(Store {
            conn: opened.conn,
            path: path.to_path_buf(),
            origin: opened.origin,
            read_only: opened.read_only,
            snapshot: opened.snapshot,
            version: opened.version,
            clock: system_clock(),
            busy_timeout: tx::BUSY_TIMEOUT,
            identity,
            last_seq: None,
        })
    }

    /// Replaces the clock that stamps new events.
    pub fn with_clock(mut self, clock: Clock) -> Store {
        self.clock = clock;
        self
    }

    /// How long a write waits for other writers' locks before giving up with
    /// [`StoreError::Busy`] (10 s by default). Nothing is written when it gives up.
    pub fn set_busy_timeout(&mut self, timeout: std::time::Duration) -> Result<(), StoreError> {
        self.conn.busy_timeout(timeout).map_err(|e| self.sql(e))?;
        self.busy_timeout = timeout;
        Ok(())
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This database's replica id, stamped on every event it writes.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The schema version the connection sees: [`CURRENT_VERSION`], or older when a
    /// file of an older build was opened read-only (and so not upgraded).
    pub fn schema_version(&self) -> i64 {
        self.version
    }

    /// Whether the store was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only.is_some()
    }

    /// Why the store cannot write, when it cannot.
    pub fn read_only(&self) -> Option<ReadOnly> {
        self.read_only
    }

    /// Whether the store reads the file as it stood when opened, because no writer had
    /// it open and this reader could not set up the write-ahead log's shared index (a
    /// folder it may not write, a full disk). [`Follower`] opens it again once a writer
    /// appears.
    pub fn is_snapshot(&self) -> bool {
        self.snapshot
    }

    /// The current time by this store's clock.
    pub fn now(&self) -> Timestamp {
        (self.clock)()
    }

    /// Whether the path still names the file this store opened (not deleted, not
    /// replaced by another file).
    pub fn still_there(&self) -> bool {
        self.check_still_there().is_ok()
    }

    /// Refuses to write when the path no longer names the file this store opened: it
    /// was deleted (writes would go to a log nobody else will ever read) or replaced by
    /// another file.
    fn check_still_there(&self) -> Result<(), StoreError> {
        match (self.identity, file_identity(&self.path)) {
            (Some(opened), Some(now)) if opened == now => Ok(()),
            (None, _) => Ok(()),
            _ => Err(StoreError::Replaced {
                path: self.path.clone(),
            }),
        }
    }

    fn sql(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(&self.path, e)
    }
}
