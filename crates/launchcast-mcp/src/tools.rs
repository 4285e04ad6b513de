//! The six tools: their descriptions, the JSON Schemas of their arguments, and the arguments
//! read from a call (unknown or missing ones refused with a message naming them).

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::Limits;

/// A model, actuals or other TOML input: a file, or its text.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A file, read through the model crate's bounded reader.
    Path(PathBuf),
    /// TOML text given in the call.
    Text(String),
}

/// `check`: the model to validate.
#[derive(Debug, Clone)]
pub struct CheckArgs {
    /// The model.
    pub model: Source,
}

/// `run`: the model and what `run` takes.
#[derive(Debug, Clone)]
pub struct RunArgs {
    /// The model.
    pub model: Source,
    /// Iterations (default: the model's `program.iterations`).
    pub iterations: Option<u64>,
    /// Seed (default: the model's `program.seed`).
    pub seed: Option<u64>,
    /// Scenarios to run (`base` is the model as written); empty: all.
    pub scenarios: Vec<String>,
    /// Whether to measure the drivers in days.
    pub drivers: bool,
}

/// `whatif`: the model run with changes applied to the base and to every scenario
/// (`launchcast_model::Model::with_what_if`).
#[derive(Debug, Clone)]
pub struct WhatIfArgs {
    /// The model.
    pub model: Source,
    /// `"item.field" = value`, as in a scenario's `set`.
    pub set: Map<String, Value>,
    /// Ids of tasks, risks or plants that never happen, as in a scenario's `disable`.
    pub disable: Vec<String>,
    /// Scenarios to run (`base` is the model with the changes); empty: every one.
    pub scenarios: Vec<String>,
    /// Iterations (default: the model's `program.iterations`).
    pub iterations: Option<u64>,
    /// Seed (default: the model's `program.seed`).
    pub seed: Option<u64>,
    /// Whether to measure the drivers in days.
    pub drivers: bool,
}

/// `backtest`: a model scored against what happened.
#[derive(Debug, Clone)]
pub struct BacktestArgs {
    /// The model.
    pub model: Source,
    /// The actuals.
    pub actuals: Source,
    /// Iterations (default: the model's `program.iterations`).
    pub iterations: Option<u64>,
    /// Seed (default: the model's `program.seed`).
    pub seed: Option<u64>,
}

/// `import_schedule`: a schedule file made a model.
#[derive(Debug, Clone)]
pub struct ImportArgs {
    /// The schedule file.
    pub path: PathBuf,
    /// Uncertainty rules (TOML) to apply.
    pub uncertainty: Option<PathBuf>,
}

/// `inspect`: counts and the most-likely schedule of a model or schedule file.
#[derive(Debug, Clone)]
pub struct InspectArgs {
    /// The model or schedule file.
    pub path: PathBuf,
}

/// One tool call, its arguments checked.
#[derive(Debug, Clone)]
pub enum Call {
    /// `check`.
    Check(CheckArgs),
    /// `run`.
    Run(RunArgs),
    /// `whatif`.
    WhatIf(WhatIfArgs),
    /// `backtest`.
    Backtest(BacktestArgs),
    /// `import_schedule`.
    Import(ImportArgs),
    /// `inspect`.
    Inspect(InspectArgs),
}

