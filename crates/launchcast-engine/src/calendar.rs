//! Working-time calendars as precomputed tables, so that a task on a calendar finishes when
//! its duration of *work* is done, with no search in the simulation loop.
//!
//! Time is cut into 15-minute cells from the program start (00:00) to the horizon plus
//! [`MARGIN_DAYS`]; model calendars put every period boundary on that grid, so the tables are
//! exact. They take about 0.5 KB a day (2 MB over ten years, 20 MB at the 100-year limit of the
//! horizon), once per distinct working time: calendars that differ only in id, name or hours
//! per day share them. Two tables per calendar:
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

use std::sync::Arc;

use launchcast_model::{Calendar, Date, GRID_MINUTES};

use crate::simd::{LANES, Lanes};

/// 15-minute cells in a day.
pub(crate) const CELLS_PER_DAY: f64 = (24 * 60 / GRID_MINUTES) as f64;

/// Days the tables run past the horizon.
pub(crate) const MARGIN_DAYS: usize = 366;

/// Tolerance in quarter hours (cells, 45 s) for rounding of `f32` days; see the module
/// overview. Holds for horizons up to about 20 years (f32 day rounding ≤ 0.05 cells).
const SNAP: f64 = 0.05;

#[derive(Clone, Debug)]
pub(crate) struct CalendarTable {
    /// Working quarter hours before each cell; `cells + 1` entries. Shared by calendars with
    /// the same working time (they differ only in `per_day`).
    cum: Arc<[f32]>,
    /// `end[j]`, cell at which the `j`-th working quarter hour ends (`end[0]` = 0 unused).
    end: Arc<[f32]>,
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
            cum: cum.into(),
            end: end.into(),
            per_day: per_day(calendar),
        }
    }

    /// The same working time (tables shared, not copied) for `calendar`, whose week and
    /// exceptions equal those this table was made from.
    pub(crate) fn sharing(&self, calendar: &Calendar) -> CalendarTable {
        CalendarTable {
            per_day: per_day(calendar),
            ..self.clone()
        }
    }

    #[cfg(test)]
    pub(crate) fn shares_tables_with(&self, other: &CalendarTable) -> bool {
        Arc::ptr_eq(&self.cum, &other.cum) && Arc::ptr_eq(&self.end, &other.end)
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

/// Quarter hours of work in one day of duration on `calendar`.
fn per_day(calendar: &Calendar) -> f64 {
    calendar.hours_per_day * 60.0 / f64::from(GRID_MINUTES)
}

/// [`CalendarTable::schedule`] with AVX-512 intrinsics, eight lanes of `f64` at a time: the
/// same operations in the same order (so the same results, tested), with gathered table
/// loads instead of one lane at a time.
#[cfg(target_arch = "x86_64")]
mod wide {
    // Calls AVX-512 intrinsics.
    #![allow(unsafe_code)]

    use std::arch::x86_64::*;

    use super::{CELLS_PER_DAY, CalendarTable, SNAP};
    use crate::simd::{Avx512, LANES, Lanes};

    impl CalendarTable {
        /// [`CalendarTable::schedule`] on a processor proven to have AVX-512.
        #[inline(always)]
        pub(crate) fn schedule_avx512(
            &self,
            _: Avx512,
            start: &mut Lanes,
            dur: &Lanes,
            finish: &mut Lanes,
        ) {
            // SAFETY: the token proves AVX-512F and AVX-512DQ.
            unsafe { self.schedule_wide(start, dur, finish) };
        }

        /// # Safety
        /// The processor must have AVX-512F and AVX-512DQ.
        #[target_feature(enable = "avx512f,avx512dq")]
        unsafe fn schedule_wide(&self, start: &mut Lanes, dur: &Lanes, finish: &mut Lanes) {
            if self.end.len() < 2 {
                self.schedule(start, dur, finish);
                return;
            }
            let last = (self.cum.len() - 1) as i64;
            let total = (self.end.len() - 1) as i64;
            let set = _mm512_set1_pd;
            let (cum, end) = (self.cum.as_ptr(), self.end.as_ptr());
            // SAFETY (gathers): every index is clamped into the table first: `k` to
            // 0..=last − 1 (and `k + 1` ≤ last) in `cum` (last + 1 entries), `j` to 1..=total
            // in `end` (total + 1 entries).
            let gather = |table: *const f32, idx: __m512i| unsafe {
                _mm512_cvtps_pd(_mm512_i64gather_ps::<4>(idx, table.cast()))
            };
            let clamp_i = |x: __m512i, lo: i64, hi: i64| {
                _mm512_min_epi64(
                    _mm512_max_epi64(x, _mm512_set1_epi64(lo)),
                    _mm512_set1_epi64(hi),
                )
            };
            let end_of = |j: __m512i| {
                let j = clamp_i(j, 1, total.max(1));
                (_mm512_cvtepi64_pd(j), gather(end, clamp_i(j, 0, total)))
            };
            for g in 0..LANES / 8 {
                // SAFETY: lanes 8·g .. 8·g + 8 of 32-lane arrays.
                let (st, du) = unsafe {
                    (
                        _mm256_loadu_ps(start.as_ptr().add(8 * g)),
                        _mm256_loadu_ps(dur.as_ptr().add(8 * g)),
                    )
                };
                let s = _mm512_cvtps_pd(_mm256_max_ps(st, _mm256_setzero_ps()));
                let live = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(s, set(f64::INFINITY));
                let c = _mm512_maskz_mov_pd(live, _mm512_mul_pd(s, set(CELLS_PER_DAY)));
                // work_at(min(c, last_end)) + max(c − last_end, 0)
                let x = _mm512_min_pd(c, set(self.last_end));
                let x = _mm512_min_pd(_mm512_max_pd(x, set(0.0)), set(last as f64));
                let k = clamp_i(_mm512_cvttpd_epi64(x), i64::MIN, last - 1);
                let a = gather(cum, k);
                let b = gather(cum, _mm512_add_epi64(k, _mm512_set1_epi64(1)));
                let frac = _mm512_sub_pd(x, _mm512_cvtepi64_pd(k));
                let at = _mm512_add_pd(a, _mm512_mul_pd(frac, _mm512_sub_pd(b, a)));
                let over = _mm512_max_pd(_mm512_sub_pd(c, set(self.last_end)), set(0.0));
                let w0 = _mm512_add_pd(at, over);
                // The quarter hour in which work would begin, and where it starts.
                let j0 = _mm512_add_epi64(
                    _mm512_cvttpd_epi64(_mm512_add_pd(w0, set(SNAP))),
                    _mm512_set1_epi64(1),
                );
                let (_, next_end) = end_of(j0);
                let first = _mm512_max_pd(c, _mm512_sub_pd(next_end, set(1.0)));
                let d = _mm512_cvtps_pd(du);
                let positive = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(d, set(0.0));
                let begin = _mm512_mask_mov_pd(c, positive, first);
                let w1 = _mm512_add_pd(w0, _mm512_mul_pd(d, set(self.per_day)));
                // ⌈w1 − SNAP⌉ by truncation, plus one where the truncation is below.
                let y = _mm512_sub_pd(w1, set(SNAP));
                let t = _mm512_cvttpd_epi64(y);
                let below = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(_mm512_cvtepi64_pd(t), y);
                let t = _mm512_mask_add_epi64(t, below, t, _mm512_set1_epi64(1));
                let (j, e) = end_of(t);
                let done = _mm512_max_pd(_mm512_sub_pd(e, _mm512_sub_pd(j, w1)), begin);
                // +∞ where the task never starts (it converts to +∞ in `f32`).
                let days = |x: __m512d| {
                    _mm512_cvtpd_ps(_mm512_mask_mov_pd(
                        set(f64::INFINITY),
                        live,
                        _mm512_div_pd(x, set(CELLS_PER_DAY)),
                    ))
                };
                let (b32, d32) = (days(begin), days(done));
                // SAFETY: as above.
                unsafe {
                    _mm256_storeu_ps(start.as_mut_ptr().add(8 * g), b32);
                    _mm256_storeu_ps(finish.as_mut_ptr().add(8 * g), d32);
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX-512 step gives the portable step's starts and finishes bit for bit: starts
    /// in and out of working time, past the tables, never; durations zero, fractional, long.
    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(avx512), ignore = "needs a processor with AVX-512")]
    fn wide_schedule_equals_the_portable_one() {
        let avx512 = crate::simd::Avx512::detect().expect("this processor has AVX-512");
        let mut calendar = Calendar::standard("site");
        let start = Date::from_ymd(2024, 1, 5).expect("date");
        calendar
            .exceptions
            .push(launchcast_model::CalendarException {
                from: start.add_days(10.0).expect("date"),
                to: start.add_days(12.0).expect("date"),
                hours: vec![(480, 720)],
            });
        let table = CalendarTable::new(&calendar, start, 400);
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 40) as f32 / 16_777_216.0
        };
        for round in 0..200 {
            let mut st: Lanes = std::array::from_fn(|_| next() * 450.0);
            let du: Lanes = std::array::from_fn(|l| match l % 4 {
                0 => 0.0,
                1 => next() * 3.0,
                _ => next() * 80.0,
            });
            st[round % LANES] = f32::INFINITY;
            st[(round + 7) % LANES] = (round as f32).floor() + 17.0 / 24.0;
            let (mut a, mut b) = (st, st);
            let (mut fa, mut fb) = ([0f32; LANES], [0f32; LANES]);
            table.schedule(&mut a, &du, &mut fa);
            table.schedule_avx512(avx512, &mut b, &du, &mut fb);
            assert_eq!(
                a.map(f32::to_bits),
                b.map(f32::to_bits),
                "starts, round {round}"
            );
            assert_eq!(
                fa.map(f32::to_bits),
                fb.map(f32::to_bits),
                "finishes, round {round}"
            );
        }
    }
}
