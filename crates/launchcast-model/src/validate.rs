//! Validating a [`Model`] built in code ([`validate`]): what [`crate::parse`] checks while
//! reading a file, with the same problem kinds, reported by key path (`task[3].after[0]`)
//! since there is no source text. Used after an importer has built a model or merged the tasks of
//! an `[[include]]` (ids `prefix/id`) into a program model.

use crate::cross::{
    CorrEntry, Cross, Item, KeyPath, Kind, Ref, Want, check_own_namespace, num_text,
};
use crate::kind::{Fraction, ProblemKind};
use crate::raw::Cx;
use crate::scenario::Slot;
use crate::{Date, Dist, Impact, Link, Model, ModelError, PromiseKind, Quantity, SettingValue};

/// Checks a model built in code: ids (tasks merged from an include may be
/// `[a-z0-9_]+(/[A-Za-z0-9_.-]+)*`; every other id `[a-z0-9_]+`) and duplicates; every
/// reference resolves (a `prefix/id` of a declared include whose tasks are not merged yet,
/// i.e. no task carries that prefix, is accepted unchecked, as when reading a file); no
/// cycles; values in range (probabilities in [0, 1], distributions as the grammar would
/// accept them, dates within the program); scenario settings; includes; correlations
/// (including positive definiteness). Problems carry key paths and no file name or position
/// (see [`ModelError::in_file`] to name one).
///
/// Every model read by [`crate::parse`] passes.
pub fn validate(model: &Model) -> Result<(), ModelError> {
    check(model, false)
}

