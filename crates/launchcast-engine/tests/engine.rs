//! Closed-form checks of the engine: every expected value below is derived analytically, and
//! every Monte Carlo tolerance is 4 standard errors of the estimate at a fixed seed.

use launchcast_engine::{Outcomes, Plan, RunOptions, run};
use launchcast_model::{
    Calendar, CalendarException, Curve, Date, Dist, Impact, Link, LinkKind, Model, Plant, Program,
    Promise, PromiseKind, Risk, Scenario, Setting, SettingValue, Task,
};

const N: u64 = 200_000;

fn date(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd(y, m, d).expect("valid date")
}

fn model(tasks: Vec<Task>) -> Model {
    Model {
        program: Program {
            name: "test".into(),
            start: date(2023, 1, 1),
            horizon: date(2032, 12, 31),
            currency: "CNY".into(),
            iterations: N,
            seed: 1,
            delivery_lag: Dist::ZERO,
            overhead_per_year: Dist::ZERO,
            calendar: None,
            start_time: 0,
        },
        tasks,
        risks: vec![],
        plants: vec![],
        promises: vec![],
        scenarios: vec![],
        correlations: vec![],
        includes: vec![],
        calendars: vec![],
    }
}

fn task(id: &str, duration: Dist) -> Task {
    Task {
        id: id.into(),
        name: id.into(),
        duration,
        chance: 1.0,
        after: vec![],
        after_any: vec![],
        after_failure: vec![],
        cost: Dist::ZERO,
        not_before: None,
        disabled: false,
        calendar: None,
    }
}

fn fs(id: &str) -> Link {
    Link {
        task: id.into(),
        kind: LinkKind::FinishToStart,
        lag: 0.0,
    }
}

fn simulate(m: &Model, seed: u64, threads: usize) -> Outcomes {
    let plan = Plan::compile(m).expect("plan compiles");
    run(
        &plan,
        &RunOptions {
            iterations: m.program.iterations,
            seed,
            threads,
            progress: None,
            statistics: true,
        },
    )
    .expect("run succeeds")
}

fn finite(v: &[f32]) -> Vec<f64> {
    let mut x: Vec<f64> = v
        .iter()
        .filter(|x| x.is_finite())
        .map(|&x| f64::from(x))
        .collect();
    x.sort_by(f64::total_cmp);
    x
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn median(sorted: &[f64]) -> f64 {
    sorted[sorted.len() / 2]
}

fn assert_close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} ± {tol}"
    );
}

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
    let plan = Plan::compile(&m).expect("compiles");
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

fn plant_model(curve: Curve) -> Model {
    let mut m = model(vec![{
        let mut t = task("sop", Dist::ZERO);
        t.not_before = Some(date(2023, 7, 1)); // day 181
        t
    }]);
    m.program.horizon = date(2026, 12, 31);
    m.program.iterations = 64;
    m.plants = vec![Plant {
        id: "p".into(),
        name: "p".into(),
        // 100 cars a day at nameplate.
        capacity: Dist::Fixed(36_524.25),
        starts: "sop".into(),
        ramp: Dist::Fixed(100.0),
        ramp_start: 0.2,
        curve,
        peak: Dist::Fixed(1.0),
        disabled: false,
    }];
    m
}

#[test]
fn a_plant_delivers_exact_volumes_per_calendar_year() {
    let out = simulate(&plant_model(Curve::Linear), 1, 0);
    let s = &out.scenarios[0];
    assert_eq!(out.years, vec![2023, 2024, 2025, 2026]);
    // 2023: production from day 181 to 365 (184 days); the linear ramp from 20 % to 100 %
    // over 100 days makes 100·(0.2·100 + 0.8·100/2) = 6,000, then 84 days at 100 a day.
    // 2024 is a leap year; 2026 ends with the horizon's day, 2026-12-31 (365 days).
    let want = [6_000.0 + 8_400.0, 36_600.0, 36_500.0, 36_500.0];
    for (y, w) in want.iter().enumerate() {
        for &got in &s.deliveries_by_year[y] {
            assert_close(
                f64::from(got),
                *w,
                0.05,
                &format!("deliveries in {}", out.years[y]),
            );
        }
    }
    // First car: 100·(0.2x + 0.4x²/100) = 1 → x = 0.04988 days after start of production.
    let x = (-20.0 + (400.0f64 + 1.6).sqrt()) / 0.8;
    assert_close(
        f64::from(s.headline_days[0]),
        181.0 + x,
        1e-4,
        "first delivery",
    );

    // The s-curve ramp (smoothstep) makes ∫ = 0.2·100 + 0.8·100·(1 − ½) = 60 % too.
    let out = simulate(&plant_model(Curve::S), 1, 0);
    assert_close(
        f64::from(out.scenarios[0].deliveries_by_year[0][0]),
        14_400.0,
        0.05,
        "s-curve 2023",
    );
}

