//! `inspect` of a model file: counts and the most-likely schedule, as a table or JSON.

use std::path::Path;

use launchcast_engine::Plan;
use launchcast_model::{Dist, LinkKind, Selection};

use crate::errors::CliError;
use crate::output::out;

/// `inspect --json`: counts first, then the most-likely schedule. Fields in this order.
#[derive(serde::Serialize)]
struct InspectJson<'a> {
    tasks: usize,
    milestones: usize,
    summary_tasks: usize,
    relations: Relations,
    calendars: usize,
    risks: usize,
    plants: usize,
    promises: usize,
    scenarios: usize,
    start: String,
    finish: String,
    finish_days: f64,
    schedule: Vec<ScheduledTask<'a>>,
}

#[derive(serde::Serialize)]
#[allow(non_snake_case)]
struct Relations {
    FS: usize,
    SS: usize,
    FF: usize,
    SF: usize,
}

/// One task of the most-likely schedule; `null` dates for a task that never happens in it.
#[derive(serde::Serialize)]
struct ScheduledTask<'a> {
    id: &'a str,
    start: Option<String>,
    finish: Option<String>,
    finish_days: Option<f64>,
}

pub(super) fn inspect(path: &Path, json: bool) -> Result<(), CliError> {
    out(&inspect_text(path, json)?)
}

/// What `inspect` prints: the table, or with `json` the JSON.
pub(super) fn inspect_text(path: &Path, json: bool) -> Result<String, CliError> {
    use std::fmt::Write as _;
    let (model, _, _) = launchcast_import::read_model_file(path, false)?;
    let model = model.valid()?;
    let plan = Plan::compile_selected(&model, &Selection::base());
    // Scenario 0 of a plan of base alone: always there.
    let dates = plan.deterministic(0).unwrap_or_default();
    let start = model.program.start;
    let date_of = |days: f64| {
        start
            .add_days(days)
            .map_or_else(|| "-".to_string(), |d| d.to_string())
    };
    let finish_days = dates
        .iter()
        .flatten()
        .map(|d| d.finish)
        .fold(0.0f64, f64::max);
    let count = |k: LinkKind| {
        model
            .tasks
            .iter()
            .flat_map(|t| t.after.iter().chain(&t.after_any))
            .filter(|l| l.kind == k)
            .count()
    };
    let relations = Relations {
        FS: count(LinkKind::FinishToStart),
        SS: count(LinkKind::StartToStart),
        FF: count(LinkKind::FinishToFinish),
        SF: count(LinkKind::StartToFinish),
    };
    let milestones = model
        .tasks
        .iter()
        .filter(|t| t.duration == Dist::ZERO)
        .count();
    if json {
        let value = InspectJson {
            tasks: model.tasks.len(),
            milestones,
            summary_tasks: 0,
            relations,
            calendars: model.calendars.len(),
            risks: model.risks.len(),
            plants: model.plants.len(),
            promises: model.promises.len(),
            scenarios: model.scenarios.len(),
            start: start.to_string(),
            finish: date_of(finish_days),
            finish_days,
            schedule: model
                .tasks
                .iter()
                .zip(&dates)
                .map(|(t, d)| ScheduledTask {
                    id: &t.id,
                    start: d.map(|d| date_of(d.start)),
                    finish: d.map(|d| date_of(d.finish)),
                    finish_days: d.map(|d| d.finish),
                })
                .collect(),
        };
        return super::json_text(&value);
    }
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} tasks ({milestones} milestones), {} risks, {} plants, {} promises, {} scenarios",
        path.display(),
        model.tasks.len(),
        model.risks.len(),
        model.plants.len(),
        model.promises.len(),
        model.scenarios.len()
    );
    let _ = writeln!(
        o,
        "links: {} FS, {} SS, {} FF, {} SF",
        relations.FS, relations.SS, relations.FF, relations.SF
    );
    let _ = writeln!(
        o,
        "\nmost-likely schedule (every duration at its mode, every chance a success, no risk):"
    );
    let _ = writeln!(o, "  {:<24} {:>10}  {:>10}", "task", "start", "finish");
    for (t, d) in model.tasks.iter().zip(&dates) {
        let (s, f) = match d {
            Some(d) => (date_of(d.start), date_of(d.finish)),
            None => ("never".to_string(), "-".to_string()),
        };
        let _ = writeln!(o, "  {:<24} {s:>10}  {f:>10}", t.id);
    }
    let _ = writeln!(
        o,
        "\nlast finish: {} ({finish_days:.1} days from {start})",
        date_of(finish_days)
    );
    Ok(o)
}
