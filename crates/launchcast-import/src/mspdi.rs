//! Microsoft Project XML (MSPDI, `xmlns="http://schemas.microsoft.com/project"`).
//!
//! Read: project start, finish, status date, default calendar and minutes per day; tasks
//! (UID, name, WBS, outline level → parent, summary, milestone, duration with its format,
//! calendar, constraint, scheduled and actual dates, remaining duration, percent complete);
//! `PredecessorLink`s (four types, lag in tenths of minutes, elapsed lag formats); calendars
//! (week days, working times, base calendar, exceptions as `WeekDay` with `DayType` 0 or as
//! 2007+ `Exceptions`: ranges, and daily, weekly, monthly and yearly recurring patterns
//! expanded to their days). Null tasks (`IsNull`, blank rows) are no tasks: they are left out
//! and counted in [`crate::Schedule::blank_rows`].

use launchcast_model::{Date, LinkKind};

use crate::calendar::weekday;
use crate::errors::{ImportError, Place};
use crate::schedule::{
    Calendar, CalendarException, Constraint, ConstraintKind, DateTime, DayHours, Duration, Format,
    Relation, Schedule, Task,
};
use crate::xml::{Node, clock_minutes, read_document};

/// Duration formats that count elapsed time (`em`, `eh`, `ed`, `ew`, `emo`, `e%`, and their
/// estimated variants).
fn elapsed_format(code: &str) -> bool {
    matches!(
        code.trim(),
        "4" | "6" | "8" | "10" | "12" | "20" | "36" | "38" | "40" | "42" | "44" | "52"
    )
}

/// Parses an ISO 8601 duration such as `PT8H0M0S` or `P2DT4H`, in minutes (a `D` is 24 h).
pub(crate) fn iso_minutes(s: &str) -> Option<f64> {
    let s = s.trim();
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let mut rest = s.strip_prefix('P')?;
    let mut minutes = 0.0;
    let mut in_time = false;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('T') {
            in_time = true;
            rest = r;
            continue;
        }
        let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let value: f64 = rest.get(..end)?.parse().ok()?;
        let unit = rest.get(end..)?.chars().next()?;
        minutes += value
            * match (unit, in_time) {
                ('Y', false) => 525_960.0,
                ('M', false) => 43_830.0,
                ('W', false) => 10_080.0,
                ('D', false) => 1440.0,
                ('H', true) => 60.0,
                ('M', true) => 1.0,
                ('S', true) => 1.0 / 60.0,
                _ => return None,
            };
        rest = rest.get(end + unit.len_utf8()..)?;
    }
    minutes
        .is_finite()
        .then_some(if neg { -minutes } else { minutes })
}

fn date(n: &Node, path: &str, name: &str) -> Result<Option<DateTime>, ImportError> {
    let v = n.text_of(name);
    if v.is_empty() {
        return Ok(None);
    }
    DateTime::parse_iso(v).map(Some).ok_or_else(|| {
        ImportError::invalid(n.place(path, name), "expected a date `YYYY-MM-DDTHH:MM:SS`").value(v)
    })
}

fn duration(
    n: &Node,
    path: &str,
    name: &str,
    elapsed: bool,
) -> Result<Option<Duration>, ImportError> {
    let v = n.text_of(name);
    if v.is_empty() {
        return Ok(None);
    }
    let m = iso_minutes(v).ok_or_else(|| {
        ImportError::invalid(
            n.place(path, name),
            "expected a duration such as `PT8H0M0S`",
        )
        .value(v)
    })?;
    Ok(Some(Duration {
        minutes: m,
        elapsed,
    }))
}

fn flag(n: &Node, name: &str) -> bool {
    matches!(n.text_of(name), "1" | "true")
}

fn working_times(n: &Node) -> DayHours {
    let mut h: DayHours = n
        .child("WorkingTimes")
        .into_iter()
        .flat_map(|w| w.children("WorkingTime"))
        .filter_map(|t| {
            let a = clock_minutes(t.text_of("FromTime"))?;
            let b = clock_minutes(t.text_of("ToTime"))?;
            let b = if b <= a { 1440 } else { b };
            Some((a, b))
        })
        .collect();
    h.sort_unstable();
    h
}

fn exception_range(n: &Node, hours: DayHours) -> Option<CalendarException> {
    let tp = n.child("TimePeriod")?;
    let from = DateTime::parse_iso(tp.text_of("FromDate"))?.date();
    let to_dt = DateTime::parse_iso(tp.text_of("ToDate"))?;
    // `ToDate` is often 23:59 of the last day, sometimes 00:00 of the next.
    let to = if to_dt.minute_of_day() == 0 && to_dt.date() > from {
        to_dt.date().add_days(-1.0)?
    } else {
        to_dt.date()
    };
    (to >= from && to.days_since(from) < 366 * 200).then_some(CalendarException { from, to, hours })
}

