//! Scenario comparison on the same iterations.
//!
//! Every scenario is simulated on the same random draws (common random numbers), so iteration
//! `i` of scenario A and iteration `i` of scenario B are the same world under two decisions.
//! For every pair (A, B), A before B in plan order:
//!
//! - `p_a_earlier`: share of iterations in which A's headline is strictly earlier than B's.
//!   An iteration in which A's headline happens and B's does not counts as A earlier.
//!   `p_tie`: share in which both fall on the same day (equal `f32` days) or neither happens
//!   by the horizon. So P(B earlier) = 1 − `p_a_earlier` − `p_tie`.
//! - `median_diff_days`, `p10_diff_days`, `p90_diff_days`: exact nearest-rank quantiles of
//!   (A − B) in days over the iterations in which both happen (`both_happen` is their share);
//!   negative means A is earlier.
//!
//! And per promise, the scenarios that keep it most often: every scenario with the largest
//! number of iterations keeping it (several on a tie), in plan order.

use launchcast_engine::{Outcomes, ScenarioInfo};
use launchcast_model::Model;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::quantiles::column_stats;
use crate::analysis::summary::{round1, share};

/// All pairwise comparisons of one run (empty with a single scenario).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparisons {
    /// Every pair of scenarios, A before B in plan order.
    pub pairs: Vec<Pair>,
    /// In model order of the promises.
    pub best_by_promise: Vec<BestByPromise>,
}

/// Scenario `a` against scenario `b`, iteration by iteration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// Scenario id of A.
    pub a: String,
    /// Scenario id of B.
    pub b: String,
    /// Share of iterations in which `a`'s headline is strictly earlier (or `a`'s happens and
    /// `b`'s does not), to 4 decimals.
    pub p_a_earlier: f64,
    /// Nearest-rank quantiles of `a − b` in days over the iterations in which both happen,
    /// to 0.1 day; `null` when there are none.
    pub median_diff_days: Option<f64>,
    /// P10 of `a − b` in days, as `median_diff_days`.
    pub p10_diff_days: Option<f64>,
    /// P90 of `a − b` in days, as `median_diff_days`.
    pub p90_diff_days: Option<f64>,
    /// Share of iterations in which both happen by the horizon, to 4 decimals.
    pub both_happen: f64,
    /// Share of iterations with the same headline day in both, or neither happening, to 4
    /// decimals.
    pub p_tie: f64,
}

/// The scenario keeping a promise most often.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BestByPromise {
    /// Promise id.
    pub promise: String,
    /// The first of [`BestByPromise::scenarios`] in plan order.
    pub scenario: String,
    /// Its share of iterations keeping the promise, to 4 decimals.
    pub probability: f64,
    /// Every scenario keeping it in that many iterations, in plan order: more than one on a
    /// tie (all of them when none keeps it).
    #[serde(default)]
    pub scenarios: Vec<String>,
}

/// Compares every pair of scenarios of `outcomes` (`scenarios` names them, in the same order;
/// extra entries on either side are ignored).
pub(crate) fn compare(
    model: &Model,
    scenarios: &[ScenarioInfo],
    outcomes: &Outcomes,
) -> Comparisons {
    let k = scenarios.len().min(outcomes.scenarios.len());
    let n = outcomes.iterations;
    let index_pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .collect();
    let pairs = index_pairs
        .par_iter()
        .map(|&(a, b)| {
            let ha = &outcomes.scenarios[a].headline_days;
            let hb = &outcomes.scenarios[b].headline_days;
            let (mut earlier, mut tie) = (0u64, 0u64);
            let mut diff = Vec::with_capacity(ha.len().min(hb.len()));
            for (&x, &y) in ha.iter().zip(hb) {
                let (fx, fy) = (x.is_finite(), y.is_finite());
                if x == y || (!fx && !fy) {
                    tie += 1;
                } else if x < y {
                    // +∞ (never) is later than any day.
                    earlier += 1;
                }
                if fx && fy {
                    diff.push(x - y);
                }
            }
            let stats = column_stats(&diff, &[0.1, 0.5, 0.9]);
            let q = |i: usize| stats.quantiles[i].map(|v| round1(f64::from(v)));
            Pair {
                a: scenarios[a].id.clone(),
                b: scenarios[b].id.clone(),
                p_a_earlier: share(earlier, n),
                median_diff_days: q(1),
                p10_diff_days: q(0),
                p90_diff_days: q(2),
                both_happen: share(stats.count, n),
                p_tie: share(tie, n),
            }
        })
        .collect();
    let best_by_promise = if k == 0 {
        Vec::new()
    } else {
        model
            .promises
            .iter()
            .enumerate()
            .map(|(p, promise)| {
                let kept = |s: usize| {
                    outcomes.scenarios[s]
                        .promises_kept
                        .get(p)
                        .copied()
                        .unwrap_or(0)
                };
                let most = (0..k).map(kept).max().unwrap_or(0);
                let tied: Vec<String> = (0..k)
                    .filter(|&s| kept(s) == most)
                    .map(|s| scenarios[s].id.clone())
                    .collect();
                BestByPromise {
                    promise: promise.id.clone(),
                    scenario: tied.first().cloned().unwrap_or_default(),
                    probability: share(most, n),
                    scenarios: tied,
                }
            })
            .collect()
    };
    Comparisons {
        pairs,
        best_by_promise,
    }
}
