//! The scenario comparison tables.

use std::fmt::Write as _;

use super::{Report, finite, pct};
use crate::render::svg::esc;

impl Report<'_> {
    pub(super) fn comparisons(&self, o: &mut String) {
        o.push_str(r#"<section id="comparisons"><h2>Scenarios compared, on the same draws</h2>"#);
        let c = &self.summary.comparisons;
        let pairs = Some(&c.pairs).filter(|p| !p.is_empty());
        let best = Some(&c.best_by_promise).filter(|p| !p.is_empty());
        if pairs.is_none() && best.is_none() {
            let why = if self.scen.len() < 2 {
                "Only one scenario was run: nothing to compare."
            } else {
                "Pairwise scenario comparisons were not computed by this version of launchcast."
            };
            let _ = write!(o, r#"<p class="note">{why}</p></section>"#);
            return;
        }
        let days = |x: Option<f64>| x.map_or("-".to_string(), |d| format!("{d:+.0} d"));
        let w = self.words;
        if let Some(pairs) = pairs {
            let (earlier, both) = if self.delivers {
                (
                    "Chance A delivers first earlier",
                    "Both deliver by the horizon",
                )
            } else {
                ("Chance A finishes earlier", "Both finish by the horizon")
            };
            let _ = write!(
                o,
                r#"<table class="pairs"><thead><tr><th>Scenario A</th><th>Scenario B</th><th class="num">{earlier}</th><th class="num">A minus B, median</th><th class="num">A minus B, P10 to P90</th><th class="num">{both}</th></tr></thead><tbody>"#
            );
            for p in pairs {
                let key = |id: &str| {
                    self.scen
                        .iter()
                        .find(|(_, ss, _)| ss.id == id)
                        .map_or_else(|| esc(id), |&(i, _, _)| self.scenario_key(i, id))
                };
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{} to {}</td><td class="num">{}</td></tr>"#,
                    key(&p.a),
                    key(&p.b),
                    finite(Some(p.p_a_earlier)).map_or("-".to_string(), pct),
                    days(finite(p.median_diff_days)),
                    days(finite(p.p10_diff_days)),
                    days(finite(p.p90_diff_days)),
                    finite(Some(p.both_happen)).map_or("-".to_string(), pct)
                );
            }
            let _ = write!(
                o,
                r#"</tbody></table><p class="note">Chances count all simulated futures. Differences are in days between the {} of A and of B in the same simulated future, over the futures in which both {}; negative means A is earlier.</p>"#,
                w.date, w.verb
            );
        }
        if let Some(best) = best {
            o.push_str(r#"<table class="best"><thead><tr><th>Promise</th><th>Kept most often by</th><th class="num">Chance</th></tr></thead><tbody>"#);
            for b in best {
                let id = b.promise.clone();
                let name = self
                    .model
                    .promises
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.name.clone())
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| id.clone());
                // Every scenario of a tie; `scenario` alone from an older result.
                let mut tied: Vec<String> = b.scenarios.clone();
                if tied.is_empty() {
                    tied.push(b.scenario.clone());
                }
                let key = |sid: &String| {
                    self.scen
                        .iter()
                        .find(|(_, ss, _)| ss.id == *sid)
                        .map_or_else(|| esc(sid), |&(i, _, _)| self.scenario_key(i, sid))
                };
                let probability = finite(Some(b.probability));
                let key = if probability == Some(0.0) {
                    "none (no scenario keeps it)".to_string()
                } else if tied.len() > 1 {
                    format!(
                        "a tie: {}",
                        tied.iter().map(key).collect::<Vec<_>>().join(", ")
                    )
                } else {
                    tied.iter().map(key).collect::<String>()
                };
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td>{key}</td><td class="num">{}</td></tr>"#,
                    esc(&name),
                    probability.map_or("-".to_string(), pct)
                );
            }
            o.push_str("</tbody></table>");
        }
        o.push_str("</section>");
    }
}
