//! The text grammar inside model values: amounts with units (`12mo`, `2bn`), distributions
//! (`tri(1mo, 2mo, 3mo)`), precedence links (`vehicle_dev:SS+2mo`) and ids. Parsing checks
//! everything a value can get wrong on its own (order of min/mode/max, signs, weights).

use std::fmt;
use std::ops::Range;

use crate::errors::DistError;
use crate::suggest::did_you_mean;
use crate::{DAYS_PER_YEAR, Dist, Link, LinkKind, Quantity};

/// Largest magnitude accepted anywhere: beyond it sums of draws lose whole units.
pub(crate) const MAX_MAGNITUDE: f64 = 1e15;

const MONTH: f64 = DAYS_PER_YEAR / 12.0;
const DURATION_UNITS: [(&str, f64); 4] =
    [("d", 1.0), ("w", 7.0), ("mo", MONTH), ("y", DAYS_PER_YEAR)];
const MONEY_UNITS: [(&str, f64); 4] = [("", 1.0), ("k", 1e3), ("M", 1e6), ("bn", 1e9)];
const FUNCTIONS: [&str; 6] = ["tri", "pert", "uniform", "normal", "lognormal", "discrete"];

fn example(q: Quantity) -> &'static str {
    match q {
        Quantity::Duration => "12mo or tri(3mo, 6mo, 12mo)",
        Quantity::Lag => "+2mo or -5d",
        Quantity::Money => "2bn or tri(1bn, 2bn, 4bn)",
        Quantity::Number => "1.2 or tri(1.0, 1.2, 1.5)",
    }
}

fn what(q: Quantity) -> &'static str {
    match q {
        Quantity::Duration => "a duration",
        Quantity::Lag => "a lag",
        Quantity::Money => "an amount of money",
        Quantity::Number => "a number",
    }
}

/// `text` with its leading whitespace cut off, and the byte offset of what remains.
fn trim_at(text: &str, at: usize) -> (&str, usize) {
    let start = text.len() - text.trim_start().len();
    (text.trim(), at + start)
}

