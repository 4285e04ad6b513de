//! `launchcast mcp`: the Model Context Protocol server (`launchcast_mcp`) with the commands'
//! own functions behind its tools, so that each tool answers what its command prints: `run`
//! and `whatif` the JSON of `run --json -`, `backtest` that of `backtest --json -`, `inspect`
//! that of `inspect --json`, `import_schedule` the text of `import`.

use std::path::Path;

use launchcast_import::LoadedModel;
use launchcast_mcp::{Backend, Call, Limits, Source, ToolError, ToolProblem};
use launchcast_model::{Model, ValidModel};
use serde::Serialize;

use crate::errors::CliError;
use crate::schedule::is_schedule;

/// The name of a model given as TOML text, in its errors.
const TEXT_NAME: &str = "model_toml";

pub(super) fn serve(max_iterations: u64) -> Result<(), CliError> {
    let limits = Limits {
        max_iterations,
        max_text_bytes: usize::try_from(launchcast_model::max_input_bytes()).unwrap_or(usize::MAX),
    };
    launchcast_mcp::serve(Commands, limits)
        .map_err(|e| CliError::input(e, "check that standard input and output are open"))
}

/// The commands, as the server's backend.
struct Commands;

impl Backend for Commands {
    fn call(&self, call: &Call, limits: &Limits) -> Result<String, ToolError> {
        answer(call, limits)
    }
}

fn answer(call: &Call, limits: &Limits) -> Result<String, ToolError> {
    match call {
        Call::Check(a) => Ok(check_json(
            &*load(&a.model, "")?.valid().map_err(CliError::from)?,
        )?),
        Call::Run(a) => {
            let model = load(&a.model, "")?.valid().map_err(CliError::from)?;
            simulate(
                &model,
                (a.iterations, a.seed),
                &a.scenarios,
                a.drivers,
                limits,
            )
        }
        Call::WhatIf(a) => {
            let model = what_if(&a.model, &a.set, &a.disable)?;
            simulate(
                &model,
                (a.iterations, a.seed),
                &a.scenarios,
                a.drivers,
                limits,
            )
        }
        Call::Backtest(a) => {
            let model = load(&a.model, "")?.valid().map_err(CliError::from)?;
            let n = iterations(&model, a.iterations, limits)?;
            let seed = a.seed.unwrap_or(model.program.seed);
            let (text, name) = match &a.actuals {
                Source::Path(p) => (super::backtest::read_text(p)?, p.display().to_string()),
                Source::Text(t) => (t.clone(), "actuals_toml".to_string()),
            };
            Ok(super::backtest::backtest_json(
                &model,
                &text,
                &name,
                (n, seed),
            )?)
        }
        Call::Import(a) => {
            Ok(crate::schedule::import_text(&a.path, a.uncertainty.as_deref()).map(|(t, _)| t)?)
        }
        Call::Inspect(a) if is_schedule(&a.path) => {
            Ok(crate::schedule::inspect_text(&a.path, true)?)
        }
        Call::Inspect(a) => Ok(super::inspect::inspect_text(&a.path, true)?),
    }
}

/// The iterations of a run, the model's own if none are given, within the server's limit.
fn iterations(model: &Model, asked: Option<u64>, limits: &Limits) -> Result<u64, CliError> {
    let n = asked.unwrap_or(model.program.iterations);
    limits
        .check_iterations(n)
        .map_err(|e| CliError::input(e.message, ""))?;
    Ok(n)
}

/// A model file (its includes merged), a schedule file, or TOML text (its includes relative
/// to the server's directory), with `extra` TOML appended to a model's text.
fn load(source: &Source, extra: &str) -> Result<LoadedModel, CliError> {
    let (text, name, base) = match source {
        Source::Path(p) if extra.is_empty() && is_schedule(p) => {
            let (_, model) = launchcast_import::import_path(p)?;
            return Ok(LoadedModel::Built(model));
        }
        Source::Path(p) => (
            launchcast_model::read_model_text(p)?,
            p.display().to_string(),
            p.parent().unwrap_or(Path::new("")).to_path_buf(),
        ),
        Source::Text(t) => (t.clone(), TEXT_NAME.to_string(), Default::default()),
    };
    let text = if extra.is_empty() {
        text
    } else {
        format!("{text}\n{extra}")
    };
    Ok(launchcast_import::parse_model_text(&text, &name, &base, false)?.0)
}

