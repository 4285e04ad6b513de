//! Reading `[[reference]]` classes (before anything that may draw from them with `ref(id)`),
//! the `inside` views items state beside a class, and the checks that need the whole model:
//! observations dated after the model's start, and what each use is called.

use toml::de::DeValue;

use super::{Reader, opt_bool, opt_name, req_id};
use crate::cross::check_own_namespace;
use crate::raw::{self, Cx, Span, Tab, Val};
use crate::reference::{Fit, FitError, Observation, Reference, predictive};
use crate::{Date, Dist, Model, Quantity};

const REFERENCE_KEYS: [&str; 4] = ["id", "name", "fit", "observations"];
const OBSERVATION_KEYS: [&str; 5] = ["case", "value", "source", "date", "hindsight"];

/// What an observation's value is, from its text: a duration, an amount with a money suffix,
/// or a plain number (which is also an amount in currency units).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Duration,
    Money,
    Plain,
}

/// An observation read, with where its value and date are written.
struct Read {
    observation: Observation,
    kind: Kind,
    value_span: Span,
    date_span: Option<Span>,
    /// Key path of the observation, `reference[0].observations[2]`.
    path: String,
}

impl<'a, 'i> Reader<'a, 'i> {
    /// Reads every `[[reference]]` into `cx`, where `ref(id)` values find them.
    pub(super) fn references(&mut self, cx: &mut Cx<'_>, top: &Tab<'a, 'i>) {
        let tabs = raw::tables(cx, top, "reference");
        let mut ids = Vec::new();
        for t in &tabs {
            t.check_keys(cx, &REFERENCE_KEYS);
            let id = req_id(cx, t);
            let name = id
                .as_ref()
                .map_or_else(String::new, |(id, _)| opt_name(cx, t, id));
            let fit = match t.get("fit") {
                None => Fit::LogNormal,
                Some(v) => match raw::string(cx, v, &t.sub("fit"), FIT_HELP).as_deref() {
                    Some("lognormal") => Fit::LogNormal,
                    Some("normal") => Fit::Normal,
                    Some(other) => {
                        let msg = format!("unknown fit `{}`", crate::printable(other));
                        cx.report(v.span(), &t.sub("fit"), "here", msg, FIT_HELP);
                        Fit::LogNormal
                    }
                    None => Fit::LogNormal,
                },
            };
            let mut observations = observations(cx, t);
            if self.shared_as_of.is_none() {
                for o in &observations {
                    if let (Some(date), Some(span)) = (o.observation.date, &o.date_span) {
                        let path = format!("{}.date", o.path);
                        self.reference_dates.push((
                            date,
                            span.clone(),
                            path,
                            o.observation.hindsight,
                        ));
                    }
                }
            }
            let Some((id, id_span)) = id else { continue };
            // The model's own duplicates are reported by the namespace check below.
            if let Some(file) = cx
                .references
                .iter()
                .find(|r| r.id == id)
                .and_then(|r| r.file.as_deref())
            {
                let msg = format!("class `{id}` is also in the shared file `{file}`");
                let help = "a class id names one class: rename this one, or use the shared one";
                cx.report(id_span.clone(), &t.sub("id"), "here", msg, help);
            }
            ids.push((id.clone(), Some(id_span.clone()), t.sub("id")));
            // An observation with a problem (reported) leaves the class without a fit.
            let written = match t.get("observations").map(|v| v.get_ref()) {
                Some(DeValue::Array(items)) => items.len(),
                _ => 0,
            };
            if observations.len() < written {
                cx.broken_references.push(id);
                continue;
            }
            let mut left_out = 0;
            if let Some(as_of) = self.shared_as_of {
                if !undated_in_shared(cx, &observations) {
                    cx.broken_references.push(id);
                    continue;
                }
                let before = observations.len();
                observations.retain(|o| match (as_of, o.observation.date) {
                    (Some(start), Some(date)) => date <= start,
                    _ => true,
                });
                left_out = before - observations.len();
                if observations.len() < 2 {
                    let start = as_of.map_or_else(String::new, |d| format!(" {d}"));
                    let why = format!(
                        "has {} observation{} dated on or before program.start{start} ({left_out} later left out)",
                        observations.len(),
                        if observations.len() == 1 { "" } else { "s" }
                    );
                    cx.thin_references.push((id, why));
                    continue;
                }
            }
            let Some(quantity) = class_quantity(cx, t, &observations) else {
                cx.broken_references.push(id);
                continue;
            };
            let values: Vec<f64> = observations.iter().map(|o| o.observation.value).collect();
            match predictive(fit, &values) {
                Ok(d) => cx.references.push(Reference {
                    id,
                    name,
                    fit,
                    quantity,
                    observations: observations.into_iter().map(|o| o.observation).collect(),
                    predictive: d,
                    uses: Vec::new(),
                    file: None,
                    left_out,
                }),
                Err(e) => {
                    let (span, msg, help) = fit_problem(t, &observations, &id, fit, &e);
                    cx.report(span, &t.sub("observations"), "here", msg, help);
                    cx.broken_references.push(id);
                }
            }
        }
        let list: Vec<(&str, Option<Span>, String)> = ids
            .iter()
            .map(|(id, s, p)| (id.as_str(), s.clone(), p.clone()))
            .collect();
        check_own_namespace(cx, &list, "reference");
    }