/// Days in a month.
fn month_days(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| Date::from_ymd(year, month, d).is_some())
        .unwrap_or(28)
}

/// The dates in `year`/`month` that a monthly or yearly relative item names: `item` 0 any
/// day, 1 a weekday, 2 a weekend day, 3–9 Sunday–Saturday; `position` 0–3 the first to
/// fourth such day, 4 the last.
fn relative_day(year: i32, month: u32, item: u32, position: u32) -> Option<Date> {
    let days: Vec<Date> = (1..=month_days(year, month))
        .filter_map(|d| Date::from_ymd(year, month, d))
        .filter(|d| {
            let wd = weekday(*d); // Monday = 0
            match item {
                0 => true,
                1 => wd < 5,
                2 => wd >= 5,
                // 3 = Sunday … 9 = Saturday.
                i @ 3..=9 => wd == (i as usize + 3) % 7,
                _ => false,
            }
        })
        .collect();
    match position {
        0..=3 => days.get(position as usize).copied(),
        4 => days.last().copied(),
        _ => None,
    }
}

/// Months after January of year 0, and back.
fn month_index(d: Date) -> i64 {
    let (y, m, _) = d.ymd();
    i64::from(y) * 12 + i64::from(m) - 1
}

fn from_month_index(k: i64) -> Option<(i32, u32)> {
    Some((
        i32::try_from(k.div_euclid(12)).ok()?,
        u32::try_from(k.rem_euclid(12)).ok()? + 1,
    ))
}

/// The days a recurring exception (MSPDI `Type` 2–7) falls on, from its first date to its
/// last (`TimePeriod`), at most `Occurrences` of them when the file gives that count.
fn recurring_days(e: &Node) -> Result<Vec<Date>, String> {
    let tp = e.child("TimePeriod").ok_or("no <TimePeriod>")?;
    let from = DateTime::parse_iso(tp.text_of("FromDate"))
        .ok_or("no valid <FromDate>")?
        .date();
    let to = DateTime::parse_iso(tp.text_of("ToDate"))
        .ok_or("no valid <ToDate>")?
        .date();
    if to < from || to.days_since(from) > 366 * 200 {
        return Err(format!("the period {from} to {to} is not a range of dates"));
    }
    let num = |name: &str, default: u32| -> Result<u32, String> {
        match e.text_of(name) {
            "" => Ok(default),
            v => v
                .parse::<u32>()
                .map_err(|_| format!("<{name}> is not a whole number: `{v}`")),
        }
    };
    let limit = match num("Occurrences", 0)? {
        0 => usize::MAX,
        n => n as usize,
    };
    let period = num("Period", 1)?.max(1);
    let mut out: Vec<Date> = Vec::new();
    let push = |d: Date, out: &mut Vec<Date>| {
        if d >= from && d <= to && out.len() < limit && out.last().is_none_or(|l| *l < d) {
            out.push(d);
        }
    };
    let ty = e.text_of("Type");
    match ty {
        // Daily, every `Period` days.
        "7" => {
            let mut d = from;
            while d <= to && out.len() < limit {
                push(d, &mut out);
                d = d.add_days(f64::from(period)).ok_or("date out of range")?;
            }
        }
        // Weekly: the days of `DaysOfWeek` (bit 0 Sunday … bit 6 Saturday), every `Period`
        // weeks counted from the week of the first date. MS Project's weeks here run from
        // Sunday whatever the project's first day of the week (its own expansion, which
        // 2007 files carry, says so).
        "6" => {
            let mask = num("DaysOfWeek", 0)?;
            if mask == 0 || mask > 127 {
                return Err(format!("<DaysOfWeek> names no day: `{mask}`"));
            }
            // Days since the start of the first date's week.
            let sunday0 = |d: Date| (weekday(d) + 1) % 7; // Sunday = 0
            let back = sunday0(from);
            let week0 = from.add_days(-(back as f64)).ok_or("date out of range")?;
            let mut d = week0;
            while d <= to && out.len() < limit {
                let week = d.days_since(week0) / 7;
                if week % period as i32 == 0 && mask & (1 << sunday0(d)) != 0 {
                    push(d, &mut out);
                }
                d = d.add_days(1.0).ok_or("date out of range")?;
            }
        }
        // Monthly: day `MonthDay` (type 4), or the `MonthPosition`-th `MonthItem` (type 5),
        // every `Period` months.
        "4" | "5" => {
            let (k0, k1) = (month_index(from), month_index(to));
            let mut k = k0;
            while k <= k1 && out.len() < limit {
                let (y, m) = from_month_index(k).ok_or("date out of range")?;
                let d = if ty == "4" {
                    let day = num("MonthDay", 1)?.clamp(1, 31).min(month_days(y, m));
                    Date::from_ymd(y, m, day)
                } else {
                    relative_day(y, m, num("MonthItem", 0)?, num("MonthPosition", 0)?)
                };
                if let Some(d) = d {
                    push(d, &mut out);
                }
                k += i64::from(period);
            }
        }
        // Yearly: day `MonthDay` of `Month` (0 January; type 2), or the `MonthPosition`-th
        // `MonthItem` of it (type 3).
        "2" | "3" => {
            let month = num("Month", 0)? + 1;
            if month > 12 {
                return Err(format!("<Month> is not a month: `{}`", month - 1));
            }
            let (y0, _, _) = from.ymd();
            let (y1, _, _) = to.ymd();
            for y in y0..=y1 {
                let d = if ty == "2" {
                    let day = num("MonthDay", 1)?.clamp(1, 31).min(month_days(y, month));
                    Date::from_ymd(y, month, day)
                } else {
                    relative_day(y, month, num("MonthItem", 0)?, num("MonthPosition", 0)?)
                };
                if let Some(d) = d {
                    push(d, &mut out);
                }
            }
        }
        other => return Err(format!("unknown recurrence <Type> `{other}`")),
    }
    Ok(out)
}

