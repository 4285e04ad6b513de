//! Model file reading, validation messages, the distribution and link grammar, scenarios and
//! the writer.

use launchcast_model::*;
use proptest::prelude::*;

const MONTH: f64 = 365.2425 / 12.0;

/// A valid model using every feature of the file format.
const BASE: &str = r#"
[program]
name = "Xiaomi EV launch as seen in mid-2022"
start = 2022-07-01
horizon = 2031-12-31
currency = "CNY"
iterations = 5000
seed = 7
delivery_lag = "tri(3d, 7d, 30d)"
overhead_per_year = "tri(2bn, 3bn, 4bn)"

[[task]]
id = "vehicle_dev"
duration = "pert(18mo, 24mo, 36mo)"
cost = 2e9

[[task]]
id = "site_deal"
name = "Yizhuang site deal"
duration = "uniform(1mo, 3mo)"

[[task]]
id = "baic_talks"
name = "Negotiate co-branding with BAIC BluePark"
duration = "tri(1mo, 4mo, 12mo)"
chance = 0.7
after = ["vehicle_dev:SS+2mo", "site_deal"]
after_any = []
cost = "tri(0.1bn, 0.2bn, 0.5bn)"
not_before = 2022-09-01

[[task]]
id = "own_licence"
duration = "lognormal(12mo, 24mo)"
chance = 0.8
after = ["site_deal-5d"]

[[task]]
id = "plant_build"
duration = "normal(12mo, 2mo)"
after = ["site_deal"]
cost = 10000000000

[[task]]
id = "sop_own"
duration = "discrete(1mo: 0.5, 2mo: 0.3, 3mo: 0.2)"
after = ["plant_build", "own_licence:FF", "vehicle_dev:SF"]
after_any = ["baic_talks", "own_licence"]

[[task]]
id = "fallback"
duration = "6mo"
after_failure = ["baic_talks"]

[[risk]]
id = "licence_freeze"
name = "Regulator pauses new licences"
chance = 0.3
tasks = ["own_licence"]
delay = "tri(3mo, 6mo, 12mo)"

[[risk]]
id = "supplier_slip"
chance = 0.2
tasks = ["plant_build", "vehicle_dev"]
scale = "tri(1.1, 1.3, 2)"

[[risk]]
id = "talks_collapse"
chance = 0.1
tasks = ["baic_talks"]
fail = true

[[plant]]
id = "yizhuang_1"
name = "Yizhuang phase 1"
capacity = 150000
starts = "sop_own"
ramp = "tri(3mo, 7mo, 15mo)"
ramp_start = 0.1
curve = "s"
peak = "tri(1.0, 1.2, 1.5)"

[[plant]]
id = "yizhuang_2"
capacity = "tri(100000, 150000, 160000)"
starts = "fallback"
ramp = "12mo"

[[promise]]
id = "first_by_2024"
name = "First deliveries by end of 2024"
first_delivery_by = 2024-12-31

[[promise]]
id = "volume_2025"
deliveries_by = { date = 2025-12-31, at_least = 200000 }

[[promise]]
id = "year_2026"
deliveries_in_year = { year = 2026, at_least = 300000 }

[[promise]]
id = "budget"
spend_by = { date = 2031-12-31, at_most = "72bn" }

[[scenario]]
id = "go_alone"
name = "Go alone: own plant, own licence"
disable = ["baic_talks", "talks_collapse", "yizhuang_2"]
set = { "own_licence.chance" = 0.9, "plant_build.duration" = "tri(8mo, 10mo, 14mo)", "licence_freeze.delay" = "1mo", "supplier_slip.scale" = 1.5, "yizhuang_1.curve" = "linear", "yizhuang_1.ramp_start" = 0.2, "program.overhead_per_year" = "1bn", "baic_talks.not_before" = 2023-01-01 }

[[scenario]]
id = "dotted"
set = { yizhuang_1.capacity = 200000, program.delivery_lag = "2w" }
"#;

const PROG: &str = "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2031-12-31\n";

fn model(src: &str) -> Model {
    match parse(src, "m.toml") {
        Ok(m) => m,
        Err(e) => panic!("expected a valid model, got:\n{}", e.plain()),
    }
}

/// The plain rendering of the error for `src` (which must not parse).
fn err(src: &str) -> String {
    match parse(src, "m.toml") {
        Ok(_) => panic!("expected an error for:\n{src}"),
        Err(e) => e.plain(),
    }
}

/// `m.toml:LINE:COL` of the first occurrence of `needle` in `src`.
fn at(src: &str, needle: &str) -> String {
    let off = src
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in source"));
    pos(src, off)
}

