//! A run as `launchcast run` makes it: the scenarios selected, the plan compiled, the
//! iterations simulated, summarised, the drivers measured. The iterations are simulated in
//! parts ([`launchcast_engine::run_part`]) merged exactly ([`launchcast_engine::Merge`]), each
//! with the GIL released; between parts a pending Ctrl-C (or any signal handler that raises)
//! stops the run with its exception. The merged outcomes are those of one whole run, value for
//! value, so the JSON is the command line's byte for byte.

use launchcast_engine::{Merge, Outcomes, Part, Plan, RunOptions};
use launchcast_model::ValidModel;
use launchcast_report::Summary;
use pyo3::prelude::*;

use crate::errors::Error;

/// How to run: `None` takes the model's own value.
pub(crate) struct Options {
    pub(crate) iterations: Option<u64>,
    pub(crate) seed: Option<u64>,
    pub(crate) scenarios: Vec<String>,
    pub(crate) threads: usize,
    pub(crate) drivers: bool,
}

/// A finished run: what the renderers read.
pub(crate) struct Finished {
    pub(crate) model: ValidModel,
    pub(crate) summary: Summary,
    pub(crate) outcomes: Outcomes,
}

/// Iterations per part: long enough that a part keeps every core busy (16 blocks of 4,096
/// on two workers), short enough that Ctrl-C is answered within a fraction of a second on a
/// model of thousands of tasks.
const PART_ITERATIONS: u64 = 65_536;

/// The scenarios and iterations `opts` ask of `model`, checked as `launchcast run` checks them.
pub(crate) fn selection_and_iterations(
    model: &ValidModel,
    opts: &Options,
) -> Result<(launchcast_model::Selection, u64), Error> {
    let selection = model
        .select(&opts.scenarios)
        .map_err(|e| Error::Value(format!("{e}; {}", e.help())))?;
    let iterations = opts.iterations.unwrap_or(model.program.iterations);
    if let Some((_, message, help)) = launchcast_model::iterations_problem(i128::from(iterations)) {
        return Err(Error::Value(format!(
            "iterations={iterations}: {message}; {help}"
        )));
    }
    Ok((selection, iterations))
}

/// Runs `model` as `launchcast run` does with these options.
pub(crate) fn simulate(
    py: Python<'_>,
    model: ValidModel,
    opts: &Options,
) -> Result<Finished, Error> {
    let (selection, iterations) = selection_and_iterations(&model, opts)?;
    let seed = opts.seed.unwrap_or(model.program.seed);
    let plan = py.detach(|| Plan::compile_selected(&model, &selection));
    check_memory(&plan, iterations)?;
    let run = RunOptions {
        iterations,
        seed,
        threads: opts.threads,
        progress: None,
        statistics: true,
    };
    let count = iterations.div_ceil(PART_ITERATIONS).max(1);
    let mut merge = Merge::new(iterations, count);
    for k in 0..count {
        let part = Part::new(k, count).ok_or_else(|| Error::Internal("no such part".into()))?;
        let outcomes = py.detach(|| launchcast_engine::run_part(&plan, &run, part))?;
        merge
            .add(part, outcomes)
            .map_err(|e| Error::Internal(e.to_string()))?;
        py.check_signals()?;
    }
    let outcomes = merge.finish().map_err(|e| Error::Internal(e.to_string()))?;
    let summary = py.detach(|| {
        launchcast_report::summarize_with_drivers(
            &model,
            &selection,
            plan.scenarios(),
            &outcomes,
            opts.drivers.then_some(&run),
        )
    })?;
    py.check_signals()?;
    Ok(Finished {
        model,
        summary,
        outcomes,
    })
}

/// As the command line: a run keeps a few numbers per iteration and scenario; refuse one whose
/// numbers cannot fit in half of this machine's memory rather than let the process be killed.
pub(crate) fn check_memory(plan: &Plan, iterations: u64) -> Result<(), Error> {
    let budget = launchcast_engine::memory_budget();
    let need = plan.iteration_bytes(iterations);
    if need <= budget {
        return Ok(());
    }
    let fit = (budget / plan.iteration_bytes(1).max(1)).max(1);
    Err(Error::Value(format!(
        "iterations={iterations} keep {:.1} GiB of results, more than half of this machine's \
         memory: use at most {fit} iterations, or fewer scenarios",
        need as f64 / f64::from(1u32 << 30)
    )))
}
