//! Raw command-line flags (clap), the first of two stages: each number checked against its
//! range here, then turned into validated arguments in `args`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Forecast whether a vehicle program keeps its promises: when the first car ships, by which
/// route, how many follow, what it costs and which risks drive it.
#[derive(Debug, Parser)]
#[command(name = "launchcast", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Largest input file read, in MiB (models, includes, rules and schedules).
    #[arg(long, global = true, value_name = "MIB", default_value_t = 256,
          value_parser = clap::value_parser!(u64).range(1..=1_048_576))]
    pub(crate) max_input_mb: u64,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Simulate a model (the bundled Xiaomi 2022 example if none is given).
    Run(RunArgs),
    /// Validate a model and print what was read; no simulation.
    Check {
        /// The model file (TOML) or a schedule file (MSPDI, XER, PMXML, MPX, PSPLIB).
        model: PathBuf,
    },
    /// Counts and the deterministic (most-likely) schedule of a model or schedule file.
    Inspect {
        /// The model file (TOML) or a schedule file (MSPDI, XER, PMXML, MPX, PSPLIB).
        input: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// A live what-if workspace in the browser (the bundled example if no model is given).
    Serve(ServeArgs),
    /// Turn a schedule file (MS Project, Primavera, PSPLIB) into a model file.
    Import {
        /// The schedule file (MSPDI, XER, PMXML, MPX, PSPLIB).
        input: PathBuf,
        /// Where to write the model (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Uncertainty rules to apply (TOML).
        #[arg(long)]
        uncertainty: Option<PathBuf>,
    },
    /// The recorded runs of a model, newest first; `history diff A B` compares two.
    History(HistoryArgs),
    /// Score a forecast against what happened (an actuals file), or a set of them (--set).
    Backtest(BacktestArgs),
    /// Merge the partial results of `run --shard K/N` into the whole run's result.
    Merge(MergeArgs),
    /// Serve the Model Context Protocol on standard input and output, for AI assistants:
    /// tools check, run, whatif, backtest, import_schedule and inspect.
    Mcp {
        /// Most iterations of one run a client may ask for (the model's own included).
        #[arg(long, value_name = "N", default_value_t = 1_000_000, value_parser = iterations)]
        max_iterations: u64,
    },
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct HistoryArgs {
    #[command(subcommand)]
    pub(crate) diff: Option<HistoryCommand>,
    /// Only the runs of this model file (its history database is the one beside it).
    pub(crate) model: Option<PathBuf>,
    /// The history database (default: `.launchcast/history.db` beside the model, or in the
    /// current directory).
    #[arg(long, value_name = "DB")]
    pub(crate) history: Option<PathBuf>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum HistoryCommand {
    /// What changed in the model between runs A and B, and what it did to each promise and
    /// to the first delivery's P50 and P80.
    Diff {
        /// The earlier run's id.
        a: i64,
        /// The later run's id.
        b: i64,
        /// The history database (default: `.launchcast/history.db` in the current directory).
        #[arg(long, value_name = "DB")]
        history: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, clap::Args)]
pub(crate) struct BacktestArgs {
    /// The model file (TOML) whose forecast is scored.
    pub(crate) model: Option<PathBuf>,
    /// What happened, as known on a date (TOML: as_of, first_delivery, [[task]], ...).
    #[arg(long, value_name = "ACTUALS.toml")]
    pub(crate) actuals: Option<PathBuf>,
    /// Score many forecasts: a set file of [[forecast]] model = "...", actuals = "...".
    #[arg(long, value_name = "SET.toml", conflicts_with_all = ["model", "actuals", "run"])]
    pub(crate) set: Option<PathBuf>,
    /// Score a recorded run (see `launchcast history`): its model text, seed and iterations.
    #[arg(long, value_name = "ID", conflicts_with_all = ["iterations", "seed"])]
    pub(crate) run: Option<i64>,
    /// The history database of --run (default: `.launchcast/history.db` beside MODEL, or in
    /// the current directory).
    #[arg(long, value_name = "DB", requires = "run")]
    pub(crate) history: Option<PathBuf>,
    /// Iterations, 1 to 100,000,000 (default: the model's `program.iterations`).
    #[arg(long, short = 'n', value_name = "N", value_parser = iterations)]
    pub(crate) iterations: Option<u64>,
    /// Random seed (default: the model's `program.seed`).
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
    /// Worker threads (default and at most: one per core). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) threads: Option<u16>,
    /// Write the scores as JSON to PATH, or to standard output with `-`.
    #[arg(long, value_name = "PATH|-")]
    pub(crate) json: Option<PathBuf>,
    /// Write a self-contained HTML page with a chart per outcome (or the calibration charts).
    #[arg(long, value_name = "PATH")]
    pub(crate) html: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// The model file (TOML) or a schedule file; omit to run the bundled Xiaomi 2022 example.
    pub(crate) model: Option<PathBuf>,
    /// Uncertainty rules (TOML) applied to the schedule or model before running.
    #[arg(long, value_name = "RULES")]
    pub(crate) uncertainty: Option<PathBuf>,
    /// Iterations, 1 to 100,000,000 (default: the model's `program.iterations`).
    #[arg(long, short = 'n', value_name = "N", value_parser = iterations)]
    pub(crate) iterations: Option<u64>,
    /// Random seed (default: the model's `program.seed`).
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
    /// Worker threads (default and at most: one per core). Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) threads: Option<u16>,
    /// Run only these scenarios (`base` is the model as written); repeatable.
    #[arg(long = "scenario", value_name = "ID")]
    pub(crate) scenarios: Vec<String>,
    #[command(flatten)]
    pub(crate) result: ResultArgs,
    /// No terminal summary and no progress bar.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Skip the drivers in days (one extra run per risk and uncertain task).
    #[arg(long)]
    pub(crate) no_drivers: bool,
    /// Record the run in this history database (default: `.launchcast/history.db` beside
    /// the model).
    #[arg(long, value_name = "DB", conflicts_with = "no_history")]
    pub(crate) history: Option<PathBuf>,
    /// Do not record the run.
    #[arg(long)]
    pub(crate) no_history: bool,
    /// Simulate only part K of N of the iterations (e.g. 3/8) and write it with --partial;
    /// `launchcast merge` makes the whole run of the parts.
    #[arg(long, value_name = "K/N", value_parser = shard, requires = "partial",
          conflicts_with_all = ["json", "csv", "html"])]
    pub(crate) shard: Option<(u64, u64)>,
    /// Where --shard writes its partial result.
    #[arg(long, value_name = "PATH", requires = "shard")]
    pub(crate) partial: Option<PathBuf>,
}

