//! Drivers in days: what each risk and each uncertain task does to the headline date and to
//! the promises, measured by running the model without it.
//!
//! # Method
//!
//! For every driver the model is simulated once more, over all selected scenarios, with the
//! same seed and iterations as the main run (at most [`DRIVER_ITERATIONS`]: beyond that both
//! the baseline and the variants use the main run's first iterations), and with the driver
//! removed:
//!
//! - a risk by setting its chance to 0 (in the base model and in any scenario that sets it);
//! - a task by fixing its duration at its most likely value
//!   ([`launchcast_model::Dist::most_likely`], at least 0), in the base model and in any
//!   scenario that sets its duration (there at the most likely value of the scenario's
//!   distribution).
//!
//! Draws are keyed by (seed, item, slot, iteration), so every other item sees the very same
//! draws in both runs (common random numbers): the differences are the driver's effect, not
//! sampling noise.
//!
//! - `p50_days` / `p80_days`: P50 / P80 of the headline day with the driver (the main run)
//!   minus without it; positive means the driver delays the headline. The quantiles are the
//!   exact nearest-rank ones of [`crate::FirstDelivery`], taken, as there, over the iterations
//!   in which the headline happens by the horizon. So a driver that makes the headline fail
//!   (a `fail` risk) shows in the promises and in `first_delivery.probability` of the two runs
//!   more than in the days, which then compare the iterations that still deliver. `None`
//!   when the headline never happens in one of the two runs.
//! - `promises`: per promise, its probability with the driver minus without it (negative
//!   means the driver costs that promise).
//!
//! # Which drivers
//!
//! In each scenario: every risk that can occur there (not disabled, chance above 0, affecting
//! a task that is not disabled), and every task that is not disabled and whose duration there
//! is not fixed. When a model has more than [`MAX_TASK_DRIVERS`] such tasks, only that many
//! are run: those with the highest max(criticality, |Spearman ρ|) in any selected scenario
//! (see [`crate::Sensitivity`]), ties in model order. Every risk is always run.
//!
//! The model is compiled once and the runs are made together ([`Plan::run_changes`]): per
//! lane group of iterations the model is simulated once, and each driver's run redoes only
//! the tasks from the first it acts on (none when it cannot reach the headline or a
//! promise), which gives the same numbers as a full run of the changed model. A driver it
//! cannot run that way (a task whose duration is correlated) gets a full run of its own.

use launchcast_engine::{
    Change, ChangedRuns, EngineError, HeadlineOutcomes, Outcomes, Plan, RunOptions,
};
use launchcast_model::{Model, Selection, ValidModel};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::analysis::quantiles::column_stats;
use crate::analysis::sensitivity::spearman_by_task;
use crate::analysis::summary::{RankCorrelations, Summary};
use crate::analysis::summary::{round1, round4};

/// At most this many tasks are run as drivers (the rest are not measured).
pub const MAX_TASK_DRIVERS: usize = 30;

/// What a driver is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DriverKind {
    /// A `[[risk]]`, removed by setting its chance to 0.
    Risk,
    /// A task with an uncertain duration, removed by fixing it at its most likely value.
    Task,
}

impl DriverKind {
    /// `risk` or `task`, as in the JSON result.
    pub fn as_str(self) -> &'static str {
        match self {
            DriverKind::Risk => "risk",
            DriverKind::Task => "task",
        }
    }
}

/// One driver's effect in one scenario (see the module docs for how it is measured).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    /// Risk or task id.
    pub id: String,
    /// Whether `id` names a risk or a task.
    pub kind: DriverKind,
    /// Days added to the P50 of the headline, to 0.1 day.
    pub p50_days: Option<f64>,
    /// Days added to the P80 of the headline, to 0.1 day.
    pub p80_days: Option<f64>,
    /// Per promise id (model order): change in its probability, to 4 decimals.
    pub promises: PromiseChanges,
    /// The risk's or task's name (empty when it has none).
    #[serde(default)]
    pub name: String,
}

/// Change in each promise's probability, in model order; a JSON object keyed by promise id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PromiseChanges(pub Vec<(String, f64)>);

impl PromiseChanges {
    /// The change in promise `id`'s probability, if it was measured.
    pub fn get(&self, id: &str) -> Option<f64> {
        self.0.iter().find(|(k, _)| k == id).map(|&(_, v)| v)
    }
}

