//! The report's outputs end to end: every CSV table agrees with the JSON result, names from
//! the model cannot act on a terminal, a spreadsheet or a page, and a model without plants
//! (an imported schedule) gets a report about its finish.

use crate::support::*;

// The report's tests read CSV the same way: one parser for both.
#[path = "../../../launchcast-report/tests/report/csv_records.rs"]
mod csv_records;
use csv_records::{formula, parse_csv};

/// One expected CSV row: `(column, JSON value)`.
type Row = Vec<(String, J)>;

/// Every field of `obj` as a column (`rename` maps JSON keys to CSV columns; `skip` leaves
/// out nested values expanded otherwise), after `first`.
fn row(first: &[(&str, J)], obj: &J, rename: &[(&str, &str)], skip: &[&str]) -> Row {
    let mut out: Row = first
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    if let J::Obj(kv) = obj {
        for (k, v) in kv {
            if skip.contains(&k.as_str()) {
                continue;
            }
            let col = rename
                .iter()
                .find(|(from, _)| from == k)
                .map_or(k.as_str(), |(_, to)| to);
            out.push((col.to_string(), v.clone()));
        }
    }
    out
}

/// The rows every CSV file must hold, built from the JSON result alone.
fn expected_tables(j: &J) -> Vec<(&'static str, Vec<Row>)> {
    let scenarios = j.get("scenarios").arr();
    let sid = |sc: &J| ("scenario", sc.get("id").clone());
    let per_scenario = |key: &str, rename: &[(&str, &str)], extra: &dyn Fn(&J, &J) -> Row| {
        scenarios
            .iter()
            .flat_map(|sc| {
                sc.get(key)
                    .arr()
                    .iter()
                    .map(|x| {
                        let mut r = row(&[sid(sc)], x, rename, &["promises"]);
                        r.extend(extra(sc, x));
                        r
                    })
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<Row>>()
    };
    let none = |_: &J, _: &J| Row::new();
    // The reference classes are listed by the JSON and HTML results, not as a CSV table.
    let run = row(&[], j, &[], &["scenarios", "comparisons", "references"]);
    let task_name = |sc: &J, x: &J| -> Row {
        let id = x.get("id").str();
        let name = sc
            .get("tasks")
            .arr()
            .iter()
            .find(|t| t.get("id").str() == id)
            .map_or(J::Str(String::new()), |t| t.get("name").clone());
        vec![("name".to_string(), name)]
    };
    let changes = |_: &J, d: &J| -> Row {
        match d.get("promises") {
            J::Obj(kv) => kv
                .iter()
                .map(|(k, v)| (format!("change_{k}"), v.clone()))
                .collect(),
            _ => Row::new(),
        }
    };
    let first_name = |id: &str| {
        scenarios[0]
            .get("promises")
            .arr()
            .iter()
            .find(|p| p.get("id").str() == id)
            .map_or(J::Str(String::new()), |p| p.get("name").clone())
    };
    let best: Vec<Row> = j
        .get("comparisons")
        .get("best_by_promise")
        .arr()
        .iter()
        .flat_map(|b| {
            b.get("scenarios")
                .arr()
                .iter()
                .map(|s| {
                    vec![
                        ("promise".to_string(), b.get("promise").clone()),
                        ("name".to_string(), first_name(b.get("promise").str())),
                        ("scenario".to_string(), s.clone()),
                        ("probability".to_string(), b.get("probability").clone()),
                    ]
                })
                .collect::<Vec<_>>()
        })
        .collect();
    vec![
        ("run.csv", vec![run]),
        (
            "scenarios.csv",
            scenarios
                .iter()
                .map(|sc| {
                    vec![
                        ("scenario".to_string(), sc.get("id").clone()),
                        ("name".to_string(), sc.get("name").clone()),
                    ]
                })
                .collect(),
        ),
        (
            "promises.csv",
            per_scenario("promises", &[("id", "promise")], &none),
        ),
        (
            "first_delivery.csv",
            scenarios
                .iter()
                .map(|sc| row(&[sid(sc)], sc.get("first_delivery"), &[], &[]))
                .collect(),
        ),
        (
            "deliveries_by_year.csv",
            per_scenario("deliveries_by_year", &[], &none),
        ),
        (
            "spend_by_year.csv",
            per_scenario("spend_by_year", &[], &none),
        ),
        ("tasks.csv", per_scenario("tasks", &[("id", "task")], &none)),
        (
            "sensitivity.csv",
            per_scenario("sensitivity", &[("id", "task")], &task_name),
        ),
        ("correlations.csv", per_scenario("correlations", &[], &none)),
        ("drivers.csv", per_scenario("drivers", &[], &changes)),
        (
            "comparisons.csv",
            j.get("comparisons")
                .get("pairs")
                .arr()
                .iter()
                .map(|p| row(&[], p, &[], &[]))
                .collect(),
        ),
        ("best_by_promise.csv", best),
    ]
}

/// A CSV cell holds the JSON value: text as written (with a leading `'` where it would read
/// as a formula), numbers equal as numbers, null empty.
fn assert_cell(what: &str, cell: &str, v: &J) {
    match v {
        J::Null => assert_eq!(cell, "", "{what}: null"),
        J::Num(x) => {
            let c: f64 = cell
                .parse()
                .unwrap_or_else(|_| panic!("{what}: {cell:?} is not the number {x}"));
            assert_eq!(c, *x, "{what}");
        }
        J::Str(s) => {
            let want = if formula(s) {
                format!("'{s}")
            } else {
                s.clone()
            };
            assert_eq!(cell, want, "{what}");
        }
        J::Bool(b) => assert_eq!(cell, b.to_string(), "{what}"),
        J::Arr(_) | J::Obj(_) => panic!("{what}: nested value {v:?} in a table"),
    }
}

/// Runs `args` with `--json` and `--csv` and checks every CSV file against the JSON.
fn assert_csv_agrees_with_json(args: &[&str]) -> J {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let csv = dir.path().join("csv");
    let mut all = args.to_vec();
    all.extend(["-q", "--json", s(&json), "--csv", s(&csv)]);
    ok(&all);
    let j = J::parse(&std::fs::read_to_string(&json).unwrap());
    let tables = expected_tables(&j);
    let mut names: Vec<String> = std::fs::read_dir(&csv)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut want: Vec<&str> = tables.iter().map(|(n, _)| *n).collect();
    want.sort();
    assert_eq!(names, want, "one file per table, and only those");
    for (name, rows) in &tables {
        let records = parse_csv(&std::fs::read_to_string(csv.join(name)).unwrap());
        let header = &records[0];
        assert_eq!(records.len() - 1, rows.len(), "{name}: rows");
        for (i, (record, expected)) in records[1..].iter().zip(rows).enumerate() {
            assert_eq!(record.len(), header.len(), "{name} row {i}: fields");
            for (col, v) in expected {
                let at = header
                    .iter()
                    .position(|h| h == col)
                    .unwrap_or_else(|| panic!("{name}: no column {col} in {header:?}"));
                assert_cell(&format!("{name} row {i} {col}"), &record[at], v);
            }
            // And nothing in the file that the JSON does not hold.
            assert_eq!(expected.len(), header.len(), "{name}: columns {header:?}");
        }
    }
    j
}

#[test]
fn every_csv_table_agrees_with_the_json() {
    // The example: promises, years, tasks, sensitivity, drivers, comparisons, a tie.
    let j = assert_csv_agrees_with_json(&["run", "-n", "2000", "--seed", "1"]);
    let scenarios = j.get("scenarios").arr();
    assert!(!scenarios[0].get("drivers").arr().is_empty());
    assert!(!scenarios[0].get("sensitivity").arr().is_empty());
    // Correlations and names that read as formulas.
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(
        dir.path(),
        "correlated.toml",
        &format!(
            "{PROGRAM}\n[[task]]\nid = \"a\"\nname = \"=1+1\"\nduration = \"uniform(0d, 100d)\"\n\
             cost = \"tri(1k, 2k, 3k)\"\n\n[[task]]\nid = \"b\"\nname = \"-b\"\n\
             duration = \"uniform(0d, 100d)\"\nafter = [\"a\"]\n\n\
             [[correlate]]\nitems = [\"a\", \"b\"]\nrho = 0.8\n\n\
             [[scenario]]\nid = \"fast\"\nname = \"@fast\"\nset = {{ \"b.duration\" = \"uniform(0d, 50d)\" }}\n"
        ),
    );
    let j = assert_csv_agrees_with_json(&["run", "-n", "3000", s(&model)]);
    let sc = &j.get("scenarios").arr()[0];
    assert_eq!(sc.get("correlations").arr().len(), 1);
    assert!(
        sc.get("tasks")
            .arr()
            .iter()
            .any(|t| t.get("name").str() == "=1+1")
    );
    // Without drivers, the drivers table is a header.
    assert_csv_agrees_with_json(&["run", "-n", "500", "--no-drivers"]);
}

/// Names with terminal escapes, newlines, tabs, markup and formulas, in every kind of item.
const HOSTILE: &str = include_str!("../../../launchcast-report/tests/fixtures/hostile-names.toml");

#[test]
fn hostile_names_are_harmless_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), "hostile.toml", HOSTILE);
    let html = dir.path().join("r.html");
    let run = ok(&["run", s(&model), "-n", "2000", "--html", s(&html)]);
    // Terminal: every character harmless, every line within COLUMNS, one line per row.
    let bad: Vec<char> = run.stdout.chars().filter(|&c| !harmless(c)).collect();
    assert!(
        bad.is_empty(),
        "{bad:?} reach the terminal:\n{}",
        run.stdout
    );
    for line in run.stdout.lines() {
        assert!(line.chars().count() <= 100, "{line}");
    }
    assert!(
        run.stdout
            .contains("\\u{1b}]0;owned\\u{7} program\\r\\nsecond \\u{9b}2J line")
    );
    for id in ["build", "sop"] {
        let row = format!("  Build\\u{{1b}}[2J\\tthe\\nplant ({id})");
        assert!(
            run.stdout
                .lines()
                .any(|l| l.starts_with(&row) && l.ends_with('%')),
            "{row} on one line:\n{}",
            run.stdout
        );
    }
    // Page: no control character, no markup from a name.
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.chars().all(|c| harmless(c) || c == '\t'));
    assert!(!page.contains("<script") && !page.contains("<b>bold"));
    // Spreadsheet: formulas neutralised, numbers as numbers; and the CSV agrees with the JSON.
    assert_csv_agrees_with_json(&["run", s(&model), "-n", "2000"]);
    let csv = dir.path().join("csv");
    ok(&["run", s(&model), "-n", "500", "-q", "--csv", s(&csv)]);
    let mut quoted = 0;
    for e in std::fs::read_dir(&csv).unwrap() {
        let path = e.unwrap().path();
        for record in parse_csv(&std::fs::read_to_string(&path).unwrap()) {
            for cell in record {
                if let Some(rest) = cell.strip_prefix('\'') {
                    assert!(formula(rest), "{}: {cell:?}", path.display());
                    quoted += 1;
                } else if formula(&cell) {
                    assert!(cell.parse::<f64>().is_ok(), "{}: {cell:?}", path.display());
                }
            }
        }
    }
    assert!(quoted >= 5, "{quoted} neutralised cells");
}

