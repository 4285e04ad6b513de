//! Lanes and instruction sets: the width every kernel works in, and proof of what this
//! processor runs. An instruction set beyond the baseline is a zero-sized token made only by
//! run-time detection, so safe code holding no token cannot run an instruction the processor
//! lacks, and code holding one needs no further check: the modules with intrinsics take the
//! token in their safe entry points.
//!
//! A leaf: it depends on no other module of the engine.

/// Iterations simulated side by side.
pub(crate) const LANES: usize = 32;

/// One value per lane.
pub(crate) type Lanes = [f32; LANES];

/// Proof that this processor runs AVX2 and FMA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Avx2(());

/// Proof that this processor runs AVX-512F and AVX-512DQ, with AVX2 and FMA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Avx512(());

/// The baseline instruction set, which every processor the engine is compiled for runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Portable;

impl Avx2 {
    /// The token, if this processor runs AVX2 and FMA.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    pub(crate) fn detect() -> Option<Avx2> {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            return Some(Avx2(()));
        }
        None
    }
}

impl Avx512 {
    /// The token, if this processor runs AVX-512F, AVX-512DQ, AVX2 and FMA.
    pub(crate) fn detect() -> Option<Avx512> {
        #[cfg(target_arch = "x86_64")]
        if Avx2::detect().is_some()
            && std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
        {
            return Some(Avx512(()));
        }
        None
    }
}

/// An instruction set the kernels are compiled for, as a type: code generic over it is
/// compiled once per set, and reaches the AVX-512 paths only through an [`Avx512`] token.
pub(crate) trait Simd: Copy {
    /// The AVX-512 token, where this set includes AVX-512 (known at compile time).
    fn avx512(self) -> Option<Avx512>;
}

impl Simd for Portable {
    #[inline(always)]
    fn avx512(self) -> Option<Avx512> {
        None
    }
}

impl Simd for Avx2 {
    #[inline(always)]
    fn avx512(self) -> Option<Avx512> {
        None
    }
}

impl Simd for Avx512 {
    #[inline(always)]
    fn avx512(self) -> Option<Avx512> {
        Some(self)
    }
}

/// The widest instruction set this processor has among those the engine is compiled for,
/// detected once and shared by the kernels and the statistics recorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    /// AVX-512F and AVX-512DQ (the wide code paths), with AVX2 and FMA.
    Avx512(Avx512),
    /// AVX2 and FMA (the samplers' explicit fused multiply-adds need FMA in every wide
    /// kernel).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Avx2(Avx2),
    /// The baseline.
    Portable(Portable),
}

impl Isa {
    /// The widest instruction set this processor runs.
    pub(crate) fn detect() -> Isa {
        if let Some(t) = Avx512::detect() {
            return Isa::Avx512(t);
        }
        if let Some(t) = Avx2::detect() {
            return Isa::Avx2(t);
        }
        Isa::Portable(Portable)
    }
}
