//! Model → plan: tasks renumbered in topological order (position `pos`), links in flat
//! compressed-row arrays, one parameter set per scenario, random-stream keys per item, and
//! the checkpoints (year boundaries, promise dates) at which money and cars are counted.

use launchcast_model::{CorrelatedItem, Curve, Date, Dist, Impact, LinkKind, Model, PromiseKind};

use crate::calendar::{CalendarTable, MARGIN_DAYS};
use crate::index::{CalendarId, Checkpoint, DrawSlot, Id, IdVec, Pos, RiskId, Slot, TaskId};
use crate::rng::stream_key;
use crate::sampler::{Sampler, Tables};
use crate::{EngineError, ScenarioInfo};

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
    /// First slot of the group in [`crate::kernel::Scratch`]'s correlated uniforms.
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

/// Tables for the calendars tasks use (only those: each costs about 0.5 KB a day, 2 MB over a
/// decade), over the horizon plus a margin, and each position's table. Calendars with the
/// same week and exceptions (an imported schedule's copies of one calendar) share one table.
#[allow(clippy::type_complexity)]
fn calendars(
    model: &Model,
    order: &IdVec<Pos, TaskId>,
    horizon: f64,
) -> (
    IdVec<CalendarId, CalendarTable>,
    IdVec<Pos, Option<CalendarId>>,
) {
    let days = horizon.max(0.0).ceil() as usize + 1 + MARGIN_DAYS;
    let mut table_of: Vec<Option<CalendarId>> = vec![None; model.calendars.len()];
    let mut tables: IdVec<CalendarId, CalendarTable> = IdVec::default();
    // The model calendar each table was made from.
    let mut made_from: Vec<usize> = Vec::new();
    let task_calendar = order
        .iter()
        .map(|&i| {
            let c = model.task_calendar(&model.tasks[i.index()])?;
            if table_of[c].is_none() {
                let cal = &model.calendars[c];
                let same = made_from.iter().position(|&o| {
                    let other = &model.calendars[o];
                    other.week == cal.week && other.exceptions == cal.exceptions
                });
                let table = match same {
                    Some(t) => tables[CalendarId::from_index(t)].sharing(cal),
                    None => CalendarTable::new(cal, model.program.start, days),
                };
                table_of[c] = Some(tables.push(table));
                made_from.push(c);
            }
            table_of[c]
        })
        .collect();
    (tables, task_calendar)
}

fn days(model: &Model, d: Date) -> f64 {
    f64::from(d.days_since(model.program.start))
}

/// Task ids to model indices, built once per compilation (compilation only; the kernel never
/// sees an id).
struct TaskIndex<'m>(std::collections::HashMap<&'m str, TaskId>);

impl<'m> TaskIndex<'m> {
    fn new(model: &'m Model) -> TaskIndex<'m> {
        TaskIndex(
            model
                .tasks
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id.as_str(), TaskId::from_index(i)))
                .collect(),
        )
    }

    fn get(&self, id: &str) -> Result<TaskId, EngineError> {
        self.0
            .get(id)
            .copied()
            .ok_or_else(|| EngineError::UnknownTask(id.to_string()))
    }
}

/// Positions in topological order over after / after_any / after_failure (Kahn, stable by
/// model order so the plan does not depend on hash order).
fn topological_order(model: &Model, ids: &TaskIndex) -> Result<IdVec<Pos, TaskId>, EngineError> {
    let n = model.tasks.len();
    let mut succ: IdVec<TaskId, Vec<TaskId>> = IdVec::filled(Vec::new(), n);
    let mut indeg: IdVec<TaskId, u32> = IdVec::filled(0, n);
    for (i, t) in model.tasks.iter().enumerate() {
        let i = TaskId::from_index(i);
        let preds = t.after.iter().chain(&t.after_any).map(|l| l.task.as_str());
        for p in preds.chain(t.after_failure.iter().map(String::as_str)) {
            succ[ids.get(p)?].push(i);
            indeg[i] += 1;
        }
    }
    let mut ready: std::collections::BTreeSet<TaskId> =
        indeg.ids().filter(|&i| indeg[i] == 0).collect();
    let mut order = IdVec::default();
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &s in &succ[i] {
            indeg[s] -= 1;
            if indeg[s] == 0 {
                ready.insert(s);
            }
        }
    }
    if order.len() != n {
        let stuck = indeg
            .ids()
            .find(|&i| indeg[i] > 0)
            .map_or(String::new(), |i| model.tasks[i.index()].id.clone());
        return Err(EngineError::Cycle(stuck));
    }
    Ok(order)
}

