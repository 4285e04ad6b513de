//! Reading `[[calendar]]`: working hours per weekday and exceptions.

use toml::de::DeValue;

use super::opt_name;
use crate::kind::leaf;
use crate::kind::{HOURS_PER_DAY_HELP, ProblemKind};
use crate::raw::{self, Cx, Tab, Val};
use crate::{Calendar, CalendarException};

const CALENDAR_KEYS: [&str; 5] = ["id", "name", "hours_per_day", "week", "exceptions"];
const EXCEPTION_KEYS: [&str; 3] = ["from", "to", "hours"];

/// `[[calendar]]`: id, name, hours per day, week and exceptions; ids and references are
/// checked with the others.
pub(super) fn calendar(cx: &mut Cx<'_>, t: &Tab<'_, '_>) -> Calendar {
    t.check_keys(cx, &CALENDAR_KEYS);
    let id = t
        .required(cx, "id", "\"site\"")
        .and_then(|v| raw::string(cx, v, &t.sub("id"), "write id = \"site\""))
        .unwrap_or_default();
    let mut c = Calendar::standard(id.clone());
    c.name = opt_name(cx, t, &id);
    let mut bad_day = false;
    if let Some(v) = t.get("hours_per_day") {
        let help = HOURS_PER_DAY_HELP;
        if let Some(x) = raw::number(cx, v, &t.sub("hours_per_day"), help) {
            if x > 0.0 && x <= 24.0 {
                c.hours_per_day = x;
            } else {
                let text = cx.text(&v.span());
                let kind = ProblemKind::HoursPerDay(&text);
                cx.report_kind(Some(v.span()), &t.sub("hours_per_day"), &kind);
            }
        }
    }
    if let Some(v) = t.get("week") {
        let eg = "week = { mon = \"08:00-12:00, 13:00-17:00\", …, sat = \"\", sun = \"\" }";
        if let Some(w) = raw::table(cx, v, &t.sub("week"), &format!("write {eg}")) {
            w.check_keys(cx, &crate::WEEKDAYS);
            for (k, day) in crate::WEEKDAYS.iter().enumerate() {
                c.week[k] = match w.get(day) {
                    Some(v) => hours(cx, v, &w.sub(day)).unwrap_or_else(|| {
                        // Reported; keep the day working so the week is not also reported.
                        bad_day = true;
                        Vec::new()
                    }),
                    None => Vec::new(),
                };
            }
        }
    }
    if let Some(v) = t.get("exceptions") {
        let eg = "exceptions = [{ from = 2024-12-23, to = 2025-01-01, hours = \"\" }]";
        if let DeValue::Array(items) = v.get_ref() {
            for (k, item) in items.iter().enumerate() {
                let path = format!("{}[{k}]", t.sub("exceptions"));
                let Some(e) = raw::table(cx, item, &path, &format!("write {eg}")) else {
                    continue;
                };
                e.check_keys(cx, &EXCEPTION_KEYS);
                let from = e
                    .required(cx, "from", "2024-12-23")
                    .and_then(|v| raw::date(cx, v, &e.sub("from")));
                let to = e
                    .required(cx, "to", "2025-01-01")
                    .and_then(|v| raw::date(cx, v, &e.sub("to")));
                let h = e
                    .required(cx, "hours", "\"\"")
                    .and_then(|v| hours(cx, v, &e.sub("hours")));
                if let (Some(from), Some(to), Some(hours)) = (from, to, h) {
                    if from > to {
                        let kind = ProblemKind::ExceptionFromAfterTo { from, to };
                        cx.report_kind(Some(item.span()), &path, &kind);
                    }
                    c.exceptions.push(CalendarException { from, to, hours });
                }
            }
        } else {
            raw::table(cx, v, &t.sub("exceptions"), &format!("write {eg}"));
        }
    }
    // Hours and exception order are reported above, at their place.
    for (key, label, message, help) in crate::calendar::check_calendar(&c, false) {
        if key == "week" && !bad_day {
            let span = t.get("week").map_or_else(|| cx.head(&t.span), |v| v.span());
            cx.report(span, &t.sub("week"), label, message, help);
        }
    }
    c
}

/// Working hours of a day: `"08:00-12:00, 13:00-17:00"`, `""` for none.
pub(super) fn hours(cx: &mut Cx<'_>, v: &Val<'_>, path: &str) -> Option<crate::Hours> {
    let s = raw::string(cx, v, path, "write hours like \"08:00-12:00, 13:00-17:00\"")?;
    match crate::parse_hours(&s) {
        Ok(h) => Some(h),
        Err((message, help)) => {
            let text = cx.text(&v.span());
            cx.report(
                v.span(),
                path,
                "here",
                format!("`{}` = {text}: {message}", leaf(path)),
                help,
            );
            None
        }
    }
}
