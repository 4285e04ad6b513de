//! Many runs of one plan, each with one item changed (what drivers measure), made together.
//! Per lane group and scenario: one pass of the fast kernel on a plan by position, paused at
//! the first task each change acts on to keep the cumulative spend there; then, from the
//! latest such task to the earliest, each change reruns only the tasks from its own on
//! (the values of the tasks before it are still the pass's: a later rerun never writes
//! them). A change that cannot reach the headline or a promise is not rerun: its run is the
//! base's. Each change gives exactly the headline and promises a full run of the changed
//! plan gives, whatever the thread count: columns are indexed by iteration and the promise
//! counts are integers.
//!
//! Memory: the headline column of every run (base and change, per scenario), and per worker
//! a kernel scratch with every task's values (a pass by position).

use std::sync::Mutex;

use crate::error::EngineError;
use crate::index::{Id, Pos, RiskId, Row};
use crate::kernel::{Durations, Graph, Scratch, Segment, promise_kept, segment};
use crate::outcomes::HeadlineOutcomes;
use crate::plan::{Compiled, NEEDS_FAIL_AT, NEEDS_START, NEEDS_START_OK, PromiseCheck};
use crate::run::RunOptions;
use crate::sampler::Sampler;
use crate::simd::{Isa, LANES};

/// A change of one item of the plan.
#[derive(Clone, Debug)]
pub(crate) enum VariantChange {
    /// The risk never occurs.
    NoRisk(RiskId),
    /// The task at this position takes, per scenario, its duration from these samplers.
    Duration(Pos, Vec<Sampler>),
}

/// A run to make: a change, and the scenarios to run it in.
#[derive(Clone, Debug)]
pub(crate) struct Variant {
    pub(crate) change: VariantChange,
    /// Per scenario: whether to run it there.
    pub(crate) active: Vec<bool>,
}

/// The base run and every variant's, per scenario (`None` where a variant is not active).
pub(crate) struct VariantRuns {
    pub(crate) base: Vec<HeadlineOutcomes>,
    pub(crate) variants: Vec<Vec<Option<HeadlineOutcomes>>>,
}

/// One block's slice of every column.
struct Block<'a> {
    first: u64,
    len: usize,
    columns: Vec<&'a mut [f32]>,
}

struct Worker {
    scratch: Scratch,
    /// The cumulative spend at each cut of the pass, `[cut][checkpoint]`.
    spent: Vec<[f32; LANES]>,
    /// Per column: iterations that keep each promise.
    kept: Vec<Vec<u64>>,
    /// The pass's values of the tasks a restricted rerun redoes.
    undo: Vec<[f32; LANES]>,
}

/// How one scenario's pass is cut and rerun.
struct Schedule {
    /// Positions at which the pass pauses, ascending.
    cuts: Vec<Pos>,
    /// Changes to rerun, latest cut first.
    reruns: Vec<Rerun>,
    /// Columns of changes that cannot change the run: copies of the base.
    same: Vec<usize>,
    /// Whether each rerun redoes only the tasks it can change (`Rerun::ranges`) and puts the
    /// pass's values back afterwards, for the next rerun to read; else it redoes every task
    /// from its cut on, which leaves the tasks before the next (earlier) cut untouched.
    restricted: bool,
}

struct Rerun {
    variant: usize,
    /// Index into [`Schedule::cuts`] of its first task.
    cut: usize,
    column: usize,
    /// The positions it redoes when restricted: every task it can reach, and when a promise
    /// reads the spend every later task with a cost (so that the spend adds up in the same
    /// order).
    positions: Vec<Pos>,
}

