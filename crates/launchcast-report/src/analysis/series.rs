//! What the charts draw over time, computed from the engine's outcomes: the headline's
//! cumulative distribution and its shares per calendar bin, and P10/P50/P90 of deliveries per
//! month and of cumulative spend. The HTML report only lays these out.

use launchcast_engine::{Outcomes, ScenarioOutcomes};
use launchcast_model::{Date, Model};
use rayon::prelude::*;

use crate::ScenarioSummary;
use crate::analysis::quantiles::column_stats;

/// The headline's cumulative distribution as `(day, share of all iterations)` points: the
/// exact order statistics at `points` even steps, from 0 at the earliest day to the share
/// that ever happens, at the horizon (or the latest day, if later).
pub(crate) fn cdf_points(headline_days: &[f32], horizon: f64, points: usize) -> Vec<(f64, f64)> {
    let total = headline_days.len();
    let qs: Vec<f64> = (0..=points).map(|k| k as f64 / points as f64).collect();
    let s = column_stats(headline_days, &qs);
    if s.count == 0 || total == 0 {
        return vec![(0.0, 0.0), (horizon, 0.0)];
    }
    let ever = s.count as f64 / total as f64;
    let mut pts = Vec::with_capacity(qs.len() + 2);
    for (q, v) in qs.iter().zip(&s.quantiles) {
        if let Some(v) = v {
            pts.push((f64::from(*v), q * ever));
        }
    }
    if let Some(&(x, _)) = pts.first() {
        pts.insert(0, (x.min(0.0), 0.0));
        pts.insert(1, (x, 0.0));
    }
    pts.push((horizon.max(pts.last().map_or(0.0, |p| p.0)), ever));
    pts
}

/// The earliest headline day and its P99 (exact nearest rank), over the iterations in which
/// it happens; `None` when it never does.
pub(crate) fn earliest_and_p99(headline_days: &[f32]) -> Option<(f64, f64)> {
    let s = column_stats(headline_days, &[0.0, 0.99]);
    match (s.quantiles[0], s.quantiles[1]) {
        (Some(a), Some(b)) => Some((f64::from(a), f64::from(b))),
        _ => None,
    }
}

/// The share of `iterations` whose headline day falls in each bin `[edges[k], edges[k + 1])`.
pub(crate) fn bin_shares(headline_days: &[f32], edges: &[f64], iterations: f64) -> Vec<f64> {
    let mut counts = vec![0u64; edges.len().saturating_sub(1)];
    for &v in headline_days {
        let v = f64::from(v);
        if !v.is_finite() {
            continue;
        }
        let k = edges.partition_point(|&e| e <= v);
        if k >= 1 && k < edges.len() {
            counts[k - 1] += 1;
        }
    }
    counts.iter().map(|&c| c as f64 / iterations).collect()
}

/// Days from `start` to the first day of month `(y, m)`.
pub(crate) fn month_start(start: Date, y: i32, m: u32) -> f64 {
    Date::from_ymd(y, m, 1).map_or(0.0, |d| f64::from(d.days_since(start)))
}

/// Days from `start` to the end of month `(y, m)` (the first day of the next month).
pub(crate) fn month_end(start: Date, y: i32, m: u32) -> f64 {
    if m >= 12 {
        month_start(start, y + 1, 1)
    } else {
        month_start(start, y, m + 1)
    }
}

/// A P10/P50/P90 series over time.
#[derive(Default)]
pub(crate) struct Fan {
    pub(crate) xs: Vec<f64>,
    pub(crate) p10: Vec<f64>,
    pub(crate) p50: Vec<f64>,
    pub(crate) p90: Vec<f64>,
}

/// Whether the outcomes carry whole iterations at month ends for this scenario.
pub(crate) fn has_months(outcomes: &Outcomes, so: &ScenarioOutcomes) -> bool {
    let (rows, months) = (so.rows.len(), outcomes.months.len());
    rows > 0
        && months > 0
        && so.rows.delivered.len() == rows * months
        && so.rows.spent.len() == rows * months
}

