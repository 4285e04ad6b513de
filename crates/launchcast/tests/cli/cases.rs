//! The library of launch cases (`examples/cases/`): every case checks clean (no observation
//! from after its as-of date) and its forecast is the one on record in
//! `examples/cases/README.md`, to the digit, so that a change to the engine or to a model
//! that moves a recorded forecast is seen before anyone scores it.
//!
//! `LAUNCHCAST_UPDATE_RECORD=1 cargo test -p launchcast --test cli cases` writes the table
//! afresh (then review the difference, as for a snapshot).

use std::path::Path;

use launchcast_model::PromiseKind;
use serde_json::Value;

use crate::support::{ok, s, workspace_root};

/// The seed and iterations of the record.
const SEED: &str = "1";
const ITERATIONS: &str = "10000";
const BEGIN: &str = "<!-- record: begin -->";
const END: &str = "<!-- record: end -->";

use launchcast_report::format::{group_thousands as cars, percent};

/// The record's row for the case at `path`: its forecast at seed 1 and 10,000 iterations.
fn row(path: &Path) -> String {
    let model = launchcast_model::parse_file(path).expect("the case reads");
    assert!(
        model
            .references
            .iter()
            .flat_map(|r| &r.observations)
            .all(|o| !o.hindsight),
        "{}: a case uses no hindsight observation",
        path.display()
    );
    let promised = match model.promises.first().map(|p| &p.kind) {
        Some(PromiseKind::FirstDeliveryBy(d)) => *d,
        other => panic!(
            "{}: the first promise is the headline, a first delivery by a date, not {other:?}",
            path.display()
        ),
    };
    let check = ok(&["check", s(path)]);
    assert!(check.stdout.contains(": valid"), "{}", check.stdout);
    let run = ok(&[
        "run",
        s(path),
        "-n",
        ITERATIONS,
        "--seed",
        SEED,
        "--json",
        "-",
        "-q",
        "--no-history",
    ]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let base = &v["scenarios"][0];
    assert_eq!(base["id"], "base");
    let promise = &base["promises"][0];
    let first = &base["first_delivery"];
    let date = |k: &str| first[k].as_str().unwrap_or("never").to_string();
    let year = promised.year();
    let in_year = |y: i32| {
        let d = base["deliveries_by_year"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["year"] == y)
            .unwrap_or_else(|| panic!("{}: the horizon reaches {y}", path.display()));
        let q = |k: &str| cars(d[k].as_f64().unwrap());
        format!("{y}: {} / {} / {}", q("p10"), q("p50"), q("p90"))
    };
    let stem = path.file_stem().unwrap().to_string_lossy();
    format!(
        "| [{stem}]({stem}.toml) | {} | {} | {} | {} | {} / {} / {} | {} | {} |",
        model.program.start,
        promise["name"].as_str().unwrap(),
        percent(promise["probability"].as_f64().unwrap()),
        percent(first["probability"].as_f64().unwrap()),
        date("p10"),
        date("p50"),
        date("p90"),
        in_year(year + 1),
        in_year(year + 2),
    )
}

#[test]
fn every_case_checks_clean_and_gives_its_recorded_forecast() {
    let root = workspace_root();
    let dir = root.join("examples/cases");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "seven cases at least: {cases:?}");
    let rows: Vec<String> = cases.iter().map(|p| row(p)).collect();
    let readme_path = dir.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("examples/cases/README.md marks its record with {BEGIN} and {END}");
    };
    let header = "| Case | As of | Headline promise | P(kept) | P(first delivery by the horizon) | First delivery P10 / P50 / P90 (of those) | Deliveries, promise year + 1: P10 / P50 / P90 | Promise year + 2: P10 / P50 / P90 |\n| --- | --- | --- | ---: | ---: | --- | --- | --- |";
    let table = format!("{BEGIN}\n{header}\n{}\n", rows.join("\n"));
    if std::env::var_os("LAUNCHCAST_UPDATE_RECORD").is_some() {
        let fresh = format!("{}{table}{}", &readme[..b], &readme[e..]);
        std::fs::write(&readme_path, fresh).unwrap();
        return;
    }
    let recorded = &readme[b..e];
    for (want, case) in rows.iter().zip(&cases) {
        assert!(
            recorded.contains(want.as_str()),
            "{}: the recorded forecast differs from the model's.\nThe model gives:\n{want}\nRecorded:\n{recorded}",
            case.display()
        );
    }
    assert_eq!(
        recorded, table,
        "the record lists exactly the cases, in file order"
    );
}
