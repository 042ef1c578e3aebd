//! The store, off the task that reads keys and draws: a reader thread that notices
//! commits (file notifications, confirmed by `data_version`) and sends only the new
//! rows, and a writer thread that commits, waiting for locks if it must, and keeps this
//! console's presence fresh.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc as std_mpsc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Msg, Purpose};
use crate::store::{
    Access, Follower, HEARTBEAT, NewEvent, OpenOptions, ReadOnly, Store, StoreError, Waker,
    Watcher, host_name,
};

/// How long the reader waits for a notification before checking anyway.
pub const FALLBACK_POLL: Duration = Duration::from_millis(250);
/// Rows read per query after the first load.
const BATCH: usize = 5_000;
/// How long the reader waits before trying again when the log cannot be read.
const RETRY: Duration = Duration::from_secs(2);
/// How often, at most, the reader refreshes who is present.
const PRESENCE_EVERY: Duration = Duration::from_secs(1);

/// A write for the writer thread.
pub enum WriteRequest {
    /// Append these events.
    Append {
        /// What the write is for.
        purpose: Purpose,
        /// The events.
        drafts: Vec<NewEvent>,
    },
    /// Load the sample incidents.
    Demo,
}

/// Who this console is, for presence.
#[derive(Debug, Clone)]
pub struct Identity {
    /// A fresh id for this run.
    pub session: String,
    /// The user's name.
    pub user: String,
}

/// Handles to the two threads.
pub struct Storage {
    writes: Option<std_mpsc::Sender<WriteRequest>>,
    reader: Option<std::thread::JoinHandle<()>>,
    writer: Option<std::thread::JoinHandle<()>>,
    waker: Waker,
    stop: Arc<AtomicBool>,
}

