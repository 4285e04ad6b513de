//! Backtest scores against values worked out by hand: the PIT with ties (a day, an atom at
//! "never", zeros), the CRPS of a small sample against its integral definition computed
//! here independently, Brier scores, censoring by `as_of`, tasks from their histograms; and
//! the actuals file's problems, each with its line, column and key path.

use launchcast_engine::{Outcomes, Rows, ScenarioInfo, ScenarioOutcomes, TaskStats};
use launchcast_model::{Model, ValidModel};
use launchcast_report::backtest::{
    Actuals, Backtest, Forecast, Kind, Scored, Shown, calibrate, score,
};

const MODEL: &str = r#"
[program]
name = "Hand-made"
start = 2024-01-01
horizon = 2024-12-31
currency = "EUR"

[[task]]
id = "build"
duration = "tri(5d, 10d, 40d)"

[[task]]
id = "test"
duration = "5d"
after = ["build"]

[[promise]]
id = "early"
first_delivery_by = 2024-02-01

[[scenario]]
id = "rushed"
set = { "build.duration" = "10d" }
"#;

fn model() -> Model {
    ValidModel::parse(MODEL, "hand.toml")
        .expect("valid model")
        .into_model()
}

const INF: f32 = f32::INFINITY;

/// Five iterations: first delivery (days) 10.2, 10.7, 20.5, 30, never; deliveries in 2024
/// 0, 0, 0, 100, 200; the promise kept 3 times; task `build` finished at 10, 10, 20, 30 and
/// once not at all.
fn forecast(headline: Vec<f32>) -> Forecast {
    let mut tasks = TaskStats::new(2);
    for d in [10.0, 10.0, 20.0, 30.0] {
        tasks.add_finish(0, d);
    }
    tasks.sampled = 5;
    Forecast {
        outcomes: Outcomes {
            iterations: 5,
            seed: 1,
            horizon_days: 366.0,
            years: vec![2024],
            months: vec![],
            delivers: true,
            spends: true,
            scenarios: vec![ScenarioOutcomes {
                headline_days: headline,
                deliveries_by_year: vec![vec![0.0, 0.0, 0.0, 100.0, 200.0]],
                spend_by_year: vec![vec![1e9, 2e9, 2e9, 3e9, 4e9]],
                promises_kept: vec![3],
                tasks,
                rows: Rows::default(),
            }],
        },
        scenarios: vec![ScenarioInfo {
            id: "base".into(),
            name: "Hand-made".into(),
        }],
    }
}

fn scored(actuals: &str) -> Backtest {
    scored_with(actuals, vec![10.2, 10.7, 20.5, 30.0, INF])
}

fn scored_with(actuals: &str, headline: Vec<f32>) -> Backtest {
    let model = model();
    let a = Actuals::parse(actuals, "actuals.toml", &model).expect("actuals read");
    score(&model, &forecast(headline), &a).expect("scenario run")
}

fn one(b: &Backtest, kind: Kind) -> &Scored {
    b.outcomes.iter().find(|s| s.kind == kind).expect("outcome")
}

/// `∫ (F(x) − 1{x ≥ a})² dx` of the empirical CDF of `xs`, by exact integration between
/// the sorted breakpoints (F is a step function): the definition, not the formula used.
fn crps_by_integral(xs: &[f64], a: f64) -> f64 {
    let mut points: Vec<f64> = xs.to_vec();
    points.push(a);
    points.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let mut total = 0.0;
    for w in points.windows(2) {
        let mid = 0.5 * (w[0] + w[1]);
        let f = xs.iter().filter(|&&x| x <= mid).count() as f64 / n;
        let h = if mid >= a { 1.0 } else { 0.0 };
        total += (w[1] - w[0]) * (f - h) * (f - h);
    }
    total
}

