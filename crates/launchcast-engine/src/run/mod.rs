//! The parallel driver: iterations are cut into fixed blocks; each block writes its slice of
//! the per-iteration columns, and the sampled lane groups add into per-task statistics that
//! all workers share. Columns are indexed by iteration and the statistics are integer counts
//! whose histograms depend only on the extremes of what they count (see [`TaskStats`]), so
//! the result is the same for any number of threads and any scheduling.
//!
//! Memory: the per-task statistics (a 4 KB histogram per task and scenario, the largest part
//! of a big model's memory) exist once, whatever the thread count. A worker holds only its
//! kernel scratch and a buffer of the finishes of a few sampled lane groups (8 MB or 8
//! groups, whichever is more), which it adds into the shared statistics a stripe of tasks at
//! a time, each stripe under its own lock, so workers rarely wait on each other. No more workers run than the machine has cores: more
//! would only wait, and each costs its buffers.
//!
//! `recorder` buffers the sampled lane groups and adds them into the shared statistics;
//! `rows` says which whole iterations become [`Rows`](crate::outcomes::Rows), which the
//! blocks write straight into their columns.

mod recorder;
mod rows;
mod variants;

use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::EngineError;
use crate::index::{Id, Pos};
use crate::kernel::{Scratch, promise_kept, simulate};
use crate::outcomes::{
    MAX_ROWS, Outcomes, Rows, ScenarioOutcomes, TASK_HISTOGRAM_BINS, TaskStats, histogram_words,
    sample_target, unpack_histograms, written_zeros,
};
use crate::plan::Compiled;
use crate::simd::{Isa, LANES};
use recorder::{Pending, STRIPE, SharedStats, Stripes, flush, record};
use rows::{BlockRows, RowLayout, split_rows};
pub(crate) use variants::{Variant, VariantChange, run_variants};

/// How to run.
pub struct RunOptions<'a> {
    /// Iterations of every scenario.
    pub iterations: u64,
    /// Seed of every random stream: the same seed gives the same results.
    pub seed: u64,
    /// Worker threads; 0 means one per core. No more run than the machine has cores (more
    /// would only wait, each holding its working memory). Results do not depend on it.
    pub threads: usize,
    /// Called from workers with the number of iterations just completed.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Record per-task statistics, criticality and rows (a subsample of iterations runs the
    /// full kernel). Without them only the headline, yearly and promise results are made,
    /// several times faster: what reruns such as drivers need.
    pub statistics: bool,
}

/// Most iterations per block: a multiple of [`LANES`], large enough to amortise the
/// bookkeeping.
const BLOCK: usize = 4096;

/// Blocks per worker, where the run is long enough: workers take the next block as they
/// free up, so the last to finish waits for at most about one block, an eighth of a share
/// (with blocks of 4,096, a run of 20,000 iterations was 5 blocks, split 3 to 2 on two
/// cores).
const BLOCKS_PER_WORKER: usize = 8;

/// Iterations per block of a run of `n` iterations on `threads` workers.
pub(super) fn block_size(n: usize, threads: usize) -> usize {
    (n / (threads.max(1) * BLOCKS_PER_WORKER))
        .next_multiple_of(LANES)
        .clamp(LANES, BLOCK)
}

/// One block's slices of every per-iteration column.
struct BlockColumns<'a> {
    first: u64,
    len: usize,
    /// `[scenario]`
    headline: Vec<&'a mut [f32]>,
    /// `[scenario * years + year]`
    deliveries: Vec<&'a mut [f32]>,
    spend: Vec<&'a mut [f32]>,
    /// `[scenario]`: the block's part of the rows.
    rows: Vec<BlockRows<'a>>,
}

/// Empty statistics for `tasks` tasks, every page of their histograms written once up front
/// (a zeroed allocation maps pages lazily, so each first increment would fault twice);
/// `packed`: two bins per `u32` (see `TaskStripe::packed`), with room to unpack them.
fn empty_stats(tasks: usize, packed: bool) -> TaskStats {
    TaskStats::with_histogram(
        tasks,
        written_zeros(tasks * histogram_words(packed), tasks * TASK_HISTOGRAM_BINS),
    )
}

/// What one worker thread holds: its kernel scratch, the finishes of its pending sampled
/// lane groups, and its results.
struct Worker {
    scratch: Scratch,
    pending: Pending,
    tally: Tally,
}

/// A worker's results beside the shared statistics, kept when its working memory is freed.
struct Tally {
    /// Per scenario: sampled iterations run.
    sampled: Vec<u64>,
    promises: Vec<Vec<u64>>,
}

