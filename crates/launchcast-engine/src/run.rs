//! The parallel driver: iterations are cut into fixed blocks; each block writes its slice of
//! the per-iteration columns, and the sampled lane groups add into per-task statistics that
//! all workers share. Columns are indexed by iteration and the statistics are integer counts
//! whose histograms depend only on the extremes of what they count (see [`TaskStats`]), so
//! the result is the same for any number of threads and any scheduling.
//!
//! Memory: the per-task statistics (a 4 KB histogram per task and scenario, the largest part
//! of a big model's memory) exist once, whatever the thread count. A worker holds only its
//! kernel scratch and a buffer of the finishes of a few sampled lane groups, which it adds
//! into the shared statistics a stripe of tasks at a time, each stripe under its own lock, so
//! workers rarely wait on each other. No more workers run than the machine has cores: more
//! would only wait, and each costs its buffers.

use std::sync::Mutex;

use rayon::prelude::*;

use crate::kernel::{Isa, Kernels, LANES, Lanes, Scratch, promise_kept, select_kernels};
use crate::outcomes::TaskStripe;
use crate::outcomes::{
    DAY_FIXED_POINT, TASK_HISTOGRAM_BINS, finish_key, sample_target, written_zeros,
};
use crate::plan::{Compiled, NONE};
use crate::{EngineError, MAX_ROWS, Outcomes, Rows, RunOptions, ScenarioOutcomes, TaskStats};

/// Iterations per block: a multiple of [`LANES`], small enough to balance two cores and
/// report progress often, large enough to amortise the bookkeeping.
const BLOCK: usize = 4096;

/// One block's slices of every per-iteration column.
struct BlockColumns<'a> {
    first: u64,
    len: usize,
    /// `[scenario]`
    headline: Vec<&'a mut [f32]>,
    /// `[scenario * years + year]`
    deliveries: Vec<&'a mut [f32]>,
    spend: Vec<&'a mut [f32]>,
}

/// Tasks per stripe of the shared statistics, each stripe under its own lock.
const STRIPE: usize = 64;

/// The per-task statistics of one scenario, in model task order, shared by every worker:
/// stripes of [`STRIPE`] tasks, each under its own lock.
type SharedStats<'a> = Vec<Mutex<TaskStripe<'a>>>;

/// Empty statistics for `tasks` tasks, every page of their histograms written once up front
/// (a zeroed allocation maps pages lazily, so each first increment would fault twice).
fn empty_stats(tasks: usize) -> TaskStats {
    TaskStats {
        histogram: written_zeros(tasks * TASK_HISTOGRAM_BINS),
        ..TaskStats::new(tasks)
    }
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
    /// Per scenario: the whole-iteration records of the rows this worker ran, a lane group
    /// at a time, copied into [`Rows`] at the end: one piece per worker, which merging
    /// collects without copying.
    rows: Vec<Vec<RowRecords>>,
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
            rows: (0..scenarios)
                .map(|_| vec![RowRecords::default()])
                .collect(),
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
        for (a, b) in self.rows.iter_mut().zip(other.rows) {
            a.extend(b);
        }
        self
    }
}

/// Row records of one worker: for each lane group its first row and row count, and then
/// [`RowLayout::len`] items of `LANES` values each.
#[derive(Default)]
struct RowRecords {
    index: Vec<[u32; 2]>,
    data: Vec<f32>,
}

/// Which iterations become rows, and the layout of one row's record: task durations (model
/// order), headline, cumulative deliveries at each month end, cumulative spend likewise.
#[derive(Clone, Copy)]
struct RowLayout {
    rows: usize,
    tasks: usize,
    months: usize,
    /// Months of deliveries and of spend in each record: `months`, or 0 where the values are
    /// zero by construction (no plants, no costs), which then cost neither time nor memory.
    delivered_months: usize,
    spent_months: usize,
    sample_every: u64,
    /// Whether any lane group is sampled at all (see [`RunOptions::statistics`]).
    statistics: bool,
    /// Every `row_every`-th sampled lane group gives rows, so rows span the whole run.
    row_every: u64,
}

