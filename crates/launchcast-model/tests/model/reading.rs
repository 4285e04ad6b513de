//! Reading a valid model: every feature in base units, defaults filled in.

use super::*;

#[test]
fn reads_every_feature_in_base_units() {
    let m = model(BASE);
    let p = &m.program;
    assert_eq!(p.name, "Xiaomi EV launch as seen in mid-2022");
    assert_eq!(p.start, Date::from_ymd(2022, 7, 1).unwrap());
    assert_eq!(p.horizon, Date::from_ymd(2031, 12, 31).unwrap());
    assert_eq!(
        (p.currency.as_str(), p.iterations, p.seed),
        ("CNY", 5000, 7)
    );
    assert_eq!(
        p.delivery_lag,
        Dist::Triangular {
            min: 3.0,
            mode: 7.0,
            max: 30.0
        }
    );
    assert_eq!(
        p.overhead_per_year,
        Dist::Triangular {
            min: 2e9,
            mode: 3e9,
            max: 4e9
        }
    );

    let ids: Vec<&str> = m.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "vehicle_dev",
            "site_deal",
            "baic_talks",
            "own_licence",
            "plant_build",
            "sop_own",
            "fallback"
        ]
    );
    let t = &m.tasks[0];
    assert_eq!(t.name, "vehicle_dev", "name defaults to the id");
    assert_eq!(
        t.duration,
        Dist::Pert {
            min: 18.0 * MONTH,
            mode: 24.0 * MONTH,
            max: 36.0 * MONTH
        }
    );
    assert_eq!(t.cost, Dist::Fixed(2e9));
    assert_eq!(t.chance, 1.0);
    let b = &m.tasks[2];
    assert_eq!(b.chance, 0.7);
    assert_eq!(
        b.after,
        vec![
            Link {
                task: "vehicle_dev".into(),
                kind: LinkKind::StartToStart,
                lag: 2.0 * MONTH
            },
            Link {
                task: "site_deal".into(),
                kind: LinkKind::FinishToStart,
                lag: 0.0
            },
        ]
    );
    assert_eq!(
        b.cost,
        Dist::Triangular {
            min: 1e8,
            mode: 2e8,
            max: 5e8
        }
    );
    assert_eq!(b.not_before, Date::from_ymd(2022, 9, 1));
    assert_eq!(m.tasks[3].after[0].lag, -5.0);
    assert_eq!(
        m.tasks[3].duration,
        Dist::LogNormal {
            median: 12.0 * MONTH,
            p90: 24.0 * MONTH
        }
    );
    assert_eq!(
        m.tasks[4].duration,
        Dist::Normal {
            mean: 12.0 * MONTH,
            sd: 2.0 * MONTH
        }
    );
    assert_eq!(m.tasks[4].cost, Dist::Fixed(1e10));
    let sop = &m.tasks[5];
    assert_eq!(
        sop.duration,
        Dist::Discrete(vec![(MONTH, 0.5), (2.0 * MONTH, 0.3), (3.0 * MONTH, 0.2)])
    );
    let kinds: Vec<LinkKind> = sop.after.iter().map(|l| l.kind).collect();
    assert_eq!(
        kinds,
        [
            LinkKind::FinishToStart,
            LinkKind::FinishToFinish,
            LinkKind::StartToFinish
        ]
    );
    assert_eq!(sop.after_any.len(), 2);
    assert_eq!(m.tasks[6].after_failure, ["baic_talks"]);

    assert_eq!(
        m.risks[0].impact,
        Impact::Delay(Dist::Triangular {
            min: 3.0 * MONTH,
            mode: 6.0 * MONTH,
            max: 12.0 * MONTH
        })
    );
    assert_eq!(
        m.risks[1].impact,
        Impact::Scale(Dist::Triangular {
            min: 1.1,
            mode: 1.3,
            max: 2.0
        })
    );
    assert_eq!(m.risks[1].tasks, ["plant_build", "vehicle_dev"]);
    assert_eq!(m.risks[2].impact, Impact::Fail);
    assert_eq!(m.risks[0].chance, 0.3);

    let y1 = &m.plants[0];
    assert_eq!(y1.capacity, Dist::Fixed(150000.0));
    assert_eq!((y1.ramp_start, y1.curve), (0.1, Curve::S));
    assert_eq!(
        y1.peak,
        Dist::Triangular {
            min: 1.0,
            mode: 1.2,
            max: 1.5
        }
    );
    let y2 = &m.plants[1];
    assert_eq!(
        y2.capacity,
        Dist::Triangular {
            min: 100000.0,
            mode: 150000.0,
            max: 160000.0
        }
    );
    assert_eq!(
        (y2.ramp_start, y2.curve, &y2.peak),
        (0.0, Curve::Linear, &Dist::Fixed(1.0))
    );
    assert_eq!(y2.ramp, Dist::Fixed(12.0 * MONTH));

    let kinds: Vec<&PromiseKind> = m.promises.iter().map(|p| &p.kind).collect();
    let d = |y, mo, dd| Date::from_ymd(y, mo, dd).unwrap();
    assert_eq!(
        kinds,
        [
            &PromiseKind::FirstDeliveryBy(d(2024, 12, 31)),
            &PromiseKind::DeliveriesBy {
                date: d(2025, 12, 31),
                at_least: 200000.0
            },
            &PromiseKind::DeliveriesInYear {
                year: 2026,
                at_least: 300000.0
            },
            &PromiseKind::SpendBy {
                date: d(2031, 12, 31),
                at_most: 72e9
            },
        ]
    );

    let s = &m.scenarios[0];
    assert_eq!(s.disable, ["baic_talks", "talks_collapse", "yizhuang_2"]);
    let keys: Vec<String> = s
        .set
        .iter()
        .map(|x| format!("{}.{}", x.item, x.field))
        .collect();
    assert_eq!(
        keys,
        [
            "own_licence.chance",
            "plant_build.duration",
            "licence_freeze.delay",
            "supplier_slip.scale",
            "yizhuang_1.curve",
            "yizhuang_1.ramp_start",
            "program.overhead_per_year",
            "baic_talks.not_before"
        ],
        "settings keep the order written"
    );
    assert_eq!(s.set[0].value, SettingValue::Number(0.9));
    assert_eq!(s.set[3].value, SettingValue::Dist(Dist::Fixed(1.5)));
    assert_eq!(s.set[4].value, SettingValue::Curve(Curve::Linear));
    let dotted = &m.scenarios[1];
    assert_eq!(
        dotted.set[0],
        Setting {
            item: "yizhuang_1".into(),
            field: "capacity".into(),
            value: SettingValue::Dist(Dist::Fixed(200000.0))
        }
    );
    assert_eq!(dotted.set[1].value, SettingValue::Dist(Dist::Fixed(14.0)));
    assert_eq!(dotted.name, "dotted");
}

#[test]
fn defaults_are_filled_in() {
    let m = model(&format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n"));
    let p = &m.program;
    assert_eq!((p.iterations, p.seed, p.currency.as_str()), (10000, 1, ""));
    assert_eq!(
        (&p.delivery_lag, &p.overhead_per_year),
        (&Dist::ZERO, &Dist::ZERO)
    );
    let t = &m.tasks[0];
    assert_eq!(
        (t.name.as_str(), t.chance, &t.cost, t.not_before, t.disabled),
        ("a", 1.0, &Dist::ZERO, None, false)
    );
    assert!(t.after.is_empty() && t.after_any.is_empty() && t.after_failure.is_empty());
    let m = model(&format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[plant]]\nid = \"p\"\ncapacity = 5\nstarts = \"a\"\nramp = \"1w\"\n"
    ));
    let pl = &m.plants[0];
    assert_eq!(
        (pl.ramp_start, pl.curve, &pl.peak, pl.name.as_str()),
        (0.0, Curve::Linear, &Dist::Fixed(1.0), "p")
    );
    assert_eq!(pl.ramp, Dist::Fixed(7.0));
}
