//! Kernel benchmark: a whole engine run (all outputs) over random layered networks, in
//! activity-samples per second. Run with `cargo bench -p launchcast-engine`.
//!
//! Networks come from the engine's `src/synthetic.rs`, compiled in here by path.

use divan::counter::ItemsCount;
use launchcast_engine::{Plan, RunOptions, run};
use launchcast_model::ValidModel;

#[path = "../src/synthetic.rs"]
mod synthetic;
use synthetic::network;

fn main() {
    divan::main();
}

fn bench_run(
    bencher: divan::Bencher,
    activities: usize,
    pert: bool,
    iterations: u64,
    threads: usize,
) {
    let model = ValidModel::new(network(activities, pert, 1)).expect("a valid network");
    let plan = Plan::compile(&model);
    bencher
        .counter(ItemsCount::new(activities as u64 * iterations))
        .bench(|| {
            run(
                &plan,
                &RunOptions {
                    iterations,
                    seed: 1,
                    threads,
                    progress: None,
                    statistics: true,
                },
            )
            .expect("run")
        });
}

// Iteration counts past twice the per-task sample (65,536), as in real runs: most lanes
// then take the fast kernel and one in k the full one.

#[divan::bench(args = [1, 2], sample_count = 5)]
fn tri_1000_activities_1m_iterations(bencher: divan::Bencher, threads: usize) {
    bench_run(bencher, 1000, false, 1_000_000, threads);
}

#[divan::bench(args = [2], sample_count = 5)]
fn pert_1000_activities_1m_iterations(bencher: divan::Bencher, threads: usize) {
    bench_run(bencher, 1000, true, 1_000_000, threads);
}

#[divan::bench(args = [2], sample_count = 3)]
fn tri_10000_activities_200k_iterations(bencher: divan::Bencher, threads: usize) {
    bench_run(bencher, 10_000, false, 200_000, threads);
}