#[test]
fn a_date_ties_with_the_forecast_mass_of_its_day() {
    let b = scored("as_of = 2024-06-30\nfirst_delivery = 2024-01-11\n");
    let s = one(&b, Kind::FirstDelivery);
    // Day 10: 10.2 and 10.7 fall on it, nothing before: PIT = (0 + ½ · 2) / 5.
    assert_eq!(s.pit, Some(0.2));
    assert_eq!(s.pit_range, Some([0.0, 0.4]));
    // Nearest rank over all five (never = +∞): P10 is the 1st value, P90 the 5th.
    assert_eq!(s.p10, Some(Shown::Text("2024-01-11".into())));
    assert_eq!(s.p90, Some(Shown::Text("never".into())));
    assert_eq!(s.inside_p10_p90, Some(true));
    // CRPS at mid-day 10.5, never counted at the horizon's end (day 366): 18.628 by hand.
    let xs: Vec<f64> = [10.2f32, 10.7, 20.5, 30.0, 366.0]
        .iter()
        .map(|&x| f64::from(x))
        .collect();
    let by_integral = crps_by_integral(&xs, 10.5);
    assert!((by_integral - 18.628).abs() < 1e-4, "{by_integral}");
    assert_eq!(s.crps, Some((by_integral * 10.0).round() / 10.0));
    assert_eq!(s.crps, Some(18.6));
    assert!(!s.censored && s.probability.is_none());
}

#[test]
fn never_by_the_horizon_is_the_atom_at_infinity() {
    // as_of at the horizon: "none" is known to be never (by the horizon).
    let b = scored("as_of = 2024-12-31\nfirst_delivery = \"none\"\n");
    let s = one(&b, Kind::FirstDelivery);
    assert_eq!(s.pit, Some(0.9));
    assert_eq!(s.pit_range, Some([0.8, 1.0]));
    assert_eq!(s.inside_p10_p90, Some(true));
    let xs = [10.2f32, 10.7, 20.5, 30.0, 366.0].map(f64::from);
    let by_integral = crps_by_integral(&xs, 366.0);
    assert!((by_integral - 220.048).abs() < 1e-3, "{by_integral}");
    assert_eq!(s.crps, Some(220.0));
    assert!(!s.censored);
}

#[test]
fn none_before_the_horizon_is_censored() {
    // Not by 2024-01-20 (the end of day 19 = 20): P(X ≥ 20) = 3/5, the event happened.
    let b = scored("as_of = 2024-01-20\nfirst_delivery = \"none\"\n");
    let s = one(&b, Kind::FirstDelivery);
    assert!(s.censored);
    assert_eq!(s.probability, Some(0.6));
    assert_eq!(s.brier, Some(0.16));
    assert_eq!((s.pit, s.crps), (None, None));
    // P90 is never: whether the truth lies inside is not known yet.
    assert_eq!(s.inside_p10_p90, None);
    assert_eq!(b.summary.censored, 1);
    assert_eq!(b.summary.ranged, 0);
    // With every iteration delivering by day 15, P90 (day 14) is before as_of: outside.
    let b = scored_with(
        "as_of = 2024-01-20\nfirst_delivery = \"none\"\n",
        vec![10.0, 11.0, 12.0, 13.0, 14.0],
    );
    let s = one(&b, Kind::FirstDelivery);
    assert_eq!(s.inside_p10_p90, Some(false));
    assert_eq!((s.probability, s.brier), (Some(0.0), Some(1.0)));
    assert_eq!(b.summary.share_inside, Some(0.0));
    // Pooled, a censored outcome stays out of the coverage: it is known only when outside.
    let c = calibrate(std::slice::from_ref(&b));
    assert_eq!(c.coverage_p10_p90.outcomes, 0);
    assert_eq!(c.pit_outcomes, 0);
}

#[test]
fn zeros_tie_and_count_by_their_mid_point() {
    let b = scored(
        "as_of = 2024-12-31\n[[deliveries]]\nyear = 2024\ncars = 0\n[[spend]]\nyear = 2024\namount = \"2bn\"\n",
    );
    let d = one(&b, Kind::DeliveriesInYear);
    // Three zeros of five tie with 0: PIT = (0 + ½ · 3) / 5.
    assert_eq!(d.pit, Some(0.3));
    assert_eq!(d.pit_range, Some([0.0, 0.6]));
    // E|X − 0| = 60, E|X − X'| = 2000 / 25 = 80: CRPS = 60 − 40.
    assert_eq!(d.crps, Some(20.0));
    assert_eq!(crps_by_integral(&[0.0, 0.0, 0.0, 100.0, 200.0], 0.0), 20.0);
    assert_eq!(d.inside_p10_p90, Some(true));
    let s = one(&b, Kind::SpendInYear);
    // Two of 2bn: PIT = (1 + ½ · 2) / 5.
    assert_eq!(s.pit, Some(0.4));
    let xs = [1e9, 2e9, 2e9, 3e9, 4e9];
    let want = crps_by_integral(&xs, 2e9);
    assert!((s.crps.unwrap() - want).abs() < 0.1, "{:?} {want}", s.crps);
    assert_eq!(s.unit.as_deref(), Some("EUR"));
}

