//! Schedule files at the command line: `inspect` of an MSPDI / XER / PMXML / MPX / PSPLIB
//! file, `import` into a model file, and `run` of a schedule file, each with optional
//! uncertainty rules (`launchcast_import::rules`); model files with their `[[include]]`s
//! merged (`launchcast_import::include`).

use std::path::Path;

use launchcast_import::{
    Applied, ImportError, Included, LoadedModel, Relations, Rules, RulesError, Schedule,
};
use launchcast_model::{Model, printable};

use crate::args::Run;
use crate::errors::CliError;
use crate::output::{out, write};

impl From<ImportError> for CliError {
    fn from(e: ImportError) -> CliError {
        let mut message = format!("{}: {}: {}", e.path.display(), e.place, e.message);
        if let Some(v) = &e.value {
            message.push_str(&format!(" (value `{v}`)"));
        }
        // Names and values come from the file: never raw control characters to a terminal.
        CliError::input(
            printable(&message).into_owned(),
            printable(e.hint.as_deref().unwrap_or_default()).into_owned(),
        )
    }
}

/// A schedule that `run`, `import` and `check` can use has at least one task to schedule.
fn require_tasks(path: &Path, schedule: &Schedule) -> Result<(), CliError> {
    if schedule.leaf_tasks().next().is_some() {
        return Ok(());
    }
    let summaries = schedule.tasks.iter().filter(|t| t.summary).count();
    let mut found = vec![plural(summaries, "summary task", "summary tasks")];
    if schedule.blank_rows > 0 {
        found.push(plural(schedule.blank_rows, "blank row", "blank rows"));
    }
    found.push(plural(schedule.calendars.len(), "calendar", "calendars"));
    Err(CliError::input(
        format!(
            "{}: no tasks to schedule: the {} file has {} and no task that is not a summary \
             task",
            path.display(),
            schedule.format.name(),
            found.join(", ")
        ),
        match schedule.format {
            launchcast_import::Format::Mpx => {
                "an MPX file needs task records (70) after its task field layout (61); export \
                 the project again, the file may have been cut short"
            }
            _ => "export the project again with its tasks, or check that this is the right file",
        },
    ))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl From<RulesError> for CliError {
    fn from(e: RulesError) -> CliError {
        let help = e.hint.clone().unwrap_or_default();
        let mut message = e.file.clone();
        if e.line > 0 {
            message.push_str(&format!(":{}:{}", e.line, e.column));
        }
        message.push_str(&format!(": {}", e.message));
        if let Some(v) = &e.value {
            message.push_str(&format!(" (value `{v}`)"));
        }
        CliError::input(message, help)
    }
}

pub(crate) use launchcast_import::is_schedule;

/// `inspect --json` of a schedule file: the counts and dates first, in this order.
#[derive(serde::Serialize)]
struct InspectJson<'a> {
    tasks: usize,
    milestones: usize,
    summary_tasks: usize,
    relations: &'a Relations,
    calendars: usize,
    start: Option<&'a str>,
    finish: Option<&'a str>,
    finish_days: Option<f64>,
    format: &'a str,
    name: &'a str,
    file_finish: Option<&'a str>,
    status_date: Option<&'a str>,
    has_progress: bool,
    blank_rows: usize,
    notes: &'a [String],
}

/// `launchcast inspect SCHEDULE [--json]`.
pub(crate) fn inspect(path: &Path, json: bool) -> Result<(), CliError> {
    out(&inspect_text(path, json)?)
}

/// What `inspect SCHEDULE` prints: the description, or with `json` the JSON.
pub(crate) fn inspect_text(path: &Path, json: bool) -> Result<String, CliError> {
    let (schedule, _model) = launchcast_import::import_path(path)?;
    let i = launchcast_import::inspect(&schedule);
    if json {
        let value = InspectJson {
            tasks: i.tasks,
            milestones: i.milestones,
            summary_tasks: i.summary_tasks,
            relations: &i.relations,
            calendars: i.calendars,
            start: i.start.as_deref(),
            finish: i.finish.as_deref(),
            finish_days: i.finish_days,
            format: i.format,
            name: &i.name,
            file_finish: i.file_finish.as_deref(),
            status_date: i.status_date.as_deref(),
            has_progress: i.has_progress,
            blank_rows: i.blank_rows,
            notes: &i.notes,
        };
        let mut text =
            serde_json::to_string_pretty(&value).map_err(|e| CliError::Internal(e.to_string()))?;
        text.push('\n');
        return Ok(text);
    }
    Ok(describe(path, &i))
}

