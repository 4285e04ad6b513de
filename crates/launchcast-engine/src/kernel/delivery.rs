//! What a pass yields besides task dates: each plant's deliveries (and the first car, the
//! headline with plants), or without plants the program's finish.

use launchcast_model::DAYS_PER_YEAR;

use super::scratch::{INF, Scratch};
use crate::index::{Driver, Row};
use crate::plan::{Compiled, PlantParams, ScenarioParams};
use crate::rng::fill_uniform_in;
use crate::simd::{LANES, Lanes, Simd};

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
pub(super) fn produce<const FULL: bool, S: Simd>(
    isa: S,
    plan: &Compiled,
    plant: &PlantParams,
    lag: &Lanes,
    first: u64,
    s: &mut Scratch,
) {
    let tables = &plan.tables;
    let mut u = [0f32; LANES];
    let (mut capacity, mut ramp, mut peak) = ([0f32; LANES], [0f32; LANES], [0f32; LANES]);
    fill_uniform_in(isa, &mut u, plant.keys[0] ^ s.seed, first);
    plant.capacity.sample(isa, &u, tables, &mut capacity);
    match plant.ramp_slot {
        None => fill_uniform_in(isa, &mut u, plant.keys[1] ^ s.seed, first),
        Some(slot) => u = s.correlated[slot],
    }
    plant.ramp.sample(isa, &u, tables, &mut ramp);
    if !plant.peak.is_const() {
        fill_uniform_in(isa, &mut u, plant.keys[2] ^ s.seed, first);
    }
    plant.peak.sample(isa, &u, tables, &mut peak);
    let sops = &s.finish_ok[if FULL {
        Row::full(plant.start_pos)
    } else {
        Row::fast(plant.start_slot)
    }];
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
            s.headline_driver[l] = Driver::from(plant.start_pos);
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
        s.delivered.as_mut_slice(),
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

/// Without plants, the headline is the finish of the last task: every sink still in the
/// scenario must finish, except fallbacks that were never triggered.
#[inline(always)]
pub(super) fn program_finish<const FULL: bool>(sc: &ScenarioParams, s: &mut Scratch) {
    for l in 0..LANES {
        s.headline[l] = if sc.sinks.is_empty() {
            INF
        } else {
            f32::NEG_INFINITY
        };
    }
    for (&(p, fallback), &slot) in sc.sinks.iter().zip(&sc.sink_slots) {
        let at = if FULL { Row::full(p) } else { Row::fast(slot) };
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
                    s.headline_driver[l] = Driver::from(p);
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
