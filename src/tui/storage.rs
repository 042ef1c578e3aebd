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
    Access, Follower, HEARTBEAT, NewEvent, OpenOptions, Store, Waker, Watcher, host_name,
};

/// How long the reader waits for a notification before checking anyway.
pub const FALLBACK_POLL: Duration = Duration::from_millis(250);
/// Rows read per query after the first load.
const BATCH: usize = 5_000;
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

    /// Stops both threads, letting a write in flight finish first.
    pub fn stop(mut self) {
        self.writes = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        self.stop.store(true, Ordering::SeqCst);
        self.waker.wake();
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

fn read_loop(path: &Path, watcher: Watcher, news: &UnboundedSender<Msg>, stop: &AtomicBool) {
    let store = match Store::open(path, OpenOptions::read()) {
        Ok(store) => store,
        Err(e) => {
            tracing::error!("reader cannot open {}: {e}", path.display());
            let _ = news.send(Msg::Failed {
                purpose: Purpose::Command,
                error: e.to_string(),
            });
            return;
        }
    };
    let mut follower = match Follower::with_watcher(store, watcher, 0) {
        Ok(follower) => follower,
        Err(e) => {
            tracing::error!("reader: {e}");
            return;
        }
    };
    // The first read takes everything in one go, so the fold runs once.
    match follower.next(usize::MAX, Duration::ZERO) {
        Ok(events) => {
            if news.send(Msg::Events(events)).is_err() {
                return;
            }
        }
        Err(e) => tracing::error!("reader: {e}"),
    }
    if news.send(Msg::Loaded).is_err() {
        return;
    }
    let mut presence_at = Instant::now() - PRESENCE_EVERY;
    let mut presence_due = true;
    loop {
        if presence_due && presence_at.elapsed() >= PRESENCE_EVERY {
            presence_at = Instant::now();
            presence_due = false;
            if let Ok(present) = follower.store().present()
                && news.send(Msg::Presence(present)).is_err()
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
                if follower.saw_commit() {
                    // Heartbeats change presence without adding events.
                    presence_due = true;
                } else {
                    // Refresh presence now and then, for consoles that went quiet.
                    presence_due |= presence_at.elapsed() >= crate::store::PRESENCE_TTL / 3;
                }
            }
            Ok(events) => {
                presence_due = true;
                if news.send(Msg::Events(events)).is_err() {
                    return;
                }
            }
            Err(e) => tracing::warn!("reader: {e}"),
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
    let mut store = match Store::open(&path, opts) {
        Ok(store) => store,
        Err(e) => {
            tracing::error!("writer cannot open {}: {e}", path.display());
            for request in requests {
                let purpose = match request {
                    WriteRequest::Append { purpose, .. } => purpose,
                    WriteRequest::Demo => Purpose::Demo,
                };
                let _ = news.send(Msg::Failed {
                    purpose,
                    error: e.to_string(),
                });
            }
            return;
        }
    };
    let (host, pid) = (host_name(), std::process::id());
    let beat = |store: &mut Store| {
        if !store.is_read_only()
            && let Err(e) = store.heartbeat(&me.session, &me.user, &host, pid)
        {
            tracing::debug!("heartbeat: {e}");
        }
    };
    beat(&mut store);
    let mut last_beat = Instant::now();
    loop {
        let request = match requests.recv_timeout(HEARTBEAT.saturating_sub(last_beat.elapsed())) {
            Ok(request) => request,
            Err(std_mpsc::RecvTimeoutError::Timeout) => {
                beat(&mut store);
                last_beat = Instant::now();
                continue;
            }
            Err(std_mpsc::RecvTimeoutError::Disconnected) => break,
        };
        let (purpose, result) = match request {
            WriteRequest::Append { purpose, drafts } => (purpose, store.append(drafts)),
            WriteRequest::Demo => {
                let origin = format!("demo-{}", ulid::Ulid::generate());
                let events = crate::demo::events(&origin, store.now());
                (Purpose::Demo, store.insert_events(&events).map(|_| events))
            }
        };
        let msg = match result {
            Ok(events) => Msg::Committed { purpose, events },
            Err(e) => {
                tracing::warn!("write failed: {e}");
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
    if !store.is_read_only() {
        let _ = store.leave(&me.session);
    }
}