/// One amount with its unit, in base units. `role` names it in messages ("min", "sd").
fn amount(text: &str, at: usize, q: Quantity, role: &str) -> Result<f64, DistError> {
    let (t, at) = trim_at(text, at);
    let span = at..at + t.len();
    let role_sp = if role.is_empty() {
        String::new()
    } else {
        format!("{role} ")
    };
    if t.is_empty() {
        return Err(DistError::new(
            span,
            format!(
                "a value is missing{}",
                if role.is_empty() {
                    String::new()
                } else {
                    format!(" ({role})")
                }
            ),
            format!("write {}", example(q)),
        ));
    }
    let b = t.as_bytes();
    let mut i = 0;
    let negative = b.first() == Some(&b'-');
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    while b.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    let num_start = i;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'.') {
        i += 1;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) && i > num_start {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if b.get(j).is_some_and(u8::is_ascii_digit) {
            i = j;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    // Every byte before `i` is ASCII, so these are char boundaries.
    let digits = t.get(num_start..i).unwrap_or("");
    let unit = t.get(i..).unwrap_or("").trim();
    let unit_span = span.end - unit.len()..span.end;
    if digits.is_empty() {
        let help = if t.contains(['(', ')']) {
            "distributions cannot be nested".to_string()
        } else {
            format!("write {}", example(q))
        };
        return Err(DistError::new(
            span,
            format!("expected {}{}, found `{t}`", role_sp, what(q)),
            help,
        ));
    }
    let Ok(mut v) = digits.parse::<f64>() else {
        return Err(DistError::new(
            span,
            format!("`{t}` is not a number"),
            format!("write {}", example(q)),
        ));
    };
    if negative {
        v = -v;
    }
    let factor = match q {
        Quantity::Duration | Quantity::Lag => {
            if unit.is_empty() {
                return Err(DistError::new(
                    span,
                    format!("{role_sp}`{t}` has no unit; a duration needs one"),
                    format!(
                        "give a unit (d, w, mo, y): write 12mo or 365d, e.g. `{digits}mo` or `{digits}d`"
                    ),
                ));
            }
            match DURATION_UNITS.iter().find(|(u, _)| *u == unit) {
                Some((_, f)) => *f,
                None => {
                    let hint = if unit == "m" {
                        "`m` is ambiguous: write `mo` for months. ".to_string()
                    } else {
                        did_you_mean(
                            unit,
                            DURATION_UNITS
                                .iter()
                                .map(|(u, _)| *u)
                                .chain(["days", "weeks", "months", "years"]),
                        )
                        .replace("`days`", "`d`")
                        .replace("`weeks`", "`w`")
                        .replace("`months`", "`mo`")
                        .replace("`years`", "`y`")
                    };
                    return Err(DistError::new(
                        unit_span,
                        format!("unknown unit `{unit}` in `{t}`"),
                        format!("{hint}durations take d, w (7 d), mo (1/12 y) or y (365.2425 d)"),
                    ));
                }
            }
        }
        Quantity::Money => match MONEY_UNITS.iter().find(|(u, _)| *u == unit) {
            Some((_, f)) => *f,
            None => {
                let hint = match unit {
                    "m" | "mn" | "mm" => "write `M` for millions. ",
                    "b" | "B" | "bln" | "BN" => "write `bn` for billions. ",
                    "K" => "write `k` for thousands. ",
                    _ => "",
                };
                return Err(DistError::new(
                    unit_span,
                    format!("unknown unit `{unit}` in `{t}`"),
                    format!("{hint}money is a plain number or takes k, M or bn"),
                ));
            }
        },
        Quantity::Number => {
            if !unit.is_empty() {
                return Err(DistError::new(
                    unit_span,
                    format!("unexpected unit `{unit}` in `{t}`: a plain number is expected here"),
                    format!("write the number without a unit, e.g. `{digits}`"),
                ));
            }
            1.0
        }
    };
    let x = v * factor + 0.0; // `+ 0.0` turns -0 into 0
    if !x.is_finite() || x.abs() > MAX_MAGNITUDE {
        return Err(DistError::new(
            span,
            format!(
                "{role_sp}`{t}` is too large (overflow): magnitudes above 1e15 are not accepted"
            ),
            "use a smaller value or a larger unit",
        ));
    }
    if x < 0.0 && q != Quantity::Lag {
        return Err(DistError::new(
            span,
            format!("{role_sp}`{t}` is negative; {} cannot be negative", what(q)),
            "use a value of 0 or more",
        ));
    }
    Ok(x)
}

/// Checks a finite value given as a TOML number for a `Money` or `Number` distribution.
pub(crate) fn check_plain(v: f64, q: Quantity) -> Result<Dist, (String, String)> {
    if !v.is_finite() || v.abs() > MAX_MAGNITUDE {
        return Err((
            format!(
                "`{v}` is too large or not finite (overflow): magnitudes above 1e15 are not accepted"
            ),
            "use a smaller, finite value".into(),
        ));
    }
    if v < 0.0 {
        return Err((
            format!("`{v}` is negative; {} cannot be negative", what(q)),
            "use a value of 0 or more".into(),
        ));
    }
    Ok(Dist::Fixed(v + 0.0))
}

/// Splits `s` (at byte offset `at`) at top-level commas into pieces with their offsets.
fn split_args(s: &str, at: usize) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == ',' {
            out.push((s.get(start..i).unwrap_or(""), at + start));
            start = i + 1;
        }
    }
    out.push((s.get(start..).unwrap_or(""), at + start));
    // Tolerate one trailing comma.
    if out.len() > 1 && out.last().is_some_and(|(a, _)| a.trim().is_empty()) {
        out.pop();
    }
    out
}

