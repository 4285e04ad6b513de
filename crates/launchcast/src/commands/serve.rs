//! `serve`: the model read and checked as `run` reads it (the same messages, exit 2), then
//! handed to the workspace server (`launchcast_serve`); the first line on standard output is
//! the address with its token.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use launchcast_serve::{Options, Reload, Source};

use crate::args::{Record, Run, record};
use crate::cli::ServeArgs;
use crate::errors::CliError;
use crate::schedule::{is_schedule, load_run};

pub(super) fn serve(args: ServeArgs) -> Result<(), CliError> {
    let as_run = |quiet: bool| Run {
        model: args.model.clone(),
        uncertainty: args.uncertainty.clone(),
        iterations: None,
        seed: None,
        threads: 0,
        scenarios: Vec::new(),
        json: None,
        csv: None,
        html: None,
        quiet,
        drivers: true,
        record: Record::Off,
        shard: None,
    };
    // Read and checked here first, so that a bad model is reported as `run` reports it.
    let first = match load_run(&as_run(false))? {
        Some(model) => model,
        None => super::example()?,
    };
    let valid = first.valid()?;
    let source = match &args.model {
        None => Source::text(super::EXAMPLE_NAME, super::EXAMPLE),
        Some(path) if !is_schedule(path) && args.uncertainty.is_none() => Source::model_file(path),
        Some(path) => {
            let run = as_run(true);
            let reload: Reload = Arc::new(move || match load_run(&run) {
                Ok(Some(m)) => m.valid().map(|v| (v, None)).map_err(|e| e.to_string()),
                Ok(None) => Err("no model".to_string()),
                Err(e) => Err(message(e)),
            });
            Ok(Source::built(&path.display().to_string(), valid, reload))
        }
    }
    .map_err(|m| CliError::input(m, "check the model with `launchcast check MODEL`"))?;
    let options = Options {
        host: args.host,
        port: args.port,
        max_iterations: args.max_iterations,
        history: history(&args)?,
        ..Options::default()
    };
    let label = source.label().to_string();
    let running = launchcast_serve::spawn(source, options).map_err(|e| match e {
        launchcast_serve::ServeError::Bind { addr, source } => CliError::input(
            format!("cannot listen on {addr}: {source}"),
            "choose another port with --port N, or --port 0 for any free port",
        ),
        launchcast_serve::ServeError::History(message) => CliError::input(
            message,
            "choose a writable place with --history DB, or serve without one with --no-history",
        ),
        other => CliError::Internal(other.to_string()),
    })?;
    let url = running.url();
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "launchcast serving {label} at {url}");
    let _ = stdout.flush();
    if !args.host.is_loopback() {
        eprintln!(
            "warning: listening on {}: any machine that can reach it may connect; the token is the only protection",
            running.addr()
        );
    }
    if !args.no_open && stdout.is_terminal() && std::env::var_os("CI").is_none() {
        launchcast_serve::open_browser(&url);
    }
    running
        .wait()
        .map_err(|e| CliError::Internal(e.to_string()))
}

/// An error of reading the model again, as one text for the page.
fn message(e: CliError) -> String {
    match e {
        CliError::Model(m) => m.plain(),
        CliError::Input { message, help } => format!("{message}\n  help: {help}"),
        CliError::Write { path, source } => format!("{}: {source}", path.display()),
        CliError::Internal(m) => m,
        CliError::StdoutClosed => String::new(),
        CliError::In { context, error } => format!("{context}\n{}", message(*error)),
    }
}

/// The history database kept what-ifs go to, as `run` chooses it: `--history DB` must open;
/// the default one beside the model is left out, with a note, when it cannot be.
fn history(args: &ServeArgs) -> Result<Option<std::path::PathBuf>, CliError> {
    match record(args.history.clone(), args.no_history) {
        Record::Off => Ok(None),
        Record::At(db) => Ok(Some(db)),
        Record::Beside => {
            let db = launchcast_history::default_path(args.model.as_deref());
            match launchcast_history::History::open(&db) {
                Ok(_) => Ok(Some(db)),
                Err(e) => {
                    eprintln!("note: what-ifs cannot be kept in the history: {e}");
                    Ok(None)
                }
            }
        }
    }
}