impl Compiled {
    pub(crate) fn new(model: &Model, selected: &[Option<usize>]) -> Result<Compiled, EngineError> {
        let ids = TaskIndex::new(model);
        let order = topological_order(model, &ids)?;
        let n = order.len();
        let mut pos_of: IdVec<TaskId, Pos> = IdVec::filled(Pos::from_index(0), n);
        for (pos, &i) in order.iter_enumerated() {
            pos_of[i] = pos;
        }
        let pos = |id: &str| -> Result<Pos, EngineError> { ids.get(id).map(|i| pos_of[i]) };
        let mut risks_of: IdVec<TaskId, Vec<RiskId>> = IdVec::filled(Vec::new(), n);
        for (r, risk) in model.risks.iter().enumerate() {
            for id in &risk.tasks {
                risks_of[ids.get(id)?].push(RiskId::from_index(r));
            }
        }
        let (calendars, task_calendar) = calendars(model, &order, model.horizon_days());
        let (mut after, mut after_any, mut after_failure, mut backward) = (
            Links::default(),
            Links::default(),
            Links::default(),
            Links::default(),
        );
        for links in [
            &mut after,
            &mut after_any,
            &mut after_failure,
            &mut backward,
        ] {
            links.offsets.push(0);
        }
        let mut task_risk_offsets = vec![0u32];
        let mut task_risks = Vec::new();
        for (p, &i) in order.iter_enumerated() {
            let t = &model.tasks[i.index()];
            for l in &t.after {
                after.pred.push(pos(&l.task)?);
                after.kind.push(l.kind);
                let finish_bound =
                    matches!(l.kind, LinkKind::FinishToFinish | LinkKind::StartToFinish);
                if finish_bound && task_calendar[p].is_some() {
                    // Bounds the finish of a task in working time: the kernel's calendar step
                    // applies it (`backward`); here a lag of −∞ never binds (and a
                    // predecessor that never happens gives NaN, which never binds either).
                    backward.pred.push(pos(&l.task)?);
                    backward.kind.push(l.kind);
                    backward.lag.push(l.lag as f32);
                    after.lag.push(f32::NEG_INFINITY);
                } else {
                    after.lag.push(l.lag as f32);
                }
            }
            backward.offsets.push(backward.pred.len() as u32);
            for l in &t.after_any {
                after_any.pred.push(pos(&l.task)?);
                after_any.kind.push(l.kind);
                after_any.lag.push(l.lag as f32);
            }
            for id in &t.after_failure {
                after_failure.pred.push(pos(id)?);
                after_failure.kind.push(LinkKind::FinishToStart);
                after_failure.lag.push(0.0);
            }
            after.offsets.push(after.pred.len() as u32);
            after_any.offsets.push(after_any.pred.len() as u32);
            after_failure.offsets.push(after_failure.pred.len() as u32);
            task_risks.extend(&risks_of[i]);
            task_risk_offsets.push(task_risks.len() as u32);
        }
        let mut needs: IdVec<Pos, u8> = IdVec::filled(0, n);
        for links in [&after, &after_any] {
            for (k, kind) in links.kind.iter().enumerate() {
                if matches!(kind, LinkKind::StartToStart | LinkKind::StartToFinish) {
                    needs[links.pred[k]] |= NEEDS_START_OK;
                }
            }
        }
        for p in order.ids() {
            for k in after_failure.range(p) {
                needs[after_failure.pred[k]] |= NEEDS_FAIL_AT;
                // A fallback that ends the program only counts if it started.
                needs[p] |= NEEDS_START;
            }
        }
        let risk_kind = model
            .risks
            .iter()
            .map(|r| match r.impact {
                Impact::Delay(_) => RiskKind::Delay,
                Impact::Scale(_) => RiskKind::Scale,
                Impact::Fail => RiskKind::Fail,
            })
            .collect();
        let task_keys = order
            .iter()
            .map(|&i| {
                let id = &model.tasks[i.index()].id;
                [0, 1, 2].map(|slot| stream_key("task", id, slot))
            })
            .collect();
        let risk_keys = model
            .risks
            .iter()
            .map(|r| [0, 1].map(|s| stream_key("risk", &r.id, s)))
            .collect();
        let program_keys = [0, 1].map(|s| stream_key("program", "", s));

        // Checkpoints: each year's first and last instant (clipped to start and horizon), and
        // the end of every promise's day.
        let horizon = model.horizon_days();
        let (y0, y1) = (model.program.start.year(), model.program.horizon.year());
        let years: Vec<i32> = (y0..=y1).collect();
        let (m0, m1) = (model.program.start.ymd().1, model.program.horizon.ymd().1);
        let months: Vec<(i32, u32)> = (y0 * 12 + m0 as i32 - 1..=y1 * 12 + m1 as i32 - 1)
            .map(|k| (k.div_euclid(12), k.rem_euclid(12) as u32 + 1))
            .collect();
        let month_ends = months
            .iter()
            .map(|&(y, m)| {
                let next = if m == 12 {
                    Date::from_ymd(y + 1, 1, 1)
                } else {
                    Date::from_ymd(y, m + 1, 1)
                };
                next.map_or(horizon, |d| days(model, d).clamp(0.0, horizon)) as f32
            })
            .collect();
        let mut raw: Vec<f64> = Vec::new();
        for &y in &years {
            raw.push(days(model, Date::jan1(y)).clamp(0.0, horizon));
            raw.push(days(model, Date::jan1(y + 1)).clamp(0.0, horizon));
        }
        let end_of = |d: Date| (days(model, d) + 1.0).clamp(0.0, horizon);
        for p in &model.promises {
            match &p.kind {
                PromiseKind::FirstDeliveryBy(_) | PromiseKind::DeliveriesInYear { .. } => {}
                PromiseKind::DeliveriesBy { date, .. } | PromiseKind::SpendBy { date, .. } => {
                    raw.push(end_of(*date))
                }
            }
        }
        raw.sort_by(f64::total_cmp);
        raw.dedup();
        let at = |t: f64| Checkpoint::from_index(raw.iter().position(|&c| c == t).unwrap_or(0));
        let year_spans = years
            .iter()
            .map(|&y| {
                (
                    at(days(model, Date::jan1(y)).clamp(0.0, horizon)),
                    at(days(model, Date::jan1(y + 1)).clamp(0.0, horizon)),
                )
            })
            .collect::<Vec<_>>();
        let promises = model
            .promises
            .iter()
            .map(|p| match &p.kind {
                PromiseKind::FirstDeliveryBy(d) => PromiseCheck::FirstBy(end_of(*d) as f32),
                PromiseKind::DeliveriesBy { date, at_least } => PromiseCheck::DeliveriesAtLeast {
                    at: at(end_of(*date)),
                    from: None,
                    at_least: *at_least as f32,
                },
                PromiseKind::DeliveriesInYear { year, at_least } => {
                    let (from, to) = years.iter().position(|y| y == year).map_or(
                        (Checkpoint::from_index(0), Checkpoint::from_index(0)),
                        |k| year_spans[k],
                    );
                    PromiseCheck::DeliveriesAtLeast {
                        at: to,
                        from: Some(from),
                        at_least: *at_least as f32,
                    }
                }
                PromiseKind::SpendBy { date, at_most } => PromiseCheck::SpendAtMost {
                    at: at(end_of(*date)),
                    at_most: *at_most as f32,
                },
            })
            .collect();

        let (correlation_groups, duration_slot, plant_slots) = correlations(model, &pos_of)?;
        let correlated_slots = duration_slot
            .iter()
            .chain(&plant_slots)
            .filter(|x| x.is_some())
            .count();
        let mut tables = Tables::default();
        let spends = |m: &Model| {
            m.program.overhead_per_year != Dist::ZERO
                || m.tasks.iter().any(|t| t.cost != Dist::ZERO)
        };
        let has_spend = spends(model)
            || model
                .scenarios
                .iter()
                .enumerate()
                .any(|(i, _)| spends(&model.scenario_model(Some(i))));
        let mut scenarios = Vec::new();
        let mut params = Vec::new();
        for &sel in selected {
            let m = model.scenario_model(sel);
            scenarios.push(match sel {
                None => ScenarioInfo {
                    id: "base".into(),
                    name: model.program.name.clone(),
                },
                Some(i) => ScenarioInfo {
                    id: model.scenarios[i].id.clone(),
                    name: model.scenarios[i].name.clone(),
                },
            });
            params.push(scenario_params(
                &plant_slots,
                &ids,
                &m,
                &order,
                &pos_of,
                &after,
                &after_any,
                &after_failure,
                &mut tables,
            )?);
        }
        tables.build();
        let fast_slot = assign_slots(&order, [&after, &after_any, &after_failure], &params);
        for links in [
            &mut after,
            &mut after_any,
            &mut after_failure,
            &mut backward,
        ] {
            links.slot = links.pred.iter().map(|&p| fast_slot[p]).collect();
        }
        // Plain in every scenario's structure; each scenario may still give a cost or chance.
        let plain_links: IdVec<Pos, bool> = order
            .ids()
            .map(|p| {
                task_risk_offsets[p.index()] == task_risk_offsets[p.index() + 1]
                    && after_any.range(p).is_empty()
                    && after_failure.range(p).is_empty()
                    && duration_slot[p].is_none()
                    && task_calendar[p].is_none()
                    && after
                        .range(p)
                        .all(|k| after.kind[k] == LinkKind::FinishToStart)
            })
            .collect();
        for ps in &mut params {
            let mut plain_end = IdVec::filled(Pos::from_index(0), n);
            let mut end = Pos::from_index(n);
            for p in order.ids().rev() {
                if !(plain_links[p] && ps.chance[p] >= 1.0 && ps.cost[p].is_zero()) {
                    end = p;
                }
                plain_end[p] = end.max(p);
            }
            ps.plain_end = plain_end;
            ps.sink_slots = ps.sinks.iter().map(|&(p, _)| fast_slot[p]).collect();
            for plant in &mut ps.plants {
                plant.start_slot = fast_slot[plant.start_pos];
            }
        }
        Ok(Compiled {
            calendars,
            task_calendar,
            backward,
            scenarios,
            params,
            order,
            after,
            after_any,
            after_failure,
            needs,
            fast_slot,
            task_risk_offsets,
            task_risks,
            risk_kind,
            task_keys,
            risk_keys,
            program_keys,
            correlation_groups,
            duration_slot,
            correlated_slots,
            tables,
            horizon: horizon as f32,
            has_plants: !model.plants.is_empty(),
            has_spend,
            checkpoints: raw.iter().map(|&c| c as f32).collect(),
            year_spans,
            years,
            month_ends,
            months,
            promises,
        })
    }
}

