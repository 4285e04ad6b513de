//! `backtest`: the worked example's outputs (terminal snapshots of one forecast and of the
//! set, the JSON keys of docs/model-format.md's backtest contract), bad actuals and set
//! files (exit 2 naming the file, line and column, the key and the fix), and the same bytes
//! at any thread count.

use crate::support::*;

const MODEL: &str = "examples/backtest/pilot.toml";
const ACTUALS: &str = "examples/backtest/actuals.toml";
const SET: &str = "examples/backtest/set.toml";

#[test]
fn backtest_example() {
    let run = snapshot(
        "backtest_example",
        &["backtest", MODEL, "--actuals", ACTUALS],
    );
    assert_eq!(run.code, 0);
}

#[test]
fn backtest_set_example() {
    let run = snapshot("backtest_set_example", &["backtest", "--set", SET]);
    assert_eq!(run.code, 0);
}

#[test]
fn json_has_the_contract_keys() {
    let run = ok(&["backtest", MODEL, "--actuals", ACTUALS, "--json", "-"]);
    let j = J::parse(&run.stdout);
    assert_contract_keys_in_order(&j, &["scenario", "outcomes", "summary"], "backtest");
    assert_eq!(j.get("scenario").str(), "base");
    let outcomes = j.get("outcomes").arr();
    let kinds: Vec<&str> = outcomes.iter().map(|o| o.get("kind").str()).collect();
    assert_eq!(
        kinds,
        [
            "first_delivery",
            "task",
            "task",
            "task",
            "deliveries_in_year",
            "spend_in_year",
            "spend_in_year",
            "promise"
        ]
    );
    let contract = [
        "kind",
        "id",
        "year",
        "actual",
        "pit",
        "inside_p10_p90",
        "crps",
        "probability",
        "brier",
    ];
    for o in outcomes {
        contract_first(o, &contract);
    }
    // Keys that do not apply are absent.
    let first = &outcomes[0];
    assert_eq!(first.get("actual").str(), "2024-11-20");
    assert!(!first.keys().contains(&"id") && !first.keys().contains(&"year"));
    assert!(!first.keys().contains(&"brier"));
    let promise = &outcomes[7];
    assert!(!promise.keys().contains(&"pit") && !promise.keys().contains(&"crps"));
    assert_eq!(promise.get("actual"), &J::Bool(true));
    assert_eq!(outcomes[4].get("year").num(), 2024.0);
    assert_eq!(outcomes[1].get("id").str(), "design");
    let summary = j.get("summary");
    assert_contract_keys_in_order(
        summary,
        &[
            "outcomes",
            "inside_p10_p90",
            "share_inside",
            "mean_crps",
            "brier",
        ],
        "summary",
    );
    assert_eq!(summary.get("outcomes").num(), 8.0);
    // Every PIT is a probability and lies in its range.
    for o in outcomes.iter().filter(|o| o.keys().contains(&"pit")) {
        let p = o.get("pit").num();
        let r = o.get("pit_range").arr();
        assert!(r[0].num() <= p && p <= r[1].num() && (0.0..=1.0).contains(&p));
    }
}

/// A task that always finishes has the run's own quantiles: the same ranks of the same
/// histogram, dated as the run dates them.
#[test]
fn quantiles_are_the_runs() {
    let b = J::parse(&ok(&["backtest", MODEL, "--actuals", ACTUALS, "--json", "-"]).stdout);
    let r = J::parse(
        &ok(&[
            "run",
            MODEL,
            "--no-drivers",
            "--scenario",
            "base",
            "--json",
            "-",
        ])
        .stdout,
    );
    let start = r.get("start").str();
    let base = &r.get("scenarios").arr()[0];
    let task = base
        .get("tasks")
        .arr()
        .iter()
        .find(|t| t.get("id").str() == "design")
        .unwrap();
    assert_eq!(task.get("probability").num(), 1.0);
    let outcome = |id: &str| {
        b.get("outcomes")
            .arr()
            .iter()
            .find(|o| o.keys().contains(&"id") && o.get("id").str() == id)
            .unwrap()
            .clone()
    };
    let design = outcome("design");
    for q in ["p10", "p50", "p90"] {
        let days = task.get(&format!("{q}_days")).num();
        assert_eq!(design.get(q).str(), add_days(start, days), "{q}");
    }
}

