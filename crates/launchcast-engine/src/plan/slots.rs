//! The fast kernel's slots: compact rows reused once a task's last reader has run.

use super::{Links, ScenarioParams};
use crate::index::{Id, IdVec, Pos, Slot, TaskId};

/// Slots for the fast kernel: a task's values live until its last successor (in topological
/// order) has read them; then the slot is reused. Tasks read after the pass (sinks of any
/// scenario, plants' start tasks) keep theirs. A reader frees its predecessors' slots before
/// taking one, which is safe because the kernel reads a task's predecessors before writing it.
pub(super) fn assign_slots(
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

impl super::Compiled {
    /// This plan with every task's fast slot at its position: the fast kernel then leaves
    /// every task's values in place after a pass, for reruns to read, and computes the same
    /// results (only where it keeps them changes).
    pub(crate) fn by_position(&self) -> super::Compiled {
        let mut c = self.clone();
        let at = |p: Pos| Slot::from_index(p.index());
        c.fast_slot = c.order.ids().map(at).collect();
        for links in [
            &mut c.after,
            &mut c.after_any,
            &mut c.after_failure,
            &mut c.backward,
        ] {
            links.slot = links.pred.iter().map(|&p| at(p)).collect();
        }
        for ps in &mut c.params {
            ps.sink_slots = ps.sinks.iter().map(|&(p, _)| at(p)).collect();
            for plant in &mut ps.plants {
                plant.start_slot = at(plant.start_pos);
            }
        }
        c
    }
}
