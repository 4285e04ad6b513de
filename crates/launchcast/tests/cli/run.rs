//! `run`: the terminal summary of the bundled example, the JSON result and its contract,
//! determinism across thread counts, scenario selection, and a model without plants.

use crate::support::*;

// ---------------------------------------------------------------------------------------------
// 1. `run` on the bundled example: terminal output
// ---------------------------------------------------------------------------------------------

#[test]
fn run_example_terminal_output() {
    let run = snapshot("run_example", &["run", "-n", "2000", "--seed", "1"]);
    for line in run.stdout.lines() {
        assert!(
            line.chars().count() <= 100,
            "line wider than COLUMNS=100 ({} columns): {line:?}",
            line.chars().count()
        );
    }
    assert_eq!(
        run.stdout.lines().filter(|l| is_timing_line(l)).count(),
        1,
        "exactly one timing line:\n{}",
        run.stdout
    );
}

#[test]
fn run_quiet_prints_nothing() {
    snapshot("run_quiet", &["run", "-n", "500", "--quiet"]);
}

// ---------------------------------------------------------------------------------------------
// 2. The JSON contract
// ---------------------------------------------------------------------------------------------

pub(crate) const TOP_KEYS: [&str; 6] = [
    "launchcast",
    "model",
    "iterations",
    "seed",
    "start",
    "scenarios",
];
pub(crate) const SCENARIO_KEYS: [&str; 7] = [
    "id",
    "name",
    "first_delivery",
    "promises",
    "deliveries_by_year",
    "spend_by_year",
    "tasks",
];
pub(crate) const FIRST_DELIVERY_KEYS: [&str; 10] = [
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
];
pub(crate) const PROMISE_KEYS: [&str; 2] = ["id", "probability"];
pub(crate) const YEAR_KEYS: [&str; 5] = ["year", "mean", "p10", "p50", "p90"];
pub(crate) const TASK_KEYS: [&str; 8] = [
    "id",
    "probability",
    "mean_days",
    "p10_days",
    "p50_days",
    "p80_days",
    "p90_days",
    "criticality",
];

fn assert_probability(v: f64, what: &str) {
    assert!((0.0..=1.0).contains(&v), "{what} = {v} is not in [0, 1]");
}

fn assert_ordered(values: &[Option<f64>], what: &str) {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    assert!(
        present.len() == values.len() || present.is_empty(),
        "{what}: some quantiles missing: {values:?}"
    );
    assert!(
        present.windows(2).all(|w| w[0] <= w[1]),
        "{what}: quantiles not ordered: {values:?}"
    );
}