impl RowLayout {
    fn len(&self) -> usize {
        self.tasks + 1 + self.delivered_months + self.spent_months
    }

    /// The row of iteration lane `l` of sampled lane group `group`, if it is kept.
    fn row(&self, group: u64, l: usize) -> Option<usize> {
        let k = group / self.sample_every;
        let r = (k / self.row_every) as usize * LANES + l;
        (k.is_multiple_of(self.row_every) && r < self.rows).then_some(r)
    }

    fn iteration(&self, row: usize) -> u64 {
        let group = (row / LANES) as u64 * self.row_every * self.sample_every;
        group * LANES as u64 + (row % LANES) as u64
    }
}

/// Sampled lane groups a worker buffers before adding them to the shared statistics. A task's
/// finishes spread over its histogram's 64 cache lines: counting those of many groups at once
/// reuses the lines (and takes each lock once for all of them); one group at a time would
/// miss the cache on most finishes of a large model.
const PENDING_GROUPS: usize = 32;

/// A buffered lane that did not finish by the horizon, or lies past the run's end.
const NO_BIN: u16 = u16::MAX;

/// A worker's view of one task's histogram in one scenario: the extremes of the shared
/// statistics when it last added to them and of its finishes since, the window they set
/// (computed as the shared statistics compute theirs, so the shared level is never finer
/// when the buffered bins are added), and the count and fixed-point sum of those finishes.
#[derive(Clone, Copy)]
struct Shadow {
    /// Keys; `min > max` while there are none.
    min: u64,
    max: u64,
    level: u8,
    origin: u64,
    finished: u32,
    sum: u64,
}

const NO_SHADOW: Shadow = Shadow {
    min: u64::MAX,
    max: 0,
    level: 0,
    origin: 0,
    finished: 0,
    sum: 0,
};

/// Up to [`PENDING_GROUPS`] sampled lane groups, of any scenarios: each finish as its bin in
/// its task's [`Shadow`] window (`[position][group][lane]`, [`NO_BIN`] where none), which
/// lanes each task was critical in (bit `l` of `[position][group]`), the shadows
/// (`[scenario][position]`) and each group's scenario.
struct Pending {
    bins: Vec<u16>,
    critical: Vec<u32>,
    shadows: Vec<Shadow>,
    scenario: [usize; PENDING_GROUPS],
    groups: usize,
    tasks: usize,
    /// Stripes found locked during a flush, kept for reuse.
    busy: Vec<usize>,
}

impl Pending {
    fn new(tasks: usize, scenarios: usize) -> Pending {
        Pending {
            bins: vec![NO_BIN; tasks * PENDING_GROUPS * LANES],
            critical: vec![0; tasks * PENDING_GROUPS],
            shadows: vec![NO_SHADOW; tasks * scenarios],
            scenario: [0; PENDING_GROUPS],
            groups: 0,
            tasks,
            busy: Vec::new(),
        }
    }
}

fn split_columns<'a>(columns: &'a mut [Vec<f32>], blocks: usize) -> Vec<Vec<&'a mut [f32]>> {
    let mut per_block: Vec<Vec<&'a mut [f32]>> = (0..blocks).map(|_| Vec::new()).collect();
    for column in columns.iter_mut() {
        for (b, chunk) in column.chunks_mut(BLOCK).enumerate() {
            per_block[b].push(chunk);
        }
    }
    per_block
}

/// Worker threads for `requested` (0: one per core): never more than the machine's cores
/// (more would only wait, each holding its buffers) nor than there are blocks.
fn worker_threads(requested: usize, blocks: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let wanted = if requested == 0 {
        rayon::current_num_threads()
    } else {
        requested
    };
    wanted.min(cores).min(blocks).max(1)
}

