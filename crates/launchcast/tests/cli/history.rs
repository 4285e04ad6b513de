//! The run history through the command line: every `run` recorded beside its model,
//! `history` listing them with the figures the runs printed, `history diff` naming the keys
//! changed and the promises moved, and the places a history cannot be written.

use std::process::Command;

use crate::support::*;

/// The binary with the history on, as a user has it.
fn recording(args: &[&str]) -> Command {
    let mut c = command(args);
    c.env_remove("LAUNCHCAST_HISTORY");
    c
}

fn run_ok(args: &[&str]) -> Run {
    let r = Run::from(args, recording(args).output().expect("runs"));
    assert_eq!(r.code, 0, "{:?}: {}", r.args, r.stderr);
    r
}

fn run_bad(args: &[&str], needles: &[&str]) {
    let r = Run::from(args, recording(args).output().expect("runs"));
    assert_eq!(r.code, 2, "{:?}: {}", r.args, r.stderr);
    let err = r.err_flat();
    for n in needles {
        assert!(err.contains(n), "{n:?} not in {err}");
    }
}

const MODEL: &str = r#"[program]
name = "History"
start = 2022-07-01
horizon = 2030-12-31
iterations = 4000
seed = 5

[[task]]
id = "licence"
duration = "tri(3mo, 6mo, 12mo)"
chance = 0.8   # the regulator's answer

[[task]]
id = "build"
duration = "tri(10mo, 14mo, 20mo)"

[[plant]]
id = "plant"
capacity = 100000
starts = "build"
ramp = "tri(3mo, 6mo, 9mo)"

[[task]]
id = "sop"
duration = "0d"
after = ["licence", "build"]

[[promise]]
id = "first_by_2024"
first_delivery_by = 2024-06-30
"#;

fn promise(json: &J) -> f64 {
    json.get("scenarios").arr()[0].get("promises").arr()[0]
        .get("probability")
        .num()
}

#[test]
fn runs_are_recorded_beside_the_model_and_compared() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "m.toml", MODEL);
    let first = J::parse(&run_ok(&["run", s(&path), "--no-drivers", "--json", "-"]).stdout);
    std::fs::write(&path, MODEL.replace("chance = 0.8", "chance = 0.5")).unwrap();
    let second = J::parse(&run_ok(&["run", s(&path), "--no-drivers", "--json", "-"]).stdout);
    assert!(dir.path().join(".launchcast/history.db").is_file());

    let listed = J::parse(&run_ok(&["history", s(&path), "--json"]).stdout);
    let runs = listed.arr();
    assert_eq!(runs.len(), 2);
    // Newest first, with the figures the runs gave.
    assert_eq!(runs[0].get("id").num(), 2.0);
    let recorded = |r: &J| {
        r.get("headline").get("scenarios").arr()[0]
            .get("promises")
            .arr()[0]
            .get("probability")
            .num()
    };
    assert_eq!(recorded(&runs[0]), promise(&second));
    assert_eq!(recorded(&runs[1]), promise(&first));
    assert_eq!(runs[1].get("seed").num(), 5.0);
    assert_eq!(runs[1].get("iterations").num(), 4000.0);

    let db = dir.path().join(".launchcast/history.db");
    let text = run_ok(&["history", "diff", "1", "2", "--history", s(&db)]).stdout;
    assert!(text.contains("same seed and iterations"), "{text}");
    assert!(
        text.contains("~ task.licence.chance = 0.8 -> 0.5"),
        "{text}"
    );
    let diff =
        J::parse(&run_ok(&["history", "diff", "1", "2", "--history", s(&db), "--json"]).stdout);
    let moved = diff
        .get("figures")
        .arr()
        .iter()
        .find(|f| f.get("what").str() == "promise first_by_2024")
        .map(|f| f.get("change").num())
        .expect("the promise is compared");
    let expected = ((promise(&second) - promise(&first)) * 1e4).round() / 1e4;
    assert!(
        (moved - expected).abs() < 1e-9,
        "{moved} against {expected}"
    );
}

