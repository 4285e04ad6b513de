//! Import errors: every error names the file, the place in it and the offending value, and
//! says what to do about it.

use std::fmt;
use std::path::PathBuf;

/// Where in a file an error was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole (unreadable, empty, unknown format).
    File,
    /// A line and column, both counted from 1 (text formats, XML).
    LineColumn {
        /// The line.
        line: usize,
        /// The column, in characters.
        column: usize,
    },
    /// A table, a row (counted from 1 within the table) and a field (XER).
    Table {
        /// The table's name (`TASK`, `TASKPRED`, …).
        table: String,
        /// The row, counted from 1 within the table.
        row: usize,
        /// The field's name.
        field: String,
    },
    /// A record on a line, and a field of it (MPX, PSPLIB).
    Record {
        /// The line, counted from 1.
        line: usize,
        /// The record's type or number.
        record: String,
        /// The field's name.
        field: String,
    },
    /// An XML element path such as `Project/Tasks/Task[3]/Duration`, with its line.
    Element {
        /// The element's path.
        path: String,
        /// The line the element starts on.
        line: usize,
    },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => f.write_str("file"),
            Place::LineColumn { line, column } => write!(f, "line {line}, column {column}"),
            Place::Table { table, row, field } => {
                write!(f, "table {table}, row {row}")?;
                if !field.is_empty() {
                    write!(f, ", field {field}")?;
                }
                Ok(())
            }
            Place::Record {
                line,
                record,
                field,
            } => {
                write!(f, "line {line}")?;
                if !record.is_empty() {
                    write!(f, ", record {record}")?;
                }
                if !field.is_empty() {
                    write!(f, ", field {field}")?;
                }
                Ok(())
            }
            Place::Element { path, line } => write!(f, "line {line}, element {path}"),
        }
    }
}

/// What went wrong, broadly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The file could not be read.
    Io,
    /// The content is not any schedule format this crate knows.
    UnknownFormat,
    /// The content breaks the syntax of its format (bad XML, truncated table).
    Syntax,
    /// Well-formed, but a value is wrong (a date that does not exist, a link to no task).
    Invalid,
    /// Valid, but uses something the importer does not support yet.
    Unsupported,
}

/// An import failure. `Display` gives `FILE: PLACE: MESSAGE (value `V`); hint: HINT`.
/// Its details are boxed (errors are rare; results stay small) and readable through `Deref`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub struct ImportError(Box<Details>);

/// What an [`ImportError`] says.
#[derive(Clone, Debug, PartialEq)]
pub struct Details {
    /// The file read.
    pub path: PathBuf,
    /// What sort of problem it is.
    pub kind: ErrorKind,
    /// Where in the file.
    pub place: Place,
    /// What is wrong.
    pub message: String,
    /// The offending text, shortened to at most 80 characters.
    pub value: Option<String>,
    /// How to fix it, if there is something to say.
    pub hint: Option<String>,
}

impl std::ops::Deref for ImportError {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.0
    }
}

impl ImportError {
    /// An error of `kind` at `place`.
    pub fn new(kind: ErrorKind, place: Place, message: impl Into<String>) -> ImportError {
        ImportError(Box::new(Details {
            path: PathBuf::new(),
            kind,
            place,
            message: message.into(),
            value: None,
            hint: None,
        }))
    }

    /// Malformed input: the file breaks its format's syntax.
    pub fn syntax(place: Place, message: impl Into<String>) -> ImportError {
        ImportError::new(ErrorKind::Syntax, place, message)
    }

    /// Well-formed input whose content is not acceptable (a cycle, two tasks with one id).
    pub fn invalid(place: Place, message: impl Into<String>) -> ImportError {
        ImportError::new(ErrorKind::Invalid, place, message)
    }

    /// Attaches the offending value (shortened).
    pub fn value(mut self, value: impl AsRef<str>) -> ImportError {
        let v = value.as_ref();
        let mut s: String = v.chars().take(80).collect();
        if v.chars().count() > 80 {
            s.push('…');
        }
        self.0.value = Some(s);
        self
    }

    /// The error with a hint how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> ImportError {
        self.0.hint = Some(hint.into());
        self
    }

    /// Sets the file the error belongs to.
    pub fn in_file(mut self, path: impl Into<PathBuf>) -> ImportError {
        self.0.path = path.into();
        self
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.path.display(),
            self.place,
            self.message
        )?;
        if let Some(v) = &self.value {
            write!(f, " (value `{v}`)")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "; hint: {h}")?;
        }
        Ok(())
    }
}
