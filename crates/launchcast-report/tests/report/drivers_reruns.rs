//! Drivers' reruns made together ([`Plan::run_changes`]) against the method they replace:
//! the changed model compiled again and run in full. Every headline and promise count must
//! be the same, bit for bit, on models with every feature a rerun could get wrong.

use launchcast_engine::{Change, HeadlineOutcomes, Plan, RunOptions, run};
use launchcast_model::{Model, ValidModel};
use launchcast_report::{
    DriverKind, driver_candidates, driver_candidates_ranked, measure_drivers, summarize_ranked,
};

use crate::fixtures::*;

/// The reference: the changed model compiled and run in full, per scenario.
fn reference(model: &ValidModel, change: Change, opts: &RunOptions) -> Vec<HeadlineOutcomes> {
    let changed = match change {
        Change::WithoutRisk(r) => model.without_risk(r),
        Change::DurationFixed(t) => model.with_duration_fixed(t),
    };
    let plan = Plan::compile_selected(&changed, &model.all_scenarios());
    run(&plan, opts)
        .expect("run")
        .scenarios
        .into_iter()
        .map(|so| HeadlineOutcomes {
            headline_days: so.headline_days,
            promises_kept: so.promises_kept,
        })
        .collect()
}

fn bits(h: &HeadlineOutcomes) -> (Vec<u32>, Vec<u64>) {
    (
        h.headline_days.iter().map(|x| x.to_bits()).collect(),
        h.promises_kept.clone(),
    )
}

/// Runs every risk and every task of `model` as a change, in every scenario, and compares
/// each with the reference. Returns how many changes were left to the caller (`None`).
fn compare(model: &Model, iterations: u64, threads: usize) -> usize {
    let model = valid(model);
    let plan = Plan::compile(&model);
    let opts = RunOptions {
        iterations,
        seed: 5,
        threads,
        progress: None,
        statistics: false,
    };
    let scenarios = plan.scenarios().len();
    let changes: Vec<(Change, Vec<bool>)> = (0..model.risks.len())
        .map(Change::WithoutRisk)
        .chain((0..model.tasks.len()).map(Change::DurationFixed))
        .map(|c| (c, vec![true; scenarios]))
        .collect();
    let runs = plan.run_changes(&changes, &opts).expect("run_changes");
    let base: Vec<_> = run(&plan, &opts).expect("run").scenarios;
    assert_eq!(runs.base.len(), scenarios);
    for (b, so) in runs.base.iter().zip(&base) {
        let want = HeadlineOutcomes {
            headline_days: so.headline_days.clone(),
            promises_kept: so.promises_kept.clone(),
        };
        assert_eq!(bits(b), bits(&want), "base");
    }
    let mut left = 0;
    for ((change, _), got) in changes.iter().zip(&runs.changed) {
        let Some(got) = got else {
            left += 1;
            continue;
        };
        let want = reference(&model, *change, &opts);
        assert_eq!(got.len(), want.len());
        for (s, (g, w)) in got.iter().zip(&want).enumerate() {
            let g = g.as_ref().expect("asked for in every scenario");
            assert_eq!(bits(g), bits(w), "{change:?} in scenario {s}");
        }
    }
    left
}

#[test]
fn example_reruns_match_full_runs() {
    let text = include_str!("../../../../examples/xiaomi-2022.toml");
    let model = launchcast_model::parse(text, "examples/xiaomi-2022.toml").expect("example");
    // Not a multiple of the lanes, and more than one block on two threads.
    // It has no correlated durations: every change is rerun.
    assert_eq!(compare(&model, 1000, 1), 0);
    assert_eq!(compare(&model, 9001, 2), 0);
}

/// Every kind of link with lags, alternatives, a fallback, a task that may fail, risks of
/// every kind (one on a fallback's trigger), costs and a spend promise, a not-before date, a
/// working-time calendar, a correlated pair, and a scenario that changes durations, chances
/// and disables a task.
const EVERY_FEATURE: &str = r#"
[program]
name = "Every feature"
start = 2025-01-06
horizon = 2027-12-31
overhead_per_year = "tri(1M, 2M, 4M)"

[[calendar]]
id = "site"

[[task]]
id = "a"
duration = "tri(10d, 15d, 30d)"
cost = "uniform(1M, 2M)"

[[task]]
id = "b"
duration = "pert(5d, 8d, 20d)"
after = ["a:SS+3d"]

[[task]]
id = "c"
duration = "normal(12d, 3d)"
after = ["a:FF+2d", "b"]
calendar = "site"

[[task]]
id = "d"
duration = "uniform(4d, 9d)"
after = ["b:SF-1d"]
chance = 0.8

[[task]]
id = "e"
duration = "tri(3d, 4d, 9d)"
after_failure = ["d"]

[[task]]
id = "f"
duration = "lognormal(6d, 12d)"
after_any = ["d", "e:FS+1d"]
cost = "tri(0.5M, 1M, 3M)"

[[task]]
id = "g"
duration = "tri(2d, 5d, 7d)"
after = ["c:FF+1d"]
calendar = "site"
not_before = 2025-03-03

[[task]]
id = "h"
duration = "tri(8d, 10d, 16d)"
after = ["f", "g"]

[[task]]
id = "i"
duration = "tri(1d, 2d, 4d)"
after = ["a"]

[[task]]
id = "j"
duration = "tri(6d, 9d, 12d)"
after = ["h"]

[[task]]
id = "k"
duration = "tri(6d, 9d, 12d)"
after = ["h"]

[[risk]]
id = "late"
chance = 0.3
tasks = ["b", "h"]
delay = "tri(5d, 10d, 30d)"

[[risk]]
id = "slow"
chance = 0.4
tasks = ["c"]
scale = "1.5"

