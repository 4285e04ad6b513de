//! Random draws: the same results at any thread count, common random numbers across
//! scenarios, whole rows, and correlations.

use super::*;
use crate::production::plant_model;

#[test]
fn identical_at_any_thread_count_and_different_per_seed() {
    let u = Dist::Triangular {
        min: 0.0,
        mode: 10.0,
        max: 100.0,
    };
    let mut tasks: Vec<Task> = (0..40).map(|i| task(&format!("t{i}"), u.clone())).collect();
    for (i, t) in tasks.iter_mut().enumerate().skip(1) {
        t.after = vec![fs(&format!("t{}", i / 2))];
        t.chance = 0.99;
    }
    let mut m = model(tasks);
    m.program.iterations = 50_001; // not a multiple of a block or a lane
    let a = simulate(&m, 9, 1);
    let b = simulate(&m, 9, 2);
    let c = simulate(&m, 10, 2);
    assert_eq!(a.scenarios[0].headline_days, b.scenarios[0].headline_days);
    assert_eq!(a.scenarios[0].tasks, b.scenarios[0].tasks);
    assert_ne!(a.scenarios[0].headline_days, c.scenarios[0].headline_days);
}

#[test]
fn scenarios_share_random_draws() {
    let u = Dist::Uniform {
        min: 0.0,
        max: 100.0,
    };
    let mut b = task("b", u.clone());
    b.after = vec![fs("a")];
    let mut m = model(vec![task("a", u), b]);
    // 313 lane groups per scenario: several buffers of 32, each mixing the scenarios.
    m.program.iterations = 10_000;
    m.scenarios = vec![
        Scenario {
            id: "same".into(),
            name: "".into(),
            disable: vec![],
            set: vec![],
        },
        Scenario {
            id: "faster".into(),
            name: "".into(),
            disable: vec![],
            set: vec![Setting {
                item: "a".into(),
                field: "duration".into(),
                value: SettingValue::Dist(Dist::Uniform {
                    min: 0.0,
                    max: 50.0,
                }),
            }],
        },
        Scenario {
            id: "no_b".into(),
            name: "".into(),
            disable: vec!["b".into()],
            set: vec![],
        },
    ];
    let out = simulate(&m, 2, 0);
    let [base, same, faster, no_b] = &out.scenarios[..] else {
        panic!("four scenarios")
    };
    assert_eq!(base.headline_days, same.headline_days);
    // Halving a's uniform draws shortens every iteration by exactly half of a's draw.
    for i in 0..100 {
        assert!(faster.headline_days[i] <= base.headline_days[i]);
    }
    // Without b the program ends with a.
    assert!(no_b.headline_days.iter().all(|&x| x <= 100.0));
    assert_eq!(no_b.tasks.finished[1], 0);
    // A scenario's per-task statistics are the same run alone or beside the others (whose
    // lane groups share the workers' buffers), at any thread count; and "same" counts what
    // the model as written counts.
    assert_eq!(same.tasks, base.tasks);
    for (k, id) in ["base", "same", "faster", "no_b"].iter().enumerate() {
        let valid = ValidModel::new(m.clone()).expect("valid model");
        let selection = valid.select(&[id.to_string()]).expect("known scenario");
        let plan = Plan::compile_selected(&valid, &selection);
        for threads in [1, 2] {
            let alone = run(
                &plan,
                &RunOptions {
                    iterations: m.program.iterations,
                    seed: 2,
                    threads,
                    progress: None,
                    statistics: true,
                },
            )
            .expect("runs");
            assert_eq!(alone.scenarios[0].tasks, out.scenarios[k].tasks, "{id}");
        }
    }
}

