//! The terminal sections on what drives the date: SENSITIVITY, CORRELATIONS and DRIVERS
//! (laid out by [`super::table`]).

use launchcast_model::Model;

use super::table::{Row, Section, chars, clean, fit_middle};
use super::{MAX_COLUMN, dash};
use crate::analysis::drivers::item_name;
use crate::format::{count, percent};
use crate::{Driver, DriverKind, Summary};

/// Rows of the sensitivity table and of each drivers table.
const TOP_ROWS: usize = 10;
/// The drivers table keeps at least this much room for the labels before it drops promise
/// columns.
const DRIVER_LABEL: usize = 30;

/// Days with a sign: `+60.0`, `-3.2`, `0.0`; `-` when unknown.
pub(super) fn signed_days(d: Option<f64>) -> String {
    match d {
        Some(0.0) => "0.0".to_string(),
        Some(d) => format!("{d:+.1}"),
        None => dash(),
    }
}

/// A change in probability in percentage points: `-19.8pp`, `0.0pp`.
fn points(p: f64) -> String {
    let pp = p * 100.0;
    if pp == 0.0 {
        "0.0pp".to_string()
    } else if pp.abs() < 0.05 {
        if pp > 0.0 { "+<0.1pp" } else { "-<0.1pp" }.to_string()
    } else {
        format!("{pp:+.1}pp")
    }
}

fn rho(r: Option<f64>) -> String {
    r.map_or_else(dash, |r| format!("{r:+.2}"))
}

/// Whether a driver changes nothing measured: no days at P50 or P80, no promise.
fn no_effect(d: &Driver) -> bool {
    d.p50_days == Some(0.0) && d.p80_days == Some(0.0) && d.promises.0.iter().all(|p| p.1 == 0.0)
}

/// SENSITIVITY of the first scenario: rank correlation beside criticality, largest |ρ|
/// first. Left out when no rank correlation could be computed.
pub(crate) fn sensitivity_section(
    summary: &Summary,
    model: &Model,
    event: &str,
) -> Option<(Section, bool)> {
    let first = summary.scenarios.first()?;
    if first.sensitivity.iter().all(|s| s.spearman.is_none()) {
        return None;
    }
    let rows = first
        .sensitivity
        .iter()
        .take(TOP_ROWS)
        .map(|s| {
            Row::named(
                item_name(model, Some(DriverKind::Task), &s.id).unwrap_or(""),
                &s.id,
                vec![rho(s.spearman), percent(s.criticality)],
            )
        })
        .collect();
    let section = Section::new(
        &format!("SENSITIVITY ({})", first.id),
        &["rank corr.", "critical"],
        rows,
    )
    .with_notes(vec![
        format!(
            "rank corr.: rank correlation (Spearman) of the task's duration with the {event}, \
             over a subsample of up to {}",
            count(launchcast_engine::MAX_ROWS as u64, "iteration")
        ),
        "critical: share of iterations in which the task is on the driving chain".to_string(),
    ]);
    Some((section, false))
}

/// CORRELATIONS of the first scenario: each `[[correlate]]` pair, asked and achieved.
pub(crate) fn correlation_section(summary: &Summary) -> Option<(Section, bool)> {
    let first = summary.scenarios.first()?;
    if first.correlations.is_empty() {
        return None;
    }
    let rows = first
        .correlations
        .iter()
        .map(|c| {
            Row::new(
                &format!("{} ~ {}", c.a, c.b),
                vec![format!("{:+.2}", c.target), rho(c.achieved)],
            )
        })
        .collect();
    let section = Section::new(
        &format!("CORRELATIONS ({})", first.id),
        &["asked", "achieved"],
        rows,
    )
    .with_notes(vec![
        "rank correlations (Spearman) of the two durations, achieved over the same subsample"
            .to_string(),
    ]);
    Some((section, false))
}

