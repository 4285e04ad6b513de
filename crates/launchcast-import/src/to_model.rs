//! Mapping a [`Schedule`] to a [`Model`]: leaf tasks become model tasks, summary tasks only
//! lend their links to the tasks under them, the calendars tasks run on become
//! `[[calendar]]`s (durations in working days on them), lags become calendar days.

use std::collections::{HashMap, HashSet};

use launchcast_model::{
    Calendar, CalendarException, Date, Dist, Hours, Link, LinkKind, Model, Program,
    Task as ModelTask, hours_text, parse_hours, weekday,
};

use crate::calendar::CalendarSet;
use crate::schedule::{
    ConstraintKind, DateTime, DayHours, Duration, Format, Schedule, default_start,
};

/// Turns a file id into a model id: `[a-z0-9_]+`, prefixed so it never starts empty.
fn model_id(prefix: &str, uid: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + uid.len());
    s.push_str(prefix);
    for c in uid.chars() {
        let c = c.to_ascii_lowercase();
        s.push(
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            },
        );
    }
    s
}

/// Days a duration takes, for the model (which counts calendar days). Working time is
/// converted with the schedule's calendars by [`CalendarSet::span_days`] when the task has a
/// start; otherwise at `minutes_per_day` per day.
fn days(schedule: &Schedule, d: Duration) -> f64 {
    if d.elapsed {
        d.minutes / 1440.0
    } else if schedule.minutes_per_day > 0.0 {
        d.minutes / schedule.minutes_per_day
    } else {
        d.minutes / 480.0
    }
}

/// The model's day 0. With a status date: the status date, unless the schedule starts
/// later (a data date before the first activity; the working-time pass starts nothing
/// earlier either). Without: the project start, or the earliest task start when a task lies
/// before it (MS Project lets constraints and manual starts do that).
pub fn as_of(schedule: &Schedule, calendars: Option<&CalendarSet>) -> Option<DateTime> {
    match (schedule.status_date, schedule.start) {
        (Some(sd), Some(st)) => Some(sd.max(st)),
        (Some(sd), None) => Some(sd),
        (None, st) => {
            let earliest = calendars.and_then(|c| {
                (0..schedule.tasks.len())
                    .filter_map(|i| c.task_dates(i).map(|(a, _)| a))
                    .min()
            });
            match (st, earliest) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        }
    }
}

/// Where the model holds a task that has started. Finished, or nothing left at the as-of
/// moment: no time, at that moment, on no calendar (a calendar would move it to its next
/// working moment). Under way: the work left between the as-of moment and its working-time
/// finish, in working days on its calendar from the first working moment, so the engine
/// finishes it exactly there; in calendar days from the as-of moment when the model cannot
/// carry its calendar.
struct Pinned {
    duration: f64,
    on_calendar: bool,
    start: DateTime,
    finish: DateTime,
}

/// Whether task `i` has nothing left to do at the as-of moment: finished, or started with
/// its working-time finish at or before it.
fn done_before(
    schedule: &Schedule,
    calendars: Option<&CalendarSet>,
    as_of: Option<DateTime>,
    i: usize,
) -> bool {
    let Some(t) = schedule.tasks.get(i) else {
        return false;
    };
    t.actual_finish.is_some()
        || (t.actual_start.is_some()
            && match (calendars.and_then(|c| c.task_dates(i)), as_of) {
                (Some((_, f)), Some(st)) => f <= st,
                _ => false,
            })
}

