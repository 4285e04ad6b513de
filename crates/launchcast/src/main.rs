//! `launchcast`: the command line. Thin by design: flags are turned into validated arguments
//! here, and all the work is done by the `launchcast-*` libraries.
//!
//! Exit codes: 0 success; 2 bad input or usage (the message names the file, the line and
//! column or the key path, and the offending value); 1 internal error, a panic included. A
//! reader that closes standard output early (`| head`) ends the command quietly with 0.

mod args;
mod cli;
mod commands;
mod errors;
mod output;
mod schedule;

use clap::Parser;

/// Reading, validating and compiling a large model make millions of small allocations, and
/// a run frees large buffers: mimalloc does both at a fraction of the system allocator's cost
/// (see `bench/README.md`, typical sizes).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Two stages: raw flags (`cli`), then validated arguments (`args`).
    let args = match cli::Cli::try_parse() {
        Ok(cli) => args::Args::from(cli),
        Err(e) => std::process::exit(errors::usage(e)),
    };
    launchcast_model::set_max_input_bytes(args.max_input_bytes);
    errors::install_panic_hook();
    // Interrupted (Ctrl-C, SIGTERM, SIGHUP): leave no temporary files behind; the files
    // being replaced keep their old content.
    let _ = ctrlc::set_handler(|| {
        launchcast_report::remove_temp_files();
        std::process::exit(130);
    });
    let code = match std::panic::catch_unwind(|| commands::dispatch(args.job)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => e.report(),
        // The hook has reported it.
        Err(_) => 1,
    };
    std::process::exit(code);
}
