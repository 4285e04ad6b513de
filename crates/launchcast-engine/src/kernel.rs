//! The simulation kernel: one forward pass over the plan for a lane of `LANES` consecutive
//! iterations of one scenario. Each task's values for all lanes sit side by side (struct of
//! arrays), so the inner loops over lanes have no data-dependent branches and vectorize.
//! "Never" is +∞: it propagates through max/min and sums without special cases.

use launchcast_model::{DAYS_PER_YEAR, LinkKind};

use crate::plan::{
    Compiled, Links, NEEDS_FAIL_AT, NEEDS_START, NEEDS_START_OK, NONE, PlantParams, PromiseCheck,
    RiskKind, ScenarioParams,
};
use crate::rng::{fill_uniform, fill_uniform_in};

pub(crate) const LANES: usize = 32;
pub(crate) type Lanes = [f32; LANES];

const INF: f32 = f32::INFINITY;

/// Per-lane-group working state, allocated once per worker and reused. Each entry holds one
/// task's (risk's, checkpoint's) values for all lanes, so a task costs one bounds check and
/// its lane loops compile to whole-vector operations.
pub(crate) struct Scratch {
    /// Start of each task; +∞ if it never starts.
    pub start: Vec<Lanes>,
    /// Start / finish if the task succeeded, else +∞ (what successors see).
    pub start_ok: Vec<Lanes>,
    pub finish_ok: Vec<Lanes>,
    /// Finish of a task that failed, else +∞ (what fallbacks see).
    pub fail_at: Vec<Lanes>,
    /// Predecessor position that set the start, or [`NONE`].
    pub driver: Vec<[u32; LANES]>,
    risk_occurs: Vec<Lanes>,
    risk_value: Vec<Lanes>,
    /// Cumulative cars delivered and money spent at each checkpoint.
    pub delivered: Vec<Lanes>,
    pub spent: Vec<Lanes>,
    /// Correlated uniforms of this lane group, one per correlated draw.
    correlated: Vec<Lanes>,
    /// Normal scores of the largest correlation group.
    scores: Vec<[f64; LANES]>,
    /// Full kernel only: each task's duration (risks included), and cumulative cars and money
    /// at each month end.
    pub duration: Vec<Lanes>,
    pub delivered_monthly: Vec<Lanes>,
    pub spent_monthly: Vec<Lanes>,
    /// Days to the headline event, and the task position whose chain set it.
    pub headline: Lanes,
    pub headline_driver: [u32; LANES],
    /// Combined into every stream key: the run's seed.
    pub seed: u64,
}

impl Scratch {
    pub(crate) fn new(plan: &Compiled, seed: u64) -> Scratch {
        let n = plan.order.len();
        let c = plan.checkpoints.len();
        let r = plan.risk_kind.len();
        Scratch {
            start: vec![[0.0; LANES]; n],
            start_ok: vec![[0.0; LANES]; n],
            finish_ok: vec![[0.0; LANES]; n],
            fail_at: vec![[0.0; LANES]; n],
            driver: vec![[NONE; LANES]; n],
            risk_occurs: vec![[0.0; LANES]; r],
            risk_value: vec![[0.0; LANES]; r],
            delivered: vec![[0.0; LANES]; c],
            spent: vec![[0.0; LANES]; c],
            duration: vec![[0.0; LANES]; n],
            correlated: vec![[0.5; LANES]; plan.correlated_slots],
            scores: vec![
                [0.0; LANES];
                plan.correlation_groups
                    .iter()
                    .map(|g| g.keys.len())
                    .max()
                    .unwrap_or(0)
            ],
            delivered_monthly: vec![[0.0; LANES]; plan.month_ends.len()],
            spent_monthly: vec![[0.0; LANES]; plan.month_ends.len()],
            headline: [INF; LANES],
            headline_driver: [NONE; LANES],
            seed: crate::rng::seeded(seed),
        }
    }
}

/// The constraint a link puts on the successor's start, per lane.
#[inline(always)]
fn link_bound(kind: LinkKind, lag: f32, p: usize, s: &Scratch, dur: &Lanes, out: &mut Lanes) {
    match kind {
        LinkKind::FinishToStart => {
            let f = &s.finish_ok[p];
            for l in 0..LANES {
                out[l] = f[l] + lag;
            }
        }
        LinkKind::StartToStart => {
            let st = &s.start_ok[p];
            for l in 0..LANES {
                out[l] = st[l] + lag;
            }
        }
        LinkKind::FinishToFinish => {
            let f = &s.finish_ok[p];
            for l in 0..LANES {
                out[l] = f[l] + lag - dur[l];
            }
        }
        LinkKind::StartToFinish => {
            let st = &s.start_ok[p];
            for l in 0..LANES {
                out[l] = st[l] + lag - dur[l];
            }
        }
    }
}

