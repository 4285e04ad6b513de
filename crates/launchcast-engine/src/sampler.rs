//! Compiled distributions: each [`Dist`] becomes a [`Sampler`] that maps a lane of uniforms
//! to a lane of values without data-dependent branches. Triangular and uniform use their
//! closed-form inverse CDF; beta-PERT, normal and log-normal use a shared inverse-CDF table
//! (linear interpolation) keyed by shape, so many tasks with the same shape share one table.

use launchcast_model::{Dist, normal_cdf, pert_shape};

use crate::simd::{LANES, Lanes, Simd};

/// Inverse-CDF tables are piecewise quartics in `u`, 16 segments on each side of u = ½. A
/// segment covers one octave of `m = min(u, 1 − u)` (from ½ down to [`TAIL`]), so the
/// segments shrink geometrically into both tails, where quantile functions such as a
/// beta-PERT's `c·u^(1/α)` bend hardest. The segment and the position in it come straight
/// from the bits of `m`: no search, no gathered loads, and on AVX-512 one coefficient of all
/// 32 segments (both sides) sits in two registers, so one permute picks it.
pub(crate) const SEGMENTS: usize = 16;

/// Degree of each segment's polynomial.
const DEGREE: usize = 4;

/// Draws closer to 0 or 1 than this take the value at `TAIL` (1 in 131,072 per side).
const TAIL: f32 = 1.0 / 131_072.0;

/// The largest `m` below ½: u = ½ exactly (possible from a correlated draw) belongs to the
/// right side's first segment.
const CENTRE: f32 = 0.5 - 1.0 / 33_554_432.0;

/// One distribution's table: `coefficients[k][side · SEGMENTS + segment]`, the coefficient
/// of `t^k` of the quartic in the position `t ∈ [0, 1)` within the segment; side 0 is u < ½.
#[derive(Clone, Debug, PartialEq)]
#[repr(C, align(64))]
pub(crate) struct PolyTable {
    pub coefficients: [[f32; 2 * SEGMENTS]; DEGREE + 1],
}

/// The table index of a uniform and the position within its segment: `m = min(u, 1 − u)`
/// (clamped to [`TAIL`]) lies in `[2^e, 2^(e+1))` with `e` its exponent, and `t` is its
/// mantissa as a fraction; segment 0 is the octave just below ½, and the right side's
/// segments follow the left side's.
#[inline(always)]
pub(crate) fn segment_of(u: f32) -> (usize, f32) {
    let m = u.min(1.0 - u).clamp(TAIL, CENTRE);
    let bits = m.to_bits();
    let segment = 125u32.wrapping_sub(bits >> 23) as usize;
    let t = f32::from_bits(bits & 0x7F_FFFF | 0x3F80_0000) - 1.0;
    (segment + if u >= 0.5 { SEGMENTS } else { 0 }, t)
}

/// The range of `m` a segment covers (f64, for fitting): its start and its width.
fn segment_range(segment: usize) -> (f64, f64) {
    let base = 2f64.powi(-(segment as i32) - 2);
    (base, base)
}

impl PolyTable {
    /// Fits every segment by interpolating the quantile function `q` at the five Chebyshev
    /// points of the segment.
    fn fit(q: impl Fn(f64) -> f64) -> PolyTable {
        let mut coefficients = [[0f32; 2 * SEGMENTS]; DEGREE + 1];
        let nodes: [f64; DEGREE + 1] = std::array::from_fn(|i| {
            0.5 - 0.5 * ((2 * i + 1) as f64 * std::f64::consts::PI / (2 * DEGREE + 2) as f64).cos()
        });
        for side in 0..2 {
            for segment in 0..SEGMENTS {
                let (lo, width) = segment_range(segment);
                let values = nodes.map(|t| {
                    let m = lo + t * width;
                    q(if side == 0 { m } else { 1.0 - m })
                });
                let c = interpolate(&nodes, &values);
                for (k, c) in c.iter().enumerate() {
                    coefficients[k][side * SEGMENTS + segment] = *c as f32;
                }
            }
        }
        PolyTable { coefficients }
    }

