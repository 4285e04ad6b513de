//! Many backtests pooled ([`calibrate`]): the PIT histogram with its chi-square test of
//! flatness, the coverage of P10–P90 and P5–P95 with their standard errors, the Brier
//! score and reliability of the promises, and a verdict on the forecaster's confidence.

use serde::Serialize;

use super::stats::chi_square_flat;
use super::{Backtest, Kind};
use crate::analysis::summary::round4;

/// Bins of the PIT histogram.
pub const PIT_BINS: usize = 10;
/// Bins of the reliability table (forecast probability, tenths).
const RELIABILITY_BINS: usize = 10;
/// Standard errors a coverage may stray from its nominal share before the verdict flags it.
const FLAG_SE: f64 = 2.0;

/// The calibration of a set of forecasts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Calibration {
    /// Forecasts (backtests) pooled.
    pub forecasts: usize,
    /// Outcomes scored, over all forecasts.
    pub outcomes: usize,
    /// The PIT histogram: outcomes per tenth of [0, 1]. A PIT with a range (a tie, a date
    /// known to the day) is spread evenly over it (the non-randomized PIT of Czado,
    /// Gneiting and Held, 2009), so counts can be fractional.
    pub pit_histogram: Vec<f64>,
    /// Outcomes with a PIT.
    pub pit_outcomes: usize,
    /// Chi-square test that the PIT histogram is flat.
    pub chi_square: ChiSquare,
    /// Share of outcomes inside their P10–P90 (nominal 0.8), censored outcomes left out.
    pub coverage_p10_p90: Coverage,
    /// Share of outcomes inside their P5–P95 (nominal 0.9).
    pub coverage_p5_p95: Coverage,
    /// Mean Brier score of the promises.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brier: Option<f64>,
    /// Promises by forecast probability: forecast mean against observed frequency.
    pub reliability: Vec<Reliability>,
    /// Mean CRPS per kind over every forecast, in its unit.
    pub mean_crps_by_kind: std::collections::BTreeMap<&'static str, f64>,
    /// `calibrated`, `over-confident`, `under-confident` or `too few outcomes`.
    pub verdict: &'static str,
    /// The verdict in a sentence.
    pub verdict_text: String,
}

/// The chi-square test of a histogram's flatness.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChiSquare {
    /// Σ (observed − expected)² / expected.
    pub statistic: f64,
    /// Bins − 1.
    pub degrees_of_freedom: u32,
    /// P(χ² ≥ statistic) if the PITs were uniform.
    pub p_value: f64,
}

/// The coverage of one central range.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Coverage {
    /// The share a calibrated forecaster would show.
    pub nominal: f64,
    /// Outcomes for which it is known.
    pub outcomes: usize,
    /// Outcomes inside.
    pub inside: usize,
    /// `inside / outcomes`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// `sqrt(p (1 − p) / n)` at the nominal `p`: the spread of the share of a calibrated
    /// forecaster over `n` independent outcomes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standard_error: Option<f64>,
}

/// One row of the reliability table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reliability {
    /// Lower end of the forecast probability bin.
    pub from: f64,
    /// Upper end (the last bin includes 1).
    pub to: f64,
    /// Promises in the bin.
    pub count: usize,
    /// Mean forecast probability in the bin.
    pub forecast: f64,
    /// Share of them kept.
    pub observed: f64,
}

fn coverage(nominal: f64, flags: impl Iterator<Item = bool>) -> Coverage {
    let (mut n, mut inside) = (0, 0);
    for f in flags {
        n += 1;
        inside += usize::from(f);
    }
    Coverage {
        nominal,
        outcomes: n,
        inside,
        share: (n > 0).then(|| round4(inside as f64 / n as f64)),
        standard_error: (n > 0).then(|| round4((nominal * (1.0 - nominal) / n as f64).sqrt())),
    }
}

/// Adds an outcome whose PIT lies evenly in `[lo, hi]` (a point if equal) to `bins`.
pub(crate) fn spread(bins: &mut [f64], lo: f64, hi: f64) {
    let k = bins.len() as f64;
    let bin_of = |p: f64| ((p * k).floor() as usize).min(bins.len() - 1);
    if hi <= lo {
        bins[bin_of(lo.clamp(0.0, 1.0))] += 1.0;
        return;
    }
    for (j, b) in bins.iter_mut().enumerate() {
        let (a, z) = (j as f64 / k, (j + 1) as f64 / k);
        let overlap = (hi.min(z) - lo.max(a)).max(0.0);
        *b += overlap / (hi - lo);
    }
}