pub(crate) fn run(plan: &Compiled, opts: &RunOptions) -> Result<Outcomes, EngineError> {
    let n = usize::try_from(opts.iterations)
        .map_err(|_| EngineError::TooManyIterations(opts.iterations))?;
    let scenarios = plan.params.len();
    let years = plan.years.len();
    let blocks = n.div_ceil(BLOCK);
    // Each column allocated zeroed on its own (`vec![vec![..]; k]` would copy the first and
    // touch every page), so columns never written cost no memory.
    let zeroed = |k: usize| (0..k).map(|_| vec![0f32; n]).collect::<Vec<_>>();
    let mut headline = zeroed(scenarios);
    let mut deliveries = zeroed(scenarios * years);
    let mut spend = zeroed(scenarios * years);
    let work: Vec<BlockColumns> = split_columns(&mut headline, blocks)
        .into_iter()
        .zip(split_columns(&mut deliveries, blocks))
        .zip(split_columns(&mut spend, blocks))
        .enumerate()
        .map(|(b, ((h, d), s))| BlockColumns {
            first: (b * BLOCK) as u64,
            len: BLOCK.min(n - b * BLOCK),
            headline: h,
            deliveries: d,
            spend: s,
        })
        .collect();

    let threads = worker_threads(opts.threads, blocks);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| EngineError::ThreadPool {
            threads,
            message: e.to_string(),
        })?;
    let machine = (select_kernels(), Adder::select());
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
    // One set of per-task statistics per scenario, whatever the thread count (none when
    // statistics are off), written by workers a stripe at a time.
    let mut stats: Vec<TaskStats> = (0..scenarios)
        .map(|_| empty_stats(if opts.statistics { tasks } else { 0 }))
        .collect();
    let shared: Vec<SharedStats> = stats
        .iter_mut()
        .map(|s| s.stripes(STRIPE).into_iter().map(Mutex::new).collect())
        .collect();
    let mut position = vec![0u32; tasks];
    for (pos, &task) in plan.order.iter().enumerate() {
        position[task as usize] = pos as u32;
    }
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
            position: &position,
        };
        // A poisoned lock means another worker panicked; that panic is reported.
        while let Some(mut block) = queue.lock().ok().and_then(|mut q| q.next()) {
            let w = worker.get_or_insert_with(|| Worker::new(plan, opts.seed, opts.statistics));
            run_block(plan, machine, layout, &mut block, w, at);
            if let Some(progress) = opts.progress {
                progress(block.len as u64);
            }
        }
        // Only the tally outlives the thread's work: its buffers are freed here.
        worker.map(|mut w| {
            flush(machine.1, &mut w.pending, at);
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
    let Tally {
        sampled,
        promises,
        rows,
    } = workers;
    drop(shared);

    let mut deliveries = deliveries.into_iter();
    let mut spend = spend.into_iter();
    let mut outcomes = Vec::with_capacity(scenarios);
    for (((headline_days, stats), promises_kept), sampled) in
        headline.into_iter().zip(stats).zip(promises).zip(sampled)
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
            rows: crate::Rows::default(),
        });
    }
    for (out, pieces) in outcomes.iter_mut().zip(rows) {
        out.rows = pool.install(|| gather_rows(&layout, &plan.order, &pieces));
    }
    Ok(Outcomes {
        iterations: opts.iterations,
        seed: opts.seed,
        horizon_days: f64::from(plan.horizon),
        years: plan.years.clone(),
        months: plan.months.clone(),
        delivers: plan.has_plants,
        spends: plan.has_spend,
        scenarios: outcomes,
    })
}

/// The shared statistics, the stripe a worker starts its additions at (workers start apart,
/// so they seldom wait for the same lock), and each task's plan position.
#[derive(Clone, Copy)]
struct Stripes<'a, 's> {
    shared: &'a [SharedStats<'s>],
    first: usize,
    position: &'a [u32],
}

