//! From TOML text to a validated [`Model`]: read every table (reporting unknown keys, wrong
//! types and bad values), then check across items: ids, references, cycles, dates and
//! scenario settings. All problems are collected; the model is returned only without any.

use std::collections::{HashMap, HashSet};

use toml::de::{DeTable, DeValue};

use crate::errors::{Problem, nearest};
use crate::grammar::{parse_link, valid_id};
use crate::raw::{self, Cx, Span, Tab, Val, leaf};
use crate::scenario::{PLANT_FIELDS, PROGRAM_FIELDS, Slot, TASK_FIELDS, risk_fields};
use crate::{
    Curve, Date, Dist, Impact, Link, Model, ModelError, Plant, Program, Promise, PromiseKind,
    Quantity, Risk, Scenario, Setting, SettingValue, Task,
};

const TOP_KEYS: [&str; 6] = ["program", "task", "risk", "plant", "promise", "scenario"];
const PROGRAM_KEYS: [&str; 8] = [
    "name",
    "start",
    "horizon",
    "currency",
    "iterations",
    "seed",
    "delivery_lag",
    "overhead_per_year",
];
const TASK_KEYS: [&str; 9] = [
    "id",
    "name",
    "duration",
    "chance",
    "after",
    "after_any",
    "after_failure",
    "cost",
    "not_before",
];
const RISK_KEYS: [&str; 7] = ["id", "name", "chance", "tasks", "delay", "scale", "fail"];
const PLANT_KEYS: [&str; 8] = [
    "id",
    "name",
    "capacity",
    "starts",
    "ramp",
    "ramp_start",
    "curve",
    "peak",
];
const PROMISE_KINDS: [&str; 4] = [
    "first_delivery_by",
    "deliveries_by",
    "deliveries_in_year",
    "spend_by",
];
const PROMISE_KEYS: [&str; 6] = [
    "id",
    "name",
    "first_delivery_by",
    "deliveries_by",
    "deliveries_in_year",
    "spend_by",
];
const SCENARIO_KEYS: [&str; 4] = ["id", "name", "disable", "set"];

/// Parses and validates a model file. `path` names the file in messages.
pub fn parse(source: &str, path: &str) -> Result<Model, ModelError> {
    let (doc, errors) = DeTable::parse_recoverable(source);
    if !errors.is_empty() {
        let problems = errors
            .iter()
            .map(|e| {
                let span = e.span().unwrap_or(0..0);
                let at = Cx::new(source).text(&span);
                let at = if at.is_empty() {
                    String::new()
                } else {
                    format!(" at `{at}`")
                };
                Problem::new(
                    path,
                    source,
                    Some(span),
                    String::new(),
                    "TOML syntax error".into(),
                    format!("TOML syntax error{at}: {}", e.message().trim()),
                    Some("fix the TOML syntax (see https://toml.io)".into()),
                )
            })
            .collect();
        return Err(ModelError::new(path, source, problems));
    }
    let mut cx = Cx::new(source);
    let top = Tab {
        table: doc.get_ref(),
        span: doc.span(),
        path: String::new(),
    };
    let model = Reader::default().read(&mut cx, &top);
    if cx.has_problems() {
        Err(cx.into_error(path))
    } else {
        Ok(model)
    }
}

/// Reads a file: bytes, then UTF-8, then [`parse`]. Unreadable, empty and non-UTF-8 files
/// are errors naming the file (and, for bad UTF-8, the byte offset and line).
pub fn parse_file(path: &std::path::Path) -> Result<Model, ModelError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        ModelError::file(
            &name,
            format!("cannot read the file: {e}"),
            Some("check the path".into()),
        )
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ModelError::file(
            &name,
            "the file is empty".into(),
            Some("a model needs at least a [program] table with name, start and horizon".into()),
        ));
    }
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let at = e.valid_up_to();
        let prefix = bytes.get(..at).unwrap_or(&[]);
        let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
        ModelError::file(
            &name,
            format!("the file is not valid UTF-8: invalid byte at offset {at} (line {line})"),
            Some("save the file as UTF-8".into()),
        )
    })?;
    parse(text, &name)
}

/// One reference to an id, checked once every item is known.
struct Ref {
    target: String,
    span: Span,
    path: String,
    /// Tasks only, or tasks, risks and plants.
    tasks_only: bool,
}

/// A link of the task graph, for cycle detection.
struct Edge {
    to: String,
    span: Span,
    path: String,
}

struct SetEntry<'a, 'i> {
    key: String,
    key_span: Span,
    value: &'a Val<'i>,
    path: String,
    scenario: usize,
}

