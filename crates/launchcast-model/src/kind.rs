//! What can be wrong with a value of a model, as kinds that own their wording: a short
//! label, the message (quoting the offending value) and a help. Reading a file (`read`) and
//! validating a model built in code (`validate`) report the same kind for the same mistake,
//! so no message is written twice.

use crate::Date;
use crate::errors::DistError;
use crate::model::MAX_HORIZON_DAYS;
use crate::model::MAX_ITERATIONS;
use crate::raw::leaf;

/// Which value in [0, 1] a fraction is, for its help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fraction {
    TaskChance,
    RiskChance,
    RampStart,
    /// A scenario setting of a fraction.
    Setting,
}

impl Fraction {
    pub(crate) fn help(self) -> &'static str {
        match self {
            Fraction::TaskChance => "a probability in [0, 1]: 0.7 means 70%",
            Fraction::RiskChance => "a probability in [0, 1]: 0.3 means 30%",
            Fraction::RampStart => "a fraction of nameplate in [0, 1], e.g. 0.1",
            Fraction::Setting => "a number in [0, 1]",
        }
    }
}

/// One kind of problem, with what its message quotes. `key` is the key path of the value.
#[derive(Clone, Debug)]
pub(crate) enum ProblemKind<'a> {
    /// `iterations` below 1.
    TooFewIterations(i128),
    /// `iterations` above [`MAX_ITERATIONS`].
    TooManyIterations(i128),
    /// `horizon` on or before `start`.
    HorizonNotAfterStart { start: Date, horizon: Date },
    /// `horizon` more than [`MAX_HORIZON_DAYS`] after `start`.
    HorizonTooFar { start: Date, horizon: Date },
    /// A fraction outside [0, 1], `value` as written (or as the shortest text of the number).
    OutsideUnitInterval {
        key: &'a str,
        value: &'a str,
        what: Fraction,
    },
    /// An `[[include]]`'s `file` or `uncertainty` is blank.
    EmptyIncludeKey { key: &'a str },
    /// A risk whose `tasks` list is empty.
    RiskAffectsNoTask,
    /// A date outside `start..=horizon`; `item` for dates of items (which could move).
    DateOutsideProgram {
        key: &'a str,
        date: Date,
        start: Date,
        horizon: Date,
        item: bool,
    },
    /// A distribution (or link) text that does not read, or reads as an invalid one.
    BadText { text: &'a str, error: &'a DistError },
}

impl ProblemKind<'_> {
    /// The short text under the highlighted span.
    pub(crate) fn label(&self) -> &'static str {
        match self {
            ProblemKind::TooFewIterations(_) => "must be ≥ 1",
            ProblemKind::TooManyIterations(_) => "too many",
            ProblemKind::HorizonNotAfterStart { .. } => "not after start",
            ProblemKind::HorizonTooFar { .. } => "too far",
            ProblemKind::OutsideUnitInterval { .. } => "outside [0, 1]",
            ProblemKind::EmptyIncludeKey { .. } | ProblemKind::RiskAffectsNoTask => "empty",
            ProblemKind::DateOutsideProgram { .. } => "outside start..horizon",
            ProblemKind::BadText { .. } => "here",
        }
    }

    /// What is wrong, quoting the value.
    pub(crate) fn message(&self) -> String {
        match self {
            ProblemKind::TooFewIterations(n) => format!("`iterations` = {n} must be at least 1"),
            ProblemKind::TooManyIterations(n) => {
                format!("`iterations` = {n} is more than the limit of {MAX_ITERATIONS}")
            }
            ProblemKind::HorizonNotAfterStart { start, horizon } => {
                format!("`horizon` = {horizon} is not after `start` = {start}")
            }
            ProblemKind::HorizonTooFar { start, horizon } => format!(
                "`horizon` = {horizon} is {} days after `start` = {start}; it may be at most {MAX_HORIZON_DAYS} days (100 years) after it",
                horizon.days_since(*start)
            ),
            ProblemKind::OutsideUnitInterval { key, value, .. } => {
                format!("`{}` = `{value}` is outside [0, 1]", leaf(key))
            }
            ProblemKind::EmptyIncludeKey { key } => format!("`{}` is empty", leaf(key)),
            ProblemKind::RiskAffectsNoTask => {
                "`tasks` is empty: the risk affects no task".to_string()
            }
            ProblemKind::DateOutsideProgram {
                key,
                date,
                start,
                horizon,
                ..
            } => format!(
                "`{}` = {date} is outside the program, {start} to {horizon}",
                leaf(key)
            ),
            ProblemKind::BadText { text, error } => {
                if error.message.contains(text.trim()) {
                    error.message.clone()
                } else {
                    format!("\"{text}\": {}", error.message)
                }
            }
        }
    }

    /// How to fix it.
    pub(crate) fn help(&self) -> String {
        match self {
            ProblemKind::TooFewIterations(_) => {
                "write a whole number of 1 or more, e.g. iterations = 10000".into()
            }
            ProblemKind::TooManyIterations(_) => {
                "write at most 100000000; 10,000 to 100,000 iterations give most results to a \
                 fraction of a percent"
                    .into()
            }
            ProblemKind::HorizonNotAfterStart { .. } => {
                "the horizon must be a later date than the start".into()
            }
            ProblemKind::HorizonTooFar { start, .. } => {
                let latest = start
                    .add_days(f64::from(MAX_HORIZON_DAYS))
                    .map_or_else(String::new, |d| format!(", e.g. horizon = {d}"));
                format!(
                    "simulated time, the results per year and the working-time tables grow with the horizon: choose one within 100 years of the start{latest}"
                )
            }
            ProblemKind::OutsideUnitInterval { what, .. } => what.help().into(),
            ProblemKind::EmptyIncludeKey { key } => {
                if leaf(key) == "uncertainty" {
                    "the uncertainty rules file, e.g. uncertainty = \"rules.toml\", or leave the key out".into()
                } else {
                    "the schedule file to include, e.g. file = \"plant.xer\"".into()
                }
            }
            ProblemKind::RiskAffectsNoTask => "list the ids of the tasks it affects".into(),
            ProblemKind::DateOutsideProgram { item, .. } => {
                if *item {
                    "use a date between program.start and program.horizon, or move them".into()
                } else {
                    "use a date between program.start and program.horizon".into()
                }
            }
            ProblemKind::BadText { error, .. } => error.help.clone(),
        }
    }

    /// The problem with `iterations` = `n`, if any.
    pub(crate) fn of_iterations(n: i128) -> Option<ProblemKind<'static>> {
        if n < 1 {
            Some(ProblemKind::TooFewIterations(n))
        } else if n > i128::from(MAX_ITERATIONS) {
            Some(ProblemKind::TooManyIterations(n))
        } else {
            None
        }
    }

    /// The problem with a horizon for a program starting `start`, if any.
    pub(crate) fn of_horizon(start: Date, horizon: Date) -> Option<ProblemKind<'static>> {
        let span = horizon.days_since(start);
        if span <= 0 {
            Some(ProblemKind::HorizonNotAfterStart { start, horizon })
        } else if span > MAX_HORIZON_DAYS {
            Some(ProblemKind::HorizonTooFar { start, horizon })
        } else {
            None
        }
    }
}
