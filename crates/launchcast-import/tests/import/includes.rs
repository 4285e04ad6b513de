//! `[[include]]`: a program model with a contractor's schedule merged in as
//! `plant/<task id>`.

use launchcast_import::load_model;
use launchcast_model::{Date, Dist, Impact};

/// Three tasks from 2023-01-02 08:00 (a Monday) on the standard calendar: site works
/// (10 d), building (20 d), the commissioning milestone.
const PLANT_MPX: &str = "MPX,Microsoft Project,4.0\n\
    30,Plant build,,,,01/02/2023 08:00,\n\
    61,1,2,3,40,50,70,81,90,98\n\
    70,Site works,1,1,10d,01/02/2023 08:00,,No,1,1\n\
    70,Building,2,1,20d,,1,No,2,2\n\
    70,Commissioning,3,1,0d,,2,Yes,3,3\n";

const RULES: &str = "[[rule]]\nname = \"*build*\"\nduration = \"pert(90%, 100%, 150%)\"\n\
    risk = { id = \"storm\", chance = 0.2, delay = \"tri(5d, 10d, 20d)\" }\n\n\
    [[rule]]\nid = \"t1\"\nduration = \"tri(95%, 100%, 120%)\"\n";

const MODEL: &str = r#"[program]
name = "Launch with a contractor's plant"
start = 2022-11-01
horizon = 2026-12-31

[[include]]
file = "sub/plant.mpx"
prefix = "plant"
uncertainty = "sub/rules.toml"

[[task]]
id = "tooling"
duration = "30d"
after = ["plant/t3:FS+2d"]

[[risk]]
id = "late_permit"
chance = 0.1
tasks = ["plant/t2"]
delay = "1mo"

[[plant]]
id = "line_1"
capacity = 100000
starts = "plant/t3"
ramp = "6mo"
"#;

fn setup(model: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/plant.mpx"), PLANT_MPX).unwrap();
    std::fs::write(dir.path().join("sub/rules.toml"), RULES).unwrap();
    let path = dir.path().join("model.toml");
    std::fs::write(&path, model).unwrap();
    (dir, path)
}

fn line_of(text: &str, token: &str) -> usize {
    text.lines().position(|l| l.contains(token)).expect("token") + 1
}

#[test]
fn included_tasks_are_merged_with_prefixed_ids_real_dates_and_rules() {
    let (_dir, path) = setup(MODEL);
    let r = load_model(&path).unwrap();
    let m = &r.model;
    let ids: Vec<&str> = m.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["tooling", "plant/t1", "plant/t2", "plant/t3"]);
    // Links inside the schedule point to prefixed ids; lags keep the weekend.
    assert_eq!(m.tasks[2].after[0].task, "plant/t1");
    assert_eq!(m.tasks[3].after[0].task, "plant/t2");
    assert!((m.tasks[2].after[0].lag - 2.625).abs() < 1e-9);
    // Real dates: nothing of the plant starts before the schedule's own start.
    let planned = Date::from_ymd(2023, 1, 2);
    assert!(m.tasks[1..].iter().all(|t| t.not_before == planned));
    assert_eq!(m.tasks[0].not_before, None);
    // Rules: building gets pert and the storm risk, site works tri; the milestone stays 0.
    assert!(matches!(m.tasks[1].duration, Dist::Triangular { .. }));
    assert!(matches!(m.tasks[2].duration, Dist::Pert { .. }));
    assert_eq!(m.tasks[3].duration, Dist::Fixed(0.0));
    let risk_ids: Vec<&str> = m.risks.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(risk_ids, ["late_permit", "plant_storm"]);
    assert_eq!(m.risks[1].tasks, ["plant/t2"]);
    assert!(matches!(m.risks[1].impact, Impact::Delay(_)));
    let inc = &r.included[0];
    assert_eq!(
        (inc.prefix.as_str(), inc.tasks, inc.milestones),
        ("plant", 3, 1)
    );
    assert_eq!(inc.applied.uncertain, 2);
    assert_eq!(inc.applied.risks_added, 1);
    assert_eq!(inc.as_of, planned);
    launchcast_model::validate(m).unwrap();
}

