//! `check`, and the bad models that `check` and `run` refuse alike: exit 2 with the file,
//! line and column or key path, the offending value and a help line.

use std::path::Path;

use crate::support::*;

// ---------------------------------------------------------------------------------------------
// 7. `check`
// ---------------------------------------------------------------------------------------------

#[test]
fn check_example() {
    let run = snapshot("check_example", &["check", "examples/xiaomi-2022.toml"]);
    assert!(
        run.stdout.lines().all(|l| l == l.trim_end()),
        "trailing white space"
    );
}

#[test]
fn check_bad_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"A-1\"\nduration = \"10d\"\n");
    let path = write_model(dir.path(), "bad_id.toml", &text);
    let run = bad(&["check", s(&path)], &[s(&path), "A-1", "help:"]);
    assert!(run.stdout.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 6. Bad input and usage
// ---------------------------------------------------------------------------------------------

/// Runs both `check` and `run` on a bad model: exit 2 and every needle named.
fn bad_model(path: &Path, needles: &[&str]) {
    bad(&["check", s(path)], needles);
    let run = bad(&["run", "-n", "10", s(path)], needles);
    assert!(run.stdout.is_empty());
}

#[test]
fn unknown_key_suggests_the_known_one() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"a\"\nduraton = \"10d\"\n");
    let path = write_model(dir.path(), "unknown_key.toml", &text);
    let at = format!("{}:{}", s(&path), loc(&text, "duraton"));
    bad_model(&path, &[&at, "duraton", "did you mean `duration`", "help:"]);
}

#[test]
fn unknown_program_key_names_the_key_path() {
    let dir = tempfile::tempdir().unwrap();
    let text = PROGRAM.replace("horizon", "horizn");
    let path = write_model(dir.path(), "program_key.toml", &text);
    bad_model(&path, &[s(&path), "program.horizn", "help:"]);
}

const CALENDAR: &str = "\n[[calendar]]\nid = \"site\"\nweek = { mon = \"08:00-12:00, 13:00-17:00\", tue = \"08:00-12:00, 13:00-17:00\", wed = \"08:00-12:00, 13:00-17:00\", thu = \"08:00-12:00, 13:00-17:00\", fri = \"08:00-12:00, 13:00-17:00\" }\nexceptions = [{ from = 2024-01-10, to = 2024-01-10, hours = \"\" }]\n";

#[test]
fn calendar_mistakes_exit_2_naming_place_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}{}\n[[task]]\nid = \"a\"\nduration = \"10d\"\ncalendar = \"sites\"\n",
        CALENDAR.replace(
            "tue = \"08:00-12:00, 13:00-17:00\"",
            "tue = \"08:00-13:00, 12:00-17:00\""
        )
    );
    let path = write_model(dir.path(), "cal.toml", &text);
    let overlap = format!("{}:{}", s(&path), loc(&text, "\"08:00-13:00"));
    let unknown = format!("{}:{}", s(&path), loc(&text, "\"sites\""));
    bad_model(
        &path,
        &[
            &overlap,
            "`08:00-13:00` and `12:00-17:00` overlap",
            &unknown,
            "unknown calendar `sites`",
            "did you mean `site`?",
        ],
    );
}

#[test]
fn a_task_on_a_calendar_runs_in_working_days() {
    let dir = tempfile::tempdir().unwrap();
    // 10 working days from Friday 2024-01-05 with a holiday on Wednesday the 10th: Friday
    // 2024-01-19 (Thursday the 18th without the holiday).
    let text = format!(
        "{PROGRAM}calendar = \"site\"\n{CALENDAR}\n[[task]]\nid = \"a\"\nduration = \"10d\"\nnot_before = 2024-01-05\n"
    );
    let path = write_model(dir.path(), "cal.toml", &text);
    let out = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    assert_eq!(out.get("finish").str(), "2024-01-19");
    let a = &out.get("schedule").arr()[0];
    assert_eq!(a.get("start").str(), "2024-01-05");
    assert!((a.get("finish_days").num() - (18.0 + 17.0 / 24.0)).abs() < 1e-4);
    ok(&["check", s(&path)]);
}

#[test]
fn bad_distribution_names_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"tri(10d, 5d, 20d)\"\n");
    let path = write_model(dir.path(), "bad_dist.toml", &text);
    let at = format!("{}:{}", s(&path), loc(&text, "tri(10d"));
    bad_model(
        &path,
        &[&at, "task[0].duration", "tri(10d, 5d, 20d)", "help:"],
    );
}

#[test]
fn unparsable_distribution_names_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"triangle(1d)\"\n");
    let path = write_model(dir.path(), "bad_grammar.toml", &text);
    bad_model(&path, &[s(&path), "task[0].duration", "help:"]);
    assert!(lc(&["check", s(&path)]).stderr.contains("triangle"));
}

#[test]
fn cycle_names_the_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}\n[[task]]\nid = \"alpha\"\nduration = \"10d\"\nafter = [\"beta\"]\n\n\
         [[task]]\nid = \"beta\"\nduration = \"10d\"\nafter = [\"alpha\"]\n"
    );
    let path = write_model(dir.path(), "cycle.toml", &text);
    let run = lc(&["check", s(&path)]);
    let at = format!("{}:", s(&path));
    bad_model(&path, &[&at, "cycle", "alpha", "beta", "help:"]);
    // The location is one of the two links of the cycle.
    let flat = run.err_flat();
    let first = format!("{}:{}", s(&path), loc(&text, "[\"beta\"]"));
    let second = format!("{}:{}", s(&path), loc(&text, "[\"alpha\"]"));
    let col = |l: &str| {
        let (line, col) = l.rsplit_once(':').unwrap();
        format!("{line}:{}", col.parse::<usize>().unwrap() + 1)
    };
    assert!(
        flat.contains(&col(&first)) || flat.contains(&col(&second)),
        "no link location in:\n{}",
        run.stderr
    );
}

#[test]
fn missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no_such_model.toml");
    bad_model(&path, &[s(&path), "help:"]);
    bad(&["inspect", s(&path)], &[s(&path)]);
}

#[test]
fn directory_as_model_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    bad(&["check", s(dir.path())], &[s(dir.path())]);
}

#[test]
fn empty_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "empty.toml", "");
    bad_model(&path, &[s(&path), "empty", "help:"]);
}

#[test]
fn non_utf8_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"[program]\nname = \"Citro\xebn\"\n").unwrap();
    bad_model(&path, &[s(&path), "UTF-8", "line 2", "help:"]);
}

#[test]
fn toml_syntax_error_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"a\nduration = \"10d\"\n");
    let path = write_model(dir.path(), "syntax.toml", &text);
    bad_model(&path, &[&format!("{}:", s(&path))]);
}

#[test]
fn scenario_disabling_an_unknown_id() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"10d\"\n\n\
         [[scenario]]\nid = \"s\"\nname = \"S\"\ndisable = [\"zzz_task\"]\n"
    );
    let path = write_model(dir.path(), "scenario.toml", &text);
    let at = format!("{}:{}", s(&path), loc(&text, "\"zzz_task\""));
    bad_model(&path, &[&at, "scenario[0].disable[0]", "zzz_task", "help:"]);
}