/// Builds the model. Day 0 is 00:00 of the [`as_of`] date and `program.start_time` its time
/// of day. With `calendars` (the schedule's deterministic dates in working time) the model
/// reproduces them: tasks run their working days on their calendars, lags are the calendar
/// days the schedule has, and tasks that have started are pinned to the as-of moment, with
/// no links in; manually scheduled tasks keep their start date whatever their predecessors
/// do.
pub fn to_model(schedule: &Schedule, calendars: Option<&CalendarSet>) -> Model {
    let prefix = if schedule.format == Format::Psplib {
        "j"
    } else {
        "t"
    };
    let start_dt = as_of(schedule, calendars);
    let start = start_dt.map_or_else(default_start, |d| d.date());
    let start_min = start_dt.map_or(i64::from(start.days_since_epoch()) * 1440, |d| d.minutes);

    // Model ids, unique.
    let mut used = HashSet::new();
    let mut ids: HashMap<&str, String> = HashMap::new();
    for t in &schedule.tasks {
        let mut id = model_id(prefix, &t.uid);
        let base = id.clone();
        let mut k = 2;
        while !used.insert(id.clone()) {
            id = format!("{base}_{k}");
            k += 1;
        }
        ids.insert(t.uid.as_str(), id);
    }
    let id_of = |i: usize| {
        schedule
            .tasks
            .get(i)
            .and_then(|t| ids.get(t.uid.as_str()))
            .cloned()
    };
    // Working time: each task on a calendar the model can carry exactly runs on it, with
    // its duration in working days. Elapsed durations and calendars off the 15-minute grid
    // keep the calendar-day span of the deterministic schedule.
    let minutes_per_day = if schedule.minutes_per_day > 0.0 {
        schedule.minutes_per_day
    } else {
        480.0
    };
    let hours_per_day = minutes_per_day / 60.0;
    let horizon_guess = start.add_days(36_500.0).unwrap_or(start);
    let mut model_calendars: Vec<Calendar> = Vec::new();
    let mut by_table: HashMap<usize, Option<String>> = HashMap::new();
    let mut calendar_of = |i: usize| -> Option<String> {
        let cals = calendars?;
        if schedule.format == Format::Psplib {
            return None;
        }
        let table = cals.task_table(schedule, i)?;
        by_table
            .entry(table)
            .or_insert_with(|| {
                let file_id = cals.table_calendar_id(table);
                let mut id =
                    file_id.map_or_else(|| "standard".to_string(), |f| model_id("cal_", f));
                let base = id.clone();
                let mut k = 2;
                while model_calendars.iter().any(|c| c.id == id) {
                    id = format!("{base}_{k}");
                    k += 1;
                }
                let (first, days) = cals.table_days(table)?;
                let mut c = tabulated(&id, first, days, start, horizon_guess)?;
                c.hours_per_day = hours_per_day;
                c.name = file_id
                    .and_then(|f| schedule.calendar(f))
                    .map_or(id.clone(), |cal| cal.name.clone());
                if c.name.is_empty() {
                    c.name = id.clone();
                }
                model_calendars.push(c);
                Some(id)
            })
            .clone()
    };
    let task_calendar: Vec<Option<String>> = (0..schedule.tasks.len())
        .map(|i| match schedule.tasks.get(i) {
            Some(t) if !t.summary && !done_before(schedule, calendars, start_dt, i) => {
                calendar_of(i)
            }
            _ => None,
        })
        .collect();
    // Progress: a task that has started is pinned to the as-of date, with no links in.
    // Finished (or nothing left to do): no time, at the as-of moment, on no calendar. Under
    // way: on its calendar, from the first working moment at the as-of date, the work left
    // up to its working-time finish (in calendar days from the as-of moment when the model
    // cannot carry its calendar), so the model finishes it when the schedule does.
    let pinned: Vec<Option<Pinned>> = (0..schedule.tasks.len())
        .map(|i| {
            let t = schedule.tasks.get(i)?;
            if t.actual_start.is_none() && t.actual_finish.is_none() {
                return None;
            }
            let (c, st) = (calendars?, start_dt?);
            if done_before(schedule, calendars, start_dt, i) {
                // Finished after the as-of moment (a file with actuals and no status date):
                // it keeps its actual finish.
                let finish = t.actual_finish.filter(|&af| af > st).unwrap_or(st);
                return Some(Pinned {
                    duration: finish.days_since(st),
                    on_calendar: false,
                    start: st,
                    finish,
                });
            }
            let (_, f) = c.task_dates(i)?;
            let work = c.work_minutes(schedule, i, st, f).unwrap_or(0);
            Some(
                if task_calendar.get(i).is_some_and(Option::is_some) && work > 0 {
                    Pinned {
                        duration: work as f64 / minutes_per_day,
                        on_calendar: true,
                        start: c.next_working(schedule, i, st),
                        finish: f,
                    }
                } else {
                    Pinned {
                        duration: f.days_since(st),
                        on_calendar: false,
                        start: st,
                        finish: f,
                    }
                },
            )
        })
        .collect();
    let mut after: HashMap<String, Vec<Link>> = HashMap::new();
    // The links the working-time pass follows (a summary task's stand for its leaf
    // tasks'), so the model keeps the dates `inspect` shows.
    let pinned_task = |i: usize| calendars.is_some_and(|c| c.pinned(i));
    for l in schedule.leaf_links().unwrap_or_default() {
        let (p, q) = (l.pred, l.succ);
        let Some(r) = schedule.relations.get(l.relation) else {
            continue;
        };
        let plain = days(schedule, r.lag);
        let (Some(pid), Some(qid)) = (id_of(p), id_of(q)) else {
            continue;
        };
        if p == q {
            continue;
        }
        // Lags in calendar time as the deterministic schedule has them (nights and
        // weekends the successor waits for included), else at a day's working time.
        // A task that has started no longer waits for its predecessors: it is pinned
        // to the as-of date. A manually scheduled one, or one a must-start-on or
        // must-finish-on date holds, stays where it is whatever they do.
        if pinned_task(q)
            || schedule.tasks.get(q).is_some_and(|t| {
                t.actual_start.is_some() || t.actual_finish.is_some() || t.manual_start.is_some()
            })
        {
            continue;
        }
        let lag = calendars
            .and_then(|c| c.link_days(schedule, r, p, q).map(|d| (c, d)))
            .map_or(plain, |(c, d)| {
                // A predecessor that has started sits where the model pins it, not
                // where it was: measure the lag from there.
                let moved = match (c.task_dates(p), pinned.get(p).and_then(Option::as_ref)) {
                    (Some((ps, pf)), Some(pin)) => match r.kind {
                        LinkKind::FinishToStart | LinkKind::FinishToFinish => {
                            pin.finish.days_since(pf)
                        }
                        LinkKind::StartToStart | LinkKind::StartToFinish => {
                            pin.start.days_since(ps)
                        }
                    },
                    _ => 0.0,
                };
                ((d - moved) * 1e6).round() / 1e6
            });
        after.entry(qid).or_default().push(Link {
            task: pid,
            kind: r.kind,
            lag,
        });
    }
    let mut tasks = Vec::new();
    let mut max_days: f64 = 0.0;
    for (i, t) in schedule.tasks.iter().enumerate() {
        if t.summary {
            continue;
        }
        let Some(id) = ids.get(t.uid.as_str()) else {
            continue;
        };
        let pin = pinned.get(i).and_then(Option::as_ref);
        let mut calendar = match pin {
            Some(p) if !p.on_calendar => None,
            _ => task_calendar.get(i).cloned().flatten(),
        };
        // Working time: the duration, plus the gaps of a split task.
        let work_days = calendars
            .and_then(|c| c.task_work(i))
            .map(|w| w as f64 / minutes_per_day);
        let mut duration = match calendars.and_then(|c| c.task_span_days(i)) {
            Some(d) if calendar.is_none() => d,
            _ => work_days.unwrap_or_else(|| days(schedule, t.duration)),
        };
        let mut not_before = None;
        if let Some(p) = pin {
            duration = p.duration;
        } else if t.actual_finish.is_some() {
            // Progress without dates to pin it to: finished tasks take no more time, started
            // ones what remains.
            duration = 0.0;
        } else if t.actual_start.is_some() {
            duration = t.remaining.map_or(duration, |rem| days(schedule, rem));
        } else if let (Some(c), true, Some(day0)) = (calendars, pinned_task(i), start_dt)
            && let Some((st, fi)) = c.task_dates(i)
        {
            // A task that stays where it is (manually scheduled, or held by a must-start-on
            // or must-finish-on date): on its date (from 00:00 in the model, which has no
            // time of day for dates), with the work up to its finish, so the model finishes
            // it where the schedule does; in calendar days when its calendar cannot end the
            // work there (a finish in non-working time).
            let later = st.date() > start;
            not_before = later.then(|| st.date());
            let m0 = if later {
                DateTime::new(st.date(), 0)
            } else {
                day0
            };
            if fi <= st {
                duration = 0.0;
            } else {
                let s0 = c.next_working(schedule, i, m0);
                let w = c.work_minutes(schedule, i, s0, fi).unwrap_or(0);
                if calendar.is_some() && w > 0 && c.finish_after(schedule, i, s0, w) == fi {
                    duration = w as f64 / minutes_per_day;
                } else {
                    calendar = None;
                    duration = fi.days_since(m0);
                }
            }
        } else if let Some(ms) = t.manual_start {
            // A manually scheduled task starts on its own date (a date in the model: the
            // first working moment of that day).
            not_before = Some(ms).filter(|d| d.minutes > start_min).map(|d| d.date());
        } else {
            // A start- or finish-no-earlier-than or must-start-on date: where it puts the
            // start, as a date.
            not_before = calendars
                .and_then(|c| c.constraint_start(i))
                .or_else(|| {
                    t.constraint.and_then(|c| match c.kind {
                        ConstraintKind::StartNoEarlierThan | ConstraintKind::MustStartOn => c.date,
                        _ => None,
                    })
                })
                .filter(|d| d.minutes > start_min)
                .map(|d| d.date());
        }
        let duration = duration.max(0.0);
        max_days += duration;
        tasks.push(ModelTask {
            id: id.clone(),
            name: t.name.clone(),
            duration: Dist::Fixed(duration),
            chance: 1.0,
            after: after.remove(id).unwrap_or_default(),
            after_any: Vec::new(),
            after_failure: Vec::new(),
            cost: Dist::ZERO,
            not_before,
            started: None,
            disabled: false,
            calendar,
        });
    }
    let span = max_days.max(
        schedule
            .finish
            .map_or(0.0, |f| f.days_since(start_dt.unwrap_or(f))),
    );
    let horizon_days = (span * 2.0 + 3650.0).min(36_500.0);
    let horizon = start.add_days(horizon_days).unwrap_or(start);
    Model {
        program: Program {
            name: if schedule.name.is_empty() {
                "Imported schedule".into()
            } else {
                schedule.name.clone()
            },
            start,
            horizon,
            currency: String::new(),
            iterations: 10_000,
            seed: 1,
            delivery_lag: Dist::ZERO,
            overhead_per_year: Dist::ZERO,
            calendar: None,
            // The schedule's start instant: its first tasks start then, not at 00:00.
            start_time: if schedule.format == Format::Psplib {
                0
            } else {
                start_dt.map_or(0, |d| d.minute_of_day() as u32)
            },
        },
        tasks,
        risks: Vec::new(),
        plants: Vec::new(),
        promises: Vec::new(),
        scenarios: Vec::new(),
        correlations: vec![],
        includes: vec![],
        calendars: model_calendars,
        references: vec![],
        thin_references: vec![],
    }
}