/// `m.toml:LINE:COL` of the last occurrence of `needle` in `src`.
fn at_last(src: &str, needle: &str) -> String {
    let off = src
        .rfind(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in source"));
    pos(src, off)
}

fn pos(src: &str, off: usize) -> String {
    let before = &src[..off];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("m.toml:{line}:{col}")
}

/// Asserts the error of `src` has a line starting with `prefix` and containing every part.
fn assert_err(src: &str, prefix: &str, parts: &[&str]) {
    let out = err(src);
    let lines: Vec<&str> = out.lines().collect();
    let Some(i) = lines.iter().position(|l| l.starts_with(prefix)) else {
        panic!("no problem starting with `{prefix}` in:\n{out}");
    };
    // The problem line plus its help line.
    let text = format!("{}\n{}", lines[i], lines.get(i + 1).unwrap_or(&""));
    for p in parts {
        assert!(
            text.contains(p),
            "`{p}` missing from:\n{text}\n(all:\n{out})"
        );
    }
}

fn task(id: &str) -> Task {
    Task {
        id: id.into(),
        name: id.into(),
        duration: Dist::Fixed(30.0),
        chance: 1.0,
        after: vec![],
        after_any: vec![],
        after_failure: vec![],
        cost: Dist::ZERO,
        not_before: None,
        disabled: false,
        calendar: None,
    }
}

// ---------------------------------------------------------------------------------------------
// Reading a valid model

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

// ---------------------------------------------------------------------------------------------
// Distribution grammar

#[test]
fn dist_parse_exact_values_in_base_units() {
    use Quantity::*;
    let p = |s, q| Dist::parse(s, q).unwrap();
    assert_eq!(
        p("tri(1mo, 2mo, 3mo)", Duration),
        Dist::Triangular {
            min: 30.436875,
            mode: 60.87375,
            max: 91.310625
        }
    );
    assert_eq!(p("  12mo ", Duration), Dist::Fixed(365.2425));
    assert_eq!(p("1y", Duration), Dist::Fixed(365.2425));
    assert_eq!(p("2w", Duration), Dist::Fixed(14.0));
    assert_eq!(p("1.5d", Duration), Dist::Fixed(1.5));
    assert_eq!(
        p("pert( 1d ,2d,  4d )", Duration),
        Dist::Pert {
            min: 1.0,
            mode: 2.0,
            max: 4.0
        }
    );
    assert_eq!(
        p("uniform(1w, 2w)", Duration),
        Dist::Uniform {
            min: 7.0,
            max: 14.0
        }
    );
    assert_eq!(
        p("normal(10d, 2d)", Duration),
        Dist::Normal {
            mean: 10.0,
            sd: 2.0
        }
    );
    assert_eq!(
        p("lognormal(1y, 2y)", Duration),
        Dist::LogNormal {
            median: 365.2425,
            p90: 730.485
        }
    );
    assert_eq!(
        p("lognormal(5d, 5d)", Duration),
        Dist::LogNormal {
            median: 5.0,
            p90: 5.0
        }
    );
    assert!(p("lognormal(5d, 5d)", Duration).is_fixed());
    assert_eq!(
        p("discrete(3mo: 0.5, 6mo: 0.3, 12mo: 0.2)", Duration),
        Dist::Discrete(vec![
            (3.0 * MONTH, 0.5),
            (6.0 * MONTH, 0.3),
            (12.0 * MONTH, 0.2)
        ])
    );
    assert_eq!(
        p("tri(0.1bn, 0.2bn, 0.5bn)", Money),
        Dist::Triangular {
            min: 1e8,
            mode: 2e8,
            max: 5e8
        }
    );
    assert_eq!(p("72bn", Money), Dist::Fixed(72e9));
    assert_eq!(p("3M", Money), Dist::Fixed(3e6));
    assert_eq!(p("250k", Money), Dist::Fixed(250000.0));
    assert_eq!(p("2e9", Money), Dist::Fixed(2e9));
    assert_eq!(p("1234.5", Money), Dist::Fixed(1234.5));
    assert_eq!(
        p("tri(1.0, 1.2, 1.5)", Number),
        Dist::Triangular {
            min: 1.0,
            mode: 1.2,
            max: 1.5
        }
    );
    assert_eq!(p("150000", Number), Dist::Fixed(150000.0));
    assert_eq!(p("-5d", Lag), Dist::Fixed(-5.0));
    assert_eq!(p("+2mo", Lag), Dist::Fixed(2.0 * MONTH));
    assert_eq!(
        p("tri(1d,1d,1d,)", Duration),
        Dist::Triangular {
            min: 1.0,
            mode: 1.0,
            max: 1.0
        }
    );
}

fn dist_err(text: &str, q: Quantity) -> DistError {
    match Dist::parse(text, q) {
        Ok(d) => panic!("`{text}` parsed as {d:?}"),
        Err(e) => e,
    }
}

#[test]
fn dist_errors_name_the_value_and_say_how_to_fix_it() {
    use Quantity::*;
    // (text, quantity, message part, help part, span)
    let cases: &[(&str, Quantity, &str, &str, std::ops::Range<usize>)] = &[
        (
            "tri(1mo, 2mo, 3mo",
            Duration,
            "unclosed parenthesis in `tri(1mo, 2mo, 3mo`",
            "close it",
            3..17,
        ),
        (
            "triangle(1d, 2d, 3d)",
            Duration,
            "unknown distribution `triangle`",
            "did you mean `tri`?",
            0..8,
        ),
        (
            "tri(1d, 2d)",
            Duration,
            "`tri` takes 3 values (min, mode, max), got 2",
            "e.g. tri(3mo, 6mo, 12mo)",
            0..11,
        ),
        (
            "uniform()",
            Duration,
            "`uniform` takes 2 values (min, max), got 0",
            "uniform(",
            0..9,
        ),
        (
            "normal(1d, 2d, 3d)",
            Duration,
            "`normal` takes 2 values (mean, sd), got 3",
            "normal(",
            0..18,
        ),
        (
            "3x",
            Duration,
            "unknown unit `x` in `3x`",
            "d, w (7 d), mo",
            1..2,
        ),
        (
            "3m",
            Duration,
            "unknown unit `m` in `3m`",
            "write `mo` for months",
            1..2,
        ),
        (
            "5days",
            Duration,
            "unknown unit `days`",
            "did you mean `d`?",
            1..5,
        ),
        (
            "12",
            Duration,
            "`12` has no unit",
            "write 12mo or 365d",
            0..2,
        ),
        (
            "tri(1, 2mo, 3mo)",
            Duration,
            "min `1` has no unit",
            "write 12mo or 365d",
            4..5,
        ),
        (
            "3mm",
            Money,
            "unknown unit `mm` in `3mm`",
            "write `M` for millions",
            1..3,
        ),
        (
            "3k",
            Number,
            "unexpected unit `k` in `3k`",
            "without a unit",
            1..2,
        ),
        (
            "tri(3mo, 2mo, 1mo)",
            Duration,
            "min > max in `tri(3mo, 2mo, 1mo)`",
            "(min, mode, max)",
            0..18,
        ),
        (
            "pert(1mo, 4mo, 3mo)",
            Duration,
            "mode outside [min, max] in `pert(1mo, 4mo, 3mo)`",
            "(min, mode, max)",
            0..19,
        ),
        (
            "uniform(2d, 1d)",
            Duration,
            "min > max in `uniform(2d, 1d)`",
            "(min, max)",
            0..15,
        ),
        ("-3d", Duration, "`-3d` is negative", "0 or more", 0..3),
        ("-1bn", Money, "`-1bn` is negative", "0 or more", 0..4),
        (
            "tri(-1, 0, 1)",
            Number,
            "min `-1` is negative",
            "0 or more",
            4..6,
        ),
        (
            "normal(3d, -1d)",
            Lag,
            "sd < 0 in `normal(3d, -1d)`",
            "0 or more",
            0..15,
        ),
        (
            "normal(3d, -1d)",
            Duration,
            "sd `-1d` is negative",
            "0 or more",
            11..14,
        ),
        (
            "lognormal(0d, 5d)",
            Duration,
            "lognormal needs 0 < median <= p90",
            "positive median",
            0..17,
        ),
        (
            "lognormal(6d, 5d)",
            Duration,
            "lognormal needs 0 < median <= p90, got `lognormal(6d, 5d)`",
            "p90 at least",
            0..17,
        ),
        (
            "discrete(1d: 0.5, 2d: 0.4)",
            Duration,
            "the weights in `discrete(1d: 0.5, 2d: 0.4)` sum to 0.9",
            "sum to 1",
            0..26,
        ),
        (
            "discrete()",
            Duration,
            "empty discrete distribution `discrete()`",
            "value: weight",
            0..10,
        ),
        (
            "discrete(1d 0.5)",
            Duration,
            "`1d 0.5` in `discrete(1d 0.5)` is not a `value: weight` pair",
            "discrete(3mo: 0.5",
            9..15,
        ),
        (
            "discrete(1d: 1.5)",
            Duration,
            "weight `1.5`",
            "sum to 1",
            13..16,
        ),
        (
            "2e15",
            Money,
            "`2e15` is too large (overflow)",
            "smaller",
            0..4,
        ),
        (
            "1e12bn",
            Money,
            "`1e12bn` is too large (overflow)",
            "smaller",
            0..6,
        ),
        (
            "1e400",
            Number,
            "`1e400` is too large (overflow)",
            "smaller",
            0..5,
        ),
        (
            "nan",
            Number,
            "expected a number, found `nan`",
            "write 1.2",
            0..3,
        ),
        (
            "inf d",
            Duration,
            "expected a duration, found `inf d`",
            "write 12mo",
            0..5,
        ),
        (
            "",
            Duration,
            "the distribution is empty",
            "write 12mo",
            0..0,
        ),
        (
            "tri(1d, tri(1d,2d,3d), 3d)",
            Duration,
            "unexpected parenthesis inside",
            "cannot be nested",
            11..12,
        ),
        (
            "tri(1d, 2d, 3d) x",
            Duration,
            "unexpected text ` x` after `)`",
            "remove it",
            15..17,
        ),
        ("1d)", Duration, "`)` without `(` in `1d)`", "tri(1mo", 2..3),
        ("1.2.3", Number, "`1.2.3` is not a number", "write", 0..5),
    ];
    for (text, q, msg, help, span) in cases {
        let e = dist_err(text, *q);
        assert!(
            e.message.contains(msg),
            "`{text}`: message `{}` lacks `{msg}`",
            e.message
        );
        assert!(
            e.help.contains(help),
            "`{text}`: help `{}` lacks `{help}`",
            e.help
        );
        assert_eq!(&e.span, span, "`{text}`: span");
    }
    // Weights within 1e-9 of 1 are fine; beyond are not.
    assert!(
        Dist::parse(
            "discrete(1d: 0.3333333333, 2d: 0.6666666667)",
            Quantity::Duration
        )
        .is_ok()
    );
    assert!(Dist::parse("discrete(1d: 0.333333, 2d: 0.666666)", Quantity::Duration).is_err());
    assert_eq!(Dist::parse("1e15", Quantity::Money), Ok(Dist::Fixed(1e15)));
}

#[test]
fn dist_display_is_canonical_and_reads_back() {
    use Quantity::*;
    let show = |s: &str, q| Dist::parse(s, q).unwrap().display(q).to_string();
    assert_eq!(show("tri(1mo, 2mo, 3mo)", Duration), "tri(1mo, 2mo, 3mo)");
    assert_eq!(show("tri(30d,60d,90d)", Duration), "tri(30d, 60d, 90d)");
    assert_eq!(show("1y", Duration), "12mo");
    assert_eq!(show("2w", Duration), "14d");
    assert_eq!(show("0d", Duration), "0d");
    assert_eq!(
        show("tri(0.1bn, 0.2bn, 0.5bn)", Money),
        "tri(100M, 200M, 500M)"
    );
    assert_eq!(show("150000", Money), "150k");
    assert_eq!(show("1234.5", Money), "1234.5");
    assert_eq!(
        show("discrete(1mo: 0.5, 2mo: 0.5)", Duration),
        "discrete(1mo: 0.5, 2mo: 0.5)"
    );
    assert_eq!(show("normal(10d, 2.5d)", Duration), "normal(10d, 2.5d)");
    assert_eq!(
        Dist::Triangular {
            min: 1e8,
            mode: 2e8,
            max: 5e8
        }
        .to_string(),
        "tri(100000000, 200000000, 500000000)"
    );
    assert_eq!(Dist::Fixed(0.1 + 0.2).to_string(), "0.30000000000000004");
    // Every kind, for every quantity, reads back exactly.
    let values = [
        0.0,
        1e-7,
        0.1 + 0.2,
        1.0,
        7.0,
        30.436875,
        123456.789,
        2e9,
        1e15,
    ];
    for q in [Duration, Lag, Money, Number] {
        for &a in &values {
            for &b in &values {
                let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                let mut dists = vec![
                    Dist::Fixed(a),
                    Dist::Triangular {
                        min: lo,
                        mode: lo,
                        max: hi,
                    },
                    Dist::Pert {
                        min: lo,
                        mode: hi,
                        max: hi,
                    },
                    Dist::Uniform { min: lo, max: hi },
                    Dist::Normal { mean: a, sd: b },
                    Dist::Discrete(vec![(a, 0.25), (b, 0.75)]),
                ];
                if lo > 0.0 {
                    dists.push(Dist::LogNormal {
                        median: lo,
                        p90: hi,
                    });
                }
                for d in dists {
                    let text = d.display(q).to_string();
                    assert_eq!(Dist::parse(&text, q).as_ref(), Ok(&d), "{q:?}: `{text}`");
                    if matches!(q, Money | Number) {
                        assert_eq!(
                            Dist::parse(&d.to_string(), q).as_ref(),
                            Ok(&d),
                            "{q:?}: `{d}`"
                        );
                    }
                }
            }
        }
    }
    assert_eq!(
        Dist::parse(&Dist::Fixed(-2.5).display(Lag).to_string(), Lag),
        Ok(Dist::Fixed(-2.5))
    );
}

#[test]
fn months_display_as_months() {
    use Quantity::*;
    // 5mo is 152.184375 days, and 152.184375 / MONTH is 4.999999999999999: the unit is chosen
    // by rounding the quotient and checking that the text reads back to the same value.
    let d = Dist::parse("tri(5mo, 9mo, 21mo)", Duration).unwrap();
    assert_eq!(
        d,
        Dist::Triangular {
            min: 5.0 * MONTH,
            mode: 9.0 * MONTH,
            max: 21.0 * MONTH
        }
    );
    assert_eq!(d.display(Duration).to_string(), "tri(5mo, 9mo, 21mo)");
    let show = |s: &str, q| Dist::parse(s, q).unwrap().display(q).to_string();
    assert_eq!(
        show("pert(1.5mo, 2.25mo, 7.125mo)", Duration),
        "pert(1.5mo, 2.25mo, 7.125mo)"
    );
    assert_eq!(show("lognormal(3y, 5y)", Duration), "lognormal(36mo, 60mo)");
    assert_eq!(show("1.5y", Duration), "18mo");
    assert_eq!(
        show("discrete(3mo: 0.5, 6mo: 0.3, 12mo: 0.2)", Duration),
        "discrete(3mo: 0.5, 6mo: 0.3, 12mo: 0.2)"
    );
    assert_eq!(show("-5mo", Lag), "-5mo");
    assert_eq!(show("normal(11mo, 1mo)", Duration), "normal(11mo, 1mo)");
    // Not months: days stay days, and what only rounds to months is not months.
    assert_eq!(show("tri(14d, 30d, 45d)", Duration), "tri(14d, 30d, 45d)");
    assert_eq!(
        Dist::Fixed(5.0 * MONTH + 1e-6)
            .display(Duration)
            .to_string(),
        "152.184376d"
    );
    // Every whole and quarter month up to 100 years shows as months and reads back exactly.
    for k in 0..=4800 {
        let months = f64::from(k) / 4.0;
        if months < 1.0 && months > 0.0 {
            continue;
        }
        let text = format!("{months}mo");
        let d = Dist::parse(&text, Duration).unwrap();
        let shown = d.display(Duration).to_string();
        if k % 48 == 0 && k > 0 {
            // Whole years are whole months too.
            assert_eq!(shown, format!("{}mo", k / 4), "{text}");
        } else if k > 0 {
            assert_eq!(shown, text);
        }
        assert_eq!(Dist::parse(&shown, Duration), Ok(d), "{text} → {shown}");
    }
    // The same for money: 0.1bn + 0.2bn is not a decimal in bn, but its text reads back.
    assert_eq!(
        show("tri(1.5bn, 2.2bn, 7.1bn)", Money),
        "tri(1.5bn, 2.2bn, 7.1bn)"
    );
    let d = Dist::Fixed(0.1e9 + 0.2e9);
    assert_eq!(Dist::parse(&d.display(Money).to_string(), Money), Ok(d));
}

// ---------------------------------------------------------------------------------------------
// Links

#[test]
fn link_grammar() {
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[task]]\nid = \"b\"\nduration = \"1d\"\nafter = [\"a\", \"a:FS\", \"a:SS\", \"a:FF\", \"a:SF\", \"a:SS+2mo\", \"a-5d\", \"a+1w\", \" a : ff - 1y \"]\n"
    );
    let m = model(&src);
    let got: Vec<(LinkKind, f64)> = m.tasks[1].after.iter().map(|l| (l.kind, l.lag)).collect();
    use LinkKind::*;
    assert_eq!(
        got,
        [
            (FinishToStart, 0.0),
            (FinishToStart, 0.0),
            (StartToStart, 0.0),
            (FinishToFinish, 0.0),
            (StartToFinish, 0.0),
            (StartToStart, 2.0 * MONTH),
            (FinishToStart, -5.0),
            (FinishToStart, 7.0),
            (FinishToFinish, -365.2425),
        ]
    );
    assert!(m.tasks[1].after.iter().all(|l| l.task == "a"));
    let texts: Vec<String> = m.tasks[1].after.iter().map(ToString::to_string).collect();
    assert_eq!(
        texts,
        [
            "a",
            "a",
            "a:SS",
            "a:FF",
            "a:SF",
            "a:SS+2mo",
            "a-5d",
            "a+7d",
            "a:FF-12mo"
        ]
    );
}

