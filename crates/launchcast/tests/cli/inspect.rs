//! `inspect`: counts and the deterministic (most-likely) schedule of a model or a schedule
//! file, as a table and as JSON.

use crate::support::*;

// ---------------------------------------------------------------------------------------------
// 8. `inspect`
// ---------------------------------------------------------------------------------------------

/// a 0..10; b SS+3 → 3..23; c after a+2 (≥ 12) and b:FF (finish ≥ 23) → 12..27;
/// d after b-2d → 21..28; milestone m after c, d and a:SF+20d (finish ≥ 20) → 28.
const SCHEDULE: &str = r#"
[[task]]
id = "a"
duration = "10d"

[[task]]
id = "b"
duration = "20d"
after = ["a:SS+3d"]

[[task]]
id = "c"
duration = "15d"
after = ["a+2d", "b:FF"]

[[task]]
id = "d"
duration = "1w"
after = ["b-2d"]

[[task]]
id = "m"
duration = "0d"
after = ["c", "d", "a:SF+20d"]
"#;

#[test]
fn inspect_gives_the_critical_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "small.toml", &format!("{PROGRAM}{SCHEDULE}"));

    let run = ok(&["inspect", s(&path), "--json"]);
    let j = J::parse(&run.stdout);
    assert_eq!(
        j.keys()[..11],
        [
            "tasks",
            "milestones",
            "summary_tasks",
            "relations",
            "calendars",
            "risks",
            "plants",
            "promises",
            "scenarios",
            "start",
            "finish",
        ]
    );
    assert_eq!(j.get("tasks").num(), 5.0);
    assert_eq!(j.get("milestones").num(), 1.0);
    assert_eq!(j.get("summary_tasks").num(), 0.0);
    assert_eq!(j.get("calendars").num(), 0.0);
    let rel = j.get("relations");
    assert_eq!(rel.keys(), ["FS", "SS", "FF", "SF"]);
    let counts: Vec<f64> = ["FS", "SS", "FF", "SF"]
        .iter()
        .map(|k| rel.get(k).num())
        .collect();
    assert_eq!(counts, [4.0, 1.0, 1.0, 1.0]);
    assert_eq!(j.get("start").str(), "2024-01-01");
    assert_eq!(j.get("finish_days").num(), 28.0);
    assert_eq!(j.get("finish").str(), "2024-01-29");

    let schedule = j.get("schedule").arr();
    let got: Vec<(&str, &str, &str, f64)> = schedule
        .iter()
        .map(|t| {
            (
                t.get("id").str(),
                t.get("start").str(),
                t.get("finish").str(),
                t.get("finish_days").num(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a", "2024-01-01", "2024-01-11", 10.0),
            ("b", "2024-01-04", "2024-01-24", 23.0),
            ("c", "2024-01-13", "2024-01-28", 27.0),
            ("d", "2024-01-22", "2024-01-29", 28.0),
            ("m", "2024-01-29", "2024-01-29", 28.0),
        ]
    );

    let text = ok(&["inspect", s(&path)]).stdout;
    assert!(
        text.contains("5 tasks (1 milestones)"),
        "counts line:\n{text}"
    );
    assert!(text.contains("links: 4 FS, 1 SS, 1 FF, 1 SF"), "{text}");
    assert!(
        text.contains("last finish: 2024-01-29 (28.0 days from 2024-01-01)"),
        "{text}"
    );
}

#[test]
fn inspect_uses_the_mode_and_ignores_risks_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"tri(5d, 12d, 40d)\"\nchance = 0.1\n\n\
         [[task]]\nid = \"fallback\"\nduration = \"5d\"\nafter_failure = [\"a\"]\n\n\
         [[risk]]\nid = \"r\"\nchance = 0.9\ntasks = [\"a\"]\ndelay = \"30d\"\n"
    );
    let path = write_model(dir.path(), "modes.toml", &text);
    let j = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    assert_eq!(j.get("finish_days").num(), 12.0);
    let schedule = j.get("schedule").arr();
    assert_eq!(schedule[0].get("finish_days").num(), 12.0);
    assert_eq!(
        schedule[1].get("finish"),
        &J::Null,
        "a fallback of a task that succeeds never happens"
    );
}

const INSPECT_KEYS: [&str; 8] = [
    "tasks",
    "milestones",
    "summary_tasks",
    "relations",
    "calendars",
    "start",
    "finish",
    "finish_days",
];

#[test]
#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
fn inspect_json_of_a_schedule_equals_the_mpxj_reference() {
    let data = shared_data();
    let path = data.join(TASK_LINKS);
    let j = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    assert_contract_keys_in_order(&j, &INSPECT_KEYS, "inspect --json");
    let J::Obj(fields) = &j else {
        panic!("an object")
    };
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys[..8],
        INSPECT_KEYS,
        "the schedule's counts and dates come first, in order"
    );
    // MPXJ_REFERENCE_SUMMARY.csv: 16 leaf tasks, 1 summary, 0 milestones, 5 FS, 1 SS, 1 FF,
    // 1 SF, 1 calendar, 2014-10-17T08:00 to 2014-11-03T17:00.
    let csv = std::fs::read_to_string(data.join("MPXJ_REFERENCE_SUMMARY.csv")).unwrap();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(&format!("./{TASK_LINKS},")))
        .expect("reference row")
        .split(',')
        .collect();
    let n = |i: usize| row[i].parse::<f64>().unwrap();
    assert_eq!(j.get("tasks").num(), n(6));
    assert_eq!(j.get("summary_tasks").num(), n(5));
    assert_eq!(j.get("milestones").num(), n(7));
    for (k, col) in [("FS", 10), ("SS", 11), ("FF", 12), ("SF", 13)] {
        assert_eq!(j.get("relations").get(k).num(), n(col), "{k}");
    }
    assert_eq!(j.get("calendars").num(), n(14));
    assert_eq!(j.get("start").str(), &row[17][..16]);
    assert_eq!(j.get("finish").str(), &row[18][..16]);
    assert_eq!(j.get("finish_days").num(), 17.375);
    // The table form says the same.
    let text = ok(&["inspect", s(&path)]).stdout;
    assert!(
        text.contains("16 tasks") && text.contains("5 FS, 1 SS, 1 FF, 1 SF"),
        "{text}"
    );
}
