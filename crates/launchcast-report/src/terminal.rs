//! The terminal summary: plain ASCII, aligned columns (one per scenario), no colour.

use std::fmt::Write as _;

use launchcast_model::Model;

use crate::{ScenarioSummary, Summary, TaskSummary};

/// Tasks listed under "MOST CRITICAL TASKS".
const TOP_TASKS: usize = 8;
/// Widest a scenario column gets; longer ids are cut.
pub(crate) const MAX_COLUMN: usize = 14;
/// Narrowest the label column gets, whatever `width` says.
pub(crate) const MIN_LABEL: usize = 20;

/// Renders `summary` for a terminal `width` columns wide (100 reads well): title, promises ×
/// scenarios, first delivery dates, deliveries and spend per year, the most critical tasks
/// of the first scenario, and a key of the scenario ids. `model` supplies names and labels.
pub fn render_terminal(summary: &Summary, model: &Model, width: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} iterations, seed {}",
        summary.model,
        group_thousands(summary.iterations as f64),
        summary.seed
    );
    let _ = writeln!(out, "start {}, horizon {}", summary.start, summary.horizon);
    let scenarios = &summary.scenarios;
    if scenarios.is_empty() {
        return out;
    }
    let ids: Vec<&str> = scenarios.iter().map(|s| s.id.as_str()).collect();
    let mut sections: Vec<(Section, bool)> = Vec::new();

    if !model.promises.is_empty() {
        let rows = model
            .promises
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let label = if p.name.is_empty() {
                    p.id.clone()
                } else {
                    p.name.clone()
                };
                let cells = scenarios
                    .iter()
                    .map(|s| {
                        s.promises
                            .get(i)
                            .map_or_else(dash, |p| percent(p.probability))
                    })
                    .collect();
                (label, cells)
            })
            .collect();
        sections.push((Section::new("PROMISES", &ids, rows), true));
    }

    let headline = if model.plants.is_empty() {
        "FINISH"
    } else {
        "FIRST DELIVERY"
    };
    let mut rows = vec![(
        format!("P(by {})", summary.horizon),
        scenarios
            .iter()
            .map(|s| percent(s.first_delivery.probability))
            .collect(),
    )];
    type DateOf = fn(&ScenarioSummary) -> &Option<String>;
    let dates: [(&str, DateOf); 4] = [
        ("P10", |s| &s.first_delivery.p10),
        ("P50", |s| &s.first_delivery.p50),
        ("P80", |s| &s.first_delivery.p80),
        ("P90", |s| &s.first_delivery.p90),
    ];
    for (label, date) in dates {
        let cells = scenarios
            .iter()
            .map(|s| date(s).clone().unwrap_or_else(dash))
            .collect();
        rows.push((label.to_string(), cells));
    }
    sections.push((Section::new(headline, &ids, rows), true));

    if !model.plants.is_empty() {
        let rows = year_rows(scenarios, |s| &s.deliveries_by_year, group_thousands);
        sections.push((
            Section::new("DELIVERIES PER YEAR (mean cars)", &ids, rows),
            true,
        ));
    }

    let title = if summary.currency.is_empty() {
        "SPEND PER YEAR (mean)".to_string()
    } else {
        format!("SPEND PER YEAR (mean {})", summary.currency)
    };
    let rows = year_rows(scenarios, |s| &s.spend_by_year, money);
    sections.push((Section::new(&title, &ids, rows), true));

    let first = &scenarios[0];
    let mut critical: Vec<(usize, &TaskSummary)> = first
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.criticality > 0.0)
        .collect();
    // Most critical first; ties in model order (the sort is stable).
    critical.sort_by(|a, b| b.1.criticality.total_cmp(&a.1.criticality));
    critical.truncate(TOP_TASKS);
    if !critical.is_empty() {
        let rows = critical
            .iter()
            .map(|&(i, t)| {
                let label = match model.tasks.get(i) {
                    Some(m) if m.id == t.id && !m.name.is_empty() => m.name.clone(),
                    _ if !t.name.is_empty() => t.name.clone(),
                    _ => t.id.clone(),
                };
                let p50 = t
                    .p50_days
                    .and_then(|d| model.program.start.add_days(d))
                    .map_or_else(dash, |d| d.to_string());
                (
                    label,
                    vec![percent(t.criticality), p50, percent(t.probability)],
                )
            })
            .collect();
        let title = format!("MOST CRITICAL TASKS ({})", first.id);
        sections.push((
            Section::new(&title, &["critical", "P50 finish", "P(finish)"], rows),
            false,
        ));
    }
    let event = if model.plants.is_empty() {
        "finish"
    } else {
        "first delivery"
    };
    sections.extend(crate::terminal_extra::sensitivity_section(
        summary, model, event,
    ));
    sections.extend(crate::terminal_extra::correlation_section(summary));
    sections.extend(crate::terminal_extra::driver_sections(
        summary, model, width, event,
    ));
    sections.extend(crate::terminal_extra::comparison_sections(
        summary, model, event,
    ));
    render_sections(&mut out, width, &sections);

    let rows = scenarios
        .iter()
        .map(|s| (s.id.clone(), vec![s.name.clone()]))
        .collect();
    key_table(&mut out, width, "SCENARIOS", rows);
    out
}

