//! Primavera P6 XER: tab-separated tables. `ERMHDR` first, then per table `%T name`,
//! `%F field…` and rows `%R value…`, ending with `%E`. Encodings: UTF-16 (BOM), UTF-8, else
//! Windows-1252.
//!
//! Read: the first exported project (`PROJECT.export_flag = Y`), its WBS nodes as summary
//! tasks, activities (`TASK`) with durations, calendars, constraints and progress, links
//! (`TASKPRED`) of the four types with lags, and calendars (`CALENDAR.clndr_data`: week days,
//! working periods, exceptions).

use std::collections::HashMap;

use launchcast_model::{Date, LinkKind};

use crate::errors::{ImportError, Place};
use crate::schedule::{
    Calendar, CalendarException, Constraint, ConstraintKind, DateTime, DayHours, Duration, Format,
    Relation, Schedule, Task,
};

struct Table {
    name: String,
    fields: Vec<String>,
    /// (line, values)
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn col(&self, field: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == field)
    }
}

struct Row<'a> {
    table: &'a Table,
    index: usize,
    line: usize,
    values: &'a [String],
}

impl Row<'_> {
    fn get(&self, field: &str) -> &str {
        self.table
            .col(field)
            .and_then(|c| self.values.get(c))
            .map_or("", |s| s.trim())
    }

    /// The row's line, its table and row number, and `field`.
    fn place(&self, field: &str) -> Place {
        Place::Record {
            line: self.line,
            record: format!("{} row {}", self.table.name, self.index + 1),
            field: field.into(),
        }
    }

    fn date(&self, field: &str) -> Result<Option<DateTime>, ImportError> {
        let v = self.get(field);
        if v.is_empty() {
            return Ok(None);
        }
        DateTime::parse_iso(v).map(Some).ok_or_else(|| {
            ImportError::invalid(self.place(field), "expected a date `YYYY-MM-DD HH:MM`").value(v)
        })
    }

    fn hours(&self, field: &str) -> Result<Option<f64>, ImportError> {
        let v = self.get(field);
        if v.is_empty() {
            return Ok(None);
        }
        match v.parse::<f64>() {
            Ok(h) if h.is_finite() => Ok(Some(h)),
            _ => {
                Err(ImportError::invalid(self.place(field), "expected a number of hours").value(v))
            }
        }
    }
}

fn rows(t: &Table) -> impl Iterator<Item = Row<'_>> {
    t.rows
        .iter()
        .enumerate()
        .map(move |(index, (line, values))| Row {
            table: t,
            index,
            line: *line,
            values,
        })
}

fn parse_tables(text: &str) -> Result<Vec<Table>, ImportError> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, l)) if l.trim_start_matches('\u{feff}').starts_with("ERMHDR") => {}
        Some((_, l)) => {
            return Err(ImportError::syntax(
                Place::LineColumn { line: 1, column: 1 },
                "not an XER file: the first line must start with `ERMHDR`",
            )
            .value(l));
        }
        None => return Err(ImportError::syntax(Place::File, "empty file")),
    }
    let mut tables: Vec<Table> = Vec::new();
    let mut ended = false;
    let mut last = 1;
    for (i, l) in lines {
        let line = i + 1;
        last = line;
        let l = l.strip_suffix('\r').unwrap_or(l);
        let mut parts = l.split('\t');
        let tag = parts.next().unwrap_or("");
        match tag {
            "%T" => tables.push(Table {
                name: parts.next().unwrap_or("").trim().to_string(),
                fields: Vec::new(),
                rows: Vec::new(),
            }),
            "%F" | "%R" => {
                let Some(t) = tables.last_mut() else {
                    return Err(ImportError::syntax(
                        Place::LineColumn { line, column: 1 },
                        format!("`{tag}` before any `%T` table line"),
                    ));
                };
                let values: Vec<String> = parts.map(str::to_string).collect();
                if tag == "%F" {
                    t.fields = values;
                } else {
                    if t.fields.is_empty() {
                        return Err(ImportError::syntax(
                            Place::LineColumn { line, column: 1 },
                            format!("row of table {} before its `%F` field line", t.name),
                        ));
                    }
                    t.rows.push((line, values));
                }
            }
            "%E" => {
                ended = true;
                break;
            }
            "" => {}
            other => {
                return Err(ImportError::syntax(
                    Place::LineColumn { line, column: 1 },
                    "expected `%T`, `%F`, `%R` or `%E` at the start of the line",
                )
                .value(other));
            }
        }
    }
    if !ended {
        // P6 always ends an export with `%E`: without it the last row may be cut short.
        return Err(ImportError::syntax(
            Place::LineColumn {
                line: last,
                column: 1,
            },
            "truncated: the file ends without its `%E` line",
        )
        .hint("export the project again; if the file is complete, add a last line `%E`"));
    }
    Ok(tables)
}