/// The kernel compiled for one instruction set.
pub(crate) type Kernel = fn(&Compiled, &ScenarioParams, u64, &mut Scratch);

/// The two kernels of a run: `fast` keeps only what successors read; `full` also records
/// every start, failure and driving link (for criticality, statistics and schedules).
#[derive(Clone, Copy)]
pub(crate) struct Kernels {
    pub fast: Kernel,
    pub full: Kernel,
}

macro_rules! kernels_for {
    ($name:ident, $plain:ident, $features:literal, $wide:literal) => {
        /// Compiled on its own, so its few live values get the registers to themselves.
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        #[inline(never)]
        fn $plain<const FULL: bool>(
            plan: &Compiled,
            sc: &ScenarioParams,
            run: std::ops::Range<usize>,
            first: u64,
            s: &mut Scratch,
        ) {
            plain_tasks::<FULL, $wide>(plan, sc, run, first, s);
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = $features)]
        unsafe fn $name<const FULL: bool>(
            plan: &Compiled,
            sc: &ScenarioParams,
            first: u64,
            s: &mut Scratch,
        ) {
            // The closure inherits this function's features, which make the call safe.
            simulate_body::<FULL, $wide>(plan, sc, first, s, |p, sc, run, first, s| {
                $plain::<FULL>(p, sc, run, first, s)
            });
        }
    };
}
kernels_for!(
    simulate_avx512,
    plain_avx512,
    "avx512f,avx512dq,avx2,fma",
    true
);
kernels_for!(simulate_avx2, plain_avx2, "avx2,fma", false);

/// The widest instruction set this processor has among those the engine is compiled for
/// (the kernels, the statistics recorder), detected in one place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Isa {
    /// AVX-512F and AVX-512DQ (the `WIDE` code paths), with AVX2 and FMA.
    Avx512,
    /// AVX2 and FMA.
    Avx2,
    Portable,
}

impl Isa {
    pub(crate) fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            // The samplers' explicit fused multiply-adds need FMA in every wide kernel.
            let avx2 = std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma");
            if avx2
                && std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
            {
                return Isa::Avx512;
            }
            if avx2 {
                return Isa::Avx2;
            }
        }
        Isa::Portable
    }
}

/// The widest kernels this processor runs, chosen once per run. Every version performs the
/// same IEEE operations in the same order (fused multiply-adds only where the source asks for
/// `mul_add`, never contracted by the compiler), so results are identical whichever is chosen.
pub(crate) fn select_kernels() -> Kernels {
    match Isa::detect() {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => Kernels {
            // SAFETY: `Isa::detect` found AVX-512F and AVX-512DQ.
            fast: |p, sc, first, s| unsafe { simulate_avx512::<false>(p, sc, first, s) },
            // SAFETY: as above.
            full: |p, sc, first, s| unsafe { simulate_avx512::<true>(p, sc, first, s) },
        },
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => Kernels {
            // SAFETY: `Isa::detect` found AVX2.
            fast: |p, sc, first, s| unsafe { simulate_avx2::<false>(p, sc, first, s) },
            // SAFETY: as above.
            full: |p, sc, first, s| unsafe { simulate_avx2::<true>(p, sc, first, s) },
        },
        _ => Kernels {
            fast: |p, sc, first, s| {
                simulate_body::<false, false>(p, sc, first, s, plain_tasks::<false, false>)
            },
            full: |p, sc, first, s| {
                simulate_body::<true, false>(p, sc, first, s, plain_tasks::<true, false>)
            },
        },
    }
}

/// Runs one scenario for iterations `first .. first + LANES`, recording everything
/// (portable version).
pub(crate) fn simulate_lanes(plan: &Compiled, sc: &ScenarioParams, first: u64, s: &mut Scratch) {
    simulate_body::<true, false>(plan, sc, first, s, plain_tasks::<true, false>);
}

