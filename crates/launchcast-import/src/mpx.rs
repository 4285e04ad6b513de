//! MPX, the old Microsoft Project exchange format: one comma-separated record a line, the
//! record type first. Read: date and time settings (record 12), default hours (11),
//! calendars (20 base calendar, 25 hours, 26 exceptions), the project header (30), task
//! field layout (61) and tasks (70) with outline level, summary and milestone flags,
//! duration (working or elapsed units), start and finish, actual dates, remaining duration,
//! constraint, percent complete and predecessors (`3FS+1d` by task ID).
//!
//! The header's code page is not trusted: text that is not UTF-8 is decoded as
//! Windows-1252 with a note (EUC-KR names come out garbled, numbers and dates do not).
//!
//! Files MS Project writes in another language are read too: the field separator is the
//! character after `MPX` in the header (`;` in most of Europe, where lags and durations carry
//! decimal commas); duration units, link types, `Yes` and constraint names are read in
//! English, German (`5t`, `2fw`, `EA`, `Ja`), French (`5j`, `2s`, `FD`, `Oui`) and Spanish
//! (`2s`, `FC`, `Sí`). The ID of a task (which predecessors name) must be unique, and a file
//! whose last record does not end with a line break is refused as cut short.

use std::collections::HashMap;

use launchcast_model::{Date, LinkKind};

use crate::errors::{ImportError, Place};
use crate::schedule::{
    Calendar, CalendarException, Constraint, ConstraintKind, DateTime, DayHours, Duration, Format,
    Relation, Schedule, Task,
};

/// Splits a record on `sep`, honouring double quotes.
fn fields(line: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '"' {
            if quoted && chars.peek() == Some(&'"') {
                chars.next();
                if let Some(l) = out.last_mut() {
                    l.push('"');
                }
            } else {
                quoted = !quoted;
            }
        } else if c == sep && !quoted {
            out.push(String::new());
        } else if let Some(l) = out.last_mut() {
            l.push(c);
        }
    }
    out
}

struct Settings {
    /// 0 = MDY, 1 = DMY, 2 = YMD.
    date_order: u8,
    date_sep: char,
    minutes_per_day: f64,
    minutes_per_week: f64,
}

impl Settings {
    fn date(&self, s: &str) -> Option<DateTime> {
        let s = s.trim();
        if s.is_empty() || s == "NA" {
            return None;
        }
        let mut parts = s.split_whitespace().peekable();
        // Optional day name: `Tue 07/01/03`.
        if parts
            .peek()
            .is_some_and(|p| p.chars().all(|c| c.is_alphabetic()))
        {
            parts.next();
        }
        let d = parts.next()?;
        // `14 November 2005 08:00` (long date format).
        if let Some(month) = parts.peek().and_then(|m| month_number(m)) {
            parts.next();
            let day: u32 = d.parse().ok()?;
            let year: i32 = parts.next()?.parse().ok()?;
            let date = Date::from_ymd(year, month, day)?;
            return Some(DateTime::new(
                date,
                time_of_day(parts.next(), parts.next())?,
            ));
        }
        let nums: Vec<i32> = d
            .split([self.date_sep, '/', '-', '.'])
            .map(|x| x.parse().ok())
            .collect::<Option<_>>()?;
        let [a, b, c] = nums.as_slice() else {
            return None;
        };
        let (y, m, dd) = match self.date_order {
            1 => (*c, *b, *a),
            2 => (*a, *b, *c),
            _ => (*c, *a, *b),
        };
        let y = if y < 100 {
            if y < 70 { y + 2000 } else { y + 1900 }
        } else {
            y
        };
        let date = Date::from_ymd(y, u32::try_from(m).ok()?, u32::try_from(dd).ok()?)?;
        let minute = time_of_day(parts.next(), parts.next())?;
        Some(DateTime::new(date, minute))
    }

