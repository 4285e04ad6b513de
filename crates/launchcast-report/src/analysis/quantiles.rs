//! Exact quantiles of large `f32` columns without sorting them.
//!
//! # Quantile rule
//!
//! Nearest rank (Hyndman & Fan type 1, the inverse of the empirical distribution function):
//! over the `n` finite values of a column, the `q`-quantile is the `k`-th smallest value with
//! `k = ceil(q · n)` clamped to `1..=n`. It is always one of the values (an order statistic),
//! never an interpolation. A product `q · n` within floating-point noise of an integer counts
//! as that integer, so `q = 0.9, n = 10` gives `k = 9`. Infinities and NaN are ignored; `-0.0`
//! counts as `0.0`.
//!
//! # Method
//!
//! Each value is mapped to a `u32` key whose unsigned order is the numeric order of the
//! floats. Pass 1 counts the keys by their top 16 bits (65,536 buckets) and finds the bucket of
//! every requested rank. Pass 2 looks only at the keys inside those buckets: when they are few
//! it gathers them and selects each rank among them, otherwise it counts their low 16 bits,
//! which pins each rank to one exact key. Both passes are integer histograms over fixed
//! chunks, run in parallel and merged in chunk order, so the result (including the mean, whose
//! per-chunk partial sums are added in order) does not depend on the thread count.

use rayon::prelude::*;

/// Buckets of pass 1 (top 16 bits of the key) and sub-buckets of pass 2 (low 16 bits).
const BUCKETS: usize = 1 << 16;
/// Values per parallel chunk; its histograms are merged in chunk order.
const CHUNK: usize = 1 << 18;
/// Below this many values a plain sort beats allocating two histograms.
const SORT_BELOW: usize = 2048;
/// Below this many values (one chunk, so the mean is summed as the radix path sums it) and
/// for a few quantiles, selecting each rank beats two passes over 65,536 buckets: a report's
/// fan charts take three quantiles of the 8,192 rows at every month end.
const SELECT_BELOW: usize = CHUNK;
const SELECT_MAX_QUANTILES: usize = 8;
const NO_SLOT: u16 = u16::MAX;
/// Pass 2 gathers the values of the target buckets when there are at most this many, and
/// counts their low bits in histograms otherwise.
const GATHER_MAX: u64 = 1 << 16;

/// Count, mean and exact quantiles of the finite values of one column.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnStats {
    /// Finite values in the column.
    pub count: u64,
    /// Mean of the finite values (summed in `f64`); `None` when there are none.
    pub mean: Option<f64>,
    /// One per requested quantile, in request order; `None` when there are no finite values.
    pub quantiles: Vec<Option<f32>>,
}

/// Count, mean and the nearest-rank quantiles `qs` (each in `[0, 1]`; clamped, NaN counts as
/// 0) of the finite values of `values`, in two passes over the data (see the module docs).
pub fn column_stats(values: &[f32], qs: &[f64]) -> ColumnStats {
    // Columns that are zero by construction (no plants, no costs in a year) are common and
    // long: one read proves it, instead of two histogram passes.
    if !values.is_empty()
        && values
            .par_chunks(CHUNK)
            .all(|c| c.iter().all(|&v| v == 0.0))
    {
        return zero_column_stats(values.len(), qs);
    }
    if values.len() < SORT_BELOW {
        by_sorting(values, qs)
    } else if values.len() < SELECT_BELOW && qs.len() <= SELECT_MAX_QUANTILES {
        by_selection(values, qs)
    } else {
        by_radix(values, qs)
    }
}

/// The statistics of `len > 0` zeros.
pub(crate) fn zero_column_stats(len: usize, qs: &[f64]) -> ColumnStats {
    ColumnStats {
        count: len as u64,
        mean: Some(0.0),
        quantiles: vec![Some(0.0); qs.len()],
    }
}