fn calendar(n: &Node, path: &str) -> Result<Calendar, ImportError> {
    let mut c = Calendar::new(n.text_of("UID"));
    c.name = n.text_of("Name").to_string();
    let base = n.text_of("BaseCalendarUID");
    c.base = (!base.is_empty() && base != "-1").then(|| base.to_string());
    for wd in n
        .child("WeekDays")
        .into_iter()
        .flat_map(|w| w.children("WeekDay"))
    {
        let working = flag(wd, "DayWorking");
        let hours = if working {
            working_times(wd)
        } else {
            Vec::new()
        };
        match wd.text_of("DayType").parse::<usize>() {
            // 1 = Sunday … 7 = Saturday; Monday first here.
            Ok(d @ 1..=7) => {
                if let Some(slot) = c.week.get_mut((d + 5) % 7) {
                    *slot = Some(hours);
                }
            }
            Ok(0) => c.exceptions.extend(exception_range(wd, hours)),
            _ => {}
        }
    }
    for (k, e) in n
        .child("Exceptions")
        .into_iter()
        .flat_map(|w| w.children("Exception"))
        .enumerate()
    {
        let hours = if flag(e, "DayWorking") {
            working_times(e)
        } else {
            Vec::new()
        };
        // Type 1 (or none): every day of the range; 2–7: a yearly, monthly, weekly or daily
        // pattern within it.
        let ty = e.text_of("Type");
        if ty.is_empty() || ty == "1" {
            c.exceptions.extend(exception_range(e, hours));
            continue;
        }
        let epath = format!("{path}/Exceptions/Exception[{}]", k + 1);
        let days = recurring_days(e).map_err(|why| {
            ImportError::invalid(
                Place::Element {
                    path: epath.clone(),
                    line: e.line,
                },
                format!(
                    "calendar `{}`: recurring exception `{}` cannot be read: {why}",
                    c.id,
                    e.text_of("Name")
                ),
            )
            .value(ty)
            .hint("open the calendar in MS Project and save the file again")
        })?;
        c.exceptions
            .extend(days.into_iter().map(|d| CalendarException {
                from: d,
                to: d,
                hours: hours.clone(),
            }));
    }
    Ok(c)
}

