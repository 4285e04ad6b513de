//! Backtests and calibrations as self-contained HTML pages with the report's style sheet and
//! SVG chart kit: one strip per outcome (its forecast P5–P95 and P10–P90 ranges, P50, and
//! the actual marked), a PIT histogram and a reliability diagram.

use std::fmt::Write as _;

use launchcast_model::Date;

use super::{Backtest, Calibration, Kind, Scored, Shown};
use crate::format::{group_thousands, money_in, percent};
use crate::render::html::CSS;
use crate::render::svg::{Chart, Margins, REFERENCE, colour, esc, nice_ticks};

/// Width of every chart.
const W: f64 = 900.0;

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{}</title><style>{CSS}</style></head><body><main>{body}<footer>launchcast {}</footer></main></body></html>
"#,
        esc(title),
        env!("CARGO_PKG_VERSION")
    )
}

fn text(v: &Shown) -> String {
    match v {
        Shown::Text(t) => t.clone(),
        Shown::Number(x) => group_thousands(*x),
        Shown::Flag(k) => if *k { "kept" } else { "broken" }.into(),
    }
}

/// An amount of outcome `s` in its unit: days, cars, or money in `currency`.
fn amount(s: &Scored, x: f64, currency: &str) -> String {
    match s.kind {
        Kind::SpendInYear => money_in(x, currency),
        Kind::DeliveriesInYear => format!("{} cars", group_thousands(x)),
        _ => format!("{x:.1} days"),
    }
}

/// What happened, money in its currency.
fn actual(s: &Scored, currency: &str) -> String {
    match (&s.actual, s.kind) {
        (Shown::Number(x), Kind::SpendInYear) => money_in(*x, currency),
        (v, _) => text(v),
    }
}

fn what(s: &Scored) -> String {
    match (s.kind, &s.id, s.year) {
        (Kind::Task, Some(id), _) => format!("task {id}"),
        (Kind::Promise, Some(id), _) => format!("promise {id}"),
        (Kind::DeliveriesInYear, _, Some(y)) => format!("deliveries in {y}"),
        (Kind::SpendInYear, _, Some(y)) => format!("spend in {y}"),
        _ => "first delivery".into(),
    }
}

/// One outcome's strip: the forecast's ranges as bands, P50 as a tick, the actual as a dot
/// (at the horizon's end, labelled, when it is "never"; at `as_of` when censored).
fn strip(b: &Backtest, i: usize, s: &Scored, q: &[f64; 5]) -> String {
    let dated = matches!(s.kind, Kind::FirstDelivery | Kind::Task);
    let start = Date::parse(&b.start);
    let horizon = match (start, Date::parse(&b.horizon)) {
        (Some(a), Some(h)) => f64::from(h.days_since(a)) + 1.0,
        _ => 0.0,
    };
    let cap = |v: f64| if v.is_finite() { v } else { horizon };
    let at = s.at.map(cap);
    let mut lo = cap(q[0]).min(at.unwrap_or(f64::INFINITY));
    let mut hi = cap(q[4]).max(at.unwrap_or(f64::NEG_INFINITY));
    if hi <= lo {
        (lo, hi) = (lo - 1.0, hi + 1.0);
    }
    let pad = 0.05 * (hi - lo);
    let mut c = Chart::new(
        &format!("backtest-{i}"),
        &what(s),
        W,
        90.0,
        Margins(50.0, 50.0, 10.0, 44.0),
        (lo - pad, hi + pad),
        (0.0, 1.0),
    );
    let tip = format!(
        "P10 {} · P50 {} · P90 {}",
        s.p10.as_ref().map_or_else(String::new, text),
        s.p50.as_ref().map_or_else(String::new, text),
        s.p90.as_ref().map_or_else(String::new, text)
    );
    c.rect((cap(q[0]), cap(q[4])), (0.3, 0.7), colour(0), 0.2, "P5-P95");
    c.rect((cap(q[1]), cap(q[3])), (0.2, 0.8), colour(0), 0.45, &tip);
    c.line(
        &[(cap(q[2]), 0.1), (cap(q[2]), 0.9)],
        colour(0),
        2.5,
        false,
        "P50",
    );
    if dated {
        if let Some(a) = start {
            c.x_dates(a, "");
        }
    } else {
        let ticks = nice_ticks(lo, hi, 6);
        let currency = b.currency.clone();
        let fmt: Box<dyn Fn(f64) -> String> = if s.kind == Kind::SpendInYear {
            Box::new(move |v| money_in(v, &currency))
        } else {
            Box::new(group_thousands)
        };
        c.x_linear(&ticks, &*fmt, "");
    }
    if let Some(a) = at {
        let label = if s.censored {
            format!("not by as_of ({})", b.as_of)
        } else {
            format!("actual: {}", actual(s, &b.currency))
        };
        c.dot(a, 0.5, REFERENCE, &label);
        c.vline(a, &label, 0);
    }
    c.finish()
}

