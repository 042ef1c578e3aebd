//! The file around the database: creating it so the right people can write it, the
//! side files SQLite keeps beside it, and what their state says about the file.

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::StoreError;

/// The side file SQLite keeps beside `db`: `-wal` (the write-ahead log) or `-shm` (its
/// shared index). Beside the file itself, when `db` is a link to it, as SQLite does.
pub(super) fn side_file(db: &Path, suffix: &str) -> PathBuf {
    let db = resolve(db);
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates the empty database file, readable and writable as the umask allows, like any
/// file a person creates; in a group-shared folder (set-group-id, the usual recipe for a
/// team's directory) also by the group, whatever the umask, so the rest of the team can
/// write it. SQLite gives its `-wal` and `-shm` the database file's permissions.
///
/// Another process creating it at the same moment is fine: the file is then theirs.
pub(super) fn create_file(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o666)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "the file cannot be created there; check the directory's permissions",
            )));
        }
        Err(e) => return Err(io(e)),
    };
    if group_shared(path) {
        let mode = file.metadata().map_err(io)?.permissions().mode();
        file.set_permissions(fs::Permissions::from_mode(mode | 0o060))
            .map_err(io)?;
    }
    Ok(())
}

/// Where `path` really is: links followed, even a link to a file that is gone (its
/// side files are beside where the file was).
pub(super) fn resolve(path: &Path) -> PathBuf {
    if let Ok(real) = fs::canonicalize(path) {
        return real;
    }
    let mut at = path.to_path_buf();
    for _ in 0..16 {
        let Ok(target) = fs::read_link(&at) else {
            break;
        };
        at = match at.parent() {
            Some(dir) if target.is_relative() => dir.join(target),
            _ => target,
        };
    }
    at
}

/// The folder that really holds `path`: beside the file a link points to, as SQLite
/// puts its side files (for a file that does not exist yet, its folder, resolved).
pub(super) fn real_dir(path: &Path) -> PathBuf {
    let real = resolve(path);
    let dir = match real.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
}

/// While held, in a group-shared folder, the group may read and write whatever this
/// process creates, whatever the umask says: SQLite creates `-wal` and `-shm` with the
/// umask applied and only then gives them the database file's permissions, and another
/// member's process that opens them in between would find them read-only and be
/// refused. Held only while a connection is opened (which is when SQLite creates them);
/// dropping it puts the umask back. (Files warroom keeps private, drafts and peer keys,
/// are created with an explicit owner-only mode, which a umask cannot widen.)
pub(super) struct GroupUmask(bool);

/// How many [`GroupUmask`]s are held, and the umask to put back after the last: opens
/// on several threads at once share one widening.
static WIDENED: std::sync::Mutex<(usize, u32)> = std::sync::Mutex::new((0, 0));

impl GroupUmask {
    /// Widens the umask for the group when `path`'s folder is group-shared.
    pub(super) fn for_file(path: &Path) -> GroupUmask {
        if !group_shared(path) {
            return GroupUmask(false);
        }
        let mut widened = WIDENED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if widened.0 == 0 {
            let Some(mask) = current_umask() else {
                return GroupUmask(false);
            };
            widened.1 = mask;
            set_umask(mask & !0o060);
        }
        widened.0 += 1;
        GroupUmask(true)
    }
}

impl Drop for GroupUmask {
    fn drop(&mut self) {
        if !self.0 {
            return;
        }
        let mut widened = WIDENED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        widened.0 -= 1;
        if widened.0 == 0 {
            // Puts back what was there.
            set_umask(widened.1);
        }
    }
}

/// Sets the process's umask (the permission bits in `mask`).
fn set_umask(mask: u32) {
    rustix::process::umask(umask_mode(mask));
}

fn umask_mode(mask: u32) -> rustix::fs::Mode {
    rustix::fs::Mode::from_bits_truncate((mask & 0o777) as rustix::fs::RawMode)
}

/// The process's umask, read without changing it (Linux 4.7 and later report it).
#[cfg(target_os = "linux")]
fn current_umask() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Umask:"))?;
    u32::from_str_radix(line.trim_start_matches("Umask:").trim(), 8).ok()
}

/// The process's umask. Elsewhere it can only be read by setting it, so for that
/// moment it is the strictest one: a file another thread creates meanwhile is at
/// most more private than asked, never less.
#[cfg(not(target_os = "linux"))]
fn current_umask() -> Option<u32> {
    let old = rustix::process::umask(umask_mode(0o077));
    Some(u32::from(old.bits()))
}

/// Whether the folder holding `path` is shared by a group: set-group-id, so that every
/// file made in it belongs to the folder's group.
fn group_shared(path: &Path) -> bool {
    fs::metadata(real_dir(path)).is_ok_and(|m| m.permissions().mode() & 0o2000 != 0)
}

