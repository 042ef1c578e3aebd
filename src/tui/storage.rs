//! The store, off the task that reads keys and draws: a reader thread that notices
//! other processes' commits and sends only the new rows, and a writer thread that
//! commits (waiting for locks if it must) and reports back.

use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Msg, Purpose};
use crate::store::{Access, NewEvent, OpenOptions, Store};

/// How often the reader asks SQLite whether anyone committed.
pub const POLL: Duration = Duration::from_millis(25);
/// Rows read per query after the first load.
const BATCH: usize = 5_000;

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

/// Handles to the two threads.
pub struct Storage {
    /// Sends writes to the writer.
    pub writes: std_mpsc::Sender<WriteRequest>,
    reader: Option<std::thread::JoinHandle<()>>,
    writer: Option<std::thread::JoinHandle<()>>,
    wake: std_mpsc::Sender<()>,
}

impl Storage {
    /// Starts both threads on the database at `path`; news arrives on `news`.
    pub fn start(path: &Path, news: UnboundedSender<Msg>) -> std::io::Result<Storage> {
        let (wake_tx, wake_rx) = std_mpsc::channel::<()>();
        let (write_tx, write_rx) = std_mpsc::channel::<WriteRequest>();
        let reader_path = path.to_path_buf();
        let reader_news = news.clone();
        let reader = std::thread::Builder::new()
            .name("store-reader".into())
            .spawn(move || read_loop(&reader_path, reader_news, wake_rx))?;
        let writer_path = path.to_path_buf();
        let writer_wake = wake_tx.clone();
        let writer = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || write_loop(writer_path, write_rx, news, writer_wake))?;
        Ok(Storage {
            writes: write_tx,
            reader: Some(reader),
            writer: Some(writer),
            wake: wake_tx,
        })
    }

    /// Stops both threads, letting a write in flight finish first.
    pub fn stop(mut self) {
        let (dead_tx, _) = std_mpsc::channel();
        self.writes = dead_tx;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
        let (dead_wake, _) = std_mpsc::channel();
        self.wake = dead_wake;
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

fn read_loop(path: &Path, news: UnboundedSender<Msg>, wake: std_mpsc::Receiver<()>) {
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
    let mut cursor = 0;
    let mut version = match store.data_version() {
        Ok(v) => v,
        Err(e) => {
            tracing::error!("reader: {e}");
            return;
        }
    };
    // The first read takes everything in one go, so the fold runs once.
    match store.events_since(0, i64::MAX as usize) {
        Ok(rows) => {
            cursor = rows.last().map(|(pos, _)| *pos).unwrap_or(0);
            let events = rows.into_iter().map(|(_, e)| e).collect();
            if news.send(Msg::Events(events)).is_err() {
                return;
            }
        }
        Err(e) => tracing::error!("reader: {e}"),
    }
    if news.send(Msg::Loaded).is_err() {
        return;
    }
    loop {
        let woken = match wake.recv_timeout(POLL) {
            Ok(()) => true,
            Err(std_mpsc::RecvTimeoutError::Timeout) => false,
            Err(std_mpsc::RecvTimeoutError::Disconnected) => return,
        };
        let now = match store.data_version() {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!("reader: {e}");
                continue;
            }
        };
        if now == version && !woken {
            continue;
        }
        version = now;
        loop {
            match store.events_since(cursor, BATCH) {
                Ok(rows) if rows.is_empty() => break,
                Ok(rows) => {
                    cursor = rows.last().map(|(pos, _)| *pos).unwrap_or(cursor);
                    let full = rows.len() == BATCH;
                    if news
                        .send(Msg::Events(rows.into_iter().map(|(_, e)| e).collect()))
                        .is_err()
                    {
                        return;
                    }
                    if !full {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!("reader: {e}");
                    break;
                }
            }
        }
    }
}

fn write_loop(
    path: PathBuf,
    requests: std_mpsc::Receiver<WriteRequest>,
    news: UnboundedSender<Msg>,
    wake: std_mpsc::Sender<()>,
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
    for request in requests {
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
        // The reader's own connection sees this commit too; waking it saves a poll.
        let _ = wake.send(());
        if news.send(msg).is_err() {
            return;
        }
    }
}
