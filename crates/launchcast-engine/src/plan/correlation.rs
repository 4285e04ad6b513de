//! The correlated draws of a plan.

use launchcast_model::{CorrelatedItem, Model};

use super::CorrelationGroup;
use crate::index::{DrawSlot, Id, IdVec, Pos, TaskId};
use crate::rng::stream_key;

/// The model's correlation groups, with the slot of each correlated draw by task position
/// and by plant.
#[allow(clippy::type_complexity)]
pub(super) fn correlations(
    model: &Model,
    pos_of: &IdVec<TaskId, Pos>,
) -> (
    Vec<CorrelationGroup>,
    IdVec<Pos, Option<DrawSlot>>,
    Vec<Option<DrawSlot>>,
) {
    let mut duration_slot = IdVec::filled(None, pos_of.len());
    let mut plant_slots = vec![None; model.plants.len()];
    let mut groups = Vec::new();
    let mut next = 0;
    for g in launchcast_model::correlation_groups(model) {
        let k = g.items.len();
        // The model's factor is of the normal-score matrix, 2·sin(π·ρ/6) of the rank
        // correlations ρ; validation has checked that it exists. Without it (never in a valid
        // model) the group's items are drawn independently.
        debug_assert_eq!(
            g.cholesky.len(),
            k * k,
            "a valid model's matrices have a factor"
        );
        if g.cholesky.len() != k * k {
            continue;
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
    (groups, duration_slot, plant_slots)
}
