//! A run cut into parts that merge exactly. The random numbers are counter-based (each
//! lane group draws from its own position in the stream), the subsample behind the per-task
//! statistics and the rows is laid out for the whole run, and every accumulator is an
//! integer count or a column: so the parts of a run, simulated anywhere and merged, give the
//! run itself, value for value. [`Part`] names a part, [`run_part`] simulates it, [`Merge`]
//! adds parts one at a time (memory: one run's outcomes, whatever the number of parts).

use std::ops::Range;

use crate::engine::Plan;
use crate::error::EngineError;
use crate::outcomes::{Outcomes, Rows};
use crate::run::RunOptions;
use crate::simd::LANES;

/// Part `index` (from 0) of `count`: the lane groups of 32 iterations split evenly, in
/// order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part {
    index: u64,
    count: u64,
}

impl Part {
    /// Part `index` of `count`, if `index < count`.
    pub fn new(index: u64, count: u64) -> Option<Part> {
        (index < count).then_some(Part { index, count })
    }

    /// The part's index, from 0.
    pub fn index(self) -> u64 {
        self.index
    }

    /// How many parts the run has.
    pub fn count(self) -> u64 {
        self.count
    }

    /// The iterations of this part of a run of `iterations`.
    pub fn range(self, iterations: u64) -> Range<u64> {
        let groups = iterations.div_ceil(LANES as u64);
        let at = |k: u64| {
            let g = (u128::from(groups) * u128::from(k) / u128::from(self.count)) as u64;
            (g * LANES as u64).min(iterations)
        };
        at(self.index)..at(self.index + 1)
    }
}

/// Simulates part `part` of the run `opts` describes: its [`Outcomes`] hold the part's
/// iterations ([`Outcomes::iterations`] is their number) and rows, and the statistics of its
/// share of the subsample.
pub fn run_part(plan: &Plan, opts: &RunOptions, part: Part) -> Result<Outcomes, EngineError> {
    crate::run::run_range(plan.compiled(), opts, part.range(opts.iterations))
}

/// Why parts do not make a run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// A part was added twice.
    #[error("part {} of {} is given twice", .0 + 1, .1)]
    Duplicate(u64, u64),
    /// Parts of different cuts, runs or models.
    #[error("part {} does not fit the others: {}", .0 + 1, .1)]
    Mismatch(u64, String),
    /// Parts missing at the end.
    #[error("parts missing: {}", .0)]
    Missing(String),
}

/// Parts added one at a time into the outcomes of the whole run.
pub struct Merge {
    iterations: u64,
    count: u64,
    seen: Vec<bool>,
    merged: Option<Outcomes>,
}

impl Merge {
    /// An empty merge of a run of `iterations` cut into `count` parts.
    pub fn new(iterations: u64, count: u64) -> Merge {
        Merge {
            iterations,
            count,
            seen: vec![false; usize::try_from(count).unwrap_or(0)],
            merged: None,
        }
    }