/// What `inspect` and `check` print about a schedule: counts, calendars, dates and notes.
fn describe(path: &Path, i: &launchcast_import::Inspect) -> String {
    let mut o = format!(
        "{} ({}, \"{}\"): {} ({}), {}, {}",
        path.display(),
        i.format,
        printable(&i.name),
        plural(i.tasks, "task", "tasks"),
        plural(i.milestones, "milestone", "milestones"),
        plural(i.summary_tasks, "summary task", "summary tasks"),
        plural(i.calendars, "calendar", "calendars"),
    );
    if i.blank_rows > 0 {
        o.push_str(&format!(
            ", {} left out",
            plural(i.blank_rows, "blank row", "blank rows")
        ));
    }
    o.push('\n');
    let r = &i.relations;
    o.push_str(&format!(
        "links: {} FS, {} SS, {} FF, {} SF\n",
        r.fs, r.ss, r.ff, r.sf
    ));
    let dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    o.push_str(&format!(
        "start {}, finish {} ({} days) with planned durations in working time\n",
        dash(&i.start),
        dash(&i.finish),
        i.finish_days.map_or("-".into(), |d| format!("{d:.2}"))
    ));
    if i.file_finish.is_some() || i.status_date.is_some() {
        o.push_str(&format!(
            "the file says: finish {}, status date {}{}\n",
            dash(&i.file_finish),
            dash(&i.status_date),
            if i.has_progress {
                ", with progress"
            } else {
                ""
            }
        ));
    }
    for n in &i.notes {
        o.push_str(&format!("note: {}\n", printable(n)));
    }
    o
}

/// `launchcast check SCHEDULE`: reads the file as `run` and `inspect` do, prints what was
/// read, and checks the model `run` would simulate.
pub(crate) fn check(path: &Path) -> Result<(), CliError> {
    let (schedule, model) = launchcast_import::import_path(path)?;
    require_tasks(path, &schedule)?;
    // The model is the importer's own work: a model it makes that does not validate (and
    // so could not be simulated) is a fault of launchcast, not of the file.
    let model = launchcast_model::ValidModel::new(model).map_err(|e| {
        CliError::Internal(format!(
            "the model imported from {} does not validate: {e}",
            path.display()
        ))
    })?;
    let i = launchcast_import::inspect(&schedule);
    let mut o = format!("{}: valid\n", path.display());
    o.push_str(&describe(path, &i));
    let on_calendar = model.tasks.iter().filter(|t| t.calendar.is_some()).count();
    o.push_str(&format!(
        "model: {} ({} in working time on {}), {} links\n",
        plural(model.tasks.len(), "task", "tasks"),
        on_calendar,
        plural(model.calendars.len(), "calendar", "calendars"),
        model
            .tasks
            .iter()
            .map(|t| t.after.len() + t.after_any.len())
            .sum::<usize>()
    ));
    out(&o)
}

fn read_rules(path: Option<&Path>) -> Result<Option<Rules>, CliError> {
    Ok(path.map(Rules::read).transpose()?)
}

/// Applies rules (if any) and returns what was done.
fn uncertain(
    rules: Option<&Rules>,
    schedule: Option<&Schedule>,
    model: &mut Model,
) -> Result<Applied, CliError> {
    match rules {
        Some(r) => Ok(launchcast_import::apply_rules(r, schedule, model)?),
        None => Ok(Applied::without_rules(model)),
    }
}

