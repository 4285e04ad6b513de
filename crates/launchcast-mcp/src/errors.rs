//! A tool's failure: the message the command line would print, and the problems as data.

use serde::Serialize;

/// A failed tool call, returned to the client as a tool error (`isError: true`).
#[derive(Debug, Clone, Serialize)]
pub struct ToolError {
    /// The whole message, as the command line prints it (file:line:column: key: message,
    /// and its help).
    pub message: String,
    /// Each problem found, where it is known (a model that does not validate).
    pub problems: Vec<ToolProblem>,
}

/// One problem in an input file or text, located.
#[derive(Debug, Clone, Serialize)]
pub struct ToolProblem {
    /// The file (or the name given to TOML text).
    pub file: String,
    /// 1-based line; 0 when not known.
    pub line: usize,
    /// 1-based column in characters; 0 when not known.
    pub column: usize,
    /// Where in the model, e.g. `task[3].after[1]`; empty when not known.
    pub key_path: String,
    /// What is wrong, with the offending value.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl ToolError {
    /// A failure without located problems.
    pub fn message(message: impl Into<String>) -> ToolError {
        ToolError {
            message: message.into(),
            problems: Vec::new(),
        }
    }
}
