//! Model → plan: the topological order, the links, keys and checkpoints, and each selected
//! scenario's parameters.

use launchcast_model::{Date, Dist, Impact, LinkKind, Model, PromiseKind, ValidModel};

use super::calendars::calendars;
use super::correlation::correlations;
use super::scenario::scenario_params;
use super::slots::assign_slots;
use super::{
    Compiled, Links, NEEDS_FAIL_AT, NEEDS_START, NEEDS_START_OK, PromiseCheck, RiskKind,
    ScenarioInfo, TaskIndex, days,
};
use crate::index::{Checkpoint, Id, IdVec, Pos, RiskId, TaskId};
use crate::rng::stream_key;
use crate::sampler::Tables;

/// Positions in topological order over after / after_any / after_failure (Kahn, stable by
/// model order so the plan does not depend on hash order). Validation rules out cycles; were
/// there one, its tasks would follow the others in model order.
fn topological_order(model: &Model, ids: &TaskIndex) -> IdVec<Pos, TaskId> {
    let n = model.tasks.len();
    let mut succ: IdVec<TaskId, Vec<TaskId>> = IdVec::filled(Vec::new(), n);
    let mut indeg: IdVec<TaskId, u32> = IdVec::filled(0, n);
    for (i, t) in model.tasks.iter().enumerate() {
        let i = TaskId::from_index(i);
        let preds = t.after.iter().chain(&t.after_any).map(|l| l.task.as_str());
        for p in preds.chain(t.after_failure.iter().map(String::as_str)) {
            if let Some(p) = ids.get(p) {
                succ[p].push(i);
                indeg[i] += 1;
            }
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
    debug_assert_eq!(order.len(), n, "a valid model's links form no cycle");
    for i in indeg.ids().filter(|&i| indeg[i] > 0) {
        order.push(i);
    }
    order
}

impl Compiled {
    /// The plan of `model`'s scenarios `selected` (`None` is base; an index the model does
    /// not have, never in a [`launchcast_model::Selection`] of it, is left out).
    pub(crate) fn new(model: &ValidModel, selected: &[Option<usize>]) -> Compiled {
        let model: &Model = model;
        let ids = TaskIndex::new(model);
        let order = topological_order(model, &ids);
        let n = order.len();
        let mut pos_of: IdVec<TaskId, Pos> = IdVec::filled(Pos::from_index(0), n);
        for (pos, &i) in order.iter_enumerated() {
            pos_of[i] = pos;
        }
        // Validation resolves every reference: one that did not would be left out.
        let pos = |id: &str| -> Option<Pos> { ids.get(id).map(|i| pos_of[i]) };
        let mut risks_of: IdVec<TaskId, Vec<RiskId>> = IdVec::filled(Vec::new(), n);
        for (r, risk) in model.risks.iter().enumerate() {
            for i in risk.tasks.iter().filter_map(|id| ids.get(id)) {
                risks_of[i].push(RiskId::from_index(r));
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
                let Some(pred) = pos(&l.task) else {
                    continue;
                };
                after.pred.push(pred);
                after.kind.push(l.kind);
                let finish_bound =
                    matches!(l.kind, LinkKind::FinishToFinish | LinkKind::StartToFinish);
                if finish_bound && task_calendar[p].is_some() {
                    // Bounds the finish of a task in working time: the kernel's calendar step
                    // applies it (`backward`); here a lag of −∞ never binds (and a
                    // predecessor that never happens gives NaN, which never binds either).
                    backward.pred.push(pred);
                    backward.kind.push(l.kind);
                    backward.lag.push(l.lag as f32);
                    after.lag.push(f32::NEG_INFINITY);
                } else {
                    after.lag.push(l.lag as f32);
                }
            }
            backward.offsets.push(backward.pred.len() as u32);
            for l in &t.after_any {
                let Some(pred) = pos(&l.task) else {
                    continue;
                };
                after_any.pred.push(pred);
                after_any.kind.push(l.kind);
                after_any.lag.push(l.lag as f32);
            }
            for pred in t.after_failure.iter().filter_map(|id| pos(id)) {
                after_failure.pred.push(pred);
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

        let (correlation_groups, duration_slot, plant_slots) = correlations(model, &pos_of);
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
            debug_assert!(
                sel.is_none_or(|i| i < model.scenarios.len()),
                "a selection names the model's own scenarios"
            );
            let info = match sel.map(|i| model.scenarios.get(i)) {
                None => ScenarioInfo {
                    id: "base".into(),
                    name: model.program.name.clone(),
                },
                Some(Some(s)) => ScenarioInfo {
                    id: s.id.clone(),
                    name: s.name.clone(),
                },
                Some(None) => continue,
            };
            scenarios.push(info);
            let m = model.scenario_model(sel);
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
            ));
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
        Compiled {
            calendars,
            task_calendar,
            backward,
            scenarios,
            params,
            order,
            position: pos_of,
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
        }
    }
}
