//! MPX written in another language (German) reads as its English original.

use super::*;

/// One record of an English MPX file as MS Project writes it in German: `;` between fields,
/// decimal commas, `t` (Tage) for days, `EA` (Ende-Anfang) for finish-to-start, `Ja`/`Nein`,
/// German constraint names, dates as `Fr 17.10.14`. `predecessors`: the index of the
/// Predecessors field in a task record.
fn to_german(fields: &[String], predecessors: Option<usize>) -> Vec<String> {
    fn number(n: &str) -> String {
        n.replace('.', ",")
    }
    fn duration(v: &str) -> Option<String> {
        let split = v.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))?;
        let (n, unit) = v.split_at(split);
        if n.is_empty() || n == "-" {
            return None;
        }
        let (elapsed, unit) = match unit.strip_prefix('e') {
            Some(u) => (true, u),
            None => (false, unit),
        };
        let unit = match unit {
            "m" => "m",
            "h" => "h",
            "d" => "t",
            "w" => "w",
            "mo" => "mon",
            "y" => "y",
            _ => return None,
        };
        Some(format!(
            "{}{}{unit}",
            number(n),
            if elapsed { "f" } else { "" }
        ))
    }
    fn date(v: &str) -> Option<String> {
        let (day, rest) = v.split_once(' ')?;
        let de = match day {
            "Mon" => "Mo",
            "Tue" => "Di",
            "Wed" => "Mi",
            "Thu" => "Do",
            "Fri" => "Fr",
            "Sat" => "Sa",
            "Sun" => "So",
            _ => return None,
        };
        let (d, time) = rest
            .split_once(' ')
            .map_or((rest, None), |(a, b)| (a, Some(b)));
        if d.split('/').count() != 3 {
            return None;
        }
        Some(match time {
            Some(t) => format!("{de} {} {t}", d.replace('/', ".")),
            None => format!("{de} {}", d.replace('/', ".")),
        })
    }
    fn predecessor(item: &str) -> String {
        let digits = item
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(item.len());
        let (id, rest) = item.split_at(digits);
        let (code, rest) = match rest.get(..2) {
            Some("FS") => ("EA", &rest[2..]),
            Some("SS") => ("AA", &rest[2..]),
            Some("FF") => ("EE", &rest[2..]),
            Some("SF") => ("AE", &rest[2..]),
            _ => ("", rest),
        };
        let lag = match rest.chars().next() {
            Some(sign @ ('+' | '-')) => {
                format!(
                    "{sign}{}",
                    duration(&rest[1..]).unwrap_or_else(|| rest[1..].to_string())
                )
            }
            _ => rest.to_string(),
        };
        format!("{id}{code}{lag}")
    }
    fields
        .iter()
        .enumerate()
        .map(|(k, v)| {
            if Some(k) == predecessors {
                return v.split(',').map(predecessor).collect::<Vec<_>>().join(";");
            }
            match v.as_str() {
                "Yes" => return "Ja".into(),
                "No" => return "Nein".into(),
                "NA" => return "NV".into(),
                "As Soon As Possible" => return "So früh wie möglich".into(),
                "As Late As Possible" => return "So spät wie möglich".into(),
                "Must Start On" => return "Muss anfangen am".into(),
                "Must Finish On" => return "Muss enden am".into(),
                "Start No Earlier Than" => return "Anfang nicht früher als".into(),
                "Start No Later Than" => return "Anfang nicht später als".into(),
                "Finish No Earlier Than" => return "Ende nicht früher als".into(),
                "Finish No Later Than" => return "Ende nicht später als".into(),
                _ => {}
            }
            duration(v).or_else(|| date(v)).unwrap_or_else(|| v.clone())
        })
        .collect()
}

