//! The store as a sync replica: one connection applies what arrives, another follows
//! the log for what to send.

use std::path::Path;
use std::time::Duration;

use crate::domain::{Event, Link};
use crate::store::{Accepted, Follower, OpenOptions, Received, Store, StoreError, VersionVector};
use crate::sync::{Encoded, Feed, LinkError, Replica, Tips};

/// How many events a catch-up reads at a time: a few messages' worth, so the peer
/// stores one page while the next is read and sent.
const MISSING_PAGE: usize = 2_000;

/// Applies received events to the store.
pub struct StoreReplica(pub Store);

/// Reads what to send from the store, following new commits from when it was opened.
pub struct StoreFeed(Follower);

impl StoreFeed {
    /// A feed from the database at `path`, following from its newest event now.
    pub fn open(path: &Path) -> Result<StoreFeed, StoreError> {
        Ok(StoreFeed(Follower::from_end(Store::open(
            path,
            OpenOptions::read(),
        )?)?))
    }
}

impl Replica for StoreReplica {
    fn origin(&self) -> String {
        self.0.origin().to_string()
    }

    fn heads(&mut self) -> Result<VersionVector, LinkError> {
        Ok(self.0.heads()?)
    }

    fn apply(&mut self, messages: Vec<Received>) -> Result<Accepted, LinkError> {
        Ok(self.0.accept_batches_from_peer(messages)?)
    }

    fn tips(&mut self, heads: &VersionVector) -> Result<Tips, LinkError> {
        Ok(self.0.tips(heads)?)
    }

    fn id_at(&mut self, origin: &str, seq: u64) -> Result<Option<ulid::Ulid>, LinkError> {
        Ok(self.0.id_at(origin, seq)?)
    }

    fn renumber(&mut self) -> Result<(), LinkError> {
        self.0.renumber()?;
        Ok(())
    }
}

impl Feed for StoreFeed {
    fn missing(
        &mut self,
        theirs: &VersionVector,
        each: &mut dyn FnMut(Encoded) -> Result<(), LinkError>,
    ) -> Result<(), LinkError> {
        self.0
            .store()
            .missing_encoded_in_pages(theirs, MISSING_PAGE, each)
    }

    fn next(&mut self, wait: Duration) -> Result<Vec<Event>, LinkError> {
        let events = self.0.next(5_000, wait)?;
        if self.0.take_rewound() {
            // The file under the link was replaced or restored: a new session compares
            // the two logs again from their hellos (and says where their numbering split).
            return Err(LinkError::Local(
                "the database was replaced or restored from an older copy under the link; connecting again to compare the logs".into(),
            ));
        }
        Ok(events)
    }

    fn links(&mut self, events: &[Event]) -> Result<Vec<Option<Link>>, LinkError> {
        Ok(self.0.store().links_of(events)?)
    }
}
