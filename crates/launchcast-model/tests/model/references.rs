//! Reference classes: the predictive distribution of the next case recovers a known
//! distribution from many cases, is wider than the cases seen when they are few, and is what
//! `ref(id)` values draw, scaled, in items and scenario settings.

use super::*;

/// A fixed stream of standard normal draws (xorshift64* uniforms through the exact normal
/// quantile), so the tests need no random-number crate and never change.
fn normals(seed: u64, n: usize) -> Vec<f64> {
    let mut x = seed.max(1);
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            let u =
                ((x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            normal_quantile(u)
        })
        .collect()
}

fn lognormal_parts(d: &Dist) -> (f64, f64) {
    match d {
        Dist::LogNormal { median, p90 } => (*median, *p90),
        other => panic!("expected a log-normal, got {other:?}"),
    }
}

#[test]
fn many_cases_recover_the_distribution_they_come_from() {
    // 4,000 cases of a log-normal with median 200 days and σ = 0.4 on the log scale.
    let (mu, sigma, n) = (200f64.ln(), 0.4, 4_000);
    let values: Vec<f64> = normals(11, n)
        .iter()
        .map(|z| (mu + sigma * z).exp())
        .collect();
    let (median, p90) = lognormal_parts(&predictive(Fit::LogNormal, &values).expect("fits"));
    // The log-median is the mean of the logs: standard error σ/√n ≈ 0.0063; 4 of them.
    let se_mean = sigma / (n as f64).sqrt();
    assert!((median.ln() - mu).abs() < 4.0 * se_mean, "median {median}");
    // ln P90 − ln median estimates z₀.₉·σ; s has standard error about σ/√(2n) ≈ 0.0045.
    let se_width = Z90 * sigma / (2.0 * n as f64).sqrt();
    let width = p90.ln() - median.ln();
    assert!(
        (width - Z90 * sigma).abs() < 4.0 * se_width,
        "width {width}"
    );

    // The same on the natural scale with a normal fit: mean 300, sd 40.
    let values: Vec<f64> = normals(12, n).iter().map(|z| 300.0 + 40.0 * z).collect();
    let Ok(Dist::Normal { mean, sd }) = predictive(Fit::Normal, &values) else {
        panic!("a normal");
    };
    assert!(
        (mean - 300.0).abs() < 4.0 * 40.0 / (n as f64).sqrt(),
        "mean {mean}"
    );
    assert!(
        (sd - 40.0).abs() < 4.0 * 40.0 / (2.0 * n as f64).sqrt(),
        "sd {sd}"
    );
}

#[test]
fn few_cases_give_a_range_wider_than_theirs() {
    // For 2 to 6 cases the predictive's P10–P90 on the log scale is at least the cases'
    // range whatever they are (the narrowest case, two extremes and the rest at the mean,
    // gives 5.3, 2.2, 1.5, 1.19 and 1.01 times the range).
    for n in 2..=6 {
        for trial in 0..2_000u64 {
            let logs: Vec<f64> = normals(1_000 * n as u64 + trial, n)
                .iter()
                .map(|z| 5.0 + 0.5 * z)
                .collect();
            let values: Vec<f64> = logs.iter().map(|l| l.exp()).collect();
            let d = predictive(Fit::LogNormal, &values).expect("fits");
            let (p10, p90) = (d.quantile(0.1, true), d.quantile(0.9, true));
            let (lo, hi) = logs
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &l| {
                    (a.min(l), b.max(l))
                });
            assert!(
                p90.ln() - p10.ln() >= hi - lo,
                "n {n} trial {trial}: log scale"
            );
            // Up to 4 cases the range lies inside P10–P90 (the most lopsided, three equal
            // and one apart, reaches 1.17 times past it), so it is wider in any unit.
            if n <= 4 {
                assert!(
                    p10.ln() <= lo && p90.ln() >= hi,
                    "n {n} trial {trial}: contained"
                );
                assert!(
                    p90 - p10 > hi.exp() - lo.exp(),
                    "n {n} trial {trial}: natural scale"
                );
            }
        }
    }
    // The narrowest case for 3: logs 0, ½, 1 (s = ½), so P10–P90 is exactly
    // 2·t₂·s·√(4/3) = 2.1773 times the range.
    let d = predictive(Fit::LogNormal, &[1.0, 0.5f64.exp(), 1f64.exp()]).expect("fits");
    let width = d.quantile(0.9, true).ln() - d.quantile(0.1, true).ln();
    assert!(
        (width - 2.0 * 1.885_618 * 0.5 * (4.0f64 / 3.0).sqrt()).abs() < 1e-5,
        "{width}"
    );
}

const CLASSES: &str = r#"
[program]
name = "classes"
start = 2022-07-01
horizon = 2031-12-31

[[reference]]
id = "plant_build"
name = "Greenfield plants"
observations = [
  { case = "A", value = "10mo", source = "report A, 2020-01-07", date = 2020-01-07 },
  { case = "B", value = "24mo", source = "report B", date = 2022-03-22 },
  { case = "C", value = "18mo", source = "report C" },
]

[[reference]]
id = "capex"
fit = "normal"
observations = [
  { case = "A", value = "1.2bn", source = "a" },
  { case = "B", value = 900000000, source = "b" },
  { case = "C", value = "1.5bn", source = "c", date = 2023-01-01, hindsight = true },
]

[[task]]
id = "build"
duration = "ref(plant_build)"
cost = "ref(capex, 0.5)"
inside = { duration = "tri(12mo, 15mo, 20mo)" }

[[task]]
id = "fit_out"
after = ["build"]
duration = " ref( plant_build , 0.25 ) "

[[scenario]]
id = "slow"
set = { "fit_out.duration" = "ref(plant_build, 0.5)" }
"#;

#[test]
fn values_draw_the_predictive_of_their_class_scaled() {
    let m = parse(CLASSES, "classes.toml").expect("valid");
    let build = &m.references[0];
    let months: Vec<f64> = [10.0, 24.0, 18.0].iter().map(|v| v * MONTH).collect();
    assert_eq!(
        build.predictive,
        predictive(Fit::LogNormal, &months).expect("fits")
    );
    assert_eq!(build.quantity, Quantity::Duration);
    assert_eq!(m.tasks[0].duration, build.predictive);
    let (median, p90) = lognormal_parts(&build.predictive);
    assert_eq!(
        m.tasks[1].duration,
        Dist::LogNormal {
            median: median * 0.25,
            p90: p90 * 0.25
        }
    );
    let capex = &m.references[1];
    assert_eq!(capex.quantity, Quantity::Money);
    assert!(capex.observations[2].hindsight);
    let Dist::Normal { mean, sd } = capex.predictive else {
        panic!("a normal")
    };
    assert!((mean - 1.2e9).abs() < 1.0);
    assert_eq!(
        m.tasks[0].cost,
        Dist::Normal {
            mean: mean * 0.5,
            sd: sd * 0.5
        }
    );
    // Uses in reading order, named by item, with the inside view where stated.
    let uses: Vec<(&str, f64, bool)> = build
        .uses
        .iter()
        .map(|u| (u.label.as_str(), u.scale, u.inside.is_some()))
        .collect();
    assert_eq!(
        uses,
        [
            ("task build: duration", 1.0, true),
            ("task fit_out: duration", 0.25, false),
            ("scenario slow: set.\"fit_out.duration\"", 0.5, false),
        ]
    );
    assert_eq!(
        build.uses[0].inside,
        Some(Dist::Triangular {
            min: 12.0 * MONTH,
            mode: 15.0 * MONTH,
            max: 20.0 * MONTH
        })
    );
}
