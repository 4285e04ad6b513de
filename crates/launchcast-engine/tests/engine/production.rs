//! Plants, money and promises: volumes per calendar year, costs spread over time, the horizon's
//! own day, and each kind of promise.

use super::*;

pub(crate) fn plant_model(curve: Curve) -> Model {
    let mut m = model(vec![{
        let mut t = task("sop", Dist::ZERO);
        t.not_before = Some(date(2023, 7, 1)); // day 181
        t
    }]);
    m.program.horizon = date(2026, 12, 31);
    m.program.iterations = 64;
    m.plants = vec![Plant {
        id: "p".into(),
        name: "p".into(),
        // 100 cars a day at nameplate.
        capacity: Dist::Fixed(36_524.25),
        starts: "sop".into(),
        ramp: Dist::Fixed(100.0),
        ramp_start: 0.2,
        curve,
        peak: Dist::Fixed(1.0),
        disabled: false,
    }];
    m
}

#[test]
fn a_plant_delivers_exact_volumes_per_calendar_year() {
    let out = simulate(&plant_model(Curve::Linear), 1, 0);
    let s = &out.scenarios[0];
    assert_eq!(out.years, vec![2023, 2024, 2025, 2026]);
    // 2023: production from day 181 to 365 (184 days); the linear ramp from 20 % to 100 %
    // over 100 days makes 100·(0.2·100 + 0.8·100/2) = 6,000, then 84 days at 100 a day.
    // 2024 is a leap year; 2026 ends with the horizon's day, 2026-12-31 (365 days).
    let want = [6_000.0 + 8_400.0, 36_600.0, 36_500.0, 36_500.0];
    for (y, w) in want.iter().enumerate() {
        for &got in &s.deliveries_by_year[y] {
            assert_close(
                f64::from(got),
                *w,
                0.05,
                &format!("deliveries in {}", out.years[y]),
            );
        }
    }
    // First car: 100·(0.2x + 0.4x²/100) = 1 → x = 0.04988 days after start of production.
    let x = (-20.0 + (400.0f64 + 1.6).sqrt()) / 0.8;
    assert_close(
        f64::from(s.headline_days[0]),
        181.0 + x,
        1e-4,
        "first delivery",
    );

    // The s-curve ramp (smoothstep) makes ∫ = 0.2·100 + 0.8·100·(1 − ½) = 60 % too.
    let out = simulate(&plant_model(Curve::S), 1, 0);
    assert_close(
        f64::from(out.scenarios[0].deliveries_by_year[0][0]),
        14_400.0,
        0.05,
        "s-curve 2023",
    );
}

#[test]
fn a_cost_is_spread_over_its_duration_across_a_year_end() {
    let mut t = task("build", Dist::Fixed(60.0));
    t.cost = Dist::Fixed(6.0e9);
    t.not_before = Some(date(2023, 12, 2)); // 30 days of 2023 remain
    let mut m = model(vec![t]);
    m.program.iterations = 32;
    m.program.overhead_per_year = Dist::Fixed(365.2425e6); // a million a day
    let out = simulate(&m, 1, 0);
    let s = &out.scenarios[0];
    // 2023: half the cost + 365 days of overhead; 2024: half + 366 days; later years overhead.
    let want = [3.0e9 + 365.0e6, 3.0e9 + 366.0e6, 365.0e6];
    for (y, w) in want.iter().enumerate() {
        assert_close(
            f64::from(s.spend_by_year[y][0]),
            *w,
            w * 1e-6,
            &format!("spend {}", out.years[y]),
        );
    }
}

/// A plant making one car a day from the first day of a leap year to a horizon on its last
/// day, a delivery lag of `lag` days, and promises dated on the horizon.
fn one_car_a_day(horizon: Date, lag: f64) -> Model {
    let mut m = model(vec![task("sop", Dist::ZERO)]);
    m.program.start = date(2024, 1, 1);
    m.program.horizon = horizon;
    m.program.iterations = 64;
    m.program.delivery_lag = Dist::Fixed(lag);
    m.program.overhead_per_year = Dist::Fixed(365.2425e6); // a million a day
    m.plants = vec![Plant {
        id: "p".into(),
        name: "p".into(),
        capacity: Dist::Fixed(365.2425),
        starts: "sop".into(),
        ramp: Dist::ZERO,
        ramp_start: 1.0,
        curve: Curve::Linear,
        peak: Dist::Fixed(1.0),
        disabled: false,
    }];
    let promise = |id: &str, kind| Promise {
        id: id.into(),
        name: "".into(),
        kind,
    };
    let last = date(2024, 12, 31);
    m.promises = vec![
        promise("first", PromiseKind::FirstDeliveryBy(last)),
        promise(
            "cars",
            PromiseKind::DeliveriesBy {
                date: last,
                at_least: 365.5,
            },
        ),
        promise(
            "year",
            PromiseKind::DeliveriesInYear {
                year: 2024,
                at_least: 365.5,
            },
        ),
        promise(
            "spend",
            PromiseKind::SpendBy {
                date: last,
                at_most: 365.5e6,
            },
        ),
    ];
    m
}

