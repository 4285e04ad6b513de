//! The page: the HTML report's own sections and charts (rendered by
//! `launchcast_report::render_html`, its `<main>` and its style reused as they are) beside
//! controls for every number a user would move, and the small script
//! (`assets/workspace.js`, embedded in the binary: nothing is fetched from a network) that
//! sends each change as a what-if and puts the answer in place.
//!
//! Controls carry what the what-if API takes: `data-key` is a scenario `set` key
//! (`own_licence.chance`), `data-disable` an id to switch off, `data-scenario` a scenario to
//! show; `data-original` is the value as loaded, so only what the user moved is sent.

use std::fmt::Write as _;

use launchcast_model::{Date, Dist, Impact, Model, PromiseKind, Quantity, Written};
use launchcast_report::escape_html as esc;

use crate::state::{App, Current};

const SCRIPT: &str = include_str!("assets/workspace.js");
const STYLE: &str = include_str!("assets/workspace.css");

/// Text inside a `<script>` element: no `</` can end it early.
fn script_text(text: &str) -> String {
    text.replace("</", "<\\/")
}

/// The whole page for the model as loaded now.
pub(crate) fn render(app: &App, current: &Current) -> String {
    let model: &Model = &current.model;
    let report = current.made.html.as_deref().unwrap_or_default();
    let css = launchcast_report::HTML_CSS;
    let mut o = String::with_capacity(report.len() + 64 * 1024);
    let _ = write!(
        o,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><title>{} · launchcast what-if</title><style>{css}{STYLE}</style></head><body data-token="{}" data-savable="{}"><div id="workspace"><aside id="controls"><header><h1>What if…</h1><p class="model">{}</p>"#,
        esc(&model.program.name),
        esc(app.door.token()),
        app.source.file.is_some(),
        esc(&app.source.label),
    );
    o.push_str(r#"<p class="runs"><label>Iterations <select id="iterations"><option value="10000">10,000</option><option value="100000" selected="selected">100,000</option><option value="1000000">1,000,000</option></select></label> <label title="one more run per risk and uncertain task: slower"><input type="checkbox" id="drivers"/> drivers in days</label> <span id="status" role="status"></span></p><p class="buttons"><button type="button" id="save">Save to the model file</button> <button type="button" id="reset">Back to the model as loaded</button> <button type="button" id="keep" title="record this what-if in the history, for the trend and later backtests">Keep in the history</button> <a href="trend" id="trend-link">Trend of recorded runs</a></p><div id="conflict" hidden="hidden"><p class="message"></p><pre class="diff"></pre><button type="button" id="reload">Reload the file from disk</button></div><p id="save-status" class="note"></p></header>"#);
    scenarios(&mut o, model);
    let w = &current.written;
    risks(&mut o, model, w);
    tasks(&mut o, model, w);
    plants(&mut o, model, w);
    promises(&mut o, model);
    let _ = write!(
        o,
        r#"</aside><div id="results"><section id="moved"><h2>How far each promise moved</h2><div id="moved-table"><p class="note">Move a control: the model is simulated again on the same random draws, and each promise's chance is shown against the model as loaded.</p></div></section><main id="report">{report}</main></div></div><script type="application/json" id="loaded">{}</script><script>{}</script></body></html>"#,
        script_text(current.made.json.trim_end()),
        script_text(SCRIPT)
    );
    o
}

fn error_slot(o: &mut String, key: &str) {
    let _ = write!(o, r#"<p class="error" data-error-for="{}"></p>"#, esc(key));
}

fn on_off(o: &mut String, id: &str, name: &str, on: bool) {
    let _ = write!(
        o,
        r#"<label class="onoff"><input type="checkbox" data-disable="{id}"{} data-original="{on}"/> <b>{}</b> <code>{id}</code></label>"#,
        if on { r#" checked="checked""# } else { "" },
        esc(name),
        id = esc(id),
    );
}

fn chance(o: &mut String, key: &str, value: f64) {
    let _ = write!(
        o,
        r#"<label class="field">chance <input type="range" min="0" max="1" step="0.01" data-key="{key}" data-type="number" data-original="{value}" value="{value}"/> <output>{value}</output></label>"#,
        key = esc(key),
    );
    error_slot(o, key);
}

/// A distribution: min / mode / max for `tri` and `pert`, else its text.
/// A distribution as written in the file (`written`), else in its canonical text.
fn dist(o: &mut String, key: &str, label: &str, d: &Dist, q: Quantity, written: Option<&str>) {
    let text = written.map_or_else(|| d.display(q).to_string(), str::to_string);
    let parts = match d {
        Dist::Triangular { .. } | Dist::Pert { .. }
            if text.starts_with("tri(") || text.starts_with("pert(") =>
        {
            text.split_once('(')
                .and_then(|(f, rest)| Some((f, rest.strip_suffix(')')?)))
                .map(|(f, inner)| (f, inner.split(", ").collect::<Vec<_>>()))
                .filter(|(_, p)| p.len() == 3)
        }
        _ => None,
    };
    let raw_key = key;
    let key = esc(key);
    match parts {
        Some((f, p)) => {
            let _ = write!(
                o,
                r#"<div class="field dist" data-key="{key}" data-fn="{f}" data-original="{}"><span>{label}</span> <span class="fn">{f}</span>"#,
                esc(&text)
            );
            for (part, name) in p.iter().zip(["min", "mode", "max"]) {
                let _ = write!(
                    o,
                    r#"<input type="text" size="6" title="{name}" aria-label="{label} {name}" value="{}"/>"#,
                    esc(part)
                );
            }
            o.push_str("</div>");
        }
        None => {
            let _ = write!(
                o,
                r#"<label class="field">{label} <input type="text" size="22" data-key="{key}" data-original="{t}" value="{t}"/></label>"#,
                t = esc(&text)
            );
        }
    }
    error_slot(o, raw_key);
}

fn scenarios(o: &mut String, model: &Model) {
    o.push_str(r#"<section><h2>Scenarios</h2><label class="onoff"><input type="checkbox" data-scenario="base" checked="checked"/> base: the model as written</label>"#);
    for s in &model.scenarios {
        let _ = write!(
            o,
            r#"<label class="onoff"><input type="checkbox" data-scenario="{}" checked="checked"/> {}</label>"#,
            esc(&s.id),
            esc(&s.name)
        );
    }
    error_slot(o, "scenarios");
    o.push_str("</section>");
}

fn risks(o: &mut String, model: &Model, w: &Written) {
    if model.risks.is_empty() {
        return;
    }
    o.push_str("<section><h2>Risks</h2>");
    for (i, r) in model.risks.iter().enumerate() {
        o.push_str(r#"<div class="item">"#);
        on_off(o, &r.id, &r.name, !r.disabled);
        error_slot(o, &r.id);
        chance(o, &format!("{}.chance", r.id), r.chance);
        match &r.impact {
            Impact::Delay(d) => dist(
                o,
                &format!("{}.delay", r.id),
                "delay",
                d,
                Quantity::Duration,
                w.get("risk", i, "delay"),
            ),
            Impact::Scale(d) => dist(
                o,
                &format!("{}.scale", r.id),
                "scale",
                d,
                Quantity::Number,
                w.get("risk", i, "scale"),
            ),
            Impact::Fail => o.push_str(r#"<p class="note">makes its tasks fail</p>"#),
        }
        o.push_str("</div>");
    }
    o.push_str("</section>");
}

fn tasks(o: &mut String, model: &Model, w: &Written) {
    o.push_str("<section><h2>Tasks</h2>");
    for (i, t) in model.tasks.iter().enumerate() {
        o.push_str(r#"<div class="item">"#);
        on_off(o, &t.id, &t.name, !t.disabled);
        error_slot(o, &t.id);
        dist(
            o,
            &format!("{}.duration", t.id),
            "duration",
            &t.duration,
            Quantity::Duration,
            w.get("task", i, "duration"),
        );
        chance(o, &format!("{}.chance", t.id), t.chance);
        o.push_str("</div>");
    }
    o.push_str("</section>");
}

fn plants(o: &mut String, model: &Model, w: &Written) {
    if model.plants.is_empty() {
        return;
    }
    o.push_str("<section><h2>Plants</h2>");
    for (i, p) in model.plants.iter().enumerate() {
        o.push_str(r#"<div class="item">"#);
        on_off(o, &p.id, &p.name, !p.disabled);
        error_slot(o, &p.id);
        dist(
            o,
            &format!("{}.capacity", p.id),
            "capacity (cars a year)",
            &p.capacity,
            Quantity::Number,
            w.get("plant", i, "capacity"),
        );
        dist(
            o,
            &format!("{}.ramp", p.id),
            "ramp",
            &p.ramp,
            Quantity::Duration,
            w.get("plant", i, "ramp"),
        );
        o.push_str("</div>");
    }
    o.push_str("</section>");
}

fn promises(o: &mut String, model: &Model) {
    if model.promises.is_empty() {
        return;
    }
    o.push_str("<section><h2>Promises</h2>");
    for p in &model.promises {
        let _ = write!(
            o,
            r#"<div class="item"><b>{}</b> <code>{}</code>"#,
            esc(&p.name),
            esc(&p.id)
        );
        let key = |field: &str| format!("{}.{field}", p.id);
        match &p.kind {
            PromiseKind::FirstDeliveryBy(d) => {
                date_field(o, &key("first_delivery_by"), "first delivery by", *d);
            }
            PromiseKind::DeliveriesBy { date, at_least } => {
                number_field(o, &key("at_least"), "at least (cars)", *at_least);
                date_field(o, &key("date"), "delivered by", *date);
            }
            PromiseKind::DeliveriesInYear { year, at_least } => {
                number_field(o, &key("at_least"), "at least (cars)", *at_least);
                number_field(o, &key("year"), "delivered in", f64::from(*year));
            }
            PromiseKind::SpendBy { date, at_most } => {
                let amount = Dist::Fixed(*at_most).display(Quantity::Money).to_string();
                let k = esc(&key("at_most"));
                let _ = write!(
                    o,
                    r#"<label class="field">at most ({}) <input type="text" size="10" data-key="{k}" data-original="{a}" value="{a}"/></label>"#,
                    esc(&model.program.currency),
                    a = esc(&amount)
                );
                error_slot(o, &key("at_most"));
                date_field(o, &key("date"), "spent by", *date);
            }
        }
        o.push_str("</div>");
    }
    o.push_str("</section>");
}

fn date_field(o: &mut String, key: &str, label: &str, date: Date) {
    let _ = write!(
        o,
        r#"<label class="field">{label} <input type="date" data-key="{k}" data-original="{date}" value="{date}"/></label>"#,
        k = esc(key)
    );
    error_slot(o, key);
}

fn number_field(o: &mut String, key: &str, label: &str, value: f64) {
    let _ = write!(
        o,
        r#"<label class="field">{label} <input type="number" step="any" data-key="{k}" data-type="number" data-original="{value}" value="{value}"/></label>"#,
        k = esc(key)
    );
    error_slot(o, key);
}
