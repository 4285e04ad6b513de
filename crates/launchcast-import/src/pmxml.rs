//! Primavera P6 XML (PMXML, `<APIBusinessObjects>`). Read: the first `<Project>`, its WBS
//! nodes as summary tasks, activities (type, planned and remaining duration in hours,
//! calendar, dates, actual dates, primary constraint, percent complete), relationships (four
//! types, lag in hours) wherever they sit, and global and project calendars (standard work
//! week, holidays and exceptions).

use std::collections::{HashMap, HashSet};

use launchcast_model::LinkKind;

use crate::errors::{ImportError, Place};
use crate::schedule::{
    Calendar, CalendarException, Constraint, ConstraintKind, DateTime, DayHours, Duration, Format,
    Relation, Schedule, Task,
};
use crate::xml::{Node, clock_minutes, read_document};

fn date(n: &Node, path: &str, name: &str) -> Result<Option<DateTime>, ImportError> {
    let v = n.text_of(name);
    if v.is_empty() {
        return Ok(None);
    }
    DateTime::parse_iso(v).map(Some).ok_or_else(|| {
        ImportError::invalid(n.place(path, name), "expected a date `YYYY-MM-DDTHH:MM:SS`").value(v)
    })
}

fn hours(n: &Node, path: &str, name: &str) -> Result<Option<f64>, ImportError> {
    let v = n.text_of(name);
    if v.is_empty() {
        return Ok(None);
    }
    // Some writers use the decimal comma (`70,583333`).
    v.replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|h| h.is_finite())
        .map(Some)
        .ok_or_else(|| ImportError::invalid(n.place(path, name), "expected hours").value(v))
}

/// `<WorkTime><Start>08:00:00</Start><Finish>16:59:00</Finish></WorkTime>`; P6 writes the
/// last working minute as the finish, so a finish ending in :59 is rounded up.
fn work_times(n: &Node) -> DayHours {
    let mut h: DayHours = n
        .children("WorkTime")
        .filter_map(|w| {
            let a = clock_minutes(w.text_of("Start"))?;
            let mut b = clock_minutes(w.text_of("Finish"))?;
            if b % 60 == 59 {
                b += 1;
            }
            Some((a, if b <= a { 1440 } else { b }))
        })
        .collect();
    h.sort_unstable();
    h
}

fn calendar(n: &Node) -> Calendar {
    let mut c = Calendar::new(n.text_of("ObjectId"));
    c.name = n.text_of("Name").to_string();
    let base = n.text_of("BaseCalendarObjectId");
    c.base = (!base.is_empty()).then(|| base.to_string());
    for d in n
        .child("StandardWorkWeek")
        .into_iter()
        .flat_map(|w| w.children("StandardWorkHours"))
    {
        let slot = match d.text_of("DayOfWeek") {
            "Monday" => 0,
            "Tuesday" => 1,
            "Wednesday" => 2,
            "Thursday" => 3,
            "Friday" => 4,
            "Saturday" => 5,
            "Sunday" => 6,
            _ => continue,
        };
        if let Some(w) = c.week.get_mut(slot) {
            *w = Some(work_times(d));
        }
    }
    for e in n
        .child("HolidayOrExceptions")
        .into_iter()
        .flat_map(|w| w.children("HolidayOrException"))
    {
        if let Some(d) = DateTime::parse_iso(e.text_of("Date")) {
            c.exceptions.push(CalendarException {
                from: d.date(),
                to: d.date(),
                hours: work_times(e),
            });
        }
    }
    c
}

