//! Probability distributions of the model, in base units (days for durations, currency units
//! for money, plain numbers otherwise), and their exact quantile functions. The engine turns
//! these into branch-free samplers; the text grammar lives in `grammar.rs`.

/// What a distribution measures; decides which units its text may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    /// Days; text needs a unit (`d`, `w`, `mo`, `y`). Never negative.
    Duration,
    /// A signed time offset, such as a link lag (`+2mo`, `-5d`).
    Lag,
    /// Currency units; text may carry `k`, `M`, `bn`. Never negative.
    Money,
    /// A plain number (capacity, a ratio). Never negative.
    Number,
}

/// A distribution of one uncertain quantity.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always this value.
    Fixed(f64),
    /// Triangular on [min, max] with its peak at `mode`.
    Triangular {
        /// Smallest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Largest value.
        max: f64,
    },
    /// Beta-PERT with λ = 4.
    Pert {
        /// Smallest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Largest value.
        max: f64,
    },
    /// Every value in [min, max] equally likely.
    Uniform {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
    },
    /// For durations, truncated at 0 (the negative tail is cut off and renormalised).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        sd: f64,
    },
    /// Log-normal given by its median and 90th percentile.
    LogNormal {
        /// Median (50th percentile).
        median: f64,
        /// 90th percentile.
        p90: f64,
    },
    /// `(value, weight)` pairs; weights sum to 1.
    Discrete(Vec<(f64, f64)>),
}

/// z such that Φ(z) = 0.9.
pub const Z90: f64 = 1.281_551_565_544_600_5;

impl Dist {
    /// Always 0.
    pub const ZERO: Dist = Dist::Fixed(0.0);

