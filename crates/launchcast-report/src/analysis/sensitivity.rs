//! Sensitivity: how closely each task's sampled duration moves with the headline date.
//!
//! For every task, the Spearman rank correlation of its sampled duration (risks included)
//! with the headline day, over the engine's fixed subsample of whole iterations
//! ([`launchcast_engine::Rows`], at most [`launchcast_engine::MAX_ROWS`] iterations):
//!
//! - rows in which the task never started (duration NaN) are left out for that task, and
//!   the ranks are taken over the remaining rows;
//! - rows in which the headline does not happen by the horizon (+∞) all get the largest
//!   rank, tied (a failure is later than any date);
//! - ties get the average of their ranks, and ρ is the Pearson correlation of the ranks;
//! - ρ is `None` when fewer than two rows remain or either side is constant (a fixed
//!   duration no risk touches has no rank correlation).
//!
//! It is reported beside the criticality index (the share of iterations in which the task
//! lies on the chain of links that sets the headline), which says something different: a
//! task can be on the driving chain often yet vary too little to move the date, or move it
//! a lot in the few iterations where it matters.

use launchcast_engine::ScenarioOutcomes;
use launchcast_model::Model;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::summary::{round4, share};

/// One task's rank correlation with the headline and its criticality, in one scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// Task id.
    pub id: String,
    /// Spearman rank correlation of the task's sampled duration with the headline day, over
    /// the rows in which the task started, to 4 decimals; `null` when undefined (see the
    /// module docs) or when the engine kept no rows.
    pub spearman: Option<f64>,
    /// Share of the engine's task subsample in which the task lies on the chain that sets
    /// the headline event (as `tasks[].criticality`), to 4 decimals.
    pub criticality: f64,
}

/// Average ranks (1-based; ties share the mean of their positions) of `values` in the total
/// order of `f32` (+∞ after every finite value).
fn ranks(values: &[f32]) -> Vec<f64> {
    let mut out = vec![0.0; values.len()];
    for_each_rank(values, |row, rank| out[row] = rank);
    out
}

/// Calls `f(row, rank)` for every value, in ascending order, with its average rank (as
/// [`ranks`]).
#[inline]
fn for_each_rank(values: &[f32], mut f: impl FnMut(usize, f64)) {
    // Each value's order-preserving bits, less the smallest, above its index: one integer
    // sort, no indirect comparisons. A task's durations span far fewer than 2^32 keys, so
    // the top digits are all zero and their passes are skipped.
    let key = |v: f32| {
        let bits = v.to_bits();
        if bits >> 31 == 1 {
            !bits
        } else {
            bits | 1 << 31
        }
    };
    if values.is_empty() {
        return;
    }
    let (lo, hi) = values
        .iter()
        .map(|&v| key(v))
        .fold((u32::MAX, 0), |(lo, hi), k| (lo.min(k), hi.max(k)));
    let order = radix_sort(
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| u64::from(key(v) - lo) << 32 | i as u64)
            .collect(),
        (32 - (hi - lo).leading_zeros()).div_ceil(8) as usize,
    );
    let mut i = 0;
    while i < order.len() {
        let v = order[i] >> 32;
        let mut j = i + 1;
        while j < order.len() && order[j] >> 32 == v {
            j += 1;
        }
        // Positions i..j hold ranks i+1..=j; their mean is (i + 1 + j) / 2.
        let rank = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            f((k & 0xFFFF_FFFF) as usize, rank);
        }
        i = j;
    }
}

/// Σ r² of a column of ranks (shared by every task correlated with it).
fn sum_sq(ranks: &[f64]) -> f64 {
    ranks.iter().map(|r| r * r).sum()
}

/// Pearson correlation of the average ranks of `x` with `y_ranks` (average ranks of another
/// column of the same rows), without building the ranks of `x`: both sets of ranks sum to
/// n(n+1)/2, and being multiples of ½ their sums of products are exact in `f64` (up to about
/// 100,000 rows). `y_sum_sq` is [`sum_sq`] of `y_ranks`. `None` if shorter than 2 or either
/// side is constant.
fn rank_correlation(x: &[f32], y_ranks: &[f64], y_sum_sq: f64) -> Option<f64> {
    let n = x.len();
    if n < 2 || y_ranks.len() != n {
        return None;
    }
    let centre = n as f64 * ((n + 1) as f64 / 2.0).powi(2);
    let vy = y_sum_sq - centre;
    // A constant side has every rank (n + 1) / 2, so its Σ r² is the centre exactly and
    // ρ is undefined: known before any ranking (fixed durations are common).
    if vy <= 0.0 || x.iter().all(|v| v.to_bits() == x[0].to_bits()) {
        return None;
    }
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for_each_rank(x, |row, rank| {
        sxy += rank * y_ranks[row];
        sxx += rank * rank;
    });
    let (cov, vx) = (sxy - centre, sxx - centre);
    (vx > 0.0).then(|| (cov / (vx * vy).sqrt()).clamp(-1.0, 1.0))
}