fn run_block(
    plan: &Compiled,
    (kernels, adder): (Kernels, Adder),
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
        let RowRecords {
            index: row_index,
            data: row_data,
        } = &mut w.tally.rows[sc][0];
        for offset in (0..block.len).step_by(LANES) {
            let first = block.first + offset as u64;
            let group = first / LANES as u64;
            let sampled = layout.statistics && group.is_multiple_of(layout.sample_every);
            (if sampled { kernels.full } else { kernels.fast })(plan, params, first, s);
            let live = LANES.min(block.len - offset);
            let lanes = offset..offset + live;
            block.headline[sc][lanes.clone()].copy_from_slice(&s.headline[..live]);
            // Columns that are zero by construction stay untouched (zeroed pages cost no
            // memory until written).
            for (y, &(from, to)) in plan.year_spans.iter().enumerate() {
                let (from, to) = (from as usize, to as usize);
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
                if row_data.capacity() == 0 {
                    // Room for every row at once: growing by doubling would copy tens of
                    // megabytes; untouched capacity costs no memory.
                    row_data.reserve(layout.rows.div_ceil(LANES) * layout.len() * LANES);
                }
                row_index.push([first_row as u32, kept_rows as u32]);
                let (dm, sm) = (layout.delivered_months, layout.spent_months);
                for lanes in s
                    .duration
                    .iter()
                    .chain([&s.headline])
                    .chain(&s.delivered_monthly[..dm])
                    .chain(&s.spent_monthly[..sm])
                {
                    row_data.extend_from_slice(lanes);
                }
            }
            let pending = &mut w.pending;
            let g = pending.groups;
            (adder.record)(plan.horizon, &s.finish_ok[..n], live, pending, sc);
            let critical = &mut pending.critical;
            for l in 0..live {
                if s.headline[l] < f32::INFINITY {
                    let mut pos = s.headline_driver[l];
                    while pos != NONE {
                        critical[pos as usize * PENDING_GROUPS + g] |= 1 << l;
                        pos = s.driver[pos as usize][l];
                    }
                }
            }
            pending.scenario[g] = sc;
            pending.groups += 1;
            if pending.groups == PENDING_GROUPS {
                flush(adder, pending, at);
            }
        }
    }
}

/// Adds the pending groups into the shared statistics of their scenarios, stripe by stripe
/// from the worker's first, and empties the buffer.
fn flush(adder: Adder, pending: &mut Pending, at: Stripes<'_, '_>) {
    let mut groups = [0usize; PENDING_GROUPS];
    for (sc, shared) in at.shared.iter().enumerate() {
        let mut count = 0;
        for g in 0..pending.groups {
            if pending.scenario[g] == sc {
                groups[count] = g;
                count += 1;
            }
        }
        if count == 0 {
            continue;
        }
        let k = shared.len();
        // Stripes another worker holds are left for later rather than waited for.
        let mut busy = std::mem::take(&mut pending.busy);
        busy.clear();
        for i in 0..k {
            let at_stripe = (at.first + i) % k;
            match shared[at_stripe].try_lock() {
                Ok(mut stripe) => {
                    (adder.add)(&mut stripe, at.position, pending, sc, &groups[..count])
                }
                Err(std::sync::TryLockError::WouldBlock) => busy.push(at_stripe),
                // A poisoned lock means another worker panicked; that panic is reported.
                Err(std::sync::TryLockError::Poisoned(_)) => return,
            }
        }
        for &at_stripe in busy.iter() {
            let Ok(mut stripe) = shared[at_stripe].lock() else {
                return;
            };
            (adder.add)(&mut stripe, at.position, pending, sc, &groups[..count]);
        }
        pending.busy = busy;
    }
    // Bins are overwritten whole by the next groups; critical lanes are or-ed in.
    pending.critical.fill(0);
    pending.groups = 0;
}

/// Buffers one sampled lane group of scenario `sc` (the finishes of every task by plan
/// position, `live` lanes of them real) as the next pending group.
type Record = fn(f32, &[Lanes], usize, &mut Pending, usize);

/// Adds pending groups `groups` of scenario `sc` of the tasks of one stripe (at their
/// `position`s in the buffer) into it.
type Add = fn(&mut TaskStripe, &[u32], &mut Pending, usize, &[usize]);

/// The buffering and adding compiled for the widest instruction set this processor has.
#[derive(Clone, Copy)]
struct Adder {
    record: Record,
    add: Add,
}