fn row(s: &Scored, currency: &str) -> String {
    let cell = |v: Option<String>| esc(&v.unwrap_or_else(|| "-".into()));
    format!(
        "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        esc(&what(s)),
        esc(&actual(s, currency)),
        cell(s.pit.map(|p| format!("{p:.2}"))),
        cell(
            s.inside_p10_p90
                .map(|b| if b { "yes" } else { "no" }.to_string())
        ),
        cell(s.crps.map(|c| amount(s, c, currency))),
        cell(s.probability.map(percent)),
        cell(s.brier.map(|b| format!("{b:.4}")))
    )
}

/// The backtest as an HTML page.
pub fn render_backtest_html(b: &Backtest) -> String {
    let mut o = format!(
        "<h1>Backtest: {}</h1><p class=\"meta\">scenario {} · as of {} · {} iterations, seed {}</p>",
        esc(&b.model),
        esc(&b.scenario),
        esc(&b.as_of),
        group_thousands(b.iterations as f64),
        b.seed
    );
    o.push_str("<h2>Where each actual fell</h2><table><thead><tr><th>outcome</th><th>actual</th><th class=\"num\">PIT</th><th class=\"num\">inside P10-P90</th><th class=\"num\">CRPS</th><th class=\"num\">P(event)</th><th class=\"num\">Brier</th></tr></thead><tbody>");
    for s in &b.outcomes {
        o.push_str(&row(s, &b.currency));
    }
    o.push_str("</tbody></table>");
    let m = &b.summary;
    let _ = write!(
        o,
        "<p>{} outcomes; inside P10-P90: {} of {}{}{}</p>",
        m.outcomes,
        m.inside_p10_p90,
        m.ranged,
        m.mean_crps.map_or_else(String::new, |c| format!(
            "; mean CRPS of the dates {c} days"
        )),
        m.brier
            .map_or_else(String::new, |c| format!("; mean Brier {c:.4}"))
    );
    for (i, s) in b.outcomes.iter().enumerate() {
        if let Some(q) = &s.quantiles {
            let _ = write!(
                o,
                "<figure><figcaption><h3>{}</h3><p class=\"how\"><b>How to read this:</b> the light band is the forecast's P5-P95, the dark one its P10-P90, the line its P50; the dashed line is what happened.</p></figcaption>{}</figure>",
                esc(&what(s)),
                strip(b, i, s, q)
            );
        }
    }
    page(&format!("{}: backtest", b.model), &o)
}