impl Serialize for PromiseChanges {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for PromiseChanges {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PromiseChanges;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of promise id to a change in probability")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PromiseChanges, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = map.next_entry::<String, f64>()? {
                    v.push(entry);
                }
                Ok(PromiseChanges(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// The name of risk or task `id` (`kind` says which; either, tasks first, when `None`), if
/// the model has it.
pub(crate) fn item_name<'a>(
    model: &'a Model,
    kind: Option<DriverKind>,
    id: &str,
) -> Option<&'a str> {
    let task = || {
        model
            .tasks
            .iter()
            .find(|t| t.id == id)
            .map(|t| t.name.as_str())
    };
    let risk = || {
        model
            .risks
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.name.as_str())
    };
    match kind {
        Some(DriverKind::Risk) => risk(),
        Some(DriverKind::Task) => task(),
        None => task().or_else(risk),
    }
}

/// A driver to measure: which item, and in which selected scenarios it can act.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Risk or task id.
    pub id: String,
    /// Whether `id` names a risk or a task.
    pub kind: DriverKind,
    /// Index in the model's risks or tasks.
    pub index: usize,
    /// Per selected scenario (plan order): whether it can act there.
    pub active: Vec<bool>,
}

/// The drivers [`drivers`] measures for a run of `model` over the scenarios of `selection`, in
/// the order it runs them: risks in model order, then tasks in model order (at most
/// [`MAX_TASK_DRIVERS`], chosen as the module docs say). Its length is the number of extra
/// engine runs.
pub fn driver_candidates(
    model: &ValidModel,
    selection: &Selection,
    outcomes: &Outcomes,
) -> Vec<Candidate> {
    choose(model, selection, || exact_scores(model, outcomes))
}

/// [`driver_candidates`] with the rank correlations [`crate::summarize_ranked`] computed for
/// the same `model` and `outcomes`, rather than computing them again.
pub fn driver_candidates_ranked(
    model: &ValidModel,
    selection: &Selection,
    outcomes: &Outcomes,
    ranks: &RankCorrelations,
) -> Vec<Candidate> {
    let tasks = model.tasks.len();
    let matches =
        ranks.0.len() == outcomes.scenarios.len() && ranks.0.iter().all(|rho| rho.len() == tasks);
    if !matches {
        return driver_candidates(model, selection, outcomes);
    }
    let rho = ranks.0.iter().map(Vec::as_slice);
    choose(model, selection, || scores(outcomes, rho, tasks))
}

/// Per model task: max(criticality, |Spearman ρ|) over the selected scenarios.
fn exact_scores(model: &ValidModel, outcomes: &Outcomes) -> Vec<f64> {
    let rho: Vec<Vec<Option<f64>>> = outcomes
        .scenarios
        .iter()
        .map(|so| spearman_by_task(model, so))
        .collect();
    scores(outcomes, rho.iter().map(Vec::as_slice), model.tasks.len())
}

/// Per task: max(criticality, |ρ|) over the scenarios, `rho` giving each scenario's ρ per
/// task.
fn scores<'a>(
    outcomes: &Outcomes,
    rho: impl Iterator<Item = &'a [Option<f64>]>,
    tasks: usize,
) -> Vec<f64> {
    let mut score = vec![0.0f64; tasks];
    for (so, rho) in outcomes.scenarios.iter().zip(rho) {
        for (t, s) in score.iter_mut().enumerate() {
            *s = s
                .max(so.tasks.criticality(t).min(1.0))
                .max(rho.get(t).copied().flatten().map_or(0.0, f64::abs));
        }
    }
    score
}

/// The candidates, tasks ranked by `scores` (per model task) when
/// there are more than [`MAX_TASK_DRIVERS`].
fn choose(
    model: &ValidModel,
    selection: &Selection,
    scores: impl FnOnce() -> Vec<f64>,
) -> Vec<Candidate> {
    let scenario_models: Vec<Model> = selection
        .scenarios()
        .iter()
        .map(|&s| model.scenario_model(s))
        .collect();
    let mut out = Vec::new();
    for (r, risk) in model.risks.iter().enumerate() {
        let active: Vec<bool> = scenario_models
            .iter()
            .map(|m| {
                let risk = &m.risks[r];
                !risk.disabled
                    && risk.chance > 0.0
                    && risk
                        .tasks
                        .iter()
                        .any(|t| m.tasks.iter().any(|x| x.id == *t && !x.disabled))
            })
            .collect();
        if active.iter().any(|&a| a) {
            out.push(Candidate {
                id: risk.id.clone(),
                kind: DriverKind::Risk,
                index: r,
                active,
            });
        }
    }
    let mut tasks: Vec<Candidate> = Vec::new();
    for (t, task) in model.tasks.iter().enumerate() {
        let active: Vec<bool> = scenario_models
            .iter()
            .map(|m| !m.tasks[t].disabled && !m.tasks[t].duration.is_fixed())
            .collect();
        if active.iter().any(|&a| a) {
            tasks.push(Candidate {
                id: task.id.clone(),
                kind: DriverKind::Task,
                index: t,
                active,
            });
        }
    }
    if tasks.len() > MAX_TASK_DRIVERS {
        let score = scores();
        // Highest score first; the sort is stable, so ties stay in model order.
        let mut ranked: Vec<usize> = (0..tasks.len()).collect();
        ranked.sort_by(|&a, &b| score[tasks[b].index].total_cmp(&score[tasks[a].index]));
        ranked.truncate(MAX_TASK_DRIVERS);
        ranked.sort_unstable();
        tasks = ranked.into_iter().map(|i| tasks[i].clone()).collect();
    }
    out.extend(tasks);
    out
}

