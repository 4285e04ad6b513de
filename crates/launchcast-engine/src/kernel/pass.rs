//! The pass over the tasks in plan order: each task's duration (with its risks and correlated
//! draw), its start from its links, its finish (on its working-time calendar, if any) and its
//! cost; runs of plain tasks in a loop of their own.

use launchcast_model::{DAYS_PER_YEAR, LinkKind};

use super::delivery::{produce, program_finish};
use super::scratch::{INF, Scratch};
use crate::index::{CalendarId, DrawSlot, Driver, Id, Pos, Row};
use crate::plan::{
    Compiled, Links, NEEDS_FAIL_AT, NEEDS_START, NEEDS_START_OK, RiskKind, ScenarioParams,
};
use crate::rng::{fill_uniform, fill_uniform_in};
use crate::sampler::Sampler;
use crate::simd::{LANES, Lanes, Simd};

/// The constraint a link puts on the successor's start, per lane.
#[inline(always)]
fn link_bound(kind: LinkKind, lag: f32, p: Row, s: &Scratch, dur: &Lanes, out: &mut Lanes) {
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

#[inline(always)]
pub(super) fn simulate_body<const FULL: bool, S: Simd>(
    isa: S,
    plan: &Compiled,
    sc: &ScenarioParams,
    first: u64,
    s: &mut Scratch,
    plain: impl Fn(&Compiled, &ScenarioParams, std::ops::Range<Pos>, u64, &mut Scratch),
) {
    prologue::<FULL, S>(isa, plan, sc, first, s);
    let all = Pos::from_index(0)..Pos::from_index(plan.order.len());
    tasks::<FULL, S>(isa, plan, sc, all, None, first, s, plain);
    let lag = s.lag;
    headline::<FULL, S>(isa, plan, sc, &lag, first, s);
}

/// What a pass does before its tasks: the risks, the correlated draws, the delivery lag
/// (kept in [`Scratch::lag`]) and the cumulative counts at their start (overhead only).
#[inline(always)]
pub(super) fn prologue<const FULL: bool, S: Simd>(
    isa: S,
    plan: &Compiled,
    sc: &ScenarioParams,
    first: u64,
    s: &mut Scratch,
) {
    let tables = &plan.tables;
    let mut u = [0f32; LANES];

    // Risks: one occurrence and one impact per risk and iteration, shared by its tasks.
    for (r, kind) in plan.risk_kind.iter_enumerated() {
        fill_uniform_in(isa, &mut u, plan.risk_keys[r][0] ^ s.seed, first);
        let chance = sc.risk_chance[r];
        let occurs = &mut s.risk_occurs[r];
        for l in 0..LANES {
            occurs[l] = if u[l] < chance { 1.0 } else { 0.0 };
        }
        if *kind != RiskKind::Fail {
            fill_uniform_in(isa, &mut u, plan.risk_keys[r][1] ^ s.seed, first);
            sc.risk_impact[r].sample(isa, &u, tables, &mut s.risk_value[r]);
        }
    }

    correlate(plan, first, s);

    let mut lag = [0f32; LANES];
    // A constant ignores its draws: they are not made.
    if !sc.delivery_lag.is_const() {
        fill_uniform_in(isa, &mut u, plan.program_keys[0] ^ s.seed, first);
    }
    sc.delivery_lag.sample(isa, &u, tables, &mut lag);
    s.lag = lag;
    let mut overhead = [0f32; LANES];
    if !sc.overhead_per_year.is_const() {
        fill_uniform_in(isa, &mut u, plan.program_keys[1] ^ s.seed, first);
    }
    sc.overhead_per_year.sample(isa, &u, tables, &mut overhead);
    start_counts(
        &plan.checkpoints,
        &overhead,
        s.spent.as_mut_slice(),
        s.delivered.as_mut_slice(),
    );
    if FULL {
        start_counts(
            &plan.month_ends,
            &overhead,
            &mut s.spent_monthly,
            &mut s.delivered_monthly,
        );
    }
}

/// The tasks at positions `range`, in order, on the state the tasks before them left: runs
/// of plain tasks through `plain`, the others one by one. With `changed`, the task at that
/// position draws its duration from that sampler instead of its own (a rerun with it
/// changed: it then takes the general step, which computes what `plain` would).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn tasks<const FULL: bool, S: Simd>(
    isa: S,
    plan: &Compiled,
    sc: &ScenarioParams,
    range: std::ops::Range<Pos>,
    changed: Option<(Pos, &Sampler)>,
    first: u64,
    s: &mut Scratch,
    plain: impl Fn(&Compiled, &ScenarioParams, std::ops::Range<Pos>, u64, &mut Scratch),
) {
    let mut pos = range.start;
    while pos < range.end {
        let mut duration = &sc.duration[pos];
        let mut end = sc.plain_end[pos].min(range.end);
        if let Some((at, sampler)) = changed {
            if at == pos {
                duration = sampler;
                end = pos;
            } else if at > pos {
                end = end.min(at);
            }
        }
        if end > pos {
            plain(plan, sc, pos..end, first, s);
            pos = end;
            continue;
        }
        task_step::<FULL, true, S>(isa, plan, sc, duration, pos, first, s);
        pos = pos.next();
    }
}