#[test]
fn runs_at_once_are_all_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "m.toml", MODEL);
    let children: Vec<_> = (0..4)
        .map(|seed| {
            recording(&[
                "run",
                s(&path),
                "--no-drivers",
                "-q",
                "--seed",
                &seed.to_string(),
            ])
            .spawn()
            .expect("starts")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let listed = J::parse(&run_ok(&["history", s(&path), "--json"]).stdout);
    let mut seeds: Vec<f64> = listed.arr().iter().map(|r| r.get("seed").num()).collect();
    seeds.sort_by(f64::total_cmp);
    assert_eq!(seeds, [0.0, 1.0, 2.0, 3.0]);
}

#[test]
fn no_history_and_unwritable_histories() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "m.toml", MODEL);
    run_ok(&["run", s(&path), "--no-drivers", "-q", "--no-history"]);
    assert!(!dir.path().join(".launchcast").exists());
    // An explicit database that cannot be made stops the run before any work or output.
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let db = blocker.join("h.db");
    let json = dir.path().join("out.json");
    run_bad(
        &["run", s(&path), "--history", s(&db), "--json", s(&json)],
        &["h.db", "--no-history"],
    );
    assert!(!json.exists());
    // Reading never creates a database.
    run_bad(
        &["history", s(&path)],
        &["no history database", "--history"],
    );
    run_bad(
        &[
            "history",
            "diff",
            "1",
            "2",
            "--history",
            s(&dir.path().join("none.db")),
        ],
        &["none.db"],
    );
    run_ok(&["run", s(&path), "--no-drivers", "-q"]);
    let db = dir.path().join(".launchcast/history.db");
    run_bad(
        &["history", "diff", "1", "7", "--history", s(&db)],
        &["no run 7"],
    );
}

#[test]
fn a_recorded_run_is_scored_as_its_model_file_is() {
    let dir = tempfile::tempdir().unwrap();
    let root = workspace_root();
    let text = std::fs::read_to_string(root.join("examples/backtest/pilot.toml")).unwrap();
    let model = write_model(dir.path(), "pilot.toml", &text);
    let actuals = root.join("examples/backtest/actuals.toml");
    run_ok(&["run", s(&model), "--no-drivers", "-q", "--seed", "9"]);
    // The file changes after the run: the recorded text is what is scored.
    std::fs::write(
        &model,
        text.replace("name = ", "name = \"changed\"\nnot_a_key = "),
    )
    .unwrap();
    let db = dir.path().join(".launchcast/history.db");
    let recorded = run_ok(&[
        "backtest",
        "--run",
        "1",
        "--history",
        s(&db),
        "--actuals",
        s(&actuals),
        "--json",
        "-",
    ])
    .stdout;
    std::fs::write(&model, &text).unwrap();
    let direct = run_ok(&[
        "backtest",
        s(&model),
        "--actuals",
        s(&actuals),
        "--seed",
        "9",
        "--json",
        "-",
    ])
    .stdout;
    assert_eq!(recorded, direct);
    run_bad(
        &[
            "backtest",
            "--run",
            "5",
            "--history",
            s(&db),
            "--actuals",
            s(&actuals),
        ],
        &["no run 5"],
    );
}

#[test]
fn a_recorded_run_finds_its_shared_reference_file_beside_its_model() {
    let dir = tempfile::tempdir().unwrap();
    let root = workspace_root();
    let pilot = std::fs::read_to_string(root.join("examples/backtest/pilot.toml")).unwrap();
    let from = "duration = \"pert(10mo, 13mo, 20mo)\"";
    assert_eq!(pilot.matches(from).count(), 1);
    let text = format!(
        "{}\n[[include]]\nreferences = \"../refs/lines.toml\"\n",
        pilot.replace(from, "duration = \"ref(line_build)\"")
    );
    std::fs::create_dir_all(dir.path().join("refs")).unwrap();
    std::fs::write(
        dir.path().join("refs/lines.toml"),
        "[[reference]]\nid = \"line_build\"\nobservations = [\n  { case = \"a\", value = \"9mo\", source = \"s\", date = 2001-01-01 },\n  { case = \"b\", value = \"15mo\", source = \"s\", date = 2002-01-01 },\n]\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("cases")).unwrap();
    let model = write_model(&dir.path().join("cases"), "pilot.toml", &text);
    let actuals = root.join("examples/backtest/actuals.toml");
    run_ok(&["run", s(&model), "--no-drivers", "-q", "--seed", "9"]);
    let db = dir.path().join("cases/.launchcast/history.db");
    let args = |first: &[&str]| {
        let mut a: Vec<String> = first.iter().map(|x| x.to_string()).collect();
        a.extend(["--actuals", s(&actuals), "--json", "-"].map(String::from));
        a
    };
    let recorded = args(&["backtest", "--run", "1", "--history", s(&db)]);
    let recorded: Vec<&str> = recorded.iter().map(String::as_str).collect();
    let direct = args(&["backtest", s(&model), "--seed", "9"]);
    let direct: Vec<&str> = direct.iter().map(String::as_str).collect();
    assert_eq!(run_ok(&recorded).stdout, run_ok(&direct).stdout);
}