/// `model` without `candidate`: the risk's chance 0, or the task's duration fixed at its most
/// likely value, in the base model and in every scenario's settings.
fn without(model: &ValidModel, candidate: &Candidate) -> ValidModel {
    match candidate.kind {
        DriverKind::Risk => model.without_risk(candidate.index),
        DriverKind::Task => model.with_duration_fixed(candidate.index),
    }
}

/// Drivers are measured over at most this many iterations (the main run's first ones), so
/// their cost stays a fraction of a long run's; their standard error is that of this many
/// iterations, and common random numbers make the differences far more precise than that.
pub const DRIVER_ITERATIONS: u64 = 20_000;

/// A change in probability to 4 decimals, never rounded to 0 when it is not 0 (a change of
/// one iteration in 30,000 is ±0.0001), so that "no change" means none.
fn change4(x: f64) -> f64 {
    let r = round4(x);
    if r == 0.0 && x != 0.0 {
        0.0001_f64.copysign(x)
    } else {
        r
    }
}

/// P50 and P80 of a headline column (over the iterations in which it happens).
fn p50_p80(headline: &[f32]) -> (Option<f32>, Option<f32>) {
    let s = column_stats(headline, &[0.5, 0.8]);
    (s.quantiles[0], s.quantiles[1])
}

fn days_added(with: Option<f32>, without: Option<f32>) -> Option<f64> {
    Some(round1(f64::from(with?) - f64::from(without?)))
}

/// Drivers in days of every selected scenario: `outcomes` is the main run of
/// `Plan::compile_selected(model, selection)` with `opts.seed` and `opts.iterations`; one more
/// run per [`driver_candidates`] entry is made with `opts` (its progress callback included).
/// Returns, per scenario in plan order, the drivers that can act there, by `p80_days`
/// (largest first; `None` last), ties by `p50_days`, then risks before tasks in model order.
pub fn drivers(
    model: &ValidModel,
    selection: &Selection,
    outcomes: &Outcomes,
    opts: &RunOptions,
) -> Result<Vec<Vec<Driver>>, EngineError> {
    let candidates = driver_candidates(model, selection, outcomes);
    measure_drivers(model, selection, &candidates, opts)
}

/// [`measure_drivers`] written into each scenario of `summary` (the summary of the same
/// model, selection and main run, in selection order): what every front end does with them.
pub fn add_drivers(
    summary: &mut Summary,
    model: &ValidModel,
    selection: &Selection,
    candidates: &[Candidate],
    opts: &RunOptions,
) -> Result<(), EngineError> {
    let drivers = measure_drivers(model, selection, candidates, opts)?;
    for (scenario, list) in summary.scenarios.iter_mut().zip(drivers) {
        scenario.drivers = list;
    }
    Ok(())
}

/// The summary of a run of `model` (its `scenarios` and `outcomes`) and, with `drivers`
/// (the run's iterations, seed and threads; its statistics are not kept), the drivers in
/// days: the steps every front end takes, in one call for those that report nothing
/// between them (a merge of parts, Python).
pub fn summarize_with_drivers(
    model: &ValidModel,
    selection: &Selection,
    scenarios: &[launchcast_engine::ScenarioInfo],
    outcomes: &Outcomes,
    drivers: Option<&RunOptions>,
) -> Result<Summary, EngineError> {
    let (mut summary, ranks) = crate::summarize_ranked(model, scenarios, outcomes);
    if let Some(run) = drivers {
        let candidates = driver_candidates_ranked(model, selection, outcomes, &ranks);
        let run = RunOptions {
            statistics: false,
            ..*run
        };
        add_drivers(&mut summary, model, selection, &candidates, &run)?;
    }
    Ok(summary)
}

