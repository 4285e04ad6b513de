//! Counter-based random numbers: a draw is `mix(key + iteration · γ)`, the SplitMix64
//! generator evaluated at an arbitrary position. Each (item, slot) gets its own key, so a draw
//! never depends on which other items exist, which scenario runs, how iterations are split
//! into blocks, or how many threads there are.

// `fill_uniform_wide` calls AVX-512 intrinsics; the portable fill reads its hashes as words.
#![allow(unsafe_code)]

#[cfg(target_arch = "x86_64")]
use crate::simd::Avx512;
use crate::simd::{LANES, Simd};

/// SplitMix64's increment (2^64 / golden ratio).
pub(crate) const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline(always)]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Key of one random stream: an item's id (so adding a task to a model does not change any
/// other task's draws) and a slot within the item. The run's seed enters through
/// [`seeded`].
pub(crate) fn stream_key(kind: &str, id: &str, slot: u64) -> u64 {
    // FNV-1a over the kind and id, then mixed with seed and slot.
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in kind.bytes().chain([0u8]).chain(id.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    mix64(mix64(h) ^ slot.wrapping_mul(GAMMA))
}

/// What every stream key is combined with for a run with `seed`.
pub(crate) fn seeded(seed: u64) -> u64 {
    mix64(seed ^ 0x6C61_756E_6368_6361)
}

/// Uniform draws in the open interval (0, 1) for the 32 consecutive iterations from `first`
/// (even): 24 random bits each, centred, so neither 0 nor 1 ever occurs. One 64-bit hash
/// gives two draws: iteration `first + 2p` takes bits 8..32 of `mix(key + (first/2 + p)·γ)`
/// and iteration `first + 2p + 1` bits 40..64. Read as 32-bit words, the hashes already lie
/// in lane order, so the conversion is one shift and one integer-to-float per draw, with no
/// shuffles.
#[inline(always)]
pub(crate) fn fill_uniform(out: &mut [f32; 32], key: u64, first: u64) {
    debug_assert!(first.is_multiple_of(2));
    let base = key.wrapping_add((first / 2).wrapping_mul(GAMMA));
    let mut z = [0u64; 16];
    for (p, z) in z.iter_mut().enumerate() {
        let h = mix64(base.wrapping_add((p as u64).wrapping_mul(GAMMA)));
        // The low half must be the first word in memory on every platform.
        *z = if cfg!(target_endian = "big") {
            h.rotate_left(32)
        } else {
            h
        };
    }
    // SAFETY: [u64; 16] and [u32; 32] have the same size, and every bit pattern is valid.
    let words: [u32; 32] = unsafe { std::mem::transmute(z) };
    for l in 0..32 {
        out[l] = ((words[l] >> 8) as f32 + 0.5) * (1.0 / 16_777_216.0);
    }
}

/// [`fill_uniform`] by the code of instruction set `isa` (the same values).
#[inline(always)]
pub(crate) fn fill_uniform_in<S: Simd>(isa: S, out: &mut [f32; LANES], key: u64, first: u64) {
    #[cfg(target_arch = "x86_64")]
    if let Some(wide) = isa.avx512() {
        fill_uniform_avx512(wide, out, key, first);
        return;
    }
    let _ = isa;
    fill_uniform(out, key, first);
}

/// [`fill_uniform_wide`] on a processor proven to have AVX-512.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn fill_uniform_avx512(_: Avx512, out: &mut [f32; LANES], key: u64, first: u64) {
    // SAFETY: the token proves AVX-512F and AVX-512DQ.
    unsafe { fill_uniform_wide(out, key, first) };
}