    /// The value at `u` (the scalar definition every kernel reproduces bit for bit): Horner's
    /// rule with fused multiply-adds.
    #[inline(always)]
    pub(crate) fn eval(&self, u: f32) -> f32 {
        let (j, t) = segment_of(u);
        let c = &self.coefficients;
        let mut v = c[DEGREE][j];
        for k in (0..DEGREE).rev() {
            v = v.mul_add(t, c[k][j]);
        }
        v
    }
}

/// Coefficients (lowest power first) of the polynomial through the points, by Newton's
/// divided differences expanded into the monomial basis.
fn interpolate<const N: usize>(x: &[f64; N], y: &[f64; N]) -> [f64; N] {
    let mut d = *y;
    for level in 1..N {
        for i in (level..N).rev() {
            d[i] = (d[i] - d[i - 1]) / (x[i] - x[i - level]);
        }
    }
    // p(t) = d0 + (t − x0)(d1 + (t − x1)(d2 + …)), expanded from the inside out.
    let mut c = [0.0; N];
    c[0] = d[N - 1];
    for i in (0..N - 1).rev() {
        // c ← c·(t − x_i) + d_i
        let mut next = [0.0; N];
        for k in 0..N {
            if k > 0 {
                next[k] += c[k - 1];
            }
            next[k] -= x[i] * c[k];
        }
        next[0] += d[i];
        c = next;
    }
    c
}

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
    /// `offset + scale · table(u)` (one fused multiply-add).
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

/// Every distinct inverse-CDF table of a plan: registered while samplers are compiled,
/// then fitted all at once, in parallel, by [`Tables::build`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Tables {
    data: Vec<PolyTable>,
    recipes: Vec<Recipe>,
}

/// What a table is the inverse CDF of (on a standardised scale: the sampler adds the offset
/// and scale). Equal recipes share one table.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Recipe {
    Beta {
        a: f64,
        b: f64,
    },
    /// The standard normal truncated below at the quantile `p0`.
    Normal {
        p0: f64,
    },
    LogNormal {
        sigma: f64,
    },
    /// What is left of a continuous duration under way for `elapsed` days, given that it
    /// lasts longer: `Q(p0 + u·(1 − p0)) − elapsed`, `p0 = F(elapsed)` (on the natural scale:
    /// offset 0, scale 1).
    Remaining {
        base: Continuous,
        p0: f64,
        elapsed: f64,
    },
}

/// A continuous distribution as a table recipe holds it (copyable, comparable).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Continuous {
    Uniform(f64, f64),
    Triangular(f64, f64, f64),
    Pert(f64, f64, f64),
    Normal(f64, f64),
    LogNormal(f64, f64),
}

impl Continuous {
    fn of(d: &Dist) -> Option<Continuous> {
        Some(match *d {
            Dist::Uniform { min, max } => Continuous::Uniform(min, max),
            Dist::Triangular { min, mode, max } => Continuous::Triangular(min, mode, max),
            Dist::Pert { min, mode, max } => Continuous::Pert(min, mode, max),
            Dist::Normal { mean, sd } => Continuous::Normal(mean, sd),
            Dist::LogNormal { median, p90 } => Continuous::LogNormal(median, p90),
            Dist::Fixed(_) | Dist::Discrete(_) => return None,
        })
    }

    fn dist(self) -> Dist {
        match self {
            Continuous::Uniform(min, max) => Dist::Uniform { min, max },
            Continuous::Triangular(min, mode, max) => Dist::Triangular { min, mode, max },
            Continuous::Pert(min, mode, max) => Dist::Pert { min, mode, max },
            Continuous::Normal(mean, sd) => Dist::Normal { mean, sd },
            Continuous::LogNormal(median, p90) => Dist::LogNormal { median, p90 },
        }
    }
}