/// `fields` joined with `;`, quoted where a field holds a `;` or a quote.
fn join_semicolons(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains([';', '"']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
#[test]
fn a_german_mpx_reads_as_its_english_original() {
    let data = data_dir();
    for file in [
        "mpxj-junit/generated/task-links/task-links-project98.mpx",
        "mpxj-junit/generated/task-durations/task-durations-project98.mpx",
        "mpxj-junit/legacy/sample.mpx",
    ] {
        let path = data.join(file);
        if !path.is_file() {
            println!("absent: {file}");
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let english = encoding_text(&bytes);
        let mut layout: Vec<String> = Vec::new();
        let mut german = String::new();
        for (k, line) in english.lines().enumerate() {
            let f = csv_fields(line.trim_end_matches('\r'));
            let rec = f.first().map_or("", |s| s.as_str()).to_string();
            let out: Vec<String> = match rec.as_str() {
                _ if k == 0 => vec![
                    "MPX".into(),
                    "Microsoft Project für Windows".into(),
                    "4,0".into(),
                    "ANSI".into(),
                ],
                "10" => vec![
                    "10".into(),
                    "€".into(),
                    "1".into(),
                    "2".into(),
                    ".".into(),
                    ",".into(),
                ],
                "11" => f.iter().map(|x| x.replace('.', ",")).collect(),
                "12" => {
                    let mut g = f.clone();
                    if g.len() > 4 {
                        g[4] = ".".into();
                    }
                    g
                }
                "61" => {
                    layout = f.clone();
                    f
                }
                "70" => {
                    let pred = layout.iter().position(|c| c == "70");
                    to_german(&f, pred)
                }
                "25" => f,
                _ => to_german(&f, None),
            };
            german.push_str(&join_semicolons(&out));
            german.push_str("\r\n");
        }
        let (a, _) = launchcast_import::import_bytes(Path::new("en.mpx"), &bytes).expect(file);
        let (b, _) = launchcast_import::import_bytes(Path::new("de.mpx"), german.as_bytes())
            .unwrap_or_else(|e| {
                panic!(
                    "{file}: {e}\n{}",
                    german.lines().take(20).collect::<Vec<_>>().join("\n")
                )
            });
        let (ia, ib) = (inspect(&a), inspect(&b));
        assert_eq!(
            (
                ia.tasks,
                ia.milestones,
                ia.summary_tasks,
                &ia.relations,
                ia.calendars
            ),
            (
                ib.tasks,
                ib.milestones,
                ib.summary_tasks,
                &ib.relations,
                ib.calendars
            ),
            "{file}"
        );
        assert_eq!(
            (&ia.start, &ia.finish, &ia.file_finish),
            (&ib.start, &ib.finish, &ib.file_finish),
            "{file}"
        );
        assert!(ia.tasks > 3, "{file}");
        let (ca, cb) = (
            launchcast_import::CalendarSet::schedule(&a),
            launchcast_import::CalendarSet::schedule(&b),
        );
        for (k, (ta, tb)) in a.tasks.iter().zip(&b.tasks).enumerate() {
            assert_eq!((&ta.uid, &ta.name), (&tb.uid, &tb.name), "{file}");
            assert_eq!(
                (ta.duration, ta.constraint, ta.milestone),
                (tb.duration, tb.constraint, tb.milestone),
                "{file}: {}",
                ta.uid
            );
            assert_eq!(
                (ta.start, ta.finish),
                (tb.start, tb.finish),
                "{file}: {}",
                ta.uid
            );
            assert_eq!(ca.task_dates(k), cb.task_dates(k), "{file}: {}", ta.uid);
        }
        let lags = |s: &launchcast_import::Schedule| {
            s.relations
                .iter()
                .map(|r| (r.pred.clone(), r.succ.clone(), r.kind, r.lag))
                .collect::<Vec<_>>()
        };
        assert_eq!(lags(&a), lags(&b), "{file}");
        assert!(
            a.relations.iter().any(|r| r.lag.minutes != 0.0) || !file.contains("links"),
            "{file}: lags tested"
        );
    }
}

/// Text of an MPX file: UTF-8, else Windows-1252 (as the reader decodes it).
fn encoding_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| if b < 0x80 { b as char } else { '?' })
            .collect(),
    }
}
