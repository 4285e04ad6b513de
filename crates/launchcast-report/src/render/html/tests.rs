//! The HTML report of a small model: charts drawn from typed results, placeholders where
//! results were not computed, text from the model escaped.

use super::*;
use crate::{BestByPromise, Comparisons, Driver, Pair, PromiseChanges, Sensitivity};

const MODEL: &str = r#"
[program]
name = "Two <routes> & a plant"
start = 2022-07-01
horizon = 2026-12-31
currency = "EUR"

[[task]]
id = "build"
name = "Build the plant"
duration = "tri(6mo, 9mo, 18mo)"
cost = "tri(1bn, 2bn, 3bn)"

[[task]]
id = "licence"
duration = "tri(2mo, 4mo, 8mo)"
chance = 0.8

[[risk]]
id = "strike"
name = "Builders strike"
chance = 0.3
tasks = ["build"]
delay = "tri(1mo, 2mo, 6mo)"

[[plant]]
id = "p1"
capacity = 100000
starts = "build"
ramp = "tri(3mo, 6mo, 12mo)"

[[promise]]
id = "first_2023"
name = "First car in 2023"
first_delivery_by = 2023-12-31

[[promise]]
id = "budget"
spend_by = { date = 2026-12-31, at_most = "4bn" }

[[scenario]]
id = "fast"
name = "Fast build"
set = { "build.duration" = "tri(5mo, 7mo, 10mo)" }
"#;

fn run() -> (Model, Summary, Outcomes) {
    let model = launchcast_model::ValidModel::parse(MODEL, "test.toml").expect("model");
    let plan = launchcast_engine::Plan::compile(&model);
    let outcomes = launchcast_engine::run(
        &plan,
        &launchcast_engine::RunOptions {
            iterations: 1000,
            seed: 3,
            threads: 1,
            progress: None,
            statistics: true,
        },
    )
    .expect("run");
    let summary = crate::summarize(&model, plan.scenarios(), &outcomes);
    (model.into_model(), summary, outcomes)
}

/// The markup of chart `id`, up to the end of its `<svg>`.
fn chart<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!(r#"id="{id}""#)).expect(id);
    let rest = &html[at..];
    &rest[..rest.find("</figure>").expect("figure end")]
}

#[test]
fn drivers_sensitivity_and_comparisons_are_drawn_when_present() {
    let (model, mut summary, outcomes) = run();
    let changes = |list: &[(&str, f64)]| {
        PromiseChanges(list.iter().map(|&(k, v)| (k.to_string(), v)).collect())
    };
    let driver = |id: &str, kind, p50, p80, promises| Driver {
        id: id.to_string(),
        kind,
        p50_days: p50,
        p80_days: p80,
        promises,
        name: String::new(),
    };
    for (k, s) in summary.scenarios.iter_mut().enumerate() {
        s.drivers = vec![
            driver(
                "strike",
                DriverKind::Risk,
                Some(20.5 - k as f64),
                Some(61.0),
                changes(&[("first_2023", -0.12), ("budget", 0.0)]),
            ),
            driver(
                "build",
                DriverKind::Task,
                Some(10.0),
                Some(25.0),
                changes(&[("first_2023", -0.05)]),
            ),
            driver("licence", DriverKind::Task, None, None, changes(&[])),
        ];
        let sensitivity = |id: &str, spearman, criticality| Sensitivity {
            id: id.to_string(),
            spearman: Some(spearman),
            criticality,
        };
        s.sensitivity = vec![
            sensitivity("build", 0.83, 0.9),
            sensitivity("licence", -0.1, 0.1),
        ];
    }
    summary.comparisons = Comparisons {
        pairs: vec![Pair {
            a: "base".to_string(),
            b: "fast".to_string(),
            p_a_earlier: 0.12,
            median_diff_days: Some(45.0),
            p10_diff_days: Some(0.0),
            p90_diff_days: Some(120.0),
            both_happen: 0.9,
            p_tie: 0.05,
        }],
        best_by_promise: vec![BestByPromise {
            promise: "first_2023".to_string(),
            scenario: "fast".to_string(),
            probability: 0.7,
            scenarios: Vec::new(),
        }],
    };
    let html = render_html(&model, &summary, &outcomes);
    let tornado = chart(&html, "chart-tornado");
    assert!(!tornado.contains("not computed"));
    assert!(
        tornado.contains("Builders strike (risk)"),
        "names from the model"
    );
    assert!(tornado.contains("+61 d"));
    assert!(
        tornado.contains("first_2023 -12.0 points"),
        "promise changes in tooltips"
    );
    assert!(
        !tornado.contains("licence (task)"),
        "a driver with no effect is left out"
    );
    let sens = chart(&html, "chart-sensitivity");
    assert!(!sens.contains("not computed"));
    assert!(sens.contains("base · build: +0.83"));
    assert!(
        sens.contains(">-1.0<"),
        "a negative correlation widens the axis to -1"
    );
    let cmp = &html[html.find(r#"id="comparisons""#).unwrap()..];
    assert!(cmp.contains("12.0%") && cmp.contains("+45 d") && cmp.contains("+0 d to +120 d"));
    assert!(cmp.contains("Kept most often by"));
    // Text from the model is escaped everywhere.
    assert!(html.contains("Two &lt;routes&gt; &amp; a plant"));
    assert!(!html.contains("<routes>"));
}

#[test]
fn placeholders_when_not_computed_and_promise_dots_match_the_table() {
    let (model, mut summary, outcomes) = run();
    for s in &mut summary.scenarios {
        s.drivers.clear();
        s.sensitivity.clear();
    }
    summary.comparisons = Comparisons::default();
    let html = render_html(&model, &summary, &outcomes);
    assert!(chart(&html, "chart-tornado").contains("not computed"));
    assert!(chart(&html, "chart-sensitivity").contains("not computed"));
    assert!(html.contains("comparisons were not computed"));
    // The figure beside each promise dot is the promise's probability in the table.
    let cdf = chart(&html, "chart-cdf");
    for s in &summary.scenarios {
        let p = percent(s.promises[0].probability);
        assert!(cdf.contains(&format!(">{p}<")), "{p} on the S-curve");
    }
    assert!(cdf.contains("First car in 2023 (2023-12-31)"));
    // The budget is drawn on the spend chart, in the model's currency.
    assert!(chart(&html, "chart-spend").contains("budget: EUR 4bn by 2026-12-31"));
}
