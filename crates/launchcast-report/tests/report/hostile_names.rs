//! Names with terminal escapes, newlines, markup and spreadsheet formulas are harmless in
//! every renderer.

use std::fs;

use launchcast_report::{render_terminal, write_csv};

use crate::csv_records::{formula, parse_csv};
use crate::fixtures::*;
use crate::html_markup::well_formed;

/// Names with terminal escapes, newlines, tabs, markup and spreadsheet formulas, in every
/// kind of item.
pub(crate) const HOSTILE: &str = include_str!("../fixtures/hostile-names.toml");

/// Whether `c` may reach a terminal or a page raw: printable text, newlines between lines.
pub(crate) fn harmless(c: char) -> bool {
    c == '\n' || !(c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

#[test]
fn hostile_names_are_harmless_in_every_renderer() {
    let model = parse(HOSTILE);
    let (summary, outcomes) = full_run(&model, 2000, 1);

    // Terminal: escaped, one line per row, every line within the width.
    let text = render_terminal(&summary, &model, 100);
    assert!(text.chars().all(harmless), "{text:?}");
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(text.starts_with("Evil \\u{1b}]0;owned\\u{7} program\\r\\nsecond \\u{9b}2J line: "));
    // The two tasks of the same name are told apart by their ids, each on one line with
    // its three cells.
    for id in ["build", "sop"] {
        let row = format!("  Build\\u{{1b}}[2J\\tthe\\nplant ({id})");
        let line = text
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("{row} in:\n{text}"));
        assert_eq!(line.matches('%').count(), 2, "{line}");
    }
    assert!(text.contains("\\u{7}Bell <b>bold</b> & \"quotes\" \\u{202e}"));

    // HTML: escaped, well formed, nothing to run.
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    assert!(well_formed(&html).is_ok(), "{:?}", well_formed(&html));
    assert!(
        html.chars().all(|c| harmless(c) || c == '\t'),
        "control character in the page"
    );
    for raw in ["<script", "<b>bold", "\"quotes\""] {
        assert!(!html.contains(raw), "{raw} unescaped");
    }
    assert!(html.contains("-2+3 &lt;script&gt;alert(1)&lt;/script&gt;"));

    // CSV: formulas neutralised in text cells, numbers untouched.
    let dir = tempfile::tempdir().expect("tempdir");
    write_csv(&summary, dir.path()).expect("csv");
    let read = |name: &str| fs::read_to_string(dir.path().join(name)).expect(name);
    assert!(read("run.csv").ends_with(",2000,1,2024-01-01,2027-12-31,'=CNY\u{1b}[5m\n"));
    assert!(read("scenarios.csv").contains("\nsure,\"'+sure \u{202e}esrever\r\"\n"));
    assert!(read("tasks.csv").contains(",licence,\"'=HYPERLINK(\"\"http://evil.example\"\")\","));
    assert!(
        read("drivers.csv").contains(",risk,strike,'-2+3 <script>alert(1)</script>\u{8}\u{8},")
    );
    for name in launchcast_report::CSV_FILES {
        for record in parse_csv(&read(name)) {
            for cell in record {
                if let Some(rest) = cell.strip_prefix('\'') {
                    assert!(formula(rest), "{name}: {cell:?}");
                } else if formula(&cell) {
                    assert!(
                        cell.parse::<f64>().is_ok(),
                        "{name}: formula {cell:?} written as-is"
                    );
                }
            }
        }
    }
}