#[allow(clippy::too_many_arguments)]
fn scenario_params(
    plant_slots: &[Option<DrawSlot>],
    ids: &TaskIndex,
    m: &Model,
    order: &IdVec<Pos, TaskId>,
    pos_of: &IdVec<TaskId, Pos>,
    after: &Links,
    after_any: &Links,
    after_failure: &Links,
    tables: &mut Tables,
) -> Result<ScenarioParams, EngineError> {
    let n = order.len();
    // A task is removed when disabled, or when it can never start: an `after` or
    // `after_failure` predecessor is removed, or every `after_any` alternative is.
    let mut removed: IdVec<Pos, bool> = IdVec::filled(false, n);
    for p in order.ids() {
        let t = &m.tasks[order[p].index()];
        let blocked = |links: &Links| links.range(p).any(|k| removed[links.pred[k]]);
        let by_after = blocked(after) || blocked(after_failure);
        let any = after_any.range(p);
        let by_any = !any.is_empty() && any.clone().all(|k| removed[after_any.pred[k]]);
        removed[p] = t.disabled || by_after || by_any;
    }
    let mut has_successor: IdVec<Pos, bool> = IdVec::filled(false, n);
    for links in [after, after_any, after_failure] {
        for p in order.ids() {
            if !removed[p] {
                for k in links.range(p) {
                    has_successor[links.pred[k]] = true;
                }
            }
        }
    }
    let sinks = order
        .ids()
        .filter(|&p| !removed[p] && !has_successor[p])
        .map(|p| (p, !after_failure.range(p).is_empty()))
        .collect();

    let mut ps = ScenarioParams {
        duration: IdVec::default(),
        chance: IdVec::default(),
        cost: IdVec::default(),
        earliest: IdVec::default(),
        risk_chance: IdVec::default(),
        risk_impact: IdVec::default(),
        plants: Vec::new(),
        delivery_lag: Sampler::new(&m.program.delivery_lag, true, tables),
        overhead_per_year: Sampler::new(&m.program.overhead_per_year, true, tables),
        sinks,
        sink_slots: Vec::new(),
        plain_end: IdVec::default(),
    };
    for (p, &i) in order.iter_enumerated() {
        let t = &m.tasks[i.index()];
        ps.duration.push(Sampler::new(&t.duration, true, tables));
        ps.chance.push(t.chance as f32);
        ps.cost.push(Sampler::new(&t.cost, true, tables));
        // No task starts before the program's start time (0 unless given).
        let opens = f64::from(m.program.start_time) / 1440.0;
        let nb = t.not_before.map_or(0.0, |d| days(m, d).max(0.0)).max(opens) as f32;
        ps.earliest
            .push(if removed[p] { f32::INFINITY } else { nb });
    }
    for r in &m.risks {
        ps.risk_chance
            .push(if r.disabled { 0.0 } else { r.chance as f32 });
        ps.risk_impact.push(match &r.impact {
            Impact::Delay(d) => Sampler::new(d, true, tables),
            Impact::Scale(d) => Sampler::new(d, true, tables),
            Impact::Fail => Sampler::Const(0.0),
        });
    }
    for (i, plant) in m.plants.iter().enumerate().filter(|(_, p)| !p.disabled) {
        let start = ids.get(&plant.starts)?;
        ps.plants.push(PlantParams {
            start_pos: pos_of[start],
            start_slot: Slot::from_index(0),
            capacity: Sampler::new(&plant.capacity, true, tables),
            ramp: Sampler::new(&plant.ramp, true, tables),
            peak: Sampler::new(&plant.peak, true, tables),
            ramp_start: plant.ramp_start as f32,
            s_curve: plant.curve == Curve::S,
            keys: [0, 1, 2].map(|s| stream_key("plant", &plant.id, s)),
            ramp_slot: plant_slots[i],
        });
    }
    Ok(ps)
}