pub(crate) fn dash() -> String {
    "-".to_string()
}

type Years = Vec<crate::YearSummary>;

/// One row per year present in any scenario (first scenario's order), cells the year's mean.
fn year_rows(
    scenarios: &[ScenarioSummary],
    column: impl Fn(&ScenarioSummary) -> &Years,
    format: impl Fn(f64) -> String,
) -> Vec<(String, Vec<String>)> {
    let mut years: Vec<i32> = Vec::new();
    for s in scenarios {
        for y in column(s) {
            if !years.contains(&y.year) {
                years.push(y.year);
            }
        }
    }
    years
        .iter()
        .map(|&year| {
            let cells = scenarios
                .iter()
                .map(|s| {
                    column(s)
                        .iter()
                        .find(|y| y.year == year)
                        .and_then(|y| y.mean)
                        .map_or_else(dash, &format)
                })
                .collect();
            (year.to_string(), cells)
        })
        .collect()
}

/// A share as a percentage with one decimal; never rounds a possibility to 0% or 100%.
pub(crate) fn percent(p: f64) -> String {
    if p > 0.0 && p < 0.0005 {
        "<0.1%".to_string()
    } else if p < 1.0 && p > 0.9995 {
        ">99.9%".to_string()
    } else {
        format!("{:.1}%", p * 100.0)
    }
}

/// `1234567.8` → `1,234,568`.
pub(crate) fn group_thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// Money with three significant digits and a `k`, `M` or `bn` suffix: `9.12bn`, `450M`.
fn money(x: f64) -> String {
    let a = x.abs();
    let (scaled, suffix) = if a >= 999.5e6 {
        (x / 1e9, "bn")
    } else if a >= 999.5e3 {
        (x / 1e6, "M")
    } else if a >= 999.5 {
        (x / 1e3, "k")
    } else {
        return format!("{x:.0}");
    };
    let s = scaled.abs();
    let text = if s >= 99.95 {
        format!("{scaled:.0}")
    } else if s >= 9.995 {
        format!("{scaled:.1}")
    } else {
        format!("{scaled:.2}")
    };
    format!("{text}{suffix}")
}

pub(crate) fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `max` characters, ending in `...` when cut.
fn fit(s: &str, max: usize) -> String {
    if chars(s) <= max {
        s.to_string()
    } else if max <= 3 {
        s.chars().take(max).collect()
    } else {
        let mut t: String = s.chars().take(max - 3).collect();
        t.push_str("...");
        t
    }
}

/// `s` cut to `max` characters by replacing its middle with `...`, so that ids sharing a
/// prefix stay apart.
pub(crate) fn fit_middle(s: &str, max: usize) -> String {
    let n = chars(s);
    if n <= max || max <= 3 {
        return fit(s, max);
    }
    let tail = (max - 3) / 2;
    let head = max - 3 - tail;
    let mut t: String = s.chars().take(head).collect();
    t.push_str("...");
    t.extend(s.chars().skip(n - tail));
    t
}

/// A titled table: the title heads the label column, `columns` head right-aligned cells.
pub(crate) struct Section {
    title: String,
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
    /// Lines printed under the rows, indented by two and cut to the width.
    notes: Vec<String>,
}

impl Section {
    pub(crate) fn new(title: &str, columns: &[&str], rows: Vec<(String, Vec<String>)>) -> Section {
        let columns = columns.iter().map(|c| c.to_string()).collect();
        Section {
            title: title.to_string(),
            columns,
            rows,
            notes: Vec::new(),
        }
    }

    pub(crate) fn with_notes(mut self, notes: Vec<String>) -> Section {
        self.notes = notes;
        self
    }