/// Runs `plan` (by position: [`Compiled::by_position`]) and every variant, over
/// `opts.iterations` iterations with `opts.seed` (`opts.statistics` is ignored: none are
/// made). Progress counts a block's iterations once per run made.
pub(crate) fn run_variants(
    plan: &Compiled,
    graph: &Graph,
    variants: &[Variant],
    opts: &RunOptions,
) -> Result<VariantRuns, EngineError> {
    let n = usize::try_from(opts.iterations)
        .map_err(|_| EngineError::TooManyIterations(opts.iterations))?;
    let scenarios = plan.params.len();
    let promises = plan.promises.len();
    // Columns: the base of each scenario, then each active variant's.
    let mut column_of: Vec<Vec<Option<usize>>> = Vec::with_capacity(variants.len());
    let mut next = scenarios;
    for v in variants {
        column_of.push(
            (0..scenarios)
                .map(|sc| {
                    v.active.get(sc).copied().unwrap_or(false).then(|| {
                        next += 1;
                        next - 1
                    })
                })
                .collect(),
        );
    }
    let runs_per_block = next as u64;
    let mut columns: Vec<Vec<f32>> = (0..next).map(|_| vec![0f32; n]).collect();
    // Blocks and workers as the main run makes them, so that both cores share the work.
    let threads = super::worker_threads(opts.threads, n.div_ceil(LANES));
    let block = super::block_size(n, threads);
    let blocks = n.div_ceil(block);
    let work: Vec<Block> = super::split_columns(&mut columns, block, blocks)
        .into_iter()
        .enumerate()
        .map(|(b, columns)| Block {
            first: (b * block) as u64,
            len: block.min(n - b * block),
            columns,
        })
        .collect();
    let schedules: Vec<Schedule> = (0..scenarios)
        .map(|sc| schedule(plan, graph, variants, &column_of, sc))
        .collect();
    let checkpoints = plan.checkpoints.len();
    let max_cuts = schedules.iter().map(|s| s.cuts.len()).max().unwrap_or(0);

    let pool = super::pool(threads)?;
    let isa = Isa::detect();
    let queue = Mutex::new(work.into_iter());
    let per_thread = pool.broadcast(|_| {
        let mut worker: Option<Worker> = None;
        // A poisoned lock means another worker panicked; that panic is reported.
        while let Some(mut block) = queue.lock().ok().and_then(|mut q| q.next()) {
            let w = worker.get_or_insert_with(|| Worker {
                scratch: Scratch::new(plan, opts.seed),
                spent: vec![[0.0; LANES]; max_cuts * checkpoints],
                kept: vec![vec![0; promises]; next],
                undo: Vec::new(),
            });
            run_block(plan, isa, variants, &schedules, &mut block, w);
            if let Some(progress) = opts.progress {
                progress(block.len as u64 * runs_per_block);
            }
        }
        worker.map(|w| w.kept)
    });
    let mut kept = vec![vec![0u64; promises]; next];
    for tally in per_thread.into_iter().flatten() {
        for (a, b) in kept.iter_mut().zip(tally) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
    let mut runs: Vec<Option<HeadlineOutcomes>> = columns
        .into_iter()
        .zip(kept)
        .map(|(headline_days, promises_kept)| {
            Some(HeadlineOutcomes {
                headline_days,
                promises_kept,
            })
        })
        .collect();
    let base = runs[..scenarios]
        .iter_mut()
        .map(|r| r.take().unwrap_or_default())
        .collect();
    let variants = column_of
        .iter()
        .map(|cols| {
            cols.iter()
                .map(|c| c.and_then(|c| runs[c].take()))
                .collect()
        })
        .collect();
    Ok(VariantRuns { base, variants })
}

/// Where one scenario's pass pauses, and which changes are rerun from where.
fn schedule(
    plan: &Compiled,
    graph: &Graph,
    variants: &[Variant],
    column_of: &[Vec<Option<usize>>],
    sc: usize,
) -> Schedule {
    let ps = &plan.params[sc];
    let tasks = plan.order.len();
    // What the headline and the promises read: the sinks or the plants' starts, and, when a
    // promise reads the spend, every task with a cost.
    let mut ends = vec![false; tasks];
    if plan.has_plants {
        for plant in &ps.plants {
            ends[plant.start_pos.index()] = true;
        }
    } else {
        for &(p, _) in &ps.sinks {
            ends[p.index()] = true;
        }
    }
    let reads_spend = plan.has_spend
        && plan
            .promises
            .iter()
            .any(|p| matches!(p, PromiseCheck::SpendAtMost { .. }));
    // A task whose cost a promise reads.
    let spends = |p: usize| reads_spend && !ps.cost[Pos::from_index(p)].is_zero();
    let mut reruns: Vec<(Pos, Rerun)> = Vec::new();
    let mut same = Vec::new();
    let (mut redone, mut from_cut) = (0usize, 0usize);
    for (v, variant) in variants.iter().enumerate() {
        let Some(column) = column_of[v][sc] else {
            continue;
        };
        let seeds = match &variant.change {
            VariantChange::NoRisk(r) => graph.tasks_of(*r),
            VariantChange::Duration(p, _) => std::slice::from_ref(p),
        };
        let reached = reachable(graph, tasks, seeds);
        let Some(&from) = seeds.iter().min() else {
            same.push(column);
            continue;
        };
        if !(0..tasks).any(|p| reached[p] && (ends[p] || spends(p))) {
            same.push(column);
            continue;
        }
        let positions: Vec<Pos> = (from.index()..tasks)
            .filter(|&p| reached[p] || spends(p))
            .map(Pos::from_index)
            .collect();
        redone += positions.len();
        from_cut += tasks - from.index();
        let rerun = Rerun {
            variant: v,
            cut: 0,
            column,
            positions,
        };
        reruns.push((from, rerun));
    }
    let mut cuts: Vec<Pos> = reruns.iter().map(|r| r.0).collect();
    cuts.sort_unstable();
    cuts.dedup();
    // Latest first, so that an unrestricted rerun never overwrites a task that a later one
    // reads from the pass; ties in variant order.
    reruns.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.variant.cmp(&b.1.variant)));
    let reruns = reruns
        .into_iter()
        .map(|(from, r)| Rerun {
            cut: cuts.partition_point(|&c| c < from),
            ..r
        })
        .collect();
    // A restricted rerun costs about two and a half times as much per task (one task at a
    // time, and its values put back): worth it only when the reruns reach far fewer tasks
    // than lie after their cuts (independent streams), measured on generated networks.
    let restricted = 3 * redone < from_cut;
    Schedule {
        cuts,
        reruns,
        same,
        restricted,
    }
}

