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

mod compare;
mod csv;
mod drivers;
mod html;
mod output;
mod quantile;
mod sensitivity;
mod summary;
mod svg;
mod terminal;
mod terminal_extra;

pub use compare::{BestByPromise, Comparisons, Pair};
pub use csv::{CSV_FILES, write_csv};
pub use drivers::{
    Candidate, DRIVER_ITERATIONS, Driver, DriverKind, MAX_TASK_DRIVERS, PromiseChanges,
    driver_candidates, drivers, measure_drivers,
};
pub use html::{CHART_IDS, render_html};
pub use output::{remove_temp_files, to_json, write_atomic};
pub use quantile::{ColumnStats, column_stats};
pub use sensitivity::{CorrelationCheck, Sensitivity, spearman};
pub use summary::{
    FirstDelivery, PromiseSummary, ScenarioSummary, Summary, TaskSummary, YearSummary, summarize,
};
pub use terminal::render_terminal;