    /// True if every draw gives the same value.
    pub fn is_fixed(&self) -> bool {
        match self {
            Dist::Fixed(_) => true,
            Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. }
            | Dist::Uniform { min, max } => min == max,
            Dist::Normal { sd, .. } => *sd == 0.0,
            Dist::LogNormal { median, p90 } => median == p90,
            Dist::Discrete(v) => v.iter().filter(|(_, w)| *w > 0.0).count() <= 1,
        }
    }

    /// The most likely value (the mode; for a normal its mean, for a discrete the value of
    /// highest weight). Used for deterministic schedules.
    pub fn most_likely(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Triangular { mode, .. } | Dist::Pert { mode, .. } => *mode,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Normal { mean, .. } => *mean,
            Dist::LogNormal { median, p90 } => {
                let sigma = (p90 / median).ln() / Z90;
                median * (-sigma * sigma).exp()
            }
            Dist::Discrete(v) => {
                v.iter()
                    .fold((f64::NAN, f64::NEG_INFINITY), |best, &(x, w)| {
                        if w > best.1 { (x, w) } else { best }
                    })
                    .0
            }
        }
    }

    /// The mean (of the untruncated distribution).
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            Dist::Uniform { min, max } => 0.5 * (min + max),
            Dist::Normal { mean, .. } => *mean,
            Dist::LogNormal { median, p90 } => {
                let sigma = (p90 / median).ln() / Z90;
                median * (0.5 * sigma * sigma).exp()
            }
            Dist::Discrete(v) => v.iter().map(|(x, w)| x * w).sum(),
        }
    }

    /// Smallest and largest value a draw can take (infinite for unbounded tails; a duration's
    /// normal is bounded below by 0 through `quantile(.., true)`).
    pub fn bounds(&self) -> (f64, f64) {
        match self {
            Dist::Fixed(v) => (*v, *v),
            Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. }
            | Dist::Uniform { min, max } => (*min, *max),
            Dist::Normal { sd, mean } if *sd == 0.0 => (*mean, *mean),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::LogNormal { median, p90 } if median == p90 => (*median, *median),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
            Dist::Discrete(v) => v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (x, _)| {
                    (a.min(*x), b.max(*x))
                }),
        }
    }

    /// The exact inverse CDF at `u` in (0, 1). With `nonnegative`, a normal is truncated at 0
    /// (renormalised), and any other value is clamped at 0.
    pub fn quantile(&self, u: f64, nonnegative: bool) -> f64 {
        let u = u.clamp(1e-12, 1.0 - 1e-12);
        let x = match self {
            Dist::Fixed(v) => *v,
            Dist::Uniform { min, max } => min + u * (max - min),
            Dist::Triangular { min, mode, max } => {
                let range = max - min;
                if range <= 0.0 {
                    *min
                } else {
                    let fc = (mode - min) / range;
                    if u < fc {
                        min + (u * range * (mode - min)).sqrt()
                    } else {
                        max - ((1.0 - u) * range * (max - mode)).sqrt()
                    }
                }
            }
            Dist::Pert { min, mode, max } => {
                let range = max - min;
                if range <= 0.0 {
                    *min
                } else {
                    let (a, b) = pert_shape(*min, *mode, *max);
                    min + range * beta_quantile(u, a, b)
                }
            }
            Dist::Normal { mean, sd } => {
                if *sd <= 0.0 {
                    *mean
                } else if nonnegative {
                    let p0 = normal_cdf(-mean / sd);
                    mean + sd * normal_quantile(p0 + u * (1.0 - p0))
                } else {
                    mean + sd * normal_quantile(u)
                }
            }
            Dist::LogNormal { median, p90 } => {
                let sigma = (p90 / median).ln() / Z90;
                median * (sigma * normal_quantile(u)).exp()
            }
            Dist::Discrete(v) => {
                let mut acc = 0.0;
                let mut x = v.last().map_or(0.0, |p| p.0);
                for &(value, w) in v {
                    acc += w;
                    if u < acc {
                        x = value;
                        break;
                    }
                }
                x
            }
        };
        if nonnegative { x.max(0.0) } else { x }
    }

    /// Multiplies every value by `k` (unit conversion).
    pub fn scaled(&self, k: f64) -> Dist {
        match self {
            Dist::Fixed(v) => Dist::Fixed(v * k),
            Dist::Triangular { min, mode, max } => Dist::Triangular {
                min: min * k,
                mode: mode * k,
                max: max * k,
            },
            Dist::Pert { min, mode, max } => Dist::Pert {
                min: min * k,
                mode: mode * k,
                max: max * k,
            },
            Dist::Uniform { min, max } => Dist::Uniform {
                min: min * k,
                max: max * k,
            },
            Dist::Normal { mean, sd } => Dist::Normal {
                mean: mean * k,
                sd: sd * k.abs(),
            },
            Dist::LogNormal { median, p90 } => Dist::LogNormal {
                median: median * k,
                p90: p90 * k,
            },
            Dist::Discrete(v) => Dist::Discrete(v.iter().map(|(x, w)| (x * k, *w)).collect()),
        }
    }
}

/// Beta shape parameters (α, β) of a beta-PERT with λ = 4.
pub fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let range = max - min;
    (
        1.0 + 4.0 * (mode - min) / range,
        1.0 + 4.0 * (max - mode) / range,
    )
}

