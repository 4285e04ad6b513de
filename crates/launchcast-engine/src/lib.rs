//! # launchcast-engine
//!
//! Compiles a validated [`launchcast_model::Model`] into a [`Plan`] (dense `u32` ids, tasks in
//! topological order, flat parameter arrays, one parameter set per scenario) and runs Monte
//! Carlo iterations over it in parallel, producing [`Outcomes`].
//!
//! Simulated time runs from 00:00 of `program.start` to the end of `program.horizon` (the
//! horizon includes its day, like every promise date): an event at any moment of the horizon
//! day happens by the horizon, and its cars and spend count. Later events count as not
//! happening.
//!
//! Random numbers are counter-based: every draw is a pure function of (seed, item id, draw
//! slot, iteration). So results do not depend on thread count or block order, and every
//! scenario sees the same draws for the same items (common random numbers).
//!
//! Per-task finish quantiles come from a histogram of 1,024 bins over each task's own range
//! of finishes (a power-of-two grid coarsened exactly as the range grows): within 1/1,023 of
//! that range of the exact nearest-rank quantile, whatever the horizon, and the same for any
//! partition of the iterations, so for any thread count.
//!
//! Memory: the per-iteration columns, one set of per-task statistics per scenario (4 KB a
//! task), shared by the workers, and per running worker its kernel state and a buffer of
//! sampled finishes (about 3 KB a task). No more workers run than the machine has cores.
//!
//! Where things live: `plan` (model → dense arrays, fast-kernel slots), `calendar`
//! (working-time tables: a task on a calendar finishes when its work is done), `sampler` (compiled
//! distributions), `rng` (counter-based draws), `kernel` (one forward pass over 32 iterations
//! side by side; a fast version for most lanes and a full one that records everything for a
//! subsample), `run` (blocks of iterations in parallel, columns and accumulators),
//! `outcomes` (what a run returns), `synthetic` (benchmark networks).

// Lane loops index several equal-length arrays in step (`out[l] = a[l] + b[l]`): clearer
// than nested zips, and what the vectoriser handles best.
#![allow(clippy::needless_range_loop)]

mod calendar;
mod index;
mod kernel;
mod outcomes;
mod plan;
mod rng;
mod run;
mod sampler;
mod simd;
#[cfg(test)]
mod synthetic;

pub use outcomes::{
    DAY_FIXED_POINT, MAX_ROWS, Outcomes, Rows, ScenarioOutcomes, TASK_HISTOGRAM_BINS,
    TASK_SAMPLE_TARGET, TaskStats, nearest_rank, sample_target,
};

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
    compiled: plan::Compiled,
    /// The scenario models, for the deterministic schedule.
    models: Vec<Model>,
}

/// How to run.
pub struct RunOptions<'a> {
    pub iterations: u64,
    pub seed: u64,
    /// Worker threads; 0 means one per core. No more run than the machine has cores (more
    /// would only wait, each holding its working memory). Results do not depend on it.
    pub threads: usize,
    /// Called from workers with the number of iterations just completed.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Record per-task statistics, criticality and rows (a subsample of iterations runs the
    /// full kernel). Without them only the headline, yearly and promise results are made,
    /// several times faster: what reruns such as drivers need.
    pub statistics: bool,
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
    #[error(
        "the correlations of {0} cannot hold together (not positive definite once converted to normal scores)"
    )]
    Correlation(String),
    #[error("the model has no tasks: there is nothing to simulate")]
    NoTasks,
    #[error("unknown task `{0}`")]
    UnknownTask(String),
    #[error("the tasks form a cycle through `{0}`")]
    Cycle(String),
    #[error("{0} iterations do not fit in memory on this machine")]
    TooManyIterations(u64),
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
    pub fn compile_selected(model: &Model, ids: &[String]) -> Result<Plan, EngineError> {
        if model.tasks.is_empty() {
            return Err(EngineError::NoTasks);
        }
        let mut selected: Vec<Option<usize>> = Vec::new();
        if ids.is_empty() {
            selected.push(None);
            selected.extend((0..model.scenarios.len()).map(Some));
        } else {
            for id in ids {
                let sel = if id == "base" {
                    None
                } else {
                    let i = model.scenarios.iter().position(|s| s.id == *id);
                    Some(i.ok_or_else(|| EngineError::UnknownScenario(id.clone()))?)
                };
                if !selected.contains(&sel) {
                    selected.push(sel);
                }
            }
        }
        let compiled = plan::Compiled::new(model, &selected)?;
        let models = selected.iter().map(|&s| model.scenario_model(s)).collect();
        Ok(Plan { compiled, models })
    }

    pub fn scenarios(&self) -> &[ScenarioInfo] {
        &self.compiled.scenarios
    }

    /// Number of tasks.
    pub fn tasks(&self) -> usize {
        self.compiled.order.len()
    }

    /// Bytes of the results a run of `iterations` keeps for every iteration (the headline,
    /// and deliveries and spend per calendar year where the model can have them, for every
    /// scenario): the part of a run's memory that grows with iterations.
    pub fn iteration_bytes(&self, iterations: u64) -> u64 {
        let c = &self.compiled;
        let year_columns = c.years.len() * (usize::from(c.has_plants) + usize::from(c.has_spend));
        let per_iteration = (c.params.len() * (1 + year_columns) * size_of::<f32>()) as u64;
        iterations.saturating_mul(per_iteration)
    }

    /// Most-likely schedule of one scenario: every duration at its most likely value, every
    /// chance taken as success, no risk. Indexed like the model's tasks.
    pub fn deterministic(&self, scenario: usize) -> Result<Vec<Option<TaskDates>>, EngineError> {
        let Some(model) = self.models.get(scenario) else {
            return Err(EngineError::UnknownScenario(scenario.to_string()));
        };
        let fixed = most_likely(model);
        let plan = plan::Compiled::new(&fixed, &[None])?;
        let mut scratch = kernel::Scratch::new(&plan, 0);
        kernel::simulate_portable::<true>(&plan, &plan.params[0], 0, &mut scratch);
        let mut dates = vec![None; plan.order.len()];
        for (pos, &task) in plan.order.iter_enumerated() {
            let row = index::Row::full(pos);
            let (start, finish) = (scratch.start_ok[row][0], scratch.finish_ok[row][0]);
            if finish.is_finite() {
                dates[index::Id::index(task)] = Some(TaskDates {
                    start: f64::from(start),
                    finish: f64::from(finish),
                });
            }
        }
        Ok(dates)
    }
}

/// The model with every distribution at its most likely value, every chance 1 and no risk.
fn most_likely(model: &Model) -> Model {
    let mut m = model.clone();
    m.scenarios.clear();
    for t in &mut m.tasks {
        t.duration = launchcast_model::Dist::Fixed(t.duration.most_likely().max(0.0));
        t.chance = 1.0;
    }
    for r in &mut m.risks {
        r.chance = 0.0;
    }
    m
}

/// Runs `opts.iterations` iterations of every scenario of `plan`.
pub fn run(plan: &Plan, opts: &RunOptions) -> Result<Outcomes, EngineError> {
    run::run(&plan.compiled, opts)
}
