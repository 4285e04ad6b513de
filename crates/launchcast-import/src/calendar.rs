//! Working time: calendars resolved through their base calendars into per-day tables of
//! cumulative working minutes, and a deterministic forward pass over a [`Schedule`] in
//! working time, so that working-time durations map to real dates.
//!
//! A position in working time `W` on a calendar is the number of working minutes since the
//! table's first day. Adding work is a binary search over the day table and a walk over at
//! most a handful of periods of one day: no per-minute loops.

use std::collections::HashMap;

use launchcast_model::{Date, LinkKind};

use crate::schedule::{
    Calendar, ConstraintKind, DateTime, DayHours, Duration, Format, MINUTES_PER_DAY, Relation,
    Schedule,
};

/// One calendar flattened over a range of days.
#[derive(Clone, Debug)]
struct Table {
    /// Working periods of each day of the range.
    days: Vec<DayHours>,
    /// `cum[k]`: working minutes before day `k`; one longer than `days`.
    cum: Vec<i64>,
}

impl Table {
    fn build(first: Date, n: usize, day_hours: &dyn Fn(Date) -> DayHours) -> Table {
        let mut days = Vec::with_capacity(n);
        let mut cum = Vec::with_capacity(n + 1);
        let mut acc = 0i64;
        cum.push(0);
        for k in 0..n {
            let d = Date::from_days_since_epoch(first.days_since_epoch() + k as i32);
            let h = day_hours(d);
            acc += h
                .iter()
                .map(|&(a, b)| i64::from(b) - i64::from(a))
                .sum::<i64>();
            days.push(h);
            cum.push(acc);
        }
        Table { days, cum }
    }
}

/// The standard day: 08:00–12:00, 13:00–17:00.
fn standard_day(weekday: usize) -> DayHours {
    if weekday < 5 {
        vec![(480, 720), (780, 1020)]
    } else {
        Vec::new()
    }
}

/// Monday = 0.
pub(crate) fn weekday(d: Date) -> usize {
    (d.days_since_epoch() + 3).rem_euclid(7) as usize
}

/// The calendars of a schedule, resolved and tabulated, and the deterministic dates of its
/// tasks.
#[derive(Clone, Debug)]
pub struct CalendarSet {
    first: Date,
    tables: Vec<Table>,
    index: HashMap<String, usize>,
    default: usize,
    /// Deterministic (start, finish) of each task of the schedule, by task index.
    dates: Vec<Option<(DateTime, DateTime)>>,
    /// Working minutes each task takes ([`CalendarSet::task_work`]).
    work: Vec<Option<i64>>,
    /// Tasks that stay where they are ([`CalendarSet::pinned`]).
    pinned: Vec<bool>,
    /// [`CalendarSet::constraint_start`].
    constraint_start: Vec<Option<DateTime>>,
    /// Latest finish over all tasks.
    pub finish: Option<DateTime>,
    /// What could not be followed exactly (cycles, calendars without working time).
    pub notes: Vec<String>,
}