    /// `50d`, `500h`, `0ed`, `1.5w`, `2mo`, `30m`, `2emo`, and the same in the units of
    /// German (`5t`, `2fw`), French (`5j`, `2s`, `5je`) and Spanish (`2s`, `5ed`) files, with
    /// a decimal point or comma.
    fn duration(&self, s: &str) -> Option<Duration> {
        let s = s.trim();
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == ','))
            .unwrap_or(s.len());
        let v: f64 = s.get(..split)?.replace(',', ".").parse().ok()?;
        let unit = s.get(split..)?.trim().to_lowercase();
        let (per, elapsed) = match unit_of(&unit)? {
            (Unit::Minute, e) => (1.0, e),
            (Unit::Hour, e) => (60.0, e),
            (Unit::Day, false) => (self.minutes_per_day, false),
            (Unit::Day, true) => (1440.0, true),
            (Unit::Week, false) => (self.minutes_per_week, false),
            (Unit::Week, true) => (10_080.0, true),
            (Unit::Month, false) => (self.minutes_per_day * 20.0, false),
            (Unit::Month, true) => (43_200.0, true),
            (Unit::Year, false) => (self.minutes_per_day * 20.0 * 12.0, false),
            (Unit::Year, true) => (525_960.0, true),
        };
        let m = v * per;
        m.is_finite().then_some(Duration {
            minutes: m,
            elapsed,
        })
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// A duration unit as MS Project writes it in an MPX file in English, German, French or
/// Spanish (none of them reads another's unit differently), and whether it is elapsed.
fn unit_of(u: &str) -> Option<(Unit, bool)> {
    use Unit::*;
    Some(match u {
        "m" => (Minute, false),
        "h" => (Hour, false),
        // en, es `d`; de `t` (Tage); fr `j` (jours).
        "d" | "" | "t" | "j" => (Day, false),
        // en `w`; fr, es `s` (semaines, semanas).
        "w" | "s" => (Week, false),
        // en `mo`; de `mon`; fr, es `ms`.
        "mo" | "mon" | "ms" => (Month, false),
        // en, de `y`; fr, es `a`.
        "y" | "a" => (Year, false),
        // Elapsed: en, es `e` first; de `f` first; fr `e` last.
        "em" | "fm" | "me" => (Minute, true),
        "eh" | "fh" | "he" => (Hour, true),
        "ed" | "ft" | "je" => (Day, true),
        "ew" | "es" | "fw" | "se" => (Week, true),
        "emo" | "ems" | "fmon" | "mse" => (Month, true),
        "ey" | "ea" | "fy" => (Year, true),
        _ => return None,
    })
}

/// A link type code in English (`FS`), German (`EA` Ende-Anfang), French (`FD` fin-début)
/// or Spanish (`FC` fin-comienzo); `FF` is the same in all.
fn link_kind(code: &str) -> Option<LinkKind> {
    Some(match code {
        "FS" | "EA" | "FD" | "FC" => LinkKind::FinishToStart,
        "SS" | "AA" | "DD" | "CC" => LinkKind::StartToStart,
        "FF" | "EE" => LinkKind::FinishToFinish,
        "SF" | "AE" | "DF" | "CF" => LinkKind::StartToFinish,
        _ => return None,
    })
}

/// `Yes` in the languages above (and Italian and Portuguese).
fn yes(v: &str) -> bool {
    matches!(
        v.trim().trim_end_matches('\u{ad}').to_lowercase().as_str(),
        "yes" | "ja" | "oui" | "sí" | "si" | "sim"
    )
}

/// A constraint type's name in English, German, French or Spanish.
fn constraint_kind(v: &str) -> Option<ConstraintKind> {
    use ConstraintKind::*;
    Some(match v.trim().to_lowercase().as_str() {
        "as late as possible"
        | "so spät wie möglich"
        | "le plus tard possible"
        | "lo más tarde posible" => AsLateAsPossible,
        "must start on" | "muss anfangen am" | "doit commencer le" | "debe comenzar el" => {
            MustStartOn
        }
        "must finish on" | "muss enden am" | "doit finir le" | "debe finalizar el" => MustFinishOn,
        "start no earlier than"
        | "anfang nicht früher als"
        | "début au plus tôt le"
        | "no comenzar antes del" => StartNoEarlierThan,
        "start no later than"
        | "anfang nicht später als"
        | "début au plus tard le"
        | "no comenzar después del" => StartNoLaterThan,
        "finish no earlier than"
        | "ende nicht früher als"
        | "fin au plus tôt le"
        | "no finalizar antes del" => FinishNoEarlierThan,
        "finish no later than"
        | "ende nicht später als"
        | "fin au plus tard le"
        | "no finalizar después del" => FinishNoLaterThan,
        _ => return None,
    })
}

