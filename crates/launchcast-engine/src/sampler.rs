//! Compiled distributions: each [`Dist`] becomes a [`Sampler`] that maps a lane of uniforms
//! to a lane of values without data-dependent branches. Triangular and uniform use their
//! closed-form inverse CDF; beta-PERT, normal and log-normal use a shared inverse-CDF table
//! (linear interpolation) keyed by shape, so many tasks with the same shape share one table.

use launchcast_model::{Dist, normal_cdf, pert_shape};

use crate::kernel::{LANES, Lanes};

/// Points of each inverse-CDF table, at u = (k + ½)/N. Interpolation error is far below Monte
/// Carlo noise; unbounded tails are cut at the outermost points (±3.67 σ for a normal).
pub(crate) const TABLE_POINTS: usize = 4096;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Sampler {
    Const(f32),
    Uniform {
        min: f32,
        width: f32,
    },
    Triangular {
        min: f32,
        max: f32,
        split: f32,
        left: f32,
        right: f32,
    },
    /// `offset + scale · table(u)`.
    Table {
        offset: f32,
        scale: f32,
        table: u32,
    },
    /// Values with cumulative weights, searched without branches (a handful of entries).
    Discrete {
        values: Box<[f32]>,
        cumulative: Box<[f32]>,
    },
}

/// Every distinct inverse-CDF table of a plan.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables {
    /// Per table, `TABLE_POINTS - 1` pairs (value at point k, step to point k + 1): one
    /// 64-bit load per draw instead of two.
    data: Vec<[f32; 2]>,
    keys: Vec<(u8, u64, u64)>,
}

impl Tables {
    fn find(&self, key: (u8, u64, u64)) -> Option<u32> {
        self.keys.iter().position(|k| *k == key).map(|i| i as u32)
    }

    fn get_or_build(&mut self, key: (u8, u64, u64), q: impl Fn(f64) -> f64) -> u32 {
        if let Some(i) = self.find(key) {
            return i;
        }
        self.keys.push(key);
        let points: Vec<f32> = (0..TABLE_POINTS)
            .map(|k| q((k as f64 + 0.5) / TABLE_POINTS as f64) as f32)
            .collect();
        self.data
            .extend(points.windows(2).map(|w| [w[0], w[1] - w[0]]));
        (self.keys.len() - 1) as u32
    }

    #[inline(always)]
    fn table(&self, i: u32) -> &[[f32; 2]; TABLE_POINTS - 1] {
        let start = i as usize * (TABLE_POINTS - 1);
        self.data[start..start + TABLE_POINTS - 1]
            .try_into()
            .expect("tables hold whole tables")
    }
}

/// The CDF of Beta(a, b) with a, b ≥ 1 (as beta-PERT shapes are) on a fine grid, by the
/// midpoint rule on the density, for building inverse-CDF tables quickly: thousands of exact
/// quantiles by bisection cost about half a second per shape, this a few milliseconds, and
/// agrees with them within 2e-6 of the range (tested).
struct BetaCdf {
    cumulative: Vec<f64>,
}

impl BetaCdf {
    const CELLS: usize = 1 << 16;

    fn new(a: f64, b: f64) -> BetaCdf {
        let h = 1.0 / Self::CELLS as f64;
        let mut cumulative = Vec::with_capacity(Self::CELLS + 1);
        let mut acc = 0.0;
        cumulative.push(0.0);
        for k in 0..Self::CELLS {
            let x = (k as f64 + 0.5) * h;
            acc += ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln()).exp();
            cumulative.push(acc);
        }
        for c in &mut cumulative {
            *c /= acc;
        }
        BetaCdf { cumulative }
    }

    /// x with CDF(x) = u, linear within a grid cell.
    fn quantile(&self, u: f64) -> f64 {
        let c = &self.cumulative;
        let k = c.partition_point(|&v| v < u).clamp(1, Self::CELLS);
        let (lo, hi) = (c[k - 1], c[k]);
        let frac = if hi > lo { (u - lo) / (hi - lo) } else { 0.5 };
        ((k - 1) as f64 + frac) / Self::CELLS as f64
    }
}