fn run_block(
    plan: &Compiled,
    isa: Isa,
    variants: &[Variant],
    schedules: &[Schedule],
    block: &mut Block,
    w: &mut Worker,
) {
    let n = Pos::from_index(plan.order.len());
    let checkpoints = plan.checkpoints.len();
    for (sc, params) in plan.params.iter().enumerate() {
        let plan_of = &schedules[sc];
        for offset in (0..block.len).step_by(LANES) {
            let first = block.first + offset as u64;
            let live = LANES.min(block.len - offset);
            let lanes = offset..offset + live;
            let s = &mut w.scratch;
            let mut record = |column: usize, s: &Scratch| {
                block.columns[column][lanes.clone()].copy_from_slice(&s.headline[..live]);
                for (p, check) in plan.promises.iter().enumerate() {
                    w.kept[column][p] += (0..live)
                        .map(|l| u64::from(promise_kept(check, s, l)))
                        .sum::<u64>();
                }
            };
            segment(isa, plan, params, Segment::Prologue, first, s);
            let mut at = Pos::from_index(0);
            for (k, &cut) in plan_of.cuts.iter().enumerate() {
                segment(
                    isa,
                    plan,
                    params,
                    Segment::Tasks(at..cut, None, Durations::Keep),
                    first,
                    s,
                );
                at = cut;
                if plan.has_spend {
                    w.spent[k * checkpoints..(k + 1) * checkpoints]
                        .copy_from_slice(s.spent.as_slice());
                }
            }
            segment(
                isa,
                plan,
                params,
                Segment::Tasks(at..n, None, Durations::Keep),
                first,
                s,
            );
            segment(isa, plan, params, Segment::Headline, first, s);
            record(sc, s);
            for &column in &plan_of.same {
                record(column, s);
            }
            for rerun in &plan_of.reruns {
                let k = rerun.cut;
                let from = plan_of.cuts[k];
                if plan.has_spend {
                    s.spent
                        .as_mut_slice()
                        .copy_from_slice(&w.spent[k * checkpoints..(k + 1) * checkpoints]);
                }
                let (changed, risk) = match &variants[rerun.variant].change {
                    VariantChange::NoRisk(r) => (None, Some((*r, s.risk_occurs[*r]))),
                    VariantChange::Duration(p, samplers) => (Some((*p, &samplers[sc])), None),
                };
                if let Some((r, _)) = risk {
                    s.risk_occurs[r] = [0.0; LANES];
                }
                let tasks = if plan_of.restricted {
                    save(s, plan, &rerun.positions, &mut w.undo);
                    Segment::Listed(&rerun.positions, changed)
                } else {
                    Segment::Tasks(from..n, changed, Durations::Reuse)
                };
                segment(isa, plan, params, tasks, first, s);
                segment(isa, plan, params, Segment::Headline, first, s);
                record(rerun.column, s);
                if plan_of.restricted {
                    restore(s, plan, &rerun.positions, &w.undo);
                }
                if let Some((r, occurs)) = risk {
                    s.risk_occurs[r] = occurs;
                }
            }
        }
    }
}

/// Keeps the values of the tasks at `positions` that a rerun overwrites (by position: what
/// the fast kernel writes of each).
fn save(s: &Scratch, plan: &Compiled, positions: &[Pos], undo: &mut Vec<[f32; LANES]>) {
    undo.clear();
    for &p in positions {
        let (row, needs) = (Row::full(p), plan.needs[p]);
        undo.push(s.finish_ok[row]);
        if needs & NEEDS_START_OK != 0 {
            undo.push(s.start_ok[row]);
        }
        if needs & NEEDS_FAIL_AT != 0 {
            undo.push(s.fail_at[row]);
        }
        if needs & NEEDS_START != 0 {
            undo.push(s.start[row]);
        }
    }
}

/// Puts back what [`save`] kept.
fn restore(s: &mut Scratch, plan: &Compiled, positions: &[Pos], undo: &[[f32; LANES]]) {
    let mut kept = undo.iter();
    let mut next = || kept.next().copied().unwrap_or([0.0; LANES]);
    for &p in positions {
        let (row, needs) = (Row::full(p), plan.needs[p]);
        s.finish_ok[row] = next();
        if needs & NEEDS_START_OK != 0 {
            s.start_ok[row] = next();
        }
        if needs & NEEDS_FAIL_AT != 0 {
            s.fail_at[row] = next();
        }
        if needs & NEEDS_START != 0 {
            s.start[row] = next();
        }
    }
}

/// Per position: whether it is reachable from `seeds` (themselves included) along links.
fn reachable(graph: &Graph, tasks: usize, seeds: &[Pos]) -> Vec<bool> {
    let mut seen = vec![false; tasks];
    let mut stack: Vec<Pos> = seeds.to_vec();
    while let Some(p) = stack.pop() {
        if std::mem::replace(&mut seen[p.index()], true) {
            continue;
        }
        stack.extend(graph.successors(p).iter().filter(|q| !seen[q.index()]));
    }
    seen
}
