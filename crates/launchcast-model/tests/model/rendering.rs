//! Diagnostics as the command line renders them, for any line length; the horizon's limit.

use super::*;

/// Renders `e` as the command line does (graphical, no colours, no wrapping).
pub(crate) fn render(e: &ModelError) -> String {
    let mut rendered = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_wrap_lines(false)
        .render_report(&mut rendered, e)
        .expect("a diagnostic renders");
    rendered
}

#[test]
fn diagnostics_render_for_any_line_length() {
    const HEAD: &str = "[program]\nstart = 2022-01-01\nhorizon = 2024-01-01\n";
    let task = "[[task]]\nid = \"a\"\nduration = \"1mo\"\n";
    let long_x = "x".repeat(70_000);
    let long_e = "é".repeat(40_000);
    let many = "1d, ".repeat(20_000);
    // (model text, token whose first place the headline problem names)
    let cases: Vec<(String, &str)> = vec![
        // A syntax error far along a long line (past column 65,535 of a formatting width).
        (format!("{HEAD}name = \"{long_x}\" junk\n{task}"), "junk"),
        // The same in multi-byte characters (the column counts characters).
        (format!("{HEAD}name = \"{long_e}\" junk\n{task}"), "junk"),
        // A value error whose span is itself a very long value.
        (
            format!("{HEAD}name = \"n\"\n[[task]]\nid = \"a\"\nduration = \"tri({many})\"\n"),
            "tri(",
        ),
        // An error on a short line next to a very long comment line (context).
        (
            format!("{HEAD}name = \"n\"\n#{long_x}\n[[task]]\nid = \"a\"\nduration = \"12\"\n"),
            "12\"",
        ),
        // Two problems on one long line, far apart.
        (
            format!(
                "task = [{{ id = \"a\", duration = \"1mo\", nam = \"{long_x}\", zz = 1 }}]\n{HEAD}name = \"n\"\n"
            ),
            "nam",
        ),
    ];
    for (text, token) in &cases {
        let e = parse(text, "long.toml").expect_err("each case is invalid");
        let p = &e.problems()[0];
        let (line, column) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find(token).map(|b| (i + 1, l[..b].chars().count() + 1)))
            .unwrap();
        assert_eq!((p.line, p.column), (line, column), "{}", p.message);
        let rendered = render(&e);
        assert!(
            rendered.contains(&format!("long.toml:{line}:{column}")),
            "the header names the place in the file: {}",
            &rendered[..rendered.len().min(2000)]
        );
        let widest = rendered
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        assert!(widest < 400, "a rendered line of {widest} characters");
        // Every message quotes values shortened.
        for p in e.problems() {
            assert!(p.message.chars().count() < 400, "{}", p.message.len());
        }
    }
}

#[test]
fn short_lines_render_whole() {
    // Lines under the limit are shown exactly as written.
    let text = "[program]\nname = \"n\"\nstart = 2022-01-01\nhorizon = 2024-01-01\n[[task]]\nid = \"a\"\nduration = \"12\"\n";
    let e = parse(text, "m.toml").unwrap_err();
    let rendered = render(&e);
    assert!(rendered.contains("duration = \"12\""), "{rendered}");
    assert!(rendered.contains("m.toml:7:13"), "{rendered}");
    assert!(!rendered.contains('…'), "{rendered}");
}

/// The horizon may lie up to 100 years (36,525 days) after the start, in a file and in a model
/// built in code; one day more is bad input naming the key and the value.
#[test]
fn the_horizon_lies_within_a_hundred_years_of_the_start() {
    let file = |horizon: &str| {
        format!(
            "[program]\nname = \"t\"\nstart = 2024-01-01\nhorizon = {horizon}\n[[task]]\nid = \"a\"\nduration = \"1d\"\n"
        )
    };
    let m = parse(&file("2124-01-02"), "m.toml").expect("36,525 days is allowed");
    assert_eq!(m.horizon_days(), 36_526.0, "the horizon includes its day");
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
    let src = file("2124-01-03");
    assert_err(
        &src,
        &format!("{}: program.horizon: ", at(&src, "2124-01-03")),
        &[
            "`horizon` = 2124-01-03 is 36526 days after `start` = 2024-01-01; it may be at most 36525 days (100 years) after it",
            "choose one within 100 years of the start, e.g. horizon = 2124-01-02",
        ],
    );
    let mut far = m.clone();
    far.program.horizon = Date::from_ymd(9999, 12, 31).expect("date");
    let out = validate(&far).map_err(|e| e.plain()).expect_err("too far");
    assert!(
        out.contains("program.horizon: `horizon` = 9999-12-31 is 2913173 days after"),
        "{out}"
    );
}
