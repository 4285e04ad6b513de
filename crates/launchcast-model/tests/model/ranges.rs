//! Values out of range, scenario settings, and every problem reported in reading order.

use super::*;

#[test]
fn value_ranges() {
    let t = "[[task]]\nid = \"a\"\nduration = \"1d\"\n";
    let cases: Vec<(String, &str, &str, &str, &str)> = vec![
        (
            format!("{PROG}{t}chance = 1.5\n"),
            "1.5",
            "task[0].chance",
            "`chance` = `1.5` is outside [0, 1]",
            "0.7 means 70%",
        ),
        (
            format!("{PROG}{t}[[risk]]\nid = \"r\"\nchance = -0.1\ntasks = [\"a\"]\nfail = true\n"),
            "-0.1",
            "risk[0].chance",
            "= `-0.1` is outside [0, 1]",
            "a probability",
        ),
        (
            format!("{PROG}{t}chance = \"0.5\"\n"),
            "\"0.5\"",
            "task[0].chance",
            "`chance` must be a number, found a string `\"0.5\"`",
            "a probability",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2022-07-01\n".into(),
            "2022-07-01\n",
            "program.horizon",
            "`horizon` = 2022-07-01 is not after `start` = 2022-07-01",
            "later date",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2024-01-01\nhorizon = 9999-12-31\n".into(),
            "9999-12-31\n",
            "program.horizon",
            "`horizon` = 9999-12-31 is 2913173 days after `start` = 2024-01-01; it may be at most 36525 days (100 years) after it",
            "e.g. horizon = 2124-01-02",
        ),
        (
            format!("{PROG}{t}not_before = 2021-01-01\n"),
            "2021-01-01",
            "task[0].not_before",
            "`not_before` = 2021-01-01 is outside the program, 2022-07-01 to 2031-12-31",
            "between program.start and program.horizon",
        ),
        (
            format!("{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = 2032-01-01\n"),
            "2032-01-01",
            "promise[0].first_delivery_by",
            "= 2032-01-01 is outside the program",
            "between program.start",
        ),
        (
            format!(
                "{PROG}[[promise]]\nid = \"p\"\nspend_by = {{ date = 2022-06-30, at_most = \"5bn\" }}\n"
            ),
            "2022-06-30",
            "promise[0].spend_by.date",
            "= 2022-06-30 is outside the program",
            "between program.start",
        ),
        (
            format!(
                "{PROG}[[promise]]\nid = \"p\"\ndeliveries_in_year = {{ year = 2021, at_least = 5 }}\n"
            ),
            "2021",
            "promise[0].deliveries_in_year.year",
            "= 2021 is outside the years of the program, 2022 to 2031",
            "use a year between",
        ),
        (
            format!(
                "{PROG}[[promise]]\nid = \"p\"\ndeliveries_by = {{ date = 2024-01-01, at_least = \"tri(1, 2, 3)\" }}\n"
            ),
            "\"tri(1, 2, 3)\"",
            "promise[0].deliveries_by.at_least",
            "must be a single value, not a distribution",
            "write a number",
        ),
        (
            format!("{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = \"soon\"\n"),
            "\"soon\"",
            "promise[0].first_delivery_by",
            "must be a date, found `\"soon\"`",
            "2024-12-31",
        ),
        (
            format!("{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = 2024-01-01T10:00:00\n"),
            "2024-01-01T",
            "promise[0].first_delivery_by",
            "must be a date, found `2024-01-01T10:00:00`",
            "write a date like",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2031-12-31\niterations = 0\n"
                .into(),
            "0\n",
            "program.iterations",
            "`iterations` = 0 must be at least 1",
            "1 or more",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2031-12-31\nseed = -1\n".into(),
            "-1",
            "program.seed",
            "`seed` = -1 must not be negative",
            "0 or more",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2031-12-31\niterations = 1.5\n"
                .into(),
            "1.5",
            "program.iterations",
            "must be a whole number, found a float `1.5`",
            "iterations = 10000",
        ),
        (
            format!(
                "{PROG}{t}[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\nramp_start = 1.2\n"
            ),
            "1.2",
            "plant[0].ramp_start",
            "`ramp_start` = `1.2` is outside [0, 1]",
            "fraction of nameplate",
        ),
        (
            format!(
                "{PROG}{t}[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\ncurve = \"exp\"\n"
            ),
            "\"exp\"",
            "plant[0].curve",
            "`curve` = \"exp\" is not a curve",
            "\"linear\" or curve = \"s\"",
        ),
        (
            format!("{PROG}{t}[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = []\nfail = true\n"),
            "[]",
            "risk[0].tasks",
            "`tasks` is empty: the risk affects no task",
            "list the ids",
        ),
        (
            format!("{PROG}{t}[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"a\"]\nfail = 1\n"),
            "1\n",
            "risk[0].fail",
            "must be true or false, found `1`",
            "fail = true",
        ),
        (
            format!("{PROG}[task]\nid = \"a\"\n"),
            "[task]",
            "task",
            "`task` must be an array of tables, found a table",
            "`[[task]]`",
        ),
    ];
    for (src, needle, path, msg, help) in cases {
        assert_err(
            &src,
            &format!("{}: {path}: ", at_last(&src, needle)),
            &[msg, help],
        );
    }
}

