//! The terminal summary: plain ASCII, aligned columns (one per scenario), no colour.
//!
//! Every piece of text from the model (names, ids, the currency) goes through [`clean`], so
//! that a control character in a name is shown escaped instead of acting on the terminal,
//! and a newline or tab in a name cannot break a row; columns are measured in terminal
//! cells of the escaped text.

use std::fmt::Write as _;

use launchcast_model::{Dist, Model};

use crate::format::{count, group_thousands, money, percent};
use crate::{ScenarioSummary, Summary, TaskSummary};

mod comparisons;
mod drivers;
mod table;

use table::{Row, Section, chars, clean, fit, key_table, render_sections};

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
    sections.extend(comparisons::comparison_sections(summary, model, event));
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
}
