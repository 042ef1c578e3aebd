//! The draft file: what is being typed, saved on every change, so a crash, `kill -9`
//! or a dropped SSH session loses nothing. Saves run on a writer thread, never on the
//! loop that reads keys and draws.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::app::Draft;

/// Where one console's draft lives: one file per person, database and console run.
///
/// The file name only narrows the search (a hash of the database's path and of the
/// person's name, then the console's session id); the file itself says exactly whose
/// draft it is and for which database, and a draft is offered only to the same person
/// on the same database. A console holds a lock on a file of its own beside its draft
/// for as long as it runs, so a draft is offered to a new console only once the one
/// that wrote it is gone (two consoles of one person on one database keep a draft
/// each).
#[derive(Debug, Clone)]
pub struct DraftFile {
    path: PathBuf,
    /// The database, as an absolute path with links resolved.
    db: String,
    /// Whose draft it is, exactly as given.
    author: String,
    /// The terminal the console runs in, to prefer its own draft after a reconnect.
    terminal: Option<String>,
}

/// A draft as stored: whose, for which database, from which terminal and process.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    db: String,
    author: String,
    #[serde(default)]
    terminal: Option<String>,
    /// The console's process and host: when its lock file is missing (it could not make
    /// one), a draft is an orphan only once that process is gone.
    #[serde(default)]
    pid: Option<u32>,
    #[serde(default)]
    host: Option<String>,
    draft: Draft,
}

/// Whether process `pid` on this host still runs.
fn alive(pid: u32) -> bool {
    use rustix::process::{Pid, test_kill_process};
    let Some(pid) = i32::try_from(pid).ok().and_then(Pid::from_raw) else {
        // 0 asked after this process's own group (`kill(0, 0)`), which runs; past
        // `i32::MAX` no process has the number.
        return pid == 0;
    };
    // Asks whether the process exists without signalling it; one of another user's
    // (not ours to signal) runs too.
    matches!(
        test_kill_process(pid),
        Ok(()) | Err(rustix::io::Errno::PERM)
    )
}

/// A stable 64-bit FNV-1a hash, to name draft files.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The name of the terminal on standard input (`/dev/pts/3`), if it is one.
fn terminal_name() -> Option<String> {
    let name = rustix::termios::ttyname(rustix::stdio::stdin(), Vec::new()).ok()?;
    Some(String::from_utf8_lossy(name.to_bytes()).into_owned())
}

impl DraftFile {
    /// The draft file of the console `session` for `author` on the database at `db`,
    /// under the user's state directory (`$XDG_STATE_HOME/warroom/drafts` on Linux).
    pub fn for_session(db: &Path, author: &str, session: &str) -> Option<DraftFile> {
        let base = crate::paths::drafts_dir()?;
        let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        let db = db.to_string_lossy().into_owned();
        Some(DraftFile {
            path: base.join(format!("{}-{session}.json", prefix(&db, author))),
            db,
            author: author.to_string(),
            terminal: terminal_name(),
        })
    }

