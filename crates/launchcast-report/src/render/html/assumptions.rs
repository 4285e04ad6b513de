//! The model's assumptions, as tables.

use std::fmt::Write as _;

use launchcast_model::{Dist, Impact, Link, LinkKind, Quantity, SettingValue};

use super::page::target;
use super::{Report, pct};
use crate::format::{count, distribution};
use crate::render::svg::esc;

impl Report<'_> {
    pub(super) fn assumptions(&self, o: &mut String) {
        let m = self.model;
        let p = &m.program;
        let cur = self.currency;
        o.push_str(r#"<section id="assumptions" class="assumptions"><h2>Assumptions: the model as read</h2>"#);
        // What applies to this model only: no delivery lag without plants, no money
        // without costs.
        let mut facts = vec![
            format!("Start {}", p.start),
            format!("horizon {}", p.horizon),
        ];
        if self.spends || !cur.is_empty() {
            facts.push(format!(
                "currency {}",
                if cur.is_empty() { "-" } else { cur }
            ));
        }
        if self.delivers {
            facts.push(format!(
                "delivery lag {}",
                distribution(&p.delivery_lag, Quantity::Duration)
            ));
        }
        if p.overhead_per_year != Dist::ZERO {
            facts.push(format!(
                "programme overhead per year {}",
                distribution(&p.overhead_per_year, Quantity::Money)
            ));
        }
        let money_units = if self.spends {
            format!(
                "; money in {} with k, M, bn",
                if cur.is_empty() {
                    "currency units"
                } else {
                    cur
                }
            )
        } else {
            String::new()
        };
        let _ = write!(
            o,
            r#"<p>{}.</p><p class="note">Distributions: tri(min, mode, max) triangular; pert(min, mode, max) beta-PERT; uniform(min, max); normal(mean, sd); lognormal(median, p90); discrete(value: weight, …). Durations in d, w, mo (30.4 d), y{}.</p>"#,
            esc(&facts.join(" · ")),
            esc(&money_units)
        );
        // Tasks.
        let _ = write!(o, "<h4>{}</h4>", count(m.tasks.len() as u64, "task"));
        let costs = m.tasks.iter().any(|t| t.cost != Dist::ZERO);
        let _ = write!(
            o,
            "<table><thead><tr><th>Task</th><th>Duration</th><th>Chance</th>{}<th>Starts after</th></tr></thead><tbody>",
            if costs { "<th>Cost</th>" } else { "" }
        );
        for t in &m.tasks {
            let mut after = links(&t.after);
            if !t.after_any.is_empty() {
                if !after.is_empty() {
                    after.push_str("; ");
                }
                let _ = write!(after, "first of: {}", links(&t.after_any));
            }
            if !t.after_failure.is_empty() {
                if !after.is_empty() {
                    after.push_str("; ");
                }
                let _ = write!(after, "only if failed: {}", t.after_failure.join(", "));
            }
            if let Some(d) = t.not_before {
                if !after.is_empty() {
                    after.push_str("; ");
                }
                let _ = write!(after, "not before {d}");
            }
            let cost = if !costs {
                String::new()
            } else if t.cost == Dist::ZERO {
                "<td>-</td>".to_string()
            } else {
                format!("<td>{}</td>", esc(&distribution(&t.cost, Quantity::Money)))
            };
            let _ = write!(
                o,
                r#"<tr><td><b>{}</b><br/><code>{}</code></td><td>{}</td><td class="num">{}</td>{cost}<td>{}</td></tr>"#,
                esc(&t.name),
                esc(&t.id),
                esc(&distribution(&t.duration, Quantity::Duration)),
                pct(t.chance),
                esc(if after.is_empty() { "-" } else { &after })
            );
        }
        o.push_str("</tbody></table>");
        // Risks.
        if !m.risks.is_empty() {
            let _ = write!(o, "<h4>{}</h4>", count(m.risks.len() as u64, "risk"));
            o.push_str("<table><thead><tr><th>Risk</th><th>Chance</th><th>Impact</th><th>On tasks</th></tr></thead><tbody>");
            for r in &m.risks {
                let impact = match &r.impact {
                    Impact::Delay(d) => format!("delay {}", distribution(d, Quantity::Duration)),
                    Impact::Scale(d) => format!("duration × {}", distribution(d, Quantity::Number)),
                    Impact::Fail => "the task fails".to_string(),
                };
                let _ = write!(
                    o,
                    r#"<tr><td><b>{}</b><br/><code>{}</code></td><td class="num">{}</td><td>{}</td><td>{}</td></tr>"#,
                    esc(&r.name),
                    esc(&r.id),
                    pct(r.chance),
                    esc(&impact),
                    esc(&r.tasks.join(", "))
                );
            }
            o.push_str("</tbody></table>");
        }
        // Plants.
        if !m.plants.is_empty() {
            let _ = write!(o, "<h4>{}</h4>", count(m.plants.len() as u64, "plant"));
            o.push_str("<table><thead><tr><th>Plant</th><th>Cars a year at nameplate</th><th>Production starts when</th><th>Ramp to nameplate</th><th>Output after ramp</th></tr></thead><tbody>");
            for pl in &m.plants {
                let curve = match pl.curve {
                    launchcast_model::Curve::Linear => "linear",
                    launchcast_model::Curve::S => "S-curve",
                };
                let _ = write!(
                    o,
                    r#"<tr><td><b>{}</b><br/><code>{}</code></td><td>{}</td><td><code>{}</code> finishes</td><td>{} ({curve}, from {} of nameplate)</td><td>{} × nameplate</td></tr>"#,
                    esc(&pl.name),
                    esc(&pl.id),
                    esc(&distribution(&pl.capacity, Quantity::Number)),
                    esc(&pl.starts),
                    esc(&distribution(&pl.ramp, Quantity::Duration)),
                    pct(pl.ramp_start),
                    esc(&distribution(&pl.peak, Quantity::Number))
                );
            }
            o.push_str("</tbody></table>");
        }
        // Promises.
        if !m.promises.is_empty() {
            let _ = write!(o, "<h4>{}</h4>", count(m.promises.len() as u64, "promise"));
            o.push_str("<table><thead><tr><th>Promise</th><th>Target</th></tr></thead><tbody>");
            for pr in &m.promises {
                let _ = write!(
                    o,
                    r#"<tr><td><b>{}</b><br/><code>{}</code></td><td>{}</td></tr>"#,
                    esc(&pr.name),
                    esc(&pr.id),
                    esc(&target(&pr.kind, cur))
                );
            }
            o.push_str("</tbody></table>");
        }
        // Scenarios.
        let _ = write!(o, "<h4>{}</h4>", count(self.scen.len() as u64, "scenario"));
        o.push_str("<table><thead><tr><th>Scenario</th><th>Never happens</th><th>Values changed</th></tr></thead><tbody>");
        for &(i, ss, _) in &self.scen {
            let (disable, set) = match m.scenarios.iter().find(|s| s.id == ss.id) {
                Some(s) => (
                    s.disable.join(", "),
                    s.set
                        .iter()
                        .map(|st| {
                            let v = match &st.value {
                                SettingValue::Dist(d) => {
                                    let q = match st.field.as_str() {
                                        "cost" | "overhead_per_year" => Quantity::Money,
                                        "duration" | "ramp" | "delay" | "delivery_lag" => {
                                            Quantity::Duration
                                        }
                                        _ => Quantity::Number,
                                    };
                                    distribution(d, q)
                                }
                                SettingValue::Number(x) => x.to_string(),
                                SettingValue::Date(d) => d.to_string(),
                                SettingValue::Curve(c) => format!("{c:?}").to_lowercase(),
                            };
                            format!("{}.{} = {v}", st.item, st.field)
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                None => (String::new(), String::new()),
            };
            let _ = write!(
                o,
                r#"<tr><td>{}<br/>{}</td><td>{}</td><td>{}</td></tr>"#,
                self.scenario_key(i, &ss.id),
                esc(&ss.name),
                esc(if disable.is_empty() { "-" } else { &disable }),
                esc(if set.is_empty() { "-" } else { &set })
            );
        }
        o.push_str("</tbody></table>");
        if !m.correlations.is_empty() {
            o.push_str("<h4>Correlations</h4><table><thead><tr><th>Items</th><th>Rank correlation</th></tr></thead><tbody>");
            for c in &m.correlations {
                let _ = write!(
                    o,
                    r#"<tr><td>{}</td><td class="num">{:.2}</td></tr>"#,
                    esc(&c.items.join(", ")),
                    c.rho
                );
            }
            o.push_str("</tbody></table>");
        }
        o.push_str("</section>");
    }
}

/// Links as the assumptions table lists them: `a`, `a (SS)`, `a (FF) +3 d`, comma-separated.
fn links(links: &[Link]) -> String {
    links
        .iter()
        .map(|l| {
            let kind = if l.kind == LinkKind::FinishToStart {
                String::new()
            } else {
                format!(" ({})", l.kind.code())
            };
            let lag = if l.lag == 0.0 {
                String::new()
            } else {
                format!(" {:+.0} d", l.lag)
            };
            format!("{}{kind}{lag}", l.task)
        })
        .collect::<Vec<_>>()
        .join(", ")
}
