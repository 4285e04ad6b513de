//! The functions of the `launchcast` module and the native result of a run. Each catches
//! panics (a fault of launchcast becomes `RuntimeError`, never a crash of the interpreter)
//! and turns every [`Error`] into its Python exception.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use launchcast_engine::Outcomes;
use launchcast_model::ValidModel;
use launchcast_report::Summary;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::Error;
use crate::input::{Source, import, parse_text, to_toml, type_name};
use crate::simulate::{Options, simulate};

/// `f` with panics and errors turned into Python exceptions.
pub(crate) fn guard<T>(py: Python<'_>, f: impl FnOnce() -> Result<T, Error>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.into_py(py)),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown fault".to_string());
            Err(Error::Internal(what).into_py(py))
        }
    }
}

/// The result of a run, as the native module holds it: the `run --json` text, and what the
/// HTML report is made of. `launchcast.Result` wraps it.
#[pyclass(frozen, module = "launchcast._native")]
pub(crate) struct Run {
    json: String,
    model: ValidModel,
    summary: Summary,
    outcomes: Outcomes,
}

#[pymethods]
impl Run {
    /// The result as `launchcast run --json` writes it, byte for byte.
    fn json(&self) -> &str {
        &self.json
    }

    /// Writes the HTML report of `launchcast run --html` to `path`, atomically (the file is
    /// replaced whole, or left as it was).
    fn write_html(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        guard(py, || {
            let html = py.detach(|| {
                launchcast_report::render_html(&self.model, &self.summary, &self.outcomes)
            });
            launchcast_report::write_atomic(&path, html.as_bytes())
                .map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))
        })
    }
}

impl Run {
    pub(crate) fn of(f: crate::simulate::Finished) -> Run {
        Run {
            json: launchcast_report::to_json(&f.summary),
            model: f.model,
            summary: f.summary,
            outcomes: f.outcomes,
        }
    }
}

/// `iterations` and `seed` as the CLI takes them: whole numbers from 0 (the iterations' own
/// range is checked with the model's wording when the run starts).
fn count(name: &str, n: Option<i128>) -> Result<Option<u64>, Error> {
    n.map(|v| {
        u64::try_from(v).map_err(|_| {
            Error::Value(format!(
                "{name}={v}: must be a whole number from 0 to {}",
                u64::MAX
            ))
        })
    })
    .transpose()
}

/// `threads=None` is one per core; anything else must be at least 1.
fn threads(threads: Option<usize>) -> Result<usize, Error> {
    match threads {
        None => Ok(0),
        Some(0) => Err(Error::Value(
            "threads must be at least 1 (None: one per core)".into(),
        )),
        Some(n) => Ok(n),
    }
}

/// Scenario ids: `None`, one id, or a list of ids.
fn scenario_ids(scenarios: Option<&Bound<'_, PyAny>>) -> Result<Vec<String>, Error> {
    let Some(s) = scenarios else {
        return Ok(Vec::new());
    };
    if let Ok(one) = s.extract::<String>() {
        return Ok(vec![one]);
    }
    s.extract::<Vec<String>>().map_err(|_| {
        Error::Type(format!(
            "scenarios must be a scenario id or a list of them, not {}",
            type_name(s)
        ))
    })
}

/// The run options `run` and `whatif` take, each checked.
pub(crate) fn options(
    iterations: Option<i128>,
    seed: Option<i128>,
    scenarios: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
    drivers: bool,
) -> Result<Options, Error> {
    Ok(Options {
        iterations: count("iterations", iterations)?,
        seed: count("seed", seed)?,
        scenarios: scenario_ids(scenarios)?,
        threads: self::threads(threads)?,
        drivers,
    })
}

/// Runs a model as `launchcast run` does (see the package's documentation).
#[pyfunction]
#[pyo3(signature = (model, iterations=None, seed=None, scenarios=None, threads=None, drivers=true))]
pub(crate) fn run(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    iterations: Option<i128>,
    seed: Option<i128>,
    scenarios: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
    drivers: bool,
) -> PyResult<Run> {
    guard(py, || {
        let opts = options(iterations, seed, scenarios, threads, drivers)?;
        let source = Source::from_py(model)?;
        let model = source.load()?;
        Ok(Run::of(simulate(py, model, &opts)?))
    })
}

/// Checks a model as `launchcast check` does; returns what it holds.
#[pyfunction]
pub(crate) fn check<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let model = guard(py, || Source::from_py(model)?.load())?;
    let d = PyDict::new(py);
    let p = &model.program;
    d.set_item("name", &p.name)?;
    d.set_item("start", p.start.to_string())?;
    d.set_item("horizon", p.horizon.to_string())?;
    d.set_item("iterations", p.iterations)?;
    d.set_item("seed", p.seed)?;
    let lists: [(&str, Vec<&str>); 6] = [
        ("tasks", model.tasks.iter().map(|x| x.id.as_str()).collect()),
        ("risks", model.risks.iter().map(|x| x.id.as_str()).collect()),
        (
            "plants",
            model.plants.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "promises",
            model.promises.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "scenarios",
            model.scenarios.iter().map(|x| x.id.as_str()).collect(),
        ),
        (
            "calendars",
            model.calendars.iter().map(|x| x.id.as_str()).collect(),
        ),
    ];
    for (key, ids) in lists {
        d.set_item(key, PyList::new(py, ids)?)?;
    }
    d.set_item("correlations", model.correlations.len())?;
    d.set_item("references", model.references.len())?;
    Ok(d)
}

