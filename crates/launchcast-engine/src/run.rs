//! The parallel driver: iterations are cut into fixed blocks; each block writes its slice of
//! the per-iteration columns and adds into its worker's integer accumulators. Columns are
//! indexed by iteration and accumulators are integers, so the result is the same for any
//! number of threads and any scheduling.

use rayon::prelude::*;

use crate::kernel::{Isa, Kernels, LANES, Lanes, Scratch, promise_kept, select_kernels};
use crate::outcomes::{DAY_FIXED_POINT, TASK_HISTOGRAM_BINS, sample_target};
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

struct Accumulators {
    tasks: Vec<TaskStats>,
    /// Per scenario: histogram bins recorded but not yet counted (see [`PendingBins`]).
    pending: Vec<PendingBins>,
    promises: Vec<Vec<u64>>,
    /// Per scenario: the whole-iteration records of the rows this worker ran, a lane group
    /// at a time, copied into [`Rows`] at the end: one piece per worker, which merging
    /// collects without copying.
    rows: Vec<Vec<RowRecords>>,
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

/// Sampled lane groups whose finish bins are counted together.
const PENDING_GROUPS: usize = 16;
/// A finish outside the histogram (not finished by the horizon, or a lane past the end).
const NO_BIN: u16 = u16::MAX;

/// Histogram bins of up to [`PENDING_GROUPS`] sampled lane groups, task by task
/// (`[task][group][lane]`). Counting them one group at a time would touch every task's
/// histogram once per group, a cache miss each in a large model; counting a task's bins of
/// many groups at once keeps its histogram in cache.
struct PendingBins {
    bins: Vec<u16>,
    groups: usize,
}

impl PendingBins {
    fn new(tasks: usize) -> PendingBins {
        PendingBins {
            bins: vec![NO_BIN; tasks * PENDING_GROUPS * LANES],
            groups: 0,
        }
    }

    /// Counts every pending bin into `stats` and empties the buffer.
    fn flush(&mut self, stats: &mut TaskStats) {
        if self.groups == 0 {
            return;
        }
        let used = self.groups * LANES;
        // Two partial histograms for alternate entries halve the chains of increments to
        // the same bin (a task's finishes crowd into a few bins).
        let mut partial = [[0u32; TASK_HISTOGRAM_BINS + 1]; 2];
        for (task, pending) in self.bins.chunks_exact(PENDING_GROUPS * LANES).enumerate() {
            // Only the span of bins in use is added and cleared again.
            let (mut lo, mut hi) = (TASK_HISTOGRAM_BINS, 0);
            for pair in pending[..used].chunks_exact(2) {
                let (a, b) = (
                    usize::from(pair[0]).min(TASK_HISTOGRAM_BINS),
                    usize::from(pair[1]).min(TASK_HISTOGRAM_BINS),
                );
                partial[0][a] += 1;
                partial[1][b] += 1;
                lo = lo.min(a).min(b);
                hi = hi.max(a).max(b);
            }
            let hi = hi.min(TASK_HISTOGRAM_BINS - 1);
            partial[0][TASK_HISTOGRAM_BINS] = 0;
            partial[1][TASK_HISTOGRAM_BINS] = 0;
            if lo > hi {
                continue;
            }
            let hist = &mut stats.histogram[task * TASK_HISTOGRAM_BINS..][lo..=hi];
            let [first, second] = &mut partial;
            for ((h, a), b) in hist
                .iter_mut()
                .zip(&mut first[lo..=hi])
                .zip(&mut second[lo..=hi])
            {
                *h += *a + *b;
                (*a, *b) = (0, 0);
            }
        }
        self.groups = 0;
    }
}

impl Accumulators {
    fn new(plan: &Compiled) -> Accumulators {
        let n = plan.order.len();
        Accumulators {
            pending: plan.params.iter().map(|_| PendingBins::new(n)).collect(),
            tasks: plan
                .params
                .iter()
                .map(|_| TaskStats::new(n, f64::from(plan.horizon)))
                .collect(),
            promises: plan
                .params
                .iter()
                .map(|_| vec![0; plan.promises.len()])
                .collect(),
            rows: plan
                .params
                .iter()
                .map(|_| vec![RowRecords::default()])
                .collect(),
        }
    }

