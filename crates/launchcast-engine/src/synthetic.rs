//! Seeded random layered networks for benchmarks and profiling, shaped like the peer
//! benchmark's (`bench/gen_network.py`): every activity after the first has 1–3
//! finish-to-start predecessors among the previous 50, and a triangular or beta-PERT duration
//! with mode 5–30 days, min 0.8 × mode and max 1.6 × mode.
//!
//! Not part of the engine's API: compiled into its unit tests, and by path into the kernel
//! benchmark and the profiling example.

use launchcast_model::{Date, Dist, Link, LinkKind, Model, Program, Task};

/// SplitMix64 run as a sequential stream: a dependency-free, seeded stream for the network
/// generator. (Its own copy of the engine's mixer: this file is also compiled into the
/// benchmark and the profiling example, which see only the engine's public API.)
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A network of `activities` tasks; the same arguments always give the same model.
pub(crate) fn network(activities: usize, pert: bool, seed: u64) -> Model {
    let mut rng = Stream(seed);
    let mut tasks = Vec::with_capacity(activities);
    for i in 0..activities {
        let mode = 5.0 + rng.below(26) as f64;
        let (min, max) = ((0.8 * mode).round(), (1.6 * mode).round());
        let duration = if pert {
            Dist::Pert { min, mode, max }
        } else {
            Dist::Triangular { min, mode, max }
        };
        let mut after = Vec::new();
        if i > 0 {
            let window = i.min(50) as u64;
            let k = (1 + rng.below(3)).min(window);
            while (after.len() as u64) < k {
                let p = i - 1 - rng.below(window) as usize;
                let id = format!("a{p:05}");
                if !after.iter().any(|l: &Link| l.task == id) {
                    after.push(Link {
                        task: id,
                        kind: LinkKind::FinishToStart,
                        lag: 0.0,
                    });
                }
            }
        }
        tasks.push(Task {
            id: format!("a{i:05}"),
            name: String::new(),
            duration,
            chance: 1.0,
            after,
            after_any: vec![],
            after_failure: vec![],
            cost: Dist::ZERO,
            not_before: None,
            started: None,
            disabled: false,
            calendar: None,
        });
    }
    Model {
        program: Program {
            name: "bench".into(),
            start: Date::jan1(2025),
            horizon: Date::jan1(2125),
            currency: String::new(),
            iterations: 10_000,
            seed: 1,
            delivery_lag: Dist::ZERO,
            overhead_per_year: Dist::ZERO,
            calendar: None,
            start_time: 0,
        },
        tasks,
        risks: vec![],
        plants: vec![],
        promises: vec![],
        scenarios: vec![],
        correlations: vec![],
        includes: vec![],
        calendars: vec![],
        references: vec![],
        thin_references: vec![],
    }
}
