//! The distribution grammar: exact values in base units, errors, canonical display.

use super::*;

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