/// Pools `backtests` (see [`Calibration`]).
pub fn calibrate(backtests: &[Backtest]) -> Calibration {
    let all = || backtests.iter().flat_map(|b| &b.outcomes);
    let mut bins = vec![0.0; PIT_BINS];
    let mut pit_outcomes = 0;
    for s in all() {
        if let Some([lo, hi]) = s.pit_range {
            spread(&mut bins, lo, hi);
            pit_outcomes += 1;
        }
    }
    let (statistic, dof, p_value) = chi_square_flat(&bins);
    // Censored outcomes stay out of the coverage: one is known only when it lies outside
    // (beyond a P90 before `as_of`), and counting those alone would bias the share down.
    let known = || all().filter(|s| !s.censored);
    let c80 = coverage(0.8, known().filter_map(|s| s.inside_p10_p90));
    let c90 = coverage(0.9, known().filter_map(|s| s.inside_p5_p95));
    let promises: Vec<(f64, bool)> = all()
        .filter(|s| s.kind == Kind::Promise)
        .filter_map(|s| Some((s.probability?, s.actual == super::Shown::Flag(true))))
        .collect();
    let brier = (!promises.is_empty()).then(|| {
        let sum: f64 = promises
            .iter()
            .map(|&(p, k)| (p - f64::from(u8::from(k))).powi(2))
            .sum();
        round4(sum / promises.len() as f64)
    });
    let mut reliability = Vec::new();
    for j in 0..RELIABILITY_BINS {
        let (from, to) = (
            j as f64 / RELIABILITY_BINS as f64,
            (j + 1) as f64 / RELIABILITY_BINS as f64,
        );
        let last = j + 1 == RELIABILITY_BINS;
        let in_bin: Vec<&(f64, bool)> = promises
            .iter()
            .filter(|(p, _)| *p >= from && (*p < to || (last && *p <= to)))
            .collect();
        if in_bin.is_empty() {
            continue;
        }
        let n = in_bin.len() as f64;
        reliability.push(Reliability {
            from,
            to,
            count: in_bin.len(),
            forecast: round4(in_bin.iter().map(|(p, _)| p).sum::<f64>() / n),
            observed: round4(in_bin.iter().filter(|(_, k)| *k).count() as f64 / n),
        });
    }
    let by_kind = super::score::mean_crps_by_kind(all());
    let (verdict, verdict_text) = verdict(&c80, p_value, pit_outcomes);
    Calibration {
        forecasts: backtests.len(),
        outcomes: all().count(),
        pit_histogram: bins.into_iter().map(round4).collect(),
        pit_outcomes,
        chi_square: ChiSquare {
            statistic: round4(statistic),
            degrees_of_freedom: dof,
            p_value: round4(p_value),
        },
        coverage_p10_p90: c80,
        coverage_p5_p95: c90,
        brier,
        reliability,
        mean_crps_by_kind: by_kind,
        verdict,
        verdict_text,
    }
}

/// Over-confident when fewer outcomes fall inside P10–P90 than 0.8 less two standard
/// errors (the ranges are too narrow); under-confident when more than 0.8 plus two.
fn verdict(c: &Coverage, p_value: f64, pits: usize) -> (&'static str, String) {
    let (Some(share), Some(se)) = (c.share, c.standard_error) else {
        return (
            "too few outcomes",
            "no outcome with a known P10-P90: nothing to judge".into(),
        );
    };
    let z = (c.inside as f64 / c.outcomes as f64 - c.nominal) / (se.max(1e-12));
    let pit = if pits > 0 && p_value < 0.01 {
        format!("; the PIT histogram is not flat (p = {p_value:.4})")
    } else {
        String::new()
    };
    if z < -FLAG_SE {
        (
            "over-confident",
            format!(
                "over-confident: {:.1} % inside P10-P90, {:.1} standard errors below 80 %: the ranges are too narrow{pit}",
                share * 100.0,
                -z
            ),
        )
    } else if z > FLAG_SE {
        (
            "under-confident",
            format!(
                "under-confident: {:.1} % inside P10-P90, {:.1} standard errors above 80 %: the ranges are too wide{pit}",
                share * 100.0,
                z
            ),
        )
    } else {
        (
            "calibrated",
            format!(
                "consistent with calibration: {:.1} % inside P10-P90, within {FLAG_SE} standard errors ({:.1} %) of 80 %{pit}",
                share * 100.0,
                se * 100.0
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tie_is_spread_over_its_range() {
        let mut b = vec![0.0; 10];
        spread(&mut b, 0.25, 0.45);
        assert!((b[2] - 0.25).abs() < 1e-12 && (b[3] - 0.5).abs() < 1e-12);
        assert!((b[4] - 0.25).abs() < 1e-12);
        spread(&mut b, 1.0, 1.0);
        assert_eq!(b[9], 1.0);
        assert!((b.iter().sum::<f64>() - 2.0).abs() < 1e-12);
    }
}
