//! [`Summary`]: what a run means, as plain data whose JSON form is the stable contract of
//! `docs/model-format.md` ("The JSON result"). Fields serialize in declaration order; fields beyond the
//! contract (`horizon`, `currency`, the `name` of promises and tasks, `drivers`, `sensitivity`,
//! `comparisons`) are additions only.

use launchcast_engine::{
    DAY_FIXED_POINT, Outcomes, ScenarioInfo, ScenarioOutcomes, TASK_HISTOGRAM_BINS, TaskStats,
    nearest_rank,
};
use launchcast_model::{Calendar, Date, Model};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::comparisons::{Comparisons, compare};
use crate::analysis::drivers::Driver;
use crate::analysis::quantiles::{ColumnStats, column_stats, zero_column_stats};
use crate::analysis::sensitivity::{
    CorrelationCheck, Sensitivity, correlation_checks, sensitivity, spearman_by_task,
};

/// Quantiles reported for the headline event: P10, P50, P80, P90.
const HEADLINE_QS: [f64; 4] = [0.1, 0.5, 0.8, 0.9];
/// Quantiles reported per calendar year: P10, P50, P90.
const YEAR_QS: [f64; 3] = [0.1, 0.5, 0.9];

/// The results of one run, every scenario side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Version of launchcast that produced it.
    pub launchcast: String,
    /// Program name.
    pub model: String,
    /// Iterations simulated per scenario.
    pub iterations: u64,
    /// Seed of the random draws.
    pub seed: u64,
    /// `program.start`, `YYYY-MM-DD`; every `*_days` counts from it.
    pub start: String,
    /// One per scenario run, in plan order (`base` first).
    pub scenarios: Vec<ScenarioSummary>,
    // Keys beyond the contract in docs/model-format.md come after its keys.
    /// Every pair of scenarios compared on the same iterations, and the scenario keeping each
    /// promise most often (see [`crate::Comparisons`]).
    #[serde(default)]
    pub comparisons: Comparisons,
    /// `program.horizon`, `YYYY-MM-DD`.
    pub horizon: String,
    /// Label of every money amount.
    pub currency: String,
    /// The model's `[[reference]]` classes (the outside view) and the values drawing from
    /// them; absent when it has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<crate::analysis::references::ReferenceSummary>,
}

/// What one scenario's iterations say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioSummary {
    /// Scenario id (`base` for the model as written).
    pub id: String,
    /// Scenario name (empty when it has none).
    pub name: String,
    /// The headline event: when the first car is delivered (or the project finishes).
    pub first_delivery: FirstDelivery,
    /// In model order.
    pub promises: Vec<PromiseSummary>,
    /// Cars delivered in each calendar year to the horizon.
    pub deliveries_by_year: Vec<YearSummary>,
    /// Money spent in each calendar year to the horizon.
    pub spend_by_year: Vec<YearSummary>,
    /// In model order.
    pub tasks: Vec<TaskSummary>,
    /// What each risk and uncertain task adds to the headline date and takes from the
    /// promises, largest P80 effect first (see [`crate::drivers()`]). Filled in by
    /// [`crate::drivers()`], not by [`summarize`]: empty when not computed.
    #[serde(default)]
    pub drivers: Vec<Driver>,
    /// Rank correlation of each task's duration with the headline, beside its criticality,
    /// largest |ρ| first (see [`crate::Sensitivity`]).
    #[serde(default)]
    pub sensitivity: Vec<Sensitivity>,
    /// Each pair of each `[[correlate]]` entry: target and achieved rank correlation.
    #[serde(default)]
    pub correlations: Vec<CorrelationCheck>,
}

/// The headline event: the first delivered car (in a model without plants, the finish of the
/// last task). Days and dates are over the iterations in which it happens by the horizon;
/// `None` (JSON `null`) when it never does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirstDelivery {
    /// Share of iterations in which it happens by the horizon, to 4 decimals.
    pub probability: f64,
    /// Days from start, to 0.1 day.
    pub mean_days: Option<f64>,
    /// Exact nearest-rank quantiles (see [`crate::column_stats`]), to 0.1 day.
    pub p10_days: Option<f64>,
    /// P50 in days from start, as `p10_days`.
    pub p50_days: Option<f64>,
    /// P80 in days from start, as `p10_days`.
    pub p80_days: Option<f64>,
    /// P90 in days from start, as `p10_days`.
    pub p90_days: Option<f64>,
    /// `start + floor(pNN_days)` (of the reported, rounded days), `YYYY-MM-DD`.
    pub p10: Option<String>,
    /// The P50 date, as `p10`.
    pub p50: Option<String>,
    /// The P80 date, as `p10`.
    pub p80: Option<String>,
    /// The P90 date, as `p10`.
    pub p90: Option<String>,
}