#[test]
fn the_horizon_includes_its_day() {
    let (last, later) = (date(2024, 12, 31), date(2025, 6, 30));
    let at_horizon = simulate(&one_car_a_day(last, 0.0), 1, 0);
    let s = &at_horizon.scenarios[0];
    assert_eq!(at_horizon.years, vec![2024]);
    assert_eq!(at_horizon.horizon_days, 366.0);
    // 2024 has 366 days, each with its car and its million of overhead.
    assert!(
        s.deliveries_by_year[0]
            .iter()
            .all(|&x| (x - 366.0).abs() < 1e-3),
        "{:?}",
        &s.deliveries_by_year[0][..2]
    );
    assert!(
        s.spend_by_year[0]
            .iter()
            .all(|&x| (f64::from(x) - 366.0e6).abs() < 366.0),
        "{:?}",
        &s.spend_by_year[0][..2]
    );
    // Promises dated on the horizon: the first car on day one, 366 cars (more than 365.5),
    // 366 millions spent (more than 365.5).
    assert_eq!(s.promises_kept, vec![64, 64, 64, 0]);
    // The same promises under a later horizon are counted the same.
    let beyond = simulate(&one_car_a_day(later, 0.0), 1, 0);
    assert_eq!(beyond.scenarios[0].promises_kept, s.promises_kept);
    assert_eq!(
        beyond.scenarios[0].deliveries_by_year[0],
        s.deliveries_by_year[0]
    );

    // A first car at noon on the horizon's day happens by the horizon, as it does under a
    // later horizon; at noon on the day after, it does not.
    for (lag, kept) in [(364.5, 64), (365.5, 0)] {
        for horizon in [last, later] {
            let out = simulate(&one_car_a_day(horizon, lag), 1, 0);
            let s = &out.scenarios[0];
            assert_eq!(s.promises_kept[0], kept, "lag {lag}, horizon {horizon}");
            let by_horizon = s.headline_days.iter().filter(|x| x.is_finite()).count();
            if horizon == last {
                assert_eq!(by_horizon, kept as usize, "lag {lag}");
            }
        }
    }
}

#[test]
fn promises_are_counted_per_kind() {
    let mut m = plant_model(Curve::Linear);
    m.promises = vec![
        Promise {
            id: "first".into(),
            name: "".into(),
            kind: PromiseKind::FirstDeliveryBy(date(2023, 6, 30)),
        },
        Promise {
            id: "first2".into(),
            name: "".into(),
            kind: PromiseKind::FirstDeliveryBy(date(2023, 7, 1)),
        },
        Promise {
            id: "vol".into(),
            name: "".into(),
            kind: PromiseKind::DeliveriesBy {
                date: date(2024, 12, 31),
                at_least: 51_000.0,
            },
        },
        Promise {
            id: "vol_hi".into(),
            name: "".into(),
            kind: PromiseKind::DeliveriesBy {
                date: date(2024, 12, 31),
                at_least: 51_001.0,
            },
        },
        Promise {
            id: "year".into(),
            name: "".into(),
            kind: PromiseKind::DeliveriesInYear {
                year: 2025,
                at_least: 36_499.0,
            },
        },
        Promise {
            id: "spend".into(),
            name: "".into(),
            kind: PromiseKind::SpendBy {
                date: date(2026, 1, 1),
                at_most: 0.0,
            },
        },
    ];
    let out = simulate(&m, 1, 0);
    // By the end of 2024: 14,400 + 36,600 = 51,000 cars.
    assert_eq!(out.scenarios[0].promises_kept, vec![0, 64, 64, 0, 64, 64]);
}
