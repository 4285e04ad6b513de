//! The `launchcast` binary end to end, one module per command: exit codes, terminal output,
//! the JSON and CSV contracts of `docs/model-format.md`, determinism across thread counts,
//! and every kind of bad input.
//!
//! Every command runs the built binary with `RUST_BACKTRACE` unset, and every stderr is checked
//! for the word "panicked": no input may crash the program (`support`). A test that checks a
//! whole output snapshots the exit code, standard output and standard error together
//! (`support::snapshot`, files in `snapshots/`).

mod support;

mod backtest;
mod cases;
mod check;
mod import;
mod inspect;
mod mcp;
mod outputs;
mod references;
mod run;
mod serve;
mod shards;
mod started;
mod usage;

mod engine;
mod history;
mod hostile;
mod import_hardening;
mod layout;
mod report_hardening;
