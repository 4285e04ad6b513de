//! The terminal tables: the snapshot, fitting the width, rows that never look alike and
//! year rows left out.

use launchcast_report::render_terminal;

use crate::fixtures::*;
use crate::html_figures::between;

#[test]
fn terminal_summary() {
    let text = render_terminal(&hand_summary(), &model(), 100);
    assert!(text.is_ascii());
    assert!(text.lines().all(|l| l.len() <= 100), "{text}");
    // Promises come first, then the headline.
    let promises = text.find("PROMISES").expect("promises");
    assert!(promises < text.find("FIRST DELIVERY").expect("first delivery"));
    insta::assert_snapshot!("terminal", text);
}

#[test]
fn terminal_summary_fits_100_columns_with_many_scenarios_and_long_names() {
    let mut m = model();
    m.tasks[1].name = "Build the plant, which is a very long description of a task ".repeat(3);
    m.promises[0].name = "A promise with a name that goes on and on ".repeat(4);
    let mut s = hand_summary();
    s.model = "A programme whose name alone is wider than the terminal ".repeat(3);
    let base = s.scenarios[0].clone();
    for i in 0..4 {
        let mut extra = base.clone();
        extra.id = format!("alternative_route_number_{i}");
        s.scenarios.push(extra);
    }
    let text = render_terminal(&s, &m, 100);
    for line in text.lines() {
        assert!(line.len() <= 100, "{} columns: {line}", line.len());
    }
    assert!(text.starts_with("A programme whose name"), "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("...: 10,000 iterations, seed 7")
    );
    // Cut ids and labels end in "...", and every scenario still has its column.
    assert!(text.contains("go_alone") && text.contains("...er_3"));
    assert!(text.contains("Build the plant, which is"));
    let promise_row = text
        .lines()
        .find(|l| l.starts_with("  A promise"))
        .expect("row");
    assert!(
        promise_row.contains("...") && promise_row.matches('%').count() == 6,
        "{promise_row}"
    );
}

/// A chain of five tasks: two named alike, one without a name, two whose long names differ
/// only past the width of a table.
pub(crate) const REPEATED_NAMES: &str = r#"
[program]
name = "Names that repeat"
start = 2024-01-01
horizon = 2027-12-31

[[task]]
id = "build_a"
name = "Build"
duration = "tri(10d, 20d, 40d)"

[[task]]
id = "build_b"
name = "Build"
duration = "tri(10d, 20d, 40d)"
after = ["build_a"]

[[task]]
id = "unnamed"
duration = "tri(10d, 20d, 40d)"
after = ["build_b"]

[[task]]
id = "north_one"
name = "Negotiate a stake in the plant of the partner in the north of the country, phase one"
duration = "tri(10d, 20d, 40d)"
after = ["unnamed"]

[[task]]
id = "north_two"
name = "Negotiate a stake in the plant of the partner in the north of the country, phase two"
duration = "tri(10d, 20d, 40d)"
after = ["north_one"]
"#;

/// The row labels of the terminal section titled `title` (up to its first note or blank).
pub(crate) fn section_labels(text: &str, title: &str) -> Vec<String> {
    let start = text.find(&format!("\n{title}")).expect(title) + 1;
    text[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  ") && l.contains("  +") | l.contains('%'))
        .map(|l| l.trim_start()[..l.trim_start().find("  ").unwrap_or(0)].to_string())
        .collect()
}

#[test]
fn rows_never_look_alike_ids_show_where_names_repeat_or_are_missing() {
    let model = parse(REPEATED_NAMES);
    let (summary, outcomes) = full_run(&model, 3000, 2);
    for width in [100, 80, 60] {
        let text = render_terminal(&summary, &model, width);
        for title in [
            "MOST CRITICAL TASKS (base)",
            "SENSITIVITY (base)",
            "DRIVERS (base)",
        ] {
            let labels = section_labels(&text, title);
            assert_eq!(labels.len(), 5, "{title} at {width}:\n{text}");
            let mut unique = labels.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), 5, "{title} at {width}: {labels:?}\n{text}");
            assert!(
                labels.contains(&"Build (build_a)".to_string()),
                "{labels:?}"
            );
            assert!(
                labels.contains(&"Build (build_b)".to_string()),
                "{labels:?}"
            );
            assert!(labels.contains(&"unnamed".to_string()), "{labels:?}");
        }
    }
    let html = launchcast_report::render_html(&model, &summary, &outcomes);
    for chart in ["chart-criticality", "chart-sensitivity", "chart-tornado"] {
        let c = &html[html.find(&format!(r#"id="{chart}""#)).expect(chart)..];
        let c = &c[..c.find("</figure>").expect("end")];
        let mut labels = between(c, r#"text-anchor="end" class="lab">"#, "</text>");
        assert_eq!(labels.len(), 5, "{chart}: {labels:?}");
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), 5, "{chart}: {labels:?}");
        assert!(
            labels.iter().any(|l| l.starts_with("Build (build_a)")),
            "{labels:?}"
        );
    }
}

#[test]
fn year_rows_zero_in_every_scenario_are_left_out_with_a_note() {
    let mut s = hand_summary();
    for sc in &mut s.scenarios {
        for y in 2024..=2030 {
            sc.spend_by_year.push(year(y, 0.0));
            sc.deliveries_by_year.push(year(
                y,
                if y == 2026 && sc.id == "base" {
                    5.0
                } else {
                    0.0
                },
            ));
        }
        // Zero in one scenario only: kept.
    }
    s.scenarios[0].spend_by_year[0] = year(2022, 0.0);
    let text = render_terminal(&s, &model(), 100);
    let spend = &text[text.find("SPEND PER YEAR").expect("spend")..];
    let spend = &spend[..spend.find("\n\n").expect("end")];
    // 2022 is zero in base but not in go_alone: kept; 2024 to 2030 are zero everywhere.
    assert!(spend.contains("\n  2022 "), "{spend}");
    assert!(!spend.contains("\n  2024 "), "{spend}");
    assert!(
        spend.ends_with("\n  2024-2030: nothing spent in any scenario (rows left out)"),
        "{spend}"
    );
    let cars = &text[text.find("DELIVERIES PER YEAR").expect("deliveries")..];
    let cars = &cars[..cars.find("\n\n").expect("end")];
    assert!(cars.contains("\n  2026 "), "{cars}");
    assert!(
        cars.ends_with(
            "\n  2024-2025, 2027-2030: no car delivered in any scenario (rows left out)"
        ),
        "{cars}"
    );
}
