//! Checks across items, shared by reading a file (`read`, which knows spans) and
//! validating a model built in code (`validate`, key paths only), so both give the same
//! messages: id shapes and duplicates, references (with `[[include]]` prefixes), cycles,
//! dates within the program, the targets of scenario settings, includes and correlations.

use std::collections::{HashMap, HashSet};

use crate::grammar::{fmt_num, valid_id, valid_ref_id};
use crate::kind::ProblemKind;
use crate::raw::{Cx, Span};

mod correlations;
mod settings;

use crate::idhash::{IdHash, IdMap, id_map};
use crate::{Date, Task};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Task,
    Risk,
    Plant,
}

/// A task, risk or plant id where it is defined.
pub(crate) struct Item {
    pub id: String,
    pub span: Option<Span>,
    pub path: String,
    pub kind: Kind,
    /// A task's index in the model's tasks; `None` for a risk or plant.
    pub task: Option<usize>,
}

/// What a reference may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    Task,
    /// A task, risk or plant (scenario `disable`).
    Item,
    /// A task or a plant (`[[correlate]]` items).
    Correlatable,
}

/// One reference to an id, checked once every item is known.
pub(crate) struct Ref {
    pub target: String,
    pub span: Option<Span>,
    pub path: KeyPath,
    pub want: Want,
}

/// The key path of a reference, written out only for a problem: a link's
/// (`task[3].after[1]`) from the task's table path ([`Cross::task_paths`]), the key and
/// the index, so that reading a link allocates no path.
pub(crate) enum KeyPath {
    Text(String),
    Link {
        /// The task, as an index into [`Cross::task_paths`].
        task: usize,
        key: &'static str,
        /// The index in the list as written.
        k: usize,
    },
}

impl From<String> for KeyPath {
    fn from(path: String) -> KeyPath {
        KeyPath::Text(path)
    }
}

/// One `[[correlate]]` entry as read.
pub(crate) struct CorrEntry {
    /// `correlate[i]`.
    pub path: String,
    /// (id, span, key path) of each item.
    pub items: Vec<(String, Option<Span>, String)>,
    /// The `items` value was a list (so `items` is what it says).
    pub items_read: bool,
    /// The `items` value.
    pub items_span: Option<Span>,
    /// `None` if missing or unreadable (already reported).
    pub rho: Option<f64>,
    pub rho_span: Option<Span>,
    /// The value as written, for messages.
    pub rho_text: String,
}

/// How a reference resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    /// An item of the model, of this kind.
    Is(Kind),
    /// A task of an `[[include]]` whose tasks are not merged yet: accepted unchecked.
    Included,
}

/// Why a reference did not resolve: a label, the message and a hint.
pub(crate) struct Miss {
    pub label: &'static str,
    pub message: String,
    pub help: String,
}

/// Everything gathered for the checks across items.
#[derive(Default)]
pub(crate) struct Cross {
    pub items: Vec<Item>,
    pub refs: Vec<Ref>,
    /// Each task's table path (`task[3]`), indexed like the tasks.
    pub task_paths: Vec<String>,
    /// The links of the task graph, for cycle detection: (task, its reference in `refs`),
    /// in task order.
    pub edges: Vec<(usize, usize)>,
    /// Dates that must lie within start..=horizon.
    pub dates: Vec<(Date, Option<Span>, String)>,
    pub years: Vec<(i64, Option<Span>, String)>,
    /// `[[include]]` prefixes: (prefix, span, key path).
    pub prefixes: Vec<(String, Option<Span>, String)>,
    pub correlate: Vec<CorrEntry>,
    /// Task ids may be `prefix/id` (a model built in code with included tasks merged).
    pub merged_ids: bool,
    /// Every include is merged: a `prefix/id` reference must name a task of the model.
    pub includes_merged: bool,
}

/// Lookups over the items, built once the items are known.
pub(crate) struct Index<'x> {
    /// Each id's first item, as an index into `items`: the one map of ids, for duplicates,
    /// references and the task graph alike.
    first: IdMap<&'x str, usize>,
    /// Every item, for suggestions (gathered only when a reference does not resolve).
    items: &'x [Item],
    declared: Vec<&'x str>,
    /// Prefixes of task ids with a `/`: includes whose tasks are merged.
    merged: HashSet<&'x str, IdHash>,
    /// A reference into a declared include that no task carries is accepted unchecked.
    pending: bool,
}

