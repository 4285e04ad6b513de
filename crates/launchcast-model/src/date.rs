//! Calendar dates as whole days, with the proleptic Gregorian conversions done by hand
//! (Howard Hinnant's `days_from_civil`): the engine only ever needs day counts.

use std::fmt;

/// Days in an average Gregorian year; `y` in durations and the per-year rates use it.
pub const DAYS_PER_YEAR: f64 = 365.2425;

/// A calendar date, stored as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(i32);

impl Date {
    /// The date `year-month-day`, or `None` if it does not exist (2023-02-29).
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(-100_000..=100_000).contains(&year) {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = month as i32;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date(era * 146_097 + doe - 719_468))
    }

    /// January 1st of `year`.
    pub fn jan1(year: i32) -> Date {
        Date::from_ymd(year, 1, 1).unwrap_or(Date(0))
    }

    /// The date `days` days after 1970-01-01.
    pub const fn from_days_since_epoch(days: i32) -> Date {
        Date(days)
    }

    /// Days since 1970-01-01 (negative before).
    pub const fn days_since_epoch(self) -> i32 {
        self.0
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i32::from(m <= 2);
        (y, m, d)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Whole days from `earlier` to `self` (negative if `self` is earlier).
    pub fn days_since(self, earlier: Date) -> i32 {
        self.0 - earlier.0
    }

    /// The date `days` after `self`, rounded down to the day; `None` beyond year ±100000.
    pub fn add_days(self, days: f64) -> Option<Date> {
        let d = days.floor();
        if !d.is_finite() || d.abs() > 36_500_000.0 {
            return None;
        }
        Some(Date(self.0 + d as i32))
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let y = parts.next()?.parse().ok()?;
        let m = parts.next()?.parse().ok()?;
        let d = parts.next()?.parse().ok()?;
        Date::from_ymd(y, m, d)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_dates() {
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days_since_epoch(), 0);
        assert_eq!(
            Date::from_ymd(2000, 3, 1).unwrap().days_since_epoch(),
            11_017
        );
        assert_eq!(
            Date::from_ymd(2024, 12, 31).unwrap().to_string(),
            "2024-12-31"
        );
        let a = Date::from_ymd(2022, 7, 1).unwrap();
        let b = Date::from_ymd(2024, 12, 31).unwrap();
        assert_eq!(b.days_since(a), 914);
        for n in -1000..100_000 {
            let d = Date(n);
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(d));
        }
        assert_eq!(Date::from_ymd(2023, 2, 29), None);
        assert_eq!(
            Date::from_ymd(2024, 2, 29).unwrap().to_string(),
            "2024-02-29"
        );
        assert_eq!(Date::parse("2022-07-01"), Some(a));
    }
}
