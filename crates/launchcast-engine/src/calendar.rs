//! Working-time calendars as precomputed tables, so that a task on a calendar finishes when
//! its duration of *work* is done, with no search in the simulation loop.
//!
//! Time is cut into 15-minute cells from the program start (00:00) to the horizon plus
//! [`MARGIN_DAYS`]; model calendars put every period boundary on that grid, so the tables are
//! exact. Two tables per calendar:
//! - `cum[k]`: working quarter hours done before cell `k` (a cell is wholly working or not);
//!   working position of time `t` = `cum[k] + frac · (cum[k+1] − cum[k])`, `k = ⌊96 t⌋`;
//! - `end[j]`: the cell at which the `j`-th working quarter hour ends; the earliest time by
//!   which `w` quarter hours are done is `end[⌈w⌉] − (⌈w⌉ − w)` cells.
//!
//! Both are index arithmetic and two loads per lane, no branch on the data. After the tables'
//! last working quarter hour every cell counts as working (work runs on in 24-hour days),
//! both ways, so a task pushed past the horizon still finishes after its start and after the
//! horizon (and counts as not finished), and indices are clamped: nothing is read out of
//! bounds.
//!
//! Positions are computed in `f64` (exact for the cell arithmetic) and rounded to the kernel's
//! `f32` days once. A day count in `f32` carries up to ~0.02 cells of rounding over ten years,
//! so positions within [`SNAP`] of a quarter-hour boundary count as on it: a start a moment
//! before 17:00 does not begin a sliver of work that evening, and a finish that overruns
//! 17:00 by rounding stays on that day.

use launchcast_model::{Calendar, Date, GRID_MINUTES};

use crate::kernel::{LANES, Lanes};

/// 15-minute cells in a day.
pub(crate) const CELLS_PER_DAY: f64 = (24 * 60 / GRID_MINUTES) as f64;

/// Days the tables run past the horizon.
pub(crate) const MARGIN_DAYS: usize = 366;

/// Tolerance in quarter hours (cells, 45 s) for rounding of `f32` days; see the module
/// overview. Holds for horizons up to about 20 years (f32 day rounding ≤ 0.05 cells).
const SNAP: f64 = 0.05;

#[derive(Clone, Debug)]
pub(crate) struct CalendarTable {
    /// Working quarter hours before each cell; `cells + 1` entries.
    cum: Vec<f32>,
    /// `end[j]`, cell at which the `j`-th working quarter hour ends (`end[0]` = 0 unused).
    end: Vec<f32>,
    /// Quarter hours of work in one day of duration (`hours_per_day` × 4).
    per_day: f64,
    /// Cell at which the table's last working quarter hour ends.
    last_end: f64,
}

impl CalendarTable {
    /// Tables for `calendar` over `days` days from `start`.
    pub(crate) fn new(calendar: &Calendar, start: Date, days: usize) -> CalendarTable {
        let per_day_cells = CELLS_PER_DAY as usize;
        let mut cum = Vec::with_capacity(days * per_day_cells + 1);
        let mut end = vec![0f32];
        let mut done = 0u32;
        cum.push(0.0);
        for d in 0..days {
            let date = Date::from_days_since_epoch(start.days_since_epoch() + d as i32);
            let hours = calendar.hours_on(date);
            for c in 0..per_day_cells {
                let minute = c as u32 * GRID_MINUTES;
                let working = hours.iter().any(|&(a, b)| a <= minute && minute < b);
                if working {
                    done += 1;
                    end.push((d * per_day_cells + c + 1) as f32);
                }
                cum.push(done as f32);
            }
        }
        CalendarTable {
            last_end: f64::from(end.last().copied().unwrap_or(0.0)),
            cum,
            end,
            per_day: calendar.hours_per_day * 60.0 / f64::from(GRID_MINUTES),
        }
    }

    /// Working position (quarter hours) of cell position `c` (clamped to the table).
    #[inline(always)]
    fn work_at(&self, c: f64) -> f64 {
        let last = self.cum.len() - 1;
        let c = c.clamp(0.0, last as f64);
        let k = (c as usize).min(last - 1);
        let (a, b) = (f64::from(self.cum[k]), f64::from(self.cum[k + 1]));
        a + (c - k as f64) * (b - a)
    }

