//! The trend page: how the model's forecast moved across its recorded runs (every `run` of
//! the file and every what-if kept): each promise's probability and each scenario's P80 first
//! delivery, one point per run, with the runs whose model changed marked and their changed
//! keys listed beneath. Drawn on the server as SVG, like the report's charts.

use std::fmt::Write as _;

use launchcast_history::TrendPoint;
use launchcast_model::Date;
use launchcast_report::{escape_html as esc, series_colour};

const W: f64 = 760.0;
const H: f64 = 240.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 42.0;

/// x of run `i` of `n`.
fn x(i: usize, n: usize) -> f64 {
    if n <= 1 {
        LEFT + (W - LEFT - RIGHT) / 2.0
    } else {
        LEFT + (W - LEFT - RIGHT) * i as f64 / (n - 1) as f64
    }
}

/// One chart: `series` of `(label, values per run)`, the y axis from `lo` to `hi` with tick
/// labels made by `label`.
fn chart(
    o: &mut String,
    points: &[TrendPoint],
    series: &[(String, Vec<Option<f64>>)],
    (lo, hi): (f64, f64),
    ticks: &[f64],
    label: impl Fn(f64) -> String,
) {
    let n = points.len();
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v - lo) / (hi - lo).max(f64::EPSILON));
    let _ = write!(
        o,
        r#"<svg viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" class="trend">"#
    );
    for &t in ticks {
        let _ = write!(
            o,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y(t) + 4.0,
            esc(&label(t)),
            y = y(t)
        );
    }
    // Runs whose model changed since the run before: a dashed line and its number.
    for (i, p) in points.iter().enumerate() {
        let xi = x(i, n);
        if !p.changes.is_empty() || p.whatif.is_some() {
            let what = p
                .changes
                .iter()
                .map(|c| c.key.clone())
                .chain(p.whatif.iter().map(|w| format!("what-if {w}")))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = write!(
                o,
                r##"<line x1="{xi:.1}" x2="{xi:.1}" y1="{TOP}" y2="{:.1}" stroke="#999" stroke-dasharray="3 3"><title>changed: {}</title></line>"##,
                H - BOTTOM,
                esc(&what)
            );
        }
        let _ = write!(
            o,
            r##"<text x="{xi:.1}" y="{:.1}" text-anchor="middle" font-size="11">#{}</text><text x="{xi:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="#555">{}</text>"##,
            H - BOTTOM + 15.0,
            p.id,
            H - BOTTOM + 29.0,
            esc(p.recorded_at.get(..10).unwrap_or(&p.recorded_at))
        );
    }
    for (k, (name, values)) in series.iter().enumerate() {
        let colour = series_colour(k);
        let mut path = String::new();
        for (i, v) in values.iter().enumerate() {
            let Some(v) = v else { continue };
            let cmd = if path.is_empty() { 'M' } else { 'L' };
            let _ = write!(path, "{cmd}{:.1},{:.1} ", x(i, n), y(*v));
        }
        if !path.is_empty() {
            let _ = write!(
                o,
                r#"<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"><title>{}</title></path>"#,
                esc(name)
            );
        }
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    o,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"><title>{}: run #{}, {}</title></circle>"#,
                    x(i, n),
                    y(*v),
                    esc(name),
                    points[i].id,
                    esc(&label(*v))
                );
            }
        }
    }
    o.push_str("</svg><p class=\"legend\">");
    for (k, (name, _)) in series.iter().enumerate() {
        let _ = write!(
            o,
            r#"<span style="color:{}">■</span> {} "#,
            series_colour(k),
            esc(name)
        );
    }
    o.push_str("</p>");
}

