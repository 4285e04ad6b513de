//! What one scenario sets: every task's distributions, chance, cost and earliest start, the
//! risks, the plants, and which tasks end the program.

use launchcast_model::{Curve, Impact, Model};

use super::{Links, PlantParams, ScenarioParams, TaskIndex, days};
use crate::index::{DrawSlot, Id, IdVec, Pos, Slot, TaskId};
use crate::rng::stream_key;
use crate::sampler::{Sampler, Tables};

#[allow(clippy::too_many_arguments)]
pub(super) fn scenario_params(
    plant_slots: &[Option<DrawSlot>],
    ids: &TaskIndex,
    m: &Model,
    order: &IdVec<Pos, TaskId>,
    pos_of: &IdVec<TaskId, Pos>,
    after: &Links,
    after_any: &Links,
    after_failure: &Links,
    tables: &mut Tables,
) -> ScenarioParams {
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
        ps.duration.push(match t.started {
            // Under way: what is left, counted from the start.
            Some(d) => Sampler::remaining(&t.duration, -days(m, d), tables),
            None => Sampler::new(&t.duration, true, tables),
        });
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
        // Validation resolves `starts`; a plant without its task would never deliver.
        let Some(start) = ids.get(&plant.starts) else {
            continue;
        };
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
    ps
}