#[test]
fn a_cost_is_spread_over_its_duration_across_a_year_end() {
    let mut t = task("build", Dist::Fixed(60.0));
    t.cost = Dist::Fixed(6.0e9);
    t.not_before = Some(date(2023, 12, 2)); // 30 days of 2023 remain
    let mut m = model(vec![t]);
    m.program.iterations = 32;
    m.program.overhead_per_year = Dist::Fixed(365.2425e6); // a million a day
    let out = simulate(&m, 1, 0);
    let s = &out.scenarios[0];
    // 2023: half the cost + 365 days of overhead; 2024: half + 366 days; later years overhead.
    let want = [3.0e9 + 365.0e6, 3.0e9 + 366.0e6, 365.0e6];
    for (y, w) in want.iter().enumerate() {
        assert_close(
            f64::from(s.spend_by_year[y][0]),
            *w,
            w * 1e-6,
            &format!("spend {}", out.years[y]),
        );
    }
}

/// A plant making one car a day from the first day of a leap year to a horizon on its last
/// day, a delivery lag of `lag` days, and promises dated on the horizon.
fn one_car_a_day(horizon: Date, lag: f64) -> Model {
    let mut m = model(vec![task("sop", Dist::ZERO)]);
    m.program.start = date(2024, 1, 1);
    m.program.horizon = horizon;
    m.program.iterations = 64;
    m.program.delivery_lag = Dist::Fixed(lag);
    m.program.overhead_per_year = Dist::Fixed(365.2425e6); // a million a day
    m.plants = vec![Plant {
        id: "p".into(),
        name: "p".into(),
        capacity: Dist::Fixed(365.2425),
        starts: "sop".into(),
        ramp: Dist::ZERO,
        ramp_start: 1.0,
        curve: Curve::Linear,
        peak: Dist::Fixed(1.0),
        disabled: false,
    }];
    let promise = |id: &str, kind| Promise {
        id: id.into(),
        name: "".into(),
        kind,
    };
    let last = date(2024, 12, 31);
    m.promises = vec![
        promise("first", PromiseKind::FirstDeliveryBy(last)),
        promise(
            "cars",
            PromiseKind::DeliveriesBy {
                date: last,
                at_least: 365.5,
            },
        ),
        promise(
            "year",
            PromiseKind::DeliveriesInYear {
                year: 2024,
                at_least: 365.5,
            },
        ),
        promise(
            "spend",
            PromiseKind::SpendBy {
                date: last,
                at_most: 365.5e6,
            },
        ),
    ];
    m
}

