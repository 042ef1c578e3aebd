//! Following the log: what other connections commit, read as it arrives. One type for
//! every reader that keeps up with the file (`tail --follow`, the console, a peer link,
//! a drill's clock).

use std::time::Duration;

use super::{Store, StoreError, Watcher};
use crate::domain::Event;

/// A cursor into the log that waits for the next commit when it has read everything.
pub struct Follower {
    store: Store,
    watcher: Watcher,
    /// The `data_version` last seen: it moves when another connection commits.
    version: i64,
    /// The position of the last event handed out.
    cursor: i64,
    /// Whether events past the cursor may be there unread: at first, and after a read
    /// that stopped at its limit. Otherwise only a commit can bring new ones, so an idle
    /// follower asks `data_version` and nothing else.
    unread: bool,
    /// Whether the last [`Follower::next`] saw a commit, with events or without.
    saw_commit: bool,
    /// The file's size and modification time when it was opened (which matter only
    /// for a snapshot).
    stamp: Option<FileStamp>,
    /// The id of the event at the cursor: another there means the file was replaced
    /// or restored from an older copy under this follower.
    at_cursor: Option<ulid::Ulid>,
    /// Set when that happened, until [`Follower::take_rewound`].
    rewound: bool,
}

impl std::fmt::Debug for Follower {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Follower")
            .field("store", &self.store)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl Follower {
    /// Follows `store` from after position `cursor` (0 for the whole log), with a
    /// watcher of its own on the file.
    pub fn new(store: Store, cursor: i64) -> Result<Follower, StoreError> {
        let watcher = Watcher::new(store.path()).map_err(|source| StoreError::Io {
            path: store.path().to_path_buf(),
            source,
        })?;
        Ok(Follower::with_watcher(store, watcher, cursor))
    }

    /// Follows `store` from after its newest event now.
    pub fn from_end(store: Store) -> Result<Follower, StoreError> {
        let cursor = store.last_pos()?;
        Follower::new(store, cursor)
    }

    /// Like [`Follower::new`], with a watcher made earlier (whose waker someone holds).
    pub fn with_watcher(store: Store, watcher: Watcher, cursor: i64) -> Follower {
        // Reading it cannot fail where reading events works; if it does, the first wait
        // ends at once and the read after it reports the trouble.
        let version = store.data_version().unwrap_or_default();
        let stamp = file_stamp(store.path());
        let at_cursor = if cursor > 0 {
            store.id_at_pos(cursor).ok().flatten()
        } else {
            None
        };
        Follower {
            store,
            watcher,
            version,
            cursor,
            unread: true,
            saw_commit: false,
            stamp,
            at_cursor,
            rewound: false,
        }
    }

    /// Goes on from after position `pos` (read elsewhere up to there, at one moment
    /// with other reads).
    pub fn move_to(&mut self, pos: i64) {
        self.cursor = pos;
        self.at_cursor = if pos > 0 {
            self.store.id_at_pos(pos).ok().flatten()
        } else {
            None
        };
        self.unread = true;
    }

    /// The store being followed, for other reads.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether the last [`Follower::next`] saw another connection commit, even one that
    /// added no event (a console's heartbeat, say).
    pub fn saw_commit(&self) -> bool {
        self.saw_commit
    }

    /// Up to `limit` events stored after the cursor, in arrival order, moving the cursor
    /// past them. When there are none yet, waits up to `wait` for another connection's
    /// commit (or a wake from its watcher's waker) and reads again; so an empty result
    /// means nothing new arrived in time. Fewer than `limit` events means none are left.
    pub fn next(&mut self, limit: usize, wait: Duration) -> Result<Vec<Event>, StoreError> {
        self.leave_snapshot();
        self.follow_the_path();
        if self.unread {
            self.check_place()?;
        }
        let mut rows = if self.unread {
            self.store.events_since(self.cursor, limit)?
        } else {
            Vec::new()
        };
        self.saw_commit = !rows.is_empty();
        if rows.is_empty() {
            // The version was taken before the last read, so any commit since then
            // shows here.
            if !self
                .store
                .wait_for_commit(&self.watcher, &mut self.version, wait)?
            {
                self.unread = false;
                return Ok(Vec::new());
            }
            self.saw_commit = true;
            self.check_place()?;
            rows = self.store.events_since(self.cursor, limit)?;
        }
        self.unread = rows.len() >= limit;
        if let Some((pos, event)) = rows.last() {
            self.cursor = *pos;
            self.at_cursor = Some(event.id);
        }
        Ok(rows.into_iter().map(|(_, event)| event).collect())
    }
}

impl Follower {
    /// Whether the file was replaced or restored from an older copy since the last
    /// look (the events then start again from the beginning of the file as it is now);
    /// true once per such change.
    pub fn take_rewound(&mut self) -> bool {
        std::mem::take(&mut self.rewound)
    }

