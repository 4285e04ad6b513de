//! Typed, span-keeping access to the parsed TOML document (`toml::de::DeTable`). Every
//! accessor reports what is wrong into a [`Cx`] and carries on, so one pass finds all
//! problems; it returns `None` where no value could be read. The items other TOML files of
//! launchcast need are public through [`crate::toml_reader`].

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::errors::{DistError, Lines, Problem, line_column};
use crate::grammar::check_plain;
use crate::kind::{Fraction, ProblemKind};
use crate::reference::{Reference, ReferenceUse};
use crate::{Date, Dist, ModelError, Quantity};

/// A byte range in the source.
pub type Span = Range<usize>;
/// A TOML value with its span.
pub type Val<'i> = Spanned<DeValue<'i>>;

/// One problem found, before it becomes a [`Problem`].
struct Found {
    span: Option<Span>,
    path: String,
    label: String,
    message: String,
    help: Option<String>,
    related: Vec<(Span, String)>,
}

/// Collects problems while reading one source (or, with an empty source and no spans, while
/// checking a model built in code).
pub struct Cx<'s> {
    pub(crate) src: &'s str,
    problems: Vec<Found>,
    /// The `[[reference]]` classes read so far, for `ref(id)` values to draw from.
    pub(crate) references: Vec<Reference>,
    /// Ids of classes that give no predictive (reported where they are defined).
    pub(crate) broken_references: Vec<String>,
    /// Classes of shared files left with too few observations by the model's start: (id,
    /// why), reported where the model draws from one.
    pub(crate) thin_references: Vec<(String, String)>,
}