/// The calibration of a set of forecasts as an HTML page: the PIT histogram and the
/// reliability diagram of the promises.
pub fn render_calibration_html(c: &Calibration, names: &[String]) -> String {
    let mut o = format!(
        "<h1>Calibration of {} forecasts</h1><p class=\"meta\">{} outcomes</p><p><b>{}</b></p><ol start=\"0\">",
        c.forecasts,
        c.outcomes,
        esc(&c.verdict_text)
    );
    for n in names {
        let _ = write!(o, "<li>{}</li>", esc(n));
    }
    o.push_str("</ol><h2>PIT histogram</h2>");
    let most = c.pit_histogram.iter().copied().fold(1.0, f64::max);
    let mut h = Chart::new(
        "pit-histogram",
        "PIT histogram",
        W,
        300.0,
        Margins(60.0, 20.0, 20.0, 50.0),
        (0.0, 1.0),
        (0.0, most * 1.1),
    );
    for (j, &n) in c.pit_histogram.iter().enumerate() {
        let x = j as f64 / c.pit_histogram.len() as f64;
        let w = 1.0 / c.pit_histogram.len() as f64;
        h.rect(
            (x + 0.05 * w, x + 0.95 * w),
            (0.0, n),
            colour(0),
            0.8,
            &format!("{n:.1}"),
        );
    }
    let flat = c.pit_outcomes as f64 / c.pit_histogram.len().max(1) as f64;
    h.hline(flat, 0.0, 1.0, "flat");
    h.x_linear(&nice_ticks(0.0, 1.0, 10), &|v| format!("{v:.1}"), "PIT");
    h.y_axis(
        &nice_ticks(0.0, most * 1.1, 5),
        &|v| format!("{v:.0}"),
        "outcomes",
    );
    let _ = write!(
        o,
        "<figure><figcaption><p class=\"how\"><b>How to read this:</b> flat for a calibrated forecaster; a U shape means ranges too narrow (over-confident), a hump too wide. Chi-square {:.2} on {} degrees of freedom, p = {:.4}.</p></figcaption>{}</figure>",
        c.chi_square.statistic,
        c.chi_square.degrees_of_freedom,
        c.chi_square.p_value,
        h.finish()
    );
    let _ = write!(
        o,
        "<h2>Coverage</h2><table><thead><tr><th>range</th><th class=\"num\">nominal</th><th class=\"num\">inside</th><th class=\"num\">share</th><th class=\"num\">standard error</th></tr></thead><tbody>"
    );
    for (name, cov) in [
        ("P10-P90", &c.coverage_p10_p90),
        ("P5-P95", &c.coverage_p5_p95),
    ] {
        let _ = write!(
            o,
            "<tr><td>{name}</td><td class=\"num\">{}</td><td class=\"num\">{} of {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&percent(cov.nominal)),
            cov.inside,
            cov.outcomes,
            esc(&cov.share.map_or_else(|| "-".into(), percent)),
            esc(&cov.standard_error.map_or_else(|| "-".into(), percent))
        );
    }
    o.push_str("</tbody></table><h2>Promises: reliability</h2>");
    let mut r = Chart::new(
        "reliability",
        "Reliability diagram",
        W * 0.6,
        W * 0.6,
        Margins(60.0, 20.0, 20.0, 50.0),
        (0.0, 1.0),
        (0.0, 1.0),
    );
    r.line(
        &[(0.0, 0.0), (1.0, 1.0)],
        REFERENCE,
        1.0,
        true,
        "perfect reliability",
    );
    for rel in &c.reliability {
        let tip = format!(
            "forecast {} · observed {} · {} promises",
            percent(rel.forecast),
            percent(rel.observed),
            rel.count
        );
        r.dot(rel.forecast, rel.observed, colour(0), &tip);
    }
    let ticks = nice_ticks(0.0, 1.0, 5);
    r.x_linear(&ticks, &|v| format!("{v:.1}"), "forecast probability");
    r.y_axis(&ticks, &|v| format!("{v:.1}"), "observed frequency");
    let _ = write!(
        o,
        "<figure><figcaption><p class=\"how\"><b>How to read this:</b> each dot is a bin of promises by the probability given; on the diagonal, what was forecast happened as often. Mean Brier {}.</p></figcaption><div style=\"max-width:540px\">{}</div></figure>",
        c.brier.map_or_else(|| "-".into(), |b| format!("{b:.4}")),
        r.finish()
    );
    page("launchcast calibration", &o)
}
