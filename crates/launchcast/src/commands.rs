//! The commands: validated arguments in, library calls, outputs written atomically.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use launchcast_engine::{Plan, RunOptions};
use launchcast_model::{Dist, Impact, LinkKind, Model, PromiseKind, Quantity};

use crate::cli::{Cli, Command, RunArgs};
use crate::errors::CliError;
use crate::output::{check_output_dir, check_output_file, out, write};

/// The bundled example: the Xiaomi EV launch as seen in mid-2022.
const EXAMPLE_NAME: &str = "examples/xiaomi-2022.toml";
const EXAMPLE: &str = include_str!("../../../examples/xiaomi-2022.toml");

pub fn dispatch(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check { model } if crate::schedule::is_schedule(&model) => {
            crate::schedule::check(&model)
        }
        Command::Check { model } => check(&model),
        Command::Inspect { input, json } if crate::schedule::is_schedule(&input) => {
            crate::schedule::inspect(&input, json)
        }
        Command::Inspect { input, json } => inspect(&input, json),
        Command::Import {
            input,
            output,
            uncertainty,
        } => crate::schedule::import(&input, output.as_deref(), uncertainty.as_deref()),
    }
}

fn load(path: Option<&Path>) -> Result<Model, CliError> {
    match path {
        None => Ok(launchcast_model::parse(EXAMPLE, EXAMPLE_NAME)?),
        Some(p) => Ok(launchcast_model::parse_file(p)?),
    }
}

fn run(args: RunArgs) -> Result<(), CliError> {
    // Outputs are checked before the model is even read, so that a mistyped path costs
    // nothing and nothing is written when one of several outputs cannot be.
    if let Some(path) = &args.html {
        check_output_file(path, "report.html")?;
    }
    if let Some(path) = args.json.as_deref().filter(|p| *p != Path::new("-")) {
        check_output_file(path, "result.json")?;
    }
    if let Some(dir) = &args.csv {
        check_output_dir(dir)?;
    }
    let model = match crate::schedule::load_run(&args)? {
        Some(model) => model,
        None => load(args.model.as_deref())?,
    };
    // Before any work: nothing the user gave may be overwritten, and two outputs may not
    // be one file.
    crate::output::check_distinct(&inputs(&args, &model), &outputs(&args))?;
    check_scenarios(&model, &args.scenarios)?;
    let plan = Plan::compile_selected(&model, &args.scenarios)?;
    let iterations = args.iterations.unwrap_or(model.program.iterations);
    check_memory(&plan, iterations)?;
    let seed = args.seed.unwrap_or(model.program.seed);
    let threads = args.threads.map_or(0, usize::from);
    let json_to_stdout = args.json.as_deref() == Some(Path::new("-"));

    let bar = Progress::new(iterations * plan.scenarios().len() as u64, !args.quiet);
    let tick = |n: u64| bar.advance(n);
    let started = Instant::now();
    let outcomes = launchcast_engine::run(
        &plan,
        &RunOptions {
            iterations,
            seed,
            threads,
            progress: Some(&tick),
            statistics: true,
        },
    )?;
    let mut summary = launchcast_report::summarize(&model, plan.scenarios(), &outcomes);
    let elapsed = started.elapsed();
    // Drivers in days: one more run per risk and uncertain task, on the same draws.
    let mut drivers_timing = None;
    if !args.no_drivers {
        let started = Instant::now();
        let candidates = launchcast_report::driver_candidates(&model, &args.scenarios, &outcomes);
        // One run per candidate, plus a shorter baseline past DRIVER_ITERATIONS.
        let per_run = iterations.min(launchcast_report::DRIVER_ITERATIONS);
        let runs = candidates.len() as u64 + u64::from(per_run < iterations);
        bar.extend(runs * per_run * plan.scenarios().len() as u64);
        let drivers = launchcast_report::measure_drivers(
            &model,
            &args.scenarios,
            &outcomes,
            &candidates,
            &RunOptions {
                iterations,
                seed,
                threads,
                progress: Some(&tick),
                statistics: false,
            },
        )?;
        for (scenario, list) in summary.scenarios.iter_mut().zip(drivers) {
            scenario.drivers = list;
        }
        drivers_timing = Some((candidates.len(), started.elapsed()));
    }
    bar.finish();

    if let Some(path) = &args.json {
        let text = launchcast_report::to_json(&summary);
        if json_to_stdout {
            out(&text)?;
        } else {
            write(path, text.as_bytes())?;
        }
    }
    if let Some(path) = &args.html {
        let html = launchcast_report::render_html(&model, &summary, &outcomes);
        write(path, html.as_bytes())?;
    }
    if let Some(dir) = &args.csv {
        launchcast_report::write_csv(&summary, dir).map_err(|e| CliError::Write {
            path: dir.clone(),
            source: e,
        })?;
    }
    if !args.quiet && !json_to_stdout {
        let mut text = launchcast_report::render_terminal(&summary, &model, terminal_width());
        let scenarios = plan.scenarios().len();
        text.push_str(&format!(
            "\n{} × {} in {:.2} s",
            count(iterations, "iteration", "iterations"),
            count(scenarios as u64, "scenario", "scenarios"),
            elapsed.as_secs_f64()
        ));
        if let Some((runs, took)) = drivers_timing {
            text.push_str(&format!(
                ", drivers ({} more) in {:.2} s",
                count(runs as u64, "run", "runs"),
                took.as_secs_f64()
            ));
        }
        text.push('\n');
        out(&text)?;
    }
    if !args.quiet
        && summary
            .scenarios
            .iter()
            .all(|s| s.first_delivery.probability == 0.0)
    {
        eprint!("{}", nothing_by_the_horizon(&model, &plan));
    }
    Ok(())
}

