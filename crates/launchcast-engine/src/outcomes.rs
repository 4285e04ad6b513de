//! What a run produces: per-iteration columns for the headline results (so their quantiles
//! are exact), and integer accumulators per task (so merging worker results is associative
//! and the outcome is identical at any thread count).

/// Bins of each task's finish-time histogram, over the range of its own finishes (see
/// [`TaskStats`]).
pub const TASK_HISTOGRAM_BINS: usize = 1024;

/// Fixed-point scale of the per-task sums, extremes and histogram keys of finish days
/// (integers merge exactly).
pub const DAY_FIXED_POINT: f64 = 65_536.0;

/// Everything one run measured, for every scenario, on the same random draws.
#[derive(Clone, Debug)]
pub struct Outcomes {
    /// Iterations run, of every scenario.
    pub iterations: u64,
    /// The run's seed.
    pub seed: u64,
    /// Days from program start (00:00) to the end of the horizon's day: the horizon includes
    /// its day, like every other "by" date.
    pub horizon_days: f64,
    /// Calendar years covered by `*_by_year` columns, from the start's year to the horizon's.
    pub years: Vec<i32>,
    /// Month ends (the first day of the next month, clipped to the horizon) at which
    /// [`Rows::delivered`] and [`Rows::spent`] are taken, as `(year, month)` of the month
    /// that ends, from the start's month to the horizon's.
    pub months: Vec<(i32, u32)>,
    /// False when no iteration can deliver a car (the model has no plants): every value of
    /// every `deliveries_by_year` column is then zero by construction, and readers may skip
    /// the columns (their pages were never written).
    pub delivers: bool,
    /// False when the model has no costs: every `spend_by_year` value is zero.
    pub spends: bool,
    /// In the order of `Plan::scenarios`.
    pub scenarios: Vec<ScenarioOutcomes>,
}

/// At most this many iterations are kept whole in [`Rows`] (fewer for very large models, so
/// that rows × tasks stays below 2^24 values).
pub const MAX_ROWS: usize = 8192;

/// A fixed subsample of whole iterations (the first sampled ones, in iteration order), for
/// statistics that need several values of the same iteration: rank correlations of task
/// durations with the headline, monthly fan charts of deliveries and spend.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// Global iteration index of each row.
    pub iterations: Vec<u64>,
    /// `[task * rows + row]`: each task's sampled duration in days (risks included), by model
    /// task order; NaN where the task never started.
    pub durations: Vec<f32>,
    /// Headline days of each row (+∞ where it does not happen by the horizon).
    pub headline: Vec<f32>,
    /// `[month * rows + row]`: cumulative cars delivered by each month end of
    /// [`Outcomes::months`].
    pub delivered: Vec<f32>,
    /// `[month * rows + row]`: cumulative money spent by each month end.
    pub spent: Vec<f32>,
}

impl Rows {
    /// Iterations kept as rows.
    pub fn len(&self) -> usize {
        self.iterations.len()
    }

    /// Whether no iteration was kept.
    pub fn is_empty(&self) -> bool {
        self.iterations.is_empty()
    }

    /// The durations of task `task` (model order), one per row.
    pub fn durations_of(&self, task: usize) -> &[f32] {
        let n = self.len();
        &self.durations[task * n..(task + 1) * n]
    }

    /// Cumulative deliveries at month end `month`, one per row.
    pub fn delivered_by(&self, month: usize) -> &[f32] {
        let n = self.len();
        &self.delivered[month * n..(month + 1) * n]
    }

    /// Cumulative spend at month end `month`, one per row.
    pub fn spent_by(&self, month: usize) -> &[f32] {
        let n = self.len();
        &self.spent[month * n..(month + 1) * n]
    }
}

/// One scenario's headline and promises in a run: what drivers compare (see
/// `Plan::run_changes`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeadlineOutcomes {
    /// As [`ScenarioOutcomes::headline_days`].
    pub headline_days: Vec<f32>,
    /// As [`ScenarioOutcomes::promises_kept`].
    pub promises_kept: Vec<u64>,
}

impl From<ScenarioOutcomes> for HeadlineOutcomes {
    fn from(so: ScenarioOutcomes) -> Self {
        HeadlineOutcomes {
            headline_days: so.headline_days,
            promises_kept: so.promises_kept,
        }
    }
}