/// How often one promise is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PromiseSummary {
    /// Promise id.
    pub id: String,
    /// Share of iterations keeping the promise, to 4 decimals.
    pub probability: f64,
    /// Promise name (empty when it has none).
    pub name: String,
}

/// One calendar year of deliveries (cars) or spend (currency units) over all iterations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct YearSummary {
    /// Calendar year.
    pub year: i32,
    /// Mean, to 0.1.
    pub mean: Option<f64>,
    /// Exact nearest-rank quantiles, unrounded (they are values of the column).
    pub p10: Option<f32>,
    /// P50, as `p10`.
    pub p50: Option<f32>,
    /// P90, as `p10`.
    pub p90: Option<f32>,
}

/// Finish of one task, from the engine's per-task accumulators over its subsample of
/// iterations. Days are over the sampled iterations in which the task finishes by the horizon,
/// to 0.1 day. Quantiles come from the engine's histogram of the task's own range of finishes
/// (see [`TaskStats::quantile_days`]): within 1/1,023 of that range (0.1 %) of the exact
/// nearest-rank quantile before rounding, whatever the horizon; on a working-time calendar,
/// one that would fall outside working time moves to the nearest working moment among the
/// finishes it may stand for (see [`TaskStats::quantile_bin`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSummary {
    /// Task id.
    pub id: String,
    /// Share of iterations in which it finishes successfully by the horizon (over the
    /// engine's task subsample, `TaskStats::sampled`), to 4 decimals.
    pub probability: f64,
    /// Mean finish, days from start.
    pub mean_days: Option<f64>,
    /// P10 of the finish, days from start.
    pub p10_days: Option<f64>,
    /// P50 of the finish, days from start.
    pub p50_days: Option<f64>,
    /// P80 of the finish, days from start.
    pub p80_days: Option<f64>,
    /// P90 of the finish, days from start.
    pub p90_days: Option<f64>,
    /// Share of iterations in which it lies on the chain that sets the headline event (over
    /// the engine's task subsample, `TaskStats::sampled`), to 4 decimals.
    pub criticality: f64,
    /// Task name (empty when it has none).
    pub name: String,
}

/// Rounds to 0.1 (and turns `-0.0` into `0.0`).
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}

/// Rounds to 4 decimals.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0 + 0.0
}

/// `count / total` to 4 decimals; 0 when `total` is 0. Only `count == 0` gives 0 and only
/// `count >= total` gives 1: a share that would round to either is 0.0001 or 0.9999, so a
/// possibility is never reported as impossible or certain.
pub(crate) fn share(count: u64, total: u64) -> f64 {
    if total == 0 || count == 0 {
        0.0
    } else if count >= total {
        1.0
    } else {
        round4(count as f64 / total as f64).clamp(0.0001, 0.9999)
    }
}

fn date_after(start: Date, days: Option<f64>) -> Option<String> {
    start.add_days(days?).map(|d| d.to_string())
}

/// Summarizes `outcomes` of `model`; `scenarios` are the plan's scenarios, in the order of
/// `outcomes.scenarios` (extra entries on either side are ignored). Exact quantiles of all
/// columns are computed in parallel; the result does not depend on the thread count.
pub fn summarize(model: &Model, scenarios: &[ScenarioInfo], outcomes: &Outcomes) -> Summary {
    summarize_ranked(model, scenarios, outcomes).0
}

/// Each task's unrounded rank correlation with the headline, per scenario: what
/// [`Summary`]'s sensitivity tables round, kept for choosing drivers
/// ([`crate::driver_candidates_ranked`]) without computing them again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RankCorrelations(pub(crate) Vec<Vec<Option<f64>>>);