    /// When the path names another file than the one opened (it was replaced, say by
    /// `mv` or `cp` over it, or deleted and made again), follows the path: the file there
    /// is read from its start, as after a restore.
    fn follow_the_path(&mut self) {
        if self.store.still_there() || !self.store.path().exists() {
            return;
        }
        if let Ok(store) = Store::open(self.store.path(), super::OpenOptions::read()) {
            // Logged for the record only: every reader says so in its own words (the
            // console, `tail --follow`, a link), through `take_rewound`.
            tracing::info!(
                "{}: the file was replaced; reading the new one from its start",
                store.path().display()
            );
            self.version = store.data_version().unwrap_or_default();
            self.stamp = file_stamp(store.path());
            self.store = store;
            self.cursor = 0;
            self.at_cursor = None;
            self.rewound = true;
            self.unread = true;
        }
    }

    /// Checks the event at the cursor is still the one handed out last; if not, the
    /// log under the follower is another one: it starts over from the beginning.
    fn check_place(&mut self) -> Result<(), StoreError> {
        let Some(expected) = self.at_cursor else {
            return Ok(());
        };
        if self.store.id_at_pos(self.cursor)? != Some(expected) {
            // For the record, as above.
            tracing::info!(
                "{}: the log was replaced or restored from an older copy; reading it again from the start",
                self.store.path().display()
            );
            self.cursor = 0;
            self.at_cursor = None;
            self.rewound = true;
            self.unread = true;
        }
        Ok(())
    }

    /// A snapshot (see [`Store::is_snapshot`]) never sees a commit: once a writer has
    /// set up the shared index beside the file, it is opened again, live; until then it
    /// is opened again whenever the file changes (a writer that came and went has
    /// written its log back into the file). Either way it is followed from the same
    /// place: positions do not change.
    fn leave_snapshot(&mut self) {
        if !self.store.is_snapshot() {
            return;
        }
        let path = self.store.path();
        let stamp = file_stamp(path);
        let live = super::create::side_file(path, "-shm").exists();
        if !live && stamp == self.stamp {
            return;
        }
        if let Ok(store) = Store::open(path, super::OpenOptions::read()) {
            self.stamp = stamp;
            self.version = store.data_version().unwrap_or_default();
            self.store = store;
            self.unread = true;
        }
    }
}

/// A file's size and modification time.
type FileStamp = (u64, std::time::SystemTime);

fn file_stamp(path: &std::path::Path) -> Option<FileStamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Body;
    use crate::store::{NewEvent, OpenOptions};
    use std::time::Instant;

    fn note(store: &mut Store, text: &str) {
        let incident = store.all_events().unwrap()[0].incident;
        store
            .append(vec![NewEvent::now(
                Some(incident),
                "ana",
                Body::Note { text: text.into() },
            )])
            .unwrap();
    }

    #[test]
    fn hands_out_each_event_once_and_waits_only_when_it_has_read_everything() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let mut writer = Store::open(&db, OpenOptions::write()).unwrap();
        writer
            .append(vec![NewEvent::now(None, "ana", Body::opening("t"))])
            .unwrap();
        for i in 0..4 {
            note(&mut writer, &format!("before {i}"));
        }
        let mut follower =
            Follower::new(Store::open(&db, OpenOptions::read()).unwrap(), 0).unwrap();
        let long = Duration::from_secs(30);
        assert_eq!(
            follower.next(3, long).unwrap().len(),
            3,
            "at most the limit"
        );
        assert_eq!(follower.next(3, long).unwrap().len(), 2, "then the rest");
        let start = Instant::now();
        assert!(
            follower
                .next(3, Duration::from_millis(50))
                .unwrap()
                .is_empty()
        );
        assert!(!follower.saw_commit());
        assert!(start.elapsed() >= Duration::from_millis(40), "it waited");

        let late = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            note(&mut writer, "late");
            writer
        });
        let got = follower.next(3, long).unwrap();
        assert_eq!(
            got.len(),
            1,
            "woken by the commit, long before the wait ends"
        );
        assert_eq!(got[0].body.text(), Some("late"));
        assert!(follower.saw_commit());
        let mut writer = late.join().unwrap();

        // Following from the end skips what is there.
        note(&mut writer, "old news");
        let mut tail = Follower::from_end(Store::open(&db, OpenOptions::read()).unwrap()).unwrap();
        note(&mut writer, "fresh");
        let got = tail.next(10, long).unwrap();
        assert_eq!(
            got.iter()
                .map(|e| e.body.text().unwrap())
                .collect::<Vec<_>>(),
            ["fresh"]
        );
    }
}