/// What one run measured of one scenario.
#[derive(Clone, Debug)]
pub struct ScenarioOutcomes {
    /// Days from start to the headline event (first delivery; in a model without plants the
    /// finish of the last task), one per iteration; `f32::INFINITY` where it does not happen
    /// by the horizon.
    pub headline_days: Vec<f32>,
    /// `[year][iteration]`: cars delivered within each calendar year (clipped to start and horizon).
    pub deliveries_by_year: Vec<Vec<f32>>,
    /// `[year][iteration]`: money spent within each calendar year.
    pub spend_by_year: Vec<Vec<f32>>,
    /// Per promise (model order): iterations in which it was kept.
    pub promises_kept: Vec<u64>,
    /// Per-task statistics of the subsample (empty when the run kept no
    /// statistics).
    pub tasks: TaskStats,
    /// Whole iterations of a fixed subsample.
    pub rows: Rows,
}

/// Iterations behind the per-task statistics (probability, mean, quantiles, criticality) and
/// rows: every iteration up to twice the target, and beyond that every k-th lane group of 32
/// iterations so that at least the target do. The target is this many iterations, lowered for
/// large models to keep the recording cost (a few times a plain iteration's) small beside
/// the run (`sample_target`): 65,536 up to 256 tasks (standard error of a probability at
/// most 0.2 %), 16,777 at 1,000 tasks (0.39 %), never below 8,192 (0.55 %) from 2,048
/// tasks. Headline results always use every iteration.
pub const TASK_SAMPLE_TARGET: u64 = 65_536;

/// The per-task sample target for a model of `tasks` tasks: about 2^24 task-samples, clamped
/// to 8,192 ..= [`TASK_SAMPLE_TARGET`] iterations.
pub fn sample_target(tasks: usize) -> u64 {
    ((1u64 << 24) / tasks.max(1) as u64).clamp(8_192, TASK_SAMPLE_TARGET)
}

/// `n` zeros written out, in room for `capacity`: a zeroed allocation is mapped lazily to the
/// shared zero page, so the first increment (a read, then a write) of each page would fault
/// twice and flush the other cores' address translations; writing once up front faults each
/// page once. The room past `n` is not touched.
#[allow(clippy::slow_vector_initialization)] // the point: `vec![0; n]` maps pages lazily
pub(crate) fn written_zeros(n: usize, capacity: usize) -> Vec<u32> {
    let mut v = Vec::with_capacity(capacity.max(n));
    v.resize(n, 0);
    v
}

/// 0-based rank of the nearest-rank `q`-quantile among `n > 0` values (Hyndman & Fan type 1:
/// the `k`-th smallest, `k = ceil(q · n)` clamped to `1..=n`; a product within floating-point
/// noise of an integer counts as that integer, so `q = 0.9, n = 10` gives `k = 9`). NaN
/// counts as 0.
pub fn nearest_rank(q: f64, n: u64) -> u64 {
    let q = if q.is_nan() { 0.0 } else { q.clamp(0.0, 1.0) };
    let x = q * n as f64;
    let r = x.round();
    let k = if (x - r).abs() <= 1e-9 * r.max(1.0) {
        r
    } else {
        x.ceil()
    };
    (k as u64).clamp(1, n.max(1)) - 1
}

/// The fixed-point key of a finish day `x` ≥ 0: ⌊x · [`DAY_FIXED_POINT`]⌋, exact (a finish
/// is an `f32`, and a 100-year horizon is below 2^22 · 2^16).
#[inline(always)]
pub(crate) fn finish_key(x: f32) -> u64 {
    (f64::from(x.max(0.0)) * DAY_FIXED_POINT) as u64
}

/// The histogram level of keys from `min` to `max`: the smallest `k` such that bins of
/// width 2^k, the first at ⌊min / 2^k⌋, hold `max` within [`TASK_HISTOGRAM_BINS`] bins.
/// It grows with the range only, so it depends on the extremes, not on the order of the
/// values nor on how they were split.
#[inline]
pub(crate) fn histogram_level(min: u64, max: u64) -> u8 {
    let mut k = 0;
    while (max >> k) - (min >> k) >= TASK_HISTOGRAM_BINS as u64 {
        k += 1;
    }
    k
}

