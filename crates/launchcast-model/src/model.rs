//! The validated model: what a model file (or an imported schedule) means, with every
//! reference checked, every distribution in base units and every default filled in.

use crate::calendar::NO_CALENDAR;
use crate::{Calendar, Date, Dist};

/// A whole program model. Built by [`crate::parse`] (or an importer), never half-valid.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// `[program]`: name, dates, run settings.
    pub program: Program,
    /// `[[task]]`s, in file order.
    pub tasks: Vec<Task>,
    /// `[[risk]]`s, in file order.
    pub risks: Vec<Risk>,
    /// `[[plant]]`s, in file order.
    pub plants: Vec<Plant>,
    /// `[[promise]]`s, in file order.
    pub promises: Vec<Promise>,
    /// Alternatives run beside the model as written (which is scenario `base`).
    pub scenarios: Vec<Scenario>,
    /// Rank correlations between uncertain items.
    pub correlations: Vec<Correlation>,
    /// Schedule files whose tasks this model refers to as `<prefix>/<task id>`. This crate
    /// does not read them: an importer merges their tasks (ids `<prefix>/<id>`) into the
    /// model, then [`crate::validate`] checks the whole.
    pub includes: Vec<Include>,
    /// Working-time calendars (`[[calendar]]`), referred to by tasks and the program.
    pub calendars: Vec<Calendar>,
    /// `[[reference]]` classes (the outside view), each with where the model draws from it.
    /// Their uses' distributions are already in the items: the engine needs nothing here.
    pub references: Vec<crate::Reference>,
    /// Classes of shared reference files with fewer than two observations dated by
    /// `program.start`: (id, why), listed by `check`, refused where drawn from.
    pub thin_references: Vec<(String, String)>,
}

/// `[[include]] file = "plant.xer", prefix = "plant", uncertainty = "rules.toml"`.
///
/// Two includes are equal when they name the same files and prefix: where they were read
/// from (`origin`) is not compared, so a model written by [`crate::to_toml`] reads back equal.
#[derive(Clone, Debug)]
pub struct Include {
    /// The schedule file, as written (relative to the model file).
    pub file: String,
    /// `[a-z0-9_]+`; the included tasks are `<prefix>/<task id>`.
    pub prefix: String,
    /// Uncertainty rules for the included tasks, as written (relative to the model file).
    pub uncertainty: Option<String>,
    /// Where the include was read, for messages about its files; `None` when built in code.
    pub origin: Option<Origin>,
}

impl PartialEq for Include {
    fn eq(&self, other: &Include) -> bool {
        self.file == other.file
            && self.prefix == other.prefix
            && self.uncertainty == other.uncertainty
    }
}

/// Where an `[[include]]` was read: use with [`crate::ModelError::at`] and the model's
/// source text to report a problem with the included files at its place.
#[derive(Clone, Debug, PartialEq)]
pub struct Origin {
    /// `include[i]`.
    pub key_path: String,
    /// Byte range of the `file` value in the model source.
    pub file: std::ops::Range<usize>,
    /// Byte range of the `uncertainty` value, if given.
    pub uncertainty: Option<std::ops::Range<usize>>,
    /// 1-based line and column (in characters) of the `file` value.
    pub line: usize,
    /// Column of the `file` value (see `line`).
    pub column: usize,
}

/// `[[correlate]] items = ["a", "b"], rho = 0.6`: the listed items' draws are rank-correlated
/// pairwise with `rho`. An item is a task (its duration) or a plant (its ramp). An item may
/// appear in several entries; [`crate::correlation_groups`] gives the resulting matrices.
#[derive(Clone, Debug, PartialEq)]
pub struct Correlation {
    /// Ids of the tasks and plants correlated.
    pub items: Vec<String>,
    /// Their rank correlation, pairwise, in [-1, 1].
    pub rho: f64,
}

