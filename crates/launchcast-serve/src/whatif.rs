//! A what-if: changes to the model as loaded, read and applied exactly as the model's own
//! scenarios are. The `set` keys and `disable` ids are written as a `[[scenario]]` added to
//! the model's text and read by the model reader, so a bad change gets the message the
//! command line gives for the same line in a file (with the key path inside the scenario,
//! `set."own_licence.chance"`). The scenario read is then applied on top of the base model
//! and of every scenario of the model (its settings replacing theirs), and the changed
//! model is validated again: its figures are those of `launchcast run` on a model file
//! with the same changes written in.

use launchcast_model::{Model, ReadModel, Scenario, ValidModel};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::state::Current;

/// The body of `POST /api/whatif`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WhatIf {
    /// `"item.field": value`, as a scenario's `set`.
    #[serde(default)]
    pub(crate) set: Map<String, Value>,
    /// Ids of tasks, risks or plants that never happen.
    #[serde(default)]
    pub(crate) disable: Vec<String>,
    /// Scenarios to run (`base` is the model with the changes); empty: every one.
    #[serde(default)]
    pub(crate) scenarios: Vec<String>,
    pub(crate) iterations: Option<u64>,
    pub(crate) seed: Option<u64>,
    /// Measure the drivers in days too.
    #[serde(default)]
    pub(crate) drivers: bool,
    /// Record the run in the history.
    #[serde(default)]
    pub(crate) keep: bool,
}

/// The id of the scenario the changes are read as: one the model does not have.
fn free_id(model: &Model) -> String {
    let mut id = "what_if".to_string();
    let mut n = 1;
    while model.scenarios.iter().any(|s| s.id == id) {
        n += 1;
        id = format!("what_if_{n}");
    }
    id
}

/// A JSON value as the TOML value a model file would hold: numbers, text, true/false, and
/// dates (`"2024-03-31"` as a TOML date, as `not_before` takes it).
pub(crate) fn toml_value(key: &str, v: &Value) -> Result<toml_edit::Value, ApiError> {
    Ok(match v {
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().unwrap_or(f64::NAN).into(),
        },
        Value::String(s) => match s.trim().parse::<toml_edit::Datetime>() {
            Ok(d) => d.into(),
            Err(_) => s.as_str().into(),
        },
        Value::Bool(b) => (*b).into(),
        _ => {
            return Err(ApiError::bad(format!(
                "`{key}`: the value {v} is neither a number nor a text"
            ))
            .key(key)
            .help("write a number (0.9), a distribution (\"tri(8mo, 10mo, 14mo)\") or a date (\"2024-03-31\")"))
        }
    })
}

/// The changes as a `[[scenario]]` of TOML text.
fn scenario_text(id: &str, w: &WhatIf) -> Result<String, ApiError> {
    let mut table = toml_edit::Table::new();
    table["id"] = toml_edit::value(id);
    let mut set = toml_edit::InlineTable::new();
    for (k, v) in &w.set {
        set.insert(k, toml_value(k, v)?);
    }
    table["set"] = toml_edit::value(set);
    let disable: toml_edit::Array = w.disable.iter().map(String::as_str).collect();
    table["disable"] = toml_edit::value(disable);
    let mut tables = toml_edit::ArrayOfTables::new();
    tables.push(table);
    let mut doc = toml_edit::DocumentMut::new();
    doc["scenario"] = toml_edit::Item::ArrayOfTables(tables);
    Ok(format!("\n{doc}"))
}

/// The model as loaded with the changes applied, valid; or the first problem, by the key of
/// the request that caused it.
pub(crate) fn changed_model(current: &Current, w: &WhatIf) -> Result<ValidModel, ApiError> {
    if w.set.is_empty() && w.disable.is_empty() {
        return Ok(current.model.clone());
    }
    let base: &Model = &current.model;
    let id = free_id(base);
    let mut doc = current.settings_doc.clone();
    doc.push_str(&scenario_text(&id, w)?);
    let read = ReadModel::parse(&doc, "what-if").map_err(|e| {
        let position = base.scenarios.len();
        blame(ApiError::from_model(&e), position, w)
    })?;
    let Some(change) = read.into_model().scenarios.into_iter().find(|s| s.id == id) else {
        return Err(ApiError::internal(
            "the changes were not read as a scenario",
        ));
    };
    ValidModel::new(apply(base, &change)).map_err(|e| ApiError::from_invalid(&e))
}

/// `base` with `change` applied, and applied on top of every scenario of `base` too.
pub(crate) fn apply(base: &Model, change: &Scenario) -> Model {
    let mut one = base.clone();
    one.scenarios = vec![change.clone()];
    let mut changed = one.scenario_model(Some(0));
    changed.scenarios = base
        .scenarios
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.set.retain(|old| {
                !change
                    .set
                    .iter()
                    .any(|new| new.item == old.item && new.field == old.field)
            });
            s.set.extend(change.set.iter().cloned());
            for id in &change.disable {
                if !s.disable.contains(id) {
                    s.disable.push(id.clone());
                }
            }
            s
        })
        .collect();
    changed
}

/// A problem in the added scenario named by the request's key: `scenario[N].set."k"` is the
/// change `k`, `scenario[N].disable[i]` the i-th id disabled.
fn blame(mut e: ApiError, position: usize, w: &WhatIf) -> ApiError {
    let prefix = format!("scenario[{position}].");
    let Some(path) = e.key_path.as_deref().and_then(|p| p.strip_prefix(&prefix)) else {
        return e;
    };
    let path = path.to_string();
    if let Some(rest) = path.strip_prefix("set.") {
        let key = match rest.strip_prefix('"') {
            Some(q) => q.split('"').next().unwrap_or(q),
            None => rest.split(['.', '[']).next().unwrap_or(rest),
        };
        e.key = Some(key.to_string());
    } else if let Some(i) = path
        .strip_prefix("disable[")
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok())
    {
        e.key = w.disable.get(i).cloned();
    }
    e.key_path = Some(path);
    e
}