#[test]
fn the_horizon_includes_its_day() {
    let (last, later) = (date(2024, 12, 31), date(2025, 6, 30));
    let at_horizon = simulate(&one_car_a_day(last, 0.0), 1, 0);
    let s = &at_horizon.scenarios[0];
    assert_eq!(at_horizon.years, vec![2024]);
    assert_eq!(at_horizon.horizon_days, 366.0);
    // 2024 has 366 days, each with its car and its million of overhead.
    assert!(
        s.deliveries_by_year[0]
            .iter()
            .all(|&x| (x - 366.0).abs() < 1e-3),
        "{:?}",
        &s.deliveries_by_year[0][..2]
    );
    assert!(
        s.spend_by_year[0]
            .iter()
            .all(|&x| (f64::from(x) - 366.0e6).abs() < 366.0),
        "{:?}",
        &s.spend_by_year[0][..2]
    );
    // Promises dated on the horizon: the first car on day one, 366 cars (more than 365.5),
    // 366 millions spent (more than 365.5).
    assert_eq!(s.promises_kept, vec![64, 64, 64, 0]);
    // The same promises under a later horizon are counted the same.
    let beyond = simulate(&one_car_a_day(later, 0.0), 1, 0);
    assert_eq!(beyond.scenarios[0].promises_kept, s.promises_kept);
    assert_eq!(
        beyond.scenarios[0].deliveries_by_year[0],
        s.deliveries_by_year[0]
    );

    // A first car at noon on the horizon's day happens by the horizon, as it does under a
    // later horizon; at noon on the day after, it does not.
    for (lag, kept) in [(364.5, 64), (365.5, 0)] {
        for horizon in [last, later] {
            let out = simulate(&one_car_a_day(horizon, lag), 1, 0);
            let s = &out.scenarios[0];
            assert_eq!(s.promises_kept[0], kept, "lag {lag}, horizon {horizon}");
            let by_horizon = s.headline_days.iter().filter(|x| x.is_finite()).count();
            if horizon == last {
                assert_eq!(by_horizon, kept as usize, "lag {lag}");
            }
        }
    }
}

#[test]
fn promises_are_counted_per_kind() {
    let mut m = plant_model(Curve::Linear);
    m.promises = vec![
        Promise {
            id: "first".into(),
            name: "".into(),
            kind: PromiseKind::FirstDeliveryBy(date(2023, 6, 30)),
        },
        Promise {
            id: "first2".into(),
            name: "".into(),
            kind: PromiseKind::FirstDeliveryBy(date(2023, 7, 1)),
        },
        Promise {
            id: "vol".into(),
            name: "".into(),
            kind: PromiseKind::DeliveriesBy {
                date: date(2024, 12, 31),
                at_least: 51_000.0,
            },
        },
        Promise {
            id: "vol_hi".into(),
            name: "".into(),
            kind: PromiseKind::DeliveriesBy {
                date: date(2024, 12, 31),
                at_least: 51_001.0,
            },
        },
        Promise {
            id: "year".into(),
            name: "".into(),
            kind: PromiseKind::DeliveriesInYear {
                year: 2025,
                at_least: 36_499.0,
            },
        },
        Promise {
            id: "spend".into(),
            name: "".into(),
            kind: PromiseKind::SpendBy {
                date: date(2026, 1, 1),
                at_most: 0.0,
            },
        },
    ];
    let out = simulate(&m, 1, 0);
    // By the end of 2024: 14,400 + 36,600 = 51,000 cars.
    assert_eq!(out.scenarios[0].promises_kept, vec![0, 64, 64, 0, 64, 64]);
}

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
        let plan = Plan::compile_selected(&m, &[id.to_string()]).expect("compiles");
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

// ---------------------------------------------------------------------------------------------
// Working-time calendars: hand-counted dates on a Monday-to-Friday, 8-hour calendar
// ---------------------------------------------------------------------------------------------

/// Days from the program start (Monday 2024-01-01) at `hour` o'clock.
fn at(day: f64, hour: f64) -> f64 {
    day + hour / 24.0
}

/// A model starting Monday 2024-01-01 whose tasks all run on "site" (Mon–Fri 08–12, 13–17).
fn calendar_model(tasks: Vec<Task>, exceptions: Vec<CalendarException>) -> Model {
    let mut m = model(tasks);
    m.program.start = date(2024, 1, 1);
    m.program.horizon = date(2026, 12, 31);
    m.program.calendar = Some("site".into());
    let mut site = Calendar::standard("site");
    site.exceptions = exceptions;
    m.calendars = vec![site];
    m
}

/// Deterministic (start, finish) of every task, days from the start.
fn dates(m: &Model) -> Vec<(f64, f64)> {
    let plan = Plan::compile(m).expect("plan compiles");
    plan.deterministic(0)
        .expect("schedule")
        .iter()
        .map(|d| d.map(|d| (d.start, d.finish)).expect("task happens"))
        .collect()
}

fn assert_at(got: f64, want: f64, what: &str) {
    // f32 days: a few seconds.
    assert_close(got, want, 1e-4, what);
}

