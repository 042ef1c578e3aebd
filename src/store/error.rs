//! What can go wrong with the database, each with what to do about it.

use std::path::PathBuf;

/// A database problem, worded for the person who has to fix it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The folder meant to hold the database is missing.
    #[error(
        "the directory {dir} does not exist: create it, or choose another database with --db or WARROOM_DB"
    )]
    NoDirectory {
        /// The missing folder.
        dir: PathBuf,
    },
    /// Nothing exists at the path yet and this command does not create databases.
    #[error(
        "no warroom database at {path}: check --db or WARROOM_DB, or create one with `warroom declare` or `warroom demo`"
    )]
    Missing {
        /// The path looked at.
        path: PathBuf,
    },
    /// The path names a folder or device, not a file.
    #[error(
        "{path} is not a regular file: give the path of a database file with --db or WARROOM_DB"
    )]
    NotAFile {
        /// The path given.
        path: PathBuf,
    },
    /// The file is not an SQLite database at all.
    #[error(
        "{path} is not a warroom database (not an SQLite file); it was left unchanged. Check the path given with --db or WARROOM_DB"
    )]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// The file is an SQLite database that belongs to another program.
    #[error(
        "{path} is an SQLite database of another program, not warroom's; it was left unchanged. Choose another file with --db or WARROOM_DB"
    )]
    Foreign {
        /// The file.
        path: PathBuf,
    },
    /// The file is damaged.
    #[error(
        "{path} is damaged ({detail}); warroom did not modify it. Restore it from a backup or sync the log from a peer into a new file"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite reported.
        detail: String,
    },
    /// The file was written by a newer warroom.
    #[error(
        "{path} was written by a newer warroom (schema version {found}; this one reads up to {supported}); it was left unchanged. Upgrade warroom to use it"
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build reads.
        supported: i64,
    },
    /// The file is on a filesystem shared over a network.
    #[error(
        "{path} is on a network filesystem ({kind}): SQLite's write-ahead log needs shared memory on one host, so entries could be lost. Put the database on a local disk and have everyone log in to that host (or sync hosts with warroom's peer link)"
    )]
    NetworkFilesystem {
        /// The file.
        path: PathBuf,
        /// Which filesystem.
        kind: &'static str,
    },
    /// The file cannot be written.
    #[error(
        "{path} is read-only, so nothing can be logged to it: ask its owner for write access to the file and its directory, or work on a copy"
    )]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// The file is empty or gone while its write-ahead log is there: it was a database.
    #[error(
        "{path} is empty or missing while its write-ahead log ({path}-wal) is there: the database was truncated or deleted while in use. warroom wrote nothing; restore it from a backup (or sync the log from a peer into a new file), or remove the -wal and -shm files beside it to start afresh"
    )]
    Truncated {
        /// The file.
        path: PathBuf,
    },
    /// The file was deleted or replaced while this store had it open.
    #[error(
        "{path} was deleted or replaced while open, so nothing was written (it would have gone to a file nobody else reads). Restore the database, then start again"
    )]
    Replaced {
        /// The file.
        path: PathBuf,
    },
    /// The disk is full.
    #[error(
        "the disk holding {path} is full, so nothing can be written (reading still works): free space on it and try again"
    )]
    DiskFull {
        /// The file.
        path: PathBuf,
    },
    /// A reader cannot apply the write-ahead log a writer left behind.
    #[error(
        "{path} has a write-ahead log left by a writer that stopped, which only someone who may write its folder can apply: ask them to run `warroom show` on it once, or read a copy"
    )]
    LogNeedsWriter {
        /// The file.
        path: PathBuf,
    },
    /// Other writers held the lock for longer than the retry bound.
    #[error(
        "the database stayed locked by other writers for {waited_ms} ms; nothing was written. Try again"
    )]
    Busy {
        /// How long the write waited.
        waited_ms: u64,
    },
    /// An event could not be written as asked.
    #[error("{0}")]
    Invalid(String),
    /// Any other SQLite failure.
    #[error("database error on {path}: {source}")]
    Sqlite {
        /// The file.
        path: PathBuf,
        /// SQLite's own report.
        source: rusqlite::Error,
    },
    /// A filesystem failure around the database.
    #[error("cannot use {path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The system's report.
        source: std::io::Error,
    },
}

impl StoreError {
    /// Maps an SQLite error to the most useful message for this file.
    pub(crate) fn from_sqlite(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode::*;
        let path = path.to_path_buf();
        match e.sqlite_error_code() {
            Some(NotADatabase) => StoreError::NotADatabase { path },
            Some(DatabaseCorrupt) => StoreError::Corrupt {
                path,
                detail: e.to_string(),
            },
            Some(ReadOnly) => StoreError::ReadOnly { path },
            Some(DiskFull) => StoreError::DiskFull { path },
            Some(SystemIoFailure) if super::create::disk_full(&path) => {
                StoreError::DiskFull { path }
            }
            _ => StoreError::Sqlite { path, source: e },
        }
    }
}