/// `[program]`: the program's name, dates and run settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    /// For people (titles of reports).
    pub name: String,
    /// As-of date: no task starts earlier; all `*_days` count from here (its 00:00).
    pub start: Date,
    /// Minutes after 00:00 of `start` before which no task starts (`start` written as a
    /// date-time, e.g. an imported schedule starting at 09:00); 0 by default.
    pub start_time: u32,
    /// Simulated time ends here.
    pub horizon: Date,
    /// For people (money in reports); may be empty.
    pub currency: String,
    /// Monte Carlo iterations of a run, 1 to [`MAX_ITERATIONS`](crate::MAX_ITERATIONS).
    pub iterations: u64,
    /// Seed of the random numbers: the same seed gives the same results.
    pub seed: u64,
    /// Plant output to customer delivery, days.
    pub delivery_lag: Dist,
    /// Spend per year from start to horizon, currency units.
    pub overhead_per_year: Dist,
    /// Calendar of every task that names none (`None`: 24-hour calendar days).
    pub calendar: Option<String>,
}

/// `[[task]]`: a piece of work with an uncertain duration, links and cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// `[a-z0-9_]+` (`prefix/id` for merged included tasks); unique among tasks, risks and plants.
    pub id: String,
    /// For people; the id if not given.
    pub name: String,
    /// Days.
    pub duration: Dist,
    /// Probability that it succeeds, known when it finishes.
    pub chance: f64,
    /// Every link must hold (AND).
    pub after: Vec<Link>,
    /// If not empty: also needs the first of these to hold (OR).
    pub after_any: Vec<Link>,
    /// Runs only if all of these failed; starts when the last of them failed.
    pub after_failure: Vec<String>,
    /// One-off spend, spread evenly over the task's duration.
    pub cost: Dist,
    /// No earlier start than this date (00:00).
    pub not_before: Option<Date>,
    /// Under way since this date, before `program.start`: its duration counts from then, and
    /// it is known not to have finished by the start, so what is left of it is drawn from
    /// the duration given that it lasts longer than the time elapsed.
    pub started: Option<Date>,
    /// `disabled = true` in the model, or a scenario's `disable`: the task never happens.
    pub disabled: bool,
    /// Its calendar as written: a `[[calendar]]` id, `"none"` (24-hour calendar days) or
    /// `None` (the program's calendar). See [`Model::task_calendar`].
    pub calendar: Option<String>,
}

impl Task {
    /// The id of the working calendar it runs on: its own `calendar`, else the program's;
    /// `None` for `"none"` or no calendar at all (24-hour calendar days).
    pub fn calendar_id<'a>(&'a self, program: &'a Program) -> Option<&'a str> {
        let id = self.calendar.as_deref().or(program.calendar.as_deref())?;
        (id != NO_CALENDAR).then_some(id)
    }
}

/// A precedence link to another task.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The predecessor's id.
    pub task: String,
    /// Which ends of the two tasks the link ties.
    pub kind: LinkKind,
    /// Days, may be negative.
    pub lag: f64,
}

/// Which ends of two tasks a [`Link`] ties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// Start after the predecessor finishes.
    FinishToStart,
    /// Start after the predecessor starts.
    StartToStart,
    /// Finish after the predecessor finishes.
    FinishToFinish,
    /// Finish after the predecessor starts.
    StartToFinish,
}

impl LinkKind {
    /// `FS`, `SS`, `FF` or `SF`, as written in links.
    pub fn code(self) -> &'static str {
        match self {
            LinkKind::FinishToStart => "FS",
            LinkKind::StartToStart => "SS",
            LinkKind::FinishToFinish => "FF",
            LinkKind::StartToFinish => "SF",
        }
    }
}

/// `[[risk]]`: an event that may happen once per iteration and affects some tasks.
#[derive(Clone, Debug, PartialEq)]
pub struct Risk {
    /// Unique among tasks, risks and plants.
    pub id: String,
    /// For people; the id if not given.
    pub name: String,
    /// Probability that it happens in an iteration.
    pub chance: f64,
    /// Every affected task gets the same sampled impact.
    pub tasks: Vec<String>,
    /// What it does to the tasks it affects.
    pub impact: Impact,
    /// `disabled = true` in the model, or a scenario's `disable`: the risk never occurs.
    pub disabled: bool,
}

/// What a [`Risk`] does to the tasks it affects.
#[derive(Clone, Debug, PartialEq)]
pub enum Impact {
    /// Days added to each affected task's duration.
    Delay(Dist),
    /// Factor multiplying each affected task's duration.
    Scale(Dist),
    /// Each affected task fails.
    Fail,
}

