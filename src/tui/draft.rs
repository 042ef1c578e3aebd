//! The draft file: what is being typed, saved on every change, so a crash, `kill -9`
//! or a dropped SSH session loses nothing. Saves run on a writer thread, never on the
//! loop that reads keys and draws.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

use crate::app::Draft;

/// Where one user's draft for one database lives.
#[derive(Debug, Clone)]
pub struct DraftFile {
    path: PathBuf,
}

/// A stable 64-bit FNV-1a hash, to name a database's draft file.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl DraftFile {
    /// The draft file for `author` on the database at `db`, under the user's state
    /// directory (`$XDG_STATE_HOME/warroom/drafts` on Linux).
    pub fn for_database(db: &Path, author: &str) -> Option<DraftFile> {
        let dirs = directories::BaseDirs::new()?;
        let base = dirs
            .state_dir()
            .unwrap_or(dirs.data_dir())
            .join("warroom")
            .join("drafts");
        let db = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
        let who: String = author
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        let name = format!(
            "{:016x}-{who}.json",
            fnv1a(db.as_os_str().as_encoded_bytes())
        );
        Some(DraftFile {
            path: base.join(name),
        })
    }

    /// A draft file at an exact path.
    pub fn at(path: PathBuf) -> DraftFile {
        DraftFile { path }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved draft, if there is one.
    pub fn load(&self) -> Option<Draft> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Creates the directory the file lives in.
    pub fn prepare(&self) -> std::io::Result<()> {
        match self.path.parent() {
            Some(dir) => std::fs::create_dir_all(dir),
            None => Ok(()),
        }
    }

    /// Saves the draft (or removes the file for `None`), creating its directory first.
    pub fn save(&self, draft: Option<&Draft>) -> std::io::Result<()> {
        if draft.is_some() {
            self.prepare()?;
        }
        self.write(draft)
    }

    /// Saves the draft (or removes the file for `None`) into a directory that exists, by
    /// writing a temporary file and renaming it over the old one, so a crash mid-write
    /// leaves the previous draft.
    fn write(&self, draft: Option<&Draft>) -> std::io::Result<()> {
        let Some(draft) = draft else {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            };
        };
        let tmp = self.path.with_extension("json.tmp");
        {
            use std::os::unix::fs::OpenOptionsExt;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&tmp)?;
            file.write_all(
                serde_json::to_string(draft)
                    .map_err(std::io::Error::other)?
                    .as_bytes(),
            )?;
        }
        std::fs::rename(&tmp, &self.path)
    }
}

/// What the console hands the writer thread.
#[derive(Default)]
struct Slot {
    /// The newest draft not yet written (`Some(None)`: remove the file).
    next: Option<Option<Draft>>,
    /// Stop once nothing is left to write.
    stop: bool,
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
        let (slot, wake) = &*self.shared;
        slot.lock().unwrap_or_else(PoisonError::into_inner).next = Some(draft);
        wake.notify_one();
    }
}

impl Drop for DraftWriter {
    fn drop(&mut self) {
        let (slot, wake) = &*self.shared;
        slot.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
        wake.notify_one();
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
        let file = DraftFile::at(dir.path().join("d/x.json"));
        assert_eq!(file.load(), None);
        let draft = Draft {
            incident: None,
            kind: EntryKind::Decision,
            text: "roll back\nnow".into(),
        };
        file.save(Some(&draft)).unwrap();
        assert_eq!(file.load(), Some(draft));
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
        let writer = DraftWriter::start(DraftFile::at(path.clone()), move |e| {
            heard.lock().unwrap().push(e)
        })
        .unwrap();
        let draft = |n: usize| Draft {
            incident: None,
            kind: EntryKind::Note,
            text: format!("typed {n} characters"),
        };
        for n in 1..=500 {
            writer.save(Some(draft(n)));
        }
        drop(writer);
        assert_eq!(DraftFile::at(path.clone()).load(), Some(draft(500)));

        let writer = DraftWriter::start(DraftFile::at(path.clone()), |_| {}).unwrap();
        writer.save(Some(draft(1)));
        writer.save(None);
        drop(writer);
        assert_eq!(DraftFile::at(path).load(), None, "None removes the file");
        assert!(failures.lock().unwrap().is_empty());
    }
}
