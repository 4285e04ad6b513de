//! How the report writes numbers: shares as percentages, counts with thousands separators,
//! money, and distributions in the units a person would write.
//!
//! The terminal tables and the HTML report format through these functions, so that a figure
//! reads the same in both (the CSV tables and the JSON result carry plain numbers).

use launchcast_model::{DAYS_PER_YEAR, Dist, Quantity};

/// A share as a percentage with one decimal. Only exactly 0 and 1 print as `0.0%` and
/// `100.0%`: a share that would round to either prints as `<0.1%` or `>99.9%`.
pub fn percent(p: f64) -> String {
    let s = format!("{:.1}", p * 100.0);
    if p > 0.0 && s == "0.0" {
        "<0.1%".to_string()
    } else if p < 1.0 && s == "100.0" {
        ">99.9%".to_string()
    } else {
        format!("{}%", if s == "-0.0" { "0.0" } else { &s })
    }
}

/// `1234567.8` → `1,234,568`.
pub fn group_thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 && digits != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// `n thing` or `n things`, with thousands separators.
pub fn count(n: u64, thing: &str) -> String {
    format!(
        "{} {thing}{}",
        group_thousands(n as f64),
        if n == 1 { "" } else { "s" }
    )
}

/// Money as the terminal tables print it: three significant digits and a `k`, `M` or `bn`
/// suffix, `9.12bn`, `450M`, `72.0bn` (compare [`money_in`]).
pub fn money(x: f64) -> String {
    let a = x.abs();
    let (scaled, suffix) = if a >= 999.5e6 {
        (x / 1e9, "bn")
    } else if a >= 999.5e3 {
        (x / 1e6, "M")
    } else if a >= 999.5 {
        (x / 1e3, "k")
    } else {
        return format!("{x:.0}");
    };
    let s = scaled.abs();
    let text = if s >= 99.95 {
        format!("{scaled:.0}")
    } else if s >= 9.995 {
        format!("{scaled:.1}")
    } else {
        format!("{scaled:.2}")
    };
    format!("{text}{suffix}")
}