/// `[[plant]]`: production that starts when a task finishes and ramps up to nameplate.
#[derive(Clone, Debug, PartialEq)]
pub struct Plant {
    /// Unique among tasks, risks and plants.
    pub id: String,
    /// For people; the id if not given.
    pub name: String,
    /// Cars a year at nameplate.
    pub capacity: Dist,
    /// Task whose finish is the start of production.
    pub starts: String,
    /// Days from start of production to nameplate.
    pub ramp: Dist,
    /// Fraction of nameplate at start of production.
    pub ramp_start: f64,
    /// Shape of the ramp from `ramp_start` to nameplate.
    pub curve: Curve,
    /// Sustained output over nameplate.
    pub peak: Dist,
    /// `disabled = true` in the model, or a scenario's `disable`: the plant never produces.
    pub disabled: bool,
}

/// Shape of a plant's ramp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// Straight line.
    Linear,
    /// Smoothstep 3x² − 2x³.
    S,
}

/// `[[promise]]`: a commitment whose probability of being kept a run reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Promise {
    /// Unique among promises.
    pub id: String,
    /// For people; the id if not given.
    pub name: String,
    /// What is promised.
    pub kind: PromiseKind,
}

/// What a [`Promise`] commits to.
#[derive(Clone, Debug, PartialEq)]
pub enum PromiseKind {
    /// First delivery no later than the end of this date.
    FirstDeliveryBy(Date),
    /// Cumulative deliveries by the end of `date` at least `at_least`.
    DeliveriesBy {
        /// The last day counted.
        date: Date,
        /// Deliveries at least this many.
        at_least: f64,
    },
    /// Deliveries within calendar year `year` at least `at_least`.
    DeliveriesInYear {
        /// The calendar year.
        year: i32,
        /// Deliveries at least this many.
        at_least: f64,
    },
    /// Cumulative spend by the end of `date` at most `at_most`.
    SpendBy {
        /// The last day counted.
        date: Date,
        /// Spend at most this much, currency units.
        at_most: f64,
    },
}

/// A named alternative: the base model with some items disabled and some values replaced.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Unique among scenarios; `base` is the model as written.
    pub id: String,
    /// For people; the id if not given.
    pub name: String,
    /// Ids of tasks, risks or plants that never happen in this scenario.
    pub disable: Vec<String>,
    /// Values replaced, in the order written.
    pub set: Vec<Setting>,
}

/// One `"item.field" = value` of a scenario, already parsed and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Setting {
    /// `program`, or the id of a task, risk or plant.
    pub item: String,
    /// The field: `duration`, `chance`, `cost`, `not_before`, `capacity`, …
    pub field: String,
    /// The new value, of the field's kind.
    pub value: SettingValue,
}

/// The new value of a scenario [`Setting`].
#[derive(Clone, Debug, PartialEq)]
pub enum SettingValue {
    /// A distribution (durations, costs, capacities, …).
    Dist(Dist),
    /// A number in [0, 1] (chances, `ramp_start`).
    Number(f64),
    /// A date (`not_before`).
    Date(Date),
    /// A ramp curve.
    Curve(Curve),
}

impl Model {
    /// Days from `program.start` (00:00) to the end of `program.horizon`: the horizon
    /// includes its day, like every other "by" date.
    pub fn horizon_days(&self) -> f64 {
        f64::from(self.program.horizon.days_since(self.program.start)) + 1.0
    }

    /// Index in `calendars` of the calendar task `t` runs on: its own `calendar`, else the
    /// program's; `None` for `"none"` or no calendar at all (24-hour calendar days).
    pub fn task_calendar(&self, t: &Task) -> Option<usize> {
        let id = t.calendar_id(&self.program)?;
        self.calendars.iter().position(|c| c.id == id)
    }

    /// The index of the task `id` in [`Model::tasks`], if there is one.
    pub fn task_index(&self, id: &str) -> Option<usize> {
        self.tasks.iter().position(|t| t.id == id)
    }

    /// The include whose prefix starts `id` (`plant/a100` → the include with prefix
    /// `plant`), if any.
    pub fn include_of(&self, id: &str) -> Option<&Include> {
        let (prefix, _) = id.split_once('/')?;
        self.includes.iter().find(|i| i.prefix == prefix)
    }
}