#[test]
fn rows_hold_whole_iterations_and_month_ends() {
    // A plant from a fixed start: monthly cumulative output is exact; durations per task are
    // the sampled ones; rows are the same iterations as the headline column.
    let mut m = plant_model(Curve::Linear);
    m.tasks[0].duration = Dist::Uniform {
        min: 0.0,
        max: 10.0,
    };
    m.program.iterations = 300_000; // more than twice the task sample: rows are a subsample
    let out = simulate(&m, 3, 2);
    let s = &out.scenarios[0];
    let rows = &s.rows;
    assert_eq!(rows.len(), launchcast_engine::MAX_ROWS);
    assert_eq!(out.months.first(), Some(&(2023, 1)));
    assert_eq!(out.months.last(), Some(&(2026, 12)));
    for (r, &i) in rows.iterations.iter().enumerate() {
        assert_eq!(rows.headline[r], s.headline_days[i as usize], "row {r}");
        let d = rows.durations_of(0)[r];
        assert!((0.0..=10.0).contains(&d));
        // Production starts at day 181 + d; by the end of July 2023 (day 212) the ramp has
        // made 100·(0.2x + 0.4x²/100) cars with x = 31 − d days.
        let x = f64::from(212.0 - 181.0 - d);
        let want = 100.0 * (0.2 * x + 0.4 * x * x / 100.0);
        let got = f64::from(rows.delivered_by(6)[r]);
        assert!((got - want).abs() < 0.05, "row {r}: {got} vs {want}");
    }
    // Iterations are spread over the run, not only its first block.
    assert!(rows.iterations[rows.len() - 1] > 100_000);
}

/// Spearman rank correlation (no ties expected in continuous draws).
fn spearman(a: &[f32], b: &[f32]) -> f64 {
    let rank = |v: &[f32]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&i, &j| v[i].total_cmp(&v[j]));
        let mut r = vec![0.0; v.len()];
        for (k, &i) in idx.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (ra, rb) = (rank(a), rank(b));
    let n = a.len() as f64;
    let m = (n - 1.0) / 2.0;
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - m) * (y - m)).sum();
    cov / (n * (n * n - 1.0) / 12.0)
}

#[test]
fn correlated_durations_reach_the_requested_rank_correlation() {
    let u = Dist::Uniform {
        min: 0.0,
        max: 100.0,
    };
    let mut b = task("b", u.clone());
    b.after = vec![fs("a")];
    let mut m = model(vec![task("a", u), b]);
    m.program.iterations = 8192;
    m.correlations = vec![launchcast_model::Correlation {
        items: vec!["a".into(), "b".into()],
        rho: 0.8,
    }];
    let out = simulate(&m, 5, 2);
    let rows = &out.scenarios[0].rows;
    assert_eq!(rows.len(), 8192);
    let rho = spearman(rows.durations_of(0), rows.durations_of(1));
    // The Spearman estimate's standard error is about (1 − ρ²)/√n ≈ 0.004 here.
    assert_close(rho, 0.8, 0.02, "achieved rank correlation");
    // Each draw keeps its own distribution: still uniform on [0, 100] (mean 50, SE 0.32).
    let mean_a = rows
        .durations_of(0)
        .iter()
        .map(|&x| f64::from(x))
        .sum::<f64>()
        / 8192.0;
    assert_close(
        mean_a,
        50.0,
        4.0 * (100.0f64 * 100.0 / 12.0 / 8192.0).sqrt(),
        "marginal mean",
    );
    // The sum of positively correlated tasks spreads wider than the independent sum.
    let p90 = |o: &Outcomes| {
        let x = finite(&o.scenarios[0].headline_days);
        x[x.len() * 9 / 10] - x[x.len() / 10]
    };
    let mut independent = m.clone();
    independent.correlations.clear();
    let indep = simulate(&independent, 5, 2);
    let (wide, narrow) = (p90(&out), p90(&indep));
    assert!(wide > narrow + 5.0, "P10–P90 width {wide} vs {narrow}");
    let q90 = |o: &Outcomes| {
        let x = finite(&o.scenarios[0].headline_days);
        x[x.len() * 9 / 10]
    };
    assert!(
        q90(&out) > q90(&indep) + 2.0,
        "P90 {} vs {}",
        q90(&out),
        q90(&indep)
    );
}