#[test]
fn link_errors() {
    let base = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[task]]\nid = \"b\"\nduration = \"1d\"\n"
    );
    let cases = [
        (
            "a:XX",
            "XX",
            "unknown link type `XX` in `a:XX`",
            "use FS (finish to start), SS, FF or SF",
        ),
        (
            "a:SS 2mo",
            "2mo",
            "unexpected `2mo` in link `a:SS 2mo`",
            "a lag starts with + or -",
        ),
        ("a+2", "+2", "`+2` has no unit", "write 12mo or 365d"),
        (
            "a+tri(1d,2d,3d)",
            "+tri",
            "unknown distribution `+tri`",
            "known: tri",
        ),
        (
            "A",
            "A",
            "`A` in link `A` is not a valid task id",
            "[a-z0-9_]+",
        ),
    ];
    for (link, needle, msg, help) in cases {
        let src = format!("{base}after = [\"{link}\"]\n");
        assert_err(
            &src,
            &format!("{}: task[1].after[0]: ", at_last(&src, needle)),
            &[msg, help],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Validation: each case names line:column and key path, the value, and a hint.

#[test]
fn unknown_keys_suggest_the_nearest() {
    let src = format!("{PROG}[[task]]\nid = \"a\"\ndurration = \"1d\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].durration: ", at(&src, "durration")),
        &[
            "unknown key `durration` in `task[0]`",
            "did you mean `duration`?",
        ],
    );
    let src = format!("{PROG}seeed = 3\n");
    assert_err(
        &src,
        &format!("{}: program.seeed: ", at(&src, "seeed")),
        &["unknown key `seeed`", "did you mean `seed`?"],
    );
    let src = format!("{PROG}[[tasks]]\nid = \"a\"\n");
    assert_err(
        &src,
        &format!("{}: tasks: ", at(&src, "tasks")),
        &[
            "unknown key `tasks` in the top level",
            "did you mean `task`?",
        ],
    );
    let src = format!(
        "{PROG}[[promise]]\nid = \"p\"\ndeliveries_by = {{ date = 2025-01-01, at_leest = 5 }}\n"
    );
    assert_err(
        &src,
        &format!(
            "{}: promise[0].deliveries_by.at_leest: ",
            at(&src, "at_leest")
        ),
        &["unknown key `at_leest`", "did you mean `at_least`?"],
    );
    let src = format!("{PROG}[[scenario]]\nid = \"s\"\ndisabel = []\n");
    assert_err(
        &src,
        &format!("{}: scenario[0].disabel: ", at(&src, "disabel")),
        &["did you mean `disable`?"],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\ncurv = \"s\"\n"
    );
    assert_err(
        &src,
        &format!("{}: plant[0].curv: ", at(&src, "curv ")),
        &["did you mean `curve`?"],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.1\ntasks = [\"a\"]\nfail = true\ntask = [\"a\"]\n"
    );
    assert_err(
        &src,
        &format!("{}: risk[0].task: ", at(&src, "task = ")),
        &["did you mean `tasks`?"],
    );
    // A key far from every known one gets the list only.
    let src = format!("{PROG}zzzz = 1\n");
    assert_err(
        &src,
        &format!("{}: program.zzzz: ", at(&src, "zzzz")),
        &["unknown key `zzzz`", "known keys: name, start"],
    );
}

#[test]
fn toml_syntax_errors_have_toml_spans() {
    let src = "[program]\nname = \"unclosed\nstart = 2022-07-01\n";
    let out = err(src);
    assert!(out.starts_with("m.toml:2:"), "{out}");
    assert!(out.contains("TOML syntax error"), "{out}");
    assert!(out.contains("help: fix the TOML syntax"), "{out}");
    let src = "[program]\nname = \"a\"\nname = \"b\"\n";
    let out = err(src);
    assert!(
        out.starts_with("m.toml:3:1: TOML syntax error at `name"),
        "{out}"
    );
    assert!(out.contains("duplicate key"), "{out}");
}

#[test]
fn missing_required_keys() {
    let out = err("");
    assert!(
        out.starts_with("m.toml:1:1: program: the model has no [program] table"),
        "{out}"
    );
    assert!(
        out.contains("help: add [program] with name, start and horizon"),
        "{out}"
    );

    let src = "[program]\nname = \"x\"\n";
    assert_err(
        src,
        "m.toml:1:1: program.start: ",
        &[
            "`program` is missing the required key `start`",
            "add `start = 2022-07-01`",
        ],
    );
    assert_err(
        src,
        "m.toml:1:1: program.horizon: ",
        &[
            "missing the required key `horizon`",
            "add `horizon = 2031-12-31`",
        ],
    );
    assert_err(
        "[program]\nstart = 2022-07-01\nhorizon = 2023-01-01\n",
        "m.toml:1:1: program.name: ",
        &["missing the required key `name`"],
    );

    let src = format!("{PROG}[[task]]\nname = \"no id\"\n");
    let head = at(&src, "[[task]]");
    assert_err(
        &src,
        &format!("{head}: task[0].id: "),
        &[
            "`task[0]` is missing the required key `id`",
            "add `id = \"my_id\"`",
        ],
    );
    assert_err(
        &src,
        &format!("{head}: task[0].duration: "),
        &["missing the required key `duration`", "tri(1mo, 2mo, 4mo)"],
    );

    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nname = \"r\"\n");
    let head = at(&src, "[[risk]]");
    for key in ["id", "chance", "tasks"] {
        assert_err(
            &src,
            &format!("{head}: risk[0].{key}: "),
            &[&format!("missing the required key `{key}`")],
        );
    }
    assert_err(
        &src,
        &format!("{head}: risk[0]: "),
        &[
            "has no impact: none of delay, scale, fail = true",
            "give exactly one of delay",
        ],
    );

    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.1\ntasks = [\"a\"]\nfail = false\n"
    );
    assert_err(
        &src,
        &format!("{}: risk[0]: ", at(&src, "[[risk]]")),
        &["risk `r` has no impact"],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.1\ntasks = [\"a\"]\ndelay = \"1d\"\nfail = true\n"
    );
    assert_err(
        &src,
        &format!("{}: risk[0]: ", at(&src, "fail")),
        &[
            "risk `r` has more than one impact: delay, fail",
            "give exactly one of",
        ],
    );

    let src = format!("{PROG}[[plant]]\nname = \"p\"\n");
    let head = at(&src, "[[plant]]");
    for key in ["id", "capacity", "starts", "ramp"] {
        assert_err(
            &src,
            &format!("{head}: plant[0].{key}: "),
            &[&format!("`plant[0]` is missing the required key `{key}`")],
        );
    }

    let src = format!("{PROG}[[promise]]\nname = \"p\"\n");
    let head = at(&src, "[[promise]]");
    assert_err(
        &src,
        &format!("{head}: promise[0].id: "),
        &["missing the required key `id`"],
    );
    assert_err(
        &src,
        &format!("{head}: promise[0]: "),
        &["it needs one kind", "first_delivery_by = 2024-12-31"],
    );
    let src = format!(
        "{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = 2024-01-01\nspend_by = {{ date = 2024-01-01, at_most = 5 }}\n"
    );
    assert_err(
        &src,
        &format!("{}: promise[0]: ", at(&src, "spend_by")),
        &["more than one kind: first_delivery_by, spend_by"],
    );
    let src = format!("{PROG}[[promise]]\nid = \"p\"\ndeliveries_by = {{ date = 2024-01-01 }}\n");
    assert_err(
        &src,
        &format!(
            "{}: promise[0].deliveries_by.at_least: ",
            at(&src, "{ date")
        ),
        &["missing the required key `at_least`"],
    );

    let src = format!("{PROG}[[scenario]]\nname = \"s\"\n");
    assert_err(
        &src,
        &format!("{}: scenario[0].id: ", at(&src, "[[scenario]]")),
        &["missing the required key `id`"],
    );
}

#[test]
fn ids_must_be_lowercase_words() {
    let src = format!("{PROG}[[task]]\nid = \"Vehicle Dev\"\nduration = \"1d\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].id: ", at(&src, "\"Vehicle")),
        &[
            "id `Vehicle Dev` must match [a-z0-9_]+",
            "e.g. `vehicle_dev`",
        ],
    );
    let src = format!("{PROG}[[promise]]\nid = \"p-1\"\nfirst_delivery_by = 2024-01-01\n");
    assert_err(
        &src,
        &format!("{}: promise[0].id: ", at(&src, "\"p-1")),
        &["id `p-1` must match", "`p_1`"],
    );
    let src = format!("{PROG}[[task]]\nid = \"program\"\nduration = \"1d\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].id: ", at(&src, "\"program\"")),
        &["id `program` is reserved", "choose another id"],
    );
    let src = format!("{PROG}[[scenario]]\nid = \"base\"\n");
    assert_err(
        &src,
        &format!("{}: scenario[0].id: ", at(&src, "\"base\"")),
        &["`base` is reserved"],
    );
}

#[test]
fn duplicate_ids() {
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[plant]]\nid = \"a\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\n"
    );
    let dup = src.rfind("\"a\"\ncap").unwrap();
    let line = src[..dup].matches('\n').count() + 1;
    assert_err(
        &src,
        &format!("m.toml:{line}:6: plant[0].id: "),
        &[
            "duplicate id `a`: already used by task[0]",
            "share one namespace",
        ],
    );
    let src = format!(
        "{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = 2024-01-01\n[[promise]]\nid = \"p\"\nfirst_delivery_by = 2024-01-01\n"
    );
    let line = src.lines().count() - 1;
    assert_err(
        &src,
        &format!("m.toml:{line}:6: promise[1].id: "),
        &[
            "duplicate promise id `p`: already used by promise[0]",
            "unique id",
        ],
    );
    let src = format!("{PROG}[[scenario]]\nid = \"s\"\n[[scenario]]\nid = \"s\"\n");
    assert_err(
        &src,
        "m.toml:8:6: scenario[1].id: ",
        &["duplicate scenario id `s`"],
    );
    // Promises and scenarios have their own namespaces: reusing a task id is fine.
    model(&format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[promise]]\nid = \"a\"\nfirst_delivery_by = 2024-01-01\n[[scenario]]\nid = \"a\"\n"
    ));
}

#[test]
fn unknown_ids_everywhere_suggest_the_nearest() {
    let base = format!(
        "{PROG}[[task]]\nid = \"vehicle_dev\"\nduration = \"1d\"\n[[risk]]\nid = \"freeze\"\nchance = 0.5\ntasks = [\"vehicle_dev\"]\nfail = true\n"
    );
    let cases = [
        (
            "[[task]]\nid = \"b\"\nduration = \"1d\"\nafter = [\"vehicle_dve:SS\"]\n",
            "\"vehicle_dve",
            "task[1].after[0]",
            "unknown task id `vehicle_dve`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[task]]\nid = \"b\"\nduration = \"1d\"\nafter_any = [\"vehicle_de\"]\n",
            "\"vehicle_de\"",
            "task[1].after_any[0]",
            "unknown task id `vehicle_de`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[task]]\nid = \"b\"\nduration = \"1d\"\nafter_failure = [\"vehicle\"]\n",
            "\"vehicle\"",
            "task[1].after_failure[0]",
            "unknown task id `vehicle`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[task]]\nid = \"b\"\nduration = \"1d\"\nafter = [\"freeze\"]\n",
            "\"freeze\"]",
            "task[1].after[0]",
            "unknown task id `freeze`",
            "`freeze` is a risk or plant, not a task",
        ),
        (
            "[[risk]]\nid = \"r2\"\nchance = 0.5\ntasks = [\"vehicle_deb\"]\nfail = true\n",
            "\"vehicle_deb",
            "risk[1].tasks[0]",
            "unknown task id `vehicle_deb`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"vehicle_dev2\"\nramp = \"1d\"\n",
            "\"vehicle_dev2",
            "plant[0].starts",
            "unknown task id `vehicle_dev2`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[scenario]]\nid = \"s\"\ndisable = [\"freez\"]\n",
            "\"freez\"",
            "scenario[0].disable[0]",
            "unknown task, risk or plant id `freez`",
            "did you mean `freeze`?",
        ),
        (
            "[[scenario]]\nid = \"s\"\nset = { \"freez.chance\" = 0.1 }\n",
            "\"freez.chance",
            "scenario[0].set.\"freez.chance\"",
            "unknown item `freez`",
            "did you mean `freeze`?",
        ),
        (
            "[[scenario]]\nid = \"s\"\nset = { \"zzzz.chance\" = 0.1 }\n",
            "\"zzzz.chance",
            "scenario[0].set.\"zzzz.chance\"",
            "unknown item `zzzz`",
            "use `program` or the id of a task",
        ),
    ];
    for (extra, needle, path, msg, help) in cases {
        let src = format!("{base}{extra}");
        assert_err(
            &src,
            &format!("{}: {path}: ", at(&src, needle)),
            &[msg, help],
        );
    }
}

