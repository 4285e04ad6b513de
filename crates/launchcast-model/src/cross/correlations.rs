//! Checks of `[[correlate]]` entries: items, rho, pairs given twice, and whether each
//! connected group's matrix is positive definite (else which pair to change).

use std::collections::HashMap;

use super::{Cross, Found, Index, Kind, Want};
use crate::correlate::{RawGroup, blame, build_groups, short};
use crate::raw::{Cx, Span};
use crate::{Dist, Plant, Quantity, Task};

impl Cross {
    /// Every `[[correlate]]` entry: at least two items, each once, each an uncertain task or
    /// plant; rho in [-1, 1]; a pair given twice only with one value; then, if all entries
    /// are sound, every connected group's matrix positive definite.
    pub(crate) fn check_correlations(
        &self,
        cx: &mut Cx<'_>,
        ix: &Index<'_>,
        tasks: &[Task],
        plants: &[Plant],
    ) {
        if self.correlate.is_empty() {
            return;
        }
        let before = cx.count();
        let task_at: HashMap<&str, &Task> =
            tasks.iter().rev().map(|t| (t.id.as_str(), t)).collect();
        let plant_at: HashMap<&str, &Plant> =
            plants.iter().rev().map(|p| (p.id.as_str(), p)).collect();
        let mut sound = true;
        for e in &self.correlate {
            let items_path = format!("{}.items", e.path);
            if e.items_read && e.items.len() < 2 {
                sound = false;
                let n = e.items.len();
                cx.report_at(
                    e.items_span.clone(),
                    &items_path,
                    "fewer than 2 items",
                    format!(
                        "`{items_path}` lists {n} item{}: a correlation needs at least 2",
                        if n == 1 { "" } else { "s" }
                    ),
                    "list two or more task or plant ids, e.g. items = [\"plant_build\", \"phase2_build\"]",
                    Vec::new(),
                );
            }
            let mut seen: HashMap<&str, &str> = HashMap::new();
            for (id, span, path) in &e.items {
                if let Some(first) = seen.get(id.as_str()) {
                    sound = false;
                    cx.report_at(
                        span.clone(),
                        path,
                        "listed twice",
                        format!("`{id}` is listed twice in `{items_path}` (first as {first})"),
                        "list each item once",
                        Vec::new(),
                    );
                    continue;
                }
                seen.insert(id, path);
                match ix.resolve(id, Want::Correlatable) {
                    Err(m) => {
                        sound = false;
                        cx.report_at(span.clone(), path, m.label, m.message, m.help, Vec::new());
                    }
                    Ok(Found::Included) => {}
                    Ok(Found::Is(kind)) => {
                        let fixed = match kind {
                            Kind::Task => task_at
                                .get(id.as_str())
                                .filter(|t| t.duration.is_fixed())
                                .map(|t| ("duration", &t.duration)),
                            _ => plant_at
                                .get(id.as_str())
                                .filter(|p| p.ramp.is_fixed())
                                .map(|p| ("ramp", &p.ramp)),
                        };
                        if let Some((what, d)) = fixed {
                            sound = false;
                            let text = d.display(Quantity::Duration).to_string();
                            let x = d.most_likely();
                            let eg = Dist::Triangular {
                                min: x * 0.8,
                                mode: x,
                                max: x * 1.5,
                            }
                            .display(Quantity::Duration)
                            .to_string();
                            cx.report_at(
                                span.clone(),
                                path,
                                "fixed",
                                format!("`{id}` has a fixed {what} (`{text}`): a value that never varies cannot be correlated"),
                                format!("give `{id}` an uncertain {what}, e.g. {what} = \"{eg}\", or remove it from `{items_path}`"),
                                Vec::new(),
                            );
                        }
                    }
                }
            }
            if let Some(r) = e.rho
                && !(-1.0..=1.0).contains(&r)
            {
                sound = false;
                cx.report_at(
                    e.rho_span.clone(),
                    &format!("{}.rho", e.path),
                    "outside [-1, 1]",
                    format!("`rho` = `{}` is outside [-1, 1]", e.rho_text),
                    "a rank correlation between -1 and 1, e.g. rho = 0.6",
                    Vec::new(),
                );
            }
            if e.rho.is_none() {
                sound = false;
            }
        }
        // A pair given twice must have one value.
        let mut pairs: HashMap<(&str, &str), usize> = HashMap::new();
        for (k, e) in self.correlate.iter().enumerate() {
            let Some(rho) = e.rho.filter(|r| (-1.0..=1.0).contains(r)) else {
                continue;
            };
            for (x, (a, _, _)) in e.items.iter().enumerate() {
                for (b, _, _) in e.items.iter().skip(x + 1) {
                    if a == b {
                        continue;
                    }
                    let key = if a < b {
                        (a.as_str(), b.as_str())
                    } else {
                        (b.as_str(), a.as_str())
                    };
                    let Some(&first) = pairs.get(&key) else {
                        pairs.insert(key, k);
                        continue;
                    };
                    let Some(f) = self.correlate.get(first) else {
                        continue;
                    };
                    if f.rho == Some(rho) {
                        continue;
                    }
                    sound = false;
                    let there = self.place(cx, &f.rho_span, &f.path);
                    let related = f
                        .rho_span
                        .clone()
                        .map(|s| vec![(s, format!("{} = {} here", key_text(key), f.rho_text))])
                        .unwrap_or_default();
                    cx.report_at(
                        e.rho_span.clone(),
                        &format!("{}.rho", e.path),
                        "second value",
                        format!(
                            "the pair `{}` and `{}` has two correlations: {} in {} and {} in {}",
                            key.0, key.1, f.rho_text, f.path, e.rho_text, e.path
                        ),
                        format!("give the pair one value: change or remove one of them ({} is at {there})", f.path),
                        related,
                    );
                    // One report per pair.
                    pairs.insert(key, k);
                }
            }
        }
        if !sound || cx.count() > before {
            return;
        }
        let lists: Vec<Vec<String>> = self
            .correlate
            .iter()
            .map(|e| e.items.iter().map(|(id, _, _)| id.clone()).collect())
            .collect();
        let entries: Vec<(&[String], f64)> = lists
            .iter()
            .zip(&self.correlate)
            .map(|(l, e)| (l.as_slice(), e.rho.unwrap_or(0.0)))
            .collect();
        for g in build_groups(&entries) {
            if !g.is_consistent() {
                self.report_not_definite(cx, &g);
            }
        }
    }