/// [`summarize`], with the rank correlations behind its sensitivity tables.
pub fn summarize_ranked(
    model: &Model,
    scenarios: &[ScenarioInfo],
    outcomes: &Outcomes,
) -> (Summary, RankCorrelations) {
    let mut ranks = Vec::with_capacity(outcomes.scenarios.len());
    let pairs: Vec<(&ScenarioInfo, &ScenarioOutcomes)> =
        scenarios.iter().zip(&outcomes.scenarios).collect();
    let years = &outcomes.years;

    // Every column of every scenario, in a fixed order, summarized in parallel; columns the
    // engine says are zero by construction are not read at all.
    let mut columns: Vec<(&[f32], &[f64], bool)> = Vec::new();
    for (_, so) in &pairs {
        columns.push((&so.headline_days, &HEADLINE_QS, true));
        for col in so.deliveries_by_year.iter().take(years.len()) {
            columns.push((col, &YEAR_QS, outcomes.delivers));
        }
        for col in so.spend_by_year.iter().take(years.len()) {
            columns.push((col, &YEAR_QS, outcomes.spends));
        }
    }
    let stats: Vec<ColumnStats> = columns
        .par_iter()
        .map(|&(values, qs, live)| {
            if live || values.is_empty() {
                column_stats(values, qs)
            } else {
                zero_column_stats(values.len(), qs)
            }
        })
        .collect();
    let mut stats = stats.into_iter();

    let start = model.program.start;
    let n = outcomes.iterations;
    let mut out = Vec::with_capacity(pairs.len());
    for (info, so) in pairs {
        let headline = stats.next();
        let mut by_year = |count: usize| -> Vec<YearSummary> {
            years
                .iter()
                .zip(stats.by_ref().take(count))
                .map(|(&year, s)| YearSummary {
                    year,
                    mean: s.mean.map(round1),
                    p10: s.quantiles.first().copied().flatten(),
                    p50: s.quantiles.get(1).copied().flatten(),
                    p90: s.quantiles.get(2).copied().flatten(),
                })
                .collect()
        };
        let deliveries_by_year = by_year(so.deliveries_by_year.len().min(years.len()));
        let spend_by_year = by_year(so.spend_by_year.len().min(years.len()));
        let rank_correlations = spearman_by_task(model, so);
        out.push(ScenarioSummary {
            id: info.id.clone(),
            name: info.name.clone(),
            first_delivery: first_delivery(start, n, headline.as_ref()),
            promises: model
                .promises
                .iter()
                .enumerate()
                .map(|(i, p)| PromiseSummary {
                    id: p.id.clone(),
                    probability: share(so.promises_kept.get(i).copied().unwrap_or(0), n),
                    name: p.name.clone(),
                })
                .collect(),
            deliveries_by_year,
            spend_by_year,
            // Each task's record depends on its accumulators alone: any split among threads
            // gives the same list.
            tasks: model
                .tasks
                .par_iter()
                .with_min_len(256)
                .enumerate()
                .map(|(i, t)| {
                    let calendar = model.task_calendar(t).and_then(|c| model.calendars.get(c));
                    task_summary(&so.tasks, i, &t.id, &t.name, calendar.map(|c| (c, start)))
                })
                .collect(),
            drivers: Vec::new(),
            sensitivity: sensitivity(model, so, &rank_correlations),
            correlations: correlation_checks(model, so),
        });
        ranks.push(rank_correlations);
    }

    let summary = Summary {
        launchcast: env!("CARGO_PKG_VERSION").to_string(),
        model: model.program.name.clone(),
        iterations: outcomes.iterations,
        seed: outcomes.seed,
        start: start.to_string(),
        horizon: model.program.horizon.to_string(),
        currency: model.program.currency.clone(),
        scenarios: out,
        comparisons: compare(model, scenarios, outcomes),
        references: crate::analysis::references::reference_summaries(model),
    };
    (summary, RankCorrelations(ranks))
}

fn first_delivery(start: Date, iterations: u64, stats: Option<&ColumnStats>) -> FirstDelivery {
    let count = stats.map_or(0, |s| s.count);
    let q = |i: usize| -> Option<f64> {
        stats?
            .quantiles
            .get(i)
            .copied()
            .flatten()
            .map(|v| round1(f64::from(v)))
    };
    let (p10_days, p50_days, p80_days, p90_days) = (q(0), q(1), q(2), q(3));
    FirstDelivery {
        probability: share(count, iterations),
        mean_days: stats.and_then(|s| s.mean).map(round1),
        p10_days,
        p50_days,
        p80_days,
        p90_days,
        p10: date_after(start, p10_days),
        p50: date_after(start, p50_days),
        p80: date_after(start, p80_days),
        p90: date_after(start, p90_days),
    }
}