#[inline(always)]
fn simulate_body<const FULL: bool, const WIDE: bool>(
    plan: &Compiled,
    sc: &ScenarioParams,
    first: u64,
    s: &mut Scratch,
    plain: impl Fn(&Compiled, &ScenarioParams, std::ops::Range<usize>, u64, &mut Scratch),
) {
    let tables = &plan.tables;
    let mut u = [0f32; LANES];
    let mut v = [0f32; LANES];

    // Risks: one occurrence and one impact per risk and iteration, shared by its tasks.
    for (r, kind) in plan.risk_kind.iter().enumerate() {
        fill_uniform_in::<WIDE>(&mut u, plan.risk_keys[r][0] ^ s.seed, first);
        let chance = sc.risk_chance[r];
        let occurs = &mut s.risk_occurs[r];
        for l in 0..LANES {
            occurs[l] = if u[l] < chance { 1.0 } else { 0.0 };
        }
        if *kind != RiskKind::Fail {
            fill_uniform_in::<WIDE>(&mut u, plan.risk_keys[r][1] ^ s.seed, first);
            sc.risk_impact[r].sample::<WIDE>(&u, tables, &mut s.risk_value[r]);
        }
    }

    correlate(plan, first, s);

    let mut lag = [0f32; LANES];
    // A constant ignores its draws: they are not made.
    if !sc.delivery_lag.is_const() {
        fill_uniform_in::<WIDE>(&mut u, plan.program_keys[0] ^ s.seed, first);
    }
    sc.delivery_lag.sample::<WIDE>(&u, tables, &mut lag);
    let mut overhead = [0f32; LANES];
    if !sc.overhead_per_year.is_const() {
        fill_uniform_in::<WIDE>(&mut u, plan.program_keys[1] ^ s.seed, first);
    }
    sc.overhead_per_year
        .sample::<WIDE>(&u, tables, &mut overhead);
    start_counts(&plan.checkpoints, &overhead, &mut s.spent, &mut s.delivered);
    if FULL {
        start_counts(
            &plan.month_ends,
            &overhead,
            &mut s.spent_monthly,
            &mut s.delivered_monthly,
        );
    }

    let mut dur = [0f32; LANES];
    let mut bound = [0f32; LANES];
    let mut pos = 0;
    while pos < plan.order.len() {
        let end = sc.plain_end[pos] as usize;
        if end > pos {
            plain(plan, sc, pos..end, first, s);
            pos = end;
            continue;
        }
        let keys = &plan.task_keys[pos];
        let slot = plan.duration_slot[pos];
        if slot == NONE {
            fill_uniform_in::<WIDE>(&mut u, keys[0] ^ s.seed, first);
        } else {
            u = s.correlated[slot as usize];
        }
        sc.duration[pos].sample::<WIDE>(&u, tables, &mut dur);

        // 0/1 per lane as integers (bool arrays and `&&` keep the loops scalar).
        let mut fails = [0u32; LANES];
        let risks = plan.task_risk_offsets[pos] as usize..plan.task_risk_offsets[pos + 1] as usize;
        for &r in &plan.task_risks[risks] {
            let (occ, val) = (&s.risk_occurs[r as usize], &s.risk_value[r as usize]);
            match plan.risk_kind[r as usize] {
                RiskKind::Delay => {
                    for l in 0..LANES {
                        dur[l] += occ[l] * val[l];
                    }
                }
                RiskKind::Scale => {
                    for l in 0..LANES {
                        dur[l] *= if occ[l] > 0.0 { val[l] } else { 1.0 };
                    }
                }
                RiskKind::Fail => {
                    for l in 0..LANES {
                        fails[l] |= u32::from(occ[l] > 0.0);
                    }
                }
            }
        }

        let mut start = [sc.earliest[pos]; LANES];
        let mut driver = [NONE; LANES];
        // The full kernel indexes tasks by position, the fast one by its compact slots.
        let me = if FULL {
            pos
        } else {
            plan.fast_slot[pos] as usize
        };
        for k in plan.after.range(pos) {
            let p = plan.after.pred[k];
            let at = if FULL { p } else { plan.after.slot[k] };
            link_bound(
                plan.after.kind[k],
                plan.after.lag[k],
                at as usize,
                s,
                &dur,
                &mut bound,
            );
            for l in 0..LANES {
                let later = bound[l] > start[l];
                start[l] = if later { bound[l] } else { start[l] };
                driver[l] = if later { p } else { driver[l] };
            }
        }
        let any = plan.after_any.range(pos);
        if !any.is_empty() {
            let mut first_alt = [INF; LANES];
            let mut first_driver = [NONE; LANES];
            for k in any {
                let p = plan.after_any.pred[k];
                let at = if FULL { p } else { plan.after_any.slot[k] };
                link_bound(
                    plan.after_any.kind[k],
                    plan.after_any.lag[k],
                    at as usize,
                    s,
                    &dur,
                    &mut bound,
                );
                for l in 0..LANES {
                    let earlier = bound[l] < first_alt[l];
                    first_alt[l] = if earlier { bound[l] } else { first_alt[l] };
                    first_driver[l] = if earlier { p } else { first_driver[l] };
                }
            }
            constrain(&mut start, &mut driver, &first_alt, &first_driver);
        }
        fallback_bound::<FULL>(&plan.after_failure, pos, s, &mut start, &mut driver);

        if sc.chance[pos] < 1.0 {
            fill_uniform_in::<WIDE>(&mut u, keys[1] ^ s.seed, first);
            let chance = sc.chance[pos];
            for l in 0..LANES {
                fails[l] |= u32::from(u[l] >= chance);
            }
        }
        // Store only what is read later: successors' links, fallbacks, sinks, or (FULL) the
        // statistics and schedules. The flags are per task, so these branches are predictable.
        let needs = plan.needs[pos];
        let mut ok = [0u32; LANES];
        let mut finish = [0f32; LANES];
        // On a working-time calendar: start at the first working moment, finish when `dur` of
        // work is done (tables, no search). Per task, so predictable; without a calendar the
        // same operations as ever: `start + dur`.
        let cal = plan.task_calendar[pos];
        let mut end = [0f32; LANES];
        if cal != NONE {
            calendar_task::<FULL, WIDE>(plan, pos, cal, s, &dur, &mut start, &mut driver, &mut end);
        }
        for l in 0..LANES {
            start[l] = start[l].max(0.0);
            ok[l] = u32::from(start[l] < INF) & (fails[l] ^ 1);
            end[l] = if cal == NONE {
                start[l] + dur[l]
            } else {
                end[l]
            };
            finish[l] = if ok[l] != 0 { end[l] } else { INF };
        }
        s.finish_ok[me] = finish;
        if FULL || needs & NEEDS_START_OK != 0 {
            let out = &mut s.start_ok[me];
            for l in 0..LANES {
                out[l] = if ok[l] != 0 { start[l] } else { INF };
            }
        }
        if FULL || needs & NEEDS_FAIL_AT != 0 {
            let out = &mut s.fail_at[me];
            for l in 0..LANES {
                let failed = (start[l] < INF) & (ok[l] == 0);
                out[l] = if failed { end[l] } else { INF };
            }
        }
        if FULL || needs & NEEDS_START != 0 {
            s.start[me] = start;
        }
        if FULL {
            record_driver_and_duration(s, pos, &driver, &start, &dur);
        }

        if !sc.cost[pos].is_zero() {
            fill_uniform_in::<WIDE>(&mut u, keys[2] ^ s.seed, first);
            sc.cost[pos].sample::<WIDE>(&u, tables, &mut v);
            // Spread over the real span on a calendar (weekends included).
            let mut span = dur;
            if cal != NONE {
                crate::calendar::span(&start, &end, &mut span);
            }
            spread_cost(&plan.checkpoints, &start, &span, &v, &mut s.spent);
            if FULL {
                spread_cost(&plan.month_ends, &start, &span, &v, &mut s.spent_monthly);
            }
        }
        pos += 1;
    }

    s.headline = [INF; LANES];
    s.headline_driver = [NONE; LANES];
    if plan.has_plants {
        for plant in &sc.plants {
            produce::<FULL, WIDE>(plan, plant, &lag, first, s);
        }
    } else {
        program_finish::<FULL>(sc, s);
    }
    for l in 0..LANES {
        if s.headline[l] > plan.horizon {
            s.headline[l] = INF;
        }
    }
}

