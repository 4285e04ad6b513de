//! # launchcast-python
//!
//! launchcast from Python: the native module `launchcast._native` of the `launchcast` wheel
//! (built with maturin; abi3, one wheel for every CPython from 3.9). The pure-Python package
//! beside it (`python/launchcast/__init__.py`) re-exports these functions and wraps a run in
//! a `Result` with `to_dict()`, `to_json()`, pandas tables and `to_html(path)`.
//!
//! Every function goes through the same libraries as the command line and adds nothing to the
//! numbers: `run` reads the model as `launchcast run` does ([`input`]), simulates it in parts
//! that merge exactly ([`simulate`], the GIL released and Ctrl-C checked between parts),
//! summarises it and measures the drivers as the CLI does, and keeps the JSON that
//! `launchcast_report::to_json` makes: the same bytes as `launchcast run --json`.
//! `whatif` writes its changes as one more `[[scenario]]` of the model and runs the model
//! that scenario makes, so its figures are those of the model file with the changes written
//! in. `run_shard` and `merge` are a run in parts ([`shards`]): the bytes of
//! `launchcast run --shard K/N --partial`, and the command line's merge of them. Bad input raises `launchcast.ModelError` with the file, line, column, key path and the
//! text the CLI prints ([`errors`]); no panic reaches Python.

mod api;
mod errors;
mod input;
mod shards;
mod simulate;

use pyo3::prelude::*;

/// The native module; `launchcast/__init__.py` re-exports it.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ModelError", m.py().get_type::<errors::ModelError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<api::Run>()?;
    m.add_function(wrap_pyfunction!(api::run, m)?)?;
    m.add_function(wrap_pyfunction!(api::check, m)?)?;
    m.add_function(wrap_pyfunction!(api::import_schedule, m)?)?;
    m.add_function(wrap_pyfunction!(api::whatif, m)?)?;
    m.add_function(wrap_pyfunction!(shards::run_shard, m)?)?;
    m.add_function(wrap_pyfunction!(shards::merge, m)?)?;
    m.add_function(wrap_pyfunction!(shards::model_text, m)?)?;
    Ok(())
}