    fn merge(mut self, other: Accumulators) -> Accumulators {
        for (a, b) in self.tasks.iter_mut().zip(&other.tasks) {
            a.merge(b);
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

fn split_columns<'a>(columns: &'a mut [Vec<f32>], blocks: usize) -> Vec<Vec<&'a mut [f32]>> {
    let mut per_block: Vec<Vec<&'a mut [f32]>> = (0..blocks).map(|_| Vec::new()).collect();
    for column in columns.iter_mut() {
        for (b, chunk) in column.chunks_mut(BLOCK).enumerate() {
            per_block[b].push(chunk);
        }
    }
    per_block
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

    // No more threads than blocks: each would only wait.
    let threads = if opts.threads == 0 {
        rayon::current_num_threads()
    } else {
        opts.threads
    }
    .min(blocks.max(1));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| EngineError::ThreadPool {
            threads,
            message: e.to_string(),
        })?;
    let machine = (select_kernels(), Recorder::select());
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
    // Each thread takes the next block as it becomes free, so a busy core delays nothing,
    // and keeps one set of accumulators (their histograms are the largest memory of a big
    // model). Which thread runs a block changes nothing: every block writes its own part of
    // the columns, row records carry their row, and the statistics are integer sums.
    let queue = std::sync::Mutex::new(work.into_iter());
    let per_thread = pool.broadcast(|_| {
        // Made on a thread's first block: a thread that gets none costs no memory.
        let mut state: Option<(Accumulators, Scratch)> = None;
        // A poisoned lock means another worker panicked; that panic is reported.
        while let Some(mut block) = queue.lock().ok().and_then(|mut q| q.next()) {
            let (acc, scratch) = state
                .get_or_insert_with(|| (Accumulators::new(plan), Scratch::new(plan, opts.seed)));
            run_block(plan, machine, layout, &mut block, acc, scratch);
            if let Some(progress) = opts.progress {
                progress(block.len as u64);
            }
        }
        state.map(|(mut acc, _)| {
            for (pending, stats) in acc.pending.iter_mut().zip(&mut acc.tasks) {
                pending.flush(stats);
            }
            acc
        })
    });
    // Pairs merge in parallel.
    let acc = pool
        .install(|| {
            per_thread
                .into_par_iter()
                .flatten()
                .reduce_with(Accumulators::merge)
        })
        .unwrap_or_else(|| Accumulators::new(plan));

