//! What goes wrong, and the Python exception each becomes: bad model or schedule input is
//! `launchcast.ModelError` (a `ValueError`) carrying the first problem's file, line, column,
//! key path and message, every problem, and the text the command line prints; other bad
//! arguments are `ValueError` or `TypeError`; a fault of launchcast is `RuntimeError`.

use pyo3::exceptions::{PyOSError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

pyo3::create_exception!(
    launchcast,
    ModelError,
    PyValueError,
    "A model, schedule or rules file that cannot be used. Attributes: file, line, column \
     (from 1; 0 when the problem is about the whole file), key_path (e.g. \
     `task[2].duration`), message and help of the first problem; problems (every problem, \
     as dicts); text (the whole message, as `launchcast` prints it)."
);

/// One located problem, as `launchcast.ModelError` shows it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Located {
    pub(crate) file: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) key_path: String,
    pub(crate) message: String,
    pub(crate) help: String,
}

/// A failure of a call, turned into a Python exception by [`Error::into_py`].
#[derive(Debug)]
pub(crate) enum Error {
    /// Bad input with located problems (first first) and the full text.
    Model {
        problems: Vec<Located>,
        text: String,
    },
    /// A bad argument value.
    Value(String),
    /// An argument of the wrong type.
    Type(String),
    /// A file that cannot be read or written.
    Io(String),
    /// A fault of launchcast.
    Internal(String),
    /// An exception already raised in Python (Ctrl-C, a failing `__fspath__`).
    Python(PyErr),
}

impl Error {
    /// Bad input about a whole file or argument, with a hint.
    pub(crate) fn input(file: &str, message: impl Into<String>, help: impl Into<String>) -> Error {
        let message = message.into();
        let help = help.into();
        let mut text = format!("{message}\n");
        if !help.is_empty() {
            text.push_str(&format!("  help: {help}\n"));
        }
        Error::Model {
            problems: vec![Located {
                file: file.to_string(),
                message,
                help,
                ..Located::default()
            }],
            text,
        }
    }

    /// The exception to raise.
    pub(crate) fn into_py(self, py: Python<'_>) -> PyErr {
        match self {
            Error::Model { problems, text } => model_error(py, &problems, text),
            Error::Value(m) => PyValueError::new_err(m),
            Error::Type(m) => PyTypeError::new_err(m),
            Error::Io(m) => PyOSError::new_err(m),
            Error::Internal(m) => PyRuntimeError::new_err(format!(
                "internal error: {m} (this is a bug in launchcast; please report it with the model)"
            )),
            Error::Python(e) => e,
        }
    }
}

/// `launchcast.ModelError(text)` with its attributes set; attributes that cannot be set
/// leave the exception as it is (its text still says everything).
fn model_error(py: Python<'_>, problems: &[Located], text: String) -> PyErr {
    let err = ModelError::new_err(text.clone());
    let value = err.value(py);
    let first = problems.first().cloned().unwrap_or_default();
    let list = PyList::empty(py);
    for p in problems {
        let d = PyDict::new(py);
        let _ = d.set_item("file", &p.file);
        let _ = d.set_item("line", p.line);
        let _ = d.set_item("column", p.column);
        let _ = d.set_item("key_path", &p.key_path);
        let _ = d.set_item("message", &p.message);
        let _ = d.set_item("help", &p.help);
        let _ = list.append(d);
    }
    let _ = value.setattr("file", first.file);
    let _ = value.setattr("line", first.line);
    let _ = value.setattr("column", first.column);
    let _ = value.setattr("key_path", first.key_path);
    let _ = value.setattr("message", first.message);
    let _ = value.setattr("help", first.help);
    let _ = value.setattr("problems", list);
    let _ = value.setattr("text", text);
    err
}

/// The diagnostic as the command line prints it to a file or pipe: no colours, lines not
/// wrapped, the source shown around each problem.
fn render(diagnostic: &dyn miette::Diagnostic) -> String {
    let mut out = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_wrap_lines(false);
    if handler.render_report(&mut out, diagnostic).is_err() {
        out = diagnostic.to_string();
    }
    out
}

impl From<launchcast_model::ModelError> for Error {
    fn from(e: launchcast_model::ModelError) -> Error {
        let problems = e
            .problems()
            .iter()
            .map(|p| Located {
                file: p.file.clone(),
                line: p.line,
                column: p.column,
                key_path: p.key_path.clone(),
                message: p.message.clone(),
                help: p.help.clone().unwrap_or_default(),
            })
            .collect();
        Error::Model {
            problems,
            text: render(&e),
        }
    }
}

impl From<launchcast_model::InvalidModel> for Error {
    fn from(e: launchcast_model::InvalidModel) -> Error {
        use launchcast_model::InvalidModel as E;
        match e {
            E::Problems(e) => e.into(),
            E::NoTasks => Error::input("", e.to_string(), e.help().unwrap_or_default()),
        }
    }
}

impl From<launchcast_import::ImportError> for Error {
    fn from(e: launchcast_import::ImportError) -> Error {
        let file = e.path.display().to_string();
        let (line, column) = match &e.place {
            launchcast_import::Place::LineColumn { line, column } => (*line, *column),
            _ => (0, 0),
        };
        let mut message = e.message.clone();
        if let Some(v) = &e.value {
            message.push_str(&format!(" (value `{v}`)"));
        }
        let help = e.hint.clone().unwrap_or_default();
        let mut text = format!("{file}: {}: {message}\n", e.place);
        if !help.is_empty() {
            text.push_str(&format!("  help: {help}\n"));
        }
        Error::Model {
            problems: vec![Located {
                file,
                line,
                column,
                key_path: String::new(),
                message,
                help,
            }],
            text,
        }
    }
}

impl From<launchcast_import::RulesError> for Error {
    fn from(e: launchcast_import::RulesError) -> Error {
        let mut message = e.message.clone();
        if let Some(v) = &e.value {
            message.push_str(&format!(" (value `{v}`)"));
        }
        let help = e.hint.clone().unwrap_or_default();
        let mut text = e.file.clone();
        if e.line > 0 {
            text.push_str(&format!(":{}:{}", e.line, e.column));
        }
        text.push_str(&format!(": {message}\n"));
        if !help.is_empty() {
            text.push_str(&format!("  help: {help}\n"));
        }
        Error::Model {
            problems: vec![Located {
                file: e.file.clone(),
                line: e.line,
                column: e.column,
                key_path: String::new(),
                message,
                help,
            }],
            text,
        }
    }
}

impl From<launchcast_engine::EngineError> for Error {
    fn from(e: launchcast_engine::EngineError) -> Error {
        use launchcast_engine::EngineError as E;
        match e {
            E::TooManyIterations(n) => Error::Value(format!(
                "{n} iterations do not fit in memory: use fewer iterations"
            )),
            other => Error::Internal(other.to_string()),
        }
    }
}

impl From<PyErr> for Error {
    fn from(e: PyErr) -> Error {
        Error::Python(e)
    }
}
