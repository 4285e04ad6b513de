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

/// Reusable buffers of the ranking, one per worker: ranking every task of a large model
/// then allocates a few times per thread instead of a few times per task.
#[derive(Default)]
struct Scratch {
    /// `(key − smallest) << 32 | payload`, sorted in place.
    keys: Vec<u64>,
    /// The other buffer of the sort's passes.
    other: Vec<u64>,
}

/// Order-preserving bits of an `f32` (+∞ after every finite value; `-0.0` before `0.0`).
#[inline]
fn key(v: f32) -> u32 {
    let bits = v.to_bits();
    if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    }
}

/// Twice the average ranks (1-based; ties share the mean of their positions) of `values` in
/// the total order of `f32` (+∞ after every finite value): integers, so that sums of their
/// products are exact. At most 2^31 − 1 values.
fn doubled_ranks(values: &[f32], scratch: &mut Scratch) -> Vec<u32> {
    let mut out = vec![0; values.len()];
    for_each_rank(
        values,
        |row| row as u32,
        scratch,
        |row, rank2| {
            out[row as usize] = rank2 as u32;
        },
    );
    out
}

/// Σ (2r)² of a column of [`doubled_ranks`] (shared by every task correlated with it).
fn sum_sq(ranks2: &[u32]) -> u128 {
    ranks2
        .iter()
        .map(|&r| u128::from(u64::from(r) * u64::from(r)))
        .sum()
}

/// Calls `f(payload(row), 2 · rank)` for every value, with its average rank (as
/// [`doubled_ranks`]), in ascending order of value.
///
/// Each value's order-preserving bits, less the smallest, above its payload: one integer
/// sort, no indirect comparisons, and the payload travels with the key so that nothing is
/// looked up by row afterwards. A task's durations span far fewer than 2^32 keys, so the top
/// digits are all zero and their passes are skipped.
#[inline]
fn for_each_rank(
    values: &[f32],
    payload: impl Fn(usize) -> u32,
    scratch: &mut Scratch,
    mut f: impl FnMut(u32, u64),
) {
    let n = values.len();
    if n == 0 {
        return;
    }
    let Scratch { keys, other } = scratch;
    let (lo, hi) = values.iter().fold((u32::MAX, 0), |(lo, hi), &v| {
        (lo.min(key(v)), hi.max(key(v)))
    });
    if lo == hi {
        // One value: every row shares the middle rank.
        (0..n).for_each(|row| f(payload(row), n as u64 + 1));
        return;
    }
    keys.clear();
    keys.extend(
        values
            .iter()
            .enumerate()
            .map(|(row, &v)| u64::from(key(v) - lo) << 32 | u64::from(payload(row))),
    );
    let digits = (u32::BITS - (hi - lo).leading_zeros()).div_ceil(8) as usize;
    radix_sort(keys, other, digits);
    let mut i = 0;
    while i < n {
        let v = keys[i] >> 32;
        let mut j = i + 1;
        while j < n && keys[j] >> 32 == v {
            j += 1;
        }
        // Positions i..j hold ranks i+1..=j; twice their mean is i + 1 + j.
        let rank2 = (i + 1 + j) as u64;
        for &e in &keys[i..j] {
            f(e as u32, rank2);
        }
        i = j;
    }
}

/// Sorts `keys` in ascending order of their top 32 bits, which are below 2^(8·`digits`):
/// stable counting passes of 8 bits, a pass skipped where every key has the same digit, all
/// digits counted in one read. Digits known to be zero are not even counted. Several times
/// faster than a comparison sort at these sizes. `other` is a buffer.
fn radix_sort(keys: &mut Vec<u64>, other: &mut Vec<u64>, digits: usize) {
    let shift = |d: usize| 32 + 8 * d as u32;
    let mut count = [[0u32; 256]; 4];
    let count = &mut count[..digits.min(4)];
    for &k in keys.iter() {
        for (d, c) in count.iter_mut().enumerate() {
            c[((k >> shift(d)) & 0xFF) as usize] += 1;
        }
    }
    other.clear();
    other.resize(keys.len(), 0);
    for (d, c) in count.iter_mut().enumerate() {
        if c.iter().any(|&n| n as usize == keys.len()) {
            continue;
        }
        let mut next = 0;
        for n in c.iter_mut() {
            (*n, next) = (next, next + *n);
        }
        for &k in keys.iter() {
            let b = ((k >> shift(d)) & 0xFF) as usize;
            other[c[b] as usize] = k;
            c[b] += 1;
        }
        std::mem::swap(keys, other);
    }
}