/// Refuses to make a new database where one was: an empty file beside a write-ahead
/// log or its index, or no file beside a log that holds frames. A database in WAL mode
/// is never empty (switching to WAL writes its first page), so such a file was
/// truncated, or deleted, while in use. SQLite itself would delete the log of an empty
/// file on opening it, and with it what the log still holds, so this is asked first.
pub(super) fn refuse_truncated(path: &Path) -> Result<(), StoreError> {
    let wal = fs::metadata(side_file(path, "-wal")).ok();
    let shm_exists = fs::metadata(side_file(path, "-shm")).is_ok();
    // Missing beside a log or its index (another process may still have the deleted
    // file open, and a new file would be read through their live index), or empty
    // beside them.
    let gone = match fs::metadata(path) {
        Ok(meta) => meta.len() == 0 && (wal.is_some() || shm_exists),
        Err(_) => wal.is_some() || shm_exists,
    };
    if gone {
        // Named where it really is: its log is beside the file a link points to.
        return Err(StoreError::Truncated {
            path: resolve(path),
        });
    }
    Ok(())
}

/// Whether an error opening for reading means SQLite could not set up the write-ahead
/// log's shared index (it may not create or extend `-shm`), rather than a problem with
/// the file itself.
pub(super) fn cannot_set_up_log(e: &StoreError) -> bool {
    use rusqlite::ErrorCode::*;
    match e {
        StoreError::ReadOnly { .. } | StoreError::DiskFull { .. } => true,
        StoreError::Sqlite { source, .. } => matches!(
            source.sqlite_error_code(),
            Some(CannotOpen | SystemIoFailure | ReadOnly | DiskFull)
        ),
        _ => false,
    }
}

/// Below this much free space the disk counts as full: SQLite needs room for a page or
/// two and the shared index (32 KiB) to do anything.
const FULL_BELOW: u64 = 64 * 1024;

/// Whether the disk that holds `path` is full, for this user.
pub(super) fn disk_full(path: &Path) -> bool {
    rustix::fs::statvfs(real_dir(path))
        .is_ok_and(|info| info.f_bavail.saturating_mul(info.f_frsize) < FULL_BELOW)
}

/// The characters a path must escape in an SQLite `file:` URI.
const URI_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'?')
    .add(b'<')
    .add(b'>');

/// `path` made absolute and escaped for an SQLite `file:` URI.
pub(super) fn uri_path(path: &Path) -> String {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    percent_encoding::percent_encode(path.as_os_str().as_bytes(), URI_ESCAPES).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_escape_what_a_uri_would_read() {
        let uri = uri_path(Path::new("/srv/war room/a?b#c%d.db"));
        assert_eq!(uri, "/srv/war%20room/a%3Fb%23c%25d.db");
        assert_eq!(uri_path(Path::new("/x/ü.db")), "/x/%C3%BC.db");
    }

    #[test]
    fn a_file_that_was_a_database_is_told_from_a_new_one() {
        let dir = tempfile::TempDir::new().unwrap();
        let db = dir.path().join("w.db");
        let side = |suffix: &str| dir.path().join(format!("w.db{suffix}"));
        refuse_truncated(&db).expect("nothing there: a new database");
        std::fs::write(&db, "").unwrap();
        refuse_truncated(&db).expect("an empty file alone: a new database");
        std::fs::write(side("-shm"), "x").unwrap();
        assert!(refuse_truncated(&db).is_err(), "empty beside an index");
        std::fs::remove_file(&db).unwrap();
        assert!(refuse_truncated(&db).is_err(), "gone beside an index");
        std::fs::remove_file(side("-shm")).unwrap();
        std::fs::write(side("-wal"), "").unwrap();
        assert!(
            refuse_truncated(&db).is_err(),
            "gone beside a log, even an empty one"
        );
    }

    #[test]
    fn a_link_to_a_deleted_database_is_followed_to_its_log() {
        let real = tempfile::TempDir::new().unwrap();
        let links = tempfile::TempDir::new().unwrap();
        let link = links.path().join("linked.db");
        std::os::unix::fs::symlink(real.path().join("w.db"), &link).unwrap();
        refuse_truncated(&link).expect("a link to nothing yet: a new database");
        std::fs::write(real.path().join("w.db-wal"), "frames").unwrap();
        assert!(
            refuse_truncated(&link).is_err(),
            "its log is beside where it was"
        );
    }

    #[test]
    fn the_real_folder_of_a_linked_file_is_where_it_points() {
        let real = tempfile::TempDir::new().unwrap();
        let links = tempfile::TempDir::new().unwrap();
        std::fs::write(real.path().join("w.db"), "").unwrap();
        let link = links.path().join("w.db");
        std::os::unix::fs::symlink(real.path().join("w.db"), &link).unwrap();
        assert_eq!(real_dir(&link), std::fs::canonicalize(real.path()).unwrap());
        assert_eq!(
            real_dir(&links.path().join("new.db")),
            std::fs::canonicalize(links.path()).unwrap()
        );
    }

    #[test]
    fn side_files_are_named_after_the_database() {
        assert_eq!(
            side_file(Path::new("/a/w.db"), "-wal"),
            Path::new("/a/w.db-wal")
        );
    }
}