/// Order-preserving map of a float to an unsigned key (`-0.0` is first turned into `0.0`).
#[inline]
fn key(v: f32) -> u32 {
    let bits = (v + 0.0).to_bits();
    if bits & 0x8000_0000 != 0 {
        !bits
    } else {
        bits | 0x8000_0000
    }
}

#[inline]
fn from_key(k: u32) -> f32 {
    f32::from_bits(if k & 0x8000_0000 != 0 {
        k & 0x7FFF_FFFF
    } else {
        !k
    })
}

/// 0-based rank of the nearest-rank `q`-quantile among `n > 0` values: the rule of the
/// per-task quantiles too.
fn rank(q: f64, n: u64) -> u64 {
    launchcast_engine::nearest_rank(q, n)
}

fn by_sorting(values: &[f32], qs: &[f64]) -> ColumnStats {
    let sum = finite_sum(values);
    let mut finite: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    finite.sort_unstable_by(f32::total_cmp);
    let n = finite.len() as u64;
    let quantiles = qs
        .iter()
        .map(|&q| (n > 0).then(|| finite[rank(q, n) as usize] + 0.0))
        .collect();
    ColumnStats {
        count: n,
        mean: (n > 0).then(|| sum / n as f64),
        quantiles,
    }
}

/// [`by_sorting`]'s figures, each rank found by selection (`select_nth_unstable`) in what
/// is left above the rank before, on the order-preserving integer keys of the values (the
/// sort's order but for `-0.0`, which both give as `0.0`), so the same values.
fn by_selection(values: &[f32], qs: &[f64]) -> ColumnStats {
    let sum = finite_sum(values);
    let mut finite: Vec<u32> = values
        .iter()
        .filter(|v| v.is_finite())
        .map(|&v| key(v))
        .collect();
    let n = finite.len() as u64;
    let mut quantiles = vec![None; qs.len()];
    if n > 0 {
        let mut order: Vec<(usize, usize)> =
            qs.iter().map(|&q| rank(q, n) as usize).zip(0..).collect();
        order.sort_unstable();
        let mut lo = 0;
        for (r, i) in order {
            let (_, k, _) = finite[lo..].select_nth_unstable(r - lo);
            quantiles[i] = Some(from_key(*k) + 0.0);
            lo = r;
        }
    }
    ColumnStats {
        count: n,
        mean: (n > 0).then(|| sum / n as f64),
        quantiles,
    }
}

/// Pass-1 result of one chunk.
struct Pass1 {
    hist: Vec<u32>,
    count: u64,
    sum: f64,
}

/// Keys of the non-finite floats have their top 16 bits in `..FINITE_BUCKETS.start` (-inf,
/// negative NaN) or in `FINITE_BUCKETS.end..` (+inf, NaN); finite floats never do.
const FINITE_BUCKETS: std::ops::Range<usize> = 0x0080..0xFF80;

fn pass1(chunk: &[f32]) -> Pass1 {
    let mut hist = vec![0u32; BUCKETS];
    for &v in chunk {
        hist[(key(v) >> 16) as usize] += 1;
    }
    // Drop the non-finite values, counted without a branch above.
    hist[..FINITE_BUCKETS.start].fill(0);
    hist[FINITE_BUCKETS.end..].fill(0);
    let count = hist.iter().map(|&c| u64::from(c)).sum();
    Pass1 {
        hist,
        count,
        sum: finite_sum(chunk),
    }
}

