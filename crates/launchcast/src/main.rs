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

/// Transparent huge pages off for this process. On the virtual machines measured, a run's
/// first touch of fresh 2 MB pages after an idle pause cost up to 0.7 s more than the
/// same run with 4 KB pages (10,000 activities × 10,000 iterations: 1.1 s against 0.6 s),
/// and made times swing by 2× from one run to the next; a run's buffers are written once,
/// so huge pages gain it little.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn small_pages() {
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process's memory map; it takes no
    // pointers. A failure (an old kernel) leaves the default, which is only slower.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() {
    #[cfg(target_os = "linux")]
    small_pages();
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
