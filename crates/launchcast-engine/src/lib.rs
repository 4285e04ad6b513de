//! # launchcast-engine
//!
//! Compiles a [`launchcast_model::ValidModel`] into a [`Plan`] (dense typed indices, tasks in
//! topological order, flat parameter arrays, one parameter set per scenario), which cannot
//! fail: validation has ruled out everything that could stop it. Then runs Monte
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
//! Where things live: `engine` ([`Plan`], [`run`]), `plan` (model → dense arrays, fast-kernel
//! slots), `index` (the plan's index spaces as types), `simd` (lanes, and the instruction sets
//! as tokens from run-time detection), `calendar` (working-time tables: a task on a calendar
//! finishes when its work is done), `sampler` (compiled distributions), `rng` (counter-based
//! draws), `kernel` (one forward pass over 32 iterations side by side; a fast version for most
//! lanes and a full one that records everything for a subsample), `run` (blocks of iterations
//! in parallel, columns and shared statistics), `outcomes` (what a run returns), `error`.
//! Everything public is exported here, at the crate root, and only here.
//!
//! A validated model in, outcomes out:
//!
//! ```
//! use launchcast_engine::{Plan, RunOptions, run};
//!
//! let text = r#"
//! [program]
//! name = "Test stand"
//! start = 2025-01-01
//! horizon = 2027-12-31
//!
//! [[task]]
//! id = "build"
//! duration = "tri(20d, 30d, 60d)"
//!
//! [[task]]
//! id = "test"
//! duration = "uniform(5d, 15d)"
//! after = ["build"]
//! "#;
//! // Reading validates the model; the engine compiles any valid model.
//! let model = launchcast_model::ValidModel::parse(text, "stand.toml")?;
//! let plan = Plan::compile(&model);
//! assert_eq!(plan.tasks(), 2);
//! let options = RunOptions {
//!     iterations: 10_000,
//!     seed: 1,
//!     threads: 0,
//!     progress: None,
//!     statistics: true,
//! };
//! let outcomes = run(&plan, &options)?;
//! // One scenario (the model as written), the program's finish in every iteration: at least
//! // 25 and at most 75 days after the start.
//! let finish = &outcomes.scenarios[0].headline_days;
//! assert_eq!(finish.len(), 10_000);
//! assert!(finish.iter().all(|&days| (25.0..=75.0).contains(&days)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Lane loops index several equal-length arrays in step (`out[l] = a[l] + b[l]`): clearer
// than nested zips, and what the vectoriser handles best.
#![allow(clippy::needless_range_loop)]

mod calendar;
mod engine;
mod error;
mod index;
mod kernel;
mod outcomes;
mod parts;
mod plan;
mod rng;
mod run;
mod sampler;
mod simd;
#[cfg(test)]
mod synthetic;

pub use engine::{Change, ChangedRuns, Plan, TaskDates, memory_budget, run};
pub use error::EngineError;
pub use outcomes::{
    DAY_FIXED_POINT, HeadlineOutcomes, MAX_ROWS, Outcomes, Rows, ScenarioOutcomes,
    TASK_HISTOGRAM_BINS, TASK_SAMPLE_TARGET, TaskStats, nearest_rank, sample_target,
};
pub use parts::{Merge, MergeError, Part, run_part};
pub use plan::ScenarioInfo;
pub use run::RunOptions;
