//! The simulation kernel: one forward pass over the plan for a lane of `LANES` consecutive
//! iterations of one scenario. Each task's values for all lanes sit side by side (struct of
//! arrays), so the inner loops over lanes have no data-dependent branches and vectorize.
//! "Never" is +∞: it propagates through max/min and sums without special cases.
//!
//! Two kernels: the fast one keeps only what successors read (in compact slots); the full one
//! also records every start, failure and driving link (for criticality, statistics and
//! schedules). Each is compiled once per instruction set ([`crate::simd`]); every version
//! performs the same IEEE operations in the same order (fused multiply-adds only where the
//! source asks for `mul_add`, never contracted by the compiler), so results are identical
//! whichever runs. `pass` holds the pass over the tasks, `delivery` plants and the headline,
//! `rerun` the fast pass in segments, for reruns with one item changed (drivers).

// Calls the kernels compiled for an instruction set, which the `Isa` token proves present.
#![allow(unsafe_code)]

mod delivery;
mod pass;
mod rerun;
mod scratch;
#[cfg(test)]
mod tests;

use crate::index::Pos;
use crate::plan::{Compiled, PromiseCheck, ScenarioParams};
#[cfg(target_arch = "x86_64")]
use crate::simd::{Avx2, Avx512};
use crate::simd::{Isa, Portable};
use pass::{LOAD, SAMPLE, STORE, plain_tasks, simulate_body};
pub(crate) use rerun::{Durations, Graph, Segment};
pub(crate) use scratch::Scratch;

macro_rules! kernels_for {
    ($token:ty, $name:ident, $plain:ident, $rerun:ident, $features:literal) => {
        /// Compiled on its own, so its few live values get the registers to themselves.
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        #[inline(never)]
        fn $plain<const FULL: bool, const DUR: u8>(
            isa: $token,
            plan: &Compiled,
            sc: &ScenarioParams,
            run: std::ops::Range<Pos>,
            first: u64,
            s: &mut Scratch,
        ) {
            plain_tasks::<FULL, DUR, $token>(isa, plan, sc, run, first, s);
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $name<const FULL: bool>(
            isa: $token,
            plan: &Compiled,
            sc: &ScenarioParams,
            first: u64,
            s: &mut Scratch,
        ) {
            // The closure inherits this function's features, which make the call safe.
            simulate_body::<FULL, $token>(isa, plan, sc, first, s, |p, sc, run, first, s| {
                $plain::<FULL, SAMPLE>(isa, p, sc, run, first, s)
            });
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $rerun(
            isa: $token,
            plan: &Compiled,
            sc: &ScenarioParams,
            seg: Segment<'_>,
            first: u64,
            s: &mut Scratch,
        ) {
            rerun::segment::<$token>(
                isa,
                plan,
                sc,
                seg,
                first,
                s,
                |p, sc, run, first, s, load| {
                    if load {
                        $plain::<false, LOAD>(isa, p, sc, run, first, s)
                    } else {
                        $plain::<false, STORE>(isa, p, sc, run, first, s)
                    }
                },
            );
        }
    };
}
kernels_for!(
    Avx512,
    simulate_avx512,
    plain_avx512,
    segment_avx512,
    "avx512f,avx512dq,avx2,fma"
);
kernels_for!(Avx2, simulate_avx2, plain_avx2, segment_avx2, "avx2,fma");

/// Runs one scenario for iterations `first .. first + LANES` with the kernels of `isa`: the
/// full kernel (`FULL`), recording everything, or the fast one.
#[inline(always)]
pub(crate) fn simulate<const FULL: bool>(
    isa: Isa,
    plan: &Compiled,
    sc: &ScenarioParams,
    first: u64,
    s: &mut Scratch,
) {
    match isa {
        // SAFETY: the token proves AVX-512F, AVX-512DQ, AVX2 and FMA, the features this
        // kernel is compiled for.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(t) => unsafe { simulate_avx512::<FULL>(t, plan, sc, first, s) },
        // SAFETY: the token proves AVX2 and FMA.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(t) => unsafe { simulate_avx2::<FULL>(t, plan, sc, first, s) },
        _ => simulate_portable::<FULL>(plan, sc, first, s),
    }
}

/// [`simulate`] with the baseline instruction set.
pub(crate) fn simulate_portable<const FULL: bool>(
    plan: &Compiled,
    sc: &ScenarioParams,
    first: u64,
    s: &mut Scratch,
) {
    simulate_body::<FULL, Portable>(Portable, plan, sc, first, s, |p, sc, run, first, s| {
        plain_tasks::<FULL, SAMPLE, Portable>(Portable, p, sc, run, first, s)
    });
}

/// Runs one segment of a pass of the fast kernel with the kernels of `isa`: a pass made of
/// [`Segment::Prologue`], [`Segment::Tasks`] over consecutive ranges covering every position,
/// and [`Segment::Headline`] gives exactly what [`simulate`] gives (the fast one).
pub(crate) fn segment(
    isa: Isa,
    plan: &Compiled,
    sc: &ScenarioParams,
    seg: Segment<'_>,
    first: u64,
    s: &mut Scratch,
) {
    match isa {
        // SAFETY: as in `simulate`.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(t) => unsafe { segment_avx512(t, plan, sc, seg, first, s) },
        // SAFETY: as in `simulate`.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(t) => unsafe { segment_avx2(t, plan, sc, seg, first, s) },
        _ => rerun::segment::<Portable>(
            Portable,
            plan,
            sc,
            seg,
            first,
            s,
            |p, sc, run, first, s, load| {
                if load {
                    plain_tasks::<false, LOAD, Portable>(Portable, p, sc, run, first, s)
                } else {
                    plain_tasks::<false, STORE, Portable>(Portable, p, sc, run, first, s)
                }
            },
        ),
    }
}

/// Whether each promise is kept in lane `l`.
#[inline(always)]
pub(crate) fn promise_kept(check: &PromiseCheck, s: &Scratch, l: usize) -> bool {
    match *check {
        PromiseCheck::FirstBy(t) => s.headline[l] <= t,
        PromiseCheck::DeliveriesAtLeast { at, from, at_least } => {
            let upto = s.delivered[at][l];
            let before = from.map_or(0.0, |f| s.delivered[f][l]);
            upto - before >= at_least
        }
        PromiseCheck::SpendAtMost { at, at_most } => s.spent[at][l] <= at_most,
    }
}