    /// Reports observations dated after `start` that are not marked `hindsight = true`.
    pub(super) fn check_hindsight(&self, cx: &mut Cx<'_>, start: Date) {
        for (date, span, path, hindsight) in &self.reference_dates {
            if *date > start && !hindsight {
                let msg = format!(
                    "this observation is dated {date}, after program.start {start}: a model made on {start} could not know it"
                );
                let help = "remove it, or mark it `hindsight = true` if the model is meant to use later knowledge (it is then shown as hindsight)";
                cx.report(span.clone(), path, "after the start", msg, help);
            }
        }
    }

    /// The `inside` table of item table `t`: the model's own estimate for keys that draw from
    /// a class, attached to those uses.
    pub(super) fn inside(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) {
        let Some(v) = t.get("inside") else { return };
        let path = t.sub("inside");
        let help = "write inside = { duration = \"tri(6mo, 9mo, 14mo)\" }: the model's own estimate beside a key that is ref(…)";
        let Some(inside) = raw::table(cx, v, &path, help) else {
            return;
        };
        for (k, value) in inside.table.iter() {
            let key = k.get_ref().as_ref();
            let target = t.sub(key);
            let found = cx.references.iter().enumerate().find_map(|(c, r)| {
                let u = r.uses.iter().position(|u| u.path == target)?;
                Some((c, u, r.uses[u].quantity))
            });
            let Some((c, u, q)) = found else {
                let msg = format!("`{target}` does not draw from a reference class");
                let help = "an inside view is shown beside a value written ref(class); write the key as ref(…) or remove it here";
                cx.report(k.span(), &inside.sub(key), "no class", msg, help);
                continue;
            };
            if let Some(d) = raw::dist(cx, value, &inside.sub(key), q) {
                cx.references[c].uses[u].inside = Some(d);
            }
        }
    }
}

/// Whether every observation of a shared file's class is dated (each one that is not is
/// reported): a shared file serves models of many dates, which keep only what was known by
/// their start.
fn undated_in_shared(cx: &mut Cx<'_>, observations: &[Read]) -> bool {
    let mut all = true;
    for o in observations.iter().filter(|o| o.observation.date.is_none()) {
        all = false;
        let msg = format!(
            "observation `{}` of a shared reference file has no date",
            crate::printable(&o.observation.case)
        );
        let help = "write date = YYYY-MM-DD, the day its value became public: a model keeps only the observations dated on or before its program.start";
        cx.report(o.value_span.clone(), &o.path, "no date", msg, help);
    }
    all
}

