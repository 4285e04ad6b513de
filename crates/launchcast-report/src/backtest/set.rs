//! Reading a set file: `[[forecast]] model = "...", actuals = "..."` (paths relative to the
//! set file), with optional per-forecast `iterations` and `seed`; every problem with its
//! line, column and key path, as a model file's.

use launchcast_model::line_column;
use launchcast_model::toml_reader::{self as toml_reader, Cx, Tab, Val};
use launchcast_model::{ModelError, iterations_problem};

/// One forecast of a set file.
#[derive(Clone, Debug, PartialEq)]
pub struct SetForecast {
    /// The model file, as written (relative to the set file).
    pub model: String,
    /// The actuals file, as written.
    pub actuals: String,
    /// Iterations of its run (default: the model's).
    pub iterations: Option<u64>,
    /// Seed of its run (default: the model's).
    pub seed: Option<u64>,
    /// Its key path, `forecast[3]`.
    pub key_path: String,
    /// Line of its table in the set file (1-based).
    pub line: usize,
}

const HELP: &str = "put the path in double quotes, relative to the set file";

/// The forecasts of the set file `file` (text `src`), at least one.
pub fn read_set(src: &str, file: &str) -> Result<Vec<SetForecast>, ModelError> {
    let doc = toml_reader::document(src, file)?;
    let mut cx = Cx::new(src);
    let top = Tab::top(&doc);
    top.check_keys(&mut cx, &["forecast"]);
    let mut out = Vec::new();
    let tables = toml_reader::tables(&mut cx, &top, "forecast");
    if tables.is_empty() && !cx.has_problems() {
        cx.report(
            0..0,
            "forecast",
            "no forecast",
            "the set has no [[forecast]]".into(),
            "add [[forecast]] tables with model = \"model.toml\" and actuals = \"actuals.toml\"",
        );
    }
    for t in tables {
        t.check_keys(&mut cx, &["model", "actuals", "iterations", "seed"]);
        let model = t
            .required(&mut cx, "model", "\"model.toml\"")
            .and_then(|v| path(&mut cx, v, &t.sub("model")));
        let actuals = t
            .required(&mut cx, "actuals", "\"actuals.toml\"")
            .and_then(|v| path(&mut cx, v, &t.sub("actuals")));
        let iterations = t
            .get("iterations")
            .and_then(|v| whole(&mut cx, v, &t.sub("iterations"), true));
        let seed = t
            .get("seed")
            .and_then(|v| whole(&mut cx, v, &t.sub("seed"), false));
        let (Some(model), Some(actuals)) = (model, actuals) else {
            continue;
        };
        out.push(SetForecast {
            model,
            actuals,
            iterations,
            seed,
            key_path: t.path.clone(),
            line: line_column(src, t.span.start).0,
        });
    }
    if cx.has_problems() {
        return Err(cx.into_error(file));
    }
    Ok(out)
}

fn path(cx: &mut Cx<'_>, v: &Val<'_>, key: &str) -> Option<String> {
    let p = toml_reader::string(cx, v, key, HELP)?;
    if p.trim().is_empty() {
        cx.report(v.span(), key, "empty", format!("`{key}` is empty"), HELP);
        return None;
    }
    Some(p)
}

/// A whole number: iterations within the model file's limits, or a seed of at least 0.
fn whole(cx: &mut Cx<'_>, v: &Val<'_>, key: &str, iterations: bool) -> Option<u64> {
    let help = if iterations {
        "write a whole number, e.g. iterations = 10000"
    } else {
        "write a whole number of at least 0, e.g. seed = 1"
    };
    let x = toml_reader::number(cx, v, key, help)?;
    let text = cx.text(&v.span());
    let name = key.rsplit('.').next().unwrap_or(key);
    if x.fract() != 0.0 || !x.is_finite() {
        cx.report(
            v.span(),
            key,
            "not a whole number",
            format!("`{name}` = {text} is not a whole number"),
            help,
        );
        return None;
    }
    // Whole floats beyond i128 saturate, which the checks below refuse as too large.
    let n = x as i128;
    if iterations {
        if let Some((label, message, help)) = iterations_problem(n) {
            cx.report(v.span(), key, &label, message, help);
            return None;
        }
    } else if n < 0 || n > i128::from(u64::MAX) {
        let what = if n < 0 { "negative" } else { "too large" };
        cx.report(
            v.span(),
            key,
            what,
            format!("`{name}` = {text} is {what}"),
            help,
        );
        return None;
    }
    u64::try_from(n).ok()
}