#[test]
fn run_json_follows_the_contract() {
    let run = ok(&["run", "-n", "2000", "--seed", "1", "--json", "-"]);
    let j = J::parse(&run.stdout);

    assert_contract_keys_in_order(&j, &TOP_KEYS, "top level");
    assert_eq!(j.get("launchcast").str(), env!("CARGO_PKG_VERSION"));
    assert_eq!(j.get("model").str(), "Xiaomi EV launch as seen in mid-2022");
    assert_eq!(j.get("iterations").num(), 2000.0);
    assert_eq!(j.get("seed").num(), 1.0);
    let start = j.get("start").str().to_string();
    assert_eq!(start, "2022-07-01");

    let scenarios = j.get("scenarios").arr();
    let ids: Vec<&str> = scenarios.iter().map(|s| s.get("id").str()).collect();
    assert_eq!(ids, ["base", "go_alone", "hyundai_stake", "baic_cobrand"]);

    for sc in scenarios {
        let id = sc.get("id").str();
        assert_contract_keys(sc, &SCENARIO_KEYS, &format!("scenario {id}"));
        assert!(!sc.get("name").str().is_empty());

        let fd = sc.get("first_delivery");
        let what = format!("{id}.first_delivery");
        assert_contract_keys(fd, &FIRST_DELIVERY_KEYS, &what);
        let p = fd.get("probability").num();
        assert_probability(p, &what);
        assert!(
            p > 0.0,
            "{what}: every route of the example delivers sometimes"
        );
        let days: Vec<Option<f64>> = ["p10_days", "p50_days", "p80_days", "p90_days"]
            .iter()
            .map(|k| fd.get(k).opt_num())
            .collect();
        assert_ordered(&days, &what);
        for (q, d) in ["p10", "p50", "p80", "p90"].iter().zip(&days) {
            let d = d.expect("quantiles exist when the probability is positive");
            assert!(d >= 0.0);
            assert_eq!(
                fd.get(q).str(),
                add_days(&start, d),
                "{what}.{q} is not start + floor({q}_days)"
            );
        }
        let mean = fd.get("mean_days").num();
        assert!(mean.is_finite() && mean >= 0.0, "{what}.mean_days = {mean}");

        let promises = sc.get("promises").arr();
        assert_eq!(promises.len(), 3, "{id}: the example has three promises");
        for pr in promises {
            assert_contract_keys(pr, &PROMISE_KEYS, &format!("{id} promise"));
            assert_probability(pr.get("probability").num(), &format!("{id} promise"));
        }
        assert!(
            promises.iter().any(|p| p.get("id").str().contains("2024")),
            "{id}: a promise about 2024"
        );

        for table in ["deliveries_by_year", "spend_by_year"] {
            let rows = sc.get(table).arr();
            let years: Vec<f64> = rows.iter().map(|r| r.get("year").num()).collect();
            let expected: Vec<f64> = (2022..=2031).map(f64::from).collect();
            assert_eq!(
                years, expected,
                "{id}.{table}: one row per year to the horizon"
            );
            for r in rows {
                let what = format!("{id}.{table}");
                assert_contract_keys(r, &YEAR_KEYS, &what);
                let qs: Vec<Option<f64>> = ["p10", "p50", "p90"]
                    .iter()
                    .map(|k| r.get(k).opt_num())
                    .collect();
                assert_ordered(&qs, &what);
                assert!(r.get("mean").num() >= 0.0, "{what}: negative mean");
            }
        }

        let tasks = sc.get("tasks").arr();
        assert!(!tasks.is_empty());
        for t in tasks {
            let what = format!("{id} task {}", t.get("id").str());
            assert_contract_keys(t, &TASK_KEYS, &what);
            assert_probability(t.get("probability").num(), &what);
            assert_probability(t.get("criticality").num(), &what);
            let days: Vec<Option<f64>> = ["p10_days", "p50_days", "p80_days", "p90_days"]
                .iter()
                .map(|k| t.get(k).opt_num())
                .collect();
            assert_ordered(&days, &what);
        }
    }
    // Common random numbers: in base every route is pursued, so the first car comes at least
    // as often as in any single-route scenario.
    let p = |i: usize| scenarios[i].get("first_delivery").get("probability").num();
    assert!(
        (1..4).all(|i| p(0) >= p(i)),
        "base must dominate the single routes"
    );
}

#[test]
fn run_json_extra_top_level_keys_come_last() {
    let run = ok(&["run", "-n", "200", "--json", "-"]);
    assert_contract_keys(&J::parse(&run.stdout), &TOP_KEYS, "top level");
}