/// DRIVERS of the first scenario in detail (days added to its P50 and P80, change in each
/// promise that fits), then, with several scenarios, the P80 effect of the leading drivers in
/// every scenario side by side. Drivers with no effect at all are left out (a note counts
/// them).
pub(crate) fn driver_sections(
    summary: &Summary,
    model: &Model,
    width: usize,
    event: &str,
) -> Vec<(Section, bool)> {
    let mut out = Vec::new();
    let Some(first) = summary.scenarios.first() else {
        return out;
    };
    if summary.scenarios.iter().all(|s| s.drivers.is_empty()) {
        return out;
    }
    let effective: Vec<&Driver> = first.drivers.iter().filter(|d| !no_effect(d)).collect();
    let idle = first.drivers.len() - effective.len();
    let top: Vec<&Driver> = effective.iter().take(TOP_ROWS).copied().collect();
    if !first.drivers.is_empty() {
        let days: Vec<[String; 3]> = top
            .iter()
            .map(|d| {
                [
                    d.kind.as_str().to_string(),
                    signed_days(d.p50_days),
                    signed_days(d.p80_days),
                ]
            })
            .collect();
        let fixed_headings = ["kind", "P50 days", "P80 days"];
        let mut used: usize = (0..3)
            .map(|j| {
                days.iter()
                    .map(|r| chars(&r[j]))
                    .chain([chars(fixed_headings[j])])
                    .max()
                    .unwrap_or(0)
                    + 2
            })
            .sum();
        // Promise columns while they fit beside labels of DRIVER_LABEL characters.
        let mut promises: Vec<(&str, Vec<String>)> = Vec::new();
        for p in &model.promises {
            let cells: Vec<String> = top
                .iter()
                .map(|d| d.promises.get(&p.id).map_or_else(dash, points))
                .collect();
            let w = cells
                .iter()
                .map(|c| chars(c))
                .chain([chars(&clean(&p.id)).min(MAX_COLUMN)])
                .max()
                .unwrap_or(0)
                + 2;
            if used + w + DRIVER_LABEL > width {
                break;
            }
            used += w;
            promises.push((&p.id, cells));
        }
        let mut headings: Vec<String> = fixed_headings.iter().map(|h| h.to_string()).collect();
        headings.extend(
            promises
                .iter()
                .map(|(id, _)| fit_middle(&clean(id), MAX_COLUMN)),
        );
        let rows = top
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let mut cells = days[i].to_vec();
                cells.extend(promises.iter().map(|(_, c)| c[i].clone()));
                Row::named(
                    item_name(model, Some(d.kind), &d.id).unwrap_or(""),
                    &d.id,
                    cells,
                )
            })
            .collect();
        let mut notes = vec![format!(
            "days: P50 / P80 of the {event} with the item minus without it (risk chance 0, \
             task at its most likely duration)"
        )];
        if !promises.is_empty() {
            notes.push(
                "promise columns: change in the probability of keeping it, percentage points"
                    .to_string(),
            );
        }
        if idle > 0 {
            notes.push(format!(
                "{} with no effect on the {event} or any promise left out",
                count(idle as u64, "driver")
            ));
        }
        let hidden = model.promises.len() - promises.len();
        let more = effective.len() - top.len();
        if hidden > 0 || more > 0 {
            let mut what = Vec::new();
            let plural =
                |n: usize, what: &str| format!("{n} more {what}{}", if n == 1 { "" } else { "s" });
            if more > 0 {
                what.push(plural(more, "driver"));
            }
            if hidden > 0 {
                what.push(plural(hidden, "promise"));
            }
            notes.push(format!(
                "{} in the JSON and CSV results (--json, --csv)",
                what.join(" and ")
            ));
        }
        let headings: Vec<&str> = headings.iter().map(String::as_str).collect();
        out.push((
            Section::new(&format!("DRIVERS ({})", first.id), &headings, rows).with_notes(notes),
            false,
        ));
    }

    if summary.scenarios.len() > 1 {
        // The leading drivers over all scenarios, by their largest P80 effect anywhere;
        // those that move no scenario's P80 are left out.
        let mut leading: Vec<(DriverKind, &str, f64)> = Vec::new();
        for s in &summary.scenarios {
            for d in &s.drivers {
                let effect = d.p80_days.unwrap_or(f64::NEG_INFINITY);
                match leading
                    .iter_mut()
                    .find(|(k, id, _)| *k == d.kind && *id == d.id)
                {
                    Some(entry) => entry.2 = entry.2.max(effect),
                    None => leading.push((d.kind, &d.id, effect)),
                }
            }
        }
        let moves = |&(kind, id, _): &(DriverKind, &str, f64)| {
            summary.scenarios.iter().any(|s| {
                s.drivers
                    .iter()
                    .any(|d| d.kind == kind && d.id == id && d.p80_days.is_some_and(|v| v != 0.0))
            })
        };
        let all = leading.len();
        leading.retain(moves);
        let idle = all - leading.len();
        leading.sort_by(|a, b| b.2.total_cmp(&a.2));
        let shown = leading.len().min(TOP_ROWS);
        let rows = leading[..shown]
            .iter()
            .map(|&(kind, id, _)| {
                let cells = summary
                    .scenarios
                    .iter()
                    .map(|s| {
                        s.drivers
                            .iter()
                            .find(|d| d.kind == kind && d.id == id)
                            .map_or_else(dash, |d| signed_days(d.p80_days))
                    })
                    .collect();
                Row::named(item_name(model, Some(kind), id).unwrap_or(""), id, cells)
            })
            .collect();
        let ids: Vec<&str> = summary.scenarios.iter().map(|s| s.id.as_str()).collect();
        let mut notes = vec![format!(
            "days each adds to the P80 {event} of each scenario; -: not uncertain there \
             (disabled, fixed or cannot occur)"
        )];
        if leading.len() > shown {
            notes.push(format!(
                "the {shown} largest of {}, by their largest effect in any scenario",
                leading.len()
            ));
        }
        if idle > 0 {
            notes.push(format!(
                "{} adding no days in any scenario left out",
                count(idle as u64, "driver")
            ));
        }
        out.push((
            Section::new("DRIVERS: P80 DAYS ADDED", &ids, rows).with_notes(notes),
            true,
        ));
    }
    out
}
