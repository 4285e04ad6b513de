//! Model → plan: tasks renumbered in topological order (position `pos`), links in flat
//! compressed-row arrays, one parameter set per scenario, random-stream keys per item, and
//! the checkpoints (year boundaries, promise dates) at which money and cars are counted.
//!
//! `compile` builds the plan from these parts: `calendars` (working-time tables),
//! `correlation` (groups of correlated draws), `scenario` (what each scenario sets) and
//! `slots` (the fast kernel's reuse of memory).

mod calendars;
mod compile;
mod correlation;
mod scenario;
mod slots;

use launchcast_model::{Date, LinkKind, Model};

use crate::calendar::CalendarTable;
use crate::index::{CalendarId, Checkpoint, DrawSlot, Id, IdVec, Pos, RiskId, Slot, TaskId};
use crate::sampler::{Sampler, Tables};

/// A scenario as the plan knows it: `base` first, then the model's scenarios in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioInfo {
    /// The scenario's id (`base` for the model as written).
    pub id: String,
    /// The scenario's name (the program's name for `base`).
    pub name: String,
}

/// What later tasks read of a task besides its finish (bit flags in [`Compiled::needs`]).
pub(crate) const NEEDS_START_OK: u8 = 1;
pub(crate) const NEEDS_FAIL_AT: u8 = 2;
pub(crate) const NEEDS_START: u8 = 4;

/// Links into one task, compressed-row: `offsets[pos]..offsets[pos + 1]` index the rest.
#[derive(Clone, Debug, Default)]
pub(crate) struct Links {
    pub(crate) offsets: Vec<u32>,
    /// Predecessor position (the full kernel's index) …
    pub(crate) pred: Vec<Pos>,
    /// … and its slot in the fast kernel's compact arrays.
    pub(crate) slot: Vec<Slot>,
    pub(crate) kind: Vec<LinkKind>,
    pub(crate) lag: Vec<f32>,
}

