//! Validated arguments, the second of two stages: `cli` parses the raw flags (clap, with the
//! range of every number); here they become what the commands act on, each with one meaning
//! (`--json -` is standard output, `--no-drivers` is `drivers: false`, no `--threads` is one
//! worker per core). Nothing is read or written here: the checks of files are the commands'
//! own, made before any work and in the order they are reported.

use std::path::{Path, PathBuf};

use crate::cli::{
    BacktestArgs, Cli, Command, HistoryArgs, HistoryCommand, MergeArgs, RunArgs, ServeArgs,
};

/// What to do, and the limit on what may be read.
pub(crate) struct Args {
    /// Largest input file read, in bytes.
    pub(crate) max_input_bytes: u64,
    pub(crate) job: Job,
}

/// One command with its arguments.
pub(crate) enum Job {
    /// `run`: simulate.
    Run(Run),
    /// `check MODEL`: validate and describe.
    Check { model: PathBuf },
    /// `inspect INPUT [--json]`: counts and the most-likely schedule.
    Inspect { input: PathBuf, json: bool },
    /// `serve [MODEL]`: the what-if workspace in the browser.
    Serve(ServeArgs),
    /// `import INPUT [-o MODEL] [--uncertainty RULES]`: a schedule file into a model file.
    Import {
        input: PathBuf,
        output: Option<PathBuf>,
        uncertainty: Option<PathBuf>,
    },
    /// `mcp [--max-iterations N]`: the Model Context Protocol server.
    Mcp { max_iterations: u64 },
    /// `history [MODEL] [--history DB] [--json]`: the recorded runs.
    History {
        model: Option<PathBuf>,
        db: Option<PathBuf>,
        json: bool,
    },
    /// `history diff A B [--history DB] [--json]`.
    HistoryDiff {
        a: i64,
        b: i64,
        db: Option<PathBuf>,
        json: bool,
    },
    /// `backtest MODEL --actuals A` or `backtest --set SET`: forecasts scored.
    Backtest(Backtest),
    /// `merge PARTS...`: partial results into the whole run's.
    Merge(Merge),
}

/// `merge`'s arguments.
pub(crate) struct Merge {
    pub(crate) parts: Vec<PathBuf>,
    pub(crate) json: Option<JsonTo>,
    pub(crate) csv: Option<PathBuf>,
    pub(crate) html: Option<PathBuf>,
    pub(crate) quiet: bool,
    pub(crate) drivers: bool,
    pub(crate) threads: usize,
}

impl Merge {
    /// The JSON result's file, unless it goes to standard output.
    pub(crate) fn json_file(&self) -> Option<&Path> {
        match &self.json {
            Some(JsonTo::File(path)) => Some(path),
            _ => None,
        }
    }
}

impl From<MergeArgs> for Merge {
    fn from(a: MergeArgs) -> Merge {
        Merge {
            parts: a.parts,
            json: a.result.json.map(json_to),
            csv: a.result.csv,
            html: a.result.html,
            quiet: a.quiet,
            drivers: !a.no_drivers,
            threads: a.threads.map_or(0, usize::from),
        }
    }
}

/// `run --shard K/N --partial PATH`: part `index` (from 1) of `count`.
pub(crate) struct Shard {
    pub(crate) index: u64,
    pub(crate) count: u64,
    pub(crate) partial: PathBuf,
}

/// Where a run is recorded.
pub(crate) enum Record {
    /// `--no-history`.
    Off,
    /// The database beside the model (a failure to record is a note, not an error).
    Beside,
    /// `--history DB`: must be writable (an error before any work otherwise).
    At(PathBuf),
}

/// `backtest`'s arguments.
pub(crate) struct Backtest {
    /// What to score.
    pub(crate) what: Scored,
    /// `None`: the model's `program.iterations` (a set's forecast may give its own).
    pub(crate) iterations: Option<u64>,
    /// `None`: the model's `program.seed` (a set's forecast may give its own).
    pub(crate) seed: Option<u64>,
    /// Worker threads; 0: one per core.
    pub(crate) threads: usize,
    pub(crate) json: Option<JsonTo>,
    pub(crate) html: Option<PathBuf>,
}

