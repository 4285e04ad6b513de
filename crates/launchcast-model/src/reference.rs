//! Reference classes: the outside view. A `[[reference]]` lists what happened in earlier,
//! comparable cases (each with its source), and `ref(id)` anywhere a distribution is allowed
//! draws from the **predictive** distribution of the next case, not from a fit through the
//! cases seen.
//!
//! The method (also in the README, "Reference classes"): with `n ≥ 2` observations `x_i`
//! and fit `lognormal`, the logs' mean `m` and sample standard deviation `s` (divisor
//! `n − 1`) give the Bayesian predictive of the next log value under the usual
//! non-informative prior: a Student-t with `n − 1` degrees of freedom, centre `m` and scale
//! `s·√(1 + 1/n)`. Its tails are too heavy to sample for two or three observations (with two
//! it has no mean), so the class is drawn from the log-normal that agrees with it at P10,
//! P50 and P90: median `e^m` and P90 `e^(m + t·s·√(1 + 1/n))`, `t` the Student-t's 90th
//! percentile. The central 80 % is therefore exactly the predictive's: for two to four
//! observations it contains all of them, and for two to six it is wider than their range on
//! the log scale, whatever their values; beyond P10 and P90 the tails are thinner than the
//! predictive's. With many observations
//! `t → z₀.₉` and `√(1 + 1/n) → 1`, so a known log-normal is recovered. Fit `normal` does the
//! same on the natural scale (a normal with the predictive's P10/P50/P90; for durations cut
//! at 0, as every normal duration is).

use crate::{Date, Dist, Quantity, Z90, beta_quantile};

/// How a class turns its observations into the predictive distribution of the next case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    /// On the log scale (positive quantities: durations, money, counts, ratios).
    LogNormal,
    /// On the natural scale.
    Normal,
}

impl Fit {
    /// The name written in a model file.
    pub fn name(self) -> &'static str {
        match self {
            Fit::LogNormal => "lognormal",
            Fit::Normal => "normal",
        }
    }
}

/// One earlier case of a class.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// The case, e.g. `Tesla Shanghai 2020`.
    pub case: String,
    /// The value in base units (days, currency units, plain numbers).
    pub value: f64,
    /// The value as written, e.g. `5.5mo`.
    pub text: String,
    /// Where the value comes from.
    pub source: String,
    /// When it became known, if given: a model may not use what was known only after its
    /// `program.start` unless the observation says `hindsight = true`.
    pub date: Option<Date>,
    /// Marked as known only after the model's start (allowed, and shown as such).
    pub hindsight: bool,
}

/// Where a model draws from a class: the key path, the item it belongs to, the scale, and the
/// case-specific judgement (the inside view) the model states beside it, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct ReferenceUse {
    /// Key path of the value, e.g. `plant[1].ramp`.
    pub path: String,
    /// What a reader calls it: `plant yz1: ramp`.
    pub label: String,
    /// What the value measures.
    pub quantity: Quantity,
    /// The factor of `ref(id, factor)` (1 for `ref(id)`).
    pub scale: f64,
    /// The distribution simulated: the class's predictive, scaled.
    pub dist: Dist,
    /// The model's own estimate for the same value (`inside.<key>`), shown beside the class,
    /// not simulated.
    pub inside: Option<Dist>,
}

/// A `[[reference]]` class.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// Its id, in its own namespace.
    pub id: String,
    /// What the cases are.
    pub name: String,
    /// How the predictive is made.
    pub fit: Fit,
    /// What the values measure: [`Quantity::Duration`], [`Quantity::Money`] or
    /// [`Quantity::Number`].
    pub quantity: Quantity,
    /// The cases, as written.
    pub observations: Vec<Observation>,
    /// The predictive distribution of the next case.
    pub predictive: Dist,
    /// Where the model draws from it, in the order read.
    pub uses: Vec<ReferenceUse>,
    /// The shared reference file it comes from, as the model's `[[include]]` writes it;
    /// `None` for a class of the model file itself.
    pub file: Option<String>,
    /// Observations of its shared file dated after the model's `program.start`, left out.
    pub left_out: usize,
}

/// Why a class's observations give no predictive distribution.
#[derive(Clone, Debug, PartialEq)]
pub enum FitError {
    /// Fewer than two observations: no spread to go on.
    TooFew(usize),
    /// A value that is zero or negative under a log-normal fit (its index).
    NotPositive(usize),
    /// Every observation is the same: the class says nothing about spread.
    NoSpread,
}

