//! Calibration: truths drawn from the model itself (one iteration per seed, seeds the
//! forecast does not use) must look calibrated, and the same truths scored against a copy
//! of the model with every range halved around its mode must be flagged as over-confident.

use launchcast_engine::{DAY_FIXED_POINT, Plan, RunOptions};
use launchcast_model::ValidModel;
use launchcast_report::backtest::{
    Actuals, Backtest, Calibration, FirstDeliveryActual, PromiseActual, TaskActual, TaskOutcome,
    YearActual, calibrate, forecast, score,
};

/// Forecasts (one truth each).
const FORECASTS: u64 = 200;

/// `tri(min, mode, max)` with both sides scaled by `k` around the mode.
fn tri(min: f64, mode: f64, max: f64, k: f64, unit: &str) -> String {
    format!(
        "tri({}{unit}, {mode}{unit}, {}{unit})",
        mode - (mode - min) * k,
        mode + (max - mode) * k
    )
}

/// A small synthetic programme: two chains of tasks, a plant, costs and overhead, every
/// range scaled by `k` (1: the truth's model).
fn model(k: f64) -> ValidModel {
    let text = format!(
        r#"
[program]
name = "Synthetic"
start = 2025-01-01
horizon = 2029-12-31
currency = "EUR"
overhead_per_year = "{}"

[[task]]
id = "a"
duration = "{}"
cost = "{}"

[[task]]
id = "b"
duration = "{}"
after = ["a"]

[[task]]
id = "c"
duration = "{}"

[[task]]
id = "sop"
duration = "{}"
after = ["b", "c"]

[[plant]]
id = "line"
capacity = "{}"
starts = "sop"
ramp = "{}"

[[promise]]
id = "first_by_autumn"
first_delivery_by = 2025-09-15

[[promise]]
id = "volume_2026"
deliveries_in_year = {{ year = 2026, at_least = 8000 }}
"#,
        tri(10e6, 12e6, 16e6, k, ""),
        tri(60.0, 90.0, 160.0, k, "d"),
        tri(20e6, 30e6, 50e6, k, ""),
        tri(30.0, 45.0, 90.0, k, "d"),
        tri(100.0, 150.0, 260.0, k, "d"),
        tri(20.0, 30.0, 60.0, k, "d"),
        tri(8000.0, 10000.0, 13000.0, k, ""),
        tri(60.0, 120.0, 240.0, k, "d"),
    );
    ValidModel::parse(&text, "synthetic.toml").expect("valid synthetic model")
}

/// The truth of seed `seed`: one iteration of the true model, as an actuals file would say
/// it at the horizon. Forecast `i` is scored on one continuous outcome, in turn the first
/// delivery, task `c`, deliveries in 2026 and spend in 2025 (one per forecast, so that the
/// PITs are independent draws), and on both promises.
fn truth(plan: &Plan, model: &ValidModel, i: u64) -> Actuals {
    let o = launchcast_engine::run(
        plan,
        &RunOptions {
            iterations: 1,
            seed: 10_000 + i,
            threads: 1,
            progress: None,
            statistics: true,
        },
    )
    .expect("truth run");
    let so = &o.scenarios[0];
    let start = model.program.start;
    let on = |days: f64| start.add_days(days).expect("a date");
    let mut a = Actuals {
        as_of: model.program.horizon,
        scenario: "base".into(),
        first_delivery: None,
        tasks: vec![],
        deliveries: vec![],
        spend: vec![],
        promises: (0..2)
            .map(|p| PromiseActual {
                id: model.promises[p].id.clone(),
                index: p,
                kept: so.promises_kept[p] == 1,
            })
            .collect(),
    };
    let year = |y: i32| o.years.iter().position(|&x| x == y).expect("year");
    match i % 4 {
        0 => {
            let d = f64::from(so.headline_days[0]);
            a.first_delivery = Some(if d.is_finite() {
                FirstDeliveryActual::On(on(d))
            } else {
                FirstDeliveryActual::NoneYet
            });
        }
        1 => {
            assert_eq!(so.tasks.sampled, 1);
            let outcome = if so.tasks.finished[2] == 1 {
                TaskOutcome::Finished(on(so.tasks.finish_min_fixed[2] as f64 / DAY_FIXED_POINT))
            } else {
                TaskOutcome::Failed
            };
            a.tasks.push(TaskActual {
                id: "c".into(),
                index: 2,
                outcome,
            });
        }
        2 => a.deliveries.push(YearActual {
            year: 2026,
            value: f64::from(so.deliveries_by_year[year(2026)][0]),
        }),
        _ => a.spend.push(YearActual {
            year: 2025,
            value: f64::from(so.spend_by_year[year(2025)][0]),
        }),
    }
    a
}

