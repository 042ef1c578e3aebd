//! Opening a database: refuse what is not ours before anything is written to it.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::error::StoreError;
use super::origin::read_origin;
use super::schema::{APPLICATION_ID, CHAIN_FROM, CURRENT_VERSION, MIGRATIONS};
use super::tx::{BUSY_TIMEOUT, immediate, is_busy};

/// How a command means to use the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// It will write: a read-only file is an error.
    ReadWrite,
    /// It only reads: the file is opened read-only.
    ReadOnly,
    /// Write when possible, otherwise read (the console's labelled read-only mode).
    Prefer,
}

/// How to open a database.
#[derive(Debug, Clone, Copy)]
pub struct OpenOptions {
    /// Read, write, or whichever the file allows.
    pub access: Access,
    /// Create the file when it does not exist.
    pub create: bool,
    /// Create missing parent directories too (for the default location only).
    pub create_dirs: bool,
}

impl OpenOptions {
    /// For commands that write: create the file when missing, not its directory.
    pub fn write() -> OpenOptions {
        OpenOptions {
            access: Access::ReadWrite,
            create: true,
            create_dirs: false,
        }
    }

    /// For commands that only read an existing file.
    pub fn read() -> OpenOptions {
        OpenOptions {
            access: Access::ReadOnly,
            create: false,
            create_dirs: false,
        }
    }
}

/// What the file holds, read without writing to it.
enum Contents {
    /// An empty file or an SQLite file with no tables: ours to initialise.
    Blank,
    /// A warroom database at this schema version.
    Warroom(i64),
}

/// Why a store cannot write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnly {
    /// It was opened for reading, as the command asked.
    Asked,
    /// This user may not write the file, or the folder that holds it.
    Permission,
    /// The disk that holds it is full.
    DiskFull,
}

impl ReadOnly {
    /// Why, in a few words for a label ("the disk is full").
    pub fn reason(self) -> &'static str {
        match self {
            ReadOnly::Asked => "opened for reading",
            ReadOnly::Permission => "you may not write this file or its folder",
            ReadOnly::DiskFull => "the disk is full",
        }
    }
}

/// An open connection and what is known about it.
pub(super) struct Opened {
    pub conn: Connection,
    /// Why it cannot write, if it cannot.
    pub read_only: Option<ReadOnly>,
    /// Whether it reads the file as it stood when opened, without locks, because no
    /// reader could set up the shared index beside it (see [`open_snapshot`]).
    pub snapshot: bool,
    pub origin: String,
    /// The schema version the connection sees (older than current only when read-only).
    pub version: i64,
}

