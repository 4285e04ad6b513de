//! `history`: the runs recorded in a history database, newest first, and `history diff A B`;
//! and the recording of a `run` in the database beside its model.

use std::path::{Path, PathBuf};

use launchcast_history::{Headline, History, HistoryError, NewRun, RunEntry, default_path};
use launchcast_report::Summary;

use crate::args::{Record, Run};
use crate::errors::CliError;
use crate::output::out;

/// Where a run will be recorded, opened before any work.
pub(super) struct Recorder {
    history: History,
    model_path: String,
    text: String,
    /// Given with `--history`: a failure is an error, not a note.
    explicit: bool,
}

fn history_error(e: HistoryError) -> CliError {
    let help = match &e {
        HistoryError::Directory { .. } | HistoryError::Sqlite { .. } => {
            "choose a writable place with --history DB, or skip recording with --no-history"
        }
        HistoryError::NewerSchema { .. } => {
            "use the launchcast that wrote it, or another --history file"
        }
        HistoryError::NoRun { .. } => "`launchcast history` lists the runs and their ids",
        HistoryError::Damaged { .. } => {
            "the database was changed by hand; record to a new one with --history DB"
        }
    };
    CliError::input(e.to_string(), help)
}

/// Opens the database `args` records to, with the model's text: `None` with `--no-history`,
/// or when the default place cannot be written (said on standard error unless quiet).
pub(super) fn recorder(args: &Run) -> Result<Option<Recorder>, CliError> {
    let (path, explicit) = match &args.record {
        // A part of a run is not a forecast: its merge is.
        _ if args.shard.is_some() => return Ok(None),
        Record::Off => return Ok(None),
        Record::At(db) => (db.clone(), true),
        Record::Beside => (default_path(args.model.as_deref()), false),
    };
    let note = |why: String| {
        if !args.quiet {
            eprintln!("note: this run is not recorded in the history: {why}");
        }
    };
    // The text simulated, re-read as every input is (a regular file within the input limit:
    // never a pipe or device, which would block or give other bytes).
    let text = match &args.model {
        None => super::EXAMPLE.to_string(),
        Some(p) => match launchcast_model::read_input(p) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                note(format!(
                    "{} could not be read again ({})",
                    p.display(),
                    e.message
                ));
                return Ok(None);
            }
        },
    };
    match History::open(&path) {
        Ok(history) => Ok(Some(Recorder {
            history,
            model_path: launchcast_history::model_name(args.model.as_deref()),
            text,
            explicit,
        })),
        Err(e) if explicit => Err(history_error(e)),
        Err(e) => {
            note(e.to_string());
            Ok(None)
        }
    }
}

impl Recorder {
    /// Records the run whose result is `summary`.
    pub(super) fn record(mut self, summary: &Summary, quiet: bool) -> Result<(), CliError> {
        let scenarios: Vec<String> = summary.scenarios.iter().map(|s| s.id.clone()).collect();
        let headline = Headline::of(summary);
        let run = NewRun {
            kind: "run",
            model_path: &self.model_path,
            model_text: &self.text,
            seed: summary.seed,
            iterations: summary.iterations,
            scenarios: &scenarios,
            changes: None,
            headline: &headline,
        };
        match self.history.record(&run) {
            Ok(_) => Ok(()),
            Err(e) if self.explicit => Err(history_error(e)),
            Err(e) => {
                if !quiet {
                    eprintln!("note: this run is not recorded in the history: {e}");
                }
                Ok(())
            }
        }
    }
}

/// The database `history` reads: `--history DB`, else the one beside `model`, else the one
/// in the current directory. It must exist: reading never creates one.
fn database(model: Option<&Path>, db: Option<&Path>) -> Result<PathBuf, CliError> {
    let path = db.map_or_else(|| default_path(model), Path::to_path_buf);
    if !path.is_file() {
        return Err(CliError::input(
            format!("no history database at {}", path.display()),
            "runs are recorded by `launchcast run` beside their model (.launchcast/history.db); name another with --history DB",
        ));
    }
    Ok(path)
}

/// `history [MODEL] [--history DB] [--json]`.
pub(super) fn list(model: Option<&Path>, db: Option<&Path>, json: bool) -> Result<(), CliError> {
    let path = database(model, db)?;
    let history = History::open(&path).map_err(history_error)?;
    let name = model.map(|m| launchcast_history::model_name(Some(m)));
    let runs = history.list(name.as_deref()).map_err(history_error)?;
    if json {
        return out(&super::json_text(&runs)?);
    }
    out(&table(&path, &runs))
}

