//! Noticing other processes' commits quickly and cheaply.
//!
//! SQLite writes every commit to the `-wal` file, and checkpoints write the database
//! file, so an inotify watch on the directory, filtered to those two names, wakes a
//! reader within a fraction of a millisecond. The `-shm` file is left out: readers
//! write to it too, and watching it would wake every console on every read. When
//! inotify is not available the watcher falls back to polling; callers always confirm
//! with `PRAGMA data_version`, so a spurious wake costs one cheap query.

use std::ffi::OsString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

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
        let byte = [1u8];
        // SAFETY: writing one byte from a live buffer to a pipe we own. A full pipe
        // already holds a wake, so a failed write loses nothing.
        unsafe {
            libc::write(self.0.as_raw_fd(), byte.as_ptr().cast(), 1);
        }
    }
}

/// Waits for changes to one database file.
#[derive(Debug)]
pub struct Watcher {
    inotify: Option<OwnedFd>,
    wake_read: OwnedFd,
    wake_write: Arc<OwnedFd>,
    names: [OsString; 2],
}

fn owned(fd: libc::c_int) -> io::Result<OwnedFd> {
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: a descriptor just returned by the kernel, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

impl Watcher {
    /// Watches the database at `db` (its directory, filtered to its files).
    pub fn new(db: &Path) -> io::Result<Watcher> {
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills the two-element array we pass.
        let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        let (wake_read, wake_write) = (owned(fds[0])?, owned(fds[1])?);
        // SQLite writes beside the file a link points to, so that is what is watched: a
        // watch on the link's folder would never fire, leaving only the slow fallback.
        let real = std::fs::canonicalize(db);
        let db = real.as_deref().unwrap_or(db);
        let name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
        let mut wal = name.clone();
        wal.push("-wal");
        let dir = match db.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => Path::new(".").to_path_buf(),
        };
        let inotify = watch_directory(&dir)
            .map_err(|e| tracing::warn!("no file notifications ({e}); polling"))
            .ok();
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
        let mut fds = vec![libc::pollfd {
            fd: self.wake_read.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        if let Some(inotify) = &self.inotify {
            fds.push(libc::pollfd {
                fd: inotify.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            });
        }
        let ms = timeout.as_millis().min(i32::MAX as u128) as libc::c_int;
        // SAFETY: fds is a live array of pollfd of the length we pass.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if ready <= 0 {
            return Wake::Timeout;
        }
        let woken = fds[0].revents != 0 && drain(&self.wake_read);
        let changed = fds.get(1).is_some_and(|f| f.revents != 0) && self.drain_events();
        match (changed, woken) {
            (true, _) => Wake::Changed,
            (false, true) => Wake::Woken,
            (false, false) => Wake::Timeout,
        }
    }

    /// Reads every pending inotify event; true if one concerned our files.
    fn drain_events(&self) -> bool {
        let Some(inotify) = &self.inotify else {
            return false;
        };
        let mut ours = false;
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: reading into a live buffer of the length we pass.
            let n = unsafe { libc::read(inotify.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return ours;
            }
            let mut at = 0usize;
            let header = std::mem::size_of::<libc::inotify_event>();
            while at + header <= n as usize {
                // SAFETY: the kernel wrote whole events; the header is read unaligned.
                let event: libc::inotify_event =
                    unsafe { std::ptr::read_unaligned(buf[at..].as_ptr().cast()) };
                let name_bytes = &buf[at + header..at + header + event.len as usize];
                let name = name_bytes.split(|b| *b == 0).next().unwrap_or(&[]);
                if event.mask & libc::IN_Q_OVERFLOW != 0
                    || self.names.iter().any(|n| n.as_bytes() == name)
                {
                    ours = true;
                }
                at += header + event.len as usize;
            }
        }
    }
}

fn watch_directory(dir: &Path) -> io::Result<OwnedFd> {
    // SAFETY: plain syscalls with valid arguments; the path is NUL-terminated below.
    let fd = owned(unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) })?;
    let mut path = dir.as_os_str().as_bytes().to_vec();
    path.push(0);
    // Every commit writes the log (IN_MODIFY), a new log is created (IN_CREATE), and a
    // checkpoint writes the database file. Closing a file opened for writing
    // (IN_CLOSE_WRITE) is left out: every process that opens the database does that,
    // without committing anything.
    let mask = libc::IN_MODIFY | libc::IN_CREATE | libc::IN_MOVED_TO;
    // SAFETY: path is NUL-terminated and outlives the call.
    let wd = unsafe { libc::inotify_add_watch(fd.as_raw_fd(), path.as_ptr().cast(), mask) };
    if wd < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(fd)
}

/// Empties a non-blocking pipe; true if it held anything.
fn drain(fd: &OwnedFd) -> bool {
    let mut buf = [0u8; 64];
    let mut any = false;
    // SAFETY: reading into a live buffer of the length we pass.
    while unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) } > 0 {
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
