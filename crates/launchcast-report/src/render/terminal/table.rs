//! The layout of the terminal tables: text from the model made safe and cut to terminal
//! cells, rows and titled sections, and their columns fitted to the width.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use super::{MAX_COLUMN, MIN_LABEL};

/// Text from the model made safe for one line of a terminal table: control characters
/// escaped as [`launchcast_model::printable`] does, and newlines and tabs too (`\n`, `\t`).
pub(super) fn clean(s: &str) -> String {
    let p = launchcast_model::printable(s);
    if p.contains(['\n', '\t']) {
        p.replace('\n', "\\n").replace('\t', "\\t")
    } else {
        p.into_owned()
    }
}

/// Terminal cells `s` takes (wide characters count two, combining marks none).
pub(super) fn chars(s: &str) -> usize {
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
pub(super) fn fit(s: &str, max: usize) -> String {
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
pub(super) fn fit_middle(s: &str, max: usize) -> String {
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
pub(super) struct Row {
    label: String,
    /// The id of the named item, when the label is its name.
    id: Option<String>,
    /// Show the id after the label, as ` (id)`: another row has the same label.
    tail: bool,
    cells: Vec<String>,
}

impl Row {
    pub(super) fn new(label: &str, cells: Vec<String>) -> Row {
        Row {
            label: clean(label),
            id: None,
            tail: false,
            cells: cells.iter().map(|c| clean(c)).collect(),
        }
    }

    /// A row for a named item: its name, or its id when it has none.
    pub(super) fn named(name: &str, id: &str, cells: Vec<String>) -> Row {
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
pub(super) struct Section {
    title: String,
    columns: Vec<String>,
    rows: Vec<Row>,
    /// Lines printed under the rows, indented by two and cut to the width.
    notes: Vec<String>,
}

impl Section {
    pub(super) fn new(title: &str, columns: &[&str], mut rows: Vec<Row>) -> Section {
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

    pub(super) fn with_notes(mut self, notes: Vec<String>) -> Section {
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
pub(super) fn render_sections(out: &mut String, width: usize, sections: &[(Section, bool)]) {
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
pub(super) fn key_table(out: &mut String, width: usize, title: &str, rows: Vec<(String, String)>) {
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
