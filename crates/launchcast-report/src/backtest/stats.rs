//! The scores as numbers: where a value falls in a forecast (PIT, with the mid-point of
//! ties), the CRPS of an empirical sample (exactly, from the sorted sample) and of a
//! piecewise-linear CDF (a histogram with atoms), and the chi-square test of a histogram's
//! flatness. Nothing here knows about models or files.

/// A forecast as a sorted sample, with running sums for the CRPS.
#[derive(Clone, Debug)]
pub(crate) struct Sample {
    /// Ascending (total order; +∞ last).
    sorted: Vec<f64>,
}

impl Sample {
    /// The sample of `values` (NaN is not expected; it sorts last as if +∞).
    pub(crate) fn new(values: impl IntoIterator<Item = f64>) -> Sample {
        let mut sorted: Vec<f64> = values
            .into_iter()
            .map(|v| if v.is_nan() { f64::INFINITY } else { v + 0.0 })
            .collect();
        sorted.sort_unstable_by(f64::total_cmp);
        Sample { sorted }
    }

    /// Values in the sample.
    pub(crate) fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Values below `a`.
    pub(crate) fn below(&self, a: f64) -> usize {
        self.sorted.partition_point(|&x| x < a)
    }

    /// Values at or below `a`.
    pub(crate) fn at_or_below(&self, a: f64) -> usize {
        self.sorted.partition_point(|&x| x <= a)
    }

    /// P(X < lo) and P(X < hi) (`hi` > `lo`), or P(X < a) and P(X ≤ a) with `lo = hi = a`:
    /// the range of the PIT of a value known to lie in `[lo, hi)` (or equal to `a`).
    pub(crate) fn cdf_range(&self, lo: f64, hi: f64) -> (f64, f64) {
        let n = self.len().max(1) as f64;
        let upper = if hi > lo {
            self.below(hi)
        } else {
            self.at_or_below(hi)
        };
        (self.below(lo) as f64 / n, upper as f64 / n)
    }

    /// The nearest-rank quantile `q` (the run's rule, [`launchcast_engine::nearest_rank`]).
    pub(crate) fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.len() as u64;
        (n > 0).then(|| self.sorted[launchcast_engine::nearest_rank(q, n) as usize])
    }

    /// CRPS of the sample for the value `a`, with every value above `cap` (+∞ included)
    /// counted at `cap`, `a` too: `E|X − a| − ½ E|X − X'|`, exactly, in one pass over the
    /// sorted sample (`E|X − X'| = 2/n² Σ (2i − n + 1) x₍ᵢ₎`, 0-based ranks).
    pub(crate) fn crps(&self, a: f64, cap: f64) -> f64 {
        let n = self.len();
        if n == 0 {
            return f64::NAN;
        }
        let a = a.min(cap);
        let mut to_a = 0.0;
        let mut pairs = 0.0;
        for (i, &x) in self.sorted.iter().enumerate() {
            let x = x.min(cap);
            to_a += (x - a).abs();
            pairs += (2.0 * i as f64 - n as f64 + 1.0) * x;
        }
        let n = n as f64;
        to_a / n - pairs / (n * n)
    }
}

/// A CDF given by knots `(x, F(x−), F(x))` in ascending `x`, linear between one knot's
/// `F(x)` and the next one's `F(x−)`; 0 before the first knot and `F` of the last after it.
/// A histogram is one knot per bin edge; an atom is a knot whose two values differ.
pub(crate) type Knots = [(f64, f64, f64)];

/// `F(a)` of a knotted CDF, `F(a−)` with `left` (they differ only at an atom).
pub(crate) fn knot_cdf(knots: &Knots, a: f64, left: bool) -> f64 {
    let mut before = 0.0;
    let mut prev: Option<(f64, f64)> = None;
    for &(x, l, r) in knots {
        if a < x {
            return match prev {
                Some((x0, f0)) if x > x0 => f0 + (l - f0) * (a - x0) / (x - x0),
                _ => before,
            };
        }
        if a == x {
            return if left { l } else { r };
        }
        before = r;
        prev = Some((x, r));
    }
    before
}