impl Worker {
    fn new(plan: &Compiled, seed: u64, statistics: bool) -> Worker {
        Worker {
            scratch: Scratch::new(plan, seed),
            pending: Pending::new(
                if statistics { plan.order.len() } else { 0 },
                plan.params.len(),
            ),
            tally: Tally::new(plan),
        }
    }
}

impl Tally {
    fn new(plan: &Compiled) -> Tally {
        let scenarios = plan.params.len();
        Tally {
            sampled: vec![0; scenarios],
            promises: vec![vec![0; plan.promises.len()]; scenarios],
        }
    }

    fn merge(mut self, other: Tally) -> Tally {
        for (a, b) in self.sampled.iter_mut().zip(&other.sampled) {
            *a += b;
        }
        for (a, b) in self.promises.iter_mut().zip(&other.promises) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self
    }
}

/// Per block of `block` iterations, its slice of every column.
pub(super) fn split_columns<'a>(
    columns: &'a mut [Vec<f32>],
    block: usize,
    blocks: usize,
) -> Vec<Vec<&'a mut [f32]>> {
    let mut per_block: Vec<Vec<&'a mut [f32]>> = (0..blocks).map(|_| Vec::new()).collect();
    for column in columns.iter_mut() {
        for (b, chunk) in column.chunks_mut(block).enumerate() {
            per_block[b].push(chunk);
        }
    }
    per_block
}

/// A pool of `threads` workers for one run.
pub(super) fn pool(threads: usize) -> Result<rayon::ThreadPool, EngineError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| EngineError::ThreadPool {
            threads,
            message: e.to_string(),
        })
}

/// Worker threads for `requested` (0: one per core): never more than the machine's cores
/// (more would only wait, each holding its buffers) nor than there are lane groups.
pub(super) fn worker_threads(requested: usize, groups: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let wanted = if requested == 0 {
        rayon::current_num_threads()
    } else {
        requested
    };
    wanted.min(cores).min(groups).max(1)
}

pub(crate) fn run(plan: &Compiled, opts: &RunOptions) -> Result<Outcomes, EngineError> {
    run_range(plan, opts, 0..opts.iterations)
}

