//! The statistics recorder: a worker buffers the task finishes of sampled lane groups as
//! histogram bins in windows that shadow the shared statistics', and adds them in a stripe of
//! tasks at a time. Compiled once per instruction set, chosen by the run's [`Isa`].

// `record_body` converts clamped bins without saturation checks, `prefetch_next` calls a
// prefetch intrinsic, and the versions compiled for an instruction set need its token.
#![allow(unsafe_code)]

use std::sync::Mutex;

use crate::index::{Id, IdVec, Pos, TaskId};
use crate::outcomes::{
    DAY_FIXED_POINT, TASK_HISTOGRAM_BINS, TaskStripe, finish_key, histogram_words,
};
#[cfg(target_arch = "x86_64")]
use crate::simd::{Avx2, Avx512};
use crate::simd::{Isa, LANES, Lanes};

/// Tasks per stripe of the shared statistics, each stripe under its own lock.
pub(super) const STRIPE: usize = 64;

/// The per-task statistics of one scenario, in model task order, shared by every worker:
/// stripes of [`STRIPE`] tasks, each under its own lock.
pub(super) type SharedStats<'a> = Vec<Mutex<TaskStripe<'a>>>;

/// Most sampled lane groups a worker buffers before adding them to the shared statistics
/// (fewer for large models, see [`pending_capacity`]). A task's finishes spread over its
/// histogram's 64 cache lines: counting those of many groups at once reuses the lines (and
/// takes each lock once for all of them); one group at a time would miss the cache on most
/// finishes of a large model.
const PENDING_GROUPS: usize = 32;

/// Bytes of bins a worker's buffer aims at: its pages are written on every run, and a buffer
/// of all [`PENDING_GROUPS`] groups would take 200 MB per worker at 100,000 tasks.
const PENDING_BYTES: usize = 8 << 20;

/// Fewest groups a buffer holds, whatever the model's size: each flush reads and writes the
/// histogram lines its finishes fall in, so fewer would multiply that traffic (the
/// histograms of a large model lie in main memory).
const MIN_PENDING_GROUPS: usize = 8;

/// Lane groups a worker's buffer holds for a model of `tasks` tasks.
fn pending_capacity(tasks: usize) -> usize {
    (PENDING_BYTES / (tasks.max(1) * LANES * 2)).clamp(MIN_PENDING_GROUPS, PENDING_GROUPS)
}

/// A buffered lane that did not finish by the horizon, or lies past the run's end.
const NO_BIN: u16 = u16::MAX;

/// A worker's view of one task's histogram in one scenario: the extremes of the shared
/// statistics when it last added to them and of its finishes since, the window they set
/// (computed as the shared statistics compute theirs, so the shared level is never finer
/// when the buffered bins are added), and the count and fixed-point sum of those finishes.
#[derive(Clone, Copy)]
struct Shadow {
    /// Keys; `min > max` while there are none.
    min: u64,
    max: u64,
    level: u8,
    origin: u64,
    finished: u32,
    sum: u64,
}

const NO_SHADOW: Shadow = Shadow {
    min: u64::MAX,
    max: 0,
    level: 0,
    origin: 0,
    finished: 0,
    sum: 0,
};

/// Up to [`PENDING_GROUPS`] sampled lane groups, of any scenarios: each finish as its bin in
/// its task's [`Shadow`] window (`[position][group][lane]`, [`NO_BIN`] where none), which
/// lanes each task was critical in (bit `l` of `[group][position]`), the shadows
/// (`[scenario][position]`) and each group's scenario.
pub(super) struct Pending {
    bins: Vec<u16>,
    critical: Vec<u32>,
    shadows: Vec<Shadow>,
    pub(super) scenario: [usize; PENDING_GROUPS],
    pub(super) groups: usize,
    /// Groups the buffer holds before it is added in: [`PENDING_GROUPS`] at most.
    pub(super) capacity: usize,
    tasks: usize,
    /// Stripes found locked during a flush, kept for reuse.
    busy: Vec<usize>,
}

