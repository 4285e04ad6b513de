//! The SQLite database: its schema (versioned by `PRAGMA user_version`, upgraded by the
//! migrations in order), and the runs written and read. Model texts are stored once per
//! distinct text (keyed by hash), so recording the same model a thousand times costs a
//! thousand small rows.

use launchcast_report::text_hash;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use crate::errors::HistoryError;
use crate::headline::Headline;

/// The newest schema this build writes.
pub const SCHEMA_VERSION: i64 = 1;

/// The directory beside the model that holds the database.
pub const DEFAULT_DIR: &str = ".launchcast";
/// The database's file name in [`DEFAULT_DIR`].
pub const DEFAULT_FILE: &str = "history.db";

/// Schema migrations: entry `k` takes a database from version `k` to `k + 1`.
const MIGRATIONS: [&str; 1] = [r#"
CREATE TABLE models (
    hash TEXT PRIMARY KEY,
    text TEXT NOT NULL
);
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    recorded_at TEXT NOT NULL,
    kind        TEXT NOT NULL,
    model_path  TEXT NOT NULL,
    model_hash  TEXT NOT NULL REFERENCES models(hash),
    seed        INTEGER NOT NULL,
    iterations  INTEGER NOT NULL,
    scenarios   TEXT NOT NULL,
    changes     TEXT,
    headline    TEXT NOT NULL
);
CREATE INDEX runs_by_model ON runs(model_path, id);
"#];

/// Where the database of model file `model` lives by default: `.launchcast/history.db` in
/// the model's directory (the current directory for the bundled example, `None`).
pub fn default_path(model: Option<&Path>) -> PathBuf {
    let dir = model
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    dir.join(DEFAULT_DIR).join(DEFAULT_FILE)
}

/// The model's name in the history: its canonical path (so that `history MODEL` finds its
/// runs from any directory, and the workspace the runs of the command line), or `example`
/// for the bundled one.
pub fn model_name(model: Option<&Path>) -> String {
    match model {
        Some(p) => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .display()
            .to_string(),
        None => "example".to_string(),
    }
}

/// A run to record.
#[derive(Clone, Debug)]
pub struct NewRun<'a> {
    /// `run` for a command-line run, `whatif` for a kept what-if.
    pub kind: &'a str,
    /// The model file as given (or `example` for the bundled one).
    pub model_path: &'a str,
    /// The model file's full text.
    pub model_text: &'a str,
    /// The seed used.
    pub seed: u64,
    /// Iterations per scenario.
    pub iterations: u64,
    /// The scenarios run, in order.
    pub scenarios: &'a [String],
    /// For a what-if: its changes (the `set` and `disable` it was given), as JSON.
    pub changes: Option<&'a serde_json::Value>,
    /// The headline results.
    pub headline: &'a Headline,
}

/// A recorded run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RunEntry {
    /// Its id, increasing with time.
    pub id: i64,
    /// When it was recorded, UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub recorded_at: String,
    /// `run` or `whatif`.
    pub kind: String,
    /// The model file as given.
    pub model_path: String,
    /// Hash of the model's text (64-bit FNV-1a, hex): equal texts, equal hashes.
    pub model_hash: String,
    /// Seed.
    pub seed: u64,
    /// Iterations per scenario.
    pub iterations: u64,
    /// Scenarios run.
    pub scenarios: Vec<String>,
    /// A what-if's changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<serde_json::Value>,
    /// The headline results.
    pub headline: Headline,
}

/// An open history database.
pub struct History {
    conn: Connection,
    path: PathBuf,
}

