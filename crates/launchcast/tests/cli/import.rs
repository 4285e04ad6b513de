//! Schedule files (MSPDI, XER, PMXML, MPX, PSPLIB): `import` into a model, `run` with
//! uncertainty rules, broken files, and `[[include]]`: a contractor's schedule merged into a
//! program model.

use std::path::PathBuf;

use crate::support::*;

// ---------------------------------------------------------------------------------------------
// 9. Schedule files: `inspect`, `import`, `run` with uncertainty rules
// ---------------------------------------------------------------------------------------------

/// The hour of day of a schedule's `start` in `inspect --json` (`2012-05-23T08:00`).
fn start_hour(inspect: &J) -> f64 {
    let start = inspect.get("start").str();
    let time = start.split_once('T').map_or("00:00", |(_, t)| t);
    let (h, m) = time.split_once(':').expect("hh:mm");
    h.parse::<f64>().unwrap() + m.parse::<f64>().unwrap() / 60.0
}

fn finish_days_of(args: &[&str]) -> f64 {
    J::parse(&ok(args).stdout).get("finish_days").num()
}

#[test]
#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
fn import_writes_a_model_with_the_same_deterministic_finish() {
    let data = shared_data();
    let dir = tempfile::tempdir().unwrap();
    // A PSPLIB instance: exactly its MPM-Time.
    let sm = data.join("stochastic/robust-psplib-j30/j309_6Robu.sm");
    let text = std::fs::read_to_string(&sm).unwrap();
    let header = text
        .lines()
        .skip_while(|l| !l.contains("MPM-Time"))
        .nth(1)
        .expect("project information row");
    let mpm: f64 = header.split_whitespace().last().unwrap().parse().unwrap();
    let out = dir.path().join("psplib.toml");
    let run = ok(&["import", s(&sm), "-o", s(&out)]);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("0 of 32 tasks uncertain"),
        "{}",
        run.stderr
    );
    assert_eq!(finish_days_of(&["inspect", s(&sm), "--json"]), mpm);
    assert_eq!(finish_days_of(&["inspect", s(&out), "--json"]), mpm);
    ok(&["check", s(&out)]);
    // MSPDI with a working-time calendar and links of every type with lags.
    let xml = data.join(TASK_LINKS);
    let out = dir.path().join("links.toml");
    ok(&["import", s(&xml), "-o", s(&out)]);
    // The schedule counts from its start time (08:00), the model from 00:00 of that day:
    // tasks now run in working time on the schedule's calendars, at their real hours.
    let schedule = J::parse(&ok(&["inspect", s(&xml), "--json"]).stdout);
    let want = schedule.get("finish_days").num() + start_hour(&schedule) / 24.0;
    let got = finish_days_of(&["inspect", s(&out), "--json"]);
    assert!((got - want).abs() < 1e-4, "model {got} vs schedule {want}");
    // To standard output, the same text.
    let stdout = ok(&["import", s(&xml)]).stdout;
    assert_eq!(stdout, std::fs::read_to_string(&out).unwrap());
}

const RULES: &str = r#"
[[rule]]
name = "*task 1*"
duration = "pert(90%, 100%, 140%)"

[[rule]]
duration_min = 1
risk = { id = "rework", chance = 0.2, scale = "tri(1.1, 1.2, 1.5)" }
correlate = 0.4
"#;

#[test]
#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
fn run_a_schedule_file_with_uncertainty_rules() {
    let data = shared_data();
    let dir = tempfile::tempdir().unwrap();
    let rules = write_model(dir.path(), "rules.toml", RULES);
    let xml = data.join(TASK_LINKS);
    let run = ok(&[
        "run",
        s(&xml),
        "--uncertainty",
        s(&rules),
        "-n",
        "2000",
        "--json",
        "-",
    ]);
    let j = J::parse(&run.stdout);
    assert_eq!(j.get("iterations").num(), 2000.0);
    assert!(
        run.stderr.contains("of 16 tasks uncertain"),
        "{}",
        run.stderr
    );
    // Imported with the same rules: the model says what the rules made of it.
    let out = dir.path().join("m.toml");
    let run = ok(&["import", s(&xml), "-o", s(&out), "--uncertainty", s(&rules)]);
    let model = std::fs::read_to_string(&out).unwrap();
    assert!(model.contains("pert("), "{model}");
    assert!(model.contains("[[risk]]\nid = \"rework\""), "{model}");
    assert!(run.stderr.contains("tasks uncertain"), "{}", run.stderr);
    // Without rules a schedule runs with fixed durations.
    let run = ok(&["run", s(&xml), "-n", "100", "--quiet"]);
    assert!(run.stdout.is_empty());
}