/// Reads a PMXML file.
pub(crate) fn read(bytes: &[u8]) -> Result<Schedule, ImportError> {
    let (root, note) = read_document(bytes, "APIBusinessObjects", "a PMXML")?;
    let mut s = Schedule::new(Format::Pmxml);
    s.notes.extend(note);
    // Projects referenced by others carry only an id: read the first one with a name.
    let project = root
        .children("Project")
        .find(|p| !p.text_of("Name").is_empty())
        .or_else(|| root.child("Project"))
        .ok_or_else(|| {
            ImportError::invalid(
                Place::Element {
                    path: "APIBusinessObjects".into(),
                    line: root.line,
                },
                "no <Project> element",
            )
        })?;
    if root.children("Project").count() > 1 {
        s.notes
            .push("several projects in the file: only the first named one is read".into());
    }
    if project.text_of("ObjectId").is_empty() {
        return Err(ImportError::invalid(
            project.place("APIBusinessObjects/Project", "ObjectId"),
            "the project has no <ObjectId>, so its activities, WBS nodes and links cannot be tied to it",
        )
        .value(project.text_of("Name"))
        .hint("export the project again from P6; this file was not written by P6"));
    }
    let p = "APIBusinessObjects/Project";
    s.name = project.text_of("Name").to_string();
    s.status_date = date(project, p, "DataDate")?;
    let project_start = date(project, p, "StartDate")?;
    let planned_start = date(project, p, "PlannedStartDate")?;
    let project_finish =
        date(project, p, "FinishDate")?.or(date(project, p, "ScheduledFinishDate")?);
    let def = project.text_of("ActivityDefaultCalendarObjectId");
    for c in root
        .children("Calendar")
        .chain(project.children("Calendar"))
    {
        let cal = calendar(c);
        if s.default_calendar.is_none() && c.text_of("IsDefault") == "true" {
            s.default_calendar = Some(cal.id.clone());
        }
        s.calendars.push(cal);
    }
    if !def.is_empty() && s.calendar(def).is_some() {
        s.default_calendar = Some(def.to_string());
    }
    if let Some(h) = s
        .default_calendar
        .as_ref()
        .and_then(|id| {
            root.children("Calendar")
                .find(|c| c.text_of("ObjectId") == id)
        })
        .and_then(|c| c.text_of("HoursPerDay").parse::<f64>().ok())
        .filter(|h| *h > 0.0 && *h <= 24.0)
    {
        s.minutes_per_day = h * 60.0;
    }
    let mut wbs_ids = HashSet::new();
    for (k, w) in project.children("WBS").enumerate() {
        let path = format!("{p}/WBS[{}]", k + 1);
        let id = w.text_of("ObjectId");
        if id.is_empty() {
            return Err(ImportError::invalid(
                w.place(&path, "ObjectId"),
                "WBS node without an ObjectId",
            ));
        }
        wbs_ids.insert(id.to_string());
        let mut t = Task::new(format!("wbs{id}"));
        t.place = Place::Element {
            path: path.clone(),
            line: w.line,
        };
        t.summary = true;
        t.name = w.text_of("Name").to_string();
        t.wbs = w.text_of("Code").to_string();
        let parent = w.text_of("ParentObjectId");
        t.parent = (!parent.is_empty()).then(|| format!("wbs{parent}"));
        s.tasks.push(t);
    }
    for t in s.tasks.iter_mut() {
        if t.parent
            .as_deref()
            .and_then(|x| x.strip_prefix("wbs"))
            .is_some_and(|x| !wbs_ids.contains(x))
        {
            t.parent = None;
        }
    }
    let mut ids = HashSet::new();
    for (k, a) in project.children("Activity").enumerate() {
        let path = format!("{p}/Activity[{}]", k + 1);
        let id = a.text_of("ObjectId");
        if id.is_empty() {
            return Err(ImportError::invalid(
                a.place(&path, "ObjectId"),
                "activity without an ObjectId",
            )
            .value(a.text_of("Name"))
            .hint("every <Activity> needs an <ObjectId> for links to refer to"));
        }
        ids.insert(id.to_string());
        let mut t = Task::new(id);
        t.place = Place::Element {
            path: path.clone(),
            line: a.line,
        };
        t.name = a.text_of("Name").to_string();
        t.wbs = a.text_of("Id").to_string();
        let wbs = a.text_of("WBSObjectId");
        t.parent = wbs_ids.contains(wbs).then(|| format!("wbs{wbs}"));
        let ty = a.text_of("Type");
        t.milestone = ty == "Start Milestone" || ty == "Finish Milestone";
        t.summary = ty == "WBS Summary";
        t.duration = Duration::working(hours(a, &path, "PlannedDuration")?.unwrap_or(0.0) * 60.0);
        t.remaining = hours(a, &path, "RemainingDuration")?.map(|h| Duration::working(h * 60.0));
        let cal = a.text_of("CalendarObjectId");
        t.calendar = (!cal.is_empty()).then(|| cal.to_string());
        t.actual_start = date(a, &path, "ActualStartDate")?;
        t.actual_finish = date(a, &path, "ActualFinishDate")?;
        t.start = date(a, &path, "StartDate")?;
        t.finish = date(a, &path, "FinishDate")?;
        t.percent_complete = a
            .text_of("PercentComplete")
            .parse::<f64>()
            .map(|x| if x <= 1.0 { x * 100.0 } else { x })
            .unwrap_or(0.0);
        let kind = match a.text_of("PrimaryConstraintType") {
            "Start On" | "Mandatory Start" => Some(ConstraintKind::MustStartOn),
            "Finish On" | "Mandatory Finish" => Some(ConstraintKind::MustFinishOn),
            "Start On or After" => Some(ConstraintKind::StartNoEarlierThan),
            "Start On or Before" => Some(ConstraintKind::StartNoLaterThan),
            "Finish On or After" => Some(ConstraintKind::FinishNoEarlierThan),
            "Finish On or Before" => Some(ConstraintKind::FinishNoLaterThan),
            "As Late As Possible" => Some(ConstraintKind::AsLateAsPossible),
            _ => None,
        };
        if let Some(kind) = kind {
            t.constraint = Some(Constraint {
                kind,
                date: date(a, &path, "PrimaryConstraintDate")?,
            });
        }
        s.tasks.push(t);
    }
    let mut seen: HashMap<(String, String, u8), ()> = HashMap::new();
    for (k, r) in root
        .children("Relationship")
        .chain(project.children("Relationship"))
        .enumerate()
    {
        let path = format!("Relationship[{}]", k + 1);
        let (pr, su) = (
            r.text_of("PredecessorActivityObjectId"),
            r.text_of("SuccessorActivityObjectId"),
        );
        if !ids.contains(pr) || !ids.contains(su) {
            continue;
        }
        let kind = match r.text_of("Type") {
            "Finish to Start" | "" => LinkKind::FinishToStart,
            "Start to Start" => LinkKind::StartToStart,
            "Finish to Finish" => LinkKind::FinishToFinish,
            "Start to Finish" => LinkKind::StartToFinish,
            other => {
                return Err(ImportError::invalid(
                    r.place(&path, "Type"),
                    "unknown relationship type",
                )
                .value(other));
            }
        };
        let code = kind as u8;
        if seen
            .insert((pr.to_string(), su.to_string(), code), ())
            .is_some()
        {
            continue;
        }
        s.relations.push(Relation {
            pred: pr.to_string(),
            succ: su.to_string(),
            kind,
            lag: Duration::working(hours(r, &path, "Lag")?.unwrap_or(0.0) * 60.0),
            place: Place::Element {
                path: path.clone(),
                line: r.line,
            },
        });
    }
    let leaf = s.tasks.iter().filter(|t| !t.summary);
    s.start = project_start
        .or_else(|| leaf.clone().filter_map(|t| t.start).min())
        .or(planned_start);
    s.finish = leaf.filter_map(|t| t.finish).max().or(project_finish);
    crate::check::check(&s)?;
    Ok(s)
}
