//! The HTML report: one self-contained file (inline CSS, inline SVG charts, no script, no
//! font, no external resource) that opens in any browser and prints.
//!
//! Sections: the headline per scenario, the promises table, the first-delivery S-curve (CDF)
//! with the promised dates, its histogram, deliveries per month as P10/P50/P90 fan charts,
//! cumulative spend against the budget, the drivers in days (tornado), criticality and
//! sensitivity bars, the scenario comparison, and the model's assumptions.
//!
//! What does not apply to the model is left out: without plants the report speaks of the
//! finish date (the finish of the last task) and has no deliveries; without costs it has no
//! spend; without promises it has no promises table. Every figure says what it counts:
//! chances count all simulated futures, dates count the futures in which the event happens
//! by the horizon (as the JSON result's `*_days`), and the scenario cards show exactly the
//! table's figures.
//!
//! Every chart is an `<svg>` with a stable `id` ([`CHART_IDS`]), a title, axes with units,
//! a legend and a one-line "how to read this". Each scenario keeps one colour throughout.
//! Results a summary may not carry (drivers, sensitivity, comparisons: empty when they were
//! not computed) are shown as "not computed".

use std::cell::OnceCell;
use std::fmt::Write as _;

use launchcast_engine::{Outcomes, ScenarioOutcomes};
use launchcast_model::{Date, Model};

use crate::DriverKind;
use crate::analysis::drivers::item_name;
use crate::analysis::series::{Fan, spend_fan};
use crate::analysis::summary::{ScenarioSummary, Summary};
use crate::format::percent;
use crate::render::svg::{LegendItem, Swatch, colour, esc};

mod assumptions;
mod bars;
mod cdf;
mod comparisons;
mod criticality;
mod deliveries;
mod histogram;
mod page;
mod references;
mod sensitivity;
mod spend;
#[cfg(test)]
mod tests;
mod tornado;

pub use page::{HTML_CSS, render_html, render_html_main};
// The report's style sheet, shared by the other HTML pages (backtests).
pub(crate) use page::CSS;

/// The `id` of every chart element of the report, in page order (deliveries and spend only
/// where the model has plants and costs).
pub const CHART_IDS: [&str; 7] = [
    "chart-cdf",
    "chart-histogram",
    "chart-deliveries",
    "chart-spend",
    "chart-tornado",
    "chart-criticality",
    "chart-sensitivity",
];

/// Width of every chart's coordinate system, pixels (charts scale to the page).
const W: f64 = 1100.0;
/// Most points per scenario on the S-curve.
const CDF_POINTS: usize = 400;
/// Most bars per scenario in the tornado, tasks in the criticality and sensitivity charts.
const TOP_DRIVERS: usize = 8;
const TOP_TASKS: usize = 10;

/// A share as the terminal prints it (`<0.1%`, `>99.9%`), escaped for the markup.
fn pct(p: f64) -> String {
    esc(&percent(p))
}

/// A chart or placeholder with its caption.
fn figure(o: &mut String, title: &str, how: &str, svg: &str) {
    let _ = write!(
        o,
        r#"<figure><figcaption><h3>{}</h3><p class="how"><b>How to read this:</b> {}</p></figcaption>{svg}</figure>"#,
        esc(title),
        esc(how)
    );
}

fn day_of(start: Date, days: f64) -> Option<Date> {
    start.add_days(days)
}

/// How the report names its headline event: the first delivery of a car, or, in a model
/// without plants, the finish of the project (its last task).
struct Words {
    /// `first delivery` / `finish`.
    event: &'static str,
    /// `First delivery` / `Finish`.
    title: &'static str,
    /// `first-delivery date` / `finish date`.
    date: &'static str,
    /// `a first delivery` / `finishing`, after "chance of".
    chance_of: &'static str,
    /// `deliver` / `finish`, after "futures that".
    verb: &'static str,
    /// The DOM id of the headline section.
    section: &'static str,
}