/// `--shard K/N`: 1 ≤ K ≤ N ≤ 1,000,000.
fn shard(text: &str) -> Result<(u64, u64), String> {
    let help = "write K/N with 1 <= K <= N, e.g. --shard 3/8";
    let (k, n) = text
        .trim()
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not K/N; {help}"))?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| format!("`{k}` is not a whole number; {help}"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a whole number; {help}"))?;
    if k == 0 || k > n || n > 1_000_000 {
        return Err(format!(
            "{k}/{n} is not a part of a run; {help} (N at most 1,000,000)"
        ));
    }
    Ok((k, n))
}

/// Where a result goes: what `run` and `merge` write alike.
#[derive(Debug, clap::Args)]
pub(crate) struct ResultArgs {
    /// Write the JSON result to PATH, or to standard output with `-`.
    #[arg(long, value_name = "PATH|-")]
    pub(crate) json: Option<PathBuf>,
    /// Write one CSV file per table into DIR.
    #[arg(long, value_name = "DIR")]
    pub(crate) csv: Option<PathBuf>,
    /// Write a self-contained HTML report with charts (no network needed to view it).
    #[arg(long, value_name = "PATH")]
    pub(crate) html: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct MergeArgs {
    /// The partial results (`run --shard K/N --partial PATH`), every part once, any order.
    #[arg(required = true, value_name = "PARTS")]
    pub(crate) parts: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) result: ResultArgs,
    /// No terminal summary.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Skip the drivers in days (the merge runs them, on this machine).
    #[arg(long)]
    pub(crate) no_drivers: bool,
    /// Worker threads for the drivers (default and at most: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) threads: Option<u16>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// The model file (TOML) or a schedule file; omit to serve the bundled Xiaomi 2022 example.
    pub(crate) model: Option<PathBuf>,
    /// Uncertainty rules (TOML) applied to the schedule or model.
    #[arg(long, value_name = "RULES")]
    pub(crate) uncertainty: Option<PathBuf>,
    /// Port to listen on; 0 picks any free port (the real one is printed).
    #[arg(long, value_name = "N", default_value_t = 8520)]
    pub(crate) port: u16,
    /// Address to listen on. Anything but 127.0.0.1 lets other machines reach the server,
    /// with the token as the only protection.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub(crate) host: std::net::IpAddr,
    /// Do not open the page in a browser.
    #[arg(long)]
    pub(crate) no_open: bool,
    /// Most iterations one what-if may ask for, 1 to 100,000,000.
    #[arg(long, value_name = "N", default_value_t = 1_000_000, value_parser = iterations)]
    pub(crate) max_iterations: u64,
    /// The history database kept what-ifs go to and the page lists (default:
    /// `.launchcast/history.db` beside the model).
    #[arg(long, value_name = "DB", conflicts_with = "no_history")]
    pub(crate) history: Option<PathBuf>,
    /// No history: kept what-ifs and the history list answer 501.
    #[arg(long)]
    pub(crate) no_history: bool,
}

/// `--iterations`: the limits and wording of the model file's `program.iterations`.
fn iterations(text: &str) -> Result<u64, String> {
    let n: i128 = text
        .trim()
        .replace('_', "")
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number; write e.g. -n 10000"))?;
    match launchcast_model::iterations_problem(n) {
        Some((_, message, help)) => Err(format!("{message}; {help}")),
        None => u64::try_from(n).map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every command and every argument says what it is for in `--help`.
    #[test]
    fn every_argument_has_help() {
        let cli = super::Cli::command();
        let mut missing = Vec::new();
        for cmd in std::iter::once(&cli).chain(cli.get_subcommands()) {
            if cmd.get_name() != "launchcast" && cmd.get_about().is_none() {
                missing.push(format!("command {}", cmd.get_name()));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id != "help" && id != "version" && arg.get_help().is_none() {
                    missing.push(format!("{} {id}", cmd.get_name()));
                }
            }
        }
        assert!(missing.is_empty(), "without help: {missing:?}");
    }

    #[test]
    fn iterations_have_the_model_files_limits() {
        assert_eq!(super::iterations("10000"), Ok(10_000));
        assert_eq!(super::iterations("100_000_000"), Ok(100_000_000));
        let e = super::iterations("100000001").unwrap_err();
        assert!(e.contains("more than the limit of 100000000"), "{e}");
        assert!(super::iterations("0").unwrap_err().contains("at least 1"));
        assert!(
            super::iterations("1e6")
                .unwrap_err()
                .contains("not a whole number")
        );
    }
}