/// Imports a schedule file as `launchcast import` does; returns the model's TOML text.
#[pyfunction]
#[pyo3(signature = (path, uncertainty=None))]
pub(crate) fn import_schedule(
    py: Python<'_>,
    path: PathBuf,
    uncertainty: Option<PathBuf>,
) -> PyResult<String> {
    guard(py, || {
        let rules = uncertainty
            .as_deref()
            .map(launchcast_import::Rules::read)
            .transpose()?;
        let (schedule, mut model) = import(&path)?;
        let applied = match &rules {
            Some(r) => launchcast_import::apply_rules(r, Some(&schedule), &mut model)?,
            None => launchcast_import::Applied::without_rules(&model),
        };
        Ok(launchcast_import::imported_model_text(
            &path,
            &schedule,
            &model,
            &applied,
            uncertainty.as_deref(),
        ))
    })
}

/// Runs `model` with `set` and `disable` applied to its base, as a `[[scenario]]` with them
/// would apply them; the other scenarios are run on that changed base, as they would be in
/// a model file with the changes written in.
#[pyfunction]
#[pyo3(signature = (model, set=None, disable=None, iterations=None, seed=None, scenarios=None, threads=None, drivers=true))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn whatif(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    set: Option<&Bound<'_, PyDict>>,
    disable: Option<Vec<String>>,
    iterations: Option<i128>,
    seed: Option<i128>,
    scenarios: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
    drivers: bool,
) -> PyResult<Run> {
    guard(py, || {
        let opts = options(iterations, seed, scenarios, threads, drivers)?;
        let source = Source::from_py(model)?;
        let (text, name, base) = source.text()?;
        // The model as given first: its own problems are reported against its own lines.
        let given = parse_text(&text, &name, &base)?.valid()?;
        let id = given.what_if_id();
        let mut changed = text.clone();
        if !changed.ends_with('\n') {
            changed.push('\n');
        }
        changed.push_str(&scenario_text(&id, set, disable.as_deref().unwrap_or(&[]))?);
        let prefix = format!("scenario[{}].", given.scenarios.len());
        let with = parse_text(&changed, &name, &base)
            .and_then(|m| Ok(m.valid()?))
            .map_err(|e| in_changes(e, &prefix, &id))?;
        let Some(change) = with.scenarios.iter().find(|s| s.id == id) else {
            return Err(Error::Internal(
                "the changes were not read as a scenario".into(),
            ));
        };
        let model = ValidModel::new(given.with_what_if(change))?;
        Ok(Run::of(simulate(py, model, &opts)?))
    })
}

/// A problem of the changes themselves: named by `set."item.field"` or `disable[i]` in the
/// file `whatif` (the rendered text still shows them as the `[[scenario]]` they became).
fn in_changes(e: Error, prefix: &str, id: &str) -> Error {
    let Error::Model { mut problems, text } = e else {
        return e;
    };
    for p in &mut problems {
        if let Some(rest) = p.key_path.strip_prefix(prefix) {
            p.key_path = rest.to_string();
            p.file = "whatif".to_string();
            (p.line, p.column) = (0, 0);
        }
    }
    let text = format!(
        "whatif: the changes, written as `[[scenario]]` `{id}` after the model, are refused:\n{text}"
    );
    Error::Model { problems, text }
}

/// `[[scenario]]` with `disable` and `set` in TOML, appended to the model's text so that
/// the model's own reader checks every key and value (and names them in its errors).
fn scenario_text(
    id: &str,
    set: Option<&Bound<'_, PyDict>>,
    disable: &[String],
) -> Result<String, Error> {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let disable: Vec<String> = disable.iter().map(|d| quote(d)).collect();
    let mut text = format!(
        "\n[[scenario]]\nid = {}\ndisable = [{}]\n[scenario.set]\n",
        quote(id),
        disable.join(", ")
    );
    for (k, v) in set.map(|s| s.iter()).into_iter().flatten() {
        let Ok(key) = k.extract::<String>() else {
            return Err(Error::Type(format!(
                "set: keys are \"item.field\" strings, not {}",
                type_name(&k)
            )));
        };
        let value = to_toml(&v, &format!("set[{key:?}]"))?;
        text.push_str(&format!("{} = {value}\n", quote(&key)));
    }
    Ok(text)
}
