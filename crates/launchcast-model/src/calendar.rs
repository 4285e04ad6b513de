//! Working-time calendars: the `[[calendar]]` table's types, the grammar of working hours
//! (`"08:00-12:00, 13:00-17:00"`, `""` for a day off) and the checks shared by reading a file
//! and [`crate::validate`]: ranges, overlaps, a week without working time, exceptions that end
//! before they start, references to calendars.
//!
//! Times lie on a 15-minute grid ([`GRID_MINUTES`]) so that the engine's working-time tables,
//! which count quarter hours, are exact.

use std::collections::HashMap;

use crate::Date;
use crate::kind::ProblemKind;
use crate::raw::{Cx, Span};

/// Working hours are whole quarter hours.
pub const GRID_MINUTES: u32 = 15;

/// The calendar id that means "24-hour calendar days" (no working-time calendar).
pub const NO_CALENDAR: &str = "none";

/// Working periods of one day: minutes after midnight, `[from, to)`, sorted, disjoint.
pub type Hours = Vec<(u32, u32)>;

/// `[[calendar]]`: a weekly pattern of working hours with dated exceptions. A task on it has
/// its durations in working days of `hours_per_day` working hours.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    /// Unique among calendars; referred to by `calendar = "..."`.
    pub id: String,
    /// For people; the id if not given.
    pub name: String,
    /// Working hours in one day of duration (`1d` on this calendar).
    pub hours_per_day: f64,
    /// Monday first.
    pub week: [Hours; 7],
    /// The first exception covering a day sets its hours.
    pub exceptions: Vec<CalendarException>,
}

/// Days `from..=to` with their own hours (empty: not working, e.g. a holiday).
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarException {
    /// First day.
    pub from: Date,
    /// Inclusive.
    pub to: Date,
    /// Working periods of each of those days.
    pub hours: Hours,
}

/// Monday = 0 … Sunday = 6.
pub fn weekday(d: Date) -> usize {
    // 1970-01-01 was a Thursday.
    (d.days_since_epoch() + 3).rem_euclid(7) as usize
}

/// `mon` … `sun`, the keys of `week`.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Calendar {
    /// Monday to Friday, 08:00–12:00 and 13:00–17:00, 8 hours a day, no exceptions.
    pub fn standard(id: impl Into<String>) -> Calendar {
        let id = id.into();
        let day = vec![(480, 720), (780, 1020)];
        Calendar {
            name: id.clone(),
            id,
            hours_per_day: 8.0,
            week: std::array::from_fn(|i| if i < 5 { day.clone() } else { Vec::new() }),
            exceptions: Vec::new(),
        }
    }

    /// Working periods on day `d`.
    pub fn hours_on(&self, d: Date) -> &Hours {
        self.exceptions
            .iter()
            .find(|e| e.from <= d && d <= e.to)
            .map_or(&self.week[weekday(d)], |e| &e.hours)
    }
}

/// Working minutes in a day's hours.
pub fn minutes(h: &Hours) -> u32 {
    h.iter().map(|&(a, b)| b.saturating_sub(a)).sum()
}

/// `"08:00-12:00, 13:00-17:00"` (`""` for no working time).
pub fn hours_text(h: &Hours) -> String {
    let t = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    h.iter()
        .map(|&(a, b)| format!("{}-{}", t(a), t(b)))
        .collect::<Vec<_>>()
        .join(", ")
}

const HOURS_HELP: &str = "write working periods like \"08:00-12:00, 13:00-17:00\" (24-hour clock), or \"\" for a day off";

