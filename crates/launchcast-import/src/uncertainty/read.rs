//! Reading a rules file with the model's TOML reader ([`launchcast_model::toml_reader`]):
//! every `[[rule]]` table, every problem found, the first in reading order kept as the
//! [`RulesError`].

use std::ops::Range;

use launchcast_model::toml_reader::{self as toml_reader, Cx, Tab, Val};
use launchcast_model::{Impact, ModelError, Quantity, line_column};

use super::*;

const RULE_KEYS: [&str; 8] = [
    "id",
    "name",
    "wbs",
    "duration_min",
    "duration_max",
    "duration",
    "risk",
    "correlate",
];
const RISK_KEYS: [&str; 6] = ["id", "name", "chance", "delay", "scale", "fail"];
const STRING_HELP: &str = "put the value in double quotes";
const NUMBER_HELP: &str = "write a plain number, without quotes";

/// Reads the rules in `src`; `file` names it in errors.
pub(super) fn rules(src: &str, file: &str) -> Result<Vec<Rule>, RulesError> {
    let doc = toml_reader::document(src, file).map_err(|e| first(&e, src, file))?;
    let mut cx = Cx::new(src);
    let top = Tab::top(&doc);
    top.check_keys(&mut cx, &["rule"]);
    let rules = toml_reader::tables(&mut cx, &top, "rule")
        .iter()
        .map(|t| rule(&mut cx, src, t))
        .collect();
    if cx.has_problems() {
        return Err(first(&cx.into_error(file), src, file));
    }
    Ok(rules)
}

/// The first problem of `e` (in reading order), as a [`RulesError`] of `file`; its message
/// starts with the key path, as a model's problem does (`rule[0].risk.delay: …`).
fn first(e: &ModelError, src: &str, file: &str) -> RulesError {
    let p = e.problems().first();
    let span = p.and_then(|p| p.span.clone());
    RulesError {
        file: file.to_string(),
        line: p.map_or(0, |p| p.line),
        column: p.map_or(0, |p| p.column),
        message: p.map_or_else(
            || e.to_string(),
            |p| match p.key_path.as_str() {
                "" => p.message.clone(),
                path => format!("{path}: {}", p.message),
            },
        ),
        value: span.and_then(|s| value(src, s)),
        hint: p.and_then(|p| p.help.clone()),
    }
}

/// The text at `span` as written: its first line, at most 60 characters.
fn value(src: &str, span: Range<usize>) -> Option<String> {
    let text = src.get(span).unwrap_or("");
    let text = text.lines().next().unwrap_or("").trim_end();
    let value: String = text.chars().take(60).collect();
    (!value.is_empty()).then_some(value)
}

/// The 1-based number of the rule read as the table at `path` (`rule[0]`).
fn number_of(path: &str) -> usize {
    let index = path
        .strip_prefix("rule[")
        .and_then(|p| p.strip_suffix(']'))
        .and_then(|i| i.parse::<usize>().ok());
    index.unwrap_or(0) + 1
}

/// A finite number.
fn finite(cx: &mut Cx<'_>, v: &Val<'_>, path: &str) -> Option<f64> {
    let x = toml_reader::number(cx, v, path, NUMBER_HELP)?;
    if !x.is_finite() {
        let text = cx.text(&v.span());
        let key = leaf(path);
        cx.report(
            v.span(),
            path,
            "out of range",
            format!("`{key}` = `{text}` is out of range"),
            "write a finite number",
        );
        return None;
    }
    Some(x)
}

/// A number in [0, 1].
fn unit(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, help: &str) -> Option<f64> {
    let x = finite(cx, v, path)?;
    if !(0.0..=1.0).contains(&x) {
        let text = cx.text(&v.span());
        let key = leaf(path);
        let message = format!("`{key}` = `{text}` is outside [0, 1]");
        cx.report(v.span(), path, "outside [0, 1]", message, help);
        return None;
    }
    Some(x)
}

/// Whether `t` has a key not in `known` (reported by [`Tab::check_keys`]).
fn has_unknown(t: &Tab<'_, '_>, known: &[&str]) -> bool {
    t.table
        .iter()
        .any(|(k, _)| !known.contains(&k.get_ref().as_ref()))
}

/// The last key of a key path (`rule[0].risk.chance` → `chance`).
fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

