//! A what-if: changes to the model as loaded, read and applied exactly as the model's own
//! scenarios are. The `set` keys and `disable` ids are written as a `[[scenario]]` added to
//! the model's text and read by the model reader, so a bad change gets the message the
//! command line gives for the same line in a file (with the key path inside the scenario,
//! `set."own_licence.chance"`). The scenario read is then applied on top of the base model
//! and of every scenario of the model ([`Model::with_what_if`]), and the changed
//! model is validated again: its figures are those of `launchcast run` on a model file
//! with the same changes written in. A promise's date or amount (`first_by_2024.first_delivery_by`,
//! `volume_2026.at_least`), which no scenario sets, is written into the model's text as a
//! save writes it, and read with it.

use launchcast_model::{Model, ReadModel, ValidModel};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::save::toml_value;
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
    /// Ids of items switched off in the model file (`disabled = true`) to switch on.
    #[serde(default)]
    pub(crate) enable: Vec<String>,
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
pub(crate) fn changed_model(
    current: &Current,
    w: &WhatIf,
    dir: &std::path::Path,
) -> Result<ValidModel, ApiError> {
    if w.set.is_empty() && w.disable.is_empty() && w.enable.is_empty() {
        return Ok(current.model.clone());
    }
    let base: &Model = &current.model;
    let id = base.what_if_id();
    // A promise is the same in every scenario and no scenario sets it: its changes are
    // written into the model's text, as a save would write them.
    let (promise_set, item_set): (Map<String, Value>, Map<String, Value>) = w
        .set
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .partition(|(k, _)| is_promise_key(base, k));
    let mut doc = if promise_set.is_empty() {
        current.settings_doc.clone()
    } else {
        crate::save::edit(&current.settings_doc, &promise_set)?
    };
    let items = WhatIf {
        set: item_set,
        disable: w.disable.clone(),
        ..WhatIf::default()
    };
    doc.push_str(&scenario_text(&id, &items)?);
    let read = ReadModel::parse_in(&doc, "what-if", dir).map_err(|e| {
        let position = base.scenarios.len();
        blame(ApiError::from_model(&e), position, base, w)
    })?;
    let read = read.into_model();
    let Some(change) = read.scenarios.iter().find(|s| s.id == id) else {
        return Err(ApiError::internal(
            "the changes were not read as a scenario",
        ));
    };
    let mut changed = base.with_what_if(change);
    if !promise_set.is_empty() {
        changed.promises = read.promises;
    }
    for id in &w.enable {
        switch_on(&mut changed, id)?;
    }
    ValidModel::new(changed).map_err(|e| ApiError::from_invalid(&e))
}

/// Switches on the task, risk or plant `id` of `model` (switched off in the file).
fn switch_on(model: &mut Model, id: &str) -> Result<(), ApiError> {
    if let Some(t) = model.tasks.iter_mut().find(|t| t.id == id) {
        t.disabled = false;
    } else if let Some(r) = model.risks.iter_mut().find(|r| r.id == id) {
        r.disabled = false;
    } else if let Some(p) = model.plants.iter_mut().find(|p| p.id == id) {
        p.disabled = false;
    } else {
        return Err(ApiError::bad(format!(
            "`enable`: `{id}` is not a task, risk or plant of the model"
        ))
        .key(id)
        .help("name an item switched off in the model file (disabled = true)"));
    }
    Ok(())
}

/// `promise_id.field`: a change of a promise (its date, amount or year), not of an item a
/// scenario sets.
fn is_promise_key(model: &Model, key: &str) -> bool {
    key.split_once('.').is_some_and(|(item, _)| {
        model.promises.iter().any(|p| p.id == item)
            && !model.tasks.iter().any(|t| t.id == item)
            && !model.risks.iter().any(|r| r.id == item)
            && !model.plants.iter().any(|p| p.id == item)
    })
}

/// A problem in the added scenario named by the request's key: `scenario[N].set."k"` is the
/// change `k`, `scenario[N].disable[i]` the i-th id disabled.
fn blame(mut e: ApiError, position: usize, model: &Model, w: &WhatIf) -> ApiError {
    let prefix = format!("scenario[{position}].");
    let promise = e
        .key_path
        .as_deref()
        .and_then(|p| p.strip_prefix("promise["))
        .and_then(|p| p.split_once(']'))
        .and_then(|(i, rest)| Some((model.promises.get(i.parse::<usize>().ok()?)?, rest)));
    if let Some((p, rest)) = promise {
        let field = rest.rsplit('.').next().unwrap_or_default();
        let key = format!("{}.{field}", p.id);
        e.key = Some(if w.set.contains_key(&key) {
            key
        } else {
            w.set
                .keys()
                .find(|k| k.split_once('.').is_some_and(|(id, _)| id == p.id))
                .cloned()
                .unwrap_or(key)
        });
        return e;
    }
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