#[test]
fn ten_working_days_from_a_friday_end_on_the_thursday_after_next() {
    let mut a = task("a", Dist::Fixed(10.0));
    a.not_before = Some(date(2024, 1, 5));
    let d = dates(&calendar_model(vec![a.clone()], vec![]));
    // Friday 08:00 to Thursday 17:00, 13 calendar days later.
    assert_at(d[0].0, at(4.0, 8.0), "start");
    assert_at(d[0].1, at(17.0, 17.0), "finish");

    // A holiday on Wednesday 2024-01-10 moves it by exactly one working day: Friday.
    let holiday = CalendarException {
        from: date(2024, 1, 10),
        to: date(2024, 1, 10),
        hours: vec![],
    };
    let d = dates(&calendar_model(vec![a.clone()], vec![holiday.clone()]));
    assert_at(d[0].1, at(18.0, 17.0), "finish after a holiday");

    // A half day that Wednesday: half a day later, Friday 12:00.
    let half = CalendarException {
        hours: vec![(480, 720)],
        ..holiday
    };
    let d = dates(&calendar_model(vec![a.clone()], vec![half]));
    assert_at(d[0].1, at(18.0, 12.0), "finish after a half day");

    // The same task in calendar days runs 10 days flat.
    a.calendar = Some("none".into());
    let d = dates(&calendar_model(vec![a], vec![]));
    assert_eq!(d[0], (4.0, 14.0));
}

#[test]
fn a_chain_across_weekends_matches_the_hand_count() {
    let a = task("a", Dist::Fixed(5.0));
    let mut b = task("b", Dist::Fixed(4.0));
    b.after = vec![fs("a")];
    let mut c = task("c", Dist::ZERO);
    c.after = vec![fs("b")];
    let mut d = task("d", Dist::Fixed(2.5));
    d.after = vec![fs("c")];
    // Lags stay in calendar days: one day after Thursday 17:00 is Friday 17:00, so work
    // starts on Monday.
    let mut e = task("e", Dist::Fixed(1.0));
    e.after = vec![Link {
        lag: 1.0,
        ..fs("c")
    }];
    let got = dates(&calendar_model(vec![a, b, c, d, e], vec![]));
    let want = [
        (at(0.0, 8.0), at(4.0, 17.0)),    // Mon–Fri
        (at(7.0, 8.0), at(10.0, 17.0)),   // Friday evening → Monday morning; Mon–Thu
        (at(10.0, 17.0), at(10.0, 17.0)), // a milestone stays at its predecessor's finish
        (at(11.0, 8.0), at(15.0, 12.0)),  // Fri, Mon, Tuesday morning
        (at(14.0, 8.0), at(14.0, 17.0)),  // Monday
    ];
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_at(g.0, w.0, &format!("start of task {i}"));
        assert_at(g.1, w.1, &format!("finish of task {i}"));
    }
}

#[test]
fn a_uniform_working_duration_has_its_median_on_the_hand_counted_date() {
    // uniform(5d, 13.5d) of work from Monday 08:00: median 9.25 working days, Friday of the
    // second week at 10:00 (day 11).
    let mut m = calendar_model(
        vec![task(
            "a",
            Dist::Uniform {
                min: 5.0,
                max: 13.5,
            },
        )],
        vec![],
    );
    m.program.iterations = 50_000;
    let out = simulate(&m, 3, 0);
    let x = finite(&out.scenarios[0].headline_days);
    assert_eq!(x.len(), 50_000);
    // Sample median of a uniform: sd ≈ range / (2 √n) working days, 8 of 24 hours a day.
    let se = 8.5 / (2.0 * (50_000f64).sqrt()) / 3.0;
    let p50 = median(&x);
    assert_close(p50, at(11.0, 10.0), 4.0 * se, "median finish");
    // Exactly: the same draws in calendar days give the median duration, and working time
    // maps it monotonically: 9 days to Thursday 17:00, then the rest from Friday 08:00.
    let mut flat = m.clone();
    flat.program.calendar = None;
    let d50 = median(&finite(&simulate(&flat, 3, 0).scenarios[0].headline_days));
    assert_close(
        p50,
        at(11.0, 8.0 + (d50 - 9.0) * 8.0),
        1e-4,
        "median of the same draws",
    );
    assert_eq!(date(2024, 1, 1).add_days(p50), Some(date(2024, 1, 12)));
    // Nothing finishes in non-working time: every finish lies within 08:00–17:00 on a weekday.
    for &f in x.iter().step_by(97) {
        let hour = (f - f.floor()) * 24.0;
        let weekday = (f.floor() as i64).rem_euclid(7);
        // Up to a minute past a period's end: see `SNAP` in the engine's calendar module.
        let minute = 1.0 / 60.0;
        assert!(weekday < 5 && (8.0..=17.0 + minute).contains(&hour), "{f}");
        assert!(!(12.0 + minute..13.0).contains(&hour), "{f}");
    }
}

