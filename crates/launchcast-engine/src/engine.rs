//! The engine's entry points: [`Plan`] compiles a model, [`run`] simulates it, and
//! [`Plan::deterministic`] gives its most-likely schedule.

use launchcast_model::{Dist, Selection, ValidModel};

use crate::error::EngineError;
use crate::index::{Id, RiskId, Row, TaskId};
use crate::kernel::{self, Graph};
use crate::outcomes::{HeadlineOutcomes, Outcomes};
use crate::plan::{self, ScenarioInfo};
use crate::run::{RunOptions, Variant, VariantChange, run_variants};
use crate::sampler::{Sampler, Tables};

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
    /// The compiled arrays, for the runners.
    pub(crate) fn compiled(&self) -> &plan::Compiled {
        &self.compiled
    }

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

/// A change of the model whose effect drivers measure (see [`Plan::run_changes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Risk `index` (model order) with chance 0: [`ValidModel::without_risk`].
    WithoutRisk(usize),
    /// Task `index` (model order) with its duration fixed at its most likely value, at least
    /// 0: [`ValidModel::with_duration_fixed`].
    DurationFixed(usize),
}

/// A plan's run and its changed runs, from [`Plan::run_changes`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChangedRuns {
    /// The plan's own run, per scenario.
    pub base: Vec<HeadlineOutcomes>,
    /// Per change: `None` when it was not run this way (run the changed model instead),
    /// else per scenario its run, `None` where it was not asked for.
    pub changed: Vec<Option<Vec<Option<HeadlineOutcomes>>>>,
}

impl Plan {
    /// Runs the plan and, for each change, the plan of the changed model in the scenarios
    /// its flags ask for (plan order), all with `opts` (no per-task statistics are made):
    /// the same headline and promises, bit for bit, as [`run`] on
    /// `Plan::compile_selected(&changed_model, selection)` gives, at a fraction of the cost.
    /// Per lane group of iterations the plan is simulated once, and each change redoes only
    /// the tasks from the first it acts on (none if it cannot reach the headline or a
    /// promise).
    ///
    /// Left out (`None`), for the caller to run in full: a change of a task whose duration
    /// is correlated (fixing it may change its group's factor), an index the model lacks.
    /// Progress counts each block's iterations once per run made.
    pub fn run_changes(
        &self,
        changes: &[(Change, Vec<bool>)],
        opts: &RunOptions,
    ) -> Result<ChangedRuns, EngineError> {
        let c = &self.compiled;
        let tasks = c.order.len();
        let graph = Graph::new(c);
        let mut variants = Vec::new();
        let mut index = Vec::with_capacity(changes.len());
        for (change, active) in changes {
            let variant = match *change {
                Change::WithoutRisk(r) if r < c.risk_kind.len() => {
                    Some(VariantChange::NoRisk(RiskId::from_index(r)))
                }
                Change::DurationFixed(t) if t < tasks => {
                    let pos = c.position[TaskId::from_index(t)];
                    c.duration_slot[pos].is_none().then(|| {
                        let samplers = self
                            .models
                            .iter()
                            .map(|m| {
                                let v = m.tasks.get(t).map_or(0.0, |t| t.duration.most_likely());
                                Sampler::new(&Dist::Fixed(v.max(0.0)), true, &mut Tables::default())
                            })
                            .collect();
                        VariantChange::Duration(pos, samplers)
                    })
                }
                _ => None,
            };
            index.push(variant.as_ref().map(|_| variants.len()));
            if let Some(change) = variant {
                variants.push(Variant {
                    change,
                    active: active.clone(),
                });
            }
        }
        let by_position = c.by_position();
        let runs = run_variants(&by_position, &graph, &variants, opts)?;
        let mut runs_of: Vec<Option<Vec<Option<HeadlineOutcomes>>>> =
            runs.variants.into_iter().map(Some).collect();
        Ok(ChangedRuns {
            base: runs.base,
            changed: index
                .into_iter()
                .map(|i| i.and_then(|i| runs_of[i].take()))
                .collect(),
        })
    }
}

/// Runs `opts.iterations` iterations of every scenario of `plan`.
pub fn run(plan: &Plan, opts: &RunOptions) -> Result<Outcomes, EngineError> {
    crate::run::run(&plan.compiled, opts)
}

/// How much memory a run's per-iteration results ([`Plan::iteration_bytes`]) may take: half
/// of this machine's memory (from `/proc/meminfo`), or 8 GiB where that cannot be read.
pub fn memory_budget() -> u64 {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib.saturating_mul(1024))
        });
    total.map_or(8 << 30, |t| t / 2)
}