/// The runs as a table: id, time, kind, model, seed, iterations, base's P50 and P80 and its
/// promises.
fn table(path: &Path, runs: &[RunEntry]) -> String {
    use std::fmt::Write as _;
    let mut o = format!(
        "{}: {}\n",
        path.display(),
        launchcast_report::format::count(runs.len() as u64, "run")
    );
    if runs.is_empty() {
        return o;
    }
    let _ = writeln!(
        o,
        "{:>5}  {:<20}  {:<6}  {:<24}  {:>6}  {:>11}  {:<10}  {:<10}  promises (base)",
        "id", "recorded (UTC)", "kind", "model", "seed", "iterations", "P50", "P80"
    );
    for r in runs {
        let model = Path::new(&r.model_path)
            .file_name()
            .map_or(r.model_path.clone(), |n| n.to_string_lossy().into_owned());
        let base = r.headline.scenarios.first();
        let date = |d: Option<&String>| d.cloned().unwrap_or_else(|| "-".into());
        let promises = base.map_or(String::new(), |s| {
            s.promises
                .iter()
                .map(|p| {
                    format!(
                        "{} {}",
                        p.id,
                        launchcast_report::format::percent(p.probability)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        });
        let line = format!(
            "{:>5}  {:<20}  {:<6}  {:<24}  {:>6}  {:>11}  {:<10}  {:<10}  {}",
            r.id,
            r.recorded_at,
            r.kind,
            launchcast_model::printable(&model),
            r.seed,
            launchcast_report::format::group_thousands(r.iterations as f64),
            date(base.and_then(|s| s.first_delivery.p50.as_ref())),
            date(base.and_then(|s| s.first_delivery.p80.as_ref())),
            launchcast_model::printable(&promises)
        );
        let _ = writeln!(o, "{}", line.trim_end());
    }
    o
}

/// Run `id` of the database `db` (else the one beside `model`, else in the current
/// directory) and its model's text.
pub(super) fn recorded_run(
    id: i64,
    db: Option<&Path>,
    model: Option<&Path>,
) -> Result<(RunEntry, String), CliError> {
    let path = database(model, db)?;
    let history = History::open(&path).map_err(history_error)?;
    history.get(id).map_err(history_error)
}

/// `history diff A B [--history DB] [--json]`.
pub(super) fn diff(a: i64, b: i64, db: Option<&Path>, json: bool) -> Result<(), CliError> {
    let path = database(None, db)?;
    let history = History::open(&path).map_err(history_error)?;
    let (ra, ta) = history.get(a).map_err(history_error)?;
    let (rb, tb) = history.get(b).map_err(history_error)?;
    let d = launchcast_history::diff(&ra, &ta, &rb, &tb);
    if json {
        return out(&super::json_text(&d)?);
    }
    use std::fmt::Write as _;
    let mut o = format!("run {b} against run {a}");
    o.push_str(if d.same_draws {
        " (same seed and iterations: every difference below comes from the model)\n"
    } else {
        " (different seed or iterations: part of each difference is sampling noise)\n"
    });
    if d.model.is_empty() {
        o.push_str("model: the same text\n");
    } else {
        let n = d.model.len();
        let _ = writeln!(
            o,
            "model: {n} {}",
            if n == 1 { "key differs" } else { "keys differ" }
        );
        for k in &d.model {
            let show = |v: &Option<String>| v.clone();
            let line = match (show(&k.before), show(&k.after)) {
                (Some(x), Some(y)) => format!("  ~ {} = {x} -> {y}", k.key),
                (None, Some(y)) => format!("  + {} = {y}", k.key),
                (Some(x), None) => format!("  - {} = {x}", k.key),
                (None, None) => continue,
            };
            let _ = writeln!(o, "{}", launchcast_model::printable(&line));
        }
    }
    o.push_str("figures:\n");
    let w = d
        .figures
        .iter()
        .map(|f| f.scenario.len() + f.what.len() + 1)
        .fold(0, usize::max);
    for f in &d.figures {
        let show = |v: &Option<serde_json::Value>, promise: bool| match v {
            Some(serde_json::Value::Number(n)) if promise => {
                launchcast_report::format::percent(n.as_f64().unwrap_or(0.0))
            }
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => "-".to_string(),
        };
        let promise = f.what.starts_with("promise");
        let change = match f.change {
            Some(c) if promise => format!("  ({:+.1} points)", c * 100.0),
            Some(c) => format!("  ({c:+.1} d)"),
            None => String::new(),
        };
        let label = format!("{} {}", f.scenario, f.what);
        let _ = writeln!(
            o,
            "  {:<w$}  {} -> {}{change}",
            launchcast_model::printable(&label),
            show(&f.before, promise),
            show(&f.after, promise)
        );
    }
    out(&o)
}
