//! Backtests: how good was a forecast? An actuals file ([`Actuals`], read by
//! [`Actuals::parse`]) says what really happened, as known on its `as_of` date; [`forecast`]
//! runs the model (no drivers) and [`score`] says where each actual fell in it
//! ([`Backtest`]); [`calibrate`] pools many backtests ([`Calibration`]).
//!
//! The scores, per outcome:
//!
//! - **PIT** (probability integral transform): `P(X < a) + ½ P(X = a)`, the mid-point of
//!   the forecast's mass tied with the actual. A date is known to the day, so the forecast's
//!   mass within that day counts as the tie: `P(X < d) + ½ P(d ≤ X < d + 1)`. "Never by the
//!   horizon" is an atom at +∞. For a calibrated forecaster PITs are uniform.
//! - **Inside P10–P90** (and P5–P95): nearest-rank quantiles, the run's rule
//!   ([`launchcast_engine::nearest_rank`]), of the whole forecast: never-by-the-horizon
//!   counts as +∞ (the run's own P10–P90 of a date are over the iterations in which it
//!   happens). Dates compare as days, the quantiles' days rounded down as the run prints them.
//! - **CRPS** in the outcome's unit: `E|X − a| − ½ E|X − X'|` (from the sorted sample,
//!   exactly), or the integral `∫ (F(x) − 1{x ≥ a})² dx` of a task's histogram CDF; a date
//!   scores at its mid-day; +∞ (never by the horizon) counts at the end of the horizon's
//!   day, for the forecast and the actual alike: a lower bound of the distance to a truth
//!   beyond the horizon.
//! - **Probability and Brier** for events: a promise kept, a task that did not finish, an
//!   outcome not yet happened by `as_of` (censored).
//!
//! Censored outcomes (no first delivery by an `as_of` before the horizon's end, a task
//! unfinished) are scored as such: the probability the forecast gave to "not by `as_of`"
//! and its Brier score; inside P10–P90 only where it is known (not by `as_of` while the P90
//! date is on or before `as_of`: above P90, outside); no PIT nor CRPS.

mod actuals;
mod calibration;
mod html;
mod score;
mod set;
mod stats;
mod terminal;

use launchcast_model::Date;
use serde::Serialize;

pub use calibration::{Calibration, ChiSquare, Coverage, PIT_BINS, Reliability, calibrate};
pub use html::{render_backtest_html, render_calibration_html};
pub use score::{Forecast, forecast, score};
pub use set::{SetForecast, read_set};
pub use terminal::{render_backtest_terminal, render_calibration_terminal};

/// What really happened, as known on `as_of`.
#[derive(Clone, Debug, PartialEq)]
pub struct Actuals {
    /// The day the facts below were known (the end of it).
    pub as_of: Date,
    /// The scenario scored (`base` by default).
    pub scenario: String,
    /// The first delivery, if given.
    pub first_delivery: Option<FirstDeliveryActual>,
    /// Tasks, in file order.
    pub tasks: Vec<TaskActual>,
    /// Cars delivered in a calendar year.
    pub deliveries: Vec<YearActual>,
    /// Money spent in a calendar year.
    pub spend: Vec<YearActual>,
    /// Promises, kept or not.
    pub promises: Vec<PromiseActual>,
}

/// The first delivery as known on `as_of`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FirstDeliveryActual {
    /// On this date.
    On(Date),
    /// Not by `as_of` (`"none"`).
    NoneYet,
}

/// What a task did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TaskOutcome {
    /// Finished on this date.
    Finished(Date),
    /// Failed: it will never finish.
    Failed,
    /// Not finished by `as_of`.
    Unfinished,
}

/// One task's actual.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskActual {
    /// Task id.
    pub id: String,
    /// Its index in the model's tasks.
    pub index: usize,
    /// What it did.
    pub outcome: TaskOutcome,
}

/// Cars or money of one calendar year.
#[derive(Clone, Debug, PartialEq)]
pub struct YearActual {
    /// Calendar year.
    pub year: i32,
    /// Cars, or currency units.
    pub value: f64,
}

/// One promise's actual.
#[derive(Clone, Debug, PartialEq)]
pub struct PromiseActual {
    /// Promise id.
    pub id: String,
    /// Its index in the model's promises.
    pub index: usize,
    /// Whether it was kept.
    pub kept: bool,
}