#[inline(always)]
fn record_body(horizon: f32, finish_ok: &[Lanes], live: usize, pending: &mut Pending, sc: usize) {
    let (n, g) = (pending.tasks, pending.groups);
    for (pos, finish) in finish_ok.iter().enumerate().take(n) {
        let mut finish = *finish;
        if live < LANES {
            finish[live..].fill(f32::INFINITY);
        }
        let (count, sum, lo, hi) = group_totals(&finish, horizon);
        let at = (pos * PENDING_GROUPS + g) * LANES;
        let Some(out) = pending.bins.get_mut(at..at + LANES) else {
            return;
        };
        if count == 0 {
            out.fill(NO_BIN);
            continue;
        }
        let shadow = &mut pending.shadows[sc * n + pos];
        shadow.finished += count;
        shadow.sum += (sum * DAY_FIXED_POINT).round() as u64;
        let (lo, hi) = (finish_key(lo), finish_key(hi));
        if shadow.min > shadow.max || lo < shadow.min || hi > shadow.max {
            let task = &mut pending.bins[pos * PENDING_GROUPS * LANES..][..g * LANES];
            widen_shadow(shadow, lo, hi, task, &pending.scenario[..g], sc);
        }
        let shadow = pending.shadows[sc * n + pos];
        let out = &mut pending.bins[at..at + LANES];
        // Bin of a finish x: ⌊x · 2^16 / 2^level⌋ − origin, exact in `f32`: x · 2^(16 − level)
        // is a power-of-two multiple of an `f32`, its floor an `f32`, and so is the origin
        // (the floor of the earliest finish's); two such integers less than 1,024 apart
        // subtract exactly.
        let scale = 2f32.powi(16 - i32::from(shadow.level));
        let origin = shadow.origin as f32;
        for l in 0..LANES {
            let ok = finish[l] <= horizon;
            let x = if ok { finish[l].max(0.0) } else { 0.0 };
            let b = ((x * scale).floor() - origin).clamp(0.0, (TASK_HISTOGRAM_BINS - 1) as f32);
            // SAFETY: `b` is finite and within 0..=1023 (clamped just above, from finite
            // values), so the conversion is exact; `as` would add saturation checks that stop
            // vectorisation.
            let b = unsafe { b.to_int_unchecked::<u32>() } as u16;
            out[l] = if ok { b } else { NO_BIN };
        }
    }
}

/// Widens a shadow window to hold keys `lo ..= hi`, moving the task's buffered bins of
/// scenario `sc` (groups before the current one, `[group][lane]`) into the new window as
/// [`TaskStripe::widen`] does with a histogram.
#[cold]
fn widen_shadow(
    shadow: &mut Shadow,
    lo: u64,
    hi: u64,
    bins: &mut [u16],
    scenario: &[usize],
    sc: usize,
) {
    let empty = shadow.min > shadow.max;
    let (min, max) = if empty {
        (lo, hi)
    } else {
        (lo.min(shadow.min), hi.max(shadow.max))
    };
    let level = crate::outcomes::histogram_level(min, max);
    let origin = min >> level;
    if !empty && (level, origin) != (shadow.level, shadow.origin) {
        let shift = level - shadow.level;
        for (group, lanes) in bins.chunks_exact_mut(LANES).enumerate() {
            if scenario.get(group) != Some(&sc) {
                continue;
            }
            for b in lanes.iter_mut().filter(|b| **b != NO_BIN) {
                *b = (((shadow.origin + u64::from(*b)) >> shift) - origin) as u16;
            }
        }
    }
    (shadow.min, shadow.max, shadow.level, shadow.origin) = (min, max, level, origin);
}