/// Parses `HH:MM` as minutes; `00:00` as an end is midnight at the end of the day.
fn hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let h: u16 = h.parse().ok()?;
    let m: u16 = m.parse().ok()?;
    (h <= 24 && m < 60).then_some(h * 60 + m)
}

/// Date of a serial day number (days since 1899-12-30).
fn serial_date(n: i64) -> Option<Date> {
    let base = Date::from_ymd(1899, 12, 30)?;
    base.add_days(n as f64)
}

/// Reads `clndr_data`: `(0||DaysOfWeek()((0||1()((0||0(s|08:00|f|16:00)()))…)))
/// (0||Exceptions()((0||0(d|41519)())…))`. Days: 1 = Sunday … 7 = Saturday.
fn parse_clndr_data(cal: &mut Calendar, data: &str) {
    #[derive(PartialEq)]
    enum Sec {
        None,
        Week,
        Exceptions,
    }
    let mut sec = Sec::None;
    let mut day: Option<usize> = None;
    let mut exc: Option<usize> = None;
    for piece in data.split("(0||").skip(1) {
        let piece = piece.trim();
        let Some(open) = piece.find('(') else {
            continue;
        };
        let name = piece.get(..open).unwrap_or("").trim();
        let attrs = piece
            .get(open + 1..)
            .and_then(|r| r.split(')').next())
            .unwrap_or("");
        if name == "DaysOfWeek" {
            sec = Sec::Week;
            continue;
        }
        if name == "Exceptions" {
            sec = Sec::Exceptions;
            continue;
        }
        if !name.chars().all(|c| c.is_ascii_digit()) {
            sec = Sec::None;
            continue;
        }
        let kv: Vec<&str> = attrs.split('|').collect();
        let get = |k: &str| {
            kv.chunks(2)
                .find(|c| c.first().is_some_and(|x| x.trim() == k))
                .and_then(|c| c.get(1).copied())
        };
        match sec {
            Sec::Week => {
                if attrs.is_empty() {
                    // A day header: `1()` … `7()`; Sunday = 1 → index 6.
                    day = name
                        .parse::<usize>()
                        .ok()
                        .filter(|d| (1..=7).contains(d))
                        .map(|d| (d + 5) % 7);
                    if let Some(slot) = day.and_then(|d| cal.week.get_mut(d)) {
                        *slot = Some(Vec::new());
                    }
                } else if let (Some(s), Some(f)) =
                    (get("s").and_then(hhmm), get("f").and_then(hhmm))
                    && let Some(Some(h)) = day.and_then(|d| cal.week.get_mut(d))
                {
                    push_period(h, s, f);
                }
            }
            Sec::Exceptions => {
                if let Some(d) = get("d").and_then(|d| d.trim().parse::<i64>().ok()) {
                    exc = serial_date(d).map(|date| {
                        cal.exceptions.push(CalendarException {
                            from: date,
                            to: date,
                            hours: Vec::new(),
                        });
                        cal.exceptions.len() - 1
                    });
                } else if let (Some(s), Some(f)) =
                    (get("s").and_then(hhmm), get("f").and_then(hhmm))
                    && let Some(e) = exc.and_then(|i| cal.exceptions.get_mut(i))
                {
                    push_period(&mut e.hours, s, f);
                }
            }
            Sec::None => {}
        }
    }
}