/// Statistics of task `i` (on `calendar`, counted from the program start, if it has one), or
/// an empty record if the accumulators do not cover it.
fn task_summary(
    ts: &TaskStats,
    i: usize,
    id: &str,
    name: &str,
    calendar: Option<(&Calendar, Date)>,
) -> TaskSummary {
    let covered = i < ts.finished.len()
        && i < ts.finish_sum_fixed.len()
        && i < ts.finish_min_fixed.len()
        && i < ts.finish_max_fixed.len()
        && i < ts.bin_level.len()
        && i < ts.bin_origin.len()
        && (i + 1) * TASK_HISTOGRAM_BINS <= ts.histogram.len();
    let bins = if covered {
        quantile_bins(ts, i)
    } else {
        [None; TASK_QS.len()]
    };
    let q = |j: usize| {
        let (from, to) = bins[j]?;
        let middle = 0.5 * (from + to);
        let at = match calendar {
            Some((c, start)) => working_moment(c, start, middle, from, to),
            None => middle,
        };
        Some(round1(at))
    };
    TaskSummary {
        id: id.to_string(),
        probability: share(if covered { ts.finished[i] } else { 0 }, ts.sampled),
        mean_days: covered.then(|| ts.mean_days(i)).flatten().map(round1),
        p10_days: q(0),
        p50_days: q(1),
        p80_days: q(2),
        p90_days: q(3),
        criticality: share(ts.critical.get(i).copied().unwrap_or(0), ts.sampled),
        name: name.to_string(),
    }
}

/// Quantiles reported per task: P10, P50, P80, P90 (ascending).
const TASK_QS: [f64; 4] = [0.1, 0.5, 0.8, 0.9];

/// Bins summed at a time while looking for the next quantile's bin.
const BIN_BLOCK: usize = 16;

/// [`TaskStats::quantile_bin`] of task `i` (covered by `ts`) for every quantile of
/// [`TASK_QS`], in one read of its histogram instead of one per quantile, by blocks of bins
/// (a block's sum is one vector addition) until a block holds the next rank.
fn quantile_bins(ts: &TaskStats, i: usize) -> [Option<(f64, f64)>; TASK_QS.len()] {
    let n = ts.finished[i];
    let mut out = [None; TASK_QS.len()];
    if n == 0 {
        return out;
    }
    let days = |k: u64| k as f64 / DAY_FIXED_POINT;
    let (min, max) = (ts.finish_min_fixed[i], ts.finish_max_fixed[i]);
    let level = ts.bin_level[i];
    // 1-based ranks, ascending with the quantiles.
    let ranks = TASK_QS.map(|q| nearest_rank(q, n) + 1);
    // As `quantile_bin`: the first bin whose running count reaches the rank, else the last.
    let mut found = [TASK_HISTOGRAM_BINS as u64 - 1; TASK_QS.len()];
    let mut next = 0;
    let mut below = 0u64;
    'blocks: for (b, block) in ts.bins(i).chunks(BIN_BLOCK).enumerate() {
        let sum: u64 = block.iter().map(|&c| u64::from(c)).sum();
        if below + sum < ranks[next] {
            below += sum;
            continue;
        }
        for (j, &c) in block.iter().enumerate() {
            below += u64::from(c);
            while below >= ranks[next] {
                found[next] = (b * BIN_BLOCK + j) as u64;
                next += 1;
                if next == ranks.len() {
                    break 'blocks;
                }
            }
        }
    }
    for (o, bin) in out.iter_mut().zip(found) {
        // Keys of the bin: [first, first + 2^level), within the extremes.
        let first = (ts.bin_origin[i] + bin) << level;
        let last = first + ((1u64 << level) - 1);
        *o = Some((days(first.clamp(min, max)), days(last.clamp(min, max))));
    }
    out
}