/// CRPS `∫ (F(x) − 1{x ≥ a})² dx` of a knotted CDF that reaches 1 at its last knot,
/// exactly: on each stretch `F` is linear and the step constant, so the integral of the
/// square is `len · (u² + uv + v²) / 3` for its end values `u`, `v`.
pub(crate) fn knot_crps(knots: &Knots, a: f64) -> f64 {
    let (Some(first), Some(last)) = (knots.first(), knots.last()) else {
        return f64::NAN;
    };
    let mut total = 0.0;
    // Below the first knot F = 0: only the step above `a` counts.
    if a < first.0 {
        total += first.0 - a;
    }
    let step = |x: f64| if x >= a { 1.0 } else { 0.0 };
    let piece = |x0: f64, x1: f64, f0: f64, f1: f64| {
        if x1 <= x0 {
            return 0.0;
        }
        let h = step(0.5 * (x0 + x1));
        let (u, v) = (f0 - h, f1 - h);
        (x1 - x0) * (u * u + u * v + v * v) / 3.0
    };
    for w in knots.windows(2) {
        let ((x0, _, f0), (x1, f1, _)) = (w[0], w[1]);
        if a > x0 && a < x1 {
            let fa = f0 + (f1 - f0) * (a - x0) / (x1 - x0);
            total += piece(x0, a, f0, fa) + piece(a, x1, fa, f1);
        } else {
            total += piece(x0, x1, f0, f1);
        }
    }
    // Above the last knot F = 1: only the stretch below `a` counts.
    if a > last.0 {
        total += a - last.0;
    }
    total
}

/// Chi-square test that `counts` (possibly fractional) are equally likely bins:
/// `(statistic, degrees of freedom, p-value)`.
pub(crate) fn chi_square_flat(counts: &[f64]) -> (f64, u32, f64) {
    let k = counts.len();
    let n: f64 = counts.iter().sum();
    if k < 2 || n <= 0.0 {
        return (0.0, 0, 1.0);
    }
    let expected = n / k as f64;
    let stat: f64 = counts
        .iter()
        .map(|&c| (c - expected) * (c - expected) / expected)
        .sum();
    let dof = (k - 1) as u32;
    (stat, dof, chi_square_survival(stat, f64::from(dof)))
}

/// P(χ²_dof > x): the regularized upper incomplete gamma function Q(dof/2, x/2), by its
/// series below `a + 1` and its continued fraction above (Numerical Recipes, §6.2).
pub(crate) fn chi_square_survival(x: f64, dof: f64) -> f64 {
    if x <= 0.0 || dof <= 0.0 {
        return 1.0;
    }
    let (a, x) = (dof / 2.0, x / 2.0);
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // P(a, x) = e^{-x} x^a / Γ(a+1) Σ x^k / ((a+1)…(a+k)).
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..1000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        (1.0 - sum * ln_front.exp()).clamp(0.0, 1.0)
    } else {
        // Lentz's method for the continued fraction of Q(a, x).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-15 {
                break;
            }
        }
        (ln_front.exp() * h).clamp(0.0, 1.0)
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 digits).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 − x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut s = G[0];
    for (i, &g) in G.iter().enumerate().skip(1) {
        s += g / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Textbook critical values: χ²(9) = 16.919 at 5 %, 21.666 at 1 %; χ²(1) = 3.841 at 5 %;
    /// χ²(2) has the closed form e^{-x/2}.
    #[test]
    fn chi_square_tails() {
        assert!((chi_square_survival(16.919, 9.0) - 0.05).abs() < 1e-4);
        assert!((chi_square_survival(21.666, 9.0) - 0.01).abs() < 1e-4);
        assert!((chi_square_survival(3.841, 1.0) - 0.05).abs() < 1e-4);
        for x in [0.1, 1.0, 3.0, 10.0, 40.0] {
            assert!((chi_square_survival(x, 2.0) - (-x / 2.0f64).exp()).abs() < 1e-12);
        }
        assert_eq!(chi_square_survival(0.0, 9.0), 1.0);
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-12);
    }

    /// Between knots the CDF is linear; at an atom it jumps.
    #[test]
    fn knotted_cdf() {
        let k = [(0.0, 0.0, 0.0), (10.0, 0.5, 0.5), (20.0, 0.5, 1.0)];
        assert_eq!(knot_cdf(&k, -1.0, false), 0.0);
        assert_eq!(knot_cdf(&k, 5.0, false), 0.25);
        assert_eq!(knot_cdf(&k, 15.0, false), 0.5);
        assert_eq!(knot_cdf(&k, 20.0, true), 0.5);
        assert_eq!(knot_cdf(&k, 20.0, false), 1.0);
        assert_eq!(knot_cdf(&k, 30.0, false), 1.0);
    }
}
