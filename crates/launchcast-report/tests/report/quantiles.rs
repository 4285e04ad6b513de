//! Exact quantiles: the radix select against sorting, on random data, few values and
//! duplicates, at any thread count.

use launchcast_report::column_stats;

use crate::fixtures::*;

/// Mixed data: negatives, tiny and huge magnitudes, heavy duplicates, infinities and NaN.
pub(crate) fn random_column(rng: &mut Rng, n: usize) -> Vec<f32> {
    (0..n)
        .map(|_| match rng.next() % 10 {
            0 => INF,
            1 => f32::NEG_INFINITY,
            2 => 0.0,
            3 => 42.5,
            4 => -((rng.unit() * 1e6) as f32),
            5 => (rng.unit() * 1e-30) as f32,
            6 => f32::NAN,
            7 => (rng.unit() * 3e38) as f32,
            _ => (rng.unit() * 1000.0) as f32,
        })
        .collect()
}

/// Per-mille quantiles, so the reference can compute ranks in integers.
pub(crate) const PER_MILLE: [u64; 9] = [0, 1, 100, 250, 500, 800, 900, 999, 1000];

/// Nearest rank by sorting: the `ceil(q n)`-th smallest finite value (at least the first).
pub(crate) fn reference(values: &[f32]) -> Vec<Option<f32>> {
    let mut finite: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    finite.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    let n = finite.len() as u64;
    PER_MILLE
        .iter()
        .map(|&pm| (n > 0).then(|| finite[((pm * n).div_ceil(1000).max(1) - 1) as usize] + 0.0))
        .collect()
}

pub(crate) fn qs() -> Vec<f64> {
    PER_MILLE.iter().map(|&pm| pm as f64 / 1000.0).collect()
}

#[test]
fn quantiles_match_sorting_on_random_data() {
    let mut rng = Rng(20220701);
    // Around the sort/radix switch (2048), tiny slices and more than one parallel chunk.
    for n in [0, 1, 2, 3, 10, 2047, 2048, 2049, 5000, 100_000, 600_000] {
        let values = random_column(&mut rng, n);
        let got = column_stats(&values, &qs());
        let want = reference(&values);
        assert_eq!(got.quantiles, want, "n = {n}");
        let finite: Vec<f64> = values
            .iter()
            .filter(|v| v.is_finite())
            .map(|&v| f64::from(v))
            .collect();
        assert_eq!(got.count, finite.len() as u64, "n = {n}");
        if finite.is_empty() {
            assert_eq!(got.mean, None);
        } else {
            let mean = finite.iter().sum::<f64>() / finite.len() as f64;
            let m = got.mean.expect("mean");
            assert!(
                (m - mean).abs() <= 1e-9 * mean.abs().max(1.0),
                "n = {n}: {m} vs {mean}"
            );
        }
    }
}

#[test]
fn quantiles_of_few_values_and_duplicates() {
    let q = [0.1, 0.5, 0.8, 0.9];
    assert_eq!(column_stats(&[], &q).quantiles, vec![None; 4]);
    assert_eq!(column_stats(&[INF, f32::NAN], &q).quantiles, vec![None; 4]);
    assert_eq!(column_stats(&[-3.0], &q).quantiles, vec![Some(-3.0); 4]);
    let two = column_stats(&[7.0, -2.0], &q);
    assert_eq!(
        two.quantiles,
        vec![Some(-2.0), Some(-2.0), Some(7.0), Some(7.0)]
    );
    assert_eq!(two.mean, Some(2.5));
    // Radix path: 10^5 copies of 0 and 10^5 of 1, one value each side.
    let mut v = vec![0.0f32; 100_000];
    v.extend(vec![1.0f32; 100_000]);
    v.push(-5.0);
    v.push(9.0);
    let s = column_stats(&v, &[0.0, 0.5, 0.50001, 1.0]);
    assert_eq!(
        s.quantiles,
        vec![Some(-5.0), Some(0.0), Some(1.0), Some(9.0)]
    );
    // -0.0 is reported as 0.0.
    let z = column_stats(&vec![-0.0f32; 5000], &[0.5]);
    assert_eq!(z.quantiles[0].map(|x| x.to_bits()), Some(0));
}

#[test]
fn quantiles_do_not_depend_on_thread_count() {
    let mut rng = Rng(3);
    let values = random_column(&mut rng, 1_100_000);
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| column_stats(&values, &qs()))
    };
    let one = run(1);
    let four = run(4);
    assert_eq!(one, four);
    assert_eq!(one.mean.map(f64::to_bits), four.mean.map(f64::to_bits));
}

/// `cargo test -p launchcast-report --release -- --ignored --nocapture quantile_speed`
#[test]
#[ignore = "a timing, not a check: run it in release mode with --ignored"]
fn quantile_speed() {
    let mut rng = Rng(11);
    let values: Vec<f32> = (0..1_000_000)
        .map(|_| {
            if rng.unit() < 0.05 {
                INF
            } else {
                (rng.unit() * 3000.0) as f32
            }
        })
        .collect();
    let q = [0.1, 0.5, 0.8, 0.9];
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let mut best = [f64::INFINITY; 2];
    for _ in 0..20 {
        let t = std::time::Instant::now();
        let a = column_stats(&values, &q);
        best[0] = best[0].min(t.elapsed().as_secs_f64());
        let t = std::time::Instant::now();
        let b = one_thread.install(|| column_stats(&values, &q));
        best[1] = best[1].min(t.elapsed().as_secs_f64());
        assert_eq!(a, b);
    }
    let t = std::time::Instant::now();
    let mut sorted = values.clone();
    sorted.sort_unstable_by(f32::total_cmp);
    let sort = t.elapsed().as_secs_f64();
    println!(
        "1M values, 4 quantiles: {:.2} ms (all threads), {:.2} ms (1 thread); full sort {:.2} ms",
        best[0] * 1e3,
        best[1] * 1e3,
        sort * 1e3
    );
}