#[test]
fn outputs_are_the_same_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut texts = Vec::new();
    for threads in ["1", "3"] {
        let json = dir.path().join(format!("b{threads}.json"));
        let html = dir.path().join(format!("b{threads}.html"));
        let args = [
            "backtest",
            MODEL,
            "--actuals",
            ACTUALS,
            "--threads",
            threads,
            "--json",
            s(&json),
            "--html",
            s(&html),
        ];
        let run = ok(&args);
        texts.push((
            run.stdout,
            std::fs::read_to_string(&json).unwrap(),
            std::fs::read_to_string(&html).unwrap(),
        ));
    }
    assert_eq!(texts[0], texts[1]);
    let html = &texts[0].2;
    assert!(html.starts_with("<!DOCTYPE html>"));
    // One chart per outcome with a range (the promise has none).
    assert_eq!(html.matches("<svg xmlns").count(), 7, "{html}");
}

#[test]
fn set_json_pools_the_forecasts() {
    let run = ok(&["backtest", "--set", SET, "--json", "-"]);
    let j = J::parse(&run.stdout);
    assert_contract_keys_in_order(&j, &["set", "forecasts", "calibration"], "set");
    assert_eq!(j.get("forecasts").arr().len(), 3);
    let c = j.get("calibration");
    assert_eq!(c.get("pit_histogram").arr().len(), 10);
    let chi = c.get("chi_square");
    assert_eq!(chi.get("degrees_of_freedom").num(), 9.0);
    let cov = c.get("coverage_p10_p90");
    assert_eq!(cov.get("nominal").num(), 0.8);
    let n = cov.get("outcomes").num();
    let se = cov.get("standard_error").num();
    assert!((se - (0.16 / n).sqrt()).abs() < 1e-4);
    assert!(c.keys().contains(&"coverage_p5_p95") && c.keys().contains(&"reliability"));
    // The two checks of the pilot line come from one run.
    assert_eq!(j.get("runs").num(), 2.0);
    let f = j.get("forecasts").arr();
    let design = |k: usize| {
        f[k].get("outcomes")
            .arr()
            .iter()
            .find(|o| o.keys().contains(&"id") && o.get("id").str() == "design")
            .map(|o| o.get("p50").str().to_string())
    };
    assert_eq!(design(0), design(1));
    assert!(design(0).is_some());
}

/// The contract keys an outcome has (those that do not apply are absent) come in contract
/// order, before any addition.
fn contract_first(o: &J, contract: &[&str]) {
    let keys = o.keys();
    let ours: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| contract.contains(k))
        .collect();
    assert_eq!(
        keys[..ours.len()],
        ours[..],
        "additions come last: {keys:?}"
    );
    let order: Vec<usize> = ours
        .iter()
        .map(|k| contract.iter().position(|c| c == k).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    assert!(
        ours.starts_with(&["kind"]) && ours.contains(&"actual"),
        "{keys:?}"
    );
}

/// Writes `actuals` beside a copy of the example model and runs `backtest` on them.
fn bad_actuals(actuals: &str, needles: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("pilot.toml");
    std::fs::copy(workspace_root().join(MODEL), &model).unwrap();
    let path = write_model(dir.path(), "actuals.toml", actuals);
    let mut all = vec![s(&path)];
    all.extend(needles);
    let run = bad(&["backtest", s(&model), "--actuals", s(&path)], &all);
    assert!(run.stdout.is_empty());
}

#[test]
fn unknown_task_id_is_named_with_a_suggestion() {
    let text = "as_of = 2025-06-30\n[[task]]\nid = \"desing\"\nfinished = 2024-01-02\n";
    let at = format!("actuals.toml:{}", loc(text, "\"desing\""));
    bad_actuals(
        text,
        &[
            &at,
            "task[0].id",
            "\"desing\" is not a task of the model",
            "did you mean `design`?",
        ],
    );
}

#[test]
fn bad_date_is_named() {
    let text = "as_of = 2025-06-30\nfirst_delivery = \"2024-02-30\"\n";
    let at = format!("actuals.toml:{}", loc(text, "\"2024"));
    bad_actuals(
        text,
        &[
            &at,
            "`first_delivery` must be a date, found `\"2024-02-30\"`",
            "YYYY-MM-DD",
        ],
    );
    let text = "as_of = 2025-06-30\nfirst_delivery = 2024-02-30\n";
    let at = format!("actuals.toml:{}", loc(text, "2024-02-30"));
    bad_actuals(text, &[&at, "TOML syntax error", "invalid date"]);
    let text = "as_of = 2025-06-30\nfirst_delivery = 2025-07-01\n";
    bad_actuals(text, &["is after `as_of` (2025-06-30)", "move as_of later"]);
}