#[derive(Default)]
struct Reader<'a, 'i> {
    /// (id, id span, key path) of tasks, risks, plants in that order.
    items: Vec<(String, Span, String)>,
    refs: Vec<Ref>,
    edges: Vec<Vec<Edge>>,
    sets: Vec<SetEntry<'a, 'i>>,
    /// Dates that must lie within start..=horizon: (date, span, path).
    dates: Vec<(Date, Span, String)>,
    years: Vec<(i64, Span, String)>,
}

fn opt_name(cx: &mut Cx<'_>, t: &Tab<'_, '_>, id: &str) -> String {
    t.get("name")
        .and_then(|v| raw::string(cx, v, &t.sub("name"), "write name = \"...\""))
        .unwrap_or_else(|| id.to_string())
}

fn req_id(cx: &mut Cx<'_>, t: &Tab<'_, '_>) -> Option<(String, Span)> {
    let v = t.required(cx, "id", "\"my_id\"")?;
    let s = raw::string(cx, v, &t.sub("id"), "write id = \"my_id\"")?;
    Some((s, v.span()))
}

fn opt_dist(cx: &mut Cx<'_>, t: &Tab<'_, '_>, key: &str, q: Quantity, default: Dist) -> Dist {
    match t.get(key) {
        Some(v) => raw::dist(cx, v, &t.sub(key), q).unwrap_or(default),
        None => default,
    }
}

fn req_dist(cx: &mut Cx<'_>, t: &Tab<'_, '_>, key: &str, q: Quantity, example: &str) -> Dist {
    t.required(cx, key, example)
        .and_then(|v| raw::dist(cx, v, &t.sub(key), q))
        .unwrap_or(Dist::ZERO)
}

fn check_id_shape(cx: &mut Cx<'_>, id: &str, span: &Span, path: &str) {
    if !valid_id(id) {
        let fixed: String = id
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let fixed = if fixed.is_empty() {
            "my_id".to_string()
        } else {
            fixed
        };
        cx.report(
            span.clone(),
            path,
            "invalid id",
            format!("id `{id}` must match [a-z0-9_]+"),
            format!("use lowercase letters, digits and _, e.g. `{fixed}`"),
        );
    }
}

impl<'a, 'i> Reader<'a, 'i> {
    fn read(mut self, cx: &mut Cx<'_>, top: &Tab<'a, 'i>) -> Model {
        top.check_keys(cx, &TOP_KEYS);
        let (program, range) = self.program(cx, top);
        let mut tasks = Vec::new();
        for t in raw::tables(cx, top, "task") {
            tasks.push(self.task(cx, &t));
        }
        let mut risks = Vec::new();
        for t in raw::tables(cx, top, "risk") {
            risks.push(self.risk(cx, &t));
        }
        let mut plants = Vec::new();
        for t in raw::tables(cx, top, "plant") {
            plants.push(self.plant(cx, &t));
        }
        let promise_tabs = raw::tables(cx, top, "promise");
        let mut promises = Vec::new();
        for t in &promise_tabs {
            promises.push(self.promise(cx, t));
        }
        let scenario_tabs = raw::tables(cx, top, "scenario");
        let mut scenarios = Vec::new();
        for (i, t) in scenario_tabs.iter().enumerate() {
            scenarios.push(self.scenario(cx, t, i));
        }

        self.check_ids(cx);
        self.check_own_namespace(
            cx,
            promises.iter().map(|p| p.id.as_str()),
            &promise_tabs,
            "promise",
        );
        self.check_own_namespace(
            cx,
            scenarios.iter().map(|s| s.id.as_str()),
            &scenario_tabs,
            "scenario",
        );
        self.check_refs(cx, &tasks);
        self.check_cycles(cx, &tasks);
        if let Some((start, horizon)) = range {
            self.check_dates(cx, start, horizon);
        }
        // Settings apply in the order written (the TOML table itself is sorted by key).
        self.sets.sort_by_key(|e| e.key_span.start);
        self.read_sets(cx, &mut scenarios, &tasks, &risks, &plants, range);
        Model {
            program,
            tasks,
            risks,
            plants,
            promises,
            scenarios,
            correlations: Vec::new(),
        }
    }