/// One forecast, or a set of them.
pub(crate) enum Scored {
    One {
        model: PathBuf,
        actuals: PathBuf,
    },
    Set(PathBuf),
    /// `--run ID`: a run recorded in the history database `db` (`None`: the default place,
    /// beside `model` if given).
    Recorded {
        id: i64,
        db: Option<PathBuf>,
        model: Option<PathBuf>,
        actuals: PathBuf,
    },
    /// Neither a set nor both a model and actuals: what is missing.
    Incomplete(&'static str),
}

impl Backtest {
    /// The JSON file, unless it goes to standard output.
    pub(crate) fn json_file(&self) -> Option<&Path> {
        match &self.json {
            Some(JsonTo::File(path)) => Some(path),
            _ => None,
        }
    }
}

impl From<BacktestArgs> for Backtest {
    fn from(a: BacktestArgs) -> Backtest {
        let what = match (a.set, a.model, a.actuals) {
            (Some(set), _, _) => Scored::Set(set),
            (None, model, Some(actuals)) if a.run.is_some() => Scored::Recorded {
                id: a.run.unwrap_or_default(),
                db: a.history,
                model,
                actuals,
            },
            (None, Some(model), Some(actuals)) => Scored::One { model, actuals },
            (None, Some(_), None) => Scored::Incomplete("--actuals"),
            (None, None, _) => Scored::Incomplete("MODEL"),
        };
        Backtest {
            what,
            iterations: a.iterations,
            seed: a.seed,
            threads: a.threads.map_or(0, usize::from),
            json: a.json.map(json_to),
            html: a.html,
        }
    }
}

/// `-` is standard output, anything else a file.
fn json_to(path: PathBuf) -> JsonTo {
    if path == Path::new("-") {
        JsonTo::Stdout
    } else {
        JsonTo::File(path)
    }
}

/// Where the JSON result goes.
pub(crate) enum JsonTo {
    /// `--json -`
    Stdout,
    File(PathBuf),
}

/// `run`'s arguments.
pub(crate) struct Run {
    /// The model or schedule file; `None`: the bundled example.
    pub(crate) model: Option<PathBuf>,
    pub(crate) uncertainty: Option<PathBuf>,
    /// `None`: the model's `program.iterations`.
    pub(crate) iterations: Option<u64>,
    /// `None`: the model's `program.seed`.
    pub(crate) seed: Option<u64>,
    /// Worker threads; 0: one per core (the engine caps it at the cores in any case).
    pub(crate) threads: usize,
    /// Scenarios to run (`base` is the model as written); empty: every one.
    pub(crate) scenarios: Vec<String>,
    pub(crate) json: Option<JsonTo>,
    pub(crate) csv: Option<PathBuf>,
    pub(crate) html: Option<PathBuf>,
    /// No terminal summary, no progress bar, no notes on standard error.
    pub(crate) quiet: bool,
    /// Measure the drivers in days (one more run per risk and uncertain task).
    pub(crate) drivers: bool,
    /// Where the run is recorded.
    pub(crate) record: Record,
    /// Only one part of the run, written as a partial result.
    pub(crate) shard: Option<Shard>,
}

impl Run {
    /// The JSON result's file, unless it goes to standard output.
    pub(crate) fn json_file(&self) -> Option<&Path> {
        match &self.json {
            Some(JsonTo::File(path)) => Some(path),
            _ => None,
        }
    }
}

impl From<Cli> for Args {
    fn from(cli: Cli) -> Args {
        Args {
            max_input_bytes: cli.max_input_mb.saturating_mul(1 << 20),
            job: match cli.command {
                Command::Run(args) => Job::Run(Run::from(args)),
                Command::Serve(args) => Job::Serve(args),
                Command::Check { model } => Job::Check { model },
                Command::Inspect { input, json } => Job::Inspect { input, json },
                Command::Import {
                    input,
                    output,
                    uncertainty,
                } => Job::Import {
                    input,
                    output,
                    uncertainty,
                },
                Command::History(HistoryArgs {
                    diff:
                        Some(HistoryCommand::Diff {
                            a,
                            b,
                            history,
                            json,
                        }),
                    ..
                }) => Job::HistoryDiff {
                    a,
                    b,
                    db: history,
                    json,
                },
                Command::History(HistoryArgs {
                    model,
                    history,
                    json,
                    ..
                }) => Job::History {
                    model,
                    db: history,
                    json,
                },
                Command::Backtest(args) => Job::Backtest(Backtest::from(args)),
                Command::Merge(args) => Job::Merge(Merge::from(args)),
                Command::Mcp { max_iterations } => Job::Mcp { max_iterations },
            },
        }
    }
}

impl From<RunArgs> for Run {
    fn from(a: RunArgs) -> Run {
        Run {
            model: a.model,
            uncertainty: a.uncertainty,
            iterations: a.iterations,
            seed: a.seed,
            threads: a.threads.map_or(0, usize::from),
            scenarios: a.scenarios,
            json: a.result.json.map(json_to),
            csv: a.result.csv,
            html: a.result.html,
            quiet: a.quiet,
            drivers: !a.no_drivers,
            shard: match (a.shard, a.partial) {
                (Some((index, count)), Some(partial)) => Some(Shard {
                    index,
                    count,
                    partial,
                }),
                _ => None,
            },
            record: record(a.history, a.no_history),
        }
    }
}

/// Where runs are recorded, from `--history DB` and `--no-history` (`run` and `serve`).
pub(crate) fn record(history: Option<PathBuf>, no_history: bool) -> Record {
    match (history, no_history) {
        (_, true) => Record::Off,
        (Some(db), false) => Record::At(db),
        // `LAUNCHCAST_HISTORY=off` (CI, shared data) or `=DB` sets the default.
        (None, false) => match std::env::var_os("LAUNCHCAST_HISTORY") {
            Some(v) if v == "off" => Record::Off,
            Some(v) if !v.is_empty() => Record::At(PathBuf::from(v)),
            _ => Record::Beside,
        },
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Args, Job, JsonTo};
    use crate::cli::Cli;

    fn run(args: &[&str]) -> super::Run {
        let cli = Cli::try_parse_from([&["launchcast", "run"][..], args].concat()).unwrap();
        match Args::from(cli).job {
            Job::Run(run) => run,
            _ => panic!("not a run"),
        }
    }

    #[test]
    fn json_dash_is_standard_output_and_anything_else_a_file() {
        assert!(matches!(run(&["--json", "-"]).json, Some(JsonTo::Stdout)));
        assert_eq!(run(&["--json", "-"]).json_file(), None);
        let file = run(&["--json", "./-"]);
        assert_eq!(file.json_file(), Some(std::path::Path::new("./-")));
        assert!(run(&[]).json.is_none());
    }

    #[test]
    fn defaults_are_spelled_out() {
        let r = run(&[]);
        assert_eq!((r.threads, r.drivers, r.quiet), (0, true, false));
        assert_eq!((r.iterations, r.seed), (None, None));
        let r = run(&["--threads", "3", "--no-drivers", "-n", "10", "--seed", "7"]);
        assert_eq!((r.threads, r.drivers), (3, false));
        assert_eq!((r.iterations, r.seed), (Some(10), Some(7)));
    }

    #[test]
    fn the_input_limit_is_in_bytes() {
        let cli = Cli::try_parse_from(["launchcast", "check", "m.toml", "--max-input-mb", "3"]);
        assert_eq!(Args::from(cli.unwrap()).max_input_bytes, 3 << 20);
    }
}