/// The truths scored against the forecast of `forecaster`.
fn calibration(forecaster: &ValidModel) -> (Calibration, Vec<Backtest>) {
    let honest = model(1.0);
    let truth_plan = Plan::compile(&honest);
    let run = forecast(&Plan::compile(forecaster), 20_000, 1, 0).expect("forecast run");
    let scores: Vec<Backtest> = (0..FORECASTS)
        .map(|i| {
            let a = truth(&truth_plan, &honest, i);
            score(forecaster, &run, &a).expect("scored")
        })
        .collect();
    (calibrate(&scores), scores)
}

#[test]
fn truths_from_the_model_are_calibrated() {
    let (c, scores) = calibration(&model(1.0));
    assert_eq!(c.forecasts, 200);
    assert_eq!(c.pit_outcomes, 200);
    assert!(scores.iter().all(|b| b.outcomes.len() == 3));
    // Share inside P10-P90: 0.8 within 3 standard errors of 200 independent outcomes,
    // sqrt(0.8 · 0.2 / 200) = 0.0283.
    let share = c.coverage_p10_p90.share.unwrap();
    assert_eq!(c.coverage_p10_p90.standard_error, Some(0.0283));
    assert!((share - 0.8).abs() <= 3.0 * 0.0283, "share inside {share}");
    let share95 = c.coverage_p5_p95.share.unwrap();
    assert!(
        (share95 - 0.9).abs() <= 3.0 * 0.0212,
        "share inside P5-P95 {share95}"
    );
    // The PIT histogram is flat by the chi-square test at the 1 % level (9 degrees of
    // freedom: rejected above 21.67).
    assert_eq!(c.chi_square.degrees_of_freedom, 9);
    assert!(
        c.chi_square.p_value > 0.01,
        "{:?} {:?}",
        c.chi_square,
        c.pit_histogram
    );
    assert!((c.pit_histogram.iter().sum::<f64>() - 200.0).abs() < 1e-3);
    assert_eq!(c.verdict, "calibrated", "{}", c.verdict_text);
    // The promises: 400 of them, reliable on the whole (the mean forecast of the kept ones
    // is near the share kept).
    let n: usize = c.reliability.iter().map(|r| r.count).sum();
    assert_eq!(n, 400);
    let forecast: f64 = c
        .reliability
        .iter()
        .map(|r| r.forecast * r.count as f64)
        .sum::<f64>()
        / 400.0;
    let observed: f64 = c
        .reliability
        .iter()
        .map(|r| r.observed * r.count as f64)
        .sum::<f64>()
        / 400.0;
    // Each promise's outcome has a standard deviation of at most 0.5: 3 · 0.5 / sqrt(400).
    assert!((forecast - observed).abs() < 0.075, "{forecast} {observed}");
}

#[test]
fn halved_ranges_are_flagged_as_over_confident() {
    let (c, _) = calibration(&model(0.5));
    let share = c.coverage_p10_p90.share.unwrap();
    assert!(share < 0.8 - 3.0 * 0.0283, "share inside {share}");
    assert_eq!(c.verdict, "over-confident", "{}", c.verdict_text);
    assert!(
        c.verdict_text.starts_with("over-confident: "),
        "{}",
        c.verdict_text
    );
    // Too many truths beyond the narrow ranges: the outer bins of the PIT histogram fill.
    let h = &c.pit_histogram;
    assert!(h[0] + h[9] > 2.0 * (h[4] + h[5]), "{h:?}");
    assert!(c.chi_square.p_value < 0.001, "{:?}", c.chi_square);
}