impl Pending {
    pub(super) fn new(tasks: usize, scenarios: usize) -> Pending {
        let capacity = pending_capacity(tasks);
        Pending {
            // Every group's bins are written before they are read: zeroed memory is mapped
            // as it is first written.
            bins: vec![0; tasks * capacity * LANES],
            critical: vec![0; tasks * capacity],
            shadows: vec![NO_SHADOW; tasks * scenarios],
            scenario: [0; PENDING_GROUPS],
            groups: 0,
            capacity,
            tasks,
            busy: Vec::new(),
        }
    }

    /// The lanes each task (by plan position) is critical in, of the next group: to be
    /// written whole before the group is recorded.
    pub(super) fn next_critical(&mut self) -> &mut [u32] {
        let n = self.tasks;
        &mut self.critical[self.groups * n..][..n]
    }
}

/// The shared statistics, the stripe a worker starts its additions at (workers start apart,
/// so they seldom wait for the same lock), and each task's plan position.
#[derive(Clone, Copy)]
pub(super) struct Stripes<'a, 's> {
    pub(super) shared: &'a [SharedStats<'s>],
    pub(super) first: usize,
    pub(super) position: &'a IdVec<TaskId, Pos>,
}

/// Adds the pending groups into the shared statistics of their scenarios, stripe by stripe
/// from the worker's first, and empties the buffer.
pub(super) fn flush(isa: Isa, pending: &mut Pending, at: Stripes<'_, '_>) {
    let mut groups = [0usize; PENDING_GROUPS];
    for (sc, shared) in at.shared.iter().enumerate() {
        let mut count = 0;
        for g in 0..pending.groups {
            if pending.scenario[g] == sc {
                groups[count] = g;
                count += 1;
            }
        }
        if count == 0 {
            continue;
        }
        let k = shared.len();
        // Stripes another worker holds are left for later rather than waited for.
        let mut busy = std::mem::take(&mut pending.busy);
        busy.clear();
        for i in 0..k {
            let at_stripe = (at.first + i) % k;
            match shared[at_stripe].try_lock() {
                Ok(mut stripe) => add(isa, &mut stripe, at.position, pending, sc, &groups[..count]),
                Err(std::sync::TryLockError::WouldBlock) => busy.push(at_stripe),
                // A poisoned lock means another worker panicked; that panic is reported.
                Err(std::sync::TryLockError::Poisoned(_)) => return,
            }
        }
        for &at_stripe in busy.iter() {
            let Ok(mut stripe) = shared[at_stripe].lock() else {
                return;
            };
            add(isa, &mut stripe, at.position, pending, sc, &groups[..count]);
        }
        pending.busy = busy;
    }
    // Bins and critical lanes are overwritten whole by the next groups.
    pending.groups = 0;
}

/// Count, sum, earliest and latest of a lane group's finishes by the horizon, as
/// [`group_totals`] gives them.
type Totals = (u32, f64, f32, f32);