/// The model's correlation groups, with the slot of each correlated draw by task position
/// and by plant.
#[allow(clippy::type_complexity)]
fn correlations(
    model: &Model,
    pos_of: &IdVec<TaskId, Pos>,
) -> Result<
    (
        Vec<CorrelationGroup>,
        IdVec<Pos, Option<DrawSlot>>,
        Vec<Option<DrawSlot>>,
    ),
    EngineError,
> {
    let mut duration_slot = IdVec::filled(None, pos_of.len());
    let mut plant_slots = vec![None; model.plants.len()];
    let mut groups = Vec::new();
    let mut next = 0;
    for g in launchcast_model::correlation_groups(model) {
        let k = g.items.len();
        // The model's factor is of the normal-score matrix, 2·sin(π·ρ/6) of the rank
        // correlations ρ; validation has checked that it exists.
        if g.cholesky.len() != k * k {
            return Err(EngineError::Correlation(describe(model, &g.items)));
        }
        let cholesky = g.cholesky.clone();
        let first_slot = DrawSlot::from_index(next);
        let mut keys = Vec::with_capacity(k);
        for item in &g.items {
            match *item {
                CorrelatedItem::TaskDuration(i) => {
                    duration_slot[pos_of[TaskId::from_index(i)]] = Some(DrawSlot::from_index(next));
                    keys.push(stream_key("task", &model.tasks[i].id, 0));
                }
                CorrelatedItem::PlantRamp(i) => {
                    plant_slots[i] = Some(DrawSlot::from_index(next));
                    keys.push(stream_key("plant", &model.plants[i].id, 1));
                }
            }
            next += 1;
        }
        groups.push(CorrelationGroup {
            keys,
            first_slot,
            cholesky,
        });
    }
    Ok((groups, duration_slot, plant_slots))
}

