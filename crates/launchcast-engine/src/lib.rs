//! # launchcast-engine
//!
//! Compiles a validated [`launchcast_model::Model`] into a [`Plan`] (dense `u32` ids, tasks in
//! topological order, flat parameter arrays, one parameter set per scenario) and runs Monte
//! Carlo iterations over it in parallel, producing [`Outcomes`].
//!
//! Random numbers are counter-based: every draw is a pure function of (seed, item id, draw
//! slot, iteration). So results do not depend on thread count or block order, and every
//! scenario sees the same draws for the same items (common random numbers).

mod outcomes;

pub use outcomes::{DAY_FIXED_POINT, Outcomes, ScenarioOutcomes, TASK_HISTOGRAM_BINS, TaskStats};

use launchcast_model::Model;

/// A scenario as the plan knows it: `base` first, then the model's scenarios in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioInfo {
    pub id: String,
    pub name: String,
}

/// A compiled model, ready to simulate.
#[derive(Clone, Debug)]
pub struct Plan {
    scenarios: Vec<ScenarioInfo>,
}

/// How to run.
pub struct RunOptions<'a> {
    pub iterations: u64,
    pub seed: u64,
    /// Worker threads; 0 means one per core. Results do not depend on it.
    pub threads: usize,
    /// Called from workers with the number of iterations just completed.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
}

/// Start and finish of one task in a deterministic (most-likely) schedule, days from start;
/// `None` when the task never happens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TaskDates {
    pub start: f64,
    pub finish: f64,
}

/// Why a model could not be compiled or run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("unknown scenario `{0}`")]
    UnknownScenario(String),
    #[error("failed to start {threads} worker threads: {message}")]
    ThreadPool { threads: usize, message: String },
}

impl Plan {
    /// Compiles `base` and every scenario of the model.
    pub fn compile(model: &Model) -> Result<Plan, EngineError> {
        Self::compile_selected(model, &[])
    }

    /// Compiles only the scenarios named in `ids` (`"base"` names the model as written);
    /// all of them when `ids` is empty.
    pub fn compile_selected(_model: &Model, _ids: &[String]) -> Result<Plan, EngineError> {
        todo!()
    }

    pub fn scenarios(&self) -> &[ScenarioInfo] {
        &self.scenarios
    }

    /// Most-likely schedule of one scenario: every duration at its most likely value, every
    /// chance taken as success, no risk. Indexed like the model's tasks.
    pub fn deterministic(&self, _scenario: usize) -> Vec<Option<TaskDates>> {
        todo!()
    }
}

/// Runs `opts.iterations` iterations of every scenario of `plan`.
pub fn run(_plan: &Plan, _opts: &RunOptions) -> Result<Outcomes, EngineError> {
    todo!()
}
