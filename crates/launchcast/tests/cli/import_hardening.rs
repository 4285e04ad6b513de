//! Schedule files as hostile input: a cycle of links, two tasks with one id and a file cut
//! short, in every schedule format, with control characters in the names; `check` of a
//! schedule file; schedules with no task; one answer for a cycle from every command.

use crate::support::*;

/// The import crate's generators of small valid schedule files, shared with its own tests
/// (where they are public at the root, hence `pub`).
#[path = "../../../launchcast-import/tests/support/generate.rs"]
#[allow(unreachable_pub)]
pub(crate) mod generate;

type Gen = fn(&[(&str, &str)], &[(&str, &str)]) -> String;

const FORMATS: [(&str, Gen); 5] = [
    ("mspdi.xml", generate::mspdi),
    ("p6.xer", generate::xer),
    ("p6.pmxml", generate::pmxml),
    ("old.mpx", generate::mpx),
    ("bench.sm", generate::psplib),
];

/// Names that would clear the screen, ring the bell and rewrite the line if printed raw.
const HOSTILE: &str = "Pour\u{1b}[2J\u{7}\rslab";

/// A file cut about two thirds of the way, never at a line break.
fn truncated(text: &str) -> String {
    let mut cut = text.len() * 2 / 3;
    while !text.is_char_boundary(cut) || text[..cut].ends_with(['\n', '\r']) {
        cut -= 1;
    }
    text[..cut].to_string()
}

#[test]
#[cfg(unix)]
fn hostile_schedules_exit_2_in_every_format_and_command() {
    let dir = tempfile::tempdir().unwrap();
    let tasks = [("1", HOSTILE), ("2", "Beta"), ("3", "Gamma")];
    for (name, generate) in FORMATS {
        // The generators write valid files: the variants below break one thing each.
        let good = generate(&tasks, &[("1", "2"), ("2", "3")]);
        let cases = [
            (
                "cycle",
                generate(&tasks, &[("1", "2"), ("2", "3"), ("3", "1")]),
                "the links form a cycle",
            ),
            (
                "duplicate",
                generate(
                    &[("1", HOSTILE), ("2", "Beta"), ("2", "Beta")],
                    &[("1", "2")],
                ),
                "twice",
            ),
            ("truncated", truncated(&good), ""),
        ];
        let path = write_model(dir.path(), &format!("good-{name}"), &good);
        let run = ok(&["inspect", s(&path)]);
        assert!(run.stdout.contains("3 tasks"), "{name}: {}", run.stdout);
        assert!(
            !run.stdout.contains(['\u{1b}', '\u{7}', '\r']),
            "{name}: raw control characters on the terminal: {:?}",
            run.stdout
        );
        for (what, text, needle) in cases {
            let path = write_model(dir.path(), &format!("{what}-{name}"), &text);
            let mut first_line: Option<String> = None;
            for args in [
                vec!["inspect", s(&path)],
                vec!["check", s(&path)],
                vec!["import", s(&path)],
                vec!["run", "-n", "10", s(&path)],
            ] {
                let (run, cost) = lc_cost(&args, std::time::Duration::from_secs(30));
                assert_eq!(
                    run.code, 2,
                    "{args:?} ({what}) should exit 2:\n{}\n{}",
                    run.stdout, run.stderr
                );
                assert!(
                    cost.seconds < 30.0 && cost.peak_mib < 256.0,
                    "{args:?}: {} s, {} MiB",
                    cost.seconds,
                    cost.peak_mib
                );
                assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
                assert!(
                    run.stderr.contains(s(&path)),
                    "{args:?}: the file is not named: {}",
                    run.stderr
                );
                assert!(run.stderr.contains(needle), "{args:?}: {}", run.stderr);
                assert!(
                    !run.stderr.contains(['\u{1b}', '\u{7}', '\r']),
                    "{args:?}: raw control characters on the terminal: {:?}",
                    run.stderr
                );
                assert!(
                    run.stderr.contains("help:"),
                    "{args:?}: no fix: {}",
                    run.stderr
                );
                // One answer, whichever command reads the file.
                let line = run.stderr.lines().next().unwrap_or("").to_string();
                match &first_line {
                    None => first_line = Some(line),
                    Some(l) => assert_eq!(l, &line, "{args:?}"),
                }
            }
        }
    }
}

#[test]
fn a_cycle_names_its_tasks_and_links_on_every_command_and_in_an_include() {
    let dir = tempfile::tempdir().unwrap();
    let text = generate::xer(
        &[("10", "Foundation"), ("11", "Frame"), ("12", "Roof")],
        &[("10", "11"), ("11", "12"), ("12", "10")],
    );
    let path = write_model(dir.path(), "plant.xer", &text);
    // The tasks by id, name and line; the links by their TASKPRED rows and lines.
    let needles = [
        "plant.xer: line 12, record TASKPRED row 1, field pred_task_id",
        "the links form a cycle",
        "`10` \"Foundation\" (line 7, record TASK row 1, field task_id)",
        "`11` \"Frame\" (line 8",
        "`12` \"Roof\" (line 9",
        "`12` FS `10` at line 14, record TASKPRED row 3",
        "(value `10`)",
        "remove or reverse one of these links",
    ];
    for cmd in ["inspect", "check", "import"] {
        bad(&[cmd, s(&path)], &needles);
    }
    bad(&["run", "-n", "10", s(&path)], &needles);
    let model = write_model(
        dir.path(),
        "program.toml",
        "[program]\nname = \"x\"\nstart = 2024-01-01\nhorizon = 2030-01-01\n\n\
         [[include]]\nfile = \"plant.xer\"\nprefix = \"plant\"\n\n[[task]]\nid = \"own\"\nduration = \"5d\"\n",
    );
    for args in [
        vec!["check", s(&model)],
        vec!["inspect", s(&model)],
        vec!["run", "-n", "10", s(&model)],
    ] {
        bad(
            &args,
            &["the links form a cycle", "`12` FS `10`", "include"],
        );
    }
}