#[test]
fn promises_are_scored_by_brier() {
    let b = scored("as_of = 2024-12-31\n[[promise]]\nid = \"early\"\nkept = false\n");
    let s = one(&b, Kind::Promise);
    // Kept in 3 of 5 iterations; broken: (0.6 − 0)².
    assert_eq!((s.probability, s.brier), (Some(0.6), Some(0.36)));
    assert_eq!(s.actual, Shown::Flag(false));
    assert_eq!(b.summary.brier, Some(0.36));
    let b = scored("as_of = 2024-12-31\n[[promise]]\nid = \"early\"\nkept = true\n");
    assert_eq!(one(&b, Kind::Promise).brier, Some(0.16));
}

#[test]
fn tasks_are_scored_from_their_histograms() {
    let b = scored("as_of = 2024-12-31\n[[task]]\nid = \"build\"\nfinished = 2024-01-11\n");
    let s = one(&b, Kind::Task);
    // Finishes 10, 10, 20, 30 and one never: day 10 holds two of five.
    assert_eq!(s.pit, Some(0.2));
    assert_eq!(s.inside_p10_p90, Some(true));
    // The histogram's bins are 1/32 day wide here: the CRPS is the sample's to within that.
    let want = crps_by_integral(&[10.0, 10.0, 20.0, 30.0, 366.0], 10.5);
    let got = s.crps.unwrap();
    assert!((got - want).abs() < 0.1, "{got} {want}");
    // Failed: the event "did not finish" had 1/5; the atom at +∞ gives PIT 0.8 + 0.1.
    let b = scored("as_of = 2024-12-31\n[[task]]\nid = \"build\"\nfailed = true\n");
    let s = one(&b, Kind::Task);
    assert_eq!((s.probability, s.brier), (Some(0.2), Some(0.64)));
    assert_eq!(s.pit, Some(0.9));
    assert_eq!(s.inside_p10_p90, Some(true)); // P90 is +∞
    // Unfinished on 2024-01-25 (end of day 25): finishes at or after 25 are 30 and never.
    let b = scored("as_of = 2024-01-25\n[[task]]\nid = \"build\"\nunfinished = true\n");
    let s = one(&b, Kind::Task);
    assert!(s.censored);
    assert_eq!((s.probability, s.brier), (Some(0.4), Some(0.36)));
    assert_eq!((s.pit, s.crps), (None, None));
}

#[test]
fn the_summary_pools_by_unit() {
    let b = scored(
        "as_of = 2024-06-30\nfirst_delivery = 2024-01-11\n[[task]]\nid = \"build\"\nfinished = 2024-01-21\n[[deliveries]]\nyear = 2024\ncars = 0\n[[promise]]\nid = \"early\"\nkept = true\n",
    );
    let m = &b.summary;
    assert_eq!(m.outcomes, 4);
    assert_eq!(m.ranged, 3);
    let crps = |k: Kind| one(&b, k).crps.unwrap();
    // mean_crps averages the outcomes in days only; each kind has its own mean.
    let days = 0.5 * (crps(Kind::FirstDelivery) + crps(Kind::Task));
    assert!(
        (m.mean_crps.unwrap() - days).abs() <= 0.0501,
        "{m:?} {days}"
    );
    assert_eq!(m.mean_crps_by_kind["deliveries_in_year"], 20.0);
    let json = serde_json::to_value(&b).unwrap();
    let keys: Vec<&str> = json["summary"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "outcomes",
        "inside_p10_p90",
        "share_inside",
        "mean_crps",
        "brier",
    ] {
        assert!(keys.contains(&k), "{k} in {keys:?}");
    }
    // Keys that do not apply are absent: a promise has no PIT, a date no year.
    let promise = &json["outcomes"][3];
    assert_eq!(promise["kind"], "promise");
    assert!(promise.get("pit").is_none() && promise.get("year").is_none());
    assert!(json["outcomes"][0].get("id").is_none());
}

