//! # launchcast-model
//!
//! The program model of launchcast: the TOML file format (version 1, see `DESIGN.md`), the
//! grammar of distributions and units, validation, and diagnostics that name the file, the
//! line and column and the offending value.
//!
//! The path through this crate is: text → [`parse`] → [`Model`] (validated, named) →
//! [`Model::scenario_model`] (one per scenario, overrides applied). The engine compiles a
//! [`Model`] into dense arrays; nothing downstream needs to re-check it.

mod date;
mod dist;
mod errors;
mod grammar;
mod model;
mod raw;
mod scenario;
mod validate;
mod write;

pub use date::{DAYS_PER_YEAR, Date};
pub use dist::{
    Dist, Quantity, Z90, beta_cdf, beta_quantile, normal_cdf, normal_quantile, pert_shape,
};
pub use errors::{DistError, ModelError, Problem};
pub use grammar::DistText;
pub use model::{
    Curve, Impact, Link, LinkKind, Model, Plant, Program, Promise, PromiseKind, Risk, Scenario,
    Setting, SettingValue, Task,
};
pub use validate::{parse, parse_file};
pub use write::to_toml;