#[test]
fn finished_and_failed_are_refused_together() {
    let text =
        "as_of = 2025-06-30\n[[task]]\nid = \"design\"\nfinished = 2024-01-02\nfailed = true\n";
    let at = format!("actuals.toml:{}", loc(text, "true"));
    bad_actuals(
        text,
        &[
            &at,
            "the task gives both `finished` and `failed`",
            "give exactly one",
        ],
    );
}

#[test]
fn wrong_scenario_lists_the_models() {
    let text = "as_of = 2025-06-30\nscenario = \"fast\"\n";
    let at = format!("actuals.toml:{}", loc(text, "\"fast\""));
    bad_actuals(
        text,
        &[
            &at,
            "`scenario` = \"fast\" is not a scenario of the model",
            "base, fast_track",
        ],
    );
}

#[test]
fn a_scenario_other_than_base_is_scored() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(
        dir.path(),
        "fast.toml",
        "as_of = 2025-06-30\nscenario = \"fast_track\"\n[[task]]\nid = \"plant\"\nfinished = 2024-06-28\n",
    );
    let run = ok(&["backtest", MODEL, "--actuals", s(&path), "--json", "-"]);
    let j = J::parse(&run.stdout);
    assert_eq!(j.get("scenario").str(), "fast_track");
    // The faster line of the scenario puts the same finish later in its forecast.
    let base = J::parse(&ok(&["backtest", MODEL, "--actuals", ACTUALS, "--json", "-"]).stdout);
    let pit = |j: &J| {
        j.get("outcomes")
            .arr()
            .iter()
            .find(|o| o.keys().contains(&"id") && o.get("id").str() == "plant")
            .unwrap()
            .get("pit")
            .num()
    };
    assert!(pit(&j) > pit(&base), "{} {}", pit(&j), pit(&base));
}

#[test]
fn bad_sets_name_the_set_and_the_forecast() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(workspace_root().join(MODEL), dir.path().join("pilot.toml")).unwrap();
    std::fs::copy(workspace_root().join(ACTUALS), dir.path().join("ok.toml")).unwrap();
    // A missing key: the set file's own line and key path.
    let text = "[[forecast]]\nmodel = \"pilot.toml\"\nactuals = \"ok.toml\"\n[[forecast]]\nmodel = \"pilot.toml\"\n";
    let set = write_model(dir.path(), "set.toml", text);
    bad(
        &["backtest", "--set", s(&set)],
        &[
            "set.toml:4:1",
            "forecast[1].actuals",
            "missing the required key `actuals`",
        ],
    );
    // A bad actuals file of the second forecast: the forecast, then the actuals' place.
    write_model(
        dir.path(),
        "bad.toml",
        "as_of = 2025-06-30\n[[promise]]\nid = \"first_by_2025\"\nkept = true\n",
    );
    let text = "[[forecast]]\nmodel = \"pilot.toml\"\nactuals = \"ok.toml\"\n\n[[forecast]]\nmodel = \"pilot.toml\"\nactuals = \"bad.toml\"\n";
    let set = write_model(dir.path(), "set.toml", text);
    bad(
        &["backtest", "--set", s(&set)],
        &[
            "error in forecast[1] of the set",
            "set.toml (line 5)",
            "bad.toml:3:6",
            "promise[0].id",
            "did you mean `first_by_2024`?",
        ],
    );
    // A missing model file.
    let set = write_model(
        dir.path(),
        "set.toml",
        "[[forecast]]\nmodel = \"nowhere.toml\"\nactuals = \"ok.toml\"\n",
    );
    bad(
        &["backtest", "--set", s(&set)],
        &["error in forecast[0]", "cannot read", "nowhere.toml"],
    );
    // Neither --set nor both a model and --actuals.
    bad(&["backtest", MODEL], &["backtest needs --actuals"]);
    bad(&["backtest", "--set", SET, MODEL], &["cannot be used with"]);
}