#[test]
fn malformed_distributions_point_inside_the_string() {
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"tri(1mo, 2mo)\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at(&src, "tri(")),
        &[
            "`tri` takes 3 values (min, mode, max), got 2 in `tri(1mo, 2mo)`",
            "write tri(min, mode, max)",
        ],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"tri(1mo, 2xx, 3mo)\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at(&src, "xx")),
        &["unknown unit `xx` in `2xx`", "durations take d, w"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = 12\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at_last(&src, "12")),
        &["`duration` = 12 has no unit", "write 12mo or 365d"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\ncost = -5\n");
    assert_err(
        &src,
        &format!("{}: task[0].cost: ", at(&src, "-5")),
        &["`-5` is negative", "0 or more"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\ncost = 1e300\n");
    assert_err(
        &src,
        &format!("{}: task[0].cost: ", at(&src, "1e300")),
        &["too large", "smaller"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\ncost = nan\n");
    assert_err(
        &src,
        &format!("{}: task[0].cost: ", at(&src, "nan")),
        &["`NaN` is too large or not finite", "finite"],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[plant]]\nid = \"p\"\ncapacity = \"tri(3, 2, 1)\"\nstarts = \"a\"\nramp = \"1d\"\n"
    );
    assert_err(
        &src,
        &format!("{}: plant[0].capacity: ", at(&src, "tri(3")),
        &["min > max in `tri(3, 2, 1)`", "(min, mode, max)"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = true\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at(&src, "true")),
        &[
            "must be a distribution, found a boolean `true`",
            "tri(3mo, 6mo, 12mo)",
        ],
    );
    // Escapes in the string: the whole value is highlighted.
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"tri(1mo,\\u0020 2mo)\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at(&src, "\"tri")),
        &["got 2"],
    );
}

#[test]
fn cycles_are_printed() {
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\nafter = [\"c\"]\n[[task]]\nid = \"b\"\nduration = \"1d\"\nafter_any = [\"a\"]\n[[task]]\nid = \"c\"\nduration = \"1d\"\nafter_failure = [\"b\"]\n"
    );
    let out = err(&src);
    assert_eq!(
        out.lines().filter(|l| l.contains("cycle")).count(),
        1,
        "{out}"
    );
    assert_err(
        &src,
        &format!("{}: task[1].after_any[0]: ", at(&src, "\"a\"]")),
        &[
            "tasks wait on each other in a cycle: a → c → b → a",
            "remove or reverse one of these links",
        ],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\nafter = [\"b:SS\"]\n[[task]]\nid = \"b\"\nduration = \"1d\"\nafter = [\"a:FF-1d\"]\n"
    );
    assert_err(
        &src,
        &format!("{}: task[1].after[0]: ", at(&src, "\"a:FF")),
        &["a → b → a"],
    );
}

#[test]
fn a_task_listing_itself() {
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\nafter_failure = [\"a\"]\n");
    assert_err(
        &src,
        &format!("{}: task[0].after_failure[0]: ", at(&src, "\"a\"]")),
        &[
            "task `a` lists itself in `after_failure[0]`",
            "a task cannot wait on itself",
        ],
    );
    assert!(!err(&src).contains("cycle"));
}

#[test]
fn value_ranges() {
    let t = "[[task]]\nid = \"a\"\nduration = \"1d\"\n";
    let cases: Vec<(String, &str, &str, &str, &str)> = vec![
        (
            format!("{PROG}{t}chance = 1.5\n"),
            "1.5",
            "task[0].chance",
            "`chance` = `1.5` is outside [0, 1]",
            "0.7 means 70%",
        ),
        (
            format!("{PROG}{t}[[risk]]\nid = \"r\"\nchance = -0.1\ntasks = [\"a\"]\nfail = true\n"),
            "-0.1",
            "risk[0].chance",
            "= `-0.1` is outside [0, 1]",
            "a probability",
        ),
        (
            format!("{PROG}{t}chance = \"0.5\"\n"),
            "\"0.5\"",
            "task[0].chance",
            "`chance` must be a number, found a string `\"0.5\"`",
            "a probability",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2022-07-01\n".into(),
            "2022-07-01\n",
            "program.horizon",
            "`horizon` = 2022-07-01 is not after `start` = 2022-07-01",
            "later date",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2024-01-01\nhorizon = 9999-12-31\n".into(),
            "9999-12-31\n",
            "program.horizon",
            "`horizon` = 9999-12-31 is 2913173 days after `start` = 2024-01-01; it may be at most 36525 days (100 years) after it",
            "e.g. horizon = 2124-01-02",
        ),
        (
            format!("{PROG}{t}not_before = 2021-01-01\n"),
            "2021-01-01",
            "task[0].not_before",
            "`not_before` = 2021-01-01 is outside the program, 2022-07-01 to 2031-12-31",
            "between program.start and program.horizon",
        ),
        (
            format!("{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = 2032-01-01\n"),
            "2032-01-01",
            "promise[0].first_delivery_by",
            "= 2032-01-01 is outside the program",
            "between program.start",
        ),
        (
            format!(
                "{PROG}[[promise]]\nid = \"p\"\nspend_by = {{ date = 2022-06-30, at_most = \"5bn\" }}\n"
            ),
            "2022-06-30",
            "promise[0].spend_by.date",
            "= 2022-06-30 is outside the program",
            "between program.start",
        ),
        (
            format!(
                "{PROG}[[promise]]\nid = \"p\"\ndeliveries_in_year = {{ year = 2021, at_least = 5 }}\n"
            ),
            "2021",
            "promise[0].deliveries_in_year.year",
            "= 2021 is outside the years of the program, 2022 to 2031",
            "use a year between",
        ),
        (
            format!(
                "{PROG}[[promise]]\nid = \"p\"\ndeliveries_by = {{ date = 2024-01-01, at_least = \"tri(1, 2, 3)\" }}\n"
            ),
            "\"tri(1, 2, 3)\"",
            "promise[0].deliveries_by.at_least",
            "must be a single value, not a distribution",
            "write a number",
        ),
        (
            format!("{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = \"soon\"\n"),
            "\"soon\"",
            "promise[0].first_delivery_by",
            "must be a date, found `\"soon\"`",
            "2024-12-31",
        ),
        (
            format!("{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = 2024-01-01T10:00:00\n"),
            "2024-01-01T",
            "promise[0].first_delivery_by",
            "must be a date, found `2024-01-01T10:00:00`",
            "write a date like",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2031-12-31\niterations = 0\n"
                .into(),
            "0\n",
            "program.iterations",
            "`iterations` = 0 must be at least 1",
            "1 or more",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2031-12-31\nseed = -1\n".into(),
            "-1",
            "program.seed",
            "`seed` = -1 must not be negative",
            "0 or more",
        ),
        (
            "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2031-12-31\niterations = 1.5\n"
                .into(),
            "1.5",
            "program.iterations",
            "must be a whole number, found a float `1.5`",
            "iterations = 10000",
        ),
        (
            format!(
                "{PROG}{t}[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\nramp_start = 1.2\n"
            ),
            "1.2",
            "plant[0].ramp_start",
            "`ramp_start` = `1.2` is outside [0, 1]",
            "fraction of nameplate",
        ),
        (
            format!(
                "{PROG}{t}[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\ncurve = \"exp\"\n"
            ),
            "\"exp\"",
            "plant[0].curve",
            "`curve` = \"exp\" is not a curve",
            "\"linear\" or curve = \"s\"",
        ),
        (
            format!("{PROG}{t}[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = []\nfail = true\n"),
            "[]",
            "risk[0].tasks",
            "`tasks` is empty: the risk affects no task",
            "list the ids",
        ),
        (
            format!("{PROG}{t}[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"a\"]\nfail = 1\n"),
            "1\n",
            "risk[0].fail",
            "must be true or false, found `1`",
            "fail = true",
        ),
        (
            format!("{PROG}[task]\nid = \"a\"\n"),
            "[task]",
            "task",
            "`task` must be an array of tables, found a table",
            "`[[task]]`",
        ),
    ];
    for (src, needle, path, msg, help) in cases {
        assert_err(
            &src,
            &format!("{}: {path}: ", at_last(&src, needle)),
            &[msg, help],
        );
    }
}

#[test]
fn scenario_settings_are_checked() {
    let base = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"a\"]\nscale = 1.5\n[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\n[[scenario]]\nid = \"s\"\n"
    );
    let cases = [
        (
            "set = { \"a.duration\" = \"tri(1d, 2d)\" }",
            "tri(",
            "scenario[0].set.\"a.duration\"",
            "`tri` takes 3 values",
            "write tri(min, mode, max)",
        ),
        (
            "set = { \"a.duraton\" = \"1d\" }",
            "\"a.duraton",
            "scenario[0].set.\"a.duraton\"",
            "`duraton` cannot be set on `a`",
            "did you mean `duration`? settable here: duration, chance, cost, not_before",
        ),
        (
            "set = { \"r.delay\" = \"1d\" }",
            "\"r.delay",
            "scenario[0].set.\"r.delay\"",
            "`delay` cannot be set on `r`",
            "`r` is a risk of another kind; settable here: chance, scale",
        ),
        (
            "set = { \"p.curve\" = \"z\" }",
            "\"z\"",
            "scenario[0].set.\"p.curve\"",
            "= \"z\" is not a curve",
            "\"linear\"",
        ),
        (
            "set = { \"p.ramp_start\" = 2 }",
            "2 }",
            "scenario[0].set.\"p.ramp_start\"",
            "= `2` is outside [0, 1]",
            "a number in [0, 1]",
        ),
        (
            "set = { \"a.chance\" = 1.1 }",
            "1.1",
            "scenario[0].set.\"a.chance\"",
            "is outside [0, 1]",
            "[0, 1]",
        ),
        (
            "set = { \"a.not_before\" = 2040-01-01 }",
            "2040",
            "scenario[0].set.\"a.not_before\"",
            "= 2040-01-01 is outside the program",
            "between program.start",
        ),
        (
            "set = { \"program.seed\" = 3 }",
            "\"program.seed",
            "scenario[0].set.\"program.seed\"",
            "`seed` cannot be set on `program`",
            "settable here: delivery_lag, overhead_per_year",
        ),
        (
            "set = { \"chance\" = 3 }",
            "\"chance",
            "scenario[0].set.\"chance\"",
            "scenario setting `chance` names no field",
            "\"item.field\"",
        ),
        (
            "set = { \"program.delivery_lag\" = 3 }",
            "3 }",
            "scenario[0].set.\"program.delivery_lag\"",
            "= 3 has no unit",
            "write 12mo or 365d",
        ),
    ];
    for (extra, needle, path, msg, help) in cases {
        let src = format!("{base}{extra}\n");
        assert_err(
            &src,
            &format!("{}: {path}: ", at(&src, needle)),
            &[msg, help],
        );
    }
}

#[test]
fn all_problems_are_reported_in_reading_order() {
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"12\"\nchance = 2\n[[task]]\nid = \"a\"\nduration = \"1d\"\nafter = [\"zz\"]\n"
    );
    let e = parse(&src, "m.toml").unwrap_err();
    let paths: Vec<&str> = e.problems().iter().map(|p| p.key_path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "task[0].duration",
            "task[0].chance",
            "task[1].id",
            "task[1].after[0]"
        ]
    );
    assert_eq!((e.problems()[0].line, e.problems()[0].column), (7, 13));
    assert_eq!(e.file_name(), "m.toml");
    assert_eq!(
        e.to_string(),
        format!("{} (and 3 more problems)", e.problems()[0])
    );
    // miette: the first problem is the headline with label and help, the rest are related.
    use miette::Diagnostic;
    assert_eq!(e.related().unwrap().count(), 3);
    let label = e.labels().unwrap().next().unwrap();
    assert_eq!(label.offset(), src.find("12\"").unwrap());
    assert!(e.help().unwrap().to_string().contains("write 12mo or 365d"));
    assert!(e.source_code().is_some());
    let mut rendered = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut rendered, &e)
        .unwrap();
    assert!(rendered.contains("duration = \"12\""), "{rendered}");
    assert!(rendered.contains("unknown task id `zz`"), "{rendered}");
}

// ---------------------------------------------------------------------------------------------
// Files

#[test]
fn parse_file_reports_unreadable_empty_and_non_utf8_files() {
    let dir = std::env::temp_dir().join(format!("launchcast-model-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.toml");
    std::fs::write(&empty, "  \n").unwrap();
    let e = parse_file(&empty).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: the file is empty", empty.display())
    );
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, b"[program]\nname = \"caf\xe9\"\n").unwrap();
    let e = parse_file(&bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: the file is not valid UTF-8: invalid byte at offset 21 (line 2)",
            bad.display()
        )
    );
    assert!(e.plain().contains("help: save the file as UTF-8"));
    let missing = dir.join("missing.toml");
    let e = parse_file(&missing).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}: no such file", missing.display()))
    );
    let good = dir.join("good.toml");
    std::fs::write(&good, BASE).unwrap();
    assert_eq!(parse_file(&good).unwrap(), model(BASE));
    let invalid = dir.join("invalid.toml");
    std::fs::write(&invalid, format!("{PROG}x = 1\n")).unwrap();
    let e = parse_file(&invalid).unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("{}:5:1: program.x: ", invalid.display())),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Scenarios

#[test]
fn scenario_model_applies_disable_and_set() {
    let m = model(BASE);
    assert_eq!(m.scenario_model(None), m);
    assert_eq!(m.scenario_model(Some(99)), m);
    let s = m.scenario_model(Some(0));
    let ids = |m: &Model| m.tasks.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&s), ids(&m));
    assert_eq!(s.risks.len(), m.risks.len());
    assert_eq!(s.plants.len(), m.plants.len());
    let disabled: Vec<&str> = s
        .tasks
        .iter()
        .filter(|t| t.disabled)
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(disabled, ["baic_talks"]);
    assert!(s.risks[2].disabled && !s.risks[0].disabled);
    assert!(s.plants[1].disabled && !s.plants[0].disabled);
    assert_eq!(s.tasks[3].chance, 0.9);
    assert_eq!(
        s.tasks[4].duration,
        Dist::Triangular {
            min: 8.0 * MONTH,
            mode: 10.0 * MONTH,
            max: 14.0 * MONTH
        }
    );
    assert_eq!(s.tasks[2].not_before, Date::from_ymd(2023, 1, 1));
    assert_eq!(s.risks[0].impact, Impact::Delay(Dist::Fixed(MONTH)));
    assert_eq!(s.risks[1].impact, Impact::Scale(Dist::Fixed(1.5)));
    assert_eq!(
        (s.plants[0].curve, s.plants[0].ramp_start),
        (Curve::Linear, 0.2)
    );
    assert_eq!(s.program.overhead_per_year, Dist::Fixed(1e9));
    // Untouched values stay.
    assert_eq!(s.tasks[0], m.tasks[0]);
    assert_eq!(s.program.delivery_lag, m.program.delivery_lag);
    let d = m.scenario_model(Some(1));
    assert_eq!(d.plants[0].capacity, Dist::Fixed(200000.0));
    assert_eq!(d.program.delivery_lag, Dist::Fixed(14.0));
    assert!(d.tasks.iter().all(|t| !t.disabled));
    // Every settable field.
    let src = format!(
        "{PROG}delivery_lag = \"1d\"\n[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"a\"]\ndelay = \"1d\"\n[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\n[[scenario]]\nid = \"s\"\nset = {{ \"a.cost\" = \"5k\", \"r.chance\" = 0.25, \"p.ramp\" = \"2d\", \"p.peak\" = 1.1, \"p.capacity\" = \"uniform(1, 2)\", \"program.delivery_lag\" = \"3d\", \"a.duration\" = \"4d\" }}\n"
    );
    let s = model(&src).scenario_model(Some(0));
    assert_eq!(s.tasks[0].cost, Dist::Fixed(5000.0));
    assert_eq!(s.tasks[0].duration, Dist::Fixed(4.0));
    assert_eq!(s.risks[0].chance, 0.25);
    assert_eq!(
        (&s.plants[0].ramp, &s.plants[0].peak),
        (&Dist::Fixed(2.0), &Dist::Fixed(1.1))
    );
    assert_eq!(s.plants[0].capacity, Dist::Uniform { min: 1.0, max: 2.0 });
    assert_eq!(s.program.delivery_lag, Dist::Fixed(3.0));
}

// ---------------------------------------------------------------------------------------------
// Writer