/// The first problem of reading `text` as actuals: `line:column key: message (help)`.
fn problem(text: &str) -> String {
    let e = Actuals::parse(text, "a.toml", &model()).expect_err("a problem");
    let p = &e.problems()[0];
    format!(
        "{}:{} {}: {} ({})",
        p.line,
        p.column,
        p.key_path,
        p.message,
        p.help.clone().unwrap_or_default()
    )
}

#[test]
fn bad_actuals_name_the_place_and_the_fix() {
    let p = problem("as_of = 2024-06-30\n[[task]]\nid = \"biuld\"\nfinished = 2024-01-02\n");
    assert_eq!(
        p,
        "3:6 task[0].id: `id` = \"biuld\" is not a task of the model (did you mean `build`?)"
    );
    let p = problem(
        "as_of = 2024-06-30\n[[task]]\nid = \"build\"\nfinished = 2024-01-02\nfailed = true\n",
    );
    assert!(
        p.starts_with("5:10 task[0]: the task gives both `finished` and `failed`"),
        "{p}"
    );
    // A date TOML cannot read is a syntax error at its place; one in a string is ours.
    let p = problem("as_of = 2024-06-30\nfirst_delivery = 2024-13-01\n");
    assert!(
        p.starts_with("2:18 : TOML syntax error at `2024-13-01`"),
        "{p}"
    );
    let p = problem("as_of = 2024-06-30\nfirst_delivery = \"2024-02-30\"\n");
    assert!(
        p.starts_with(
            "2:18 first_delivery: `first_delivery` must be a date, found `\"2024-02-30\"`"
        ),
        "{p}"
    );
    let p = problem("as_of = 2024-06-30\nfirst_delivery = 2024-07-01\n");
    assert!(p.contains("is after `as_of` (2024-06-30)"), "{p}");
    let p = problem("as_of = 2024-06-30\nscenario = \"rushd\"\n");
    assert!(
        p.starts_with("2:12 scenario: `scenario` = \"rushd\" is not a scenario"),
        "{p}"
    );
    assert!(
        p.contains("did you mean `rushed`?") && p.contains("base, rushed"),
        "{p}"
    );
    let p = problem("as_of = 2024-06-30\n[[deliveries]]\nyear = 2023\ncars = 5\n");
    assert!(
        p.contains("`year` = 2023 is not a year of the model (2024 to 2024)"),
        "{p}"
    );
    let p = problem(
        "as_of = 2024-06-30\n[[spend]]\nyear = 2024\namount = \"1bn\"\n[[spend]]\nyear = 2024\namount = \"2bn\"\n",
    );
    assert!(
        p.starts_with("6:8 spend[1].year: spend of 2024 is given twice (first in `spend[0]`)"),
        "{p}"
    );
    let p =
        problem("as_of = 2024-06-30\n[[spend]]\nyear = 2024\namount = \"tri(1bn, 2bn, 3bn)\"\n");
    assert!(p.contains("is a distribution"), "{p}");
    let p = problem("as_of = 2023-12-31\n");
    assert!(
        p.starts_with("1:9 as_of: `as_of` = 2023-12-31 is before the model's start (2024-01-01)"),
        "{p}"
    );
    let p = problem("as_of = 2024-06-30\n[[deliveries]]\nyear = 2024\ncars = -5\n");
    assert!(
        p.starts_with("4:8 deliveries[0].cars: `cars` = -5 is not a number of cars"),
        "{p}"
    );
    let p = problem("first_delivery = 2024-01-02\n");
    assert!(p.contains("as_of"), "{p}");
    let p = problem("as_of = 2024-06-30\nfirst_delivry = 2024-01-02\n");
    assert!(p.contains("did you mean `first_delivery`"), "{p}");
}