/// Per-task accumulators, indexed by the model's task order.
///
/// Each task's finishes are counted in its own histogram of [`TASK_HISTOGRAM_BINS`] bins on
/// a power-of-two grid of its own range: bin width 2^`bin_level` fixed-point units (see
/// [`DAY_FIXED_POINT`]), the first bin at key `bin_origin` · 2^`bin_level` =
/// ⌊min / 2^level⌋ · 2^level, the level the smallest that holds the task's earliest and
/// latest finish. A value outside the window coarsens the histogram in place, exactly (every
/// fine bin lies inside one coarse bin), so the counts are those of the finishes at the level
/// set by the extremes alone: merging any partition of the iterations gives the same
/// histogram, whatever the thread count.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskStats {
    /// Sampled iterations in which the task finished successfully by the horizon.
    pub finished: Vec<u64>,
    /// Sum over those iterations of the finish, in days × [`DAY_FIXED_POINT`] (each lane
    /// group of 32 summed in `f64`, rounded once).
    pub finish_sum_fixed: Vec<u128>,
    /// Keys (⌊days × [`DAY_FIXED_POINT`]⌋) of the earliest and latest finish seen: quantiles
    /// are clamped to them, so a task of fixed duration reports its exact day. `u64::MAX`
    /// and 0 while none.
    pub finish_min_fixed: Vec<u64>,
    /// See `finish_min_fixed`.
    pub finish_max_fixed: Vec<u64>,
    /// Iterations in the subsample behind every field below (see [`sample_target`]).
    pub sampled: u64,
    /// Sampled iterations in which the task lies on the chain of links that set the
    /// headline event.
    pub critical: Vec<u64>,
    /// Per task: the histogram's bin width is 2^level fixed-point units.
    pub bin_level: Vec<u8>,
    /// Per task: key / 2^level of the start of its first bin.
    pub bin_origin: Vec<u64>,
    /// `[task * TASK_HISTOGRAM_BINS + bin]`: finish histogram of the finished iterations.
    pub histogram: Vec<u32>,
}

impl TaskStats {
    /// Empty accumulators for `tasks` tasks.
    pub fn new(tasks: usize) -> TaskStats {
        // Mapped lazily: unwritten histograms cost no memory.
        TaskStats::with_histogram(tasks, vec![0; tasks * TASK_HISTOGRAM_BINS])
    }

    /// Empty accumulators for `tasks` tasks around `histogram`, zeroed by the caller.
    pub(crate) fn with_histogram(tasks: usize, histogram: Vec<u32>) -> TaskStats {
        TaskStats {
            finished: vec![0; tasks],
            finish_sum_fixed: vec![0; tasks],
            finish_min_fixed: vec![u64::MAX; tasks],
            finish_max_fixed: vec![0; tasks],
            sampled: 0,
            critical: vec![0; tasks],
            bin_level: vec![0; tasks],
            bin_origin: vec![0; tasks],
            histogram,
        }
    }

    /// Number of tasks.
    pub fn tasks(&self) -> usize {
        self.finished.len()
    }

    /// Task `task`'s bins.
    pub fn bins(&self, task: usize) -> &[u32] {
        &self.histogram[task * TASK_HISTOGRAM_BINS..(task + 1) * TASK_HISTOGRAM_BINS]
    }

    /// Widens task `task`'s window to hold keys `min ..= max` (see [`TaskStripe::widen`]).
    #[inline]
    pub(crate) fn widen(&mut self, task: usize, min: u64, max: u64) {
        TaskStripe {
            first: 0,
            finished: &mut self.finished,
            finish_sum_fixed: &mut self.finish_sum_fixed,
            finish_min_fixed: &mut self.finish_min_fixed,
            finish_max_fixed: &mut self.finish_max_fixed,
            critical: &mut self.critical,
            bin_level: &mut self.bin_level,
            bin_origin: &mut self.bin_origin,
            histogram: &mut self.histogram,
            packed: false,
        }
        .widen(task, min, max);
    }

