//! What a run produces: per-iteration columns for the headline results (so their quantiles
//! are exact), and integer accumulators per task (so merging worker results is associative
//! and the outcome is identical at any thread count).

/// Bins of each task's finish-time histogram over `[0, horizon]`.
pub const TASK_HISTOGRAM_BINS: usize = 1024;

/// Fixed-point scale of the per-task sums of finish days (integer sums merge exactly).
pub const DAY_FIXED_POINT: f64 = 65_536.0;

/// Everything one run measured, for every scenario, on the same random draws.
#[derive(Clone, Debug)]
pub struct Outcomes {
    pub iterations: u64,
    pub seed: u64,
    /// Days from program start to horizon.
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
    /// In the order of [`crate::Plan::scenarios`].
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
    pub fn len(&self) -> usize {
        self.iterations.len()
    }

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

/// `n` zeros written out: a zeroed allocation is mapped lazily to the shared zero page, so
/// the first increment (a read, then a write) of each page would fault twice and flush the
/// other cores' address translations; writing once up front faults each page once.
#[allow(clippy::slow_vector_initialization)] // the point: `vec![0; n]` maps pages lazily
fn written_zeros(n: usize) -> Vec<u32> {
    let mut v = Vec::with_capacity(n);
    v.resize(n, 0);
    v
}

/// Per-task accumulators, indexed by the model's task order.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskStats {
    /// Histogram bin width, days.
    pub bin_days: f64,
    /// Sampled iterations in which the task finished successfully by the horizon.
    pub finished: Vec<u64>,
    /// Sum over those iterations of the finish, in days × [`DAY_FIXED_POINT`].
    pub finish_sum_fixed: Vec<u128>,
    /// Earliest and latest finish seen, in the same fixed point (quantiles are clamped to
    /// them, so a task of fixed duration reports its exact day).
    pub finish_min_fixed: Vec<u64>,
    pub finish_max_fixed: Vec<u64>,
    /// Iterations in the subsample behind every field below (see [`sample_target`]).
    pub sampled: u64,
    /// Sampled iterations in which the task lies on the chain of links that set the
    /// headline event.
    pub critical: Vec<u64>,
    /// `[task * TASK_HISTOGRAM_BINS + bin]`: finish-day histogram of the finished iterations.
    pub histogram: Vec<u32>,
}

impl TaskStats {
    pub fn new(tasks: usize, horizon_days: f64) -> TaskStats {
        TaskStats {
            bin_days: horizon_days.max(1.0) / TASK_HISTOGRAM_BINS as f64,
            finished: vec![0; tasks],
            finish_sum_fixed: vec![0; tasks],
            finish_min_fixed: vec![u64::MAX; tasks],
            finish_max_fixed: vec![0; tasks],
            sampled: 0,
            critical: vec![0; tasks],
            histogram: written_zeros(tasks * TASK_HISTOGRAM_BINS),
        }
    }

    pub fn merge(&mut self, other: &TaskStats) {
        self.sampled += other.sampled;
        for (a, b) in self.finished.iter_mut().zip(&other.finished) {
            *a += b;
        }
        for (a, b) in self
            .finish_sum_fixed
            .iter_mut()
            .zip(&other.finish_sum_fixed)
        {
            *a += b;
        }
        for (a, b) in self
            .finish_min_fixed
            .iter_mut()
            .zip(&other.finish_min_fixed)
        {
            *a = (*a).min(*b);
        }
        for (a, b) in self
            .finish_max_fixed
            .iter_mut()
            .zip(&other.finish_max_fixed)
        {
            *a = (*a).max(*b);
        }
        for (a, b) in self.critical.iter_mut().zip(&other.critical) {
            *a += b;
        }
        for (a, b) in self.histogram.iter_mut().zip(&other.histogram) {
            *a += b;
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

    /// Quantile `q` in [0, 1] of the finish day over the sampled iterations in which the task
    /// finished, by linear interpolation inside the histogram bin (error below one bin), and
    /// clamped to the exact minimum and maximum of the sample.
    pub fn quantile_days(&self, task: usize, q: f64) -> Option<f64> {
        let n = self.finished[task];
        if n == 0 {
            return None;
        }
        let lo = self.finish_min_fixed[task] as f64 / DAY_FIXED_POINT;
        let hi = self.finish_max_fixed[task] as f64 / DAY_FIXED_POINT;
        let bins = &self.histogram[task * TASK_HISTOGRAM_BINS..(task + 1) * TASK_HISTOGRAM_BINS];
        let target = q.clamp(0.0, 1.0) * n as f64;
        let mut below = 0.0;
        for (i, &c) in bins.iter().enumerate() {
            let c = f64::from(c);
            if c > 0.0 && below + c >= target {
                let frac = ((target - below) / c).clamp(0.0, 1.0);
                return Some(((i as f64 + frac) * self.bin_days).clamp(lo, hi));
            }
            below += c;
        }
        Some(hi)
    }
}
