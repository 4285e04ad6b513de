//! The commands: validated arguments (`args`) in, library calls, outputs written whole. One
//! module per command on a model file; schedule files have theirs in `crate::schedule`.

mod backtest;
mod check;
mod history;
mod inspect;
mod mcp;
mod merge;
mod run;
mod serve;

use launchcast_import::LoadedModel;
use launchcast_model::ReadModel;

use crate::args::Job;
use crate::errors::CliError;
use crate::schedule::is_schedule;

/// The bundled example: the Xiaomi EV launch as seen in mid-2022.
const EXAMPLE_NAME: &str = "examples/xiaomi-2022.toml";
const EXAMPLE: &str = include_str!("../../../../examples/xiaomi-2022.toml");

/// Runs one command; a model file and a schedule file each go to their own reader.
pub(crate) fn dispatch(job: Job) -> Result<(), CliError> {
    match job {
        Job::Run(args) => run::run(args),
        Job::Serve(args) => serve::serve(args),
        Job::Check { model } if is_schedule(&model) => crate::schedule::check(&model),
        Job::Check { model } => check::check(&model),
        Job::Inspect { input, json } if is_schedule(&input) => {
            crate::schedule::inspect(&input, json)
        }
        Job::Inspect { input, json } => inspect::inspect(&input, json),
        Job::Import {
            input,
            output,
            uncertainty,
        } => crate::schedule::import(&input, output.as_deref(), uncertainty.as_deref()),
        Job::History { model, db, json } => history::list(model.as_deref(), db.as_deref(), json),
        Job::HistoryDiff { a, b, db, json } => history::diff(a, b, db.as_deref(), json),
        Job::Backtest(args) => backtest::backtest(args),
        Job::Merge(args) => merge::merge(args),
        Job::Mcp { max_iterations } => mcp::serve(max_iterations),
    }
}

/// The bundled example, as `run` without a model file simulates it.
fn example() -> Result<LoadedModel, CliError> {
    Ok(LoadedModel::Read(ReadModel::parse(EXAMPLE, EXAMPLE_NAME)?))
}

/// A number of cars with thousands separators (`300,000`).
fn cars(n: impl Into<f64>) -> String {
    let n: f64 = n.into();
    if n >= 0.0 && n.fract() == 0.0 && n < 1e15 {
        launchcast_report::format::group_thousands(n)
    } else {
        n.to_string()
    }
}

/// Pretty JSON with a final newline, as every `--json` writes it.
pub(crate) fn json_text<T: serde::Serialize>(value: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(value)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| CliError::Internal(e.to_string()))
}