/// The loop over a run of plain tasks (see [`ScenarioParams::plain_end`]): what the general
/// loop computes for them, with nothing it does not need, so the values of a task stay in
/// registers. Same operations in the same order, so the same results. `FULL` also records
/// what the full kernel records (start, driving predecessor, duration), by position.
#[inline(always)]
fn plain_tasks<const FULL: bool, const WIDE: bool>(
    plan: &Compiled,
    sc: &ScenarioParams,
    run: std::ops::Range<usize>,
    first: u64,
    s: &mut Scratch,
) {
    let tables = &plan.tables;
    let (mut u, mut dur) = ([0f32; LANES], [0f32; LANES]);
    for pos in run {
        fill_uniform_in::<WIDE>(&mut u, plan.task_keys[pos][0] ^ s.seed, first);
        sc.duration[pos].sample::<WIDE>(&u, tables, &mut dur);
        let mut start = [sc.earliest[pos]; LANES];
        let mut driver = [NONE; LANES];
        for k in plan.after.range(pos) {
            let at = if FULL {
                plan.after.pred[k]
            } else {
                plan.after.slot[k]
            };
            let (f, lag) = (&s.finish_ok[at as usize], plan.after.lag[k]);
            if FULL {
                let p = plan.after.pred[k];
                for l in 0..LANES {
                    let later = f[l] + lag > start[l];
                    driver[l] = if later { p } else { driver[l] };
                }
            }
            for l in 0..LANES {
                let bound = f[l] + lag;
                start[l] = if bound > start[l] { bound } else { start[l] };
            }
        }
        // A task that never starts has start +∞ and so finish +∞, as in the general loop.
        let mut finish = [0f32; LANES];
        for l in 0..LANES {
            start[l] = start[l].max(0.0);
            finish[l] = start[l] + dur[l];
        }
        let me = if FULL {
            pos
        } else {
            plan.fast_slot[pos] as usize
        };
        s.finish_ok[me] = finish;
        let needs = plan.needs[pos];
        if FULL || needs & NEEDS_START_OK != 0 {
            s.start_ok[me] = start;
        }
        if FULL || needs & NEEDS_FAIL_AT != 0 {
            s.fail_at[me] = [INF; LANES];
        }
        if FULL || needs & NEEDS_START != 0 {
            s.start[me] = start;
        }
        if FULL {
            record_driver_and_duration(s, pos, &driver, &start, &dur);
        }
    }
}