/// An imported schedule has no plants, promises or costs: the terminal and the page speak of
/// its finish and leave out deliveries, spend and promises.
#[test]
#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
fn an_imported_schedule_gets_a_report_about_its_finish() {
    let data = shared_data();
    let schedule = data.join("stochastic/robust-psplib-j30/j3010_1Robu.sm");
    let dir = tempfile::tempdir().unwrap();
    let rules = write_model(
        dir.path(),
        "rules.toml",
        "[[rule]]\nduration = \"pert(80%, 100%, 150%)\"\n",
    );
    let html = dir.path().join("r.html");
    let run = ok(&[
        "run",
        s(&schedule),
        "--uncertainty",
        s(&rules),
        "-n",
        "2000",
        "--html",
        s(&html),
    ]);
    assert!(run.stdout.contains("\nFINISH "), "{}", run.stdout);
    for absent in ["DELIVER", "SPEND", "PROMISE", "first delivery", " car"] {
        assert!(!run.stdout.contains(absent), "{absent}:\n{}", run.stdout);
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("When does the project finish?"));
    for absent in [
        "first car",
        "first-delivery",
        "customer",
        r#"id="chart-deliveries""#,
        r#"id="chart-spend""#,
        r#"id="promises""#,
    ] {
        assert!(!page.contains(absent), "{absent} in the page");
    }
    // A project of about six weeks: its histogram has a bar per day, not one per month.
    assert!(page.contains("bars: one per day"));
    let hist = &page[page.find(r#"id="chart-histogram""#).unwrap()..];
    let hist = &hist[..hist.find("</figure>").unwrap()];
    assert!(hist.matches("<title>base: ").count() >= 5, "{hist}");
}