/// [`drivers`] for candidates already chosen (by [`driver_candidates`] on the same model,
/// selection and main run). The model is compiled once and every candidate is run as a change of that
/// plan ([`Plan::run_changes`]), all in one pass over the iterations; a candidate it leaves
/// out is run in full on its own changed model. Either way the same numbers.
pub fn measure_drivers(
    model: &ValidModel,
    selection: &Selection,
    candidates: &[Candidate],
    opts: &RunOptions,
) -> Result<Vec<Vec<Driver>>, EngineError> {
    // Drivers compare runs of the first DRIVER_ITERATIONS iterations at most: the same draws
    // as the main run's first iterations, against a baseline of that length made in the
    // same pass, so common random numbers stay exact.
    let n = opts.iterations.min(DRIVER_ITERATIONS);
    // Drivers need only the headline and the promises: no per-task statistics.
    let opts = &RunOptions {
        iterations: n,
        statistics: false,
        ..*opts
    };
    let plan = Plan::compile_selected(model, selection);
    let changes: Vec<(Change, Vec<bool>)> = candidates
        .iter()
        .map(|c| {
            let change = match c.kind {
                DriverKind::Risk => Change::WithoutRisk(c.index),
                DriverKind::Task => Change::DurationFixed(c.index),
            };
            (change, c.active.clone())
        })
        .collect();
    let ChangedRuns { base, changed } = plan.run_changes(&changes, opts)?;
    let with: Vec<(Option<f32>, Option<f32>)> =
        base.iter().map(|so| p50_p80(&so.headline_days)).collect();
    let mut out: Vec<Vec<Driver>> = vec![Vec::new(); base.len()];
    for (c, changed) in candidates.iter().zip(changed) {
        let changed: Vec<Option<HeadlineOutcomes>> = match changed {
            Some(per_scenario) => per_scenario,
            None => {
                let plan = Plan::compile_selected(&without(model, c), selection);
                launchcast_engine::run(&plan, opts)?
                    .scenarios
                    .into_iter()
                    .map(|so| Some(so.into()))
                    .collect()
            }
        };
        for (s, (so, with)) in base.iter().zip(&with).enumerate() {
            if !c.active.get(s).copied().unwrap_or(false) {
                continue;
            }
            let Some(Some(alt)) = changed.get(s) else {
                continue;
            };
            out[s].push(driver(model, c, n, so, *with, alt));
        }
    }
    for list in &mut out {
        let key = |d: Option<f64>| d.unwrap_or(f64::NEG_INFINITY);
        list.sort_by(|a, b| {
            key(b.p80_days)
                .total_cmp(&key(a.p80_days))
                .then(key(b.p50_days).total_cmp(&key(a.p50_days)))
        });
    }
    Ok(out)
}

/// Candidate `c`'s driver in one scenario: `so` is the run with it (whose P50 and P80 are
/// `with`), `alt` the run without it, both of `n` iterations.
fn driver(
    model: &ValidModel,
    c: &Candidate,
    n: u64,
    so: &HeadlineOutcomes,
    with: (Option<f32>, Option<f32>),
    alt: &HeadlineOutcomes,
) -> Driver {
    let (p50, p80) = p50_p80(&alt.headline_days);
    let promises = model
        .promises
        .iter()
        .enumerate()
        .map(|(p, promise)| {
            let kept = |v: &[u64]| v.get(p).copied().unwrap_or(0) as f64;
            let change = if n == 0 {
                0.0
            } else {
                (kept(&so.promises_kept) - kept(&alt.promises_kept)) / n as f64
            };
            (promise.id.clone(), change4(change))
        })
        .collect();
    Driver {
        id: c.id.clone(),
        kind: c.kind,
        p50_days: days_added(with.0, p50),
        p80_days: days_added(with.1, p80),
        promises: PromiseChanges(promises),
        name: match c.kind {
            DriverKind::Risk => model.risks.get(c.index).map(|r| r.name.clone()),
            DriverKind::Task => model.tasks.get(c.index).map(|t| t.name.clone()),
        }
        .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_zero_only_when_nothing_changed() {
        assert_eq!(change4(0.0), 0.0);
        assert_eq!(change4(1.0 / 30_000.0), 0.0001);
        assert_eq!(change4(-1.0 / 30_000.0), -0.0001);
        assert_eq!(change4(-0.21237), -0.2124);
    }
}
