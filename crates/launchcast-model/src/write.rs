//! Writing a [`Model`] back as a model file ([`to_toml`]): readable (program first, then
//! `[[calendar]]`, `[[include]]`, `[[task]]`, `[[risk]]`, `[[plant]]`, `[[correlate]]`, `[[promise]]`,
//! `[[scenario]]`; defaults left out) and read back by [`crate::parse`] to an equal model.

use std::fmt::Write as _;

use crate::grammar::fmt_num;
use crate::scenario::{PLANT_FIELDS, PROGRAM_FIELDS, Slot, TASK_FIELDS, risk_fields};
use crate::{Curve, Dist, Impact, Link, Model, PromiseKind, Quantity, SettingValue, hours_text};

/// A TOML string literal.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A TOML number: an integer where exact, else a float that reads back exactly.
fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        format!("{}", x as i64)
    } else if x.is_finite() {
        format!("{x:?}")
    } else {
        fmt_num(x)
    }
}

fn dist(d: &Dist, quantity: Quantity) -> String {
    match (d, quantity) {
        (Dist::Fixed(x), Quantity::Number) => num(*x),
        _ => q(&d.display(quantity).to_string()),
    }
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(q).collect();
    format!("[{}]", items.join(", "))
}

fn links(links: &[Link]) -> String {
    let texts: Vec<String> = links.iter().map(ToString::to_string).collect();
    list(texts.iter().map(String::as_str))
}

fn curve(c: Curve) -> &'static str {
    match c {
        Curve::Linear => "\"linear\"",
        Curve::S => "\"s\"",
    }
}

/// The quantity a scenario setting's distribution measures. An item that is not a risk or
/// plant is a task (perhaps one of an include, not merged).
fn setting_slot(model: &Model, item: &str, field: &str) -> Option<Slot> {
    let fields: Vec<(&str, Slot)> = if item == "program" {
        PROGRAM_FIELDS.to_vec()
    } else if model.tasks.iter().any(|t| t.id == item) {
        TASK_FIELDS.to_vec()
    } else if let Some(r) = model.risks.iter().find(|r| r.id == item) {
        risk_fields(&r.impact)
    } else if model.plants.iter().any(|p| p.id == item) {
        PLANT_FIELDS.to_vec()
    } else {
        TASK_FIELDS.to_vec()
    };
    fields
        .into_iter()
        .find(|(f, _)| *f == field)
        .map(|(_, s)| s)
}

