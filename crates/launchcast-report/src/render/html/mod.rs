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

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use launchcast_engine::{Outcomes, ScenarioOutcomes};
use launchcast_model::{Date, Dist, Impact, LinkKind, Model, PromiseKind, Quantity, SettingValue};

use crate::analysis::quantile::column_stats;
use crate::analysis::summary::{ScenarioSummary, Summary};
use crate::format::{count, distribution, group_thousands, money_in, percent, si};
use crate::render::svg::{
    self, Chart, LegendItem, Margins, REFERENCE, Swatch, colour, esc, nice_ticks,
};
use crate::{Driver, DriverKind, Sensitivity};

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

const CSS: &str = r#"
:root{--ink:#1b1b1b;--muted:#555;--rule:#dcdcdc}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:27px;margin:0 0 4px;line-height:1.2}
h2{font-size:20px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:16px;margin:0}
h4{font-size:15px;margin:16px 0 6px}
p{margin:6px 0}
.meta,.note{color:var(--muted)}
.note{font-size:13.5px}
figure{margin:14px 0 26px;break-inside:avoid;page-break-inside:avoid}
figcaption .how{color:var(--muted);font-size:13.5px;margin:2px 0 6px}
svg.chart{display:block;width:100%;height:auto}
svg text{font-family:inherit;fill:#1b1b1b}
svg .tick{font-size:12px;fill:#444}
svg .lab{font-size:13px;fill:#333}
svg .leg{font-size:13px}
svg .ref{font-size:12px;font-weight:600}
svg .val{font-size:12px;font-weight:700}
svg .ttl{font-size:14px;font-weight:700}
svg .halo{stroke:#fff;stroke-width:4px;stroke-linejoin:round}
svg line.grid{stroke:#e4e4e4;stroke-width:1}
svg line.axis{stroke:#8a8a8a;stroke-width:1}
svg line.refline{stroke:#222;stroke-width:1.5;stroke-dasharray:6 4}
table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0 14px}
th,td{padding:5px 8px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #999;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.best{font-weight:700}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.bar{height:6px;background:#eee;border-radius:3px;margin-top:3px;min-width:60px}
.bar span{display:block;height:6px;border-radius:3px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:12px;margin-top:12px}
.card{border:1px solid var(--rule);border-top:6px solid #999;border-radius:4px;padding:10px 12px;break-inside:avoid}
.card .id{font-weight:700}
.card .name{color:var(--muted);font-size:13px;min-height:2.6em}
.card .big{font-size:30px;font-weight:700;line-height:1.15;margin-top:6px}
.card .sub{font-size:13.5px}
code{font-size:13px}
.assumptions td{font-size:13px}
footer{margin-top:30px;color:var(--muted);font-size:13px;border-top:1px solid var(--rule);padding-top:8px}
@page{size:A4;margin:12mm}
@media print{
 main{max-width:none;padding:0}
 body{font-size:12px}
 h2{break-after:avoid;page-break-after:avoid}
 table,.card,figure{break-inside:avoid;page-break-inside:avoid}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

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

/// Days from `start` to the first day of month `(y, m)`.
fn month_start(start: Date, y: i32, m: u32) -> f64 {
    Date::from_ymd(y, m, 1).map_or(0.0, |d| f64::from(d.days_since(start)))
}

/// Days from `start` to the end of month `(y, m)` (the first day of the next month).
fn month_end(start: Date, y: i32, m: u32) -> f64 {
    if m >= 12 {
        month_start(start, y + 1, 1)
    } else {
        month_start(start, y, m + 1)
    }
}

/// Most bins a histogram gets on a calendar boundary before the next coarser unit is used.
const MAX_BINS: f64 = 62.0;

/// Histogram bin edges (days from `start`) covering `[x0, x1]` on calendar boundaries, the
/// unit fit to the span: days up to [`MAX_BINS`] days, weeks (from Mondays) up to as many
/// weeks, months up to 60 months, quarters beyond; and the unit's name.
fn histogram_edges(start: Date, x0: f64, x1: f64) -> (Vec<f64>, &'static str) {
    // Enough for any horizon the model allows, and a bound whatever the input.
    const MAX_EDGES: usize = 4000;
    let span = x1 - x0;
    let mut edges: Vec<f64> = Vec::new();
    if !x0.is_finite() || !x1.is_finite() {
        return (edges, "day");
    }
    if span <= MAX_BINS * 7.0 {
        let (step, unit) = if span <= MAX_BINS {
            (1i64, "day")
        } else {
            (7, "week")
        };
        let mut k = x0.floor() as i64;
        if step == 7 {
            // Back to a Monday (1970-01-05, day 4 of the epoch, was one).
            k -= (i64::from(start.days_since_epoch()) + k - 4).rem_euclid(7);
        }
        loop {
            edges.push(k as f64);
            if k as f64 > x1 || edges.len() >= MAX_EDGES {
                break;
            }
            k += step;
        }
        return (edges, unit);
    }
    let (step, unit) = if span / 30.44 <= 60.0 {
        (1, "month")
    } else {
        (3, "quarter")
    };
    if let Some((y, m, _)) = day_of(start, x0).map(|d| d.ymd()) {
        let mut k = i64::from(y) * 12 + i64::from(m) - 1;
        k -= k.rem_euclid(step);
        loop {
            let d = month_start(
                start,
                k.div_euclid(12) as i32,
                (k.rem_euclid(12) + 1) as u32,
            );
            edges.push(d);
            if d > x1 || edges.len() >= MAX_EDGES {
                break;
            }
            k += step;
        }
    }
    (edges, unit)
}

/// What a promise asks for, in words.
fn target(kind: &PromiseKind, currency: &str) -> String {
    match kind {
        PromiseKind::FirstDeliveryBy(d) => format!("first car delivered by {d}"),
        PromiseKind::DeliveriesBy { date, at_least } => {
            format!(
                "at least {} cars delivered by {date}",
                group_thousands(*at_least)
            )
        }
        PromiseKind::DeliveriesInYear { year, at_least } => {
            format!(
                "at least {} cars delivered in {year}",
                group_thousands(*at_least)
            )
        }
        PromiseKind::SpendBy { date, at_most } => {
            format!("at most {} spent by {date}", money_in(*at_most, currency))
        }
    }
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

/// `v` when it is a number the JSON result writes as one (not `null`).
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// The drivers drawn for one scenario: those with an effect on the P80; `None` when the
/// drivers were not measured.
fn drawn_drivers(list: &[Driver]) -> Option<Vec<&Driver>> {
    if list.is_empty() {
        return None;
    }
    Some(
        list.iter()
            .filter(|d| finite(d.p80_days).is_some())
            .collect(),
    )
}

/// A driver's days on the P50 and P80 (0 where unknown).
fn driver_days(d: &Driver) -> (f64, f64) {
    (
        finite(d.p50_days).unwrap_or(0.0),
        finite(d.p80_days).unwrap_or(0.0),
    )
}

/// A driver's changes in promise probability, by promise id.
fn promise_changes(d: &Driver) -> Vec<(&str, f64)> {
    let by_id: BTreeMap<&str, Option<f64>> = d
        .promises
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), finite(Some(*v))))
        .collect();
    by_id
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
}

/// Each task's rank correlation in one scenario, by task id; `None` when the sensitivity
/// was not computed.
fn spearman_by_id(list: &[Sensitivity]) -> Option<HashMap<&str, f64>> {
    if list.is_empty() {
        return None;
    }
    Some(
        list.iter()
            .filter_map(|s| Some((s.id.as_str(), finite(s.spearman)?)))
            .collect(),
    )
}

/// A P10/P50/P90 series over time.
struct Fan {
    xs: Vec<f64>,
    p10: Vec<f64>,
    p50: Vec<f64>,
    p90: Vec<f64>,
}

impl Fan {
    fn max(&self) -> f64 {
        self.p90
            .iter()
            .chain(&self.p50)
            .copied()
            .fold(0.0, f64::max)
    }

    fn push(&mut self, x: f64, values: &[f32]) {
        let s = column_stats(values, &[0.1, 0.5, 0.9]);
        let q = |i: usize| f64::from(s.quantiles.get(i).copied().flatten().unwrap_or(0.0));
        self.xs.push(x);
        self.p10.push(q(0));
        self.p50.push(q(1));
        self.p90.push(q(2));
    }

    fn new() -> Fan {
        Fan {
            xs: Vec::new(),
            p10: Vec::new(),
            p50: Vec::new(),
            p90: Vec::new(),
        }
    }
}

/// Whether the outcomes carry whole iterations at month ends for this scenario.
fn has_months(outcomes: &Outcomes, so: &ScenarioOutcomes) -> bool {
    let (rows, months) = (so.rows.len(), outcomes.months.len());
    rows > 0
        && months > 0
        && so.rows.delivered.len() == rows * months
        && so.rows.spent.len() == rows * months
}

/// Deliveries per month (from the rows) or, without rows, per calendar year.
fn deliveries_fan(
    model: &Model,
    outcomes: &Outcomes,
    so: &ScenarioOutcomes,
    ss: &ScenarioSummary,
) -> Fan {
    let start = model.program.start;
    let horizon = outcomes.horizon_days;
    let mut fan = Fan::new();
    if has_months(outcomes, so) {
        let mut prev = vec![0f32; so.rows.len()];
        let mut diff = vec![0f32; so.rows.len()];
        for (m, &(y, mo)) in outcomes.months.iter().enumerate() {
            let cur = so.rows.delivered_by(m);
            for ((d, &c), &p) in diff.iter_mut().zip(cur).zip(&prev) {
                *d = (c - p).max(0.0);
            }
            let a = month_start(start, y, mo).max(0.0);
            let b = month_end(start, y, mo).min(horizon);
            fan.push((a + b) / 2.0, &diff);
            prev.copy_from_slice(cur);
        }
    } else {
        for y in &ss.deliveries_by_year {
            let a = month_start(start, y.year, 1).max(0.0);
            let b = month_start(start, y.year + 1, 1).min(horizon);
            fan.xs.push((a + b) / 2.0);
            fan.p10.push(f64::from(y.p10.unwrap_or(0.0)));
            fan.p50.push(f64::from(y.p50.unwrap_or(0.0)));
            fan.p90.push(f64::from(y.p90.unwrap_or(0.0)));
        }
    }
    fan
}

/// Cumulative spend at month ends (from the rows) or, without rows, at year ends (from the
/// per-iteration yearly columns, every iteration). Starts at 0 on the start date.
fn spend_fan(model: &Model, outcomes: &Outcomes, so: &ScenarioOutcomes) -> Fan {
    let start = model.program.start;
    let horizon = outcomes.horizon_days;
    let mut fan = Fan::new();
    fan.push(0.0, &[0.0]);
    if has_months(outcomes, so) {
        for (m, &(y, mo)) in outcomes.months.iter().enumerate() {
            fan.push(month_end(start, y, mo).min(horizon), so.rows.spent_by(m));
        }
    } else {
        let n = so.spend_by_year.first().map_or(0, Vec::len);
        let mut cum = vec![0f32; n];
        for (col, &y) in so.spend_by_year.iter().zip(&outcomes.years) {
            for (c, v) in cum.iter_mut().zip(col) {
                *c += v;
            }
            fan.push(month_start(start, y + 1, 1).min(horizon), &cum);
        }
    }
    fan
}

/// Renders the report. `summary` and `outcomes` come from the same run of `model` (their
/// scenarios in the same order).
pub fn render_html(model: &Model, summary: &Summary, outcomes: &Outcomes) -> String {
    let r = Report {
        model,
        summary,
        outcomes,
        scen: summary
            .scenarios
            .iter()
            .zip(&outcomes.scenarios)
            .enumerate()
            .map(|(i, (s, o))| (i, s, o))
            .collect(),
        start: model.program.start,
        currency: &model.program.currency,
        words: if model.plants.is_empty() {
            &FINISH
        } else {
            &DELIVERY
        },
        delivers: !model.plants.is_empty(),
        spends: outcomes.spends,
    };
    let w = r.words;
    let mut o = String::with_capacity(256 * 1024);
    let title = format!("{}: launchcast forecast", summary.model);
    let _ = write!(
        o,
        r#"<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{}</title><style>{CSS}</style></head><body><main>"#,
        esc(&title)
    );
    r.header(&mut o);
    r.promises(&mut o);
    let question = if r.delivers {
        "When does the first car reach a customer?"
    } else {
        "When does the project finish?"
    };
    let _ = write!(o, r#"<section id="{}"><h2>{question}</h2>"#, w.section);
    r.dates(&mut o);
    r.cdf(&mut o);
    r.histogram(&mut o);
    o.push_str("</section>");
    let volumes = match (r.delivers, r.spends) {
        (true, true) => Some("How many cars follow, and at what cost?"),
        (true, false) => Some("How many cars follow?"),
        (false, true) => Some("What does it cost?"),
        (false, false) => None,
    };
    if let Some(h) = volumes {
        let _ = write!(o, r#"<section id="volumes"><h2>{h}</h2>"#);
        if r.delivers {
            r.deliveries(&mut o);
        }
        if r.spends {
            r.spend(&mut o);
        }
        o.push_str("</section>");
    }
    let _ = write!(o, r#"<section id="drivers"><h2>What drives the date?</h2>"#);
    r.tornado(&mut o);
    r.criticality(&mut o);
    r.sensitivity(&mut o);
    o.push_str("</section>");
    r.comparisons(&mut o);
    r.assumptions(&mut o);
    let _ = writeln!(
        o,
        "<footer>launchcast {} · {}, seed {} · every scenario runs on the same random draws, so differences between scenarios are not noise.</footer></main></body></html>",
        esc(&summary.launchcast),
        count(summary.iterations, "iteration"),
        summary.seed
    );
    o
}

/// The value axis of a bar chart: its range, tick format and title.
struct BarAxis<'a> {
    domain: (f64, f64),
    /// Tick labels.
    fmt: &'a dyn Fn(f64) -> String,
    /// A bar's value in its tooltip (exact where the ticks are round).
    value: &'a dyn Fn(f64) -> String,
    label: &'a str,
}

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
}

impl Report<'_> {
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
        let task = || {
            self.model
                .tasks
                .iter()
                .find(|t| t.id == id)
                .map(|t| &t.name)
        };
        let risk = || {
            self.model
                .risks
                .iter()
                .find(|r| r.id == id)
                .map(|r| &r.name)
        };
        let name = match kind {
            Some(DriverKind::Risk) => risk(),
            Some(DriverKind::Task) => task(),
            None => task().or_else(risk),
        };
        name.cloned().unwrap_or_default()
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

    fn header(&self, o: &mut String) {
        let s = self.summary;
        let w = self.words;
        let _ = write!(
            o,
            r#"<header><h1>{}</h1><p class="meta">Monte Carlo forecast as of {} · horizon {} · {} per scenario · seed {}</p></header>"#,
            esc(&s.model),
            esc(&s.start),
            esc(&s.horizon),
            count(s.iterations, "simulated future"),
            s.seed
        );
        // The first "first delivery by" promise is the headline of every card.
        let promise = self
            .model
            .promises
            .iter()
            .enumerate()
            .find_map(|(i, p)| match p.kind {
                PromiseKind::FirstDeliveryBy(d) => Some((i, d)),
                _ => None,
            });
        let horizon = esc(&self.summary.horizon);
        o.push_str(r#"<section id="glance"><div class="cards">"#);
        for &(i, ss, so) in &self.scen {
            let fd = &ss.first_delivery;
            let p = fd.probability;
            let date = |class: &str, d: &Option<String>| {
                format!(
                    r#"<b class="{class}">{}</b>"#,
                    esc(d.as_deref().unwrap_or("-"))
                )
            };
            // The big figure: the chance of keeping the promise, or else the median date, or
            // else (when it never happens) the chance that it happens.
            let (big, what, dates) = match promise {
                Some((k, d)) => (
                    format!(
                        r#"<span class="promise">{}</span>"#,
                        pct(ss.promises.get(k).map_or(0.0, |p| p.probability))
                    ),
                    format!(
                        "chance of {} by {d}, over all simulated futures",
                        w.chance_of
                    ),
                    format!(
                        "median {} · P80 {}",
                        date("p50", &fd.p50),
                        date("p80", &fd.p80)
                    ),
                ),
                None if p > 0.0 && fd.p50.is_some() => (
                    format!(
                        r#"<span class="p50">{}</span>"#,
                        esc(fd.p50.as_deref().unwrap_or("-"))
                    ),
                    format!("median {}", w.event),
                    format!(
                        "P10 {} · P80 {}",
                        date("p10", &fd.p10),
                        date("p80", &fd.p80)
                    ),
                ),
                None => (
                    pct(p),
                    format!("chance of {} by {}", w.chance_of, self.summary.horizon),
                    String::new(),
                ),
            };
            let prob = format!(r#"<b class="prob">{}</b>"#, pct(p));
            let happens = if p >= 1.0 {
                format!(
                    "{} by {horizon} in every simulated future ({prob}).<br/>Over all of them: ",
                    w.title
                )
            } else if p > 0.0 {
                format!(
                    "{} by {horizon} in {prob} of the simulated futures.<br/>Over those futures only: ",
                    w.title
                )
            } else {
                format!(
                    "No {} by {horizon} in any simulated future ({prob}).",
                    w.event
                )
            };
            let dates = if p > 0.0 { dates } else { String::new() };
            let spend = if self.spends {
                let spend = spend_fan(self.model, self.outcomes, so);
                let spent = spend.p50.last().copied().unwrap_or(0.0);
                format!(
                    "<br/>Spend to {horizon}, median of all futures: <b>{}</b>",
                    esc(&money_in(spent, self.currency))
                )
            } else {
                String::new()
            };
            let _ = write!(
                o,
                r#"<div class="card" data-scenario="{}" style="border-top-color:{}"><div class="id">{}</div><div class="name">{}</div><div class="big">{big}</div><div class="sub">{}</div><p class="sub">{happens}{dates}{spend}</p></div>"#,
                esc(&ss.id),
                colour(i),
                esc(&ss.id),
                esc(&ss.name),
                esc(&what),
            );
        }
        let _ = write!(
            o,
            r#"</div><p class="note">Chances count all simulated futures. Dates count only the futures in which the {} happens by the horizon ({horizon}), as in the table of dates below: "P80" is the date by which 8 in 10 of those futures have had it.</p></section>"#,
            w.event
        );
    }

    /// The promises table; left out when the model makes no promises.
    fn promises(&self, o: &mut String) {
        if self.model.promises.is_empty() {
            return;
        }
        o.push_str(r#"<section id="promises"><h2>Promises: chance that each is kept</h2>"#);
        o.push_str(r#"<table class="promises"><thead><tr><th>Promise</th><th>Target</th>"#);
        for &(i, ss, _) in &self.scen {
            let _ = write!(
                o,
                r#"<th class="num" title="{}">{}</th>"#,
                esc(&ss.name),
                self.scenario_key(i, &ss.id)
            );
        }
        o.push_str("</tr></thead><tbody>");
        for (k, p) in self.model.promises.iter().enumerate() {
            let probs: Vec<f64> = self
                .scen
                .iter()
                .map(|(_, ss, _)| ss.promises.get(k).map_or(0.0, |p| p.probability))
                .collect();
            let best = probs.iter().copied().fold(0.0, f64::max);
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td>",
                esc(if p.name.trim().is_empty() {
                    &p.id
                } else {
                    &p.name
                }),
                esc(&target(&p.kind, self.currency))
            );
            for (&(i, _, _), &pr) in self.scen.iter().zip(&probs) {
                let class = if pr == best && best > 0.0 {
                    "num best"
                } else {
                    "num"
                };
                let _ = write!(
                    o,
                    r#"<td class="{class}">{}<div class="bar"><span style="width:{:.1}%;background:{}"></span></div></td>"#,
                    pct(pr),
                    pr * 100.0,
                    colour(i)
                );
            }
            o.push_str("</tr>");
        }
        o.push_str(r#"</tbody></table><p class="note">Each figure is the share of all simulated futures in which the promise is kept; the highest in each row is in bold.</p></section>"#);
    }

    /// The headline's chance and dates per scenario: the figures of the cards.
    fn dates(&self, o: &mut String) {
        let w = self.words;
        let _ = write!(o, r#"<table class="dates"><thead><tr><th>{}</th>"#, w.title);
        for &(i, ss, _) in &self.scen {
            let _ = write!(
                o,
                r#"<th class="num">{}</th>"#,
                self.scenario_key(i, &ss.id)
            );
        }
        o.push_str("</tr></thead><tbody>");
        let _ = write!(
            o,
            "<tr><td>Chance of {} by {}, over all simulated futures</td>",
            w.chance_of,
            esc(&self.summary.horizon)
        );
        for (_, ss, _) in &self.scen {
            let _ = write!(
                o,
                r#"<td class="num prob">{}</td>"#,
                pct(ss.first_delivery.probability)
            );
        }
        o.push_str("</tr>");
        let _ = write!(
            o,
            r#"<tr><td colspan="{}"><i>Dates, over the futures in which it happens by {}:</i></td></tr>"#,
            1 + self.scen.len(),
            esc(&self.summary.horizon)
        );
        type Pick = fn(&ScenarioSummary) -> Option<&String>;
        let rows: [(&str, &str, Pick); 4] = [
            ("p10", "P10 (optimistic: 1 in 10 of them is earlier)", |s| {
                s.first_delivery.p10.as_ref()
            }),
            ("p50", "P50 (median)", |s| s.first_delivery.p50.as_ref()),
            ("p80", "P80 (8 in 10 of them are earlier)", |s| {
                s.first_delivery.p80.as_ref()
            }),
            ("p90", "P90 (cautious)", |s| s.first_delivery.p90.as_ref()),
        ];
        for (class, label, pick) in rows {
            let _ = write!(o, "<tr><td>{}</td>", esc(label));
            for (_, ss, _) in &self.scen {
                let _ = write!(
                    o,
                    r#"<td class="num {class}">{}</td>"#,
                    esc(pick(ss).map_or("-", String::as_str))
                );
            }
            o.push_str("</tr>");
        }
        let _ = write!(
            o,
            r#"</tbody></table><p class="note">A date is missing when the {} never happens by the horizon.</p>"#,
            w.event
        );
    }

    /// Promised first-delivery dates, days from start, with their names.
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

    fn promise_dates(&self) -> Vec<(f64, String)> {
        self.first_delivery_promises()
            .into_iter()
            .map(|(_, d, name)| (d, name))
            .collect()
    }

    /// `(promise index, days from start, label)` of every first-delivery promise.
    fn first_delivery_promises(&self) -> Vec<(usize, f64, String)> {
        self.model
            .promises
            .iter()
            .enumerate()
            .filter_map(|(k, p)| match p.kind {
                PromiseKind::FirstDeliveryBy(d) => Some((
                    k,
                    f64::from(d.days_since(self.start)),
                    format!("{} ({d})", if p.name.is_empty() { &p.id } else { &p.name }),
                )),
                _ => None,
            })
            .collect()
    }

    /// The x range of the first-delivery charts: from the earliest first delivery to the
    /// latest P99 (and every promised date), within start and horizon.
    fn headline_range(&self, curves: &[Vec<(f64, f64)>]) -> (f64, f64) {
        let horizon = self.outcomes.horizon_days.max(1.0);
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for &(_, _, so) in &self.scen {
            let s = column_stats(&so.headline_days, &[0.0, 0.99]);
            if let (Some(a), Some(b)) = (s.quantiles[0], s.quantiles[1]) {
                lo = lo.min(f64::from(a));
                hi = hi.max(f64::from(b));
            }
        }
        for (d, _) in self.promise_dates() {
            lo = lo.min(d);
            hi = hi.max(d);
        }
        let _ = curves;
        if !lo.is_finite() || !hi.is_finite() {
            return (0.0, horizon);
        }
        // A little room either side, in proportion: a six-week project gets days, not months.
        let pad = ((hi - lo) * 0.05).max(3.0);
        let lo = (lo - pad).max(0.0);
        let hi = (hi + pad).min(horizon);
        if hi > lo { (lo, hi) } else { (0.0, horizon) }
    }

    /// S-curve points per scenario: `(days, share of all iterations by then)`, at most
    /// [`CDF_POINTS`] + 2 of them, exact order statistics.
    fn cdf_curves(&self) -> Vec<Vec<(f64, f64)>> {
        let horizon = self.outcomes.horizon_days;
        self.scen
            .iter()
            .map(|&(_, _, so)| {
                let total = so.headline_days.len();
                let qs: Vec<f64> = (0..=CDF_POINTS)
                    .map(|k| k as f64 / CDF_POINTS as f64)
                    .collect();
                let s = column_stats(&so.headline_days, &qs);
                if s.count == 0 || total == 0 {
                    return vec![(0.0, 0.0), (horizon, 0.0)];
                }
                let ever = s.count as f64 / total as f64;
                let mut pts = Vec::with_capacity(qs.len() + 2);
                for (q, v) in qs.iter().zip(&s.quantiles) {
                    if let Some(v) = v {
                        pts.push((f64::from(*v), q * ever));
                    }
                }
                if let Some(&(x, _)) = pts.first() {
                    pts.insert(0, (x.min(0.0), 0.0));
                    pts.insert(1, (x, 0.0));
                }
                pts.push((horizon.max(pts.last().map_or(0.0, |p| p.0)), ever));
                pts
            })
            .collect()
    }

    fn cdf(&self, o: &mut String) {
        let curves = self.cdf_curves();
        let (x0, x1) = self.headline_range(&curves);
        let w = self.words;
        let chart_title = if self.delivers {
            "First delivery: chance of having delivered by each date"
        } else {
            "Finish: chance of having finished by each date"
        };
        let mut c = Chart::new(
            "chart-cdf",
            chart_title,
            W,
            470.0,
            Margins(64.0, 24.0, 66.0, 52.0),
            (x0, x1),
            (0.0, 1.0),
        );
        let ticks: Vec<f64> = (0..=10).map(|k| k as f64 / 10.0).collect();
        let (y_title, x_title) = if self.delivers {
            (
                "delivered by then (all futures)",
                "date of the first delivery to a customer",
            )
        } else {
            ("finished by then (all futures)", "finish date")
        };
        c.y_axis(&ticks, &|v| format!("{:.0}%", v * 100.0), y_title);
        c.x_dates(self.start, x_title);
        for (&(i, ss, _), pts) in self.scen.iter().zip(&curves) {
            let tip = format!(
                "{}: {} by {} in {} of all futures; over those: median {}, P80 {}",
                ss.id,
                w.title,
                self.summary.horizon,
                percent(ss.first_delivery.probability),
                ss.first_delivery.p50.as_deref().unwrap_or("-"),
                ss.first_delivery.p80.as_deref().unwrap_or("-"),
            );
            c.line(pts, colour(i), 2.6, false, &tip);
        }
        // Promised dates, and where each scenario's curve crosses them.
        for (row, (pk, d, name)) in self.first_delivery_promises().into_iter().enumerate() {
            c.vline(d, &name, row);
            let mut marks: Vec<(f64, usize, f64)> = Vec::new();
            for &(i, ss, _) in &self.scen {
                // The promise's own probability (exact, every iteration).
                let p = ss.promises.get(pk).map_or(0.0, |p| p.probability);
                c.dot(
                    d,
                    p,
                    colour(i),
                    &format!("{}: {} by {}", ss.id, percent(p), self.date(d)),
                );
                marks.push((c.y.at(p), i, p));
            }
            // Value labels beside the dots, pushed apart so they never overlap.
            marks.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut last = f64::NEG_INFINITY;
            let right = c.x.at(d) > W * 0.8;
            for (py, i, p) in marks {
                let y = (py + 4.0).max(last + 14.0);
                last = y;
                let (x, anchor) = if right {
                    (c.x.at(d) - 9.0, "end")
                } else {
                    (c.x.at(d) + 9.0, "start")
                };
                c.raw(&format!(
                    r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" class="val halo">{}</text><text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" class="val" style="fill:{}">{}</text>"#,
                    esc(&percent(p)),
                    colour(i),
                    esc(&percent(p))
                ));
            }
        }
        let mut legend: Vec<LegendItem> = self.scenario_legend(Swatch::Line);
        if !self.promise_dates().is_empty() {
            legend.push(LegendItem {
                label: "promised date".to_string(),
                colour: REFERENCE.to_string(),
                kind: Swatch::Dashed,
            });
        }
        c.legend(64.0, 22.0, &legend);
        let what = if self.delivers {
            "the first car reaches a customer"
        } else {
            "the project has finished"
        };
        let how = format!(
            "each curve climbs from 0% to the chance, over all simulated futures, that {what} by the date below it: the further left and the steeper, the earlier and surer. Dashed lines are promised dates; the dots and figures beside them are each scenario's chance of keeping that promise. A curve that levels off below 100% may not {} at all before {}.",
            w.verb, self.summary.horizon
        );
        figure(
            o,
            &format!("The S-curve of the {}", w.date),
            &how,
            &c.finish(),
        );
    }

    fn histogram(&self, o: &mut String) {
        let curves = self.cdf_curves();
        let (x0, x1) = self.headline_range(&curves);
        let (edges, unit) = histogram_edges(self.start, x0, x1);
        let n_iter = self.summary.iterations.max(1) as f64;
        let mut shares: Vec<Vec<f64>> = Vec::new();
        for &(_, _, so) in &self.scen {
            let mut counts = vec![0u64; edges.len().saturating_sub(1)];
            for &v in &so.headline_days {
                let v = f64::from(v);
                if !v.is_finite() {
                    continue;
                }
                let k = edges.partition_point(|&e| e <= v);
                if k >= 1 && k < edges.len() {
                    counts[k - 1] += 1;
                }
            }
            shares.push(counts.iter().map(|&c| c as f64 / n_iter).collect());
        }
        let ymax = shares
            .iter()
            .flatten()
            .copied()
            .fold(0.0, f64::max)
            .max(0.01);
        let yticks = nice_ticks(0.0, ymax, 3);
        let ytop = *yticks.last().unwrap_or(&ymax);
        let panel_h = 150.0;
        let mut inner = String::new();
        let promises = self.promise_dates();
        let n_rows = self.scen.len();
        let w = self.words;
        for (row, (&(i, ss, _), sh)) in self.scen.iter().zip(&shares).enumerate() {
            let mut c = Chart::new(
                &format!("chart-histogram-{row}"),
                &ss.id,
                W,
                panel_h,
                Margins(64.0, 24.0, 28.0, 38.0),
                (
                    edges.first().copied().unwrap_or(x0),
                    edges.last().copied().unwrap_or(x1),
                ),
                (0.0, ytop),
            );
            let fmt = |v: f64| {
                if ytop < 0.02 {
                    format!("{:.1}%", v * 100.0)
                } else {
                    format!("{:.0}%", v * 100.0)
                }
            };
            c.y_axis(&yticks, &fmt, if row == 0 { "share" } else { "" });
            let xlabel = if row + 1 == n_rows {
                format!("{} (bars: one per {unit})", w.date)
            } else {
                String::new()
            };
            c.x_dates(self.start, &xlabel);
            for (k, &s) in sh.iter().enumerate() {
                if s > 0.0 {
                    let (a, b) = (edges[k], edges[k + 1]);
                    let when = if b - a <= 1.0 {
                        format!("on {}", self.date(a))
                    } else {
                        format!("from {} to {}", self.date(a), self.date(b - 1.0))
                    };
                    let gap = (b - a) * 0.05;
                    c.rect(
                        (a + gap, b - gap),
                        (0.0, s),
                        colour(i),
                        0.9,
                        &format!("{}: {} of all futures {when}", ss.id, percent(s)),
                    );
                }
            }
            for (d, _) in &promises {
                c.vline(*d, "", 0);
            }
            let never = 1.0 - ss.first_delivery.probability;
            c.text(
                64.0,
                18.0,
                "start",
                "ttl",
                &format!(
                    "{} · median {} (of the futures that {}) · none by {}: {} of all futures",
                    ss.id,
                    ss.first_delivery.p50.as_deref().unwrap_or("-"),
                    w.verb,
                    self.summary.horizon,
                    percent(never)
                ),
            );
            c.raw(&format!(
                r#"<rect x="52" y="7" width="8" height="13" fill="{}"/>"#,
                colour(i)
            ));
            inner.push_str(&c.panel(0.0, row as f64 * panel_h));
        }
        let svg = svg::group(
            "chart-histogram",
            &format!("{}: how the date is spread", w.title),
            W,
            panel_h * n_rows.max(1) as f64,
            &inner,
        );
        let how = format!(
            "one row per scenario; each bar is the share of all simulated futures whose {} falls in that {unit} (all rows on the same scale). A tall narrow hump means a predictable date, a wide flat one an uncertain date. Dashed lines are promised dates.",
            w.event
        );
        figure(o, &format!("Histogram of the {}", w.date), &how, &svg);
    }

    fn deliveries(&self, o: &mut String) {
        let fans: Vec<Fan> = self
            .scen
            .iter()
            .map(|&(_, ss, so)| deliveries_fan(self.model, self.outcomes, so, ss))
            .collect();
        let monthly = self
            .scen
            .iter()
            .all(|&(_, _, so)| has_months(self.outcomes, so));
        let per = if monthly { "month" } else { "year" };
        let ymax = fans.iter().map(Fan::max).fold(0.0, f64::max).max(1.0);
        let yticks = nice_ticks(0.0, ymax, 4);
        let ytop = *yticks.last().unwrap_or(&ymax);
        let cols = if self.scen.len() > 1 { 2 } else { 1 };
        let pw = W / cols as f64;
        let ph = 250.0;
        let top = 34.0;
        let mut inner = String::new();
        let x1 = self.outcomes.horizon_days.max(1.0);
        // Start where the first scenario starts delivering, less a little.
        let x0 = self
            .scen
            .iter()
            .filter_map(|(_, ss, _)| ss.first_delivery.p10_days)
            .fold(f64::INFINITY, f64::min);
        let x0 = if x0.is_finite() {
            (x0 - 180.0).max(0.0)
        } else {
            0.0
        };
        for (k, (&(i, ss, _), fan)) in self.scen.iter().zip(&fans).enumerate() {
            let (col, row) = (k % cols, k / cols);
            let mut c = Chart::new(
                &format!("chart-deliveries-{k}"),
                &ss.id,
                pw,
                ph,
                Margins(64.0, 18.0, 30.0, 46.0),
                (x0, x1),
                (0.0, ytop),
            );
            c.y_axis(&yticks, &si, &format!("cars per {per}"));
            c.x_dates(self.start, "");
            c.band(
                &fan.xs,
                &fan.p10,
                &fan.p90,
                colour(i),
                0.28,
                &format!("{}: P10 to P90 cars per {per}", ss.id),
            );
            c.line(
                &fan.xs
                    .iter()
                    .copied()
                    .zip(fan.p50.iter().copied())
                    .collect::<Vec<_>>(),
                colour(i),
                2.4,
                false,
                &format!("{}: median cars per {per}", ss.id),
            );
            c.raw(&format!(
                r#"<rect x="52" y="8" width="8" height="13" fill="{}"/>"#,
                colour(i)
            ));
            let peak = fan.p50.iter().copied().fold(0.0, f64::max);
            let headline = if peak > 0.0 {
                format!(
                    "{} · median peaks at {} cars per {per}",
                    ss.id,
                    group_thousands(peak)
                )
            } else {
                format!(
                    "{} · median 0: in half the futures or more, no car is delivered",
                    ss.id
                )
            };
            c.text(64.0, 19.0, "start", "ttl", &headline);
            inner.push_str(&c.panel(col as f64 * pw, top + row as f64 * ph));
        }
        let rows = self.scen.len().div_ceil(cols);
        let mut legend = Chart::new(
            "chart-deliveries-legend",
            "",
            W,
            top,
            Margins(0.0, 0.0, 0.0, 0.0),
            (0.0, 1.0),
            (0.0, 1.0),
        );
        legend.legend(
            64.0,
            20.0,
            &[
                LegendItem {
                    label: "median (P50)".to_string(),
                    colour: "#555".to_string(),
                    kind: Swatch::Line,
                },
                LegendItem {
                    label: "8 in 10 futures fall in the band (P10 to P90)".to_string(),
                    colour: "#555".to_string(),
                    kind: Swatch::Band,
                },
            ],
        );
        inner.push_str(&legend.panel(0.0, 0.0));
        let svg = svg::group(
            "chart-deliveries",
            &format!("Cars delivered per {per}"),
            W,
            top + ph * rows.max(1) as f64,
            &inner,
        );
        let mut how = format!(
            "one panel per scenario, all on the same scale: the line is the median number of cars delivered per {per}, the shaded band holds 8 out of 10 simulated futures."
        );
        if !monthly {
            how.push_str(" Yearly figures: this run kept no monthly values.");
        }
        figure(o, &format!("Deliveries per {per} (fan chart)"), &how, &svg);
    }

    fn spend(&self, o: &mut String) {
        let fans: Vec<Fan> = self
            .scen
            .iter()
            .map(|&(_, _, so)| spend_fan(self.model, self.outcomes, so))
            .collect();
        let budgets: Vec<(f64, f64, String)> = self
            .model
            .promises
            .iter()
            .filter_map(|p| match p.kind {
                PromiseKind::SpendBy { date, at_most } => Some((
                    f64::from(date.days_since(self.start)),
                    at_most,
                    format!("budget: {} by {date}", money_in(at_most, self.currency)),
                )),
                _ => None,
            })
            .collect();
        let ymax = fans
            .iter()
            .map(Fan::max)
            .chain(budgets.iter().map(|b| b.1))
            .fold(0.0, f64::max)
            .max(1.0);
        let yticks = nice_ticks(0.0, ymax * 1.04, 5);
        let ytop = *yticks.last().unwrap_or(&ymax);
        let x1 = self.outcomes.horizon_days.max(1.0);
        let mut c = Chart::new(
            "chart-spend",
            "Cumulative spend against the budget",
            W,
            450.0,
            Margins(72.0, 24.0, 60.0, 52.0),
            (0.0, x1),
            (0.0, ytop),
        );
        let cur = self.currency;
        c.y_axis(
            &yticks,
            &si,
            &if cur.is_empty() {
                "cumulative spend".to_string()
            } else {
                format!("cumulative spend ({cur})")
            },
        );
        c.x_dates(self.start, "date");
        for (&(i, ss, _), fan) in self.scen.iter().zip(&fans) {
            c.band(
                &fan.xs,
                &fan.p10,
                &fan.p90,
                colour(i),
                0.13,
                &format!("{}: P10 to P90", ss.id),
            );
        }
        for (&(i, ss, _), fan) in self.scen.iter().zip(&fans) {
            let last = fan.p50.last().copied().unwrap_or(0.0);
            c.line(
                &fan.xs
                    .iter()
                    .copied()
                    .zip(fan.p50.iter().copied())
                    .collect::<Vec<_>>(),
                colour(i),
                2.4,
                false,
                &format!(
                    "{}: median {} by {}",
                    ss.id,
                    money_in(last, cur),
                    self.summary.horizon
                ),
            );
        }
        for (d, amount, label) in &budgets {
            c.hline(*amount, 0.0, *d, label);
            c.vline(*d, "", 0);
            c.dot(*d, *amount, REFERENCE, label);
        }
        let mut legend: Vec<LegendItem> = self.scenario_legend(Swatch::Band);
        if !budgets.is_empty() {
            legend.push(LegendItem {
                label: "budget (promise)".to_string(),
                colour: REFERENCE.to_string(),
                kind: Swatch::Dashed,
            });
        }
        c.legend(72.0, 22.0, &legend);
        let how = format!(
            "money spent since {} ({}): the line is the median, the shaded band holds 8 out of 10 simulated futures. Where a band reaches the dashed budget line before its date, the budget is at risk in that scenario.",
            self.summary.start,
            if cur.is_empty() {
                "currency units"
            } else {
                cur
            }
        );
        figure(o, "Cumulative spend against the budget", &how, &c.finish());
    }

    fn tornado(&self, o: &mut String) {
        let w = self.words;
        let title = &format!("Drivers of the {}, in days", w.date);
        let how = &format!(
            "each bar is the number of days a risk or an uncertain task adds to the {}: the dark bar at P80 (the P80 date with the driver minus the P80 date without it), the light bar at P50. Longest first; a risk is removed by setting its chance to 0, a task by fixing its duration at its most likely value.",
            w.date
        );
        let all: Vec<Option<Vec<&Driver>>> = self
            .summary
            .scenarios
            .iter()
            .map(|s| drawn_drivers(&s.drivers))
            .collect();
        if all.iter().all(Option::is_none) {
            figure(
                o,
                title,
                how,
                &svg::placeholder(
                    "chart-tornado",
                    title,
                    W,
                    "Drivers in days were not computed by this version of launchcast.",
                ),
            );
            return;
        }
        let mut inner = String::new();
        let mut y = 0.0;
        let bar = 28.0;
        // One shared x scale across scenarios.
        let mut lo: f64 = 0.0;
        let mut hi: f64 = 1.0;
        for d in all
            .iter()
            .flatten()
            .flat_map(|v| v.iter().take(TOP_DRIVERS))
        {
            let (p50, p80) = driver_days(d);
            lo = lo.min(p80.min(p50));
            hi = hi.max(p80.max(p50));
        }
        let xt = nice_ticks(lo, hi, 6);
        let (xa, xb) = (xt[0], *xt.last().unwrap_or(&hi));
        for (k, &(i, ss, _)) in self.scen.iter().enumerate() {
            let Some(Some(list)) = all.get(k) else {
                continue;
            };
            let mut list: Vec<&Driver> = list.clone();
            list.sort_by(|a, b| driver_days(b).1.abs().total_cmp(&driver_days(a).1.abs()));
            list.truncate(TOP_DRIVERS);
            let h = 30.0 + 50.0 + bar * list.len().max(1) as f64;
            let mut c = Chart::new(
                &format!("chart-tornado-{k}"),
                &ss.id,
                W,
                h,
                Margins(380.0, 24.0, 30.0, 50.0),
                (xa, xb),
                (list.len().max(1) as f64, 0.0),
            );
            c.x_linear(
                &xt,
                &|v| format!("{v:+.0}").replace("+0", "0"),
                &format!("days added to the {}", w.date),
            );
            c.raw(&format!(
                r#"<rect x="8" y="8" width="8" height="13" fill="{}"/>"#,
                colour(i)
            ));
            c.text(22.0, 19.0, "start", "ttl", &ss.id);
            if list.is_empty() {
                c.text(380.0, 50.0, "start", "lab", "no driver moves the date");
            }
            let labels = distinct_labels(
                &list
                    .iter()
                    .map(|d| (self.item_name(Some(d.kind), &d.id), d.id.clone()))
                    .collect::<Vec<_>>(),
                44,
            );
            for (r, (d, label)) in list.iter().zip(labels).enumerate() {
                let r = r as f64;
                let name = self.task_name(&d.id);
                let (p50, p80) = driver_days(d);
                let kind = d.kind.as_str();
                let mut tip = format!("{name} ({kind}): P80 {p80:+.1} days, P50 {p50:+.1} days");
                for (p, v) in promise_changes(d) {
                    let _ = write!(tip, "; {p} {:+.1} points", v * 100.0);
                }
                c.rect((0.0, p80), (r + 0.12, r + 0.62), colour(i), 1.0, &tip);
                c.rect((0.0, p50), (r + 0.62, r + 0.88), colour(i), 0.4, &tip);
                let py = c.y.at(r + 0.5) + 4.0;
                let label = format!("{label} ({kind})");
                c.text(372.0, py, "end", "lab", &label);
                let vx = c.x.at(p80.max(p50).max(0.0)) + 5.0;
                c.text(vx, py, "start", "val", &format!("{p80:+.0} d"));
            }
            inner.push_str(&c.panel(0.0, y));
            y += h;
        }
        let mut legend = Chart::new(
            "chart-tornado-legend",
            "",
            W,
            30.0,
            Margins(0.0, 0.0, 0.0, 0.0),
            (0.0, 1.0),
            (0.0, 1.0),
        );
        legend.legend(
            380.0,
            20.0,
            &[
                LegendItem {
                    label: "effect on the P80 date".to_string(),
                    colour: "#555".to_string(),
                    kind: Swatch::Bar,
                },
                LegendItem {
                    label: "effect on the P50 date".to_string(),
                    colour: "#bbb".to_string(),
                    kind: Swatch::Bar,
                },
            ],
        );
        inner.push_str(&legend.panel(0.0, y));
        figure(
            o,
            title,
            how,
            &svg::group("chart-tornado", title, W, y + 30.0, &inner),
        );
    }

    /// Tasks worth showing: the most critical over all scenarios.
    fn top_tasks(&self) -> Vec<usize> {
        let n = self.model.tasks.len();
        let mut idx: Vec<(usize, f64)> = (0..n)
            .map(|t| {
                let m = self
                    .scen
                    .iter()
                    .filter_map(|(_, ss, _)| ss.tasks.get(t).map(|x| x.criticality))
                    .fold(0.0, f64::max);
                (t, m)
            })
            .filter(|&(_, m)| m > 0.0)
            .collect();
        idx.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        idx.truncate(TOP_TASKS);
        idx.into_iter().map(|(t, _)| t).collect()
    }

    /// Horizontal grouped bars: one row per task, one bar per scenario.
    fn task_bars(
        &self,
        id: &str,
        title: &str,
        tasks: &[usize],
        value: &dyn Fn(usize, usize) -> Option<f64>,
        axis: BarAxis,
    ) -> String {
        let BarAxis {
            domain,
            fmt,
            value: shown,
            label: axis,
        } = axis;
        let ns = self.scen.len().max(1) as f64;
        let bar = 9.0;
        let row_h = ns * bar + 12.0;
        let h = 50.0 + 52.0 + row_h * tasks.len().max(1) as f64;
        let mut c = Chart::new(
            id,
            title,
            W,
            h,
            Margins(380.0, 60.0, 50.0, 52.0),
            domain,
            (tasks.len().max(1) as f64, 0.0),
        );
        let ticks = nice_ticks(domain.0, domain.1, 8);
        c.x_linear(&ticks, fmt, axis);
        let (slot, pad) = (bar / row_h, 6.0 / row_h);
        let labels = distinct_labels(
            &tasks
                .iter()
                .map(|&t| {
                    self.model
                        .tasks
                        .get(t)
                        .map_or_else(Default::default, |t| (t.name.clone(), t.id.clone()))
                })
                .collect::<Vec<_>>(),
            52,
        );
        for (r, (&t, label)) in tasks.iter().zip(labels).enumerate() {
            let r = r as f64;
            let tid = self.model.tasks.get(t).map_or("", |t| t.id.as_str());
            c.text(372.0, c.y.at(r + 0.5) + 4.0, "end", "lab", &label);
            for (k, &(i, ss, _)) in self.scen.iter().enumerate() {
                let Some(v) = value(k, t).filter(|&v| v != 0.0) else {
                    continue;
                };
                let y0 = r + pad + k as f64 * slot;
                c.rect(
                    (0.0, v),
                    (y0, y0 + slot * 0.85),
                    colour(i),
                    1.0,
                    &format!("{} · {}: {}", ss.id, tid, shown(v)),
                );
            }
        }
        let legend: Vec<LegendItem> = self.scenario_legend(Swatch::Bar);
        c.legend(380.0, 22.0, &legend);
        c.finish()
    }

    fn criticality(&self, o: &mut String) {
        let title = "Criticality index: how often each task sets the date";
        let how = &format!(
            "the share of simulated futures in which the task lies on the chain of links that sets the {}. A high bar means the date waits on this task often; it says nothing about how many days the task costs (see the drivers above).",
            self.words.date
        );
        let tasks = self.top_tasks();
        if tasks.is_empty() {
            figure(
                o,
                title,
                how,
                &svg::placeholder(
                    "chart-criticality",
                    title,
                    W,
                    &format!("No task ever set the {} in this run.", self.words.date),
                ),
            );
            return;
        }
        let svg = self.task_bars(
            "chart-criticality",
            title,
            &tasks,
            &|k, t| {
                self.scen
                    .get(k)
                    .and_then(|(_, ss, _)| ss.tasks.get(t))
                    .map(|x| x.criticality)
            },
            BarAxis {
                domain: (0.0, 1.0),
                fmt: &|v| format!("{:.0}%", v * 100.0),
                value: &percent,
                label: "criticality index: share of futures in which the task is on the critical chain",
            },
        );
        figure(o, title, how, &svg);
    }

    fn sensitivity(&self, o: &mut String) {
        let title = "Sensitivity: rank correlation of task duration with the date";
        let w = self.words;
        let how = &format!(
            "Spearman rank correlation between a task's sampled duration and the {}, from -1 to +1: near +1, a longer task almost always means a later {}; near 0, its duration hardly matters. Different from the criticality index above, which counts how often a task is on the critical chain.",
            w.date, w.event
        );
        // By id, per scenario: a model may have 100,000 tasks.
        let by_id: Vec<Option<HashMap<&str, f64>>> = self
            .summary
            .scenarios
            .iter()
            .map(|s| spearman_by_id(&s.sensitivity))
            .collect();
        if by_id.iter().all(Option::is_none) {
            figure(
                o,
                title,
                how,
                &svg::placeholder(
                    "chart-sensitivity",
                    title,
                    W,
                    "Sensitivity (rank correlation) was not computed by this version of launchcast.",
                ),
            );
            return;
        }
        let value = |k: usize, t: usize| -> Option<f64> {
            let id = self.model.tasks.get(t)?.id.as_str();
            by_id
                .get(k)?
                .as_ref()?
                .get(id)
                .copied()
                .filter(|v| v.is_finite())
        };
        // Tasks with the largest correlation anywhere.
        let mut tasks: Vec<(usize, f64)> = (0..self.model.tasks.len())
            .map(|t| {
                let m = (0..self.scen.len())
                    .filter_map(|k| value(k, t))
                    .fold(0.0, |a: f64, v| a.max(v.abs()));
                (t, m)
            })
            .filter(|&(_, m)| m > 0.0)
            .collect();
        tasks.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        tasks.truncate(TOP_TASKS);
        let tasks: Vec<usize> = tasks.into_iter().map(|(t, _)| t).collect();
        let lo = if (0..self.scen.len())
            .any(|k| tasks.iter().any(|&t| value(k, t).is_some_and(|v| v < 0.0)))
        {
            -1.0
        } else {
            0.0
        };
        let svg = self.task_bars(
            "chart-sensitivity",
            title,
            &tasks,
            &value,
            BarAxis {
                domain: (lo, 1.0),
                fmt: &|v| format!("{v:.1}"),
                value: &|v| format!("{v:+.2}"),
                label: &format!(
                    "Spearman rank correlation of the task's duration with the {}",
                    w.date
                ),
            },
        );
        figure(o, title, how, &svg);
    }

    fn comparisons(&self, o: &mut String) {
        o.push_str(r#"<section id="comparisons"><h2>Scenarios compared, on the same draws</h2>"#);
        let c = &self.summary.comparisons;
        let pairs = Some(&c.pairs).filter(|p| !p.is_empty());
        let best = Some(&c.best_by_promise).filter(|p| !p.is_empty());
        if pairs.is_none() && best.is_none() {
            let why = if self.scen.len() < 2 {
                "Only one scenario was run: nothing to compare."
            } else {
                "Pairwise scenario comparisons were not computed by this version of launchcast."
            };
            let _ = write!(o, r#"<p class="note">{why}</p></section>"#);
            return;
        }
        let days = |x: Option<f64>| x.map_or("-".to_string(), |d| format!("{d:+.0} d"));
        let w = self.words;
        if let Some(pairs) = pairs {
            let (earlier, both) = if self.delivers {
                (
                    "Chance A delivers first earlier",
                    "Both deliver by the horizon",
                )
            } else {
                ("Chance A finishes earlier", "Both finish by the horizon")
            };
            let _ = write!(
                o,
                r#"<table class="pairs"><thead><tr><th>Scenario A</th><th>Scenario B</th><th class="num">{earlier}</th><th class="num">A minus B, median</th><th class="num">A minus B, P10 to P90</th><th class="num">{both}</th></tr></thead><tbody>"#
            );
            for p in pairs {
                let key = |id: &str| {
                    self.scen
                        .iter()
                        .find(|(_, ss, _)| ss.id == id)
                        .map_or_else(|| esc(id), |&(i, _, _)| self.scenario_key(i, id))
                };
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{} to {}</td><td class="num">{}</td></tr>"#,
                    key(&p.a),
                    key(&p.b),
                    finite(Some(p.p_a_earlier)).map_or("-".to_string(), pct),
                    days(finite(p.median_diff_days)),
                    days(finite(p.p10_diff_days)),
                    days(finite(p.p90_diff_days)),
                    finite(Some(p.both_happen)).map_or("-".to_string(), pct)
                );
            }
            let _ = write!(
                o,
                r#"</tbody></table><p class="note">Chances count all simulated futures. Differences are in days between the {} of A and of B in the same simulated future, over the futures in which both {}; negative means A is earlier.</p>"#,
                w.date, w.verb
            );
        }
        if let Some(best) = best {
            o.push_str(r#"<table class="best"><thead><tr><th>Promise</th><th>Kept most often by</th><th class="num">Chance</th></tr></thead><tbody>"#);
            for b in best {
                let id = b.promise.clone();
                let name = self
                    .model
                    .promises
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.name.clone())
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| id.clone());
                // Every scenario of a tie; `scenario` alone from an older result.
                let mut tied: Vec<String> = b.scenarios.clone();
                if tied.is_empty() {
                    tied.push(b.scenario.clone());
                }
                let key = |sid: &String| {
                    self.scen
                        .iter()
                        .find(|(_, ss, _)| ss.id == *sid)
                        .map_or_else(|| esc(sid), |&(i, _, _)| self.scenario_key(i, sid))
                };
                let probability = finite(Some(b.probability));
                let key = if probability == Some(0.0) {
                    "none (no scenario keeps it)".to_string()
                } else if tied.len() > 1 {
                    format!(
                        "a tie: {}",
                        tied.iter().map(key).collect::<Vec<_>>().join(", ")
                    )
                } else {
                    tied.iter().map(key).collect::<String>()
                };
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td>{key}</td><td class="num">{}</td></tr>"#,
                    esc(&name),
                    probability.map_or("-".to_string(), pct)
                );
            }
            o.push_str("</tbody></table>");
        }
        o.push_str("</section>");
    }

    fn assumptions(&self, o: &mut String) {
        let m = self.model;
        let p = &m.program;
        let cur = self.currency;
        o.push_str(r#"<section id="assumptions" class="assumptions"><h2>Assumptions: the model as read</h2>"#);
        // What applies to this model only: no delivery lag without plants, no money
        // without costs.
        let mut facts = vec![
            format!("Start {}", p.start),
            format!("horizon {}", p.horizon),
        ];
        if self.spends || !cur.is_empty() {
            facts.push(format!(
                "currency {}",
                if cur.is_empty() { "-" } else { cur }
            ));
        }
        if self.delivers {
            facts.push(format!(
                "delivery lag {}",
                distribution(&p.delivery_lag, Quantity::Duration)
            ));
        }
        if p.overhead_per_year != Dist::ZERO {
            facts.push(format!(
                "programme overhead per year {}",
                distribution(&p.overhead_per_year, Quantity::Money)
            ));
        }
        let money_units = if self.spends {
            format!(
                "; money in {} with k, M, bn",
                if cur.is_empty() {
                    "currency units"
                } else {
                    cur
                }
            )
        } else {
            String::new()
        };
        let _ = write!(
            o,
            r#"<p>{}.</p><p class="note">Distributions: tri(min, mode, max) triangular; pert(min, mode, max) beta-PERT; uniform(min, max); normal(mean, sd); lognormal(median, p90); discrete(value: weight, …). Durations in d, w, mo (30.4 d), y{}.</p>"#,
            esc(&facts.join(" · ")),
            esc(&money_units)
        );
        // Tasks.
        let _ = write!(o, "<h4>{}</h4>", count(m.tasks.len() as u64, "task"));
        let costs = m.tasks.iter().any(|t| t.cost != Dist::ZERO);
        let _ = write!(
            o,
            "<table><thead><tr><th>Task</th><th>Duration</th><th>Chance</th>{}<th>Starts after</th></tr></thead><tbody>",
            if costs { "<th>Cost</th>" } else { "" }
        );
        for t in &m.tasks {
            let links = |links: &[launchcast_model::Link]| {
                links
                    .iter()
                    .map(|l| {
                        let kind = if l.kind == LinkKind::FinishToStart {
                            String::new()
                        } else {
                            format!(" ({})", l.kind.code())
                        };
                        let lag = if l.lag == 0.0 {
                            String::new()
                        } else {
                            format!(" {:+.0} d", l.lag)
                        };
                        format!("{}{kind}{lag}", l.task)
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut after = links(&t.after);
            if !t.after_any.is_empty() {
                if !after.is_empty() {
                    after.push_str("; ");
                }
                let _ = write!(after, "first of: {}", links(&t.after_any));
            }
            if !t.after_failure.is_empty() {
                if !after.is_empty() {
                    after.push_str("; ");
                }
                let _ = write!(after, "only if failed: {}", t.after_failure.join(", "));
            }
            if let Some(d) = t.not_before {
                if !after.is_empty() {
                    after.push_str("; ");
                }
                let _ = write!(after, "not before {d}");
            }
            let cost = if !costs {
                String::new()
            } else if t.cost == Dist::ZERO {
                "<td>-</td>".to_string()
            } else {
                format!("<td>{}</td>", esc(&distribution(&t.cost, Quantity::Money)))
            };
            let _ = write!(
                o,
                r#"<tr><td><b>{}</b><br/><code>{}</code></td><td>{}</td><td class="num">{}</td>{cost}<td>{}</td></tr>"#,
                esc(&t.name),
                esc(&t.id),
                esc(&distribution(&t.duration, Quantity::Duration)),
                pct(t.chance),
                esc(if after.is_empty() { "-" } else { &after })
            );
        }
        o.push_str("</tbody></table>");
        // Risks.
        if !m.risks.is_empty() {
            let _ = write!(o, "<h4>{}</h4>", count(m.risks.len() as u64, "risk"));
            o.push_str("<table><thead><tr><th>Risk</th><th>Chance</th><th>Impact</th><th>On tasks</th></tr></thead><tbody>");
            for r in &m.risks {
                let impact = match &r.impact {
                    Impact::Delay(d) => format!("delay {}", distribution(d, Quantity::Duration)),
                    Impact::Scale(d) => format!("duration × {}", distribution(d, Quantity::Number)),
                    Impact::Fail => "the task fails".to_string(),
                };
                let _ = write!(
                    o,
                    r#"<tr><td><b>{}</b><br/><code>{}</code></td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
                    esc(&r.name),
                    esc(&r.id),
                    pct(r.chance),
                    esc(&impact),
                    esc(&r.tasks.join(", "))
                );
            }
            o.push_str("</tbody></table>");
        }
        // Plants.
        if !m.plants.is_empty() {
            let _ = write!(o, "<h4>{}</h4>", count(m.plants.len() as u64, "plant"));
            o.push_str("<table><thead><tr><th>Plant</th><th>Cars a year at nameplate</th><th>Production starts when</th><th>Ramp to nameplate</th><th>Output after ramp</th></tr></thead><tbody>");
            for pl in &m.plants {
                let curve = match pl.curve {
                    launchcast_model::Curve::Linear => "linear",
                    launchcast_model::Curve::S => "S-curve",
                };
                let _ = write!(
                    o,
                    r#"<tr><td><b>{}</b><br/><code>{}</code></td><td>{}</td><td><code>{}</code> finishes</td><td>{} ({curve}, from {} of nameplate)</td><td>{} × nameplate</td></tr>"#,
                    esc(&pl.name),
                    esc(&pl.id),
                    esc(&distribution(&pl.capacity, Quantity::Number)),
                    esc(&pl.starts),
                    esc(&distribution(&pl.ramp, Quantity::Duration)),
                    pct(pl.ramp_start),
                    esc(&distribution(&pl.peak, Quantity::Number))
                );
            }
            o.push_str("</tbody></table>");
        }
        // Promises.
        if !m.promises.is_empty() {
            let _ = write!(o, "<h4>{}</h4>", count(m.promises.len() as u64, "promise"));
            o.push_str("<table><thead><tr><th>Promise</th><th>Target</th></tr></thead><tbody>");
            for pr in &m.promises {
                let _ = write!(
                    o,
                    r#"<tr><td><b>{}</b><br/><code>{}</code></td><td>{}</td></tr>"#,
                    esc(&pr.name),
                    esc(&pr.id),
                    esc(&target(&pr.kind, cur))
                );
            }
            o.push_str("</tbody></table>");
        }
        // Scenarios.
        let _ = write!(o, "<h4>{}</h4>", count(self.scen.len() as u64, "scenario"));
        o.push_str("<table><thead><tr><th>Scenario</th><th>Never happens</th><th>Values changed</th></tr></thead><tbody>");
        for &(i, ss, _) in &self.scen {
            let (disable, set) = match m.scenarios.iter().find(|s| s.id == ss.id) {
                Some(s) => (
                    s.disable.join(", "),
                    s.set
                        .iter()
                        .map(|st| {
                            let v = match &st.value {
                                SettingValue::Dist(d) => {
                                    let q = match st.field.as_str() {
                                        "cost" | "overhead_per_year" => Quantity::Money,
                                        "duration" | "ramp" | "delay" | "delivery_lag" => {
                                            Quantity::Duration
                                        }
                                        _ => Quantity::Number,
                                    };
                                    distribution(d, q)
                                }
                                SettingValue::Number(x) => x.to_string(),
                                SettingValue::Date(d) => d.to_string(),
                                SettingValue::Curve(c) => format!("{c:?}").to_lowercase(),
                            };
                            format!("{}.{} = {v}", st.item, st.field)
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                None => (String::new(), String::new()),
            };
            let _ = write!(
                o,
                r#"<tr><td>{}<br/>{}</td><td>{}</td><td>{}</td></tr>"#,
                self.scenario_key(i, &ss.id),
                esc(&ss.name),
                esc(if disable.is_empty() { "-" } else { &disable }),
                esc(if set.is_empty() { "-" } else { &set })
            );
        }
        o.push_str("</tbody></table>");
        if !m.correlations.is_empty() {
            o.push_str("<h4>Correlations</h4><table><thead><tr><th>Items</th><th>Rank correlation</th></tr></thead><tbody>");
            for c in &m.correlations {
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td class="num">{:.2}</td></tr>"#,
                    esc(&c.items.join(", ")),
                    c.rho
                );
            }
            o.push_str("</tbody></table>");
        }
        o.push_str("</section>");
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BestByPromise, Comparisons, Pair, PromiseChanges};

    const MODEL: &str = r#"
[program]
name = "Two <routes> & a plant"
start = 2022-07-01
horizon = 2026-12-31
currency = "EUR"

[[task]]
id = "build"
name = "Build the plant"
duration = "tri(6mo, 9mo, 18mo)"
cost = "tri(1bn, 2bn, 3bn)"

[[task]]
id = "licence"
duration = "tri(2mo, 4mo, 8mo)"
chance = 0.8

[[risk]]
id = "strike"
name = "Builders strike"
chance = 0.3
tasks = ["build"]
delay = "tri(1mo, 2mo, 6mo)"

[[plant]]
id = "p1"
capacity = 100000
starts = "build"
ramp = "tri(3mo, 6mo, 12mo)"

[[promise]]
id = "first_2023"
name = "First car in 2023"
first_delivery_by = 2023-12-31

[[promise]]
id = "budget"
spend_by = { date = 2026-12-31, at_most = "4bn" }

[[scenario]]
id = "fast"
name = "Fast build"
set = { "build.duration" = "tri(5mo, 7mo, 10mo)" }
"#;

    fn run() -> (Model, Summary, Outcomes) {
        let model = launchcast_model::parse(MODEL, "test.toml").expect("model");
        let plan = launchcast_engine::Plan::compile(&model).expect("plan");
        let outcomes = launchcast_engine::run(
            &plan,
            &launchcast_engine::RunOptions {
                iterations: 1000,
                seed: 3,
                threads: 1,
                progress: None,
                statistics: true,
            },
        )
        .expect("run");
        let summary = crate::summarize(&model, plan.scenarios(), &outcomes);
        (model, summary, outcomes)
    }

    /// The markup of chart `id`, up to the end of its `<svg>`.
    fn chart<'a>(html: &'a str, id: &str) -> &'a str {
        let at = html.find(&format!(r#"id="{id}""#)).expect(id);
        let rest = &html[at..];
        &rest[..rest.find("</figure>").expect("figure end")]
    }

    #[test]
    fn drivers_sensitivity_and_comparisons_are_drawn_when_present() {
        let (model, mut summary, outcomes) = run();
        let changes = |list: &[(&str, f64)]| {
            PromiseChanges(list.iter().map(|&(k, v)| (k.to_string(), v)).collect())
        };
        let driver = |id: &str, kind, p50, p80, promises| Driver {
            id: id.to_string(),
            kind,
            p50_days: p50,
            p80_days: p80,
            promises,
            name: String::new(),
        };
        for (k, s) in summary.scenarios.iter_mut().enumerate() {
            s.drivers = vec![
                driver(
                    "strike",
                    DriverKind::Risk,
                    Some(20.5 - k as f64),
                    Some(61.0),
                    changes(&[("first_2023", -0.12), ("budget", 0.0)]),
                ),
                driver(
                    "build",
                    DriverKind::Task,
                    Some(10.0),
                    Some(25.0),
                    changes(&[("first_2023", -0.05)]),
                ),
                driver("licence", DriverKind::Task, None, None, changes(&[])),
            ];
            let sensitivity = |id: &str, spearman, criticality| Sensitivity {
                id: id.to_string(),
                spearman: Some(spearman),
                criticality,
            };
            s.sensitivity = vec![
                sensitivity("build", 0.83, 0.9),
                sensitivity("licence", -0.1, 0.1),
            ];
        }
        summary.comparisons = Comparisons {
            pairs: vec![Pair {
                a: "base".to_string(),
                b: "fast".to_string(),
                p_a_earlier: 0.12,
                median_diff_days: Some(45.0),
                p10_diff_days: Some(0.0),
                p90_diff_days: Some(120.0),
                both_happen: 0.9,
                p_tie: 0.05,
            }],
            best_by_promise: vec![BestByPromise {
                promise: "first_2023".to_string(),
                scenario: "fast".to_string(),
                probability: 0.7,
                scenarios: Vec::new(),
            }],
        };
        let html = render_html(&model, &summary, &outcomes);
        let tornado = chart(&html, "chart-tornado");
        assert!(!tornado.contains("not computed"));
        assert!(
            tornado.contains("Builders strike (risk)"),
            "names from the model"
        );
        assert!(tornado.contains("+61 d"));
        assert!(
            tornado.contains("first_2023 -12.0 points"),
            "promise changes in tooltips"
        );
        assert!(
            !tornado.contains("licence (task)"),
            "a driver with no effect is left out"
        );
        let sens = chart(&html, "chart-sensitivity");
        assert!(!sens.contains("not computed"));
        assert!(sens.contains("base · build: +0.83"));
        assert!(
            sens.contains(">-1.0<"),
            "a negative correlation widens the axis to -1"
        );
        let cmp = &html[html.find(r#"id="comparisons""#).unwrap()..];
        assert!(cmp.contains("12.0%") && cmp.contains("+45 d") && cmp.contains("+0 d to +120 d"));
        assert!(cmp.contains("Kept most often by"));
        // Text from the model is escaped everywhere.
        assert!(html.contains("Two &lt;routes&gt; &amp; a plant"));
        assert!(!html.contains("<routes>"));
    }

    #[test]
    fn placeholders_when_not_computed_and_promise_dots_match_the_table() {
        let (model, mut summary, outcomes) = run();
        for s in &mut summary.scenarios {
            s.drivers.clear();
            s.sensitivity.clear();
        }
        summary.comparisons = Comparisons::default();
        let html = render_html(&model, &summary, &outcomes);
        assert!(chart(&html, "chart-tornado").contains("not computed"));
        assert!(chart(&html, "chart-sensitivity").contains("not computed"));
        assert!(html.contains("comparisons were not computed"));
        // The figure beside each promise dot is the promise's probability in the table.
        let cdf = chart(&html, "chart-cdf");
        for s in &summary.scenarios {
            let p = percent(s.promises[0].probability);
            assert!(cdf.contains(&format!(">{p}<")), "{p} on the S-curve");
        }
        assert!(cdf.contains("First car in 2023 (2023-12-31)"));
        // The budget is drawn on the spend chart, in the model's currency.
        assert!(chart(&html, "chart-spend").contains("budget: EUR 4bn by 2026-12-31"));
    }
}