fn round_trip(m: &Model) {
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
    };
    round_trip(&m);
    // Applying the scenario before and after writing gives the same model.
    let back = parse(&to_toml(&m), "w.toml").unwrap();
    assert_eq!(back.scenario_model(Some(0)), m.scenario_model(Some(0)));
}

// ---------------------------------------------------------------------------------------------
// Correlations

/// Three uncertain tasks, one fixed, a plant with an uncertain ramp and one with a fixed
/// ramp, and a risk: the items `[[correlate]]` entries can (and cannot) name.
const CORR: &str = r#"[program]
name = "t"
start = 2022-07-01
horizon = 2031-12-31

[[task]]
id = "plant_build"
duration = "tri(8mo, 10mo, 14mo)"

[[task]]
id = "phase2_build"
duration = "pert(6mo, 8mo, 12mo)"

[[task]]
id = "licence"
duration = "uniform(1mo, 9mo)"

[[task]]
id = "fixed_task"
duration = "6mo"

[[risk]]
id = "freeze"
chance = 0.1
tasks = ["licence"]
fail = true

[[plant]]
id = "yizhuang"
capacity = 150000
starts = "plant_build"
ramp = "tri(3mo, 7mo, 15mo)"

[[plant]]
id = "fixed_plant"
capacity = 1
starts = "phase2_build"
ramp = "12mo"
"#;

/// `CORR` with the given `[[correlate]]` entries, each `(items, rho)` as written.
fn corr(entries: &[(&str, &str)]) -> String {
    let mut src = CORR.to_string();
    for (items, rho) in entries {
        src.push_str(&format!("\n[[correlate]]\nitems = {items}\nrho = {rho}\n"));
    }
    src
}

/// Asserts `l` is lower triangular and L·Lᵀ reproduces, within 1e-12, the normal-score
/// correlations 2·sin(π·ρ/6) of the n × n rank correlation `matrix` (what the engine draws
/// with).
fn assert_cholesky(matrix: &[f64], l: &[f64], n: usize) {
    assert_eq!(matrix.len(), n * n);
    assert_eq!(l.len(), n * n);
    for i in 0..n {
        for j in 0..n {
            if j > i {
                assert_eq!(l[i * n + j], 0.0, "L[{i}][{j}] above the diagonal");
            }
            let llt: f64 = (0..n).map(|k| l[i * n + k] * l[j * n + k]).sum();
            let rho = matrix[i * n + j];
            let want = if i == j {
                1.0
            } else {
                2.0 * (std::f64::consts::PI * rho / 6.0).sin()
            };
            assert!(
                (llt - want).abs() <= 1e-12,
                "(L·Lᵀ)[{i}][{j}] = {llt}, normal score of {rho} is {want}"
            );
        }
    }
}

#[test]
fn correlations_are_read_written_and_grouped() {
    let src = corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.6"),
        (r#"["phase2_build", "yizhuang", "licence"]"#, "-0.2"),
    ]);
    let m = model(&src);
    assert_eq!(
        m.correlations,
        vec![
            Correlation {
                items: vec!["plant_build".into(), "phase2_build".into()],
                rho: 0.6
            },
            Correlation {
                items: vec!["phase2_build".into(), "yizhuang".into(), "licence".into()],
                rho: -0.2
            },
        ]
    );
    round_trip(&m);
    let text = to_toml(&m);
    assert!(
        text.contains("\n[[correlate]]\nitems = [\"plant_build\", \"phase2_build\"]\nrho = 0.6\n"),
        "{text}"
    );
    // One connected group (phase2_build joins both entries), in order of first mention.
    let groups = correlation_groups(&m);
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    use CorrelatedItem::*;
    assert_eq!(
        g.items,
        [
            TaskDuration(0),
            TaskDuration(1),
            PlantRamp(0),
            TaskDuration(2)
        ]
    );
    #[rustfmt::skip]
    let expected = [
        1.0, 0.6, 0.0, 0.0,
        0.6, 1.0, -0.2, -0.2,
        0.0, -0.2, 1.0, -0.2,
        0.0, -0.2, -0.2, 1.0,
    ];
    assert_eq!(g.matrix, expected);
    assert_eq!(g.rho(1, 3), -0.2);
    assert_cholesky(&g.matrix, &g.cholesky, 4);
    // Scenarios that disable a correlated task are fine.
    let src =
        format!("{src}\n[[scenario]]\nid = \"s\"\ndisable = [\"plant_build\", \"yizhuang\"]\n");
    let m = model(&src);
    assert_eq!(correlation_groups(&m.scenario_model(Some(0))), groups);
    // Separate groups stay separate; a pair listed twice with the same value is fine.
    let m = model(&corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.6"),
        (r#"["licence", "yizhuang"]"#, "1e-1"),
        (r#"["phase2_build", "plant_build"]"#, "0.6"),
    ]));
    let groups = correlation_groups(&m);
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[1].items, [TaskDuration(2), PlantRamp(0)]);
    assert_eq!(groups[1].matrix, [1.0, 0.1, 0.1, 1.0]);
    for g in &groups {
        assert_cholesky(&g.matrix, &g.cholesky, g.len());
    }
    assert!(correlation_groups(&model(CORR)).is_empty());
}

#[test]
fn cholesky_reproduces_larger_matrices() {
    // A chain of ten items, neighbours at 0.45, and a five-item block at 0.3 over part of
    // it: positive definite, and L·Lᵀ gives the matrix back within 1e-12.
    let mut src = PROG.to_string();
    for i in 0..10 {
        src.push_str(&format!(
            "[[task]]\nid = \"t{i}\"\nduration = \"tri({}d, {}d, {}d)\"\n",
            i + 1,
            i + 5,
            3 * i + 20
        ));
    }
    for i in 0..9 {
        src.push_str(&format!(
            "[[correlate]]\nitems = [\"t{i}\", \"t{}\"]\nrho = 0.45\n",
            i + 1
        ));
    }
    src.push_str("[[correlate]]\nitems = [\"t0\", \"t2\", \"t4\", \"t6\", \"t8\"]\nrho = 0.3\n");
    let m = model(&src);
    let groups = correlation_groups(&m);
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(g.len(), 10);
    assert_cholesky(&g.matrix, &g.cholesky, 10);
    assert_eq!(g.rho(0, 4), 0.3);
    assert_eq!(g.rho(5, 4), 0.45);
    assert_eq!(g.rho(0, 3), 0.0);
}

