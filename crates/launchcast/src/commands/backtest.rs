//! `backtest`: one forecast scored against an actuals file, or a set of them pooled into a
//! calibration. Outputs are checked before any work; a set runs each distinct model (same
//! file content, seed and iterations) once.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use launchcast_engine::Plan;
use launchcast_model::ValidModel;
use launchcast_report::backtest::{self as bt, Actuals, Backtest as Scores, Forecast, SetForecast};
use serde::Serialize;

use crate::args::{Backtest, JsonTo, Scored};
use crate::errors::CliError;
use crate::output::{Target, check_distinct, check_output_file, out, write};

pub(super) fn backtest(args: Backtest) -> Result<(), CliError> {
    if let Some(path) = &args.html {
        check_output_file(path, "backtest.html")?;
    }
    if let Some(path) = args.json_file() {
        check_output_file(path, "backtest.json")?;
    }
    match &args.what {
        Scored::One { model, actuals } => one(&args, model, actuals),
        Scored::Set(set) => set_of(&args, set),
        Scored::Recorded {
            id,
            db,
            model,
            actuals,
        } => recorded(&args, *id, db.as_deref(), model.as_deref(), actuals),
        Scored::Incomplete(missing) => Err(CliError::input(
            format!("backtest needs {missing}"),
            "launchcast backtest MODEL --actuals ACTUALS.toml, or launchcast backtest --set SET.toml",
        )),
    }
}

/// Every file a backtest writes, by its flag.
fn outputs(args: &Backtest) -> Vec<(String, Target)> {
    let mut files = Vec::new();
    if let Some(j) = args.json_file() {
        files.push(("--json".to_string(), Target::File(j.to_path_buf())));
    }
    if let Some(h) = &args.html {
        files.push(("--html".to_string(), Target::File(h.clone())));
    }
    files
}

/// A model file read with its includes merged, and validated.
fn load_model(path: &Path) -> Result<ValidModel, CliError> {
    let (model, _, _) = launchcast_import::read_model_file(path, false)?;
    Ok(model.valid()?)
}

/// An actuals file read against `model`.
fn load_actuals(path: &Path, model: &launchcast_model::Model) -> Result<Actuals, CliError> {
    let name = path.display().to_string();
    let text = read_text(path)?;
    Ok(Actuals::parse(&text, &name, model)?)
}

/// A UTF-8 text file through the bounded reader.
pub(super) fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = launchcast_model::read_input(path).map_err(|e| {
        CliError::input(
            format!("cannot read {}: {}", path.display(), e.message),
            e.help,
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::input(
            format!(
                "{} is not UTF-8 text (byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
            "save the file as UTF-8",
        )
    })
}

/// Compiles the scenarios wanted and runs them, refusing a run that cannot fit in memory.
fn run(
    model: &ValidModel,
    scenarios: &[String],
    iterations: u64,
    seed: u64,
    threads: usize,
) -> Result<Forecast, CliError> {
    let selection = model
        .select(scenarios)
        .map_err(|e| CliError::input(e.to_string(), e.help()))?;
    let plan = Plan::compile_selected(model, &selection);
    super::run::check_memory(&plan, iterations)?;
    Ok(bt::forecast(&plan, iterations, seed, threads)?)
}

fn one(args: &Backtest, model_path: &Path, actuals_path: &Path) -> Result<(), CliError> {
    let model = load_model(model_path)?;
    let actuals = load_actuals(actuals_path, &model)?;
    check_distinct(
        &[
            ("the model".to_string(), model_path.to_path_buf()),
            ("the actuals".to_string(), actuals_path.to_path_buf()),
        ],
        &outputs(args),
    )?;
    let iterations = args.iterations.unwrap_or(model.program.iterations);
    let seed = args.seed.unwrap_or(model.program.seed);
    score_one(args, &model, &actuals, iterations, seed)
}

/// Runs `model` (the actuals' scenario) and scores it against `actuals`, then writes.
fn score_one(
    args: &Backtest,
    model: &ValidModel,
    actuals: &Actuals,
    iterations: u64,
    seed: u64,
) -> Result<(), CliError> {
    let scores = scores(model, actuals, iterations, seed, args.threads)?;
    emit(
        args,
        &scores,
        || bt::render_backtest_html(&scores),
        || bt::render_backtest_terminal(&scores),
    )
}

/// The scores of `model` (the actuals' scenario, run) against `actuals`.
fn scores(
    model: &ValidModel,
    actuals: &Actuals,
    iterations: u64,
    seed: u64,
    threads: usize,
) -> Result<Scores, CliError> {
    let forecast = run(
        model,
        std::slice::from_ref(&actuals.scenario),
        iterations,
        seed,
        threads,
    )?;
    bt::score(model, &forecast, actuals)
        .ok_or_else(|| CliError::Internal("the scenario scored was not run".into()))
}

/// The JSON of `backtest MODEL --actuals A --json -`; `name` names the actuals in errors.
pub(super) fn backtest_json(
    model: &ValidModel,
    actuals_text: &str,
    name: &str,
    (iterations, seed): (u64, u64),
) -> Result<String, CliError> {
    let actuals = Actuals::parse(actuals_text, name, model)?;
    super::json_text(&scores(model, &actuals, iterations, seed, 0)?)
}

/// `backtest --run ID --actuals A`: the recorded run's model text, rerun with its seed and
/// iterations (the engine gives the same result on the same inputs), scored.
fn recorded(
    args: &Backtest,
    id: i64,
    db: Option<&Path>,
    model_path: Option<&Path>,
    actuals_path: &Path,
) -> Result<(), CliError> {
    let (entry, text) = super::history::recorded_run(id, db, model_path)?;
    let name = format!("run {id} ({})", entry.model_path);
    // Shared reference files are read beside the file the run was made from.
    let dir = Path::new(&entry.model_path)
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf();
    let model = launchcast_import::LoadedModel::Read(launchcast_model::ReadModel::parse_in(
        &text, &name, &dir,
    )?)
    .valid()?;
    let actuals = load_actuals(actuals_path, &model)?;
    check_distinct(
        &[("the actuals".to_string(), actuals_path.to_path_buf())],
        &outputs(args),
    )?;
    score_one(args, &model, &actuals, entry.iterations, entry.seed)
}

/// Writes the JSON and HTML outputs and prints the tables (unless JSON goes to standard
/// output).
fn emit<T: Serialize>(
    args: &Backtest,
    value: &T,
    html: impl FnOnce() -> String,
    terminal: impl FnOnce() -> String,
) -> Result<(), CliError> {
    let json = || super::json_text(value);
    match &args.json {
        Some(JsonTo::Stdout) => out(&json()?)?,
        Some(JsonTo::File(path)) => write(path, json()?.as_bytes())?,
        None => {}
    }
    if let Some(path) = &args.html {
        write(path, html().as_bytes())?;
    }
    if !matches!(args.json, Some(JsonTo::Stdout)) {
        out(&terminal())?;
    }
    Ok(())
}

/// A set's JSON: every forecast's scores, then the calibration.
#[derive(Serialize)]
struct SetResult<'a> {
    set: String,
    forecasts: Vec<SetEntry<'a>>,
    calibration: &'a bt::Calibration,
    /// Simulations made: one per distinct model content, seed and iterations.
    runs: usize,
}