impl Cross {
    pub(crate) fn index(&self) -> Index<'_> {
        let mut first = id_map(self.items.len());
        for (i, it) in self.items.iter().enumerate() {
            first.entry(it.id.as_str()).or_insert(i);
        }
        Index {
            items: &self.items,
            first,
            declared: self.prefixes.iter().map(|(p, _, _)| p.as_str()).collect(),
            merged: self
                .items
                .iter()
                .filter(|it| it.kind == Kind::Task)
                .filter_map(|it| it.id.split_once('/').map(|(p, _)| p))
                .collect(),
            pending: !self.includes_merged,
        }
    }

    /// Id shape, reserved ids and duplicates in the shared task/risk/plant namespace.
    pub(crate) fn check_ids(&self, cx: &mut Cx<'_>, ix: &Index<'_>) {
        for (i, it) in self.items.iter().enumerate() {
            let (id, span, path) = (&it.id, &it.span, &it.path);
            if self.merged_ids && it.kind == Kind::Task && id.contains('/') {
                if !valid_ref_id(id) {
                    cx.report_kind(span.clone(), path, &ProblemKind::InvalidIncludedId(id));
                }
            } else {
                check_id_shape(cx, id, span, path);
            }
            if id == "program" {
                cx.report_kind(span.clone(), path, &ProblemKind::ReservedProgramId);
            }
            if let Some(first) = ix.first_item(id).filter(|(f, _)| *f != i) {
                let first = first.1.path.trim_end_matches(".id");
                let kind = ProblemKind::DuplicateId { id, first };
                cx.report_kind(span.clone(), path, &kind);
            }
        }
    }

    /// `[[include]]` prefixes: shape and duplicates.
    pub(crate) fn check_includes(&self, cx: &mut Cx<'_>) {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (prefix, span, path) in &self.prefixes {
            if !valid_id(prefix) {
                let fixed = fixed_id(prefix);
                let kind = ProblemKind::InvalidPrefix {
                    prefix,
                    fixed: &fixed,
                };
                cx.report_kind(span.clone(), path, &kind);
            }
            if let Some(first) = seen.get(prefix.as_str()) {
                let kind = ProblemKind::DuplicatePrefix { prefix, first };
                cx.report_kind(span.clone(), path, &kind);
            } else {
                seen.insert(prefix, path.trim_end_matches(".prefix"));
            }
        }
    }

    /// Every reference resolves. Gives, per reference, the first item of the id it names
    /// (whether it resolves or not), for [`Cross::check_cycles`].
    pub(crate) fn check_refs(&self, cx: &mut Cx<'_>, ix: &Index<'_>) -> Vec<Option<usize>> {
        let mut hits = Vec::with_capacity(self.refs.len());
        for r in &self.refs {
            let hit = ix.first_item(&r.target);
            hits.push(hit.map(|(i, _)| i));
            if let Err(m) = ix.resolve_hit(&r.target, r.want, hit.map(|(_, it)| it.kind)) {
                cx.report_at(
                    r.span.clone(),
                    &self.path(&r.path),
                    m.label,
                    m.message,
                    m.help,
                    Vec::new(),
                );
            }
        }
        hits
    }

    /// Tasks listing themselves, and cycles over after / after_any / after_failure.
    /// `hits` is what [`Cross::check_refs`] found for each reference: a link's target is the
    /// first task of its id (a task that lacks an id has the id `""`).
    pub(crate) fn check_cycles(&self, cx: &mut Cx<'_>, tasks: &[Task], hits: &[Option<usize>]) {
        let unnamed = tasks.iter().position(|t| t.id.is_empty());
        // The first item of a non-empty task id is its first task: items list tasks first,
        // and every task with a non-empty id is an item.
        let task_of = |r: usize, target: &str| -> Option<usize> {
            if target.is_empty() {
                return unnamed;
            }
            let it = self.items.get((*hits.get(r)?)?)?;
            it.task
        };
        // Adjacency in one array: task i's predecessors (index, reference) are
        // `adj[start[i]..start[i + 1]]`.
        let mut start = Vec::with_capacity(tasks.len() + 1);
        let mut adj: Vec<(usize, &Ref)> = Vec::with_capacity(self.edges.len());
        let mut edges = self.edges.iter().peekable();
        for (i, task) in tasks.iter().enumerate() {
            start.push(adj.len());
            while let Some((_, r)) = edges.next_if(|(t, _)| *t == i) {
                let Some(e) = self.refs.get(*r) else {
                    continue;
                };
                let target = task_of(*r, &e.target);
                if e.target == task.id && !task.id.is_empty() {
                    let path = self.path(&e.path);
                    let kind = ProblemKind::ListsItself {
                        task: &task.id,
                        key: &path,
                    };
                    cx.report_kind(e.span.clone(), &path, &kind);
                } else if let Some(j) = target {
                    adj.push((j, e));
                }
            }
        }
        start.push(adj.len());
        let adj_of = |node: usize| -> &[(usize, &Ref)] {
            let (Some(&a), Some(&b)) = (start.get(node), start.get(node + 1)) else {
                return &[];
            };
            adj.get(a..b).unwrap_or(&[])
        };
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
                match adj_of(node).get(next) {
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
                            let names = names.join(" → ");
                            let kind = ProblemKind::Cycle(&names);
                            cx.report_kind(edge.span.clone(), &self.path(&edge.path), &kind);
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

    /// `path` written out.
    pub(crate) fn path(&self, path: &KeyPath) -> String {
        match path {
            KeyPath::Text(p) => p.clone(),
            KeyPath::Link { task, key, k } => {
                let table = self.task_paths.get(*task).map_or("", String::as_str);
                format!("{table}.{key}[{k}]")
            }
        }
    }

    pub(crate) fn check_dates(&self, cx: &mut Cx<'_>, start: Date, horizon: Date) {
        for (d, span, path) in &self.dates {
            if *d < start || *d > horizon {
                let kind = ProblemKind::DateOutsideProgram {
                    key: path,
                    date: *d,
                    start,
                    horizon,
                    item: true,
                };
                cx.report_kind(span.clone(), path, &kind);
            }
        }
        for (y, span, path) in &self.years {
            if *y < i64::from(start.year()) || *y > i64::from(horizon.year()) {
                let kind = ProblemKind::YearOutsideProgram {
                    key: path,
                    year: *y,
                    start: start.year(),
                    horizon: horizon.year(),
                };
                cx.report_kind(span.clone(), path, &kind);
            }
        }
    }
}
/// A suggestion for an id that is not `[a-z0-9_]+`.
fn fixed_id(id: &str) -> String {
    let fixed: String = id
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if fixed.is_empty() {
        "my_id".to_string()
    } else {
        fixed
    }
}

pub(crate) fn check_id_shape(cx: &mut Cx<'_>, id: &str, span: &Option<Span>, path: &str) {
    if !valid_id(id) {
        let fixed = fixed_id(id);
        let kind = ProblemKind::InvalidId { id, fixed: &fixed };
        cx.report_kind(span.clone(), path, &kind);
    }
}

/// Ids of promises or scenarios: shape, reserved `base`, and duplicates within their kind.
pub(crate) fn check_own_namespace(
    cx: &mut Cx<'_>,
    ids: &[(&str, Option<Span>, String)],
    what: &str,
) {
    let mut seen: HashMap<&str, String> = HashMap::new();
    for (id, span, path) in ids {
        check_id_shape(cx, id, span, path);
        if what == "scenario" && *id == "base" {
            cx.report_kind(span.clone(), path, &ProblemKind::ReservedBaseScenario);
        }
        if let Some(first) = seen.get(id) {
            let kind = ProblemKind::DuplicateOwnId { what, id, first };
            cx.report_kind(span.clone(), path, &kind);
        } else {
            seen.insert(id, path.trim_end_matches(".id").to_string());
        }
    }
}

/// A number as written in a message about a model built in code.
pub(crate) fn num_text(x: f64) -> String {
    fmt_num(x)
}