impl Fan {
    pub(crate) fn max(&self) -> f64 {
        self.p90
            .iter()
            .chain(&self.p50)
            .copied()
            .fold(0.0, f64::max)
    }

    fn push(&mut self, x: f64, values: &[f32]) {
        self.push_band(x, band(values));
    }

    fn push_band(&mut self, x: f64, [p10, p50, p90]: [f64; 3]) {
        self.xs.push(x);
        self.p10.push(p10);
        self.p50.push(p50);
        self.p90.push(p90);
    }
}

/// P10, P50 and P90 of `values` (0 where there are none).
fn band(values: &[f32]) -> [f64; 3] {
    let s = column_stats(values, &[0.1, 0.5, 0.9]);
    let q = |i: usize| f64::from(s.quantiles.get(i).copied().flatten().unwrap_or(0.0));
    [q(0), q(1), q(2)]
}

/// Deliveries per month (from the rows) or, without rows, per calendar year.
pub(crate) fn deliveries_fan(
    model: &Model,
    outcomes: &Outcomes,
    so: &ScenarioOutcomes,
    ss: &ScenarioSummary,
) -> Fan {
    let start = model.program.start;
    let horizon = outcomes.horizon_days;
    let mut fan = Fan::default();
    if has_months(outcomes, so) {
        // Months are independent: their bands are made in parallel, laid out in order.
        let zeros = vec![0f32; so.rows.len()];
        let bands: Vec<[f64; 3]> = (0..outcomes.months.len())
            .into_par_iter()
            .map(|m| {
                let prev = if m == 0 {
                    &zeros[..]
                } else {
                    so.rows.delivered_by(m - 1)
                };
                let diff: Vec<f32> = so
                    .rows
                    .delivered_by(m)
                    .iter()
                    .zip(prev)
                    .map(|(&c, &p)| (c - p).max(0.0))
                    .collect();
                band(&diff)
            })
            .collect();
        for (&(y, mo), b) in outcomes.months.iter().zip(bands) {
            let a = month_start(start, y, mo).max(0.0);
            let e = month_end(start, y, mo).min(horizon);
            fan.push_band((a + e) / 2.0, b);
        }
    } else {
        for y in &ss.deliveries_by_year {
            let a = month_start(start, y.year, 1).max(0.0);
            let b = month_start(start, y.year + 1, 1).min(horizon);
            fan.xs.push((a + b) / 2.0);
            fan.p10.push(f64::from(y.p10.unwrap_or(0.0)));
            fan.p50.push(f64::from(y.p50.unwrap_or(0.0)));
            fan.p90.push(f64::from(y.p90.unwrap_or(0.0)));
        }
    }
    fan
}

/// Cumulative spend at month ends (from the rows) or, without rows, at year ends (from the
/// per-iteration yearly columns, every iteration). Starts at 0 on the start date.
pub(crate) fn spend_fan(model: &Model, outcomes: &Outcomes, so: &ScenarioOutcomes) -> Fan {
    let start = model.program.start;
    let horizon = outcomes.horizon_days;
    let mut fan = Fan::default();
    fan.push(0.0, &[0.0]);
    if has_months(outcomes, so) {
        let bands: Vec<[f64; 3]> = (0..outcomes.months.len())
            .into_par_iter()
            .map(|m| band(so.rows.spent_by(m)))
            .collect();
        for (&(y, mo), b) in outcomes.months.iter().zip(bands) {
            fan.push_band(month_end(start, y, mo).min(horizon), b);
        }
    } else {
        let n = so.spend_by_year.first().map_or(0, Vec::len);
        let mut cum = vec![0f32; n];
        for (col, &y) in so.spend_by_year.iter().zip(&outcomes.years) {
            for (c, v) in cum.iter_mut().zip(col) {
                *c += v;
            }
            fan.push(month_start(start, y + 1, 1).min(horizon), &cum);
        }
    }
    fan
}
