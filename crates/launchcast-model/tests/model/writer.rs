//! The writer: `to_toml` round trips, for files and models built in code.

use super::*;

pub(crate) fn round_trip(m: &Model) {
    let text = to_toml(m);
    match parse(&text, "written.toml") {
        Ok(back) => assert_eq!(&back, m, "round trip of:\n{text}"),
        Err(e) => panic!("written model does not parse:\n{}\n{text}", e.plain()),
    }
}

#[test]
fn to_toml_round_trips() {
    round_trip(&model(BASE));
    round_trip(&model(PROG));
    round_trip(&model(&format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"normal(1d, 0d)\"\n"
    )));
    // Switched off, and under way since before the start.
    round_trip(&model(&format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"90d\"\nstarted = {}\ndisabled = true\n\n[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"a\"]\nfail = true\ndisabled = true\n",
        model(PROG).program.start.add_days(-30.0).unwrap()
    )));
    let text = to_toml(&model(BASE));
    assert!(text.starts_with("[program]\nname = \"Xiaomi EV launch as seen in mid-2022\"\nstart = 2022-07-01\nhorizon = 2031-12-31\n"), "{text}");
    assert!(text.contains("\n[[task]]\nid = \"baic_talks\"\nname = \"Negotiate co-branding with BAIC BluePark\"\nduration = \"tri(1mo, 4mo, 12mo)\"\nchance = 0.7\nafter = [\"vehicle_dev:SS+2mo\", \"site_deal\"]\ncost = \"tri(100M, 200M, 500M)\"\nnot_before = 2022-09-01\n"), "{text}");
    assert!(text.contains("capacity = 150000\n"), "{text}");
    assert!(
        text.contains("spend_by = { date = 2031-12-31, at_most = \"72bn\" }"),
        "{text}"
    );
}