#[inline(always)]
fn record_body(
    horizon: f32,
    finish_ok: &[Lanes],
    live: usize,
    pending: &mut Pending,
    sc: usize,
    totals: impl Fn(&Lanes, f32) -> Totals,
) {
    let (n, g, cap) = (pending.tasks, pending.groups, pending.capacity);
    for (pos, finish) in finish_ok.iter().enumerate().take(n) {
        let mut finish = *finish;
        if live < LANES {
            finish[live..].fill(f32::INFINITY);
        }
        let (count, sum, lo, hi) = totals(&finish, horizon);
        let at = (pos * cap + g) * LANES;
        let Some(out) = pending.bins.get_mut(at..at + LANES) else {
            return;
        };
        if count == 0 {
            out.fill(NO_BIN);
            continue;
        }
        let shadow = &mut pending.shadows[sc * n + pos];
        shadow.finished += count;
        shadow.sum += (sum * DAY_FIXED_POINT).round() as u64;
        let (lo, hi) = (finish_key(lo), finish_key(hi));
        if shadow.min > shadow.max || lo < shadow.min || hi > shadow.max {
            let task = &mut pending.bins[pos * cap * LANES..][..g * LANES];
            widen_shadow(shadow, lo, hi, task, &pending.scenario[..g], sc);
        }
        let shadow = pending.shadows[sc * n + pos];
        let out = &mut pending.bins[at..at + LANES];
        // Bin of a finish x: ⌊x · 2^16 / 2^level⌋ − origin, exact in `f32`: x · 2^(16 − level)
        // is a power-of-two multiple of an `f32`, its floor an `f32`, and so is the origin
        // (the floor of the earliest finish's); two such integers less than 1,024 apart
        // subtract exactly.
        // 2^(16 − level), built from its exponent bits (a level is at most 38 − 10).
        let scale = f32::from_bits((127 + 16 - u32::from(shadow.level)) << 23);
        let origin = shadow.origin as f32;
        for l in 0..LANES {
            let ok = finish[l] <= horizon;
            let x = if ok { finish[l].max(0.0) } else { 0.0 };
            let b = ((x * scale).floor() - origin).clamp(0.0, (TASK_HISTOGRAM_BINS - 1) as f32);
            // SAFETY: `b` is finite and within 0..=1023 (clamped just above, from finite
            // values), so the conversion is exact; `as` would add saturation checks that stop
            // vectorisation.
            let b = unsafe { b.to_int_unchecked::<u32>() } as u16;
            out[l] = if ok { b } else { NO_BIN };
        }
    }
}

/// Widens a shadow window to hold keys `lo ..= hi`, moving the task's buffered bins of
/// scenario `sc` (groups before the current one, `[group][lane]`) into the new window as
/// [`TaskStripe::widen`] does with a histogram.
#[cold]
fn widen_shadow(
    shadow: &mut Shadow,
    lo: u64,
    hi: u64,
    bins: &mut [u16],
    scenario: &[usize],
    sc: usize,
) {
    let empty = shadow.min > shadow.max;
    let (min, max) = if empty {
        (lo, hi)
    } else {
        (lo.min(shadow.min), hi.max(shadow.max))
    };
    let level = crate::outcomes::histogram_level(min, max);
    let origin = min >> level;
    if !empty && (level, origin) != (shadow.level, shadow.origin) {
        // ((old origin + b) >> shift) − origin, with the multiple of 2^shift taken out first:
        // the origin's keys are a multiple of the old origin's, and no larger.
        let shift = level - shadow.level;
        let base = shadow.origin - (origin << shift);
        for (group, lanes) in bins.chunks_exact_mut(LANES).enumerate() {
            if scenario.get(group) != Some(&sc) {
                continue;
            }
            for b in lanes.iter_mut() {
                let to = ((base + u64::from(*b)) >> shift) as u16;
                *b = if *b == NO_BIN { NO_BIN } else { to };
            }
        }
    }
    (shadow.min, shadow.max, shadow.level, shadow.origin) = (min, max, level, origin);
}

