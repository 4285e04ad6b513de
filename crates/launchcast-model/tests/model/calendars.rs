//! Calendars: read, resolved, written back, and their errors.

use super::*;

const CAL: &str = r#"
[program]
name = "c"
start = 2024-01-01
horizon = 2026-12-31
calendar = "site"

[[calendar]]
id = "site"
name = "Site 5x8"
hours_per_day = 8
week = { mon = "08:00-12:00, 13:00-17:00", tue = "08:00-12:00, 13:00-17:00", wed = "08:00-12:00, 13:00-17:00", thu = "08:00-12:00, 13:00-17:00", fri = "08:00-12:00, 13:00-17:00", sat = "", sun = "" }
exceptions = [
  { from = 2024-12-23, to = 2025-01-01, hours = "" },
  { from = 2024-06-01, to = 2024-06-01, hours = "08:00-12:00" },
]

[[calendar]]
id = "shifts"
hours_per_day = 16
week = { mon = "13:00-24:00, 00:00-05:00" }

[[task]]
id = "a"
duration = "10d"

[[task]]
id = "b"
duration = "5d"
calendar = "shifts"
after = ["a"]

[[task]]
id = "c"
duration = "5d"
calendar = "none"
after = ["b"]
"#;

#[test]
fn calendars_are_read_resolved_and_written_back() {
    let m = model(CAL);
    assert_eq!(m.calendars.len(), 2);
    let site = &m.calendars[0];
    assert_eq!(site.name, "Site 5x8");
    assert_eq!(site.week[0], vec![(480, 720), (780, 1020)]);
    assert!(site.week[5].is_empty() && site.week[6].is_empty());
    assert_eq!(site.exceptions.len(), 2);
    assert!(
        site.hours_on(Date::from_ymd(2024, 12, 25).unwrap())
            .is_empty()
    );
    assert_eq!(
        site.hours_on(Date::from_ymd(2024, 6, 1).unwrap()),
        &vec![(480, 720)]
    );
    // Ranges are sorted; days left out of `week` do not work.
    assert_eq!(m.calendars[1].week[0], vec![(0, 300), (780, 1440)]);
    assert!(m.calendars[1].week[1].is_empty());
    assert_eq!(m.calendars[1].hours_per_day, 16.0);
    // Own calendar, else the program's; "none" is calendar days.
    assert_eq!(m.task_calendar(&m.tasks[0]), Some(0));
    assert_eq!(m.task_calendar(&m.tasks[1]), Some(1));
    assert_eq!(m.task_calendar(&m.tasks[2]), None);
    // Written back and read again: equal, and valid as built.
    let text = to_toml(&m);
    assert!(text.contains("[[calendar]]"), "{text}");
    assert_eq!(model(&text), m);
    validate(&m).expect("valid");
    // A start written as a date-time sets the start time, and is written back so.
    let timed = model(&CAL.replace("start = 2024-01-01", "start = 2024-01-01T09:30:00"));
    assert_eq!(timed.program.start_time, 570);
    assert!(to_toml(&timed).contains("start = 2024-01-01T09:30:00"));
    assert_eq!(model(&to_toml(&timed)), timed);
    // A calendar without `week` has the standard week.
    let std = model(
        "[program]\nname = \"s\"\nstart = 2024-01-01\nhorizon = 2025-01-01\n[[calendar]]\nid = \"std\"\n",
    );
    assert_eq!(std.calendars[0], Calendar::standard("std"));
}

#[test]
fn calendar_errors_name_the_place_the_value_and_a_fix() {
    let typo = CAL.replace("calendar = \"shifts\"", "calendar = \"shift\"");
    assert_err(
        &typo,
        &at(&typo, "\"shift\""),
        &[
            "unknown calendar `shift`",
            "did you mean `shifts`?",
            "\"none\"",
        ],
    );
    let bad_range = CAL.replace("mon = \"13:00-24:00", "mon = \"13:00-2400");
    assert_err(
        &bad_range,
        &at(&bad_range, "\"13:00-2400"),
        &[
            "`13:00-2400` is not a time range",
            "\"08:00-12:00, 13:00-17:00\"",
        ],
    );
    let backwards = CAL.replace("mon = \"13:00-24:00", "mon = \"13:00-12:00");
    assert_err(
        &backwards,
        &at(&backwards, "\"13:00-12:00"),
        &[
            "`13:00-12:00` does not end after it starts",
            "earlier time first",
        ],
    );
    let overlap = CAL.replace("13:00-24:00, 00:00-05:00", "13:00-20:00, 19:00-22:00");
    assert_err(
        &overlap,
        &at(&overlap, "\"13:00-20:00"),
        &["`13:00-20:00` and `19:00-22:00` overlap", "disjoint"],
    );
    let off_grid = CAL.replace("13:00-24:00", "13:10-24:00");
    assert_err(
        &off_grid,
        &at(&off_grid, "\"13:10"),
        &[
            "`13:10` in `13:10-24:00` is not on the 15-minute grid",
            ":15",
        ],
    );
    let idle = CAL.replace("mon = \"13:00-24:00, 00:00-05:00\"", "mon = \"\"");
    assert_err(
        &idle,
        &at(&idle, "{ mon = \"\" }"),
        &[
            "calendar `shifts` has no working time in its week",
            "at least one day",
        ],
    );
    let reversed = CAL.replace(
        "{ from = 2024-12-23, to = 2025-01-01",
        "{ from = 2025-01-01, to = 2024-12-23",
    );
    assert_err(
        &reversed,
        &at(&reversed, "{ from = 2025-01-01"),
        &[
            "exception `from` = 2025-01-01 is after `to` = 2024-12-23",
            "first day",
        ],
    );
    let hours = CAL.replace("hours_per_day = 16", "hours_per_day = 25");
    assert_err(
        &hours,
        &at(&hours, "25\nweek"),
        &["`hours_per_day` = 25 must be more than 0 and at most 24"],
    );
    let reserved = CAL.replace("id = \"shifts\"", "id = \"none\"");
    assert!(err(&reserved).contains("calendar id `none` is reserved"));
    let program = CAL.replace("calendar = \"site\"", "calendar = \"sit\"");
    assert_err(
        &program,
        &at(&program, "\"sit\""),
        &["unknown calendar `sit`", "did you mean `site`?"],
    );
    let key = CAL.replace("hours_per_day = 8", "hours_a_day = 8");
    assert_err(
        &key,
        &at(&key, "hours_a_day"),
        &["unknown key `hours_a_day`", "did you mean `hours_per_day`?"],
    );

    // A model built in code: the same messages by key path.
    let mut m = model(CAL);
    m.calendars[1].week[0] = vec![(780, 1200), (1140, 1320)];
    m.calendars[0].exceptions[0].from = Date::from_ymd(2025, 2, 1).unwrap();
    m.tasks[1].calendar = Some("shift".into());
    let e = validate(&m).expect_err("invalid").plain();
    for part in [
        "calendar[1].week.mon",
        "`13:00-20:00` and `19:00-22:00` overlap",
        "calendar[0].exceptions[0]",
        "is after `to`",
        "task[1].calendar",
        "did you mean `shifts`?",
    ] {
        assert!(e.contains(part), "`{part}` missing from:\n{e}");
    }
}