fn resolve(cals: &[Calendar], id: &str, d: Date) -> DayHours {
    let by_id = |x: &str| cals.iter().find(|c| c.id == x);
    if let Some(c) = by_id(id)
        && !c.union_of.is_empty()
    {
        // Members are plain calendars (a union of unions is never built).
        let mut periods: DayHours = c
            .union_of
            .iter()
            .filter(|m| by_id(m).is_some_and(|x| x.union_of.is_empty()))
            .flat_map(|m| resolve(cals, m, d))
            .collect();
        periods.sort_unstable();
        let mut merged: DayHours = Vec::with_capacity(periods.len());
        for (a, b) in periods {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        return merged;
    }
    let mut cur = by_id(id);
    let mut guard = 0;
    while let Some(c) = cur {
        if let Some(e) = c.exceptions.iter().find(|e| e.from <= d && d <= e.to) {
            return e.hours.clone();
        }
        if let Some(Some(h)) = c.week.get(weekday(d)) {
            return h.clone();
        }
        guard += 1;
        if guard > cals.len() {
            break;
        }
        cur = c.base.as_deref().and_then(by_id);
    }
    standard_day(weekday(d))
}

impl CalendarSet {
    /// Tabulates the calendars and schedules every task as early as its links, constraints
    /// and progress allow, in working time.
    pub fn schedule(s: &Schedule) -> CalendarSet {
        let mut notes = Vec::new();
        let anchor = s
            .start
            .or(s.status_date)
            .or_else(|| {
                s.tasks
                    .iter()
                    .filter_map(|t| t.start.or(t.actual_start))
                    .min()
            })
            .unwrap_or(DateTime::new(crate::schedule::default_start(), 0));
        // Constraints, manual starts and actual dates may lie before the project start
        // (MS Project lets them); the tables reach back to the earliest of them.
        let earliest = s
            .tasks
            .iter()
            .flat_map(|t| {
                [
                    t.manual_start,
                    t.actual_start,
                    t.constraint.and_then(|c| c.date),
                ]
            })
            .flatten()
            .filter(|d| d.days_since(anchor) > -36_600.0)
            .fold(anchor, DateTime::min);
        let first = earliest.date().add_days(-800.0).unwrap_or(earliest.date());
        let work_days: f64 = s
            .tasks
            .iter()
            .map(|t| t.duration.minutes.max(0.0) / 240.0)
            .chain(s.relations.iter().map(|r| r.lag.minutes.abs() / 240.0))
            .sum();
        let n =
            (1600.0 + anchor.days_since(earliest) + 2.0 * work_days).min(36_600.0 * 3.0) as usize;
        let mut tables = Vec::new();
        let mut index = HashMap::new();
        for c in &s.calendars {
            let t = Table::build(first, n, &|d| resolve(&s.calendars, &c.id, d));
            let t = if t.cum.last().copied().unwrap_or(0) == 0 {
                notes.push(format!(
                    "calendar `{}` has no working time; 24-hour days used",
                    c.id
                ));
                Table::build(first, n, &|_| vec![(0, 1440)])
            } else {
                t
            };
            index.insert(c.id.clone(), tables.len());
            tables.push(t);
        }
        let standard = tables.len();
        tables.push(Table::build(first, n, &|d| standard_day(weekday(d))));
        let elapsed = tables.len();
        tables.push(Table::build(first, n, &|_| vec![(0, 1440)]));
        index.insert("\u{0}elapsed".into(), elapsed);
        let default = s
            .default_calendar
            .as_ref()
            .and_then(|id| index.get(id).copied())
            .unwrap_or(standard);
        let mut set = CalendarSet {
            first,
            tables,
            index,
            default,
            dates: vec![None; s.tasks.len()],
            work: vec![None; s.tasks.len()],
            pinned: vec![false; s.tasks.len()],
            constraint_start: vec![None; s.tasks.len()],
            finish: None,
            notes,
        };
        set.forward(s, anchor);
        set
    }

    fn cal_of(&self, s: &Schedule, task: usize) -> usize {
        s.tasks
            .get(task)
            .and_then(|t| t.calendar.as_ref())
            .and_then(|c| self.index.get(c).copied())
            .unwrap_or(self.default)
    }

    fn elapsed(&self) -> usize {
        self.tables.len() - 1
    }

    /// Working position of a time on calendar `c`.
    fn w(&self, c: usize, t: DateTime) -> i64 {
        let Some(tab) = self.tables.get(c) else {
            return 0;
        };
        let k = i64::from(t.date().days_since(self.first));
        if k < 0 {
            return 0;
        }
        let Some(day) = tab.days.get(k as usize) else {
            return tab.cum.last().copied().unwrap_or(0);
        };
        let m = t.minute_of_day();
        let within: i64 = day
            .iter()
            .map(|&(a, b)| (m.min(i64::from(b)) - i64::from(a)).max(0))
            .sum();
        tab.cum.get(k as usize).copied().unwrap_or(0) + within
    }

    /// The time at working position `w` on calendar `c`: the end of the work before it
    /// (`finish` true: 17:00 rather than 08:00 the next day) or the start of the work after it.
    fn at(&self, c: usize, w: i64, finish: bool) -> DateTime {
        let Some(tab) = self.tables.get(c) else {
            return DateTime::new(self.first, 0);
        };
        let w = w.max(0);
        // Day k with cum[k] < w <= cum[k+1] (finish) or cum[k] <= w < cum[k+1] (start).
        let k = if finish {
            tab.cum.partition_point(|&x| x < w).saturating_sub(1)
        } else {
            tab.cum.partition_point(|&x| x <= w).saturating_sub(1)
        };
        let Some(day) = tab.days.get(k) else {
            let last = tab.days.len();
            return DateTime::new(
                Date::from_days_since_epoch(self.first.days_since_epoch() + last as i32),
                0,
            );
        };
        let date = Date::from_days_since_epoch(self.first.days_since_epoch() + k as i32);
        let mut rest = w - tab.cum.get(k).copied().unwrap_or(0);
        for &(a, b) in day {
            let len = i64::from(b) - i64::from(a);
            if rest < len || (finish && rest == len) {
                return DateTime::new(date, i64::from(a) + rest);
            }
            rest -= len;
        }
        DateTime::new(date, day.last().map_or(0, |&(_, b)| i64::from(b)))
    }

    /// `t` plus `d` of work on calendar `c` (elapsed durations on the 24-hour table).
    fn add(&self, c: usize, t: DateTime, d: Duration, finish: bool) -> DateTime {
        let c = if d.elapsed { self.elapsed() } else { c };
        self.at(c, self.w(c, t) + d.minutes.round() as i64, finish)
    }

    fn forward(&mut self, s: &Schedule, anchor: DateTime) {
        let n = s.tasks.len();
        // The links both schedulers follow: a summary task's stand for its leaf tasks'.
        let links = s.leaf_links().unwrap_or_else(|| {
            self.notes.push(
                "the links of summary tasks stand for too many task links; they were not followed"
                    .into(),
            );
            Vec::new()
        });
        let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut indegree = vec![0usize; n];
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, l) in links.iter().enumerate() {
            if l.pred != l.succ {
                preds[l.succ].push(k);
                succs[l.pred].push(l.succ);
                indegree[l.succ] += 1;
            }
        }
        let mut stack: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).rev().collect();
        let mut order = Vec::with_capacity(n);
        while let Some(i) = stack.pop() {
            order.push(i);
            for &q in &succs[i] {
                indegree[q] -= 1;
                if indegree[q] == 0 {
                    stack.push(q);
                }
            }
        }
        if order.len() < n {
            self.notes.push(format!(
                "{} tasks lie on or behind a cycle of links and were not scheduled",
                n - order.len()
            ));
        }
        let lower = s.status_date.map_or(anchor, |sd| sd.max(anchor));
        // MS Project and P6 differ on what holds a task: see the cases below.
        let ms_project = matches!(s.format, Format::Mspdi | Format::Mpx);
        let mut split_tasks = 0;
        let mut finish: Option<DateTime> = None;
        for i in order {
            let Some(t) = s.tasks.get(i) else { continue };
            if t.summary {
                continue;
            }
            let c = self.cal_of(s, i);
            let dc = if t.duration.elapsed {
                self.elapsed()
            } else {
                c
            };
            let mut work: Option<i64> = None;
            let mut pinned = false;
            let mut constraint_start: Option<DateTime> = None;
            let (st, fi) = if let (Some(a), Some(b)) = (t.actual_start, t.actual_finish) {
                (a, b)
            } else if let (Some(ms), Some(mf), None, true) =
                (t.manual_start, t.manual_finish, t.actual_start, ms_project)
            {
                // A manually scheduled task stays where its start and finish are, at night or
                // on a weekend too, whatever its links and the project start say.
                pinned = true;
                (ms, mf.max(ms))
            } else {
                let dur = match (t.actual_start, t.remaining) {
                    (Some(_), Some(r)) => r,
                    _ => t.duration,
                };
                let mut d = dur.minutes.round() as i64;
                // A split task (MS Project): its dates span more working time than its
                // duration; the gap is idle time inside the task, kept wherever the task
                // moves.
                if ms_project
                    && t.actual_start.is_none()
                    && t.manual_start.is_none()
                    && t.percent_complete <= 0.0
                    && !t.duration.elapsed
                    && d > 0
                    && let (Some(a), Some(b)) = (t.start, t.finish)
                {
                    let span = self.w(dc, b) - self.w(dc, a);
                    if span > d {
                        d = span;
                        split_tasks += 1;
                    }
                }
                work = Some(d);
                let constraint = t
                    .constraint
                    .and_then(|con| con.date.map(|cd| (con.kind, cd)));
                // Where a constraint puts the start, when it binds.
                constraint_start = constraint.and_then(|(kind, cd)| match kind {
                    ConstraintKind::StartNoEarlierThan | ConstraintKind::MustStartOn => Some(cd),
                    ConstraintKind::FinishNoEarlierThan | ConstraintKind::MustFinishOn => {
                        Some(self.at(dc, (self.w(dc, cd) - d).max(0), false))
                    }
                    _ => None,
                });
                // Bounds on the start, in working position of the duration calendar: the
                // links first. A finish-side link with no lag holds the successor's finish at
                // the very moment it names (MS Project: an SF link to a task starting Monday
                // 08:00 finishes its successor at Monday 08:00, not Friday 17:00).
                let mut by_links: Option<i64> = None;
                let mut finish_at: Option<DateTime> = None;
                for &k in preds.get(i).map(Vec::as_slice).unwrap_or(&[]) {
                    let Some(l) = links.get(k) else { continue };
                    let Some(r) = s.relations.get(l.relation) else {
                        continue;
                    };
                    let Some((ps, pf)) = self.dates.get(l.pred).copied().flatten() else {
                        continue;
                    };
                    let from = match r.kind {
                        LinkKind::FinishToStart | LinkKind::FinishToFinish => pf,
                        LinkKind::StartToStart | LinkKind::StartToFinish => ps,
                    };
                    let x = self.add(c, from, r.lag, true);
                    let wx = self.w(dc, x);
                    let b = match r.kind {
                        LinkKind::FinishToStart | LinkKind::StartToStart => wx,
                        LinkKind::FinishToFinish | LinkKind::StartToFinish => {
                            if r.lag.minutes == 0.0 && ms_project {
                                finish_at = finish_at.max(Some(from));
                            }
                            wx - d
                        }
                    };
                    by_links = Some(by_links.map_or(b, |x: i64| x.max(b)));
                }
                // What else holds the start. P6: the project start and the data date hold
                // every activity. MS Project: the project start holds only tasks that
                // nothing else places: a task with predecessors follows them, and a start-
                // or finish-no-earlier-than or must-start- or must-finish-on date stands,
                // before the project start too.
                let placed = matches!(
                    constraint.map(|(k, _)| k),
                    Some(
                        ConstraintKind::StartNoEarlierThan
                            | ConstraintKind::MustStartOn
                            | ConstraintKind::FinishNoEarlierThan
                            | ConstraintKind::MustFinishOn
                    )
                ) || (by_links.is_some() && s.status_date.is_none());
                let mut w0 = if t.actual_start.is_some() {
                    self.w(dc, lower)
                } else if ms_project && placed {
                    0
                } else {
                    self.w(dc, anchor).max(self.w(dc, lower))
                };
                if let Some(b) = by_links {
                    w0 = w0.max(b);
                }
                if let Some(cs) = constraint_start {
                    w0 = w0.max(self.w(dc, cs));
                }
                if let Some(ms) = t.manual_start
                    && t.actual_start.is_none()
                {
                    w0 = self.w(dc, ms);
                    finish_at = None;
                }
                let finish_at = finish_at.filter(|&f| self.w(dc, f) == w0 + d);
                if let Some(a) = t.actual_start {
                    let f = if ms_project {
                        // MS Project resumes the remaining work right after the work done
                        // since the actual start: the finish is the actual start plus the
                        // whole duration, whatever the links and the status date say.
                        let mut total = t.duration.minutes.round().max(dur.minutes.round()) as i64;
                        // A split: the file's dates span more working time than that.
                        if !t.duration.elapsed
                            && let (Some(a0), Some(b)) = (t.start, t.finish)
                        {
                            let span = self.w(dc, b) - self.w(dc, a0);
                            if span > total {
                                total = span;
                                split_tasks += 1;
                            }
                        }
                        self.at(dc, self.w(dc, a) + total, true)
                    } else {
                        // P6: the remaining duration runs from the data date (and after the
                        // predecessors: retained logic).
                        self.at(dc, w0 + d, true)
                    };
                    (a, f.max(a))
                } else if let (true, Some((kind, cd))) = (
                    ms_project,
                    constraint.filter(|(k, _)| {
                        matches!(
                            k,
                            ConstraintKind::MustStartOn | ConstraintKind::MustFinishOn
                        )
                    }),
                ) {
                    // MS Project honours a must-start-on or must-finish-on date over the
                    // task's links: the task is there whatever its predecessors do.
                    pinned = true;
                    if kind == ConstraintKind::MustStartOn {
                        let st = if d == 0 {
                            cd
                        } else {
                            self.at(dc, self.w(dc, cd), false)
                        };
                        (st, self.at(dc, self.w(dc, st) + d, true).max(st))
                    } else {
                        let fi = if d == 0 {
                            cd
                        } else {
                            self.at(dc, self.w(dc, cd), true)
                        };
                        (self.at(dc, (self.w(dc, fi) - d).max(0), false).min(fi), fi)
                    }
                } else if d == 0 {
                    // A milestone after a predecessor sits at its finish (17:00); one without
                    // sits at the first working moment.
                    let after_pred = by_links.is_some();
                    let x = self.at(dc, w0, after_pred);
                    (x, x)
                } else {
                    let f = finish_at.unwrap_or_else(|| self.at(dc, w0 + d, true));
                    (self.at(dc, w0, false), f)
                }
            };
            finish = Some(finish.map_or(fi, |f: DateTime| f.max(fi)));
            if let Some(slot) = self.dates.get_mut(i) {
                *slot = Some((st, fi));
            }
            if let Some(slot) = self.work.get_mut(i) {
                *slot = work;
            }
            if let Some(slot) = self.pinned.get_mut(i) {
                *slot = pinned;
            }
            if let Some(slot) = self.constraint_start.get_mut(i) {
                *slot = constraint_start;
            }
        }
        if split_tasks > 0 {
            self.notes.push(format!(
                "{split_tasks} split tasks: their dates span more working time than their \
                 duration; the gap is kept as part of the task"
            ));
        }
        self.finish = finish;
    }

    /// Working minutes task `i` takes in the deterministic schedule: its duration (or what
    /// remains of it), plus the gaps of a split task; `None` for a task that is finished, or
    /// placed by its own start and finish (manually scheduled).
    pub fn task_work(&self, i: usize) -> Option<i64> {
        self.work.get(i).copied().flatten()
    }

    /// Whether task `i` stays where it is whatever its links say: a manually scheduled task,
    /// or (MS Project) one with a must-start-on or must-finish-on date.
    pub fn pinned(&self, i: usize) -> bool {
        self.pinned.get(i).copied().unwrap_or(false)
    }

    /// Where task `i`'s date constraint (start- or finish-no-earlier-than, must start or
    /// finish on) puts its start when it binds.
    pub fn constraint_start(&self, i: usize) -> Option<DateTime> {
        self.constraint_start.get(i).copied().flatten()
    }

    /// Deterministic start and finish of task `i` of the schedule.
    pub fn task_dates(&self, i: usize) -> Option<(DateTime, DateTime)> {
        self.dates.get(i).copied().flatten()
    }

    /// A link's lag in calendar days, measured in the deterministic schedule from the
    /// predecessor's anchor (its finish for FS/FF, its start for SS/SF) to the earliest the
    /// successor may start (FS/SS) or finish (FF/SF): the lag in working time on the
    /// successor's calendar plus the non-working time the successor must wait for. With it a
    /// calendar-free model reproduces the working-time dates. `None` if the predecessor has
    /// no dates.
    pub fn link_days(&self, s: &Schedule, r: &Relation, pred: usize, succ: usize) -> Option<f64> {
        let (ps, pf) = self.task_dates(pred)?;
        let t = s.tasks.get(succ)?;
        let c = self.cal_of(s, succ);
        let dc = if t.duration.elapsed {
            self.elapsed()
        } else {
            c
        };
        let from = match r.kind {
            LinkKind::FinishToStart | LinkKind::FinishToFinish => pf,
            LinkKind::StartToStart | LinkKind::StartToFinish => ps,
        };
        let x = self.add(c, from, r.lag, true);
        let wx = self.w(dc, x);
        // A milestone sits at the end of the work before it; other tasks start at the
        // beginning of the work after it and finish at the end of the work before it.
        let finish_side = matches!(r.kind, LinkKind::FinishToFinish | LinkKind::StartToFinish)
            || (t.duration.minutes.round() as i64 == 0 && t.actual_start.is_none());
        let bound = if matches!(r.kind, LinkKind::FinishToFinish | LinkKind::StartToFinish)
            && r.lag.minutes == 0.0
            && matches!(s.format, Format::Mspdi | Format::Mpx)
        {
            // As in the forward pass: the successor's finish is held at the very moment.
            from
        } else {
            self.at(dc, wx, finish_side)
        };
        Some(bound.days_since(from))
    }

    /// Calendar days task `i` spans in the deterministic schedule.
    pub fn task_span_days(&self, i: usize) -> Option<f64> {
        self.task_dates(i)
            .map(|(a, b)| (b.minutes - a.minutes) as f64 / MINUTES_PER_DAY as f64)
    }
    /// The table task `i`'s duration runs on ([`CalendarSet::table_days`]), or `None` for an
    /// elapsed duration (24-hour days).
    pub fn task_table(&self, s: &Schedule, i: usize) -> Option<usize> {
        let elapsed = s.tasks.get(i).is_some_and(|t| t.duration.elapsed);
        (!elapsed).then(|| self.cal_of(s, i))
    }

    /// Minutes of work on task `i`'s duration calendar between `from` and `to` (0 when `to`
    /// is not after `from`); `None` for an elapsed duration.
    pub fn work_minutes(
        &self,
        s: &Schedule,
        i: usize,
        from: DateTime,
        to: DateTime,
    ) -> Option<i64> {
        let c = self.task_table(s, i)?;
        Some((self.w(c, to) - self.w(c, from)).max(0))
    }

    /// The moment `work` minutes of work after `from` are done on task `i`'s duration
    /// calendar (`from` plus `work` for an elapsed duration).
    pub fn finish_after(&self, s: &Schedule, i: usize, from: DateTime, work: i64) -> DateTime {
        match self.task_table(s, i) {
            Some(c) => self.at(c, self.w(c, from) + work, true),
            None => DateTime {
                minutes: from.minutes + work,
            },
        }
    }

    /// The first working moment at or after `t` on task `i`'s duration calendar (`t` itself
    /// for an elapsed duration).
    pub fn next_working(&self, s: &Schedule, i: usize, t: DateTime) -> DateTime {
        match self.task_table(s, i) {
            Some(c) => self.at(c, self.w(c, t), false).max(t),
            None => t,
        }
    }

    /// The first day of the tables and the working periods of each tabulated day of `table`
    /// (base calendars, exceptions and the standard-day fallback resolved).
    pub fn table_days(&self, table: usize) -> Option<(Date, &[DayHours])> {
        self.tables
            .get(table)
            .map(|t| (self.first, t.days.as_slice()))
    }

    /// The schedule's id of the calendar behind `table`; `None` for the standard calendar
    /// used when a schedule names none.
    pub fn table_calendar_id(&self, table: usize) -> Option<&str> {
        self.index
            .iter()
            .find(|(id, t)| **t == table && !id.starts_with('\u{0}'))
            .map(|(id, _)| id.as_str())
    }
}
