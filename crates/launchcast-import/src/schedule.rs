//! The intermediate schedule every reader produces: what the file says, in the file's own
//! terms (working-time durations, calendars, summary tasks, progress), before it is mapped to
//! a [`launchcast_model::Model`].

use std::fmt;

use launchcast_model::{Date, LinkKind};

use crate::errors::Place;

/// Start used when a schedule carries no date at all (PSPLIB): a Monday.
pub fn default_start() -> Date {
    Date::from_ymd(2000, 1, 3).unwrap_or(Date::from_days_since_epoch(10_959))
}

/// Minutes in a day.
pub const MINUTES_PER_DAY: i64 = 1440;

/// A date and time to the minute, without time zone (schedule files carry local times).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Minutes since 1970-01-01T00:00.
    pub minutes: i64,
}

impl DateTime {
    /// The moment `minute_of_day` minutes after 00:00 of `date`.
    pub fn new(date: Date, minute_of_day: i64) -> DateTime {
        DateTime {
            minutes: i64::from(date.days_since_epoch()) * MINUTES_PER_DAY + minute_of_day,
        }
    }

    /// The date it falls on.
    pub fn date(self) -> Date {
        let days = self.minutes.div_euclid(MINUTES_PER_DAY);
        Date::from_days_since_epoch(days.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
    }

    /// Minutes after midnight.
    pub fn minute_of_day(self) -> i64 {
        self.minutes.rem_euclid(MINUTES_PER_DAY)
    }

    /// Parses `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM[:SS[.fff]]`.
    /// Seconds are dropped.
    pub fn parse_iso(s: &str) -> Option<DateTime> {
        let s = s.trim();
        let date_part = s.get(..10)?;
        let date = Date::parse(date_part)?;
        let rest = s.get(10..)?;
        if rest.is_empty() {
            return Some(DateTime::new(date, 0));
        }
        let rest = rest.strip_prefix(['T', ' '])?;
        let mut it = rest.split(':');
        let h: i64 = it.next()?.trim().parse().ok()?;
        let m: i64 = match it.next() {
            Some(m) => m.trim().parse().ok()?,
            None => 0,
        };
        if !(0..=24).contains(&h) || !(0..60).contains(&m) {
            return None;
        }
        Some(DateTime::new(date, h * 60 + m))
    }

    /// Days (fractional) from `earlier` to `self`.
    pub fn days_since(self, earlier: DateTime) -> f64 {
        (self.minutes - earlier.minutes) as f64 / MINUTES_PER_DAY as f64
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minute_of_day();
        write!(f, "{}T{:02}:{:02}", self.date(), m / 60, m % 60)
    }
}

/// A duration as the file states it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Duration {
    /// Minutes: working minutes on the task's calendar, or elapsed (calendar) minutes.
    pub minutes: f64,
    /// Elapsed time (`ed`, `emo` in MS Project): counts every minute of every day.
    pub elapsed: bool,
}

impl Duration {
    /// No time.
    pub const ZERO: Duration = Duration {
        minutes: 0.0,
        elapsed: false,
    };

    /// A duration in working minutes (on the task's calendar).
    pub fn working(minutes: f64) -> Duration {
        Duration {
            minutes,
            elapsed: false,
        }
    }

    /// A duration in elapsed minutes (calendar time, `ed` in MS Project).
    pub fn elapsed(minutes: f64) -> Duration {
        Duration {
            minutes,
            elapsed: true,
        }
    }
}

/// A date constraint on a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    /// No constraint: as soon as the links allow.
    AsSoonAsPossible,
    /// As late as possible.
    AsLateAsPossible,
    /// Start exactly on the date.
    MustStartOn,
    /// Finish exactly on the date.
    MustFinishOn,
    /// Start on or after the date.
    StartNoEarlierThan,
    /// Start on or before the date.
    StartNoLaterThan,
    /// Finish on or after the date.
    FinishNoEarlierThan,
    /// Finish on or before the date.
    FinishNoLaterThan,
}

/// A task's date constraint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Constraint {
    /// Which constraint.
    pub kind: ConstraintKind,
    /// Its date (none for as soon or as late as possible).
    pub date: Option<DateTime>,
}

