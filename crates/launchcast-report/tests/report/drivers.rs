//! Drivers in days: which are measured and what they are worth, against closed forms.

use launchcast_report::{DriverKind, Summary, summarize, to_json};

use crate::fixtures::*;

/// One task of 100 days sets the finish; risk `a` (chance 0.3) adds 60 days to it; risk `b`
/// (chance 0.5) adds 0.1 day to a parallel task that ends by day 20.1 at the latest, so it
/// can never touch the finish. Scenario `likely_a` raises `a`'s chance to 0.9; `no_a`
/// disables it.
pub(crate) const DOMINANT_AND_HARMLESS: &str = r#"
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
    let model = valid(&model);
    let all = model.all_scenarios();
    let candidates = launchcast_report::driver_candidates(&model, &all, &outcomes);
    let ids: Vec<&str> = candidates.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "side"], "risks first, then uncertain tasks");
    assert_eq!(candidates[0].active, [true, true, false]);
    let drivers = launchcast_report::drivers(&model, &all, &outcomes, &opts).expect("drivers");
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
    let model = valid(&model);
    let c = launchcast_report::driver_candidates(&model, &model.all_scenarios(), &outcomes);
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