/// Reads an MSPDI file.
pub(crate) fn read(bytes: &[u8]) -> Result<Schedule, ImportError> {
    let (root, note) = read_document(bytes, "Project", "an MSPDI")?;
    let mut s = Schedule::new(Format::Mspdi);
    s.notes.extend(note);
    let p = "Project";
    s.name = match root.text_of("Title") {
        "" => root.text_of("Name").to_string(),
        t => t.to_string(),
    };
    s.start = date(&root, p, "StartDate")?;
    s.finish = date(&root, p, "FinishDate")?;
    s.status_date = date(&root, p, "StatusDate")?;
    if let Ok(m) = root.text_of("MinutesPerDay").parse::<f64>()
        && m > 0.0
        && m <= 1440.0
    {
        s.minutes_per_day = m;
    }
    let cal = root.text_of("CalendarUID");
    s.default_calendar = (!cal.is_empty() && cal != "-1").then(|| cal.to_string());
    for (k, c) in root
        .child("Calendars")
        .into_iter()
        .flat_map(|c| c.children("Calendar"))
        .enumerate()
    {
        let path = format!("Project/Calendars/Calendar[{}]", k + 1);
        s.calendars.push(calendar(c, &path)?);
    }

    let mut placeholder_actuals = 0;
    // Outline levels give parents: a stack of (level, uid).
    let mut outline: Vec<(u32, String)> = Vec::new();
    let tasks = root.child("Tasks");
    for (k, n) in tasks
        .into_iter()
        .flat_map(|t| t.children("Task"))
        .enumerate()
    {
        let path = format!("Project/Tasks/Task[{}]", k + 1);
        // Blank rows (`IsNull`): MS Project shows them as empty lines, they are no tasks
        // and take no place in the outline.
        if flag(n, "IsNull") {
            s.blank_rows += 1;
            continue;
        }
        let uid = n.text_of("UID");
        if uid.is_empty() {
            return Err(ImportError::invalid(
                n.place(&path, "UID"),
                "task without a UID",
            ));
        }
        let mut t = Task::new(uid);
        t.place = Place::Element {
            path: path.clone(),
            line: n.line,
        };
        t.name = n.text_of("Name").to_string();
        t.wbs = match n.text_of("WBS") {
            "" => n.text_of("OutlineNumber").to_string(),
            w => w.to_string(),
        };
        t.outline_level = n.text_of("OutlineLevel").parse().unwrap_or(1);
        while outline.last().is_some_and(|(l, _)| *l >= t.outline_level) {
            outline.pop();
        }
        t.parent = outline.last().map(|(_, u)| u.clone());
        outline.push((t.outline_level, t.uid.clone()));
        // The project summary task (UID 0) is a summary even when the file
        // does not say so.
        t.summary = flag(n, "Summary") || uid == "0";
        t.milestone = flag(n, "Milestone");
        let elapsed = elapsed_format(n.text_of("DurationFormat"));
        t.duration = duration(n, &path, "Duration", elapsed)?.unwrap_or(Duration::ZERO);
        t.remaining = duration(n, &path, "RemainingDuration", elapsed)?;
        let cal = n.text_of("CalendarUID");
        t.calendar = (!cal.is_empty() && cal != "-1").then(|| cal.to_string());
        t.start = date(n, &path, "Start")?;
        t.finish = date(n, &path, "Finish")?;
        t.actual_start = date(n, &path, "ActualStart")?;
        t.actual_finish = date(n, &path, "ActualFinish")?;
        // MS Project moves a started task's Start to its ActualStart (and a finished one's
        // Finish to its ActualFinish); actual dates that disagree are placeholders some
        // writers put in for "none" (`2000-01-01T00:00`) and are dropped.
        let mut dropped = false;
        if t.actual_start.is_some() && t.start.is_some() && t.actual_start != t.start {
            t.actual_start = None;
            dropped = true;
        }
        if t.actual_finish.is_some() && t.finish.is_some() && t.actual_finish != t.finish {
            t.actual_finish = None;
            dropped = true;
        }
        if t.actual_start.is_none() {
            t.actual_finish = None;
        }
        if dropped {
            placeholder_actuals += 1;
        }
        t.percent_complete = n.text_of("PercentComplete").parse().unwrap_or(0.0);
        if flag(n, "Manual") {
            t.manual_start = date(n, &path, "ManualStart")?.or(t.start);
            t.manual_finish = date(n, &path, "ManualFinish")?.or(t.finish);
        }
        let kind = match n.text_of("ConstraintType") {
            "1" => Some(ConstraintKind::AsLateAsPossible),
            "2" => Some(ConstraintKind::MustStartOn),
            "3" => Some(ConstraintKind::MustFinishOn),
            "4" => Some(ConstraintKind::StartNoEarlierThan),
            "5" => Some(ConstraintKind::StartNoLaterThan),
            "6" => Some(ConstraintKind::FinishNoEarlierThan),
            "7" => Some(ConstraintKind::FinishNoLaterThan),
            _ => None,
        };
        if let Some(kind) = kind {
            t.constraint = Some(Constraint {
                kind,
                date: date(n, &path, "ConstraintDate")?,
            });
        }
        for (j, l) in n.children("PredecessorLink").enumerate() {
            let lpath = format!("{path}/PredecessorLink[{}]", j + 1);
            let kind = match l.text_of("Type") {
                "0" => LinkKind::FinishToFinish,
                "1" | "" => LinkKind::FinishToStart,
                "2" => LinkKind::StartToFinish,
                "3" => LinkKind::StartToStart,
                other => {
                    return Err(ImportError::invalid(
                        l.place(&lpath, "Type"),
                        "unknown link type; expected 0 (FF), 1 (FS), 2 (SF) or 3 (SS)",
                    )
                    .value(other));
                }
            };
            let lag_text = l.text_of("LinkLag");
            let lag = if lag_text.is_empty() {
                0.0
            } else {
                lag_text
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| {
                        ImportError::invalid(
                            l.place(&lpath, "LinkLag"),
                            "expected tenths of minutes",
                        )
                        .value(lag_text)
                    })?
                    / 10.0
            };
            let pred = l.text_of("PredecessorUID");
            if pred.is_empty() {
                continue;
            }
            s.relations.push(Relation {
                pred: pred.to_string(),
                succ: t.uid.clone(),
                kind,
                lag: Duration {
                    minutes: lag,
                    elapsed: elapsed_format(l.text_of("LagFormat")),
                },
                place: Place::Element {
                    path: lpath,
                    line: l.line,
                },
            });
        }
        s.tasks.push(t);
    }
    if placeholder_actuals > 0 {
        s.notes.push(format!(
            "{placeholder_actuals} tasks carry actual dates that differ from their own start or \
             finish; they were read as not started"
        ));
    }
    // Links to tasks that are not in the file (external, null) are dropped.
    let known: std::collections::HashSet<&str> = s.tasks.iter().map(|t| t.uid.as_str()).collect();
    let before = s.relations.len();
    let kept: Vec<Relation> = s
        .relations
        .iter()
        .filter(|r| known.contains(r.pred.as_str()))
        .cloned()
        .collect();
    if kept.len() < before {
        s.notes.push(format!(
            "{} links to tasks not in the file dropped",
            before - kept.len()
        ));
    }
    s.relations = kept;
    if s.blank_rows > 0 {
        s.notes.push(format!(
            "{} blank rows (`IsNull`) are no tasks and were left out",
            s.blank_rows
        ));
    }
    resource_calendars(&root, &mut s);
    crate::check::check(&s)?;
    Ok(s)
}