fn push_period(h: &mut DayHours, s: u16, f: u16) {
    let f = if f == 0 || f < s { 1440 } else { f };
    if f > s {
        h.push((s, f));
        h.sort_unstable();
    }
}

/// Reads an XER file.
pub(crate) fn read(bytes: &[u8]) -> Result<Schedule, ImportError> {
    let (text, note) = crate::text::decode(bytes, None);
    let tables = parse_tables(&text)?;
    let table = |name: &str| tables.iter().find(|t| t.name == name);
    let mut s = Schedule::new(Format::Xer);
    s.notes.extend(note);
    let projects = table("PROJECT").ok_or_else(|| {
        ImportError::syntax(Place::File, "no PROJECT table").hint("is the export complete?")
    })?;
    let project = rows(projects)
        .find(|r| r.get("export_flag") != "N")
        .or_else(|| rows(projects).next())
        .ok_or_else(|| ImportError::syntax(Place::File, "the PROJECT table has no rows"))?;
    let proj_id = project.get("proj_id").to_string();
    s.name = project.get("proj_short_name").to_string();
    s.status_date = project.date("last_recalc_date")?;
    let plan_start = project.date("plan_start_date")?;
    let proj_cal = project.get("clndr_id").to_string();
    if rows(projects)
        .filter(|r| r.get("export_flag") != "N")
        .count()
        > 1
    {
        s.notes
            .push("several projects in the file: only the first is read".into());
    }

    if let Some(t) = table("CALENDAR") {
        for r in rows(t) {
            let mut c = Calendar::new(r.get("clndr_id"));
            c.name = r.get("clndr_name").to_string();
            let base = r.get("base_clndr_id");
            c.base = (!base.is_empty()).then(|| base.to_string());
            parse_clndr_data(&mut c, r.get("clndr_data"));
            if r.get("default_flag") == "Y" && s.default_calendar.is_none() {
                s.default_calendar = Some(c.id.clone());
            }
            s.calendars.push(c);
        }
    }
    if !proj_cal.is_empty() && s.calendar(&proj_cal).is_some() {
        s.default_calendar = Some(proj_cal);
    }
    let day_hours = s
        .default_calendar
        .as_ref()
        .and_then(|id| t_day_hours(table("CALENDAR"), id));
    if let Some(h) = day_hours {
        s.minutes_per_day = h * 60.0;
    }

    // WBS nodes of the project: summary tasks.
    let mut wbs_ids = HashMap::new();
    if let Some(t) = table("PROJWBS") {
        for r in rows(t).filter(|r| r.get("proj_id") == proj_id) {
            let id = r.get("wbs_id");
            wbs_ids.insert(id.to_string(), ());
            let mut task = Task::new(format!("wbs{id}"));
            task.place = r.place("wbs_id");
            task.summary = true;
            task.name = r.get("wbs_name").to_string();
            task.wbs = r.get("wbs_short_name").to_string();
            let parent = r.get("parent_wbs_id");
            task.parent = (!parent.is_empty()).then(|| format!("wbs{parent}"));
            s.tasks.push(task);
        }
    }
    for t in s.tasks.iter_mut() {
        if t.parent
            .as_deref()
            .and_then(|p| p.strip_prefix("wbs"))
            .is_some_and(|p| !wbs_ids.contains_key(p))
        {
            t.parent = None;
        }
    }
    let mut task_ids = HashMap::new();
    if let Some(t) = table("TASK") {
        for r in rows(t).filter(|r| r.get("proj_id") == proj_id) {
            let id = r.get("task_id");
            let mut task = Task::new(id);
            task.place = r.place("task_id");
            task_ids.insert(id.to_string(), ());
            task.name = r.get("task_name").to_string();
            task.wbs = r.get("task_code").to_string();
            let wbs = r.get("wbs_id");
            task.parent = wbs_ids.contains_key(wbs).then(|| format!("wbs{wbs}"));
            let ty = r.get("task_type");
            task.milestone = ty == "TT_Mile" || ty == "TT_FinMile";
            task.summary = ty == "TT_WBS";
            task.duration = Duration::working(r.hours("target_drtn_hr_cnt")?.unwrap_or(0.0) * 60.0);
            task.remaining = r
                .hours("remain_drtn_hr_cnt")?
                .map(|h| Duration::working(h * 60.0));
            let cal = r.get("clndr_id");
            task.calendar = (!cal.is_empty()).then(|| cal.to_string());
            task.actual_start = r.date("act_start_date")?;
            task.actual_finish = r.date("act_end_date")?;
            task.start = task
                .actual_start
                .or(r.date("restart_date")?)
                .or(r.date("early_start_date")?)
                .or(r.date("target_start_date")?);
            task.finish = task
                .actual_finish
                .or(r.date("reend_date")?)
                .or(r.date("early_end_date")?)
                .or(r.date("target_end_date")?);
            task.percent_complete = r.get("phys_complete_pct").parse().unwrap_or(0.0);
            let kind = match r.get("cstr_type") {
                "CS_MSO" | "CS_MANDSTART" => Some(ConstraintKind::MustStartOn),
                "CS_MEO" | "CS_MANDFIN" => Some(ConstraintKind::MustFinishOn),
                "CS_MSOA" => Some(ConstraintKind::StartNoEarlierThan),
                "CS_MSOB" => Some(ConstraintKind::StartNoLaterThan),
                "CS_MEOA" => Some(ConstraintKind::FinishNoEarlierThan),
                "CS_MEOB" => Some(ConstraintKind::FinishNoLaterThan),
                "CS_ALAP" => Some(ConstraintKind::AsLateAsPossible),
                _ => None,
            };
            if let Some(kind) = kind {
                task.constraint = Some(Constraint {
                    kind,
                    date: r.date("cstr_date")?,
                });
            }
            s.tasks.push(task);
        }
    }
    if let Some(t) = table("TASKPRED") {
        for r in rows(t) {
            let (p, q) = (r.get("pred_task_id"), r.get("task_id"));
            if !task_ids.contains_key(p) || !task_ids.contains_key(q) {
                continue;
            }
            let kind = match r.get("pred_type") {
                "PR_FS" | "" => LinkKind::FinishToStart,
                "PR_SS" => LinkKind::StartToStart,
                "PR_FF" => LinkKind::FinishToFinish,
                "PR_SF" => LinkKind::StartToFinish,
                other => {
                    return Err(ImportError::invalid(
                        r.place("pred_type"),
                        "unknown link type; expected PR_FS, PR_SS, PR_FF or PR_SF",
                    )
                    .value(other));
                }
            };
            s.relations.push(Relation {
                pred: p.to_string(),
                succ: q.to_string(),
                kind,
                lag: Duration::working(r.hours("lag_hr_cnt")?.unwrap_or(0.0) * 60.0),
                place: r.place("pred_task_id"),
            });
        }
    }
    let leaf = s.tasks.iter().filter(|t| !t.summary);
    s.start = leaf.clone().filter_map(|t| t.start).min();
    if s.start.is_none() && plan_start.is_some() {
        s.notes
            .push("no activity dates: project start not set".into());
    }
    s.finish = leaf.filter_map(|t| t.finish).max();
    crate::check::check(&s)?;
    Ok(s)
}

fn t_day_hours(t: Option<&Table>, id: &str) -> Option<f64> {
    let t = t?;
    rows(t)
        .find(|r| r.get("clndr_id") == id)
        .and_then(|r| r.get("day_hr_cnt").parse::<f64>().ok())
        .filter(|h| *h > 0.0 && *h <= 24.0)
}
