//! [`ValidModel`]: a model that passed validation and is complete enough to simulate (every
//! include merged, at least one task), the few changes that keep it so, and [`Selection`], a
//! checked choice of its scenarios. [`ReadModel`]: a model as read from a file, validated
//! while reading, so that making it a [`ValidModel`] does not validate it again.

use crate::read::{Map, read, read_in};
use crate::validate::check;
use crate::{Dist, Model, ModelError, SettingValue, SourceMap, Written, nearest};

/// A model read from a file and validated while reading (every check of
/// [`crate::validate`], problems at their line and column), not yet known to be complete: its
/// `[[include]]`s may still have to be merged, and it may have no task. Obtainable only by
/// reading, so [`ValidModel::from_read`] skips the checks reading made; a model changed in
/// code ([`ReadModel::into_model`]) has to pass [`ValidModel::new`]. Reads as the [`Model`].
#[derive(Clone, Debug, PartialEq)]
pub struct ReadModel {
    model: Model,
    /// The file name, for problems found when it becomes a [`ValidModel`].
    file: String,
}

impl ReadModel {
    /// Reads and validates a model file as [`crate::parse`] does; `path` names the file in
    /// messages.
    pub fn parse(source: &str, path: &str) -> Result<ReadModel, ModelError> {
        let r = read(source, path, Map::Never, false)?;
        Ok(ReadModel::of(r.model, path))
    }

    /// [`ReadModel::parse`] of a model text kept apart from its file (a recorded run's), its
    /// shared reference files found in `dir`, the directory of the file it was read from.
    pub fn parse_in(
        source: &str,
        path: &str,
        dir: &std::path::Path,
    ) -> Result<ReadModel, ModelError> {
        let r = read_in(source, path, dir, Map::Never, false)?;
        Ok(ReadModel::of(r.model, path))
    }

    /// [`ReadModel::parse`], with the [`SourceMap`] only when the model has `[[include]]`s
    /// (for the problems of the merged includes to be shown at their place; mapping every
    /// key of a large model costs about as much as reading it).
    pub fn parse_mapping_includes(
        source: &str,
        path: &str,
    ) -> Result<(ReadModel, Option<SourceMap>), ModelError> {
        let r = read(source, path, Map::WithIncludes, false)?;
        Ok((ReadModel::of(r.model, path), r.map))
    }

    /// [`ReadModel::parse_mapping_includes`], also keeping the distributions as written
    /// ([`Written`]), for a description of the model in the user's own units.
    pub fn parse_keeping_written(
        source: &str,
        path: &str,
    ) -> Result<(ReadModel, Option<SourceMap>, Written), ModelError> {
        let r = read(source, path, Map::WithIncludes, true)?;
        Ok((ReadModel::of(r.model, path), r.map, r.written))
    }

    /// [`ReadModel::parse_mapping_includes`] (and, with `keep_written`, the distributions as
    /// written) of a model text whose shared reference files are in `dir`: the directory of
    /// its file, where `path` does not name it (the workspace's texts, a text given in code).
    pub fn parse_in_dir(
        source: &str,
        path: &str,
        dir: &std::path::Path,
        keep_written: bool,
    ) -> Result<(ReadModel, Option<SourceMap>, Written), ModelError> {
        let r = read_in(source, path, dir, Map::WithIncludes, keep_written)?;
        Ok((ReadModel::of(r.model, path), r.map, r.written))
    }

    fn of(model: Model, path: &str) -> ReadModel {
        ReadModel {
            model,
            file: path.to_string(),
        }
    }

    /// The model, to change it or merge its includes (it must then pass
    /// [`ValidModel::new`]).
    pub fn into_model(self) -> Model {
        self.model
    }
}

impl std::ops::Deref for ReadModel {
    type Target = Model;

    fn deref(&self) -> &Model {
        &self.model
    }
}