    /// Every field cut into stripes of `size` tasks (the last may be shorter), each for one
    /// writer; `packed`: the histograms hold two bins per `u32` (see [`TaskStripe::packed`]).
    pub(crate) fn stripes(&mut self, size: usize, packed: bool) -> Vec<TaskStripe<'_>> {
        let size = size.clamp(1, self.tasks().max(1));
        let bins = size.saturating_mul(histogram_words(packed));
        self.finished
            .chunks_mut(size)
            .zip(self.finish_sum_fixed.chunks_mut(size))
            .zip(self.finish_min_fixed.chunks_mut(size))
            .zip(self.finish_max_fixed.chunks_mut(size))
            .zip(self.critical.chunks_mut(size))
            .zip(self.bin_level.chunks_mut(size))
            .zip(self.bin_origin.chunks_mut(size))
            .zip(self.histogram.chunks_mut(bins))
            .enumerate()
            .map(
                |(k, (((((((finished, sum), min), max), critical), level), origin), histogram))| {
                    TaskStripe {
                        first: k * size,
                        finished,
                        finish_sum_fixed: sum,
                        finish_min_fixed: min,
                        finish_max_fixed: max,
                        critical,
                        bin_level: level,
                        bin_origin: origin,
                        histogram,
                        packed,
                    }
                },
            )
            .collect()
    }

    /// Counts one finish of task `task` at `days` (≥ 0) by the horizon: the engine counts
    /// lane groups at once, to the same effect.
    pub fn add_finish(&mut self, task: usize, days: f32) {
        let key = finish_key(days);
        self.widen(task, key, key);
        self.finished[task] += 1;
        self.finish_sum_fixed[task] +=
            u128::from((f64::from(days.max(0.0)) * DAY_FIXED_POINT).round() as u64);
        let bin = (key >> self.bin_level[task]) - self.bin_origin[task];
        self.histogram[task * TASK_HISTOGRAM_BINS + bin as usize] += 1;
    }

    /// Adds everything `other` counted.
    pub fn merge(&mut self, other: &TaskStats) {
        self.sampled += other.sampled;
        for t in 0..self.tasks().min(other.tasks()) {
            self.finished[t] += other.finished[t];
            self.finish_sum_fixed[t] += other.finish_sum_fixed[t];
            self.critical[t] += other.critical[t];
            let (min, max) = (other.finish_min_fixed[t], other.finish_max_fixed[t]);
            if min > max {
                continue;
            }
            self.widen(t, min, max);
            let (level, origin) = (self.bin_level[t], self.bin_origin[t]);
            let shift = level - other.bin_level[t];
            let bins = &mut self.histogram[t * TASK_HISTOGRAM_BINS..][..TASK_HISTOGRAM_BINS];
            for (j, &c) in other.bins(t).iter().enumerate() {
                if c != 0 {
                    let to = ((other.bin_origin[t] + j as u64) >> shift) - origin;
                    bins[to as usize] += c;
                }
            }
        }
    }

    /// Share of the sampled iterations in which the task finished by the horizon.
    pub fn probability(&self, task: usize) -> f64 {
        if self.sampled == 0 {
            0.0
        } else {
            self.finished[task] as f64 / self.sampled as f64
        }
    }

    /// Mean finish day over the iterations in which the task finished, if any did.
    pub fn mean_days(&self, task: usize) -> Option<f64> {
        let n = self.finished[task];
        (n > 0).then(|| self.finish_sum_fixed[task] as f64 / DAY_FIXED_POINT / n as f64)
    }

    /// Share of the sampled iterations in which the task was on the chain that set the
    /// headline event.
    pub fn criticality(&self, task: usize) -> f64 {
        if self.sampled == 0 {
            0.0
        } else {
            self.critical[task] as f64 / self.sampled as f64
        }
    }

    /// Width of task `task`'s histogram bins, days: 2^level / [`DAY_FIXED_POINT`], less than
    /// 2/1,023 of the range of its finishes (or 2^-16 day).
    pub fn bin_days(&self, task: usize) -> f64 {
        (1u64 << self.bin_level[task]) as f64 / DAY_FIXED_POINT
    }

    /// Nearest-rank quantile `q` in [0, 1] of the finish day over the sampled iterations in
    /// which the task finished (see [`nearest_rank`]): the middle of the histogram bin that
    /// holds it (see [`TaskStats::quantile_bin`]). The exact quantile lies in that bin, so the
    /// error is at most half a bin: below 1/1,023 of the range of the task's finishes
    /// (0.098 %), or 2^-17 day, whatever the horizon.
    pub fn quantile_days(&self, task: usize, q: f64) -> Option<f64> {
        self.quantile_bin(task, q).map(|(lo, hi)| 0.5 * (lo + hi))
    }

    /// The part of the histogram bin holding the nearest-rank quantile `q` of task `task`'s
    /// finish days that lies between its earliest and latest finish, `(from, to)` in days:
    /// the exact quantile is one of the finishes in it. `None` if the task never finished.
    pub fn quantile_bin(&self, task: usize, q: f64) -> Option<(f64, f64)> {
        let n = self.finished[task];
        if n == 0 {
            return None;
        }
        let days = |k: u64| k as f64 / DAY_FIXED_POINT;
        let (min, max) = (self.finish_min_fixed[task], self.finish_max_fixed[task]);
        let level = self.bin_level[task];
        let k = nearest_rank(q, n) + 1;
        let mut below = 0u64;
        let mut bin = TASK_HISTOGRAM_BINS as u64 - 1;
        for (i, &c) in self.bins(task).iter().enumerate() {
            below += u64::from(c);
            if below >= k {
                bin = i as u64;
                break;
            }
        }
        // Keys of the bin: [first, first + 2^level), within the extremes.
        let first = (self.bin_origin[task] + bin) << level;
        let last = first + ((1u64 << level) - 1);
        Some((days(first.clamp(min, max)), days(last.clamp(min, max))))
    }
}