fn month_number(s: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let l = s.to_ascii_lowercase();
    let p = l.get(..3)?;
    MONTHS.iter().position(|m| *m == p).map(|i| i as u32 + 1)
}

/// Minutes after midnight of `HH:MM` with an optional `am`/`pm` (attached or next token);
/// 0 without a time. `None` if the time is malformed.
fn time_of_day(t: Option<&str>, ampm: Option<&str>) -> Option<i64> {
    let Some(t) = t else { return Some(0) };
    let joined = match ampm {
        Some(x) => format!("{t} {x}"),
        None => t.to_string(),
    };
    hhmm(&joined).map(i64::from)
}

fn hhmm(s: &str) -> Option<u16> {
    let s = s.trim();
    let lower = s.to_ascii_lowercase();
    let (core, pm, am) = if let Some(c) = lower.strip_suffix("pm") {
        (c.trim().to_string(), true, false)
    } else if let Some(c) = lower.strip_suffix("am") {
        (c.trim().to_string(), false, true)
    } else {
        (lower.clone(), false, false)
    };
    let (h, m) = core.split_once(':')?;
    let mut h: u16 = h.trim().parse().ok()?;
    let m: u16 = m.trim().parse().ok()?;
    if pm && h < 12 {
        h += 12;
    }
    if am && h == 12 {
        h = 0;
    }
    (h <= 24 && m < 60).then_some(h * 60 + m)
}

fn periods(f: &[String]) -> DayHours {
    let mut h: DayHours = f
        .chunks(2)
        .filter_map(|p| {
            let a = hhmm(p.first()?)?;
            let b = hhmm(p.get(1)?)?;
            Some((a, if b <= a { 1440 } else { b }))
        })
        .collect();
    h.sort_unstable();
    h
}