/// Pearson correlation of the average ranks of `x` with `y_ranks2` ([`doubled_ranks`] of
/// another column of the same rows), without building the ranks of `x`: both sets of ranks
/// sum to n(n+1)/2, and the sums of products are taken in integers, exactly. `y_sum_sq` is
/// [`sum_sq`] of `y_ranks2`. `None` if shorter than 2 or either side is constant: such a side
/// is known before any ranking.
fn rank_correlation(
    x: &[f32],
    y_ranks2: &[u32],
    y_sum_sq: u128,
    scratch: &mut Scratch,
) -> Option<f64> {
    let n = x.len();
    if n < 2 || y_ranks2.len() != n {
        return None;
    }
    // Sums of products of ranks (multiples of ¼), as the exact integers they are 4 times.
    let quarter = |s: u128| s as f64 / 4.0;
    let centre = n as f64 * ((n + 1) as f64 / 2.0).powi(2);
    let vy = quarter(y_sum_sq) - centre;
    // A constant side has every rank (n + 1) / 2, so its Σ r² is the centre exactly.
    if vy <= 0.0 || x.iter().all(|v| v.to_bits() == x[0].to_bits()) {
        return None;
    }
    let (mut sxy, mut sxx) = (0u128, 0u128);
    for_each_rank(
        x,
        |row| y_ranks2[row],
        scratch,
        |y2, x2| {
            // Each factor is at most 2n < 2^32: the products fit in 64 bits.
            sxy += u128::from(x2 * u64::from(y2));
            sxx += u128::from(x2 * x2);
        },
    );
    let (cov, vx) = (quarter(sxy) - centre, quarter(sxx) - centre);
    (vx > 0.0).then(|| (cov / (vx * vy).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman rank correlation of `x` (a task's durations) with `headline`, row by row: rows
/// where `x` or the headline is NaN are left out; +∞ headlines share the largest rank. Not
/// rounded. `None` when fewer than two rows remain or either side is constant.
pub fn spearman(x: &[f32], headline: &[f32]) -> Option<f64> {
    spearman_with(x, headline, &mut Scratch::default())
}

/// [`spearman`] with the buffers of the caller's worker.
fn spearman_with(x: &[f32], headline: &[f32], scratch: &mut Scratch) -> Option<f64> {
    let n = x.len().min(headline.len());
    let (x, headline) = (&x[..n], &headline[..n]);
    if x.iter()
        .zip(headline)
        .all(|(a, b)| !a.is_nan() && !b.is_nan())
    {
        let h = doubled_ranks(headline, scratch);
        return rank_correlation(x, &h, sum_sq(&h), scratch);
    }
    let (xs, hs): (Vec<f32>, Vec<f32>) = x
        .iter()
        .zip(headline)
        .filter(|(a, b)| !a.is_nan() && !b.is_nan())
        .map(|(a, b)| (*a, *b))
        .unzip();
    let h = doubled_ranks(&hs, scratch);
    rank_correlation(&xs, &h, sum_sq(&h), scratch)
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
    let all_rows = doubled_ranks(&rows.headline, &mut Scratch::default());
    let all_rows_sum_sq = sum_sq(&all_rows);
    let all_valid = rows.headline.iter().all(|h| !h.is_nan());
    // Each task's result depends on its rows alone, so neither the split of the tasks among
    // threads nor the reuse of buffers changes it.
    (0..tasks)
        .into_par_iter()
        .with_min_len(64)
        .map_init(Scratch::default, |scratch, t| {
            let x = rows.durations_of(t);
            if all_valid && x.iter().all(|v| !v.is_nan()) {
                rank_correlation(x, &all_rows, all_rows_sum_sq, scratch)
            } else {
                spearman_with(x, &rows.headline, scratch)
            }
        })
        .collect()
}

/// The sensitivity table of one scenario: every task with a rank correlation or a positive
/// criticality, by |ρ| (largest first; undefined last), ties by criticality then model order.
pub(crate) fn sensitivity(model: &Model, so: &ScenarioOutcomes) -> Vec<Sensitivity> {
    let rho = spearman_by_task(model, so);
    let stats = &so.tasks;
    let mut out: Vec<Sensitivity> = model
        .tasks
        .iter()
        .zip(rho)
        .enumerate()
        .filter_map(|(i, (t, r))| {
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

    /// Twice the average ranks, by a plain comparison sort of (value, row).
    fn reference_ranks(values: &[f32]) -> Vec<u32> {
        let mut by_value: Vec<usize> = (0..values.len()).collect();
        by_value.sort_by(|&a, &b| key(values[a]).cmp(&key(values[b])).then(a.cmp(&b)));
        let mut want = vec![0; values.len()];
        let mut i = 0;
        while i < by_value.len() {
            let mut j = i + 1;
            while j < by_value.len() && key(values[by_value[j]]) == key(values[by_value[i]]) {
                j += 1;
            }
            for &k in &by_value[i..j] {
                want[k] = (i + 1 + j) as u32;
            }
            i = j;
        }
        want
    }

    #[test]
    fn ranks_agree_with_a_comparison_sort() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        // A task's durations: a narrow range, most buckets holding one value.
        let narrow: Vec<f32> = (0..5000)
            .map(|_| 6.0 + (next() % 70_001) as f32 / 10_000.0)
            .collect();
        // Piled on a few values (long runs in one bucket, sorted whole), an outlier that
        // stretches the range (most values in the first buckets), signs, zeros and +∞.
        let piled: Vec<f32> = (0..3000).map(|_| (next() % 7) as f32).collect();
        let mut stretched: Vec<f32> = (0..3000)
            .map(|_| 10.0 + (next() % 1000) as f32 / 100.0)
            .collect();
        stretched[17] = 1e30;
        let mixed: Vec<f32> = (0..2000)
            .map(|_| match next() % 6 {
                0 => f32::INFINITY,
                1 => -0.0,
                2 => 0.0,
                3 => -((next() % 50) as f32),
                _ => (next() % 30) as f32 / 3.0,
            })
            .collect();
        let ranks = |values: &[f32]| doubled_ranks(values, &mut Scratch::default());
        for values in [&narrow, &piled, &stretched, &mixed] {
            assert_eq!(ranks(values), reference_ranks(values));
            // Every row once, in ascending order of value.
            let mut seen = Vec::new();
            for_each_rank(
                values,
                |row| row as u32,
                &mut Scratch::default(),
                |row, _| seen.push(row as usize),
            );
            let mut sorted_keys: Vec<u32> = values.iter().map(|&v| key(v)).collect();
            sorted_keys.sort_unstable();
            let seen_keys: Vec<u32> = seen.iter().map(|&r| key(values[r])).collect();
            assert_eq!(seen_keys, sorted_keys);
            seen.sort_unstable();
            assert_eq!(seen, (0..values.len()).collect::<Vec<_>>());
        }
        // Buffers left by a longer column do not leak into a shorter one.
        let mut scratch = Scratch::default();
        doubled_ranks(&narrow, &mut scratch);
        assert_eq!(doubled_ranks(&[2.0, 1.0, 2.0], &mut scratch), vec![5, 2, 5]);
        // Ranks: ties share the mean of their positions; +∞ after every finite value.
        assert_eq!(
            ranks(&[3.0, 1.0, f32::INFINITY, 3.0, -2.0]),
            vec![7, 4, 10, 7, 2]
        );
        assert_eq!(ranks(&[4.0; 4]), vec![5; 4]);
        assert_eq!(ranks(&[]), Vec::<u32>::new());
    }

    /// The shortcuts for a constant side give what the full computation would: `None`.
    #[test]
    fn constant_sides_have_no_correlation() {
        let mut s = Scratch::default();
        let y = doubled_ranks(&[1.0, 2.0, 3.0, 4.0], &mut s);
        let flat = doubled_ranks(&[5.0; 4], &mut s);
        assert_eq!(rank_correlation(&[7.0; 4], &y, sum_sq(&y), &mut s), None);
        assert_eq!(
            rank_correlation(&[1.0, 3.0, 2.0, 4.0], &flat, sum_sq(&flat), &mut s),
            None
        );
        // -0.0 and 0.0 are different values to the ranking.
        assert_eq!(
            rank_correlation(&[-0.0, 0.0, -0.0, 0.0], &y, sum_sq(&y), &mut s),
            Some(0.4472135954999579)
        );
    }
}