/// The fields of a run of tasks of a [`TaskStats`] (from task `first`), borrowed for one
/// writer: each stripe of the shared statistics lies under its own lock.
pub(crate) struct TaskStripe<'a> {
    pub(crate) first: usize,
    pub(crate) finished: &'a mut [u64],
    pub(crate) finish_sum_fixed: &'a mut [u128],
    pub(crate) finish_min_fixed: &'a mut [u64],
    pub(crate) finish_max_fixed: &'a mut [u64],
    pub(crate) critical: &'a mut [u64],
    pub(crate) bin_level: &'a mut [u8],
    pub(crate) bin_origin: &'a mut [u64],
    pub(crate) histogram: &'a mut [u32],
    /// Whether each `u32` of `histogram` holds two bins, bin `2k` in its low half and `2k + 1`
    /// in its high half: half the memory and memory traffic, for runs in which no count can
    /// pass 65,535.
    pub(crate) packed: bool,
}

impl TaskStripe<'_> {
    pub(crate) fn tasks(&self) -> usize {
        self.finished.len()
    }

    /// Widens task `i`'s window to hold keys `min ..= max` (and the extremes seen so far),
    /// coarsening its bins if need be. Afterwards every key `k` of the range counts in bin
    /// `(k >> level) − origin`.
    #[inline]
    pub(crate) fn widen(&mut self, i: usize, min: u64, max: u64) {
        let (old_min, old_max) = (self.finish_min_fixed[i], self.finish_max_fixed[i]);
        let empty = old_min > old_max;
        let (min, max) = if empty {
            (min, max)
        } else {
            (min.min(old_min), max.max(old_max))
        };
        self.finish_min_fixed[i] = min;
        self.finish_max_fixed[i] = max;
        if !empty && min == old_min && max == old_max {
            return;
        }
        let level = histogram_level(min, max);
        let origin = min >> level;
        let (old_level, old_origin) = (self.bin_level[i], self.bin_origin[i]);
        if empty || (level, origin) == (old_level, old_origin) {
            (self.bin_level[i], self.bin_origin[i]) = (level, origin);
            return;
        }
        let words = histogram_words(self.packed);
        let bins = &mut self.histogram[i * words..][..words];
        // Bins in use: from the old origin (the old minimum's) to the old maximum's; the
        // rest are zero.
        let used = (((old_max >> old_level) - old_origin) as usize).min(TASK_HISTOGRAM_BINS - 1);
        let shift = level - old_level;
        if self.packed {
            rebin(&mut Packed(bins), used, old_origin, shift, origin);
        } else {
            rebin(&mut Plain(bins), used, old_origin, shift, origin);
        }
        (self.bin_level[i], self.bin_origin[i]) = (level, origin);
    }
}

