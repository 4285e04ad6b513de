//! The terminal summary: plain ASCII, aligned columns (one per scenario), no colour.
//!
//! Every piece of text from the model (names, ids, the currency) goes through [`clean`], so
//! that a control character in a name is shown escaped instead of acting on the terminal,
//! and a newline or tab in a name cannot break a row; columns are measured in terminal
//! cells of the escaped text.

use std::fmt::Write as _;

use launchcast_model::{Dist, Model};
use unicode_width::UnicodeWidthStr;

use crate::format::{count, group_thousands, money, percent};
use crate::{ScenarioSummary, Summary, TaskSummary};

mod drivers;

/// Tasks listed under "MOST CRITICAL TASKS".
const TOP_TASKS: usize = 8;
/// Widest a scenario column gets; longer ids are cut.
pub(crate) const MAX_COLUMN: usize = 14;
/// Narrowest the label column gets, whatever `width` says.
pub(crate) const MIN_LABEL: usize = 20;

/// Renders `summary` for a terminal `width` columns wide (100 reads well): title, promises ×
/// scenarios, first delivery dates, deliveries and spend per year, the most critical tasks
/// of the first scenario, and a key of the scenario ids. `model` supplies names and labels.
/// Sections that do not apply to the model are left out (deliveries without plants, spend
/// without costs, promises without promises), and so are year rows that are zero in every
/// scenario (a note says which).
pub fn render_terminal(summary: &Summary, model: &Model, width: usize) -> String {
    let mut out = String::new();
    // The run's facts whole; the model's name cut to what is left of the width.
    let facts = format!(
        ": {}, seed {}",
        count(summary.iterations, "iteration"),
        summary.seed
    );
    let room = width.saturating_sub(chars(&facts)).max(MIN_LABEL);
    let _ = writeln!(out, "{}{facts}", fit(&clean(&summary.model), room));
    let _ = writeln!(
        out,
        "start {}, horizon {}",
        clean(&summary.start),
        clean(&summary.horizon)
    );
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
                let cells = scenarios
                    .iter()
                    .map(|s| {
                        s.promises
                            .get(i)
                            .map_or_else(dash, |p| percent(p.probability))
                    })
                    .collect();
                Row::named(&p.name, &p.id, cells)
            })
            .collect();
        sections.push((Section::new("PROMISES", &ids, rows), true));
    }

    let plants = !model.plants.is_empty();
    let (headline, event) = if plants {
        ("FIRST DELIVERY", "first delivery")
    } else {
        ("FINISH", "finish")
    };
    let mut rows = vec![Row::new(
        &format!("P(by {})", summary.horizon),
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
        rows.push(Row::new(label, cells));
    }
    let mut section = Section::new(headline, &ids, rows);
    // The dates are over the iterations in which the event happens; say so where that is
    // not every iteration.
    if scenarios.iter().any(|s| s.first_delivery.probability < 1.0) {
        section = section.with_notes(vec![format!(
            "P10-P90: dates over the iterations in which the {event} happens by {}",
            summary.horizon
        )]);
    }
    sections.push((section, true));

    if plants {
        let rows = year_rows(scenarios, |s| &s.deliveries_by_year, group_thousands);
        sections.push((
            year_section(
                "DELIVERIES PER YEAR (mean cars)",
                &ids,
                rows,
                "no car delivered in any scenario",
            ),
            true,
        ));
    }

    let title = if summary.currency.is_empty() {
        "SPEND PER YEAR (mean)".to_string()
    } else {
        format!("SPEND PER YEAR (mean {})", summary.currency)
    };
    let rows = year_rows(scenarios, |s| &s.spend_by_year, money);
    if spends(model) || rows.iter().any(|r| !r.zero) {
        sections.push((
            year_section(&title, &ids, rows, "nothing spent in any scenario"),
            true,
        ));
    }

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
                let name = match model.tasks.get(i) {
                    Some(m) if m.id == t.id => m.name.as_str(),
                    _ => t.name.as_str(),
                };
                let p50 = t
                    .p50_days
                    .and_then(|d| model.program.start.add_days(d))
                    .map_or_else(dash, |d| d.to_string());
                Row::named(
                    name,
                    &t.id,
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
    sections.extend(drivers::sensitivity_section(summary, model, event));
    sections.extend(drivers::correlation_section(summary));
    sections.extend(drivers::driver_sections(summary, model, width, event));
    sections.extend(drivers::comparison_sections(summary, model, event));
    render_sections(&mut out, width, &sections);

    let rows = scenarios
        .iter()
        .map(|s| (clean(&s.id), clean(&s.name)))
        .collect();
    key_table(&mut out, width, "SCENARIOS", rows);
    out
}

/// Whether anything in `model` can cost money: a task cost, the overhead, or a scenario
/// setting either.
fn spends(model: &Model) -> bool {
    model.program.overhead_per_year != Dist::ZERO
        || model.tasks.iter().any(|t| t.cost != Dist::ZERO)
        || model.scenarios.iter().any(|s| {
            s.set
                .iter()
                .any(|set| set.field == "cost" || set.field == "overhead_per_year")
        })
}

pub(crate) fn dash() -> String {
    "-".to_string()
}

type Years = Vec<crate::YearSummary>;

/// One row of a per-year table, and whether it is zero in every scenario.
struct YearRow {
    year: i32,
    cells: Vec<String>,
    zero: bool,
}

/// One row per year present in any scenario (first scenario's order), cells the year's mean.
fn year_rows(
    scenarios: &[ScenarioSummary],
    column: impl Fn(&ScenarioSummary) -> &Years,
    format: impl Fn(f64) -> String,
) -> Vec<YearRow> {
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
            let entries: Vec<Option<&crate::YearSummary>> = scenarios
                .iter()
                .map(|s| column(s).iter().find(|y| y.year == year))
                .collect();
            // Zero: no iteration of any scenario has a value above 0 (the mean and the P90
            // are both 0, or missing).
            let zero = entries.iter().all(|y| {
                y.is_none_or(|y| y.mean.is_none_or(|m| m == 0.0) && y.p90.is_none_or(|p| p == 0.0))
            });
            let cells = entries
                .iter()
                .map(|y| y.and_then(|y| y.mean).map_or_else(dash, &format))
                .collect();
            YearRow { year, cells, zero }
        })
        .collect()
}

