//! Noticing other processes' commits quickly and cheaply.
//!
//! SQLite writes every commit to the `-wal` file, and checkpoints write the database
//! file, so an inotify watch on the directory, filtered to those two names, wakes a
//! reader within a fraction of a millisecond. The `-shm` file is left out: readers
//! write to it too, and watching it would wake every console on every read. When
//! inotify is not available (or off Linux) the watcher falls back to polling; callers
//! always confirm with `PRAGMA data_version`, so a spurious wake costs one cheap query.

use std::ffi::OsString;
use std::io;
use std::os::fd::OwnedFd;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustix::event::{PollFd, PollFlags, poll};

/// Why a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    /// The database or its log was written.
    Changed,
    /// Someone called [`Waker::wake`].
    Woken,
    /// The timeout passed.
    Timeout,
}

/// Wakes a waiting [`Watcher`] from another thread (after a commit, or to stop it).
#[derive(Debug, Clone)]
pub struct Waker(Arc<OwnedFd>);

impl Waker {
    /// Ends the watcher's current (or next) wait with [`Wake::Woken`].
    pub fn wake(&self) {
        // A full pipe already holds a wake, so a failed write loses nothing.
        let _ = rustix::io::write(&*self.0, &[1u8]);
    }
}

/// Waits for changes to one database file.
#[derive(Debug)]
pub struct Watcher {
    /// Notifications about the database's directory; `None` when polling.
    inotify: Option<OwnedFd>,
    wake_read: OwnedFd,
    wake_write: Arc<OwnedFd>,
    names: [OsString; 2],
}

impl Watcher {
    /// Watches the database at `db` (its directory, filtered to its files).
    pub fn new(db: &Path) -> io::Result<Watcher> {
        let (wake_read, wake_write) = wake_pipe()?;
        // SQLite writes beside the file a link points to, so that is what is watched: a
        // watch on the link's folder would never fire, leaving only the slow fallback.
        let real = std::fs::canonicalize(db);
        let db = real.as_deref().unwrap_or(db);
        let name = db
            .file_name()
            .map(std::ffi::OsStr::to_os_string)
            .unwrap_or_default();
        let mut wal = name.clone();
        wal.push("-wal");
        let dir = match db.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => Path::new(".").to_path_buf(),
        };
        let inotify = notify::watch(&dir).unwrap_or_else(|e| {
            tracing::warn!("no file notifications ({e}); polling");
            None
        });
        tracing::debug!(
            "watching {} in {}: {}",
            name.to_string_lossy(),
            dir.display(),
            if inotify.is_some() {
                "file notifications"
            } else {
                "polling"
            }
        );
        Ok(Watcher {
            inotify,
            wake_read,
            wake_write: Arc::new(wake_write),
            names: [name, wal],
        })
    }

    /// A handle that wakes this watcher.
    pub fn waker(&self) -> Waker {
        Waker(self.wake_write.clone())
    }

    /// Waits until the database may have changed, a wake, or `timeout`.
    fn wait(&self, timeout: Duration) -> Wake {
        let mut fds = vec![PollFd::new(&self.wake_read, PollFlags::IN)];
        if let Some(inotify) = &self.inotify {
            fds.push(PollFd::new(inotify, PollFlags::IN));
        }
        // An interrupted wait is a timeout: callers look at `data_version` anyway.
        match poll(&mut fds, Some(&crate::poll::timeout(timeout))) {
            Ok(0) | Err(_) => return Wake::Timeout,
            Ok(_) => {}
        }
        let woken = !fds[0].revents().is_empty() && drain(&self.wake_read);
        let changed = fds.get(1).is_some_and(|f| !f.revents().is_empty())
            && self
                .inotify
                .as_ref()
                .is_some_and(|fd| notify::ours(fd, &self.names));
        match (changed, woken) {
            (true, _) => Wake::Changed,
            (false, true) => Wake::Woken,
            (false, false) => Wake::Timeout,
        }
    }
}

/// The pipe that wakes a watcher: both ends non-blocking and closed on exec.
#[cfg(target_os = "linux")]
fn wake_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    use rustix::pipe::{PipeFlags, pipe_with};
    Ok(pipe_with(PipeFlags::NONBLOCK | PipeFlags::CLOEXEC)?)
}

/// The pipe that wakes a watcher: both ends non-blocking and closed on exec.
#[cfg(not(target_os = "linux"))]
fn wake_pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let (read, write) = rustix::pipe::pipe()?;
    for fd in [&read, &write] {
        rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::CLOEXEC)?;
        rustix::fs::fcntl_setfl(fd, rustix::fs::OFlags::NONBLOCK)?;
    }
    Ok((read, write))
}

/// Directory notifications from inotify.
#[cfg(target_os = "linux")]
mod notify {
    use std::ffi::OsString;
    use std::io;
    use std::mem::MaybeUninit;
    use std::os::fd::OwnedFd;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    use rustix::fs::inotify::{self, CreateFlags, ReadFlags, WatchFlags};

    /// Watches `dir` for writes and new files.
    pub(super) fn watch(dir: &Path) -> io::Result<Option<OwnedFd>> {
        let fd = inotify::init(CreateFlags::NONBLOCK | CreateFlags::CLOEXEC)?;
        // Every commit writes the log (IN_MODIFY), a new log is created (IN_CREATE), and a
        // checkpoint writes the database file. Closing a file opened for writing
        // (IN_CLOSE_WRITE) is left out: every process that opens the database does that,
        // without committing anything.
        let mask = WatchFlags::MODIFY | WatchFlags::CREATE | WatchFlags::MOVED_TO;
        inotify::add_watch(&fd, dir, mask)?;
        Ok(Some(fd))
    }