/// MS Project schedules a task that has no calendar of its own on the calendar of the work
/// resources assigned to it (unless it ignores resource calendars). When its resources work
/// on different calendars each assignment runs on its own and the task's duration counts
/// the working time of any of them: the task gets the union of those calendars.
fn resource_calendars(root: &Node, s: &mut Schedule) {
    use std::collections::{BTreeSet, HashMap};
    let mut cal_of_resource: HashMap<&str, &str> = HashMap::new();
    for r in root
        .child("Resources")
        .into_iter()
        .flat_map(|r| r.children("Resource"))
    {
        // Type 1 is a work resource; material (0) and cost (2) resources take no time.
        let cal = r.text_of("CalendarUID");
        if r.text_of("Type") == "1" && !cal.is_empty() && cal != "-1" {
            cal_of_resource.insert(r.text_of("UID"), cal);
        }
    }
    if cal_of_resource.is_empty() {
        return;
    }
    let mut cals_of_task: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for a in root
        .child("Assignments")
        .into_iter()
        .flat_map(|a| a.children("Assignment"))
    {
        if let Some(&c) = cal_of_resource.get(a.text_of("ResourceUID")) {
            cals_of_task
                .entry(a.text_of("TaskUID"))
                .or_default()
                .insert(c);
        }
    }
    let ignores: std::collections::HashSet<&str> = root
        .child("Tasks")
        .into_iter()
        .flat_map(|t| t.children("Task"))
        .filter(|t| flag(t, "IgnoreResourceCalendar"))
        .map(|t| t.text_of("UID"))
        .collect();
    let mut unions = Vec::new();
    for t in s.tasks.iter_mut().filter(|t| !t.summary) {
        let Some(cals) = cals_of_task.get(t.uid.as_str()) else {
            continue;
        };
        if t.calendar.is_some() || ignores.contains(t.uid.as_str()) {
            continue;
        }
        let members: Vec<String> = cals.iter().map(|c| c.to_string()).collect();
        if let [only] = members.as_slice() {
            t.calendar = Some(only.clone());
            continue;
        }
        let id = format!("union:{}", members.join("+"));
        if !unions.iter().any(|c: &Calendar| c.id == id) {
            let mut c = Calendar::new(id.clone());
            c.name = format!("union of calendars {}", members.join(", "));
            c.union_of = members;
            unions.push(c);
        }
        t.calendar = Some(id);
    }
    s.calendars.append(&mut unions);
}