/// The page for model `model` and its runs oldest first.
pub(crate) fn render(model: &str, points: &[TrendPoint]) -> String {
    let mut o = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"/><title>Trend · {}</title><style>body{{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:820px}}h1{{font-size:20px}}h2{{font-size:16px;margin-top:28px}}.note,.legend{{font-size:13px;color:#444}}table{{border-collapse:collapse;font-size:13px}}td,th{{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}}code{{font-size:12px}}</style></head><body><h1>How the forecast moved: {}</h1>"#,
        esc(model),
        esc(model)
    );
    if points.is_empty() {
        o.push_str("<p>No run of this model is recorded yet: every <code>launchcast run</code> of its file, and every what-if kept in the workspace, adds one.</p></body></html>");
        return o;
    }
    let _ = write!(
        o,
        r#"<p class="note">{} recorded runs, oldest first: each <code>launchcast run</code> of the model file and each what-if kept. A dashed line marks a run whose model changed since the run before, or a kept what-if; the changes are listed below.</p>"#,
        points.len()
    );
    // Promises of every scenario that has any, base first.
    let mut ids: Vec<(String, String)> = Vec::new();
    for p in points {
        for s in &p.scenarios {
            for (promise, _) in &s.promises {
                if !ids.iter().any(|(a, b)| *a == s.id && b == promise) {
                    ids.push((s.id.clone(), promise.clone()));
                }
            }
        }
    }
    let base_only: Vec<&(String, String)> = ids.iter().filter(|(s, _)| s == "base").collect();
    let shown: Vec<&(String, String)> = if base_only.is_empty() {
        ids.iter().collect()
    } else {
        base_only
    };
    let series: Vec<(String, Vec<Option<f64>>)> = shown
        .iter()
        .map(|(scenario, promise)| {
            let values = points
                .iter()
                .map(|p| {
                    p.scenarios
                        .iter()
                        .find(|s| s.id == *scenario)
                        .and_then(|s| s.promises.iter().find(|(id, _)| id == promise))
                        .map(|(_, v)| *v)
                })
                .collect();
            (format!("{scenario}: {promise}"), values)
        })
        .collect();
    if !series.is_empty() {
        o.push_str("<h2>Chance of keeping each promise (base)</h2>");
        chart(
            &mut o,
            points,
            &series,
            (0.0, 1.0),
            &[0.0, 0.25, 0.5, 0.75, 1.0],
            |v| format!("{:.0}%", v * 100.0),
        );
    }
    // P80 of the first delivery, each scenario, as a date.
    let mut scenarios: Vec<String> = Vec::new();
    for p in points {
        for s in &p.scenarios {
            if !scenarios.contains(&s.id) {
                scenarios.push(s.id.clone());
            }
        }
    }
    let start = points
        .iter()
        .flat_map(|p| p.scenarios.first())
        .find_map(|s| Date::parse(&s.start));
    let p80: Vec<(String, Vec<Option<f64>>)> = scenarios
        .iter()
        .map(|id| {
            let values = points
                .iter()
                .map(|p| {
                    let s = p.scenarios.iter().find(|s| s.id == *id)?;
                    // Days from this run's start, put on the first run's start.
                    let own = Date::parse(&s.start)?;
                    let base = start?;
                    Some(s.p80_days? + f64::from(own.days_since(base)))
                })
                .collect();
            (id.clone(), values)
        })
        .collect();
    let all: Vec<f64> = p80
        .iter()
        .flat_map(|(_, v)| v.iter().flatten().copied())
        .collect();
    if let (Some(start), false) = (start, all.is_empty()) {
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.1).max(15.0);
        let (lo, hi) = (lo - pad, hi + pad);
        let ticks: Vec<f64> = (0..5)
            .map(|k| lo + (hi - lo) * f64::from(k) / 4.0)
            .collect();
        o.push_str("<h2>First delivery, P80 date (every scenario)</h2>");
        chart(&mut o, points, &p80, (lo, hi), &ticks, |d| {
            start
                .add_days(d)
                .map_or_else(|| format!("{d:.0} d"), |x| x.to_string())
        });
    }
    let changed: Vec<&TrendPoint> = points
        .iter()
        .filter(|p| !p.changes.is_empty() || p.whatif.is_some())
        .collect();
    o.push_str("<h2>What changed in the model</h2>");
    if changed.is_empty() {
        o.push_str("<p>The model is the same text in every recorded run: the figures moved only with the seed, the iterations or the scenarios run.</p>");
    } else {
        o.push_str("<table><thead><tr><th>run</th><th>recorded (UTC)</th><th>keys changed in the model file since the run before; a kept what-if's own changes</th></tr></thead><tbody>");
        for p in changed {
            let keys: Vec<String> =
                p.changes
                    .iter()
                    .map(|c| {
                        format!(
                            "<code>{}</code>: {} → {}",
                            esc(&c.key),
                            esc(c.before.as_deref().unwrap_or("(none)")),
                            esc(c.after.as_deref().unwrap_or("(none)"))
                        )
                    })
                    .chain(p.whatif.iter().map(|w| {
                        format!("what-if on the file: <code>{}</code>", esc(&w.to_string()))
                    }))
                    .collect();
            let _ = write!(
                o,
                "<tr><td>#{}</td><td>{}</td><td>{}</td></tr>",
                p.id,
                esc(&p.recorded_at),
                keys.join("<br/>")
            );
        }
        o.push_str("</tbody></table>");
    }
    o.push_str("</body></html>");
    o
}