/// `keys` in ascending order of their top 32 bits, ties in their original order (which is
/// ascending in the low 32 bits here, so the result is fully sorted), where those bits are
/// below 2^(8·`digits`): stable counting passes of 8 bits, a pass skipped where every key
/// has the same digit. Digits known to be zero are not even counted (incrementing one
/// counter for every key chains each increment on the last). Several times faster than a
/// comparison sort at these sizes.
fn radix_sort(mut keys: Vec<u64>, digits: usize) -> Vec<u64> {
    let shift = |d: usize| 32 + 8 * d as u32;
    let mut count = [[0u32; 256]; 4];
    let count = &mut count[..digits.min(4)];
    for (d, c) in count.iter_mut().enumerate() {
        for &k in &keys {
            c[((k >> shift(d)) & 0xFF) as usize] += 1;
        }
    }
    let mut other = vec![0u64; keys.len()];
    for (d, c) in count.iter_mut().enumerate() {
        if c.iter().any(|&n| n as usize == keys.len()) {
            continue;
        }
        let mut next = 0;
        for n in c.iter_mut() {
            (*n, next) = (next, next + *n);
        }
        for &k in &keys {
            let b = ((k >> shift(d)) & 0xFF) as usize;
            other[c[b] as usize] = k;
            c[b] += 1;
        }
        std::mem::swap(&mut keys, &mut other);
    }
    keys
}

/// Spearman rank correlation of `x` (a task's durations) with `headline`, row by row: rows
/// where `x` or the headline is NaN are left out; +∞ headlines share the largest rank. Not
/// rounded. `None` when fewer than two rows remain or either side is constant.
pub fn spearman(x: &[f32], headline: &[f32]) -> Option<f64> {
    let n = x.len().min(headline.len());
    let (x, headline) = (&x[..n], &headline[..n]);
    if x.iter()
        .zip(headline)
        .all(|(a, b)| !a.is_nan() && !b.is_nan())
    {
        let h = ranks(headline);
        return rank_correlation(x, &h, sum_sq(&h));
    }
    let (xs, hs): (Vec<f32>, Vec<f32>) = x
        .iter()
        .zip(headline)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip();
    let h = ranks(&hs);
    rank_correlation(&xs, &h, sum_sq(&h))
}

/// Spearman of every task of `model` with the headline of `so`, unrounded, in model order;
/// all `None` when the rows are missing or do not match the model's tasks.
pub(crate) fn spearman_by_task(model: &Model, so: &ScenarioOutcomes) -> Vec<Option<f64>> {
    let rows = &so.rows;
    let tasks = model.tasks.len();
    let n = rows.len();
    if n == 0 || rows.durations.len() != tasks * n || rows.headline.len() != n {
        return vec![None; tasks];
    }
    // When a task started in every row, the headline's ranks are shared.
    let all_rows = ranks(&rows.headline);
    let all_rows_sum_sq = sum_sq(&all_rows);
    let all_valid = rows.headline.iter().all(|h| !h.is_nan());
    (0..tasks)
        .into_par_iter()
        .map(|t| {
            let x = rows.durations_of(t);
            if all_valid && x.iter().all(|v| !v.is_nan()) {
                rank_correlation(x, &all_rows, all_rows_sum_sq)
            } else {
                spearman(x, &rows.headline)
            }
        })
        .collect()
}

