//! Reading a model file: from TOML text to a validated [`Model`]: read every table (reporting unknown keys, wrong
//! types and bad values), then check across items: ids, references, cycles, dates and
//! scenario settings. All problems are collected; the model is returned only without any.

use toml::de::DeValue;

mod calendar;
mod items;
mod program;
mod promises;
mod references;
mod shared;

use crate::cross::{Cross, Item, Kind, check_own_namespace};
use crate::kind::ProblemKind;
use crate::raw::{self, Cx, Span, Tab, Val};
use crate::source_map::SourceMap;
use crate::{Dist, Model, ModelError, Quantity, Written};

const TOP_KEYS: [&str; 10] = [
    "program",
    "reference",
    "calendar",
    "include",
    "task",
    "risk",
    "plant",
    "correlate",
    "promise",
    "scenario",
];

/// Parses and validates a model file. `path` names the file in messages.
pub fn parse(source: &str, path: &str) -> Result<Model, ModelError> {
    read(source, path, Map::Never, false).map(|r| r.model)
}

/// [`parse`], also giving where each value is in `source`, for problems found later (in the
/// model with its includes merged) to be shown at their place.
pub fn parse_with_map(source: &str, path: &str) -> Result<(Model, SourceMap), ModelError> {
    read(source, path, Map::Always, false).map(|r| (r.model, r.map.unwrap_or_default()))
}

/// When [`read`] maps the file.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Map {
    Never,
    Always,
    /// Only a model with `[[include]]`s: the problems found after reading are those of the
    /// merged includes, and mapping every key of a large model costs about as much as
    /// reading it.
    WithIncludes,
}

/// What [`read`] gives: the model, validated; the map and the distributions as written, if
/// asked for.
pub(crate) struct Read {
    pub(crate) model: Model,
    pub(crate) map: Option<SourceMap>,
    pub(crate) written: Written,
}

/// Reads and validates `source`, and maps it as `map` says. Shared reference files are
/// found beside `path`.
pub(crate) fn read(
    source: &str,
    path: &str,
    map: Map,
    keep_written: bool,
) -> Result<Read, ModelError> {
    let dir = std::path::Path::new(path)
        .parent()
        .unwrap_or(std::path::Path::new(""));
    read_in(source, path, dir, map, keep_written)
}

/// [`read`], with shared reference files found in `dir` (for a model text kept elsewhere
/// than its file, such as a recorded run's).
pub(crate) fn read_in(
    source: &str,
    path: &str,
    dir: &std::path::Path,
    map: Map,
    keep_written: bool,
) -> Result<Read, ModelError> {
    let doc = raw::document(source, path)?;
    let mut cx = Cx::new(source);
    let top = Tab::top(&doc);
    shared::shared_classes(&mut cx, &top, dir)?;
    let model = Reader::default().read(&mut cx, &top);
    if cx.has_problems() {
        Err(cx.into_error(path))
    } else {
        let mapped = match map {
            Map::Never => false,
            Map::Always => true,
            Map::WithIncludes => !model.includes.is_empty(),
        };
        Ok(Read {
            map: mapped.then(|| SourceMap::from_doc(doc.get_ref())),
            written: if keep_written {
                Written::of(doc.get_ref())
            } else {
                Written::default()
            },
            model,
        })
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
    /// Dated observations of reference classes: (date, span, key path, marked hindsight).
    reference_dates: Vec<(crate::Date, Span, String, bool)>,
    /// Reading a shared reference file ([`shared`]) for a model that starts on this date
    /// (`None` if its start is not known): observations must be dated, and later ones are
    /// left out.
    shared_as_of: Option<Option<crate::Date>>,
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
    let s = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        _ => raw::string(cx, v, &t.sub("id"), "write id = \"my_id\"")?,
    };
    Some((s, v.span()))
}

