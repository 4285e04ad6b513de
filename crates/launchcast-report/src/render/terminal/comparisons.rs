//! COMPARISONS: every pair of scenarios on the same draws, and the scenarios keeping each
//! promise most often.

use launchcast_model::Model;

use super::drivers::signed_days;
use super::table::{Row, Section, chars, clean};
use crate::Summary;
use crate::format::percent;

/// Widest list of tied scenario ids shown in a cell; a longer one goes to a note.
const MAX_TIE_CELL: usize = 30;

/// COMPARISONS of every pair of scenarios, and the scenarios keeping each promise most often
/// (all of them on a tie).
pub(crate) fn comparison_sections(
    summary: &Summary,
    model: &Model,
    event: &str,
) -> Vec<(Section, bool)> {
    let mut out = Vec::new();
    let c = &summary.comparisons;
    if !c.pairs.is_empty() {
        let rows = c
            .pairs
            .iter()
            .map(|p| {
                // The shares are rounded to 4 decimals; so is what is left of them.
                let b_earlier = ((1.0 - p.p_a_earlier - p.p_tie) * 1e4).round().max(0.0) / 1e4;
                Row::new(
                    &format!("{} vs {}", p.a, p.b),
                    vec![
                        percent(p.p_a_earlier),
                        percent(p.p_tie),
                        percent(b_earlier),
                        signed_days(p.median_diff_days),
                        signed_days(p.p10_diff_days),
                        signed_days(p.p90_diff_days),
                    ],
                )
            })
            .collect();
        out.push((
            Section::new(
                "COMPARISONS (A vs B)",
                &["A earlier", "same", "B earlier", "median A-B", "P10", "P90"],
                rows,
            )
            .with_notes(vec![
                format!(
                    "share of iterations in which A's {event} is earlier, the same (or neither \
                     by the horizon), or later"
                ),
                "A-B: days between them, over the iterations in which both happen".to_string(),
            ]),
            false,
        ));
    }
    if summary.scenarios.len() > 1 && !c.best_by_promise.is_empty() {
        let mut notes = Vec::new();
        let (mut ties, mut nobody) = (false, false);
        let rows = c
            .best_by_promise
            .iter()
            .map(|b| {
                let name = model
                    .promises
                    .iter()
                    .find(|p| p.id == b.promise)
                    .map_or("", |p| p.name.as_str());
                let tied: Vec<&str> = if b.scenarios.is_empty() {
                    vec![b.scenario.as_str()]
                } else {
                    b.scenarios.iter().map(String::as_str).collect()
                };
                let list = clean(&tied.join(", "));
                ties |= tied.len() > 1 && b.probability > 0.0;
                let who = if b.probability == 0.0 {
                    nobody = true;
                    "none".to_string()
                } else if tied.len() == 1 || chars(&list) <= MAX_TIE_CELL {
                    list
                } else {
                    let label = if name.trim().is_empty() {
                        &b.promise
                    } else {
                        name
                    };
                    notes.push(format!("{}: {list}", clean(label)));
                    format!("{} tie", tied.len())
                };
                Row::named(name, &b.promise, vec![who, percent(b.probability)])
            })
            .collect();
        if nobody {
            notes.insert(0, "none: no scenario keeps it in any iteration".to_string());
        }
        if ties {
            notes.insert(
                0,
                "several scenarios named: a tie, each keeps the promise in the same number of \
                 iterations"
                    .to_string(),
            );
        }
        out.push((
            Section::new(
                "KEEPS THE PROMISE MOST OFTEN",
                &["scenario", "P(kept)"],
                rows,
            )
            .with_notes(notes),
            false,
        ));
    }
    out
}