/// The calendar step of a task on calendar `cal`: FF / SF links bound its finish (the latest
/// start whose work ends by the bound), then it starts at the first working moment and ends
/// when its work is done. Kept out of line so the loop of calendar-free tasks stays as lean
/// as before; the operations are the same whichever instruction set runs them.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn calendar_task<const FULL: bool, const WIDE: bool>(
    plan: &Compiled,
    pos: usize,
    cal: u32,
    s: &Scratch,
    dur: &Lanes,
    start: &mut Lanes,
    driver: &mut [u32; LANES],
    end: &mut Lanes,
) {
    let table = &plan.calendars[cal as usize];
    let mut bound = [0f32; LANES];
    for k in plan.backward.range(pos) {
        let p = plan.backward.pred[k];
        let at = (if FULL { p } else { plan.backward.slot[k] }) as usize;
        let from = if plan.backward.kind[k] == LinkKind::FinishToFinish {
            &s.finish_ok[at]
        } else {
            &s.start_ok[at]
        };
        table.start_for_finish(from, plan.backward.lag[k], dur, &mut bound);
        constrain(start, driver, &bound, &[p; LANES]);
    }
    #[cfg(target_arch = "x86_64")]
    if WIDE {
        // SAFETY: `WIDE` kernels run only where AVX-512F and DQ were detected.
        unsafe { table.schedule_wide(start, dur, end) };
        return;
    }
    table.schedule(start, dur, end);
}

/// The full kernel's record of a task: the predecessor that set its start, and its duration
/// (NaN if it never started).
#[inline(always)]
fn record_driver_and_duration(
    s: &mut Scratch,
    pos: usize,
    driver: &[u32; LANES],
    start: &Lanes,
    dur: &Lanes,
) {
    s.driver[pos] = *driver;
    let out = &mut s.duration[pos];
    for l in 0..LANES {
        out[l] = if start[l] < INF { dur[l] } else { f32::NAN };
    }
}

#[inline(always)]
fn constrain(start: &mut Lanes, driver: &mut [u32; LANES], bound: &Lanes, by: &[u32; LANES]) {
    for l in 0..LANES {
        let later = bound[l] > start[l];
        start[l] = if later { bound[l] } else { start[l] };
        driver[l] = if later { by[l] } else { driver[l] };
    }
}

/// A fallback starts when the last of the tasks it stands in for has failed; if any of them
/// did not fail, never.
#[inline(always)]
fn fallback_bound<const FULL: bool>(
    links: &Links,
    pos: usize,
    s: &Scratch,
    start: &mut Lanes,
    driver: &mut [u32; LANES],
) {
    for k in links.range(pos) {
        let p = links.pred[k];
        let at = if FULL { p } else { links.slot[k] };
        constrain(start, driver, &s.fail_at[at as usize], &[p; LANES]);
    }
}