impl Storage {
    /// Starts both threads on the database at `path`; news arrives on `news`.
    pub fn start(
        path: &Path,
        me: Identity,
        news: UnboundedSender<Msg>,
    ) -> std::io::Result<Storage> {
        let watcher = Watcher::new(path)?;
        let waker = watcher.waker();
        let stop = Arc::new(AtomicBool::new(false));
        let (write_tx, write_rx) = std_mpsc::channel::<WriteRequest>();
        let (reader_path, reader_news, reader_stop) =
            (path.to_path_buf(), news.clone(), stop.clone());
        let reader = std::thread::Builder::new()
            .name("store-reader".into())
            .spawn(move || read_loop(&reader_path, watcher, &reader_news, &reader_stop))?;
        let (writer_path, writer_wake) = (path.to_path_buf(), waker.clone());
        let writer = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || write_loop(writer_path, me, write_rx, news, writer_wake))?;
        Ok(Storage {
            writes: Some(write_tx),
            reader: Some(reader),
            writer: Some(writer),
            waker,
            stop,
        })
    }

    /// Hands a write to the writer thread.
    pub fn write(&self, request: WriteRequest) {
        if let Some(writes) = &self.writes {
            let _ = writes.send(request);
        }
    }

    /// Stops both threads, letting a write in flight finish first (and the writer
    /// remove this console's presence row), waiting at most `wait` in all: a write stuck
    /// behind another process's lock is left to end with the process (its text is in
    /// the draft until a commit confirms it).
    pub fn stop(mut self, wait: Duration) {
        let until = Instant::now() + wait;
        self.writes = None;
        self.stop.store(true, Ordering::SeqCst);
        self.waker.wake();
        for thread in [self.writer.take(), self.reader.take()]
            .into_iter()
            .flatten()
        {
            while !thread.is_finished() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

/// The reader's side of the channel, and what it has told the console.
struct Reader<'a> {
    news: &'a UnboundedSender<Msg>,
    stop: &'a AtomicBool,
    /// Whether the console has heard that the first read is over.
    loaded: bool,
    /// The trouble last shown, so a lasting one is shown once.
    told: Option<String>,
}

impl Reader<'_> {
    /// Sends news; false when the console is gone.
    fn send(&self, msg: Msg) -> bool {
        self.news.send(msg).is_ok()
    }

    /// Tells the console the log cannot be read (ending its "reading the log…" wait),
    /// then pauses before the next try. False when the console stops meanwhile.
    fn trouble(&mut self, error: String) -> bool {
        tracing::warn!("reader: {error}");
        if !self.loaded {
            self.loaded = true;
            if !self.send(Msg::Loaded) {
                return false;
            }
        }
        if self.told.as_ref() != Some(&error) {
            let shown = format!(
                "the log cannot be read ({error}); trying again every {} s",
                RETRY.as_secs()
            );
            self.told = Some(error);
            if !self.send(Msg::Failed {
                purpose: Purpose::Palette,
                error: shown,
            }) {
                return false;
            }
        }
        let until = Instant::now() + RETRY;
        while Instant::now() < until {
            if self.stop.load(Ordering::SeqCst) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        !self.stop.load(Ordering::SeqCst)
    }
}

fn read_loop(path: &Path, watcher: Watcher, news: &UnboundedSender<Msg>, stop: &AtomicBool) {
    let mut reader = Reader {
        news,
        stop,
        loaded: false,
        told: None,
    };
    let store = loop {
        match Store::open(path, OpenOptions::read()) {
            Ok(store) => break store,
            Err(e) => {
                if !reader.trouble(e.to_string()) {
                    return;
                }
            }
        }
    };
    let mut follower = Follower::with_watcher(store, watcher, 0);
    // The first read takes everything in one go, so the fold runs once.
    loop {
        match follower.next(usize::MAX, Duration::ZERO) {
            Ok(events) => {
                tracing::debug!("reader: loaded {} events", events.len());
                // Loaded again after trouble: the console then shows what it now has.
                if !reader.send(Msg::Events(events)) || !reader.send(Msg::Loaded) {
                    return;
                }
                reader.loaded = true;
                reader.told = None;
                break;
            }
            Err(e) => {
                if !reader.trouble(e.to_string()) {
                    return;
                }
            }
        }
    }
    let mut presence_at = Instant::now() - PRESENCE_EVERY;
    let mut presence_due = true;
    loop {
        if presence_due && presence_at.elapsed() >= PRESENCE_EVERY {
            presence_at = Instant::now();
            presence_due = false;
            if let Ok(present) = follower.store().present()
                && !reader.send(Msg::Presence(present))
            {
                return;
            }
        }
        let timeout = if presence_due {
            PRESENCE_EVERY
        } else {
            FALLBACK_POLL
        };
        let read = follower.next(BATCH, timeout);
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match read {
            Ok(events) if events.is_empty() => {
                reader.told = None;
                if follower.saw_commit() {
                    // Heartbeats change presence without adding events.
                    presence_due = true;
                } else {
                    // Refresh presence now and then, for consoles that went quiet.
                    presence_due |= presence_at.elapsed() >= crate::store::PRESENCE_TTL / 3;
                }
            }
            Ok(events) => {
                tracing::debug!("reader: {} new events", events.len());
                presence_due = true;
                reader.told = None;
                if follower.take_rewound() && !reader.send(Msg::Rewound) {
                    return;
                }
                if !reader.send(Msg::Events(events)) {
                    return;
                }
            }
            Err(e) => {
                if !reader.trouble(e.to_string()) {
                    return;
                }
            }
        }
    }
}

fn write_loop(
    path: PathBuf,
    me: Identity,
    requests: std_mpsc::Receiver<WriteRequest>,
    news: UnboundedSender<Msg>,
    wake: Waker,
) {
    let opts = OpenOptions {
        access: Access::Prefer,
        ..OpenOptions::write()
    };
    // A store that cannot write for now (a full disk, a file that cannot be opened) is
    // opened again at the next write or heartbeat: the console recovers on its own
    // once there is room, and every failed write keeps its text in the box.
    let open = || match Store::open(&path, opts) {
        Ok(store) if store.read_only() == Some(ReadOnly::DiskFull) => {
            Err(StoreError::DiskFull { path: path.clone() })
        }
        other => other,
    };
    let mut store: Option<Store> = None;
    let ensure = |store: &mut Option<Store>| -> Result<(), StoreError> {
        if store.is_none() {
            *store = Some(open().inspect_err(|e| {
                tracing::warn!("writer cannot open {}: {e}", path.display());
            })?);
        }
        Ok(())
    };
    let (host, pid) = (host_name(), std::process::id());
    let beat = |store: &mut Option<Store>| {
        if let Some(s) = store.as_mut()
            && !s.is_read_only()
            && let Err(e) = s.heartbeat(&me.session, &me.user, &host, pid)
        {
            tracing::debug!("heartbeat: {e}");
        }
    };
    let _ = ensure(&mut store);
    beat(&mut store);
    let mut last_beat = Instant::now();
    loop {
        let request = match requests.recv_timeout(HEARTBEAT.saturating_sub(last_beat.elapsed())) {
            Ok(request) => request,
            Err(std_mpsc::RecvTimeoutError::Timeout) => {
                let _ = ensure(&mut store);
                beat(&mut store);
                last_beat = Instant::now();
                continue;
            }
            Err(std_mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let purpose = match &request {
            WriteRequest::Append { purpose, .. } => *purpose,
            WriteRequest::Demo => Purpose::Demo,
        };
        let result = ensure(&mut store).and_then(|()| {
            let Some(s) = store.as_mut() else {
                return Err(StoreError::Invalid("the database is not open".into()));
            };
            match request {
                WriteRequest::Append { drafts, .. } => s.append(drafts),
                WriteRequest::Demo => crate::demo::load(s).map(|loaded| loaded.events),
            }
        });
        let msg = match result {
            Ok(events) => {
                tracing::debug!("writer: committed {} events", events.len());
                Msg::Committed { purpose, events }
            }
            Err(e) => {
                tracing::warn!("write failed: {e}");
                if matches!(e, StoreError::DiskFull { .. } | StoreError::Replaced { .. }) {
                    // Opened again next time: room may come back, a file be restored.
                    store = None;
                }
                Msg::Failed {
                    purpose,
                    error: e.to_string(),
                }
            }
        };
        // The reader's connection sees this commit too; waking it saves a wait.
        wake.wake();
        if news.send(msg).is_err() {
            break;
        }
    }
    if let Some(s) = store.as_mut()
        && !s.is_read_only()
    {
        let _ = s.leave(&me.session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Body;

    /// Waits for a message that `pick` accepts, dropping others.
    fn wait_for<T>(
        news: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
        what: &str,
        mut pick: impl FnMut(Msg) -> Option<T>,
    ) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            match news.try_recv() {
                Ok(msg) => {
                    if let Some(found) = pick(msg) {
                        return found;
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        panic!("no {what} within 20 s");
    }

    #[test]
    fn a_log_that_cannot_be_read_ends_the_loading_screen_with_a_notice_and_is_retried() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("not-yet").join("w.db");
        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let me = Identity {
            session: "s".into(),
            user: "ana".into(),
        };
        let storage = Storage::start(&db, me, tx).unwrap();
        wait_for(&mut news, "Loaded", |m| {
            matches!(m, Msg::Loaded).then_some(())
        });
        let notice = wait_for(&mut news, "a notice", |m| match m {
            Msg::Failed { error, .. } if error.contains("cannot be read") => Some(error),
            _ => None,
        });
        assert!(notice.contains("trying again"), "{notice}");

        std::fs::create_dir(db.parent().unwrap()).unwrap();
        let mut store = Store::open(&db, OpenOptions::write()).unwrap();
        store
            .append(vec![NewEvent::now(
                None,
                "ana",
                Body::opening("written once the file exists"),
            )])
            .unwrap();
        let events = wait_for(&mut news, "the events", |m| match m {
            Msg::Events(events) if !events.is_empty() => Some(events),
            _ => None,
        });
        assert_eq!(events[0].body.kind(), "incident_opened");
        wait_for(&mut news, "Loaded again", |m| {
            matches!(m, Msg::Loaded).then_some(())
        });
        storage.stop(Duration::from_secs(20));
    }
}