impl Links {
    /// The links into the task at `pos`.
    #[inline(always)]
    pub(crate) fn range(&self, pos: Pos) -> std::ops::Range<usize> {
        self.offsets[pos.index()] as usize..self.offsets[pos.index() + 1] as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum RiskKind {
    Delay,
    Scale,
    Fail,
}

#[derive(Clone, Debug)]
pub(crate) struct PlantParams {
    pub(crate) start_pos: Pos,
    /// The start task's slot in the fast kernel.
    pub(crate) start_slot: Slot,
    pub(crate) capacity: Sampler,
    pub(crate) ramp: Sampler,
    pub(crate) peak: Sampler,
    pub(crate) ramp_start: f32,
    pub(crate) s_curve: bool,
    pub(crate) keys: [u64; 3],
    /// The ramp's correlated uniform, if it is correlated.
    pub(crate) ramp_slot: Option<DrawSlot>,
}

/// A group of rank-correlated draws (Gaussian copula): each member's own uniform is mapped
/// to a normal, mixed by the Cholesky factor, and mapped back, so each keeps its own
/// distribution and stream while the group gets the requested rank correlations.
#[derive(Clone, Debug)]
pub(crate) struct CorrelationGroup {
    /// Stream key of each member's draw (a task's duration, a plant's ramp).
    pub(crate) keys: Vec<u64>,
    /// The group's first correlated draw; its members' draws follow in order.
    pub(crate) first_slot: DrawSlot,
    /// Lower-triangular factor, row-major, of the normal correlations that give the
    /// requested rank correlations: r = 2·sin(π·ρ/6).
    pub(crate) cholesky: Vec<f64>,
}

/// Everything that may differ between scenarios, indexed by task position.
#[derive(Clone, Debug)]
pub(crate) struct ScenarioParams {
    pub(crate) duration: IdVec<Pos, Sampler>,
    pub(crate) chance: IdVec<Pos, f32>,
    pub(crate) cost: IdVec<Pos, Sampler>,
    /// Earliest start: `not_before`, 0, or +∞ for a task removed by the scenario.
    pub(crate) earliest: IdVec<Pos, f32>,
    pub(crate) risk_chance: IdVec<RiskId, f32>,
    pub(crate) risk_impact: IdVec<RiskId, Sampler>,
    pub(crate) plants: Vec<PlantParams>,
    pub(crate) delivery_lag: Sampler,
    pub(crate) overhead_per_year: Sampler,
    /// Without plants: the tasks whose finish ends the program (sinks still present), and
    /// whether each is a fallback (which only counts if it was triggered).
    pub(crate) sinks: Vec<(Pos, bool)>,
    /// Fast-kernel slot of each sink.
    pub(crate) sink_slots: Vec<Slot>,
    /// Per position: the end (exclusive) of the run of consecutive plain tasks that starts
    /// there, or the position itself if its task is not plain. A plain task has only
    /// finish-to-start links, no risks, alternatives, fallbacks, correlation, calendar, cost
    /// or chance of failure: the fast kernel runs such runs in a tight loop of their own.
    pub(crate) plain_end: IdVec<Pos, Pos>,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum PromiseCheck {
    FirstBy(f32),
    DeliveriesAtLeast {
        at: Checkpoint,
        from: Option<Checkpoint>,
        at_least: f32,
    },
    SpendAtMost {
        at: Checkpoint,
        at_most: f32,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct Compiled {
    pub(crate) scenarios: Vec<ScenarioInfo>,
    pub(crate) params: Vec<ScenarioParams>,
    /// Model task of each position.
    pub(crate) order: IdVec<Pos, TaskId>,
    /// Position of each model task (the inverse of `order`).
    pub(crate) position: IdVec<TaskId, Pos>,
    pub(crate) after: Links,
    pub(crate) after_any: Links,
    pub(crate) after_failure: Links,
    /// Per position: which of start / start if succeeded / failure time the kernel must keep.
    pub(crate) needs: IdVec<Pos, u8>,
    /// Per position: the task's slot in the fast kernel's compact arrays, reused once its last
    /// reader has run, so large networks stay in cache.
    pub(crate) fast_slot: IdVec<Pos, Slot>,
    /// Risks of each task, compressed-row (see [`Compiled::risks_of`]).
    pub(crate) task_risk_offsets: Vec<u32>,
    pub(crate) task_risks: Vec<RiskId>,
    pub(crate) risk_kind: IdVec<RiskId, RiskKind>,
    pub(crate) task_keys: IdVec<Pos, [u64; 3]>,
    pub(crate) risk_keys: IdVec<RiskId, [u64; 2]>,
    pub(crate) program_keys: [u64; 2],
    pub(crate) correlation_groups: Vec<CorrelationGroup>,
    /// Per position: the duration's correlated uniform, if it is correlated.
    pub(crate) duration_slot: IdVec<Pos, Option<DrawSlot>>,
    pub(crate) correlated_slots: usize,
    pub(crate) tables: Tables,
    /// End of the horizon's day, days from start: simulated time runs up to and including
    /// the horizon date, so an event at any moment of that day counts.
    pub(crate) horizon: f32,
    pub(crate) has_plants: bool,
    /// Whether any task has a cost or the program an overhead (else spend is always 0).
    pub(crate) has_spend: bool,
    /// Days from start, ascending.
    pub(crate) checkpoints: Vec<f32>,
    /// Per year: checkpoint indices of its first and last instant.
    pub(crate) year_spans: Vec<(Checkpoint, Checkpoint)>,
    pub(crate) years: Vec<i32>,
    /// Month ends (days from start, clipped to the horizon), kept for the subsample only.
    pub(crate) month_ends: Vec<f32>,
    pub(crate) months: Vec<(i32, u32)>,
    pub(crate) promises: Vec<PromiseCheck>,
    /// Working-time tables of the calendars some task runs on.
    pub(crate) calendars: IdVec<CalendarId, CalendarTable>,
    /// Per position: the task's working-time calendar, or none for 24-hour calendar days.
    pub(crate) task_calendar: IdVec<Pos, Option<CalendarId>>,
    /// `after` links of kind FF / SF into tasks on a calendar (also in `after`, with a lag
    /// that never binds there): the kernel turns each finish bound into a start in working
    /// time.
    pub(crate) backward: Links,
}

impl Compiled {
    /// The risks of the task at `pos`.
    #[inline(always)]
    pub(crate) fn risks_of(&self, pos: Pos) -> &[RiskId] {
        let (from, to) = (
            self.task_risk_offsets[pos.index()],
            self.task_risk_offsets[pos.index() + 1],
        );
        &self.task_risks[from as usize..to as usize]
    }
}

pub(crate) fn days(model: &Model, d: Date) -> f64 {
    f64::from(d.days_since(model.program.start))
}

/// Task ids to model indices, built once per compilation (compilation only; the kernel never
/// sees an id).
pub(crate) struct TaskIndex<'m>(std::collections::HashMap<&'m str, TaskId>);

impl<'m> TaskIndex<'m> {
    pub(crate) fn new(model: &'m Model) -> TaskIndex<'m> {
        TaskIndex(
            model
                .tasks
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id.as_str(), TaskId::from_index(i)))
                .collect(),
        )
    }

    /// The task `id` names: always one in a valid model (validation resolves every
    /// reference), so callers skip the reference when there is none.
    pub(crate) fn get(&self, id: &str) -> Option<TaskId> {
        let found = self.0.get(id).copied();
        debug_assert!(found.is_some(), "a valid model names no unknown task");
        found
    }
}