#[inline(always)]
fn add_body(
    stats: &mut TaskStripe,
    position: &[u32],
    pending: &mut Pending,
    sc: usize,
    groups: &[usize],
) {
    let n = pending.tasks;
    for i in 0..stats.tasks() {
        let pos = position[stats.first + i] as usize;
        if i + 1 < stats.tasks() {
            prefetch_next(stats, i + 1, &pending.bins, position);
        }
        let mut critical = 0u64;
        for &g in groups {
            critical += u64::from(pending.critical[pos * PENDING_GROUPS + g].count_ones());
        }
        stats.critical[i] += critical;
        let shadow = pending.shadows[sc * n + pos];
        if shadow.finished > 0 {
            stats.finished[i] += u64::from(shadow.finished);
            stats.finish_sum_fixed[i] += u128::from(shadow.sum);
            stats.widen(i, shadow.min, shadow.max);
            let (level, origin) = (stats.bin_level[i], stats.bin_origin[i]);
            let bins = &mut stats.histogram[i * TASK_HISTOGRAM_BINS..][..TASK_HISTOGRAM_BINS];
            let task = &pending.bins[pos * PENDING_GROUPS * LANES..][..PENDING_GROUPS * LANES];
            if (level, origin) == (shadow.level, shadow.origin) {
                for &g in groups {
                    for &b in &task[g * LANES..][..LANES] {
                        if let Some(c) = bins.get_mut(usize::from(b)) {
                            *c += 1;
                        }
                    }
                }
            } else {
                // The shared window is as fine or coarser: each buffered bin lies in one bin.
                let shift = level - shadow.level;
                for &g in groups {
                    for &b in &task[g * LANES..][..LANES] {
                        if b != NO_BIN {
                            let to = ((shadow.origin + u64::from(b)) >> shift) - origin;
                            bins[to as usize] += 1;
                        }
                    }
                }
            }
        }
        // The next buffered finishes are binned in the shared window as it is now.
        pending.shadows[sc * n + pos] = Shadow {
            min: stats.finish_min_fixed[i],
            max: stats.finish_max_fixed[i],
            level: stats.bin_level[i],
            origin: stats.bin_origin[i],
            finished: 0,
            sum: 0,
        };
    }
}

/// Asks for the cache lines the next task will need while this one is counted: its buffered
/// bins and the bins in use of its histogram (its finishes spread over them, and they lie far
/// apart in a large model, each a cache miss otherwise).
#[inline(always)]
fn prefetch_next(stats: &TaskStripe, next: usize, pending: &[u16], position: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        const LINE: usize = 64;
        let pos = position[stats.first + next] as usize;
        let (min, max) = (stats.finish_min_fixed[next], stats.finish_max_fixed[next]);
        let used = if min > max {
            0
        } else {
            let level = stats.bin_level[next];
            (((max >> level) - (min >> level)) as usize + 1).min(TASK_HISTOGRAM_BINS)
        };
        let bins = &stats.histogram[next * TASK_HISTOGRAM_BINS..][..used];
        let buffered = &pending[pos * PENDING_GROUPS * LANES..][..PENDING_GROUPS * LANES];
        // SAFETY: a prefetch only hints the cache: it never faults nor changes memory, and
        // every address is within a slice.
        unsafe {
            for line in (0..std::mem::size_of_val(buffered)).step_by(LINE) {
                _mm_prefetch(buffered.as_ptr().cast::<i8>().add(line), _MM_HINT_T0);
            }
            for line in (0..std::mem::size_of_val(bins)).step_by(LINE) {
                _mm_prefetch(bins.as_ptr().cast::<i8>().add(line), _MM_HINT_T0);
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (stats, next, pending, position);
}

/// Finished lanes (finish by the horizon) of one group: their count, sum (eight fixed partial
/// sums, so the order is fixed), earliest and latest.
#[inline(always)]
fn group_totals(finish: &Lanes, horizon: f32) -> (u32, f64, f32, f32) {
    let mut ok = [0u32; LANES];
    let mut value = [0f32; LANES];
    let mut low = [f32::INFINITY; LANES];
    for l in 0..LANES {
        ok[l] = u32::from(finish[l] <= horizon);
        value[l] = if ok[l] != 0 { finish[l] } else { 0.0 };
        low[l] = if ok[l] != 0 { finish[l] } else { f32::INFINITY };
    }
    let (mut partial, mut lo8, mut hi8) = ([0f64; 8], [f32::INFINITY; 8], [0f32; 8]);
    for chunk in 0..LANES / 8 {
        for j in 0..8 {
            let l = chunk * 8 + j;
            partial[j] += f64::from(value[l]);
            lo8[j] = if low[l] < lo8[j] { low[l] } else { lo8[j] };
            hi8[j] = if value[l] > hi8[j] { value[l] } else { hi8[j] };
        }
    }
    let lo = lo8
        .iter()
        .fold(f32::INFINITY, |a, &b| if b < a { b } else { a });
    let hi = hi8.iter().fold(0f32, |a, &b| if b > a { b } else { a });
    (ok.iter().sum(), partial.iter().sum(), lo, hi)
}

macro_rules! adder_for {
    ($record:ident, $add:ident, $features:literal) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $record(
            horizon: f32,
            finish_ok: &[Lanes],
            live: usize,
            pending: &mut Pending,
            sc: usize,
        ) {
            record_body(horizon, finish_ok, live, pending, sc);
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $add(
            stats: &mut TaskStripe,
            position: &[u32],
            pending: &mut Pending,
            sc: usize,
            groups: &[usize],
        ) {
            add_body(stats, position, pending, sc, groups);
        }
    };
}
adder_for!(record_avx512, add_avx512, "avx512f,avx512dq,avx2,fma");
adder_for!(record_avx2, add_avx2, "avx2,fma");

impl Adder {
    fn select() -> Adder {
        match Isa::detect() {
            // SAFETY (both): `Isa::detect` found AVX-512F and AVX-512DQ.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => Adder {
                record: |h, f, l, p, sc| unsafe { record_avx512(h, f, l, p, sc) },
                add: |s, po, p, sc, g| unsafe { add_avx512(s, po, p, sc, g) },
            },
            // SAFETY (both): `Isa::detect` found AVX2.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => Adder {
                record: |h, f, l, p, sc| unsafe { record_avx2(h, f, l, p, sc) },
                add: |s, po, p, sc, g| unsafe { add_avx2(s, po, p, sc, g) },
            },
            _ => Adder {
                record: record_body,
                add: add_body,
            },
        }
    }
}