impl Dist {
    /// Parses a distribution text such as `12mo`, `tri(1mo, 2mo, 3mo)` or
    /// `discrete(3mo: 0.5, 6mo: 0.5)` into base units (days, currency units, numbers), and
    /// checks it: order of min/mode/max, signs, weights, magnitudes.
    pub fn parse(text: &str, q: Quantity) -> Result<Dist, DistError> {
        let (t, at) = trim_at(text, 0);
        let whole = at..at + t.len();
        if t.is_empty() {
            return Err(DistError::new(
                whole,
                "the distribution is empty".into(),
                format!("write {}", example(q)),
            ));
        }
        let Some(open) = t.find('(') else {
            if let Some(close) = t.find(')') {
                return Err(DistError::new(
                    at + close..at + close + 1,
                    format!("`)` without `(` in `{t}`"),
                    "write a function such as tri(1mo, 2mo, 3mo)",
                ));
            }
            return Ok(Dist::Fixed(amount(t, at, q, "")?));
        };
        let name = t.get(..open).unwrap_or("").trim();
        let Some(close) = t.rfind(')') else {
            return Err(DistError::new(
                at + open..at + t.len(),
                format!("unclosed parenthesis in `{t}`"),
                format!("close it with `)`, e.g. `{t})`"),
            ));
        };
        if close + 1 != t.len() {
            return Err(DistError::new(
                at + close + 1..at + t.len(),
                format!(
                    "unexpected text `{}` after `)` in `{t}`",
                    t.get(close + 1..).unwrap_or("")
                ),
                "remove it",
            ));
        }
        let inner = t.get(open + 1..close).unwrap_or("");
        let inner_at = at + open + 1;
        if let Some(p) = inner.find(['(', ')']) {
            return Err(DistError::new(
                inner_at + p..inner_at + p + 1,
                format!("unexpected parenthesis inside `{t}`"),
                "distributions cannot be nested; write one function with plain values",
            ));
        }
        let name_span = at..at + open;
        if !FUNCTIONS.contains(&name) {
            return Err(DistError::new(
                name_span,
                format!("unknown distribution `{name}` in `{t}`"),
                format!(
                    "{}known: tri, pert, uniform, normal, lognormal, discrete",
                    did_you_mean(name, FUNCTIONS)
                ),
            ));
        }
        if name == "discrete" {
            return discrete(inner, inner_at, q, t, whole);
        }
        let args = split_args(inner, inner_at);
        let (roles, usage): (&[&str], &str) = match name {
            "tri" | "pert" => (&["min", "mode", "max"], "(min, mode, max)"),
            "uniform" => (&["min", "max"], "(min, max)"),
            "normal" => (&["mean", "sd"], "(mean, sd)"),
            _ => (&["median", "p90"], "(median, p90)"),
        };
        if args.len() != roles.len() {
            let got = if inner.trim().is_empty() {
                0
            } else {
                args.len()
            };
            return Err(DistError::new(
                whole,
                format!(
                    "`{name}` takes {} values {usage}, got {got} in `{t}`",
                    roles.len()
                ),
                format!("write {name}{usage}, e.g. {}", example_fn(name, q)),
            ));
        }
        let mut v = [0.0; 3];
        for ((slot, (arg, arg_at)), role) in v.iter_mut().zip(&args).zip(roles) {
            *slot = amount(arg, *arg_at, q, role)?;
        }
        let [a, b, c] = v;
        let bad = |message: String, help: &str| Err(DistError::new(whole.clone(), message, help));
        match name {
            "tri" | "pert" => {
                if a > c {
                    return bad(
                        format!("min > max in `{t}`"),
                        "order the values as (min, mode, max)",
                    );
                }
                if b < a || b > c {
                    return bad(
                        format!("mode outside [min, max] in `{t}`"),
                        "order the values as (min, mode, max)",
                    );
                }
                Ok(if name == "tri" {
                    Dist::Triangular {
                        min: a,
                        mode: b,
                        max: c,
                    }
                } else {
                    Dist::Pert {
                        min: a,
                        mode: b,
                        max: c,
                    }
                })
            }
            "uniform" => {
                if a > b {
                    return bad(
                        format!("min > max in `{t}`"),
                        "order the values as (min, max)",
                    );
                }
                Ok(Dist::Uniform { min: a, max: b })
            }
            "normal" => {
                if b < 0.0 {
                    return bad(
                        format!("sd < 0 in `{t}`"),
                        "the standard deviation must be 0 or more",
                    );
                }
                Ok(Dist::Normal { mean: a, sd: b })
            }
            _ => {
                if !(a > 0.0 && a <= b) {
                    return bad(
                        format!("lognormal needs 0 < median <= p90, got `{t}`"),
                        "give a positive median and a p90 at least as large (equal means fixed)",
                    );
                }
                Ok(Dist::LogNormal { median: a, p90: b })
            }
        }
    }

