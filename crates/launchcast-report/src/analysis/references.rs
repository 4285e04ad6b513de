//! The outside view: each `[[reference]]` class of the model, its observations, the
//! predictive distribution of the next case, and every value that draws from it, beside the
//! model's own estimate (`inside`) where it states one. All quantiles are the distributions'
//! exact ones, not sampled, so they say what the model assumes, before any simulation.

use launchcast_model::{Dist, Model, Quantity, Reference};
use serde::{Deserialize, Serialize};

/// P10, P50 and P90 of a distribution, in base units (days, currency units, plain numbers).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Range80 {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Range80 {
    /// The exact P10/P50/P90 of `d` (cut at 0 for quantities that cannot be negative, as the
    /// engine samples them), rounded to 4 significant digits.
    pub fn of(d: &Dist, q: Quantity) -> Range80 {
        let nonnegative = q != Quantity::Lag;
        let at = |u: f64| significant4(d.quantile(u, nonnegative));
        Range80 {
            p10: at(0.1),
            p50: at(0.5),
            p90: at(0.9),
        }
    }
}

/// `x` to 4 significant digits (0 stays 0).
fn significant4(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// One earlier case of a class, as the model states it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObservationSummary {
    /// The case.
    pub case: String,
    /// The value in base units.
    pub value: f64,
    /// The value as written.
    pub text: String,
    /// Where it comes from.
    pub source: String,
    /// When it became known, `YYYY-MM-DD`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Known only after the model's start (marked so in the model).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hindsight: bool,
}

/// One value that draws from a class.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UseSummary {
    /// The item and key, e.g. `plant yz1: ramp`.
    pub item: String,
    /// The key path in the model file, e.g. `plant[1].ramp`.
    pub path: String,
    /// The factor of `ref(id, factor)`.
    pub scale: f64,
    /// What is simulated: the class's predictive times `scale`.
    pub value: Range80,
    /// The model's own estimate for this value (`inside.<key>`), if it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inside: Option<Range80>,
}

/// A class, its observations, the outside view and its uses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReferenceSummary {
    /// Class id.
    pub id: String,
    /// What the cases are.
    pub name: String,
    /// `lognormal` or `normal`.
    pub fit: String,
    /// `days`, `money` or `number`: the unit of every value here.
    pub unit: String,
    /// The cases, as written.
    pub observations: Vec<ObservationSummary>,
    /// The predictive distribution of the next case: the class alone.
    pub outside: Range80,
    /// Where the model draws from it.
    pub uses: Vec<UseSummary>,
    /// The shared reference file it comes from (as the model's `[[include]]` writes it);
    /// absent for a class of the model file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Observations of that file dated after the model's start, left out.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub left_out: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ReferenceSummary {
    /// What [`ReferenceSummary::unit`] measures.
    pub fn quantity(&self) -> Quantity {
        match self.unit.as_str() {
            "days" => Quantity::Duration,
            "money" => Quantity::Money,
            _ => Quantity::Number,
        }
    }
}

/// The model's classes, in file order.
pub fn reference_summaries(model: &Model) -> Vec<ReferenceSummary> {
    model.references.iter().map(summary_of).collect()
}

fn summary_of(r: &Reference) -> ReferenceSummary {
    ReferenceSummary {
        id: r.id.clone(),
        name: r.name.clone(),
        fit: r.fit.name().to_string(),
        unit: match r.quantity {
            Quantity::Duration | Quantity::Lag => "days",
            Quantity::Money => "money",
            Quantity::Number => "number",
        }
        .to_string(),
        observations: r
            .observations
            .iter()
            .map(|o| ObservationSummary {
                case: o.case.clone(),
                value: o.value,
                text: o.text.clone(),
                source: o.source.clone(),
                date: o.date.map(|d| d.to_string()),
                hindsight: o.hindsight,
            })
            .collect(),
        outside: Range80::of(&r.predictive, r.quantity),
        uses: r
            .uses
            .iter()
            .map(|u| UseSummary {
                item: u.label.clone(),
                path: u.path.clone(),
                scale: u.scale,
                value: Range80::of(&u.dist, u.quantity),
                inside: u.inside.as_ref().map(|d| Range80::of(d, u.quantity)),
            })
            .collect(),
        file: r.file.clone(),
        left_out: r.left_out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_significant_digits() {
        assert_eq!(significant4(123_456.0), 123_500.0);
        assert_eq!(significant4(0.012_345_6), 0.012_35);
        assert_eq!(significant4(-98.765), -98.77);
        assert_eq!(significant4(0.0), 0.0);
    }
}
