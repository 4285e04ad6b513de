//! `launchcast`: the command line. Thin by design: flags are turned into validated arguments
//! here, and all the work is done by the `launchcast-*` libraries.
//!
//! Exit codes: 0 success; 2 bad input or usage (the message names the file, the line and
//! column or the key path, and the offending value); 1 internal error.

mod cli;
mod commands;
mod errors;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let code = match commands::dispatch(cli) {
        Ok(()) => 0,
        Err(e) => e.report(),
    };
    std::process::exit(code);
}
