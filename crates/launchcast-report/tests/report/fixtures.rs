//! Models and outcomes built by hand or by a short run of the engine, and a hand-made
//! summary of two scenarios, shared by the tests.

use launchcast_engine::{Outcomes, ScenarioInfo, ScenarioOutcomes, TaskStats};
use launchcast_model::{
    Curve, Date, Dist, Model, Plant, Program, Promise, PromiseKind, Scenario, Task,
};
use launchcast_report::{
    BestByPromise, Comparisons, Driver, DriverKind, FirstDelivery, Pair, PromiseChanges,
    PromiseSummary, ScenarioSummary, Sensitivity, Summary, TaskSummary, YearSummary, summarize,
};

pub(crate) const INF: f32 = f32::INFINITY;

// ---------------------------------------------------------------------------------------
// Fixtures

pub(crate) fn date(s: &str) -> Date {
    Date::parse(s).expect("test date")
}

pub(crate) fn task(id: &str, name: &str) -> Task {
    Task {
        id: id.to_string(),
        name: name.to_string(),
        duration: Dist::Fixed(30.0),
        chance: 1.0,
        after: vec![],
        after_any: vec![],
        after_failure: vec![],
        cost: Dist::ZERO,
        not_before: None,
        started: None,
        disabled: false,
        calendar: None,
    }
}

pub(crate) fn model() -> Model {
    Model {
        program: Program {
            name: "Test \"EV\" program, 2022".to_string(),
            start: date("2022-07-01"),
            horizon: date("2023-12-31"),
            currency: "CNY".to_string(),
            iterations: 5,
            seed: 7,
            delivery_lag: Dist::ZERO,
            overhead_per_year: Dist::ZERO,
            calendar: None,
            start_time: 0,
        },
        tasks: vec![
            task("licence", "Obtain licence, with \"luck\""),
            task("plant_build", "Build the plant"),
            task("baic_talks", "Talks with BAIC"),
        ],
        risks: vec![],
        plants: vec![Plant {
            id: "yizhuang_1".to_string(),
            name: "Yizhuang phase 1".to_string(),
            capacity: Dist::Fixed(150_000.0),
            starts: "plant_build".to_string(),
            ramp: Dist::Fixed(180.0),
            ramp_start: 0.1,
            curve: Curve::Linear,
            peak: Dist::Fixed(1.0),
            disabled: false,
        }],
        promises: vec![
            Promise {
                id: "first_by_2022".to_string(),
                name: "First deliveries by end of 2022".to_string(),
                kind: PromiseKind::FirstDeliveryBy(date("2022-12-31")),
            },
            Promise {
                id: "volume_2023".to_string(),
                name: "10,000 cars in 2023".to_string(),
                kind: PromiseKind::DeliveriesInYear {
                    year: 2023,
                    at_least: 10_000.0,
                },
            },
        ],
        scenarios: vec![Scenario {
            id: "go_alone".to_string(),
            name: "Go alone".to_string(),
            disable: vec!["baic_talks".to_string()],
            set: vec![],
        }],
        correlations: vec![],
        includes: vec![],
        calendars: vec![],
        references: vec![],
        thin_references: vec![],
    }
}

pub(crate) fn infos() -> Vec<ScenarioInfo> {
    vec![
        ScenarioInfo {
            id: "base".to_string(),
            name: "Model as written".to_string(),
        },
        ScenarioInfo {
            id: "go_alone".to_string(),
            name: "Go alone".to_string(),
        },
    ]
}

/// Records that task `t` finished at `days` in one iteration (and was critical if `critical`).
pub(crate) fn finish(stats: &mut TaskStats, t: usize, days: f64, critical: bool) {
    stats.add_finish(t, days as f32);
    if critical {
        stats.critical[t] += 1;
    }
}