impl History {
    /// Opens the database at `path`, creating it (and its directory) and bringing its schema
    /// up to date.
    pub fn open(path: &Path) -> Result<History, HistoryError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| HistoryError::Directory {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let sql = |source| HistoryError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(sql)?;
        // Another process may hold the write lock for a moment: wait rather than fail.
        conn.busy_timeout(Duration::from_secs(10)).map_err(sql)?;
        // WAL: readers never block the writer, and a crash loses at most the transaction
        // under way. `synchronous = NORMAL` is durable at every checkpoint in WAL mode.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql)?;
        // The WAL is kept when the last connection closes: a checkpoint there would cost two
        // more disk syncs on every run; a later connection checkpoints it as it grows.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
            true,
        )
        .map_err(sql)?;
        let mut h = History {
            conn,
            path: path.to_path_buf(),
        };
        h.migrate()?;
        Ok(h)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, source: rusqlite::Error) -> HistoryError {
        HistoryError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    /// Applies the migrations the database lacks, each in one transaction with its version
    /// bump; refuses a database from a newer launchcast.
    fn migrate(&mut self) -> Result<(), HistoryError> {
        let path = self.path.clone();
        let sql = |source| HistoryError::Sqlite {
            path: path.clone(),
            source,
        };
        // Most opens find the schema current: a plain read, no write lock.
        let current: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(sql)?;
        if current == SCHEMA_VERSION {
            return Ok(());
        }
        loop {
            // IMMEDIATE: two processes opening a new database at once migrate it once.
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(sql)?;
            let version: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(sql)?;
            if version > SCHEMA_VERSION {
                return Err(HistoryError::NewerSchema {
                    path: path.clone(),
                    found: version,
                    known: SCHEMA_VERSION,
                });
            }
            let Some(step) = MIGRATIONS.get(version as usize) else {
                return Ok(());
            };
            tx.execute_batch(step).map_err(sql)?;
            tx.pragma_update(None, "user_version", version + 1)
                .map_err(sql)?;
            tx.commit().map_err(sql)?;
        }
    }

    /// Records a run in one transaction; gives its id.
    pub fn record(&mut self, run: &NewRun<'_>) -> Result<i64, HistoryError> {
        let hash = text_hash(run.model_text);
        let scenarios = serde_json::to_string(run.scenarios).unwrap_or_else(|_| "[]".into());
        let headline = serde_json::to_string(run.headline).unwrap_or_else(|_| "{}".into());
        let changes = run.changes.map(serde_json::Value::to_string);
        let path = self.path.clone();
        let sql = |source| HistoryError::Sqlite {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        tx.execute(
            "INSERT OR IGNORE INTO models (hash, text) VALUES (?1, ?2)",
            params![hash, run.model_text],
        )
        .map_err(sql)?;
        tx.execute(
            "INSERT INTO runs (recorded_at, kind, model_path, model_hash, seed, iterations, scenarios, changes, headline)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                crate::time::utc_now(),
                run.kind,
                run.model_path,
                hash,
                run.seed as i64,
                run.iterations as i64,
                scenarios,
                changes,
                headline
            ],
        )
        .map_err(sql)?;
        let id = tx.last_insert_rowid();
        tx.commit().map_err(sql)?;
        Ok(id)
    }

    /// The recorded runs, newest first; only those of model file `model_path` if given.
    pub fn list(&self, model_path: Option<&str>) -> Result<Vec<RunEntry>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, recorded_at, kind, model_path, model_hash, seed, iterations, scenarios, changes, headline
                 FROM runs WHERE ?1 IS NULL OR model_path = ?1 ORDER BY id DESC",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![model_path], raw_row)
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for row in rows {
            let raw = row.map_err(|e| self.sql(e))?;
            out.push(self.entry(raw)?);
        }
        Ok(out)
    }

    /// Run `id` and its model's text.
    pub fn get(&self, id: i64) -> Result<(RunEntry, String), HistoryError> {
        let raw = self
            .conn
            .query_row(
                "SELECT id, recorded_at, kind, model_path, model_hash, seed, iterations, scenarios, changes, headline
                 FROM runs WHERE id = ?1",
                params![id],
                raw_row,
            )
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or_else(|| HistoryError::NoRun {
                path: self.path.clone(),
                id,
            })?;
        let entry = self.entry(raw)?;
        let text = self.model_text(&entry.model_hash)?;
        Ok((entry, text))
    }

    /// The model text whose hash is `hash`.
    pub(crate) fn model_text(&self, hash: &str) -> Result<String, HistoryError> {
        self.conn
            .query_row(
                "SELECT text FROM models WHERE hash = ?1",
                params![hash],
                |r| r.get(0),
            )
            .map_err(|e| self.sql(e))
    }

    fn entry(&self, raw: RawRow) -> Result<RunEntry, HistoryError> {
        let damaged = |what: String| HistoryError::Damaged {
            path: self.path.clone(),
            id: raw.id,
            what,
        };
        let headline: Headline = serde_json::from_str(&raw.headline)
            .map_err(|e| damaged(format!("its headline is not readable JSON ({e})")))?;
        let scenarios: Vec<String> = serde_json::from_str(&raw.scenarios)
            .map_err(|e| damaged(format!("its scenarios are not readable JSON ({e})")))?;
        let changes = match &raw.changes {
            Some(c) => Some(
                serde_json::from_str(c)
                    .map_err(|e| damaged(format!("its changes are not readable JSON ({e})")))?,
            ),
            None => None,
        };
        Ok(RunEntry {
            id: raw.id,
            recorded_at: raw.recorded_at,
            kind: raw.kind,
            model_path: raw.model_path,
            model_hash: raw.model_hash,
            seed: raw.seed as u64,
            iterations: raw.iterations as u64,
            scenarios,
            changes,
            headline,
        })
    }
}

/// A row as stored, before its JSON columns are read.
struct RawRow {
    id: i64,
    recorded_at: String,
    kind: String,
    model_path: String,
    model_hash: String,
    seed: i64,
    iterations: i64,
    scenarios: String,
    changes: Option<String>,
    headline: String,
}

fn raw_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok(RawRow {
        id: r.get(0)?,
        recorded_at: r.get(1)?,
        kind: r.get(2)?,
        model_path: r.get(3)?,
        model_hash: r.get(4)?,
        seed: r.get(5)?,
        iterations: r.get(6)?,
        scenarios: r.get(7)?,
        changes: r.get(8)?,
        headline: r.get(9)?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fnv_matches_the_published_vectors() {
        // FNV-1a 64 test vectors (Fowler, Noll, Vo).
        assert_eq!(super::text_hash(""), "cbf29ce484222325");
        assert_eq!(super::text_hash("a"), "af63dc4c8601ec8c");
        assert_eq!(super::text_hash("foobar"), "85944171f73967e8");
    }
}