/// Scatters the workers' row records (durations by plan position) into column-major
/// [`Rows`] (tasks in model order), columns in parallel.
fn gather_rows(layout: &RowLayout, order: &[u32], pieces: &[RowRecords]) -> Rows {
    let (n, width) = (layout.rows, layout.len() * LANES);
    let mut rows = Rows {
        iterations: (0..n).map(|r| layout.iteration(r)).collect(),
        // Zeroed memory is mapped lazily: the columns are filled below, in parallel.
        durations: vec![0.0; layout.tasks * n],
        headline: vec![0.0; n],
        delivered: vec![0.0; layout.months * n],
        spent: vec![0.0; layout.months * n],
    };
    // Each record holds a lane group's rows item by item. Columns are written a group at a
    // time, record by record: each column front to back, and a record's items of one group
    // lie close together (plan order mostly follows model order), so reads stay within a few
    // pages.
    let records: Vec<(usize, usize, &[f32])> = pieces
        .iter()
        .flat_map(|p| p.index.iter().zip(p.data.chunks_exact(width)))
        .map(|(&[first, kept], record)| (first as usize, kept as usize, record))
        .collect();
    if n == 0 {
        return rows;
    }
    // `columns` (n values each) take the given items of every record; rows no record covers
    // keep `missing`.
    let gather = |columns: &mut [f32], items: &[usize], missing: f32| {
        columns.fill(missing);
        for &(r, kept, record) in &records {
            for (column, &item) in columns.chunks_exact_mut(n).zip(items) {
                column[r..r + kept].copy_from_slice(&record[item * LANES..][..kept]);
            }
        }
    };
    let mut position = vec![0; order.len()];
    for (pos, &task) in order.iter().enumerate() {
        position[task as usize] = pos;
    }
    const GROUP: usize = 64;
    rows.durations
        .par_chunks_mut(n * GROUP)
        .zip(position.par_chunks(GROUP))
        .for_each(|(columns, positions)| gather(columns, positions, f32::NAN));
    gather(&mut rows.headline, &[layout.tasks], f32::INFINITY);
    let (dm, sm) = (layout.delivered_months, layout.spent_months);
    let delivered: Vec<usize> = (0..dm).map(|m| layout.tasks + 1 + m).collect();
    gather(&mut rows.delivered[..dm * n], &delivered, 0.0);
    let spent: Vec<usize> = (0..sm).map(|m| layout.tasks + 1 + dm + m).collect();
    gather(&mut rows.spent[..sm * n], &spent, 0.0);
    rows
}
