//! Files a person names (a theme, a playbook, a scenario, an import or an export) must
//! never be a database this process has open, nor its `-wal` or `-shm`: opening and
//! closing such a file outside SQLite drops every POSIX lock the process holds on it,
//! SQLite's included, and another program could then delete the live write-ahead log.
//! The store registers each database it opens; every reader and writer of a named file
//! asks [`refuse_database`] first.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// The databases this process has opened (kept for the life of the process).
static DATABASES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Records that this process has the database at `db` open.
pub fn register_database(db: &Path) {
    // Its side files are beside the file a link points to.
    let real = std::fs::canonicalize(db);
    let db = real.as_deref().unwrap_or(db);
    let mut open = DATABASES.lock().unwrap_or_else(PoisonError::into_inner);
    if !open.iter().any(|p| p == db) {
        open.push(db.to_path_buf());
    }
}

/// A file's identity on this host (device, inode), when it exists.
fn identity(path: &Path) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

/// Refuses `path` when it is a database this process has open, or one of its side
/// files; a path that does not exist yet is fine. The error says what to do.
pub fn refuse_database(path: &Path) -> std::io::Result<()> {
    let Some(named) = identity(path) else {
        return Ok(());
    };
    let open = DATABASES.lock().unwrap_or_else(PoisonError::into_inner);
    for db in open.iter() {
        for suffix in ["", "-wal", "-shm"] {
            let mut side = db.as_os_str().to_os_string();
            side.push(suffix);
            if identity(Path::new(&side)) == Some(named) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "it is the warroom database in use (or its write-ahead log); name another file",
                ));
            }
        }
    }
    Ok(())
}

/// The most a theme, playbook or scenario file may hold: 4 MiB, far past any real one.
pub const MAX_SETTINGS_BYTES: u64 = 4 * 1024 * 1024;

/// The most an import may hold: 1 GiB (some three million events).
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024 * 1024;

/// Reads a named settings file (theme, playbook, scenario) as text: a regular file of at
/// most [`MAX_SETTINGS_BYTES`], not a database in use (see [`refuse_database`]).
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    read_capped(path, MAX_SETTINGS_BYTES)
}

/// Reads a named regular file of at most `max` bytes as text, refusing a database in
/// use (see [`refuse_database`]), a device or pipe (`/dev/zero` would never end), and a
/// file over the bound, each with an error that says so; a file that is not there or may
/// not be read, or is not UTF-8 text, is said in words too.
pub fn read_capped(path: &Path, max: u64) -> std::io::Result<String> {
    read_limited(open_named(path)?, max)
}

/// Opens a named regular file to read as it comes (an import), refusing what
/// [`read_capped`] refuses, in the same words.
pub fn open_named(path: &Path) -> std::io::Result<std::fs::File> {
    refuse_database(path)?;
    let meta = std::fs::metadata(path).map_err(in_words)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is not a regular file; name a file",
        ));
    }
    std::fs::File::open(path).map_err(in_words)
}

/// Why line `number` is not text, and how to convert the file.
pub fn not_utf8(number: usize) -> String {
    format!(
        "it is not UTF-8 text (line {number} is not); convert it first, for example with `iconv -f latin1 -t UTF-8`"
    )
}

/// The two ways opening a named file usually fails, in words rather than as an OS error
/// number; any other error as it is.
fn in_words(e: std::io::Error) -> std::io::Error {
    let words = match e.kind() {
        std::io::ErrorKind::NotFound => "there is no such file",
        std::io::ErrorKind::PermissionDenied => "you may not read it (permission denied)",
        _ => return e,
    };
    std::io::Error::new(e.kind(), words)
}

/// Reads text from `input` (a file, stdin) up to `max` bytes; more is an error, and so
/// is text that is not UTF-8 (see [`utf8`]).
pub fn read_limited(input: impl std::io::Read, max: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    input.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "it is longer than {} MiB, more than warroom reads",
                max / (1024 * 1024)
            ),
        ));
    }
    utf8(bytes)
}

/// Bytes read as UTF-8 text; otherwise an error naming the first line that is not, and
/// how to convert it.
pub fn utf8(bytes: Vec<u8>) -> std::io::Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|b| **b == b'\n').count() + 1;
        std::io::Error::new(std::io::ErrorKind::InvalidData, not_utf8(line))
    })
}

/// Writes a named file, refusing a database in use (see [`refuse_database`]).
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    refuse_database(path)?;
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registered_database_and_its_side_files_are_refused_other_files_are_not() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        for name in ["w.db", "w.db-wal", "w.db-shm", "other.toml"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        register_database(&db);
        for name in ["w.db", "w.db-wal", "w.db-shm"] {
            let err = refuse_database(&dir.path().join(name)).unwrap_err();
            assert!(err.to_string().contains("database in use"), "{err}");
        }
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        assert!(refuse_database(&link).is_err(), "through a symlink too");
        refuse_database(&dir.path().join("other.toml")).unwrap();
        refuse_database(&dir.path().join("missing.toml")).unwrap();
    }

    #[test]
    fn a_missing_file_and_text_that_is_not_utf8_are_said_in_words() {
        let dir = tempfile::TempDir::new().unwrap();
        let err = read_capped(&dir.path().join("missing.jsonl"), 100).unwrap_err();
        assert_eq!(err.to_string(), "there is no such file");
        let latin = dir.path().join("latin1.txt");
        std::fs::write(&latin, b"fine\nalso fine\ncaf\xe9\n").unwrap();
        let err = read_capped(&latin, 100).unwrap_err().to_string();
        assert!(err.contains("not UTF-8 text (line 3 is not)"), "{err}");
        assert!(err.contains("iconv"), "{err}");
        let err = read_limited(&b"0123456789"[..], 4).unwrap_err().to_string();
        assert!(err.contains("longer than"), "{err}");
    }
}