impl<'s> Cx<'s> {
    /// Starts reading `src`, with no problem found yet.
    pub fn new(src: &'s str) -> Cx<'s> {
        Cx {
            src,
            problems: Vec::new(),
            references: Vec::new(),
            broken_references: Vec::new(),
            thin_references: Vec::new(),
        }
    }

    /// Whether a problem has been found.
    pub fn has_problems(&self) -> bool {
        !self.problems.is_empty()
    }

    pub(crate) fn count(&self) -> usize {
        self.problems.len()
    }

    /// Records a problem at `span` (key `path`), with a short `label` and a `help`.
    pub fn report(
        &mut self,
        span: Span,
        path: &str,
        label: &str,
        message: String,
        help: impl Into<String>,
    ) {
        self.report_at(Some(span), path, label, message, help, Vec::new());
    }

    /// [`Cx::report`] with an optional span (none for models built in code) and other
    /// places that take part (labelled).
    pub(crate) fn report_at(
        &mut self,
        span: Option<Span>,
        path: &str,
        label: &str,
        message: String,
        help: impl Into<String>,
        related: Vec<(Span, String)>,
    ) {
        let help = help.into();
        self.problems.push(Found {
            span,
            path: path.to_string(),
            label: label.to_string(),
            message,
            help: (!help.is_empty()).then_some(help),
            related,
        });
    }

    /// Records a problem of kind `kind` at `span` (none for models built in code).
    pub(crate) fn report_kind(&mut self, span: Option<Span>, path: &str, kind: &ProblemKind<'_>) {
        self.report_at(
            span,
            path,
            &kind.label(),
            kind.message(),
            kind.help(),
            Vec::new(),
        );
    }

    /// Every problem found, each placed in the source of file `file`, in reading order.
    pub fn into_error(self, file: &str) -> ModelError {
        let lines = Lines::of(self.src);
        let problems = self
            .problems
            .into_iter()
            .map(|f| {
                let place = f
                    .span
                    .as_ref()
                    .map_or((0, 0), |s| lines.line_column(self.src, s.start));
                let mut p =
                    Problem::placed(file, place, f.span, f.path, f.label, f.message, f.help);
                p.related = f
                    .related
                    .into_iter()
                    .map(|(span, text)| (span, crate::printable(&text).into_owned()))
                    .collect();
                p
            })
            .collect();
        ModelError::new(file, self.src, problems)
    }

    /// `file:line:column` of `span` (for messages naming other places), or `None`
    /// without a source.
    pub(crate) fn place(&self, span: &Span) -> Option<String> {
        if self.src.is_empty() {
            return None;
        }
        let (line, column) = line_column(self.src, span.start);
        Some(format!("line {line}, column {column}"))
    }

    /// The source text at `span`, on one line and shortened for messages.
    pub fn text(&self, span: &Span) -> String {
        let s = self.src.get(span.clone()).unwrap_or("");
        let s = s.split('\n').next().unwrap_or("").trim_end();
        if s.chars().count() > 60 {
            format!("{}…", s.chars().take(60).collect::<String>())
        } else {
            s.to_string()
        }
    }

    /// The first line of `span` (a table's header rather than its whole body).
    pub(crate) fn head(&self, span: &Span) -> Span {
        let s = self.src.get(span.clone()).unwrap_or("");
        let len = s.find('\n').unwrap_or(s.len());
        span.start..span.start + len
    }
}

/// What kind of TOML value `v` is, for messages.
pub(crate) fn kind(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A table being read, with its key path (`task[2]`) and span.
pub struct Tab<'a, 'i> {
    /// The table's keys and values.
    pub table: &'a DeTable<'i>,
    /// Where it is written: from its header (`[[task]]`) or opening brace.
    pub span: Span,
    /// Its key path, e.g. `task[2]` (0-based) or `task[2].risk`; empty for the top level.
    pub path: String,
}

impl<'a, 'i> Tab<'a, 'i> {
    /// The top level of a document read by [`document`].
    pub fn top(doc: &'a Spanned<DeTable<'i>>) -> Tab<'a, 'i> {
        Tab {
            table: doc.get_ref(),
            span: doc.span(),
            path: String::new(),
        }
    }

    /// Reports keys not in `known`, with the nearest known key as a suggestion.
    pub fn check_keys(&self, cx: &mut Cx<'_>, known: &[&str]) {
        for (k, _) in self.table.iter() {
            let name = k.get_ref().as_ref();
            if !known.contains(&name) {
                let kind = ProblemKind::UnknownKey {
                    name,
                    table: &self.path,
                    known,
                };
                cx.report_kind(Some(k.span()), &self.sub(name), &kind);
            }
        }
    }

    /// The key path of `key` in this table (`task[2].duration`).
    pub fn sub(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key`, if the table has it.
    pub fn get(&self, key: &str) -> Option<&'a Val<'i>> {
        self.table.get(key)
    }

    /// Reports `key` as missing, pointing at the table's first line.
    pub(crate) fn missing(&self, cx: &mut Cx<'_>, key: &str, example: &str) {
        let head = cx.head(&self.span);
        let kind = ProblemKind::MissingKey {
            key,
            table: &self.path,
            example,
        };
        cx.report_kind(Some(head), &self.sub(key), &kind);
    }

    /// The value of `key`, or `None` with the key reported as missing (`example`, a value
    /// to write, goes into the help).
    pub fn required(&self, cx: &mut Cx<'_>, key: &str, example: &str) -> Option<&'a Val<'i>> {
        let v = self.get(key);
        if v.is_none() {
            self.missing(cx, key, example);
        }
        v
    }
}

fn wrong_type(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, expected: &str, help: &str) {
    let text = cx.text(&v.span());
    let problem = ProblemKind::WrongType {
        key: path,
        expected,
        found: kind(v.get_ref()),
        text: &text,
        help,
    };
    cx.report_kind(Some(v.span()), path, &problem);
}

/// A string.
pub fn string(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, help: &str) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        _ => {
            wrong_type(cx, v, path, "a string", help);
            None
        }
    }
}

/// A TOML integer or float as `f64` (not yet checked for finiteness).
pub fn number(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, help: &str) -> Option<f64> {
    let n = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .map(|i| i as f64),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => {
            wrong_type(cx, v, path, "a number", help);
            return None;
        }
    };
    if n.is_none() {
        out_of_range(cx, v, path, help);
    }
    n
}

/// A number TOML read but that does not fit (a 20-digit integer).
fn out_of_range(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, help: &str) {
    let text = cx.text(&v.span());
    let kind = ProblemKind::OutOfRange {
        key: path,
        text: &text,
        help,
    };
    cx.report_kind(Some(v.span()), path, &kind);
}

/// A whole number.
pub(crate) fn integer(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, help: &str) -> Option<i64> {
    match v.get_ref() {
        DeValue::Integer(i) => {
            let n = i64::from_str_radix(i.as_str(), i.radix()).ok();
            if n.is_none() {
                out_of_range(cx, v, path, help);
            }
            n
        }
        _ => {
            wrong_type(cx, v, path, "a whole number", help);
            None
        }
    }
}

/// A probability or fraction in [0, 1].
pub(crate) fn unit_interval(
    cx: &mut Cx<'_>,
    v: &Val<'_>,
    path: &str,
    what: Fraction,
) -> Option<f64> {
    let x = number(cx, v, path, what.help())?;
    if !(0.0..=1.0).contains(&x) {
        let text = cx.text(&v.span());
        let kind = ProblemKind::OutsideUnitInterval {
            key: path,
            value: &text,
            what,
        };
        cx.report_kind(Some(v.span()), path, &kind);
        return None;
    }
    Some(x + 0.0)
}

pub(crate) fn date(cx: &mut Cx<'_>, v: &Val<'_>, path: &str) -> Option<Date> {
    let d = match v.get_ref() {
        DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
            .date
            .and_then(|d| Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))),
        DeValue::String(s) => Date::parse(s),
        _ => None,
    };
    if d.is_none() {
        let text = cx.text(&v.span());
        let kind = ProblemKind::NotADate {
            key: path,
            text: &text,
        };
        cx.report_kind(Some(v.span()), path, &kind);
    }
    d
}

/// Maps a [`DistError`] about the string `text` in value `v` to a problem, pointing inside
/// the string when it is written without escapes.
pub(crate) fn report_text_error(
    cx: &mut Cx<'_>,
    v: &Val<'_>,
    path: &str,
    text: &str,
    e: &DistError,
) {
    let span = v.span();
    let raw = cx.src.get(span.clone()).unwrap_or("");
    let plain = raw.len() == text.len() + 2 && raw.get(1..raw.len() - 1) == Some(text);
    let at = if plain && e.span.end <= text.len() && e.span.start < e.span.end {
        span.start + 1 + e.span.start..span.start + 1 + e.span.end
    } else {
        span
    };
    cx.report_kind(Some(at), path, &ProblemKind::BadText { text, error: e });
}

/// A distribution of quantity `q`: a string in the grammar, or (for money and plain
/// numbers) a TOML number.
pub fn dist(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, q: Quantity) -> Option<Dist> {
    dist_at(cx, v, || path.to_string(), q)
}

/// [`dist`], with the key path made only for a problem (most values have none).
pub(crate) fn dist_at(
    cx: &mut Cx<'_>,
    v: &Val<'_>,
    path: impl FnOnce() -> String,
    q: Quantity,
) -> Option<Dist> {
    if let DeValue::String(s) = v.get_ref() {
        if let Ok(d) = Dist::parse(s, q) {
            return Some(d);
        }
        if let Some(inner) = ref_call(s) {
            return ref_dist(cx, v, &path(), inner, q);
        }
    }
    let path = &path();
    match v.get_ref() {
        DeValue::String(s) => match Dist::parse(s, q) {
            Ok(d) => Some(d),
            Err(e) => {
                report_text_error(cx, v, path, s, &e);
                None
            }
        },
        DeValue::Integer(_) | DeValue::Float(_)
            if matches!(q, Quantity::Duration | Quantity::Lag) =>
        {
            let text = cx.text(&v.span());
            let kind = ProblemKind::NoUnit {
                key: path,
                text: &text,
            };
            cx.report_kind(Some(v.span()), path, &kind);
            None
        }
        DeValue::Integer(_) | DeValue::Float(_) => {
            let x = number(cx, v, path, "write a plain number")?;
            match check_plain(x, q) {
                Ok(d) => Some(d),
                Err((m, h)) => {
                    cx.report(v.span(), path, "here", m, h);
                    None
                }
            }
        }
        _ => {
            let eg = match q {
                Quantity::Duration | Quantity::Lag => "\"tri(3mo, 6mo, 12mo)\"",
                Quantity::Money => "\"tri(1bn, 2bn, 4bn)\" or 2e9",
                Quantity::Number => "150000 or \"tri(1.0, 1.2, 1.5)\"",
            };
            wrong_type(cx, v, path, "a distribution", &format!("write e.g. {eg}"));
            None
        }
    }
}

/// An array of strings, each with its span and key path (`path[i]`).
pub fn strings(
    cx: &mut Cx<'_>,
    v: &Val<'_>,
    path: &str,
    help: &str,
) -> Vec<(String, Span, String)> {
    let DeValue::Array(items) = v.get_ref() else {
        wrong_type(cx, v, path, "an array of strings", help);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        if let Some(s) = string(cx, item, &p, help) {
            out.push((s, item.span(), p));
        }
    }
    out
}

/// The tables of an array of tables (`[[task]]`), each as a [`Tab`] named `key[i]`.
pub fn tables<'a, 'i>(cx: &mut Cx<'_>, top: &Tab<'a, 'i>, key: &str) -> Vec<Tab<'a, 'i>> {
    let Some(v) = top.get(key) else {
        return Vec::new();
    };
    let DeValue::Array(items) = v.get_ref() else {
        let text = cx.text(&v.span());
        let problem = ProblemKind::NotAnArrayOfTables {
            key,
            found: kind(v.get_ref()),
            text: &text,
        };
        cx.report_kind(Some(v.span()), key, &problem);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("{key}[{i}]");
        match item.get_ref() {
            DeValue::Table(t) => out.push(Tab {
                table: t,
                span: item.span(),
                path,
            }),
            other => {
                let text = cx.text(&item.span());
                let problem = ProblemKind::NotATable {
                    key: &path,
                    array: key,
                    found: kind(other),
                    text: &text,
                };
                cx.report_kind(Some(item.span()), &path, &problem);
            }
        }
    }
    out
}

/// A sub-table such as `[program]` or an inline table.
pub fn table<'a, 'i>(
    cx: &mut Cx<'_>,
    v: &'a Val<'i>,
    path: &str,
    help: &str,
) -> Option<Tab<'a, 'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(Tab {
            table: t,
            span: v.span(),
            path: path.to_string(),
        }),
        _ => {
            wrong_type(cx, v, path, "a table", help);
            None
        }
    }
}

/// `true` or `false`.
pub fn boolean(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, help: &str) -> Option<bool> {
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        _ => {
            wrong_type(cx, v, path, "true or false", help);
            None
        }
    }
}

/// Parses `source` as TOML, or gives every syntax error of file `file`.
pub fn document<'i>(source: &'i str, file: &str) -> Result<Spanned<DeTable<'i>>, ModelError> {
    let (doc, errors) = DeTable::parse_recoverable(source);
    if errors.is_empty() {
        return Ok(doc);
    }
    let problems = errors
        .iter()
        .map(|e| {
            let span = e.span().unwrap_or(0..0);
            let at = Cx::new(source).text(&span);
            let at = if at.is_empty() {
                String::new()
            } else {
                format!(" at `{at}`")
            };
            Problem::new(
                file,
                source,
                Some(span),
                String::new(),
                "TOML syntax error".into(),
                format!("TOML syntax error{at}: {}", e.message().trim()),
                Some("fix the TOML syntax (see https://toml.io)".into()),
            )
        })
        .collect();
    Err(ModelError::new(file, source, problems))
}

/// The text between the parentheses of `ref( … )`, if `s` is such a call.
fn ref_call(s: &str) -> Option<&str> {
    let t = s.trim().strip_prefix("ref")?.trim_start();
    t.strip_prefix('(')?.strip_suffix(')')
}

/// `ref(id)` or `ref(id, factor)` at `path` (value `v`, of quantity `q`): the predictive
/// distribution of class `id`, scaled, recorded as a use of the class.
fn ref_dist(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, inner: &str, q: Quantity) -> Option<Dist> {
    let here = v.span();
    let mut parts = inner.split(',');
    let id = parts.next().unwrap_or("").trim();
    let factor = parts.next().map(str::trim);
    if parts.next().is_some() {
        let msg = format!("`ref({inner})` has too many arguments");
        cx.report(
            here,
            path,
            "here",
            msg,
            "write ref(id) or ref(id, factor), e.g. ref(plant_ramp, 1.2)",
        );
        return None;
    }
    let scale = match factor {
        None => 1.0,
        Some(f) => match f.parse::<f64>() {
            Ok(k) if k.is_finite() && k > 0.0 && k <= 1e6 => k,
            _ => {
                let msg = format!("the factor `{f}` of `ref({inner})` is not a positive number");
                cx.report(here, path, "here", msg, "write a plain number such as 1.2 (every quantile of the class is multiplied by it)");
                return None;
            }
        },
    };
    if cx.broken_references.iter().any(|b| b == id) {
        return None;
    }
    if let Some((_, why)) = cx.thin_references.iter().find(|(b, _)| b == id) {
        let msg = format!("class `{id}` {why}");
        let help = "a class needs two observations known by program.start: draw from another class, or write a distribution such as tri(…)";
        cx.report(here, path, "too few cases", msg, help);
        return None;
    }
    let Some(at) = cx.references.iter().position(|r| r.id == id) else {
        let ids: Vec<&str> = cx.references.iter().map(|r| r.id.as_str()).collect();
        let help = if ids.is_empty() {
            "add a [[reference]] with this id and its observations, or write a distribution such as tri(…)".to_string()
        } else {
            format!(
                "{}reference classes: {}",
                crate::suggest::did_you_mean(id, ids.iter().copied()),
                ids.join(", ")
            )
        };
        cx.report(
            here,
            path,
            "unknown class",
            format!("no [[reference]] has id `{id}`"),
            help,
        );
        return None;
    };
    let class = &cx.references[at];
    let fits = match q {
        Quantity::Duration | Quantity::Lag => class.quantity == Quantity::Duration,
        Quantity::Money => matches!(class.quantity, Quantity::Money | Quantity::Number),
        Quantity::Number => class.quantity == Quantity::Number,
    };
    if !fits {
        let what = |q: Quantity| match q {
            Quantity::Duration | Quantity::Lag => "durations",
            Quantity::Money => "amounts of money",
            Quantity::Number => "plain numbers",
        };
        let msg = format!(
            "class `{id}` holds {}, but `{path}` takes {}",
            what(class.quantity),
            what(q)
        );
        cx.report(
            here,
            path,
            "wrong kind of class",
            msg,
            "draw from a class whose observations are of this kind, or write a distribution",
        );
        return None;
    }
    let dist = class.predictive.scaled(scale);
    let use_ = ReferenceUse {
        path: path.to_string(),
        label: path.to_string(),
        quantity: q,
        scale,
        dist: dist.clone(),
        inside: None,
    };
    cx.references[at].uses.push(use_);
    Some(dist)
}
