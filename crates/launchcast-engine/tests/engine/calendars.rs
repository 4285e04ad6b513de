//! Working-time calendars: hand-counted dates on a Monday-to-Friday, 8-hour calendar.

use super::*;

/// Days from the program start (Monday 2024-01-01) at `hour` o'clock.
fn at(day: f64, hour: f64) -> f64 {
    day + hour / 24.0
}

/// A model starting Monday 2024-01-01 whose tasks all run on "site" (Mon–Fri 08–12, 13–17).
pub(crate) fn calendar_model(tasks: Vec<Task>, exceptions: Vec<CalendarException>) -> Model {
    let mut m = model(tasks);
    m.program.start = date(2024, 1, 1);
    m.program.horizon = date(2026, 12, 31);
    m.program.calendar = Some("site".into());
    let mut site = Calendar::standard("site");
    site.exceptions = exceptions;
    m.calendars = vec![site];
    m
}

/// Deterministic (start, finish) of every task, days from the start.
fn dates(m: &Model) -> Vec<(f64, f64)> {
    let plan = Plan::compile(&ValidModel::new(m.clone()).expect("valid model"));
    plan.deterministic(0)
        .expect("schedule")
        .iter()
        .map(|d| d.map(|d| (d.start, d.finish)).expect("task happens"))
        .collect()
}

fn assert_at(got: f64, want: f64, what: &str) {
    // f32 days: a few seconds.
    assert_close(got, want, 1e-4, what);
}

#[test]
fn ten_working_days_from_a_friday_end_on_the_thursday_after_next() {
    let mut a = task("a", Dist::Fixed(10.0));
    a.not_before = Some(date(2024, 1, 5));
    let d = dates(&calendar_model(vec![a.clone()], vec![]));
    // Friday 08:00 to Thursday 17:00, 13 calendar days later.
    assert_at(d[0].0, at(4.0, 8.0), "start");
    assert_at(d[0].1, at(17.0, 17.0), "finish");

    // A holiday on Wednesday 2024-01-10 moves it by exactly one working day: Friday.
    let holiday = CalendarException {
        from: date(2024, 1, 10),
        to: date(2024, 1, 10),
        hours: vec![],
    };
    let d = dates(&calendar_model(vec![a.clone()], vec![holiday.clone()]));
    assert_at(d[0].1, at(18.0, 17.0), "finish after a holiday");

    // A half day that Wednesday: half a day later, Friday 12:00.
    let half = CalendarException {
        hours: vec![(480, 720)],
        ..holiday
    };
    let d = dates(&calendar_model(vec![a.clone()], vec![half]));
    assert_at(d[0].1, at(18.0, 12.0), "finish after a half day");

    // The same task in calendar days runs 10 days flat.
    a.calendar = Some("none".into());
    let d = dates(&calendar_model(vec![a], vec![]));
    assert_eq!(d[0], (4.0, 14.0));
}

#[test]
fn a_chain_across_weekends_matches_the_hand_count() {
    let a = task("a", Dist::Fixed(5.0));
    let mut b = task("b", Dist::Fixed(4.0));
    b.after = vec![fs("a")];
    let mut c = task("c", Dist::ZERO);
    c.after = vec![fs("b")];
    let mut d = task("d", Dist::Fixed(2.5));
    d.after = vec![fs("c")];
    // Lags stay in calendar days: one day after Thursday 17:00 is Friday 17:00, so work
    // starts on Monday.
    let mut e = task("e", Dist::Fixed(1.0));
    e.after = vec![Link {
        lag: 1.0,
        ..fs("c")
    }];
    let got = dates(&calendar_model(vec![a, b, c, d, e], vec![]));
    let want = [
        (at(0.0, 8.0), at(4.0, 17.0)),    // Mon–Fri
        (at(7.0, 8.0), at(10.0, 17.0)),   // Friday evening → Monday morning; Mon–Thu
        (at(10.0, 17.0), at(10.0, 17.0)), // a milestone stays at its predecessor's finish
        (at(11.0, 8.0), at(15.0, 12.0)),  // Fri, Mon, Tuesday morning
        (at(14.0, 8.0), at(14.0, 17.0)),  // Monday
    ];
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_at(g.0, w.0, &format!("start of task {i}"));
        assert_at(g.1, w.1, &format!("finish of task {i}"));
    }
}

#[test]
fn a_uniform_working_duration_has_its_median_on_the_hand_counted_date() {
    // uniform(5d, 13.5d) of work from Monday 08:00: median 9.25 working days, Friday of the
    // second week at 10:00 (day 11).
    let mut m = calendar_model(
        vec![task(
            "a",
            Dist::Uniform {
                min: 5.0,
                max: 13.5,
            },
        )],
        vec![],
    );
    m.program.iterations = 50_000;
    let out = simulate(&m, 3, 0);
    let x = finite(&out.scenarios[0].headline_days);
    assert_eq!(x.len(), 50_000);
    // Sample median of a uniform: sd ≈ range / (2 √n) working days, 8 of 24 hours a day.
    let se = 8.5 / (2.0 * (50_000f64).sqrt()) / 3.0;
    let p50 = median(&x);
    assert_close(p50, at(11.0, 10.0), 4.0 * se, "median finish");
    // Exactly: the same draws in calendar days give the median duration, and working time
    // maps it monotonically: 9 days to Thursday 17:00, then the rest from Friday 08:00.
    let mut flat = m.clone();
    flat.program.calendar = None;
    let d50 = median(&finite(&simulate(&flat, 3, 0).scenarios[0].headline_days));
    assert_close(
        p50,
        at(11.0, 8.0 + (d50 - 9.0) * 8.0),
        1e-4,
        "median of the same draws",
    );
    assert_eq!(date(2024, 1, 1).add_days(p50), Some(date(2024, 1, 12)));
    // Nothing finishes in non-working time: every finish lies within 08:00–17:00 on a weekday.
    for &f in x.iter().step_by(97) {
        let hour = (f - f.floor()) * 24.0;
        let weekday = (f.floor() as i64).rem_euclid(7);
        // Up to a minute past a period's end: see `SNAP` in the engine's calendar module.
        let minute = 1.0 / 60.0;
        assert!(weekday < 5 && (8.0..=17.0 + minute).contains(&hour), "{f}");
        assert!(!(12.0 + minute..13.0).contains(&hour), "{f}");
    }
}

