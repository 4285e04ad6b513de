//! What can be wrong with a value of a model, as kinds that own their wording: a short
//! label, the message (quoting the offending value) and a help. Reading a file (`read`) and
//! validating a model built in code (`validate`) report the same kind for the same mistake,
//! so no message is written twice.

use crate::Date;
use crate::errors::DistError;
use crate::limits::{MAX_HORIZON_DAYS, MAX_ITERATIONS};
use crate::suggest::did_you_mean;

/// How to write `hours_per_day` (also the help when it is no number).
pub(crate) const HOURS_PER_DAY_HELP: &str =
    "the working hours in one day of duration, e.g. hours_per_day = 8";
/// How to write a `curve` (also the help when it is no string).
pub(crate) const CURVE_HELP: &str = "write curve = \"linear\" or curve = \"s\" (smoothstep)";
/// How to write `seed` (also the help when it is no whole number).
pub(crate) const SEED_HELP: &str = "write a whole number of 0 or more, e.g. seed = 1";

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
    /// A key the table `table` (a key path, empty for the top level) does not know.
    UnknownKey {
        name: &'a str,
        table: &'a str,
        known: &'a [&'a str],
    },
    /// A required key missing from the table `table`; `example` is a value to write.
    MissingKey {
        key: &'a str,
        table: &'a str,
        example: &'a str,
    },
    /// A value of the wrong TOML type: `found` (`a string`) written as `text`.
    WrongType {
        key: &'a str,
        expected: &'a str,
        found: &'static str,
        text: &'a str,
        help: &'a str,
    },
    /// A number TOML reads but that does not fit (a 20-digit integer).
    OutOfRange {
        key: &'a str,
        text: &'a str,
        help: &'a str,
    },
    /// A value that is no date.
    NotADate { key: &'a str, text: &'a str },
    /// A duration written as a bare number.
    NoUnit { key: &'a str, text: &'a str },
    /// `key` (`task`) given other than as `[[key]]` tables.
    NotAnArrayOfTables {
        key: &'a str,
        found: &'static str,
        text: &'a str,
    },
    /// An element `key` of the array of tables `array` that is no table.
    NotATable {
        key: &'a str,
        array: &'a str,
        found: &'static str,
        text: &'a str,
    },
    /// A start time (minutes after midnight) beyond the day, in a model built in code.
    StartTimeOutsideDay(u32),
    /// A distribution with a value that is not finite, in a model built in code.
    NotFinite { key: &'a str, text: &'a str },
    /// No `[program]` table.
    NoProgram,
    /// A negative `seed`.
    NegativeSeed(i64),
    /// `hours_per_day` outside (0, 24], as written.
    HoursPerDay(&'a str),
    /// A calendar exception whose `from` is after its `to`.
    ExceptionFromAfterTo { from: Date, to: Date },
    /// `fail` other than a boolean, as written.
    FailNotBoolean(&'a str),
    /// A promise amount (`key`) written as a distribution.
    NotFixed { key: &'a str, text: &'a str },
    /// A `curve` that is neither `linear` nor `s`.
    UnknownCurve { key: &'a str, name: &'a str },
    /// An id that is not `[a-z0-9_]+`; `fixed` a suggestion.
    InvalidId { id: &'a str, fixed: &'a str },
    /// A merged included task's id that is not `prefix/id`.
    InvalidIncludedId(&'a str),
    /// A task, risk or plant called `program`.
    ReservedProgramId,
    /// A scenario called `base`.
    ReservedBaseScenario,
    /// A calendar called `none`.
    ReservedCalendarNone,
    /// An id of the task/risk/plant namespace used twice; `first` is the first user.
    DuplicateId { id: &'a str, first: &'a str },
    /// An id of promises, scenarios or calendars (`what`) used twice within its kind.
    DuplicateOwnId {
        what: &'a str,
        id: &'a str,
        first: &'a str,
    },
    /// An include prefix that is not `[a-z0-9_]+`; `fixed` a suggestion.
    InvalidPrefix { prefix: &'a str, fixed: &'a str },
    /// An include prefix used twice; `first` is the first include.
    DuplicatePrefix { prefix: &'a str, first: &'a str },
    /// A task that waits on itself in its list `key`.
    ListsItself { task: &'a str, key: &'a str },
    /// Tasks that wait on each other, `names` joined by arrows.
    Cycle(&'a str),
    /// A year outside those of the program.
    YearOutsideProgram {
        key: &'a str,
        year: i64,
        start: i32,
        horizon: i32,
    },
    /// A reference to a calendar that does not exist; `known` the calendars' ids.
    UnknownCalendar {
        target: &'a str,
        known: &'a [&'a str],
    },
    /// A scenario setting of the wrong kind for its field, in a model built in code.
    WrongSettingKind {
        key: &'a str,
        expected: &'static str,
        found: &'static str,
    },
}

/// `the top level`, or the key path of a table in backquotes.
fn describe(table: &str) -> String {
    if table.is_empty() {
        "the top level".to_string()
    } else {
        format!("`{table}`")
    }
}

impl ProblemKind<'_> {
    /// The short text under the highlighted span.
    pub(crate) fn label(&self) -> String {
        match self {
            ProblemKind::TooFewIterations(_) => "must be ≥ 1".into(),
            ProblemKind::TooManyIterations(_) => "too many".into(),
            ProblemKind::HorizonNotAfterStart { .. } => "not after start".into(),
            ProblemKind::HorizonTooFar { .. } => "too far".into(),
            ProblemKind::OutsideUnitInterval { .. } => "outside [0, 1]".into(),
            ProblemKind::EmptyIncludeKey { .. } | ProblemKind::RiskAffectsNoTask => "empty".into(),
            ProblemKind::DateOutsideProgram { .. } => "outside start..horizon".into(),
            ProblemKind::BadText { .. } => "here".into(),
            ProblemKind::UnknownKey { .. } => "unknown key".into(),
            ProblemKind::MissingKey { key, .. } => format!("missing `{key}`"),
            ProblemKind::WrongType { expected, .. } => format!("expected {expected}"),
            ProblemKind::WrongSettingKind { expected, .. } => format!("expected {expected}"),
            ProblemKind::OutOfRange { .. } => "out of range".into(),
            ProblemKind::NotADate { .. } => "expected a date".into(),
            ProblemKind::NoUnit { .. } => "no unit".into(),
            ProblemKind::NotAnArrayOfTables { .. } => "expected [[...]]".into(),
            ProblemKind::NotATable { .. } => "expected a table".into(),
            ProblemKind::StartTimeOutsideDay(_) => "time outside the day".into(),
            ProblemKind::NotFinite { .. } => "not finite".into(),
            ProblemKind::NoProgram => "missing [program]".into(),
            ProblemKind::NegativeSeed(_) => "negative".into(),
            ProblemKind::HoursPerDay(_) => "outside (0, 24]".into(),
            ProblemKind::ExceptionFromAfterTo { .. } => "from after to".into(),
            ProblemKind::FailNotBoolean(_) => "expected true".into(),
            ProblemKind::NotFixed { .. } => "not a fixed value".into(),
            ProblemKind::UnknownCurve { .. } => "unknown curve".into(),
            ProblemKind::InvalidId { .. } | ProblemKind::InvalidIncludedId(_) => {
                "invalid id".into()
            }
            ProblemKind::ReservedProgramId
            | ProblemKind::ReservedBaseScenario
            | ProblemKind::ReservedCalendarNone => "reserved".into(),
            ProblemKind::DuplicateId { .. } | ProblemKind::DuplicateOwnId { .. } => {
                "duplicate id".into()
            }
            ProblemKind::InvalidPrefix { .. } => "invalid prefix".into(),
            ProblemKind::DuplicatePrefix { .. } => "duplicate prefix".into(),
            ProblemKind::ListsItself { .. } => "lists itself".into(),
            ProblemKind::Cycle(_) => "closes a cycle".into(),
            ProblemKind::YearOutsideProgram { .. } => "outside the program".into(),
            ProblemKind::UnknownCalendar { .. } => "unknown calendar".into(),
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
            ProblemKind::UnknownKey { name, table, .. } => {
                format!("unknown key `{name}` in {}", describe(table))
            }
            ProblemKind::MissingKey { key, table, .. } => {
                format!("{} is missing the required key `{key}`", describe(table))
            }
            ProblemKind::WrongType {
                key,
                expected,
                found,
                text,
                ..
            } => format!("`{}` must be {expected}, found {found} `{text}`", leaf(key)),
            ProblemKind::OutOfRange { key, text, .. } => {
                format!("`{}` = `{text}` is out of range", leaf(key))
            }
            ProblemKind::NotADate { key, text } => {
                format!("`{}` must be a date, found `{text}`", leaf(key))
            }
            ProblemKind::NoUnit { key, text } => {
                format!("`{}` = {text} has no unit; a duration needs one", leaf(key))
            }
            ProblemKind::NotAnArrayOfTables { key, found, text } => {
                format!("`{key}` must be an array of tables, found {found} `{text}`")
            }
            ProblemKind::NotATable {
                key, found, text, ..
            } => format!("`{}` must be a table, found {found} `{text}`", leaf(key)),
            ProblemKind::StartTimeOutsideDay(minutes) => {
                format!("the start time, {minutes} minutes after midnight, is not within the day")
            }
            ProblemKind::NotFinite { key, text } => format!(
                "`{}` = \"{text}\" has a value that is not a finite number",
                leaf(key)
            ),
            ProblemKind::WrongSettingKind {
                key,
                expected,
                found,
            } => format!("`{}` must be {expected}, found {found}", leaf(key)),
            ProblemKind::NoProgram => "the model has no [program] table".into(),
            ProblemKind::NegativeSeed(n) => format!("`seed` = {n} must not be negative"),
            ProblemKind::HoursPerDay(text) => {
                format!("`hours_per_day` = {text} must be more than 0 and at most 24")
            }
            ProblemKind::ExceptionFromAfterTo { from, to } => {
                format!("exception `from` = {from} is after `to` = {to}")
            }
            ProblemKind::FailNotBoolean(text) => {
                format!("`fail` must be true or false, found `{text}`")
            }
            ProblemKind::NotFixed { key, text } => format!(
                "`{}` = {text} must be a single value, not a distribution",
                leaf(key)
            ),
            ProblemKind::UnknownCurve { key, name } => {
                format!("`{}` = \"{name}\" is not a curve", leaf(key))
            }
            ProblemKind::InvalidId { id, .. } => format!("id `{id}` must match [a-z0-9_]+"),
            ProblemKind::InvalidIncludedId(id) => {
                format!("id `{id}` must match [a-z0-9_]+(/[A-Za-z0-9_.-]+)*")
            }
            ProblemKind::ReservedProgramId => {
                "id `program` is reserved (scenario settings use `program.field`)".into()
            }
            ProblemKind::ReservedBaseScenario => {
                "scenario id `base` is reserved for the model as written".into()
            }
            ProblemKind::ReservedCalendarNone => {
                "calendar id `none` is reserved for 24-hour calendar days".into()
            }
            ProblemKind::DuplicateId { id, first } => {
                format!("duplicate id `{id}`: already used by {first}")
            }
            ProblemKind::DuplicateOwnId { what, id, first } => {
                format!("duplicate {what} id `{id}`: already used by {first}")
            }
            ProblemKind::InvalidPrefix { prefix, .. } => {
                format!("include prefix `{prefix}` must match [a-z0-9_]+")
            }
            ProblemKind::DuplicatePrefix { prefix, first } => {
                format!("duplicate include prefix `{prefix}`: already used by {first}")
            }
            ProblemKind::ListsItself { task, key } => {
                format!("task `{task}` lists itself in `{}`", leaf(key))
            }
            ProblemKind::Cycle(names) => {
                format!("tasks wait on each other in a cycle: {names} (each waits on the next)")
            }
            ProblemKind::YearOutsideProgram {
                key,
                year,
                start,
                horizon,
            } => format!(
                "`{}` = {year} is outside the years of the program, {start} to {horizon}",
                leaf(key)
            ),
            ProblemKind::UnknownCalendar { target, .. } => {
                format!("unknown calendar `{target}`")
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
            ProblemKind::UnknownKey { name, known, .. } => format!(
                "{}known keys: {}",
                did_you_mean(name, known.iter().copied()),
                known.join(", ")
            ),
            ProblemKind::MissingKey { key, example, .. } => format!("add `{key} = {example}`"),
            ProblemKind::WrongType { help, .. } | ProblemKind::OutOfRange { help, .. } => {
                (*help).to_string()
            }
            ProblemKind::NotADate { .. } => {
                "write a date like 2024-12-31 (a TOML date, no quotes needed)".into()
            }
            ProblemKind::NoUnit { text, .. } => format!(
                "write a string with a unit: write 12mo or 365d, e.g. \"{text}mo\" or \"{text}d\""
            ),
            ProblemKind::NotAnArrayOfTables { key, .. } => {
                format!("write each one as a `[[{key}]]` table")
            }
            ProblemKind::NotATable { array, .. } => {
                format!("write each one as a `[[{array}]]` table")
            }
            ProblemKind::StartTimeOutsideDay(_) => "a start time between 00:00 and 23:59".into(),
            ProblemKind::NotFinite { .. } => "every value must be a finite number".into(),
            ProblemKind::WrongSettingKind { expected, .. } => format!("set it to {expected}"),
            ProblemKind::NoProgram => "add [program] with name, start and horizon, e.g. name = \"My launch\", start = 2022-07-01, horizon = 2031-12-31".into(),
            ProblemKind::NegativeSeed(_) => SEED_HELP.into(),
            ProblemKind::HoursPerDay(_) => HOURS_PER_DAY_HELP.into(),
            ProblemKind::ExceptionFromAfterTo { .. } => "write the first day as from and the last day as to (the same day for one day)".into(),
            ProblemKind::FailNotBoolean(_) => "write fail = true".into(),
            ProblemKind::NotFixed { .. } => "write a number, e.g. 200000 or \"72bn\"".into(),
            ProblemKind::UnknownCurve { .. } => CURVE_HELP.into(),
            ProblemKind::InvalidId { id, fixed } => {
                if id.contains('/') {
                    format!(
                        "ids with `/` name the tasks of an [[include]] and are only referred to, never defined; use lowercase letters, digits and _, e.g. `{fixed}`"
                    )
                } else {
                    format!("use lowercase letters, digits and _, e.g. `{fixed}`")
                }
            }
            ProblemKind::InvalidIncludedId(_) => "an included task's id is its include's prefix, `/`, and its id of letters, digits, _ . and -".into(),
            ProblemKind::ReservedProgramId
            | ProblemKind::ReservedBaseScenario
            | ProblemKind::ReservedCalendarNone => "choose another id".into(),
            ProblemKind::DuplicateId { .. } => {
                "tasks, risks and plants share one namespace: give each a unique id".into()
            }
            ProblemKind::DuplicateOwnId { what, .. } => format!("give each {what} a unique id"),
            ProblemKind::InvalidPrefix { fixed, .. } => {
                format!("use lowercase letters, digits and _, e.g. `{fixed}`")
            }
            ProblemKind::DuplicatePrefix { .. } => {
                "give each include its own prefix: its tasks are named prefix/id".into()
            }
            ProblemKind::ListsItself { .. } => "remove it: a task cannot wait on itself".into(),
            ProblemKind::Cycle(_) => "remove or reverse one of these links".into(),
            ProblemKind::YearOutsideProgram { .. } => {
                "use a year between those of program.start and program.horizon".into()
            }
            ProblemKind::UnknownCalendar { target, known } => {
                let list = if known.is_empty() {
                    "the model has no [[calendar]]".to_string()
                } else {
                    format!("calendars: {}", known.join(", "))
                };
                format!(
                    "{}{list}; or \"none\" for 24-hour calendar days",
                    did_you_mean(target, known.iter().copied())
                )
            }
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

/// Why `n` iterations is not a valid count, if it is not: (label, message, help), the one
/// wording for the file and the command line.
pub fn iterations_problem(n: i128) -> Option<(String, String, String)> {
    ProblemKind::of_iterations(n).map(|k| (k.label(), k.message(), k.help()))
}

/// The last part of a key path, for messages that follow the full path:
/// `task[0].chance` → `chance`, `scenario[0].set."a.cost"` → `"a.cost"`.
pub(crate) fn leaf(path: &str) -> &str {
    let cut = if path.ends_with('"') {
        path.rfind(".\"")
    } else {
        path.rfind('.')
    };
    cut.and_then(|i| path.get(i + 1..)).unwrap_or(path)
}