/// A per-year table without the rows that are zero in every scenario, with a note naming
/// the years left out (`none` says what zero means there).
fn year_section(title: &str, ids: &[&str], rows: Vec<YearRow>, none: &str) -> Section {
    let left_out: Vec<i32> = rows.iter().filter(|r| r.zero).map(|r| r.year).collect();
    let kept: Vec<Row> = rows
        .into_iter()
        .filter(|r| !r.zero)
        .map(|r| Row::new(&r.year.to_string(), r.cells))
        .collect();
    let note = if left_out.is_empty() {
        None
    } else if kept.is_empty() {
        Some(format!("{none}, in any year to the horizon"))
    } else {
        Some(format!(
            "{}: {none} ({} left out)",
            year_ranges(&left_out),
            if left_out.len() == 1 { "row" } else { "rows" }
        ))
    };
    let section = Section::new(title, ids, kept);
    match note {
        Some(n) => section.with_notes(vec![n]),
        None => section,
    }
}

/// Years as ranges: `2022, 2031-2416`.
fn year_ranges(years: &[i32]) -> String {
    let mut sorted = years.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1] == sorted[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            sorted[i].to_string()
        } else {
            format!("{}-{}", sorted[i], sorted[j])
        });
        i = j + 1;
    }
    parts.join(", ")
}