#[test]
fn bad_rules_exit_2_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[[rule]]\nname = \"pour\"\nduration = \"pert(90%, 100, 140%)\"\n";
    let rules = write_model(dir.path(), "rules.toml", text);
    let model = write_model(
        dir.path(),
        "m.toml",
        "[program]\nname = \"x\"\nstart = 2024-01-01\nhorizon = 2030-01-01\n\n[[task]]\nid = \"pour\"\nduration = \"10d\"\n",
    );
    let at = format!("{}:{}", s(&rules), loc(text, "\"pert"));
    let run = bad(
        &["run", s(&model), "--uncertainty", s(&rules), "-n", "10"],
        &[&at, "100", "help:"],
    );
    assert!(run.stdout.is_empty());
    bad(&["import", s(&model), "--uncertainty", s(&rules)], &[&at]);
    // A model takes rules too: names match model tasks.
    let good = write_model(
        dir.path(),
        "good.toml",
        "[[rule]]\nname = \"pour\"\nduration = \"tri(90%, 100%, 150%)\"\n",
    );
    let run = ok(&[
        "run",
        s(&model),
        "--uncertainty",
        s(&good),
        "-n",
        "100",
        "--json",
        "-",
    ]);
    assert!(
        run.stderr.contains("1 of 1 tasks uncertain"),
        "{}",
        run.stderr
    );
    bad(&["run", "--uncertainty", s(&good)], &["--uncertainty"]);
}

#[test]
fn truncated_and_foreign_schedule_files_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // A real file where the shared data is, else a small one of the same format.
    let full = if cfg!(shared_data) {
        std::fs::read(shared_data().join("aspose-tasks-net/MultiprojectWithExternal.xer")).unwrap()
    } else {
        b"ERMHDR\t8.0\n%T\tPROJECT\n%F\tproj_id\n%R\t1\n%E\n".to_vec()
    };
    for cut in [full.len() / 3, full.len() - 4] {
        let path = write_model(dir.path(), "cut.xer", "");
        std::fs::write(&path, &full[..cut]).unwrap();
        for cmd in ["inspect", "import", "run"] {
            let run = bad(&[cmd, s(&path)], &[s(&path), "line"]);
            assert!(run.stdout.is_empty(), "{cmd}");
        }
    }
    let out = dir.path().join("never.toml");
    let bin = write_model(dir.path(), "x.xer", "\u{0}\u{1}binary");
    bad(&["import", s(&bin), "-o", s(&out)], &[s(&bin)]);
    assert!(!out.exists());
    bad(
        &[
            "import",
            s(&bin),
            "-o",
            s(&dir.path().join("no/such/dir.toml")),
        ],
        &["does not exist"],
    );
}

// ---------------------------------------------------------------------------------------------
// [[include]]: a contractor's schedule merged into a program model as `plant/<task id>`
// ---------------------------------------------------------------------------------------------

/// Three tasks from Monday 2023-01-02 08:00 on the standard calendar: site works (10 d),
/// building (20 d), the commissioning milestone (task 3).
pub(crate) const PLANT_MPX: &str = "MPX,Microsoft Project,4.0\n\
    30,Plant build,,,,01/02/2023 08:00,\n\
    61,1,2,3,40,50,70,81,90,98\n\
    70,Site works,1,1,10d,01/02/2023 08:00,,No,1,1\n\
    70,Building,2,1,20d,,1,No,2,2\n\
    70,Commissioning,3,1,0d,,2,Yes,3,3\n";

/// Two plants that make their first car at once: the contractor's starts at the included
/// milestone, ours 2 days + 30 days of tooling later.
const INCLUDING_MODEL: &str = r#"[program]
name = "Launch with a contractor's plant"
start = 2022-11-01
horizon = 2026-12-31

[[include]]
file = "plant.mpx"
prefix = "plant"

[[task]]
id = "tooling"
duration = "30d"
after = ["plant/t3:FS+2d"]

[[plant]]
id = "contractor"
capacity = 1000000000
starts = "plant/t3"
ramp = "1d"
ramp_start = 1.0

[[plant]]
id = "own"
capacity = 1000000000
starts = "tooling"
ramp = "1d"
ramp_start = 1.0

[[scenario]]
id = "own_only"
disable = ["contractor"]
"#;

fn include_dir(model: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    write_model(dir.path(), "plant.mpx", PLANT_MPX);
    let path = write_model(dir.path(), "program.toml", model);
    (dir, path)
}