/// [`validate`]; with `includes_merged`, a reference into a declared include must also name
/// a task of the model (every include is merged, so the model is complete).
pub(crate) fn check(model: &Model, includes_merged: bool) -> Result<(), ModelError> {
    let mut cx = Cx::new("");
    let mut x = Cross {
        merged_ids: true,
        includes_merged,
        ..Cross::default()
    };
    let p = &model.program;
    let range = match ProblemKind::of_horizon(p.start, p.horizon) {
        Some(kind) => {
            cx.report_kind(None, "program.horizon", &kind);
            None
        }
        None => Some((p.start, p.horizon)),
    };
    if p.start_time >= 24 * 60 {
        let kind = ProblemKind::StartTimeOutsideDay(p.start_time);
        cx.report_kind(None, "program.start", &kind);
    }
    if let Some(kind) = ProblemKind::of_iterations(i128::from(p.iterations)) {
        cx.report_kind(None, "program.iterations", &kind);
    }
    dist(
        &mut cx,
        &p.delivery_lag,
        || "program.delivery_lag".to_string(),
        Quantity::Duration,
    );
    dist(
        &mut cx,
        &p.overhead_per_year,
        || "program.overhead_per_year".to_string(),
        Quantity::Money,
    );

    for (i, inc) in model.includes.iter().enumerate() {
        x.prefixes
            .push((inc.prefix.clone(), None, format!("include[{i}].prefix")));
        non_empty(&mut cx, &inc.file, &format!("include[{i}].file"));
        if let Some(u) = &inc.uncertainty {
            non_empty(&mut cx, u, &format!("include[{i}].uncertainty"));
        }
    }

    for (i, t) in model.tasks.iter().enumerate() {
        let path = format!("task[{i}]");
        x.items.push(Item {
            id: t.id.clone(),
            span: None,
            path: format!("{path}.id"),
            kind: Kind::Task,
            task: Some(i),
        });
        dist(
            &mut cx,
            &t.duration,
            || format!("{path}.duration"),
            Quantity::Duration,
        );
        fraction(
            &mut cx,
            t.chance,
            || format!("{path}.chance"),
            Fraction::TaskChance,
        );
        let index = x.task_paths.len();
        for (key, links) in [("after", &t.after), ("after_any", &t.after_any)] {
            for (k, l) in links.iter().enumerate() {
                link(&mut cx, l, &path, key, k);
                x.edges.push((index, x.refs.len()));
                x.refs.push(Ref {
                    target: l.task.clone(),
                    span: None,
                    path: KeyPath::Link {
                        task: index,
                        key,
                        k,
                    },
                    want: Want::Task,
                });
            }
        }
        for (k, id) in t.after_failure.iter().enumerate() {
            x.edges.push((index, x.refs.len()));
            x.refs.push(Ref {
                target: id.clone(),
                span: None,
                path: KeyPath::Link {
                    task: index,
                    key: "after_failure",
                    k,
                },
                want: Want::Task,
            });
        }
        dist(&mut cx, &t.cost, || format!("{path}.cost"), Quantity::Money);
        if let Some(d) = t.not_before {
            x.dates.push((d, None, format!("{path}.not_before")));
        }
        x.task_paths.push(path);
    }

    for (i, r) in model.risks.iter().enumerate() {
        let path = format!("risk[{i}]");
        x.items.push(Item {
            id: r.id.clone(),
            span: None,
            path: format!("{path}.id"),
            kind: Kind::Risk,
            task: None,
        });
        fraction(
            &mut cx,
            r.chance,
            || format!("{path}.chance"),
            Fraction::RiskChance,
        );
        if r.tasks.is_empty() {
            cx.report_kind(
                None,
                &format!("{path}.tasks"),
                &ProblemKind::RiskAffectsNoTask,
            );
        }
        for (k, id) in r.tasks.iter().enumerate() {
            x.refs.push(Ref {
                target: id.clone(),
                span: None,
                path: format!("{path}.tasks[{k}]").into(),
                want: Want::Task,
            });
        }
        match &r.impact {
            Impact::Delay(d) => dist(&mut cx, d, || format!("{path}.delay"), Quantity::Duration),
            Impact::Scale(d) => dist(&mut cx, d, || format!("{path}.scale"), Quantity::Number),
            Impact::Fail => {}
        }
    }

    for (i, pl) in model.plants.iter().enumerate() {
        let path = format!("plant[{i}]");
        x.items.push(Item {
            id: pl.id.clone(),
            span: None,
            path: format!("{path}.id"),
            kind: Kind::Plant,
            task: None,
        });
        dist(
            &mut cx,
            &pl.capacity,
            || format!("{path}.capacity"),
            Quantity::Number,
        );
        x.refs.push(Ref {
            target: pl.starts.clone(),
            span: None,
            path: format!("{path}.starts").into(),
            want: Want::Task,
        });
        dist(
            &mut cx,
            &pl.ramp,
            || format!("{path}.ramp"),
            Quantity::Duration,
        );
        fraction(
            &mut cx,
            pl.ramp_start,
            || format!("{path}.ramp_start"),
            Fraction::RampStart,
        );
        dist(
            &mut cx,
            &pl.peak,
            || format!("{path}.peak"),
            Quantity::Number,
        );
    }

    for (i, c) in model.correlations.iter().enumerate() {
        let path = format!("correlate[{i}]");
        x.correlate.push(CorrEntry {
            items: c
                .items
                .iter()
                .enumerate()
                .map(|(k, id)| (id.clone(), None, format!("{path}.items[{k}]")))
                .collect(),
            items_read: true,
            items_span: None,
            rho: Some(c.rho),
            rho_span: None,
            rho_text: num_text(c.rho),
            path,
        });
    }

    for (i, pr) in model.promises.iter().enumerate() {
        let path = format!("promise[{i}]");
        match &pr.kind {
            PromiseKind::FirstDeliveryBy(d) => {
                x.dates
                    .push((*d, None, format!("{path}.first_delivery_by")));
            }
            PromiseKind::DeliveriesBy { date, at_least } => {
                x.dates
                    .push((*date, None, format!("{path}.deliveries_by.date")));
                dist(
                    &mut cx,
                    &Dist::Fixed(*at_least),
                    || format!("{path}.deliveries_by.at_least"),
                    Quantity::Number,
                );
            }
            PromiseKind::DeliveriesInYear { year, at_least } => {
                x.years.push((
                    i64::from(*year),
                    None,
                    format!("{path}.deliveries_in_year.year"),
                ));
                dist(
                    &mut cx,
                    &Dist::Fixed(*at_least),
                    || format!("{path}.deliveries_in_year.at_least"),
                    Quantity::Number,
                );
            }
            PromiseKind::SpendBy { date, at_most } => {
                x.dates.push((*date, None, format!("{path}.spend_by.date")));
                dist(
                    &mut cx,
                    &Dist::Fixed(*at_most),
                    || format!("{path}.spend_by.at_most"),
                    Quantity::Money,
                );
            }
        }
    }
    for (i, s) in model.scenarios.iter().enumerate() {
        for (k, id) in s.disable.iter().enumerate() {
            x.refs.push(Ref {
                target: id.clone(),
                span: None,
                path: format!("scenario[{i}].disable[{k}]").into(),
                want: Want::Item,
            });
        }
    }

    let mut cal_refs = Vec::new();
    if let Some(c) = &p.calendar {
        cal_refs.push((c.clone(), None, "program.calendar".to_string()));
    }
    for (i, t) in model.tasks.iter().enumerate() {
        if let Some(c) = &t.calendar {
            cal_refs.push((c.clone(), None, format!("task[{i}].calendar")));
        }
    }
    for (i, c) in model.calendars.iter().enumerate() {
        for (key, label, message, help) in crate::calendar::check_calendar(c, true) {
            let path = format!("calendar[{i}].{key}");
            cx.report_at(None, &path, label, message, help, Vec::new());
        }
    }

    let ix = x.index();
    x.check_ids(&mut cx, &ix);
    x.check_includes(&mut cx);
    for (what, ids) in [
        (
            "promise",
            model
                .promises
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), None, format!("promise[{i}].id")))
                .collect::<Vec<_>>(),
        ),
        (
            "scenario",
            model
                .scenarios
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id.as_str(), None, format!("scenario[{i}].id")))
                .collect(),
        ),
        (
            "calendar",
            model
                .calendars
                .iter()
                .enumerate()
                .map(|(i, c)| (c.id.as_str(), None, format!("calendar[{i}].id")))
                .collect(),
        ),
    ] {
        check_own_namespace(&mut cx, &ids, what);
        if what == "calendar" {
            crate::calendar::check_refs(&mut cx, &ids, &cal_refs);
        }
    }
    let hits = x.check_refs(&mut cx, &ix);
    x.check_cycles(&mut cx, &model.tasks, &hits);
    if let Some((start, horizon)) = range {
        x.check_dates(&mut cx, start, horizon);
    }
    x.check_correlations(&mut cx, &ix, &model.tasks, &model.plants);

    for (i, s) in model.scenarios.iter().enumerate() {
        for st in &s.set {
            let key = format!("{}.{}", st.item, st.field);
            let path = format!("scenario[{i}].set.\"{key}\"");
            let slot = match ix.slot_of(&st.item, &st.field, &key, &model.risks) {
                Ok(slot) => slot,
                Err(m) => {
                    cx.report_at(None, &path, m.label, m.message, m.help, Vec::new());
                    continue;
                }
            };
            setting(&mut cx, slot, &st.value, &path, range);
        }
    }
    if cx.has_problems() {
        Err(cx.into_error(""))
    } else {
        Ok(())
    }
}