/// A model that passed validation, with every reference resolved to an item of the model
/// (includes merged) and at least one task: read by [`ValidModel::parse`] or checked by
/// [`ValidModel::new`], and obtainable no other way (its changes, such as
/// [`ValidModel::without_risk`], keep it valid), so code that takes one needs no checks of
/// its own: its links form no cycle, its ids resolve, and its correlation matrices have the
/// Cholesky factor [`crate::correlation_groups`] gives. Reads as the [`Model`] it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidModel(Model);

/// Why [`ValidModel::new`] refuses a model.
#[derive(Debug, thiserror::Error)]
pub enum InvalidModel {
    /// What [`crate::validate`] found, or a reference into an include that is not merged.
    #[error(transparent)]
    Problems(#[from] ModelError),
    /// A model without tasks: there is nothing to simulate.
    #[error("the model has no tasks: there is nothing to simulate")]
    NoTasks,
}

impl InvalidModel {
    /// How to fix it, where the error has no help of its own.
    pub fn help(&self) -> Option<&'static str> {
        match self {
            InvalidModel::Problems(_) => None,
            InvalidModel::NoTasks => Some("add at least one [[task]] with an id and a duration"),
        }
    }
}

impl ValidModel {
    /// `model`, if [`crate::validate`] finds nothing wrong with it, every reference into an
    /// `[[include]]` names a task of the model (its tasks are merged), and it has a task.
    pub fn new(model: Model) -> Result<ValidModel, InvalidModel> {
        check(&model, true)?;
        ready(model)
    }

    /// Reads a model file as [`crate::parse`] does (which validates while reading), with the
    /// checks of [`ValidModel::new`]: a file that refers to the tasks of its `[[include]]`s
    /// must have them merged first (as `launchcast_import::load_model` does).
    pub fn parse(source: &str, path: &str) -> Result<ValidModel, InvalidModel> {
        ValidModel::from_read(ReadModel::parse(source, path)?)
    }

    /// A model read from a file, with the checks of [`ValidModel::new`] that reading leaves:
    /// a file with `[[include]]`s is checked again, every reference into an include having
    /// to name a task of the model, and it must have a task. A model without includes is not
    /// validated again.
    pub fn from_read(read: ReadModel) -> Result<ValidModel, InvalidModel> {
        let ReadModel { model, file } = read;
        if !model.includes.is_empty() {
            check(&model, true).map_err(|e| e.in_file(&file))?;
        }
        ready(model)
    }

    /// The model, to change it (it must then be validated again).
    pub fn into_model(self) -> Model {
        self.0
    }

    /// The scenarios named by `ids` (`"base"` is the model as written), in the order given,
    /// each once; all of them, base first, when `ids` is empty.
    pub fn select(&self, ids: &[String]) -> Result<Selection, UnknownScenario> {
        if ids.is_empty() {
            return Ok(self.all_scenarios());
        }
        let mut selected = Vec::new();
        for id in ids {
            let sel = if id == "base" {
                None
            } else {
                match self.0.scenarios.iter().position(|s| s.id == *id) {
                    Some(i) => Some(i),
                    None => return Err(UnknownScenario::new(&self.0, id)),
                }
            };
            if !selected.contains(&sel) {
                selected.push(sel);
            }
        }
        Ok(Selection(selected))
    }

    /// Base and every scenario, in model order.
    pub fn all_scenarios(&self) -> Selection {
        Selection(
            std::iter::once(None)
                .chain((0..self.0.scenarios.len()).map(Some))
                .collect(),
        )
    }

    /// [`Model::scenario_model`]: the settings it applies were validated with the model, and
    /// the scenarios stay, so the result is valid too.
    pub fn scenario(&self, scenario: Option<usize>) -> ValidModel {
        ValidModel(self.0.scenario_model(scenario))
    }