/// Sum of the finite values, in four interleaved partial sums (which breaks the chain of add
/// latencies) combined in a fixed order.
fn finite_sum(values: &[f32]) -> f64 {
    let finite = |v: f32| if v.is_finite() { f64::from(v) } else { 0.0 };
    let mut sums = [0.0f64; 4];
    let mut quads = values.chunks_exact(4);
    for quad in &mut quads {
        for (sum, &v) in sums.iter_mut().zip(quad) {
            *sum += finite(v);
        }
    }
    for &v in quads.remainder() {
        sums[0] += finite(v);
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

/// Adds every histogram of `parts` into the first one, in order.
fn merge(mut parts: Vec<Vec<u32>>) -> Vec<u32> {
    let mut first = if parts.is_empty() {
        Vec::new()
    } else {
        parts.swap_remove(0)
    };
    for p in &parts {
        for (h, &c) in first.iter_mut().zip(p) {
            *h += c;
        }
    }
    first
}

fn by_radix(values: &[f32], qs: &[f64]) -> ColumnStats {
    by_radix_with(values, qs, GATHER_MAX)
}

/// [`by_radix`] with the pass-2 choice as a parameter (`gather_max`), for tests.
fn by_radix_with(values: &[f32], qs: &[f64], gather_max: u64) -> ColumnStats {
    if u32::try_from(values.len()).is_err() || qs.len() >= usize::from(NO_SLOT) {
        // Counts are u32 and slots u16; a column this long (16 GB), or that many quantiles,
        // are sorted instead.
        return by_sorting(values, qs);
    }
    // Pass 1: top 16 bits.
    let parts: Vec<Pass1> = values.par_chunks(CHUNK).map(pass1).collect();
    let (n, sum) = parts
        .iter()
        .fold((0u64, 0.0f64), |(n, s), p| (n + p.count, s + p.sum));
    let hist = merge(parts.into_iter().map(|p| p.hist).collect());
    if n == 0 {
        return ColumnStats {
            count: 0,
            mean: None,
            quantiles: vec![None; qs.len()],
        };
    }

    // Bucket of each requested rank and the rank left inside it, in one scan of the buckets.
    let mut order: Vec<(u64, usize)> = qs.iter().map(|&q| rank(q, n)).zip(0..).collect();
    order.sort_unstable();
    let mut targets = vec![(0usize, 0u64); qs.len()];
    let mut next = order.iter().peekable();
    let mut below = 0u64;
    for (bucket, &count) in hist.iter().enumerate() {
        let end = below + u64::from(count);
        while let Some(&&(r, i)) = next.peek() {
            if r >= end {
                break;
            }
            targets[i] = (bucket, r - below);
            next.next();
        }
        below = end;
    }
    let mut buckets: Vec<usize> = targets.iter().map(|t| t.0).collect();
    buckets.sort_unstable();
    buckets.dedup();
    let mut slot_of = vec![NO_SLOT; BUCKETS];
    for (s, &b) in buckets.iter().enumerate() {
        slot_of[b] = s as u16;
    }

    let in_targets: u64 = buckets.iter().map(|&b| u64::from(hist[b])).sum();
    let quantiles = if in_targets <= gather_max {
        gather_select(values, &hist, &buckets, &slot_of, &targets)
    } else {
        low_histograms(values, &slot_of, &targets)
    };
    ColumnStats {
        count: n,
        mean: Some(sum / n as f64),
        quantiles,
    }
}

/// Pass 2 when the target buckets hold few values: collect their keys (in any order; the
/// k-th smallest key does not depend on it) and select each rank among them.
fn gather_select(
    values: &[f32],
    hist: &[u32],
    buckets: &[usize],
    slot_of: &[u16],
    targets: &[(usize, u64)],
) -> Vec<Option<f32>> {
    let parts: Vec<Vec<u32>> = values
        .par_chunks(CHUNK)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&v| key(v))
                .filter(|&k| slot_of[(k >> 16) as usize] != NO_SLOT)
                .collect()
        })
        .collect();
    let mut keys = parts.concat();
    // Index of each target among the gathered keys, ascending, so that every selection
    // only looks at what the previous one left to its right.
    let mut wanted: Vec<(usize, usize)> = targets
        .iter()
        .enumerate()
        .map(|(i, &(bucket, r))| {
            let before: u64 = buckets
                .iter()
                .take_while(|&&b| b < bucket)
                .map(|&b| u64::from(hist[b]))
                .sum();
            ((before + r) as usize, i)
        })
        .collect();
    wanted.sort_unstable();
    let mut out = vec![None; targets.len()];
    let mut from = 0;
    for (at, i) in wanted {
        let local = at - from;
        let Some(rest) = keys.get_mut(from..) else {
            break;
        };
        if local >= rest.len() {
            break;
        }
        let (_, k, _) = rest.select_nth_unstable(local);
        out[i] = Some(from_key(*k));
        from = at;
    }
    out
}

