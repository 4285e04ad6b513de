//! Two recorded runs compared: what changed in the model (keys added, removed, changed; items
//! of `[[task]]`-style arrays keyed by their id, so reordering is not a change) and what that
//! did to each promise and to the first delivery's P50 and P80, scenario by scenario.

use serde::Serialize;

use crate::store::RunEntry;

/// One key of the model that differs: `before` is absent for an added key, `after` for a
/// removed one. Values are TOML text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyChange {
    /// `task.yz1_build.duration`, `program.iterations`, `scenario.go_alone.set."x.chance"`.
    pub key: String,
    /// The value in the first run's model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The value in the second run's model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// One headline figure in both runs: a promise's probability or a first-delivery date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Moved {
    /// Scenario id.
    pub scenario: String,
    /// `promise <id>`, `first delivery P50` or `first delivery P80`.
    pub what: String,
    /// In the first run (a probability, or a `YYYY-MM-DD` date); absent when not there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    /// In the second run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
    /// After minus before: probability points for a promise, days for a date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<f64>,
}

/// Run `b` against run `a`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diff {
    /// The first run's id.
    pub a: i64,
    /// The second run's id.
    pub b: i64,
    /// Seeds or iterations differ: part of any change in the figures is sampling noise.
    pub same_draws: bool,
    /// Model keys that differ, sorted by key.
    pub model: Vec<KeyChange>,
    /// Every promise and the P50/P80 of every scenario in either run.
    pub figures: Vec<Moved>,
}

/// Compares run `b` (model text `b_text`) with run `a`.
pub fn diff(a: &RunEntry, a_text: &str, b: &RunEntry, b_text: &str) -> Diff {
    let mut figures = Vec::new();
    let mut ids: Vec<&str> = a.headline.scenarios.iter().map(|s| s.id.as_str()).collect();
    for s in &b.headline.scenarios {
        if !ids.contains(&s.id.as_str()) {
            ids.push(&s.id);
        }
    }
    for id in ids {
        let (sa, sb) = (a.headline.scenario(id), b.headline.scenario(id));
        let mut promises: Vec<&str> = sa
            .map(|s| s.promises.iter().map(|p| p.id.as_str()).collect())
            .unwrap_or_default();
        for p in sb.iter().flat_map(|s| &s.promises) {
            if !promises.contains(&p.id.as_str()) {
                promises.push(&p.id);
            }
        }
        for p in promises {
            let prob = |s: Option<&crate::ScenarioHeadline>| {
                s.and_then(|s| s.promises.iter().find(|x| x.id == p))
                    .map(|x| x.probability)
            };
            let (x, y) = (prob(sa), prob(sb));
            figures.push(Moved {
                scenario: id.to_string(),
                what: format!("promise {p}"),
                before: x.map(serde_json::Value::from),
                after: y.map(serde_json::Value::from),
                change: x.zip(y).map(|(x, y)| ((y - x) * 1e4).round() / 1e4),
            });
        }
        for (what, date, days) in [
            (
                "first delivery P50",
                (|s: &crate::ScenarioHeadline| s.first_delivery.p50.clone())
                    as fn(&crate::ScenarioHeadline) -> Option<String>,
                (|s: &crate::ScenarioHeadline| s.first_delivery.p50_days)
                    as fn(&crate::ScenarioHeadline) -> Option<f64>,
            ),
            (
                "first delivery P80",
                |s| s.first_delivery.p80.clone(),
                |s| s.first_delivery.p80_days,
            ),
        ] {
            let (x, y) = (sa.and_then(date), sb.and_then(date));
            // Days from each run's own start: a changed start moves every date.
            let change = match (sa.and_then(days), sb.and_then(days)) {
                (Some(dx), Some(dy)) if a.headline.start == b.headline.start => {
                    Some(((dy - dx) * 10.0).round() / 10.0)
                }
                _ => None,
            };
            figures.push(Moved {
                scenario: id.to_string(),
                what: what.to_string(),
                before: x.map(serde_json::Value::from),
                after: y.map(serde_json::Value::from),
                change,
            });
        }
    }
    Diff {
        a: a.id,
        b: b.id,
        same_draws: a.seed == b.seed && a.iterations == b.iterations,
        model: model_changes(a_text, b_text),
        figures,
    }
}