/// The `p`-quantile (`½ < p < 1`) of Student's t with `dof` degrees of freedom, from the
/// regularised incomplete beta: `P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½)`.
pub fn student_t_quantile(p: f64, dof: f64) -> f64 {
    let x = beta_quantile(2.0 * (1.0 - p), dof / 2.0, 0.5);
    if x <= 0.0 {
        return f64::INFINITY;
    }
    (dof * (1.0 - x) / x).sqrt()
}

/// The predictive distribution of the next case of a class with `values` (base units).
pub fn predictive(fit: Fit, values: &[f64]) -> Result<Dist, FitError> {
    let n = values.len();
    if n < 2 {
        return Err(FitError::TooFew(n));
    }
    if fit == Fit::LogNormal
        && let Some(i) = values.iter().position(|&v| v.is_nan() || v <= 0.0)
    {
        return Err(FitError::NotPositive(i));
    }
    let xs: Vec<f64> = match fit {
        Fit::LogNormal => values.iter().map(|v| v.ln()).collect(),
        Fit::Normal => values.to_vec(),
    };
    let mean = xs.iter().sum::<f64>() / n as f64;
    let ss: f64 = xs.iter().map(|x| (x - mean).powi(2)).sum();
    let s = (ss / (n - 1) as f64).sqrt();
    if s.is_nan() || s <= 1e-12 * mean.abs().max(1.0) {
        return Err(FitError::NoSpread);
    }
    let width = student_t_quantile(0.9, (n - 1) as f64) * s * (1.0 + 1.0 / n as f64).sqrt();
    Ok(match fit {
        Fit::LogNormal => Dist::LogNormal {
            median: mean.exp(),
            p90: (mean + width).exp(),
        },
        Fit::Normal => Dist::Normal {
            mean,
            sd: width / Z90,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published 90th percentiles of Student's t (e.g. any statistics table, to 4 digits).
    #[test]
    fn student_t_matches_the_tables() {
        for (dof, t) in [
            (1.0, 3.0777),
            (2.0, 1.8856),
            (4.0, 1.5332),
            (10.0, 1.3722),
            (30.0, 1.3104),
        ] {
            let got = student_t_quantile(0.9, dof);
            assert!((got - t).abs() < 5e-4, "dof {dof}: {got} against {t}");
        }
        // Far out, t tends to the normal's z.
        assert!((student_t_quantile(0.9, 1e6) - Z90).abs() < 1e-5);
    }

    #[test]
    fn two_observations_give_the_closed_form() {
        // n = 2: s = |ln b − ln a| / √2, width = t₁ · s · √1.5.
        let (a, b) = (165.0f64, 365.0f64);
        let Ok(Dist::LogNormal { median, p90 }) = predictive(Fit::LogNormal, &[a, b]) else {
            panic!("a log-normal");
        };
        let s = (b.ln() - a.ln()).abs() / 2f64.sqrt();
        let width = student_t_quantile(0.9, 1.0) * s * 1.5f64.sqrt();
        assert!((median - (a * b).sqrt()).abs() < 1e-9);
        assert!((p90.ln() - (median.ln() + width)).abs() < 1e-12);
    }

    #[test]
    fn fits_refuse_what_they_cannot_use() {
        assert_eq!(predictive(Fit::LogNormal, &[3.0]), Err(FitError::TooFew(1)));
        assert_eq!(
            predictive(Fit::LogNormal, &[3.0, 0.0]),
            Err(FitError::NotPositive(1))
        );
        assert_eq!(
            predictive(Fit::Normal, &[3.0, 3.0, 3.0]),
            Err(FitError::NoSpread)
        );
        assert!(predictive(Fit::Normal, &[-3.0, 3.0]).is_ok());
    }

    #[test]
    fn scaling_multiplies_every_quantile() {
        let d = predictive(Fit::LogNormal, &[100.0, 150.0, 300.0]).expect("fits");
        let k = 1.3;
        let s = d.scaled(k);
        for u in [0.1, 0.5, 0.9] {
            let (a, b) = (d.quantile(u, true), s.quantile(u, true));
            assert!((b - k * a).abs() < 1e-9 * b, "u {u}: {b} against {}", k * a);
        }
    }
}