/// Five iterations, two scenarios, years 2022 and 2023.
pub(crate) fn outcomes() -> Outcomes {
    let horizon = 548.0;
    let mut base_tasks = TaskStats::new(3);
    for _ in 0..5 {
        finish(&mut base_tasks, 0, 100.0, true);
    }
    for (i, d) in [5.0, 15.0, 25.0, 35.0].into_iter().enumerate() {
        finish(&mut base_tasks, 1, d, i < 2);
    }
    base_tasks.sampled = 5;
    let mut alone_tasks = TaskStats::new(3);
    finish(&mut alone_tasks, 0, 200.0, true);
    alone_tasks.sampled = 5;
    Outcomes {
        iterations: 5,
        seed: 7,
        horizon_days: horizon,
        years: vec![2022, 2023],
        months: vec![],
        delivers: true,
        spends: true,
        scenarios: vec![
            ScenarioOutcomes {
                headline_days: vec![30.0, INF, 10.0, 40.0, 20.0],
                deliveries_by_year: vec![
                    vec![0.0, 0.0, 1500.0, 250.5, 0.0],
                    vec![12_000.0, 0.0, 20_000.0, 9_000.0, 15_000.0],
                ],
                spend_by_year: vec![
                    vec![1.0e9, 2.0e9, 3.0e9, 4.0e9, 5.0e9],
                    vec![2.5e9, 2.5e9, 2.5e9, 2.5e9, 2.5e9],
                ],
                promises_kept: vec![4, 1],
                tasks: base_tasks,
                rows: Default::default(),
            },
            ScenarioOutcomes {
                headline_days: vec![INF; 5],
                deliveries_by_year: vec![vec![0.0; 5], vec![0.0; 5]],
                spend_by_year: vec![vec![0.0; 5], vec![1.0e8, 2.0e8, 3.0e8, 4.0e8, 5.0e8]],
                promises_kept: vec![0, 0],
                tasks: alone_tasks,
                rows: Default::default(),
            },
        ],
    }
}

pub(crate) fn year(year: i32, mean: f64) -> YearSummary {
    YearSummary {
        year,
        mean: Some(mean),
        p10: Some(0.0),
        p50: Some(mean as f32),
        p90: Some(mean as f32),
    }
}

pub(crate) fn task_summary(
    id: &str,
    probability: f64,
    p50: Option<f64>,
    criticality: f64,
) -> TaskSummary {
    TaskSummary {
        id: id.to_string(),
        probability,
        mean_days: p50,
        p10_days: p50.map(|d| d - 10.0),
        p50_days: p50,
        p80_days: p50.map(|d| d + 10.0),
        p90_days: p50.map(|d| d + 20.0),
        criticality,
        name: format!("{id} (name)"),
    }
}

/// A hand-made summary of two scenarios, one of which never delivers.
pub(crate) fn hand_summary() -> Summary {
    let fd = |p: f64, days: [f64; 4], dates: [&str; 4]| FirstDelivery {
        probability: p,
        mean_days: Some(days[1] + 3.0),
        p10_days: Some(days[0]),
        p50_days: Some(days[1]),
        p80_days: Some(days[2]),
        p90_days: Some(days[3]),
        p10: Some(dates[0].to_string()),
        p50: Some(dates[1].to_string()),
        p80: Some(dates[2].to_string()),
        p90: Some(dates[3].to_string()),
    };
    let promise = |id: &str, p: f64| PromiseSummary {
        id: id.to_string(),
        probability: p,
        name: String::new(),
    };
    Summary {
        launchcast: "0.1.0".to_string(),
        model: "Test \"EV\" program, 2022".to_string(),
        iterations: 10_000,
        seed: 7,
        start: "2022-07-01".to_string(),
        horizon: "2023-12-31".to_string(),
        currency: "CNY".to_string(),
        references: vec![],
        scenarios: vec![
            ScenarioSummary {
                id: "base".to_string(),
                name: "Model as written".to_string(),
                first_delivery: fd(
                    0.9712,
                    [160.0, 200.5, 250.0, 300.0],
                    ["2022-12-08", "2023-01-17", "2023-03-08", "2023-04-27"],
                ),
                promises: vec![promise("first_by_2022", 0.1234), promise("volume_2023", 0.99996)],
                deliveries_by_year: vec![year(2022, 350.1), year(2023, 112_345.6)],
                spend_by_year: vec![year(2022, 3.0e9), year(2023, 12_345_678.9)],
                tasks: vec![
                    task_summary("licence", 1.0, Some(100.0), 0.35),
                    task_summary("plant_build", 0.8, Some(20.0), 0.9),
                    task_summary("baic_talks", 0.0, None, 0.0),
                ],
                drivers: vec![
                    driver("licence_delay", DriverKind::Risk, 12.5, 61.0, [-0.2512, -0.0004]),
                    driver("licence", DriverKind::Task, 3.0, 7.25, [-0.0313, 0.0]),
                    driver("plant_build", DriverKind::Task, 0.0, 0.0, [0.00004, 0.0]),
                ],
                sensitivity: vec![
                    sensitivity("plant_build", Some(0.8123), 0.9),
                    sensitivity("licence", Some(-0.05), 0.35),
                ],
                correlations: vec![],
            },
            ScenarioSummary {
                id: "go_alone".to_string(),
                name: "Go alone: own plant, own licence, and a name long enough to be cut at the edge of a 100-column terminal".to_string(),
                first_delivery: FirstDelivery {
                    probability: 0.0,
                    mean_days: None,
                    p10_days: None,
                    p50_days: None,
                    p80_days: None,
                    p90_days: None,
                    p10: None,
                    p50: None,
                    p80: None,
                    p90: None,
                },
                promises: vec![promise("first_by_2022", 0.0), promise("volume_2023", 0.00004)],
                deliveries_by_year: vec![year(2022, 0.0), year(2023, 0.0)],
                spend_by_year: vec![year(2022, 950.0), year(2023, 4.5e8)],
                tasks: vec![
                    task_summary("licence", 1.0, Some(200.0), 1.0),
                    task_summary("plant_build", 0.0, None, 0.0),
                    task_summary("baic_talks", 0.0, None, 0.0),
                ],
                drivers: vec![driver("licence", DriverKind::Task, 0.0, 0.0, [0.0, 0.0])],
                sensitivity: vec![sensitivity("licence", None, 1.0)],
                correlations: vec![],
            },
        ],
        comparisons: Comparisons {
            pairs: vec![Pair {
                a: "base".to_string(),
                b: "go_alone".to_string(),
                p_a_earlier: 0.9712,
                median_diff_days: None,
                p10_diff_days: None,
                p90_diff_days: None,
                both_happen: 0.0,
                p_tie: 0.0288,
            }],
            best_by_promise: vec![
                BestByPromise {
                    promise: "first_by_2022".to_string(),
                    scenario: "base".to_string(),
                    probability: 0.1234,
                    scenarios: vec!["base".to_string()],
                },
                BestByPromise {
                    promise: "volume_2023".to_string(),
                    scenario: "base".to_string(),
                    probability: 0.99996,
                    scenarios: vec!["base".to_string()],
                },
            ],
        },
    }
}