/// Number with a `k`, `M` or `bn` suffix, at most three significant digits: `67bn`,
/// `2.5M`, `450k`, `12`.
pub fn si(x: f64) -> String {
    let a = x.abs();
    let (v, suffix) = if a >= 1e9 {
        (x / 1e9, "bn")
    } else if a >= 1e6 {
        (x / 1e6, "M")
    } else if a >= 1e3 {
        (x / 1e3, "k")
    } else {
        (x, "")
    };
    let s = if v.abs() >= 100.0 || v == v.round() {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    format!("{s}{suffix}")
}

/// Money as the HTML report writes it: [`si`] after the currency (`EUR 4bn`), or [`si`]
/// alone without one.
pub fn money_in(x: f64, currency: &str) -> String {
    if currency.is_empty() {
        si(x)
    } else {
        format!("{currency} {}", si(x))
    }
}

/// A value in the units a person would write: durations in months, weeks or days, money
/// with k/M/bn, numbers plain.
pub fn amount(v: f64, q: Quantity) -> String {
    match q {
        Quantity::Duration | Quantity::Lag => {
            let month = DAYS_PER_YEAR / 12.0;
            let sign = if v < 0.0 { "-" } else { "" };
            let a = v.abs();
            let near = |x: f64, step: f64| ((x / step).round() * step - x).abs() < 1e-6;
            if a == 0.0 {
                "0d".to_string()
            } else if near(a / DAYS_PER_YEAR, 1.0) && a >= 5.0 * DAYS_PER_YEAR {
                format!("{sign}{}y", (a / DAYS_PER_YEAR).round())
            } else if near(a / month, 0.5) || near(a / DAYS_PER_YEAR, 1.0) {
                format!("{sign}{}mo", (a / month * 2.0).round() / 2.0)
            } else if near(a / 7.0, 1.0) {
                format!("{sign}{}w", (a / 7.0).round())
            } else if near(a, 1.0) {
                format!("{sign}{a:.0}d")
            } else {
                format!("{sign}{a:.1}d")
            }
        }
        Quantity::Money => si(v),
        Quantity::Number => {
            if v.abs() >= 1e4 {
                group_thousands(v)
            } else {
                format!("{}", (v * 1e4).round() / 1e4)
            }
        }
    }
}

/// A value rounded for reading beside others of its kind: durations of two months or more in
/// months to one decimal (`9.1mo`), shorter ones in days, money with k/M/bn, numbers to
/// three significant digits.
pub fn approx(v: f64, q: Quantity) -> String {
    match q {
        Quantity::Duration | Quantity::Lag => {
            let month = DAYS_PER_YEAR / 12.0;
            if v.abs() >= 2.0 * month {
                format!("{:.1}mo", v / month)
            } else {
                format!("{v:.0}d")
            }
        }
        Quantity::Money => si(v),
        Quantity::Number => {
            if v == 0.0 || !v.is_finite() {
                format!("{v}")
            } else {
                let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
                format!("{v:.digits$}")
            }
        }
    }
}

/// A distribution as model-file text, each value in its own readable unit ([`amount`]).
///
/// Not [`Dist::display`], which picks one unit for the whole distribution (`tri(14d, 30d,
/// 60d)` there, `tri(2w, 30d, 60d)` here): the HTML report has always printed this form.
pub fn distribution(d: &Dist, q: Quantity) -> String {
    let a = |v: f64| amount(v, q);
    match d {
        Dist::Fixed(v) => a(*v),
        Dist::Triangular { min, mode, max } => {
            format!("tri({}, {}, {})", a(*min), a(*mode), a(*max))
        }
        Dist::Pert { min, mode, max } => format!("pert({}, {}, {})", a(*min), a(*mode), a(*max)),
        Dist::Uniform { min, max } => format!("uniform({}, {})", a(*min), a(*max)),
        Dist::Normal { mean, sd } => format!("normal({}, {})", a(*mean), a(*sd)),
        Dist::LogNormal { median, p90 } => format!("lognormal({}, {})", a(*median), a(*p90)),
        Dist::Discrete(v) => format!(
            "discrete({})",
            v.iter()
                .map(|(x, w)| format!("{}: {}", a(*x), (w * 1e4).round() / 1e4))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers() {
        assert_eq!(group_thousands(0.0), "0");
        assert_eq!(group_thousands(999.4), "999");
        assert_eq!(group_thousands(1234567.8), "1,234,568");
        assert_eq!(group_thousands(-41000.4), "-41,000");
        assert_eq!(money(0.0), "0");
        assert_eq!(money(950.0), "950");
        assert_eq!(money(999.6), "1.00k");
        assert_eq!(money(12_345.0), "12.3k");
        assert_eq!(money(450e6), "450M");
        assert_eq!(money(9.123e9), "9.12bn");
        assert_eq!(money(72e9), "72.0bn");
        assert_eq!(money(1.5e12), "1500bn");
        assert_eq!(count(1, "iteration"), "1 iteration");
        assert_eq!(count(0, "iteration"), "0 iterations");
        assert_eq!(count(20_000, "iteration"), "20,000 iterations");
    }

    #[test]
    fn si_keeps_three_significant_digits() {
        assert_eq!(si(67e9), "67bn");
        assert_eq!(si(2.5e6), "2.5M");
        assert_eq!(si(12_000.0), "12k");
        assert_eq!(si(0.0), "0");
        assert_eq!(si(1.25e9), "1.25bn");
        assert_eq!(money_in(4e9, "EUR"), "EUR 4bn");
        assert_eq!(money_in(4e9, ""), "4bn");
    }

    #[test]
    fn percentages_say_certain_only_when_certain() {
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(1.0), "100.0%");
        assert_eq!(percent(0.8123), "81.2%");
        // Every share that rounds to 0.0 or 100.0 without being 0 or 1.
        assert_eq!(percent(0.0001), "<0.1%");
        assert_eq!(percent(0.000_499), "<0.1%");
        assert_eq!(percent(0.9995), ">99.9%");
        assert_eq!(percent(0.99951), ">99.9%");
        assert_eq!(percent(0.9999), ">99.9%");
        assert_eq!(percent(1.0 - 1e-12), ">99.9%");
        assert_eq!(percent(f64::MIN_POSITIVE), "<0.1%");
        // Just inside: ordinary figures.
        assert_eq!(percent(0.9994), "99.9%");
        assert_eq!(percent(0.0006), "0.1%");
        assert_eq!(percent(-0.0), "0.0%");
    }

    #[test]
    fn amounts_read_like_the_model_file() {
        let month = DAYS_PER_YEAR / 12.0;
        assert_eq!(amount(9.0 * month, Quantity::Duration), "9mo");
        assert_eq!(amount(12.0 * month, Quantity::Duration), "12mo");
        assert_eq!(amount(14.0, Quantity::Duration), "2w");
        assert_eq!(amount(10.0, Quantity::Duration), "10d");
        assert_eq!(amount(6.0 * DAYS_PER_YEAR, Quantity::Duration), "6y");
        assert_eq!(amount(13.4e9, Quantity::Money), "13.4bn");
        assert_eq!(amount(150_000.0, Quantity::Number), "150,000");
        assert_eq!(
            distribution(
                &Dist::Triangular {
                    min: 0.5,
                    mode: 0.8,
                    max: 1.0
                },
                Quantity::Number
            ),
            "tri(0.5, 0.8, 1)"
        );
    }
}
