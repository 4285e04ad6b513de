//! Spearman rank correlations, exact on hand-built rows and against the analytic value of a
//! simulated chain, and the `[[correlate]]` pairs achieved.

use launchcast_report::{Sensitivity, render_terminal, summarize};

use crate::fixtures::*;

/// `x` = [1, 2, 5, 3, 4, NaN], headline = [10, 20, ∞, 30, ∞, 0]: the NaN row is left out, the
/// two ∞ share ranks 4 and 5 (4.5 each). Ranks x = [1, 2, 5, 3, 4], y = [1, 2, 4.5, 3, 4.5];
/// deviations from 3: [-2, -1, 2, 0, 1] and [-2, -1, 1.5, 0, 1.5]; Σdxdy = 9.5, Σdx² = 10,
/// Σdy² = 9.5, so ρ = 9.5 / sqrt(10 · 9.5) = sqrt(0.95).
#[test]
fn spearman_on_hand_built_rows_is_exact() {
    let x = [1.0, 2.0, 5.0, 3.0, 4.0, f32::NAN];
    let y = [10.0, 20.0, INF, 30.0, INF, 0.0];
    let rho = launchcast_report::spearman(&x, &y).expect("defined");
    assert!((rho - 0.95f64.sqrt()).abs() < 1e-12, "{rho}");
    // Constant durations have no rank correlation; too few rows neither.
    assert_eq!(
        launchcast_report::spearman(&[7.0; 4], &[1.0, 2.0, 3.0, 4.0]),
        None
    );
    assert_eq!(launchcast_report::spearman(&[1.0], &[1.0]), None);
    // Perfectly reversed order.
    let r = launchcast_report::spearman(&[4.0, 3.0, 2.0, 1.0], &[1.0, 2.0, 3.0, INF]);
    assert_eq!(r, Some(-1.0));

    // Through the summary: rows of the three tasks of the fixture model.
    let mut o = outcomes();
    let mut durations = x.to_vec(); // licence
    durations.extend([9.0; 6]); // plant_build: constant, so no correlation
    durations.extend([f32::NAN; 6]); // baic_talks: never started
    o.scenarios[0].rows = launchcast_engine::Rows {
        iterations: (0..6).collect(),
        durations,
        headline: y.to_vec(),
        delivered: vec![],
        spent: vec![],
    };
    let s = summarize(&model(), &infos(), &o);
    let sens = &s.scenarios[0].sensitivity;
    assert_eq!(
        sens,
        &vec![
            Sensitivity {
                id: "licence".to_string(),
                spearman: Some(0.9747),
                criticality: 1.0
            },
            // No correlation (constant), listed for its criticality.
            Sensitivity {
                id: "plant_build".to_string(),
                spearman: None,
                criticality: 0.4
            },
        ]
    );
    // No rows: only criticality, for the tasks that have some.
    let alone = &s.scenarios[1].sensitivity;
    assert_eq!(alone.len(), 1);
    assert_eq!((alone[0].id.as_str(), alone[0].spearman), ("licence", None));
}

/// Spearman's ρ of X with S = X + Y, X ~ U(0, 1), Y ~ U(0, a) independent: with U = F_X(X) = X
/// and V = F_S(S) both uniform, ρ = 12 E[U V] − 3, computed here by a 2,000 × 2,000 midpoint
/// rule from F_S, which is piecewise quadratic (error far below the sampling tolerance).
pub(crate) fn spearman_of_uniform_sum(a: f64, of_wider: bool) -> f64 {
    let f_s = |s: f64| {
        if s <= a {
            s * s / (2.0 * a)
        } else if s <= 1.0 {
            s - a / 2.0
        } else {
            1.0 - (1.0 + a - s).powi(2) / (2.0 * a)
        }
    };
    let k = 2000;
    let mut sum = 0.0;
    for i in 0..k {
        let x = (i as f64 + 0.5) / k as f64;
        for j in 0..k {
            let y = a * (j as f64 + 0.5) / k as f64;
            let u = if of_wider { x } else { y / a };
            sum += u * f_s(x + y);
        }
    }
    12.0 * sum / (k * k) as f64 - 3.0
}