/// The sensitivity table of one scenario: every task with a rank correlation or a positive
/// criticality, by |ρ| (largest first; undefined last), ties by criticality then model order.
/// `rho` is each task's [`spearman_by_task`].
pub(crate) fn sensitivity(
    model: &Model,
    so: &ScenarioOutcomes,
    rho: &[Option<f64>],
) -> Vec<Sensitivity> {
    let stats = &so.tasks;
    let mut out: Vec<Sensitivity> = model
        .tasks
        .iter()
        .zip(rho)
        .enumerate()
        .filter_map(|(i, (t, &r))| {
            let spearman = r.map(round4);
            let criticality = share(stats.critical.get(i).copied().unwrap_or(0), stats.sampled);
            (spearman.is_some() || criticality > 0.0).then(|| Sensitivity {
                id: t.id.clone(),
                spearman,
                criticality,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |s: &Sensitivity| s.spearman.map_or(-1.0, f64::abs);
        key(b)
            .total_cmp(&key(a))
            .then(b.criticality.total_cmp(&a.criticality))
    });
    out
}

/// One pair of a `[[correlate]]` entry: the rank correlation asked for and the one the
/// simulation achieved, measured over the engine's rows (task durations only: a plant's ramp
/// is not kept per row, so its pairs have `achieved: null`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorrelationCheck {
    /// The first item of the pair.
    pub a: String,
    /// The second item of the pair.
    pub b: String,
    /// The rank correlation asked for.
    pub target: f64,
    /// Spearman ρ between the two durations over rows where both tasks started, to 4 decimals.
    pub achieved: Option<f64>,
}

/// Every pair of every `[[correlate]]` entry of `model`, in the order written.
pub(crate) fn correlation_checks(model: &Model, so: &ScenarioOutcomes) -> Vec<CorrelationCheck> {
    let rows = &so.rows;
    let n = rows.len();
    let durations = |id: &str| {
        let t = model.tasks.iter().position(|t| t.id == id)?;
        (n > 0 && rows.durations.len() == model.tasks.len() * n).then(|| rows.durations_of(t))
    };
    let mut out = Vec::new();
    for c in &model.correlations {
        for (i, a) in c.items.iter().enumerate() {
            for b in &c.items[i + 1..] {
                let achieved = match (durations(a), durations(b)) {
                    (Some(x), Some(y)) => spearman(x, y).map(|r| (r * 1e4).round() / 1e4),
                    _ => None,
                };
                out.push(CorrelationCheck {
                    a: a.clone(),
                    b: b.clone(),
                    target: c.rho,
                    achieved,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radix_sort_sorts_like_a_comparison_sort() {
        // Keys with many ties in the top 32 bits and indices below, as `ranks` builds them.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let keys: Vec<u64> = (0..5000u64)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 300) << 40 | (x >> 60) << 32 | i
            })
            .collect();
        let mut want = keys.clone();
        want.sort_unstable();
        assert_eq!(radix_sort(keys, 4), want);
        // Values in a narrow range (a task's durations): only the low digits are sorted.
        let narrow: Vec<f32> = (0..5000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                6.0 + (x % 70_001) as f32 / 10_000.0
            })
            .collect();
        let mut by_value: Vec<usize> = (0..narrow.len()).collect();
        by_value.sort_by(|&a, &b| narrow[a].total_cmp(&narrow[b]));
        let mut want = vec![0.0; narrow.len()];
        let mut i = 0;
        while i < by_value.len() {
            let mut j = i + 1;
            while j < by_value.len() && narrow[by_value[j]] == narrow[by_value[i]] {
                j += 1;
            }
            for &k in &by_value[i..j] {
                want[k] = (i + 1 + j) as f64 / 2.0;
            }
            i = j;
        }
        assert_eq!(ranks(&narrow), want);
        // Ranks: ties share the mean of their positions; +∞ after every finite value.
        assert_eq!(
            ranks(&[3.0, 1.0, f32::INFINITY, 3.0, -2.0]),
            vec![3.5, 2.0, 5.0, 3.5, 1.0]
        );
    }

    /// The shortcuts for a constant side give what the full computation gives: `None`.
    #[test]
    fn constant_sides_have_no_correlation() {
        let y = ranks(&[1.0, 2.0, 3.0, 4.0]);
        let flat = ranks(&[5.0; 4]);
        assert_eq!(rank_correlation(&[7.0; 4], &y, sum_sq(&y)), None);
        assert_eq!(
            rank_correlation(&[1.0, 3.0, 2.0, 4.0], &flat, sum_sq(&flat)),
            None
        );
        // -0.0 and 0.0 are different values to the ranking: ranks [1.5, 3.5, 1.5, 3.5]
        // against [1, 2, 3, 4] give ρ = 2 / √20.
        let r = rank_correlation(&[-0.0, 0.0, -0.0, 0.0], &y, sum_sq(&y)).expect("defined");
        assert!((r - 2.0 / 20f64.sqrt()).abs() < 1e-15, "{r}");
    }
}