/// The model as a model file. Items disabled by a scenario are written as if enabled (the file
/// format has no such key: disabling is what `[[scenario]]` is for).
///
/// Tasks of a declared `[[include]]` (merged in code, ids `prefix/id`) are not written: the
/// file's `[[include]]` brings them back. Other ids with `/` cannot be read from a file.
pub fn to_toml(model: &Model) -> String {
    let mut o = String::new();
    let p = &model.program;
    // Writing to a String cannot fail; `let _` keeps that visible without unwrap.
    let _ = writeln!(o, "[program]");
    let _ = writeln!(o, "name = {}", q(&p.name));
    if p.start_time == 0 {
        let _ = writeln!(o, "start = {}", p.start);
    } else {
        let (h, m) = (p.start_time / 60, p.start_time % 60);
        let _ = writeln!(o, "start = {}T{h:02}:{m:02}:00", p.start);
    }
    let _ = writeln!(o, "horizon = {}", p.horizon);
    if !p.currency.is_empty() {
        let _ = writeln!(o, "currency = {}", q(&p.currency));
    }
    let _ = writeln!(o, "iterations = {}", p.iterations);
    let _ = writeln!(o, "seed = {}", p.seed);
    if p.delivery_lag != Dist::ZERO {
        let _ = writeln!(
            o,
            "delivery_lag = {}",
            dist(&p.delivery_lag, Quantity::Duration)
        );
    }
    if p.overhead_per_year != Dist::ZERO {
        let _ = writeln!(
            o,
            "overhead_per_year = {}",
            dist(&p.overhead_per_year, Quantity::Money)
        );
    }

    if let Some(c) = &p.calendar {
        let _ = writeln!(o, "calendar = {}", q(c));
    }

    for c in &model.calendars {
        let _ = writeln!(o, "\n[[calendar]]\nid = {}", q(&c.id));
        if c.name != c.id {
            let _ = writeln!(o, "name = {}", q(&c.name));
        }
        let _ = writeln!(o, "hours_per_day = {}", num(c.hours_per_day));
        let days: Vec<String> = crate::WEEKDAYS
            .iter()
            .zip(&c.week)
            .map(|(d, h)| format!("{d} = {}", q(&hours_text(h))))
            .collect();
        let _ = writeln!(o, "week = {{ {} }}", days.join(", "));
        if !c.exceptions.is_empty() {
            let _ = writeln!(o, "exceptions = [");
            for e in &c.exceptions {
                let _ = writeln!(
                    o,
                    "  {{ from = {}, to = {}, hours = {} }},",
                    e.from,
                    e.to,
                    q(&hours_text(&e.hours))
                );
            }
            let _ = writeln!(o, "]");
        }
    }

    for inc in &model.includes {
        let _ = writeln!(o, "\n[[include]]\nfile = {}", q(&inc.file));
        let _ = writeln!(o, "prefix = {}", q(&inc.prefix));
        if let Some(u) = &inc.uncertainty {
            let _ = writeln!(o, "uncertainty = {}", q(u));
        }
    }

    for t in model
        .tasks
        .iter()
        .filter(|t| model.include_of(&t.id).is_none())
    {
        let _ = writeln!(o, "\n[[task]]\nid = {}", q(&t.id));
        if t.name != t.id {
            let _ = writeln!(o, "name = {}", q(&t.name));
        }
        let _ = writeln!(o, "duration = {}", dist(&t.duration, Quantity::Duration));
        if t.chance != 1.0 {
            let _ = writeln!(o, "chance = {}", num(t.chance));
        }
        if !t.after.is_empty() {
            let _ = writeln!(o, "after = {}", links(&t.after));
        }
        if !t.after_any.is_empty() {
            let _ = writeln!(o, "after_any = {}", links(&t.after_any));
        }
        if !t.after_failure.is_empty() {
            let _ = writeln!(
                o,
                "after_failure = {}",
                list(t.after_failure.iter().map(String::as_str))
            );
        }
        if t.cost != Dist::ZERO {
            let _ = writeln!(o, "cost = {}", dist(&t.cost, Quantity::Money));
        }
        if let Some(d) = t.not_before {
            let _ = writeln!(o, "not_before = {d}");
        }
        if let Some(d) = t.started {
            let _ = writeln!(o, "started = {d}");
        }
        if let Some(c) = &t.calendar {
            let _ = writeln!(o, "calendar = {}", q(c));
        }
        if t.disabled {
            let _ = writeln!(o, "disabled = true");
        }
    }

    for r in &model.risks {
        let _ = writeln!(o, "\n[[risk]]\nid = {}", q(&r.id));
        if r.name != r.id {
            let _ = writeln!(o, "name = {}", q(&r.name));
        }
        let _ = writeln!(o, "chance = {}", num(r.chance));
        let _ = writeln!(o, "tasks = {}", list(r.tasks.iter().map(String::as_str)));
        let _ = match &r.impact {
            Impact::Delay(d) => writeln!(o, "delay = {}", dist(d, Quantity::Duration)),
            Impact::Scale(d) => writeln!(o, "scale = {}", dist(d, Quantity::Number)),
            Impact::Fail => writeln!(o, "fail = true"),
        };
        if r.disabled {
            let _ = writeln!(o, "disabled = true");
        }
    }

    for pl in &model.plants {
        let _ = writeln!(o, "\n[[plant]]\nid = {}", q(&pl.id));
        if pl.name != pl.id {
            let _ = writeln!(o, "name = {}", q(&pl.name));
        }
        let _ = writeln!(o, "capacity = {}", dist(&pl.capacity, Quantity::Number));
        let _ = writeln!(o, "starts = {}", q(&pl.starts));
        let _ = writeln!(o, "ramp = {}", dist(&pl.ramp, Quantity::Duration));
        if pl.ramp_start != 0.0 {
            let _ = writeln!(o, "ramp_start = {}", num(pl.ramp_start));
        }
        if pl.curve != Curve::Linear {
            let _ = writeln!(o, "curve = {}", curve(pl.curve));
        }
        if pl.peak != Dist::Fixed(1.0) {
            let _ = writeln!(o, "peak = {}", dist(&pl.peak, Quantity::Number));
        }
        if pl.disabled {
            let _ = writeln!(o, "disabled = true");
        }
    }

    for c in &model.correlations {
        let _ = writeln!(
            o,
            "\n[[correlate]]\nitems = {}\nrho = {}",
            list(c.items.iter().map(String::as_str)),
            num(c.rho)
        );
    }

    for pr in &model.promises {
        let _ = writeln!(o, "\n[[promise]]\nid = {}", q(&pr.id));
        if pr.name != pr.id {
            let _ = writeln!(o, "name = {}", q(&pr.name));
        }
        let _ = match &pr.kind {
            PromiseKind::FirstDeliveryBy(d) => writeln!(o, "first_delivery_by = {d}"),
            PromiseKind::DeliveriesBy { date, at_least } => {
                writeln!(
                    o,
                    "deliveries_by = {{ date = {date}, at_least = {} }}",
                    num(*at_least)
                )
            }
            PromiseKind::DeliveriesInYear { year, at_least } => {
                writeln!(
                    o,
                    "deliveries_in_year = {{ year = {year}, at_least = {} }}",
                    num(*at_least)
                )
            }
            PromiseKind::SpendBy { date, at_most } => writeln!(
                o,
                "spend_by = {{ date = {date}, at_most = {} }}",
                dist(&Dist::Fixed(*at_most), Quantity::Money)
            ),
        };
    }

    for s in &model.scenarios {
        let _ = writeln!(o, "\n[[scenario]]\nid = {}", q(&s.id));
        if s.name != s.id {
            let _ = writeln!(o, "name = {}", q(&s.name));
        }
        if !s.disable.is_empty() {
            let _ = writeln!(
                o,
                "disable = {}",
                list(s.disable.iter().map(String::as_str))
            );
        }
        if !s.set.is_empty() {
            let entries: Vec<String> = s
                .set
                .iter()
                .map(|st| {
                    let value = match &st.value {
                        SettingValue::Dist(d) => {
                            let quantity = match setting_slot(model, &st.item, &st.field) {
                                Some(Slot::Dist(qty)) => qty,
                                _ => Quantity::Number,
                            };
                            dist(d, quantity)
                        }
                        SettingValue::Number(x) => num(*x),
                        SettingValue::Date(d) => d.to_string(),
                        SettingValue::Curve(c) => curve(*c).to_string(),
                    };
                    format!("{} = {value}", q(&format!("{}.{}", st.item, st.field)))
                })
                .collect();
            let _ = writeln!(o, "set = {{ {} }}", entries.join(", "));
        }
    }
    o
}