/// The headline after the pass over the tasks: with plants, their deliveries (added to the
/// cumulative counts, which must hold no cars yet) and the first car; without, the program's
/// finish. Past the horizon it never happens.
#[inline(always)]
pub(super) fn headline<const FULL: bool, S: Simd>(
    isa: S,
    plan: &Compiled,
    sc: &ScenarioParams,
    lag: &Lanes,
    first: u64,
    s: &mut Scratch,
) {
    s.headline = [INF; LANES];
    s.headline_driver = [Driver::NONE; LANES];
    if plan.has_plants {
        for plant in &sc.plants {
            produce::<FULL, S>(isa, plan, plant, lag, first, s);
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

/// One task of the general loop: its duration (`duration`, with its risks and correlated
/// draw), its start from its links, its finish and (`COST`) its cost into the cumulative
/// spend. Also what a rerun of one task needs ([`super::rerun`]): the same operations, so the
/// same values.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn task_step<const FULL: bool, const COST: bool, S: Simd>(
    isa: S,
    plan: &Compiled,
    sc: &ScenarioParams,
    duration: &Sampler,
    pos: Pos,
    first: u64,
    s: &mut Scratch,
) {
    let tables = &plan.tables;
    let mut u = [0f32; LANES];
    let mut v = [0f32; LANES];
    let mut dur = [0f32; LANES];
    let mut bound = [0f32; LANES];
    let keys = &plan.task_keys[pos];
    match plan.duration_slot[pos] {
        None => fill_uniform_in(isa, &mut u, keys[0] ^ s.seed, first),
        Some(slot) => u = s.correlated[slot],
    }
    duration.sample(isa, &u, tables, &mut dur);

    // 0/1 per lane as integers (bool arrays and `&&` keep the loops scalar).
    let mut fails = [0u32; LANES];
    for &r in plan.risks_of(pos) {
        let (occ, val) = (&s.risk_occurs[r], &s.risk_value[r]);
        match plan.risk_kind[r] {
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
    let mut driver = [Driver::NONE; LANES];
    // The full kernel indexes tasks by position, the fast one by its compact slots.
    let me = if FULL {
        Row::full(pos)
    } else {
        Row::fast(plan.fast_slot[pos])
    };
    for k in plan.after.range(pos) {
        let p = plan.after.pred[k];
        let at = if FULL {
            Row::full(p)
        } else {
            Row::fast(plan.after.slot[k])
        };
        link_bound(
            plan.after.kind[k],
            plan.after.lag[k],
            at,
            s,
            &dur,
            &mut bound,
        );
        let by = Driver::from(p);
        for l in 0..LANES {
            let later = bound[l] > start[l];
            start[l] = if later { bound[l] } else { start[l] };
            driver[l] = if later { by } else { driver[l] };
        }
    }
    let any = plan.after_any.range(pos);
    if !any.is_empty() {
        let mut first_alt = [INF; LANES];
        let mut first_driver = [Driver::NONE; LANES];
        for k in any {
            let p = plan.after_any.pred[k];
            let at = if FULL {
                Row::full(p)
            } else {
                Row::fast(plan.after_any.slot[k])
            };
            link_bound(
                plan.after_any.kind[k],
                plan.after_any.lag[k],
                at,
                s,
                &dur,
                &mut bound,
            );
            let by = Driver::from(p);
            for l in 0..LANES {
                let earlier = bound[l] < first_alt[l];
                first_alt[l] = if earlier { bound[l] } else { first_alt[l] };
                first_driver[l] = if earlier { by } else { first_driver[l] };
            }
        }
        constrain(&mut start, &mut driver, &first_alt, &first_driver);
    }
    fallback_bound::<FULL>(&plan.after_failure, pos, s, &mut start, &mut driver);

    if sc.chance[pos] < 1.0 {
        fill_uniform_in(isa, &mut u, keys[1] ^ s.seed, first);
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
    if let Some(cal) = cal {
        calendar_task::<FULL, S>(
            isa,
            plan,
            pos,
            cal,
            s,
            &dur,
            &mut start,
            &mut driver,
            &mut end,
        );
    }
    for l in 0..LANES {
        start[l] = start[l].max(0.0);
        ok[l] = u32::from(start[l] < INF) & (fails[l] ^ 1);
        end[l] = if cal.is_none() {
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

    if COST && !sc.cost[pos].is_zero() {
        fill_uniform_in(isa, &mut u, keys[2] ^ s.seed, first);
        sc.cost[pos].sample(isa, &u, tables, &mut v);
        // Spread over the real span on a calendar (weekends included).
        let mut span = dur;
        if cal.is_some() {
            crate::calendar::span(&start, &end, &mut span);
        }
        spread_cost(&plan.checkpoints, &start, &span, &v, s.spent.as_mut_slice());
        if FULL {
            spread_cost(&plan.month_ends, &start, &span, &v, &mut s.spent_monthly);
        }
    }
}

/// What [`plain_tasks`] does with durations: samples them (`SAMPLE`), also keeps them by
/// position in [`Scratch::duration`] (`STORE`, a pass that reruns will follow; the fast
/// kernel only), or takes those kept (`LOAD`, a rerun: a plain task's duration is the same
/// whatever the change, unless it is the changed task, which never runs here).
pub(super) const SAMPLE: u8 = 0;
pub(super) const STORE: u8 = 1;
pub(super) const LOAD: u8 = 2;

/// The loop over a run of plain tasks (see [`ScenarioParams::plain_end`]): what the general
/// loop computes for them, with nothing it does not need, so the values of a task stay in
/// registers. Same operations in the same order, so the same results. `FULL` also records
/// what the full kernel records (start, driving predecessor, duration), by position.
#[inline(always)]
pub(super) fn plain_tasks<const FULL: bool, const DUR: u8, S: Simd>(
    isa: S,
    plan: &Compiled,
    sc: &ScenarioParams,
    run: std::ops::Range<Pos>,
    first: u64,
    s: &mut Scratch,
) {
    let tables = &plan.tables;
    let (mut u, mut dur) = ([0f32; LANES], [0f32; LANES]);
    for pos in Pos::range(run) {
        if DUR == LOAD {
            dur = s.duration[pos];
        } else {
            fill_uniform_in(isa, &mut u, plan.task_keys[pos][0] ^ s.seed, first);
            sc.duration[pos].sample(isa, &u, tables, &mut dur);
            if DUR == STORE {
                s.duration[pos] = dur;
            }
        }
        let mut start = [sc.earliest[pos]; LANES];
        let mut driver = [Driver::NONE; LANES];
        for k in plan.after.range(pos) {
            let at = if FULL {
                Row::full(plan.after.pred[k])
            } else {
                Row::fast(plan.after.slot[k])
            };
            let (f, lag) = (&s.finish_ok[at], plan.after.lag[k]);
            if FULL {
                let p = Driver::from(plan.after.pred[k]);
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
            Row::full(pos)
        } else {
            Row::fast(plan.fast_slot[pos])
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
fn calendar_task<const FULL: bool, S: Simd>(
    isa: S,
    plan: &Compiled,
    pos: Pos,
    cal: CalendarId,
    s: &Scratch,
    dur: &Lanes,
    start: &mut Lanes,
    driver: &mut [Driver; LANES],
    end: &mut Lanes,
) {
    let table = &plan.calendars[cal];
    let mut bound = [0f32; LANES];
    for k in plan.backward.range(pos) {
        let p = plan.backward.pred[k];
        let at = if FULL {
            Row::full(p)
        } else {
            Row::fast(plan.backward.slot[k])
        };
        let from = if plan.backward.kind[k] == LinkKind::FinishToFinish {
            &s.finish_ok[at]
        } else {
            &s.start_ok[at]
        };
        table.start_for_finish(from, plan.backward.lag[k], dur, &mut bound);
        constrain(start, driver, &bound, &[Driver::from(p); LANES]);
    }
    #[cfg(target_arch = "x86_64")]
    if let Some(wide) = isa.avx512() {
        table.schedule_avx512(wide, start, dur, end);
        return;
    }
    let _ = isa;
    table.schedule(start, dur, end);
}

/// The full kernel's record of a task: the predecessor that set its start, and its duration
/// (NaN if it never started).
#[inline(always)]
fn record_driver_and_duration(
    s: &mut Scratch,
    pos: Pos,
    driver: &[Driver; LANES],
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
fn constrain(start: &mut Lanes, driver: &mut [Driver; LANES], bound: &Lanes, by: &[Driver; LANES]) {
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
    pos: Pos,
    s: &Scratch,
    start: &mut Lanes,
    driver: &mut [Driver; LANES],
) {
    for k in links.range(pos) {
        let p = links.pred[k];
        let at = if FULL {
            Row::full(p)
        } else {
            Row::fast(links.slot[k])
        };
        constrain(start, driver, &s.fail_at[at], &[Driver::from(p); LANES]);
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
            let out = &mut s.correlated[DrawSlot::from_index(g.first_slot.index() + i)];
            for l in 0..LANES {
                let mixed: f64 = (0..=i).map(|j| g.cholesky[i * k + j] * z[j][l]).sum();
                out[l] = (launchcast_model::normal_cdf(mixed) as f32).clamp(1e-7, 1.0 - 1e-7);
            }
        }
    }
}
