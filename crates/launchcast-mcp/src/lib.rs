//! `launchcast mcp`: the Model Context Protocol server, over standard input and output, with
//! the official SDK (`rmcp`). This crate owns the protocol side: the six tools, the JSON
//! Schemas of their arguments, checking the arguments, the limits a server needs (iterations,
//! size of TOML text, one run at a time) and the mapping of failures to tool errors or
//! JSON-RPC errors. The work itself is done by a [`Backend`], which the command line
//! implements with the very functions its commands use, so that every tool answers what the
//! matching command prints.
//!
//! Failures: a model (or other input) that is wrong is a tool error (`isError: true`) whose
//! text is the command line's message and whose structured content lists the problems; an
//! unknown tool or arguments that do not fit the schema are JSON-RPC errors.

mod errors;
mod server;
mod tools;

pub use errors::{ToolError, ToolProblem};
pub use server::serve;
pub use tools::{
    BacktestArgs, Call, CheckArgs, ImportArgs, InspectArgs, RunArgs, Source, WhatIfArgs,
};

/// What a server refuses, whoever asks.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Most iterations of one run (the model's own `program.iterations` included).
    pub max_iterations: u64,
    /// Longest TOML text given as an argument, in bytes (files are read through the model
    /// crate's bounded reader, with its own limit).
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_iterations: 1_000_000,
            max_text_bytes: 256 << 20,
        }
    }
}

impl Limits {
    /// Refuses a run of more than [`Limits::max_iterations`]: a tool error, since the model's
    /// own `program.iterations` may be the cause.
    pub fn check_iterations(&self, iterations: u64) -> Result<(), ToolError> {
        if iterations <= self.max_iterations {
            return Ok(());
        }
        Err(ToolError::message(format!(
            "{iterations} iterations are more than this server's limit of {}; give \
             \"iterations\" of at most {} (the server's --max-iterations sets the limit)",
            self.max_iterations, self.max_iterations
        )))
    }
}

/// The work behind the tools: each call answers the text the matching command prints (JSON
/// for all but `import_schedule`, which gives the model's TOML). Called one at a time.
pub trait Backend: Send + Sync + 'static {
    /// Does the work of one tool call, its arguments already checked against the schema and
    /// the text limit. Runs must check their iterations with [`Limits::check_iterations`].
    fn call(&self, call: &Call, limits: &Limits) -> Result<String, ToolError>;
}