/// Adds a task's cost, spread evenly over `[start, start + dur]`, to the cumulative spend at
/// every checkpoint. A task that never starts has start +∞ and adds nothing.
#[inline(always)]
fn spread_cost(checkpoints: &[f32], start: &Lanes, dur: &Lanes, cost: &Lanes, spent: &mut [Lanes]) {
    let mut inv = [0f32; LANES];
    for l in 0..LANES {
        inv[l] = 1.0 / dur[l].max(1e-3);
    }
    for (&t, cum) in checkpoints.iter().zip(spent.iter_mut()) {
        for l in 0..LANES {
            let share = ((t - start[l]) * inv[l]).clamp(0.0, 1.0);
            cum[l] += cost[l] * share;
        }
    }
}

/// Cars made in the first `x` days after start of production: the integral of
/// `rate · r(t)`, where `r` climbs from `r0` to 1 over `ramp` days.
#[inline(always)]
fn made(x: f32, rate: f32, ramp: f32, r0: f32, s_curve: bool) -> f32 {
    let x = x.max(0.0);
    let xr = x.min(ramp);
    let tau = xr / ramp.max(1e-6);
    let climbing = if s_curve {
        ramp * (tau * tau * tau - 0.5 * tau * tau * tau * tau)
    } else {
        0.5 * xr * tau
    };
    rate * (r0 * xr + (1.0 - r0) * climbing + (x - xr))
}

/// Days after start of production until the first car, `made(x) = 1`, for a lane of plants.
#[inline(always)]
fn first_cars(rate: &Lanes, ramp: &Lanes, r0: f32, s_curve: bool, out: &mut Lanes) {
    let mut on_ramp = [false; LANES];
    for l in 0..LANES {
        let at_nameplate = made(ramp[l], rate[l], ramp[l], r0, s_curve);
        let after_ramp = ramp[l] + (1.0 - at_nameplate) / rate[l];
        // On the linear ramp, rate·(r0·x + (1 − r0)·x²/(2·ramp)) = 1, in the stable root form.
        let a = rate[l] * (1.0 - r0) / (2.0 * ramp[l].max(1e-6));
        let b = rate[l] * r0;
        let linear = 2.0 / (b + (b * b + 4.0 * a).sqrt());
        on_ramp[l] = at_nameplate >= 1.0;
        out[l] = if rate[l] <= 0.0 {
            INF
        } else if on_ramp[l] {
            linear
        } else {
            after_ramp
        };
    }
    if s_curve {
        // The s-curve's cumulative output never exceeds the linear ramp's, so its root lies to
        // the right of the linear root; Newton's method from there converges in a few steps.
        for _ in 0..6 {
            for l in 0..LANES {
                let x = out[l];
                let tau = (x / ramp[l].max(1e-6)).min(1.0);
                let slope = rate[l] * (r0 + (1.0 - r0) * tau * tau * (3.0 - 2.0 * tau));
                let next = (x - (made(x, rate[l], ramp[l], r0, true) - 1.0) / slope.max(1e-12))
                    .clamp(0.0, ramp[l]);
                out[l] = if on_ramp[l] && rate[l] > 0.0 { next } else { x };
            }
        }
    }
}

#[inline(always)]
fn produce<const FULL: bool, const WIDE: bool>(
    plan: &Compiled,
    plant: &PlantParams,
    lag: &Lanes,
    first: u64,
    s: &mut Scratch,
) {
    let tables = &plan.tables;
    let mut u = [0f32; LANES];
    let (mut capacity, mut ramp, mut peak) = ([0f32; LANES], [0f32; LANES], [0f32; LANES]);
    fill_uniform_in::<WIDE>(&mut u, plant.keys[0] ^ s.seed, first);
    plant.capacity.sample::<WIDE>(&u, tables, &mut capacity);
    if plant.ramp_slot == NONE {
        fill_uniform_in::<WIDE>(&mut u, plant.keys[1] ^ s.seed, first);
    } else {
        u = s.correlated[plant.ramp_slot as usize];
    }
    plant.ramp.sample::<WIDE>(&u, tables, &mut ramp);
    if !plant.peak.is_const() {
        fill_uniform_in::<WIDE>(&mut u, plant.keys[2] ^ s.seed, first);
    }
    plant.peak.sample::<WIDE>(&u, tables, &mut peak);
    let sops = &s.finish_ok[if FULL {
        plant.start_pos
    } else {
        plant.start_slot
    } as usize];
    // A plant whose production never starts (or starts after the horizon) has rate 0 and
    // start +∞, so it adds nothing below without a branch.
    let (mut begins, mut rate) = ([INF; LANES], [0f32; LANES]);
    for l in 0..LANES {
        let sop = sops[l];
        let live = sop <= plan.horizon;
        begins[l] = if live { sop + lag[l] } else { INF };
        rate[l] = if live {
            capacity[l] * peak[l] / DAYS_PER_YEAR as f32
        } else {
            0.0
        };
    }
    let mut to_first_car = [0f32; LANES];
    first_cars(
        &rate,
        &ramp,
        plant.ramp_start,
        plant.s_curve,
        &mut to_first_car,
    );
    for l in 0..LANES {
        let first_delivery = begins[l] + to_first_car[l];
        if first_delivery < s.headline[l] {
            s.headline[l] = first_delivery;
            s.headline_driver[l] = plant.start_pos;
        }
    }
    let r0 = plant.ramp_start;
    add_output(
        &plan.checkpoints,
        &begins,
        &rate,
        &ramp,
        r0,
        plant.s_curve,
        &mut s.delivered,
    );
    if FULL {
        add_output(
            &plan.month_ends,
            &begins,
            &rate,
            &ramp,
            r0,
            plant.s_curve,
            &mut s.delivered_monthly,
        );
    }
}