/// `x` (days from `start`, 00:00) if it lies in working time on `calendar` (a working period
/// with its ends), else the working moment in `from ..= to` nearest to it; `x` if that range
/// holds no working time. A finish on a calendar is a working moment (work ends at the end of
/// a working period at the latest), so an estimate of one belongs there too.
fn working_moment(calendar: &Calendar, start: Date, x: f64, from: f64, to: f64) -> f64 {
    const MINUTES: f64 = 1440.0;
    let mut best: Option<f64> = None;
    // The bin holding a quantile spans a few days at most (1/1,023 of the range of finishes).
    let (first, last) = (from.floor(), to.floor());
    let mut day = first;
    while day <= last {
        let Some(date) = start.add_days(day) else {
            break;
        };
        for &(a, b) in calendar.hours_on(date) {
            let (a, b) = (day + f64::from(a) / MINUTES, day + f64::from(b) / MINUTES);
            let (a, b) = (a.max(from), b.min(to));
            if a > b {
                continue;
            }
            let nearest = x.clamp(a, b);
            if best.is_none_or(|y| (nearest - x).abs() < (y - x).abs()) {
                best = Some(nearest);
            }
        }
        day += 1.0;
    }
    best.unwrap_or(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding() {
        assert_eq!(round1(690.04), 690.0);
        assert_eq!(round1(690.05000001), 690.1);
        assert_eq!(round1(-0.01).to_string(), "0");
        assert_eq!(round4(0.123_45), 0.1235);
        assert_eq!(share(8, 10), 0.8);
        assert_eq!(share(1, 3), 0.3333);
        assert_eq!(share(5, 0), 0.0);
        assert_eq!(share(12, 10), 1.0);
        assert_eq!(share(19_999, 20_000), 0.9999);
        assert_eq!(share(1, 20_000), 0.0001);
        assert_eq!(share(20_000, 20_000), 1.0);
    }

    /// Estimates in working time stay; others move to the nearest working moment within
    /// their range, never out of it.
    #[test]
    fn estimates_on_a_calendar_move_into_working_time() {
        // Monday 2024-01-01; Monday to Friday, 08:00–12:00 and 13:00–17:00.
        let c = Calendar::standard("site");
        let monday = Date::from_ymd(2024, 1, 1).expect("date");
        let h = |d: f64, hour: f64| d + hour / 24.0;
        // Tuesday 10:00 is working time.
        assert_eq!(
            working_moment(&c, monday, h(1.0, 10.0), 0.0, 7.0),
            h(1.0, 10.0)
        );
        // Friday 18:00 → Friday 17:00; Saturday noon in a bin from Thursday to Monday noon →
        // Friday 17:00 (41 h away) rather than Monday 08:00 (44 h).
        assert_eq!(
            working_moment(&c, monday, h(4.0, 18.0), 4.0, 5.0),
            h(4.0, 17.0)
        );
        assert_eq!(
            working_moment(&c, monday, h(5.0, 12.0), 3.0, h(7.0, 12.0)),
            h(4.0, 17.0)
        );
        // Sunday 23:00 → Monday 08:00; a bin ending before Monday keeps its Friday.
        assert_eq!(
            working_moment(&c, monday, h(6.0, 23.0), 4.0, h(7.0, 9.0)),
            h(7.0, 8.0)
        );
        assert_eq!(
            working_moment(&c, monday, h(6.0, 23.0), 4.0, h(6.9, 0.0)),
            h(4.0, 17.0)
        );
        // Lunch: 12:20 → 12:00, 12:40 → 13:00.
        let lunch =
            |minute: f64| working_moment(&c, monday, h(2.0, 12.0 + minute / 60.0), 2.0, 3.0);
        assert!((lunch(20.0) - h(2.0, 12.0)).abs() < 1e-12);
        assert!((lunch(40.0) - h(2.0, 13.0)).abs() < 1e-12);
        // A range with no working time at all keeps the estimate.
        assert_eq!(
            working_moment(&c, monday, h(5.0, 12.0), 5.0, 6.0),
            h(5.0, 12.0)
        );
    }

    /// One read of the histogram finds the bins that `TaskStats::quantile_bin` finds one
    /// quantile at a time: spread, piled on one bin, on the edges of blocks, and a single
    /// finish.
    #[test]
    fn quantile_bins_agree_with_the_engine() {
        let mut stats = TaskStats::new(5);
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let u = (next() % 1_000_000) as f32 / 1e6;
            stats.add_finish(0, 100.0 + 300.0 * u * u);
            stats.add_finish(1, if u < 0.95 { 40.0 } else { 40.0 + 500.0 * u });
            stats.add_finish(2, 10.0 + (next() % 3) as f32 * 0.001);
        }
        for k in 0..77 {
            stats.add_finish(3, k as f32 * 16.0);
        }
        stats.add_finish(4, 12.5);
        for t in 0..5 {
            let want: Vec<_> = TASK_QS.iter().map(|&q| stats.quantile_bin(t, q)).collect();
            assert_eq!(quantile_bins(&stats, t).to_vec(), want, "task {t}");
        }
        assert_eq!(quantile_bins(&TaskStats::new(1), 0), [None; 4]);
    }
}