fn describe(model: &Model, items: &[CorrelatedItem]) -> String {
    items
        .iter()
        .map(|item| match *item {
            CorrelatedItem::TaskDuration(i) => model.tasks[i].id.as_str(),
            CorrelatedItem::PlantRamp(i) => model.plants[i].id.as_str(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Slots for the fast kernel: a task's values live until its last successor (in topological
/// order) has read them; then the slot is reused. Tasks read after the pass (sinks of any
/// scenario, plants' start tasks) keep theirs. A reader frees its predecessors' slots before
/// taking one, which is safe because the kernel reads a task's predecessors before writing it.
fn assign_slots(
    order: &IdVec<Pos, TaskId>,
    links: [&Links; 3],
    params: &[ScenarioParams],
) -> IdVec<Pos, Slot> {
    let n = order.len();
    // The last reader of each task, or none if it is kept to the end.
    let mut until: IdVec<Pos, Option<Pos>> = IdVec::filled(None, n);
    for l in links {
        for reader in order.ids() {
            for k in l.range(reader) {
                let p = l.pred[k];
                until[p] = Some(until[p].map_or(reader, |r| r.max(reader)));
            }
        }
    }
    for ps in params {
        for &(p, _) in &ps.sinks {
            until[p] = None;
        }
        for plant in &ps.plants {
            until[plant.start_pos] = None;
        }
    }
    let mut expiring: IdVec<Pos, Vec<Pos>> = IdVec::filled(Vec::new(), n);
    let mut slot = IdVec::filled(Slot::from_index(0), n);
    let (mut free, mut next) = (Vec::new(), 0);
    for pos in order.ids() {
        for &q in &expiring[pos] {
            free.push(slot[q]);
        }
        slot[pos] = free.pop().unwrap_or_else(|| {
            next += 1;
            Slot::from_index(next - 1)
        });
        if let Some(last) = until[pos] {
            expiring[last].push(pos);
        }
    }
    slot
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calendars with the same working time share one table (an imported schedule often holds
    /// copies of one calendar); each keeps its own hours per day, and a calendar with other
    /// hours gets its own table.
    #[test]
    fn calendars_with_the_same_working_time_share_a_table() {
        let mut m = crate::synthetic::network(6, false, 1);
        let site = launchcast_model::Calendar::standard("site");
        let mut copy = launchcast_model::Calendar::standard("copy");
        copy.hours_per_day = 7.5;
        let mut other = launchcast_model::Calendar::standard("other");
        other.week[5] = vec![(480, 720)];
        m.calendars = vec![site, copy, other];
        for (i, t) in m.tasks.iter_mut().enumerate() {
            t.calendar = Some(["site", "copy", "other"][i % 3].into());
        }
        let order: IdVec<Pos, TaskId> = (0..m.tasks.len()).map(TaskId::from_index).collect();
        let (tables, of) = calendars(&m, &order, 400.0);
        assert_eq!(tables.len(), 3);
        let table = CalendarId::from_index;
        assert_eq!(
            &of.as_slice()[..3],
            &[Some(table(0)), Some(table(1)), Some(table(2))]
        );
        assert!(tables[table(0)].shares_tables_with(&tables[table(1)]));
        assert!(!tables[table(0)].shares_tables_with(&tables[table(2)]));
        // The same work in other hours per day: 8 h of a 7.5-hour day end later.
        let (mut s0, mut s1) = ([0f32; crate::simd::LANES], [0f32; crate::simd::LANES]);
        let (mut f0, mut f1) = ([0f32; crate::simd::LANES], [0f32; crate::simd::LANES]);
        let dur = [3.0f32; crate::simd::LANES];
        tables[table(0)].schedule(&mut s0, &dur, &mut f0);
        tables[table(1)].schedule(&mut s1, &dur, &mut f1);
        assert!(f1[0] < f0[0], "{} {}", f0[0], f1[0]);
    }
}