/// The tools' names, descriptions and argument schemas, in the order listed.
pub(crate) fn definitions() -> Vec<(&'static str, &'static str, Value)> {
    let model = json!({"type": "string", "description": "Path of the model file (TOML), on the server's machine."});
    let model_toml =
        json!({"type": "string", "description": "The model as TOML text (instead of \"model\")."});
    let iterations = json!({"type": "integer", "minimum": 1, "description": "Iterations (default: the model's program.iterations); at most the server's limit."});
    let seed = json!({"type": "integer", "minimum": 0, "description": "Random seed (default: the model's program.seed)."});
    let drivers = json!({"type": "boolean", "default": true, "description": "Measure the drivers in days (one more run per risk and uncertain task), as `launchcast run` does."});
    let one_model = json!([{"required": ["model"]}, {"required": ["model_toml"]}]);
    vec![
        (
            "check",
            "Validate a launchcast model; answers its counts, the ids of its tasks, risks, plants, promises and scenarios and its reference classes, or the problems found (file, line, column, key).",
            json!({"type": "object", "properties": {"model": model, "model_toml": model_toml},
                   "oneOf": one_model, "additionalProperties": false}),
        ),
        (
            "run",
            "Simulate a model; answers exactly the JSON of `launchcast run --json -`.",
            json!({"type": "object", "properties": {"model": model, "model_toml": model_toml,
                   "iterations": iterations, "seed": seed,
                   "scenarios": {"type": "array", "items": {"type": "string"}, "description": "Scenarios to run (`base` is the model as written); default all."},
                   "drivers": drivers},
                   "oneOf": one_model, "additionalProperties": false}),
        ),
        (
            "whatif",
            "Run the model with changes (`set` and `disable`, read as a [[scenario]] reads them) applied to the base and to every scenario; answers the JSON of `launchcast run --json -` of the changed model.",
            json!({"type": "object", "properties": {"model": model, "model_toml": model_toml,
                   "set": {"type": "object", "description": "\"item.field\": value, as in a scenario's set, e.g. {\"licence.duration\": {\"min\": 30, \"mode\": 60, \"max\": 120}, \"licence.not_before\": \"2023-03-01\"}."},
                   "disable": {"type": "array", "items": {"type": "string"}, "description": "Ids of tasks, risks or plants that never happen, as in a scenario's disable."},
                   "scenarios": {"type": "array", "items": {"type": "string"}, "description": "Scenarios to run (`base` is the model with the changes); default all."},
                   "iterations": iterations, "seed": seed, "drivers": drivers},
                   "oneOf": one_model, "additionalProperties": false}),
        ),
        (
            "backtest",
            "Score a model's forecast against what happened (an actuals file or text); answers the JSON of `launchcast backtest MODEL --actuals A --json -`.",
            json!({"type": "object", "properties": {"model": model, "model_toml": model_toml,
                   "actuals": {"type": "string", "description": "Path of the actuals file (TOML)."},
                   "actuals_toml": {"type": "string", "description": "The actuals as TOML text (instead of \"actuals\")."},
                   "iterations": iterations, "seed": seed},
                   "allOf": [{"oneOf": one_model}, {"oneOf": [{"required": ["actuals"]}, {"required": ["actuals_toml"]}]}],
                   "additionalProperties": false}),
        ),
        (
            "import_schedule",
            "Turn a schedule file (MS Project MSPDI, Primavera XER or PMXML, MPX, PSPLIB) into a launchcast model; answers the model's TOML text as `launchcast import` prints it.",
            json!({"type": "object", "properties": {
                   "path": {"type": "string", "description": "Path of the schedule file."},
                   "uncertainty": {"type": "string", "description": "Path of uncertainty rules (TOML) to apply."}},
                   "required": ["path"], "additionalProperties": false}),
        ),
        (
            "inspect",
            "Counts and the most-likely schedule of a model or schedule file; answers the JSON of `launchcast inspect --json`.",
            json!({"type": "object", "properties": {
                   "path": {"type": "string", "description": "Path of the model or schedule file."}},
                   "required": ["path"], "additionalProperties": false}),
        ),
    ]
}

/// Every argument any tool takes; each tool refuses those it does not.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    model: Option<String>,
    model_toml: Option<String>,
    actuals: Option<String>,
    actuals_toml: Option<String>,
    iterations: Option<u64>,
    seed: Option<u64>,
    #[serde(default)]
    scenarios: Vec<String>,
    drivers: Option<bool>,
    set: Option<Map<String, Value>>,
    #[serde(default)]
    disable: Vec<String>,
    path: Option<String>,
    uncertainty: Option<String>,
}