/// Adds a plant's cumulative output at each checkpoint.
#[inline(always)]
fn add_output(
    checkpoints: &[f32],
    begins: &Lanes,
    rate: &Lanes,
    ramp: &Lanes,
    r0: f32,
    s_curve: bool,
    delivered: &mut [Lanes],
) {
    for (&t, cum) in checkpoints.iter().zip(delivered.iter_mut()) {
        if s_curve {
            for l in 0..LANES {
                cum[l] += made(t - begins[l], rate[l], ramp[l], r0, true);
            }
        } else {
            for l in 0..LANES {
                cum[l] += made(t - begins[l], rate[l], ramp[l], r0, false);
            }
        }
    }
}

/// Resets the cumulative counts at each checkpoint: no cars, and the overhead spent so far.
#[inline(always)]
fn start_counts(
    checkpoints: &[f32],
    overhead: &Lanes,
    spent: &mut [Lanes],
    delivered: &mut [Lanes],
) {
    for ((&t, spent), delivered) in checkpoints
        .iter()
        .zip(spent.iter_mut())
        .zip(delivered.iter_mut())
    {
        for l in 0..LANES {
            spent[l] = overhead[l] * (t / DAYS_PER_YEAR as f32);
        }
        *delivered = [0.0; LANES];
    }
}

/// Fills the correlated uniforms of every group: each member's own uniform becomes a normal
/// score, the scores are mixed by the group's Cholesky factor, and mapped back to uniforms.
/// Exact f64 transforms: groups are few, so this costs little beside the task loop.
fn correlate(plan: &Compiled, first: u64, s: &mut Scratch) {
    let mut u = [0f32; LANES];
    for g in &plan.correlation_groups {
        let k = g.keys.len();
        let z = &mut s.scores;
        for (j, &key) in g.keys.iter().enumerate() {
            fill_uniform(&mut u, key ^ s.seed, first);
            for l in 0..LANES {
                z[j][l] = launchcast_model::normal_quantile(f64::from(u[l]));
            }
        }
        for i in 0..k {
            let out = &mut s.correlated[g.first_slot as usize + i];
            for l in 0..LANES {
                let mixed: f64 = (0..=i).map(|j| g.cholesky[i * k + j] * z[j][l]).sum();
                out[l] = (launchcast_model::normal_cdf(mixed) as f32).clamp(1e-7, 1.0 - 1e-7);
            }
        }
    }
}

/// Without plants, the headline is the finish of the last task: every sink still in the
/// scenario must finish, except fallbacks that were never triggered.
#[inline(always)]
fn program_finish<const FULL: bool>(sc: &ScenarioParams, s: &mut Scratch) {
    for l in 0..LANES {
        s.headline[l] = if sc.sinks.is_empty() {
            INF
        } else {
            f32::NEG_INFINITY
        };
    }
    for (&(p, fallback), &slot) in sc.sinks.iter().zip(&sc.sink_slots) {
        let at = if FULL { p } else { slot } as usize;
        let mut fin = s.finish_ok[at];
        if fallback {
            let start = &s.start[at];
            for l in 0..LANES {
                fin[l] = if start[l] == INF {
                    f32::NEG_INFINITY
                } else {
                    fin[l]
                };
            }
        }
        // Only the full kernel follows chains, so only it needs the driving sink.
        if FULL {
            for l in 0..LANES {
                if fin[l] > s.headline[l] {
                    s.headline_driver[l] = p;
                }
            }
        }
        for l in 0..LANES {
            s.headline[l] = if fin[l] > s.headline[l] {
                fin[l]
            } else {
                s.headline[l]
            };
        }
    }
    for l in 0..LANES {
        if s.headline[l] == f32::NEG_INFINITY {
            s.headline[l] = INF;
        }
    }
}