/// A program model with no tasks of its own: the included schedule's are enough to simulate.
#[test]
fn a_model_whose_tasks_all_come_from_includes_runs() {
    let model = "[program]\nname = \"Contractor only\"\nstart = 2022-11-01\nhorizon = 2026-12-31\n\n\
                 [[include]]\nfile = \"plant.mpx\"\nprefix = \"plant\"\n";
    let (_dir, path) = include_dir(model);
    let inspect = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    assert_eq!(inspect.get("tasks").num(), 3.0);
    let run = ok(&["run", s(&path), "-n", "20", "--no-drivers", "--json", "-"]);
    let result = J::parse(&run.stdout);
    assert_eq!(result.get("scenarios").arr().len(), 1);
}

#[test]
fn included_milestone_starts_production_at_its_planned_date() {
    let (dir, path) = include_dir(INCLUDING_MODEL);
    // The schedule's own deterministic finish, in days from its start (2023-01-02).
    let mpx = dir.path().join("plant.mpx");
    let own = J::parse(&ok(&["inspect", s(&mpx), "--json"]).stdout);
    let own_finish = own.get("finish_days").num();
    // In the program: the same finish, counted from the program's start (62 days earlier).
    let merged = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    let t3 = merged
        .get("schedule")
        .arr()
        .iter()
        .find(|t| t.get("id").str() == "plant/t3")
        .expect("plant/t3 in the schedule")
        .get("finish_days")
        .num();
    // The program counts from 00:00, the schedule from its start time.
    let own_finish = own_finish + start_hour(&own) / 24.0;
    assert!(
        (t3 - (62.0 + own_finish)).abs() < 1e-4,
        "{t3} vs 62 + {own_finish}"
    );
    let run = ok(&["run", s(&path), "-n", "20", "--no-drivers", "--json", "-"]);
    let result = J::parse(&run.stdout);
    let p50 = |scenario: usize| {
        result.get("scenarios").arr()[scenario]
            .get("first_delivery")
            .get("p50_days")
            .num()
    };
    // JSON days carry one decimal.
    assert!((p50(0) - t3).abs() < 0.06, "{} vs {t3}", p50(0));
    assert!(
        (p50(1) - (t3 + 32.0)).abs() < 0.06,
        "{} vs {t3} + 32",
        p50(1)
    );
}

#[test]
fn check_counts_included_tasks_and_rules() {
    let model = INCLUDING_MODEL.replace(
        "prefix = \"plant\"\n",
        "prefix = \"plant\"\nuncertainty = \"rules.toml\"\n",
    );
    let (dir, path) = include_dir(&model);
    write_model(
        dir.path(),
        "rules.toml",
        "[[rule]]\nname = \"*build*\"\nduration = \"pert(90%, 100%, 150%)\"\n\n\
         [[rule]]\nname = \"site*\"\nrisk = { id = \"storm\", chance = 0.2, delay = \"5d\" }\n",
    );
    let run = ok(&["check", s(&path)]);
    assert!(run.stdout.contains("plant/t3"), "{}", run.stdout);
    assert!(run.stdout.contains("plant_storm"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("include plant: 3 tasks (1 milestones) from"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2 of 3 tasks uncertain"),
        "{}",
        run.stdout
    );
    // `run` says it too, on standard error.
    let run = ok(&["run", s(&path), "-n", "50", "--no-drivers"]);
    assert!(
        run.stderr.contains("2 of 3 tasks uncertain"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_included_task_exits_2_at_its_line() {
    let model = INCLUDING_MODEL.replace("starts = \"plant/t3\"", "starts = \"plant/xyz\"");
    let (_dir, path) = include_dir(&model);
    let at = loc(&model, "\"plant/xyz\"");
    for cmd in ["check", "run", "inspect"] {
        let run = bad(
            &[cmd, s(&path)],
            &[
                &format!("{}:{at}", s(&path)),
                "plant[0].starts",
                "`plant/xyz`",
                "nearest included id is `plant/t",
            ],
        );
        assert!(run.stdout.is_empty(), "{cmd}");
    }
}

#[test]
fn missing_or_bad_included_file_exits_2_at_the_include_line() {
    let model = INCLUDING_MODEL.replace("file = \"plant.mpx\"", "file = \"gone.xer\"");
    let (_dir, path) = include_dir(&model);
    let at = loc(&model, "\"gone.xer\"");
    for cmd in ["check", "run", "inspect"] {
        bad(
            &[cmd, s(&path)],
            &[&format!("{}:{at}", s(&path)), "include[0].file", "gone.xer"],
        );
    }
    let (dir, path) = include_dir(INCLUDING_MODEL);
    write_model(
        dir.path(),
        "plant.mpx",
        "MPX,Microsoft Project,4.0\n61,1,40\n70,A,5zz\n",
    );
    bad(
        &["check", s(&path)],
        &[
            &format!("{}:{}", s(&path), loc(INCLUDING_MODEL, "\"plant.mpx\"")),
            "line 3",
            "5zz",
        ],
    );
}
