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

use crate::app::{Heads, Msg, Purpose, Read};
use crate::domain::{Event, IncidentState};
use crate::store::{
    Access, Follower, HEARTBEAT, NewEvent, OpenHint, OpenOptions, ReadOnly, Store, StoreError,
    Waker, Watcher, host_name,
};

/// How long the reader waits for a notification before checking anyway.
pub const FALLBACK_POLL: Duration = Duration::from_millis(250);
/// Events per message while an open incident is read at start: the console folds one
/// page while the reader decodes the next.
const EARLY_PAGE: usize = 8_192;
/// An open incident with more events than this is sent in brief first
/// ([`Store::incident_preview`]: every pane but the timeline whole, and its newest
/// entries), then whole: reading a long log whole takes a tenth of a second or more.
const PREVIEW_FROM: usize = 5_000;
/// How many of its newest entries a brief holds: more than any screen shows.
const PREVIEW_NEWEST: usize = 400;
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
    reads: std_mpsc::Sender<Read>,
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
        let (read_tx, read_rx) = std_mpsc::channel::<Read>();
        let (hint_tx, hint_rx) = std_mpsc::channel::<OpenHint>();
        let (reader_path, reader_news, reader_stop) =
            (path.to_path_buf(), news.clone(), stop.clone());
        let reader = std::thread::Builder::new()
            .name("store-reader".into())
            .spawn(move || {
                let channels = (&read_rx, &hint_tx);
                read_loop(&reader_path, watcher, &reader_news, &reader_stop, channels);
            })?;
        let (writer_path, writer_wake) = (path.to_path_buf(), waker.clone());
        let writer = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                write_loop(writer_path, me, (write_rx, hint_rx), news, writer_wake);
            })?;
        Ok(Storage {
            writes: Some(write_tx),
            reads: read_tx,
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

    /// Hands a read to the reader thread, waking it from its wait for commits.
    pub fn read(&self, request: Read) {
        if self.reads.send(request).is_ok() {
            self.waker.wake();
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
            if !self.send(Msg::ReadFailed) {
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

/// What a console reads first, at one moment of the log (one read transaction).
struct FirstRead {
    /// The heads of the incidents it does not read whole.
    heads: Heads,
    /// The events of those it does (open incidents, waiting alerts:
    /// [`IncidentState::worked_in`]) that were not handed on early.
    events: Vec<Event>,
    /// The position of the newest event, to follow from.
    last: i64,
    /// The incidents whose events were handed on early.
    early: std::collections::HashSet<ulid::Ulid>,
    /// The list of incidents read whole, to keep for the next start.
    hint: Option<OpenHint>,
}

/// Reads the log at start: the incidents read whole first (open incidents and waiting
/// alerts, [`IncidentState::worked_in`]), sent to `early` as they are read (their events
/// in pages, so the console folds one page while the next is read; a long one in brief
/// first, `Msg::Preview`, whole after, `Msg::Whole`), then `Msg::OpenRead`, so the
/// console can show one before every closed incident's head is folded. Which they are
/// comes from the list the file keeps ([`Store::open_hint`], a few reads), else from
/// every head (read once, for this step and the next). `early` returns false when the
/// console is gone. Trouble in that first step only skips it: the console is told to
/// forget what it was sent (`Msg::ReadAgain`) and the full read that follows sends
/// everything. Trouble after it is the caller's, who forgets the same way before
/// trying again.
fn first_read(store: &Store, early: &dyn Fn(Msg) -> bool) -> Result<FirstRead, StoreError> {
    store.read_together(|s| {
        let last = s.last_pos()?;
        let gone = || StoreError::Invalid("the console is gone".into());
        let partition = |heads: Vec<IncidentState>| -> (Vec<IncidentState>, Vec<IncidentState>) {
            heads.into_iter().partition(IncidentState::worked_in)
        };
        // The incidents read whole: those of the kept list (a few reads), else those of
        // every head, read once for both steps.
        let (listed, mut every) = match listed_whole(s, last) {
            Ok(Some(listed)) => (listed, None),
            Ok(None) => (Vec::new(), Some(partition(s.incident_heads()?))),
            Err(e) => {
                tracing::debug!("reader: the kept list of open incidents: {e}");
                (Vec::new(), Some(partition(s.incident_heads()?)))
            }
        };
        let first: &[IncidentState] = match &every {
            Some((whole, _)) => whole,
            None => &listed,
        };
        let sent = match early_step(s, first, early) {
            Ok(sent) => sent,
            Err(Early::Gone) => return Err(gone()),
            Err(Early::Trouble(error)) => {
                // Whatever was handed on is forgotten; the full read sends it all.
                tracing::debug!("reader: the open incidents first: {error}");
                if !early(Msg::ReadAgain) {
                    return Err(gone());
                }
                std::collections::HashSet::new()
            }
        };
        let (whole, heads) = match every.take() {
            Some(both) => both,
            None => partition(s.incident_heads()?),
        };
        let mut events = Vec::new();
        for state in whole.iter().filter(|w| !sent.contains(&w.id)) {
            events.extend(s.incident_events(state.id)?);
        }
        let mut incidents: Vec<ulid::Ulid> = whole.iter().map(|w| w.id).collect();
        incidents.sort();
        let hint = s.hint_at(last, incidents)?;
        Ok(FirstRead {
            // Boxed here, off the console's thread: it then moves pointers, not states.
            heads: heads.into_iter().map(Box::new).collect(),
            events,
            last,
            early: sent,
            hint,
        })
    })
}

/// Why the first step of [`first_read`] stopped.
enum Early {
    /// The console is gone.
    Gone,
    /// The store failed.
    Trouble(StoreError),
}

/// The heads of the incidents read whole that the kept list names, and of those whose
/// heads changed since it was made; `None` when the file keeps no list (or one for
/// another copy of the log).
fn listed_whole(s: &Store, last: i64) -> Result<Option<Vec<IncidentState>>, StoreError> {
    let Some(hint) = s.open_hint()?.filter(|h| h.pos <= last) else {
        return Ok(None);
    };
    let mut candidates = hint.incidents;
    candidates.extend(s.incidents_with_heads_after(hint.pos)?);
    candidates.sort();
    candidates.dedup();
    Ok(Some(
        s.heads_of(&candidates)?
            .into_iter()
            .filter(IncidentState::worked_in)
            .collect(),
    ))
}

/// The first step of [`first_read`]: the incidents read whole (`whole`, by their
/// heads), each sent whole in pages or in brief then whole, then `Msg::OpenRead`. The
/// set of incidents sent.
fn early_step(
    s: &Store,
    whole: &[IncidentState],
    early: &dyn Fn(Msg) -> bool,
) -> Result<std::collections::HashSet<ulid::Ulid>, Early> {
    let trouble = Early::Trouble;
    let send =
        |msg: Msg| -> Result<(), Early> { if early(msg) { Ok(()) } else { Err(Early::Gone) } };
    // Long incidents go in brief first, then whole before the read ends.
    let mut briefed = Vec::new();
    for state in whole {
        if let Some(events) = s
            .incident_preview(state.id, PREVIEW_NEWEST, PREVIEW_FROM)
            .map_err(trouble)?
        {
            send(Msg::Preview {
                id: state.id,
                events,
            })?;
            briefed.push(state.id);
            continue;
        }
        let mut here = true;
        s.incident_events_in_pages(state.id, EARLY_PAGE, &mut |events| {
            here = early(Msg::Events(events));
            here
        })
        .map_err(trouble)?;
        if !here {
            return Err(Early::Gone);
        }
    }
    send(Msg::OpenRead)?;
    for id in briefed {
        let events = s.incident_events(id).map_err(trouble)?;
        send(Msg::Whole { id, events })?;
    }
    Ok(whole.iter().map(|w| w.id).collect())
}

/// The incidents the console has heard of, and the newest position the first read
/// saw: an incident met later with events at or before that position has events the
/// console never got.
struct Known {
    ids: std::collections::HashSet<ulid::Ulid>,
    first: i64,
}

impl Known {
    fn after(read: &FirstRead) -> Known {
        let ids = read
            .heads
            .iter()
            .map(|h| h.id)
            .chain(read.events.iter().map(|e| e.incident))
            .chain(read.early.iter().copied())
            .collect();
        Known {
            ids,
            first: read.last,
        }
    }

    /// Nothing heard of: the log is followed from its first event.
    fn none() -> Known {
        Known {
            ids: std::collections::HashSet::new(),
            first: 0,
        }
    }

    /// Incidents of `events` not heard of before that have events from before the
    /// first read (each reported once).
    fn new_with_earlier_events(&mut self, store: &Store, events: &[Event]) -> Vec<ulid::Ulid> {
        let mut fresh: Vec<ulid::Ulid> = events
            .iter()
            .map(|e| e.incident)
            .filter(|id| self.ids.insert(*id))
            .collect();
        fresh.retain(|id| {
            store
                .incident_has_events_up_to(*id, self.first)
                .unwrap_or(true)
        });
        fresh
    }
}

/// Sends what [`first_read`] found, then that the log is loaded, and hands the list of
/// incidents read whole to the writer to keep. False when the console is gone.
fn send_first(reader: &Reader<'_>, read: FirstRead, hints: &std_mpsc::Sender<OpenHint>) -> bool {
    tracing::debug!(
        "reader: {} incidents by their heads, {} events of those read whole ({} incidents early)",
        read.heads.len(),
        read.events.len(),
        read.early.len()
    );
    if let Some(hint) = read.hint {
        let _ = hints.send(hint);
    }
    // The open incidents first: a console that already counts as loaded (after
    // trouble) shows one of them, not the newest closed head.
    reader.send(Msg::Events(read.events))
        && reader.send(Msg::Heads(read.heads))
        && reader.send(Msg::Loaded)
}

/// Answers one read the console asked for. False when the console is gone.
fn serve(reader: &Reader<'_>, store: &Store, request: Read) -> bool {
    let (answer, incident) = match request {
        Read::Whole(id) => (
            store
                .incident_events(id)
                .map(|events| Msg::Whole { id, events }),
            Some(id),
        ),
        Read::Metrics => (
            store
                .incidents_of_kinds(&crate::metrics::deciding_kinds())
                .map(Msg::MetricsRead),
            None,
        ),
    };
    match answer {
        Ok(msg) => reader.send(msg),
        Err(e) => reader.send(Msg::NotRead {
            incident,
            error: e.to_string(),
        }),
    }
}

fn read_loop(
    path: &Path,
    watcher: Watcher,
    news: &UnboundedSender<Msg>,
    stop: &AtomicBool,
    (reads, hints): (&std_mpsc::Receiver<Read>, &std_mpsc::Sender<OpenHint>),
) {
    let mut reader = Reader {
        news,
        stop,
        loaded: false,
        told: None,
    };
    // The open incidents whole, the first of them shown at once when the file keeps
    // their list; then the closed ones by their heads.
    // Whether a first read has handed anything on since the console last forgot.
    let said = std::cell::Cell::new(false);
    let early = |msg: Msg| {
        said.set(!matches!(msg, Msg::ReadAgain));
        news.send(msg).is_ok()
    };
    // A first read that broke off after handing some on: the console forgets it, so
    // the next read's answer stands alone. False when the console is gone.
    let forget = || !said.replace(false) || news.send(Msg::ReadAgain).is_ok();
    // The first read takes the open incidents whole and the closed ones by their heads,
    // so its cost follows what is open, not years of history.
    let (store, read) = loop {
        match Store::open(path, OpenOptions::read())
            .and_then(|store| first_read(&store, &early).map(|read| (store, read)))
        {
            Ok(read) => break read,
            Err(e) => {
                if !forget() || !reader.trouble(e.to_string()) {
                    return;
                }
            }
        }
    };
    // Loaded again after trouble: the console then shows what it now has.
    let mut known = Known::after(&read);
    let last = read.last;
    if !send_first(&reader, read, hints) {
        return;
    }
    reader.loaded = true;
    reader.told = None;
    let mut follower = Follower::with_watcher(store, watcher, last);
    let mut presence_at = Instant::now() - PRESENCE_EVERY;
    let mut presence_due = true;
    // The log is being followed from its first event after a replaced file could not
    // be read by heads: the console hears it is loaded once that has caught up.
    let mut owe_loaded = false;
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
        while let Ok(request) = reads.try_recv() {
            if !serve(&reader, follower.store(), request) {
                return;
            }
        }
        let read = follower.next(BATCH, timeout);
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match read {
            Ok(events) if events.is_empty() => {
                reader.told = None;
                if std::mem::take(&mut owe_loaded) && !reader.send(Msg::Loaded) {
                    return;
                }
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
                if follower.take_rewound() {
                    // Another log under the console: read it as at start, heads and all,
                    // rather than every event it holds.
                    if !reader.send(Msg::Rewound) {
                        return;
                    }
                    said.set(false);
                    match first_read(follower.store(), &early) {
                        Ok(read) => {
                            owe_loaded = false;
                            follower.move_to(read.last);
                            known = Known::after(&read);
                            if !send_first(&reader, read, hints) {
                                return;
                            }
                        }
                        Err(e) => {
                            // Then the new log is followed from its first event, every
                            // one of them, as before the first read knew heads.
                            follower.move_to(0);
                            known = Known::none();
                            owe_loaded = true;
                            if !forget() || !reader.trouble(e.to_string()) {
                                return;
                            }
                        }
                    }
                    continue;
                }
                let earlier = known.new_with_earlier_events(follower.store(), &events);
                if !reader.send(Msg::Events(events)) {
                    return;
                }
                // An incident first met now that has events from before the first read
                // (a peer's notes came before its opening) is sent whole: the console
                // never saw those.
                for id in earlier {
                    match follower.store().incident_events(id) {
                        Ok(events) => {
                            if !reader.send(Msg::Whole { id, events }) {
                                return;
                            }
                        }
                        Err(e) => {
                            if !reader.send(Msg::NotRead {
                                incident: Some(id),
                                error: e.to_string(),
                            }) {
                                return;
                            }
                        }
                    }
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
    (requests, hints): (
        std_mpsc::Receiver<WriteRequest>,
        std_mpsc::Receiver<OpenHint>,
    ),
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
    // The list of incidents read whole, kept for the next start whenever the writer is
    // up anyway (a heartbeat, a write, leaving): nothing waits on it.
    let keep_hints = |store: &mut Option<Store>| {
        if let Some(hint) = hints.try_iter().last()
            && let Some(s) = store.as_mut()
            && let Err(e) = s.keep_open_hint(&hint)
        {
            tracing::debug!("keeping the list of open incidents: {e}");
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
                keep_hints(&mut store);
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
        // After the write is answered: an entry never waits behind the list.
        keep_hints(&mut store);
    }
    keep_hints(&mut store);
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
        wait_for(&mut news, "ReadFailed", |m| {
            matches!(m, Msg::ReadFailed).then_some(())
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

    /// Carries out the reads `update` asks for, as the console's edge does.
    fn carry(storage: &Storage, reads: Vec<Read>) {
        for read in reads {
            storage.read(read);
        }
    }

    /// Feeds the store's news to `app` until `done` holds.
    fn pump(
        app: &mut crate::app::App,
        storage: &Storage,
        news: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
        what: &str,
        done: impl Fn(&crate::app::App) -> bool,
    ) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(app) {
            assert!(Instant::now() < deadline, "no {what} within 20 s");
            match news.try_recv() {
                Ok(msg) => {
                    crate::app::update(app, msg);
                    carry(storage, app.reads_due());
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }

    /// Checks that `app`, once loaded, holds what the full fold of `store` says: every
    /// incident read whole (open ones, waiting alerts) as folded from all its events,
    /// every other one by a head, and the switcher's list, in its order. Returns the
    /// full fold by incident.
    fn holds_the_full_fold(
        app: &crate::app::App,
        store: &Store,
    ) -> std::collections::BTreeMap<ulid::Ulid, IncidentState> {
        use crate::domain::IncidentSummary;
        let full: std::collections::BTreeMap<_, _> = store
            .incidents()
            .unwrap()
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        for (id, state) in &full {
            if state.worked_in() {
                assert_eq!(
                    app.whole(*id),
                    Some(state),
                    "{id} differs from the full fold"
                );
            } else if state.opened.is_some() || state.alert.is_some() {
                assert!(
                    app.partial.contains(id) || app.whole(*id) == Some(state),
                    "{id} is neither a head nor the full fold"
                );
            }
        }
        // The switcher lists every incident as the full fold does, in its order.
        let listed: Vec<IncidentSummary> = app
            .incident_list()
            .into_iter()
            .map(IncidentSummary::from)
            .collect();
        let mut expected: Vec<&IncidentState> =
            full.values().filter(|s| s.opened.is_some()).collect();
        expected.sort_by_key(|s| crate::app::list_order(s));
        let expected: Vec<IncidentSummary> =
            expected.into_iter().map(IncidentSummary::from).collect();
        assert_eq!(listed, expected);
        full
    }

    /// A console on a file that keeps its list of open incidents shows one of them
    /// before it has read the closed incidents' heads; once loaded it holds the full
    /// fold, though the list is stale (an incident opened since, one closed since, one
    /// reopened since); and a list from another log (restored) is not used.
    #[test]
    fn a_kept_list_of_open_incidents_shows_one_first_and_the_full_fold_follows() {
        use crate::domain::{Body, Status};
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let mut store = Store::open(&db, OpenOptions::write()).unwrap();
        let open = |store: &mut Store, title: &str, close: bool| {
            let id = store
                .append(vec![NewEvent::now(None, "ana", Body::opening(title))])
                .unwrap()[0]
                .incident;
            let mut more = vec![NewEvent::now(
                Some(id),
                "bo",
                Body::Note {
                    text: format!("about {title}"),
                },
            )];
            if close {
                more.push(NewEvent::now(
                    Some(id),
                    "ana",
                    Body::StatusChanged {
                        status: Status::Closed,
                        reason: None,
                    },
                ));
            }
            store.append(more).unwrap();
            id
        };
        let closed: Vec<_> = (0..6)
            .map(|n| open(&mut store, &format!("old {n}"), true))
            .collect();
        let first_open = open(&mut store, "open a", false);
        let second_open = open(&mut store, "open b", false);
        let me = || Identity {
            session: "s".into(),
            user: "cy".into(),
        };
        // A first console: no list yet, so no early word; it keeps the list on leaving.
        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let storage = Storage::start(&db, me(), tx).unwrap();
        let mut app = crate::app::App::new("cy", "w.db", None, store.now());
        // Without a list, every head is read first, then the open incidents are sent
        // whole and one shown before the closed ones' heads reach the console.
        pump(
            &mut app,
            &storage,
            &mut news,
            "the early word, without a list",
            |a| a.outside.open_read,
        );
        assert!(!app.outside.loaded, "the heads come after");
        assert_eq!(app.incident().map(IncidentState::is_open), Some(true));
        pump(&mut app, &storage, &mut news, "first read", |a| {
            a.outside.loaded
        });
        holds_the_full_fold(&app, &store);
        storage.stop(Duration::from_secs(20));
        let hint = store.open_hint().unwrap().expect("the list is kept");
        let mut expected = vec![first_open, second_open];
        expected.sort();
        assert_eq!(hint.incidents, expected);

        // Since: one opened, one closed, one reopened.
        let opened_since = open(&mut store, "open c", false);
        store
            .append(vec![NewEvent::now(
                Some(second_open),
                "ana",
                Body::StatusChanged {
                    status: Status::Closed,
                    reason: None,
                },
            )])
            .unwrap();
        store
            .append(vec![NewEvent::now(
                Some(closed[2]),
                "ana",
                Body::StatusChanged {
                    status: Status::Investigating,
                    reason: None,
                },
            )])
            .unwrap();

        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let storage = Storage::start(&db, me(), tx).unwrap();
        let mut app = crate::app::App::new("cy", "w.db", None, store.now());
        // Up to the early word: the events of exactly the incidents open now, and the
        // first of them shown, with nothing judged yet.
        pump(&mut app, &storage, &mut news, "the early word", |a| {
            a.outside.open_read
        });
        assert!(!app.outside.loaded, "the heads come after");
        let mut early_ids: Vec<_> = app.incidents.keys().copied().collect();
        early_ids.sort();
        let mut open_now = vec![first_open, opened_since, closed[2]];
        open_now.sort();
        assert_eq!(early_ids, open_now);
        let shown = app.shown.expect("an open incident is shown at once");
        assert_eq!(app.incident().map(IncidentState::is_open), Some(true));
        assert_eq!(app.incident(), store.incident(shown).unwrap().as_ref());
        assert!(app.reading().is_some(), "keys that judge wait for the log");
        pump(&mut app, &storage, &mut news, "the heads", |a| {
            a.outside.loaded
        });
        assert_eq!(app.shown, Some(shown), "the incident shown stays");
        holds_the_full_fold(&app, &store);
        storage.stop(Duration::from_secs(20));

        // A list naming an event its position does not hold (the file was restored
        // from another copy) is not used.
        let kept = store.open_hint().unwrap().expect("kept again");
        let conn = rusqlite::Connection::open(&db).unwrap();
        let forged = format!(
            "{} {} {}",
            kept.pos,
            ulid::Ulid::from_parts(1, 1),
            closed[0]
        );
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'open_incidents'",
            [&forged],
        )
        .unwrap();
        drop(conn);
        assert_eq!(store.open_hint().unwrap(), None);
        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let storage = Storage::start(&db, me(), tx).unwrap();
        let mut app = crate::app::App::new("cy", "w.db", None, store.now());
        pump(
            &mut app,
            &storage,
            &mut news,
            "the read by every head",
            |a| a.outside.loaded,
        );
        holds_the_full_fold(&app, &store);
        storage.stop(Duration::from_secs(20));
    }

    /// A first read that breaks off after handing some on has the console forget what
    /// it was sent, and the next read (a reader started afresh on the same console) is
    /// the full fold: an incident closed between the two is held by its head.
    #[test]
    fn a_first_read_that_breaks_off_after_sending_some_is_forgotten_before_the_next() {
        use crate::domain::{Body, Status};
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let mut store = Store::open(&db, OpenOptions::write()).unwrap();
        let open = |store: &mut Store, title: &str| {
            let id = store
                .append(vec![NewEvent::now(None, "ana", Body::opening(title))])
                .unwrap()[0]
                .incident;
            store
                .append(
                    ["about", "still about"]
                        .map(|what| {
                            NewEvent::now(
                                Some(id),
                                "bo",
                                Body::Note {
                                    text: format!("{what} {title}"),
                                },
                            )
                        })
                        .into(),
                )
                .unwrap();
            id
        };
        let (a, b) = (open(&mut store, "a"), open(&mut store, "b"));
        // The kept list is read in the order of the ids: the first is sent early,
        // then the second cannot be read.
        let (sent_first, broken) = (a.min(b), a.max(b));
        let me = || Identity {
            session: "s".into(),
            user: "cy".into(),
        };
        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let storage = Storage::start(&db, me(), tx).unwrap();
        let mut app = crate::app::App::new("cy", "w.db", None, store.now());
        pump(&mut app, &storage, &mut news, "first read", |a| {
            a.outside.loaded
        });
        storage.stop(Duration::from_secs(20));
        assert!(store.open_hint().unwrap().is_some(), "the list is kept");

        // An older note of the second cannot be decoded (an id that is not a ULID); its
        // head, of its newest event, can.
        let conn = rusqlite::Connection::open(&db).unwrap();
        let note_of = |id: ulid::Ulid| -> String {
            conn.query_row(
                "SELECT id FROM events WHERE incident = ?1 AND kind = 'note' ORDER BY pos LIMIT 1",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap()
        };
        let good = note_of(broken);
        conn.execute("UPDATE events SET id = 'not an id' WHERE id = ?1", [&good])
            .unwrap();
        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let storage = Storage::start(&db, me(), tx).unwrap();
        let mut app = crate::app::App::new("cy", "w.db", None, store.now());
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut heard = Vec::new();
        while !app.outside.loaded || !heard.contains(&"failed") {
            assert!(
                Instant::now() < deadline,
                "no word of the trouble within 20 s"
            );
            match news.try_recv() {
                Ok(msg) => {
                    heard.push(match &msg {
                        Msg::Events(events) if events.iter().all(|e| e.incident == sent_first) => {
                            "early"
                        }
                        Msg::ReadAgain => "forget",
                        Msg::Failed { .. } => "failed",
                        Msg::Loaded => "loaded",
                        Msg::ReadFailed => "unreadable",
                        _ => "other",
                    });
                    crate::app::update(&mut app, msg);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
        assert_eq!(
            heard.iter().filter(|h| **h != "other").collect::<Vec<_>>(),
            [&"early", &"forget", &"unreadable", &"failed"],
            "sent early, then told to forget it, before the trouble: {heard:?}"
        );
        assert!(
            app.incidents.is_empty(),
            "nothing of the broken read is held"
        );
        assert!(
            app.reading().is_some() && !app.live(),
            "nothing is judged until the log is read"
        );

        // Before the next try (by a reader started afresh, so the changes land
        // together between two tries): the note is whole again, and the incident sent
        // early is closed. The next read holds it by its closed head, not its stale whole.
        storage.stop(Duration::from_secs(20));
        conn.execute("UPDATE events SET id = ?1 WHERE id = 'not an id'", [&good])
            .unwrap();
        store
            .append(vec![NewEvent::now(
                Some(sent_first),
                "ana",
                Body::StatusChanged {
                    status: Status::Closed,
                    reason: None,
                },
            )])
            .unwrap();
        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let storage = Storage::start(&db, me(), tx).unwrap();
        pump(
            &mut app,
            &storage,
            &mut news,
            "the read after the trouble",
            |a| a.incidents.contains_key(&broken) && a.incidents.contains_key(&sent_first),
        );
        holds_the_full_fold(&app, &store);
        assert!(
            app.partial.contains(&sent_first),
            "the closed incident is held by its head"
        );
        storage.stop(Duration::from_secs(20));
    }

    /// A long open incident is sent in brief first: every pane but the timeline as the
    /// full fold, the newest entries, a title that says older ones are still being read,
    /// and moving through it waits; its whole log follows before the read ends, and the
    /// console then holds the full fold.
    #[test]
    fn a_long_open_incident_is_shown_in_brief_then_whole() {
        use crate::domain::{Body, Severity, Status};
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let mut store = Store::open(&db, OpenOptions::write()).unwrap();
        let id = store
            .append(vec![NewEvent::now(None, "ana", Body::opening("long one"))])
            .unwrap()[0]
            .incident;
        let mut more = vec![
            NewEvent::now(
                Some(id),
                "ana",
                Body::CommandClaimed {
                    commander: "ana".into(),
                },
            ),
            NewEvent::now(
                Some(id),
                "ana",
                Body::SeveritySet {
                    severity: Severity::P2,
                    reason: None,
                    triage: Vec::new(),
                },
            ),
            NewEvent::now(
                Some(id),
                "ana",
                Body::StatusChanged {
                    status: Status::Investigating,
                    reason: None,
                },
            ),
        ];
        for k in 0..PREVIEW_FROM + 10 {
            more.push(NewEvent::now(
                Some(id),
                "bo",
                Body::Note {
                    text: format!("note {k}"),
                },
            ));
        }
        store.append(more).unwrap();
        let me = || Identity {
            session: "s".into(),
            user: "cy".into(),
        };
        // A first console, on a file without a list, shows it in brief too (after
        // reading every head), and keeps the list.
        assert!(store.open_hint().unwrap().is_none());
        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let storage = Storage::start(&db, me(), tx).unwrap();
        let mut app = crate::app::App::new("cy", "w.db", None, store.now());
        pump(
            &mut app,
            &storage,
            &mut news,
            "the brief, without a list",
            |a| a.outside.open_read,
        );
        assert!(app.previewing() && !app.outside.loaded, "shown in brief");
        pump(&mut app, &storage, &mut news, "first read", |a| {
            a.outside.loaded
        });
        assert!(!app.previewing());
        storage.stop(Duration::from_secs(20));
        assert!(store.open_hint().unwrap().is_some());

        let full = store.incident(id).unwrap().unwrap();
        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let storage = Storage::start(&db, me(), tx).unwrap();
        let mut app = crate::app::App::new("cy", "w.db", None, store.now());
        pump(&mut app, &storage, &mut news, "the brief", |a| {
            a.outside.open_read
        });
        assert!(!app.outside.loaded);
        assert!(app.previewing(), "shown in brief");
        let brief = app.incident().unwrap();
        assert_eq!(brief.beside_timeline(), full.beside_timeline());
        assert!(brief.timeline.len() < full.timeline.len());
        // Its newest entries are the full fold's.
        let newest = |s: &IncidentState| -> Vec<ulid::Ulid> {
            s.timeline
                .iter()
                .rev()
                .take(PREVIEW_NEWEST)
                .map(|e| e.event.id)
                .collect()
        };
        assert_eq!(newest(brief), newest(&full));
        let theme = crate::ui::Theme::dark();
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        terminal
            .draw(|f| crate::ui::render(f, &app, &theme))
            .unwrap();
        let screen = format!("{}", terminal.backend());
        assert!(screen.contains("reading older entries…"), "{screen}");
        assert!(
            !screen.contains(&format!("{}", full.timeline.len())),
            "{screen}"
        );
        // Moving through the timeline waits.
        let cursor = app.timeline.cursor;
        crate::app::update(&mut app, Msg::Action(crate::app::Action::Up));
        assert_eq!(app.timeline.cursor, cursor);
        assert!(
            app.notice
                .as_deref()
                .is_some_and(|n| n.contains("still being read"))
        );
        pump(&mut app, &storage, &mut news, "the whole log", |a| {
            a.outside.loaded
        });
        assert!(!app.previewing());
        assert_eq!(app.incident(), Some(&full));
        holds_the_full_fold(&app, &store);
        storage.stop(Duration::from_secs(20));
    }

    /// The console reads open incidents and waiting alerts whole and closed incidents
    /// by their heads; what it holds is what the full fold says, for the incident shown,
    /// for the switcher's list, for a closed incident chosen later, for one reopened
    /// elsewhere, and for the metrics.
    #[test]
    fn the_console_reads_what_it_shows_and_holds_what_the_full_fold_says() {
        use crate::domain::{Body, Status};
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let mut store = Store::open(&db, OpenOptions::write()).unwrap();
        crate::demo::load(&mut store).unwrap();
        let mut closed = Vec::new();
        for n in 0..12 {
            let opened = store
                .append(vec![NewEvent::now(
                    None,
                    "ana",
                    Body::opening(format!("old {n}")),
                )])
                .unwrap();
            let id = opened[0].incident;
            let mut more = vec![
                NewEvent::now(
                    Some(id),
                    "ana",
                    Body::CommandClaimed {
                        commander: "ana".into(),
                    },
                ),
                NewEvent::now(
                    Some(id),
                    "ana",
                    Body::StatusChanged {
                        status: Status::Investigating,
                        reason: None,
                    },
                ),
            ];
            for k in 0..20 {
                more.push(NewEvent::now(
                    Some(id),
                    "bo",
                    Body::Note {
                        text: format!("note {k}"),
                    },
                ));
            }
            more.push(NewEvent::now(
                Some(id),
                "ana",
                Body::StatusChanged {
                    status: Status::Closed,
                    reason: None,
                },
            ));
            store.append(more).unwrap();
            closed.push(id);
        }
        let alert = |fingerprint: &str| Body::AlertReceived {
            text: format!("disk {fingerprint}"),
            source: None,
            fingerprint: fingerprint.into(),
            labels: Default::default(),
            resolved: false,
            url: None,
        };
        let waiting = store
            .append(vec![NewEvent::now(None, "intake", alert("a"))])
            .unwrap()[0]
            .incident;
        store
            .append(vec![NewEvent::now(Some(waiting), "intake", alert("a"))])
            .unwrap();
        let dismissed = store
            .append(vec![NewEvent::now(None, "intake", alert("b"))])
            .unwrap()[0]
            .incident;
        store
            .append(vec![NewEvent::now(
                Some(dismissed),
                "ana",
                Body::AlertDismissed {
                    reason: "noise".into(),
                },
            )])
            .unwrap();

        let orphan = ulid::Ulid::generate();
        let orphan_at = store.now();
        let orphan_event = move |id: ulid::Ulid, body: Body| crate::domain::Event {
            id,
            origin: "peer-b".into(),
            seq: 1,
            incident: orphan,
            author: "bo".into(),
            recorded_by: None,
            at: orphan_at,
            logged_at: orphan_at,
            body,
        };
        store
            .import_events(&[orphan_event(
                ulid::Ulid::generate(),
                Body::Note {
                    text: "early".into(),
                },
            )])
            .unwrap();

        let (tx, mut news) = tokio::sync::mpsc::unbounded_channel();
        let me = Identity {
            session: "s".into(),
            user: "cy".into(),
        };
        let storage = Storage::start(&db, me, tx).unwrap();
        let mut app = crate::app::App::new("cy", "w.db", None, store.now());
        pump(&mut app, &storage, &mut news, "first read", |a| {
            a.outside.loaded && a.incident().is_some()
        });

        let full = holds_the_full_fold(&app, &store);
        // Closed incidents are held by their heads; open ones and waiting alerts whole.
        for id in &closed {
            assert!(
                app.partial.contains(id),
                "a closed incident is read whole at start"
            );
        }
        assert!(app.partial.contains(&dismissed));
        assert!(app.inbox.contains(&waiting) && !app.inbox.contains(&dismissed));
        let shown = app.shown.unwrap();
        assert_eq!(app.incident(), full.get(&shown));

        // A closed incident chosen is read whole then, and shown as the full fold.
        let old = closed[3];
        app.show(old);
        assert!(app.incident().is_none() && app.loading().is_some_and(|h| h.id == old));
        crate::app::update(&mut app, Msg::Tick(store.now()));
        carry(&storage, app.reads_due());
        pump(&mut app, &storage, &mut news, "the closed incident", |a| {
            a.incident().is_some()
        });
        assert_eq!(app.incident(), full.get(&old));
        assert!(!app.partial.contains(&old));

        // Elsewhere: a note in one closed incident, another reopened.
        let noted = closed[5];
        let reopened = closed[7];
        store
            .append(vec![NewEvent::now(
                Some(noted),
                "bo",
                Body::Note {
                    text: "late".into(),
                },
            )])
            .unwrap();
        store
            .append(vec![NewEvent::now(
                Some(reopened),
                "bo",
                Body::StatusChanged {
                    status: Status::Investigating,
                    reason: None,
                },
            )])
            .unwrap();
        pump(
            &mut app,
            &storage,
            &mut news,
            "the reopened incident",
            |a| a.whole(reopened).is_some(),
        );
        assert_eq!(
            app.whole(reopened),
            store.incident(reopened).unwrap().as_ref()
        );
        assert!(app.open_command.contains_key(&reopened));
        assert!(app.partial.contains(&noted));
        let noted_head = app.incidents.get(&noted).unwrap();
        assert!(
            app.changed_since_looked(noted_head),
            "the late note marks it in the switcher"
        );

        // An incident whose note came before its opening (a peer's catch-up, origin by
        // origin): the note was stored before this console's first read (no head then),
        // the opening after; the console gets the note too, not a timeline that starts
        // later.
        store
            .import_events(&[crate::domain::Event {
                origin: "peer-a".into(),
                ..orphan_event(orphan, Body::opening("came late"))
            }])
            .unwrap();
        pump(
            &mut app,
            &storage,
            &mut news,
            "the orphan's early note",
            |a| {
                a.whole(orphan)
                    .is_some_and(|s| s.opened.is_some() && s.timeline.len() == 2)
            },
        );

        // The metrics are read from the store and say what the full fold says.
        app.overlays.clear();
        crate::app::update(&mut app, Msg::Action(crate::app::Action::OpenMetrics));
        carry(&storage, app.reads_due());
        pump(&mut app, &storage, &mut news, "the metrics", |a| {
            matches!(
                a.overlays.last(),
                Some(crate::app::Overlay::Metrics {
                    summary: Some(_),
                    ..
                })
            )
        });
        let Some(crate::app::Overlay::Metrics {
            summary: Some(summary),
            ..
        }) = app.overlays.last()
        else {
            unreachable!()
        };
        let all = store.incidents().unwrap();
        assert_eq!(**summary, app.metrics_of(&all));
        storage.stop(Duration::from_secs(20));
    }
}