    /// Cell at which the `j`-th working quarter hour ends, `j` clamped to `1..=total`, and
    /// that `j`.
    #[inline(always)]
    fn end_of(&self, j: i64) -> (f64, f64) {
        let total = self.end.len() - 1;
        let j = j.clamp(1, total.max(1) as i64) as usize;
        (j as f64, f64::from(self.end[j.min(total)]))
    }

    /// For one task over a lane: `start` becomes the first working moment at or after it
    /// (a task of zero duration stays where it is, like a milestone at 17:00), `finish` the
    /// earliest time by which `dur` working days are done. A start of +∞ stays +∞ with
    /// finish +∞.
    #[inline(always)]
    pub(crate) fn schedule(&self, start: &mut Lanes, dur: &Lanes, finish: &mut Lanes) {
        if self.end.len() < 2 {
            // No working time in the whole table (validation forbids it): calendar days.
            for l in 0..LANES {
                start[l] = start[l].max(0.0);
                finish[l] = start[l] + dur[l];
            }
            return;
        }
        for l in 0..LANES {
            let s = f64::from(start[l].max(0.0));
            let live = s < f64::INFINITY;
            let c = if live { s * CELLS_PER_DAY } else { 0.0 };
            // After the table's last working quarter hour, every cell works.
            let w0 = self.work_at(c.min(self.last_end)) + (c - self.last_end).max(0.0);
            // The quarter hour in which work would begin, and where it starts.
            let (_, next_end) = self.end_of(floor(w0 + SNAP) + 1);
            let first = c.max(next_end - 1.0);
            let begin = if dur[l] > 0.0 { first } else { c };
            let w1 = w0 + f64::from(dur[l]) * self.per_day;
            let (j, e) = self.end_of(ceil(w1 - SNAP));
            let done = (e - (j - w1)).max(begin);
            start[l] = if live {
                (begin / CELLS_PER_DAY) as f32
            } else {
                f32::INFINITY
            };
            finish[l] = if live {
                (done / CELLS_PER_DAY) as f32
            } else {
                f32::INFINITY
            };
        }
    }
}

impl CalendarTable {
    /// The latest start from which `dur` working days end by `from + lag` (an FF or SF link's
    /// bound on the finish), per lane; a task of zero duration may start at the bound itself.
    /// +∞ stays +∞.
    #[inline(always)]
    pub(crate) fn start_for_finish(&self, from: &Lanes, lag: f32, dur: &Lanes, out: &mut Lanes) {
        for l in 0..LANES {
            let f = from[l] + lag;
            let live = f < f32::INFINITY;
            let c = if live {
                f64::from(f.max(0.0)) * CELLS_PER_DAY
            } else {
                0.0
            };
            let wf = self.work_at(c.min(self.last_end)) + (c - self.last_end).max(0.0);
            let w = wf - f64::from(dur[l]) * self.per_day;
            // The working quarter hour in which position `w` lies, from its start.
            let (j, e) = self.end_of(floor(w + SNAP) + 1);
            let t = (e - j + w) / CELLS_PER_DAY;
            out[l] = if !live {
                f32::INFINITY
            } else if dur[l] > 0.0 {
                t as f32
            } else {
                f
            };
        }
    }
}

/// ⌊x⌋ for x ≥ 0 by truncation (a conversion, not a library call on the baseline instruction
/// set); for x < 0 at most 0, which [`CalendarTable::end_of`]'s clamp treats alike.
#[inline(always)]
fn floor(x: f64) -> i64 {
    x as i64
}

/// ⌈x⌉ for x ≥ 0, likewise; at most 0 for x ≤ 0.
#[inline(always)]
fn ceil(x: f64) -> i64 {
    let t = x as i64;
    t + i64::from((t as f64) < x)
}

/// Days over which a calendar task's cost is spread: its real span (0 if it never starts).
#[inline(always)]
pub(crate) fn span(start: &Lanes, finish: &Lanes, out: &mut Lanes) {
    for l in 0..LANES {
        out[l] = if start[l] < f32::INFINITY {
            finish[l] - start[l]
        } else {
            0.0
        };
    }
}