fn time(s: &str) -> Option<u32> {
    let (h, m) = s.trim().split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// Parses working hours; the error is (message, help).
pub fn parse_hours(text: &str) -> Result<Hours, (String, String)> {
    let mut out = Vec::new();
    if text.trim().is_empty() {
        return Ok(out);
    }
    for piece in text.split(',') {
        let piece = piece.trim();
        let range = piece
            .split_once('-')
            .and_then(|(a, b)| Some((time(a)?, time(b)?)));
        let Some((a, b)) = range else {
            return Err((
                format!("`{piece}` is not a time range like 08:00-12:00"),
                HOURS_HELP.into(),
            ));
        };
        out.push((a, b));
    }
    check_hours(&mut out)?;
    Ok(out)
}

/// Checks ranges (each ends after it starts, on the grid, none overlapping) and sorts them.
pub(crate) fn check_hours(h: &mut Hours) -> Result<(), (String, String)> {
    let t = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    for &(a, b) in h.iter() {
        let text = hours_text(&vec![(a, b)]);
        if b > 24 * 60 || a >= b {
            return Err((
                format!("`{text}` does not end after it starts"),
                "write the earlier time first, e.g. 08:00-12:00; a night shift is two ranges, 22:00-24:00 and 00:00-06:00".into(),
            ));
        }
        if let Some(off) = [a, b].into_iter().find(|m| m % GRID_MINUTES != 0) {
            return Err((
                format!("`{}` in `{text}` is not on the 15-minute grid", t(off)),
                "working time is counted in quarter hours: use minutes :00, :15, :30 or :45".into(),
            ));
        }
    }
    h.sort_unstable();
    for w in h.windows(2) {
        if w[1].0 < w[0].1 {
            return Err((
                format!(
                    "`{}` and `{}` overlap",
                    hours_text(&vec![w[0]]),
                    hours_text(&vec![w[1]])
                ),
                "make the ranges disjoint, or merge them into one".into(),
            ));
        }
    }
    Ok(())
}

/// What a calendar check reports: (key path suffix, label, message, help).
pub(crate) type CalProblem = (String, &'static str, String, String);

/// Checks of one calendar that need no source: hours per day, working time in the week,
/// exceptions in order, and every range (for calendars built in code).
pub(crate) fn check_calendar(c: &Calendar, ranges: bool) -> Vec<CalProblem> {
    let mut out = Vec::new();
    if !(c.hours_per_day > 0.0 && c.hours_per_day <= 24.0) {
        out.push((
            "hours_per_day".into(),
            "outside (0, 24]",
            format!(
                "`hours_per_day` = {} must be more than 0 and at most 24",
                c.hours_per_day
            ),
            "the working hours in one day of duration, e.g. hours_per_day = 8".into(),
        ));
    }
    if ranges {
        for (k, day) in c.week.iter().enumerate() {
            if let Err((m, h)) = check_hours(&mut day.clone()) {
                out.push((format!("week.{}", WEEKDAYS[k]), "here", m, h));
            }
        }
        for (k, e) in c.exceptions.iter().enumerate() {
            if let Err((m, h)) = check_hours(&mut e.hours.clone()) {
                out.push((format!("exceptions[{k}].hours"), "here", m, h));
            }
        }
    }
    if c.week.iter().all(Vec::is_empty) {
        out.push((
            "week".into(),
            "no working time",
            format!("calendar `{}` has no working time in its week", c.id),
            "give at least one day working hours, e.g. week = { mon = \"08:00-17:00\", … }".into(),
        ));
    }
    for (k, e) in c.exceptions.iter().enumerate() {
        if e.from > e.to {
            out.push((
                format!("exceptions[{k}]"),
                "from after to",
                format!("exception `from` = {} is after `to` = {}", e.from, e.to),
                "write the first day as from and the last day as to (the same day for one day)"
                    .into(),
            ));
        }
    }
    out
}

/// Reports references to calendars (`task[i].calendar`, `program.calendar`) that name no
/// `[[calendar]]` (nor `"none"`), with the nearest id; and a calendar defining `"none"`.
pub(crate) fn check_refs(
    cx: &mut Cx<'_>,
    ids: &[(&str, Option<Span>, String)],
    refs: &[(String, Option<Span>, String)],
) {
    let known: HashMap<&str, ()> = ids.iter().map(|(id, _, _)| (*id, ())).collect();
    for (id, span, path) in ids {
        if *id == NO_CALENDAR {
            cx.report_kind(span.clone(), path, &ProblemKind::ReservedCalendarNone);
        }
    }
    for (target, span, path) in refs {
        if target == NO_CALENDAR || known.contains_key(target.as_str()) {
            continue;
        }
        let known: Vec<&str> = ids.iter().map(|(id, _, _)| *id).collect();
        let kind = ProblemKind::UnknownCalendar {
            target,
            known: &known,
        };
        cx.report_kind(span.clone(), path, &kind);
    }
}