    /// The canonical text of this distribution for quantity `q`, with units (durations in
    /// `mo`, `y` or `d`; money in `bn`, `M`, `k` or plain), which [`Dist::parse`] reads
    /// back to an equal value. `Display` gives the plain-number form (for `Money`/`Number`).
    pub fn display(&self, q: Quantity) -> DistText<'_> {
        DistText { dist: self, q }
    }

    /// Every value (not the weights), for checks and unit choice.
    pub(crate) fn values(&self) -> Vec<f64> {
        match self {
            Dist::Fixed(v) => vec![*v],
            Dist::Triangular { min, mode, max } | Dist::Pert { min, mode, max } => {
                vec![*min, *mode, *max]
            }
            Dist::Uniform { min, max } => vec![*min, *max],
            Dist::Normal { mean, sd } => vec![*mean, *sd],
            Dist::LogNormal { median, p90 } => vec![*median, *p90],
            Dist::Discrete(v) => v.iter().map(|(x, _)| *x).collect(),
        }
    }
}

fn example_fn(name: &str, q: Quantity) -> &'static str {
    let dur = matches!(q, Quantity::Duration | Quantity::Lag);
    match (name, dur) {
        ("tri", true) => "tri(3mo, 6mo, 12mo)",
        ("pert", true) => "pert(3mo, 6mo, 12mo)",
        ("uniform", true) => "uniform(3mo, 12mo)",
        ("normal", true) => "normal(6mo, 1mo)",
        ("lognormal", true) => "lognormal(6mo, 12mo)",
        ("tri", false) => "tri(1, 2, 4)",
        ("pert", false) => "pert(1, 2, 4)",
        ("uniform", false) => "uniform(1, 4)",
        ("normal", false) => "normal(2, 0.5)",
        _ => "lognormal(2, 4)",
    }
}

fn discrete(
    inner: &str,
    at: usize,
    q: Quantity,
    t: &str,
    whole: Range<usize>,
) -> Result<Dist, DistError> {
    let eg = if matches!(q, Quantity::Duration | Quantity::Lag) {
        "discrete(3mo: 0.5, 6mo: 0.3, 12mo: 0.2)"
    } else {
        "discrete(1: 0.5, 2: 0.5)"
    };
    if inner.trim().is_empty() {
        return Err(DistError::new(
            whole,
            format!("empty discrete distribution `{t}`"),
            format!("list `value: weight` pairs, e.g. {eg}"),
        ));
    }
    let mut pairs = Vec::new();
    for (arg, arg_at) in split_args(inner, at) {
        let Some(colon) = arg.find(':') else {
            let (a, a_at) = trim_at(arg, arg_at);
            return Err(DistError::new(
                a_at..a_at + a.len(),
                format!("`{a}` in `{t}` is not a `value: weight` pair"),
                format!("write {eg}"),
            ));
        };
        let value = amount(arg.get(..colon).unwrap_or(""), arg_at, q, "value")?;
        let wtext = arg.get(colon + 1..).unwrap_or("");
        let w = amount(wtext, arg_at + colon + 1, Quantity::Number, "weight")?;
        if w > 1.0 {
            let (wt, w_at) = trim_at(wtext, arg_at + colon + 1);
            return Err(DistError::new(
                w_at..w_at + wt.len(),
                format!("weight `{wt}` in `{t}` is above 1"),
                "weights are probabilities that sum to 1",
            ));
        }
        pairs.push((value, w));
    }
    let sum: f64 = pairs.iter().map(|(_, w)| w).sum();
    if (sum - 1.0).abs() > 1e-9 {
        return Err(DistError::new(
            whole,
            format!("the weights in `{t}` sum to {sum}, not 1"),
            "make the weights sum to 1 (within 1e-9)",
        ));
    }
    Ok(Dist::Discrete(pairs))
}