#[derive(Serialize)]
struct SetEntry<'a> {
    model: &'a str,
    actuals: &'a str,
    #[serde(flatten)]
    scores: &'a Scores,
}

/// An error of forecast `f` of set `set`, with the line naming it before.
fn in_forecast(set: &Path, f: &SetForecast, e: CliError) -> CliError {
    CliError::In {
        context: format!(
            "error in {} of the set {} (line {}):",
            f.key_path,
            set.display(),
            f.line
        ),
        error: Box::new(e),
    }
}

fn set_of(args: &Backtest, set: &Path) -> Result<(), CliError> {
    let text = read_text(set)?;
    let name = set.display().to_string();
    let forecasts = bt::read_set(&text, &name)?;
    let dir = set.parent().unwrap_or(Path::new(""));
    // Every input first, so that a mistake anywhere costs no simulation.
    let mut loaded = Vec::new();
    let mut inputs = vec![("the set".to_string(), set.to_path_buf())];
    for f in &forecasts {
        let (model_path, actuals_path) = (dir.join(&f.model), dir.join(&f.actuals));
        let got = (|| {
            let content = read_text(&model_path)?;
            let model = load_model(&model_path)?;
            let actuals = load_actuals(&actuals_path, &model)?;
            Ok::<_, CliError>((content, model, actuals))
        })()
        .map_err(|e| in_forecast(set, f, e))?;
        inputs.push((format!("{}.model", f.key_path), model_path));
        inputs.push((format!("{}.actuals", f.key_path), actuals_path));
        loaded.push(got);
    }
    check_distinct(&inputs, &outputs(args))?;
    // One run per distinct (model content, seed, iterations), every scenario on it.
    let mut runs: HashMap<(u64, u64, u64), Forecast> = HashMap::new();
    let mut scores = Vec::new();
    for (f, (content, model, actuals)) in forecasts.iter().zip(&loaded) {
        let iterations = f
            .iterations
            .or(args.iterations)
            .unwrap_or(model.program.iterations);
        let seed = f.seed.or(args.seed).unwrap_or(model.program.seed);
        let mut h = DefaultHasher::new();
        content.hash(&mut h);
        model_dir_key(&dir.join(&f.model), model).hash(&mut h);
        let key = (h.finish(), seed, iterations);
        let forecast = match runs.entry(key) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(
                run(model, &[], iterations, seed, args.threads)
                    .map_err(|e| in_forecast(set, f, e))?,
            ),
        };
        let s = bt::score(model, forecast, actuals)
            .ok_or_else(|| CliError::Internal("the scenario scored was not run".into()))?;
        scores.push(s);
    }
    let calibration = bt::calibrate(&scores);
    let names: Vec<String> = forecasts
        .iter()
        .map(|f| format!("{} against {}", f.model, f.actuals))
        .collect();
    let result = SetResult {
        set: name,
        forecasts: forecasts
            .iter()
            .zip(&scores)
            .map(|(f, s)| SetEntry {
                model: &f.model,
                actuals: &f.actuals,
                scores: s,
            })
            .collect(),
        calibration: &calibration,
        runs: runs.len(),
    };
    emit(
        args,
        &result,
        || bt::render_calibration_html(&calibration, &names),
        || bt::render_calibration_terminal(&calibration, &names),
    )
}

/// A model with includes depends on files beside it: its directory joins the cache key,
/// so that two copies of it in different places are not taken for one.
fn model_dir_key(path: &Path, model: &ValidModel) -> Option<PathBuf> {
    (!model.includes.is_empty()).then(|| {
        path.parent()
            .and_then(|p| p.canonicalize().ok())
            .unwrap_or_default()
    })
}
