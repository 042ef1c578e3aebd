//! The store as a sync replica: one connection applies what arrives, another watches
//! for what to send.

use std::path::Path;
use std::time::Duration;

use crate::domain::Event;
use crate::store::{Heads, OpenOptions, Store, StoreError, Watcher};
use crate::sync::{Feed, Replica};

/// Applies received events to the store.
pub struct StoreReplica(pub Store);

/// Reads what to send from the store, and notices new commits.
pub struct StoreFeed {
    store: Store,
    watcher: Watcher,
    version: i64,
}

impl StoreFeed {
    /// A feed from the database at `path`.
    pub fn open(path: &Path) -> Result<StoreFeed, StoreError> {
        let store = Store::open(path, OpenOptions::read())?;
        let watcher = Watcher::new(path).map_err(|source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let version = store.data_version()?;
        Ok(StoreFeed {
            store,
            watcher,
            version,
        })
    }
}

fn text(e: StoreError) -> String {
    e.to_string()
}

impl Replica for StoreReplica {
    fn origin(&self) -> String {
        self.0.origin().to_string()
    }

    fn heads(&mut self) -> Result<Heads, String> {
        self.0.heads().map_err(text)
    }

    fn apply(&mut self, events: &[Event]) -> Result<usize, String> {
        self.0.insert_events(events).map_err(text)
    }
}

impl Feed for StoreFeed {
    fn cursor(&mut self) -> Result<i64, String> {
        self.store.last_pos().map_err(text)
    }

    fn missing(&mut self, theirs: &Heads) -> Result<Vec<Event>, String> {
        self.store.missing_for(theirs).map_err(text)
    }

    fn next(&mut self, cursor: &mut i64, wait: Duration) -> Result<Vec<Event>, String> {
        let fresh = self.store.events_since(*cursor, 5_000).map_err(text)?;
        if fresh.is_empty() {
            self.store
                .wait_for_commit(&self.watcher, &mut self.version, wait)
                .map_err(text)?;
        }
        let rows = if fresh.is_empty() {
            self.store.events_since(*cursor, 5_000).map_err(text)?
        } else {
            fresh
        };
        if let Some((pos, _)) = rows.last() {
            *cursor = *pos;
        }
        Ok(rows.into_iter().map(|(_, e)| e).collect())
    }
}
