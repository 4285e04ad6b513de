//! # launchcast-report
//!
//! Turns what the engine measured ([`launchcast_engine::Outcomes`]) into what people read.
//!
//! - [`summarize`] computes a [`Summary`]: per scenario, the probability and exact quantiles
//!   (dates included) of the first delivery, the probability of every promise, deliveries and
//!   spend per calendar year, and per-task finish statistics with criticality. Its JSON form
//!   ([`to_json`]) is the stable contract of `DESIGN.md`.
//! - [`column_stats`] is the exact-quantile routine behind it: a two-pass radix select on the
//!   bit patterns of `f32` columns, no sort, deterministic at any thread count. Its module docs
//!   state the quantile rule (nearest rank).
//! - Renderers: [`render_terminal`] (aligned plain-ASCII tables), [`write_csv`] (one file
//!   per table) and [`write_atomic`], which every file output goes through so that an
//!   existing file is replaced whole or not at all.

mod analysis;
mod atomic;
pub mod format;
mod render;

pub use analysis::comparisons::{BestByPromise, Comparisons, Pair};
pub use analysis::drivers::{
    Candidate, DRIVER_ITERATIONS, Driver, DriverKind, MAX_TASK_DRIVERS, PromiseChanges,
    driver_candidates, drivers, measure_drivers,
};
pub use analysis::quantile::{ColumnStats, column_stats};
pub use analysis::sensitivity::{CorrelationCheck, Sensitivity, spearman};
pub use analysis::summary::{
    FirstDelivery, PromiseSummary, ScenarioSummary, Summary, TaskSummary, YearSummary, summarize,
};
pub use atomic::{remove_temp_files, write_atomic};
pub use render::csv::{CSV_FILES, write_csv};
pub use render::html::{CHART_IDS, render_html};
pub use render::json::to_json;
pub use render::terminal::render_terminal;