#[test]
fn correlation_errors_name_the_place_the_value_and_a_fix() {
    let cases: Vec<(String, &str, &str, &str, &str)> = vec![
        (
            corr(&[(r#"["plant_build"]"#, "0.5")]),
            "[\"plant_build\"]",
            "correlate[0].items",
            "`correlate[0].items` lists 1 item: a correlation needs at least 2",
            "list two or more task or plant ids",
        ),
        (
            corr(&[(r#"["plant_buld", "licence"]"#, "0.5")]),
            "\"plant_buld\"",
            "correlate[0].items[0]",
            "unknown task or plant id `plant_buld`",
            "did you mean `plant_build`?",
        ),
        (
            corr(&[(r#"["licence", "freeze"]"#, "0.5")]),
            "\"freeze\"]",
            "correlate[0].items[1]",
            "`freeze` is a risk, not a task or plant",
            "only tasks (their duration) and plants (their ramp) can be correlated",
        ),
        (
            corr(&[(r#"["licence", "plant_build", "licence"]"#, "0.5")]),
            "\"licence\"]",
            "correlate[0].items[2]",
            "`licence` is listed twice in `correlate[0].items`",
            "list each item once",
        ),
        (
            corr(&[(r#"["licence", "fixed_task"]"#, "0.5")]),
            "\"fixed_task\"]",
            "correlate[0].items[1]",
            "`fixed_task` has a fixed duration (`6mo`): a value that never varies cannot be correlated",
            "give `fixed_task` an uncertain duration, e.g. duration = \"tri(",
        ),
        (
            corr(&[(r#"["yizhuang", "fixed_plant"]"#, "0.5")]),
            "\"fixed_plant\"]",
            "correlate[0].items[1]",
            "`fixed_plant` has a fixed ramp (`12mo`)",
            "give `fixed_plant` an uncertain ramp",
        ),
        (
            corr(&[(r#"["licence", "plant_build"]"#, "1.5")]),
            "1.5",
            "correlate[0].rho",
            "`rho` = `1.5` is outside [-1, 1]",
            "a rank correlation between -1 and 1",
        ),
        (
            corr(&[(r#"["licence", "plant_build"]"#, "nan")]),
            "nan",
            "correlate[0].rho",
            "`rho` = `nan` is outside [-1, 1]",
            "a rank correlation between -1 and 1",
        ),
        (
            corr(&[(r#"["licence", "plant_build"]"#, "\"0.5\"")]),
            "\"0.5\"",
            "correlate[0].rho",
            "`rho` must be a number, found a string `\"0.5\"`",
            "rho = 0.6",
        ),
        (
            format!("{CORR}[[correlate]]\nitems = [\"licence\", \"plant_build\"]\n"),
            "[[correlate]]",
            "correlate[0].rho",
            "`correlate[0]` is missing the required key `rho`",
            "add `rho = 0.6`",
        ),
        (
            format!("{CORR}[[correlate]]\nitems = [\"licence\", \"plant_build\"]\nrh = 0.5\n"),
            "rh =",
            "correlate[0].rh",
            "unknown key `rh` in `correlate[0]`",
            "did you mean `rho`?",
        ),
        (
            format!("{CORR}[[correlation]]\nitems = [\"licence\", \"plant_build\"]\nrho = 0.5\n"),
            "correlation]]",
            "correlation",
            "unknown key `correlation` in the top level",
            "did you mean `correlate`?",
        ),
    ];
    for (src, needle, path, msg, help) in cases {
        let needle_at = if needle.starts_with("\"licence\"]") || needle == "[[correlate]]" {
            at_last(&src, needle)
        } else {
            at(&src, needle)
        };
        assert_err(&src, &format!("{needle_at}: {path}: "), &[msg, help]);
    }
}

#[test]
fn the_same_pair_with_two_values_names_both_places() {
    let src = corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.6"),
        (r#"["licence", "yizhuang"]"#, "0.2"),
        (r#"["phase2_build", "licence", "plant_build"]"#, "0.3"),
    ]);
    let first = at(&src, "0.6").replace("m.toml:", "");
    let (line, col) = first.split_once(':').unwrap();
    assert_err(
        &src,
        &format!("{}: correlate[2].rho: ", at(&src, "0.3")),
        &[
            "the pair `phase2_build` and `plant_build` has two correlations: 0.6 in correlate[0] and 0.3 in correlate[2]",
            &format!("correlate[0] is at line {line}, column {col}"),
        ],
    );
    // The first place is a second label of the diagnostic.
    let e = parse(&src, "m.toml").unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.related.len(), 1);
    assert_eq!(&src[p.related[0].0.clone()], "0.6");
}

#[test]
fn a_matrix_that_is_not_positive_definite_names_the_pair_to_change() {
    // rho(a, b) = 0.9 and rho(b, c) = 0.9 force rho(a, c) above 0.62; -0.9 cannot hold.
    let src = corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.9"),
        (r#"["phase2_build", "licence"]"#, "0.9"),
        (r#"["plant_build", "licence"]"#, "-0.9"),
    ]);
    let items: Vec<String> = [
        "plant_build\", \"phase2",
        "phase2_build\", \"licence",
        "plant_build\", \"licence",
    ]
    .iter()
    .map(|n| at(&src, &format!("[\"{n}")).replace("m.toml:", ""))
    .collect();
    let places: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, lc)| {
            let (l, c) = lc.split_once(':').unwrap();
            format!("correlate[{i}] (line {l}, column {c})")
        })
        .collect();
    assert_err(
        &src,
        &format!("{}: correlate[2].rho: ", at(&src, "-0.9")),
        &[
            "the correlations among `plant_build`, `phase2_build`, `licence` are inconsistent (the matrix of their normal scores, 2·sin(π·rho/6), is not positive definite)",
            "change rho = -0.9 of `plant_build` and `licence` in correlate[2]",
            "set rho of `plant_build` and `licence` to a value from 0.632 to 0.999, e.g. 0.64",
            "the smallest single change that makes the matrix positive definite",
            &format!("entries involved: {}", places.join(", ")),
        ],
    );
    let e = parse(&src, "m.toml").unwrap_err();
    assert_eq!(e.problems().len(), 1);
    assert_eq!(
        e.problems()[0].related.len(),
        2,
        "the other two entries are labelled"
    );
    // The suggested value works.
    let fixed = src.replace("rho = -0.9", "rho = 0.64");
    assert_cholesky(
        &correlation_groups(&model(&src.replace("rho = -0.9", "rho = 0.632")))[0].matrix,
        &correlation_groups(&model(&src.replace("rho = -0.9", "rho = 0.632")))[0].cholesky,
        3,
    );
    assert!(parse(&src.replace("rho = -0.9", "rho = 0.631"), "m.toml").is_err());
    let m = model(&fixed);
    let g = &correlation_groups(&m)[0];
    assert_cholesky(&g.matrix, &g.cholesky, 3);

    // rho = 1 is singular: named, with a value just inside.
    let src = corr(&[(r#"["plant_build", "licence"]"#, "1")]);
    assert_err(
        &src,
        &format!(
            "{}: correlate[0].rho: ",
            pos(&src, src.find("rho = 1").unwrap() + 6)
        ),
        &["change rho = 1 of `plant_build` and `licence`", "e.g. 0.99"],
    );
    // One entry of three items at -0.9: all pairs come from it, so splitting is suggested.
    let src = corr(&[(r#"["plant_build", "licence", "phase2_build"]"#, "-0.9")]);
    assert_err(
        &src,
        "m.toml:",
        &[
            "is not positive definite",
            "correlate[0] gives all 3 pairs of its items this value: split it to change this pair alone",
        ],
    );
    // No group is checked while an entry is wrong: one error, not two.
    let src = corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.9"),
        (r#"["phase2_build", "licence"]"#, "0.9"),
        (r#"["plant_build", "licence", "fixed_task"]"#, "-0.9"),
    ]);
    let out = err(&src);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("m.toml:")).count(),
        1,
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------------
// Includes

const INC: &str = r#"[program]
name = "t"
start = 2022-07-01
horizon = 2031-12-31

[[include]]
file = "plant.xer"
prefix = "contractor"
uncertainty = "rules.toml"

[[include]]
file = "vehicle.xml"
prefix = "vehicle"

[[task]]
id = "sop"
duration = "tri(1mo, 2mo, 4mo)"
after = ["contractor/t1000:FF+1w", "contractor/a-100:FS-5d", "vehicle/sop.final+2d"]
after_failure = ["contractor/t2"]

[[risk]]
id = "strike"
chance = 0.1
tasks = ["contractor/t1000", "sop"]
delay = "1mo"

[[plant]]
id = "yizhuang"
capacity = 150000
starts = "contractor/commissioning"
ramp = "tri(3mo, 7mo, 15mo)"

[[correlate]]
items = ["contractor/t1000", "sop", "yizhuang"]
rho = 0.4

[[scenario]]
id = "fast"
disable = ["contractor/t2", "strike"]
set = { "contractor/t1000.duration" = "tri(1mo, 2mo, 3mo)", "vehicle/a.b.chance" = 0.5 }
"#;

#[test]
fn includes_are_read_and_their_tasks_referred_to_unchecked() {
    let m = model(INC);
    assert_eq!(m.includes.len(), 2);
    let inc = &m.includes[0];
    assert_eq!(
        (
            inc.file.as_str(),
            inc.prefix.as_str(),
            inc.uncertainty.as_deref()
        ),
        ("plant.xer", "contractor", Some("rules.toml"))
    );
    let origin = inc.origin.as_ref().unwrap();
    assert_eq!(origin.key_path, "include[0]");
    assert_eq!(&INC[origin.file.clone()], "\"plant.xer\"");
    assert_eq!(&INC[origin.uncertainty.clone().unwrap()], "\"rules.toml\"");
    assert_eq!(
        format!("m.toml:{}:{}", origin.line, origin.column),
        at(INC, "\"plant.xer\"")
    );
    assert_eq!(m.includes[1].uncertainty, None);
    // An importer can report a problem with the included file at its place.
    let e = ModelError::at(
        "m.toml",
        INC,
        Some(origin.file.clone()),
        "include[0].file",
        "cannot read plant.xer: no such file",
        "check the path",
    );
    assert_eq!(
        e.plain(),
        format!(
            "{}: include[0].file: cannot read plant.xer: no such file\n  help: check the path\n",
            at(INC, "\"plant.xer\"")
        )
    );
    let sop = &m.tasks[0];
    assert_eq!(
        sop.after,
        vec![
            Link {
                task: "contractor/t1000".into(),
                kind: LinkKind::FinishToFinish,
                lag: 7.0
            },
            // The id of an included task may contain `-`: a negative lag needs the type.
            Link {
                task: "contractor/a-100".into(),
                kind: LinkKind::FinishToStart,
                lag: -5.0
            },
            Link {
                task: "vehicle/sop.final".into(),
                kind: LinkKind::FinishToStart,
                lag: 2.0
            },
        ]
    );
    assert_eq!(m.plants[0].starts, "contractor/commissioning");
    assert_eq!(m.scenarios[0].set[1].item, "vehicle/a.b");
    assert_eq!(m.scenarios[0].set[1].field, "chance");
    round_trip(&m);
    let text = to_toml(&m);
    assert!(
        text.contains("\n[[include]]\nfile = \"plant.xer\"\nprefix = \"contractor\"\nuncertainty = \"rules.toml\"\n\n[[include]]\nfile = \"vehicle.xml\"\nprefix = \"vehicle\"\n\n[[task]]"),
        "{text}"
    );
    assert!(text.contains("\"contractor/a-100:FS-5d\""), "{text}");
    // The not-yet-merged item has no place in the groups.
    assert_eq!(
        correlation_groups(&m)[0].items,
        [
            CorrelatedItem::TaskDuration(0),
            CorrelatedItem::PlantRamp(0)
        ]
    );
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
}

#[test]
fn include_errors() {
    let t = "[[task]]\nid = \"a\"\nduration = \"1d\"\n";
    let cases: Vec<(String, &str, &str, &str, &str)> = vec![
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n{t}after = [\"plnt/t1\"]\n"
            ),
            "\"plnt/t1\"",
            "task[0].after[0]",
            "unknown include prefix `plnt` in `plnt/t1`",
            "did you mean `plant/t1`?",
        ),
        (
            format!("{PROG}{t}after = [\"plant/t1\"]\n"),
            "\"plant/t1\"",
            "task[0].after[0]",
            "unknown include prefix `plant` in `plant/t1`",
            "[[include]] file = \"schedule.xer\", prefix = \"plant\"",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n{t}[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"zzzz/x\"\nramp = \"1d\"\n"
            ),
            "\"zzzz/x\"",
            "plant[0].starts",
            "unknown include prefix `zzzz` in `zzzz/x`",
            "declared include prefixes: plant",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n[[scenario]]\nid = \"s\"\nset = {{ \"plnt/t1.duration\" = \"1d\" }}\n"
            ),
            "\"plnt/t1.duration\"",
            "scenario[0].set.\"plnt/t1.duration\"",
            "unknown include prefix `plnt` in `plnt/t1`",
            "did you mean `plant/t1`?",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n[[scenario]]\nid = \"s\"\nset = {{ \"plant/t1.ramp\" = \"1d\" }}\n"
            ),
            "\"plant/t1.ramp\"",
            "scenario[0].set.\"plant/t1.ramp\"",
            "scenario setting `plant/t1.ramp`: `ramp` cannot be set on `plant/t1`",
            "settable here: duration, chance, cost, not_before",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n{t}after = [\"plant/a b\"]\n"
            ),
            "\"plant/a b\"",
            "task[0].after[0]",
            "`plant/a b` in link `plant/a b` is not a valid task id",
            "prefix/id",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"plant/a b\"]\nfail = true\n"
            ),
            "\"plant/a b\"",
            "risk[0].tasks[0]",
            "`plant/a b` is not a valid id of an included task",
            "write prefix/id",
        ),
        (
            format!("{PROG}[[include]]\nprefix = \"plant\"\n"),
            "[[include]]",
            "include[0].file",
            "`include[0]` is missing the required key `file`",
            "add `file = \"plant.xer\"`",
        ),
        (
            format!("{PROG}[[include]]\nfile = \"p.xer\"\n"),
            "[[include]]",
            "include[0].prefix",
            "`include[0]` is missing the required key `prefix`",
            "add `prefix = \"plant\"`",
        ),
        (
            format!("{PROG}[[include]]\nfile = \" \"\nprefix = \"plant\"\n"),
            "\" \"",
            "include[0].file",
            "`file` is empty",
            "the schedule file to include",
        ),
        (
            format!("{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"Plant-A\"\n"),
            "\"Plant-A\"",
            "include[0].prefix",
            "include prefix `Plant-A` must match [a-z0-9_]+",
            "e.g. `plant_a`",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n[[include]]\nfile = \"q.xer\"\nprefix = \"plant\"\n"
            ),
            "\"plant\"\n[[include]]\nfile = \"q",
            "include[1].prefix",
            "duplicate include prefix `plant`: already used by include[0]",
            "give each include its own prefix",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\nrules = \"r.toml\"\n"
            ),
            "rules =",
            "include[0].rules",
            "unknown key `rules` in `include[0]`",
            "known keys: file, prefix, uncertainty",
        ),
        (
            format!("{PROG}[[task]]\nid = \"plant/t1\"\nduration = \"1d\"\n"),
            "\"plant/t1\"",
            "task[0].id",
            "id `plant/t1` must match [a-z0-9_]+",
            "ids with `/` name the tasks of an [[include]] and are only referred to, never defined",
        ),
    ];
    for (src, needle, path, msg, help) in cases {
        let needle_at = if needle.starts_with("\"plant\"\n[[include]]") {
            pos(&src, src.rfind("\"plant\"").unwrap())
        } else if path == "task[0].after[0]" && needle.contains(' ') {
            // Grammar errors point inside the string.
            pos(&src, src.find(needle).unwrap() + 1)
        } else {
            at(&src, needle)
        };
        assert_err(&src, &format!("{needle_at}: {path}: "), &[msg, help]);
    }
}

// ---------------------------------------------------------------------------------------------
// Models built in code

/// `INC` with the included tasks merged in, as an importer would.
fn merged() -> Model {
    let mut m = model(INC);
    for id in [
        "contractor/t1000",
        "contractor/a-100",
        "contractor/t2",
        "contractor/commissioning",
        "vehicle/sop.final",
        "vehicle/a.b",
    ] {
        let mut t = task(id);
        t.duration = Dist::Triangular {
            min: 10.0,
            mode: 20.0,
            max: 40.0,
        };
        m.tasks.push(t);
    }
    m.tasks[3].after = vec![Link {
        task: "contractor/t1000".into(),
        kind: LinkKind::FinishToStart,
        lag: 0.0,
    }];
    m
}

/// The plain problems of `validate(m)`, which must fail.
fn invalid(m: &Model) -> String {
    match validate(m) {
        Ok(()) => panic!("expected problems"),
        Err(e) => e.plain(),
    }
}

#[test]
fn validate_accepts_read_and_merged_models() {
    for src in [BASE, PROG, INC, CORR] {
        let m = model(src);
        assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()), "{src}");
    }
    let m = merged();
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
    // Merged, the included task takes its place in the correlation groups.
    assert_eq!(
        correlation_groups(&m)[0].items,
        [
            CorrelatedItem::TaskDuration(1),
            CorrelatedItem::TaskDuration(0),
            CorrelatedItem::PlantRamp(0)
        ]
    );
    // The file written from it brings the included tasks back through [[include]].
    let text = to_toml(&m);
    assert!(!text.contains("id = \"contractor/"), "{text}");
    assert_eq!(parse(&text, "w.toml").unwrap(), model(INC));
    // A model built entirely in code, as by `to_toml_round_trips_a_model_built_in_code`.
    let mut m = model(PROG);
    m.tasks = vec![task("a"), task("b")];
    m.tasks[1].after_failure = vec!["a".into()];
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
}

#[test]
fn validate_reports_problems_by_key_path_with_the_same_messages() {
    // Every reference of a merged include must resolve.
    let mut m = merged();
    m.tasks[0].after[0].task = "contractor/t1001".into();
    m.risks[0].tasks[0] = "contractor/t100".into();
    m.correlations[0].items[0] = "contractor/t10000".into();
    m.scenarios[0].disable[0] = "contractor/t3".into();
    m.scenarios[0].set[0].item = "contractor/t1000x".into();
    let out = invalid(&m);
    for line in [
        "task[0].after[0]: unknown task id `contractor/t1001`\n  help: did you mean `contractor/t1000`?",
        "risk[0].tasks[0]: unknown task id `contractor/t100`\n  help: did you mean `contractor/t1000`?",
        "correlate[0].items[0]: unknown task or plant id `contractor/t10000`\n  help: did you mean `contractor/t1000`?",
        "scenario[0].disable[0]: unknown task, risk or plant id `contractor/t3`\n  help: did you mean `contractor/t2`?",
        "scenario[0].set.\"contractor/t1000x.duration\": scenario setting `contractor/t1000x.duration`: unknown item `contractor/t1000x`\n  help: did you mean `contractor/t1000`?",
    ] {
        assert!(
            out.contains(&format!("{line}\n")),
            "`{line}` missing from:\n{out}"
        );
    }
    // No file, no position: the line starts with the key path.
    assert!(out.starts_with("task[0].after[0]: "), "{out}");

    // A negative lag after an included id written without the link type.
    let mut m = merged();
    m.tasks[0].after[1].task = "contractor/a-100-5d".into();
    m.tasks[0].after[1].lag = 0.0;
    assert!(
        invalid(&m).contains("task[0].after[1]: unknown task id `contractor/a-100-5d`\n  help: after an included task's id, a negative lag needs the link type: `contractor/a-100:FS-5d`\n"),
        "{}",
        invalid(&m)
    );

    // Shapes, duplicates, cycles, ranges and dates.
    let mut m = merged();
    m.tasks.push(task("Bad Id"));
    m.tasks.push(task("contractor/bad id"));
    m.tasks.push(task("sop"));
    m.tasks[0].chance = 1.5;
    m.tasks[1].duration = Dist::Triangular {
        min: 30.0,
        mode: 10.0,
        max: 60.0,
    };
    m.tasks[2].cost = Dist::Fixed(f64::NAN);
    m.tasks[3].not_before = Some(Date::from_ymd(2040, 1, 1).unwrap());
    m.tasks[1].after.push(Link {
        task: "sop".into(),
        kind: LinkKind::StartToStart,
        lag: -1e20,
    });
    m.tasks[0].after.push(Link {
        task: "contractor/t1000".into(),
        kind: LinkKind::FinishToStart,
        lag: 0.0,
    });
    m.plants[0].ramp_start = -0.5;
    m.includes.push(m.includes[0].clone());
    m.program.iterations = 0;
    let out = invalid(&m);
    for line in [
        "program.iterations: `iterations` = 0 must be at least 1",
        "include[2].prefix: duplicate include prefix `contractor`: already used by include[0]",
        "task[0].chance: `chance` = `1.5` is outside [0, 1]",
        "task[1].duration: mode outside [min, max] in `tri(30d, 10d, 60d)`",
        "task[1].after[0]: `-1e20d` is too large (overflow): magnitudes above 1e15 are not accepted",
        "task[2].cost: `cost` = \"NaN\" has a value that is not a finite number",
        "task[3].not_before: `not_before` = 2040-01-01 is outside the program, 2022-07-01 to 2031-12-31",
        "plant[0].ramp_start: `ramp_start` = `-0.5` is outside [0, 1]",
        "task[7].id: id `Bad Id` must match [a-z0-9_]+",
        "task[8].id: id `contractor/bad id` must match [a-z0-9_]+(/[A-Za-z0-9_.-]+)*",
        "task[9].id: duplicate id `sop`: already used by task[0]",
        "tasks wait on each other in a cycle: ",
    ] {
        assert!(out.contains(line), "`{line}` missing from:\n{out}");
    }

    // Correlations: the same rules as in a file.
    let mut m = model(CORR);
    m.correlations = vec![
        Correlation {
            items: vec!["plant_build".into(), "phase2_build".into()],
            rho: 0.9,
        },
        Correlation {
            items: vec!["phase2_build".into(), "licence".into()],
            rho: 0.9,
        },
        Correlation {
            items: vec!["plant_build".into(), "licence".into()],
            rho: -0.9,
        },
    ];
    let out = invalid(&m);
    assert!(
        out.starts_with("correlate[2].rho: the correlations among `plant_build`, `phase2_build`, `licence` are inconsistent (the matrix of their normal scores, 2·sin(π·rho/6), is not positive definite): change rho = -0.9 of `plant_build` and `licence` in correlate[2]\n  help: set rho of `plant_build` and `licence` to a value from 0.632 to 0.999, e.g. 0.64: the smallest single change that makes the matrix positive definite; entries involved: correlate[0], correlate[1], correlate[2]\n"),
        "{out}"
    );
    m.correlations[2].rho = 0.7;
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
    m.correlations[1].items = vec!["fixed_task".into(), "freeze".into(), "plant_build".into()];
    m.correlations[2].items = vec!["phase2_build".into(), "plant_build".into()];
    m.correlations[2].rho = f64::NAN;
    let out = invalid(&m);
    for line in [
        "correlate[1].items[0]: `fixed_task` has a fixed duration (`6mo`)",
        "correlate[1].items[1]: `freeze` is a risk, not a task or plant",
        "correlate[2].rho: `rho` = `NaN` is outside [-1, 1]",
    ] {
        assert!(out.contains(line), "`{line}` missing from:\n{out}");
    }
    m.correlations[2].rho = 0.5;
    assert!(invalid(&m).contains("the pair `phase2_build` and `plant_build` has two correlations: 0.9 in correlate[0] and 0.5 in correlate[2]"));

    // Scenario settings of the wrong kind, and an error named after its file.
    let mut m = model(BASE);
    m.scenarios[0].set[0].value = SettingValue::Dist(Dist::Fixed(0.5));
    m.scenarios[0].set[1].value = SettingValue::Number(3.0);
    let e = validate(&m).unwrap_err();
    let out = e.plain();
    assert!(out.contains("scenario[0].set.\"own_licence.chance\": `\"own_licence.chance\"` must be a number in [0, 1], found a distribution"), "{out}");
    assert!(out.contains("scenario[0].set.\"plant_build.duration\": `\"plant_build.duration\"` must be a distribution, found a number"), "{out}");
    let named = e.in_file("merged.toml").plain();
    assert!(
        named.starts_with("merged.toml: scenario[0].set."),
        "{named}"
    );
}

// ---------------------------------------------------------------------------------------------
// Never a panic

const TOKENS: &[&str] = &[
    "[program]",
    "[[task]]",
    "[[risk]]",
    "[[plant]]",
    "[[promise]]",
    "[[scenario]]",
    "[task]",
    "\n",
    "\n",
    "name = \"x\"",
    "start = 2022-07-01",
    "horizon = 2031-12-31",
    "horizon = 2020-01-01",
    "id = \"a\"",
    "id = \"b\"",
    "id = \"A b\"",
    "duration = \"tri(1mo, 2mo, 3mo)\"",
    "duration = \"tri(1mo\"",
    "duration = 5",
    "after = [\"a\"]",
    "after = [\"b:SS+2mo\"]",
    "after_any = [\"a\", \"zz\"]",
    "after_failure = [\"b\"]",
    "chance = 1.5",
    "chance = 0.5",
    "cost = -1",
    "cost = 1e300",
    "cost = nan",
    "tasks = [\"a\"]",
    "delay = \"1d\"",
    "scale = 2",
    "fail = true",
    "capacity = 10",
    "starts = \"a\"",
    "ramp = \"1mo\"",
    "curve = \"s\"",
    "ramp_start = 2",
    "first_delivery_by = 2024-01-01",
    "deliveries_in_year = { year = 99999, at_least = 1 }",
    "spend_by = { date = 2024-01-01, at_most = \"1bn\" }",
    "disable = [\"a\", \"q\"]",
    "set = { \"a.chance\" = 0.1, \"b.curve\" = 3, x.y.z = 1 }",
    "iterations = 0",
    "seed = -5",
    "not_before = 1900-01-01",
    "= =",
    "\"",
    "[",
    "]",
    "{",
    "}",
    "é",
    "\u{0}",
    "#",
    "x = [1, [2]]",
    "duration = \"discrete(1d: 0.5)\"",
    "iterations = 99999999999999999999",
    "[[include]]",
    "[[correlate]]",
    "file = \"p.xer\"",
    "prefix = \"plant\"",
    "prefix = \"Plant\"",
    "uncertainty = \"r.toml\"",
    "items = [\"a\", \"b\"]",
    "items = [\"a\", \"plant/x\"]",
    "items = [\"a\"]",
    "items = [\"b\", \"plnt/x\", \"b\"]",
    "rho = 0.5",
    "rho = 1",
    "rho = -0.9",
    "rho = nan",
    "after = [\"plant/t1:SS-2d\", \"plant/a-1\"]",
    "starts = \"plant/x\"",
    "set = { \"plant/x.duration\" = \"1d\", \"plant/x.1.cost\" = 1 }",
];

/// Sections added to `BASE` for fuzzing: an include, references to its tasks and
/// correlations.
const EXTRA: &str = r#"
[[include]]
file = "plant.xer"
prefix = "contractor"
uncertainty = "rules.toml"

[[task]]
id = "commissioning_wait"
duration = "tri(1w, 2w, 6w)"
after = ["contractor/t1000:FF+1w", "contractor/a-100:FS-5d"]

[[correlate]]
items = ["plant_build", "vehicle_dev"]
rho = 0.6

[[correlate]]
items = ["plant_build", "yizhuang_1", "contractor/t2000"]
rho = 0.3

[[scenario]]
id = "contractor_fast"
disable = ["contractor/t2000"]
set = { "contractor/t1000.duration" = "tri(1mo, 2mo, 3mo)" }
"#;

/// What every model read must satisfy: it passes `validate`, writes and reads back equal,
/// and its correlation groups have exact Cholesky factors.
fn check_read_model(m: &Model) -> Result<(), TestCaseError> {
    prop_assert_eq!(validate(m).map_err(|e| e.plain()), Ok(()));
    for i in 0..m.scenarios.len() {
        let _ = m.scenario_model(Some(i));
    }
    let back = parse(&to_toml(m), "w.toml").ok();
    prop_assert_eq!(back.as_ref(), Some(m));
    for g in correlation_groups(m) {
        prop_assert!(!g.cholesky.is_empty());
        assert_cholesky(&g.matrix, &g.cholesky, g.len());
    }
    Ok(())
}

fn mutate(base: &str, ops: &[(usize, usize, u8)]) -> String {
    let mut bytes = base.as_bytes().to_vec();
    for &(kind, pos, b) in ops {
        if bytes.is_empty() {
            break;
        }
        let pos = pos % bytes.len();
        match kind % 3 {
            0 => {
                bytes.remove(pos);
            }
            1 => bytes.insert(pos, b),
            _ => bytes[pos] = b,
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_on_token_soup(picks in proptest::collection::vec((0..TOKENS.len(), any::<bool>()), 0..60)) {
        let text: String = picks.iter().map(|(i, nl)| format!("{}{}", TOKENS[*i], if *nl { "\n" } else { " " })).collect();
        if let Ok(m) = parse(&text, "fuzz.toml") {
            check_read_model(&m)?;
        }
    }

    #[test]
    fn parse_never_panics_on_mutations(ops in proptest::collection::vec((0usize..3, any::<usize>(), prop::sample::select(b" \n\"[]{}=,.:+-0123456789abcdmoyk()#'\\_".to_vec())), 1..12)) {
        let text = mutate(BASE, &ops);
        if let Ok(m) = parse(&text, "fuzz.toml") {
            // What reads back must also validate, write and read back.
            check_read_model(&m)?;
        }
        let text = mutate(&format!("{BASE}{EXTRA}"), &ops);
        if let Ok(m) = parse(&text, "fuzz.toml") {
            check_read_model(&m)?;
        }
    }

    #[test]
    fn random_correlations_read_as_validate_checks_them(
        entries in proptest::collection::vec(
            (
                proptest::collection::vec(prop::sample::select(vec!["plant_build", "phase2_build", "licence", "yizhuang", "fixed_task"]), 0..4),
                prop::sample::select(vec![-1.0, -0.9, -0.6, -0.3, 0.0, 0.2, 0.5, 0.8, 0.95, 1.0, 1.5]),
            ),
            1..6,
        ),
    ) {
        let mut src = CORR.to_string();
        let mut in_code = model(CORR);
        for (items, rho) in &entries {
            let list: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
            src.push_str(&format!("\n[[correlate]]\nitems = [{}]\nrho = {rho}\n", list.join(", ")));
            in_code.correlations.push(Correlation { items: items.iter().map(|i| i.to_string()).collect(), rho: *rho });
        }
        let read = parse(&src, "m.toml");
        let checked = validate(&in_code);
        // The file and the model built in code get the same verdict and the same messages.
        match (&read, &checked) {
            (Ok(m), Ok(())) => {
                prop_assert_eq!(m, &in_code);
                check_read_model(m)?;
            }
            (Err(a), Err(b)) => {
                // Problems of a file come in reading order, those of a model in code in the
                // order checked.
                let messages = |e: &ModelError| {
                    let mut v = e.problems().iter().map(|p| (p.key_path.clone(), p.message.clone())).collect::<Vec<_>>();
                    v.sort();
                    v
                };
                prop_assert_eq!(messages(a), messages(b));
                for p in a.problems() {
                    prop_assert!(p.key_path.starts_with("correlate["), "{}", p);
                    prop_assert!(p.line > 0 && p.help.is_some(), "{}", p);
                }
            }
            _ => prop_assert!(false, "parse: {:?}\nvalidate: {:?}", read.as_ref().err().map(ModelError::plain), checked.as_ref().err().map(ModelError::plain)),
        }
    }

    #[test]
    fn parse_never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = parse(&text, "fuzz.toml");
    }

    #[test]
    fn dist_parse_never_panics(text in "[ a-z0-9().,:+\\-eE]{0,40}|\\PC{0,40}") {
        for q in [Quantity::Duration, Quantity::Lag, Quantity::Money, Quantity::Number] {
            if let Ok(d) = Dist::parse(&text, q) {
                prop_assert_eq!(Dist::parse(&d.display(q).to_string(), q), Ok(d));
            }
        }
    }

    #[test]
    fn dist_parse_never_panics_on_near_misses(
        f in prop::sample::select(vec!["tri", "pert", "uniform", "normal", "lognormal", "discrete", "tr", ""]),
        args in proptest::collection::vec(("-?[0-9]{0,3}(\\.[0-9]{0,2})?(e[0-9]{1,3})?", prop::sample::select(vec!["", "d", "w", "mo", "y", "k", "M", "bn", "x"]), prop::option::of("[0-9.]{1,4}")), 0..5),
        close in any::<bool>(),
    ) {
        let body: Vec<String> = args.iter().map(|(n, u, w)| match w { Some(w) => format!("{n}{u}: {w}"), None => format!("{n}{u}") }).collect();
        let text = format!("{f}({}{}", body.join(", "), if close { ")" } else { "" });
        for q in [Quantity::Duration, Quantity::Lag, Quantity::Money, Quantity::Number] {
            if let Ok(d) = Dist::parse(&text, q) {
                prop_assert_eq!(Dist::parse(&d.display(q).to_string(), q), Ok(d));
            }
        }
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    for open in ["[", "{a=", "x = ["] {
        let text = format!("x = {}", open.repeat(100_000));
        assert!(parse(&text, "deep.toml").is_err());
    }
    // A long chain of tasks (deep for the cycle search) is fine.
    let mut src = PROG.to_string();
    for i in 0..20_000 {
        src.push_str(&format!("[[task]]\nid = \"t{i}\"\nduration = \"1d\"\n"));
        if i > 0 {
            src.push_str(&format!("after = [\"t{}\"]\n", i - 1));
        }
    }
    assert_eq!(model(&src).tasks.len(), 20_000);
}

// ---------------------------------------------------------------------------------------------
// Calendars
// ---------------------------------------------------------------------------------------------

const CAL: &str = r#"
[program]
name = "c"
start = 2024-01-01
horizon = 2026-12-31
calendar = "site"

[[calendar]]
id = "site"
name = "Site 5x8"
hours_per_day = 8
week = { mon = "08:00-12:00, 13:00-17:00", tue = "08:00-12:00, 13:00-17:00", wed = "08:00-12:00, 13:00-17:00", thu = "08:00-12:00, 13:00-17:00", fri = "08:00-12:00, 13:00-17:00", sat = "", sun = "" }
exceptions = [
  { from = 2024-12-23, to = 2025-01-01, hours = "" },
  { from = 2024-06-01, to = 2024-06-01, hours = "08:00-12:00" },
]

[[calendar]]
id = "shifts"
hours_per_day = 16
week = { mon = "13:00-24:00, 00:00-05:00" }

[[task]]
id = "a"
duration = "10d"

[[task]]
id = "b"
duration = "5d"
calendar = "shifts"
after = ["a"]

[[task]]
id = "c"
duration = "5d"
calendar = "none"
after = ["b"]
"#;

#[test]
fn calendars_are_read_resolved_and_written_back() {
    let m = model(CAL);
    assert_eq!(m.calendars.len(), 2);
    let site = &m.calendars[0];
    assert_eq!(site.name, "Site 5x8");
    assert_eq!(site.week[0], vec![(480, 720), (780, 1020)]);
    assert!(site.week[5].is_empty() && site.week[6].is_empty());
    assert_eq!(site.exceptions.len(), 2);
    assert!(
        site.hours_on(Date::from_ymd(2024, 12, 25).unwrap())
            .is_empty()
    );
    assert_eq!(
        site.hours_on(Date::from_ymd(2024, 6, 1).unwrap()),
        &vec![(480, 720)]
    );
    // Ranges are sorted; days left out of `week` do not work.
    assert_eq!(m.calendars[1].week[0], vec![(0, 300), (780, 1440)]);
    assert!(m.calendars[1].week[1].is_empty());
    assert_eq!(m.calendars[1].hours_per_day, 16.0);
    // Own calendar, else the program's; "none" is calendar days.
    assert_eq!(m.task_calendar(&m.tasks[0]), Some(0));
    assert_eq!(m.task_calendar(&m.tasks[1]), Some(1));
    assert_eq!(m.task_calendar(&m.tasks[2]), None);
    // Written back and read again: equal, and valid as built.
    let text = to_toml(&m);
    assert!(text.contains("[[calendar]]"), "{text}");
    assert_eq!(model(&text), m);
    validate(&m).expect("valid");
    // A start written as a date-time sets the start time, and is written back so.
    let timed = model(&CAL.replace("start = 2024-01-01", "start = 2024-01-01T09:30:00"));
    assert_eq!(timed.program.start_time, 570);
    assert!(to_toml(&timed).contains("start = 2024-01-01T09:30:00"));
    assert_eq!(model(&to_toml(&timed)), timed);
    // A calendar without `week` has the standard week.
    let std = model(
        "[program]\nname = \"s\"\nstart = 2024-01-01\nhorizon = 2025-01-01\n[[calendar]]\nid = \"std\"\n",
    );
    assert_eq!(std.calendars[0], Calendar::standard("std"));
}

#[test]
fn calendar_errors_name_the_place_the_value_and_a_fix() {
    let typo = CAL.replace("calendar = \"shifts\"", "calendar = \"shift\"");
    assert_err(
        &typo,
        &at(&typo, "\"shift\""),
        &[
            "unknown calendar `shift`",
            "did you mean `shifts`?",
            "\"none\"",
        ],
    );
    let bad_range = CAL.replace("mon = \"13:00-24:00", "mon = \"13:00-2400");
    assert_err(
        &bad_range,
        &at(&bad_range, "\"13:00-2400"),
        &[
            "`13:00-2400` is not a time range",
            "\"08:00-12:00, 13:00-17:00\"",
        ],
    );
    let backwards = CAL.replace("mon = \"13:00-24:00", "mon = \"13:00-12:00");
    assert_err(
        &backwards,
        &at(&backwards, "\"13:00-12:00"),
        &[
            "`13:00-12:00` does not end after it starts",
            "earlier time first",
        ],
    );
    let overlap = CAL.replace("13:00-24:00, 00:00-05:00", "13:00-20:00, 19:00-22:00");
    assert_err(
        &overlap,
        &at(&overlap, "\"13:00-20:00"),
        &["`13:00-20:00` and `19:00-22:00` overlap", "disjoint"],
    );
    let off_grid = CAL.replace("13:00-24:00", "13:10-24:00");
    assert_err(
        &off_grid,
        &at(&off_grid, "\"13:10"),
        &[
            "`13:10` in `13:10-24:00` is not on the 15-minute grid",
            ":15",
        ],
    );
    let idle = CAL.replace("mon = \"13:00-24:00, 00:00-05:00\"", "mon = \"\"");
    assert_err(
        &idle,
        &at(&idle, "{ mon = \"\" }"),
        &[
            "calendar `shifts` has no working time in its week",
            "at least one day",
        ],
    );
    let reversed = CAL.replace(
        "{ from = 2024-12-23, to = 2025-01-01",
        "{ from = 2025-01-01, to = 2024-12-23",
    );
    assert_err(
        &reversed,
        &at(&reversed, "{ from = 2025-01-01"),
        &[
            "exception `from` = 2025-01-01 is after `to` = 2024-12-23",
            "first day",
        ],
    );
    let hours = CAL.replace("hours_per_day = 16", "hours_per_day = 25");
    assert_err(
        &hours,
        &at(&hours, "25\nweek"),
        &["`hours_per_day` = 25 must be more than 0 and at most 24"],
    );
    let reserved = CAL.replace("id = \"shifts\"", "id = \"none\"");
    assert!(err(&reserved).contains("calendar id `none` is reserved"));
    let program = CAL.replace("calendar = \"site\"", "calendar = \"sit\"");
    assert_err(
        &program,
        &at(&program, "\"sit\""),
        &["unknown calendar `sit`", "did you mean `site`?"],
    );
    let key = CAL.replace("hours_per_day = 8", "hours_a_day = 8");
    assert_err(
        &key,
        &at(&key, "hours_a_day"),
        &["unknown key `hours_a_day`", "did you mean `hours_per_day`?"],
    );

    // A model built in code: the same messages by key path.
    let mut m = model(CAL);
    m.calendars[1].week[0] = vec![(780, 1200), (1140, 1320)];
    m.calendars[0].exceptions[0].from = Date::from_ymd(2025, 2, 1).unwrap();
    m.tasks[1].calendar = Some("shift".into());
    let e = validate(&m).expect_err("invalid").plain();
    for part in [
        "calendar[1].week.mon",
        "`13:00-20:00` and `19:00-22:00` overlap",
        "calendar[0].exceptions[0]",
        "is after `to`",
        "task[1].calendar",
        "did you mean `shifts`?",
    ] {
        assert!(e.contains(part), "`{part}` missing from:\n{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics for any line length

/// Renders `e` as the command line does (graphical, no colours, no wrapping).
fn render(e: &ModelError) -> String {
    let mut rendered = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_wrap_lines(false)
        .render_report(&mut rendered, e)
        .expect("a diagnostic renders");
    rendered
}

#[test]
fn diagnostics_render_for_any_line_length() {
    const HEAD: &str = "[program]\nstart = 2022-01-01\nhorizon = 2024-01-01\n";
    let task = "[[task]]\nid = \"a\"\nduration = \"1mo\"\n";
    let long_x = "x".repeat(70_000);
    let long_e = "é".repeat(40_000);
    let many = "1d, ".repeat(20_000);
    // (model text, token whose first place the headline problem names)
    let cases: Vec<(String, &str)> = vec![
        // A syntax error far along a long line (past column 65,535 of a formatting width).
        (format!("{HEAD}name = \"{long_x}\" junk\n{task}"), "junk"),
        // The same in multi-byte characters (the column counts characters).
        (format!("{HEAD}name = \"{long_e}\" junk\n{task}"), "junk"),
        // A value error whose span is itself a very long value.
        (
            format!("{HEAD}name = \"n\"\n[[task]]\nid = \"a\"\nduration = \"tri({many})\"\n"),
            "tri(",
        ),
        // An error on a short line next to a very long comment line (context).
        (
            format!("{HEAD}name = \"n\"\n#{long_x}\n[[task]]\nid = \"a\"\nduration = \"12\"\n"),
            "12\"",
        ),
        // Two problems on one long line, far apart.
        (
            format!(
                "task = [{{ id = \"a\", duration = \"1mo\", nam = \"{long_x}\", zz = 1 }}]\n{HEAD}name = \"n\"\n"
            ),
            "nam",
        ),
    ];
    for (text, token) in &cases {
        let e = parse(text, "long.toml").expect_err("each case is invalid");
        let p = &e.problems()[0];
        let (line, column) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.find(token).map(|b| (i + 1, l[..b].chars().count() + 1)))
            .unwrap();
        assert_eq!((p.line, p.column), (line, column), "{}", p.message);
        let rendered = render(&e);
        assert!(
            rendered.contains(&format!("long.toml:{line}:{column}")),
            "the header names the place in the file: {}",
            &rendered[..rendered.len().min(2000)]
        );
        let widest = rendered
            .lines()
            .map(|l| l.chars().count())
            .max()
            .unwrap_or(0);
        assert!(widest < 400, "a rendered line of {widest} characters");
        // Every message quotes values shortened.
        for p in e.problems() {
            assert!(p.message.chars().count() < 400, "{}", p.message.len());
        }
    }
}

#[test]
fn short_lines_render_whole() {
    // Lines under the limit are shown exactly as written.
    let text = "[program]\nname = \"n\"\nstart = 2022-01-01\nhorizon = 2024-01-01\n[[task]]\nid = \"a\"\nduration = \"12\"\n";
    let e = parse(text, "m.toml").unwrap_err();
    let rendered = render(&e);
    assert!(rendered.contains("duration = \"12\""), "{rendered}");
    assert!(rendered.contains("m.toml:7:13"), "{rendered}");
    assert!(!rendered.contains('…'), "{rendered}");
}

/// The horizon may lie up to 100 years (36,525 days) after the start, in a file and in a model
/// built in code; one day more is bad input naming the key and the value.
#[test]
fn the_horizon_lies_within_a_hundred_years_of_the_start() {
    let file = |horizon: &str| {
        format!(
            "[program]\nname = \"t\"\nstart = 2024-01-01\nhorizon = {horizon}\n[[task]]\nid = \"a\"\nduration = \"1d\"\n"
        )
    };
    let m = parse(&file("2124-01-02"), "m.toml").expect("36,525 days is allowed");
    assert_eq!(m.horizon_days(), 36_526.0, "the horizon includes its day");
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
    let src = file("2124-01-03");
    assert_err(
        &src,
        &format!("{}: program.horizon: ", at(&src, "2124-01-03")),
        &[
            "`horizon` = 2124-01-03 is 36526 days after `start` = 2024-01-01; it may be at most 36525 days (100 years) after it",
            "choose one within 100 years of the start, e.g. horizon = 2124-01-02",
        ],
    );
    let mut far = m.clone();
    far.program.horizon = Date::from_ymd(9999, 12, 31).expect("date");
    let out = validate(&far).map_err(|e| e.plain()).expect_err("too far");
    assert!(
        out.contains("program.horizon: `horizon` = 9999-12-31 is 2913173 days after"),
        "{out}"
    );
}