/// A model calendar that gives every day of `days` (from `first`) between `from` and `to`
/// its hours: the most common hours of each weekday as the week, every other run of days
/// as an exception. `None` when a period is off the 15-minute grid, overlaps another, or
/// the week has no working time.
fn tabulated(id: &str, first: Date, days: &[DayHours], from: Date, to: Date) -> Option<Calendar> {
    let k0 = from.days_since(first).max(0) as usize;
    let k1 = (to.days_since(first).max(0) as usize + 1).min(days.len());
    let range = if k0 < k1 { k0..k1 } else { 0..days.len() };
    let date = |k: usize| Date::from_days_since_epoch(first.days_since_epoch() + k as i32);
    let hours = |h: &DayHours| -> Option<Hours> {
        let h: Hours = h
            .iter()
            .map(|&(a, b)| (u32::from(a), u32::from(b)))
            .collect();
        parse_hours(&hours_text(&h)).ok().filter(|p| *p == h)
    };
    let mut counts: [HashMap<&DayHours, usize>; 7] = Default::default();
    for k in range.clone() {
        *counts[weekday(date(k))].entry(&days[k]).or_default() += 1;
    }
    let mut c = Calendar::standard(id);
    for (wd, count) in counts.iter().enumerate() {
        if let Some((h, _)) = count
            .iter()
            .max_by_key(|(h, n)| (**n, std::cmp::Reverse(*h)))
        {
            c.week[wd] = hours(h)?;
        }
    }
    if c.week.iter().all(Vec::is_empty) {
        return None;
    }
    let mut k = range.start;
    while k < range.end {
        let h = hours(&days[k])?;
        if h == c.week[weekday(date(k))] {
            k += 1;
            continue;
        }
        let mut end = k;
        while end + 1 < range.end && days[end + 1] == days[k] {
            end += 1;
        }
        c.exceptions.push(CalendarException {
            from: date(k),
            to: date(end),
            hours: h,
        });
        k = end + 1;
    }
    Some(c)
}