    /// Reads every pending event; true if one concerned `names` (or some were lost).
    pub(super) fn ours(fd: &OwnedFd, names: &[OsString]) -> bool {
        let mut ours = false;
        let mut buf = [MaybeUninit::<u8>::uninit(); 4096];
        let mut events = inotify::Reader::new(fd, &mut buf);
        // Until the queue is empty (or cannot be read).
        while let Ok(event) = events.next() {
            let name = event.file_name().map_or(&[][..], |n| n.to_bytes());
            if event.events().contains(ReadFlags::QUEUE_OVERFLOW)
                || names.iter().any(|n| n.as_bytes() == name)
            {
                ours = true;
            }
        }
        ours
    }
}

/// No directory notifications here: the watcher polls.
#[cfg(not(target_os = "linux"))]
mod notify {
    use std::ffi::OsString;
    use std::io;
    use std::os::fd::OwnedFd;
    use std::path::Path;

    pub(super) fn watch(_dir: &Path) -> io::Result<Option<OwnedFd>> {
        Ok(None)
    }

    pub(super) fn ours(_fd: &OwnedFd, _names: &[OsString]) -> bool {
        false
    }
}

/// Empties a non-blocking pipe; true if it held anything.
fn drain(fd: &OwnedFd) -> bool {
    let mut buf = [0u8; 64];
    let mut any = false;
    while rustix::io::read(fd, &mut buf).is_ok_and(|n| n > 0) {
        any = true;
    }
    any
}

/// How long to keep looking after a write notification that is not visible yet.
const SETTLE: Duration = Duration::from_millis(100);

impl super::Store {
    /// Waits until another connection's commit is visible (`data_version` moved past
    /// `seen`), a wake, or `fallback`; updates `seen` and returns whether it changed.
    ///
    /// A commit's log frames are written, and noticed, before its fsync and before it
    /// becomes visible, and nothing touches the log after that. So a notification that
    /// finds nothing new is followed by a few short looks (every 0.25 ms, then less
    /// often) until the commit shows or `SETTLE` passes. That costs CPU only just after
    /// writes; an idle watcher sleeps in `poll`.
    pub(super) fn wait_for_commit(
        &self,
        watcher: &Watcher,
        seen: &mut i64,
        fallback: Duration,
    ) -> Result<bool, super::StoreError> {
        let wake = watcher.wait(fallback);
        let mut now = self.data_version()?;
        if now == *seen && wake == Wake::Changed {
            let start = std::time::Instant::now();
            while now == *seen && start.elapsed() < SETTLE {
                let step = if start.elapsed() < Duration::from_millis(10) {
                    250
                } else {
                    2_000
                };
                std::thread::sleep(Duration::from_micros(step));
                now = self.data_version()?;
            }
        }
        let changed = now != *seen;
        *seen = now;
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[cfg(target_os = "linux")]
    #[test]
    fn notices_writes_to_the_log_but_not_to_other_files() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let watcher = Watcher::new(&db).unwrap();
        assert!(watcher.inotify.is_some(), "notified, not polling");
        std::fs::write(dir.path().join("unrelated.txt"), "x").unwrap();
        std::fs::write(dir.path().join("w.db-shm"), "x").unwrap();
        assert_eq!(watcher.wait(Duration::from_millis(50)), Wake::Timeout);
        std::fs::write(dir.path().join("w.db-wal"), "x").unwrap();
        assert_eq!(watcher.wait(Duration::from_secs(5)), Wake::Changed);
        assert_eq!(
            watcher.wait(Duration::from_millis(20)),
            Wake::Timeout,
            "drained"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn opening_and_closing_the_database_wakes_nobody_but_a_commit_does() {
        use crate::domain::Body;
        use crate::store::{NewEvent, OpenOptions, Store};
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let mut writer = Store::open(&db, OpenOptions::write()).unwrap();
        let opened = writer
            .append(vec![NewEvent::now(None, "ana", Body::opening("t"))])
            .unwrap();
        let watcher = Watcher::new(&db).unwrap();
        for _ in 0..3 {
            drop(Store::open(&db, OpenOptions::write()).unwrap());
            drop(Store::open(&db, OpenOptions::read()).unwrap());
        }
        assert_eq!(
            watcher.wait(Duration::from_millis(200)),
            Wake::Timeout,
            "other processes opening the file are not news"
        );
        writer
            .append(vec![NewEvent::now(
                Some(opened[0].incident),
                "ana",
                Body::Note { text: "x".into() },
            )])
            .unwrap();
        assert_eq!(watcher.wait(Duration::from_secs(5)), Wake::Changed);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_database_reached_through_a_link_is_watched_where_it_really_is() {
        let real_dir = tempfile::TempDir::new().unwrap();
        let link_dir = tempfile::TempDir::new().unwrap();
        std::fs::write(real_dir.path().join("w.db"), "").unwrap();
        let link = link_dir.path().join("linked.db");
        std::os::unix::fs::symlink(real_dir.path().join("w.db"), &link).unwrap();
        let watcher = Watcher::new(&link).unwrap();
        std::fs::write(real_dir.path().join("w.db-wal"), "x").unwrap();
        assert_eq!(watcher.wait(Duration::from_secs(5)), Wake::Changed);
    }

    #[test]
    fn a_waker_ends_a_wait_from_another_thread() {
        let dir = tempfile::TempDir::new().unwrap();
        let watcher = Watcher::new(&dir.path().join("w.db")).unwrap();
        let waker = watcher.waker();
        let start = Instant::now();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            waker.wake();
        });
        assert_eq!(watcher.wait(Duration::from_secs(10)), Wake::Woken);
        assert!(start.elapsed() < Duration::from_secs(5));
        t.join().unwrap();
    }
}