/// One task, summary task or milestone.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// The file's unique id (MSPDI `UID`, XER `task_id`, PSPLIB job number).
    pub uid: String,
    /// The task's name.
    pub name: String,
    /// WBS code or outline number as the file gives it.
    pub wbs: String,
    /// 0 for a project summary task, 1 for top-level tasks.
    pub outline_level: u32,
    /// The uid of the summary task this one belongs to.
    pub parent: Option<String>,
    /// Summary tasks give structure and are not scheduled themselves.
    pub summary: bool,
    /// A milestone (usually of zero duration).
    pub milestone: bool,
    /// Planned duration (for a task in progress, the whole of it).
    pub duration: Duration,
    /// Calendar id; `None` means the project's default calendar.
    pub calendar: Option<String>,
    /// Its date constraint, if any.
    pub constraint: Option<Constraint>,
    /// Scheduled dates the file carries (not recomputed).
    pub start: Option<DateTime>,
    /// Scheduled finish the file carries.
    pub finish: Option<DateTime>,
    /// Actual start, for a task that has started.
    pub actual_start: Option<DateTime>,
    /// Actual finish, for a finished task.
    pub actual_finish: Option<DateTime>,
    /// Work remaining, for a task in progress.
    pub remaining: Option<Duration>,
    /// 0–100.
    pub percent_complete: f64,
    /// A manually scheduled task's start (MS Project `Manual`): the scheduler leaves it
    /// there whatever its links and the project start say.
    pub manual_start: Option<DateTime>,
    /// A manually scheduled task's finish, where the file gives it (MSPDI `ManualFinish`).
    pub manual_finish: Option<DateTime>,
    /// Where the file defines the task, for messages (line, table row or element).
    pub place: Place,
}

impl Task {
    /// A task with the file's unique id `uid` and nothing else set.
    pub fn new(uid: impl Into<String>) -> Task {
        Task {
            uid: uid.into(),
            name: String::new(),
            wbs: String::new(),
            outline_level: 1,
            parent: None,
            summary: false,
            milestone: false,
            duration: Duration::ZERO,
            calendar: None,
            constraint: None,
            start: None,
            finish: None,
            actual_start: None,
            actual_finish: None,
            remaining: None,
            percent_complete: 0.0,
            manual_start: None,
            manual_finish: None,
            place: Place::File,
        }
    }
}

/// A precedence link.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    /// The uid of the predecessor.
    pub pred: String,
    /// The uid of the successor.
    pub succ: String,
    /// Which ends of the two tasks the link ties.
    pub kind: LinkKind,
    /// Lag (negative: lead).
    pub lag: Duration,
    /// Where the file states the link, for messages.
    pub place: Place,
}

/// Working periods of one day, minutes after midnight, `[from, to)`, sorted.
pub type DayHours = Vec<(u16, u16)>;

/// A date range with its own working hours (empty hours: non-working).
#[derive(Clone, Debug, PartialEq)]
pub struct CalendarException {
    /// First day.
    pub from: Date,
    /// Inclusive.
    pub to: Date,
    /// Working hours of each of those days.
    pub hours: DayHours,
}

/// A working-time calendar.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    /// The file's id of the calendar.
    pub id: String,
    /// The calendar's name.
    pub name: String,
    /// Calendar this one derives from; days it leaves `None` come from there.
    pub base: Option<String>,
    /// Monday first. `None`: as the base calendar (or the standard 08–12, 13–17 week).
    pub week: [Option<DayHours>; 7],
    /// Dated exceptions to the week; the first covering a day sets its hours.
    pub exceptions: Vec<CalendarException>,
    /// Non-empty: the working time is the union of these calendars' (a task whose resources
    /// work on different calendars works whenever any of them does); `week` and
    /// `exceptions` are then unused.
    pub union_of: Vec<String>,
}

impl Calendar {
    /// A calendar `id` with the standard week, no base and no exceptions.
    pub fn new(id: impl Into<String>) -> Calendar {
        Calendar {
            id: id.into(),
            name: String::new(),
            base: None,
            week: Default::default(),
            exceptions: Vec::new(),
            union_of: Vec::new(),
        }
    }

    /// The standard week: Monday to Friday, 08:00–12:00 and 13:00–17:00.
    pub fn standard(id: impl Into<String>) -> Calendar {
        let mut c = Calendar::new(id);
        c.name = "Standard".into();
        for (i, d) in c.week.iter_mut().enumerate() {
            *d = Some(if i < 5 {
                vec![(480, 720), (780, 1020)]
            } else {
                Vec::new()
            });
        }
        c
    }
}

/// Which format a schedule came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    /// Microsoft Project XML.
    Mspdi,
    /// Primavera P6 export (tab-separated tables).
    Xer,
    /// Primavera P6 XML.
    Pmxml,
    /// Microsoft Project exchange format (comma-separated records).
    Mpx,
    /// PSPLIB single-mode instance (`.sm`).
    Psplib,
}

impl Format {
    /// The format's name in messages (`MSPDI`, `XER`, …).
    pub fn name(self) -> &'static str {
        match self {
            Format::Mspdi => "MSPDI",
            Format::Xer => "XER",
            Format::Pmxml => "PMXML",
            Format::Mpx => "MPX",
            Format::Psplib => "PSPLIB",
        }
    }
}

