//! P10/P50/P90 series over time, for the deliveries and spend fan charts.

use launchcast_engine::{Outcomes, ScenarioOutcomes};

use crate::analysis::quantile::column_stats;

/// A P10/P50/P90 series over time.
pub(super) struct Fan {
    pub(super) xs: Vec<f64>,
    pub(super) p10: Vec<f64>,
    pub(super) p50: Vec<f64>,
    pub(super) p90: Vec<f64>,
}

/// Whether the outcomes carry whole iterations at month ends for this scenario.
pub(super) fn has_months(outcomes: &Outcomes, so: &ScenarioOutcomes) -> bool {
    let (rows, months) = (so.rows.len(), outcomes.months.len());
    rows > 0
        && months > 0
        && so.rows.delivered.len() == rows * months
        && so.rows.spent.len() == rows * months
}

impl Fan {
    pub(super) fn max(&self) -> f64 {
        self.p90
            .iter()
            .chain(&self.p50)
            .copied()
            .fold(0.0, f64::max)
    }

    pub(super) fn push(&mut self, x: f64, values: &[f32]) {
        let s = column_stats(values, &[0.1, 0.5, 0.9]);
        let q = |i: usize| f64::from(s.quantiles.get(i).copied().flatten().unwrap_or(0.0));
        self.xs.push(x);
        self.p10.push(q(0));
        self.p50.push(q(1));
        self.p90.push(q(2));
    }

    pub(super) fn new() -> Fan {
        Fan {
            xs: Vec::new(),
            p10: Vec::new(),
            p50: Vec::new(),
            p90: Vec::new(),
        }
    }
}