const DELIVERY: Words = Words {
    event: "first delivery",
    title: "First delivery",
    date: "first-delivery date",
    chance_of: "a first delivery",
    verb: "deliver",
    section: "first-delivery",
};

const FINISH: Words = Words {
    event: "finish",
    title: "Finish",
    date: "finish date",
    chance_of: "finishing",
    verb: "finish",
    section: "finish",
};

/// `v` when it is a number the JSON result writes as one (not `null`): the report shows
/// exactly what the JSON result holds.
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// What every section of the page reads: one run's model, summary and outcomes, and how the
/// page speaks of its headline event. Each section's module adds the methods that draw it.
struct Report<'a> {
    model: &'a Model,
    summary: &'a Summary,
    outcomes: &'a Outcomes,
    /// `(index, summary, outcomes)` of every scenario present in both.
    scen: Vec<(usize, &'a ScenarioSummary, &'a ScenarioOutcomes)>,
    start: Date,
    currency: &'a str,
    words: &'static Words,
    /// The model has plants: deliveries apply.
    delivers: bool,
    /// The model has costs: spend applies.
    spends: bool,
    /// Cumulative spend of each of `scen`, made once for the cards and the chart.
    spend_fans: OnceCell<Vec<Fan>>,
    /// The x range of the first-delivery charts, made once for the S-curve and the histogram.
    headline_range: OnceCell<(f64, f64)>,
}

impl Report<'_> {
    /// Cumulative spend of each of `scen`, in that order.
    fn spend_fans(&self) -> &[Fan] {
        self.spend_fans.get_or_init(|| {
            self.scen
                .iter()
                .map(|&(_, _, so)| spend_fan(self.model, self.outcomes, so))
                .collect()
        })
    }

    fn date(&self, days: f64) -> String {
        day_of(self.start, days).map_or_else(|| "-".to_string(), |d| d.to_string())
    }

    fn scenario_key(&self, i: usize, id: &str) -> String {
        format!(
            r#"<span class="swatch" style="background:{}"></span>{}"#,
            colour(i),
            esc(id)
        )
    }

    /// The name of task or risk `id` (of `kind`, `risk` or `task`, when known): the task's
    /// or risk's name, empty when it has none or is unknown.
    fn item_name(&self, kind: Option<DriverKind>, id: &str) -> String {
        item_name(self.model, kind, id)
            .unwrap_or_default()
            .to_string()
    }

    /// The name of task or risk `id`, or its id when it has none.
    fn task_name(&self, id: &str) -> String {
        let name = self.item_name(None, id);
        if name.trim().is_empty() {
            id.to_string()
        } else {
            name
        }
    }

    /// One legend entry per scenario, in its colour.
    fn scenario_legend(&self, kind: Swatch) -> Vec<LegendItem> {
        self.scen
            .iter()
            .map(|&(i, ss, _)| LegendItem {
                label: ss.id.clone(),
                colour: colour(i).to_string(),
                kind,
            })
            .collect()
    }
}

/// Chart labels for `(name, id)` items: the name (the id when it has none) cut to `max`
/// characters; where two labels would look the same (a repeated name, or names cut alike)
/// the id follows the name and is never cut away.
fn distinct_labels(items: &[(String, String)], max: usize) -> Vec<String> {
    let plain: Vec<String> = items
        .iter()
        .map(|(name, id)| truncate(if name.trim().is_empty() { id } else { name }, max))
        .collect();
    plain
        .iter()
        .zip(items)
        .map(|(label, (name, id))| {
            if name.trim().is_empty() || plain.iter().filter(|l| *l == label).count() < 2 {
                label.clone()
            } else {
                let tail = format!(" ({id})");
                let room = max.saturating_sub(tail.chars().count()).max(8);
                format!("{}{tail}", truncate(name, room))
            }
        })
        .collect()
}

/// `s` cut to `max` characters, with an ellipsis when cut.
fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