#[test]
fn scenario_settings_are_checked() {
    let base = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"a\"]\nscale = 1.5\n[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\n[[scenario]]\nid = \"s\"\n"
    );
    let cases = [
        (
            "set = { \"a.duration\" = \"tri(1d, 2d)\" }",
            "tri(",
            "scenario[0].set.\"a.duration\"",
            "`tri` takes 3 values",
            "write tri(min, mode, max)",
        ),
        (
            "set = { \"a.duraton\" = \"1d\" }",
            "\"a.duraton",
            "scenario[0].set.\"a.duraton\"",
            "`duraton` cannot be set on `a`",
            "did you mean `duration`? settable here: duration, chance, cost, not_before",
        ),
        (
            "set = { \"r.delay\" = \"1d\" }",
            "\"r.delay",
            "scenario[0].set.\"r.delay\"",
            "`delay` cannot be set on `r`",
            "`r` is a risk of another kind; settable here: chance, scale",
        ),
        (
            "set = { \"p.curve\" = \"z\" }",
            "\"z\"",
            "scenario[0].set.\"p.curve\"",
            "= \"z\" is not a curve",
            "\"linear\"",
        ),
        (
            "set = { \"p.ramp_start\" = 2 }",
            "2 }",
            "scenario[0].set.\"p.ramp_start\"",
            "= `2` is outside [0, 1]",
            "a number in [0, 1]",
        ),
        (
            "set = { \"a.chance\" = 1.1 }",
            "1.1",
            "scenario[0].set.\"a.chance\"",
            "is outside [0, 1]",
            "[0, 1]",
        ),
        (
            "set = { \"a.not_before\" = 2040-01-01 }",
            "2040",
            "scenario[0].set.\"a.not_before\"",
            "= 2040-01-01 is outside the program",
            "between program.start",
        ),
        (
            "set = { \"program.seed\" = 3 }",
            "\"program.seed",
            "scenario[0].set.\"program.seed\"",
            "`seed` cannot be set on `program`",
            "settable here: delivery_lag, overhead_per_year",
        ),
        (
            "set = { \"chance\" = 3 }",
            "\"chance",
            "scenario[0].set.\"chance\"",
            "scenario setting `chance` names no field",
            "\"item.field\"",
        ),
        (
            "set = { \"program.delivery_lag\" = 3 }",
            "3 }",
            "scenario[0].set.\"program.delivery_lag\"",
            "= 3 has no unit",
            "write 12mo or 365d",
        ),
    ];
    for (extra, needle, path, msg, help) in cases {
        let src = format!("{base}{extra}\n");
        assert_err(
            &src,
            &format!("{}: {path}: ", at(&src, needle)),
            &[msg, help],
        );
    }
}

#[test]
fn all_problems_are_reported_in_reading_order() {
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"12\"\nchance = 2\n[[task]]\nid = \"a\"\nduration = \"1d\"\nafter = [\"zz\"]\n"
    );
    let e = parse(&src, "m.toml").unwrap_err();
    let paths: Vec<&str> = e.problems().iter().map(|p| p.key_path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "task[0].duration",
            "task[0].chance",
            "task[1].id",
            "task[1].after[0]"
        ]
    );
    assert_eq!((e.problems()[0].line, e.problems()[0].column), (7, 13));
    assert_eq!(e.file_name(), "m.toml");
    assert_eq!(
        e.to_string(),
        format!("{} (and 3 more problems)", e.problems()[0])
    );
    // miette: the first problem is the headline with label and help, the rest are related.
    use miette::Diagnostic;
    assert_eq!(e.related().unwrap().count(), 3);
    let label = e.labels().unwrap().next().unwrap();
    assert_eq!(label.offset(), src.find("12\"").unwrap());
    assert!(e.help().unwrap().to_string().contains("write 12mo or 365d"));
    assert!(e.source_code().is_some());
    let mut rendered = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut rendered, &e)
        .unwrap();
    assert!(rendered.contains("duration = \"12\""), "{rendered}");
    assert!(rendered.contains("unknown task id `zz`"), "{rendered}");
}
