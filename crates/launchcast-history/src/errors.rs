//! What can go wrong with the history database, each naming the database file.

use std::path::PathBuf;

/// A failure to open, migrate, read or write the history database.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// SQLite refused (the file is not a database, is locked for too long, the disk is full…).
    #[error("history database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The directory for the database could not be made.
    #[error("history database {path}: cannot create its directory: {source}")]
    Directory {
        /// The database file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The database was written by a newer launchcast.
    #[error(
        "history database {path} has schema version {found}; this launchcast reads up to {known} (use a newer launchcast, or another --history file)"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The version found.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// No run has this id.
    #[error("history database {path} has no run {id} (see `launchcast history` for the ids)")]
    NoRun {
        /// The database file.
        path: PathBuf,
        /// The id asked for.
        id: i64,
    },
    /// A stored record could not be read back (written by hand, or damaged).
    #[error("history database {path}: run {id} is damaged: {what}")]
    Damaged {
        /// The database file.
        path: PathBuf,
        /// The run.
        id: i64,
        /// What is wrong.
        what: String,
    },
}