/// `u32`s of one task's histogram: one per bin, or one per two bins when packed.
#[inline(always)]
pub(crate) fn histogram_words(packed: bool) -> usize {
    if packed {
        TASK_HISTOGRAM_BINS / 2
    } else {
        TASK_HISTOGRAM_BINS
    }
}

/// One task's bins, however stored.
trait Bins {
    /// Empties bin `j`, returning its count.
    fn take(&mut self, j: usize) -> u32;
    /// Adds `c` to bin `j` (if it exists).
    fn add(&mut self, j: usize, c: u32);
    /// Moves bins `..=used` up by `up`, zeroing those left behind, if it can do so faster
    /// than bin by bin.
    fn shift_up(&mut self, used: usize, up: usize) -> bool;
}

/// A bin per `u32`.
struct Plain<'a>(&'a mut [u32]);

/// Two bins per `u32` (see [`TaskStripe::packed`]).
pub(crate) struct Packed<'a>(pub(crate) &'a mut [u32]);

impl Bins for Plain<'_> {
    #[inline(always)]
    fn take(&mut self, j: usize) -> u32 {
        std::mem::take(&mut self.0[j])
    }
    #[inline(always)]
    fn add(&mut self, j: usize, c: u32) {
        if let Some(b) = self.0.get_mut(j) {
            *b += c;
        }
    }
    fn shift_up(&mut self, used: usize, up: usize) -> bool {
        if up + used >= self.0.len() {
            return false;
        }
        self.0.copy_within(..=used, up);
        self.0[..up.min(used + 1)].fill(0);
        true
    }
}

impl Bins for Packed<'_> {
    #[inline(always)]
    fn take(&mut self, j: usize) -> u32 {
        let (w, half) = (j / 2, 16 * (j % 2));
        let c = (self.0[w] >> half) & 0xFFFF;
        self.0[w] &= !(0xFFFF << half);
        c
    }
    #[inline(always)]
    fn add(&mut self, j: usize, c: u32) {
        if let Some(w) = self.0.get_mut(j / 2) {
            *w += c << (16 * (j % 2));
        }
    }
    fn shift_up(&mut self, used: usize, up: usize) -> bool {
        let (words, m) = (used / 2 + 1, up / 2);
        let moved = (used + up) / 2 + 1;
        if moved > self.0.len() {
            return false;
        }
        if up.is_multiple_of(2) {
            // Whole words move.
            self.0.copy_within(..words, m);
            self.0[..m.min(words)].fill(0);
            return true;
        }
        // New bin 2k is old bin 2(k − m − 1) + 1, the high half of old word k − m − 1; new
        // bin 2k + 1 is old bin 2(k − m), the low half of old word k − m. Words are read at
        // or below the one written, so from the top down each is read before it changes.
        let w = &mut *self.0;
        let old = |w: &[u32], i: usize| if i < words { w[i] } else { 0 };
        for k in (0..moved).rev() {
            let low = if k > m { old(w, k - m - 1) >> 16 } else { 0 };
            let high = if k >= m { old(w, k - m) << 16 } else { 0 };
            w[k] = low | high;
        }
        true
    }
}

/// Moves the counts of bins `0 ..= used` of a window starting at `old_origin` into the window
/// `shift` levels coarser starting at `origin` (which holds them all), in place: old bin `j`
/// goes to `((old_origin + j) >> shift) − origin`. That target minus `j` never grows with
/// `j`, so the bins that move up are moved from the top down and those that move down (or
/// stay) from the bottom up, each read before anything lands on it.
fn rebin(bins: &mut impl Bins, used: usize, old_origin: u64, shift: u8, origin: u64) {
    let to = |j: usize| (((old_origin + j as u64) >> shift) - origin) as usize;
    // The origin only falls: with the same level, a shift up.
    if shift == 0 && bins.shift_up(used, to(0)) {
        return;
    }
    // First bin that does not move up.
    let stays = (0..=used).find(|&j| to(j) <= j).unwrap_or(used + 1);
    for j in stays..=used {
        let t = to(j);
        if t != j {
            let c = bins.take(j);
            bins.add(t, c);
        }
    }
    for j in (0..stays).rev() {
        let c = bins.take(j);
        bins.add(to(j), c);
    }
}

