//! From TOML text to a validated [`Model`]: read every table (reporting unknown keys, wrong
//! types and bad values), then check across items: ids, references, cycles, dates and
//! scenario settings. All problems are collected; the model is returned only without any.

use toml::de::{DeTable, DeValue};

use crate::cross::{CorrEntry, Cross, Edge, Item, Kind, Ref, Want, check_own_namespace};
use crate::errors::{Problem, line_column};
use crate::grammar::parse_link;
use crate::raw::{self, Cx, Span, Tab, Val, leaf};
use crate::scenario::Slot;
use crate::{
    Calendar, CalendarException, Correlation, Curve, Date, Dist, Impact, Include, Link, Model,
    ModelError, Origin, Plant, Program, Promise, PromiseKind, Quantity, Risk, Scenario, Setting,
    SettingValue, Task,
};

const TOP_KEYS: [&str; 9] = [
    "program",
    "calendar",
    "include",
    "task",
    "risk",
    "plant",
    "correlate",
    "promise",
    "scenario",
];
const INCLUDE_KEYS: [&str; 3] = ["file", "prefix", "uncertainty"];
const CORRELATE_KEYS: [&str; 2] = ["items", "rho"];
const PROGRAM_KEYS: [&str; 9] = [
    "name",
    "start",
    "horizon",
    "currency",
    "iterations",
    "seed",
    "delivery_lag",
    "overhead_per_year",
    "calendar",
];
const TASK_KEYS: [&str; 10] = [
    "id",
    "name",
    "duration",
    "chance",
    "after",
    "after_any",
    "after_failure",
    "cost",
    "not_before",
    "calendar",
];
const CALENDAR_KEYS: [&str; 5] = ["id", "name", "hours_per_day", "week", "exceptions"];
const EXCEPTION_KEYS: [&str; 3] = ["from", "to", "hours"];
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
    let text = read_model_text(path)?;
    parse(&text, &path.display().to_string())
}

/// The text of the model file `path`, read with [`crate::read_input`]'s bounds: refused if
/// it is empty, binary or not UTF-8, with a message that says which and how to fix it.
pub fn read_model_text(path: &std::path::Path) -> Result<String, ModelError> {
    let name = path.display().to_string();
    let bytes =
        crate::read_input(path).map_err(|e| ModelError::file(&name, e.message, Some(e.help)))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ModelError::file(
            &name,
            "the file is empty".into(),
            Some("a model needs at least a [program] table with name, start and horizon".into()),
        ));
    }
    if let Some(kind) = crate::binary_kind(&bytes) {
        return Err(ModelError::file(
            &name,
            format!("this is {kind}, not a model file (TOML text)"),
            Some(crate::binary_help(kind).into()),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let prefix = bytes.get(..at).unwrap_or(&[]);
        let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
        let utf16 = bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff");
        ModelError::file(
            &name,
            if utf16 {
                "the file is UTF-16 text, not UTF-8".to_string()
            } else {
                format!("the file is not valid UTF-8: invalid byte at offset {at} (line {line})")
            },
            Some("save the file as UTF-8".into()),
        )
    })
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
    /// What the checks across items need, gathered while reading.
    x: Cross,
    sets: Vec<SetEntry<'a, 'i>>,
    /// References to calendars: (id, span, key path).
    cal_refs: Vec<(String, Option<Span>, String)>,
}