/// Standard normal CDF, accurate to about 1e-15 (via `erfc`).
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Complementary error function (W. J. Cody's rational approximations via a Chebyshev fit,
/// Numerical Recipes `erfccheb`, relative error below 1.2e-16 after one refinement).
pub(crate) fn erfc(x: f64) -> f64 {
    // Numerical Recipes 3rd ed. §6.2.2 Chebyshev coefficients.
    const COF: [f64; 28] = [
        -1.3026537197817094,
        6.419_697_923_564_902e-1,
        1.9476473204185836e-2,
        -9.561_514_786_808_63e-3,
        -9.46595344482036e-4,
        3.66839497852761e-4,
        4.2523324806907e-5,
        -2.0278578112534e-5,
        -1.624290004647e-6,
        1.303655835580e-6,
        1.5626441722e-8,
        -8.5238095915e-8,
        6.529054439e-9,
        5.059343495e-9,
        -9.91364156e-10,
        -2.27365122e-10,
        9.6467911e-11,
        2.394038e-12,
        -6.886027e-12,
        8.94487e-13,
        3.13092e-13,
        -1.12708e-13,
        3.81e-16,
        7.106e-15,
        -1.523e-15,
        -9.4e-17,
        1.21e-16,
        -2.8e-17,
    ];
    let z = x.abs();
    let t = 2.0 / (2.0 + z);
    let ty = 4.0 * t - 2.0;
    let (mut d, mut dd) = (0.0, 0.0);
    for &c in COF[1..].iter().rev() {
        let tmp = d;
        d = ty * d - dd + c;
        dd = tmp;
    }
    let r = t * (-z * z + 0.5 * (COF[0] + ty * d) - dd).exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Standard normal quantile: Acklam's rational approximation refined by one Halley step
/// (relative error about 1e-15).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let plow = 0.02425;
    let x = if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley refinement step.
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (0.5 * x * x).exp();
    x - u / (1.0 + 0.5 * x * u)
}

fn ln_gamma(x: f64) -> f64 {
    // Lanczos approximation (g = 7, n = 9).
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.5203681218851,
        -1259.1392167224028,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507343278686905,
        -0.13857109526572012,
        9.984_369_578_019_572e-6,
        1.5056327351493116e-7,
    ];
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Regularised incomplete beta I_x(a, b) (Numerical Recipes continued fraction).
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(x, a, b) / a
    } else {
        1.0 - front * beta_cf(1.0 - x, b, a) / b
    }
}

fn beta_cf(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// Quantile of Beta(a, b) by bisection on [`beta_cdf`] (60 halvings: exact to f64).
pub fn beta_quantile(u: f64, a: f64, b: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if beta_cdf(mid, a, b) < u {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_functions_match_tables() {
        assert!((normal_cdf(1.959963984540054) - 0.975).abs() < 1e-14);
        assert!((normal_quantile(0.975) - 1.959963984540054).abs() < 1e-12);
        assert!((normal_quantile(0.9) - Z90).abs() < 1e-12);
        assert!((normal_quantile(1e-10) + 6.361340902404056).abs() < 1e-9);
    }

    #[test]
    fn beta_matches_closed_forms() {
        // Beta(1, 1) is uniform; Beta(2, 1) has CDF x².
        assert!((beta_cdf(0.3, 1.0, 1.0) - 0.3).abs() < 1e-13);
        assert!((beta_cdf(0.3, 2.0, 1.0) - 0.09).abs() < 1e-13);
        assert!((beta_quantile(0.25, 2.0, 1.0) - 0.5).abs() < 1e-12);
        // Beta(3, 3) is symmetric.
        assert!((beta_quantile(0.5, 3.0, 3.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn quantiles_of_each_distribution() {
        let tri = Dist::Triangular {
            min: 0.0,
            mode: 0.0,
            max: 10.0,
        };
        // CDF 1 - (1 - x/10)²: median at 10(1 - √0.5).
        assert!((tri.quantile(0.5, true) - 10.0 * (1.0 - 0.5f64.sqrt())).abs() < 1e-12);
        let ln = Dist::LogNormal {
            median: 100.0,
            p90: 200.0,
        };
        assert!((ln.quantile(0.5, true) - 100.0).abs() < 1e-9);
        assert!((ln.quantile(0.9, true) - 200.0).abs() < 1e-9);
        let n = Dist::Normal { mean: 1.0, sd: 1.0 };
        // Truncated at 0: the quantile at 0 is 0.
        assert!(n.quantile(1e-12, true).abs() < 1e-6);
        let d = Dist::Discrete(vec![(3.0, 0.5), (6.0, 0.3), (12.0, 0.2)]);
        assert_eq!(d.quantile(0.49, true), 3.0);
        assert_eq!(d.quantile(0.51, true), 6.0);
        assert_eq!(d.quantile(0.81, true), 12.0);
        assert_eq!(d.most_likely(), 3.0);
        assert!((d.mean() - 5.7).abs() < 1e-12);
    }
}
