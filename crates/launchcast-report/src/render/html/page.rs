//! The page: its style, its order of sections, the header, the promises table and the
//! headline table with its scenario cards.

use std::cell::OnceCell;
use std::fmt::Write as _;

use launchcast_engine::Outcomes;
use launchcast_model::{Model, PromiseKind};

use super::{DELIVERY, FINISH, Report, pct};
use crate::format::{count, group_thousands, money_in};
use crate::render::svg::{colour, esc};
use crate::{ScenarioSummary, Summary};

pub(crate) const CSS: &str = r#"
:root{--ink:#1b1b1b;--muted:#555;--rule:#dcdcdc}
*{box-sizing:border-box}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:27px;margin:0 0 4px;line-height:1.2}
h2{font-size:20px;margin:34px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--ink)}
h3{font-size:16px;margin:0}
h4{font-size:15px;margin:16px 0 6px}
p{margin:6px 0}
.meta,.note{color:var(--muted)}
.note{font-size:13.5px}
figure{margin:14px 0 26px;break-inside:avoid;page-break-inside:avoid}
figcaption .how{color:var(--muted);font-size:13.5px;margin:2px 0 6px}
svg.chart{display:block;width:100%;height:auto}
svg text{font-family:inherit;fill:#1b1b1b}
svg .tick{font-size:12px;fill:#444}
svg .lab{font-size:13px;fill:#333}
svg .leg{font-size:13px}
svg .ref{font-size:12px;font-weight:600}
svg .val{font-size:12px;font-weight:700}
svg .ttl{font-size:14px;font-weight:700}
svg .halo{stroke:#fff;stroke-width:4px;stroke-linejoin:round}
svg line.grid{stroke:#e4e4e4;stroke-width:1}
svg line.axis{stroke:#8a8a8a;stroke-width:1}
svg line.refline{stroke:#222;stroke-width:1.5;stroke-dasharray:6 4}
table{border-collapse:collapse;width:100%;font-size:14px;margin:6px 0 14px}
th,td{padding:5px 8px;border-bottom:1px solid var(--rule);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #999;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.best{font-weight:700}
.swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.bar{height:6px;background:#eee;border-radius:3px;margin-top:3px;min-width:60px}
.bar span{display:block;height:6px;border-radius:3px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:12px;margin-top:12px}
.card{border:1px solid var(--rule);border-top:6px solid #999;border-radius:4px;padding:10px 12px;break-inside:avoid}
.card .id{font-weight:700}
.card .name{color:var(--muted);font-size:13px;min-height:2.6em}
.card .big{font-size:30px;font-weight:700;line-height:1.15;margin-top:6px}
.card .sub{font-size:13.5px}
code{font-size:13px}
.assumptions td{font-size:13px}
footer{margin-top:30px;color:var(--muted);font-size:13px;border-top:1px solid var(--rule);padding-top:8px}
@page{size:A4;margin:12mm}
@media print{
 main{max-width:none;padding:0}
 body{font-size:12px}
 h2{break-after:avoid;page-break-after:avoid}
 table,.card,figure{break-inside:avoid;page-break-inside:avoid}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

/// What a promise asks for, in words.
pub(super) fn target(kind: &PromiseKind, currency: &str) -> String {
    match kind {
        PromiseKind::FirstDeliveryBy(d) => format!("first car delivered by {d}"),
        PromiseKind::DeliveriesBy { date, at_least } => {
            format!(
                "at least {} cars delivered by {date}",
                group_thousands(*at_least)
            )
        }
        PromiseKind::DeliveriesInYear { year, at_least } => {
            format!(
                "at least {} cars delivered in {year}",
                group_thousands(*at_least)
            )
        }
        PromiseKind::SpendBy { date, at_most } => {
            format!("at most {} spent by {date}", money_in(*at_most, currency))
        }
    }
}

impl Report<'_> {
    pub(super) fn header(&self, o: &mut String) {
        let s = self.summary;
        let w = self.words;
        let _ = write!(
            o,
            r#"<header><h1>{}</h1><p class="meta">Monte Carlo forecast as of {} · horizon {} · {} per scenario · seed {}</p></header>"#,
            esc(&s.model),
            esc(&s.start),
            esc(&s.horizon),
            count(s.iterations, "simulated future"),
            s.seed
        );
        // The first "first delivery by" promise is the headline of every card.
        let promise = self
            .model
            .promises
            .iter()
            .enumerate()
            .find_map(|(i, p)| match p.kind {
                PromiseKind::FirstDeliveryBy(d) => Some((i, d)),
                _ => None,
            });
        let horizon = esc(&self.summary.horizon);
        o.push_str(r#"<section id="glance"><div class="cards">"#);
        for &(i, ss, _) in &self.scen {
            let fd = &ss.first_delivery;
            let p = fd.probability;
            let date = |class: &str, d: &Option<String>| {
                format!(
                    r#"<b class="{class}">{}</b>"#,
                    esc(d.as_deref().unwrap_or("-"))
                )
            };
            // The big figure: the chance of keeping the promise, or else the median date, or
            // else (when it never happens) the chance that it happens.
            let (big, what, dates) = match promise {
                Some((k, d)) => (
                    format!(
                        r#"<span class="promise">{}</span>"#,
                        pct(ss.promises.get(k).map_or(0.0, |p| p.probability))
                    ),
                    format!(
                        "chance of {} by {d}, over all simulated futures",
                        w.chance_of
                    ),
                    format!(
                        "median {} · P80 {}",
                        date("p50", &fd.p50),
                        date("p80", &fd.p80)
                    ),
                ),
                None if p > 0.0 && fd.p50.is_some() => (
                    format!(
                        r#"<span class="p50">{}</span>"#,
                        esc(fd.p50.as_deref().unwrap_or("-"))
                    ),
                    format!("median {}", w.event),
                    format!(
                        "P10 {} · P80 {}",
                        date("p10", &fd.p10),
                        date("p80", &fd.p80)
                    ),
                ),
                None => (
                    pct(p),
                    format!("chance of {} by {}", w.chance_of, self.summary.horizon),
                    String::new(),
                ),
            };
            let prob = format!(r#"<b class="prob">{}</b>"#, pct(p));
            let happens = if p >= 1.0 {
                format!(
                    "{} by {horizon} in every simulated future ({prob}).<br/>Over all of them: ",
                    w.title
                )
            } else if p > 0.0 {
                format!(
                    "{} by {horizon} in {prob} of the simulated futures.<br/>Over those futures only: ",
                    w.title
                )
            } else {
                format!(
                    "No {} by {horizon} in any simulated future ({prob}).",
                    w.event
                )
            };
            let dates = if p > 0.0 { dates } else { String::new() };
            let spend = if self.spends {
                let spent = self.spend_fans()[i].p50.last().copied().unwrap_or(0.0);
                format!(
                    "<br/>Spend to {horizon}, median of all futures: <b>{}</b>",
                    esc(&money_in(spent, self.currency))
                )
            } else {
                String::new()
            };
            let _ = write!(
                o,
                r#"<div class="card" data-scenario="{}" style="border-top-color:{}"><div class="id">{}</div><div class="name">{}</div><div class="big">{big}</div><div class="sub">{}</div><p class="sub">{happens}{dates}{spend}</p></div>"#,
                esc(&ss.id),
                colour(i),
                esc(&ss.id),
                esc(&ss.name),
                esc(&what),
            );
        }
        let _ = write!(
            o,
            r#"</div><p class="note">Chances count all simulated futures. Dates count only the futures in which the {} happens by the horizon ({horizon}), as in the table of dates below: "P80" is the date by which 8 in 10 of those futures have had it.</p></section>"#,
            w.event
        );
    }

    /// The promises table; left out when the model makes no promises.
    pub(super) fn promises(&self, o: &mut String) {
        if self.model.promises.is_empty() {
            return;
        }
        o.push_str(r#"<section id="promises"><h2>Promises: chance that each is kept</h2>"#);
        o.push_str(r#"<table class="promises"><thead><tr><th>Promise</th><th>Target</th>"#);
        for &(i, ss, _) in &self.scen {
            let _ = write!(
                o,
                r#"<th class="num" title="{}">{}</th>"#,
                esc(&ss.name),
                self.scenario_key(i, &ss.id)
            );
        }
        o.push_str("</tr></thead><tbody>");
        for (k, p) in self.model.promises.iter().enumerate() {
            let probs: Vec<f64> = self
                .scen
                .iter()
                .map(|(_, ss, _)| ss.promises.get(k).map_or(0.0, |p| p.probability))
                .collect();
            let best = probs.iter().copied().fold(0.0, f64::max);
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td>",
                esc(if p.name.trim().is_empty() {
                    &p.id
                } else {
                    &p.name
                }),
                esc(&target(&p.kind, self.currency))
            );
            for (&(i, _, _), &pr) in self.scen.iter().zip(&probs) {
                let class = if pr == best && best > 0.0 {
                    "num best"
                } else {
                    "num"
                };
                let _ = write!(
                    o,
                    r#"<td class="{class}">{}<div class="bar"><span style="width:{:.1}%;background:{}"></span></div></td>"#,
                    pct(pr),
                    pr * 100.0,
                    colour(i)
                );
            }
            o.push_str("</tr>");
        }
        o.push_str(r#"</tbody></table><p class="note">Each figure is the share of all simulated futures in which the promise is kept; the highest in each row is in bold.</p></section>"#);
    }

    /// The headline's chance and dates per scenario: the figures of the cards.
    pub(super) fn dates(&self, o: &mut String) {
        let w = self.words;
        let _ = write!(o, r#"<table class="dates"><thead><tr><th>{}</th>"#, w.title);
        for &(i, ss, _) in &self.scen {
            let _ = write!(
                o,
                r#"<th class="num">{}</th>"#,
                self.scenario_key(i, &ss.id)
            );
        }
        o.push_str("</tr></thead><tbody>");
        let _ = write!(
            o,
            "<tr><td>Chance of {} by {}, over all simulated futures</td>",
            w.chance_of,
            esc(&self.summary.horizon)
        );
        for (_, ss, _) in &self.scen {
            let _ = write!(
                o,
                r#"<td class="num prob">{}</td>"#,
                pct(ss.first_delivery.probability)
            );
        }
        o.push_str("</tr>");
        let _ = write!(
            o,
            r#"<tr><td colspan="{}"><i>Dates, over the futures in which it happens by {}:</i></td></tr>"#,
            1 + self.scen.len(),
            esc(&self.summary.horizon)
        );
        type Pick = fn(&ScenarioSummary) -> Option<&String>;
        let rows: [(&str, &str, Pick); 4] = [
            ("p10", "P10 (optimistic: 1 in 10 of them is earlier)", |s| {
                s.first_delivery.p10.as_ref()
            }),
            ("p50", "P50 (median)", |s| s.first_delivery.p50.as_ref()),
            ("p80", "P80 (8 in 10 of them are earlier)", |s| {
                s.first_delivery.p80.as_ref()
            }),
            ("p90", "P90 (cautious)", |s| s.first_delivery.p90.as_ref()),
        ];
        for (class, label, pick) in rows {
            let _ = write!(o, "<tr><td>{}</td>", esc(label));
            for (_, ss, _) in &self.scen {
                let _ = write!(
                    o,
                    r#"<td class="num {class}">{}</td>"#,
                    esc(pick(ss).map_or("-", String::as_str))
                );
            }
            o.push_str("</tr>");
        }
        let _ = write!(
            o,
            r#"</tbody></table><p class="note">A date is missing when the {} never happens by the horizon.</p>"#,
            w.event
        );
    }
}

/// Renders the report. `summary` and `outcomes` come from the same run of `model` (their
/// scenarios in the same order).
pub fn render_html(model: &Model, summary: &Summary, outcomes: &Outcomes) -> String {
    let mut o = String::with_capacity(256 * 1024);
    let title = format!("{}: launchcast forecast", summary.model);
    let _ = write!(
        o,
        r#"<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{}</title><style>{CSS}</style></head><body><main>"#,
        esc(&title)
    );
    report(model, summary, outcomes).main(&mut o);
    o.push_str("</main></body></html>\n");
    o
}

/// The report's sections, what [`render_html`] puts inside `<main>`: for a page of another
/// frame (the workspace), styled by [`HTML_CSS`].
pub fn render_html_main(model: &Model, summary: &Summary, outcomes: &Outcomes) -> String {
    let mut o = String::with_capacity(256 * 1024);
    report(model, summary, outcomes).main(&mut o);
    o
}

/// The report's style sheet.
pub const HTML_CSS: &str = CSS;

fn report<'a>(model: &'a Model, summary: &'a Summary, outcomes: &'a Outcomes) -> Report<'a> {
    Report {
        model,
        summary,
        outcomes,
        scen: summary
            .scenarios
            .iter()
            .zip(&outcomes.scenarios)
            .enumerate()
            .map(|(i, (s, o))| (i, s, o))
            .collect(),
        start: model.program.start,
        currency: &model.program.currency,
        words: if model.plants.is_empty() {
            &FINISH
        } else {
            &DELIVERY
        },
        delivers: !model.plants.is_empty(),
        spends: outcomes.spends,
        spend_fans: OnceCell::new(),
        headline_range: OnceCell::new(),
    }
}

impl Report<'_> {
    /// Everything inside `<main>`: the sections and the footer.
    fn main(&self, o: &mut String) {
        let (r, summary, w) = (self, self.summary, self.words);
        r.header(o);
        r.promises(o);
        let question = if r.delivers {
            "When does the first car reach a customer?"
        } else {
            "When does the project finish?"
        };
        let _ = write!(o, r#"<section id="{}"><h2>{question}</h2>"#, w.section);
        r.dates(o);
        r.cdf(o);
        r.histogram(o);
        o.push_str("</section>");
        let volumes = match (r.delivers, r.spends) {
            (true, true) => Some("How many cars follow, and at what cost?"),
            (true, false) => Some("How many cars follow?"),
            (false, true) => Some("What does it cost?"),
            (false, false) => None,
        };
        if let Some(h) = volumes {
            let _ = write!(o, r#"<section id="volumes"><h2>{h}</h2>"#);
            if r.delivers {
                r.deliveries(o);
            }
            if r.spends {
                r.spend(o);
            }
            o.push_str("</section>");
        }
        let _ = write!(o, r#"<section id="drivers"><h2>What drives the date?</h2>"#);
        r.tornado(o);
        r.criticality(o);
        r.sensitivity(o);
        o.push_str("</section>");
        r.comparisons(o);
        r.references(o);
        r.assumptions(o);
        let _ = write!(
            o,
            "<footer>launchcast {} · {}, seed {} · every scenario runs on the same random draws, so differences between scenarios are not noise.</footer>",
            esc(&summary.launchcast),
            count(summary.iterations, "iteration"),
            summary.seed
        );
    }
}
