//! The `model` argument: a path (`str` or `os.PathLike`) to a model or schedule file, a model
//! as TOML text, or a `dict` (written as TOML); read as `launchcast run` reads it.

use std::path::{Path, PathBuf};

use launchcast_import::LoadedModel;
use launchcast_model::ValidModel;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use crate::errors::Error;

/// Where a model comes from.
pub(crate) enum Source {
    /// A model or schedule file.
    Path(PathBuf),
    /// Model text, named `name` in messages; includes are relative to the working directory.
    Text { text: String, name: String },
}

/// The name of a model given as text or a dict, in messages.
pub(crate) const TEXT_NAME: &str = "<model>";

impl Source {
    /// The `model` argument: a `str` with a line break, or one that names no file but reads
    /// as TOML (`=` or `[`), is model text; any other `str` or `os.PathLike` is a path.
    pub(crate) fn from_py(model: &Bound<'_, PyAny>) -> Result<Source, Error> {
        if let Ok(d) = model.cast::<PyDict>() {
            let value = to_toml(d.as_any(), "model")?;
            let text = toml::to_string(&value).map_err(|e| {
                Error::Value(format!("the model dict cannot be written as TOML: {e}"))
            })?;
            return Ok(Source::Text {
                text,
                name: TEXT_NAME.to_string(),
            });
        }
        if let Ok(s) = model.cast::<PyString>() {
            let s = s.to_cow()?;
            let s: &str = &s;
            let looks_like_toml = s.contains('\n') || s.contains('=') || s.contains('[');
            if s.contains('\n') || (looks_like_toml && !Path::new(s).is_file()) {
                return Ok(Source::Text {
                    text: s.to_string(),
                    name: TEXT_NAME.to_string(),
                });
            }
            if s.is_empty() {
                return Err(Error::Value(
                    "model is an empty string: give a path, TOML text or a dict".into(),
                ));
            }
            return Ok(Source::Path(PathBuf::from(s)));
        }
        if let Ok(p) = model.extract::<PathBuf>() {
            return Ok(Source::Path(p));
        }
        Err(Error::Type(format!(
            "model must be a path (str or os.PathLike), TOML text or a dict, not {}",
            type_name(model)
        )))
    }

    /// The model, read and validated as `launchcast run` reads it: a schedule file through
    /// its importer, a model file with its `[[include]]`s merged.
    pub(crate) fn load(&self) -> Result<ValidModel, Error> {
        let loaded = match self {
            Source::Path(p) if is_schedule(p) => LoadedModel::Built(import(p)?.1),
            Source::Path(p) => launchcast_import::read_model_file(p, false)?.0,
            Source::Text { text, name } => parse_text(text, name, Path::new(""))?,
        };
        Ok(loaded.valid()?)
    }

    /// The model's own text, its name in messages and the directory its includes are read
    /// from: a schedule file's model is written as TOML.
    pub(crate) fn text(&self) -> Result<(String, String, PathBuf), Error> {
        match self {
            Source::Path(p) if is_schedule(p) => {
                let (_, model) = import(p)?;
                let model = ValidModel::new(model)?;
                Ok((
                    launchcast_model::to_toml(&model),
                    p.display().to_string(),
                    PathBuf::new(),
                ))
            }
            Source::Path(p) => Ok((
                launchcast_model::read_model_text(p)?,
                p.display().to_string(),
                p.parent().map(Path::to_path_buf).unwrap_or_default(),
            )),
            Source::Text { text, name } => Ok((text.clone(), name.clone(), PathBuf::new())),
        }
    }
}

/// Model text named `name`, with its includes read from `base` and merged.
pub(crate) fn parse_text(text: &str, name: &str, base: &Path) -> Result<LoadedModel, Error> {
    Ok(launchcast_import::parse_model_text(text, name, base, false)?.0)
}

/// A schedule file imported, refused when it has no task to schedule.
pub(crate) fn import(
    path: &Path,
) -> Result<(launchcast_import::Schedule, launchcast_model::Model), Error> {
    let (schedule, model) = launchcast_import::import_path(path)?;
    if schedule.leaf_tasks().next().is_none() {
        return Err(Error::input(
            &path.display().to_string(),
            format!(
                "{}: no tasks to schedule: the {} file has no task that is not a summary task",
                path.display(),
                schedule.format.name()
            ),
            "export the project again with its tasks, or check that this is the right file",
        ));
    }
    Ok((schedule, model))
}

use launchcast_import::is_schedule;

/// A Python value as a TOML value: `dict`, `list`/`tuple`, `str`, `bool`, `int`, `float`;
/// a `datetime.date` (or anything else with `isoformat()`) as its ISO text, which the model
/// reads as a date. `at` names the place for the error message.
pub(crate) fn to_toml(v: &Bound<'_, PyAny>, at: &str) -> Result<toml::Value, Error> {
    to_toml_within(v, at, 0)
}

/// Deeper than any model: a list that holds itself would otherwise recurse until the stack
/// overflows, which no handler can catch.
const MAX_DEPTH: usize = 32;

fn to_toml_within(v: &Bound<'_, PyAny>, at: &str, depth: usize) -> Result<toml::Value, Error> {
    if depth > MAX_DEPTH {
        return Err(Error::Value(format!(
            "{at}: nested more than {MAX_DEPTH} deep (a list or dict that holds itself?)"
        )));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut table = toml::Table::new();
        for (k, item) in d.iter() {
            let Ok(key) = k.extract::<String>() else {
                return Err(Error::Type(format!(
                    "{at}: keys must be str, not {}",
                    type_name(&k)
                )));
            };
            let value = to_toml_within(&item, &format!("{at}.{key}"), depth + 1)?;
            table.insert(key, value);
        }
        return Ok(toml::Value::Table(table));
    }
    if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in v.try_iter()?.enumerate() {
            items.push(to_toml_within(&item?, &format!("{at}[{i}]"), depth + 1)?);
        }
        return Ok(toml::Value::Array(items));
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(toml::Value::String(s.to_cow()?.into_owned()));
    }
    if v.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(v.extract()?));
    }
    if v.is_instance_of::<PyInt>() {
        return v
            .extract::<i64>()
            .map(toml::Value::Integer)
            .map_err(|_| Error::Value(format!("{at}: the integer {v} does not fit in 64 bits")));
    }
    if v.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(v.extract()?));
    }
    if v.hasattr("isoformat")? {
        return Ok(toml::Value::String(
            v.call_method0("isoformat")?.extract::<String>()?,
        ));
    }
    Err(Error::Type(format!(
        "{at}: a {} cannot be written in a model (use dict, list, str, int, float, bool or a date)",
        type_name(v)
    )))
}

/// The Python type's name, for messages.
pub(crate) fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "value".to_string())
}