    /// The most-likely model: every duration fixed at its most likely value (at least 0),
    /// every task's chance 1, every risk's chance 0, no scenarios.
    pub fn most_likely(&self) -> ValidModel {
        let mut m = self.0.clone();
        m.scenarios.clear();
        for t in &mut m.tasks {
            t.duration = fixed_at_mode(&t.duration);
            t.chance = 1.0;
        }
        for r in &mut m.risks {
            r.chance = 0.0;
        }
        ValidModel(m)
    }

    /// The model without its risk `index`: its chance 0, in the base model and in every
    /// scenario that sets it. An index out of range changes nothing.
    pub fn without_risk(&self, index: usize) -> ValidModel {
        let mut m = self.0.clone();
        let Some(r) = m.risks.get_mut(index) else {
            return ValidModel(m);
        };
        r.chance = 0.0;
        let id = r.id.clone();
        settings(&mut m, &id, "chance");
        ValidModel(m)
    }

    /// The model with the duration of task `index` fixed at its most likely value (at least
    /// 0), in the base model and in every scenario that sets it (there at the most likely
    /// value of the scenario's distribution). An index out of range changes nothing.
    pub fn with_duration_fixed(&self, index: usize) -> ValidModel {
        let mut m = self.0.clone();
        let Some(t) = m.tasks.get_mut(index) else {
            return ValidModel(m);
        };
        t.duration = fixed_at_mode(&t.duration);
        let id = t.id.clone();
        settings(&mut m, &id, "duration");
        ValidModel(m)
    }
}

/// The last check of [`ValidModel::new`]: a task to simulate.
fn ready(model: Model) -> Result<ValidModel, InvalidModel> {
    if model.tasks.is_empty() {
        return Err(InvalidModel::NoTasks);
    }
    Ok(ValidModel(model))
}

/// A distribution fixed at its most likely value, at least 0: a duration as the grammar
/// accepts it whenever `d` is one.
fn fixed_at_mode(d: &Dist) -> Dist {
    Dist::Fixed(d.most_likely().max(0.0))
}

/// Every scenario setting of `field` on `item` as the change made to the base: a chance
/// becomes 0, a distribution its most likely value.
fn settings(m: &mut Model, item: &str, field: &str) {
    for scenario in &mut m.scenarios {
        for set in &mut scenario.set {
            if set.item != item || set.field != field {
                continue;
            }
            set.value = match &set.value {
                SettingValue::Number(_) => SettingValue::Number(0.0),
                SettingValue::Dist(d) => SettingValue::Dist(fixed_at_mode(d)),
                other => other.clone(),
            };
        }
    }
}

impl std::ops::Deref for ValidModel {
    type Target = Model;

    fn deref(&self) -> &Model {
        &self.0
    }
}

/// Scenarios of a [`ValidModel`] chosen by [`ValidModel::select`]: `None` is base, `Some(i)`
/// the model's `scenarios[i]`, each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection(Vec<Option<usize>>);

impl Selection {
    /// The chosen scenarios, in the order given.
    pub fn scenarios(&self) -> &[Option<usize>] {
        &self.0
    }

    /// Base alone: always a valid choice.
    pub fn base() -> Selection {
        Selection(vec![None])
    }
}

/// A `--scenario` id the model does not have, with the ids it has (`base` first).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown scenario `{id}`: the model has {}", quoted(.known))]
pub struct UnknownScenario {
    /// The id asked for.
    pub id: String,
    /// `base` and the model's scenario ids.
    pub known: Vec<String>,
}

impl UnknownScenario {
    fn new(model: &Model, id: &str) -> UnknownScenario {
        UnknownScenario {
            id: id.to_string(),
            known: std::iter::once("base".to_string())
                .chain(model.scenarios.iter().map(|s| s.id.clone()))
                .collect(),
        }
    }

    /// The nearest known id, if one is near, and what the ids are.
    pub fn help(&self) -> String {
        let near = nearest(&self.id, self.known.iter().map(String::as_str))
            .map_or(String::new(), |id| format!("did you mean `{id}`? "));
        format!("{near}`base` is the model as written; the others are its [[scenario]] ids")
    }
}

fn quoted(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