/// A number of cars with thousands separators (`300,000`).
fn cars(n: impl Into<f64>) -> String {
    let n: f64 = n.into();
    if n >= 0.0 && n.fract() == 0.0 && n < 1e15 {
        count(n as u64, "", "").trim_end().to_string()
    } else {
        n.to_string()
    }
}

/// `1 iteration`, `10,000 iterations`.
fn count(n: u64, one: &str, many: &str) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} {}", if n == 1 { one } else { many })
}

/// Every file the run reads: the model (or schedule), its rules, its includes and theirs.
fn inputs(args: &RunArgs, model: &Model) -> Vec<(String, std::path::PathBuf)> {
    let mut files = Vec::new();
    if let Some(m) = &args.model {
        files.push(("the model".to_string(), m.clone()));
        let dir = m.parent().unwrap_or(Path::new(""));
        for inc in &model.includes {
            files.push((format!("include `{}`", inc.prefix), dir.join(&inc.file)));
            if let Some(r) = &inc.uncertainty {
                files.push((
                    format!("the rules of include `{}`", inc.prefix),
                    dir.join(r),
                ));
            }
        }
    }
    if let Some(r) = &args.uncertainty {
        files.push(("the uncertainty rules".to_string(), r.clone()));
    }
    files
}

/// Every file the run writes, by the flag that names it.
fn outputs(args: &RunArgs) -> Vec<(String, crate::output::Target)> {
    use crate::output::Target;
    let mut files = Vec::new();
    if let Some(j) = args.json.as_deref().filter(|p| *p != Path::new("-")) {
        files.push(("--json".to_string(), Target::File(j.to_path_buf())));
    }
    if let Some(h) = &args.html {
        files.push(("--html".to_string(), Target::File(h.clone())));
    }
    if let Some(d) = &args.csv {
        files.push(("--csv".to_string(), Target::CsvDir(d.clone())));
    }
    files
}