    /// Adds part `part` (its outcomes from [`run_part`]).
    pub fn add(&mut self, part: Part, outcomes: Outcomes) -> Result<(), MergeError> {
        let k = part.index;
        if part.count != self.count {
            return Err(MergeError::Mismatch(
                k,
                format!(
                    "cut into {} parts, the others into {}",
                    part.count, self.count
                ),
            ));
        }
        let range = part.range(self.iterations);
        let len = range.end - range.start;
        if outcomes.iterations != len {
            return Err(MergeError::Mismatch(
                k,
                format!(
                    "{} iterations where its part of the run has {len}",
                    outcomes.iterations
                ),
            ));
        }
        let Some(seen) = self.seen.get_mut(k as usize) else {
            return Err(MergeError::Mismatch(
                k,
                format!("there are only {} parts", self.count),
            ));
        };
        if *seen {
            return Err(MergeError::Duplicate(k, self.count));
        }
        // Checked before the part counts as seen: a part refused here may be given again.
        if let Some(merged) = &self.merged
            && (merged.scenarios.len() != outcomes.scenarios.len()
                || merged.years != outcomes.years
                || merged.months != outcomes.months
                || merged.seed != outcomes.seed)
        {
            return Err(MergeError::Mismatch(
                k,
                "other scenarios, years or seed".to_string(),
            ));
        }
        *seen = true;
        let n = self.iterations as usize;
        let at = range.start as usize;
        let merged = self.merged.get_or_insert_with(|| empty_like(&outcomes, n));
        let (delivers, spends) = (merged.delivers, merged.spends);
        for (m, p) in merged.scenarios.iter_mut().zip(outcomes.scenarios) {
            let put = |to: &mut Vec<f32>, from: &[f32]| {
                if let Some(out) = to.get_mut(at..at + from.len()) {
                    out.copy_from_slice(from);
                }
            };
            put(&mut m.headline_days, &p.headline_days);
            // Columns zero by construction stay untouched (their pages are never mapped).
            if delivers {
                for (to, from) in m.deliveries_by_year.iter_mut().zip(&p.deliveries_by_year) {
                    put(to, from);
                }
            }
            if spends {
                for (to, from) in m.spend_by_year.iter_mut().zip(&p.spend_by_year) {
                    put(to, from);
                }
            }
            for (to, from) in m.promises_kept.iter_mut().zip(&p.promises_kept) {
                *to += from;
            }
            m.tasks.merge(&p.tasks);
            copy_rows(&mut m.rows, &p.rows, &range);
        }
        Ok(())
    }

    /// The whole run, once every part is in.
    pub fn finish(self) -> Result<Outcomes, MergeError> {
        let missing: Vec<String> = self
            .seen
            .iter()
            .enumerate()
            .filter(|(_, s)| !**s)
            .map(|(k, _)| format!("{} of {}", k + 1, self.count))
            .collect();
        match self.merged {
            Some(m) if missing.is_empty() => Ok(m),
            _ => Err(MergeError::Missing(if missing.is_empty() {
                "every one".to_string()
            } else {
                missing.join(", ")
            })),
        }
    }
}

/// Outcomes shaped like a part's, for a run of `n` iterations, with nothing counted yet.
fn empty_like(part: &Outcomes, n: usize) -> Outcomes {
    Outcomes {
        iterations: n as u64,
        seed: part.seed,
        horizon_days: part.horizon_days,
        years: part.years.clone(),
        months: part.months.clone(),
        delivers: part.delivers,
        spends: part.spends,
        scenarios: part
            .scenarios
            .iter()
            .map(|s| crate::outcomes::ScenarioOutcomes {
                headline_days: vec![0.0; n],
                deliveries_by_year: s.deliveries_by_year.iter().map(|_| vec![0.0; n]).collect(),
                spend_by_year: s.spend_by_year.iter().map(|_| vec![0.0; n]).collect(),
                promises_kept: vec![0; s.promises_kept.len()],
                tasks: crate::outcomes::TaskStats::new(s.tasks.tasks()),
                rows: Rows {
                    iterations: s.rows.iterations.clone(),
                    durations: vec![0.0; s.rows.durations.len()],
                    headline: vec![0.0; s.rows.headline.len()],
                    delivered: vec![0.0; s.rows.delivered.len()],
                    spent: vec![0.0; s.rows.spent.len()],
                },
            })
            .collect(),
    }
}

/// Copies the rows of `from` whose iteration lies in `range` into `to` (same layout).
fn copy_rows(to: &mut Rows, from: &Rows, range: &Range<u64>) {
    let r = to.len();
    if from.len() != r {
        return;
    }
    let lo = from.iterations.partition_point(|&i| i < range.start);
    let hi = from.iterations.partition_point(|&i| i < range.end);
    for column in [
        (&mut to.durations, &from.durations),
        (&mut to.delivered, &from.delivered),
        (&mut to.spent, &from.spent),
    ] {
        for (a, b) in column.0.chunks_exact_mut(r).zip(column.1.chunks_exact(r)) {
            a[lo..hi].copy_from_slice(&b[lo..hi]);
        }
    }
    to.headline[lo..hi].copy_from_slice(&from.headline[lo..hi]);
}
