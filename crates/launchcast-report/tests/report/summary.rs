//! The summary of hand-built outcomes and its JSON form, the stable contract.

use launchcast_engine::TaskStats;
use launchcast_report::{FirstDelivery, Summary, YearSummary, summarize, to_json};

use crate::fixtures::*;

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
    // Field order of the contract (docs/model-format.md, "The JSON result"), checked in the text itself.
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
