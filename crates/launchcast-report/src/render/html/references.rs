//! The outside view: each reference class with its cases and sources, the predictive
//! distribution of the next case, and every value drawing from it beside the model's own
//! estimate, with a bar per row so the ranges can be compared at a glance.

use std::fmt::Write as _;

use super::Report;
use crate::analysis::references::{Range80, ReferenceSummary};
use crate::format::approx;
use crate::render::svg::esc;

impl Report<'_> {
    pub(super) fn references(&self, o: &mut String) {
        let classes = &self.summary.references;
        if classes.is_empty() {
            return;
        }
        o.push_str(r#"<section id="references"><h2>The outside view: reference classes</h2><p class="note">Each class lists earlier comparable cases. The outside view is the predictive distribution of the <em>next</em> case (P10–P90 wider than the cases seen when they are few); the values simulated draw from it, scaled where the model says so, beside the model's own estimate (inside view) where it states one.</p>"#);
        for c in classes {
            self.reference_class(o, c);
        }
        o.push_str("</section>");
    }

    fn reference_class(&self, o: &mut String, c: &ReferenceSummary) {
        let q = c.quantity();
        let _ = write!(
            o,
            "<h3>{} <small>({}; {} fit of {} cases)</small></h3>",
            esc(&c.name),
            esc(&c.id),
            esc(&c.fit),
            c.observations.len()
        );
        if let Some(file) = &c.file {
            let later = match c.left_out {
                0 => String::new(),
                1 => "; 1 observation dated after the model's start left out".to_string(),
                n => format!("; {n} observations dated after the model's start left out"),
            };
            let _ = write!(o, "<p class=\"note\">from {}{later}</p>", esc(file));
        }
        o.push_str("<table><thead><tr><th>case</th><th>value</th><th>source</th><th>known</th></tr></thead><tbody>");
        for ob in &c.observations {
            let known = match (&ob.date, ob.hindsight) {
                (Some(d), true) => format!("{d} (hindsight)"),
                (Some(d), false) => d.clone(),
                (None, true) => "hindsight".to_string(),
                (None, false) => String::new(),
            };
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
                esc(&ob.case),
                esc(&ob.text),
                esc(&ob.source),
                esc(&known)
            );
        }
        o.push_str("</tbody></table>");
        // One scale for every bar of the class: the cases and all ranges.
        let mut rows: Vec<(String, Range80)> =
            vec![("outside view: the next case".into(), c.outside)];
        for u in &c.uses {
            let scale = if u.scale == 1.0 {
                String::new()
            } else {
                format!(" (× {})", u.scale)
            };
            rows.push((format!("{}{scale}: simulated", u.item), u.value));
            if let Some(inside) = u.inside {
                rows.push((format!("{}: inside view (not simulated)", u.item), inside));
            }
        }
        let lo = rows
            .iter()
            .map(|r| r.1.p10)
            .chain(c.observations.iter().map(|ob| ob.value))
            .fold(f64::INFINITY, f64::min);
        let hi = rows
            .iter()
            .map(|r| r.1.p90)
            .chain(c.observations.iter().map(|ob| ob.value))
            .fold(f64::NEG_INFINITY, f64::max);
        let span = (hi - lo).max(f64::EPSILON);
        let x = |v: f64| 4.0 + 232.0 * ((v - lo) / span).clamp(0.0, 1.0);
        o.push_str("<table><thead><tr><th></th><th>P10</th><th>P50</th><th>P90</th><th>P10–P90, with the cases (ticks)</th></tr></thead><tbody>");
        for (label, r) in &rows {
            let mut bar = format!(
                r##"<svg width="240" height="14" role="img"><rect x="{:.1}" y="3" width="{:.1}" height="8" fill="#9db4d8"/><line x1="{:.1}" x2="{:.1}" y1="1" y2="13" stroke="#1f3b66" stroke-width="2"/>"##,
                x(r.p10),
                (x(r.p90) - x(r.p10)).max(1.0),
                x(r.p50),
                x(r.p50)
            );
            for ob in &c.observations {
                let _ = write!(
                    bar,
                    r##"<line x1="{0:.1}" x2="{0:.1}" y1="0" y2="4" stroke="#b33"/>"##,
                    x(ob.value)
                );
            }
            bar.push_str("</svg>");
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{bar}</td></tr>",
                esc(label),
                esc(&approx(r.p10, q)),
                esc(&approx(r.p50, q)),
                esc(&approx(r.p90, q))
            );
        }
        o.push_str("</tbody></table>");
    }
}