fn rule(cx: &mut Cx<'_>, src: &str, t: &Tab<'_, '_>) -> Rule {
    t.check_keys(cx, &RULE_KEYS);
    let n = number_of(&t.path);
    let (line, column) = line_column(src, t.span.start);
    let mut sel = Selector::default();
    for (key, slot) in [
        ("id", &mut sel.id),
        ("name", &mut sel.name),
        ("wbs", &mut sel.wbs),
    ] {
        if let Some(v) = t.get(key) {
            *slot = toml_reader::string(cx, v, &t.sub(key), STRING_HELP);
        }
    }
    for (key, slot) in [
        ("duration_min", &mut sel.duration_min),
        ("duration_max", &mut sel.duration_max),
    ] {
        let Some(v) = t.get(key) else { continue };
        let path = t.sub(key);
        let Some(d) = finite(cx, v, &path) else {
            continue;
        };
        if d < 0.0 {
            let message = format!("`{key}` = `{}` is negative", cx.text(&v.span()));
            cx.report(
                v.span(),
                &path,
                "negative",
                message,
                "durations are 0 days or more",
            );
            continue;
        }
        *slot = Some(d);
    }
    if let (Some(lo), Some(hi), Some(v)) =
        (sel.duration_min, sel.duration_max, t.get("duration_max"))
        && lo > hi
    {
        cx.report(
            v.span(),
            &t.sub("duration_max"),
            "below duration_min",
            format!("`duration_max` ({hi}) is below `duration_min` ({lo})"),
            "no task could match; swap the bounds",
        );
    }
    let duration = t.get("duration").and_then(|v| {
        let path = t.sub("duration");
        let text = toml_reader::string(cx, v, &path, STRING_HELP)?;
        Relative::parse(&text)
            .map_err(|(m, h)| cx.report(v.span(), &path, "here", m, h))
            .ok()
    });
    let correlate = t.get("correlate").and_then(|v| {
        let help = "give the rank correlation of the group, e.g. 0.5";
        unit(cx, v, &t.sub("correlate"), help)
    });
    let risk = t.get("risk").and_then(|v| {
        let help = "write risk = { chance = 0.3, delay = \"tri(1w, 2w, 6w)\" }";
        let r = toml_reader::table(cx, v, &t.sub("risk"), help)?;
        risk(cx, &r, n)
    });
    // By the keys given, not the values read: a value with a problem of its own is given;
    // and not beside an unknown key, most likely the one misspelt.
    if ["duration", "risk", "correlate"]
        .iter()
        .all(|k| t.get(k).is_none())
        && !has_unknown(t, &RULE_KEYS)
    {
        cx.report(
            t.span.clone(),
            &t.path,
            "no duration, risk or correlate",
            "the rule gives neither `duration`, `risk` nor `correlate`".into(),
            "add e.g. duration = \"pert(90%, 100%, 140%)\"",
        );
    }
    Rule {
        line,
        column,
        selector: sel,
        duration,
        risk,
        correlate,
    }
}

fn risk(cx: &mut Cx<'_>, t: &Tab<'_, '_>, n: usize) -> Option<RiskRule> {
    t.check_keys(cx, &RISK_KEYS);
    let id = match t.get("id") {
        Some(v) => {
            let id = toml_reader::string(cx, v, &t.sub("id"), STRING_HELP);
            id.filter(|id| {
                let ok = !id.is_empty()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if !ok {
                    cx.report(
                        v.span(),
                        &t.sub("id"),
                        "invalid id",
                        format!("risk id `{id}` is not of [a-z0-9_]+"),
                        "use lower-case letters, digits and _",
                    );
                }
                ok
            })
        }
        None => Some(format!("rule_{n}")),
    };
    let name = match t.get("name") {
        Some(v) => toml_reader::string(cx, v, &t.sub("name"), STRING_HELP),
        None => id.clone(),
    };
    let chance = t
        .required(cx, "chance", "0.3")
        .and_then(|v| unit(cx, v, &t.sub("chance"), "a probability, e.g. 0.3"));
    let delay = t
        .get("delay")
        .map(|v| toml_reader::dist(cx, v, &t.sub("delay"), Quantity::Duration));
    let scale = t
        .get("scale")
        .map(|v| toml_reader::dist(cx, v, &t.sub("scale"), Quantity::Number));
    let fail = t
        .get("fail")
        .map(|v| toml_reader::boolean(cx, v, &t.sub("fail"), "write fail = true"));
    // `fail = false` is as if not given; a `fail` that is no boolean counts as given.
    let given = [
        delay.is_some(),
        scale.is_some(),
        fail.is_some_and(|f| f != Some(false)),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        if has_unknown(t, &RISK_KEYS) {
            return None;
        }
        cx.report(
            t.span.clone(),
            &t.path,
            "one impact",
            "the risk needs exactly one of `delay`, `scale`, `fail = true`".into(),
            "e.g. delay = \"tri(1w, 2w, 6w)\" or scale = \"tri(1.1, 1.2, 1.5)\"",
        );
        return None;
    }
    let impact = match (delay, scale, fail) {
        (Some(d), _, _) => Impact::Delay(d?),
        (_, Some(s), _) => Impact::Scale(s?),
        _ => Impact::Fail,
    };
    Some(RiskRule {
        id: id?,
        name: name?,
        chance: chance?,
        impact,
    })
}