/// A distribution of quantity `q`, checked as the grammar checks its text (so with the same
/// messages): the canonical text reads back exactly, so this accepts what a file could say.
/// The key path is written out only for a problem.
fn dist(cx: &mut Cx<'_>, d: &Dist, path: impl FnOnce() -> String, q: Quantity) {
    let text = d.display(q).to_string();
    if d.values().iter().any(|v| !v.is_finite())
        || matches!(d, Dist::Discrete(v) if v.iter().any(|(_, w)| !w.is_finite()))
    {
        let path = &path();
        let kind = ProblemKind::NotFinite {
            key: path,
            text: &text,
        };
        cx.report_kind(None, path, &kind);
        return;
    }
    if let Err(e) = Dist::parse(&text, q) {
        let kind = ProblemKind::BadText {
            text: &text,
            error: &e,
        };
        cx.report_kind(None, &path(), &kind);
    }
}

/// A probability or fraction in [0, 1].
fn fraction(cx: &mut Cx<'_>, x: f64, path: impl FnOnce() -> String, what: Fraction) {
    if !(0.0..=1.0).contains(&x) {
        let path = &path();
        let value = num_text(x);
        let kind = ProblemKind::OutsideUnitInterval {
            key: path,
            value: &value,
            what,
        };
        cx.report_kind(None, path, &kind);
    }
}

/// A link's lag: fixed, finite, within the grammar's magnitudes. The link is `key[k]` of
/// the task at `task` (its key path).
fn link(cx: &mut Cx<'_>, l: &Link, task: &str, key: &str, k: usize) {
    if l.lag != 0.0 {
        let path = format!("{task}.{key}[{k}]");
        dist(cx, &Dist::Fixed(l.lag), || path, Quantity::Lag);
    }
}

fn non_empty(cx: &mut Cx<'_>, s: &str, path: &str) {
    if s.trim().is_empty() {
        cx.report_kind(None, path, &ProblemKind::EmptyIncludeKey { key: path });
    }
}

/// A scenario setting's value against the kind its field takes.
fn setting(
    cx: &mut Cx<'_>,
    slot: Slot,
    value: &SettingValue,
    path: &str,
    range: Option<(Date, Date)>,
) {
    let found = match value {
        SettingValue::Dist(_) => "a distribution",
        SettingValue::Number(_) => "a number",
        SettingValue::Date(_) => "a date",
        SettingValue::Curve(_) => "a curve",
    };
    match (slot, value) {
        (Slot::Dist(q), SettingValue::Dist(d)) => dist(cx, d, || path.to_string(), q),
        (Slot::Fraction, SettingValue::Number(x)) => {
            fraction(cx, *x, || path.to_string(), Fraction::Setting);
        }
        (Slot::Date, SettingValue::Date(d)) => {
            if let Some((s, h)) = range
                && (*d < s || *d > h)
            {
                let kind = ProblemKind::DateOutsideProgram {
                    key: path,
                    date: *d,
                    start: s,
                    horizon: h,
                    item: false,
                };
                cx.report_kind(None, path, &kind);
            }
        }
        (Slot::Curve, SettingValue::Curve(_)) => {}
        _ => {
            let expected = match slot {
                Slot::Dist(_) => "a distribution",
                Slot::Fraction => "a number in [0, 1]",
                Slot::Date => "a date",
                Slot::Curve => "a curve (linear or s)",
            };
            let kind = ProblemKind::WrongSettingKind {
                key: path,
                expected,
                found,
            };
            cx.report_kind(None, path, &kind);
        }
    }
}
