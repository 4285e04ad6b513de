//! Simulations on a bounded pool: at most `concurrent` runs at once, the others wait their
//! turn (a semaphore), so a burst of requests queues instead of taking the machine; a run
//! that starts while another runs uses one thread. Each run is one call of the engine as
//! `launchcast run` makes it, on a blocking thread; a request whose client goes away drops
//! its future, which raises the run's cancel flag, and the run stops at its next block of
//! iterations.
//!
//! The engine has no cancel flag of its own: it reports progress after every block, and the
//! progress callback here unwinds out of the run when the flag is up
//! (`std::panic::resume_unwind`, which does not call the panic hook, so nothing is
//! reported as a fault). The unwinding is caught around the run; the partial results are
//! dropped with it.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use launchcast_engine::{Plan, RunOptions};
use launchcast_history::Headline;
use launchcast_model::{Selection, ValidModel};
use tokio::sync::Semaphore;

use crate::errors::ApiError;

/// One simulation to make.
pub(crate) struct Job {
    pub(crate) model: ValidModel,
    pub(crate) selection: Selection,
    pub(crate) iterations: u64,
    pub(crate) seed: u64,
    /// Measure the drivers in days, as `run` does unless `--no-drivers`.
    pub(crate) drivers: bool,
    /// Render the report's sections (HTML) too, for the page.
    pub(crate) render: bool,
    /// Keep the headline, to record in the history.
    pub(crate) keep: bool,
}

/// What a simulation made: the `run --json` text and, if asked, the report's sections.
pub(crate) struct Made {
    pub(crate) json: String,
    /// The report's sections (what its page holds in `<main>`).
    pub(crate) html: Option<String>,
    /// The headline and the scenarios run, for the history.
    pub(crate) headline: Option<(Headline, Vec<String>)>,
    /// Milliseconds of each phase, as a `Server-Timing` header value.
    pub(crate) timing: String,
}

/// Counts of runs, for `/api/status` and the tests of cancelling.
#[derive(Default)]
pub(crate) struct Counts {
    pub(crate) waiting: AtomicU64,
    pub(crate) running: AtomicU64,
    pub(crate) finished: AtomicU64,
    pub(crate) cancelled: AtomicU64,
}

/// The bounded pool.
pub(crate) struct Pool {
    permits: Arc<Semaphore>,
    /// Worker threads of one run (0: one per core).
    threads: usize,
    pub(crate) counts: Arc<Counts>,
}

/// The payload of the unwinding that stops a cancelled run.
struct Cancelled;

/// Raises the flag when the request's future is dropped before its run ended.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Counts a request as waiting until it runs or goes away.
struct Waiting<'a>(&'a Counts);

impl<'a> Waiting<'a> {
    fn new(counts: &'a Counts) -> Waiting<'a> {
        counts.waiting.fetch_add(1, Ordering::Relaxed);
        Waiting(counts)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiting.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Pool {
    pub(crate) fn new(concurrent: usize, threads: usize) -> Pool {
        Pool {
            permits: Arc::new(Semaphore::new(concurrent.max(1))),
            threads,
            counts: Arc::default(),
        }
    }

    /// Runs `job` when a place is free; cancelled if the returned future is dropped.
    pub(crate) async fn run(&self, job: Job) -> Result<Made, ApiError> {
        let cancel = Arc::new(AtomicBool::new(false));
        let _on_drop = CancelOnDrop(cancel.clone());
        let counts = self.counts.clone();
        let waiting = Waiting::new(&counts);
        let permit = self.permits.clone().acquire_owned().await;
        drop(waiting);
        let permit = permit.map_err(|_| ApiError::internal("the simulation pool is closed"))?;
        let threads = self.threads;
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let others = counts.running.fetch_add(1, Ordering::Relaxed);
            // A run that starts beside another takes one core, not all of them: two runs
            // of a thread per core each would fight over the cores (the results are the
            // same at any thread count).
            let threads = if threads == 0 && others > 0 {
                1
            } else {
                threads
            };
            let made = simulate(&job, threads, &cancel);
            counts.running.fetch_sub(1, Ordering::Relaxed);
            match &made {
                Err(Stop::Cancelled) => counts.cancelled.fetch_add(1, Ordering::Relaxed),
                _ => counts.finished.fetch_add(1, Ordering::Relaxed),
            };
            made
        });
        match task.await {
            Ok(Ok(made)) => Ok(made),
            Ok(Err(Stop::Cancelled)) => Err(ApiError::internal("the run was cancelled")),
            Ok(Err(Stop::Failed(m))) => Err(ApiError::internal(m)),
            Err(e) => Err(ApiError::internal(format!("the run stopped: {e}"))),
        }
    }
}

/// Why a run made nothing.
pub(crate) enum Stop {
    Cancelled,
    Failed(String),
}

/// One run, as `launchcast run` makes it: simulate, summarise, drivers, JSON, HTML.
pub(crate) fn simulate(job: &Job, threads: usize, cancel: &AtomicBool) -> Result<Made, Stop> {
    let tick = |_: u64| {
        if cancel.load(Ordering::Relaxed) {
            std::panic::resume_unwind(Box::new(Cancelled));
        }
    };
    let made = std::panic::catch_unwind(AssertUnwindSafe(|| make(job, threads, &tick)));
    match made {
        Ok(made) => made.map_err(Stop::Failed),
        Err(payload) if payload.is::<Cancelled>() => Err(Stop::Cancelled),
        Err(_) => Err(Stop::Failed(
            "the simulation failed (a fault inside it)".into(),
        )),
    }
}

fn make(job: &Job, threads: usize, tick: &(dyn Fn(u64) + Sync)) -> Result<Made, String> {
    let model = &job.model;
    let mut clock = Clock::new();
    let plan = Plan::compile_selected(model, &job.selection);
    let outcomes = launchcast_engine::run(
        &plan,
        &RunOptions {
            iterations: job.iterations,
            seed: job.seed,
            threads,
            progress: Some(tick),
            statistics: true,
        },
    )
    .map_err(|e| e.to_string())?;
    clock.mark("simulate");
    let (mut summary, ranks) =
        launchcast_report::summarize_ranked(model, plan.scenarios(), &outcomes);
    clock.mark("summarize");
    if job.drivers {
        let candidates =
            launchcast_report::driver_candidates_ranked(model, &job.selection, &outcomes, &ranks);
        launchcast_report::add_drivers(
            &mut summary,
            model,
            &job.selection,
            &candidates,
            &RunOptions {
                iterations: job.iterations,
                seed: job.seed,
                threads,
                progress: Some(tick),
                statistics: false,
            },
        )
        .map_err(|e| e.to_string())?;
        clock.mark("drivers");
    }
    let json = launchcast_report::to_json(&summary);
    let html = job
        .render
        .then(|| launchcast_report::render_html_main(model, &summary, &outcomes));
    clock.mark("render");
    Ok(Made {
        json,
        html,
        headline: job.keep.then(|| {
            let ids = summary.scenarios.iter().map(|s| s.id.clone()).collect();
            (Headline::of(&summary), ids)
        }),
        timing: clock.marks.join(", "),
    })
}

/// Wall time of each phase of a run (`Server-Timing`: where a what-if's time goes).
struct Clock {
    last: std::time::Instant,
    marks: Vec<String>,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            last: std::time::Instant::now(),
            marks: Vec::new(),
        }
    }

    fn mark(&mut self, phase: &str) {
        let now = std::time::Instant::now();
        let ms = (now - self.last).as_secs_f64() * 1e3;
        self.marks.push(format!("{phase};dur={ms:.1}"));
        self.last = now;
    }
}