/// A number in the shortest text that reads back to exactly the same `f64`.
pub(crate) fn fmt_num(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if (1e-5..1e16).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// The text of `x` in `unit` of size `f`, if it reads back exactly and has at most 3 decimals
/// and is 0 or at least 1 (so `150k` rather than `0.15M`).
///
/// `x / f` is rarely the exact decimal: `5mo` is `5 × 30.436875` days, and dividing back gives
/// `4.999999999999999`. So the quotient is rounded to 0..=3 decimals, and a rounding is taken
/// only if the grammar reads it back to exactly `x` (it computes `value × f`): that keeps
/// display → parse exact while months print as months.
fn in_unit(x: f64, f: f64) -> Option<String> {
    let u = x / f;
    if !u.is_finite() || !(u == 0.0 || u.abs() >= 1.0) || u.abs() >= 1e15 {
        return None;
    }
    let mut scale = 1.0;
    for _ in 0..=3 {
        let r = (u * scale).round() / scale;
        // Within 1e-9 relative: anything further is not this decimal.
        if (r - u).abs() <= 1e-9 * u.abs() {
            let s = fmt_num(r);
            let decimals = s.split_once('.').map_or(0, |(_, d)| d.len());
            let exact = s.parse::<f64>().is_ok_and(|back| back * f + 0.0 == x);
            if exact && decimals <= 3 && !s.contains('e') {
                return Some(s);
            }
        }
        scale *= 10.0;
    }
    None
}

/// Display of a [`Dist`] for one [`Quantity`]; see [`Dist::display`].
pub struct DistText<'a> {
    dist: &'a Dist,
    q: Quantity,
}

impl fmt::Display for DistText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = self.dist.values();
        // One unit for the whole distribution, the first in which every value reads nicely.
        let (candidates, fallback): (&[(&str, f64)], &str) = match self.q {
            Quantity::Duration | Quantity::Lag => {
                (&[("mo", MONTH), ("y", DAYS_PER_YEAR), ("d", 1.0)], "d")
            }
            Quantity::Money => (&[("bn", 1e9), ("M", 1e6), ("k", 1e3)], ""),
            Quantity::Number => (&[], ""),
        };
        let all_zero = values.iter().all(|v| *v == 0.0);
        let chosen = candidates
            .iter()
            .find(|(_, k)| !all_zero && values.iter().all(|v| in_unit(*v, *k).is_some()))
            .copied();
        let num = |x: f64| -> String {
            match chosen {
                Some((u, k)) => format!("{}{u}", in_unit(x, k).unwrap_or_else(|| fmt_num(x / k))),
                None => format!("{}{fallback}", fmt_num(x)),
            }
        };
        match self.dist {
            Dist::Fixed(v) => write!(f, "{}", num(*v)),
            Dist::Triangular { min, mode, max } => {
                write!(f, "tri({}, {}, {})", num(*min), num(*mode), num(*max))
            }
            Dist::Pert { min, mode, max } => {
                write!(f, "pert({}, {}, {})", num(*min), num(*mode), num(*max))
            }
            Dist::Uniform { min, max } => write!(f, "uniform({}, {})", num(*min), num(*max)),
            Dist::Normal { mean, sd } => write!(f, "normal({}, {})", num(*mean), num(*sd)),
            Dist::LogNormal { median, p90 } => {
                write!(f, "lognormal({}, {})", num(*median), num(*p90))
            }
            Dist::Discrete(pairs) => {
                write!(f, "discrete(")?;
                for (i, (x, w)) in pairs.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{}: {}", num(*x), fmt_num(*w))?;
                }
                write!(f, ")")
            }
        }
    }
}

impl fmt::Display for Dist {
    /// Plain numbers in base units: exact for `Money` and `Number`; for durations use
    /// [`Dist::display`], which adds the unit the grammar requires.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.display(Quantity::Number).fmt(f)
    }
}