pub(super) fn open(path: &Path, opts: OpenOptions) -> Result<Opened, StoreError> {
    super::filesystem::check_local(path)?;
    // Only `stat`: opening the file (to read its header, say) and closing it would drop
    // every POSIX lock this process holds on it, SQLite's included, and another program
    // (an operator's `sqlite3 .backup`) could then delete the live write-ahead log.
    // SQLite reads the header itself and refuses what is not a database.
    let exists = match fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(StoreError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => {
            return Err(StoreError::Io {
                path: path.to_path_buf(),
                source: e,
            });
        }
    };
    super::create::refuse_truncated(path)?;
    let _group = super::create::GroupUmask::for_file(path);
    if !exists {
        if !opts.create || opts.access == Access::ReadOnly {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        prepare_directory(path, opts.create_dirs)?;
        super::create::create_file(path)?;
    }

    let read_only = match opts.access {
        Access::ReadOnly => Some(ReadOnly::Asked),
        Access::ReadWrite if exists && !is_writable(path) => {
            return Err(StoreError::ReadOnly {
                path: path.to_path_buf(),
            });
        }
        Access::ReadWrite => None,
        Access::Prefer => (exists && !is_writable(path)).then_some(ReadOnly::Permission),
    };
    if let Some(why) = read_only {
        return open_reader(path, why);
    }
    match open_writer(path) {
        Err(e) if opts.access == Access::Prefer && exists => match e {
            StoreError::DiskFull { .. } => open_reader(path, ReadOnly::DiskFull),
            StoreError::ReadOnly { .. } => open_reader(path, ReadOnly::Permission),
            e => Err(e),
        },
        other => other,
    }
}

/// Opens a connection that reads only. When SQLite cannot set up the write-ahead log's
/// shared index beside the file (nobody has it open and this user may not create files
/// in its folder, or the disk is full), the file is read as it stands instead.
fn open_reader(path: &Path, why: ReadOnly) -> Result<Opened, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let sql = |e| StoreError::from_sqlite(path, e);
    let mut conn = Connection::open_with_flags(path, flags).map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    let (conn, contents, snapshot) = match inspect_snapshot(&mut conn, path) {
        Ok(contents) => (conn, contents, false),
        Err(e) if super::create::cannot_set_up_log(&e) => {
            drop(conn);
            let mut conn = open_snapshot(path)?;
            let contents = inspect_snapshot(&mut conn, path)?;
            (conn, contents, true)
        }
        Err(e) => return Err(e),
    };
    let why = if snapshot && super::create::disk_full(path) {
        ReadOnly::DiskFull
    } else {
        why
    };
    match contents {
        Contents::Blank => Err(StoreError::Missing {
            path: path.to_path_buf(),
        }),
        Contents::Warroom(version) => {
            let origin = if version >= 1 {
                read_origin(&conn).map_err(sql)?.unwrap_or_default()
            } else {
                String::new()
            };
            Ok(Opened {
                conn,
                read_only: Some(why),
                snapshot,
                origin,
                version,
            })
        }
    }
}

/// Opens the file as it stands, without locks and without its write-ahead log, which
/// SQLite calls immutable. Only used when there is no log to miss: no write-ahead log
/// beside the file, or an empty one (a writer that left cleanly removes it; one that
/// crashed leaves it for the next writer to apply, which a reader here cannot).
fn open_snapshot(path: &Path) -> Result<Connection, StoreError> {
    let wal = super::create::side_file(path, "-wal");
    if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Err(StoreError::LogNeedsWriter {
            path: path.to_path_buf(),
        });
    }
    let uri = format!("file:{}?immutable=1", super::create::uri_path(path));
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(uri, flags).map_err(|e| StoreError::from_sqlite(path, e))
}

/// Opens a connection that writes, initialising a blank file and giving a copied file
/// an origin of its own.
fn open_writer(path: &Path) -> Result<Opened, StoreError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let sql = |e| StoreError::from_sqlite(path, e);
    let mut conn = Connection::open_with_flags(path, flags).map_err(sql)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
    let contents = inspect_snapshot(&mut conn, path)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sql)?;
    if matches!(contents, Contents::Blank) {
        enable_wal(&conn, path)?;
    }
    let current = match contents {
        Contents::Warroom(v) if v == CURRENT_VERSION => read_origin(&conn).map_err(sql)?,
        _ => None,
    };
    let origin = match current {
        Some(origin) => origin,
        None => initialise(&mut conn, path)?,
    };
    let origin = super::origin::own_origin(&mut conn, path, origin)?;
    Ok(Opened {
        conn,
        read_only: None,
        snapshot: false,
        origin,
        version: CURRENT_VERSION,
    })
}

fn prepare_directory(path: &Path, create_dirs: bool) -> Result<(), StoreError> {
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.is_dir() {
        return Ok(());
    }
    if !create_dirs {
        return Err(StoreError::NoDirectory {
            dir: dir.to_path_buf(),
        });
    }
    fs::create_dir_all(dir).map_err(|source| StoreError::Io {
        path: dir.to_path_buf(),
        source,
    })
}

/// Whether this process may write the file. A file with no write bit at all is treated
/// as read-only even for root, who could otherwise write anything: its owner froze it.
///
/// Asked of the kernel (`faccessat` with the effective ids) rather than by opening the
/// file for writing: closing a file opened for writing is a write event to every
/// console watching it.
fn is_writable(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if meta.permissions().mode() & 0o222 == 0 {
        return false;
    }
    use rustix::fs::{Access, AtFlags, CWD, accessat};
    accessat(CWD, path, Access::WRITE_OK, AtFlags::EACCESS).is_ok()
}

