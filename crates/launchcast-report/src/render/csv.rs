//! CSV tables: one file per table of the [`Summary`] (every table of the JSON result and of
//! the terminal summary), each holding the same values as the JSON result.
//!
//! Fields are quoted as RFC 4180 says (when they hold `,`, `"`, CR or LF; quotes doubled);
//! records end with LF. Numbers are written in the digits of the JSON result (whole numbers
//! without `.0`); missing values (`null`) are empty. A text field that a spreadsheet would
//! take for a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) is
//! written with a single quote `'` before it, as spreadsheets expect for text; numbers are
//! never changed.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::{ScenarioSummary, Summary, YearSummary, write_atomic};

/// The files [`write_csv`] writes, in order.
pub const CSV_FILES: [&str; 12] = [
    "run.csv",
    "scenarios.csv",
    "promises.csv",
    "first_delivery.csv",
    "deliveries_by_year.csv",
    "spend_by_year.csv",
    "tasks.csv",
    "sensitivity.csv",
    "correlations.csv",
    "drivers.csv",
    "comparisons.csv",
    "best_by_promise.csv",
];

/// Writes every table of `summary` into `dir` (created if missing), one file each
/// ([`CSV_FILES`]), each atomically; a table with no rows is a file with its header only.
/// Returns their paths in that order.
pub fn write_csv(summary: &Summary, dir: &Path) -> io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let tables = [
        run(summary),
        scenarios(summary),
        promises(summary),
        first_delivery(summary),
        by_year(summary, |s| &s.deliveries_by_year),
        by_year(summary, |s| &s.spend_by_year),
        tasks(summary),
        sensitivity(summary),
        correlations(summary),
        drivers(summary),
        comparisons(summary),
        best_by_promise(summary),
    ];
    let mut paths = Vec::with_capacity(tables.len());
    for (name, text) in CSV_FILES.iter().zip(tables) {
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

/// A text value (a name, an id, a date) as a field's content: neutralised when a spreadsheet
/// would read it as a formula (OWASP's advice: a leading `'`).
fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// A number, or empty when missing.
fn opt<T: Serialize>(v: Option<T>) -> String {
    v.map_or_else(String::new, num)
}

/// A number in the very digits of the JSON result (an `f32` can have two shortest forms;
/// the JSON's is the one written), without its `.0` on whole numbers; empty where the JSON
/// has `null`.
fn num<T: Serialize>(v: T) -> String {
    let s = serde_json::to_string(&v).unwrap_or_default();
    match s.as_str() {
        "null" => String::new(),
        _ => s
            .strip_suffix(".0")
            .map_or_else(|| s.clone(), str::to_string),
    }
}

fn opt_text(v: Option<&String>) -> String {
    v.map_or_else(String::new, |v| text(v))
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

/// Records written straight into the table, by the rules of [`record`], [`text`], [`num`]
/// and [`opt`], without a `String` per field: for the tables of a row per task (a million
/// fields at 100,000 tasks).
struct Writer {
    out: String,
    /// The JSON digits of the number being written.
    digits: Vec<u8>,
    /// No field of the current record written yet.
    fresh: bool,
}

impl Writer {
    /// A table starting with `header`, with room for about `more` bytes.
    fn new(header: String, more: usize) -> Writer {
        let mut out = header;
        out.reserve(more);
        Writer {
            out,
            digits: Vec::with_capacity(32),
            fresh: true,
        }
    }

    /// The separator before a field.
    fn next(&mut self) {
        if !self.fresh {
            self.out.push(',');
        }
        self.fresh = false;
    }

    /// A field holding `prefix` then `s`, quoted as [`field`] would quote it (`prefix` has
    /// no character that needs quoting).
    fn field(&mut self, prefix: &str, s: &str) {
        self.next();
        if s.contains([',', '"', '\r', '\n']) {
            self.out.push('"');
            self.out.push_str(prefix);
            for (i, part) in s.split('"').enumerate() {
                if i > 0 {
                    self.out.push_str("\"\"");
                }
                self.out.push_str(part);
            }
            self.out.push('"');
        } else {
            self.out.push_str(prefix);
            self.out.push_str(s);
        }
    }

    /// `field(&text(s))`.
    fn text(&mut self, s: &str) -> &mut Writer {
        let prefix = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            "'"
        } else {
            ""
        };
        self.field(prefix, s);
        self
    }

    /// `field(&num(v))`.
    fn num<T: Serialize>(&mut self, v: T) -> &mut Writer {
        // The buffer is taken out while `field` writes from it.
        let mut buf = std::mem::take(&mut self.digits);
        buf.clear();
        let digits = match serde_json::to_writer(&mut buf, &v) {
            Ok(()) => std::str::from_utf8(&buf).unwrap_or_default(),
            Err(_) => "",
        };
        let digits = match digits {
            "null" => "",
            d => d.strip_suffix(".0").unwrap_or(d),
        };
        self.field("", digits);
        self.digits = buf;
        self
    }

    /// `field(&opt(v))`.
    fn opt<T: Serialize>(&mut self, v: Option<T>) -> &mut Writer {
        match v {
            Some(v) => self.num(v),
            None => {
                self.next();
                self
            }
        }
    }

    /// Ends the record.
    fn end(&mut self) {
        self.out.push('\n');
        self.fresh = true;
    }
}

fn header(names: &[&str]) -> String {
    let mut out = String::new();
    record(
        &mut out,
        &names.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    out
}

fn run(summary: &Summary) -> String {
    let mut out = header(&[
        "launchcast",
        "model",
        "iterations",
        "seed",
        "start",
        "horizon",
        "currency",
    ]);
    record(
        &mut out,
        &[
            text(&summary.launchcast),
            text(&summary.model),
            num(summary.iterations),
            num(summary.seed),
            text(&summary.start),
            text(&summary.horizon),
            text(&summary.currency),
        ],
    );
    out
}

fn scenarios(summary: &Summary) -> String {
    let mut out = header(&["scenario", "name"]);
    for s in &summary.scenarios {
        record(&mut out, &[text(&s.id), text(&s.name)]);
    }
    out
}

fn promises(summary: &Summary) -> String {
    let mut out = header(&["scenario", "promise", "name", "probability"]);
    for s in &summary.scenarios {
        for p in &s.promises {
            record(
                &mut out,
                &[text(&s.id), text(&p.id), text(&p.name), num(p.probability)],
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
                text(&s.id),
                num(f.probability),
                opt(f.mean_days),
                opt(f.p10_days),
                opt(f.p50_days),
                opt(f.p80_days),
                opt(f.p90_days),
                opt_text(f.p10.as_ref()),
                opt_text(f.p50.as_ref()),
                opt_text(f.p80.as_ref()),
                opt_text(f.p90.as_ref()),
            ],
        );
    }
    out
}

fn by_year(summary: &Summary, column: impl Fn(&ScenarioSummary) -> &Vec<YearSummary>) -> String {
    let mut out = header(&["scenario", "year", "mean", "p10", "p50", "p90"]);
    for s in &summary.scenarios {
        for y in column(s) {
            record(
                &mut out,
                &[
                    text(&s.id),
                    num(y.year),
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
    let rows: usize = summary.scenarios.iter().map(|s| s.tasks.len()).sum();
    let mut w = Writer::new(
        header(&[
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
        ]),
        rows * 96,
    );
    for s in &summary.scenarios {
        for t in &s.tasks {
            w.text(&s.id)
                .text(&t.id)
                .text(&t.name)
                .num(t.probability)
                .opt(t.mean_days)
                .opt(t.p10_days)
                .opt(t.p50_days)
                .opt(t.p80_days)
                .opt(t.p90_days)
                .num(t.criticality)
                .end();
        }
    }
    w.out
}

fn sensitivity(summary: &Summary) -> String {
    let rows: usize = summary.scenarios.iter().map(|s| s.sensitivity.len()).sum();
    let mut w = Writer::new(
        header(&["scenario", "task", "name", "spearman", "criticality"]),
        rows * 48,
    );
    for s in &summary.scenarios {
        // Looked up by id: a model may have 100,000 tasks.
        let names: HashMap<&str, &str> = s
            .tasks
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str()))
            .collect();
        for x in &s.sensitivity {
            w.text(&s.id)
                .text(&x.id)
                .text(names.get(x.id.as_str()).copied().unwrap_or(""))
                .opt(x.spearman)
                .num(x.criticality)
                .end();
        }
    }
    w.out
}

fn correlations(summary: &Summary) -> String {
    let mut out = header(&["scenario", "a", "b", "target", "achieved"]);
    for s in &summary.scenarios {
        for c in &s.correlations {
            record(
                &mut out,
                &[
                    text(&s.id),
                    text(&c.a),
                    text(&c.b),
                    num(c.target),
                    opt(c.achieved),
                ],
            );
        }
    }
    out
}

/// The promise ids of the drivers' columns: every id any driver has, in the order first
/// seen (model order), after those of the scenarios' promises.
fn driver_promise_ids(summary: &Summary) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    let known = summary.scenarios.iter().flat_map(|s| {
        s.promises.iter().map(|p| p.id.as_str()).chain(
            s.drivers
                .iter()
                .flat_map(|d| d.promises.0.iter().map(|(id, _)| id.as_str())),
        )
    });
    for id in known {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

fn drivers(summary: &Summary) -> String {
    let promises = driver_promise_ids(summary);
    let columns: Vec<String> = promises.iter().map(|id| format!("change_{id}")).collect();
    let mut names = vec!["scenario", "kind", "id", "name", "p50_days", "p80_days"];
    names.extend(columns.iter().map(String::as_str));
    let mut out = header(&names);
    for s in &summary.scenarios {
        for d in &s.drivers {
            let kind = d.kind.as_str();
            let mut fields = vec![
                text(&s.id),
                text(kind),
                text(&d.id),
                text(&d.name),
                opt(d.p50_days),
                opt(d.p80_days),
            ];
            fields.extend(promises.iter().map(|id| opt(d.promises.get(id))));
            record(&mut out, &fields);
        }
    }
    out
}

fn comparisons(summary: &Summary) -> String {
    let mut out = header(&[
        "a",
        "b",
        "p_a_earlier",
        "median_diff_days",
        "p10_diff_days",
        "p90_diff_days",
        "both_happen",
        "p_tie",
    ]);
    for p in &summary.comparisons.pairs {
        record(
            &mut out,
            &[
                text(&p.a),
                text(&p.b),
                num(p.p_a_earlier),
                opt(p.median_diff_days),
                opt(p.p10_diff_days),
                opt(p.p90_diff_days),
                num(p.both_happen),
                num(p.p_tie),
            ],
        );
    }
    out
}

/// One row per scenario keeping a promise most often: several rows for one promise on a
/// tie.
fn best_by_promise(summary: &Summary) -> String {
    let mut out = header(&["promise", "name", "scenario", "probability"]);
    for b in &summary.comparisons.best_by_promise {
        let name = summary
            .scenarios
            .iter()
            .flat_map(|s| &s.promises)
            .find(|p| p.id == b.promise)
            .map_or("", |p| p.name.as_str());
        let tied: Vec<&String> = if b.scenarios.is_empty() {
            vec![&b.scenario]
        } else {
            b.scenarios.iter().collect()
        };
        for scenario in tied {
            record(
                &mut out,
                &[
                    text(&b.promise),
                    text(name),
                    text(scenario),
                    num(b.probability),
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

    #[test]
    fn text_that_reads_as_a_formula_is_neutralised() {
        for (raw, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tindented", "'\tindented"),
            ("\rcr", "'\rcr"),
            ("a = b", "a = b"),
            ("", ""),
        ] {
            assert_eq!(text(raw), written, "{raw:?}");
        }
        // Numbers stay numbers.
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(opt(Some(-3.2)), "-3.2");
        // The JSON's digits: this f32 is 207108.125, halfway between two shortest forms
        // (207108.12 and 207108.13), which Rust's and the JSON's formatting resolve apart.
        let halfway = 207_108.12_f32;
        assert_eq!(f64::from(halfway), 207_108.125);
        assert_eq!(num(halfway), serde_json::to_string(&halfway).unwrap());
        assert_eq!(num(3e9), "3000000000");
        assert_eq!(num(2000_u64), "2000");
        assert_eq!(opt(Some(f64::NAN)), "");
    }

    /// The writer of the large tables gives what `record` gives from `text`, `num` and
    /// `opt`, byte for byte.
    #[test]
    fn writer_matches_record() {
        let texts = [
            "plain",
            "a,b",
            "say \"hi\"",
            "two\nlines",
            "cr\r",
            "",
            "=1+2",
            "-x,\"y\"",
            "@",
            "\t\"",
        ];
        let mut w = Writer::new(String::new(), 0);
        let mut want = String::new();
        for t in texts {
            w.text(t)
                .num(-0.5)
                .opt(Some(207_108.12_f32))
                .opt(None::<f64>)
                .num(3e9);
            w.opt(Some(f64::NAN)).text(t).num(2000_u64).end();
            record(
                &mut want,
                &[
                    text(t),
                    num(-0.5),
                    opt(Some(207_108.12_f32)),
                    opt(None::<f64>),
                    num(3e9),
                    opt(Some(f64::NAN)),
                    text(t),
                    num(2000_u64),
                ],
            );
        }
        assert_eq!(w.out, want);
    }
}