/// Every set of correlations that validates compiles: validation checks the matrix the engine
/// factors (normal scores, 2·sin(π·ρ/6)), not only the rank correlations as written. A grid of
/// three pairwise values among three tasks covers sets that are consistent in ranks but not
/// in normal scores (such as -0.49 for every pair).
#[test]
fn every_valid_correlation_set_compiles() {
    let values = [-0.9, -0.6, -0.49, -0.3, 0.0, 0.3, 0.6, 0.9, 0.99];
    let (mut valid, mut refused_in_normal_scores_only) = (0, 0);
    for &ab in &values {
        for &bc in &values {
            for &ac in &values {
                let text = format!(
                    "[program]\nname = \"c\"\nstart = 2024-01-01\nhorizon = 2030-12-31\n\
                     [[task]]\nid = \"a\"\nduration = \"tri(1mo, 2mo, 4mo)\"\n\
                     [[task]]\nid = \"b\"\nduration = \"tri(1mo, 2mo, 4mo)\"\n\
                     [[task]]\nid = \"c\"\nduration = \"tri(1mo, 2mo, 4mo)\"\n\
                     [[correlate]]\nitems = [\"a\", \"b\"]\nrho = {ab}\n\
                     [[correlate]]\nitems = [\"b\", \"c\"]\nrho = {bc}\n\
                     [[correlate]]\nitems = [\"a\", \"c\"]\nrho = {ac}\n"
                );
                // Positive definiteness of [[1, x, z], [x, 1, y], [z, y, 1]]: leading minors.
                let definite = |x: f64, y: f64, z: f64| {
                    1.0 - x * x > 1e-10 && 1.0 + 2.0 * x * y * z - x * x - y * y - z * z > 1e-10
                };
                let ns = |r: f64| 2.0 * (std::f64::consts::PI * r / 6.0).sin();
                match ValidModel::parse(&text, "c.toml") {
                    Ok(m) => {
                        valid += 1;
                        assert!(definite(ns(ab), ns(bc), ns(ac)), "{ab} {bc} {ac}");
                        // What the compiler relies on: every group has its factor.
                        for g in launchcast_model::correlation_groups(&m) {
                            assert_eq!(
                                g.cholesky.len(),
                                g.items.len() * g.items.len(),
                                "valid correlations {ab} {bc} {ac} have no factor"
                            );
                        }
                        assert_eq!(Plan::compile(&m).tasks(), 3);
                    }
                    Err(e) => {
                        assert!(!definite(ns(ab), ns(bc), ns(ac)), "{ab} {bc} {ac}: {e}");
                        if definite(ab, bc, ac) {
                            refused_in_normal_scores_only += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(valid > 300, "{valid}");
    assert!(refused_in_normal_scores_only > 0);
}

#[test]
fn a_selection_from_another_model_keeps_plan_and_schedules_aligned() {
    let scenario = |id: &str| Scenario {
        id: id.into(),
        name: "".into(),
        disable: vec![],
        set: vec![],
    };
    let mut small = model(vec![task("a", Dist::Fixed(3.0))]);
    small.scenarios = vec![scenario("x")];
    let mut large = small.clone();
    large.scenarios.push(scenario("y"));
    let large = ValidModel::new(large).expect("valid model");
    let small = ValidModel::new(small).expect("valid model");
    // Index 1 ("y") does not exist in the small model: left out of the plan and of the
    // schedules alike.
    let selection = large
        .select(&["base".to_string(), "y".to_string()])
        .expect("known scenarios");
    let plan = Plan::compile_selected(&small, &selection);
    assert_eq!(plan.scenarios().len(), 1);
    assert!(plan.deterministic(0).is_some());
    assert!(plan.deterministic(1).is_none());
}
