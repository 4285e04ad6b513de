//! CSV tables: one file per table of the [`Summary`], each with the scenario id first.
//!
//! Fields are quoted as RFC 4180 says (when they hold `,`, `"`, CR or LF; quotes doubled);
//! records end with LF. Numbers are written as in the JSON result; missing values are empty.

use std::fmt::Display;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::{Summary, write_atomic};

/// Writes `promises.csv`, `first_delivery.csv`, `deliveries_by_year.csv`, `spend_by_year.csv`
/// and `tasks.csv` into `dir` (created if missing), each atomically. Returns their paths in
/// that order.
pub fn write_csv(summary: &Summary, dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let tables = [
        ("promises.csv", promises(summary)),
        ("first_delivery.csv", first_delivery(summary)),
        (
            "deliveries_by_year.csv",
            by_year(summary, |s| &s.deliveries_by_year),
        ),
        ("spend_by_year.csv", by_year(summary, |s| &s.spend_by_year)),
        ("tasks.csv", tasks(summary)),
    ];
    let mut paths = Vec::with_capacity(tables.len());
    for (name, text) in tables {
        let path = dir.join(name);
        write_atomic(&path, text.as_bytes())?;
        paths.push(path);
    }
    Ok(paths)
}

/// One CSV field as RFC 4180 wants it.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt<T: Display>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

fn record(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(f));
    }
    out.push('\n');
}

fn header(names: &[&str]) -> String {
    let mut out = String::new();
    record(
        &mut out,
        &names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    out
}

fn promises(summary: &Summary) -> String {
    let mut out = header(&["scenario", "promise", "name", "probability"]);
    for s in &summary.scenarios {
        for p in &s.promises {
            record(
                &mut out,
                &[
                    s.id.clone(),
                    p.id.clone(),
                    p.name.clone(),
                    p.probability.to_string(),
                ],
            );
        }
    }
    out
}

fn first_delivery(summary: &Summary) -> String {
    let mut out = header(&[
        "scenario",
        "probability",
        "mean_days",
        "p10_days",
        "p50_days",
        "p80_days",
        "p90_days",
        "p10",
        "p50",
        "p80",
        "p90",
    ]);
    for s in &summary.scenarios {
        let f = &s.first_delivery;
        record(
            &mut out,
            &[
                s.id.clone(),
                f.probability.to_string(),
                opt(f.mean_days),
                opt(f.p10_days),
                opt(f.p50_days),
                opt(f.p80_days),
                opt(f.p90_days),
                opt(f.p10.as_ref()),
                opt(f.p50.as_ref()),
                opt(f.p80.as_ref()),
                opt(f.p90.as_ref()),
            ],
        );
    }
    out
}

fn by_year(
    summary: &Summary,
    column: impl Fn(&crate::ScenarioSummary) -> &Vec<crate::YearSummary>,
) -> String {
    let mut out = header(&["scenario", "year", "mean", "p10", "p50", "p90"]);
    for s in &summary.scenarios {
        for y in column(s) {
            record(
                &mut out,
                &[
                    s.id.clone(),
                    y.year.to_string(),
                    opt(y.mean),
                    opt(y.p10),
                    opt(y.p50),
                    opt(y.p90),
                ],
            );
        }
    }
    out
}

fn tasks(summary: &Summary) -> String {
    let mut out = header(&[
        "scenario",
        "task",
        "name",
        "probability",
        "mean_days",
        "p10_days",
        "p50_days",
        "p80_days",
        "p90_days",
        "criticality",
    ]);
    for s in &summary.scenarios {
        for t in &s.tasks {
            record(
                &mut out,
                &[
                    s.id.clone(),
                    t.id.clone(),
                    t.name.clone(),
                    t.probability.to_string(),
                    opt(t.mean_days),
                    opt(t.p10_days),
                    opt(t.p50_days),
                    opt(t.p80_days),
                    opt(t.p90_days),
                    t.criticality.to_string(),
                ],
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_per_rfc_4180() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
        assert_eq!(field(""), "");
    }
}