/// Reports a table that gives none, or more than one, of a set of exclusive keys (`given`,
/// in the order found): at the table's head, or at the second key given. Each case is a
/// (label, message) pair; `help` lists the choices.
fn exactly_one(
    cx: &mut Cx<'_>,
    t: &Tab<'_, '_>,
    given: &[&str],
    none: (&str, String),
    many: (&str, String),
    help: &str,
) {
    if given.is_empty() {
        let head = cx.head(&t.span);
        cx.report(head, &t.path, none.0, none.1, help);
    } else if given.len() > 1 {
        let span = given
            .get(1)
            .and_then(|k| t.table.get_key_value(*k))
            .map_or(t.span.clone(), |(k, _)| k.span());
        cx.report(span, &t.path, many.0, many.1, help);
    }
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

impl<'a, 'i> Reader<'a, 'i> {
    fn read(mut self, cx: &mut Cx<'_>, top: &Tab<'a, 'i>) -> Model {
        top.check_keys(cx, &TOP_KEYS);
        let (program, range) = self.program(cx, top);
        let calendar_tabs = raw::tables(cx, top, "calendar");
        let mut calendars = Vec::new();
        for t in &calendar_tabs {
            calendars.push(calendar(cx, t));
        }
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

        let mut correlations = Vec::new();
        for t in raw::tables(cx, top, "correlate") {
            correlations.push(self.correlate(cx, &t));
        }
        let mut includes = Vec::new();
        for (i, t) in raw::tables(cx, top, "include").iter().enumerate() {
            includes.push(self.include(cx, t, i));
        }

        self.x.check_ids(cx);
        self.x.check_includes(cx);
        let ids = |tabs: &[Tab<'_, '_>]| -> Vec<(String, Option<Span>, String)> {
            tabs.iter()
                .filter_map(|tab| {
                    let v = tab.get("id")?;
                    let DeValue::String(s) = v.get_ref() else {
                        return None;
                    };
                    Some((s.to_string(), Some(v.span()), tab.sub("id")))
                })
                .collect()
        };
        for (tabs, what) in [
            (&promise_tabs, "promise"),
            (&scenario_tabs, "scenario"),
            (&calendar_tabs, "calendar"),
        ] {
            let owned = ids(tabs);
            let list: Vec<(&str, Option<Span>, String)> = owned
                .iter()
                .map(|(id, span, path)| (id.as_str(), span.clone(), path.clone()))
                .collect();
            check_own_namespace(cx, &list, what);
            if what == "calendar" {
                crate::calendar::check_refs(cx, &list, &self.cal_refs);
            }
        }
        let ix = self.x.index();
        self.x.check_refs(cx, &ix);
        self.x.check_cycles(cx, &tasks);
        if let Some((start, horizon)) = range {
            self.x.check_dates(cx, start, horizon);
        }
        self.x.check_correlations(cx, &ix, &tasks, &plants);
        drop(ix);
        // Settings apply in the order written (the TOML table itself is sorted by key).
        self.sets.sort_by_key(|e| e.key_span.start);
        self.read_sets(cx, &mut scenarios, &risks, range);
        Model {
            program,
            tasks,
            risks,
            plants,
            promises,
            scenarios,
            correlations,
            includes,
            calendars,
        }
    }

    fn item(&mut self, id: &str, span: &Span, t: &Tab<'_, '_>, kind: Kind) {
        self.x.items.push(Item {
            id: id.to_string(),
            span: Some(span.clone()),
            path: t.sub("id"),
            kind,
        });
    }

    /// `[[include]] file = "plant.xer", prefix = "plant", uncertainty = "rules.toml"`.
    fn include(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>, index: usize) -> Include {
        t.check_keys(cx, &INCLUDE_KEYS);
        let mut file_span = None;
        let file = t
            .required(cx, "file", "\"plant.xer\"")
            .and_then(|v| {
                file_span = Some(v.span());
                let s = raw::string(cx, v, &t.sub("file"), "write file = \"plant.xer\"")?;
                non_empty(
                    cx,
                    v,
                    &t.sub("file"),
                    s,
                    "the schedule file to include, e.g. file = \"plant.xer\"",
                )
            })
            .unwrap_or_default();
        let prefix = t
            .required(cx, "prefix", "\"plant\"")
            .and_then(|v| {
                let s = raw::string(cx, v, &t.sub("prefix"), "write prefix = \"plant\"")?;
                self.x
                    .prefixes
                    .push((s.clone(), Some(v.span()), t.sub("prefix")));
                Some(s)
            })
            .unwrap_or_default();
        let mut uncertainty_span = None;
        let uncertainty = t.get("uncertainty").and_then(|v| {
            uncertainty_span = Some(v.span());
            let s = raw::string(cx, v, &t.sub("uncertainty"), "write uncertainty = \"rules.toml\"")?;
            non_empty(cx, v, &t.sub("uncertainty"), s, "the uncertainty rules file, e.g. uncertainty = \"rules.toml\", or leave the key out")
        });
        let origin = file_span.map(|span| {
            let (line, column) = line_column(cx.src, span.start);
            Origin {
                key_path: format!("include[{index}]"),
                file: span,
                uncertainty: uncertainty_span,
                line,
                column,
            }
        });
        Include {
            file,
            prefix,
            uncertainty,
            origin,
        }
    }

    /// `[[correlate]] items = ["a", "b"], rho = 0.6`; checked with the others once every
    /// item is known.
    fn correlate(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Correlation {
        t.check_keys(cx, &CORRELATE_KEYS);
        let mut entry = CorrEntry {
            path: t.path.clone(),
            items: Vec::new(),
            items_read: false,
            items_span: None,
            rho: None,
            rho_span: None,
            rho_text: String::new(),
        };
        let help = "a list of task or plant ids, e.g. items = [\"plant_build\", \"phase2_build\"]";
        if let Some(v) = t.required(cx, "items", "[\"plant_build\", \"phase2_build\"]") {
            entry.items_read = matches!(v.get_ref(), DeValue::Array(_));
            entry.items_span = Some(v.span());
            entry.items = raw::strings(cx, v, &t.sub("items"), help)
                .into_iter()
                .map(|(s, span, path)| (s, Some(span), path))
                .collect();
        }
        if let Some(v) = t.required(cx, "rho", "0.6") {
            entry.rho_span = Some(v.span());
            entry.rho_text = cx.text(&v.span());
            entry.rho = raw::number(
                cx,
                v,
                &t.sub("rho"),
                "a rank correlation between -1 and 1, e.g. rho = 0.6",
            );
        }
        let c = Correlation {
            items: entry.items.iter().map(|(s, _, _)| s.clone()).collect(),
            rho: entry.rho.unwrap_or(0.0) + 0.0,
        };
        self.x.correlate.push(entry);
        c
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
            calendar: None,
            start_time: 0,
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
        // A local date-time (`2008-11-03T09:00:00`) also sets the start time: no task starts
        // earlier that day (imported schedules starting mid-morning).
        let start = t
            .required(cx, "start", "2022-07-01")
            .and_then(|v| match v.get_ref() {
                DeValue::Datetime(dt) if dt.offset.is_none() && dt.date.is_some() => {
                    if let Some(time) = dt.time {
                        p.start_time = u32::from(time.hour) * 60 + u32::from(time.minute);
                    }
                    let d = dt.date?;
                    let date =
                        Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day));
                    if date.is_none() {
                        raw::date(cx, v, "program.start");
                    }
                    date
                }
                _ => raw::date(cx, v, "program.start"),
            });
        let horizon_v = t.required(cx, "horizon", "2031-12-31");
        let horizon = horizon_v.and_then(|v| raw::date(cx, v, "program.horizon"));
        if let Some(v) = t.get("currency") {
            p.currency = raw::string(cx, v, "program.currency", "write currency = \"CNY\"")
                .unwrap_or_default();
        }
        if let Some(v) = t.get("iterations") {
            let help = "write a whole number of 1 or more, e.g. iterations = 10000";
            if let Some(n) = raw::integer(cx, v, "program.iterations", help) {
                match crate::model::iterations_problem(i128::from(n)) {
                    Some((label, message, help)) => {
                        cx.report(v.span(), "program.iterations", label, message, help);
                    }
                    None => p.iterations = n as u64,
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
        p.calendar = self.calendar_ref(cx, &t);
        let mut range = None;
        if let (Some(s), Some(h), Some(hv)) = (start, horizon, horizon_v) {
            p.start = s;
            p.horizon = h;
            match crate::model::horizon_problem(s, h) {
                Some((label, message, help)) => {
                    cx.report(hv.span(), "program.horizon", label, message, help);
                }
                None => range = Some((s, h)),
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
                    self.x.refs.push(Ref {
                        target: link.task.clone(),
                        span: Some(item.span()),
                        path: path.clone(),
                        want: Want::Task,
                    });
                    if let Some(e) = self.x.edges.get_mut(task) {
                        e.push(Edge {
                            to: link.task.clone(),
                            span: Some(item.span()),
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
        let index = self.x.edges.len();
        self.x.edges.push(Vec::new());
        let id = req_id(cx, t);
        if let Some((id, span)) = &id {
            self.item(id, span, t, Kind::Task);
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
                self.x.refs.push(Ref {
                    target: s.clone(),
                    span: Some(span.clone()),
                    path: path.clone(),
                    want: Want::Task,
                });
                if let Some(e) = self.x.edges.get_mut(index) {
                    e.push(Edge {
                        to: s.clone(),
                        span: Some(span),
                        path,
                    });
                }
                after_failure.push(s);
            }
        }
        let cost = opt_dist(cx, t, "cost", Quantity::Money, Dist::ZERO);
        let not_before = t.get("not_before").and_then(|v| {
            let d = raw::date(cx, v, &t.sub("not_before"))?;
            self.x.dates.push((d, Some(v.span()), t.sub("not_before")));
            Some(d)
        });
        let calendar = self.calendar_ref(cx, t);
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
            calendar,
        }
    }

    /// `calendar = "site"` of a task or the program, checked once every calendar is known.
    fn calendar_ref(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Option<String> {
        let v = t.get("calendar")?;
        let help = "the id of a [[calendar]], or \"none\" for 24-hour calendar days";
        let s = raw::string(cx, v, &t.sub("calendar"), help)?;
        self.cal_refs
            .push((s.clone(), Some(v.span()), t.sub("calendar")));
        Some(s)
    }

    fn risk(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Risk {
        t.check_keys(cx, &RISK_KEYS);
        let id = req_id(cx, t);
        if let Some((id, span)) = &id {
            self.item(id, span, t, Kind::Risk);
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
                self.x.refs.push(Ref {
                    target: s.clone(),
                    span: Some(span),
                    path,
                    want: Want::Task,
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
        exactly_one(
            cx,
            t,
            &given,
            (
                "no impact",
                format!("risk `{id}` has no impact: none of delay, scale, fail = true"),
            ),
            (
                "second impact",
                format!("risk `{id}` has more than one impact: {}", given.join(", ")),
            ),
            one_of,
        );
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
            self.item(id, span, t, Kind::Plant);
        }
        let id = id.map(|(s, _)| s).unwrap_or_default();
        let name = opt_name(cx, t, &id);
        let capacity = req_dist(cx, t, "capacity", Quantity::Number, "150000");
        let mut starts = String::new();
        let help = "the id of the task whose finish starts production";
        if let Some(v) = t.required(cx, "starts", "\"sop_own\"")
            && let Some(s) = raw::string(cx, v, &t.sub("starts"), help)
        {
            self.x.refs.push(Ref {
                target: s.clone(),
                span: Some(v.span()),
                path: t.sub("starts"),
                want: Want::Task,
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
        exactly_one(
            cx,
            t,
            &given,
            (
                "no kind",
                format!("promise `{id}` says nothing: it needs one kind"),
            ),
            (
                "second kind",
                format!(
                    "promise `{id}` has more than one kind: {}",
                    given.join(", ")
                ),
            ),
            one_of,
        );
        let fallback = PromiseKind::FirstDeliveryBy(Date::jan1(2000));
        let kind = match given.first().copied() {
            Some("first_delivery_by") => t.get("first_delivery_by").and_then(|v| {
                let d = raw::date(cx, v, &t.sub("first_delivery_by"))?;
                self.x
                    .dates
                    .push((d, Some(v.span()), t.sub("first_delivery_by")));
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
            self.x.years.push((year, Some(a.span()), inner.sub("year")));
            return Some(PromiseKind::DeliveriesInYear {
                year: i32::try_from(year).unwrap_or(0),
                at_least: amount,
            });
        }
        let date = raw::date(cx, a, &inner.sub("date"))?;
        self.x.dates.push((date, Some(a.span()), inner.sub("date")));
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
                self.x.refs.push(Ref {
                    target: s.clone(),
                    span: Some(span),
                    path,
                    want: Want::Item,
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

    fn read_sets(
        &self,
        cx: &mut Cx<'_>,
        scenarios: &mut [Scenario],
        risks: &[Risk],
        range: Option<(Date, Date)>,
    ) {
        let ix = self.x.index();
        for e in &self.sets {
            let (item, field, slot) = match ix.setting_slot(&e.key, risks) {
                Ok(x) => x,
                Err(m) => {
                    cx.report(e.key_span.clone(), &e.path, m.label, m.message, m.help);
                    continue;
                }
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

/// `[[calendar]]`: id, name, hours per day, week and exceptions; ids and references are
/// checked with the others.
fn calendar(cx: &mut Cx<'_>, t: &Tab<'_, '_>) -> Calendar {
    t.check_keys(cx, &CALENDAR_KEYS);
    let id = t
        .required(cx, "id", "\"site\"")
        .and_then(|v| raw::string(cx, v, &t.sub("id"), "write id = \"site\""))
        .unwrap_or_default();
    let mut c = Calendar::standard(id.clone());
    c.name = opt_name(cx, t, &id);
    let mut bad_day = false;
    if let Some(v) = t.get("hours_per_day") {
        let help = "the working hours in one day of duration, e.g. hours_per_day = 8";
        if let Some(x) = raw::number(cx, v, &t.sub("hours_per_day"), help) {
            if x > 0.0 && x <= 24.0 {
                c.hours_per_day = x;
            } else {
                let text = cx.text(&v.span());
                cx.report(
                    v.span(),
                    &t.sub("hours_per_day"),
                    "outside (0, 24]",
                    format!("`hours_per_day` = {text} must be more than 0 and at most 24"),
                    help,
                );
            }
        }
    }
    if let Some(v) = t.get("week") {
        let eg = "week = { mon = \"08:00-12:00, 13:00-17:00\", …, sat = \"\", sun = \"\" }";
        if let Some(w) = raw::table(cx, v, &t.sub("week"), &format!("write {eg}")) {
            w.check_keys(cx, &crate::WEEKDAYS);
            for (k, day) in crate::WEEKDAYS.iter().enumerate() {
                c.week[k] = match w.get(day) {
                    Some(v) => hours(cx, v, &w.sub(day)).unwrap_or_else(|| {
                        // Reported; keep the day working so the week is not also reported.
                        bad_day = true;
                        Vec::new()
                    }),
                    None => Vec::new(),
                };
            }
        }
    }
    if let Some(v) = t.get("exceptions") {
        let eg = "exceptions = [{ from = 2024-12-23, to = 2025-01-01, hours = \"\" }]";
        if let DeValue::Array(items) = v.get_ref() {
            for (k, item) in items.iter().enumerate() {
                let path = format!("{}[{k}]", t.sub("exceptions"));
                let Some(e) = raw::table(cx, item, &path, &format!("write {eg}")) else {
                    continue;
                };
                e.check_keys(cx, &EXCEPTION_KEYS);
                let from = e
                    .required(cx, "from", "2024-12-23")
                    .and_then(|v| raw::date(cx, v, &e.sub("from")));
                let to = e
                    .required(cx, "to", "2025-01-01")
                    .and_then(|v| raw::date(cx, v, &e.sub("to")));
                let h = e
                    .required(cx, "hours", "\"\"")
                    .and_then(|v| hours(cx, v, &e.sub("hours")));
                if let (Some(from), Some(to), Some(hours)) = (from, to, h) {
                    if from > to {
                        cx.report(
                            item.span(),
                            &path,
                            "from after to",
                            format!("exception `from` = {from} is after `to` = {to}"),
                            "write the first day as from and the last day as to (the same day for one day)",
                        );
                    }
                    c.exceptions.push(CalendarException { from, to, hours });
                }
            }
        } else {
            raw::table(cx, v, &t.sub("exceptions"), &format!("write {eg}"));
        }
    }
    // Hours and exception order are reported above, at their place.
    for (key, label, message, help) in crate::calendar::check_calendar(&c, false) {
        if key == "week" && !bad_day {
            let span = t.get("week").map_or_else(|| cx.head(&t.span), |v| v.span());
            cx.report(span, &t.sub("week"), label, message, help);
        }
    }
    c
}

/// Working hours of a day: `"08:00-12:00, 13:00-17:00"`, `""` for none.
fn hours(cx: &mut Cx<'_>, v: &Val<'_>, path: &str) -> Option<crate::Hours> {
    let s = raw::string(cx, v, path, "write hours like \"08:00-12:00, 13:00-17:00\"")?;
    match crate::parse_hours(&s) {
        Ok(h) => Some(h),
        Err((message, help)) => {
            let text = cx.text(&v.span());
            cx.report(
                v.span(),
                path,
                "here",
                format!("`{}` = {text}: {message}", leaf(path)),
                help,
            );
            None
        }
    }
}

/// `s`, unless it is empty or blank (reported).
fn non_empty(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, s: String, help: &str) -> Option<String> {
    if s.trim().is_empty() {
        cx.report(
            v.span(),
            path,
            "empty",
            format!("`{}` is empty", leaf(path)),
            help,
        );
        return None;
    }
    Some(s)
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
