//! Reruns of a pass with one item changed (a risk that never occurs, or one task's
//! duration), as drivers need them. A pass is made in segments ([`Segment`]), so that a rerun
//! can start from the state the pass had reached at the first task the change acts on and
//! simulate only the tasks from there on (all of them, or only those listed: the ones the
//! change can reach). Every other task has the same inputs and the same draws (keyed by item
//! and iteration) in the changed run, so the rerun gives exactly what a full run of the
//! changed plan gives. A plain task's duration does not depend on the change, so reruns take
//! the one the pass kept ([`Durations`]).
//!
//! [`Graph`] says which tasks a change can reach.

use super::pass::{LOAD, headline, plain_tasks, prologue, task_step, tasks};
use super::scratch::Scratch;
use crate::index::{Id, IdVec, Pos, RiskId};
use crate::plan::{Compiled, ScenarioParams};
use crate::sampler::Sampler;
use crate::simd::{LANES, Simd};

/// A part of a pass of the fast kernel (see [`super::segment`]).
#[derive(Clone, Debug)]
pub(crate) enum Segment<'a> {
    /// What comes before the tasks: risks, correlated draws, lag, cumulative counts.
    Prologue,
    /// The tasks at these positions, with this task's duration drawn from this sampler.
    Tasks(std::ops::Range<Pos>, Option<(Pos, &'a Sampler)>, Durations),
    /// The tasks at these positions (ascending), the plain ones with the durations the
    /// pass kept; otherwise as `Tasks`.
    Listed(&'a [Pos], Option<(Pos, &'a Sampler)>),
    /// The headline (and the plants' deliveries, which are counted from none).
    Headline,
}

/// Who reads whom: each task's successors (over every kind of link) and each risk's tasks,
/// by position, compressed-row. Built once per plan.
pub(crate) struct Graph {
    succ_offsets: Vec<u32>,
    succ: Vec<Pos>,
    risk_offsets: Vec<u32>,
    risk_tasks: Vec<Pos>,
}

impl Graph {
    pub(crate) fn new(plan: &Compiled) -> Graph {
        let n = plan.order.len();
        let mut succ_of: IdVec<Pos, Vec<Pos>> = IdVec::filled(Vec::new(), n);
        for links in [&plan.after, &plan.after_any, &plan.after_failure] {
            for p in plan.order.ids() {
                for k in links.range(p) {
                    succ_of[links.pred[k]].push(p);
                }
            }
        }
        for list in succ_of.as_mut_slice() {
            list.sort_unstable();
            list.dedup();
        }
        let (succ_offsets, succ) = compress(succ_of.as_slice());
        let mut tasks_of: IdVec<RiskId, Vec<Pos>> = IdVec::filled(Vec::new(), plan.risk_kind.len());
        for p in plan.order.ids() {
            for &r in plan.risks_of(p) {
                tasks_of[r].push(p);
            }
        }
        let (risk_offsets, risk_tasks) = compress(tasks_of.as_slice());
        Graph {
            succ_offsets,
            succ,
            risk_offsets,
            risk_tasks,
        }
    }

    /// The tasks that read the task at `pos`.
    pub(crate) fn successors(&self, pos: Pos) -> &[Pos] {
        let i = pos.index();
        &self.succ[self.succ_offsets[i] as usize..self.succ_offsets[i + 1] as usize]
    }

    /// The tasks risk `r` acts on.
    pub(crate) fn tasks_of(&self, r: RiskId) -> &[Pos] {
        let i = r.index();
        &self.risk_tasks[self.risk_offsets[i] as usize..self.risk_offsets[i + 1] as usize]
    }
}

/// Lists in one array: the offsets of each list's first entry (and of the end), and the
/// entries.
fn compress(lists: &[Vec<Pos>]) -> (Vec<u32>, Vec<Pos>) {
    let mut offsets = Vec::with_capacity(lists.len() + 1);
    offsets.push(0);
    let mut flat = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    for list in lists {
        flat.extend_from_slice(list);
        offsets.push(flat.len() as u32);
    }
    (offsets, flat)
}

/// What the runs of plain tasks do with their durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Durations {
    /// Sample them and keep them (the pass).
    Keep,
    /// Take those the pass kept (a rerun: a plain task's duration never changes, and the
    /// changed task never runs as plain).
    Reuse,
}

/// Runs `segment` of a fast pass.
#[inline(always)]
pub(super) fn segment<S: Simd>(
    isa: S,
    plan: &Compiled,
    sc: &ScenarioParams,
    segment: Segment<'_>,
    first: u64,
    s: &mut Scratch,
    plain: impl Fn(&Compiled, &ScenarioParams, std::ops::Range<Pos>, u64, &mut Scratch, bool),
) {
    match segment {
        Segment::Prologue => prologue::<false, S>(isa, plan, sc, first, s),
        Segment::Tasks(range, changed, durations) => {
            let load = durations == Durations::Reuse;
            let plain = |p: &Compiled, sc: &ScenarioParams, run, first, s: &mut Scratch| {
                plain(p, sc, run, first, s, load)
            };
            tasks::<false, S>(isa, plan, sc, range, changed, first, s, plain)
        }
        Segment::Listed(positions, changed) => {
            for &pos in positions {
                let duration = match changed {
                    Some((at, sampler)) if at == pos => Some(sampler),
                    _ => None,
                };
                match duration {
                    None if sc.plain_end[pos] > pos => {
                        plain_tasks::<false, LOAD, S>(isa, plan, sc, pos..pos.next(), first, s)
                    }
                    _ => {
                        let duration = duration.unwrap_or(&sc.duration[pos]);
                        task_step::<false, true, S>(isa, plan, sc, duration, pos, first, s)
                    }
                }
            }
        }
        Segment::Headline => {
            for d in s.delivered.as_mut_slice() {
                *d = [0.0; LANES];
            }
            let lag = s.lag;
            headline::<false, S>(isa, plan, sc, &lag, first, s);
        }
    }
}