/// A chain of two tasks, durations U(0, 3) and U(0, 1) days, the headline their sum, on 8,192
/// hand-built rows. Each ρ must be within 4 standard errors of its analytic value on the
/// Fisher scale (var(atanh r_s) ≈ 1.06 / (n − 3), Fieller et al. 1957), and the wider task
/// must rank first.
#[test]
fn spearman_of_a_simulated_chain_matches_the_analytic_value() {
    let n = 8192;
    let mut rng = Rng(42);
    let wide: Vec<f32> = (0..n).map(|_| (3.0 * rng.unit()) as f32).collect();
    let narrow: Vec<f32> = (0..n).map(|_| rng.unit() as f32).collect();
    let sum: Vec<f32> = wide.iter().zip(&narrow).map(|(a, b)| a + b).collect();
    let tol = 4.0 * (1.06 / (n as f64 - 3.0)).sqrt();
    for (x, of_wider) in [(&wide, true), (&narrow, false)] {
        let got = launchcast_report::spearman(x, &sum).expect("defined");
        let want = spearman_of_uniform_sum(1.0 / 3.0, of_wider);
        assert!(
            (got.atanh() - want.atanh()).abs() < tol,
            "wider {of_wider}: {got} vs analytic {want}"
        );
    }
    // Sanity of the analytic values: about 0.94 and 0.31, and ρ² adds up to about 1.
    let (w, s) = (
        spearman_of_uniform_sum(1.0 / 3.0, true),
        spearman_of_uniform_sum(1.0 / 3.0, false),
    );
    assert!(
        w > 0.9 && s > 0.2 && s < 0.4 && (w * w + s * s - 1.0).abs() < 0.05,
        "{w} {s}"
    );

    // The same through `summarize`: the wider task ranks first.
    let mut m = model();
    m.tasks.truncate(2);
    let mut o = outcomes();
    let mut durations = wide.clone();
    durations.extend(&narrow);
    o.scenarios[0].rows = launchcast_engine::Rows {
        iterations: (0..n as u64).collect(),
        durations,
        headline: sum,
        delivered: vec![],
        spent: vec![],
    };
    let s = summarize(&m, &infos(), &o);
    let ids: Vec<&str> = s.scenarios[0]
        .sensitivity
        .iter()
        .map(|x| x.id.as_str())
        .collect();
    assert_eq!(ids, ["licence", "plant_build"]);

    // The same chain simulated by the engine (widths 300 and 100 days, so a = 1/3), over the
    // rows it keeps.
    let chain = parse(
        r#"
[program]
name = "Chain"
start = 2024-01-01
horizon = 2026-12-31

[[task]]
id = "wide"
duration = "uniform(100d, 400d)"

[[task]]
id = "narrow"
duration = "uniform(100d, 200d)"
after = ["wide"]
"#,
    );
    let (chain_infos, chain_outcomes) = run(&chain, 20_000);
    let rows = chain_outcomes.scenarios[0].rows.len();
    assert!(rows >= 1000, "the engine keeps rows ({rows})");
    let tol = 4.0 * (1.06 / (rows as f64 - 3.0)).sqrt();
    let s = summarize(&chain, &chain_infos, &chain_outcomes);
    let sens = &s.scenarios[0].sensitivity;
    assert_eq!(sens[0].id, "wide");
    for (id, of_wider) in [("wide", true), ("narrow", false)] {
        let got = sens.iter().find(|x| x.id == id).and_then(|x| x.spearman);
        let got = got.expect("defined");
        let want = spearman_of_uniform_sum(1.0 / 3.0, of_wider);
        assert!(
            (got.atanh() - want.atanh()).abs() < tol + 1e-4,
            "{id}: {got} vs analytic {want} over {rows} rows"
        );
    }
}

/// `[[correlate]]` pairs are reported with the rank correlation achieved: two uniform tasks
/// asked for 0.8 get within 0.02 of it (standard error about (1 − ρ²)/√n = 0.004 over 8,192
/// rows); a pair with a fixed-duration partner cannot be asked for (the model rejects it).
#[test]
fn correlations_are_reported_with_the_rank_correlation_achieved() {
    let model = parse(
        r#"
[program]
name = "Two correlated tasks"
start = 2024-01-01
horizon = 2026-12-31

[[task]]
id = "a"
duration = "uniform(0d, 100d)"

[[task]]
id = "b"
duration = "uniform(0d, 100d)"
after = ["a"]

[[correlate]]
items = ["a", "b"]
rho = 0.8
"#,
    );
    let (scenarios, outcomes) = run(&model, 8192);
    let summary = summarize(&model, &scenarios, &outcomes);
    let c = &summary.scenarios[0].correlations;
    assert_eq!(c.len(), 1);
    assert_eq!(
        (c[0].a.as_str(), c[0].b.as_str(), c[0].target),
        ("a", "b", 0.8)
    );
    let achieved = c[0].achieved.expect("achieved");
    assert!((achieved - 0.8).abs() < 0.02, "achieved {achieved}");
    let text = render_terminal(&summary, &model, 100);
    assert!(text.contains("CORRELATIONS (base)"), "{text}");
    assert!(text.contains("a ~ b"), "{text}");
}