/// Runs iterations `range` of a run of `opts.iterations` (starting on a lane group): the
/// subsample, rows and statistics are laid out for the whole run, so the parts of a run
/// merged in order ([`crate::Merge`]) are the whole run. The columns hold the range
/// only; the rows outside it stay zero.
pub(crate) fn run_range(
    plan: &Compiled,
    opts: &RunOptions,
    range: std::ops::Range<u64>,
) -> Result<Outcomes, EngineError> {
    let n = usize::try_from(opts.iterations)
        .map_err(|_| EngineError::TooManyIterations(opts.iterations))?;
    let start = range.start.min(opts.iterations);
    let end = range.end.clamp(start, opts.iterations);
    let m = (end - start) as usize;
    let scenarios = plan.params.len();
    let years = plan.years.len();
    let threads = worker_threads(opts.threads, m.div_ceil(LANES));
    let block = block_size(m, threads);
    let blocks = m.div_ceil(block);
    // Each column allocated zeroed on its own (`vec![vec![..]; k]` would copy the first and
    // touch every page), so columns never written cost no memory.
    let zeroed = |k: usize| (0..k).map(|_| vec![0f32; m]).collect::<Vec<_>>();
    let mut headline = zeroed(scenarios);
    let mut deliveries = zeroed(scenarios * years);
    let mut spend = zeroed(scenarios * years);
    let pool = pool(threads)?;
    let isa = Isa::detect();
    // Every k-th lane of iterations feeds the per-task statistics and criticality.
    let sample_every = (opts.iterations / sample_target(plan.order.len())).max(1);
    let groups = n.div_ceil(LANES) as u64;
    let tasks = plan.order.len();
    let wanted = MAX_ROWS.min((1 << 24) / tasks.max(1)).max(LANES);
    let sampled_groups = groups.div_ceil(sample_every);
    let row_every = (sampled_groups / wanted.div_ceil(LANES) as u64).max(1);
    // Rows actually available: lanes of the row-giving groups that exist.
    let available = (0..sampled_groups.div_ceil(row_every))
        .map(|k| (n - (k * row_every * sample_every) as usize * LANES).min(LANES))
        .sum::<usize>();
    let layout = RowLayout {
        rows: if opts.statistics {
            wanted.min(available)
        } else {
            0
        },
        tasks,
        months: plan.month_ends.len(),
        delivered_months: if plan.has_plants {
            plan.month_ends.len()
        } else {
            0
        },
        spent_months: if plan.has_spend {
            plan.month_ends.len()
        } else {
            0
        },
        sample_every,
        statistics: opts.statistics,
        row_every,
    };
    // Rows are written by the blocks straight into their columns.
    let mut rows: Vec<Rows> = (0..scenarios).map(|_| layout.empty_rows()).collect();
    let mut by_block: Vec<Vec<BlockRows>> = (0..blocks).map(|_| Vec::new()).collect();
    for r in rows.iter_mut() {
        let parts = split_rows(&layout, &plan.position, r, start, block as u64, blocks);
        for (of_block, part) in by_block.iter_mut().zip(parts) {
            of_block.push(part);
        }
    }
    let work: Vec<BlockColumns> = split_columns(&mut headline, block, blocks)
        .into_iter()
        .zip(split_columns(&mut deliveries, block, blocks))
        .zip(split_columns(&mut spend, block, blocks))
        .zip(by_block)
        .enumerate()
        .map(|(b, (((h, d), s), r))| BlockColumns {
            first: start + (b * block) as u64,
            len: block.min(m - b * block),
            headline: h,
            deliveries: d,
            spend: s,
            rows: r,
        })
        .collect();

    // One set of per-task statistics per scenario, whatever the thread count (none when
    // statistics are off), written by workers a stripe at a time.
    // While no count can pass 65,535, two bins share a `u32`: half the memory and traffic.
    let packed = sampled_groups * LANES as u64 <= u64::from(u16::MAX);
    let mut stats: Vec<TaskStats> = (0..scenarios)
        .map(|_| empty_stats(if opts.statistics { tasks } else { 0 }, packed))
        .collect();
    let shared: Vec<SharedStats> = stats
        .iter_mut()
        .map(|s| {
            s.stripes(STRIPE, packed)
                .into_iter()
                .map(Mutex::new)
                .collect()
        })
        .collect();
    // Each thread takes the next block as it becomes free, so a busy core delays nothing.
    // Which thread runs a block changes nothing: every block writes its own part of the
    // columns, row records carry their row, and the statistics are integer counts.
    let queue = std::sync::Mutex::new(work.into_iter());
    let per_thread = pool.broadcast(|ctx| {
        // Made on a thread's first block: a thread that gets none costs no memory.
        let mut worker: Option<Worker> = None;
        let first_stripe =
            ctx.index() * shared.first().map_or(0, Vec::len) / ctx.num_threads().max(1);
        let at = Stripes {
            shared: &shared,
            first: first_stripe,
            position: &plan.position,
        };
        // A poisoned lock means another worker panicked; that panic is reported.
        while let Some(mut block) = queue.lock().ok().and_then(|mut q| q.next()) {
            let w = worker.get_or_insert_with(|| Worker::new(plan, opts.seed, opts.statistics));
            run_block(plan, isa, layout, &mut block, w, at);
            if let Some(progress) = opts.progress {
                progress(block.len as u64);
            }
        }
        // Only the tally outlives the thread's work: its buffers are freed here.
        worker.map(|mut w| {
            flush(isa, &mut w.pending, at);
            w.tally
        })
    });
    let workers = pool
        .install(|| {
            per_thread
                .into_par_iter()
                .flatten()
                .reduce_with(Tally::merge)
        })
        .unwrap_or_else(|| Tally::new(plan));
    let Tally { sampled, promises } = workers;
    drop(shared);
    if packed {
        for s in stats.iter_mut() {
            let tasks = s.tasks();
            pool.install(|| unpack_histograms(&mut s.histogram, tasks));
        }
    }

    let mut deliveries = deliveries.into_iter();
    let mut spend = spend.into_iter();
    let mut outcomes = Vec::with_capacity(scenarios);
    for ((((headline_days, stats), promises_kept), sampled), rows) in headline
        .into_iter()
        .zip(stats)
        .zip(promises)
        .zip(sampled)
        .zip(rows)
    {
        let tasks = if opts.statistics {
            TaskStats { sampled, ..stats }
        } else {
            TaskStats {
                sampled,
                ..TaskStats::new(tasks)
            }
        };
        outcomes.push(ScenarioOutcomes {
            headline_days,
            deliveries_by_year: deliveries.by_ref().take(years).collect(),
            spend_by_year: spend.by_ref().take(years).collect(),
            promises_kept,
            tasks,
            rows,
        });
    }
    Ok(Outcomes {
        iterations: m as u64,
        seed: opts.seed,
        horizon_days: f64::from(plan.horizon),
        years: plan.years.clone(),
        months: plan.months.clone(),
        delivers: plan.has_plants,
        spends: plan.has_spend,
        scenarios: outcomes,
    })
}