#[inline(always)]
fn add_body(
    stats: &mut TaskStripe,
    position: &IdVec<TaskId, Pos>,
    pending: &mut Pending,
    sc: usize,
    groups: &[usize],
) {
    let (n, cap) = (pending.tasks, pending.capacity);
    for i in 0..stats.tasks() {
        let pos = position[TaskId::from_index(stats.first + i)].index();
        if i + 1 < stats.tasks() {
            prefetch_next(stats, i + 1, pending, groups, position);
        }
        let mut critical = 0u64;
        for &g in groups {
            critical += u64::from(pending.critical[g * n + pos].count_ones());
        }
        stats.critical[i] += critical;
        let shadow = pending.shadows[sc * n + pos];
        if shadow.finished > 0 {
            stats.finished[i] += u64::from(shadow.finished);
            stats.finish_sum_fixed[i] += u128::from(shadow.sum);
            stats.widen(i, shadow.min, shadow.max);
            let (level, origin) = (stats.bin_level[i], stats.bin_origin[i]);
            let words = histogram_words(stats.packed);
            let bins = &mut stats.histogram[i * words..][..words];
            let task = &pending.bins[pos * cap * LANES..][..cap * LANES];
            let same = (level, origin) == (shadow.level, shadow.origin);
            // The shared window is as fine or coarser: each buffered bin lies in one bin.
            let shift = level - shadow.level;
            let to = |b: u16| (((shadow.origin + u64::from(b)) >> shift) - origin) as usize;
            // Lanes without a finish ([`NO_BIN`]) add 0 to the last counter: no branch.
            let one = |b: u16| u32::from(b != NO_BIN);
            let lanes = groups.iter().flat_map(|&g| &task[g * LANES..][..LANES]);
            if let Ok(bins) = <&mut [u32; TASK_HISTOGRAM_BINS]>::try_from(&mut *bins) {
                let last = TASK_HISTOGRAM_BINS - 1;
                if same {
                    count(bins, lanes, |b| usize::from(b) & last, one);
                } else {
                    count(bins, lanes, |b| to(b) & last, one);
                }
            } else if let Ok(bins) = <&mut [u32; TASK_HISTOGRAM_BINS / 2]>::try_from(bins) {
                let last = TASK_HISTOGRAM_BINS / 2 - 1;
                let half = |t: usize, b: u16| u32::from(b != NO_BIN) << (16 * (t & 1));
                if same {
                    count(
                        bins,
                        lanes,
                        |b| usize::from(b / 2) & last,
                        |b| half(usize::from(b), b),
                    );
                } else {
                    count(bins, lanes, |b| (to(b) / 2) & last, |b| half(to(b), b));
                }
            }
        }
        // The next buffered finishes are binned in the shared window as it is now.
        pending.shadows[sc * n + pos] = Shadow {
            min: stats.finish_min_fixed[i],
            max: stats.finish_max_fixed[i],
            level: stats.bin_level[i],
            origin: stats.bin_origin[i],
            finished: 0,
            sum: 0,
        };
    }
}

/// Adds `step(b)` to counter `at(b)` (within the array) of `bins` for each buffered bin `b`.
#[inline(always)]
fn count<'a, const N: usize>(
    bins: &mut [u32; N],
    lanes: impl Iterator<Item = &'a u16>,
    at: impl Fn(u16) -> usize,
    step: impl Fn(u16) -> u32,
) {
    for &b in lanes {
        if let Some(c) = bins.get_mut(at(b)) {
            *c += step(b);
        }
    }
}

