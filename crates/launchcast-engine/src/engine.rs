//! The engine's entry points: [`Plan`] compiles a model, [`run`] simulates it, and
//! [`Plan::deterministic`] gives its most-likely schedule.

use launchcast_model::{Selection, ValidModel};

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
    models: Vec<ValidModel>,
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
    pub fn compile(model: &ValidModel) -> Plan {
        Self::compile_selected(model, &model.all_scenarios())
    }

    /// Compiles the scenarios of `selection` (from [`ValidModel::select`] on this model), in
    /// its order. Nothing about a valid model can stop it: validation has ruled out cycles,
    /// unknown ids and correlations without a factor.
    pub fn compile_selected(model: &ValidModel, selection: &Selection) -> Plan {
        // A selection made from another model may name scenarios this one lacks: the plan
        // and the scenario models leave out the same ones, so they stay aligned.
        let selected: Vec<Option<usize>> = selection
            .scenarios()
            .iter()
            .copied()
            .filter(|s| s.is_none_or(|i| i < model.scenarios.len()))
            .collect();
        let compiled = plan::Compiled::new(model, &selected);
        let models = selected.iter().map(|&s| model.scenario(s)).collect();
        Plan { compiled, models }
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

    /// Most-likely schedule of one scenario (an index into [`Plan::scenarios`]; `None` past
    /// them): every duration at its most likely value, every chance taken as success, no
    /// risk. Indexed like the model's tasks.
    pub fn deterministic(&self, scenario: usize) -> Option<Vec<Option<TaskDates>>> {
        let fixed = self.models.get(scenario)?.most_likely();
        let plan = plan::Compiled::new(&fixed, &[None]);
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
        Some(dates)
    }
}

/// Runs `opts.iterations` iterations of every scenario of `plan`.
pub fn run(plan: &Plan, opts: &RunOptions) -> Result<Outcomes, EngineError> {
    crate::run::run(&plan.compiled, opts)
}