#[test]
fn calendar_runs_are_identical_at_any_thread_count() {
    let a = task(
        "a",
        Dist::Triangular {
            min: 3.0,
            mode: 5.0,
            max: 12.0,
        },
    );
    let mut b = task("b", Dist::Uniform { min: 1.0, max: 9.0 });
    b.after = vec![fs("a")];
    b.cost = Dist::Fixed(1e6);
    let mut m = calendar_model(vec![a, b], vec![]);
    m.program.iterations = 20_000;
    let one = simulate(&m, 5, 1);
    let two = simulate(&m, 5, 2);
    assert_eq!(
        one.scenarios[0].headline_days,
        two.scenarios[0].headline_days
    );
    // At least 4 working days: Monday 08:00 to Thursday 17:00.
    let x = finite(&one.scenarios[0].headline_days);
    assert!(x[0] >= at(3.0, 17.0) - 1e-4, "{}", x[0]);
}

#[test]
fn a_calendar_task_spreads_its_cost_over_its_real_span() {
    // 2 working days from Tuesday 2024-12-31 08:00: Tuesday and Wednesday 1 January, finish
    // 17:00. Span 1.375 days, of which 16 hours (0.6667 days) in 2024.
    let mut t = task("build", Dist::Fixed(2.0));
    t.cost = Dist::Fixed(1.375e6);
    t.not_before = Some(date(2024, 12, 31));
    let mut m = calendar_model(vec![t], vec![]);
    m.program.iterations = 32;
    let out = simulate(&m, 1, 0);
    let s = &out.scenarios[0];
    let year = |y: i32| out.years.iter().position(|&x| x == y).expect("year");
    let in_2024 = 1.375e6 * (16.0 / 24.0) / 1.375;
    assert_close(
        f64::from(s.spend_by_year[year(2024)][0]),
        in_2024,
        // f32 days near day 365: a few seconds of the 33-hour span.
        1.375e6 * 1e-4,
        "2024",
    );
    assert_close(
        f64::from(s.spend_by_year[year(2025)][0]),
        1.375e6 - in_2024,
        1.375e6 * 1e-4,
        "2025",
    );
}

#[test]
fn calendar_work_past_the_tables_finishes_after_the_horizon() {
    // Far more work than the tables hold (horizon + a year), and a task starting after
    // them: no panic, later finishes stay later, nothing counts as finished.
    let a = task("a", Dist::Fixed(5_000.0));
    let mut b = task("b", Dist::Fixed(1.0));
    b.after = vec![fs("a")];
    let mut c = task("c", Dist::ZERO);
    c.not_before = Some(date(2026, 12, 31));
    c.after = vec![Link {
        lag: 800.0,
        ..fs("b")
    }];
    let m = calendar_model(vec![a, b, c], vec![]);
    let d = dates(&m);
    let horizon = f64::from(date(2026, 12, 31).days_since(date(2024, 1, 1)));
    assert!(d[0].1 > horizon, "{d:?}");
    assert!(d[1].0 >= d[0].1 && d[1].1 > d[1].0, "{d:?}");
    assert!(d[2].0 >= d[1].1 + 800.0 - 1e-3, "{d:?}");
    let mut m = m;
    m.program.iterations = 64;
    let out = simulate(&m, 1, 0);
    assert!(
        out.scenarios[0]
            .headline_days
            .iter()
            .all(|x| x.is_infinite())
    );
}