/// Text from the model made safe for one line of a terminal table: control characters
/// escaped as [`launchcast_model::printable`] does, and newlines and tabs too (`\n`, `\t`).
pub(crate) fn clean(s: &str) -> String {
    let p = launchcast_model::printable(s);
    if p.contains(['\n', '\t']) {
        p.replace('\n', "\\n").replace('\t', "\\t")
    } else {
        p.into_owned()
    }
}

/// Terminal cells `s` takes (wide characters count two, combining marks none).
pub(crate) fn chars(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The longest prefix of `s` at most `max` cells wide.
fn prefix(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max {
            return &s[..i];
        }
        used += w;
    }
    s
}

/// The longest suffix of `s` at most `max` cells wide.
fn suffix(s: &str, max: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices().rev() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max {
            return &s[i + c.len_utf8()..];
        }
        used += w;
    }
    s
}

/// `s` cut to `max` cells, ending in `...` when cut.
fn fit(s: &str, max: usize) -> String {
    if chars(s) <= max {
        s.to_string()
    } else if max <= 3 {
        prefix(s, max).to_string()
    } else {
        format!("{}...", prefix(s, max - 3))
    }
}

/// `s` cut to `max` cells by replacing its middle with `...`, so that ids sharing a
/// prefix stay apart.
pub(crate) fn fit_middle(s: &str, max: usize) -> String {
    if chars(s) <= max || max <= 3 {
        return fit(s, max);
    }
    let tail = (max - 3) / 2;
    let head = max - 3 - tail;
    format!("{}...{}", prefix(s, head), suffix(s, tail))
}

/// `label` followed by `tail` in at most `max` cells: the label is cut first, so that the
/// tail (an id telling two rows apart) stays whole while it fits.
fn fit_with_tail(label: &str, tail: &str, max: usize) -> String {
    let t = chars(tail);
    if chars(label) + t <= max {
        format!("{label}{tail}")
    } else if t + 4 <= max {
        format!("{}{tail}", fit(label, max - t))
    } else {
        fit_middle(&format!("{label}{tail}"), max)
    }
}

/// `s` right-aligned in `width` cells.
fn right(s: &str, width: usize) -> String {
    let n = chars(s);
    let mut out = String::with_capacity(s.len() + width.saturating_sub(n));
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n)));
    out.push_str(s);
    out
}

/// One row of a table: its label (a name), the id behind it if any, and its cells.
pub(crate) struct Row {
    label: String,
    /// The id of the named item, when the label is its name.
    id: Option<String>,
    /// Show the id after the label, as ` (id)`: another row has the same label.
    tail: bool,
    cells: Vec<String>,
}

impl Row {
    pub(crate) fn new(label: &str, cells: Vec<String>) -> Row {
        Row {
            label: clean(label),
            id: None,
            tail: false,
            cells: cells.iter().map(|c| clean(c)).collect(),
        }
    }

    /// A row for a named item: its name, or its id when it has none.
    pub(crate) fn named(name: &str, id: &str, cells: Vec<String>) -> Row {
        let label = if name.trim().is_empty() { id } else { name };
        Row {
            id: (label != id).then(|| clean(id)),
            ..Row::new(label, cells)
        }
    }

    /// The label in at most `max` cells, with the id after it if `tail`.
    fn shown(&self, tail: bool, max: usize) -> String {
        match &self.id {
            Some(id) if tail => fit_with_tail(&self.label, &format!(" ({id})"), max),
            _ => fit(&self.label, max),
        }
    }

    /// Cells the label takes uncut.
    fn label_width(&self) -> usize {
        chars(&self.label)
            + match &self.id {
                Some(id) if self.tail => chars(id) + 3,
                _ => 0,
            }
    }
}

/// A titled table: the title heads the label column, `columns` head right-aligned cells.
pub(crate) struct Section {
    title: String,
    columns: Vec<String>,
    rows: Vec<Row>,
    /// Lines printed under the rows, indented by two and cut to the width.
    notes: Vec<String>,
}