/// A schedule as read from a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// Which format it was read from.
    pub format: Format,
    /// The project's name.
    pub name: String,
    /// Every task, summary tasks and milestones included, in file order.
    pub tasks: Vec<Task>,
    /// Every link, as the file gives it.
    pub relations: Vec<Relation>,
    /// Working-time calendars.
    pub calendars: Vec<Calendar>,
    /// Id of the project's default calendar.
    pub default_calendar: Option<String>,
    /// Minutes of work in a "day" of duration text (MS Project default 480).
    pub minutes_per_day: f64,
    /// Project start as the file gives it.
    pub start: Option<DateTime>,
    /// Project finish as the file gives it.
    pub finish: Option<DateTime>,
    /// Status date of a schedule in progress.
    pub status_date: Option<DateTime>,
    /// Things the reader could not take over exactly (an encoding guessed, a field ignored).
    pub notes: Vec<String>,
    /// Blank rows the file carries (MSPDI `IsNull`): not tasks, left out.
    pub blank_rows: usize,
}

impl Schedule {
    /// An empty schedule of `format`.
    pub fn new(format: Format) -> Schedule {
        Schedule {
            format,
            name: String::new(),
            tasks: Vec::new(),
            relations: Vec::new(),
            calendars: Vec::new(),
            default_calendar: None,
            minutes_per_day: 480.0,
            start: None,
            finish: None,
            status_date: None,
            notes: Vec::new(),
            blank_rows: 0,
        }
    }

    /// Tasks that are not summary tasks (milestones included).
    pub fn leaf_tasks(&self) -> impl Iterator<Item = &Task> {
        self.tasks.iter().filter(|t| !t.summary)
    }

    /// The calendar with the file's id `id`, if any.
    pub fn calendar(&self, id: &str) -> Option<&Calendar> {
        self.calendars.iter().find(|c| c.id == id)
    }
}

/// A link between two leaf tasks, as the schedulers follow it: links to or from a summary
/// task stand for links to or from every leaf task under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeafLink {
    /// Task indexes into [`Schedule::tasks`].
    pub pred: usize,
    /// Index of the successor (see `pred`).
    pub succ: usize,
    /// Index into [`Schedule::relations`] of the link it comes from.
    pub relation: usize,
}

/// Most leaf links the summary-task links of one schedule may expand to: a link between two
/// summaries of thousands of tasks each stands for millions of links.
pub const MAX_LEAF_LINKS: usize = 4_000_000;

impl Schedule {
    /// Task index by uid (the first task with it).
    pub fn index(&self) -> std::collections::HashMap<&str, usize> {
        let mut m = std::collections::HashMap::with_capacity(self.tasks.len());
        for (i, t) in self.tasks.iter().enumerate() {
            m.entry(t.uid.as_str()).or_insert(i);
        }
        m
    }

    /// Leaf tasks under each task (itself for a leaf), by task index.
    fn leaves_under(&self, by_uid: &std::collections::HashMap<&str, usize>) -> Vec<Vec<usize>> {
        let mut under: Vec<Vec<usize>> = vec![Vec::new(); self.tasks.len()];
        for (i, t) in self.tasks.iter().enumerate() {
            if t.summary {
                continue;
            }
            under[i].push(i);
            let mut p = t.parent.as_deref();
            let mut guard = 0;
            while let Some(&pi) = p.and_then(|u| by_uid.get(u)) {
                if pi == i || guard > self.tasks.len() {
                    break;
                }
                under[pi].push(i);
                p = self.tasks[pi].parent.as_deref();
                guard += 1;
            }
        }
        under
    }

    /// Every link between leaf tasks the schedule's links stand for, in the order of
    /// [`Schedule::relations`]: a summary task's links are its leaf tasks' (a link to a
    /// summary holds every task under it, a link from one waits for every task under it).
    /// Links to tasks not in the schedule, and a leaf linked to itself through its own
    /// summary, are left out. `None` when the links would expand past [`MAX_LEAF_LINKS`].
    pub fn leaf_links(&self) -> Option<Vec<LeafLink>> {
        let by_uid = self.index();
        let under = self.leaves_under(&by_uid);
        let mut out = Vec::with_capacity(self.relations.len());
        for (ri, r) in self.relations.iter().enumerate() {
            let (Some(&p), Some(&q)) = (by_uid.get(r.pred.as_str()), by_uid.get(r.succ.as_str()))
            else {
                continue;
            };
            if p == q {
                // A task linked to itself: kept, so that the check names it.
                out.push(LeafLink {
                    pred: p,
                    succ: q,
                    relation: ri,
                });
                continue;
            }
            let (ps, qs) = (&under[p], &under[q]);
            if out.len() + ps.len() * qs.len() > MAX_LEAF_LINKS {
                return None;
            }
            for &a in ps {
                for &b in qs {
                    if a != b {
                        out.push(LeafLink {
                            pred: a,
                            succ: b,
                            relation: ri,
                        });
                    }
                }
            }
        }
        Some(out)
    }
}
