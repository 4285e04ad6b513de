//! # launchcast-report
//!
//! Turns what the engine measured ([`launchcast_engine::Outcomes`]) into what people read.
//! Analysis and rendering are apart: the analysis produces typed data, the renderers only
//! read it.
//!
//! Analysis:
//!
//! - [`summarize`] computes a [`Summary`]: per scenario, the probability and exact quantiles
//!   (dates included) of the first delivery, the probability of every promise, deliveries and
//!   spend per calendar year, per-task finish statistics with criticality, the [`Sensitivity`]
//!   of the headline to each task, and the [`Comparisons`] of every pair of scenarios on the
//!   same draws. Its JSON form ([`to_json`]) is the stable contract of `docs/model-format.md`.
//! - [`drivers`] (or [`driver_candidates`] then [`measure_drivers`]) measures what each risk
//!   and uncertain task adds to the headline date: [`Driver`]s, which go into the summary.
//! - [`column_stats`] is the exact-quantile routine behind it: a two-pass radix select on the
//!   bit patterns of `f32` columns, no sort, deterministic at any thread count. Its docs
//!   state the quantile rule (nearest rank). [`spearman`] is the rank correlation.
//!
//! Backtests ([`backtest`]): an actuals file scored against a forecast run (PIT, coverage,
//! CRPS, Brier), and many such scores pooled into a calibration.
//!
//! Rendering: [`render_terminal`] (aligned plain-text tables), [`to_json`], [`write_csv`]
//! (one file per table, [`CSV_FILES`]) and [`render_html`] (one self-contained page with
//! SVG charts, [`CHART_IDS`]). The terminal and the HTML report write their figures through
//! [`format`](mod@format). Every file output goes through [`write_atomic`], so that an
//! existing file is replaced whole or not at all.
//!
//! A run in parts: [`write_partial`] and [`read_partial`] are a part's bytes;
//! [`PartialHeader::of_run`] its header and [`MergeParts`] the merge of parts into the whole
//! run's outcomes and summary, shared by the command line and the Python package.
//!
//! # From a model file to a report
//!
//! ```
//! use launchcast_engine::{Plan, RunOptions};
//!
//! let text = r#"
//! [program]
//! name = "Pilot line"
//! start = 2025-01-06
//! horizon = 2027-12-31
//!
//! [[task]]
//! id = "build"
//! name = "Build the line"
//! duration = "tri(3mo, 4mo, 7mo)"
//!
//! [[risk]]
//! id = "late_permit"
//! chance = 0.3
//! tasks = ["build"]
//! delay = "tri(1mo, 2mo, 4mo)"
//!
//! [[plant]]
//! id = "line"
//! capacity = 20000
//! starts = "build"
//! ramp = "tri(2mo, 3mo, 6mo)"
//!
//! [[promise]]
//! id = "autumn"
//! first_delivery_by = 2025-10-01
//! "#;
//! // Read (parsing reports every problem of the file, and validates).
//! let model = launchcast_model::ValidModel::parse(text, "pilot.toml")?;
//! // Compile (a valid model always compiles) and simulate.
//! let plan = Plan::compile(&model);
//! let options = RunOptions {
//!     iterations: 2_000,
//!     seed: 7,
//!     threads: 1,
//!     progress: None,
//!     statistics: true,
//! };
//! let outcomes = launchcast_engine::run(&plan, &options)?;
//! // Summarise, with the drivers in days.
//! let mut summary = launchcast_report::summarize(&model, plan.scenarios(), &outcomes);
//! let drivers = launchcast_report::drivers(&model, &model.all_scenarios(), &outcomes, &options)?;
//! for (scenario, list) in summary.scenarios.iter_mut().zip(drivers) {
//!     scenario.drivers = list;
//! }
//! let base = &summary.scenarios[0];
//! assert!(base.promises[0].probability > 0.0 && base.promises[0].probability < 1.0);
//! assert_eq!(base.drivers[0].id, "late_permit");
//! // Render.
//! let terminal = launchcast_report::render_terminal(&summary, &model, 100);
//! assert!(terminal.contains("autumn"));
//! let json = launchcast_report::to_json(&summary);
//! assert!(json.contains(r#""first_delivery""#));
//! let html = launchcast_report::render_html(&model, &summary, &outcomes);
//! assert!(html.starts_with("<!DOCTYPE html>") && html.contains(r#"id="chart-cdf""#));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod analysis;
mod atomic;
pub mod backtest;
pub mod format;
mod partial;
mod render;
mod shards;

pub use analysis::comparisons::{BestByPromise, Comparisons, Pair};
pub use analysis::drivers::{
    Candidate, DRIVER_ITERATIONS, Driver, DriverKind, MAX_TASK_DRIVERS, PromiseChanges,
    add_drivers, driver_candidates, driver_candidates_ranked, drivers, measure_drivers,
    summarize_with_drivers,
};
pub use analysis::quantiles::{ColumnStats, column_stats};
pub use analysis::references::{
    ObservationSummary, Range80, ReferenceSummary, UseSummary, reference_summaries,
};
pub use analysis::sensitivity::{CorrelationCheck, Sensitivity, spearman};
pub use analysis::summary::{
    FirstDelivery, PromiseSummary, RankCorrelations, ScenarioSummary, Summary, TaskSummary,
    YearSummary, summarize, summarize_ranked,
};
pub use atomic::{remove_temp_files, write_atomic};
pub use partial::{
    PARTIAL_FORMAT, PartialError, PartialHeader, fnv1a, read_partial, text_hash, write_partial,
};
pub use render::csv::{CSV_FILES, write_csv};
pub use render::html::{CHART_IDS, HTML_CSS, render_html, render_html_main};
pub use render::json::to_json;
pub use render::svg::{colour as series_colour, esc as escape_html};
pub use render::terminal::render_terminal;
pub use shards::{MergeParts, MergeRefused, Merged};
