//! Tasks and links: durations, alternatives, chances, risks, fallbacks, link kinds, lags and
//! earliest starts.

use super::*;

#[test]
fn chain_mean_is_the_sum_of_means() {
    let a = Dist::Triangular {
        min: 10.0,
        mode: 20.0,
        max: 60.0,
    };
    let b = Dist::Pert {
        min: 30.0,
        mode: 40.0,
        max: 90.0,
    };
    let c = Dist::Uniform {
        min: 5.0,
        max: 25.0,
    };
    let mut t2 = task("b", b.clone());
    t2.after = vec![fs("a")];
    let mut t3 = task("c", c.clone());
    t3.after = vec![fs("b")];
    let m = model(vec![task("a", a.clone()), t2, t3]);
    let out = simulate(&m, 1, 0);
    let x = finite(&out.scenarios[0].headline_days);
    assert_eq!(x.len() as u64, N);
    // Variances: triangular (a²+b²+c²−ab−ac−bc)/18; PERT (μ−a)(b−μ)/7; uniform w²/12.
    let var = (100.0 + 400.0 + 3600.0 - 200.0 - 600.0 - 1200.0) / 18.0
        + (b.mean() - 30.0) * (90.0 - b.mean()) / 7.0
        + 400.0 / 12.0;
    let se = (var / N as f64).sqrt();
    assert_close(
        mean(&x),
        a.mean() + b.mean() + c.mean(),
        4.0 * se,
        "mean finish of a chain",
    );
    // The engine's per-task mean, from its subsample of iterations, agrees too.
    let tasks = &out.scenarios[0].tasks;
    assert_close(
        tasks.mean_days(2).unwrap_or(0.0),
        a.mean() + b.mean() + c.mean(),
        4.0 * (var / tasks.sampled as f64).sqrt(),
        "task stats mean (subsample)",
    );
    // Every sampled iteration has the whole chain critical.
    assert!(tasks.sampled >= launchcast_engine::TASK_SAMPLE_TARGET);
    assert_eq!(tasks.critical, vec![tasks.sampled; 3]);
    assert_eq!(tasks.criticality(1), 1.0);
}

#[test]
fn later_of_two_parallel_uniforms() {
    let u = Dist::Uniform {
        min: 0.0,
        max: 100.0,
    };
    let m = model(vec![task("a", u.clone()), task("b", u)]);
    let x = finite(&simulate(&m, 3, 0).scenarios[0].headline_days);
    // F(x) = (x/100)²: median 100·√0.5; SE of the median = √(¼/n) / f(q), f(q) = 2q/100².
    let q = 100.0 * 0.5f64.sqrt();
    let se = (0.25 / N as f64).sqrt() / (2.0 * q / 1e4);
    assert_close(median(&x), q, 4.0 * se, "P50 of the later of two");
}

#[test]
fn earlier_of_two_alternatives_with_after_any() {
    let u = Dist::Uniform {
        min: 0.0,
        max: 100.0,
    };
    let mut c = task("c", Dist::ZERO);
    c.after_any = vec![fs("a"), fs("b")];
    let m = model(vec![task("a", u.clone()), task("b", u), c]);
    let out = simulate(&m, 4, 0);
    // The program ends when every sink ends: here only c, at the earlier of a and b.
    let x = finite(&out.scenarios[0].headline_days);
    let q = 100.0 * (1.0 - 0.5f64.sqrt());
    // F(x) = 1 − (1 − x/100)²: f(q) = 2(1 − q/100)/100.
    let se = (0.25 / N as f64).sqrt() / (2.0 * (1.0 - q / 100.0) / 100.0);
    let cq = out.scenarios[0]
        .tasks
        .quantile_days(2, 0.5)
        .unwrap_or(f64::NAN);
    let bin = out.scenarios[0].tasks.bin_days(2);
    let c_only = finite(&out.scenarios[0].headline_days);
    assert_close(median(&c_only), q, 4.0 * se, "P50 of the earlier of two");
    assert_close(
        cq,
        median(&x),
        bin,
        "histogram quantile within one bin of its own range",
    );
}

#[test]
fn a_task_with_chance_succeeds_that_often() {
    let mut t = task("a", Dist::Fixed(10.0));
    t.chance = 0.3;
    let out = simulate(&model(vec![t]), 5, 0);
    // Per-task statistics come from a subsample of at least 65,536 iterations; the headline
    // from all of them.
    let tasks = &out.scenarios[0].tasks;
    let se = (0.21 / tasks.sampled as f64).sqrt();
    assert_close(
        tasks.probability(0),
        0.3,
        4.0 * se,
        "share of successes (sample)",
    );
    let happened = finite(&out.scenarios[0].headline_days).len() as f64 / N as f64;
    assert_close(
        happened,
        0.3,
        4.0 * (0.21 / N as f64).sqrt(),
        "share of successes",
    );
}