    /// The program, and its (start, horizon) if both are valid and in order.
    fn program(&mut self, cx: &mut Cx<'_>, top: &Tab<'a, 'i>) -> (Program, Option<(Date, Date)>) {
        let mut p = Program {
            name: String::new(),
            start: Date::jan1(2000),
            horizon: Date::jan1(2001),
            currency: String::new(),
            iterations: 10_000,
            seed: 1,
            delivery_lag: Dist::ZERO,
            overhead_per_year: Dist::ZERO,
        };
        let Some(v) = top.get("program") else {
            cx.report(
                0..0,
                "program",
                "missing [program]",
                "the model has no [program] table".into(),
                "add [program] with name, start and horizon, e.g. name = \"My launch\", start = 2022-07-01, horizon = 2031-12-31",
            );
            return (p, None);
        };
        let Some(t) = raw::table(cx, v, "program", "write a [program] table") else {
            return (p, None);
        };
        t.check_keys(cx, &PROGRAM_KEYS);
        if let Some(v) = t.required(cx, "name", "\"My launch\"") {
            p.name = raw::string(cx, v, "program.name", "write name = \"My launch\"")
                .unwrap_or_default();
        }
        let start = t
            .required(cx, "start", "2022-07-01")
            .and_then(|v| raw::date(cx, v, "program.start"));
        let horizon_v = t.required(cx, "horizon", "2031-12-31");
        let horizon = horizon_v.and_then(|v| raw::date(cx, v, "program.horizon"));
        if let Some(v) = t.get("currency") {
            p.currency = raw::string(cx, v, "program.currency", "write currency = \"CNY\"")
                .unwrap_or_default();
        }
        if let Some(v) = t.get("iterations") {
            let help = "write a whole number of 1 or more, e.g. iterations = 10000";
            if let Some(n) = raw::integer(cx, v, "program.iterations", help) {
                if n < 1 {
                    cx.report(
                        v.span(),
                        "program.iterations",
                        "must be ≥ 1",
                        format!("`iterations` = {n} must be at least 1"),
                        help,
                    );
                } else {
                    p.iterations = n as u64;
                }
            }
        }
        if let Some(v) = t.get("seed") {
            let help = "write a whole number of 0 or more, e.g. seed = 1";
            if let Some(n) = raw::integer(cx, v, "program.seed", help) {
                if n < 0 {
                    cx.report(
                        v.span(),
                        "program.seed",
                        "negative",
                        format!("`seed` = {n} must not be negative"),
                        help,
                    );
                } else {
                    p.seed = n as u64;
                }
            }
        }
        p.delivery_lag = opt_dist(cx, &t, "delivery_lag", Quantity::Duration, Dist::ZERO);
        p.overhead_per_year = opt_dist(cx, &t, "overhead_per_year", Quantity::Money, Dist::ZERO);
        let mut range = None;
        if let (Some(s), Some(h), Some(hv)) = (start, horizon, horizon_v) {
            p.start = s;
            p.horizon = h;
            if h <= s {
                cx.report(
                    hv.span(),
                    "program.horizon",
                    "not after start",
                    format!("`horizon` = {h} is not after `start` = {s}"),
                    "the horizon must be a later date than the start",
                );
            } else {
                range = Some((s, h));
            }
        }
        (p, range)
    }