/// True for ids made of `[a-z0-9_]+`.
pub(crate) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// True for the ids of tasks merged from an `[[include]]` and references to them:
/// `[a-z0-9_]+(/[A-Za-z0-9_.-]+)*` (so every id of a file, too).
pub(crate) fn valid_ref_id(id: &str) -> bool {
    let mut parts = id.split('/');
    parts.next().is_some_and(valid_id)
        && parts.all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        })
}

/// Parses a link such as `vehicle_dev:SS+2mo`, `site_deal`, `a-5d` or `a+2mo` (FS). The
/// error carries the byte range within `text`.
///
/// The id of an included task (`plant/a-100`) may contain `-`, so after such an id a negative
/// lag needs the link type: `plant/a-100:FS-5d` (the writer always adds it).
pub(crate) fn parse_link(text: &str) -> Result<Link, DistError> {
    let (t, at) = trim_at(text, 0);
    let head = t.find([':', '+']).unwrap_or(t.len());
    let end = if t.get(..head).is_some_and(|h| h.contains('/')) {
        head
    } else {
        t.find([':', '+', '-']).unwrap_or(t.len())
    };
    let id = t.get(..end).unwrap_or("").trim_end();
    if !valid_ref_id(id) {
        return Err(DistError::new(
            at..at + end,
            format!("`{id}` in link `{t}` is not a valid task id"),
            "a link is ID, ID:FS, ID:SS, ID:FF or ID:SF with an optional lag like +2mo or -5d; ids are [a-z0-9_]+ (or prefix/id for an included task)",
        ));
    }
    let mut rest = t.get(end..).unwrap_or("");
    let mut rest_at = at + end;
    let mut kind = LinkKind::FinishToStart;
    if let Some(r) = rest.strip_prefix(':') {
        let (r2, r_at) = trim_at(r, rest_at + 1);
        let code = r2.get(..2).unwrap_or(r2);
        kind = match code.to_ascii_uppercase().as_str() {
            "FS" => LinkKind::FinishToStart,
            "SS" => LinkKind::StartToStart,
            "FF" => LinkKind::FinishToFinish,
            "SF" => LinkKind::StartToFinish,
            _ => {
                return Err(DistError::new(
                    r_at..r_at + r2.len(),
                    format!("unknown link type `{r2}` in `{t}`"),
                    "use FS (finish to start), SS, FF or SF",
                ));
            }
        };
        rest = r2.get(code.len()..).unwrap_or("");
        rest_at = r_at + code.len();
    }
    let (lag_text, lag_at) = trim_at(rest, rest_at);
    let lag = if lag_text.is_empty() {
        0.0
    } else if !lag_text.starts_with(['+', '-']) {
        return Err(DistError::new(
            lag_at..lag_at + lag_text.len(),
            format!("unexpected `{lag_text}` in link `{t}`"),
            "a lag starts with + or -, e.g. `vehicle_dev:SS+2mo`",
        ));
    } else {
        match Dist::parse(lag_text, Quantity::Lag) {
            Ok(Dist::Fixed(v)) => v,
            Ok(_) => {
                return Err(DistError::new(
                    lag_at..lag_at + lag_text.len(),
                    format!("the lag `{lag_text}` in `{t}` must be a fixed value"),
                    "write a lag like +2mo or -5d",
                ));
            }
            Err(e) => {
                let span = e.span.start + lag_at..e.span.end + lag_at;
                return Err(DistError::new(
                    span,
                    format!("{} in link `{t}`", e.message),
                    e.help,
                ));
            }
        }
    };
    Ok(Link {
        task: id.to_string(),
        kind,
        lag,
    })
}

impl fmt::Display for Link {
    /// Canonical link text (`id`, `id:SS`, `id+2mo`), read back exactly by the grammar.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.task)?;
        // After an included task's id (which may contain `-`) a negative lag needs the type.
        if self.kind != LinkKind::FinishToStart || (self.lag < 0.0 && self.task.contains('/')) {
            write!(f, ":{}", self.kind.code())?;
        }
        if self.lag != 0.0 {
            let sign = if self.lag < 0.0 { '-' } else { '+' };
            write!(
                f,
                "{sign}{}",
                Dist::Fixed(self.lag.abs()).display(Quantity::Lag)
            )?;
        }
        Ok(())
    }
}