/// Every `--scenario` names `base` or a scenario of the model; if not, say which exist.
fn check_scenarios(model: &Model, wanted: &[String]) -> Result<(), CliError> {
    let ids: Vec<&str> = std::iter::once("base")
        .chain(model.scenarios.iter().map(|s| s.id.as_str()))
        .collect();
    for w in wanted {
        if !ids.contains(&w.as_str()) {
            let near = ids
                .iter()
                .map(|id| (strsim::jaro_winkler(w, id), *id))
                .filter(|(score, _)| *score >= 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .map_or(String::new(), |(_, id)| format!("did you mean `{id}`? "));
            return Err(CliError::input(
                format!("unknown scenario `{w}`: the model has {}", quoted(&ids)),
                format!(
                    "{near}`base` is the model as written; the others are its [[scenario]] ids"
                ),
            ));
        }
    }
    Ok(())
}

fn quoted(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A run keeps a few numbers per iteration and scenario (the headline, deliveries and
/// spend per year); refuse a run whose numbers cannot fit in half of this machine's memory.
fn check_memory(plan: &Plan, iterations: u64) -> Result<(), CliError> {
    let budget = crate::output::memory_budget();
    let need = plan.iteration_bytes(iterations);
    if need <= budget {
        return Ok(());
    }
    let per = plan.iteration_bytes(1).max(1);
    let fit = (budget / per).max(1);
    let gib = |b: u64| b as f64 / f64::from(1u32 << 30);
    Err(CliError::input(
        format!(
            "{} of {} keep {:.1} GiB of results, more than half of this machine's memory ({:.1} GiB)",
            count(iterations, "iteration", "iterations"),
            count(plan.scenarios().len() as u64, "scenario", "scenarios"),
            gib(need),
            gib(budget)
        ),
        format!(
            "use at most {fit} iterations (-n {fit}), or fewer scenarios (--scenario ID); a shorter horizon keeps fewer years"
        ),
    ))
}

/// When nothing happens by the horizon in any scenario: say so, and what horizon the
/// most-likely schedule would need.
fn nothing_by_the_horizon(model: &Model, plan: &Plan) -> String {
    let p = &model.program;
    let what = if model.plants.is_empty() {
        "the last task finishes"
    } else {
        "a car is delivered"
    };
    let finish = plan
        .deterministic(0)
        .ok()
        .and_then(|dates| {
            dates
                .iter()
                .flatten()
                .map(|d| d.finish)
                .fold(None, |m: Option<f64>, f| Some(m.map_or(f, |m| m.max(f))))
        })
        .and_then(|days| p.start.add_days(days));
    let mut text = format!(
        "note: in no iteration of any scenario {what} by the horizon, {}: the results above are empty\n",
        p.horizon
    );
    match finish {
        Some(f) if f >= p.horizon => text.push_str(&format!(
            "  help: the most-likely schedule (launchcast inspect) finishes on {f}; set `horizon` in [program] well after it, e.g. {}-12-31\n",
            f.year() + 1 + (f.year() - p.start.year()).max(1) / 2
        )),
        _ => text.push_str(
            "  help: check the chances of the tasks and risks that fail (`launchcast inspect` shows the most-likely schedule)\n",
        ),
    }
    text
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

/// A progress bar on standard error, shown only on a terminal and only once a run has taken
/// more than a second.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    enabled: bool,
}

impl Progress {
    fn new(total: u64, wanted: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:40} {percent:>3}% {pos}/{len} iterations, {eta} left",
        ) {
            bar.set_style(style);
        }
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            enabled: wanted && std::io::stderr().is_terminal(),
        }
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// More work than announced: `n` more iterations.
    fn extend(&self, n: u64) {
        self.bar.inc_length(n);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn check(path: &Path) -> Result<(), CliError> {
    let (model, included) = crate::schedule::load_model(path)?;
    let source = launchcast_model::read_model_text(path).unwrap_or_default();
    let text = describe(&model, &path.display().to_string(), &Written::of(&source));
    out(&(text + &crate::schedule::describe_includes(path, &included)))
}

/// The distributions of a model file as written (`tri(2w, 1mo, 2mo)`), by item and key, so
/// that `check` shows them as the user wrote them rather than in one unit.
#[derive(Default)]
struct Written(std::collections::HashMap<(String, String), String>);

impl Written {
    fn of(source: &str) -> Written {
        let mut w = Written::default();
        let Ok(table) = source.parse::<toml::Table>() else {
            return w;
        };
        let mut keep = |id: &str, t: &toml::Table| {
            for (key, value) in t {
                if let Some(text) = value.as_str() {
                    w.0.insert((id.to_string(), key.clone()), text.trim().to_string());
                }
            }
        };
        if let Some(p) = table.get("program").and_then(toml::Value::as_table) {
            keep("", p);
        }
        for section in ["task", "risk", "plant"] {
            let items = table.get(section).and_then(toml::Value::as_array);
            for t in items
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_table)
            {
                if let Some(id) = t.get("id").and_then(toml::Value::as_str) {
                    keep(id, t);
                }
            }
        }
        w
    }

    /// The text written for `key` of item `id` (`""` for `[program]`), else `read` as read.
    fn show(&self, id: &str, key: &str, read: impl std::fmt::Display) -> String {
        match self.0.get(&(id.to_string(), key.to_string())) {
            Some(text) => text.clone(),
            None => read.to_string(),
        }
    }
}

/// What `check` prints: the model as read, one line per item, distributions as written.
fn describe(m: &Model, file: &str, written: &Written) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let p = &m.program;
    // One id column for every section, wide enough for the longest id.
    let w = m
        .tasks
        .iter()
        .map(|t| t.id.len())
        .chain(m.risks.iter().map(|r| r.id.len()))
        .chain(m.plants.iter().map(|p| p.id.len()))
        .chain(m.promises.iter().map(|p| p.id.len()))
        .chain(m.scenarios.iter().map(|s| s.id.len()))
        .fold(22, usize::max);
    let _ = writeln!(o, "{file}: valid");
    let _ = writeln!(o, "program   {}", p.name);
    let _ = write!(
        o,
        "          {} to {}, {}, seed {}",
        p.start,
        p.horizon,
        count(p.iterations, "iteration", "iterations"),
        p.seed
    );
    if !p.currency.is_empty() {
        let _ = write!(o, ", currency {}", p.currency);
    }
    o.push('\n');
    let _ = writeln!(
        o,
        "          delivery lag {}, overhead per year {}",
        written.show(
            "",
            "delivery_lag",
            p.delivery_lag.display(Quantity::Duration)
        ),
        written.show(
            "",
            "overhead_per_year",
            p.overhead_per_year.display(Quantity::Money)
        )
    );
    if !m.calendars.is_empty() {
        let calendars = count(m.calendars.len() as u64, "calendar", "calendars");
        let _ = writeln!(o, "\n{calendars}");
        for c in &m.calendars {
            let week: f64 = c.week.iter().map(launchcast_model::minutes).sum::<u32>() as f64;
            let _ = writeln!(
                o,
                "  {:<w$} {} h a day of duration, {} working hours a week, {}",
                c.id,
                c.hours_per_day,
                week / 60.0,
                count(c.exceptions.len() as u64, "exception", "exceptions")
            );
        }
    }
    let _ = writeln!(o, "\n{}", count(m.tasks.len() as u64, "task", "tasks"));
    for t in &m.tasks {
        let duration = written.show(&t.id, "duration", t.duration.display(Quantity::Duration));
        let mut line = format!("  {:<w$} {duration}", t.id);
        if let Some(c) = m.task_calendar(t) {
            let _ = write!(line, " of work on {}", m.calendars[c].id);
        }
        if t.chance < 1.0 {
            let _ = write!(line, ", chance {}", t.chance);
        }
        if t.cost != Dist::ZERO {
            let cost = written.show(&t.id, "cost", t.cost.display(Quantity::Money));
            let _ = write!(line, ", cost {cost}");
        }
        let links = |links: &[launchcast_model::Link]| {
            links
                .iter()
                .map(|l| {
                    let kind = if l.kind == LinkKind::FinishToStart {
                        String::new()
                    } else {
                        format!(":{}", l.kind.code())
                    };
                    let lag = if l.lag == 0.0 {
                        String::new()
                    } else {
                        format!("{:+}d", l.lag)
                    };
                    format!("{}{kind}{lag}", l.task)
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !t.after.is_empty() {
            let _ = write!(line, ", after {}", links(&t.after));
        }
        if !t.after_any.is_empty() {
            let _ = write!(line, ", after first of {}", links(&t.after_any));
        }
        if !t.after_failure.is_empty() {
            let _ = write!(line, ", if failed: {}", t.after_failure.join(", "));
        }
        if let Some(d) = t.not_before {
            let _ = write!(line, ", not before {d}");
        }
        let _ = writeln!(o, "{line}");
    }
    let _ = writeln!(o, "\n{}", count(m.risks.len() as u64, "risk", "risks"));
    for r in &m.risks {
        let impact = match &r.impact {
            Impact::Delay(d) => format!(
                "delay {}",
                written.show(&r.id, "delay", d.display(Quantity::Duration))
            ),
            Impact::Scale(d) => format!(
                "scale {}",
                written.show(&r.id, "scale", d.display(Quantity::Number))
            ),
            Impact::Fail => "fail".to_string(),
        };
        let _ = writeln!(
            o,
            "  {:<w$} chance {}, {impact} on {}",
            r.id,
            r.chance,
            r.tasks.join(", ")
        );
    }
    let _ = writeln!(o, "\n{}", count(m.plants.len() as u64, "plant", "plants"));
    for pl in &m.plants {
        let capacity = match pl.capacity {
            Dist::Fixed(c) if c >= 0.0 && c.fract() == 0.0 && c < 1e15 => {
                count(c as u64, "", "").trim_end().to_string()
            }
            _ => written.show(&pl.id, "capacity", pl.capacity.display(Quantity::Number)),
        };
        let _ = writeln!(
            o,
            "  {:<w$} {capacity} cars/yr from {}, ramp {}",
            pl.id,
            pl.starts,
            written.show(&pl.id, "ramp", pl.ramp.display(Quantity::Duration))
        );
    }
    let _ = writeln!(
        o,
        "\n{}",
        count(m.promises.len() as u64, "promise", "promises")
    );
    for pr in &m.promises {
        let what = match &pr.kind {
            PromiseKind::FirstDeliveryBy(d) => format!("first delivery by {d}"),
            PromiseKind::DeliveriesBy { date, at_least } => {
                format!("at least {} delivered by {date}", cars(*at_least))
            }
            PromiseKind::DeliveriesInYear { year, at_least } => {
                format!("at least {} delivered in {year}", cars(*at_least))
            }
            PromiseKind::SpendBy { date, at_most } => format!(
                "at most {} spent by {date}",
                Dist::Fixed(*at_most).display(Quantity::Money)
            ),
        };
        let _ = writeln!(o, "  {:<w$} {what}", pr.id);
    }
    let _ = writeln!(
        o,
        "\n{} besides base",
        count(m.scenarios.len() as u64, "scenario", "scenarios")
    );
    for s in &m.scenarios {
        let _ = writeln!(
            o,
            "  {:<w$} disables {}; sets {}",
            s.id,
            s.disable.len(),
            s.set.len()
        );
    }
    o
}

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

fn inspect(path: &Path, json: bool) -> Result<(), CliError> {
    use std::fmt::Write as _;
    let (model, _) = crate::schedule::load_model(path)?;
    let plan = Plan::compile_selected(&model, &["base".to_string()])?;
    let dates = plan.deterministic(0)?;
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
        let mut text =
            serde_json::to_string_pretty(&value).map_err(|e| CliError::Internal(e.to_string()))?;
        text.push('\n');
        return out(&text);
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
    out(&o)
}