    /// Widest cell of each column, and with `headings` also its heading (up to `MAX_COLUMN`).
    fn widths(&self, headings: bool) -> Vec<usize> {
        (0..self.columns.len())
            .map(|j| {
                let heading = if headings {
                    chars(&self.columns[j]).min(MAX_COLUMN)
                } else {
                    1
                };
                self.rows
                    .iter()
                    .filter_map(|(_, cells)| cells.get(j).map(|c| chars(c)))
                    .chain([heading])
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// Width the label column would like: the title, or a row label indented by two.
    fn label_width(&self) -> usize {
        self.rows
            .iter()
            .map(|(l, _)| chars(l) + 2)
            .chain([chars(&self.title)])
            .max()
            .unwrap_or(0)
    }
}

/// Renders `sections` in order. Those marked shared (one column per scenario) use one layout,
/// so their columns line up; the others get their own columns. Labels are cut to fit
/// `width`, and so are the shared headings when the columns would not fit otherwise.
fn render_sections(out: &mut String, width: usize, sections: &[(Section, bool)]) {
    let cells = |w: &[usize]| -> usize { w.iter().map(|w| w + 2).sum() };
    let shared_sections = || {
        sections
            .iter()
            .filter(|(_, shared)| *shared)
            .map(|(s, _)| s)
    };
    let shared = |headings: bool| {
        let mut widths: Vec<usize> = Vec::new();
        for s in shared_sections() {
            for (j, w) in s.widths(headings).into_iter().enumerate() {
                match widths.get_mut(j) {
                    Some(old) => *old = (*old).max(w),
                    None => widths.push(w),
                }
            }
        }
        widths
    };
    let mut widths = shared(true);
    if cells(&widths) + MIN_LABEL > width && !widths.is_empty() {
        // Share what is left beside the labels; headings get cut to it, cells never.
        let budget = (width.saturating_sub(MIN_LABEL) / widths.len()).saturating_sub(2);
        widths = shared(false)
            .into_iter()
            .zip(widths)
            .map(|(cell, full)| cell.max(full.min(budget)))
            .collect();
    }
    let room = width.saturating_sub(cells(&widths)).max(MIN_LABEL);
    let longest = shared_sections()
        .map(Section::label_width)
        .max()
        .unwrap_or(0);
    let label_width = longest.min(room);
    for (s, is_shared) in sections {
        if *is_shared {
            table(out, width, label_width, &widths, s);
        } else {
            // Its own columns; the shared label width unless its labels need more, within the
            // room its columns leave.
            let widths = s.widths(true);
            let room = width.saturating_sub(cells(&widths)).max(MIN_LABEL);
            table(
                out,
                width,
                label_width.max(s.label_width()).min(room),
                &widths,
                s,
            );
        }
    }
}

/// One section, a blank line before it; rows indented by two spaces.
fn table(out: &mut String, width: usize, label_width: usize, widths: &[usize], section: &Section) {
    out.push('\n');
    let mut line = fit(&section.title, label_width);
    pad_to(&mut line, label_width);
    for (c, &w) in section.columns.iter().zip(widths) {
        let c = fit_middle(c, w);
        let _ = write!(line, "  {c:>w$}");
    }
    out.push_str(line.trim_end());
    out.push('\n');
    for (label, cells) in &section.rows {
        let mut line = format!("  {}", fit(label, label_width.saturating_sub(2)));
        pad_to(&mut line, label_width);
        for (j, w) in widths.iter().enumerate() {
            let c = cells.get(j).map_or("", String::as_str);
            let _ = write!(line, "  {c:>w$}");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    for note in &section.notes {
        for (i, line) in wrap(note, width.saturating_sub(4).max(MIN_LABEL))
            .iter()
            .enumerate()
        {
            let indent = if i == 0 { "  " } else { "    " };
            let _ = writeln!(out, "{indent}{line}");
        }
    }
}

/// `text` broken at spaces into lines of at most `max` characters (a longer word is cut).
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && chars(&line) + 1 + chars(word) > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&fit(word, max));
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A section of `key  text` lines, text cut to the width.
fn key_table(out: &mut String, width: usize, title: &str, rows: Vec<(String, Vec<String>)>) {
    let key_width = rows.iter().map(|(k, _)| chars(k)).max().unwrap_or(0);
    let _ = write!(out, "\n{title}\n");
    for (k, texts) in rows {
        let text = texts.join(" ");
        let room = width.saturating_sub(key_width + 4).max(MIN_LABEL);
        let mut line = format!("  {k}");
        pad_to(&mut line, key_width + 2);
        let _ = writeln!(line, "  {}", fit(&text, room));
        out.push_str(&line);
    }
}

fn pad_to(s: &mut String, width: usize) {
    let n = chars(s);
    if n < width {
        s.extend(std::iter::repeat_n(' ', width - n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        assert_eq!(group_thousands(0.0), "0");
        assert_eq!(group_thousands(999.4), "999");
        assert_eq!(group_thousands(1234567.8), "1,234,568");
        assert_eq!(group_thousands(-41000.4), "-41,000");
        assert_eq!(money(0.0), "0");
        assert_eq!(money(950.0), "950");
        assert_eq!(money(999.6), "1.00k");
        assert_eq!(money(12_345.0), "12.3k");
        assert_eq!(money(450e6), "450M");
        assert_eq!(money(9.123e9), "9.12bn");
        assert_eq!(money(72e9), "72.0bn");
        assert_eq!(money(1.5e12), "1500bn");
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(0.8123), "81.2%");
        assert_eq!(percent(0.0001), "<0.1%");
        assert_eq!(percent(0.9999), ">99.9%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(fit("abcdefgh", 6), "abc...");
        assert_eq!(fit("abc", 6), "abc");
        assert_eq!(fit_middle("alternative_route_0", 11), "alte...te_0");
        assert_eq!(fit_middle("alternative_route_0", 12), "alter...te_0");
        assert_eq!(fit_middle("short", 11), "short");
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("aaaaaaa b", 5), ["aa...", "b"]);
        assert!(wrap("", 5).is_empty());
    }
}