#[test]
fn check_reads_a_schedule_file_as_run_does() {
    let dir = tempfile::tempdir().unwrap();
    let text = generate::xer(
        &[("10", "Foundation"), ("11", "Frame"), ("12", "Roof")],
        &[("10", "11"), ("11", "12")],
    );
    let path = write_model(dir.path(), "plant.xer", &text);
    let run = ok(&["check", s(&path)]);
    let out = &run.stdout;
    assert!(out.starts_with(&format!("{}: valid\n", s(&path))), "{out}");
    assert!(
        out.contains("(XER, \"P\"): 3 tasks (0 milestones)"),
        "{out}"
    );
    assert!(out.contains("links: 2 FS, 0 SS, 0 FF, 0 SF"), "{out}");
    // Three tasks of 8 h in a chain on the standard week: 3 working days.
    assert!(out.contains("model: 3 tasks"), "{out}");
    assert!(out.lines().count() < 12, "{out}");
    // What `inspect` prints is what `check` prints after its first line.
    let inspect = ok(&["inspect", s(&path)]);
    assert!(
        out.contains(&inspect.stdout),
        "{out}\n---\n{}",
        inspect.stdout
    );
}

#[test]
#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
fn check_reads_the_shared_schedule_files_as_run_does() {
    let data = shared_data();
    for file in [
        "aspose-tasks-net/MultiprojectWithExternal.xer",
        "mpxj-junit/legacy/sample.mpx",
        TASK_LINKS,
        "mpxj-junit/generated/task-percentcomplete/percent-complete-8.4.pmxml",
    ] {
        let p = data.join(file);
        let run = ok(&["check", s(&p)]);
        assert!(run.stdout.contains(": valid"), "{file}: {}", run.stdout);
        assert!(run.stdout.lines().count() < 40, "{file}: {}", run.stdout);
        assert!(run.stderr.is_empty(), "{file}: {}", run.stderr);
    }
    let sm = data.join("stochastic/robust-psplib-j30/j309_6Robu.sm");
    let run = ok(&["check", s(&sm)]);
    assert!(run.stdout.contains("(PSPLIB"), "{}", run.stdout);
}

#[test]
fn a_schedule_without_tasks_is_refused_by_run_import_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let header_only = write_model(
        dir.path(),
        "empty.mpx",
        "MPX,Microsoft Project for Windows,4.0,ANSI\r\n61,1,40,90\r\n",
    );
    let needles = ["empty.mpx", "no tasks to schedule", "MPX", "help:"];
    bad(&["run", "-n", "10", s(&header_only)], &needles);
    bad(&["import", s(&header_only)], &needles);
    bad(&["check", s(&header_only)], &needles);
    // `inspect` shows what there is.
    let run = ok(&["inspect", s(&header_only)]);
    assert!(run.stdout.contains("0 tasks"), "{}", run.stdout);
    // An MPX cut inside a task record.
    let cut = write_model(
        dir.path(),
        "cut.mpx",
        "MPX,Microsoft Project for Windows,4.0,ANSI\r\n61,1,40,90\r\n70,Pour,1",
    );
    bad(
        &["run", "-n", "10", s(&cut)],
        &[
            "cut.mpx: line 3, column 10",
            "truncated",
            "70,Pour,1",
            "help:",
        ],
    );
}

/// MS Project's own empty project, and one that holds only its project summary task.
#[test]
#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
fn ms_projects_own_schedules_without_tasks_are_refused() {
    let data = shared_data();
    for file in [
        "mpxj-junit/empty.mpx",
        "mpxj-junit/generated/calendar-recurring-exceptions/calendar-recurring-exceptions-project2016-mspdi.xml",
    ] {
        let p = data.join(file);
        bad(&["run", "-n", "10", s(&p)], &["no tasks to schedule"]);
        bad(&["check", s(&p)], &["no tasks to schedule"]);
    }
}

#[test]
#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
fn inspect_and_run_follow_a_summary_task_link_alike() {
    let data = shared_data();
    // `Subproject Task B2` follows the summary task `B1`, whose task finishes 2006-08-28
    // 17:00: MS Project puts B2 on 2006-08-29, finishing at 17:00.
    let file = data.join("mpxj-mpp-derived/SubprojectB-9.xml");
    let run = ok(&["inspect", s(&file), "--json"]);
    assert!(
        run.stdout.contains("\"finish\": \"2006-08-29T17:00\""),
        "{}",
        run.stdout
    );
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("b.toml");
    ok(&["import", s(&file), "-o", s(&model)]);
    let run = ok(&["inspect", s(&model)]);
    assert!(
        run.stdout.contains("last finish: 2006-08-29"),
        "{}",
        run.stdout
    );
}