    fn links(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>, key: &str, task: usize) -> Vec<Link> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let help = "a link is ID, ID:FS, ID:SS, ID:FF or ID:SF with an optional lag, e.g. [\"vehicle_dev:SS+2mo\", \"site_deal\"]";
        let mut out = Vec::new();
        let DeValue::Array(items) = v.get_ref() else {
            raw::strings(cx, v, &t.sub(key), help);
            return out;
        };
        for (i, item) in items.iter().enumerate() {
            let path = format!("{}[{i}]", t.sub(key));
            let Some(s) = raw::string(cx, item, &path, help) else {
                continue;
            };
            match parse_link(&s) {
                Ok(link) => {
                    self.refs.push(Ref {
                        target: link.task.clone(),
                        span: item.span(),
                        path: path.clone(),
                        tasks_only: true,
                    });
                    if let Some(e) = self.edges.get_mut(task) {
                        e.push(Edge {
                            to: link.task.clone(),
                            span: item.span(),
                            path,
                        });
                    }
                    out.push(link);
                }
                Err(e) => raw::report_text_error(cx, item, &path, &s, &e),
            }
        }
        out
    }

    fn task(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Task {
        t.check_keys(cx, &TASK_KEYS);
        let index = self.edges.len();
        self.edges.push(Vec::new());
        let id = req_id(cx, t);
        if let Some((id, span)) = &id {
            self.items.push((id.clone(), span.clone(), t.sub("id")));
        }
        let id = id.map(|(s, _)| s).unwrap_or_default();
        let name = opt_name(cx, t, &id);
        let duration = req_dist(
            cx,
            t,
            "duration",
            Quantity::Duration,
            "\"tri(1mo, 2mo, 4mo)\"",
        );
        let chance = t
            .get("chance")
            .and_then(|v| {
                raw::unit_interval(
                    cx,
                    v,
                    &t.sub("chance"),
                    "a probability in [0, 1]: 0.7 means 70%",
                )
            })
            .unwrap_or(1.0);
        let after = self.links(cx, t, "after", index);
        let after_any = self.links(cx, t, "after_any", index);
        let mut after_failure = Vec::new();
        if let Some(v) = t.get("after_failure") {
            for (s, span, path) in raw::strings(
                cx,
                v,
                &t.sub("after_failure"),
                "a list of task ids, e.g. [\"baic_talks\"]",
            ) {
                self.refs.push(Ref {
                    target: s.clone(),
                    span: span.clone(),
                    path: path.clone(),
                    tasks_only: true,
                });
                if let Some(e) = self.edges.get_mut(index) {
                    e.push(Edge {
                        to: s.clone(),
                        span,
                        path,
                    });
                }
                after_failure.push(s);
            }
        }
        let cost = opt_dist(cx, t, "cost", Quantity::Money, Dist::ZERO);
        let not_before = t.get("not_before").and_then(|v| {
            let d = raw::date(cx, v, &t.sub("not_before"))?;
            self.dates.push((d, v.span(), t.sub("not_before")));
            Some(d)
        });
        Task {
            id,
            name,
            duration,
            chance,
            after,
            after_any,
            after_failure,
            cost,
            not_before,
            disabled: false,
        }
    }

    fn risk(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Risk {
        t.check_keys(cx, &RISK_KEYS);
        let id = req_id(cx, t);
        if let Some((id, span)) = &id {
            self.items.push((id.clone(), span.clone(), t.sub("id")));
        }
        let id = id.map(|(s, _)| s).unwrap_or_default();
        let name = opt_name(cx, t, &id);
        let chance = t
            .required(cx, "chance", "0.3")
            .and_then(|v| {
                raw::unit_interval(
                    cx,
                    v,
                    &t.sub("chance"),
                    "a probability in [0, 1]: 0.3 means 30%",
                )
            })
            .unwrap_or(0.0);
        let mut tasks = Vec::new();
        if let Some(v) = t.required(cx, "tasks", "[\"own_licence\"]") {
            let list = raw::strings(
                cx,
                v,
                &t.sub("tasks"),
                "a list of task ids, e.g. [\"own_licence\"]",
            );
            if list.is_empty() && matches!(v.get_ref(), DeValue::Array(_)) {
                cx.report(
                    v.span(),
                    &t.sub("tasks"),
                    "empty",
                    "`tasks` is empty: the risk affects no task".to_string(),
                    "list the ids of the tasks it affects",
                );
            }
            for (s, span, path) in list {
                self.refs.push(Ref {
                    target: s.clone(),
                    span,
                    path,
                    tasks_only: true,
                });
                tasks.push(s);
            }
        }
        let fail = match t.get("fail") {
            Some(v) => match v.get_ref() {
                DeValue::Boolean(b) => *b,
                _ => {
                    let text = cx.text(&v.span());
                    cx.report(
                        v.span(),
                        &t.sub("fail"),
                        "expected true",
                        format!("`fail` must be true or false, found `{text}`"),
                        "write fail = true",
                    );
                    false
                }
            },
            None => false,
        };
        let given: Vec<&str> = ["delay", "scale"]
            .into_iter()
            .filter(|k| t.get(k).is_some())
            .chain(fail.then_some("fail"))
            .collect();
        let one_of = "give exactly one of delay = \"tri(1mo, 2mo, 4mo)\", scale = \"tri(1.1, 1.3, 2.0)\" or fail = true";
        if given.is_empty() {
            let head = cx.head(&t.span);
            cx.report(
                head,
                &t.path,
                "no impact",
                format!("risk `{id}` has no impact: none of delay, scale, fail = true"),
                one_of,
            );
        } else if given.len() > 1 {
            let span = given
                .get(1)
                .and_then(|k| t.table.get_key_value(*k))
                .map_or(t.span.clone(), |(k, _)| k.span());
            cx.report(
                span,
                &t.path,
                "second impact",
                format!("risk `{id}` has more than one impact: {}", given.join(", ")),
                one_of,
            );
        }
        let impact = if let Some(v) = t.get("delay") {
            Impact::Delay(
                raw::dist(cx, v, &t.sub("delay"), Quantity::Duration).unwrap_or(Dist::ZERO),
            )
        } else if let Some(v) = t.get("scale") {
            Impact::Scale(
                raw::dist(cx, v, &t.sub("scale"), Quantity::Number).unwrap_or(Dist::Fixed(1.0)),
            )
        } else {
            Impact::Fail
        };
        // With several impacts, still check the other values.
        if let (true, Some(_), Some(v)) = (given.len() > 1, t.get("delay"), t.get("scale")) {
            raw::dist(cx, v, &t.sub("scale"), Quantity::Number);
        }
        Risk {
            id,
            name,
            chance,
            tasks,
            impact,
            disabled: false,
        }
    }

    fn plant(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Plant {
        t.check_keys(cx, &PLANT_KEYS);
        let id = req_id(cx, t);
        if let Some((id, span)) = &id {
            self.items.push((id.clone(), span.clone(), t.sub("id")));
        }
        let id = id.map(|(s, _)| s).unwrap_or_default();
        let name = opt_name(cx, t, &id);
        let capacity = req_dist(cx, t, "capacity", Quantity::Number, "150000");
        let mut starts = String::new();
        let help = "the id of the task whose finish starts production";
        if let Some(v) = t.required(cx, "starts", "\"sop_own\"")
            && let Some(s) = raw::string(cx, v, &t.sub("starts"), help)
        {
            self.refs.push(Ref {
                target: s.clone(),
                span: v.span(),
                path: t.sub("starts"),
                tasks_only: true,
            });
            starts = s;
        }
        let ramp = req_dist(cx, t, "ramp", Quantity::Duration, "\"tri(3mo, 7mo, 15mo)\"");
        let ramp_start = t
            .get("ramp_start")
            .and_then(|v| {
                raw::unit_interval(
                    cx,
                    v,
                    &t.sub("ramp_start"),
                    "a fraction of nameplate in [0, 1], e.g. 0.1",
                )
            })
            .unwrap_or(0.0);
        let curve = t
            .get("curve")
            .and_then(|v| curve(cx, v, &t.sub("curve")))
            .unwrap_or(Curve::Linear);
        let peak = opt_dist(cx, t, "peak", Quantity::Number, Dist::Fixed(1.0));
        Plant {
            id,
            name,
            capacity,
            starts,
            ramp,
            ramp_start,
            curve,
            peak,
            disabled: false,
        }
    }

    fn promise(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Promise {
        t.check_keys(cx, &PROMISE_KEYS);
        let id = req_id(cx, t).map(|(s, _)| s).unwrap_or_default();
        let name = opt_name(cx, t, &id);
        let given: Vec<&str> = PROMISE_KINDS
            .into_iter()
            .filter(|k| t.get(k).is_some())
            .collect();
        let one_of = "give exactly one of first_delivery_by = 2024-12-31, deliveries_by = { date = 2025-12-31, at_least = 200000 }, deliveries_in_year = { year = 2026, at_least = 300000 } or spend_by = { date = 2031-12-31, at_most = \"72bn\" }";
        if given.is_empty() {
            let head = cx.head(&t.span);
            cx.report(
                head,
                &t.path,
                "no kind",
                format!("promise `{id}` says nothing: it needs one kind"),
                one_of,
            );
        } else if given.len() > 1 {
            let span = given
                .get(1)
                .and_then(|k| t.table.get_key_value(*k))
                .map_or(t.span.clone(), |(k, _)| k.span());
            cx.report(
                span,
                &t.path,
                "second kind",
                format!(
                    "promise `{id}` has more than one kind: {}",
                    given.join(", ")
                ),
                one_of,
            );
        }
        let fallback = PromiseKind::FirstDeliveryBy(Date::jan1(2000));
        let kind = match given.first().copied() {
            Some("first_delivery_by") => t.get("first_delivery_by").and_then(|v| {
                let d = raw::date(cx, v, &t.sub("first_delivery_by"))?;
                self.dates.push((d, v.span(), t.sub("first_delivery_by")));
                Some(PromiseKind::FirstDeliveryBy(d))
            }),
            Some(k @ ("deliveries_by" | "spend_by" | "deliveries_in_year")) => {
                self.promise_table(cx, t, k)
            }
            _ => None,
        };
        Promise {
            id,
            name,
            kind: kind.unwrap_or(fallback),
        }
    }

    fn promise_table(
        &mut self,
        cx: &mut Cx<'_>,
        t: &Tab<'a, 'i>,
        key: &str,
    ) -> Option<PromiseKind> {
        let v = t.get(key)?;
        let path = t.sub(key);
        let (keys, eg): (&[&str], &str) = match key {
            "deliveries_by" => (
                &["date", "at_least"],
                "{ date = 2025-12-31, at_least = 200000 }",
            ),
            "deliveries_in_year" => (&["year", "at_least"], "{ year = 2026, at_least = 300000 }"),
            _ => (
                &["date", "at_most"],
                "{ date = 2031-12-31, at_most = \"72bn\" }",
            ),
        };
        let inner = raw::table(cx, v, &path, &format!("write {key} = {eg}"))?;
        inner.check_keys(cx, keys);
        let [first, second] = [
            keys.first().copied().unwrap_or(""),
            keys.get(1).copied().unwrap_or(""),
        ];
        let a = inner.required(
            cx,
            first,
            if first == "year" {
                "2026"
            } else {
                "2025-12-31"
            },
        );
        let b = inner.required(
            cx,
            second,
            if second == "at_most" {
                "\"72bn\""
            } else {
                "200000"
            },
        );
        let (a, b) = (a?, b?);
        let amount = match second {
            "at_most" => raw::dist(cx, b, &inner.sub(second), Quantity::Money),
            _ => raw::dist(cx, b, &inner.sub(second), Quantity::Number),
        };
        let amount = match amount? {
            Dist::Fixed(x) => x,
            _ => {
                let text = cx.text(&b.span());
                cx.report(
                    b.span(),
                    &inner.sub(second),
                    "not a fixed value",
                    format!("`{second}` = {text} must be a single value, not a distribution"),
                    "write a number, e.g. 200000 or \"72bn\"",
                );
                return None;
            }
        };
        if first == "year" {
            let year = raw::integer(cx, a, &inner.sub("year"), "write a year, e.g. year = 2026")?;
            self.years.push((year, a.span(), inner.sub("year")));
            return Some(PromiseKind::DeliveriesInYear {
                year: i32::try_from(year).unwrap_or(0),
                at_least: amount,
            });
        }
        let date = raw::date(cx, a, &inner.sub("date"))?;
        self.dates.push((date, a.span(), inner.sub("date")));
        Some(if second == "at_most" {
            PromiseKind::SpendBy {
                date,
                at_most: amount,
            }
        } else {
            PromiseKind::DeliveriesBy {
                date,
                at_least: amount,
            }
        })
    }

    fn scenario(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>, index: usize) -> Scenario {
        t.check_keys(cx, &SCENARIO_KEYS);
        let id = req_id(cx, t).map(|(s, _)| s).unwrap_or_default();
        let name = opt_name(cx, t, &id);
        let mut disable = Vec::new();
        if let Some(v) = t.get("disable") {
            for (s, span, path) in raw::strings(
                cx,
                v,
                &t.sub("disable"),
                "a list of task, risk or plant ids",
            ) {
                self.refs.push(Ref {
                    target: s.clone(),
                    span,
                    path,
                    tasks_only: false,
                });
                disable.push(s);
            }
        }
        if let Some(v) = t.get("set") {
            let help = "write set = { \"task_id.duration\" = \"tri(8mo, 10mo, 14mo)\" }";
            if let Some(tab) = raw::table(cx, v, &t.sub("set"), help) {
                for (k, val) in tab.table.iter() {
                    let key = k.get_ref().to_string();
                    // `set = { a.chance = 1 }` is a dotted key: a nested table, read as "a.chance".
                    if let DeValue::Table(nested) = val.get_ref() {
                        for (k2, val2) in nested.iter() {
                            let full = format!("{key}.{}", k2.get_ref());
                            self.sets.push(SetEntry {
                                path: format!("{}.\"{full}\"", t.sub("set")),
                                key: full,
                                key_span: k2.span(),
                                value: val2,
                                scenario: index,
                            });
                        }
                    } else {
                        self.sets.push(SetEntry {
                            path: format!("{}.\"{key}\"", t.sub("set")),
                            key,
                            key_span: k.span(),
                            value: val,
                            scenario: index,
                        });
                    }
                }
            }
        }
        Scenario {
            id,
            name,
            disable,
            set: Vec::new(),
        }
    }

    /// Id shape, reserved ids and duplicates in the shared task/risk/plant namespace.
    fn check_ids(&self, cx: &mut Cx<'_>) {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (id, span, path) in &self.items {
            check_id_shape(cx, id, span, path);
            if id == "program" {
                cx.report(
                    span.clone(),
                    path,
                    "reserved",
                    "id `program` is reserved (scenario settings use `program.field`)".into(),
                    "choose another id",
                );
            }
            if let Some(first) = seen.get(id.as_str()) {
                cx.report(
                    span.clone(),
                    path,
                    "duplicate id",
                    format!("duplicate id `{id}`: already used by {first}"),
                    "tasks, risks and plants share one namespace: give each a unique id",
                );
            } else {
                seen.insert(id, path.trim_end_matches(".id"));
            }
        }
    }

    /// Ids of promises or scenarios: shape and duplicates within their own kind.
    fn check_own_namespace<'x>(
        &self,
        cx: &mut Cx<'_>,
        ids: impl Iterator<Item = &'x str>,
        tabs: &[Tab<'_, '_>],
        what: &str,
    ) {
        let mut seen: HashMap<&str, String> = HashMap::new();
        for (id, tab) in ids.zip(tabs) {
            let Some(v) = tab.get("id") else { continue };
            if !matches!(v.get_ref(), DeValue::String(_)) {
                continue;
            }
            let (span, path) = (v.span(), tab.sub("id"));
            check_id_shape(cx, id, &span, &path);
            if what == "scenario" && id == "base" {
                cx.report(
                    span.clone(),
                    &path,
                    "reserved",
                    "scenario id `base` is reserved for the model as written".into(),
                    "choose another id",
                );
            }
            if let Some(first) = seen.get(id) {
                cx.report(
                    span,
                    &path,
                    "duplicate id",
                    format!("duplicate {what} id `{id}`: already used by {first}"),
                    format!("give each {what} a unique id"),
                );
            } else {
                seen.insert(id, tab.path.clone());
            }
        }
    }

    fn check_refs(&self, cx: &mut Cx<'_>, tasks: &[Task]) {
        // Sets: imported schedules can have tens of thousands of tasks and links.
        let task_ids: HashSet<&str> = tasks.iter().map(|t| t.id.as_str()).collect();
        let item_ids: HashSet<&str> = self.items.iter().map(|(id, _, _)| id.as_str()).collect();
        for r in &self.refs {
            let found = if r.tasks_only {
                task_ids.contains(r.target.as_str())
            } else {
                item_ids.contains(r.target.as_str())
            };
            if found {
                continue;
            }
            let what = if r.tasks_only {
                "task"
            } else {
                "task, risk or plant"
            };
            let candidates: Vec<&str> = if r.tasks_only {
                tasks.iter().map(|t| t.id.as_str()).collect()
            } else {
                self.items.iter().map(|(id, _, _)| id.as_str()).collect()
            };
            let hint = match nearest(&r.target, candidates.iter().copied()) {
                Some(c) => format!("did you mean `{c}`?"),
                None if r.tasks_only && self.items.iter().any(|(id, _, _)| *id == r.target) => {
                    format!("`{}` is a risk or plant, not a task", r.target)
                }
                None => format!("use the id of a {what} defined in this file"),
            };
            cx.report(
                r.span.clone(),
                &r.path,
                "unknown id",
                format!("unknown {what} id `{}`", r.target),
                hint,
            );
        }
    }

    /// Tasks listing themselves, and cycles over after / after_any / after_failure.
    fn check_cycles(&self, cx: &mut Cx<'_>, tasks: &[Task]) {
        let index: HashMap<&str, usize> = tasks
            .iter()
            .enumerate()
            .rev()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        // adjacency: task -> (predecessor index, edge)
        let mut adj: Vec<Vec<(usize, &Edge)>> = vec![Vec::new(); tasks.len()];
        for (i, (edges, task)) in self.edges.iter().zip(tasks).enumerate() {
            for e in edges {
                if e.to == task.id && !task.id.is_empty() {
                    cx.report(
                        e.span.clone(),
                        &e.path,
                        "lists itself",
                        format!("task `{}` lists itself in `{}`", task.id, leaf(&e.path)),
                        "remove it: a task cannot wait on itself",
                    );
                } else if let (Some(&j), Some(list)) = (index.get(e.to.as_str()), adj.get_mut(i)) {
                    list.push((j, e));
                }
            }
        }
        // Iterative depth-first search (deep chains must not overflow the stack).
        let mut color = vec![0u8; tasks.len()];
        let mut reported = 0;
        for root in 0..tasks.len() {
            if color.get(root) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            if let Some(c) = color.get_mut(root) {
                *c = 1;
            }
            while let Some(top) = stack.last_mut() {
                let (node, next) = (top.0, top.1);
                top.1 += 1;
                match adj.get(node).and_then(|a| a.get(next)) {
                    Some(&(to, edge)) => match color.get(to) {
                        Some(0) => {
                            if let Some(c) = color.get_mut(to) {
                                *c = 1;
                            }
                            stack.push((to, 0));
                        }
                        Some(1) if reported < 20 => {
                            reported += 1;
                            let from = stack.iter().position(|(n, _)| *n == to).unwrap_or(0);
                            let mut names: Vec<&str> = stack
                                .get(from..)
                                .unwrap_or(&[])
                                .iter()
                                .filter_map(|(n, _)| tasks.get(*n).map(|t| t.id.as_str()))
                                .collect();
                            names.push(tasks.get(to).map_or("", |t| t.id.as_str()));
                            cx.report(
                                edge.span.clone(),
                                &edge.path,
                                "closes a cycle",
                                format!("tasks wait on each other in a cycle: {} (each waits on the next)", names.join(" → ")),
                                "remove or reverse one of these links",
                            );
                        }
                        _ => {}
                    },
                    None => {
                        if let Some(c) = color.get_mut(node) {
                            *c = 2;
                        }
                        stack.pop();
                    }
                }
            }
        }
    }

    fn check_dates(&self, cx: &mut Cx<'_>, start: Date, horizon: Date) {
        for (d, span, path) in &self.dates {
            if *d < start || *d > horizon {
                cx.report(
                    span.clone(),
                    path,
                    "outside start..horizon",
                    format!(
                        "`{}` = {d} is outside the program, {start} to {horizon}",
                        leaf(path)
                    ),
                    "use a date between program.start and program.horizon, or move them",
                );
            }
        }
        for (y, span, path) in &self.years {
            if *y < i64::from(start.year()) || *y > i64::from(horizon.year()) {
                cx.report(
                    span.clone(),
                    path,
                    "outside the program",
                    format!(
                        "`{}` = {y} is outside the years of the program, {} to {}",
                        leaf(path),
                        start.year(),
                        horizon.year()
                    ),
                    "use a year between those of program.start and program.horizon",
                );
            }
        }
    }

    fn read_sets(
        &self,
        cx: &mut Cx<'_>,
        scenarios: &mut [Scenario],
        tasks: &[Task],
        risks: &[Risk],
        plants: &[Plant],
        range: Option<(Date, Date)>,
    ) {
        for e in &self.sets {
            let Some((item, field)) = e.key.split_once('.') else {
                cx.report(
                    e.key_span.clone(),
                    &e.path,
                    "expected item.field",
                    format!("scenario setting `{}` names no field", e.key),
                    "write \"item.field\", e.g. \"own_licence.chance\" or \"program.delivery_lag\"",
                );
                continue;
            };
            let fields: Vec<(&str, Slot)> = if item == "program" {
                PROGRAM_FIELDS.to_vec()
            } else if tasks.iter().any(|t| t.id == item) {
                TASK_FIELDS.to_vec()
            } else if let Some(r) = risks.iter().find(|r| r.id == item) {
                risk_fields(&r.impact)
            } else if plants.iter().any(|p| p.id == item) {
                PLANT_FIELDS.to_vec()
            } else {
                let ids = self
                    .items
                    .iter()
                    .map(|(id, _, _)| id.as_str())
                    .chain(["program"]);
                let hint = nearest(item, ids).map_or(
                    "use `program` or the id of a task, risk or plant".to_string(),
                    |c| format!("did you mean `{c}`?"),
                );
                cx.report(
                    e.key_span.clone(),
                    &e.path,
                    "unknown id",
                    format!("scenario setting `{}`: unknown item `{item}`", e.key),
                    hint,
                );
                continue;
            };
            let Some(slot) = fields.iter().find(|(f, _)| *f == field).map(|(_, s)| *s) else {
                let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
                let mean = nearest(field, names.iter().copied())
                    .map_or(String::new(), |c| format!("did you mean `{c}`? "));
                let risk_note = if field == "delay" || field == "scale" {
                    format!("`{item}` is a risk of another kind; ")
                } else {
                    String::new()
                };
                cx.report(
                    e.key_span.clone(),
                    &e.path,
                    "not settable",
                    format!(
                        "scenario setting `{}`: `{field}` cannot be set on `{item}`",
                        e.key
                    ),
                    format!("{mean}{risk_note}settable here: {}", names.join(", ")),
                );
                continue;
            };
            let value = match slot {
                Slot::Dist(q) => raw::dist(cx, e.value, &e.path, q).map(SettingValue::Dist),
                Slot::Fraction => raw::unit_interval(cx, e.value, &e.path, "a number in [0, 1]")
                    .map(SettingValue::Number),
                Slot::Curve => curve(cx, e.value, &e.path).map(SettingValue::Curve),
                Slot::Date => raw::date(cx, e.value, &e.path).and_then(|d| {
                    if let Some((s, h)) = range
                        && (d < s || d > h)
                    {
                        cx.report(
                            e.value.span(),
                            &e.path,
                            "outside start..horizon",
                            format!(
                                "`{}` = {d} is outside the program, {s} to {h}",
                                leaf(&e.path)
                            ),
                            "use a date between program.start and program.horizon",
                        );
                        return None;
                    }
                    Some(SettingValue::Date(d))
                }),
            };
            if let (Some(value), Some(s)) = (value, scenarios.get_mut(e.scenario)) {
                s.set.push(Setting {
                    item: item.to_string(),
                    field: field.to_string(),
                    value,
                });
            }
        }
    }
}

fn curve(cx: &mut Cx<'_>, v: &Val<'_>, path: &str) -> Option<Curve> {
    let help = "write curve = \"linear\" or curve = \"s\" (smoothstep)";
    let s = raw::string(cx, v, path, help)?;
    match s.as_str() {
        "linear" => Some(Curve::Linear),
        "s" => Some(Curve::S),
        _ => {
            cx.report(
                v.span(),
                path,
                "unknown curve",
                format!("`{}` = \"{s}\" is not a curve", leaf(path)),
                help,
            );
            None
        }
    }
}