/// Drivers in days, sensitivity and comparisons: present in every scenario with the names the
/// HTML report reads, ordered as documented, and consistent with each other.
#[test]
fn run_json_has_drivers_sensitivity_and_comparisons() {
    let run = ok(&["run", "-n", "2000", "--seed", "1", "--json", "-"]);
    let j = J::parse(&run.stdout);
    let top = j.keys();
    let at = |k: &str| top.iter().position(|x| *x == k).expect("key");
    assert_eq!(at("comparisons"), at("scenarios") + 1, "{top:?}");
    let promise_ids = [
        "first_by_2024",
        "spend_within_pledge",
        "illustrative_300k_by_2026",
    ];
    let scenarios = j.get("scenarios").arr();
    for sc in scenarios {
        let id = sc.get("id").str();
        let drivers = sc.get("drivers").arr();
        assert!(!drivers.is_empty(), "{id}: no drivers");
        let mut last = f64::INFINITY;
        for d in drivers {
            assert_eq!(
                d.keys(),
                ["id", "kind", "p50_days", "p80_days", "promises", "name"],
                "{id}"
            );
            assert!(["risk", "task"].contains(&d.get("kind").str()));
            let p80 = d.get("p80_days").num();
            assert!(p80 <= last, "{id}: drivers not ranked by p80_days");
            last = p80;
            assert_eq!(d.get("promises").keys(), promise_ids, "{id}");
            for p in promise_ids {
                let change = d.get("promises").get(p).num();
                assert!((-1.0..=1.0).contains(&change), "{id}: {p} {change}");
            }
        }
        // Disabled items are no drivers: go_alone has no BAIC talks risk.
        if id == "go_alone" {
            assert!(
                drivers
                    .iter()
                    .all(|d| d.get("id").str() != "partner_talks_collapse")
            );
        }
        let sens = sc.get("sensitivity").arr();
        assert!(!sens.is_empty(), "{id}: no sensitivity");
        let mut last = f64::INFINITY;
        for s in sens {
            assert_eq!(s.keys(), ["id", "spearman", "criticality"]);
            let r = s.get("spearman").opt_num().map_or(-1.0, f64::abs);
            assert!(
                r <= last + 1e-12,
                "{id}: sensitivity not ranked by |spearman|"
            );
            last = r;
            assert_probability(s.get("criticality").num(), "criticality");
        }
    }
    // The licence freeze delays the go-alone route: it adds to that route's P80.
    let go_alone = &scenarios[1];
    let freeze = go_alone
        .get("drivers")
        .arr()
        .iter()
        .find(|d| d.get("id").str() == "licence_freeze")
        .expect("licence_freeze drives go_alone");
    assert!(freeze.get("p80_days").num() > 30.0);
    assert!(freeze.get("promises").get("first_by_2024").num() < 0.0);

    let c = j.get("comparisons");
    assert_eq!(c.keys(), ["pairs", "best_by_promise"]);
    let pairs = c.get("pairs").arr();
    assert_eq!(pairs.len(), 6, "every pair of four scenarios");
    for p in pairs {
        for k in [
            "a",
            "b",
            "p_a_earlier",
            "median_diff_days",
            "p10_diff_days",
            "p90_diff_days",
            "both_happen",
        ] {
            p.get(k);
        }
        let (a, tie) = (p.get("p_a_earlier").num(), p.get("p_tie").num());
        assert!(a >= 0.0 && tie >= 0.0 && a + tie <= 1.0 + 1e-9);
        assert_ordered(
            &["p10_diff_days", "median_diff_days", "p90_diff_days"].map(|k| p.get(k).opt_num()),
            "diff quantiles",
        );
    }
    // Base pursues every route: its first delivery is never later than a single route's.
    for p in &pairs[..3] {
        assert_eq!(p.get("a").str(), "base");
        assert!(p.get("p90_diff_days").num() <= 0.0, "{p:?}");
    }
    let best = c.get("best_by_promise").arr();
    assert_eq!(best.len(), 3);
    assert_eq!(best[0].get("promise").str(), "first_by_2024");
    assert_eq!(best[0].get("scenario").str(), "base");
}