const FIT_HELP: &str =
    "write fit = \"lognormal\" (the default, for positive values) or fit = \"normal\"";

/// The observations of class table `t`, each checked (keys, case, value, source, date).
fn observations(cx: &mut Cx<'_>, t: &Tab<'_, '_>) -> Vec<Read> {
    let help = "write observations = [{ case = \"Tesla Shanghai 2020\", value = \"5.5mo\", source = \"…\" }, …]";
    let Some(v) = t.required(
        cx,
        "observations",
        "[{ case = \"…\", value = \"5.5mo\", source = \"…\" }]",
    ) else {
        return Vec::new();
    };
    let path = t.sub("observations");
    let DeValue::Array(items) = v.get_ref() else {
        let msg = format!(
            "`{path}` is {}, not an array of observations",
            raw::kind(v.get_ref())
        );
        cx.report(v.span(), &path, "here", msg, help);
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(o) = raw::table(cx, item, &format!("{path}[{i}]"), help) else {
            continue;
        };
        o.check_keys(cx, &OBSERVATION_KEYS);
        let case = o
            .required(cx, "case", "\"Tesla Shanghai 2020\"")
            .and_then(|v| raw::string(cx, v, &o.sub("case"), "write case = \"…\""));
        let source = o
            .required(cx, "source", "\"the report and its date\"")
            .and_then(|v| {
                raw::string(
                    cx,
                    v,
                    &o.sub("source"),
                    "write source = \"…\": where the value comes from, with its date",
                )
            });
        let date = o.get("date").and_then(|v| raw::date(cx, v, &o.sub("date")));
        let hindsight = opt_bool(cx, &o, "hindsight", "write hindsight = true or false");
        let Some(value) = o.required(cx, "value", "\"5.5mo\"") else {
            continue;
        };
        let Some((x, text, kind)) = value_of(cx, value, &o.sub("value")) else {
            continue;
        };
        if let (Some(case), Some(source)) = (case, source) {
            out.push(Read {
                observation: Observation {
                    case,
                    value: x,
                    text,
                    source,
                    date,
                    hindsight,
                },
                kind,
                value_span: value.span(),
                date_span: o.get("date").map(Val::span),
                path: o.path.clone(),
            });
        }
    }
    out
}

/// An observation's value: one amount (not a distribution), its text and its kind.
fn value_of(cx: &mut Cx<'_>, v: &Val<'_>, path: &str) -> Option<(f64, String, Kind)> {
    let help =
        "write one value: a duration such as \"5.5mo\", an amount such as \"1.2bn\", or a number";
    let text = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(_) | DeValue::Float(_) => {
            let x = raw::number(cx, v, path, help)?;
            return Some((x, cx.text(&v.span()), Kind::Plain));
        }
        other => {
            let msg = format!("`{path}` is {}, not a value", raw::kind(other));
            cx.report(v.span(), path, "here", msg, help);
            return None;
        }
    };
    let parsed = |q| match Dist::parse(&text, q) {
        Ok(Dist::Fixed(x)) => Some(Some(x)),
        Ok(_) => Some(None),
        Err(_) => None,
    };
    let found = [
        (Quantity::Duration, Kind::Duration),
        (Quantity::Number, Kind::Plain),
        (Quantity::Money, Kind::Money),
    ]
    .into_iter()
    .find_map(|(q, kind)| parsed(q).map(|x| (x, kind)));
    match found {
        Some((Some(x), kind)) => Some((x, text.trim().to_string(), kind)),
        Some((None, _)) => {
            let msg = format!(
                "`{}` is a distribution; an observation is what one case gave",
                crate::printable(&text)
            );
            cx.report(v.span(), path, "here", msg, help);
            None
        }
        None => {
            let msg = format!(
                "`{}` is not a duration, an amount or a number",
                crate::printable(&text)
            );
            cx.report(v.span(), path, "here", msg, help);
            None
        }
    }
}

