//! Closed-form checks of the engine: every expected value below is derived analytically, and
//! every Monte Carlo tolerance is 4 standard errors of the estimate at a fixed seed.

use launchcast_engine::{Outcomes, Plan, RunOptions, run};
use launchcast_model::{
    Calendar, CalendarException, Curve, Date, Dist, Impact, Link, LinkKind, Model, Plant, Program,
    Promise, PromiseKind, Risk, Scenario, Setting, SettingValue, Task, ValidModel,
};

mod calendars;
mod network;
mod production;
mod quantiles;
mod randomness;

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
        references: vec![],
        thin_references: vec![],
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
        started: None,
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
    let plan = Plan::compile(&ValidModel::new(m.clone()).expect("valid model"));
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