/// Unpacks packed histograms (see [`TaskStripe::packed`]) of `tasks` tasks, held in the
/// first half of `histogram`, into one `u32` per bin, in place. Task `i` unpacks onto the
/// packed words of tasks `2i` and `2i + 1`, so tasks are unpacked from the last down, in
/// rounds that each unpack the upper half of the tasks still packed, in parallel: their
/// targets lie past every packed word.
pub(crate) fn unpack_histograms(histogram: &mut Vec<u32>, tasks: usize) {
    use rayon::prelude::*;
    const HALF: usize = TASK_HISTOGRAM_BINS / 2;
    histogram.resize(tasks * TASK_HISTOGRAM_BINS, 0);
    let mut left = tasks;
    while left > 1 {
        let first = left.div_ceil(2);
        // Packed words of tasks `..left` lie below `left × HALF`, at most `first × 1024`:
        // below the targets of tasks `first..left`.
        let (low, high) = histogram.split_at_mut(first * TASK_HISTOGRAM_BINS);
        high[..(left - first) * TASK_HISTOGRAM_BINS]
            .par_chunks_mut(TASK_HISTOGRAM_BINS)
            .zip(low[first * HALF..left * HALF].par_chunks(HALF))
            .for_each(|(to, from)| {
                for (pair, &w) in to.chunks_exact_mut(2).zip(from) {
                    pair[0] = w & 0xFFFF;
                    pair[1] = w >> 16;
                }
            });
        left = first;
    }
    if tasks > 0 {
        // Task 0 onto itself, from the top down: bins `2k`, `2k + 1` come from word `k`.
        let bins = &mut histogram[..TASK_HISTOGRAM_BINS];
        for k in (0..HALF).rev() {
            let w = bins[k];
            bins[2 * k + 1] = w >> 16;
            bins[2 * k] = w & 0xFFFF;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(stats: &mut TaskStats, t: usize, x: f32) {
        stats.add_finish(t, x);
    }

    /// Values from a seeded generator: a narrow spread, a wide one, a few far outliers.
    fn values(seed: u64, n: usize) -> Vec<f32> {
        let mut x = seed | 1;
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let u = (x >> 40) as f32 / 16_777_216.0;
                match i % 7 {
                    0 => 3000.0 + u * 0.01,
                    1..=4 => 3000.0 + u * 5.0,
                    5 => 10.0 + u * 30_000.0,
                    _ => 3000.0 - u * 2.0,
                }
            })
            .collect()
    }

    /// Counting any partition of the finishes in any order and merging the parts gives the
    /// histogram of counting them all at once, and that one is the histogram at the level set
    /// by the extremes: the exact count of keys in each bin.
    #[test]
    fn histograms_do_not_depend_on_how_finishes_are_split() {
        for seed in 1..20u64 {
            let v = values(seed, 5_000);
            let mut whole = TaskStats::new(2);
            for &x in &v {
                add(&mut whole, 1, x);
            }
            // Parts of uneven sizes, merged in reverse.
            let mut parts = Vec::new();
            let mut rest = &v[..];
            let mut size = 1 + seed as usize;
            while !rest.is_empty() {
                let (a, b) = rest.split_at(size.min(rest.len()));
                let mut p = TaskStats::new(2);
                for &x in a {
                    add(&mut p, 1, x);
                }
                parts.push(p);
                rest = b;
                size = size * 3 % 1_777 + 1;
            }
            let mut merged = TaskStats::new(2);
            for p in parts.iter().rev() {
                merged.merge(p);
            }
            assert_eq!(merged, whole, "seed {seed}");
            let (min, max) = (
                v.iter().map(|&x| finish_key(x)).min().unwrap_or(0),
                v.iter().map(|&x| finish_key(x)).max().unwrap_or(0),
            );
            let level = histogram_level(min, max);
            assert_eq!(whole.bin_level[1], level);
            assert_eq!(whole.bin_origin[1], min >> level);
            let mut want = vec![0u32; TASK_HISTOGRAM_BINS];
            for &x in &v {
                want[((finish_key(x) >> level) - (min >> level)) as usize] += 1;
            }
            assert_eq!(whole.bins(1), &want[..]);
            // Half a bin is below 1/1,023 of the range.
            let half = whole.bin_days(1) / 2.0;
            assert!(half <= (max - min) as f64 / DAY_FIXED_POINT / 1023.0 + 1e-9);
        }
    }

    /// Every quantile is within half a bin of the exact nearest-rank one, and a task of one
    /// value reports it exactly.
    #[test]
    fn quantiles_lie_within_half_a_bin_of_the_exact_ones() {
        let mut v = values(7, 20_001);
        let mut stats = TaskStats::new(1);
        for &x in &v {
            add(&mut stats, 0, x);
        }
        v.sort_by(f32::total_cmp);
        let half = stats.bin_days(0) / 2.0 + 1.0 / DAY_FIXED_POINT;
        for i in 0..=100 {
            let q = f64::from(i) / 100.0;
            let want = f64::from(v[nearest_rank(q, v.len() as u64) as usize]);
            let got = stats.quantile_days(0, q).unwrap_or(f64::NAN);
            assert!((got - want).abs() <= half, "P{i}: {got} vs {want} ± {half}");
        }
        let mut one = TaskStats::new(1);
        for _ in 0..5 {
            add(&mut one, 0, 12.25);
        }
        assert_eq!(one.quantile_days(0, 0.5), Some(12.25));
        assert_eq!(nearest_rank(0.9, 10), 8);
        assert_eq!(nearest_rank(0.0, 10), 0);
        assert_eq!(nearest_rank(1.0, 10), 9);
    }

    /// Coarsening a histogram in place gives what moving every bin into a fresh window gives,
    /// for windows that move up, down and both ways, at every coarsening.
    #[test]
    fn rebinning_in_place_matches_a_copy() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut checked = 0;
        for case in 0..5_000 {
            let used = (next() % 1024) as usize;
            let shift = (next() % 5) as u8;
            let old_origin = 5_000 + next() % 3_000;
            // Any new origin at or below the old one's that still holds the old bins.
            let highest = old_origin >> shift;
            let lowest = ((old_origin + used as u64) >> shift).saturating_sub(1023);
            if lowest > highest {
                continue;
            }
            let origin = lowest + next() % (highest - lowest + 1);
            let mut bins = vec![0u32; TASK_HISTOGRAM_BINS];
            for b in bins.iter_mut().take(used + 1) {
                *b = (next() % 4) as u32;
            }
            let mut want = vec![0u32; TASK_HISTOGRAM_BINS];
            for (j, &c) in bins.iter().enumerate().take(used + 1) {
                want[(((old_origin + j as u64) >> shift) - origin) as usize] += c;
            }
            let mut packed: Vec<u32> = bins.chunks(2).map(|p| p[0] | (p[1] << 16)).collect();
            rebin(&mut Plain(&mut bins), used, old_origin, shift, origin);
            assert_eq!(bins, want, "case {case}");
            rebin(&mut Packed(&mut packed), used, old_origin, shift, origin);
            let mut unpacked = packed.clone();
            unpack_histograms(&mut unpacked, 1);
            assert_eq!(unpacked, want, "case {case}, packed");
            checked += 1;
        }
        assert!(checked > 1_000);
    }

    /// Unpacking in place gives every task's bins in order, for any number of tasks.
    #[test]
    fn histograms_unpack_in_place() {
        for tasks in 0..40usize {
            let bins = |t: usize, j: usize| ((t * 7_919 + j * 31) % 65_536) as u32;
            let mut histogram: Vec<u32> = (0..tasks * TASK_HISTOGRAM_BINS / 2)
                .map(|w| {
                    let (t, k) = (w / 512, w % 512);
                    bins(t, 2 * k) | (bins(t, 2 * k + 1) << 16)
                })
                .collect();
            unpack_histograms(&mut histogram, tasks);
            let want: Vec<u32> = (0..tasks * TASK_HISTOGRAM_BINS)
                .map(|i| bins(i / TASK_HISTOGRAM_BINS, i % TASK_HISTOGRAM_BINS))
                .collect();
            assert_eq!(histogram, want, "{tasks} tasks");
        }
    }
}