    /// Where the entry is, for messages: `line L, column C` or, without a source, its path.
    fn place(&self, cx: &Cx<'_>, span: &Option<Span>, path: &str) -> String {
        span.as_ref()
            .and_then(|s| cx.place(s))
            .unwrap_or_else(|| path.to_string())
    }

    fn report_not_definite(&self, cx: &mut Cx<'_>, g: &RawGroup) {
        let b = blame(g);
        let Some(&(i, j, entry)) = g.pairs.get(b.pair) else {
            return;
        };
        let Some(e) = self.correlate.get(entry) else {
            return;
        };
        let name = |k: usize| g.names.get(k).map_or("", String::as_str);
        let (a, c) = (name(j), name(i));
        let mut names: Vec<String> = g.names.iter().take(6).map(|n| format!("`{n}`")).collect();
        if g.len() > 6 {
            names.push(format!("… ({} items)", g.len()));
        }
        let rho = g.at(i, j);
        let message = format!(
            "the correlations among {} are inconsistent (the matrix of their normal scores, 2·sin(π·rho/6), is not positive definite): change rho = {} of `{a}` and `{c}` in {}",
            names.join(", "),
            short(rho, 4),
            e.path
        );
        let split = if e.items.len() > 2 {
            format!(
                " ({} gives all {} pairs of its items this value: split it to change this pair alone)",
                e.path,
                e.items.len() * (e.items.len() - 1) / 2
            )
        } else {
            String::new()
        };
        let fix = match b.fix {
            // Bounds strictly inside the open interval, so that every value shown works.
            Some((lo, hi, v)) => format!(
                "set rho of `{a}` and `{c}` to a value from {} to {}, e.g. {}: the smallest single change that makes the matrix positive definite{split}",
                short((lo * 1000.0).floor() / 1000.0 + 0.001, 3),
                short((hi * 1000.0).ceil() / 1000.0 - 0.001, 3),
                short(v, 4)
            ),
            None => format!(
                "no single value fixes it: reduce several correlations, starting with `{a}` and `{c}` (the largest in the first row that fails)"
            ),
        };
        let involved: Vec<String> = g
            .entries
            .iter()
            .take(10)
            .filter_map(|&k| self.correlate.get(k))
            .map(|x| {
                let at = x.items_span.as_ref().and_then(|s| cx.place(s));
                match at {
                    Some(at) => format!("{} ({at})", x.path),
                    None => x.path.clone(),
                }
            })
            .collect();
        let more = if g.entries.len() > 10 {
            format!(" and {} more", g.entries.len() - 10)
        } else {
            String::new()
        };
        let related = g
            .entries
            .iter()
            .filter(|&&k| k != entry)
            .filter_map(|&k| self.correlate.get(k))
            .filter_map(|x| {
                x.items_span
                    .clone()
                    .map(|s| (s, format!("{} (rho = {})", x.path, x.rho_text)))
            })
            .collect();
        cx.report_at(
            e.rho_span.clone(),
            &format!("{}.rho", e.path),
            "not positive definite",
            message,
            format!("{fix}; entries involved: {}{more}", involved.join(", ")),
            related,
        );
    }
}

fn key_text(key: (&str, &str)) -> String {
    format!("rho(`{}`, `{}`)", key.0, key.1)
}