fn run_block(
    plan: &Compiled,
    isa: Isa,
    layout: RowLayout,
    block: &mut BlockColumns,
    w: &mut Worker,
    at: Stripes<'_, '_>,
) {
    let years = plan.years.len();
    let n = plan.order.len();
    for (sc, params) in plan.params.iter().enumerate() {
        let s = &mut w.scratch;
        let kept = &mut w.tally.promises[sc];
        for offset in (0..block.len).step_by(LANES) {
            let first = block.first + offset as u64;
            let group = first / LANES as u64;
            let sampled = layout.statistics && group.is_multiple_of(layout.sample_every);
            if sampled {
                simulate::<true>(isa, plan, params, first, s);
            } else {
                simulate::<false>(isa, plan, params, first, s);
            }
            let live = LANES.min(block.len - offset);
            let lanes = offset..offset + live;
            block.headline[sc][lanes.clone()].copy_from_slice(&s.headline[..live]);
            // Columns that are zero by construction stay untouched (zeroed pages cost no
            // memory until written).
            for (y, &(from, to)) in plan.year_spans.iter().enumerate() {
                if plan.has_plants {
                    let (a, b) = (&s.delivered[from], &s.delivered[to]);
                    for (l, out) in block.deliveries[sc * years + y][lanes.clone()]
                        .iter_mut()
                        .enumerate()
                    {
                        *out = b[l] - a[l];
                    }
                }
                if plan.has_spend {
                    let (a, b) = (&s.spent[from], &s.spent[to]);
                    for (l, out) in block.spend[sc * years + y][lanes.clone()]
                        .iter_mut()
                        .enumerate()
                    {
                        *out = b[l] - a[l];
                    }
                }
            }
            for (p, check) in plan.promises.iter().enumerate() {
                kept[p] += (0..live)
                    .map(|l| u64::from(promise_kept(check, s, l)))
                    .sum::<u64>();
            }
            if !sampled {
                continue;
            }
            // The subsample: per-task statistics, criticality chains and whole rows.
            w.tally.sampled[sc] += live as u64;
            let kept_rows = (0..live)
                .take_while(|&l| layout.row(group, l).is_some())
                .count();
            if let Some(first_row) = layout.row(group, 0).filter(|_| kept_rows > 0) {
                let (dm, sm) = (layout.delivered_months, layout.spent_months);
                block.rows[sc].write(
                    first_row,
                    kept_rows,
                    s.duration
                        .iter()
                        .chain([&s.headline])
                        .chain(&s.delivered_monthly[..dm])
                        .chain(&s.spent_monthly[..sm]),
                );
            }
            let pending = &mut w.pending;
            let g = pending.groups;
            record(
                isa,
                plan.horizon,
                &s.finish_ok.as_slice()[..n],
                live,
                pending,
                sc,
            );
            mark_critical(s, live, pending.next_critical());
            pending.scenario[g] = sc;
            pending.groups += 1;
            if pending.groups == pending.capacity {
                flush(isa, pending, at);
            }
        }
    }
}

/// Marks in `critical` (zeroed first, by plan position) the lanes in which each task lies on
/// the chain of driving links that set the headline event (of the `live` lanes that reach it).
/// A task's driver lies before it in plan order, so one backward sweep carries every lane's
/// chain down to its first task: a few operations per task, where following each lane's
/// chain link by link is a dependent load per step.
fn mark_critical(s: &Scratch, live: usize, critical: &mut [u32]) {
    critical.fill(0);
    for l in 0..live {
        if s.headline[l] < f32::INFINITY
            && let Some(pos) = s.headline_driver[l].pos()
            && let Some(m) = critical.get_mut(pos.index())
        {
            *m |= 1 << l;
        }
    }
    for pos in (0..critical.len()).rev() {
        let mut lanes = critical[pos];
        if lanes == 0 {
            continue;
        }
        let drivers = &s.driver[Pos::from_index(pos)];
        while lanes != 0 {
            let l = lanes.trailing_zeros() as usize;
            lanes &= lanes - 1;
            if let Some(by) = drivers[l].pos() {
                debug_assert!(by.index() < pos, "a driver precedes its task");
                if let Some(m) = critical.get_mut(by.index()) {
                    *m |= 1 << l;
                }
            }
        }
    }
}