/// Asks for the cache lines the next task will need while this one is counted: its buffered
/// bins and the bins in use of its histogram (its finishes spread over them, and they lie far
/// apart in a large model, each a cache miss otherwise).
#[inline(always)]
fn prefetch_next(
    stats: &TaskStripe,
    next: usize,
    pending: &Pending,
    groups: &[usize],
    position: &IdVec<TaskId, Pos>,
) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        const LINE: usize = 64;
        let pos = position[TaskId::from_index(stats.first + next)].index();
        let (min, max) = (stats.finish_min_fixed[next], stats.finish_max_fixed[next]);
        let used = if min > max {
            0
        } else {
            let level = stats.bin_level[next];
            (((max >> level) - (min >> level)) as usize + 1).min(TASK_HISTOGRAM_BINS)
        };
        let words = histogram_words(stats.packed);
        let used = if stats.packed { used.div_ceil(2) } else { used };
        let bins = &stats.histogram[next * words..][..used];
        let cap = pending.capacity;
        let buffered = &pending.bins[pos * cap * LANES..][..groups.len().min(cap) * LANES];
        // SAFETY: a prefetch only hints the cache: it never faults nor changes memory, and
        // every address is within a slice.
        unsafe {
            for line in (0..std::mem::size_of_val(buffered)).step_by(LINE) {
                _mm_prefetch(buffered.as_ptr().cast::<i8>().add(line), _MM_HINT_T0);
            }
            for line in (0..std::mem::size_of_val(bins)).step_by(LINE) {
                _mm_prefetch(bins.as_ptr().cast::<i8>().add(line), _MM_HINT_T0);
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (stats, next, pending, groups, position);
}

/// Finished lanes (finish by the horizon) of one group: their count, sum (eight fixed partial
/// sums, so the order is fixed), earliest and latest.
#[inline(always)]
fn group_totals(finish: &Lanes, horizon: f32) -> Totals {
    let mut count = 0u32;
    let (mut partial, mut lo8, mut hi8) = ([0f64; 8], [f32::INFINITY; 8], [0f32; 8]);
    for chunk in finish.chunks_exact(8) {
        for j in 0..8 {
            let x = chunk[j];
            let ok = x <= horizon;
            count += u32::from(ok);
            let value = if ok { x } else { 0.0 };
            let low = if ok { x } else { f32::INFINITY };
            partial[j] += f64::from(value);
            lo8[j] = if low < lo8[j] { low } else { lo8[j] };
            hi8[j] = if value > hi8[j] { value } else { hi8[j] };
        }
    }
    let lo = lo8
        .iter()
        .fold(f32::INFINITY, |a, &b| if b < a { b } else { a });
    let hi = hi8.iter().fold(0f32, |a, &b| if b > a { b } else { a });
    (count, partial.iter().sum(), lo, hi)
}

/// [`group_totals`] in AVX-512: the same sums in the same order (eight partial sums, each
/// over the lanes `j`, `j + 8`, `j + 16`, `j + 24` in turn, from 0), and the same extremes
/// (a minimum or maximum does not depend on the order, and a zero of either sign has key 0).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn group_totals_avx512(_: Avx512, finish: &Lanes, horizon: f32) -> Totals {
    use std::arch::x86_64::*;
    // SAFETY: the token proves AVX-512F and AVX-512DQ; the loads read the 32 lanes of
    // `finish` and the stores write the 8 of `partial`.
    unsafe {
        let h = _mm512_set1_ps(horizon);
        let a = _mm512_loadu_ps(finish.as_ptr());
        let b = _mm512_loadu_ps(finish.as_ptr().add(16));
        let ok_a = _mm512_cmp_ps_mask::<_CMP_LE_OQ>(a, h);
        let ok_b = _mm512_cmp_ps_mask::<_CMP_LE_OQ>(b, h);
        let count = ok_a.count_ones() + ok_b.count_ones();
        let (va, vb) = (_mm512_maskz_mov_ps(ok_a, a), _mm512_maskz_mov_ps(ok_b, b));
        let mut sum = _mm512_setzero_pd();
        sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm512_castps512_ps256(va)));
        sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm512_extractf32x8_ps::<1>(va)));
        sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm512_castps512_ps256(vb)));
        sum = _mm512_add_pd(sum, _mm512_cvtps_pd(_mm512_extractf32x8_ps::<1>(vb)));
        let mut partial = [0f64; 8];
        _mm512_storeu_pd(partial.as_mut_ptr(), sum);
        let inf = _mm512_set1_ps(f32::INFINITY);
        let low = _mm512_min_ps(
            _mm512_mask_mov_ps(inf, ok_a, a),
            _mm512_mask_mov_ps(inf, ok_b, b),
        );
        let high = _mm512_max_ps(va, vb);
        (
            count,
            partial.iter().sum(),
            _mm512_reduce_min_ps(low),
            _mm512_reduce_max_ps(high).max(0.0),
        )
    }
}

