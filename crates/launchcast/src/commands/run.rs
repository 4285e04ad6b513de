//! `run`: outputs and inputs checked before any work, the simulation with a progress bar, the
//! drivers in days, and every output written.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use launchcast_engine::{Plan, RunOptions};
use launchcast_model::Model;

use crate::args::{JsonTo, Run};
use crate::errors::CliError;
use crate::output::{Target, check_output_dir, check_output_file, out, write};
use launchcast_report::format::count;

pub(super) fn run(args: Run) -> Result<(), CliError> {
    let mut phases = Phases::from_env();
    // Outputs are checked before the model is even read, so that a mistyped path costs
    // nothing and nothing is written when one of several outputs cannot be.
    if let Some(path) = &args.html {
        check_output_file(path, "report.html")?;
    }
    if let Some(path) = args.json_file() {
        check_output_file(path, "result.json")?;
    }
    if let Some(dir) = &args.csv {
        check_output_dir(dir)?;
    }
    if let Some(shard) = &args.shard {
        check_output_file(&shard.partial, "part-1-of-4.lcpart")?;
    }
    let model = match crate::schedule::load_run(&args)? {
        Some(model) => model,
        None => super::example()?,
    };
    phases.mark("read");
    // Before any work: nothing the user gave may be overwritten, and two outputs may not
    // be one file.
    crate::output::check_distinct(&inputs(&args, model.model()), &outputs(&args))?;
    let model = model.valid()?;
    phases.mark("validate");
    // Opened before any work: a `--history` that cannot be written stops the run here.
    let recorder = super::history::recorder(&args)?;
    // Every `--scenario` names `base` or a scenario of the model; if not, say which exist.
    let selection = model
        .select(&args.scenarios)
        .map_err(|e| CliError::input(e.to_string(), e.help()))?;
    let plan = Plan::compile_selected(&model, &selection);
    phases.mark("compile");
    let iterations = args.iterations.unwrap_or(model.program.iterations);
    check_memory(&plan, iterations)?;
    let seed = args.seed.unwrap_or(model.program.seed);
    let threads = args.threads;
    if let Some(shard) = &args.shard {
        return run_shard(&args, shard, &model, &plan, iterations, seed);
    }
    let json_to_stdout = matches!(args.json, Some(JsonTo::Stdout));

    let bar = Progress::new(iterations * plan.scenarios().len() as u64, !args.quiet);
    let started = Instant::now();
    let Simulated {
        summary,
        outcomes,
        drivers_timing,
    } = simulate(
        &model,
        &selection,
        &plan,
        (iterations, seed, threads),
        args.drivers,
        &bar,
        &mut phases,
    )?;
    let elapsed = started
        .elapsed()
        .saturating_sub(drivers_timing.map_or(Duration::ZERO, |(_, t)| t));
    bar.finish();

    write_result(
        &model,
        &summary,
        &outcomes,
        args.json.as_ref(),
        args.html.as_deref(),
        args.csv.as_deref(),
    )?;
    if !args.quiet && !json_to_stdout {
        let mut text = launchcast_report::render_terminal(&summary, &model, terminal_width());
        let scenarios = plan.scenarios().len();
        text.push_str(&format!(
            "\n{} × {} in {:.2} s",
            count(iterations, "iteration"),
            count(scenarios as u64, "scenario"),
            elapsed.as_secs_f64()
        ));
        if let Some((runs, took)) = drivers_timing {
            text.push_str(&format!(
                ", drivers ({} more) in {:.2} s",
                count(runs as u64, "run"),
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
    phases.mark("write");
    if let Some(r) = recorder {
        r.record(&summary, args.quiet)?;
        phases.mark("record");
    }
    phases.report();
    Ok(())
}

/// A run made: its summary (with the drivers in days, if asked) and outcomes.
struct Simulated {
    summary: launchcast_report::Summary,
    outcomes: launchcast_engine::Outcomes,
    /// How many driver runs were made, and in what time.
    drivers_timing: Option<(usize, Duration)>,
}

/// Simulates the scenarios of `plan`, summarizes them and (with `drivers`) measures the
/// drivers in days: one more run per risk and uncertain task, on the same draws, made
/// together on one compiled plan. What `run` prints and the MCP `run` answers.
fn simulate(
    model: &launchcast_model::ValidModel,
    selection: &launchcast_model::Selection,
    plan: &Plan,
    (iterations, seed, threads): (u64, u64, usize),
    drivers: bool,
    bar: &Progress,
    phases: &mut Phases,
) -> Result<Simulated, CliError> {
    let tick = |n: u64| bar.advance(n);
    let outcomes = launchcast_engine::run(
        plan,
        &RunOptions {
            iterations,
            seed,
            threads,
            progress: Some(&tick),
            statistics: true,
        },
    )?;
    phases.mark("simulate");
    let (mut summary, ranks) =
        launchcast_report::summarize_ranked(model, plan.scenarios(), &outcomes);
    phases.mark("summarize");
    let mut drivers_timing = None;
    if drivers {
        let started = Instant::now();
        let candidates =
            launchcast_report::driver_candidates_ranked(model, selection, &outcomes, &ranks);
        // One run per candidate and a baseline, made together.
        let per_run = iterations.min(launchcast_report::DRIVER_ITERATIONS);
        let runs = candidates.len() as u64 + 1;
        bar.extend(runs * per_run * plan.scenarios().len() as u64);
        launchcast_report::add_drivers(
            &mut summary,
            model,
            selection,
            &candidates,
            &RunOptions {
                iterations,
                seed,
                threads,
                progress: Some(&tick),
                statistics: false,
            },
        )?;
        drivers_timing = Some((candidates.len(), started.elapsed()));
        phases.mark("drivers");
    }
    Ok(Simulated {
        summary,
        outcomes,
        drivers_timing,
    })
}

/// The JSON of `run --json -` for a valid model: the scenarios asked for (all if none),
/// checked against this machine's memory, simulated quietly on every core.
pub(super) fn run_json(
    model: &launchcast_model::ValidModel,
    scenarios: &[String],
    (iterations, seed): (u64, u64),
    drivers: bool,
) -> Result<String, CliError> {
    let selection = model
        .select(scenarios)
        .map_err(|e| CliError::input(e.to_string(), e.help()))?;
    let plan = Plan::compile_selected(model, &selection);
    check_memory(&plan, iterations)?;
    let bar = Progress::new(0, false);
    let run = simulate(
        model,
        &selection,
        &plan,
        (iterations, seed, 0),
        drivers,
        &bar,
        &mut Phases::from_env(),
    )?;
    Ok(launchcast_report::to_json(&run.summary))
}

/// Wall time of each phase of a run, printed to stderr when `LAUNCHCAST_TIMINGS` is set: the
/// profile behind the speed figures, without a profiler.
struct Phases {
    last: Option<Instant>,
    marks: Vec<(&'static str, Duration)>,
}

impl Phases {
    fn from_env() -> Phases {
        Phases {
            last: std::env::var_os("LAUNCHCAST_TIMINGS").map(|_| Instant::now()),
            marks: Vec::new(),
        }
    }

    fn mark(&mut self, phase: &'static str) {
        if let Some(last) = self.last {
            let now = Instant::now();
            self.marks.push((phase, now - last));
            self.last = Some(now);
        }
    }

    fn report(&self) {
        if self.last.is_some() {
            let parts: Vec<String> = self
                .marks
                .iter()
                .map(|(phase, took)| format!("{phase} {:.1} ms", took.as_secs_f64() * 1e3))
                .collect();
            eprintln!("timings: {}", parts.join(", "));
        }
    }
}

/// Writes a result's JSON (a file or standard output), HTML report and CSV tables, those
/// asked for: what `run` and `merge` give alike.
pub(super) fn write_result(
    model: &Model,
    summary: &launchcast_report::Summary,
    outcomes: &launchcast_engine::Outcomes,
    json: Option<&JsonTo>,
    html: Option<&Path>,
    csv: Option<&Path>,
) -> Result<(), CliError> {
    match json {
        Some(JsonTo::Stdout) => out(&launchcast_report::to_json(summary))?,
        Some(JsonTo::File(path)) => write(path, launchcast_report::to_json(summary).as_bytes())?,
        None => {}
    }
    if let Some(path) = html {
        let page = launchcast_report::render_html(model, summary, outcomes);
        write(path, page.as_bytes())?;
    }
    if let Some(dir) = csv {
        launchcast_report::write_csv(summary, dir).map_err(|e| CliError::Write {
            path: dir.to_path_buf(),
            source: e,
        })?;
    }
    Ok(())
}

/// Every file the run reads: the model (or schedule), its rules, its includes and theirs.
fn inputs(args: &Run, model: &Model) -> Vec<(String, PathBuf)> {
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
fn outputs(args: &Run) -> Vec<(String, Target)> {
    let mut files = Vec::new();
    if let Some(j) = args.json_file() {
        files.push(("--json".to_string(), Target::File(j.to_path_buf())));
    }
    if let Some(h) = &args.html {
        files.push(("--html".to_string(), Target::File(h.clone())));
    }
    if let Some(d) = &args.csv {
        files.push(("--csv".to_string(), Target::CsvDir(d.clone())));
    }
    if let Some(shard) = &args.shard {
        files.push(("--partial".to_string(), Target::File(shard.partial.clone())));
    }
    files
}

/// `run --shard K/N --partial PATH`: simulates part K and writes its partial result, with the
/// model's text for the merge (the file as written when it is a model file, its includes read
/// again beside it by the merge; the model as read, written back, for a schedule).
fn run_shard(
    args: &Run,
    shard: &crate::args::Shard,
    model: &launchcast_model::ValidModel,
    plan: &Plan,
    iterations: u64,
    seed: u64,
) -> Result<(), CliError> {
    let part = launchcast_engine::Part::new(shard.index - 1, shard.count)
        .ok_or_else(|| CliError::input("no such part", "write --shard K/N with 1 <= K <= N"))?;
    let own_text = match &args.model {
        None => Some(super::EXAMPLE.to_string()),
        Some(p) if !crate::schedule::is_schedule(p) => std::fs::read(p)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned()),
        Some(_) => None,
    };
    let model_path = args.model.as_ref().map_or_else(
        || super::EXAMPLE_NAME.to_string(),
        |p| p.display().to_string(),
    );
    let bar = Progress::new(
        (part.range(iterations).end - part.range(iterations).start) * plan.scenarios().len() as u64,
        !args.quiet,
    );
    let tick = |n: u64| bar.advance(n);
    let run = RunOptions {
        iterations,
        seed,
        threads: args.threads,
        progress: Some(&tick),
        statistics: true,
    };
    let outcomes = launchcast_engine::run_part(plan, &run, part)?;
    bar.finish();
    let header = launchcast_report::PartialHeader::of_run(
        model,
        model_path,
        own_text,
        &run,
        part,
        args.scenarios.clone(),
    );
    write(
        &shard.partial,
        &launchcast_report::write_partial(&header, &outcomes),
    )?;
    if !args.quiet {
        let r = part.range(iterations);
        eprintln!(
            "part {} of {} (iterations {} to {}) written to {}",
            shard.index,
            shard.count,
            r.start + 1,
            r.end,
            shard.partial.display()
        );
    }
    Ok(())
}

/// A run keeps a few numbers per iteration and scenario (the headline, deliveries and
/// spend per year); refuse a run whose numbers cannot fit in half of this machine's memory.
pub(super) fn check_memory(plan: &Plan, iterations: u64) -> Result<(), CliError> {
    let budget = launchcast_engine::memory_budget();
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
            count(iterations, "iteration"),
            count(plan.scenarios().len() as u64, "scenario"),
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

pub(super) fn terminal_width() -> usize {
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
