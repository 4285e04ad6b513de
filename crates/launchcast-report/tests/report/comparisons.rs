//! Scenario comparisons on the same iterations, and ties in keeping a promise.

use std::fs;

use launchcast_report::{Pair, render_terminal, summarize, to_json, write_csv};

use crate::fixtures::*;
use crate::html_figures::between;

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