#[test]
fn calendar_runs_are_identical_at_any_thread_count() {
    let a = task(
        "a",
        Dist::Triangular {
            min: 3.0,
            mode: 5.0,
            max: 12.0,
        },
    );
    let mut b = task("b", Dist::Uniform { min: 1.0, max: 9.0 });
    b.after = vec![fs("a")];
    b.cost = Dist::Fixed(1e6);
    let mut m = calendar_model(vec![a, b], vec![]);
    m.program.iterations = 20_000;
    let one = simulate(&m, 5, 1);
    let two = simulate(&m, 5, 2);
    assert_eq!(
        one.scenarios[0].headline_days,
        two.scenarios[0].headline_days
    );
    // At least 4 working days: Monday 08:00 to Thursday 17:00.
    let x = finite(&one.scenarios[0].headline_days);
    assert!(x[0] >= at(3.0, 17.0) - 1e-4, "{}", x[0]);
}

#[test]
fn a_calendar_task_spreads_its_cost_over_its_real_span() {
    // 2 working days from Tuesday 2024-12-31 08:00: Tuesday and Wednesday 1 January, finish
    // 17:00. Span 1.375 days, of which 16 hours (0.6667 days) in 2024.
    let mut t = task("build", Dist::Fixed(2.0));
    t.cost = Dist::Fixed(1.375e6);
    t.not_before = Some(date(2024, 12, 31));
    let mut m = calendar_model(vec![t], vec![]);
    m.program.iterations = 32;
    let out = simulate(&m, 1, 0);
    let s = &out.scenarios[0];
    let year = |y: i32| out.years.iter().position(|&x| x == y).expect("year");
    let in_2024 = 1.375e6 * (16.0 / 24.0) / 1.375;
    assert_close(
        f64::from(s.spend_by_year[year(2024)][0]),
        in_2024,
        // f32 days near day 365: a few seconds of the 33-hour span.
        1.375e6 * 1e-4,
        "2024",
    );
    assert_close(
        f64::from(s.spend_by_year[year(2025)][0]),
        1.375e6 - in_2024,
        1.375e6 * 1e-4,
        "2025",
    );
}

#[test]
fn calendar_work_past_the_tables_finishes_after_the_horizon() {
    // Far more work than the tables hold (horizon + a year), and a task starting after
    // them: no panic, later finishes stay later, nothing counts as finished.
    let a = task("a", Dist::Fixed(5_000.0));
    let mut b = task("b", Dist::Fixed(1.0));
    b.after = vec![fs("a")];
    let mut c = task("c", Dist::ZERO);
    c.not_before = Some(date(2026, 12, 31));
    c.after = vec![Link {
        lag: 800.0,
        ..fs("b")
    }];
    let m = calendar_model(vec![a, b, c], vec![]);
    let d = dates(&m);
    let horizon = f64::from(date(2026, 12, 31).days_since(date(2024, 1, 1)));
    assert!(d[0].1 > horizon, "{d:?}");
    assert!(d[1].0 >= d[0].1 && d[1].1 > d[1].0, "{d:?}");
    assert!(d[2].0 >= d[1].1 + 800.0 - 1e-3, "{d:?}");
    let mut m = m;
    m.program.iterations = 64;
    let out = simulate(&m, 1, 0);
    assert!(
        out.scenarios[0]
            .headline_days
            .iter()
            .all(|x| x.is_infinite())
    );
}

#[test]
fn finish_links_onto_a_calendar_task_count_back_in_working_time() {
    let a = task("a", Dist::Fixed(5.0)); // Monday 08:00 to Friday 17:00
    // Must finish with `a`: three working days back from Friday 17:00 is Wednesday 08:00.
    let mut b = task("b", Dist::Fixed(3.0));
    b.after = vec![Link {
        kind: LinkKind::FinishToFinish,
        ..fs("a")
    }];
    // Finish at least 3 calendar days after `a` starts (Thursday 08:00): two working days
    // back from there is Tuesday 08:00.
    let mut c = task("c", Dist::Fixed(2.0));
    c.after = vec![Link {
        kind: LinkKind::StartToFinish,
        lag: 3.0,
        ..fs("a")
    }];
    // A milestone finishing with `a` sits at its finish.
    let mut m = task("m", Dist::ZERO);
    m.after = vec![Link {
        kind: LinkKind::FinishToFinish,
        ..fs("a")
    }];
    let got = dates(&calendar_model(vec![a, b, c, m], vec![]));
    let want = [
        (at(0.0, 8.0), at(4.0, 17.0)),
        (at(2.0, 8.0), at(4.0, 17.0)),
        (at(1.0, 8.0), at(2.0, 17.0)),
        (at(4.0, 17.0), at(4.0, 17.0)),
    ];
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_at(g.0, w.0, &format!("start of task {i}"));
        assert_at(g.1, w.1, &format!("finish of task {i}"));
    }
}