fn report(file: &Path, applied: &Applied, rules: Option<&Path>) {
    let by = rules.map_or_else(
        || " (no --uncertainty rules: every duration is fixed)".to_string(),
        |r| format!(" by {}", r.display()),
    );
    eprintln!("{}: {applied}{by}", file.display());
    for n in &applied.notes {
        eprintln!("note: {n}");
    }
}

/// `launchcast import FILE [-o MODEL.toml] [--uncertainty RULES.toml]`.
pub(crate) fn import(
    input: &Path,
    output: Option<&Path>,
    uncertainty: Option<&Path>,
) -> Result<(), CliError> {
    let output = output.filter(|p| *p != Path::new("-"));
    if let Some(o) = output {
        crate::output::check_output_file(o, "model.toml")?;
        let mut inputs = vec![("the schedule".to_string(), input.to_path_buf())];
        if let Some(r) = uncertainty {
            inputs.push(("the uncertainty rules".to_string(), r.to_path_buf()));
        }
        let target = crate::output::Target::File(o.to_path_buf());
        crate::output::check_distinct(&inputs, &[("-o".to_string(), target)])?;
    }
    let (text, applied) = import_text(input, uncertainty)?;
    match output {
        Some(o) => write(o, text.as_bytes())?,
        None => out(&text)?,
    }
    report(input, &applied, uncertainty);
    Ok(())
}

/// The model text `import` writes, and what the rules did.
pub(crate) fn import_text(
    input: &Path,
    uncertainty: Option<&Path>,
) -> Result<(String, Applied), CliError> {
    let rules = read_rules(uncertainty)?;
    let (schedule, mut model) = launchcast_import::import_path(input)?;
    require_tasks(input, &schedule)?;
    let applied = uncertain(rules.as_ref(), Some(&schedule), &mut model)?;
    let text =
        launchcast_import::imported_model_text(input, &schedule, &model, &applied, uncertainty);
    Ok((text, applied))
}

/// One line per include (tasks merged, how many uncertain, from when), then its notes.
pub(crate) fn describe_includes(model: &Path, included: &[Included]) -> String {
    let mut o = String::new();
    for i in included {
        let rules = i
            .rules
            .as_ref()
            .map_or_else(String::new, |r| format!(" by {}", r.display()));
        let from = i
            .as_of
            .map_or_else(String::new, |d| format!(", planned from {d}"));
        o.push_str(&format!(
            "{}: include {}: {} tasks ({} milestones) from {} ({}{from}), {}{rules}\n",
            model.display(),
            i.prefix,
            i.tasks,
            i.milestones,
            i.path.display(),
            i.format,
            i.applied,
        ));
        for n in &i.notes {
            o.push_str(&format!("note: {n}\n"));
        }
    }
    o
}

/// The model `run` simulates when a file is given: a schedule file (with or without rules),
/// or a model file with its `[[include]]`s merged (and rules applied, if given). `None`: no
/// file, load the bundled example.
pub(crate) fn load_run(args: &Run) -> Result<Option<LoadedModel>, CliError> {
    let rules = read_rules(args.uncertainty.as_deref())?;
    let Some(path) = args.model.as_deref() else {
        return match rules {
            None => Ok(None),
            Some(_) => Err(CliError::input(
                "--uncertainty needs a schedule or model file to apply to",
                "e.g. launchcast run plan.xer --uncertainty rules.toml",
            )),
        };
    };
    let (schedule, mut model) = if is_schedule(path) {
        let (s, m) = launchcast_import::import_path(path)?;
        require_tasks(path, &s)?;
        (Some(s), m)
    } else {
        let (model, included, _) = launchcast_import::read_model_file(path, false)?;
        if !args.quiet {
            eprint!("{}", describe_includes(path, &included));
        }
        if rules.is_none() {
            return Ok(Some(model));
        }
        (None, model.into_model())
    };
    let applied = uncertain(rules.as_ref(), schedule.as_ref(), &mut model)?;
    if !args.quiet {
        report(path, &applied, args.uncertainty.as_deref());
    }
    Ok(Some(LoadedModel::Built(model)))
}
