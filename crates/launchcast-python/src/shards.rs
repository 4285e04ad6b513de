//! A run in parts from Python: `run_shard` makes the bytes `launchcast run --shard K/N
//! --partial PATH` writes for the same inputs, and `merge` makes the whole run's result from
//! such bytes, through the report's merge ([`launchcast_report::MergeParts`]), the one the
//! command line's `merge` uses: the same checks, the same refusals, the same drivers in days.
//! `launchcast.ray` runs the parts as Ray tasks and merges them with these.

use std::path::PathBuf;

use launchcast_engine::{Part, Plan, RunOptions};
use launchcast_model::{Selection, ValidModel};
use launchcast_report::{MergeParts, MergeRefused};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};

use crate::api::{Run, guard, options};
use crate::errors::Error;
use crate::input::{Source, TEXT_NAME, type_name};
use crate::simulate::{Finished, check_memory};

/// The model's name in a part's header and the text the command line keeps: the file's own
/// bytes for a model file, none for a schedule.
fn named(source: &Source) -> (String, Option<String>) {
    match source {
        Source::Path(p) if launchcast_import::is_schedule(p) => (p.display().to_string(), None),
        Source::Path(p) => (
            p.display().to_string(),
            std::fs::read(p)
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
        ),
        Source::Text { text, .. } => (TEXT_NAME.to_string(), Some(text.clone())),
    }
}

/// `shard` of `shards` as `--shard K/N` takes it: 1 <= K <= N <= 1,000,000.
fn part(shard: i128, shards: i128) -> Result<Part, Error> {
    let bad = || {
        Error::Value(format!(
            "shard={shard}, shards={shards} is not a part of a run; give 1 <= shard <= shards \
             (shards at most 1,000,000), as `launchcast run --shard K/N`"
        ))
    };
    let (Ok(k), Ok(n)) = (u64::try_from(shard), u64::try_from(shards)) else {
        return Err(bad());
    };
    if k == 0 || k > n || n > 1_000_000 {
        return Err(bad());
    }
    Part::new(k - 1, n).ok_or_else(bad)
}

/// A model read, with the run's options checked: what a part is made from.
struct Prepared {
    model: ValidModel,
    selection: Selection,
    run: RunOptions<'static>,
    scenarios: Vec<String>,
    model_path: String,
    own_text: Option<String>,
}

/// Reads `model` and checks the options as `launchcast run --shard` does.
fn prepare(
    source: &Source,
    iterations: Option<i128>,
    seed: Option<i128>,
    scenarios: Option<&Bound<'_, PyAny>>,
    threads: Option<usize>,
) -> Result<Prepared, Error> {
    let opts = options(iterations, seed, scenarios, threads, false)?;
    let model = source.load()?;
    let (model_path, own_text) = named(source);
    let (selection, iterations) = crate::simulate::selection_and_iterations(&model, &opts)?;
    let run = RunOptions {
        iterations,
        seed: opts.seed.unwrap_or(model.program.seed),
        threads: opts.threads,
        progress: None,
        statistics: true,
    };
    Ok(Prepared {
        model,
        selection,
        run,
        scenarios: opts.scenarios,
        model_path,
        own_text,
    })
}

/// The model as the text a part carries, with the options checked: read here once, on a
/// cluster's driver, for the workers to run from text (a schedule imported) and for bad input
/// to be refused before any task starts. A model file with `[[include]]`s comes with its
/// absolute path, for the workers to read it and its included files there.
#[pyfunction]
#[pyo3(signature = (model, iterations=None, seed=None, scenarios=None))]
pub(crate) fn model_text(
    py: Python<'_>,
    model: &Bound<'_, PyAny>,
    iterations: Option<i128>,
    seed: Option<i128>,
    scenarios: Option<&Bound<'_, PyAny>>,
) -> PyResult<(String, Option<PathBuf>)> {
    guard(py, || {
        let source = Source::from_py(model)?;
        let p = prepare(&source, iterations, seed, scenarios, None)?;
        let path = match &source {
            Source::Path(path) if !p.model.includes.is_empty() => Some(
                std::path::absolute(path)
                    .map_err(|e| Error::Io(format!("{}: {e}", path.display())))?,
            ),
            _ => None,
        };
        let text = launchcast_report::PartialHeader::model_text(&p.model, p.own_text);
        Ok((text, path))
    })
}