/// The `run --json -` text of `model` with the call's iterations and seed (the model's own
/// where not given, iterations within the server's limit).
fn simulate(
    model: &ValidModel,
    (iterations_asked, seed): (Option<u64>, Option<u64>),
    scenarios: &[String],
    drivers: bool,
    limits: &Limits,
) -> Result<String, ToolError> {
    let n = iterations(model, iterations_asked, limits)?;
    let seed = seed.unwrap_or(model.program.seed);
    Ok(super::run::run_json(model, scenarios, (n, seed), drivers)?)
}

/// The base model with `set` and `disable` made by the model's own scenario machinery: they
/// are added to the model's text as one more `[[scenario]]`, read and checked with it, and
/// applied by `Model::scenario_model`; the result runs as the base, without scenarios.
fn what_if(
    source: &Source,
    set: &serde_json::Map<String, serde_json::Value>,
    disable: &[String],
) -> Result<ValidModel, ToolError> {
    if matches!(source, Source::Path(p) if is_schedule(p)) {
        return Err(ToolError::message(
            "whatif needs a model file (TOML), not a schedule file\n  help: import the \
             schedule first (tool import_schedule) and save the model",
        ));
    }
    // An id no scenario of the model has: the base model read first.
    let base = load(source, "")?.into_model();
    let id = base.what_if_id();
    let mut table = toml::Table::new();
    table.insert("id".into(), toml::Value::String(id.clone()));
    let mut values = toml::Table::new();
    for (key, value) in set {
        values.insert(key.clone(), to_toml(value)?);
    }
    table.insert("set".into(), toml::Value::Table(values));
    table.insert(
        "disable".into(),
        toml::Value::Array(disable.iter().cloned().map(toml::Value::String).collect()),
    );
    let mut doc = toml::Table::new();
    doc.insert(
        "scenario".into(),
        toml::Value::Array(vec![toml::Value::Table(table)]),
    );
    let extra = toml::to_string(&doc).map_err(|e| ToolError::message(e.to_string()))?;
    // Problems of the changes are placed after the model's last line: name them by the
    // arguments that made them instead.
    let lines = match source {
        Source::Path(p) => launchcast_model::read_model_text(p)
            .map_err(CliError::from)?
            .lines()
            .count(),
        Source::Text(t) => t.lines().count(),
    };
    let model = load(source, &extra)
        .map_err(|e| of_the_changes(tool_error(e), lines))?
        .into_model();
    let Some(change) = model.scenarios.iter().find(|s| s.id == id) else {
        return Err(ToolError::message(
            "the changes were not read as a scenario",
        ));
    };
    Ok(ValidModel::new(base.with_what_if(change)).map_err(CliError::from)?)
}

/// The problems of a what-if's changes (after the model's `lines`) named `whatif`, with the
/// key of the argument (`set."licence.duration"`, `disable[0]`).
fn of_the_changes(mut e: ToolError, lines: usize) -> ToolError {
    let mut moved = false;
    for p in e.problems.iter_mut().filter(|p| p.line > lines) {
        p.file = "whatif".into();
        (p.line, p.column) = (0, 0);
        if let Some((_, key)) = p.key_path.split_once("].") {
            p.key_path = key.to_string();
        }
        moved = true;
    }
    if moved {
        e.message = e
            .problems
            .iter()
            .map(|p| {
                let place = match p.line {
                    0 => p.file.clone(),
                    l => format!("{}:{l}:{}", p.file, p.column),
                };
                let help = p
                    .help
                    .as_ref()
                    .map_or_else(String::new, |h| format!("  help: {h}\n"));
                format!("{place}: {}: {}\n{help}", p.key_path, p.message)
            })
            .collect();
    }
    e
}