#[test]
fn finish_links_onto_a_calendar_task_count_back_in_working_time() {
    let a = task("a", Dist::Fixed(5.0)); // Monday 08:00 to Friday 17:00
    // Must finish with `a`: three working days back from Friday 17:00 is Wednesday 08:00.
    let mut b = task("b", Dist::Fixed(3.0));
    b.after = vec![Link {
        kind: LinkKind::FinishToFinish,
        ..fs("a")
    }];
    // Finish at least 3 calendar days after `a` starts (Thursday 08:00): two working days
    // back from there is Tuesday 08:00.
    let mut c = task("c", Dist::Fixed(2.0));
    c.after = vec![Link {
        kind: LinkKind::StartToFinish,
        lag: 3.0,
        ..fs("a")
    }];
    // A milestone finishing with `a` sits at its finish.
    let mut m = task("m", Dist::ZERO);
    m.after = vec![Link {
        kind: LinkKind::FinishToFinish,
        ..fs("a")
    }];
    let got = dates(&calendar_model(vec![a, b, c, m], vec![]));
    let want = [
        (at(0.0, 8.0), at(4.0, 17.0)),
        (at(2.0, 8.0), at(4.0, 17.0)),
        (at(1.0, 8.0), at(2.0, 17.0)),
        (at(4.0, 17.0), at(4.0, 17.0)),
    ];
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_at(g.0, w.0, &format!("start of task {i}"));
        assert_at(g.1, w.1, &format!("finish of task {i}"));
    }
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
                match launchcast_model::parse(&text, "c.toml") {
                    Ok(m) => {
                        valid += 1;
                        assert!(definite(ns(ab), ns(bc), ns(ac)), "{ab} {bc} {ac}");
                        Plan::compile(&m).unwrap_or_else(|e| {
                            panic!("valid correlations {ab} {bc} {ac} fail to compile: {e}")
                        });
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

// ---------------------------------------------------------------------------------------------
// Per-task quantiles against the exact quantiles of the same iterations
// ---------------------------------------------------------------------------------------------

/// Runs a one-task model over 100,000 iterations (all of them in the per-task subsample: the
/// target is 65,536, every iteration counts up to twice that) and checks the task's P1–P99
/// against the exact nearest-rank quantiles of its finishes, which are the headline column
/// (the task is the model's only sink): within 0.01 day or 0.1 % of the range of the
/// finishes, whichever is larger. Returns the task's P10, P50, P80 and P90, and the exact
/// ones.
fn quantiles_match_the_exact_ones(m: &Model, what: &str) -> (Vec<f64>, Vec<f64>) {
    let mut m = m.clone();
    m.program.iterations = 100_000;
    let out = simulate(&m, 11, 0);
    let s = &out.scenarios[0];
    let last = m.tasks.len() - 1;
    assert_eq!(s.tasks.sampled, 100_000, "{what}: every iteration sampled");
    let exact = finite(&s.headline_days);
    assert_eq!(s.tasks.finished[last], exact.len() as u64, "{what}");
    // The run's histogram, counted a lane group at a time by several workers, is the one of
    // counting each finish on its own.
    let mut one_by_one = launchcast_engine::TaskStats::new(m.tasks.len());
    for &x in s.headline_days.iter().filter(|x| x.is_finite()) {
        one_by_one.add_finish(last, x);
    }
    assert_eq!(
        s.tasks.bin_level[last], one_by_one.bin_level[last],
        "{what}"
    );
    assert_eq!(
        s.tasks.bin_origin[last], one_by_one.bin_origin[last],
        "{what}"
    );
    assert_eq!(s.tasks.bins(last), one_by_one.bins(last), "{what}");
    assert_eq!(
        s.tasks.finish_min_fixed[last],
        one_by_one.finish_min_fixed[last]
    );
    assert_eq!(
        s.tasks.finish_max_fixed[last],
        one_by_one.finish_max_fixed[last]
    );
    let spread = exact[exact.len() - 1] - exact[0];
    let tol = (0.001 * spread).max(0.01);
    let qs: Vec<f64> = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.8, 0.9, 0.95, 0.99]
        .into_iter()
        .chain((1..100).map(|i| f64::from(i) / 100.0))
        .collect();
    for &q in &qs {
        let want = exact[launchcast_engine::nearest_rank(q, exact.len() as u64) as usize];
        let got = s.tasks.quantile_days(last, q).expect("finishes");
        assert_close(got, want, tol, &format!("{what}: P{}", q * 100.0));
    }
    let four = [0.1, 0.5, 0.8, 0.9];
    (
        four.iter()
            .map(|&q| s.tasks.quantile_days(last, q).unwrap_or(f64::NAN))
            .collect(),
        four.iter()
            .map(|&q| exact[launchcast_engine::nearest_rank(q, exact.len() as u64) as usize])
            .collect(),
    )
}

#[test]
fn a_short_task_in_a_long_horizon_has_exact_quantiles() {
    let tri = Dist::Triangular {
        min: 1.0,
        mode: 2.0,
        max: 3.0,
    };
    // A ten-year horizon: 1,024 bins over it would be 3.6 days wide.
    let m = model(vec![task("a", tri)]);
    let (got, _) = quantiles_match_the_exact_ones(&m, "tri(1d, 2d, 3d)");
    // And the analytic quantiles: F(x) = (x − 1)²/2 up to the mode, so P10 = 1 + √0.2,
    // P50 = 2, P80 = 3 − √0.4; within 4 standard errors (√(q(1−q)/n) / f).
    let n = 100_000.0;
    for (q, want, density) in [
        (0.1f64, 1.0 + 0.2f64.sqrt(), 0.2f64.sqrt()),
        (0.5, 2.0, 1.0),
        (0.8, 3.0 - 0.4f64.sqrt(), 0.4f64.sqrt()),
    ] {
        let se = (q * (1.0 - q) / n).sqrt() / density;
        let got = got[[0.1, 0.5, 0.8].iter().position(|&x| x == q).unwrap_or(0)];
        assert_close(
            got,
            want,
            4.0 * se + 0.002,
            &format!("analytic P{}", q * 100.0),
        );
    }
}

#[test]
fn a_heavy_tailed_task_has_exact_quantiles() {
    let m = model(vec![task(
        "a",
        Dist::LogNormal {
            median: 10.0,
            p90: 60.0,
        },
    )]);
    quantiles_match_the_exact_ones(&m, "lognormal(10d, 60d)");
}

#[test]
fn a_mixture_with_atoms_has_exact_quantiles() {
    // Atoms at 2, 7 and 40 days where the risk does not occur (70 %), a spread of delays
    // where it does: most quantiles fall on an atom, inside the range.
    let a = task(
        "a",
        Dist::Discrete(vec![(2.0, 0.25), (7.0, 0.5), (40.0, 0.25)]),
    );
    let mut m = model(vec![task("before", Dist::Fixed(0.5)), {
        let mut a = a;
        a.after = vec![fs("before")];
        a
    }]);
    m.risks = vec![Risk {
        id: "r".into(),
        name: "r".into(),
        chance: 0.3,
        tasks: vec!["a".into()],
        impact: Impact::Delay(Dist::Uniform {
            min: 1.0,
            max: 50.0,
        }),
        disabled: false,
    }];
    let (_, exact) = quantiles_match_the_exact_ones(&m, "atoms and a risk");
    // The median lies on the atom at 7.5 days (0.5 + 7) and P80 on the one at 40.5, inside
    // the range: 0.7·0.25 of the mass is at 2.5, 0.7·0.5 at 7.5, 0.7·0.25 at 40.5, and the
    // delays spread 0.3 over 2.5–90.5.
    assert_eq!(exact[1], 7.5);
    assert_eq!(exact[2], 40.5);
}

#[test]
fn a_calendar_task_has_exact_quantiles_on_working_days() {
    // Monday to Friday, 08–12 and 13–17: every finish is on a weekday by 17:00.
    let m = calendar_model(
        vec![task(
            "a",
            Dist::Triangular {
                min: 2.0,
                mode: 5.0,
                max: 30.0,
            },
        )],
        vec![],
    );
    let (got, _) = quantiles_match_the_exact_ones(&m, "a calendar task");
    for (q, days) in [0.1, 0.5, 0.8, 0.9].iter().zip(&got) {
        let day = m.program.start.add_days(*days).expect("date");
        let weekday = launchcast_model::weekday(day);
        assert!(weekday < 5, "P{} on {day}, weekday {weekday}", q * 100.0);
        let hour = days.fract() * 24.0;
        assert!((8.0..=17.0).contains(&hour), "P{} at {hour} h", q * 100.0);
    }
}
