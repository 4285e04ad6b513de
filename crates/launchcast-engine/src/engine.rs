//! The engine's entry points: [`Plan`] compiles a model, [`run`] simulates it, and
//! [`Plan::deterministic`] gives its most-likely schedule.

use launchcast_model::Model;

use crate::error::EngineError;
use crate::index::{Id, Row};
use crate::kernel;
use crate::outcomes::Outcomes;
use crate::plan::{self, ScenarioInfo};
use crate::run::RunOptions;

/// A compiled model, ready to simulate.
#[derive(Clone, Debug)]
pub struct Plan {
    compiled: plan::Compiled,
    /// The scenario models, for the deterministic schedule.
    models: Vec<Model>,
}

/// Start and finish of one task in a deterministic (most-likely) schedule, days from start;
/// `None` when the task never happens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TaskDates {
    /// Start, days from the program's start.
    pub start: f64,
    /// Finish, days from the program's start.
    pub finish: f64,
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

    /// The compiled scenarios, in the order of a run's results.
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
            let row = Row::full(pos);
            let (start, finish) = (scratch.start_ok[row][0], scratch.finish_ok[row][0]);
            if finish.is_finite() {
                dates[task.index()] = Some(TaskDates {
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
    crate::run::run(&plan.compiled, opts)
}
