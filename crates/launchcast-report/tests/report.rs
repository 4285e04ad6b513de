//! Statistics, JSON, CSV, terminal and file output of launchcast-report, on hand-built
//! outcomes (no simulation involved).

use std::fs;
use std::path::Path;

use launchcast_engine::{Outcomes, ScenarioInfo, ScenarioOutcomes, TaskStats};
use launchcast_model::{
    Curve, Date, Dist, Model, Plant, Program, Promise, PromiseKind, Scenario, Task,
};
use launchcast_report::{
    BestByPromise, Comparisons, Driver, DriverKind, FirstDelivery, Pair, PromiseChanges,
    PromiseSummary, ScenarioSummary, Sensitivity, Summary, TaskSummary, YearSummary, column_stats,
    render_terminal, summarize, to_json, write_atomic, write_csv,
};

const INF: f32 = f32::INFINITY;

// ---------------------------------------------------------------------------------------
// Fixtures

fn date(s: &str) -> Date {
    Date::parse(s).expect("test date")
}

fn task(id: &str, name: &str) -> Task {
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
        disabled: false,
        calendar: None,
    }
}

fn model() -> Model {
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
    }
}

fn infos() -> Vec<ScenarioInfo> {
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
fn finish(stats: &mut TaskStats, t: usize, days: f64, critical: bool) {
    stats.add_finish(t, days as f32);
    if critical {
        stats.critical[t] += 1;
    }
}

/// Five iterations, two scenarios, years 2022 and 2023.
fn outcomes() -> Outcomes {
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

// ---------------------------------------------------------------------------------------
// Exact quantiles

/// splitmix64: a fixed, dependency-free stream of test data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Mixed data: negatives, tiny and huge magnitudes, heavy duplicates, infinities and NaN.
fn random_column(rng: &mut Rng, n: usize) -> Vec<f32> {
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
const PER_MILLE: [u64; 9] = [0, 1, 100, 250, 500, 800, 900, 999, 1000];

/// Nearest rank by sorting: the `ceil(q n)`-th smallest finite value (at least the first).
fn reference(values: &[f32]) -> Vec<Option<f32>> {
    let mut finite: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    finite.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    let n = finite.len() as u64;
    PER_MILLE
        .iter()
        .map(|&pm| (n > 0).then(|| finite[((pm * n).div_ceil(1000).max(1) - 1) as usize] + 0.0))
        .collect()
}

fn qs() -> Vec<f64> {
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
#[ignore]
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

// ---------------------------------------------------------------------------------------
// Summary

#[test]
fn summary_has_exact_headline_statistics() {
    let s = summarize(&model(), &infos(), &outcomes());
    assert_eq!(s.launchcast, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        (s.iterations, s.seed, s.start.as_str()),
        (5, 7, "2022-07-01")
    );
    let base = &s.scenarios[0];
    assert_eq!(
        base.first_delivery,
        FirstDelivery {
            probability: 0.8,
            mean_days: Some(25.0),
            // Nearest rank over [10, 20, 30, 40]: ranks 1, 2, 4, 4.
            p10_days: Some(10.0),
            p50_days: Some(20.0),
            p80_days: Some(40.0),
            p90_days: Some(40.0),
            p10: Some("2022-07-11".to_string()),
            p50: Some("2022-07-21".to_string()),
            p80: Some("2022-08-10".to_string()),
            p90: Some("2022-08-10".to_string()),
        }
    );
    assert_eq!(
        base.promises
            .iter()
            .map(|p| (p.id.as_str(), p.probability))
            .collect::<Vec<_>>(),
        [("first_by_2022", 0.8), ("volume_2023", 0.2)]
    );
    assert_eq!(
        base.deliveries_by_year[0],
        YearSummary {
            year: 2022,
            mean: Some(350.1),
            p10: Some(0.0),
            p50: Some(0.0),
            p90: Some(1500.0)
        }
    );
    assert_eq!(
        base.deliveries_by_year[1],
        YearSummary {
            year: 2023,
            mean: Some(11_200.0),
            p10: Some(0.0),
            p50: Some(12_000.0),
            p90: Some(20_000.0)
        }
    );
    assert_eq!(base.spend_by_year[0].mean, Some(3.0e9));
    assert_eq!(base.spend_by_year[0].p90, Some(5.0e9));

    let licence = &base.tasks[0];
    assert_eq!((licence.probability, licence.criticality), (1.0, 1.0));
    assert_eq!(
        (licence.mean_days, licence.p50_days, licence.p90_days),
        (Some(100.0), Some(100.0), Some(100.0))
    );
    let build = &base.tasks[1];
    assert_eq!(
        (build.probability, build.criticality, build.mean_days),
        (0.8, 0.4, Some(20.0))
    );
    let talks = &base.tasks[2];
    assert_eq!(
        (
            talks.probability,
            talks.mean_days,
            talks.p50_days,
            talks.criticality
        ),
        (0.0, None, None, 0.0)
    );
}

#[test]
fn an_event_that_never_happens_is_null() {
    let s = summarize(&model(), &infos(), &outcomes());
    let alone = &s.scenarios[1];
    assert_eq!(alone.id, "go_alone");
    let f = &alone.first_delivery;
    assert_eq!(f.probability, 0.0);
    assert_eq!((f.mean_days, f.p10_days, f.p90_days), (None, None, None));
    assert_eq!((f.p10.as_deref(), f.p90.as_deref()), (None, None));
    let json: serde_json::Value = serde_json::from_str(&to_json(&s)).expect("json");
    let fd = &json["scenarios"][1]["first_delivery"];
    assert_eq!(fd["probability"], serde_json::json!(0.0));
    assert!(fd["p50_days"].is_null() && fd["p50"].is_null() && fd["mean_days"].is_null());
}

#[test]
fn mismatched_outcomes_do_not_panic() {
    let mut o = outcomes();
    o.scenarios[0].promises_kept.clear();
    o.scenarios[0].deliveries_by_year.pop();
    o.scenarios[0].tasks = TaskStats::new(1);
    o.scenarios[0].tasks.sampled = 3;
    o.iterations = 0;
    let s = summarize(&model(), &infos()[..1], &o);
    assert_eq!(s.scenarios.len(), 1);
    let base = &s.scenarios[0];
    assert_eq!(base.promises[0].probability, 0.0);
    assert_eq!(base.deliveries_by_year.len(), 1);
    assert_eq!(base.spend_by_year.len(), 2);
    assert_eq!(base.tasks[2].p50_days, None);
    assert_eq!(base.first_delivery.probability, 0.0);
}

#[test]
fn json_is_the_contract() {
    let s = summarize(&model(), &infos(), &outcomes());
    let json = to_json(&s);
    assert!(json.ends_with("}\n"));
    // Field order of the contract (DESIGN.md "JSON result"), checked in the text itself.
    let in_order = |from: &str, keys: &[&str]| {
        let mut at = json.find(from).expect("anchor");
        for k in keys {
            let quoted = format!("\"{k}\":");
            at += json[at..]
                .find(&quoted)
                .unwrap_or_else(|| panic!("{k} after {at}"));
        }
    };
    in_order(
        "{",
        &[
            "launchcast",
            "model",
            "iterations",
            "seed",
            "start",
            "scenarios",
        ],
    );
    in_order(
        "\"scenarios\"",
        &[
            "id",
            "name",
            "first_delivery",
            "promises",
            "deliveries_by_year",
            "spend_by_year",
            "tasks",
        ],
    );
    in_order(
        "\"first_delivery\"",
        &[
            "probability",
            "mean_days",
            "p10_days",
            "p50_days",
            "p80_days",
            "p90_days",
            "p10",
            "p50",
            "p80",
            "p90",
            "promises",
        ],
    );
    in_order("\"promises\"", &["id", "probability", "deliveries_by_year"]);
    in_order(
        "\"deliveries_by_year\"",
        &["year", "mean", "p10", "p50", "p90", "spend_by_year"],
    );
    in_order(
        "\"spend_by_year\"",
        &["year", "mean", "p10", "p50", "p90", "tasks"],
    );
    in_order(
        "\"tasks\"",
        &[
            "id",
            "probability",
            "mean_days",
            "p10_days",
            "p50_days",
            "p80_days",
            "p90_days",
            "criticality",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["scenarios"][0]["first_delivery"]["p50"], "2022-07-21");
    assert_eq!(v["scenarios"][0]["first_delivery"]["p50_days"], 20.0);
    let back: Summary = serde_json::from_str(&json).expect("round trip");
    assert_eq!(back, s);
    insta::assert_snapshot!("summary_json", json);
}

// ---------------------------------------------------------------------------------------
// Renderers

fn year(year: i32, mean: f64) -> YearSummary {
    YearSummary {
        year,
        mean: Some(mean),
        p10: Some(0.0),
        p50: Some(mean as f32),
        p90: Some(mean as f32),
    }
}

fn task_summary(id: &str, probability: f64, p50: Option<f64>, criticality: f64) -> TaskSummary {
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
fn hand_summary() -> Summary {
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

fn driver(id: &str, kind: DriverKind, p50: f64, p80: f64, promises: [f64; 2]) -> Driver {
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

fn sensitivity(id: &str, spearman: Option<f64>, criticality: f64) -> Sensitivity {
    Sensitivity {
        id: id.to_string(),
        spearman,
        criticality,
    }
}

#[test]
fn terminal_summary() {
    let text = render_terminal(&hand_summary(), &model(), 100);
    assert!(text.is_ascii());
    assert!(text.lines().all(|l| l.len() <= 100), "{text}");
    // Promises come first, then the headline.
    let promises = text.find("PROMISES").expect("promises");
    assert!(promises < text.find("FIRST DELIVERY").expect("first delivery"));
    insta::assert_snapshot!("terminal", text);
}

#[test]
fn terminal_summary_fits_100_columns_with_many_scenarios_and_long_names() {
    let mut m = model();
    m.tasks[1].name = "Build the plant, which is a very long description of a task ".repeat(3);
    m.promises[0].name = "A promise with a name that goes on and on ".repeat(4);
    let mut s = hand_summary();
    s.model = "A programme whose name alone is wider than the terminal ".repeat(3);
    let base = s.scenarios[0].clone();
    for i in 0..4 {
        let mut extra = base.clone();
        extra.id = format!("alternative_route_number_{i}");
        s.scenarios.push(extra);
    }
    let text = render_terminal(&s, &m, 100);
    for line in text.lines() {
        assert!(line.len() <= 100, "{} columns: {line}", line.len());
    }
    assert!(text.starts_with("A programme whose name"), "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("...: 10,000 iterations, seed 7")
    );
    // Cut ids and labels end in "...", and every scenario still has its column.
    assert!(text.contains("go_alone") && text.contains("...er_3"));
    assert!(text.contains("Build the plant, which is"));
    let promise_row = text
        .lines()
        .find(|l| l.starts_with("  A promise"))
        .expect("row");
    assert!(
        promise_row.contains("...") && promise_row.matches('%').count() == 6,
        "{promise_row}"
    );
}

#[test]
fn csv_tables() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("new/sub");
    let s = summarize(&model(), &infos(), &outcomes());
    let paths = write_csv(&s, &out).expect("csv");
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, launchcast_report::CSV_FILES);
    let read = |name: &str| fs::read_to_string(out.join(name)).expect("read");
    assert_eq!(
        read("promises.csv"),
        "scenario,promise,name,probability\n\
         base,first_by_2022,First deliveries by end of 2022,0.8\n\
         base,volume_2023,\"10,000 cars in 2023\",0.2\n\
         go_alone,first_by_2022,First deliveries by end of 2022,0\n\
         go_alone,volume_2023,\"10,000 cars in 2023\",0\n"
    );
    assert_eq!(
        read("first_delivery.csv"),
        "scenario,probability,mean_days,p10_days,p50_days,p80_days,p90_days,p10,p50,p80,p90\n\
         base,0.8,25,10,20,40,40,2022-07-11,2022-07-21,2022-08-10,2022-08-10\n\
         go_alone,0,,,,,,,,,\n"
    );
    assert_eq!(
        read("deliveries_by_year.csv"),
        "scenario,year,mean,p10,p50,p90\n\
         base,2022,350.1,0,0,1500\n\
         base,2023,11200,0,12000,20000\n\
         go_alone,2022,0,0,0,0\n\
         go_alone,2023,0,0,0,0\n"
    );
    assert_eq!(
        read("spend_by_year.csv"),
        "scenario,year,mean,p10,p50,p90\n\
         base,2022,3000000000,1000000000,3000000000,5000000000\n\
         base,2023,2500000000,2500000000,2500000000,2500000000\n\
         go_alone,2022,0,0,0,0\n\
         go_alone,2023,300000000,100000000,300000000,500000000\n"
    );
    let tasks = read("tasks.csv");
    let lines: Vec<&str> = tasks.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "scenario,task,name,probability,mean_days,p10_days,p50_days,p80_days,p90_days,criticality",
            "base,licence,\"Obtain licence, with \"\"luck\"\"\",1,100,100,100,100,100,1",
        ]
    );
    assert_eq!(lines[3], "base,baic_talks,Talks with BAIC,0,,,,,,0");
    assert_eq!(lines.len(), 7);
    assert_eq!(
        read("run.csv"),
        format!(
            "launchcast,model,iterations,seed,start,horizon,currency\n\
             {},\"Test \"\"EV\"\" program, 2022\",5,7,2022-07-01,2023-12-31,CNY\n",
            env!("CARGO_PKG_VERSION")
        )
    );
    assert_eq!(
        read("scenarios.csv"),
        "scenario,name\nbase,Model as written\ngo_alone,Go alone\n"
    );
    // Base delivers in 4 of 5 iterations, go_alone never: base is earlier in those 4, the
    // fifth is a tie (neither); no iteration has both.
    assert_eq!(
        read("comparisons.csv"),
        "a,b,p_a_earlier,median_diff_days,p10_diff_days,p90_diff_days,both_happen,p_tie\n\
         base,go_alone,0.8,,,,0,0.2\n"
    );
    assert_eq!(
        read("best_by_promise.csv"),
        "promise,name,scenario,probability\n\
         first_by_2022,First deliveries by end of 2022,base,0.8\n\
         volume_2023,\"10,000 cars in 2023\",base,0.2\n"
    );
    // No rows kept by the engine, no drivers computed, no correlations: headers only.
    assert_eq!(
        read("drivers.csv"),
        "scenario,kind,id,name,p50_days,p80_days,change_first_by_2022,change_volume_2023\n"
    );
    assert_eq!(read("correlations.csv"), "scenario,a,b,target,achieved\n");
    // Nothing but the tables was left in the directory.
    assert_eq!(
        fs::read_dir(&out).expect("dir").count(),
        launchcast_report::CSV_FILES.len()
    );
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn atomic_write_replaces_whole_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("result.json");
    write_atomic(&path, b"first, longer content\n").expect("write");
    assert_eq!(fs::read(&path).expect("read"), b"first, longer content\n");
    write_atomic(&path, b"second\n").expect("overwrite");
    assert_eq!(fs::read(&path).expect("read"), b"second\n");
    assert_eq!(entries(dir.path()), ["result.json"]);

    // A missing directory is an error and creates nothing.
    let missing = dir.path().join("missing/result.json");
    assert_eq!(
        write_atomic(&missing, b"x").expect_err("no dir").kind(),
        std::io::ErrorKind::NotFound
    );
    assert_eq!(entries(dir.path()), ["result.json"]);

    // Renaming over a directory fails and leaves no temporary file behind.
    fs::create_dir(dir.path().join("taken")).expect("mkdir");
    assert!(write_atomic(&dir.path().join("taken"), b"x").is_err());
    assert_eq!(entries(dir.path()), ["result.json", "taken"]);
}

#[cfg(unix)]
#[test]
fn atomic_write_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shared.csv");
    fs::write(&path, "old").expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    write_atomic(&path, b"new").expect("write");
    assert_eq!(
        fs::metadata(&path).expect("meta").permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), "new");
}

// ---------------------------------------------------------------------------------------
// Drivers, sensitivity and scenario comparison

fn parse(text: &str) -> Model {
    launchcast_model::parse(text, "test.toml").expect("test model")
}

fn run(model: &Model, iterations: u64) -> (Vec<ScenarioInfo>, Outcomes) {
    let plan = launchcast_engine::Plan::compile_selected(model, &[]).expect("plan");
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

/// One task of 100 days sets the finish; risk `a` (chance 0.3) adds 60 days to it; risk `b`
/// (chance 0.5) adds 0.1 day to a parallel task that ends by day 20.1 at the latest, so it
/// can never touch the finish. Scenario `likely_a` raises `a`'s chance to 0.9; `no_a`
/// disables it.
const DOMINANT_AND_HARMLESS: &str = r#"
[program]
name = "One dominant risk, one harmless"
start = 2024-01-01
horizon = 2026-12-31

[[task]]
id = "build"
duration = "100d"

[[task]]
id = "side"
duration = "tri(5d, 10d, 20d)"

[[risk]]
id = "a"
chance = 0.3
tasks = ["build"]
delay = "60d"

[[risk]]
id = "b"
chance = 0.5
tasks = ["side"]
delay = "0.1d"

[[promise]]
id = "by_day_120"
first_delivery_by = 2024-04-30

[[scenario]]
id = "likely_a"
set = { "a.chance" = 0.9 }

[[scenario]]
id = "no_a"
disable = ["a"]
"#;

/// Analytic: the finish is 100 + 60·[a occurs]. With `a` at chance p the P80 is 160 when
/// p > 0.2 and the P50 is 160 when p > 0.5 (at 20,000 iterations the share of `a` is within
/// 0.013 of p with probability 1 − 1e-9, far from both thresholds); without `a` both are
/// 100. The promise (finish by day 120) is kept exactly when `a` does not occur, so removing
/// `a` raises it by the share of iterations in which `a` occurs: −p within 4 standard errors
/// sqrt(p(1−p)/n). `b` and the task `side` never reach the finish (side ends by day 20.1 <
/// 100), and with common random numbers nothing else changes, so their effects are exactly
/// 0, not merely within noise.
#[test]
fn dominant_risk_ranks_first_and_harmless_risk_moves_nothing() {
    let model = parse(DOMINANT_AND_HARMLESS);
    let n = 20_000;
    let (infos, outcomes) = run(&model, n);
    let opts = launchcast_engine::RunOptions {
        iterations: n,
        seed: 11,
        threads: 0,
        progress: None,
        statistics: true,
    };
    let candidates = launchcast_report::driver_candidates(&model, &[], &outcomes);
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "side"], "risks first, then uncertain tasks");
    assert_eq!(candidates[0].active, [true, true, false]);
    let drivers = launchcast_report::drivers(&model, &[], &outcomes, &opts).expect("drivers");
    assert_eq!(drivers.len(), infos.len());

    for (s, p) in [(0, 0.3), (1, 0.9)] {
        let list = &drivers[s];
        let a = &list[0];
        assert_eq!((a.id.as_str(), a.kind), ("a", DriverKind::Risk), "{list:?}");
        assert_eq!(a.p80_days, Some(60.0));
        assert_eq!(a.p50_days, Some(if p > 0.5 { 60.0 } else { 0.0 }));
        let change = a.promises.get("by_day_120").expect("promise");
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!(
            (change + p).abs() <= 4.0 * se + 1e-4,
            "scenario {s}: change {change}, analytic {}",
            -p
        );
        for harmless in &list[1..] {
            assert_eq!(
                (harmless.p50_days, harmless.p80_days),
                (Some(0.0), Some(0.0)),
                "{harmless:?}"
            );
            assert_eq!(harmless.promises.get("by_day_120"), Some(0.0));
        }
        let mut rest: Vec<&str> = list[1..].iter().map(|d| d.id.as_str()).collect();
        rest.sort_unstable();
        assert_eq!(rest, ["b", "side"]);
    }
    // Where `a` is disabled it is no driver at all.
    let no_a: Vec<&str> = drivers[2].iter().map(|d| d.id.as_str()).collect();
    assert_eq!(no_a, ["b", "side"]);

    // In the summary and its JSON.
    let mut summary = summarize(&model, &infos, &outcomes);
    for (sc, d) in summary.scenarios.iter_mut().zip(drivers) {
        sc.drivers = d;
    }
    let v: serde_json::Value = serde_json::from_str(&to_json(&summary)).expect("json");
    let first = &v["scenarios"][0]["drivers"][0];
    assert_eq!(first["id"], "a");
    assert_eq!(first["kind"], "risk");
    assert_eq!(first["p80_days"], 60.0);
    assert!(first["promises"]["by_day_120"].as_f64().expect("change") < -0.28);
    let keys: Vec<&String> = first.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        ["id", "kind", "name", "p50_days", "p80_days", "promises"],
        "drivers' keys (sorted)"
    );
    let back: Summary = serde_json::from_str(&to_json(&summary)).expect("round trip");
    assert_eq!(back, summary);
}

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
fn spearman_of_uniform_sum(a: f64, of_wider: bool) -> f64 {
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

/// Scenario `late` adds a fixed 10-day handover after the same uncertain work: on the same
/// iterations base is earlier every time, by exactly 10 days.
#[test]
fn comparison_of_a_fixed_shift() {
    let shift = parse(
        r#"
[program]
name = "Shift"
start = 2024-01-01
horizon = 2026-12-31

[[task]]
id = "work"
duration = "tri(50d, 100d, 200d)"

[[task]]
id = "handover"
duration = "0d"
after = ["work"]

[[promise]]
id = "by_day_110"
first_delivery_by = 2024-04-20

[[scenario]]
id = "late"
set = { "handover.duration" = "10d" }
"#,
    );
    let (shift_infos, shift_outcomes) = run(&shift, 10_000);
    let s = summarize(&shift, &shift_infos, &shift_outcomes);
    let c = &s.comparisons;
    assert_eq!(
        c.pairs,
        vec![Pair {
            a: "base".to_string(),
            b: "late".to_string(),
            p_a_earlier: 1.0,
            median_diff_days: Some(-10.0),
            p10_diff_days: Some(-10.0),
            p90_diff_days: Some(-10.0),
            both_happen: 1.0,
            p_tie: 0.0,
        }]
    );
    assert_eq!(c.best_by_promise.len(), 1);
    assert_eq!(
        (
            c.best_by_promise[0].promise.as_str(),
            c.best_by_promise[0].scenario.as_str()
        ),
        ("by_day_110", "base")
    );
    assert_eq!(
        c.best_by_promise[0].probability,
        s.scenarios[0].promises[0].probability
    );

    // Ties and never: the fixture's base delivers in 4 of 5 iterations, go_alone never.
    let s = summarize(&model(), &infos(), &outcomes());
    let p = &s.comparisons.pairs[0];
    assert_eq!(
        (p.p_a_earlier, p.p_tie, p.both_happen, p.median_diff_days),
        (0.8, 0.2, 0.0, None)
    );
    // Base keeps both promises more often than go_alone (which keeps neither).
    let best: Vec<(&str, &str, f64)> = s
        .comparisons
        .best_by_promise
        .iter()
        .map(|b| (b.promise.as_str(), b.scenario.as_str(), b.probability))
        .collect();
    assert_eq!(
        best,
        [("first_by_2022", "base", 0.8), ("volume_2023", "base", 0.2)]
    );
    // JSON: `comparisons` comes after `scenarios`.
    let json = to_json(&s);
    assert!(json.find("\"comparisons\":") > json.find("\"scenarios\":"));
}

/// A model with more uncertain tasks than `MAX_TASK_DRIVERS`: every risk is a candidate, and
/// of the tasks only that many, led by the one that sets the date.
#[test]
fn large_models_measure_every_risk_and_the_leading_tasks() {
    let mut text = String::from(
        "[program]\nname = \"Wide\"\nstart = 2024-01-01\nhorizon = 2030-12-31\n\n\
         [[risk]]\nid = \"r\"\nchance = 0.2\ntasks = [\"t39\"]\ndelay = \"10d\"\n",
    );
    for i in 0..40 {
        // t39 is far the longest: always on the driving chain.
        let (lo, hi) = if i == 39 {
            (500, 600)
        } else {
            (10 + i, 50 + i)
        };
        text.push_str(&format!(
            "\n[[task]]\nid = \"t{i}\"\nduration = \"uniform({lo}d, {hi}d)\"\n"
        ));
    }
    let model = parse(&text);
    let (_, outcomes) = run(&model, 2_000);
    let c = launchcast_report::driver_candidates(&model, &[], &outcomes);
    let risks = c.iter().filter(|c| c.kind == DriverKind::Risk).count();
    let tasks: Vec<&str> = c
        .iter()
        .filter(|c| c.kind == DriverKind::Task)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(
        (risks, tasks.len()),
        (1, launchcast_report::MAX_TASK_DRIVERS)
    );
    assert!(tasks.contains(&"t39"), "{tasks:?}");
}

// ---------------------------------------------------------------------------------------
// HTML report

/// Checks that `html` is well-formed XML-compatible markup: every tag closed in order (void
/// elements written `<br/>`), attribute values quoted, only XML's own entities or numeric
/// references, no `<` or `&` inside `<style>`. Returns the first problem found.
fn well_formed(html: &str) -> Result<(), String> {
    let b = html.as_bytes();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0;
    let entity_ok = |at: usize| -> bool {
        let rest = &html[at..];
        let Some(end) = rest.find(';') else {
            return false;
        };
        let name = &rest[1..end];
        matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || (name.starts_with("#x")
                && name.len() > 2
                && name[2..].chars().all(|c| c.is_ascii_hexdigit()))
            || (name.starts_with('#')
                && name.len() > 1
                && name[1..].chars().all(|c| c.is_ascii_digit()))
    };
    while i < b.len() {
        match b[i] {
            b'&' => {
                if !entity_ok(i) {
                    return Err(format!(
                        "bad entity at {i}: {:?}",
                        &html[i..(i + 12).min(html.len())]
                    ));
                }
                i += 1;
            }
            b'<' if html[i..].starts_with("<!DOCTYPE") => {
                i += html[i..].find('>').ok_or("unclosed doctype")? + 1;
            }
            b'<' if html[i..].starts_with("<!--") => {
                i += html[i..].find("-->").ok_or("unclosed comment")? + 3;
            }
            b'<' if html[i..].starts_with("</") => {
                let end = i + html[i..].find('>').ok_or("unclosed end tag")?;
                let name = html[i + 2..end].trim();
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> at {i} closes {other:?}")),
                }
                i = end + 1;
            }
            b'<' => {
                // A start tag: name, then attributes with quoted values, then `>` or `/>`.
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-' || b[j] == b':')
                {
                    j += 1;
                }
                let name = html[i + 1..j].to_string();
                if name.is_empty() {
                    return Err(format!("stray < at {i}"));
                }
                let mut attrs = Vec::new();
                loop {
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j >= b.len() {
                        return Err(format!("unclosed <{name}>"));
                    }
                    if b[j] == b'>' || html[j..].starts_with("/>") {
                        break;
                    }
                    let k = j;
                    while j < b.len() && b[j] != b'=' && !b[j].is_ascii_whitespace() && b[j] != b'>'
                    {
                        j += 1;
                    }
                    let attr = html[k..j].to_string();
                    if j >= b.len() || b[j] != b'=' || b.get(j + 1) != Some(&b'"') {
                        return Err(format!("attribute {attr} of <{name}> at {k} is not quoted"));
                    }
                    if attrs.contains(&attr) {
                        return Err(format!("duplicate attribute {attr} of <{name}> at {k}"));
                    }
                    attrs.push(attr);
                    let close = j + 2 + html[j + 2..].find('"').ok_or("unclosed attribute")?;
                    let value = &html[j + 2..close];
                    if value.contains('<') {
                        return Err(format!("< in an attribute of <{name}> at {k}"));
                    }
                    for (at, _) in value.match_indices('&') {
                        if !entity_ok(j + 2 + at) {
                            return Err(format!("bad entity in an attribute of <{name}> at {k}"));
                        }
                    }
                    j = close + 1;
                }
                if b[j] == b'>' {
                    if name == "style" {
                        let end = j + html[j..].find("</style>").ok_or("unclosed style")?;
                        if html[j + 1..end].contains(['<', '&']) {
                            return Err("< or & inside <style>".to_string());
                        }
                        i = end;
                        stack.push(name);
                        continue;
                    }
                    stack.push(name);
                    i = j + 1;
                } else {
                    i = j + 2;
                }
            }
            _ => i += 1,
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed elements: {stack:?}"))
    }
}

/// Every `http://` or `https://` in `text` that is not an XML namespace URI.
fn external_urls(text: &str) -> Vec<String> {
    const NAMESPACES: [&str; 2] = ["http://www.w3.org/2000/svg", "http://www.w3.org/1999/xhtml"];
    let mut out = Vec::new();
    for scheme in ["http://", "https://"] {
        for (at, _) in text.match_indices(scheme) {
            let url: String = text[at..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
                .collect();
            if !NAMESPACES.contains(&url.as_str()) {
                out.push(url);
            }
        }
    }
    out
}

#[test]
fn the_well_formedness_checker_finds_mistakes() {
    assert!(well_formed(r#"<!DOCTYPE html><p a="1">x &amp; y<br/></p>"#).is_ok());
    assert!(well_formed("<p><b></p></b>").is_err());
    assert!(well_formed("<p>a & b</p>").is_err());
    assert!(well_formed("<p>&nbsp;</p>").is_err());
    assert!(well_formed("<p class=x></p>").is_err());
    assert!(well_formed("<p><br></p>").is_err());
    assert!(well_formed("<style>a<b</style>").is_err());
    assert_eq!(
        external_urls(r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#),
        Vec::<String>::new()
    );
    assert_eq!(
        external_urls(r#"<img src="https://x.org/a.png"/>"#),
        ["https://x.org/a.png"]
    );
}

/// The report of the bundled example, from a short run of the engine.
/// The bundled example, 2,000 iterations, with drivers.
fn example_run() -> (Model, Summary, Outcomes) {
    let text = include_str!("../../../examples/xiaomi-2022.toml");
    let model = launchcast_model::parse(text, "examples/xiaomi-2022.toml").expect("example");
    let (summary, outcomes) = full_run(&model, 2000, 1);
    (model, summary, outcomes)
}

/// `model` run with `seed` and its drivers measured, as `launchcast run` does.
fn full_run(model: &Model, iterations: u64, seed: u64) -> (Summary, Outcomes) {
    let plan = launchcast_engine::Plan::compile(model).expect("plan");
    let opts = launchcast_engine::RunOptions {
        iterations,
        seed,
        threads: 0,
        progress: None,
        statistics: true,
    };
    let outcomes = launchcast_engine::run(&plan, &opts).expect("run");
    let mut summary = summarize(model, plan.scenarios(), &outcomes);
    let drivers = launchcast_report::drivers(model, &[], &outcomes, &opts).expect("drivers");
    for (s, d) in summary.scenarios.iter_mut().zip(drivers) {
        s.drivers = d;
    }
    (summary, outcomes)
}

fn example_report() -> String {
    let (model, summary, outcomes) = example_run();
    launchcast_report::render_html(&model, &summary, &outcomes)
}

#[test]
fn html_report_of_the_example_is_valid_self_contained_and_has_every_chart() {
    let html = example_report();
    if let Err(e) = well_formed(&html) {
        panic!("not well-formed: {e}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    for id in launchcast_report::CHART_IDS {
        let tag = format!(r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}""#);
        assert!(html.contains(&tag), "chart {id} missing");
    }
    for section in ["glance", "promises", "assumptions", "comparisons"] {
        assert!(
            html.contains(&format!(r#"id="{section}""#)),
            "section {section}"
        );
    }
    // Nothing to fetch: no URL but the namespaces, no script, stylesheet link, font or image.
    assert_eq!(external_urls(&html), Vec::<String>::new());
    for banned in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        "@import",
        "@font-face",
        "src=",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.matches("url(").count() == html.matches("url(#").count());
    // Every promise and every scenario appears, the promised date is drawn on the S-curve.
    for s in [
        "First deliveries by end of 2024",
        "go_alone",
        "hyundai_stake",
        "baic_cobrand",
    ] {
        assert!(html.contains(s), "{s}");
    }
    let cdf = &html[html.find(r#"id="chart-cdf""#).unwrap()..];
    let cdf = &cdf[..cdf.find("</svg>").unwrap()];
    assert!(cdf.contains("class=\"refline\""), "promise line");
    assert!(cdf.contains("2024-12-31"), "promise date label");
    // Drivers, sensitivity and comparisons are drawn, not left as placeholders.
    assert!(!html.contains("not computed"));
    let tornado = &html[html.find(r#"id="chart-tornado""#).unwrap()..];
    assert!(tornado.contains("Regulator freezes new production licences again (risk)"));
    assert!(html.contains("Chance A delivers first earlier"));
    // Assumptions: tasks with their distributions, risks, plants.
    for s in [
        "tri(5mo, 9mo, 21mo)",
        "tri(2w, 1mo, 2mo)",
        "licence_freeze",
        "Yizhuang phase 1",
        "uniform(6bn, 13.4bn)",
    ] {
        assert!(html.contains(s), "assumption {s}");
    }
    // Small: the S-curves are downsampled.
    assert!(html.len() < 1_500_000, "{} bytes", html.len());
    assert!(cdf.len() < 80_000, "{} bytes of S-curve", cdf.len());
}

/// The fixture with whole iterations kept at 18 month ends (July 2022 to December 2023).
fn outcomes_with_rows() -> Outcomes {
    let mut o = outcomes();
    o.months = (0..18)
        .map(|k| (2022 + (6 + k) / 12, ((6 + k) % 12 + 1) as u32))
        .collect();
    let rows = 3;
    for (s, so) in o.scenarios.iter_mut().enumerate() {
        so.rows.iterations = vec![0, 1, 2];
        so.rows.durations = vec![30.0; 3 * rows];
        so.rows.headline = vec![30.0, INF, 10.0];
        so.rows.delivered = (0..18)
            .flat_map(|m| (0..rows).map(move |r| (m * 1000 * (r + 1) * (1 - s)) as f32))
            .collect();
        so.rows.spent = (0..18)
            .flat_map(|m| (0..rows).map(move |r| (m as f32 + 1.0) * 1e8 * (r as f32 + 1.0)))
            .collect();
    }
    o
}

#[test]
fn html_report_of_hand_built_outcomes() {
    let m = model();
    let out = outcomes_with_rows();
    let s = summarize(&m, &infos(), &out);
    let html = launchcast_report::render_html(&m, &s, &out);
    if let Err(e) = well_formed(&html) {
        panic!("not well-formed: {e}");
    }
    assert_eq!(external_urls(&html), Vec::<String>::new());
    // Names are escaped.
    assert!(html.contains("Test &quot;EV&quot; program, 2022"));
    assert!(html.contains("Obtain licence, with &quot;luck&quot;"));
    // Monthly deliveries and spend come from the rows; without drivers or sensitivity in the
    // summary their charts say so.
    assert!(html.contains("cars per month"));
    assert!(html.contains("not computed"));
    for id in launchcast_report::CHART_IDS {
        assert!(
            html.contains(&format!(r#"id="{id}""#)),
            "chart {id} missing"
        );
    }
    // Without rows the fan charts fall back to calendar years.
    let yearly = launchcast_report::render_html(&m, &s, &outcomes());
    assert!(yearly.contains("cars per year"));
    assert!(well_formed(&yearly).is_ok());
}

#[test]
fn html_report_never_panics_on_empty_or_mismatched_outcomes() {
    let m = model();
    let mut out = outcomes();
    out.scenarios.truncate(1);
    out.scenarios[0].headline_days = vec![INF; 5];
    out.scenarios[0].spend_by_year.clear();
    out.months = vec![(2022, 7)];
    let s = summarize(&m, &infos(), &out);
    let html = launchcast_report::render_html(&m, &s, &out);
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
    let mut empty = out.clone();
    empty.scenarios.clear();
    empty.iterations = 0;
    let s = summarize(&m, &infos(), &empty);
    let html = launchcast_report::render_html(&m, &s, &empty);
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
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

// ---------------------------------------------------------------------------------------
// What the report says: one basis per figure, only what applies, names that cannot harm

/// A launch whose licence may fail (chance 0.6): in `base` about 4 futures in 10 never
/// deliver; `sure` makes the licence certain.
const PART_DELIVERS: &str = r#"
[program]
name = "A launch that may never deliver"
start = 2024-01-01
horizon = 2027-12-31

[[task]]
id = "licence"
name = "Obtain the licence"
duration = "tri(2mo, 4mo, 9mo)"
chance = 0.6

[[task]]
id = "build"
name = "Build the plant"
duration = "tri(6mo, 9mo, 14mo)"

[[task]]
id = "sop"
name = "Start of production"
duration = "1mo"
after = ["licence", "build"]

[[plant]]
id = "p"
capacity = 10000
starts = "sop"
ramp = "6mo"

[[promise]]
id = "first"
name = "First car by mid-2025"
first_delivery_by = 2025-06-30

[[scenario]]
id = "sure"
name = "Licence certain"
set = { "licence.chance" = 1.0 }
"#;

/// A six-week project: no plants, no promises, no costs, a two-year horizon.
const SIX_WEEKS: &str = r#"
[program]
name = "Office move"
start = 2024-03-04
horizon = 2026-03-04

[[task]]
id = "plan"
name = "Plan the move"
duration = "tri(5d, 8d, 15d)"

[[task]]
id = "pack"
name = "Pack"
duration = "tri(10d, 14d, 25d)"
after = ["plan"]

[[task]]
id = "move"
name = "Move"
duration = "tri(3d, 5d, 10d)"
after = ["pack"]
"#;

/// `&gt;` and friends back to text.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Every text between `open` and the next `close` in `s`, in order.
fn between(s: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(open) {
        rest = &rest[i + open.len()..];
        let Some(j) = rest.find(close) else { break };
        out.push(unescape(&rest[..j]));
        rest = &rest[j..];
    }
    out
}

/// The scenario cards of a report: `(scenario id, markup of the card)`.
fn cards(html: &str) -> Vec<(String, String)> {
    html.split(r#"<div class="card" data-scenario=""#)
        .skip(1)
        .map(|c| {
            let id = c[..c.find('"').expect("id end")].to_string();
            let body = c[..c.find("</p></div>").expect("card end")].to_string();
            (id, body)
        })
        .collect()
}

/// The figure of class `class` on a card (`<b class=..>` or `<span class=..>`), if any.
fn card_value(card: &str, class: &str) -> Option<String> {
    between(card, &format!(r#"<b class="{class}">"#), "</b>")
        .into_iter()
        .chain(between(
            card,
            &format!(r#"<span class="{class}">"#),
            "</span>",
        ))
        .next()
}

/// The cells of class `class` in the table of dates, one per scenario.
fn date_cells(html: &str, class: &str) -> Vec<String> {
    let table = &between(html, r#"<table class="dates">"#, "</table>")[0];
    between(table, &format!(r#"<td class="num {class}">"#), "</td>")
}

/// A percentage as the report prints it, checked against the share it stands for: within
/// rounding, and `0.0%` / `100.0%` only for exactly 0 and 1.
fn assert_percent_of(text: &str, p: f64) {
    match text {
        "<0.1%" => assert!(p > 0.0 && p < 0.0005, "{text} for {p}"),
        ">99.9%" => assert!((0.9995..1.0).contains(&p), "{text} for {p}"),
        _ => {
            let v: f64 = text.trim_end_matches('%').parse().expect(text);
            assert!((v - p * 100.0).abs() <= 0.05 + 1e-9, "{text} for {p}");
            assert_eq!(v == 0.0, p == 0.0, "{text} for {p}");
            assert_eq!(v == 100.0, p == 1.0, "{text} for {p}");
        }
    }
}

/// The cards show exactly the table's figures, each with its basis: the chance over all
/// futures, the dates over the futures in which the event happens.
fn assert_cards_agree_with_tables(html: &str, summary: &Summary) {
    let cards = cards(html);
    let ids: Vec<&str> = cards.iter().map(|(id, _)| id.as_str()).collect();
    let want: Vec<&str> = summary.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, want);
    let probs = date_cells(html, "prob");
    for (k, ((_, card), s)) in cards.iter().zip(&summary.scenarios).enumerate() {
        let fd = &s.first_delivery;
        let p = fd.probability;
        let prob = card_value(card, "prob").expect("chance on the card");
        assert_eq!(prob, probs[k], "{}: card and table chance", s.id);
        assert_percent_of(&prob, p);
        let dates = [
            ("p10", &fd.p10),
            ("p50", &fd.p50),
            ("p80", &fd.p80),
            ("p90", &fd.p90),
        ];
        let mut shown = 0;
        for (class, date) in dates {
            let cell = &date_cells(html, class)[k];
            assert_eq!(
                cell,
                date.as_deref().unwrap_or("-"),
                "{}: table {class}",
                s.id
            );
            if let Some(v) = card_value(card, class) {
                assert_eq!(&v, cell, "{}: card and table {class}", s.id);
                shown += 1;
            }
        }
        if p > 0.0 {
            assert!(
                card_value(card, "p80").is_some(),
                "{}: P80 on the card",
                s.id
            );
            assert!(shown >= 2, "{}: two dates on the card", s.id);
            let basis = if p < 1.0 {
                "Over those futures only"
            } else {
                "Over all of them"
            };
            assert!(card.contains(basis), "{}: basis of the dates: {card}", s.id);
        } else {
            assert_eq!(shown, 0, "{}: no date when it never happens", s.id);
        }
        if let Some(v) = card_value(card, "promise") {
            assert!(card.contains("over all simulated futures"), "{card}");
            assert_percent_of(&v, s.promises[0].probability);
        }
    }
}

#[test]
fn html_cards_show_the_tables_figures_with_their_basis() {
    let (model, summary, outcomes) = example_run();
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert_cards_agree_with_tables(&html, &summary);
    // Routes that deliver in under 8 futures in 10 still show their P80 date.
    assert!(
        summary
            .scenarios
            .iter()
            .any(|s| s.first_delivery.probability < 0.8)
    );
    assert!(!html.contains("not within the horizon"));

    let model = parse(PART_DELIVERS);
    let (summary, outcomes) = full_run(&model, 4000, 3);
    let base = summary.scenarios[0].first_delivery.probability;
    assert!((0.5..0.7).contains(&base), "{base}");
    assert_eq!(summary.scenarios[1].first_delivery.probability, 1.0);
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert_cards_agree_with_tables(&html, &summary);

    // Without a promise the big figure is the median date, still the table's.
    let mut model = model;
    model.promises.clear();
    let (summary, outcomes) = full_run(&model, 4000, 3);
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert_cards_agree_with_tables(&html, &summary);
    for (_, card) in cards(&html) {
        assert!(
            card.contains(r#"<div class="big"><span class="p50">"#),
            "{card}"
        );
    }
    assert!(
        !html.contains(r#"id="promises""#),
        "no empty promises table"
    );
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
}

#[test]
fn a_model_without_plants_gets_a_report_about_its_finish() {
    let model = parse(SIX_WEEKS);
    let (summary, outcomes) = full_run(&model, 5000, 5);
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
    assert_cards_agree_with_tables(&html, &summary);
    assert!(html.contains("When does the project finish?"));
    assert!(html.contains("The S-curve of the finish date"));
    for absent in [
        "first car",
        "first delivery",
        "first-delivery",
        "customer",
        "cars per",
        r#"id="chart-deliveries""#,
        r#"id="chart-spend""#,
        r#"id="volumes""#,
        r#"id="promises""#,
        "Spend to",
        "delivery lag",
    ] {
        assert!(
            !html.contains(absent),
            "{absent} in a report without plants"
        );
    }
    // The histogram has one bar per day, each the share of all futures finishing that day.
    let hist = &html[html.find(r#"id="chart-histogram""#).expect("histogram")..];
    let hist = &hist[..hist.find("</figure>").expect("end")];
    assert!(hist.contains("bars: one per day"), "{hist}");
    let bars = between(hist, "<title>base: ", "</title>");
    assert!(bars.len() >= 10, "{} bars", bars.len());
    let days = &outcomes.scenarios[0].headline_days;
    let mut total = 0.0;
    for bar in &bars {
        let (share, date) = bar.split_once(" of all futures on ").expect(bar);
        let n = days
            .iter()
            .filter(|&&d| {
                model
                    .program
                    .start
                    .add_days(f64::from(d))
                    .map(|d| d.to_string())
                    .as_deref()
                    == Some(date)
            })
            .count();
        assert_percent_of(share, n as f64 / days.len() as f64);
        total += n as f64;
    }
    assert!(
        total / days.len() as f64 > 0.98,
        "the bars cover the spread"
    );

    // The terminal too speaks of the finish only.
    let text = render_terminal(&summary, &model, 100);
    assert!(text.contains("\nFINISH "), "{text}");
    for absent in ["DELIVER", "SPEND", "PROMISE", "car", "first delivery"] {
        assert!(!text.contains(absent), "{absent} in:\n{text}");
    }

    // With costs, spend is back (and nothing about cars).
    let mut model = model;
    model.tasks[1].cost = Dist::Triangular {
        min: 1e4,
        mode: 2e4,
        max: 4e4,
    };
    let (summary, outcomes) = full_run(&model, 2000, 5);
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert!(html.contains(r#"id="chart-spend""#) && html.contains("What does it cost?"));
    assert!(!html.contains(r#"id="chart-deliveries""#) && !html.contains("first car"));
    let text = render_terminal(&summary, &model, 100);
    assert!(
        text.contains("SPEND PER YEAR") && !text.contains("DELIVER"),
        "{text}"
    );
}

/// Names with terminal escapes, newlines, tabs, markup and spreadsheet formulas, in every
/// kind of item.
const HOSTILE: &str = include_str!("fixtures/hostile-names.toml");

/// Whether `c` may reach a terminal or a page raw: printable text, newlines between lines.
fn harmless(c: char) -> bool {
    c == '\n' || !(c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

#[test]
fn hostile_names_are_harmless_in_every_renderer() {
    let model = parse(HOSTILE);
    let (summary, outcomes) = full_run(&model, 2000, 1);

    // Terminal: escaped, one line per row, every line within the width.
    let text = render_terminal(&summary, &model, 100);
    assert!(text.chars().all(harmless), "{text:?}");
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(text.starts_with("Evil \\u{1b}]0;owned\\u{7} program\\r\\nsecond \\u{9b}2J line: "));
    // The two tasks of the same name are told apart by their ids, each on one line with
    // its three cells.
    for id in ["build", "sop"] {
        let row = format!("  Build\\u{{1b}}[2J\\tthe\\nplant ({id})");
        let line = text
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("{row} in:\n{text}"));
        assert_eq!(line.matches('%').count(), 2, "{line}");
    }
    assert!(text.contains("\\u{7}Bell <b>bold</b> & \"quotes\" \\u{202e}"));

    // HTML: escaped, well formed, nothing to run.
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
    assert!(
        html.chars().all(|c| harmless(c) || c == '\t'),
        "control character in the page"
    );
    for raw in ["<script", "<b>bold", "\"quotes\""] {
        assert!(!html.contains(raw), "{raw} unescaped");
    }
    assert!(html.contains("-2+3 &lt;script&gt;alert(1)&lt;/script&gt;"));

    // CSV: formulas neutralised in text cells, numbers untouched.
    let dir = tempfile::tempdir().expect("tempdir");
    write_csv(&summary, dir.path()).expect("csv");
    let read = |name: &str| fs::read_to_string(dir.path().join(name)).expect(name);
    assert!(read("run.csv").ends_with(",2000,1,2024-01-01,2027-12-31,'=CNY\u{1b}[5m\n"));
    assert!(read("scenarios.csv").contains("\nsure,\"'+sure \u{202e}esrever\r\"\n"));
    assert!(read("tasks.csv").contains(",licence,\"'=HYPERLINK(\"\"http://evil.example\"\")\","));
    assert!(
        read("drivers.csv").contains(",risk,strike,'-2+3 <script>alert(1)</script>\u{8}\u{8},")
    );
    for name in launchcast_report::CSV_FILES {
        for record in parse_csv(&read(name)) {
            for cell in record {
                if let Some(rest) = cell.strip_prefix('\'') {
                    assert!(
                        rest.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{name}: {cell:?}"
                    );
                } else if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    assert!(
                        cell.parse::<f64>().is_ok(),
                        "{name}: formula {cell:?} written as-is"
                    );
                }
            }
        }
    }
}

/// Records of RFC 4180 text (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "text ends with a newline"
    );
    records
}

/// A chain of five tasks: two named alike, one without a name, two whose long names differ
/// only past the width of a table.
const REPEATED_NAMES: &str = r#"
[program]
name = "Names that repeat"
start = 2024-01-01
horizon = 2027-12-31

[[task]]
id = "build_a"
name = "Build"
duration = "tri(10d, 20d, 40d)"

[[task]]
id = "build_b"
name = "Build"
duration = "tri(10d, 20d, 40d)"
after = ["build_a"]

[[task]]
id = "unnamed"
duration = "tri(10d, 20d, 40d)"
after = ["build_b"]

[[task]]
id = "north_one"
name = "Negotiate a stake in the plant of the partner in the north of the country, phase one"
duration = "tri(10d, 20d, 40d)"
after = ["unnamed"]

[[task]]
id = "north_two"
name = "Negotiate a stake in the plant of the partner in the north of the country, phase two"
duration = "tri(10d, 20d, 40d)"
after = ["north_one"]
"#;

/// The row labels of the terminal section titled `title` (up to its first note or blank).
fn section_labels(text: &str, title: &str) -> Vec<String> {
    let start = text.find(&format!("\n{title}")).expect(title) + 1;
    text[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  ") && l.contains("  +") | l.contains('%'))
        .map(|l| l.trim_start()[..l.trim_start().find("  ").unwrap_or(0)].to_string())
        .collect()
}

#[test]
fn rows_never_look_alike_ids_show_where_names_repeat_or_are_missing() {
    let model = parse(REPEATED_NAMES);
    let (summary, outcomes) = full_run(&model, 3000, 2);
    for width in [100, 80, 60] {
        let text = render_terminal(&summary, &model, width);
        for title in [
            "MOST CRITICAL TASKS (base)",
            "SENSITIVITY (base)",
            "DRIVERS (base)",
        ] {
            let labels = section_labels(&text, title);
            assert_eq!(labels.len(), 5, "{title} at {width}:\n{text}");
            let mut unique = labels.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), 5, "{title} at {width}: {labels:?}\n{text}");
            assert!(
                labels.contains(&"Build (build_a)".to_string()),
                "{labels:?}"
            );
            assert!(
                labels.contains(&"Build (build_b)".to_string()),
                "{labels:?}"
            );
            assert!(labels.contains(&"unnamed".to_string()), "{labels:?}");
        }
    }
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    for chart in ["chart-criticality", "chart-sensitivity", "chart-tornado"] {
        let c = &html[html.find(&format!(r#"id="{chart}""#)).expect(chart)..];
        let c = &c[..c.find("</figure>").expect("end")];
        let mut labels = between(c, r#"text-anchor="end" class="lab">"#, "</text>");
        assert_eq!(labels.len(), 5, "{chart}: {labels:?}");
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), 5, "{chart}: {labels:?}");
        assert!(
            labels.iter().any(|l| l.starts_with("Build (build_a)")),
            "{labels:?}"
        );
    }
}

#[test]
fn ties_in_keeping_a_promise_name_every_tied_scenario() {
    let model = parse(
        r#"
[program]
name = "Two ways to the same date"
start = 2024-01-01
horizon = 2026-12-31

[[task]]
id = "work"
duration = "tri(100d, 200d, 400d)"

[[task]]
id = "spare"
duration = "tri(1d, 2d, 3d)"

[[promise]]
id = "by_2025"
name = "Done by 2025"
first_delivery_by = 2025-01-01

[[promise]]
id = "never"
name = "Done in a week"
first_delivery_by = 2024-01-08

[[scenario]]
id = "other"
name = "A change that does not matter"
set = { "spare.duration" = "tri(2d, 3d, 4d)" }

[[scenario]]
id = "slow"
name = "Slower"
set = { "work.duration" = "tri(200d, 300d, 500d)" }
"#,
    );
    let (summary, outcomes) = full_run(&model, 2000, 4);
    let best = &summary.comparisons.best_by_promise;
    assert_eq!(best[0].scenarios, ["base", "other"]);
    assert_eq!(best[0].scenario, "base");
    assert_eq!(
        best[0].probability,
        summary.scenarios[1].promises[0].probability
    );
    assert!(summary.scenarios[2].promises[0].probability < best[0].probability);
    // Nobody keeps the second: all tie at 0.
    assert_eq!(best[1].probability, 0.0);
    assert_eq!(best[1].scenarios, ["base", "other", "slow"]);

    let text = render_terminal(&summary, &model, 100);
    // The rows of KEEPS THE PROMISE MOST OFTEN, after those of PROMISES.
    let row = text
        .lines()
        .rev()
        .find(|l| l.starts_with("  Done by 2025"))
        .expect("row");
    assert!(row.contains("base, other"), "{text}");
    let row = text
        .lines()
        .rev()
        .find(|l| l.starts_with("  Done in a week"))
        .expect("row");
    assert!(row.contains(" none ") && row.ends_with("0.0%"), "{row}");

    let dir = tempfile::tempdir().expect("tempdir");
    write_csv(&summary, dir.path()).expect("csv");
    let csv = fs::read_to_string(dir.path().join("best_by_promise.csv")).expect("csv");
    let rows: Vec<&str> = csv.lines().filter(|l| l.starts_with("by_2025,")).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert!(
        rows[0].contains(",base,") && rows[1].contains(",other,"),
        "{csv}"
    );

    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    let table = &between(&html, r#"<table class="best">"#, "</table>")[0];
    assert!(table.contains("a tie: "), "{table}");
    assert!(table.contains("none (no scenario keeps it)"), "{table}");
}

#[test]
fn year_rows_zero_in_every_scenario_are_left_out_with_a_note() {
    let mut s = hand_summary();
    for sc in &mut s.scenarios {
        for y in 2024..=2030 {
            sc.spend_by_year.push(year(y, 0.0));
            sc.deliveries_by_year.push(year(
                y,
                if y == 2026 && sc.id == "base" {
                    5.0
                } else {
                    0.0
                },
            ));
        }
        // Zero in one scenario only: kept.
    }
    s.scenarios[0].spend_by_year[0] = year(2022, 0.0);
    let text = render_terminal(&s, &model(), 100);
    let spend = &text[text.find("SPEND PER YEAR").expect("spend")..];
    let spend = &spend[..spend.find("\n\n").expect("end")];
    // 2022 is zero in base but not in go_alone: kept; 2024 to 2030 are zero everywhere.
    assert!(spend.contains("\n  2022 "), "{spend}");
    assert!(!spend.contains("\n  2024 "), "{spend}");
    assert!(
        spend.ends_with("\n  2024-2030: nothing spent in any scenario (rows left out)"),
        "{spend}"
    );
    let cars = &text[text.find("DELIVERIES PER YEAR").expect("deliveries")..];
    let cars = &cars[..cars.find("\n\n").expect("end")];
    assert!(cars.contains("\n  2026 "), "{cars}");
    assert!(
        cars.ends_with(
            "\n  2024-2025, 2027-2030: no car delivered in any scenario (rows left out)"
        ),
        "{cars}"
    );
}
