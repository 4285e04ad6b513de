//! # launchcast-import
//!
//! Reads schedules written by other tools into launchcast's [`launchcast_model::Model`]:
//!
//! | format | [`Format`] | what it is |
//! |---|---|---|
//! | MSPDI | `Mspdi` | Microsoft Project XML |
//! | XER | `Xer` | Primavera P6 export: tab-separated tables (`%T`, `%F`, `%R`) |
//! | PMXML | `Pmxml` | Primavera P6 XML |
//! | MPX | `Mpx` | the old Microsoft Project exchange format, comma-separated records |
//! | PSPLIB `.sm` | `Psplib` | single-mode project scheduling benchmark instances ([`read_psplib`]) |
//!
//! Every reader produces a [`Schedule`]: tasks, summary tasks and milestones, links of the
//! four types with lags, working-time calendars, date constraints and progress, in the
//! file's own terms. [`CalendarSet::schedule`] computes its deterministic dates in working
//! time; [`to_model`] maps it to a `Model` (leaf tasks only, in working time on their
//! calendars, from the status date when the schedule is in progress); [`inspect`] summarises
//! it. [`import_path`] (or [`import_bytes`]) does all of that for a file, choosing the reader
//! by extension and content.
//!
//! ```
//! use std::path::Path;
//!
//! // An MPX schedule: two tasks of 10 and 20 working days, then a milestone.
//! let text = "MPX,Microsoft Project,4.0\n\
//!     30,Plant build,,,,01/02/2023 08:00,\n\
//!     61,1,2,3,40,50,70,81,90,98\n\
//!     70,Site works,1,1,10d,01/02/2023 08:00,,No,1,1\n\
//!     70,Building,2,1,20d,,1,No,2,2\n\
//!     70,Commissioning,3,1,0d,,2,Yes,3,3\n";
//! let (schedule, model) = launchcast_import::import_bytes(Path::new("plant.mpx"), text.as_bytes())?;
//! assert_eq!(schedule.format, launchcast_import::Format::Mpx);
//! // The model: one task per leaf task, linked as in the file, ready to validate and run.
//! let ids: Vec<&str> = model.tasks.iter().map(|t| t.id.as_str()).collect();
//! assert_eq!(ids, ["t1", "t2", "t3"]);
//! assert_eq!(model.tasks[1].after[0].task, "t1");
//! launchcast_model::validate(&model)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Rules`] turn the fixed durations of an imported schedule into distributions, risks and
//! correlation groups from a small TOML file of uncertainty rules (format in its
//! documentation): [`Rules::read`], then [`apply_rules`].
//!
//! [`load_model`] reads a model file and merges the schedules it names in `[[include]]` into
//! it, as `prefix/<task id>` tasks keeping their real dates; [`resolve_includes`] does it for
//! a model already read. [`read_model_file`] is what the command line reads with: a file
//! without includes stays the model as read, already validated ([`LoadedModel`]).
//!
//! No input makes a reader panic: errors ([`ImportError`]) name the file, the place
//! (line and column, table row and field, or XML element and its line) and the offending
//! value. Every reader refuses, as bad input, two tasks with one id and links that form a
//! cycle (summary tasks' links standing for their leaf tasks'), naming the records.

mod calendar;
mod check;
mod errors;
mod import;
mod include;
mod model_text;
mod mpx;
mod mspdi;
mod pmxml;
mod psplib;
mod schedule;
mod text;
mod to_model;
mod uncertainty;
mod xer;
mod xml;

pub use calendar::CalendarSet;
pub use errors::{Details, ErrorKind, ImportError, Place};
pub use import::{
    Inspect, Relations, detect, import_bytes, import_path, inspect, is_schedule, read_bytes,
};
pub use include::{
    Included, LoadedModel, ModelSource, Resolved, load_model, parse_model_text, read_model_file,
    resolve_includes, resolve_includes_in, valid_model_at,
};
pub use model_text::imported_model_text;
pub use psplib::{Instance as PsplibInstance, read as read_psplib};
pub use schedule::default_start;
pub use schedule::{
    Calendar, CalendarException, Constraint, ConstraintKind, DateTime, DayHours, Duration, Format,
    LeafLink, MAX_LEAF_LINKS, MINUTES_PER_DAY, Relation, Schedule, Task,
};
pub use to_model::{as_of, to_model};
pub use uncertainty::{
    Applied, Relative, RiskRule, Rule, Rules, RulesError, Selector, apply as apply_rules,
    correlations_toml,
};