/// The keys that differ between two model texts. A text that is not TOML (it was valid
/// when recorded, so only a hand-edited database has one) counts as empty.
pub fn model_changes(a: &str, b: &str) -> Vec<KeyChange> {
    let (fa, fb) = (flatten_text(a), flatten_text(b));
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    // Both sorted by key: one merge pass.
    while i < fa.len() || j < fb.len() {
        match (fa.get(i), fb.get(j)) {
            (Some((ka, va)), Some((kb, vb))) if ka == kb => {
                if va != vb {
                    out.push(KeyChange {
                        key: ka.clone(),
                        before: Some(va.clone()),
                        after: Some(vb.clone()),
                    });
                }
                i += 1;
                j += 1;
            }
            (Some((ka, va)), Some((kb, _))) if ka < kb => {
                out.push(KeyChange {
                    key: ka.clone(),
                    before: Some(va.clone()),
                    after: None,
                });
                i += 1;
            }
            (Some(_), Some((kb, vb))) | (None, Some((kb, vb))) => {
                out.push(KeyChange {
                    key: kb.clone(),
                    before: None,
                    after: Some(vb.clone()),
                });
                j += 1;
            }
            (Some((ka, va)), None) => {
                out.push(KeyChange {
                    key: ka.clone(),
                    before: Some(va.clone()),
                    after: None,
                });
                i += 1;
            }
            (None, None) => break,
        }
    }
    out
}

fn flatten_text(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Ok(table) = text.parse::<toml::Table>() {
        flatten(&mut out, "", &toml::Value::Table(table));
    }
    out.sort();
    out
}

/// A key as written in a path: bare when it is a bare TOML key, quoted otherwise.
fn key_text(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}

fn flatten(out: &mut Vec<(String, String)>, prefix: &str, v: &toml::Value) {
    let join = |k: &str| {
        if prefix.is_empty() {
            key_text(k)
        } else {
            format!("{prefix}.{}", key_text(k))
        }
    };
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                flatten(out, &join(k), v);
            }
        }
        // `[[task]]` and the like: items by id, when every item has a distinct one.
        toml::Value::Array(items) if !items.is_empty() && by_id(items).is_some() => {
            for (id, item) in by_id(items).unwrap_or_default() {
                flatten(out, &join(id), item);
            }
        }
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// The items of an array of tables keyed by their `id`, if every one has a distinct id.
fn by_id(items: &[toml::Value]) -> Option<Vec<(&str, &toml::Value)>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let id = item.as_table()?.get("id")?.as_str()?;
        if out.iter().any(|(seen, _)| *seen == id) {
            return None;
        }
        out.push((id, item));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_compared_by_id_whatever_their_order() {
        let a = r#"
[program]
name = "x"
iterations = 1000
[[task]]
id = "a"
duration = "1mo"
[[task]]
id = "b"
duration = "2mo"
chance = 0.5
"#;
        let b = r#"
[program]
name = "x"
iterations = 2000
[[task]]
id = "b"
duration = "2mo"
[[task]]
id = "a"
duration = "1mo"
[[task]]
id = "c"
duration = "3mo"
[[scenario]]
id = "s"
set = { "b.chance" = 0.9 }
"#;
        let changes = model_changes(a, b);
        let show: Vec<(String, Option<String>, Option<String>)> = changes
            .into_iter()
            .map(|c| (c.key, c.before, c.after))
            .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            show,
            [
                ("program.iterations".into(), s("1000"), s("2000")),
                ("scenario.s.id".into(), None, s("\"s\"")),
                ("scenario.s.set.\"b.chance\"".into(), None, s("0.9")),
                ("task.b.chance".into(), s("0.5"), None),
                ("task.c.duration".into(), None, s("\"3mo\"")),
                ("task.c.id".into(), None, s("\"c\"")),
            ]
        );
        assert!(model_changes(a, a).is_empty());
    }
}