pub(crate) fn driver(id: &str, kind: DriverKind, p50: f64, p80: f64, promises: [f64; 2]) -> Driver {
    Driver {
        id: id.to_string(),
        kind,
        p50_days: Some(p50),
        p80_days: Some(p80),
        promises: PromiseChanges(vec![
            ("first_by_2022".to_string(), promises[0]),
            ("volume_2023".to_string(), promises[1]),
        ]),
        name: String::new(),
    }
}

pub(crate) fn sensitivity(id: &str, spearman: Option<f64>, criticality: f64) -> Sensitivity {
    Sensitivity {
        id: id.to_string(),
        spearman,
        criticality,
    }
}

pub(crate) fn parse(text: &str) -> Model {
    launchcast_model::parse(text, "test.toml").expect("test model")
}

/// `model`, which the tests write valid.
pub(crate) fn valid(model: &Model) -> launchcast_model::ValidModel {
    launchcast_model::ValidModel::new(model.clone()).expect("valid test model")
}

pub(crate) fn run(model: &Model, iterations: u64) -> (Vec<ScenarioInfo>, Outcomes) {
    let plan = launchcast_engine::Plan::compile(&valid(model));
    let opts = launchcast_engine::RunOptions {
        iterations,
        seed: 11,
        threads: 0,
        progress: None,
        statistics: true,
    };
    let outcomes = launchcast_engine::run(&plan, &opts).expect("run");
    (plan.scenarios().to_vec(), outcomes)
}

/// splitmix64: a fixed, dependency-free stream of test data.
pub(crate) struct Rng(pub(crate) u64);
impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The bundled example, 2,000 iterations, with drivers.
pub(crate) fn example_run() -> (Model, Summary, Outcomes) {
    let text = include_str!("../../../../examples/xiaomi-2022.toml");
    let model = launchcast_model::parse(text, "examples/xiaomi-2022.toml").expect("example");
    let (summary, outcomes) = full_run(&model, 2000, 1);
    (model, summary, outcomes)
}

/// `model` run with `seed` and its drivers measured, as `launchcast run` does.
pub(crate) fn full_run(model: &Model, iterations: u64, seed: u64) -> (Summary, Outcomes) {
    let model = valid(model);
    let plan = launchcast_engine::Plan::compile(&model);
    let opts = launchcast_engine::RunOptions {
        iterations,
        seed,
        threads: 0,
        progress: None,
        statistics: true,
    };
    let outcomes = launchcast_engine::run(&plan, &opts).expect("run");
    let mut summary = summarize(&model, plan.scenarios(), &outcomes);
    let all = model.all_scenarios();
    let drivers = launchcast_report::drivers(&model, &all, &outcomes, &opts).expect("drivers");
    for (s, d) in summary.scenarios.iter_mut().zip(drivers) {
        s.drivers = d;
    }
    (summary, outcomes)
}
