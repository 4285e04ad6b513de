//! # launchcast-import
//!
//! Reads schedules written by other tools into launchcast's [`launchcast_model::Model`]:
//!
//! | format | module | what it is |
//! |---|---|---|
//! | MSPDI | [`mspdi`] | Microsoft Project XML |
//! | XER | [`xer`] | Primavera P6 export: tab-separated tables (`%T`, `%F`, `%R`) |
//! | PMXML | [`pmxml`] | Primavera P6 XML |
//! | MPX | [`mpx`] | the old Microsoft Project exchange format, comma-separated records |
//! | PSPLIB `.sm` | [`psplib`] | single-mode project scheduling benchmark instances |
//!
//! Every reader produces a [`Schedule`]: tasks, summary tasks and milestones, links of the
//! four types with lags, working-time calendars, date constraints and progress, in the
//! file's own terms. [`CalendarSet::schedule`] computes its deterministic dates in working
//! time; [`to_model`] maps it to a `Model` (leaf tasks only, in working time on their
//! calendars, from the status date when the schedule is in progress); [`inspect`] summarises
//! it. [`import_path`] does all of that for a file, choosing the
//! reader by extension and content.
//!
//! [`rules`] turns the fixed durations of an imported schedule into distributions, risks
//! and correlation groups from a small TOML file of uncertainty rules (format in the module
//! documentation): [`Rules::read`], then [`rules::apply`].
//!
//! [`include`] merges the schedules a program model names in `[[include]]` into it, as
//! `prefix/<task id>` tasks keeping their real dates: [`load_model`] reads a model file and
//! does that; [`resolve_includes`] does it for a model already read.
//!
//! No input makes a reader panic: errors ([`ImportError`]) name the file, the place
//! (line and column, table row and field, or XML element and its line) and the offending
//! value. Every reader refuses, as bad input, two tasks with one id and links that form a
//! cycle (summary tasks' links standing for their leaf tasks'), naming the records.

pub mod calendar;
mod check;
pub mod cpm;
mod errors;
mod import;
pub mod include;
pub mod mpx;
pub mod mspdi;
pub mod pmxml;
pub mod psplib;
pub mod rules;
mod schedule;
mod text;
mod to_model;
pub mod xer;
mod xml;

pub use calendar::CalendarSet;
pub use errors::{Details, ErrorKind, ImportError, Place};
pub use import::{Inspect, Relations, detect, import_bytes, import_path, inspect, read_bytes};
pub use include::{
    Included, ModelSource, Resolved, load_model, resolve_includes, resolve_includes_in,
};
pub use rules::{Applied, Rules, RulesError};
pub use schedule::{
    Calendar, CalendarException, Constraint, ConstraintKind, DateTime, DayHours, Duration, Format,
    LeafLink, MAX_LEAF_LINKS, MINUTES_PER_DAY, Relation, Schedule, Task,
};
pub use to_model::{as_of, default_start, to_model};