#[test]
fn a_schedule_starting_before_the_program_runs_from_the_program_start_with_a_note() {
    let model = MODEL.replace("start = 2022-11-01", "start = 2023-03-01");
    let (_dir, path) = setup(&model);
    let r = load_model(&path).unwrap();
    assert!(r.model.tasks.iter().all(|t| t.not_before.is_none()));
    let notes = r.included[0].notes.join("\n");
    assert!(
        notes.contains("before the program's start 2023-03-01"),
        "{notes}"
    );
}

#[test]
fn unknown_included_task_is_located_with_the_nearest_id() {
    let model = MODEL.replace("starts = \"plant/t3\"", "starts = \"plant/commissioning\"");
    let (_dir, path) = setup(&model);
    let e = load_model(&path).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.file, path.display().to_string());
    assert_eq!(p.line, line_of(&model, "plant/commissioning"));
    assert_eq!(p.column, 10);
    assert_eq!(p.key_path, "plant[0].starts");
    assert!(p.message.contains("`plant/commissioning`"), "{}", p.message);
    let help = p.help.as_deref().unwrap_or("");
    assert!(help.contains("`plant/t3`"), "{help}");

    let model = MODEL.replace("\"plant/t3:FS+2d\"", "\"plant/t33\"");
    let (_dir, path) = setup(&model);
    let e = load_model(&path).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.key_path, "task[0].after[0]");
    assert_eq!(p.line, line_of(&model, "plant/t33"));
    assert!(p.help.as_deref().unwrap_or("").contains("`plant/t3`"));
}

#[test]
fn unreadable_included_files_are_reported_at_the_include_line() {
    let model = MODEL.replace("sub/plant.mpx", "sub/missing.xer");
    let (_dir, path) = setup(&model);
    let e = load_model(&path).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!((p.line, p.key_path.as_str()), (7, "include[0].file"));
    assert!(p.message.contains("missing.xer"), "{}", p.message);

    // A bad value inside the included file: its own place too.
    let (dir, path) = setup(MODEL);
    std::fs::write(
        dir.path().join("sub/plant.mpx"),
        "MPX,Microsoft Project,4.0\n61,1,40\n70,A,5zz\n",
    )
    .unwrap();
    let e = load_model(&path).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.line, 7);
    assert!(
        p.message.contains("line 3") && p.message.contains("5zz"),
        "{}",
        p.message
    );

    // A bad rules file: at the `uncertainty` line, with the rules file's line.
    std::fs::write(dir.path().join("sub/plant.mpx"), PLANT_MPX).unwrap();
    std::fs::write(
        dir.path().join("sub/rules.toml"),
        "[[rule]]\nduration = \"2\"\n",
    )
    .unwrap();
    let e = load_model(&path).unwrap_err();
    let p = &e.problems()[0];
    assert_eq!((p.line, p.key_path.as_str()), (9, "include[0].uncertainty"));
    assert!(p.message.contains("rules.toml:2:"), "{}", p.message);
}

#[test]
fn a_psplib_include_starts_at_the_program_start() {
    let dir = tempfile::tempdir().unwrap();
    let sm = "jobs (incl. supersource/sink ):  4\n\
        PRECEDENCE RELATIONS:\njobnr.    #modes  #successors   successors\n\
        1 1 1 2\n2 1 1 3\n3 1 1 4\n4 1 0\n\
        ************************************************************************\n\
        REQUESTS/DURATIONS:\njobnr. mode duration  R 1\n\
        ------------------------------------------------------------------------\n\
        1 1 0 0\n2 1 5 1\n3 1 7 1\n4 1 0 0\n\
        ************************************************************************\n";
    std::fs::write(dir.path().join("p.sm"), sm).unwrap();
    let model = "[program]\nname = \"x\"\nstart = 2024-01-01\nhorizon = 2025-01-01\n\n\
        [[include]]\nfile = \"p.sm\"\nprefix = \"j\"\n\n\
        [[task]]\nid = \"after_all\"\nduration = \"1d\"\nafter = [\"j/j4\"]\n";
    let path = dir.path().join("m.toml");
    std::fs::write(&path, model).unwrap();
    let r = match load_model(&path) {
        Ok(r) => r,
        Err(e) => panic!("{}", e.plain()),
    };
    assert_eq!(r.included[0].as_of, None);
    assert!(r.model.tasks.iter().all(|t| t.not_before.is_none()));
    assert!(r.model.task_index("j/j3").is_some());
}