/// Reads what the file holds in one read transaction, so that another process
/// initialising the file meanwhile is seen either wholly or not at all.
fn inspect_snapshot(conn: &mut Connection, path: &Path) -> Result<Contents, StoreError> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Deferred)
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    let contents = inspect(&tx, path);
    // Ending a read-only transaction writes nothing.
    let _ = tx.rollback();
    contents
}

/// Reads what the file holds without writing to it.
fn inspect(conn: &Connection, path: &Path) -> Result<Contents, StoreError> {
    let sql = |e| StoreError::from_sqlite(path, e);
    let app_id: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(sql)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(sql)?;
    classify(path, app_id, version, tables)
}

fn classify(path: &Path, app_id: i64, version: i64, tables: i64) -> Result<Contents, StoreError> {
    if app_id == APPLICATION_ID {
        if version > CURRENT_VERSION {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                supported: CURRENT_VERSION,
            });
        }
        return Ok(Contents::Warroom(version));
    }
    if app_id == 0 && tables == 0 {
        return Ok(Contents::Blank);
    }
    Err(StoreError::Foreign {
        path: path.to_path_buf(),
    })
}

/// Switches a new file to WAL. Several processes creating one file at once can see
/// SQLITE_BUSY here, which busy_timeout does not cover, so this retries.
fn enable_wal(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let mut delay = Duration::from_millis(2);
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0)) {
            Ok(mode) if mode.eq_ignore_ascii_case("wal") => return Ok(()),
            Ok(mode) => {
                return Err(StoreError::Invalid(format!(
                    "{} cannot use write-ahead logging (journal mode stayed {mode}); put the database on a local disk",
                    path.display()
                )));
            }
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(delay);
                delay = (delay * 2).min(Duration::from_millis(50));
            }
            Err(e) => return Err(StoreError::from_sqlite(path, e)),
        }
    }
}

/// Brings the schema to the current version and makes sure the origin exists, in one
/// write transaction that re-checks what another process may have done meanwhile.
fn initialise(conn: &mut Connection, path: &Path) -> Result<String, StoreError> {
    immediate(conn, path, BUSY_TIMEOUT, |tx, sql| {
        let from = match inspect(tx, path)? {
            Contents::Blank => 0,
            Contents::Warroom(v) => v,
        };
        for migration in &MIGRATIONS[from as usize..] {
            tx.execute_batch(migration).map_err(sql)?;
        }
        if from < CHAIN_FROM {
            let now_ms = crate::domain::epoch_ms(chrono::Utc::now());
            let chained = super::chain::chain_unchained(tx, now_ms).map_err(sql)?;
            if chained > 0 {
                tracing::info!(
                    "{}: chained the {chained} events written before the hash chain",
                    path.display()
                );
            }
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(sql)?;
        tx.pragma_update(None, "user_version", CURRENT_VERSION)
            .map_err(sql)?;
        if let Some(origin) = read_origin(tx).map_err(sql)? {
            return Ok(origin);
        }
        let origin = ulid::Ulid::generate().to_string();
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('origin', ?1)",
            [&origin],
        )
        .map_err(sql)?;
        Ok(origin)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_separates_ours_blank_foreign_and_newer() {
        let p = Path::new("x.db");
        assert!(matches!(classify(p, 0, 0, 0), Ok(Contents::Blank)));
        assert!(matches!(
            classify(p, APPLICATION_ID, CURRENT_VERSION, 3),
            Ok(Contents::Warroom(v)) if v == CURRENT_VERSION
        ));
        assert!(matches!(
            classify(p, 0, 0, 2),
            Err(StoreError::Foreign { .. })
        ));
        assert!(matches!(
            classify(p, 7, 0, 0),
            Err(StoreError::Foreign { .. })
        ));
        assert!(matches!(
            classify(p, APPLICATION_ID, CURRENT_VERSION + 1, 3),
            Err(StoreError::TooNew { .. })
        ));
    }
}