/// [`fill_uniform`] with AVX-512 intrinsics: the same hashes, and the 16 words of each
/// register of eight hashes converted in place, which the compiler does not find on its own.
///
/// # Safety
/// The processor must have AVX-512F and AVX-512DQ.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
#[inline]
unsafe fn fill_uniform_wide(out: &mut [f32; 32], key: u64, first: u64) {
    use std::arch::x86_64::*;
    let base = key.wrapping_add((first / 2).wrapping_mul(GAMMA));
    let c = |x: u64| _mm512_set1_epi64(x as i64);
    for h in 0..2u64 {
        let steps: [u64; 8] =
            std::array::from_fn(|p| base.wrapping_add((8 * h + p as u64).wrapping_mul(GAMMA)));
        // SAFETY: reads the 8 words of `steps`.
        let mut z = unsafe { _mm512_loadu_si512(steps.as_ptr().cast()) };
        z = _mm512_xor_si512(z, _mm512_srli_epi64::<30>(z));
        z = _mm512_mullo_epi64(z, c(0xBF58_476D_1CE4_E5B9));
        z = _mm512_xor_si512(z, _mm512_srli_epi64::<27>(z));
        z = _mm512_mullo_epi64(z, c(0x94D0_49BB_1331_11EB));
        z = _mm512_xor_si512(z, _mm512_srli_epi64::<31>(z));
        // bits·2^-24 + 2^-25 rounds once, exactly like (bits + ½)·2^-24: scaling by a power
        // of two commutes with rounding.
        let bits = _mm512_cvtepi32_ps(_mm512_srli_epi32::<8>(z));
        let u = _mm512_fmadd_ps(
            bits,
            _mm512_set1_ps(1.0 / 16_777_216.0),
            _mm512_set1_ps(1.0 / 33_554_432.0),
        );
        // SAFETY: writes 16 of the 32 lanes of `out`, at 16·h.
        unsafe { _mm512_storeu_ps(out.as_mut_ptr().add(16 * h as usize), u) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniforms_have_the_moments_of_u01() {
        // Mean 1/2 (sd of mean = 1/sqrt(12 n)), variance 1/12, lag-1 correlation 0.
        let n = 1 << 16;
        let key = stream_key("task", "a", 0) ^ seeded(7);
        let mut v = Vec::with_capacity(n);
        let mut buf = [0f32; 32];
        for i in (0..n as u64).step_by(32) {
            fill_uniform(&mut buf, key, i);
            v.extend(buf.iter().map(|&x| f64::from(x)));
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        let se = (1.0 / 12.0 / n as f64).sqrt();
        assert!((mean - 0.5).abs() < 4.0 * se, "mean {mean}");
        assert!((var - 1.0 / 12.0).abs() < 0.002, "var {var}");
        let corr = v
            .windows(2)
            .map(|w| (w[0] - 0.5) * (w[1] - 0.5))
            .sum::<f64>()
            / n as f64
            * 12.0;
        assert!(
            corr.abs() < 4.0 / (n as f64).sqrt(),
            "lag-1 correlation {corr}"
        );
        assert!(v.iter().all(|&x| x > 0.0 && x < 1.0));
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    #[cfg_attr(not(avx512), ignore = "needs a processor with AVX-512")]
    fn wide_uniforms_equal_the_portable_ones() {
        let avx512 = crate::simd::Avx512::detect().expect("this processor has AVX-512");
        for (key, first) in [
            (0u64, 0u64),
            (u64::MAX, 1 << 40),
            (0x1234_5678_9ABC, 4096 + 32),
        ] {
            let (mut a, mut b) = ([0f32; 32], [0f32; 32]);
            fill_uniform(&mut a, key, first);
            fill_uniform_avx512(avx512, &mut b, key, first);
            assert_eq!(a.map(f32::to_bits), b.map(f32::to_bits));
        }
    }

    #[test]
    fn streams_differ_and_are_independent_of_position() {
        let a = stream_key("task", "a", 0) ^ seeded(1);
        let b = stream_key("task", "b", 0) ^ seeded(1);
        assert_ne!(a, b);
        assert_ne!(a, stream_key("task", "a", 0) ^ seeded(2));
        let mut x = [0f32; 32];
        let mut y = [0f32; 32];
        fill_uniform(&mut x, a, 100);
        fill_uniform(&mut y, a, 104);
        assert_eq!(&x[4..], &y[..28]);
    }
}
