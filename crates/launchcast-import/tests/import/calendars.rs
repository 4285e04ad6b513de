//! MS Project recurring calendar exceptions.

use super::*;

#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
#[test]
fn recurring_calendar_exceptions_fall_on_ms_projects_days() {
    let data = data_dir();
    // MS Project writes each recurring exception's pattern with its first and last day
    // (`TimePeriod`) and the number of days it falls on (`Occurrences`): the days read here
    // must number `Occurrences` and end on the last day MS Project wrote.
    for file in [
        "mpxj-junit/generated/calendar-recurring-exceptions/calendar-recurring-exceptions-project2007-mspdi.xml",
        "mpxj-junit/generated/calendar-recurring-exceptions/calendar-recurring-exceptions-project2016-mspdi.xml",
    ] {
        let path = data.join(file);
        if !path.is_file() {
            println!("absent: {file}");
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let s = read_bytes(Format::Mspdi, &bytes).expect(file);
        assert!(
            !s.notes.iter().any(|n| n.contains("recurring")),
            "{:?}",
            s.notes
        );
        let text = String::from_utf8_lossy(&bytes);
        let between = |x: &str, a: &str, b: &str| -> String {
            x.split(a)
                .nth(1)
                .and_then(|r| r.split(b).next())
                .unwrap_or("")
                .to_string()
        };
        let cal = s
            .calendars
            .iter()
            .find(|c| c.id == "1")
            .expect("calendar 1");
        // MS Project 2007 also writes every exception day as a `WeekDay` of `DayType` 0
        // (MS Project's own expansion), before the 2007 `Exceptions`: those come first.
        let old_style = text.matches("<DayType>0</DayType>").count();
        let days_of = |list: &[launchcast_import::CalendarException]| {
            list.iter()
                .flat_map(|e| {
                    (0..=e.to.days_since(e.from)).map(move |k| {
                        (e.from.add_days(f64::from(k)).expect("day"), e.hours.clone())
                    })
                })
                .collect::<std::collections::BTreeSet<_>>()
        };
        if old_style > 0 {
            let (theirs, ours) = cal.exceptions.split_at(old_style);
            assert_eq!(
                days_of(theirs),
                days_of(ours),
                "{file}: MS Project's own expansion"
            );
        }
        // The calendar's exceptions in file order: a range for each of type 1, one day for
        // each day a recurring one falls on.
        let mut next = cal.exceptions.iter().skip(old_style);
        let mut checked = 0;
        for ex in text.split("<Exception>").skip(1) {
            let ex = ex.split("</Exception>").next().unwrap_or("");
            let day =
                |tag: &str| launchcast_model::Date::parse(&between(ex, tag, "T")).expect("a date");
            let (from, to) = (day("<FromDate>"), day("<ToDate>"));
            let occurrences: usize = between(ex, "<Occurrences>", "<").parse().unwrap_or(0);
            let name = between(ex, "<Name>", "<");
            if between(ex, "<Type>", "<") == "1" {
                let e = next.next().expect("a range");
                assert_eq!((e.from, e.to), (from, to), "{file}: {name}");
                continue;
            }
            let ours: Vec<_> = next.by_ref().take(occurrences).collect();
            assert_eq!(ours.len(), occurrences, "{file}: {name}");
            assert!(
                ours.iter()
                    .all(|e| e.from == e.to && e.from >= from && e.to <= to),
                "{file}: {name}: {ours:?}"
            );
            assert!(
                ours.windows(2).all(|w| w[0].from < w[1].from),
                "{file}: {name}: {ours:?}"
            );
            assert_eq!(
                ours.last().map(|e| e.to),
                Some(to),
                "{file}: {name}: {ours:?}"
            );
            checked += 1;
        }
        assert!(
            next.next().is_none(),
            "{file}: more days than MS Project's occurrences"
        );
        assert_eq!(checked, 26, "{file}: recurring exceptions checked");
        // The recurring working day keeps its hours: 2010-01-02, the first Saturday.
        let sat = launchcast_model::Date::parse("2010-01-02").expect("date");
        let e = cal
            .exceptions
            .iter()
            .find(|e| e.from == sat)
            .expect("working Saturday");
        assert_eq!(e.hours, vec![(540, 780), (840, 1020)]);
        // And the schedule's working time follows them: a task of one day starting on
        // 2005-02-01 (a yearly holiday, a Tuesday) works on Wednesday.
        let mut s2 = s.clone();
        s2.default_calendar = Some("1".into());
        let mut t = launchcast_import::Task::new("9");
        t.duration = launchcast_import::Duration::working(480.0);
        t.constraint = Some(launchcast_import::Constraint {
            kind: launchcast_import::ConstraintKind::StartNoEarlierThan,
            date: launchcast_import::DateTime::parse_iso("2005-02-01T08:00"),
        });
        s2.tasks.push(t);
        let cals = launchcast_import::CalendarSet::schedule(&s2);
        let (a, b) = cals.task_dates(s2.tasks.len() - 1).expect("dates");
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2005-02-02T08:00".into(), "2005-02-02T17:00".into())
        );
    }
}