impl Section {
    pub(crate) fn new(title: &str, columns: &[&str], mut rows: Vec<Row>) -> Section {
        // Rows whose names repeat show their ids, so that no two rows look alike.
        let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
        for row in &mut rows {
            row.tail = labels.iter().filter(|l| **l == row.label).count() > 1;
        }
        Section {
            title: clean(title),
            columns: columns.iter().map(|c| clean(c)).collect(),
            rows,
            notes: Vec::new(),
        }
    }

    pub(crate) fn with_notes(mut self, notes: Vec<String>) -> Section {
        self.notes = notes.iter().map(|n| clean(n)).collect();
        self
    }

    /// The row labels as shown in `max` cells. A label that, cut short, looks like another
    /// row's gets its id too.
    fn shown_labels(&self, max: usize) -> Vec<String> {
        let mut shown: Vec<String> = self.rows.iter().map(|r| r.shown(r.tail, max)).collect();
        let repeated: Vec<bool> = shown
            .iter()
            .map(|s| shown.iter().filter(|t| *t == s).count() > 1)
            .collect();
        for ((s, r), repeated) in shown.iter_mut().zip(&self.rows).zip(repeated) {
            if repeated && !r.tail {
                *s = r.shown(true, max);
            }
        }
        shown
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
                    .filter_map(|r| r.cells.get(j).map(|c| chars(c)))
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
            .map(|r| r.label_width() + 2)
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
        let _ = write!(line, "  {}", right(&fit_middle(c, w), w));
    }
    out.push_str(line.trim_end());
    out.push('\n');
    let labels = section.shown_labels(label_width.saturating_sub(2));
    for (row, label) in section.rows.iter().zip(labels) {
        let mut line = format!("  {label}");
        pad_to(&mut line, label_width);
        for (j, &w) in widths.iter().enumerate() {
            let c = row.cells.get(j).map_or("", String::as_str);
            let _ = write!(line, "  {}", right(c, w));
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

/// `text` broken at spaces into lines of at most `max` cells (a longer word is cut).
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

/// A section of `key  text` lines (both already [`clean`]), text cut to the width.
fn key_table(out: &mut String, width: usize, title: &str, rows: Vec<(String, String)>) {
    let key_width = rows.iter().map(|(k, _)| chars(k)).max().unwrap_or(0);
    let _ = write!(out, "\n{title}\n");
    for (k, text) in rows {
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
    fn years_read_as_ranges() {
        assert_eq!(
            year_ranges(&[2031, 2022, 2032, 2033, 2025]),
            "2022, 2025, 2031-2033"
        );
    }

    #[test]
    fn cuts_by_terminal_cells() {
        assert_eq!(fit("abcdefgh", 6), "abc...");
        assert_eq!(fit("abc", 6), "abc");
        assert_eq!(fit_middle("alternative_route_0", 11), "alte...te_0");
        assert_eq!(fit_middle("alternative_route_0", 12), "alter...te_0");
        assert_eq!(fit_middle("short", 11), "short");
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("aaaaaaa b", 5), ["aa...", "b"]);
        assert!(wrap("", 5).is_empty());
        // Wide characters take two cells each.
        assert_eq!(chars("小米汽车"), 8);
        assert_eq!(fit("小米汽车工厂", 9), "小米汽...");
        assert_eq!(right("小米", 6), "  小米");
        assert_eq!(
            fit_with_tail("Build the plant", " (b2)", 14),
            "Build ... (b2)"
        );
        assert_eq!(fit_with_tail("Build", " (b2)", 14), "Build (b2)");
    }

    #[test]
    fn names_are_escaped_onto_one_line() {
        assert_eq!(clean("a\u{1b}]0;owned\u{7}b"), "a\\u{1b}]0;owned\\u{7}b");
        assert_eq!(
            clean("two\nlines\tand\rreturn"),
            "two\\nlines\\tand\\rreturn"
        );
        assert_eq!(clean("plain"), "plain");
    }
}