#[test]
fn no_drivers_skips_the_extra_runs() {
    let run = ok(&["run", "-n", "1000", "--no-drivers", "--json", "-"]);
    let j = J::parse(&run.stdout);
    for sc in j.get("scenarios").arr() {
        assert!(sc.get("drivers").arr().is_empty());
        assert!(!sc.get("sensitivity").arr().is_empty());
    }
    let text = ok(&["run", "-n", "1000", "--no-drivers"]).stdout;
    assert!(
        !text.contains("DRIVERS") && text.contains("SENSITIVITY"),
        "{text}"
    );
    assert!(!text.contains("more runs"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// 3. Determinism
// ---------------------------------------------------------------------------------------------

#[test]
fn results_do_not_depend_on_threads_but_on_the_seed() {
    let json = |threads: &str, seed: &str| {
        ok(&[
            "run",
            "-n",
            "20000",
            "--seed",
            seed,
            "--threads",
            threads,
            "--json",
            "-",
        ])
        .stdout
    };
    let one = json("1", "7");
    let two = json("2", "7");
    assert!(one == two, "--threads 1 and --threads 2 differ at seed 7");
    let other = json("2", "8");
    assert_ne!(one, other, "seeds 7 and 8 give the same result");
    let j = J::parse(&other);
    assert_eq!(j.get("seed").num(), 8.0);
    assert_eq!(j.get("iterations").num(), 20000.0);
}

#[test]
fn no_model_runs_the_bundled_example() {
    let args = ["-n", "1000", "--seed", "3", "--json", "-"];
    let bundled = ok(&[&["run"][..], &args].concat()).stdout;
    let file = ok(&[&["run", "examples/xiaomi-2022.toml"][..], &args].concat()).stdout;
    assert_eq!(bundled, file);
}

// ---------------------------------------------------------------------------------------------
// 4. Scenario selection
// ---------------------------------------------------------------------------------------------

#[test]
fn scenario_flag_selects_scenarios() {
    let run = ok(&["run", "-n", "1000", "--scenario", "go_alone", "--json", "-"]);
    let j = J::parse(&run.stdout);
    let ids: Vec<&str> = j
        .get("scenarios")
        .arr()
        .iter()
        .map(|s| s.get("id").str())
        .collect();
    assert_eq!(ids, ["go_alone"]);

    let run = ok(&[
        "run",
        "-n",
        "1000",
        "--scenario",
        "baic_cobrand",
        "--scenario",
        "base",
        "--json",
        "-",
    ]);
    let j = J::parse(&run.stdout);
    let ids: Vec<&str> = j
        .get("scenarios")
        .arr()
        .iter()
        .map(|s| s.get("id").str())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.contains(&"base") && ids.contains(&"baic_cobrand"),
        "{ids:?}"
    );
}

#[test]
fn unknown_scenario_is_bad_input() {
    // Exit 2, no result, and the scenarios that exist.
    snapshot(
        "run_unknown_scenario",
        &["run", "-n", "100", "--scenario", "nope"],
    );
}

// ---------------------------------------------------------------------------------------------
// 9. A model without plants: the first delivery is the finish of the last task
// ---------------------------------------------------------------------------------------------

#[test]
fn no_plants_first_delivery_is_the_last_finish() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"10d\"\n\n\
         [[task]]\nid = \"b\"\nduration = \"20d\"\nafter = [\"a\"]\n"
    );
    let path = write_model(dir.path(), "chain.toml", &text);
    let j = J::parse(&ok(&["run", "-n", "2000", s(&path), "--json", "-"]).stdout);
    let scenarios = j.get("scenarios").arr();
    assert_eq!(scenarios.len(), 1);
    let fd = scenarios[0].get("first_delivery");
    assert_eq!(fd.get("probability").num(), 1.0);
    for k in ["mean_days", "p10_days", "p50_days", "p80_days", "p90_days"] {
        assert_eq!(fd.get(k).num(), 30.0, "first_delivery.{k}");
    }
    for k in ["p10", "p50", "p80", "p90"] {
        assert_eq!(fd.get(k).str(), "2024-01-31", "first_delivery.{k}");
    }
    let tasks = scenarios[0].get("tasks").arr();
    let finish: Vec<(&str, f64, f64)> = tasks
        .iter()
        .map(|t| {
            (
                t.get("id").str(),
                t.get("p50_days").num(),
                t.get("criticality").num(),
            )
        })
        .collect();
    assert_eq!(finish, [("a", 10.0, 1.0), ("b", 30.0, 1.0)]);
    for table in ["deliveries_by_year", "spend_by_year"] {
        for r in scenarios[0].get(table).arr() {
            assert_eq!(r.get("mean").num(), 0.0, "{table}");
        }
    }
}
