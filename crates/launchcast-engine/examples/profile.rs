//! Runs the engine on a synthetic network, or on a model file, for profilers:
//! `cargo run --release -p launchcast-engine --example profile -- ACTIVITIES ITERATIONS [THREADS] [pert] [calendar]`
//! (`calendar`: every task on a Monday-to-Friday working-time calendar)
//! or `... --example profile -- MODEL.toml ITERATIONS [THREADS]`.

use launchcast_engine::{Plan, RunOptions, run};
use launchcast_model::ValidModel;

#[path = "../src/synthetic.rs"]
mod synthetic;
use synthetic::network;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, default: u64| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let (activities, iterations, threads) =
        (arg(1, 1000) as usize, arg(2, 1_000_000), arg(3, 0) as usize);
    let pert = args.iter().any(|a| a == "pert");
    let model = match args.get(1).filter(|a| a.ends_with(".toml")) {
        Some(path) => {
            let parsed = std::fs::read_to_string(path)
                .map_err(|e| e.to_string())
                .and_then(|text| launchcast_model::parse(&text, path).map_err(|e| e.to_string()));
            match parsed {
                Ok(m) => m,
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(2);
                }
            }
        }
        None => network(activities, pert, 1),
    };
    let mut model = model;
    if args.iter().any(|a| a == "calendar") {
        model.calendars = vec![launchcast_model::Calendar::standard("site")];
        model.program.calendar = Some("site".into());
    }
    let activities = model.tasks.len();
    let plan = match ValidModel::new(model) {
        Ok(model) => Plan::compile(&model),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let started = std::time::Instant::now();
    match run(
        &plan,
        &RunOptions {
            iterations,
            seed: 1,
            threads,
            progress: None,
            statistics: true,
        },
    ) {
        Ok(out) => {
            let secs = started.elapsed().as_secs_f64();
            let done = out.scenarios[0]
                .headline_days
                .iter()
                .filter(|x| x.is_finite())
                .count();
            println!(
                "{activities} activities × {iterations} iterations in {secs:.3} s: {:.0} M activity-samples/s ({done} finished)",
                activities as f64 * iterations as f64 / secs / 1e6
            );
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}