/// The arguments of `name`, checked: the JSON-RPC error message if they do not fit.
pub(crate) fn parse(
    name: &str,
    arguments: Option<Map<String, Value>>,
    limits: &Limits,
) -> Result<Call, String> {
    let Some((_, _, schema)) = definitions().into_iter().find(|(n, _, _)| *n == name) else {
        let known: Vec<&str> = definitions().iter().map(|(n, _, _)| *n).collect();
        return Err(format!(
            "no tool `{name}`; the tools are {}",
            known.join(", ")
        ));
    };
    let arguments = arguments.unwrap_or_default();
    let allowed = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    if let Some(k) = arguments.keys().find(|k| !allowed.contains(k)) {
        return Err(format!(
            "tool `{name}` takes no argument `{k}`; its arguments are {}",
            allowed.join(", ")
        ));
    }
    let raw: Raw = serde_json::from_value(Value::Object(arguments))
        .map_err(|e| format!("arguments of tool `{name}`: {e}"))?;
    if raw.iterations == Some(0) {
        return Err(format!("tool `{name}`: \"iterations\" must be at least 1"));
    }
    let model = || {
        source(
            name,
            "model",
            raw.model.clone(),
            raw.model_toml.clone(),
            limits,
        )
    };
    let path = |key: &str, v: &Option<String>| {
        v.clone()
            .map(PathBuf::from)
            .ok_or_else(|| format!("tool `{name}` needs \"{key}\" (a file path)"))
    };
    Ok(match name {
        "check" => Call::Check(CheckArgs { model: model()? }),
        "run" => Call::Run(RunArgs {
            model: model()?,
            iterations: raw.iterations,
            seed: raw.seed,
            scenarios: raw.scenarios.clone(),
            drivers: raw.drivers.unwrap_or(true),
        }),
        "whatif" => Call::WhatIf(WhatIfArgs {
            model: model()?,
            set: raw.set.clone().unwrap_or_default(),
            disable: raw.disable.clone(),
            scenarios: raw.scenarios.clone(),
            iterations: raw.iterations,
            seed: raw.seed,
            drivers: raw.drivers.unwrap_or(true),
        }),
        "backtest" => Call::Backtest(BacktestArgs {
            model: model()?,
            actuals: source(
                name,
                "actuals",
                raw.actuals.clone(),
                raw.actuals_toml.clone(),
                limits,
            )?,
            iterations: raw.iterations,
            seed: raw.seed,
        }),
        "import_schedule" => Call::Import(ImportArgs {
            path: path("path", &raw.path)?,
            uncertainty: raw.uncertainty.clone().map(PathBuf::from),
        }),
        _ => Call::Inspect(InspectArgs {
            path: path("path", &raw.path)?,
        }),
    })
}

/// `key` (a path) or `key_toml` (text), exactly one, the text within the limit.
fn source(
    tool: &str,
    key: &str,
    path: Option<String>,
    text: Option<String>,
    limits: &Limits,
) -> Result<Source, String> {
    match (path, text) {
        (Some(p), None) => Ok(Source::Path(PathBuf::from(p))),
        (None, Some(t)) if t.len() > limits.max_text_bytes => Err(format!(
            "tool `{tool}`: \"{key}_toml\" is {} bytes, more than the limit of {} bytes; give \
             a file path in \"{key}\" instead",
            t.len(),
            limits.max_text_bytes
        )),
        (None, Some(t)) => Ok(Source::Text(t)),
        (Some(_), Some(_)) => Err(format!(
            "tool `{tool}`: give \"{key}\" (a path) or \"{key}_toml\" (TOML text), not both"
        )),
        (None, None) => Err(format!(
            "tool `{tool}` needs \"{key}\" (a path) or \"{key}_toml\" (TOML text)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Call, Source, parse};
    use crate::Limits;

    fn args(v: serde_json::Value) -> Option<serde_json::Map<String, serde_json::Value>> {
        v.as_object().cloned()
    }

    #[test]
    fn every_tool_has_a_schema_whose_properties_are_the_arguments_it_reads() {
        let limits = Limits::default();
        for (name, _, schema) in super::definitions() {
            assert_eq!(schema["type"], "object", "{name}");
            for key in schema["properties"].as_object().unwrap().keys() {
                // Every property is read (perhaps with another one missing, or "x" of the
                // wrong type), never refused as unknown: by the schema check or by the
                // arguments' reader, which knows only the fields it reads.
                let e = parse(name, args(json!({ key.as_str(): "x" })), &limits)
                    .err()
                    .unwrap_or_default();
                assert!(
                    !e.contains("takes no argument") && !e.contains("unknown field"),
                    "{name} {key}: {e}"
                );
            }
        }
    }

    #[test]
    fn arguments_are_read_and_checked() {
        let limits = Limits {
            max_iterations: 10,
            max_text_bytes: 5,
        };
        let call = parse("run", args(json!({"model": "m.toml", "seed": 3})), &limits).unwrap();
        let Call::Run(run) = call else {
            panic!("not a run")
        };
        assert_eq!(run.model, Source::Path("m.toml".into()));
        assert_eq!(
            (run.iterations, run.seed, run.drivers),
            (None, Some(3), true)
        );
        let e = parse("run", args(json!({"model_toml": "123456"})), &limits).unwrap_err();
        assert!(e.contains("6 bytes, more than the limit of 5 bytes"), "{e}");
        assert!(parse("run", args(json!({"model_toml": "12345"})), &limits).is_ok());
        let e = parse("inspect", args(json!({"model": "m.toml"})), &limits).unwrap_err();
        assert!(e.contains("takes no argument `model`"), "{e}");
        assert!(limits.check_iterations(10).is_ok());
        let e = limits.check_iterations(11).unwrap_err();
        assert!(e.message.contains("limit of 10"), "{}", e.message);
    }
}