macro_rules! recorder_for {
    ($token:ty, $record:ident, $add:ident, $features:literal, $totals:expr) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $record(
            isa: $token,
            horizon: f32,
            finish_ok: &[Lanes],
            live: usize,
            pending: &mut Pending,
            sc: usize,
        ) {
            // The closure inherits this function's features.
            let totals = $totals;
            record_body(horizon, finish_ok, live, pending, sc, |f, h| {
                totals(isa, f, h)
            });
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        fn $add(
            _: $token,
            stats: &mut TaskStripe,
            position: &IdVec<TaskId, Pos>,
            pending: &mut Pending,
            sc: usize,
            groups: &[usize],
        ) {
            add_body(stats, position, pending, sc, groups);
        }
    };
}
recorder_for!(
    Avx512,
    record_avx512,
    add_avx512,
    "avx512f,avx512dq,avx2,fma",
    group_totals_avx512
);
recorder_for!(
    Avx2,
    record_avx2,
    add_avx2,
    "avx2,fma",
    |_: Avx2, f: &Lanes, h| { group_totals(f, h) }
);

/// Buffers one sampled lane group of scenario `sc` (the finishes of every task by plan
/// position, `live` lanes of them real) as the next pending group, with the code of `isa`.
pub(super) fn record(
    isa: Isa,
    horizon: f32,
    finish_ok: &[Lanes],
    live: usize,
    pending: &mut Pending,
    sc: usize,
) {
    match isa {
        // SAFETY: the token proves the features `record_avx512` is compiled for.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(t) => unsafe { record_avx512(t, horizon, finish_ok, live, pending, sc) },
        // SAFETY: the token proves AVX2 and FMA.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(t) => unsafe { record_avx2(t, horizon, finish_ok, live, pending, sc) },
        _ => record_body(horizon, finish_ok, live, pending, sc, group_totals),
    }
}

/// Adds pending groups `groups` of scenario `sc` of the tasks of one stripe (at their
/// `position`s in the buffer) into it, with the code of `isa`.
fn add(
    isa: Isa,
    stats: &mut TaskStripe,
    position: &IdVec<TaskId, Pos>,
    pending: &mut Pending,
    sc: usize,
    groups: &[usize],
) {
    match isa {
        // SAFETY: the token proves the features `add_avx512` is compiled for.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512(t) => unsafe { add_avx512(t, stats, position, pending, sc, groups) },
        // SAFETY: the token proves AVX2 and FMA.
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2(t) => unsafe { add_avx2(t, stats, position, pending, sc, groups) },
        _ => add_body(stats, position, pending, sc, groups),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AVX-512 totals of a lane group are those of the portable code, bit for bit: lanes
    /// past the horizon, never finished (+∞), at zero of either sign, and spread over years.
    #[test]
    #[cfg(target_arch = "x86_64")]
    fn avx512_totals_are_the_portable_ones() {
        let Some(token) = Avx512::detect() else {
            return;
        };
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for case in 0..20_000 {
            let mut lanes = [0f32; LANES];
            for v in lanes.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let u = (x >> 40) as f32 / 16_777_216.0;
                *v = match x % 9 {
                    0 => f32::INFINITY,
                    1 => 0.0,
                    2 => -0.0,
                    3 => 1_000.0 + u,
                    _ => u * 3_000.0,
                };
            }
            let horizon = if case % 3 == 0 { 2_000.0 } else { 5_000.0 };
            let (c, s, lo, hi) = group_totals(&lanes, horizon);
            let (c2, s2, lo2, hi2) = group_totals_avx512(token, &lanes, horizon);
            assert_eq!((c, s.to_bits()), (c2, s2.to_bits()), "case {case}");
            if c > 0 {
                assert_eq!(
                    (finish_key(lo), finish_key(hi)),
                    (finish_key(lo2), finish_key(hi2)),
                    "case {case}"
                );
            }
        }
    }
}