/// `F(x)` of `d` (cut at zero), by bisection on its quantile function: 60 halvings of
/// [0, 1] leave less than 1e-18 of probability.
fn cdf_by_bisection(d: &Dist, x: f64) -> f64 {
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if d.quantile(mid, true) <= x {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

impl Recipe {
    fn fit(self) -> PolyTable {
        match self {
            Recipe::Beta { a, b } => {
                let cdf = BetaCdf::new(a, b);
                PolyTable::fit(|u| cdf.quantile(u))
            }
            Recipe::Normal { p0 } => {
                PolyTable::fit(|u| launchcast_model::normal_quantile(p0 + u * (1.0 - p0)))
            }
            Recipe::LogNormal { sigma } => {
                PolyTable::fit(|u| (sigma * launchcast_model::normal_quantile(u)).exp())
            }
            Recipe::Remaining { base, p0, elapsed } => {
                let d = base.dist();
                PolyTable::fit(|u| (d.quantile(p0 + u * (1.0 - p0), true) - elapsed).max(0.0))
            }
        }
    }
}

impl Tables {
    /// The index of the table of `recipe`, registering it if new.
    fn index_of(&mut self, recipe: Recipe) -> u32 {
        let i = match self.recipes.iter().position(|r| *r == recipe) {
            Some(i) => i,
            None => {
                self.recipes.push(recipe);
                self.recipes.len() - 1
            }
        };
        i as u32
    }

    /// Fits every table registered since the last call (each takes about a millisecond).
    pub(crate) fn build(&mut self) {
        use rayon::prelude::*;
        let done = self.data.len();
        let fitted: Vec<PolyTable> = self.recipes[done..].par_iter().map(|r| r.fit()).collect();
        self.data.extend(fitted);
    }

    #[inline(always)]
    pub(crate) fn table(&self, i: u32) -> &PolyTable {
        &self.data[i as usize]
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
        // ln x and ln(1 − x) at the cell centres are the same for every shape.
        static LOGS: std::sync::OnceLock<Box<[(f64, f64)]>> = std::sync::OnceLock::new();
        let logs = LOGS.get_or_init(|| {
            let h = 1.0 / Self::CELLS as f64;
            (0..Self::CELLS)
                .map(|k| {
                    let x = (k as f64 + 0.5) * h;
                    (x.ln(), (1.0 - x).ln())
                })
                .collect()
        });
        let mut cumulative = Vec::with_capacity(Self::CELLS + 1);
        let mut acc = 0.0;
        cumulative.push(0.0);
        for &(ln_x, ln_rest) in logs.iter() {
            acc += ((a - 1.0) * ln_x + (b - 1.0) * ln_rest).exp();
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
    /// clamped at zero (validation already rejects negative bounds). A table it needs is
    /// registered in `tables`, to be fitted by [`Tables::build`] before any sampling.
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
                let table = tables.index_of(Recipe::Beta { a, b });
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
                let table = tables.index_of(Recipe::Normal { p0 });
                Sampler::Table {
                    offset: *mean as f32,
                    scale: *sd as f32,
                    table,
                }
            }
            Dist::LogNormal { median, p90 } => {
                let sigma = (p90 / median).ln() / launchcast_model::Z90;
                let table = tables.index_of(Recipe::LogNormal { sigma });
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

    /// What is left of duration `dist` of a task under way for `elapsed` days, given that it
    /// lasts longer than that (a task known not to be done at the start). A duration that
    /// cannot last longer (refused when the model is read) leaves nothing.
    pub(crate) fn remaining(dist: &Dist, elapsed: f64, tables: &mut Tables) -> Sampler {
        if elapsed <= 0.0 {
            return Sampler::new(dist, true, tables);
        }
        if let Some(base) = Continuous::of(dist).filter(|_| !dist.is_fixed()) {
            let p0 = cdf_by_bisection(dist, elapsed);
            if p0 >= 1.0 - 1e-12 {
                return Sampler::Const(0.0);
            }
            let table = tables.index_of(Recipe::Remaining { base, p0, elapsed });
            return Sampler::Table {
                offset: 0.0,
                scale: 1.0,
                table,
            };
        }
        match dist {
            Dist::Discrete(pairs) => {
                let left: Vec<(f64, f64)> = pairs
                    .iter()
                    .filter(|(v, _)| *v > elapsed)
                    .map(|(v, w)| (v - elapsed, *w))
                    .collect();
                let total: f64 = left.iter().map(|(_, w)| w).sum();
                if left.is_empty() || total <= 0.0 {
                    return Sampler::Const(0.0);
                }
                let scaled =
                    Dist::Discrete(left.into_iter().map(|(v, w)| (v, w / total)).collect());
                Sampler::new(&scaled, true, tables)
            }
            _ => Sampler::Const((dist.quantile(0.5, true) - elapsed).max(0.0) as f32),
        }
    }

    pub(crate) fn is_zero(&self) -> bool {
        *self == Sampler::Const(0.0)
    }

    pub(crate) fn is_const(&self) -> bool {
        matches!(self, Sampler::Const(_))
    }

    /// Values for a lane of uniforms. `nonnegative` samplers never return below zero.
    /// With AVX-512 in `isa`, tables are read with in-register permutes instead of gathered
    /// loads (same values, bit for bit).
    #[inline(always)]
    pub(crate) fn sample<S: Simd>(&self, isa: S, u: &Lanes, tables: &Tables, out: &mut Lanes) {
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
                #[cfg(target_arch = "x86_64")]
                if let Some(wide) = isa.avx512() {
                    wide::eval_lanes(wide, t, *offset, *scale, u, out);
                    return;
                }
                let _ = isa;
                for l in 0..LANES {
                    out[l] = t.eval(u[l]).mul_add(*scale, *offset);
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

/// The AVX-512 evaluation of [`PolyTable::eval`]: the same IEEE operations in the same
/// order, with each coefficient picked from two registers by one `vpermt2ps`.
#[cfg(target_arch = "x86_64")]
mod wide {
    // Calls AVX-512 intrinsics.
    #![allow(unsafe_code)]

    use std::arch::x86_64::*;

    use super::{CENTRE, DEGREE, PolyTable, SEGMENTS, TAIL};
    use crate::simd::{Avx512, LANES, Lanes};

    /// [`eval_lanes_unchecked`] on a processor proven to have AVX-512.
    #[inline(always)]
    pub(super) fn eval_lanes(
        _: Avx512,
        t: &PolyTable,
        offset: f32,
        scale: f32,
        u: &Lanes,
        out: &mut Lanes,
    ) {
        // SAFETY: the token proves AVX-512F.
        unsafe { eval_lanes_unchecked(t, offset, scale, u, out) };
    }

    /// # Safety
    /// The processor must have AVX-512F.
    #[target_feature(enable = "avx512f")]
    unsafe fn eval_lanes_unchecked(
        t: &PolyTable,
        offset: f32,
        scale: f32,
        u: &Lanes,
        out: &mut Lanes,
    ) {
        let c = &t.coefficients;
        // SAFETY (all loads and stores below): a coefficient row holds 32 f32 and `Lanes`
        // 32 f32; each access reads or writes 16 of them within bounds.
        let half =
            |a: &[f32; 2 * SEGMENTS], h: usize| unsafe { _mm512_loadu_ps(a.as_ptr().add(16 * h)) };
        let coefficient =
            |k: usize, j: __m512i| _mm512_permutex2var_ps(half(&c[k], 0), j, half(&c[k], 1));
        for h in 0..LANES / 16 {
            let x = half(u, h);
            let m = _mm512_min_ps(x, _mm512_sub_ps(_mm512_set1_ps(1.0), x));
            let m = _mm512_min_ps(
                _mm512_max_ps(m, _mm512_set1_ps(TAIL)),
                _mm512_set1_ps(CENTRE),
            );
            let right = _mm512_cmp_ps_mask::<_CMP_GE_OQ>(x, _mm512_set1_ps(0.5));
            let bits = _mm512_castps_si512(m);
            let j = _mm512_sub_epi32(_mm512_set1_epi32(125), _mm512_srli_epi32::<23>(bits));
            let j = _mm512_mask_or_epi32(j, right, j, _mm512_set1_epi32(SEGMENTS as i32));
            // The mantissa under the exponent of 1.0, minus 1.0: the fraction, exactly.
            let pos = _mm512_sub_ps(
                _mm512_castsi512_ps(_mm512_ternarylogic_epi32::<0xEA>(
                    bits,
                    _mm512_set1_epi32(0x7F_FFFF),
                    _mm512_set1_epi32(0x3F80_0000),
                )),
                _mm512_set1_ps(1.0),
            );
            let mut v = coefficient(DEGREE, j);
            for k in (0..DEGREE).rev() {
                v = _mm512_fmadd_ps(v, pos, coefficient(k, j));
            }
            let y = _mm512_fmadd_ps(v, _mm512_set1_ps(scale), _mm512_set1_ps(offset));
            // SAFETY: see above.
            unsafe { _mm512_storeu_ps(out.as_mut_ptr().add(16 * h), y) };
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
        tables.build();
        let n = 1 << 16;
        let mut sum = 0.0;
        let mut u = [0f32; LANES];
        let mut out = [0f32; LANES];
        for i in (0..n).step_by(LANES) {
            for l in 0..LANES {
                u[l] = ((i + l) as f32 + 0.5) / n as f32;
            }
            s.sample(crate::simd::Portable, &u, &tables, &mut out);
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

    /// The piecewise quartics against exact quantiles (bisection on the regularised incomplete
    /// beta function and the normal quantile) over a grid dense in both tails.
    #[test]
    fn poly_tables_match_exact_quantiles() {
        let mut us: Vec<f64> = (1..2000).map(|k| f64::from(k) / 2000.0).collect();
        for e in 3..18 {
            let p = 2f64.powi(-e);
            us.extend([p, 1.5 * p, 1.0 - p, 1.0 - 1.5 * p]);
        }
        for (a, b) in [
            (1.0, 5.0),
            (5.0, 1.0),
            (1.5, 4.5),
            (3.0, 3.0),
            (2.0, 4.0),
            (4.6, 1.4),
        ] {
            let cdf = BetaCdf::new(a, b);
            let table = PolyTable::fit(|u| cdf.quantile(u));
            let worst = us
                .iter()
                .map(|&u| {
                    let exact = launchcast_model::beta_quantile(u, a, b);
                    (f64::from(table.eval(u as f32)) - exact).abs()
                })
                .fold(0.0, f64::max);
            assert!(worst < 1e-5, "Beta({a}, {b}): worst error {worst:e}");
        }
        let table = PolyTable::fit(launchcast_model::normal_quantile);
        for &u in &us {
            let exact = launchcast_model::normal_quantile(u);
            let got = f64::from(table.eval(u as f32));
            assert!(
                (got - exact).abs() < 2e-4,
                "normal at {u}: {got} vs {exact}"
            );
        }
        // Beyond the tails the value is held at the last segment's end.
        let far = table.eval(1e-7);
        assert!((f64::from(far) - launchcast_model::normal_quantile(f64::from(TAIL))).abs() < 2e-4);
    }

    /// The AVX-512 permutes give the scalar definition's values bit for bit, in every
    /// segment of both sides.
    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(avx512), ignore = "needs a processor with AVX-512")]
    fn wide_tables_equal_the_scalar_definition() {
        let avx512 = crate::simd::Avx512::detect().expect("this processor has AVX-512");
        let cdf = BetaCdf::new(1.8, 4.2);
        let table = PolyTable::fit(|u| cdf.quantile(u));
        let mut us = Vec::new();
        for e in 1..26 {
            let p = 2f32.powi(-e);
            us.extend([p, p * 1.25, p * 1.5, p * 1.75, 1.0 - p, 1.0 - p * 1.3]);
        }
        us.extend([0.5, 1e-30, 1.0 - 1e-9]);
        us.extend((0..4096).map(|k| (k as f32 + 0.5) / 4096.0));
        for chunk in us.chunks(LANES) {
            let mut u = [0.5f32; LANES];
            u[..chunk.len()].copy_from_slice(chunk);
            let mut wide = [0f32; LANES];
            wide::eval_lanes(avx512, &table, 3.0, 7.0, &u, &mut wide);
            for l in 0..LANES {
                let scalar = table.eval(u[l]).mul_add(7.0, 3.0);
                assert_eq!(wide[l].to_bits(), scalar.to_bits(), "u = {}", u[l]);
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
