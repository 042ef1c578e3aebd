//! The draft file: what is being typed, saved on every change, so a crash, `kill -9`
//! or a dropped SSH session loses nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

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

    /// Saves the draft (or removes the file for `None`) by writing a temporary file and
    /// renaming it over the old one, so a crash mid-write leaves the previous draft.
    pub fn save(&self, draft: Option<&Draft>) -> std::io::Result<()> {
        let Some(draft) = draft else {
            return match std::fs::remove_file(&self.path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                other => other,
            };
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
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
}