[[risk]]
id = "broken"
chance = 0.2
tasks = ["d"]
fail = true

[[risk]]
id = "nowhere"
chance = 0.5
tasks = ["i"]
delay = "3d"

[[correlate]]
items = ["j", "k"]
rho = 0.6

[[promise]]
id = "early"
first_delivery_by = 2025-04-30

[[promise]]
id = "budget"
spend_by = { date = 2025-12-31, at_most = "4.5M" }

[[scenario]]
id = "tight"
set = { "b.duration" = "tri(4d, 6d, 9d)", "d.chance" = 0.6, "late.chance" = 0.6 }

[[scenario]]
id = "no_i"
disable = ["i", "broken"]
"#;

#[test]
fn every_feature_reruns_match_full_runs() {
    let model = parse(EVERY_FEATURE);
    // The two correlated tasks are left to full runs.
    assert_eq!(compare(&model, 2000, 0), 2);
}

/// A generated network of `streams` independent interleaved chains: each task after one to
/// three of the previous 20 of its stream, risks on a few tasks, some with a cost and some
/// that may fail, and promises on the finish and spend.
fn network(tasks: usize, streams: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let mut text =
        String::from("[program]\nname = \"net\"\nstart = 2025-01-01\nhorizon = 2040-12-31\n\n");
    for t in 0..tasks {
        let lo = 1 + rng.next() % 20;
        let mode = lo + rng.next() % 10;
        let hi = mode + 1 + rng.next() % 20;
        text += &format!("[[task]]\nid = \"t{t}\"\nduration = \"tri({lo}d, {mode}d, {hi}d)\"\n");
        let before = t / streams;
        if before > 0 {
            let k = 1 + rng.next() % 3;
            let preds: Vec<String> = (0..k)
                .map(|_| {
                    let back = 1 + rng.next() as usize % before.min(20);
                    format!("\"t{}\"", t - back * streams)
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            text += &format!("after = [{}]\n", preds.join(", "));
        }
        if rng.unit() < 0.1 {
            text += "cost = \"uniform(1k, 5k)\"\n";
        }
        if rng.unit() < 0.05 {
            text += "chance = 0.97\n";
        }
        text += "\n";
    }
    for r in 0..4 {
        let t = rng.next() as usize % tasks;
        text += &format!(
            "[[risk]]\nid = \"r{r}\"\nchance = 0.25\ntasks = [\"t{t}\"]\ndelay = \"tri(5d, 10d, 40d)\"\n\n"
        );
    }
    text += "[[promise]]\nid = \"soon\"\nfirst_delivery_by = 2027-06-30\n\n";
    text += "[[promise]]\nid = \"cheap\"\nspend_by = { date = 2026-06-30, at_most = \"100k\" }\n";
    text
}

#[test]
fn generated_network_reruns_match_full_runs() {
    let model = parse(&network(300, 1, 3));
    assert_eq!(compare(&model, 1500, 0), 0);
}

/// Independent streams: each rerun redoes only its own stream's tasks (and, as a promise
/// reads the spend, every later task with a cost) and puts the pass's values back.
#[test]
fn interleaved_streams_reruns_match_full_runs() {
    let model = parse(&network(400, 4, 9));
    assert_eq!(compare(&model, 1100, 0), 0);
}

/// Every candidate is measured in every scenario where it can act.
#[test]
fn example_drivers_cover_every_candidate() {
    let (model, _summary, outcomes) = example_run();
    let model = valid(&model);
    let selection = model.all_scenarios();
    let candidates = driver_candidates(&model, &selection, &outcomes);
    let opts = RunOptions {
        iterations: outcomes.iterations,
        seed: outcomes.seed,
        threads: 0,
        progress: None,
        statistics: false,
    };
    let drivers = measure_drivers(&model, &selection, &candidates, &opts).expect("drivers");
    for (s, list) in drivers.iter().enumerate() {
        let active = candidates.iter().filter(|c| c.active[s]).count();
        assert_eq!(list.len(), active);
        assert!(list.iter().any(|d| d.kind == DriverKind::Task));
    }
}

/// The candidates chosen from the rank correlations kept by the summary are those chosen by
/// computing them again, on networks with many more uncertain tasks than are measured, and on one
/// where many tasks tie (60 parallel copies of one task before a last one).
#[test]
fn candidates_from_the_summary_are_the_exact_ones() {
    let mut ties =
        String::from("[program]\nname = \"ties\"\nstart = 2025-01-01\nhorizon = 2030-12-31\n\n");
    for t in 0..60 {
        ties += &format!("[[task]]\nid = \"p{t}\"\nduration = \"tri(10d, 12d, 15d)\"\n\n");
    }
    let all: Vec<String> = (0..60).map(|t| format!("\"p{t}\"")).collect();
    ties += &format!(
        "[[task]]\nid = \"last\"\nduration = \"tri(1d, 2d, 3d)\"\nafter = [{}]\n",
        all.join(", ")
    );
    for (text, seed) in [
        (network(300, 1, 3), 1),
        (network(400, 4, 9), 2),
        (network(200, 1, 12), 3),
        (ties, 4),
    ] {
        let model = parse(&text);
        let (_, outcomes) = full_run(&model, 3000, seed);
        let model = valid(&model);
        let selection = model.all_scenarios();
        let (_, ranks) = summarize_ranked(&model, Plan::compile(&model).scenarios(), &outcomes);
        let exact = driver_candidates(&model, &selection, &outcomes);
        assert!(exact.iter().filter(|c| c.kind == DriverKind::Task).count() == 30);
        assert_eq!(
            driver_candidates_ranked(&model, &selection, &outcomes, &ranks),
            exact
        );
    }
}
