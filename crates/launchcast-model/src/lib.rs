//! # launchcast-model
//!
//! The program model of launchcast: the TOML file format (version 1, see
//! `docs/model-format.md`), the grammar of distributions and units, validation, and
//! diagnostics that name the file, the line and column and the offending value.
//!
//! The path through this crate is: text → [`parse`] / [`parse_file`] → [`Model`] (validated,
//! named, defaults filled in, values in base units) → [`Model::scenario_model`] (one per
//! scenario, overrides applied). [`to_toml`] writes a model back as a file that reads back
//! equal. A model built or extended in code (an imported schedule; a program model with the
//! tasks of its `[[include]]`s merged in as `prefix/id`) is checked by [`validate`], with the
//! same problem kinds by key path; [`ValidModel`] is a model that passed, is complete
//! (includes merged, a task to simulate) and derefs to it; [`ValidModel::select`] checks a
//! choice of its scenarios ([`Selection`]). A file is validated once: [`ReadModel::parse`]
//! gives the model as read, which [`ValidModel::from_read`] takes without validating it
//! again (a `Model` built or changed in code has to pass [`ValidModel::new`]).
//! [`parse_with_map`] also gives a [`SourceMap`] (key path → place in the file), so that
//! problems found later are shown at their place; [`ReadModel::parse_keeping_written`] keeps
//! the distributions as written ([`Written`]). [`correlation_groups`] gives the engine
//! each connected group of `[[correlate]]` items with its matrix and Cholesky factor.
//!
//! ```
//! use launchcast_model::{ValidModel, validate};
//!
//! let text = r#"
//! [program]
//! name = "Launch"
//! start = 2025-01-01
//! horizon = 2027-12-31
//!
//! [[task]]
//! id = "build"
//! duration = "tri(2mo, 3mo, 6mo)"
//!
//! [[task]]
//! id = "launch"
//! duration = "1w"
//! after = ["build"]
//! "#;
//! // Read: every problem of the file at once, each with its line, column and a help.
//! let model = launchcast_model::parse(text, "launch.toml")?;
//! assert_eq!(model.tasks[1].after[0].task, "build");
//!
//! // Validate a model changed in code: problems by key path.
//! let mut changed = model.clone();
//! changed.tasks[1].after[0].task = "biuld".into();
//! let e = validate(&changed).unwrap_err();
//! assert!(e.plain().contains("task[1].after[0]"));
//!
//! // A model that passed, for code that needs no checks of its own.
//! let valid = ValidModel::new(model)?;
//! assert_eq!(valid.tasks.len(), 2);
//! let selection = valid.select(&["base".to_string()])?;
//! assert_eq!(selection.scenarios(), &[None]);
//!
//! // A file is validated once: as read, then made valid without a second validation.
//! let read = launchcast_model::ReadModel::parse(text, "launch.toml")?;
//! assert_eq!(ValidModel::from_read(read)?, valid);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Modules: `grammar` (amounts, units, distributions, links: [`Dist::parse`],
//! [`Dist::display`]), `raw` (span-keeping access to the TOML tree, public as much as other
//! files need through [`toml_reader`]), `read` (reading a file,
//! one module per kind of table), `source_map`, `cross` (the checks across items shared by
//! reading and [`validate`]: ids, references and include prefixes, cycles, dates, scenario
//! settings, correlations), `validate` ([`validate`]), `valid` ([`ValidModel`], the changes
//! that keep it valid, [`Selection`], [`ReadModel`]), `written` ([`Written`]), `idhash` (the
//! hash map of ids the checks look up), `kind` (every kind of
//! problem with its label, message and help), `suggest` ("did you mean"), `correlate`
//! (groups, Cholesky, which pair to blame), `scenario`, `write`, and `errors` ([`ModelError`]
//! holds every [`Problem`] found, each a `miette::Diagnostic` with a labelled span and a help;
//! [`line_column`]).

mod calendar;
mod correlate;
mod cross;
mod date;
mod dist;
mod errors;
mod grammar;
mod idhash;
mod input;
mod kind;
mod limits;
mod model;
mod raw;
mod read;
mod reference;
mod scenario;
mod source_map;
mod suggest;
pub mod toml_reader;
mod valid;
mod validate;
mod write;
mod written;

pub use calendar::{
    Calendar, CalendarException, GRID_MINUTES, Hours, NO_CALENDAR, WEEKDAYS, hours_text, minutes,
    parse_hours, weekday,
};
pub use correlate::{CorrelatedItem, CorrelationGroup, correlation_groups, normal_score};
pub use date::{DAYS_PER_YEAR, Date};
pub use dist::{
    Dist, Quantity, Z90, beta_cdf, beta_quantile, normal_cdf, normal_quantile, pert_shape,
};
pub use errors::{DistError, ModelError, Problem, line_column};
pub use grammar::DistText;
pub use input::{
    DEFAULT_MAX_INPUT_BYTES, InputError, binary_help, binary_kind, max_input_bytes, printable,
    read_input, set_max_input_bytes,
};
pub use kind::iterations_problem;
pub use limits::{MAX_HORIZON_DAYS, MAX_ITERATIONS};
pub use model::{
    Correlation, Curve, Impact, Include, Link, LinkKind, Model, Origin, Plant, Program, Promise,
    PromiseKind, Risk, Scenario, Setting, SettingValue, Task,
};
pub use read::{parse, parse_file, parse_with_map, read_model_text};
pub use reference::{Fit, Observation, Reference, ReferenceUse, predictive, student_t_quantile};
pub use source_map::SourceMap;
pub use suggest::{closest, nearest};
pub use valid::{InvalidModel, ReadModel, Selection, UnknownScenario, ValidModel};
pub use validate::validate;
pub use write::to_toml;
pub use written::Written;