    let mut deliveries = deliveries.into_iter();
    let mut spend = spend.into_iter();
    let outcomes = headline
        .into_iter()
        .zip(acc.tasks)
        .zip(acc.promises)
        .map(|((headline_days, tasks), promises_kept)| ScenarioOutcomes {
            headline_days,
            deliveries_by_year: deliveries.by_ref().take(years).collect(),
            spend_by_year: spend.by_ref().take(years).collect(),
            promises_kept,
            tasks,
            rows: crate::Rows::default(),
        })
        .collect::<Vec<_>>();
    let mut outcomes = outcomes;
    for (out, pieces) in outcomes.iter_mut().zip(acc.rows) {
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

fn run_block(
    plan: &Compiled,
    (kernels, recorder): (Kernels, Recorder),
    layout: RowLayout,
    block: &mut BlockColumns,
    acc: &mut Accumulators,
    s: &mut Scratch,
) {
    let years = plan.years.len();
    let inv_bin = TASK_HISTOGRAM_BINS as f32 / plan.horizon.max(1.0);
    for (sc, params) in plan.params.iter().enumerate() {
        let stats = &mut acc.tasks[sc];
        let kept = &mut acc.promises[sc];
        let RowRecords {
            index: row_index,
            data: row_data,
        } = &mut acc.rows[sc][0];
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
            stats.sampled += live as u64;
            let kept = (0..live)
                .take_while(|&l| layout.row(group, l).is_some())
                .count();
            if let Some(first_row) = layout.row(group, 0).filter(|_| kept > 0) {
                if row_data.capacity() == 0 {
                    // Room for every row at once: growing by doubling would copy tens of
                    // megabytes; untouched capacity costs no memory.
                    row_data.reserve(layout.rows.div_ceil(LANES) * layout.len() * LANES);
                }
                row_index.push([first_row as u32, kept as u32]);
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
            for l in 0..live {
                if s.headline[l] < f32::INFINITY {
                    let mut pos = s.headline_driver[l];
                    while pos != NONE {
                        stats.critical[plan.order[pos as usize] as usize] += 1;
                        pos = s.driver[pos as usize][l];
                    }
                }
            }
            let pending = &mut acc.pending[sc];
            (recorder.0)(plan, stats, &s.finish_ok, live, inv_bin, pending);
            pending.groups += 1;
            if pending.groups == PENDING_GROUPS {
                pending.flush(stats);
            }
        }
    }
}

/// Records one sampled lane group's finishes of every task (see [`add_finishes`]).
type Record = fn(&Compiled, &mut TaskStats, &[Lanes], usize, f32, &mut PendingBins);

/// The recorder compiled for the widest instruction set this processor has.
#[derive(Clone, Copy)]
struct Recorder(Record);

#[inline(always)]
fn record_body(
    plan: &Compiled,
    stats: &mut TaskStats,
    finish_ok: &[Lanes],
    live: usize,
    inv_bin: f32,
    pending: &mut PendingBins,
) {
    let group = pending.groups;
    for (finish, &task) in finish_ok.iter().zip(&plan.order) {
        let at = (task as usize * PENDING_GROUPS + group) * LANES;
        let Some(bins) = pending.bins.get_mut(at..at + LANES) else {
            continue;
        };
        let Ok(bins) = <&mut [u16; LANES]>::try_from(bins) else {
            continue;
        };
        add_finishes(
            stats,
            task as usize,
            finish,
            live,
            plan.horizon,
            inv_bin,
            bins,
        );
    }
}

macro_rules! recorder_for {
    ($name:ident, $features:literal) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $name(
            plan: &Compiled,
            stats: &mut TaskStats,
            finish_ok: &[Lanes],
            live: usize,
            inv_bin: f32,
            pending: &mut PendingBins,
        ) {
            record_body(plan, stats, finish_ok, live, inv_bin, pending);
        }
    };
}
recorder_for!(record_avx512, "avx512f,avx512dq,avx2,fma");
recorder_for!(record_avx2, "avx2,fma");

impl Recorder {
    fn select() -> Recorder {
        match Isa::detect() {
            // SAFETY: `Isa::detect` found AVX-512F and AVX-512DQ.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                Recorder(|p, st, f, l, b, pe| unsafe { record_avx512(p, st, f, l, b, pe) })
            }
            // SAFETY: `Isa::detect` found AVX2.
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => Recorder(|p, st, f, l, b, pe| unsafe { record_avx2(p, st, f, l, b, pe) }),
            _ => Recorder(record_body),
        }
    }
}

/// Adds one lane group's finishes of a task to its statistics (counts, fixed-point sum,
/// extremes) and writes their histogram bins to `pending`. Lane-wise and branch-free.
#[inline(always)]
fn add_finishes(
    stats: &mut TaskStats,
    task: usize,
    finish: &[f32; LANES],
    live: usize,
    horizon: f32,
    inv_bin: f32,
    pending: &mut [u16; LANES],
) {
    // Branch-free lane loops over plain arrays, reduced through eight fixed partial results:
    // this vectorises even without the kernel's instruction sets, and sums in a fixed order.
    let mut ok = [0u32; LANES];
    let mut value = [0f32; LANES];
    let mut low = [f32::INFINITY; LANES];
    for l in 0..LANES {
        ok[l] = u32::from(finish[l] <= horizon) & u32::from(l < live);
        value[l] = if ok[l] != 0 { finish[l] } else { 0.0 };
        low[l] = if ok[l] != 0 { finish[l] } else { f32::INFINITY };
        let bin = (value[l] * inv_bin).clamp(0.0, (TASK_HISTOGRAM_BINS - 1) as f32);
        // SAFETY: `bin` is finite and within 0..=1023 (clamped just above), so the
        // conversion is exact; `as` would add saturation checks that stop vectorisation.
        let bin = unsafe { bin.to_int_unchecked::<u32>() } as u16;
        pending[l] = if ok[l] != 0 { bin } else { NO_BIN };
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
    let count: u32 = ok.iter().sum();
    if count == 0 {
        return;
    }
    let sum = partial.iter().sum::<f64>();
    let fixed = |x: f64| (x * DAY_FIXED_POINT).round() as u64;
    stats.finished[task] += u64::from(count);
    stats.finish_sum_fixed[task] += u128::from(fixed(sum));
    stats.finish_min_fixed[task] = stats.finish_min_fixed[task].min(fixed(f64::from(lo)));
    stats.finish_max_fixed[task] = stats.finish_max_fixed[task].max(fixed(f64::from(hi)));
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