    /// A draft file at an exact path, for `author` on `db`.
    pub fn at(path: PathBuf, db: &str, author: &str) -> DraftFile {
        DraftFile {
            path,
            db: db.to_string(),
            author: author.to_string(),
            terminal: None,
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The lock file held while the console that writes this draft runs.
    fn lock_path(&self) -> PathBuf {
        self.path.with_extension("lock")
    }

    /// The saved draft, if there is one and it is this person's for this database.
    pub fn load(&self) -> Option<Draft> {
        self.read(&self.path).map(|stored| stored.draft)
    }

    fn read(&self, path: &Path) -> Option<Stored> {
        let text = std::fs::read_to_string(path).ok()?;
        let stored: Stored = serde_json::from_str(&text).ok()?;
        (stored.db == self.db && stored.author == self.author).then_some(stored)
    }

    /// Creates the directory the file lives in (readable only by its owner).
    pub fn prepare(&self) -> std::io::Result<()> {
        match self.path.parent() {
            Some(dir) => {
                use std::os::unix::fs::DirBuilderExt;
                std::fs::DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(dir)
            }
            None => Ok(()),
        }
    }

    /// Gives the lock back when the console ends, removing its file (a draft left
    /// behind is then an orphan for the next console).
    pub fn release(&self, lock: std::fs::File) {
        let _ = std::fs::remove_file(self.lock_path());
        drop(lock);
    }

    /// Takes the lock that says this console runs; held until the returned file is
    /// dropped (or the process ends, however it ends).
    pub fn hold(&self) -> std::io::Result<std::fs::File> {
        self.prepare()?;
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(self.lock_path())?;
        if !try_lock(&lock) {
            return Err(std::io::Error::other(
                "the draft is in use by another console",
            ));
        }
        Ok(lock)
    }

    /// Takes over the draft a console of this person on this database left behind
    /// when it ended (closed, crashed, killed, its terminal gone), preferring one from
    /// this terminal, then the newest; it becomes this console's draft. `None` when
    /// there is none, or every one belongs to a console still running.
    pub fn adopt_orphan(&self) -> Option<Draft> {
        let dir = self.path.parent()?;
        let mine = prefix(&self.db, &self.author);
        let mut found: Vec<(bool, std::time::SystemTime, PathBuf, Stored)> = Vec::new();
        for entry in std::fs::read_dir(dir).ok()?.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path == self.path || !name.starts_with(&mine) || !name.ends_with(".json") {
                continue;
            }
            let Some(stored) = self.read(&path) else {
                continue;
            };
            let same_terminal = stored.terminal.is_some() && stored.terminal == self.terminal;
            let when = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            found.push((same_terminal, when, path, stored));
        }
        found.sort_by_key(|f| std::cmp::Reverse((f.0, f.1)));
        for (_, _, path, stored) in found {
            let lock_path = path.with_extension("lock");
            // A console still running holds its lock: its draft is not an orphan. One
            // that could not make a lock file is asked after by its process.
            let lock = match std::fs::OpenOptions::new().write(true).open(&lock_path) {
                Ok(lock) if !try_lock(&lock) => continue,
                Ok(lock) => Some(lock),
                Err(_) => {
                    let here = stored.host.as_deref() == Some(crate::store::host_name().as_str());
                    if here && stored.pid.is_some_and(alive) {
                        continue;
                    }
                    None
                }
            };
            if std::fs::rename(&path, &self.path).is_err() {
                continue;
            }
            if lock.is_some() {
                let _ = std::fs::remove_file(&lock_path);
            }
            return Some(stored.draft);
        }
        None
    }

    /// Saves the draft (or removes the file for `None`), creating its directory first.
    pub fn save(&self, draft: Option<&Draft>) -> std::io::Result<()> {
        if draft.is_some() {
            self.prepare()?;
        }
        self.write(draft)
    }

    /// Saves the draft (or removes the file for `None`) into a directory that exists, by
    /// writing a temporary file (readable by its owner only, under a name no other
    /// writer uses) and renaming it over the old one, so a crash mid-write leaves the
    /// previous draft.
    fn write(&self, draft: Option<&Draft>) -> std::io::Result<()> {
        let Some(draft) = draft else {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            };
        };
        let stored = Stored {
            db: self.db.clone(),
            author: self.author.clone(),
            terminal: self.terminal.clone(),
            pid: Some(std::process::id()),
            host: Some(crate::store::host_name()),
            draft: draft.clone(),
        };
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut prefix = self.path.file_name().unwrap_or_default().to_os_string();
        prefix.push(".");
        // Not `.json`: the name never passes for a draft while it is written.
        let mut file = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            .permissions(std::fs::Permissions::from_mode(0o600))
            .tempfile_in(dir)?;
        file.write_all(
            serde_json::to_string(&stored)
                .map_err(std::io::Error::other)?
                .as_bytes(),
        )?;
        file.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// The start of the draft file names for a person on a database: a hash of each.
fn prefix(db: &str, author: &str) -> String {
    format!(
        "{:016x}{:016x}",
        fnv1a(db.as_bytes()),
        fnv1a(author.as_bytes())
    )
}

/// Takes an exclusive lock on `file` without waiting; false when another process holds it.
fn try_lock(file: &std::fs::File) -> bool {
    use rustix::fs::{FlockOperation, flock};
    flock(file, FlockOperation::NonBlockingLockExclusive).is_ok()
}

/// What the console hands the writer thread.
#[derive(Default)]
struct Slot {
    /// The newest draft not yet written (`Some(None)`: remove the file).
    next: Option<Option<Draft>>,
    /// Stop once nothing is left to write.
    stop: bool,
    /// A draft is being written now.
    writing: bool,
}

/// Saves drafts on a thread of their own. `save` hands over the newest draft and
/// returns at once; the thread wakes and writes it straight away (so a `kill -9` a
/// moment after a keystroke still finds it on disk), and a newer draft handed over
/// while it writes replaces any older one still waiting: only the latest matters.
/// Dropping the writer writes what is still waiting before it returns, on every way
/// out of the console (quit, signal, error).
pub struct DraftWriter {
    shared: Arc<(Mutex<Slot>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl DraftWriter {
    /// Starts the thread writing to `file`; `failed` hears why a save failed.
    pub fn start(
        file: DraftFile,
        failed: impl Fn(String) + Send + 'static,
    ) -> std::io::Result<DraftWriter> {
        let shared = Arc::new((Mutex::new(Slot::default()), Condvar::new()));
        let theirs = shared.clone();
        let thread = std::thread::Builder::new()
            .name("draft-writer".into())
            .spawn(move || write_drafts(&file, &theirs, &failed))?;
        Ok(DraftWriter {
            shared,
            thread: Some(thread),
        })
    }

    /// Hands over the newest draft (`None` removes the file).
    pub fn save(&self, draft: Option<Draft>) {
        self.stage(draft);
        self.wake();
    }

    /// Hands over the newest draft without waking the thread: it is written at the
    /// next [`DraftWriter::wake`] or `save`, when the writer stops, or by
    /// [`DraftWriter::flusher`]. The console stages a draft before drawing and wakes the
    /// writer after (the character is on screen before the thread competes for the
    /// machine), so a draw that blocks on a stalled terminal loses nothing.
    pub fn stage(&self, draft: Option<Draft>) {
        let (slot, _) = &*self.shared;
        slot.lock().unwrap_or_else(PoisonError::into_inner).next = Some(draft);
    }

    /// Wakes the thread to write what was staged.
    pub fn wake(&self) {
        self.shared.1.notify_all();
    }

    /// Work that writes what is staged and waits (at most `wait`) until nothing is
    /// waiting or being written: for the exit watchdog to run before it ends the
    /// process.
    pub fn flusher(&self, wait: Duration) -> impl Fn() + Send + Sync + 'static {
        let shared = self.shared.clone();
        move || {
            let (slot, wake) = &*shared;
            let until = Instant::now() + wait;
            let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
            wake.notify_all();
            while slot.next.is_some() || slot.writing {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return;
                }
                slot = wake
                    .wait_timeout(slot, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
        }
    }
}

impl Drop for DraftWriter {
    fn drop(&mut self) {
        let (slot, wake) = &*self.shared;
        slot.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The writer thread: the newest draft, as soon as there is one, until told to stop.
fn write_drafts(file: &DraftFile, shared: &(Mutex<Slot>, Condvar), failed: &dyn Fn(String)) {
    let (slot, wake) = shared;
    let mut prepared = false;
    loop {
        let draft = {
            let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(draft) = slot.next.take() {
                    slot.writing = true;
                    break draft;
                }
                if slot.stop {
                    return;
                }
                slot = wake.wait(slot).unwrap_or_else(PoisonError::into_inner);
            }
        };
        // The directory is made once; if it vanishes later, once more.
        let mut result = Ok(());
        for _ in 0..2 {
            if draft.is_some() && !prepared {
                result = file.prepare();
                prepared = result.is_ok();
            }
            if result.is_ok() {
                result = file.write(draft.as_ref());
            }
            match &result {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && prepared => prepared = false,
                _ => break,
            }
        }
        slot.lock().unwrap_or_else(PoisonError::into_inner).writing = false;
        wake.notify_all();
        if let Err(e) = result {
            tracing::warn!("cannot save the draft to {}: {e}", file.path().display());
            failed(e.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::EntryKind;

    #[test]
    fn saves_loads_and_clears() {
        let dir = tempfile::TempDir::new().unwrap();
        let file = DraftFile::at(dir.path().join("d/x.json"), "/w.db", "ana");
        assert_eq!(file.load(), None);
        let draft = Draft {
            incident: None,
            kind: EntryKind::Decision,
            text: "roll back\nnow".into(),
        };
        file.save(Some(&draft)).unwrap();
        assert_eq!(file.load(), Some(draft));
        let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("d"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["x.json"], "no temporary file left behind");
        file.save(None).unwrap();
        assert_eq!(file.load(), None);
        file.save(None).unwrap();
    }

    #[test]
    fn the_writer_keeps_the_latest_and_writes_it_before_it_stops() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("new/dir/x.json");
        let failures = Arc::new(Mutex::new(Vec::new()));
        let heard = failures.clone();
        let file = || DraftFile::at(path.clone(), "/w.db", "ana");
        let writer = DraftWriter::start(file(), move |e| heard.lock().unwrap().push(e)).unwrap();
        let draft = |n: usize| Draft {
            incident: None,
            kind: EntryKind::Note,
            text: format!("typed {n} characters"),
        };
        for n in 1..=500 {
            writer.save(Some(draft(n)));
        }
        drop(writer);
        assert_eq!(file().load(), Some(draft(500)));

        let writer = DraftWriter::start(file(), |_| {}).unwrap();
        writer.save(Some(draft(1)));
        writer.save(None);
        drop(writer);
        assert_eq!(file().load(), None, "None removes the file");
        assert!(failures.lock().unwrap().is_empty());
    }
}
