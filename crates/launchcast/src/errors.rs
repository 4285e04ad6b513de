//! What can go wrong at the command line, and the exit code of each.

use std::io::IsTerminal;
use std::path::PathBuf;

/// A failure of a command, reported on standard error.
#[derive(Debug)]
pub(crate) enum CliError {
    /// A model that does not validate: rendered with its source spans. Exit 2.
    Model(launchcast_model::ModelError),
    /// Other bad input or usage, with a hint. Exit 2.
    Input { message: String, help: String },
    /// Writing an output failed. Exit 2: the path is the user's.
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A fault of launchcast itself. Exit 1.
    Internal(String),
    /// Standard output was closed by its reader (`| head`): nothing more to say. Exit 0.
    StdoutClosed,
    /// An error met while working on one part of a larger input (a forecast of a backtest
    /// set): the line naming that part, printed before the error itself.
    In {
        context: String,
        error: Box<CliError>,
    },
}

impl CliError {
    pub(crate) fn input(message: impl Into<String>, help: impl Into<String>) -> CliError {
        CliError::Input {
            message: message.into(),
            help: help.into(),
        }
    }

    /// Prints the error and returns the exit code. Every error is one `miette` diagnostic,
    /// with the user's text (paths, values) escaped so that it cannot drive the terminal.
    pub(crate) fn report(self) -> i32 {
        set_miette_hook();
        let shown = |t: &str| launchcast_model::printable(t).into_owned();
        let (diagnostic, code): (miette::Report, i32) = match self {
            CliError::Model(e) => (miette::Report::new(e), 2),
            CliError::Input { message, help } => (
                Plain::new("launchcast::input", shown(&message), shown(&help)).into(),
                2,
            ),
            CliError::Write { path, source } => {
                let help = match source.kind() {
                    std::io::ErrorKind::NotFound => "check that the directory exists",
                    std::io::ErrorKind::PermissionDenied => "check the permissions",
                    std::io::ErrorKind::StorageFull => "free some space",
                    _ => "check that the destination is writable",
                };
                let message = format!("cannot write {}: {source}", path.display());
                (
                    Plain::new("launchcast::output", shown(&message), help.into()).into(),
                    2,
                )
            }
            CliError::Internal(message) => (
                Plain::new(
                    "launchcast::internal",
                    format!("internal error: {}", shown(&message)),
                    "this is a bug in launchcast; please report it with the model file".into(),
                )
                .into(),
                1,
            ),
            CliError::StdoutClosed => return 0,
            CliError::In { context, error } => {
                eprintln!("{}", shown(&context));
                return error.report();
            }
        };
        eprintln!("{diagnostic:?}");
        code
    }
}

/// Reports a command line that does not parse (exit 2) like every other error; `--help` and
/// `--version` print as usual (exit 0).
pub(crate) fn usage(e: clap::Error) -> i32 {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            2
        } else {
            0
        };
    }
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let message = lines
        .next()
        .unwrap_or("the command line is not valid")
        .trim_start_matches("error: ")
        .to_string();
    let help = lines.collect::<Vec<_>>().join("; ");
    CliError::input(message, help).report()
}

/// An error without source text: a message naming the file and value, and how to fix it.
#[derive(Debug)]
struct Plain {
    code: &'static str,
    message: String,
    help: String,
}

impl Plain {
    fn new(code: &'static str, message: String, help: String) -> Plain {
        Plain {
            code,
            message,
            help,
        }
    }
}

impl std::fmt::Display for Plain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Plain {}

impl miette::Diagnostic for Plain {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn std::fmt::Display>)
    }
}

/// Diagnostics wrap at the terminal's width (`COLUMNS` first) on a terminal, and not at all
/// otherwise, so that a logged or piped message keeps each location and value on one line.
fn set_miette_hook() {
    let _ = miette::set_hook(Box::new(|_| {
        let opts = miette::MietteHandlerOpts::new();
        let opts = if std::io::stderr().is_terminal() {
            match std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
                Some(width) if width >= 40 => opts.width(width),
                _ => opts,
            }
        } else {
            opts.wrap_lines(false)
        };
        Box::new(opts.build())
    }));
}

/// Turns a panic, which is always a fault of launchcast, into an internal-error message; the
/// caller then exits with code 1 (see `main`).
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown fault".to_string());
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        CliError::Internal(format!("{what}{place}")).report();
    }));
}

impl From<launchcast_model::ModelError> for CliError {
    fn from(e: launchcast_model::ModelError) -> CliError {
        CliError::Model(e)
    }
}

impl From<launchcast_model::InvalidModel> for CliError {
    fn from(e: launchcast_model::InvalidModel) -> CliError {
        use launchcast_model::InvalidModel as E;
        match e {
            E::Problems(e) => CliError::Model(e),
            E::NoTasks => CliError::input(e.to_string(), e.help().unwrap_or_default()),
        }
    }
}

impl From<launchcast_engine::EngineError> for CliError {
    fn from(e: launchcast_engine::EngineError) -> CliError {
        use launchcast_engine::EngineError as E;
        match e {
            E::TooManyIterations(n) => CliError::input(
                format!("{n} iterations do not fit in memory"),
                "use fewer iterations",
            ),
            other => CliError::Internal(other.to_string()),
        }
    }
}