/// Whether each promise is kept in lane `l`.
#[inline(always)]
pub(crate) fn promise_kept(check: &PromiseCheck, s: &Scratch, l: usize) -> bool {
    match *check {
        PromiseCheck::FirstBy(t) => s.headline[l] <= t,
        PromiseCheck::DeliveriesAtLeast { at, from, at_least } => {
            let upto = s.delivered[at as usize][l];
            let before = from.map_or(0.0, |f| s.delivered[f as usize][l]);
            upto - before >= at_least
        }
        PromiseCheck::SpendAtMost { at, at_most } => s.spent[at as usize][l] <= at_most,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast kernel (compact slots, nothing recorded) and the full one must agree on every
    /// result they both produce.
    #[test]
    fn fast_and_full_kernels_agree() {
        let example = include_str!("../../../examples/xiaomi-2022.toml");
        let model = launchcast_model::parse(example, "xiaomi-2022.toml").expect("example parses");
        let network = crate::synthetic::network(400, false, 3);
        let pert = crate::synthetic::network(300, true, 4);
        // Half its tasks on a working-time calendar with a holiday, some with a cost, some
        // with FF / SF links.
        let mut calendar = network.clone();
        let mut site = launchcast_model::Calendar::standard("site");
        site.exceptions.push(launchcast_model::CalendarException {
            from: calendar.program.start.add_days(10.0).expect("date"),
            to: calendar.program.start.add_days(12.0).expect("date"),
            hours: vec![(480, 720)],
        });
        calendar.calendars.push(site);
        for (i, t) in calendar.tasks.iter_mut().enumerate() {
            if i % 2 == 0 {
                t.calendar = Some("site".into());
            }
            if i % 3 == 0 {
                t.cost = launchcast_model::Dist::Fixed(1e6);
            }
            // Finish links onto calendar tasks and others.
            if let Some(l) = t.after.first_mut() {
                match i % 5 {
                    1 => l.kind = LinkKind::FinishToFinish,
                    2 => l.kind = LinkKind::StartToFinish,
                    _ => {}
                }
            }
        }
        for m in [&model, &network, &pert, &calendar] {
            let selected: Vec<Option<usize>> = std::iter::once(None)
                .chain((0..m.scenarios.len()).map(Some))
                .collect();
            let plan = Compiled::new(m, &selected).expect("compiles");
            // Slots are reused: the 400-task network, whose links reach 50 tasks back, needs
            // far fewer slots than tasks.
            let slots = plan.fast_slot.iter().max().map_or(0, |&s| s + 1) as usize;
            assert!(
                slots < 200 || m.tasks.len() < 100,
                "{slots} slots for {} tasks",
                m.tasks.len()
            );
            let kernels = select_kernels();
            let (mut fast, mut full) = (Scratch::new(&plan, 9), Scratch::new(&plan, 9));
            let mut portable = Scratch::new(&plan, 9);
            for sc in &plan.params {
                for first in (0..4096).step_by(LANES) {
                    (kernels.fast)(&plan, sc, first, &mut fast);
                    (kernels.full)(&plan, sc, first, &mut full);
                    assert_eq!(fast.headline, full.headline);
                    // The portable kernel does the same operations as the widest one.
                    simulate_lanes(&plan, sc, first, &mut portable);
                    assert_eq!(portable.headline, full.headline);
                    assert_eq!(portable.finish_ok, full.finish_ok);
                    assert_eq!(portable.spent, full.spent);
                    assert_eq!(fast.delivered, full.delivered);
                    assert_eq!(fast.spent, full.spent);
                    // The widest instruction set the processor has gives the portable
                    // kernel's results bit for bit.
                    simulate_body::<false, false>(
                        &plan,
                        sc,
                        first,
                        &mut portable,
                        plain_tasks::<false, false>,
                    );
                    assert_eq!(
                        fast.headline.map(f32::to_bits),
                        portable.headline.map(f32::to_bits)
                    );
                    assert_eq!(fast.spent, portable.spent);
                }
            }
        }
    }
}