/// Part `shard` (from 1) of `shards` of a run of `model`: the bytes of the partial result
/// `launchcast run MODEL --shard K/N --partial PATH` writes for the same model, iterations,
/// seed and scenarios.
#[pyfunction]
#[pyo3(signature = (model, shard, shards, iterations=None, seed=None, scenarios=None, threads=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_shard<'py>(
    py: Python<'py>,
    model: &Bound<'py, PyAny>,
    shard: i128,
    shards: i128,
    iterations: Option<i128>,
    seed: Option<i128>,
    scenarios: Option<&Bound<'py, PyAny>>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyBytes>> {
    let bytes = guard(py, || {
        let part = part(shard, shards)?;
        let p = prepare(
            &Source::from_py(model)?,
            iterations,
            seed,
            scenarios,
            threads,
        )?;
        let bytes = py.detach(|| -> Result<Vec<u8>, Error> {
            let plan = Plan::compile_selected(&p.model, &p.selection);
            check_memory(&plan, p.run.iterations)?;
            let outcomes = launchcast_engine::run_part(&plan, &p.run, part)?;
            let header = launchcast_report::PartialHeader::of_run(
                &p.model,
                p.model_path,
                p.own_text,
                &p.run,
                part,
                p.scenarios,
            );
            Ok(launchcast_report::write_partial(&header, &outcomes))
        })?;
        py.check_signals()?;
        Ok(bytes)
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// The whole run from its parts (`bytes` from `run_shard` or `--partial` files, every part
/// once, any order), as `launchcast merge` makes it; a refused part is named `parts[i]`.
#[pyfunction]
#[pyo3(signature = (parts, drivers=true, threads=None))]
pub(crate) fn merge(
    py: Python<'_>,
    parts: &Bound<'_, PyAny>,
    drivers: bool,
    threads: Option<usize>,
) -> PyResult<Run> {
    guard(py, || {
        let threads = options(None, None, None, threads, drivers)?.threads;
        let list: Vec<Bound<'_, PyAny>> = if parts.is_instance_of::<PyBytes>() {
            return Err(Error::Type(
                "parts must be a list of partial results (bytes), not one bytes object".into(),
            ));
        } else if let Ok(l) = parts.cast::<PyList>() {
            l.iter().collect()
        } else {
            parts
                .try_iter()
                .map_err(|_| {
                    Error::Type(format!(
                        "parts must be a list of partial results (bytes), not {}",
                        type_name(parts)
                    ))
                })?
                .collect::<PyResult<_>>()?
        };
        let mut merge = MergeParts::new();
        for (i, item) in list.iter().enumerate() {
            let name = format!("parts[{i}]");
            let Ok(bytes) = item.cast::<PyBytes>() else {
                return Err(Error::Type(format!(
                    "{name}: a partial result is bytes (from run_shard or a --partial file), \
                     not {}",
                    type_name(item)
                )));
            };
            let bytes = bytes.as_bytes();
            py.detach(|| merge.add(&name, bytes)).map_err(refused)?;
            py.check_signals()?;
        }
        let merged = py
            .detach(|| {
                merge.finish(|h| launchcast_import::valid_model_at(&h.model_text, &h.model_path))
            })
            .map_err(refused)?;
        let summary = py.detach(|| merged.summary(drivers, threads))?;
        py.check_signals()?;
        Ok(Run::of(Finished {
            model: merged.model,
            summary,
            outcomes: merged.outcomes,
        }))
    })
}

/// A refused set of parts as `launchcast.ModelError`, its `file` the part's name.
fn refused(e: MergeRefused) -> Error {
    match e {
        MergeRefused::Parts {
            part,
            message,
            help,
        } => Error::input(&part, message, help),
        MergeRefused::Model(e) => e.into(),
    }
}
