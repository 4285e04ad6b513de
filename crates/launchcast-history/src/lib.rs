//! launchcast's memory of its forecasts. Every `run` (and every what-if a user keeps) is
//! recorded in a SQLite database beside the model (`.launchcast/history.db`): when, the model
//! file's text and hash, the seed, iterations and scenarios, and the headline results (each
//! promise's probability, the first-delivery quantiles, deliveries and spend per year, per
//! scenario). What was said last month can then be listed, compared with today's forecast
//! (which keys of the model changed, and what that did to each promise and to P50/P80), and
//! scored later against what happened.
//!
//! - [`History`]: the database: opened (created and migrated) with [`History::open`], written
//!   in one transaction per run ([`History::record`]), read with [`History::list`] and
//!   [`History::get`]. WAL journal and a busy timeout: two processes writing at once both
//!   land, and a crash mid-write leaves the last committed state.
//! - [`Headline`]: what is kept of a result, made from a [`launchcast_report::Summary`].
//! - [`diff`]: two recorded runs compared: model keys added, removed and changed, and the
//!   change of every promise and of the first delivery's P50 and P80 per scenario.
//! - [`History::trend`]: a model's runs oldest first, each with its promises and P50/P80 and
//!   the keys changed since the run before, for a chart of how the forecast moved.

mod diff;
mod errors;
mod headline;
mod store;
mod time;
mod trend;

pub use diff::{Diff, KeyChange, Moved, diff, model_changes};
pub use errors::HistoryError;
pub use headline::{Headline, ScenarioHeadline};
pub use store::{
    DEFAULT_DIR, DEFAULT_FILE, History, NewRun, RunEntry, SCHEMA_VERSION, default_path, model_name,
};
pub use time::utc_now;
pub use trend::{TrendPoint, TrendScenario};