/// Boolean `key` of `t`, `false` when absent (or reported when not a boolean).
fn opt_bool(cx: &mut Cx<'_>, t: &Tab<'_, '_>, key: &str, help: &str) -> bool {
    t.get(key)
        .and_then(|v| raw::boolean(cx, v, &t.sub(key), help))
        .unwrap_or(false)
}

fn opt_dist(cx: &mut Cx<'_>, t: &Tab<'_, '_>, key: &str, q: Quantity, default: Dist) -> Dist {
    match t.get(key) {
        Some(v) => raw::dist_at(cx, v, || t.sub(key), q).unwrap_or(default),
        None => default,
    }
}

fn req_dist(cx: &mut Cx<'_>, t: &Tab<'_, '_>, key: &str, q: Quantity, example: &str) -> Dist {
    t.required(cx, key, example)
        .and_then(|v| raw::dist_at(cx, v, || t.sub(key), q))
        .unwrap_or(Dist::ZERO)
}

impl<'a, 'i> Reader<'a, 'i> {
    fn read(mut self, cx: &mut Cx<'_>, top: &Tab<'a, 'i>) -> Model {
        top.check_keys(cx, &TOP_KEYS);
        // Classes first: any value read after them may draw from one.
        self.references(cx, top);
        let (program, range) = self.program(cx, top);
        if let Some((start, _)) = range {
            self.check_hindsight(cx, start);
        }
        let calendar_tabs = raw::tables(cx, top, "calendar");
        let mut calendars = Vec::new();
        for t in &calendar_tabs {
            calendars.push(calendar::calendar(cx, t));
        }
        let mut tasks = Vec::new();
        for t in raw::tables(cx, top, "task") {
            let task = self.task(cx, &t);
            if let (Some(v), Some((start, _))) = (t.get("started"), range) {
                items::check_started(cx, &task, (v.span(), &t.sub("started")), start, &program);
            }
            tasks.push(task);
            self.inside(cx, &t);
        }
        let mut risks = Vec::new();
        for t in raw::tables(cx, top, "risk") {
            risks.push(self.risk(cx, &t));
            self.inside(cx, &t);
        }
        let mut plants = Vec::new();
        for t in raw::tables(cx, top, "plant") {
            plants.push(self.plant(cx, &t));
            self.inside(cx, &t);
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
            includes.extend(self.include(cx, t, i));
        }

        let ix = self.x.index();
        self.x.check_ids(cx, &ix);
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
        let hits = self.x.check_refs(cx, &ix);
        self.x.check_cycles(cx, &tasks, &hits);
        if let Some((start, horizon)) = range {
            self.x.check_dates(cx, start, horizon);
        }
        self.x.check_correlations(cx, &ix, &tasks, &plants);
        drop(ix);
        // Settings apply in the order written (the TOML table itself is sorted by key).
        self.sets.sort_by_key(|e| e.key_span.start);
        self.read_sets(cx, &mut scenarios, &risks, range);
        let mut model = Model {
            program,
            tasks,
            risks,
            plants,
            promises,
            scenarios,
            correlations,
            includes,
            calendars,
            references: std::mem::take(&mut cx.references),
            thin_references: std::mem::take(&mut cx.thin_references),
        };
        references::label_uses(&mut model);
        model
    }

    /// An item read from table `t`; a task's `kind` gives its index in the tasks.
    fn item(&mut self, id: &str, span: &Span, t: &Tab<'_, '_>, kind: Kind, task: Option<usize>) {
        self.x.items.push(Item {
            id: id.to_string(),
            span: Some(span.clone()),
            path: t.sub("id"),
            kind,
            task,
        });
    }
}

/// `s`, the value of an `[[include]]`'s `path`, unless it is empty or blank (reported).
fn non_empty(cx: &mut Cx<'_>, v: &Val<'_>, path: &str, s: String) -> Option<String> {
    if s.trim().is_empty() {
        cx.report_kind(
            Some(v.span()),
            path,
            &ProblemKind::EmptyIncludeKey { key: path },
        );
        return None;
    }
    Some(s)
}
