//! What can go wrong at the command line, and the exit code of each.

use std::path::PathBuf;

/// A failure of a command, reported on standard error.
#[derive(Debug)]
pub enum CliError {
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
}

impl CliError {
    pub fn input(message: impl Into<String>, help: impl Into<String>) -> CliError {
        CliError::Input {
            message: message.into(),
            help: help.into(),
        }
    }

    /// Prints the error and returns the exit code.
    pub fn report(self) -> i32 {
        match self {
            CliError::Model(e) => {
                eprintln!("{:?}", miette::Report::new(e));
                2
            }
            CliError::Input { message, help } => {
                eprintln!("error: {message}");
                if !help.is_empty() {
                    eprintln!("  help: {help}");
                }
                2
            }
            CliError::Write { path, source } => {
                eprintln!("error: cannot write {}: {source}", path.display());
                eprintln!("  help: check that the directory exists and is writable");
                2
            }
            CliError::Internal(message) => {
                eprintln!("internal error: {message}");
                eprintln!("  this is a bug in launchcast; please report it with the model file");
                1
            }
        }
    }
}

impl From<launchcast_model::ModelError> for CliError {
    fn from(e: launchcast_model::ModelError) -> CliError {
        CliError::Model(e)
    }
}

impl From<launchcast_engine::EngineError> for CliError {
    fn from(e: launchcast_engine::EngineError) -> CliError {
        use launchcast_engine::EngineError as E;
        match e {
            E::UnknownScenario(id) => CliError::input(
                format!("unknown scenario `{id}`"),
                "`base` is the model as written; other ids are the model's [[scenario]] ids",
            ),
            E::TooManyIterations(n) => CliError::input(
                format!("{n} iterations do not fit in memory"),
                "use fewer iterations",
            ),
            other => CliError::Internal(other.to_string()),
        }
    }
}
