//! UTC timestamps as `YYYY-MM-DDTHH:MM:SSZ`, from the system clock and the model's calendar
//! dates.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in UTC, to the second.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

/// `secs` after 1970-01-01T00:00:00Z, formatted.
pub(crate) fn format_utc(secs: u64) -> String {
    let days = i32::try_from(secs / 86_400).unwrap_or(i32::MAX);
    let rest = secs % 86_400;
    let (y, m, d) = launchcast_model::Date::from_days_since_epoch(days).ymd();
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_instants() {
        assert_eq!(super::format_utc(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 (a leap day of a century leap year) 12:34:56.
        assert_eq!(super::format_utc(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(super::format_utc(1_796_515_200), "2026-12-06T00:00:00Z");
    }
}