/// What the class's values measure; mixing durations with amounts is reported at the first
/// observation that differs from the first.
fn class_quantity(cx: &mut Cx<'_>, t: &Tab<'_, '_>, obs: &[Read]) -> Option<Quantity> {
    let first = obs.first()?;
    let name = |k: Kind| match k {
        Kind::Duration => "a duration",
        Kind::Money | Kind::Plain => "an amount or number",
    };
    let is_duration = first.kind == Kind::Duration;
    if let Some((i, o)) = obs
        .iter()
        .enumerate()
        .find(|(_, o)| (o.kind == Kind::Duration) != is_duration)
    {
        let msg = format!(
            "observation {i} is {} (`{}`) but the first is {} (`{}`): a class holds one kind of value",
            name(o.kind),
            crate::printable(&o.observation.text),
            name(first.kind),
            crate::printable(&first.observation.text)
        );
        let path = format!("{}[{i}].value", t.sub("observations"));
        cx.report(
            o.value_span.clone(),
            &path,
            "mixed units",
            msg,
            "write every value of the class in the same kind of unit, or split it into two classes",
        );
        return None;
    }
    Some(if is_duration {
        Quantity::Duration
    } else if obs.iter().any(|o| o.kind == Kind::Money) {
        Quantity::Money
    } else {
        Quantity::Number
    })
}

/// Where and how to report a class whose observations give no predictive.
fn fit_problem(
    t: &Tab<'_, '_>,
    obs: &[Read],
    id: &str,
    fit: Fit,
    e: &FitError,
) -> (Span, String, String) {
    let whole = t.get("observations").map_or(t.span.clone(), Val::span);
    match e {
        FitError::TooFew(n) => (
            whole,
            format!("class `{id}` has {n} observation(s): the next case's spread needs at least 2"),
            "add comparable cases, or write a distribution for the value instead of ref(…)".into(),
        ),
        FitError::NotPositive(i) => (
            obs.get(*i).map_or(whole, |o| o.value_span.clone()),
            format!(
                "observation {i} of class `{id}` is `{}`: a {} fit needs values above zero",
                crate::printable(obs.get(*i).map_or("", |o| o.observation.text.as_str())),
                fit.name()
            ),
            "use fit = \"normal\" for values that can be zero or negative".into(),
        ),
        FitError::NoSpread => (
            whole,
            format!(
                "every observation of class `{id}` is the same value: the class says nothing about spread"
            ),
            "add cases that differ, or write the value as a fixed number".into(),
        ),
    }
}

/// `task[3].duration` → `task vehicle_dev: duration`, for the model's uses of classes.
pub(super) fn label_uses(model: &mut Model) {
    let Model {
        references,
        tasks,
        risks,
        plants,
        scenarios,
        ..
    } = model;
    for r in references.iter_mut() {
        for u in r.uses.iter_mut() {
            u.label = label(&u.path, |table, i| match table {
                "task" => tasks.get(i).map(|t| t.id.clone()),
                "risk" => risks.get(i).map(|t| t.id.clone()),
                "plant" => plants.get(i).map(|t| t.id.clone()),
                "scenario" => scenarios.get(i).map(|t| t.id.clone()),
                _ => None,
            });
        }
    }
}

fn label(path: &str, id: impl Fn(&str, usize) -> Option<String>) -> String {
    let Some((head, rest)) = path.split_once('.') else {
        return path.to_string();
    };
    let Some((table, index)) = head.strip_suffix(']').and_then(|h| h.split_once('[')) else {
        return format!("{head}: {rest}");
    };
    match index.parse().ok().and_then(|i| id(table, i)) {
        Some(id) => format!("{table} {id}: {rest}"),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_name_the_item() {
        let id = |t: &str, i: usize| (t == "plant" && i == 1).then(|| "yz1".to_string());
        assert_eq!(super::label("plant[1].ramp", id), "plant yz1: ramp");
        assert_eq!(
            super::label("program.delivery_lag", id),
            "program: delivery_lag"
        );
        assert_eq!(super::label("task[9].duration", id), "task[9].duration");
    }
}