impl Sampler {
    /// Compiles `dist`; with `nonnegative` a normal is truncated at zero and any other value
    /// clamped at zero (validation already rejects negative bounds).
    pub(crate) fn new(dist: &Dist, nonnegative: bool, tables: &mut Tables) -> Sampler {
        if dist.is_fixed() {
            return Sampler::Const(dist.quantile(0.5, nonnegative) as f32);
        }
        match dist {
            Dist::Fixed(v) => Sampler::Const(*v as f32),
            Dist::Uniform { min, max } => Sampler::Uniform {
                min: *min as f32,
                width: (max - min) as f32,
            },
            Dist::Triangular { min, mode, max } => Sampler::Triangular {
                min: *min as f32,
                max: *max as f32,
                split: ((mode - min) / (max - min)) as f32,
                left: ((max - min) * (mode - min)) as f32,
                right: ((max - min) * (max - mode)) as f32,
            },
            Dist::Pert { min, mode, max } => {
                let (a, b) = pert_shape(*min, *mode, *max);
                let key = (1, a.to_bits(), b.to_bits());
                let table = match tables.find(key) {
                    Some(table) => table,
                    None => {
                        let cdf = BetaCdf::new(a, b);
                        tables.get_or_build(key, |u| cdf.quantile(u))
                    }
                };
                Sampler::Table {
                    offset: *min as f32,
                    scale: (max - min) as f32,
                    table,
                }
            }
            Dist::Normal { mean, sd } => {
                // Truncation at zero: draw u from [Φ(−μ/σ), 1).
                let p0 = if nonnegative {
                    normal_cdf(-mean / sd)
                } else {
                    0.0
                };
                let p0 = if p0 < 1e-12 { 0.0 } else { p0 };
                let table = tables.get_or_build((2, p0.to_bits(), 0), |u| {
                    launchcast_model::normal_quantile(p0 + u * (1.0 - p0))
                });
                Sampler::Table {
                    offset: *mean as f32,
                    scale: *sd as f32,
                    table,
                }
            }
            Dist::LogNormal { median, p90 } => {
                let sigma = (p90 / median).ln() / launchcast_model::Z90;
                let table = tables.get_or_build((3, sigma.to_bits(), 0), |u| {
                    (sigma * launchcast_model::normal_quantile(u)).exp()
                });
                Sampler::Table {
                    offset: 0.0,
                    scale: *median as f32,
                    table,
                }
            }
            Dist::Discrete(pairs) => {
                let mut acc = 0.0;
                let cumulative = pairs
                    .iter()
                    .map(|(_, w)| {
                        acc += w;
                        acc as f32
                    })
                    .collect();
                let values = pairs
                    .iter()
                    .map(|(v, _)| if nonnegative { v.max(0.0) } else { *v } as f32)
                    .collect();
                Sampler::Discrete { values, cumulative }
            }
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        *self == Sampler::Const(0.0)
    }

    pub(crate) fn is_const(&self) -> bool {
        matches!(self, Sampler::Const(_))
    }

    /// Values for a lane of uniforms. `nonnegative` samplers never return below zero.
    #[inline(always)]
    pub(crate) fn sample(&self, u: &Lanes, tables: &Tables, out: &mut Lanes) {
        match self {
            Sampler::Const(v) => *out = [*v; LANES],
            Sampler::Uniform { min, width } => {
                for l in 0..LANES {
                    out[l] = min + width * u[l];
                }
            }
            Sampler::Triangular {
                min,
                max,
                split,
                left,
                right,
            } => {
                // One square root per draw: pick the side first, by arithmetic on a 0/1
                // weight (selects between two fields of `self` compile to slow gathers).
                let (min, max, split, left, right) = (*min, *max, *split, *left, *right);
                for l in 0..LANES {
                    let w = if u[l] < split { 1.0f32 } else { 0.0 };
                    let base = w * u[l] + (1.0 - w) * (1.0 - u[l]);
                    let r = (base * (w * left + (1.0 - w) * right)).sqrt();
                    out[l] = w * (min + r) + (1.0 - w) * (max - r);
                }
            }
            Sampler::Table {
                offset,
                scale,
                table,
            } => {
                let t = tables.table(*table);
                let last = (TABLE_POINTS - 2) as f32;
                for l in 0..LANES {
                    let x = (u[l] * TABLE_POINTS as f32 - 0.5).clamp(0.0, last + 1.0);
                    // SAFETY: `x.min(last)` is finite and within 0..=TABLE_POINTS - 2.
                    let i = unsafe { x.min(last).to_int_unchecked::<u32>() } as usize;
                    let frac = x - i as f32;
                    let [a, step] = t[i.min(TABLE_POINTS - 2)];
                    out[l] = offset + scale * (a + frac * step);
                }
            }
            Sampler::Discrete { values, cumulative } => {
                *out = [values[0]; LANES];
                for k in 1..values.len() {
                    let (edge, v) = (cumulative[k - 1], values[k]);
                    for l in 0..LANES {
                        out[l] = if u[l] >= edge { v } else { out[l] };
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_of(d: &Dist, nonnegative: bool) -> f64 {
        // Stratified uniforms: the sample mean is the integral of the quantile function.
        let mut tables = Tables::default();
        let s = Sampler::new(d, nonnegative, &mut tables);
        let n = 1 << 16;
        let mut sum = 0.0;
        let mut u = [0f32; LANES];
        let mut out = [0f32; LANES];
        for i in (0..n).step_by(LANES) {
            for l in 0..LANES {
                u[l] = ((i + l) as f32 + 0.5) / n as f32;
            }
            s.sample(&u, &tables, &mut out);
            sum += out.iter().map(|&x| f64::from(x)).sum::<f64>();
        }
        sum / n as f64
    }

    #[test]
    fn grid_beta_quantiles_match_bisection() {
        for (a, b) in [(1.0, 1.0), (2.0, 4.0), (1.5, 4.5), (5.0, 1.0), (3.0, 3.0)] {
            let grid = BetaCdf::new(a, b);
            for k in 0..200 {
                let u = (k as f64 + 0.5) / 200.0;
                let exact = launchcast_model::beta_quantile(u, a, b);
                assert!(
                    (grid.quantile(u) - exact).abs() < 2e-6,
                    "Beta({a}, {b}) at {u}"
                );
            }
        }
    }

    #[test]
    fn samplers_integrate_to_the_exact_means() {
        let cases = [
            (
                Dist::Triangular {
                    min: 10.0,
                    mode: 20.0,
                    max: 60.0,
                },
                30.0,
            ),
            (
                Dist::Uniform {
                    min: 0.0,
                    max: 100.0,
                },
                50.0,
            ),
            (
                Dist::Pert {
                    min: 10.0,
                    mode: 20.0,
                    max: 60.0,
                },
                (10.0 + 80.0 + 60.0) / 6.0,
            ),
            (
                Dist::Normal {
                    mean: 50.0,
                    sd: 5.0,
                },
                50.0,
            ),
            (
                Dist::Discrete(vec![(3.0, 0.5), (6.0, 0.3), (12.0, 0.2)]),
                5.7,
            ),
        ];
        for (d, want) in cases {
            let got = mean_of(&d, true);
            assert!((got - want).abs() < 2e-3 * want, "{d:?}: {got} vs {want}");
        }
        // Log-normal: mean = median · exp(σ²/2); the cut tails lose a little.
        let d = Dist::LogNormal {
            median: 100.0,
            p90: 150.0,
        };
        assert!((mean_of(&d, true) - d.mean()).abs() < 2e-3 * d.mean());
        // Normal truncated at 0 with mean 0: the half-normal, mean σ·√(2/π).
        let got = mean_of(
            &Dist::Normal {
                mean: 0.0,
                sd: 10.0,
            },
            true,
        );
        assert!(
            (got - 10.0 * (2.0 / std::f64::consts::PI).sqrt()).abs() < 0.02,
            "{got}"
        );
    }
}