#[test]
fn to_toml_round_trips_a_model_built_in_code() {
    let d = |y, mo, dd| Date::from_ymd(y, mo, dd).unwrap();
    let mut a = task("a");
    a.name = "Task \"A\"\twith escapes \\ and ünïcödé".into();
    a.duration = Dist::Pert {
        min: 1.0 / 3.0,
        mode: 0.5,
        max: 100.123456789,
    };
    a.chance = 0.123456789;
    a.cost = Dist::LogNormal {
        median: 1.5e6,
        p90: 2.25e7,
    };
    a.not_before = Some(d(2023, 2, 28));
    let mut b = task("b");
    b.after = vec![
        Link {
            task: "a".into(),
            kind: LinkKind::StartToStart,
            lag: 1.0 / 7.0,
        },
        Link {
            task: "a".into(),
            kind: LinkKind::FinishToFinish,
            lag: -12.5,
        },
    ];
    b.after_any = vec![Link {
        task: "a".into(),
        kind: LinkKind::StartToFinish,
        lag: 0.0,
    }];
    b.duration = Dist::Discrete(vec![(1.0, 0.1), (2.0, 0.2), (3.0, 0.7)]);
    b.cost = Dist::Normal { mean: 5e8, sd: 1e7 };
    let mut c = task("c");
    c.after_failure = vec!["a".into(), "b".into()];
    c.duration = Dist::Uniform {
        min: 0.0,
        max: 1e-3,
    };
    c.chance = 0.0;
    let m = Model {
        program: Program {
            name: "Built in code".into(),
            start: d(2020, 1, 1),
            horizon: d(2030, 6, 30),
            currency: "EUR".into(),
            iterations: 123,
            seed: u64::MAX >> 1,
            delivery_lag: Dist::Normal {
                mean: 10.0,
                sd: 2.5,
            },
            overhead_per_year: Dist::Fixed(123456789.0),
            calendar: None,
            start_time: 0,
        },
        tasks: vec![a, b, c],
        risks: vec![
            Risk {
                id: "r1".into(),
                name: "Risk one".into(),
                chance: 0.5,
                tasks: vec!["a".into(), "b".into()],
                impact: Impact::Delay(Dist::Fixed(3.0)),
                disabled: false,
            },
            Risk {
                id: "r2".into(),
                name: "r2".into(),
                chance: 1.0,
                tasks: vec!["c".into()],
                impact: Impact::Scale(Dist::Triangular {
                    min: 1.0,
                    mode: 1.25,
                    max: 3.0,
                }),
                disabled: false,
            },
            Risk {
                id: "r3".into(),
                name: "r3".into(),
                chance: 0.01,
                tasks: vec!["a".into()],
                impact: Impact::Fail,
                disabled: false,
            },
        ],
        plants: vec![
            Plant {
                id: "p1".into(),
                name: "Plant 1".into(),
                capacity: Dist::Fixed(1234.5),
                starts: "c".into(),
                ramp: Dist::Fixed(0.0),
                ramp_start: 0.25,
                curve: Curve::S,
                peak: Dist::Uniform { min: 0.9, max: 1.1 },
                disabled: false,
            },
            Plant {
                id: "p2".into(),
                name: "p2".into(),
                capacity: Dist::Pert {
                    min: 1.0,
                    mode: 2.0,
                    max: 3.0,
                },
                starts: "a".into(),
                ramp: Dist::Triangular {
                    min: MONTH,
                    mode: 2.0 * MONTH,
                    max: 365.2425,
                },
                ramp_start: 0.0,
                curve: Curve::Linear,
                peak: Dist::Fixed(1.0),
                disabled: false,
            },
        ],
        promises: vec![
            Promise {
                id: "p_first".into(),
                name: "First".into(),
                kind: PromiseKind::FirstDeliveryBy(d(2024, 2, 29)),
            },
            Promise {
                id: "p_vol".into(),
                name: "p_vol".into(),
                kind: PromiseKind::DeliveriesBy {
                    date: d(2025, 1, 1),
                    at_least: 1.5,
                },
            },
            Promise {
                id: "p_year".into(),
                name: "p_year".into(),
                kind: PromiseKind::DeliveriesInYear {
                    year: 2030,
                    at_least: 0.0,
                },
            },
            Promise {
                id: "p_spend".into(),
                name: "p_spend".into(),
                kind: PromiseKind::SpendBy {
                    date: d(2030, 6, 30),
                    at_most: 1234567.25,
                },
            },
        ],
        scenarios: vec![
            Scenario {
                id: "s1".into(),
                name: "Scenario 1".into(),
                disable: vec!["r3".into(), "p2".into(), "b".into()],
                set: vec![
                    Setting {
                        item: "program".into(),
                        field: "delivery_lag".into(),
                        value: SettingValue::Dist(Dist::Fixed(2.0)),
                    },
                    Setting {
                        item: "program".into(),
                        field: "overhead_per_year".into(),
                        value: SettingValue::Dist(Dist::Fixed(5e6)),
                    },
                    Setting {
                        item: "a".into(),
                        field: "duration".into(),
                        value: SettingValue::Dist(Dist::Triangular {
                            min: 1.0,
                            mode: 2.0,
                            max: 3.0,
                        }),
                    },
                    Setting {
                        item: "a".into(),
                        field: "chance".into(),
                        value: SettingValue::Number(0.5),
                    },
                    Setting {
                        item: "a".into(),
                        field: "cost".into(),
                        value: SettingValue::Dist(Dist::Fixed(0.5)),
                    },
                    Setting {
                        item: "a".into(),
                        field: "not_before".into(),
                        value: SettingValue::Date(d(2021, 1, 1)),
                    },
                    Setting {
                        item: "r1".into(),
                        field: "chance".into(),
                        value: SettingValue::Number(0.0),
                    },
                    Setting {
                        item: "r1".into(),
                        field: "delay".into(),
                        value: SettingValue::Dist(Dist::Fixed(1.5)),
                    },
                    Setting {
                        item: "r2".into(),
                        field: "scale".into(),
                        value: SettingValue::Dist(Dist::Fixed(2.0)),
                    },
                    Setting {
                        item: "p1".into(),
                        field: "capacity".into(),
                        value: SettingValue::Dist(Dist::Fixed(99.0)),
                    },
                    Setting {
                        item: "p1".into(),
                        field: "ramp".into(),
                        value: SettingValue::Dist(Dist::Fixed(10.0)),
                    },
                    Setting {
                        item: "p1".into(),
                        field: "ramp_start".into(),
                        value: SettingValue::Number(1.0),
                    },
                    Setting {
                        item: "p1".into(),
                        field: "peak".into(),
                        value: SettingValue::Dist(Dist::Fixed(0.75)),
                    },
                    Setting {
                        item: "p1".into(),
                        field: "curve".into(),
                        value: SettingValue::Curve(Curve::Linear),
                    },
                ],
            },
            Scenario {
                id: "s2".into(),
                name: "s2".into(),
                disable: vec![],
                set: vec![],
            },
        ],
        correlations: vec![],
        includes: vec![],
        calendars: vec![],
        references: vec![],
        thin_references: vec![],
    };
    round_trip(&m);
    // Applying the scenario before and after writing gives the same model.
    let back = parse(&to_toml(&m), "w.toml").unwrap();
    assert_eq!(back.scenario_model(Some(0)), m.scenario_model(Some(0)));
}
