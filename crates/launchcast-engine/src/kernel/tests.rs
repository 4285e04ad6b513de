//! The kernels against each other, bit for bit: fast against full, and each instruction set
//! against the portable code.

use launchcast_model::{LinkKind, Model};

use super::{Scratch, simulate, simulate_portable};
use crate::index::Id;
use crate::plan::Compiled;
use crate::simd::{Isa, LANES, Portable};

/// The example, two random networks, and one with half its tasks on a working-time calendar
/// with a holiday, some with a cost, some with FF / SF links.
fn models() -> Vec<Model> {
    let example = include_str!("../../../../examples/xiaomi-2022.toml");
    let model = launchcast_model::parse(example, "xiaomi-2022.toml").expect("example parses");
    let network = crate::synthetic::network(400, false, 3);
    let pert = crate::synthetic::network(300, true, 4);
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
    vec![model, network, pert, calendar]
}

/// The fast kernel (compact slots, nothing recorded) and the full one of `isa` agree on every
/// result they both produce, and give the portable kernels' results bit for bit (for an
/// instruction set other than the portable one: that comparison would be the code with itself).
fn kernels_agree(isa: Isa) {
    let against_portable = !matches!(isa, Isa::Portable(_));
    for m in models() {
        let m = launchcast_model::ValidModel::new(m).expect("valid model");
        let plan = Compiled::new(&m, m.all_scenarios().scenarios());
        // Slots are reused: the 400-task network, whose links reach 50 tasks back, needs
        // far fewer slots than tasks.
        let slots = plan.fast_slot.iter().max().map_or(0, |s| s.index() + 1);
        assert!(
            slots < 200 || m.tasks.len() < 100,
            "{slots} slots for {} tasks",
            m.tasks.len()
        );
        let (mut fast, mut full) = (Scratch::new(&plan, 9), Scratch::new(&plan, 9));
        let mut portable = Scratch::new(&plan, 9);
        for sc in &plan.params {
            for first in (0..4096).step_by(LANES) {
                simulate::<false>(isa, &plan, sc, first, &mut fast);
                simulate::<true>(isa, &plan, sc, first, &mut full);
                assert_eq!(fast.headline, full.headline);
                assert_eq!(fast.delivered, full.delivered);
                assert_eq!(fast.spent, full.spent);
                if against_portable {
                    // The portable kernel does the same operations.
                    simulate_portable::<true>(&plan, sc, first, &mut portable);
                    assert_eq!(portable.headline, full.headline);
                    assert_eq!(portable.finish_ok, full.finish_ok);
                    assert_eq!(portable.spent, full.spent);
                    // The instruction set's fast kernel gives the portable one's results bit for
                    // bit.
                    simulate_portable::<false>(&plan, sc, first, &mut portable);
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

#[test]
fn portable_fast_and_full_kernels_agree() {
    kernels_agree(Isa::Portable(Portable));
}

#[test]
#[cfg(target_arch = "x86_64")]
fn avx2_kernels_give_the_portable_results() {
    let avx2 = crate::simd::Avx2::detect().expect("this processor has AVX2 and FMA");
    kernels_agree(Isa::Avx2(avx2));
}

#[test]
#[cfg(target_arch = "x86_64")]
#[cfg_attr(not(avx512), ignore = "needs a processor with AVX-512")]
fn avx512_kernels_give_the_portable_results() {
    let avx512 = crate::simd::Avx512::detect().expect("this processor has AVX-512");
    kernels_agree(Isa::Avx512(avx512));
}