/// Pass 2 in general: histograms of the low 16 bits of the keys in each target bucket.
fn low_histograms(values: &[f32], slot_of: &[u16], targets: &[(usize, u64)]) -> Vec<Option<f32>> {
    let slots = slot_of.iter().filter(|&&s| s != NO_SLOT).count();
    let parts: Vec<Vec<u32>> = values
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut h = vec![0u32; slots * BUCKETS];
            // Non-finite keys lie outside every target bucket: no finiteness test needed.
            for &v in chunk {
                let k = key(v);
                let s = slot_of[(k >> 16) as usize];
                if s != NO_SLOT {
                    h[s as usize * BUCKETS + (k & 0xFFFF) as usize] += 1;
                }
            }
            h
        })
        .collect();
    let low = merge(parts);
    targets
        .iter()
        .map(|&(bucket, r)| {
            let s = usize::from(slot_of[bucket]);
            let sub = low.get(s * BUCKETS..(s + 1) * BUCKETS)?;
            let mut acc = 0u64;
            let lo = sub.iter().position(|&c| {
                acc += u64::from(c);
                acc > r
            })?;
            Some(from_key(((bucket as u32) << 16) | lo as u32))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_preserve_order() {
        let xs = [
            f32::NEG_INFINITY,
            -3.3e38,
            -1.0,
            -f32::MIN_POSITIVE,
            -1e-45,
            0.0,
            1e-45,
            f32::MIN_POSITIVE,
            1.0,
            3.3e38,
            f32::INFINITY,
        ];
        for w in xs.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{} vs {}", w[0], w[1]);
        }
        for &x in &xs {
            assert_eq!(from_key(key(x)), x);
        }
        assert_eq!(key(-0.0), key(0.0));
        let bucket = |v: f32| (key(v) >> 16) as usize;
        for v in [f32::INFINITY, f32::NEG_INFINITY, f32::NAN, -f32::NAN] {
            assert!(!FINITE_BUCKETS.contains(&bucket(v)), "{v}");
        }
        for v in [f32::MAX, f32::MIN, 0.0, f32::MIN_POSITIVE, -1e-45] {
            assert!(FINITE_BUCKETS.contains(&bucket(v)), "{v}");
        }
        assert_eq!(bucket(f32::MIN), FINITE_BUCKETS.start);
        assert_eq!(bucket(f32::MAX), FINITE_BUCKETS.end - 1);
    }

    /// The all-zero shortcut gives what the passes give, and one non-zero value (last, so
    /// the check must read to the end) turns it off.
    #[test]
    fn zero_columns_take_the_shortcut_with_the_same_result() {
        let qs = [0.0, 0.5, 0.9, 1.0];
        let mut zeros = vec![0.0f32; 3 * CHUNK + 17];
        zeros[5] = -0.0;
        let fast = column_stats(&zeros, &qs);
        assert_eq!(fast, by_radix(&zeros, &qs));
        assert_eq!(fast.quantiles, vec![Some(0.0); 4]);
        let last = zeros.len() - 1;
        zeros[last] = 7.0;
        let stats = column_stats(&zeros, &qs);
        assert_eq!(
            stats.quantiles,
            vec![Some(0.0), Some(0.0), Some(0.0), Some(7.0)]
        );
        assert_eq!(stats.mean, Some(7.0 / zeros.len() as f64));
    }

    #[test]
    fn rank_is_nearest_rank() {
        assert_eq!(rank(0.5, 4), 1);
        assert_eq!(rank(0.1, 4), 0);
        assert_eq!(rank(0.9, 4), 3);
        assert_eq!(rank(0.9, 10), 8);
        assert_eq!(rank(0.1, 10), 0);
        assert_eq!(rank(0.8, 5), 3);
        assert_eq!(rank(0.0, 7), 0);
        assert_eq!(rank(1.0, 7), 6);
        assert_eq!(rank(f64::NAN, 7), 0);
        assert_eq!(rank(2.0, 7), 6);
        assert_eq!(rank(0.5, 1), 0);
    }

    /// Selection gives the sort path's figures, bit for bit, on columns with ties, zeros of
    /// both signs and non-finite values, for quantiles in any order and repeated.
    #[test]
    fn selection_agrees_with_sort() {
        let qs = [0.9, 0.1, 0.5, 0.5, 1.0, 0.0, 0.8];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for len in [1usize, 2, 3, 10, 2048, 5000, 8192] {
            let values: Vec<f32> = (0..len)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    match i % 11 {
                        0 => 0.0,
                        1 => -0.0,
                        2 if len > 3 => f32::NAN,
                        3 if len > 3 => f32::INFINITY,
                        4 => 42.0,
                        _ => (x % 100_000) as f32 / 7.0 - 5000.0,
                    }
                })
                .collect();
            let (a, b) = (by_selection(&values, &qs), by_sorting(&values, &qs));
            assert_eq!(a.count, b.count, "{len}");
            assert_eq!(a.mean.map(f64::to_bits), b.mean.map(f64::to_bits), "{len}");
            let bits =
                |q: &[Option<f32>]| q.iter().map(|v| v.map(f32::to_bits)).collect::<Vec<_>>();
            assert_eq!(bits(&a.quantiles), bits(&b.quantiles), "{len}");
        }
        let none = by_selection(&[f32::NAN; 4000], &qs);
        assert_eq!((none.count, none.mean), (0, None));
        assert_eq!(none.quantiles, vec![None; qs.len()]);
    }

    /// The radix path on tiny inputs agrees with the sort path (the public function only
    /// takes the radix path from `SORT_BELOW` values on).
    #[test]
    fn radix_agrees_with_sort_on_small_inputs() {
        let qs = [0.0, 0.1, 0.5, 0.8, 0.9, 1.0];
        let cases: [&[f32]; 6] = [
            &[],
            &[f32::INFINITY],
            &[5.0],
            &[2.0, -1.0],
            &[-0.0, 0.0, f32::NAN, -7.25, 7.25, 7.25, f32::NEG_INFINITY],
            &[1e-40, -1e-40, 3.0, 3.0, 3.0, 1e30, -1e30],
        ];
        for values in cases {
            let a = by_radix(values, &qs);
            let b = by_sorting(values, &qs);
            assert_eq!(a, b, "{values:?}");
        }
    }

    /// Both kinds of pass 2 (gathering and low-bit histograms) give the sorted answer, on
    /// data spread thin and on data piled on a few values.
    #[test]
    fn both_second_passes_agree_with_sort() {
        let qs = [0.0, 0.05, 0.1, 0.5, 0.5, 0.8, 0.9, 0.999, 1.0];
        let mut x = 12345u64;
        let mut next = || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 40) as f32 / 16_777_216.0
        };
        let spread: Vec<f32> = (0..300_000).map(|_| next() * 3000.0 - 500.0).collect();
        let piled: Vec<f32> = (0..300_000)
            .map(|_| {
                let u = next();
                if u < 0.6 {
                    0.0
                } else if u < 0.65 {
                    f32::INFINITY
                } else {
                    (u * 8.0).floor()
                }
            })
            .collect();
        for values in [&spread, &piled] {
            let want = by_sorting(values, &qs);
            assert_eq!(by_radix_with(values, &qs, 0), want);
            assert_eq!(by_radix_with(values, &qs, u64::MAX), want);
        }
    }
}