#[test]
fn a_risk_shifts_the_mean_by_chance_times_delay() {
    let mut m = model(vec![task("a", Dist::Fixed(100.0))]);
    m.risks = vec![Risk {
        id: "r".into(),
        name: "r".into(),
        chance: 0.25,
        tasks: vec!["a".into()],
        impact: Impact::Delay(Dist::Fixed(40.0)),
        disabled: false,
    }];
    let x = finite(&simulate(&m, 6, 0).scenarios[0].headline_days);
    let se = 40.0 * (0.25 * 0.75 / N as f64).sqrt();
    assert_close(
        mean(&x),
        100.0 + 0.25 * 40.0,
        4.0 * se,
        "mean with a delay risk",
    );

    // A scale risk multiplies, a fail risk removes the iterations in which it occurs.
    m.risks[0].impact = Impact::Scale(Dist::Fixed(1.5));
    let x = finite(&simulate(&m, 6, 0).scenarios[0].headline_days);
    assert_close(
        mean(&x),
        100.0 + 0.25 * 50.0,
        4.0 * se * 50.0 / 40.0,
        "mean with a scale risk",
    );
    m.risks[0].impact = Impact::Fail;
    let n = finite(&simulate(&m, 6, 0).scenarios[0].headline_days).len() as f64;
    assert_close(
        n / N as f64,
        0.75,
        4.0 * (0.1875 / N as f64).sqrt(),
        "share without a fail risk",
    );
}

#[test]
fn fallback_runs_only_after_a_failure() {
    let mut a = task("a", Dist::Fixed(10.0));
    a.chance = 0.6;
    let mut b = task("b", Dist::Fixed(20.0));
    b.after_failure = vec!["a".into()];
    let mut c = task("c", Dist::ZERO);
    c.after_any = vec![fs("a"), fs("b")];
    let out = simulate(&model(vec![a, b, c]), 7, 0);
    let x = finite(&out.scenarios[0].headline_days);
    // c ends at 10 (p = 0.6) or 10 + 20 = 30 (p = 0.4): mean 18, sd 20·√0.24.
    assert_eq!(x.len() as u64, N);
    let se = 20.0 * (0.24 / N as f64).sqrt();
    assert_close(mean(&x), 18.0, 4.0 * se, "mixture mean");
    let stats = &out.scenarios[0].tasks;
    assert_eq!(
        stats.finished[0] + stats.finished[1],
        stats.sampled,
        "b runs exactly when a fails"
    );
}

#[test]
fn link_types_lags_and_not_before_give_exact_days() {
    let mut b = task("b", Dist::Fixed(20.0));
    b.after = vec![Link {
        task: "a".into(),
        kind: LinkKind::StartToStart,
        lag: 5.0,
    }];
    let mut c = task("c", Dist::Fixed(10.0));
    c.after = vec![Link {
        task: "a".into(),
        kind: LinkKind::FinishToFinish,
        lag: 7.0,
    }];
    let mut d = task("d", Dist::Fixed(4.0));
    d.after = vec![Link {
        task: "b".into(),
        kind: LinkKind::StartToFinish,
        lag: -2.0,
    }];
    let mut e = task("e", Dist::Fixed(3.0));
    e.after = vec![Link {
        task: "c".into(),
        kind: LinkKind::FinishToStart,
        lag: 30.0,
    }];
    e.not_before = Some(date(2023, 3, 1)); // day 59
    let mut f = task("f", Dist::Fixed(1.0));
    f.after = vec![fs("a")];
    f.not_before = Some(date(2023, 4, 10)); // day 99
    let mut m = model(vec![task("a", Dist::Fixed(30.0)), b, c, d, e, f]);
    m.program.iterations = 64;
    // a 0–30; b SS+5: 5–25; c FF+7: finishes 37, 27–37; d SF−2 from b's start 5: finishes 3,
    // starts −1 → clamped to 0, 0–4; e FS+30 after c: 67 (later than not_before 59), 67–70;
    // f after a (30) but not before day 99: 99–100.
    let want = [
        (0.0, 30.0),
        (5.0, 25.0),
        (27.0, 37.0),
        (0.0, 4.0),
        (67.0, 70.0),
        (99.0, 100.0),
    ];
    let plan = Plan::compile(&ValidModel::new(m.clone()).expect("valid model"));
    let dates = plan.deterministic(0).expect("schedule");
    for (i, (s, f)) in want.iter().enumerate() {
        let got = dates[i].expect("task happens");
        assert_eq!((got.start, got.finish), (*s, *f), "task {}", m.tasks[i].id);
    }
    let out = simulate(&m, 1, 1);
    for (i, (_, f)) in want.iter().enumerate() {
        assert_eq!(out.scenarios[0].tasks.mean_days(i), Some(*f));
        assert_eq!(out.scenarios[0].tasks.quantile_days(i, 0.8), Some(*f));
    }
    // The program ends with the last sink, f at day 100; its chain is a → f? No: f waited
    // for not_before, so only f is critical.
    assert!(out.scenarios[0].headline_days.iter().all(|&x| x == 100.0));
    assert_eq!(out.scenarios[0].tasks.critical[5], 64);
    assert_eq!(out.scenarios[0].tasks.critical[0], 0);
}