/// A JSON value of `set` as TOML: a string that is a date is a TOML date, as in a model file.
fn to_toml(value: &serde_json::Value) -> Result<toml::Value, CliError> {
    use serde_json::Value as J;
    Ok(match value {
        J::String(s) => match s.parse::<toml::value::Datetime>() {
            Ok(d) => toml::Value::Datetime(d),
            Err(_) => toml::Value::String(s.clone()),
        },
        J::Bool(b) => toml::Value::Boolean(*b),
        J::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        J::Array(a) => toml::Value::Array(a.iter().map(to_toml).collect::<Result<_, _>>()?),
        J::Object(o) => toml::Value::Table(
            o.iter()
                .map(|(k, v)| Ok((k.clone(), to_toml(v)?)))
                .collect::<Result<_, CliError>>()?,
        ),
        J::Null => {
            return Err(CliError::input(
                "a value of \"set\" is null",
                "give each \"item.field\" a value, as in a [[scenario]]'s set",
            ));
        }
    })
}

/// `check`'s answer: the model's counts and ids.
#[derive(Serialize)]
struct Checked<'a> {
    valid: bool,
    name: &'a str,
    start: String,
    horizon: String,
    iterations: u64,
    seed: u64,
    tasks: Vec<&'a str>,
    risks: Vec<&'a str>,
    plants: Vec<&'a str>,
    promises: Vec<&'a str>,
    scenarios: Vec<&'a str>,
    reference_classes: Vec<Reference<'a>>,
    counts: Counts,
}

#[derive(Serialize)]
struct Reference<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Counts {
    tasks: usize,
    risks: usize,
    plants: usize,
    promises: usize,
    scenarios: usize,
    reference_classes: usize,
    calendars: usize,
}

fn check_json(model: &Model) -> Result<String, CliError> {
    let value = Checked {
        valid: true,
        name: &model.program.name,
        start: model.program.start.to_string(),
        horizon: model.program.horizon.to_string(),
        iterations: model.program.iterations,
        seed: model.program.seed,
        tasks: model.tasks.iter().map(|t| t.id.as_str()).collect(),
        risks: model.risks.iter().map(|r| r.id.as_str()).collect(),
        plants: model.plants.iter().map(|p| p.id.as_str()).collect(),
        promises: model.promises.iter().map(|p| p.id.as_str()).collect(),
        scenarios: model.scenarios.iter().map(|s| s.id.as_str()).collect(),
        reference_classes: model
            .references
            .iter()
            .map(|r| Reference {
                id: &r.id,
                name: &r.name,
            })
            .collect(),
        counts: Counts {
            tasks: model.tasks.len(),
            risks: model.risks.len(),
            plants: model.plants.len(),
            promises: model.promises.len(),
            scenarios: model.scenarios.len(),
            reference_classes: model.references.len(),
            calendars: model.calendars.len(),
        },
    };
    super::json_text(&value)
}

impl From<CliError> for ToolError {
    fn from(e: CliError) -> ToolError {
        tool_error(e)
    }
}

/// A command's failure as a tool error: the command line's message, and a model's problems
/// as data.
fn tool_error(e: CliError) -> ToolError {
    match e {
        CliError::Model(e) => ToolError {
            message: e.plain(),
            problems: e
                .problems()
                .iter()
                .map(|p| ToolProblem {
                    file: p.file.clone(),
                    line: p.line,
                    column: p.column,
                    key_path: p.key_path.clone(),
                    message: p.message.clone(),
                    help: p.help.clone(),
                })
                .collect(),
        },
        CliError::Input { message, help } if help.is_empty() => ToolError::message(message),
        CliError::Input { message, help } => {
            ToolError::message(format!("{message}\n  help: {help}"))
        }
        CliError::Write { path, source } => {
            ToolError::message(format!("cannot write {}: {source}", path.display()))
        }
        CliError::Internal(m) => ToolError::message(format!("internal error: {m}")),
        CliError::StdoutClosed => ToolError::message("standard output closed"),
        CliError::In { context, error } => {
            let mut inner = tool_error(*error);
            inner.message = format!("{context}\n{}", inner.message);
            inner
        }
    }
}