/// Reads an MPX file.
pub(crate) fn read(bytes: &[u8]) -> Result<Schedule, ImportError> {
    let (text, note) = crate::text::decode(bytes, None);
    let mut lines = text.lines().enumerate();
    let sep = match lines.next() {
        Some((_, l)) if l.trim_start_matches('\u{feff}').starts_with("MPX") => l
            .trim_start_matches('\u{feff}')
            .chars()
            .nth(3)
            .unwrap_or(','),
        Some((_, l)) => {
            return Err(ImportError::syntax(
                Place::LineColumn { line: 1, column: 1 },
                "not an MPX file: the first record must start with `MPX`",
            )
            .value(l));
        }
        None => {
            return Err(
                ImportError::syntax(Place::File, "empty file: no `MPX` header record")
                    .hint("export the project again as MPX"),
            );
        }
    };
    if !matches!(sep, ',' | ';' | '\t' | '|') {
        return Err(ImportError::syntax(
            Place::LineColumn { line: 1, column: 4 },
            "the header record must name the field separator right after `MPX` (`,` or `;`)",
        )
        .value(sep.to_string()));
    }
    // MS Project ends every record with a line break: a file whose last record has none was
    // cut short, and its last values (a duration, a list of predecessors) may be too.
    let body = text.trim_end_matches(['\u{0}', '\u{1a}']);
    if !body.is_empty() && !body.ends_with('\n') {
        let line = body.lines().count();
        let last = body.lines().last().unwrap_or("");
        return Err(ImportError::syntax(
            Place::LineColumn {
                line,
                column: last.chars().count() + 1,
            },
            "truncated: the last record ends without a line break",
        )
        .value(last)
        .hint("export the project again; if the file is complete, end it with a line break"));
    }
    let mut s = Schedule::new(Format::Mpx);
    s.notes.extend(note);
    let mut set = Settings {
        date_order: 0,
        date_sep: '/',
        minutes_per_day: 480.0,
        minutes_per_week: 2400.0,
    };
    let mut layout: Vec<u32> = Vec::new();
    // Task id (field 90) → uid, and (succ uid, predecessor text, line).
    let mut by_id: HashMap<String, (String, usize)> = HashMap::new();
    let mut preds: Vec<(String, String, usize)> = Vec::new();
    let mut outline: Vec<(u32, String)> = Vec::new();
    for (i, raw) in lines {
        let line = i + 1;
        let f = fields(raw.trim_end_matches('\r'), sep);
        let rec = f.first().map_or("", |s| s.trim());
        let rest = f.get(1..).unwrap_or(&[]);
        let at = |k: usize| rest.get(k).map_or("", |s| s.trim());
        let place = |field: &str| Place::Record {
            line,
            record: rec.to_string(),
            field: field.to_string(),
        };
        match rec {
            "11" => {
                if let Ok(h) = at(3).replace(',', ".").parse::<f64>()
                    && h > 0.0
                    && h <= 24.0
                {
                    set.minutes_per_day = h * 60.0;
                    s.minutes_per_day = h * 60.0;
                }
                if let Ok(h) = at(4).replace(',', ".").parse::<f64>()
                    && h > 0.0
                {
                    set.minutes_per_week = h * 60.0;
                }
            }
            "12" => {
                set.date_order = at(0).parse().unwrap_or(0);
                set.date_sep = at(3).chars().next().unwrap_or('/');
            }
            "20" => {
                let mut c = Calendar::new(at(0));
                c.name = at(0).to_string();
                for d in 0..7 {
                    // Sunday first in the file; 0 non-working, 1 working, 2 as base.
                    let slot = (d + 6) % 7;
                    if let Some(w) = c.week.get_mut(slot) {
                        *w = match at(1 + d) {
                            "0" => Some(Vec::new()),
                            "1" => Some(vec![(480, 720), (780, 1020)]),
                            _ => None,
                        };
                    }
                }
                s.calendars.push(c);
            }
            "25" => {
                if let (Some(c), Ok(d @ 1..=7)) = (s.calendars.last_mut(), at(0).parse::<usize>()) {
                    let hours = periods(rest.get(1..).unwrap_or(&[]));
                    // Hours of a day record 20 marks non-working do not make it working
                    // (some writers list hours for all seven days).
                    if let Some(Some(w)) = c.week.get_mut((d + 5) % 7)
                        && !w.is_empty()
                        && !hours.is_empty()
                    {
                        *w = hours;
                    }
                }
            }
            "26" => {
                if let (Some(c), Some(from), Some(to)) =
                    (s.calendars.last_mut(), set.date(at(0)), set.date(at(1)))
                {
                    let hours = if at(2) == "1" {
                        periods(rest.get(3..).unwrap_or(&[]))
                    } else {
                        Vec::new()
                    };
                    c.exceptions.push(CalendarException {
                        from: from.date(),
                        to: to.date(),
                        hours,
                    });
                }
            }
            "30" => {
                s.name = at(0).to_string();
                let cal = at(3);
                if !cal.is_empty() {
                    s.default_calendar = Some(cal.to_string());
                }
                s.start = set.date(at(4));
                s.finish = set.date(at(5));
            }
            "61" => {
                layout = rest.iter().filter_map(|x| x.trim().parse().ok()).collect();
            }
            "70" => {
                let get = |code: u32| {
                    layout
                        .iter()
                        .position(|&c| c == code)
                        .and_then(|k| rest.get(k))
                        .map_or("", |v| v.trim())
                };
                let id = get(90);
                let uid = match get(98) {
                    "" => id,
                    u => u,
                };
                let uid = if uid.is_empty() {
                    format!("line{line}")
                } else {
                    uid.to_string()
                };
                let mut t = Task::new(uid.clone());
                t.place = place(if get(98).is_empty() {
                    "ID"
                } else {
                    "Unique ID"
                });
                t.name = get(1).to_string();
                t.wbs = get(2).to_string();
                t.outline_level = get(3).parse().unwrap_or(1);
                while outline.last().is_some_and(|(l, _)| *l >= t.outline_level) {
                    outline.pop();
                }
                t.parent = outline.last().map(|(_, u)| u.clone());
                outline.push((t.outline_level, uid.clone()));
                t.milestone = yes(get(81));
                let dur = |code: u32, name: &str| -> Result<Option<Duration>, ImportError> {
                    let v = get(code);
                    if v.is_empty() {
                        return Ok(None);
                    }
                    set.duration(v).map(Some).ok_or_else(|| {
                        ImportError::invalid(place(name), "expected a duration such as `5d`")
                            .value(v)
                    })
                };
                t.duration = dur(40, "Duration")?.unwrap_or(Duration::ZERO);
                t.remaining = dur(43, "Remaining Duration")?;
                t.start = set.date(get(50));
                t.finish = set.date(get(51));
                t.actual_start = set.date(get(58));
                t.actual_finish = set.date(get(59));
                t.percent_complete = get(44)
                    .trim_end_matches('%')
                    .trim()
                    .replace(',', ".")
                    .parse()
                    .unwrap_or(0.0);
                if let Some(kind) = constraint_kind(get(91)) {
                    t.constraint = Some(Constraint {
                        kind,
                        date: set.date(get(68)),
                    });
                }
                if !id.is_empty() {
                    // Predecessors name tasks by ID: two tasks with one ID cannot be told apart.
                    if let Some((other, first)) = by_id.insert(id.to_string(), (uid.clone(), line))
                    {
                        return Err(ImportError::invalid(
                            place("ID"),
                            format!(
                                "task ID `{id}` is used twice: by the task at line {first} \
                                 (unique ID `{other}`) and by `{}` here",
                                t.name
                            ),
                        )
                        .value(id)
                        .hint(
                            "predecessors name tasks by ID, so each task needs its own: \
                             renumber one of them in the tool that wrote the file",
                        ));
                    }
                }
                let p = get(70);
                if !p.is_empty() {
                    preds.push((uid, p.to_string(), line));
                }
                s.tasks.push(t);
            }
            _ => {}
        }
    }
    {
        // A task followed by a deeper one is a summary; the Summary field is not trusted
        // (Project 98 flags a lone project task, some writers miss real summaries).
        let levels: Vec<u32> = s.tasks.iter().map(|t| t.outline_level).collect();
        for (k, t) in s.tasks.iter_mut().enumerate() {
            let next = levels.get(k + 1).copied().unwrap_or(0);
            // Outline level 0 is the project's own summary row, with tasks under it or not.
            t.summary = next > t.outline_level || t.outline_level == 0;
        }
    }
    for (succ, text, line) in preds {
        // The list separator is the file's field separator (a `;` file writes `1,5t` lags).
        for item in text.split(sep) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let digits = item
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(item.len());
            let (id, rest) = item.split_at(digits);
            let (kind, rest) = match rest.get(..2).and_then(link_kind) {
                Some(k) => (k, rest.get(2..).unwrap_or("")),
                None => (LinkKind::FinishToStart, rest),
            };
            let lag = if rest.trim().is_empty() {
                Duration::ZERO
            } else {
                let r = rest.trim();
                let (neg, r) = match r.strip_prefix('-') {
                    Some(x) => (true, x),
                    None => (false, r.strip_prefix('+').unwrap_or(r)),
                };
                let mut d = set.duration(r).ok_or_else(|| {
                    ImportError::invalid(
                        Place::Record {
                            line,
                            record: "70".into(),
                            field: "Predecessors".into(),
                        },
                        "expected a predecessor such as `3FS+1d`",
                    )
                    .value(item)
                })?;
                if neg {
                    d.minutes = -d.minutes;
                }
                d
            };
            let Some((pred, _)) = by_id.get(id) else {
                s.notes.push(format!(
                    "line {line}: predecessor `{item}` names no task; dropped"
                ));
                continue;
            };
            s.relations.push(Relation {
                pred: pred.clone(),
                succ: succ.clone(),
                kind,
                lag,
                place: Place::Record {
                    line,
                    record: "70".into(),
                    field: "Predecessors".into(),
                },
            });
        }
    }
    crate::check::check(&s)?;
    Ok(s)
}