/// The kind of an outcome scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The headline date.
    FirstDelivery,
    /// A task's finish.
    Task,
    /// Cars delivered in a year.
    DeliveriesInYear,
    /// Money spent in a year.
    SpendInYear,
    /// A promise kept or not.
    Promise,
}

impl Kind {
    /// The name used in JSON and tables.
    pub fn name(self) -> &'static str {
        match self {
            Kind::FirstDelivery => "first_delivery",
            Kind::Task => "task",
            Kind::DeliveriesInYear => "deliveries_in_year",
            Kind::SpendInYear => "spend_in_year",
            Kind::Promise => "promise",
        }
    }
}

/// A value as JSON shows it: a date or word, a number, a flag.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Shown {
    /// A date (`2024-10-15`) or a word (`none`, `never`, `failed`, `unfinished`).
    Text(String),
    /// Cars or money.
    Number(f64),
    /// Kept or not.
    Flag(bool),
}

/// Where one actual fell in the forecast. The keys of `docs/model-format.md` first, then
/// additions; keys that do not apply are absent.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scored {
    /// What was scored.
    pub kind: Kind,
    /// Task or promise id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Calendar year of deliveries or spend.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// What happened, as the actuals file says.
    pub actual: Shown,
    /// Mid-point PIT, to 4 decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pit: Option<f64>,
    /// Whether the actual lies within P10–P90 (absent where censoring hides it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inside_p10_p90: Option<bool>,
    /// CRPS in `unit`, to 0.1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crps: Option<f64>,
    /// Forecast probability of the event that `event` names, to 4 decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// `(probability − 1)²` for the event that happened, `probability²` for one that did
    /// not (a promise broken), to 4 decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brier: Option<f64>,
    // Additions.
    /// The event `probability` is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// True when the outcome was not yet known on `as_of`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub censored: bool,
    /// `days`, `cars` or the currency (absent for promises).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The PIT's range `[P(X < a), P(X ≤ a)]` (a date: the day's), to 4 decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pit_range: Option<[f64; 2]>,
    /// Whether the actual lies within P5–P95.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inside_p5_p95: Option<bool>,
    /// Forecast P10 (a date, `never`, or a number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p10: Option<Shown>,
    /// Forecast P50.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50: Option<Shown>,
    /// Forecast P90.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p90: Option<Shown>,
    /// For charts: P5, P10, P50, P90, P95 in the unit (days from start; +∞ for never).
    #[serde(skip)]
    pub quantiles: Option<[f64; 5]>,
    /// For charts: the actual in the unit (a date's mid-day; +∞ for never; for a censored
    /// outcome, the end of `as_of`, a bound).
    #[serde(skip)]
    pub at: Option<f64>,
}

/// One backtest: every actual scored, and the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Backtest {
    /// The scenario scored.
    pub scenario: String,
    /// In the order: first delivery, tasks, deliveries, spend, promises (each in file order).
    pub outcomes: Vec<Scored>,
    /// The scores pooled.
    pub summary: BacktestSummary,
    // Additions.
    /// Program name.
    pub model: String,
    /// `as_of` of the actuals.
    pub as_of: String,
    /// `program.start`.
    pub start: String,
    /// `program.horizon`.
    pub horizon: String,
    /// Iterations of the forecast run.
    pub iterations: u64,
    /// Its seed.
    pub seed: u64,
    /// Label of money amounts.
    pub currency: String,
}

/// The scores of one backtest pooled.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BacktestSummary {
    /// Outcomes scored.
    pub outcomes: usize,
    /// Outcomes inside their P10–P90.
    pub inside_p10_p90: usize,
    /// `inside_p10_p90` over the outcomes for which it is known (censoring can hide it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_inside: Option<f64>,
    /// Mean CRPS in days, over the outcomes measured in days (first delivery, tasks): the
    /// one unit the schedule shares (per kind: `mean_crps_by_kind`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_crps: Option<f64>,
    /// Mean Brier score over the outcomes with a probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brier: Option<f64>,
    // Additions.
    /// Outcomes for which inside P10–P90 is known.
    pub ranged: usize,
    /// Censored outcomes.
    pub censored: usize,
    /// Mean CRPS per kind, in its unit (days, cars, currency).
    pub mean_crps_by_kind: std::collections::BTreeMap<&'static str, f64>,
}
