//! Raw command-line flags (clap). Checked and turned into work in `commands`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Forecast whether a vehicle program keeps its promises: when the first car ships, by which
/// route, how many follow, what it costs and which risks drive it.
#[derive(Debug, Parser)]
#[command(name = "launchcast", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a model (the bundled Xiaomi 2022 example if none is given).
    Run(RunArgs),
    /// Validate a model and print what was read; no simulation.
    Check {
        /// The model file (TOML).
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
    /// Turn a schedule file (MS Project, Primavera, PSPLIB) into a model file.
    Import {
        input: PathBuf,
        /// Where to write the model (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Uncertainty rules to apply (TOML).
        #[arg(long)]
        uncertainty: Option<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The model file (TOML) or a schedule file; omit to run the bundled Xiaomi 2022 example.
    pub model: Option<PathBuf>,
    /// Uncertainty rules (TOML) applied to the schedule or model before running.
    #[arg(long, value_name = "RULES")]
    pub uncertainty: Option<PathBuf>,
    /// Iterations (default: the model's `program.iterations`).
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub iterations: Option<u64>,
    /// Random seed (default: the model's `program.seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: one per core). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Run only these scenarios (`base` is the model as written); repeatable.
    #[arg(long = "scenario", value_name = "ID")]
    pub scenarios: Vec<String>,
    /// Write the JSON result to PATH, or to standard output with `-`.
    #[arg(long, value_name = "PATH|-")]
    pub json: Option<PathBuf>,
    /// Write one CSV file per table into DIR.
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Write a self-contained HTML report with charts (no network needed to view it).
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// No terminal summary and no progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Skip the drivers in days (one extra run per risk and uncertain task).
    #[arg(long)]
    pub no_drivers: bool,
}
