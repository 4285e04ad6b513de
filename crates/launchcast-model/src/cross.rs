//! Checks across items, shared by reading a file (`validate.rs`, which knows spans) and
//! checking a model built in code (`check.rs`, key paths only), so both give the same
//! messages: id shapes and duplicates, references (with `[[include]]` prefixes), cycles,
//! dates within the program, the targets of scenario settings, includes and correlations.

use std::collections::{HashMap, HashSet};

use crate::correlate::{RawGroup, blame, build_groups, short};
use crate::errors::nearest;
use crate::grammar::{fmt_num, valid_id, valid_ref_id};
use crate::raw::{Cx, Span, leaf};
use crate::scenario::{PLANT_FIELDS, PROGRAM_FIELDS, Slot, TASK_FIELDS, risk_fields};
use crate::{Date, Dist, Plant, Quantity, Risk, Task};

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
    pub path: String,
    pub want: Want,
}

/// A link of the task graph, for cycle detection.
pub(crate) struct Edge {
    pub to: String,
    pub span: Option<Span>,
    pub path: String,
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
    /// Per task (indexed like the tasks), its links.
    pub edges: Vec<Vec<Edge>>,
    /// Dates that must lie within start..=horizon.
    pub dates: Vec<(Date, Option<Span>, String)>,
    pub years: Vec<(i64, Option<Span>, String)>,
    /// `[[include]]` prefixes: (prefix, span, key path).
    pub prefixes: Vec<(String, Option<Span>, String)>,
    pub correlate: Vec<CorrEntry>,
    /// Task ids may be `prefix/id` (a model built in code with included tasks merged).
    pub merged_ids: bool,
}

/// Lookups over the items, built once the items are known.
pub(crate) struct Index<'x> {
    kinds: HashMap<&'x str, Kind>,
    task_ids: Vec<&'x str>,
    all_ids: Vec<&'x str>,
    correlatable_ids: Vec<&'x str>,
    declared: Vec<&'x str>,
    /// Prefixes of task ids with a `/`: includes whose tasks are merged.
    merged: HashSet<&'x str>,
}

impl Cross {
    pub fn index(&self) -> Index<'_> {
        let mut kinds = HashMap::new();
        for it in &self.items {
            kinds.entry(it.id.as_str()).or_insert(it.kind);
        }
        let ids = |f: &dyn Fn(Kind) -> bool| -> Vec<&str> {
            self.items
                .iter()
                .filter(|it| f(it.kind))
                .map(|it| it.id.as_str())
                .collect()
        };
        Index {
            task_ids: ids(&|k| k == Kind::Task),
            all_ids: ids(&|_| true),
            correlatable_ids: ids(&|k| k != Kind::Risk),
            kinds,
            declared: self.prefixes.iter().map(|(p, _, _)| p.as_str()).collect(),
            merged: self
                .items
                .iter()
                .filter(|it| it.kind == Kind::Task)
                .filter_map(|it| it.id.split_once('/').map(|(p, _)| p))
                .collect(),
        }
    }

    /// Id shape, reserved ids and duplicates in the shared task/risk/plant namespace.
    pub fn check_ids(&self, cx: &mut Cx<'_>) {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for it in &self.items {
            let (id, span, path) = (&it.id, &it.span, &it.path);
            if self.merged_ids && it.kind == Kind::Task && id.contains('/') {
                if !valid_ref_id(id) {
                    cx.report_at(
                        span.clone(),
                        path,
                        "invalid id",
                        format!("id `{id}` must match [a-z0-9_]+(/[A-Za-z0-9_.-]+)*"),
                        "an included task's id is its include's prefix, `/`, and its id of letters, digits, _ . and -",
                        Vec::new(),
                    );
                }
            } else {
                check_id_shape(cx, id, span, path);
            }
            if id == "program" {
                cx.report_at(
                    span.clone(),
                    path,
                    "reserved",
                    "id `program` is reserved (scenario settings use `program.field`)".into(),
                    "choose another id",
                    Vec::new(),
                );
            }
            if let Some(first) = seen.get(id.as_str()) {
                cx.report_at(
                    span.clone(),
                    path,
                    "duplicate id",
                    format!("duplicate id `{id}`: already used by {first}"),
                    "tasks, risks and plants share one namespace: give each a unique id",
                    Vec::new(),
                );
            } else {
                seen.insert(id, path.trim_end_matches(".id"));
            }
        }
    }

    /// `[[include]]` prefixes: shape and duplicates.
    pub fn check_includes(&self, cx: &mut Cx<'_>) {
        let mut seen: HashMap<&str, &str> = HashMap::new();
        for (prefix, span, path) in &self.prefixes {
            if !valid_id(prefix) {
                let fixed = fixed_id(prefix);
                cx.report_at(
                    span.clone(),
                    path,
                    "invalid prefix",
                    format!("include prefix `{prefix}` must match [a-z0-9_]+"),
                    format!("use lowercase letters, digits and _, e.g. `{fixed}`"),
                    Vec::new(),
                );
            }
            if let Some(first) = seen.get(prefix.as_str()) {
                cx.report_at(
                    span.clone(),
                    path,
                    "duplicate prefix",
                    format!("duplicate include prefix `{prefix}`: already used by {first}"),
                    "give each include its own prefix: its tasks are named prefix/id",
                    Vec::new(),
                );
            } else {
                seen.insert(prefix, path.trim_end_matches(".prefix"));
            }
        }
    }

    pub fn check_refs(&self, cx: &mut Cx<'_>, ix: &Index<'_>) {
        for r in &self.refs {
            if let Err(m) = ix.resolve(&r.target, r.want) {
                cx.report_at(
                    r.span.clone(),
                    &r.path,
                    m.label,
                    m.message,
                    m.help,
                    Vec::new(),
                );
            }
        }
    }

    /// Tasks listing themselves, and cycles over after / after_any / after_failure.
    pub fn check_cycles(&self, cx: &mut Cx<'_>, tasks: &[Task]) {
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
                    cx.report_at(
                        e.span.clone(),
                        &e.path,
                        "lists itself",
                        format!("task `{}` lists itself in `{}`", task.id, leaf(&e.path)),
                        "remove it: a task cannot wait on itself",
                        Vec::new(),
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
                            cx.report_at(
                                edge.span.clone(),
                                &edge.path,
                                "closes a cycle",
                                format!("tasks wait on each other in a cycle: {} (each waits on the next)", names.join(" → ")),
                                "remove or reverse one of these links",
                                Vec::new(),
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

    pub fn check_dates(&self, cx: &mut Cx<'_>, start: Date, horizon: Date) {
        for (d, span, path) in &self.dates {
            if *d < start || *d > horizon {
                cx.report_at(
                    span.clone(),
                    path,
                    "outside start..horizon",
                    format!(
                        "`{}` = {d} is outside the program, {start} to {horizon}",
                        leaf(path)
                    ),
                    "use a date between program.start and program.horizon, or move them",
                    Vec::new(),
                );
            }
        }
        for (y, span, path) in &self.years {
            if *y < i64::from(start.year()) || *y > i64::from(horizon.year()) {
                cx.report_at(
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
                    Vec::new(),
                );
            }
        }
    }

    /// Every `[[correlate]]` entry: at least two items, each once, each an uncertain task or
    /// plant; rho in [-1, 1]; a pair given twice only with one value; then, if all entries
    /// are sound, every connected group's matrix positive definite.
    pub fn check_correlations(
        &self,
        cx: &mut Cx<'_>,
        ix: &Index<'_>,
        tasks: &[Task],
        plants: &[Plant],
    ) {
        if self.correlate.is_empty() {
            return;
        }
        let before = cx.count();
        let task_at: HashMap<&str, &Task> =
            tasks.iter().rev().map(|t| (t.id.as_str(), t)).collect();
        let plant_at: HashMap<&str, &Plant> =
            plants.iter().rev().map(|p| (p.id.as_str(), p)).collect();
        let mut sound = true;
        for e in &self.correlate {
            let items_path = format!("{}.items", e.path);
            if e.items_read && e.items.len() < 2 {
                sound = false;
                let n = e.items.len();
                cx.report_at(
                    e.items_span.clone(),
                    &items_path,
                    "fewer than 2 items",
                    format!(
                        "`{items_path}` lists {n} item{}: a correlation needs at least 2",
                        if n == 1 { "" } else { "s" }
                    ),
                    "list two or more task or plant ids, e.g. items = [\"plant_build\", \"phase2_build\"]",
                    Vec::new(),
                );
            }
            let mut seen: HashMap<&str, &str> = HashMap::new();
            for (id, span, path) in &e.items {
                if let Some(first) = seen.get(id.as_str()) {
                    sound = false;
                    cx.report_at(
                        span.clone(),
                        path,
                        "listed twice",
                        format!("`{id}` is listed twice in `{items_path}` (first as {first})"),
                        "list each item once",
                        Vec::new(),
                    );
                    continue;
                }
                seen.insert(id, path);
                match ix.resolve(id, Want::Correlatable) {
                    Err(m) => {
                        sound = false;
                        cx.report_at(span.clone(), path, m.label, m.message, m.help, Vec::new());
                    }
                    Ok(Found::Included) => {}
                    Ok(Found::Is(kind)) => {
                        let fixed = match kind {
                            Kind::Task => task_at
                                .get(id.as_str())
                                .filter(|t| t.duration.is_fixed())
                                .map(|t| ("duration", &t.duration)),
                            _ => plant_at
                                .get(id.as_str())
                                .filter(|p| p.ramp.is_fixed())
                                .map(|p| ("ramp", &p.ramp)),
                        };
                        if let Some((what, d)) = fixed {
                            sound = false;
                            let text = d.display(Quantity::Duration).to_string();
                            let x = d.most_likely();
                            let eg = Dist::Triangular {
                                min: x * 0.8,
                                mode: x,
                                max: x * 1.5,
                            }
                            .display(Quantity::Duration)
                            .to_string();
                            cx.report_at(
                                span.clone(),
                                path,
                                "fixed",
                                format!("`{id}` has a fixed {what} (`{text}`): a value that never varies cannot be correlated"),
                                format!("give `{id}` an uncertain {what}, e.g. {what} = \"{eg}\", or remove it from `{items_path}`"),
                                Vec::new(),
                            );
                        }
                    }
                }
            }
            if let Some(r) = e.rho
                && !(-1.0..=1.0).contains(&r)
            {
                sound = false;
                cx.report_at(
                    e.rho_span.clone(),
                    &format!("{}.rho", e.path),
                    "outside [-1, 1]",
                    format!("`rho` = `{}` is outside [-1, 1]", e.rho_text),
                    "a rank correlation between -1 and 1, e.g. rho = 0.6",
                    Vec::new(),
                );
            }
            if e.rho.is_none() {
                sound = false;
            }
        }
        // A pair given twice must have one value.
        let mut pairs: HashMap<(&str, &str), usize> = HashMap::new();
        for (k, e) in self.correlate.iter().enumerate() {
            let Some(rho) = e.rho.filter(|r| (-1.0..=1.0).contains(r)) else {
                continue;
            };
            for (x, (a, _, _)) in e.items.iter().enumerate() {
                for (b, _, _) in e.items.iter().skip(x + 1) {
                    if a == b {
                        continue;
                    }
                    let key = if a < b {
                        (a.as_str(), b.as_str())
                    } else {
                        (b.as_str(), a.as_str())
                    };
                    let Some(&first) = pairs.get(&key) else {
                        pairs.insert(key, k);
                        continue;
                    };
                    let Some(f) = self.correlate.get(first) else {
                        continue;
                    };
                    if f.rho == Some(rho) {
                        continue;
                    }
                    sound = false;
                    let there = self.place(cx, &f.rho_span, &f.path);
                    let related = f
                        .rho_span
                        .clone()
                        .map(|s| vec![(s, format!("{} = {} here", key_text(key), f.rho_text))])
                        .unwrap_or_default();
                    cx.report_at(
                        e.rho_span.clone(),
                        &format!("{}.rho", e.path),
                        "second value",
                        format!(
                            "the pair `{}` and `{}` has two correlations: {} in {} and {} in {}",
                            key.0, key.1, f.rho_text, f.path, e.rho_text, e.path
                        ),
                        format!("give the pair one value: change or remove one of them ({} is at {there})", f.path),
                        related,
                    );
                    // One report per pair.
                    pairs.insert(key, k);
                }
            }
        }
        if !sound || cx.count() > before {
            return;
        }
        let lists: Vec<Vec<String>> = self
            .correlate
            .iter()
            .map(|e| e.items.iter().map(|(id, _, _)| id.clone()).collect())
            .collect();
        let entries: Vec<(&[String], f64)> = lists
            .iter()
            .zip(&self.correlate)
            .map(|(l, e)| (l.as_slice(), e.rho.unwrap_or(0.0)))
            .collect();
        for g in build_groups(&entries) {
            if !g.is_consistent() {
                self.report_not_definite(cx, &g);
            }
        }
    }

    /// Where the entry is, for messages: `line L, column C` or, without a source, its path.
    fn place(&self, cx: &Cx<'_>, span: &Option<Span>, path: &str) -> String {
        span.as_ref()
            .and_then(|s| cx.place(s))
            .unwrap_or_else(|| path.to_string())
    }

    fn report_not_definite(&self, cx: &mut Cx<'_>, g: &RawGroup) {
        let b = blame(g);
        let Some(&(i, j, entry)) = g.pairs.get(b.pair) else {
            return;
        };
        let Some(e) = self.correlate.get(entry) else {
            return;
        };
        let name = |k: usize| g.names.get(k).map_or("", String::as_str);
        let (a, c) = (name(j), name(i));
        let mut names: Vec<String> = g.names.iter().take(6).map(|n| format!("`{n}`")).collect();
        if g.len() > 6 {
            names.push(format!("… ({} items)", g.len()));
        }
        let rho = g.at(i, j);
        let message = format!(
            "the correlations among {} are inconsistent (the matrix of their normal scores, 2·sin(π·rho/6), is not positive definite): change rho = {} of `{a}` and `{c}` in {}",
            names.join(", "),
            short(rho, 4),
            e.path
        );
        let split = if e.items.len() > 2 {
            format!(
                " ({} gives all {} pairs of its items this value: split it to change this pair alone)",
                e.path,
                e.items.len() * (e.items.len() - 1) / 2
            )
        } else {
            String::new()
        };
        let fix = match b.fix {
            // Bounds strictly inside the open interval, so that every value shown works.
            Some((lo, hi, v)) => format!(
                "set rho of `{a}` and `{c}` to a value from {} to {}, e.g. {}: the smallest single change that makes the matrix positive definite{split}",
                short((lo * 1000.0).floor() / 1000.0 + 0.001, 3),
                short((hi * 1000.0).ceil() / 1000.0 - 0.001, 3),
                short(v, 4)
            ),
            None => format!(
                "no single value fixes it: reduce several correlations, starting with `{a}` and `{c}` (the largest in the first row that fails)"
            ),
        };
        let involved: Vec<String> = g
            .entries
            .iter()
            .take(10)
            .filter_map(|&k| self.correlate.get(k))
            .map(|x| {
                let at = x.items_span.as_ref().and_then(|s| cx.place(s));
                match at {
                    Some(at) => format!("{} ({at})", x.path),
                    None => x.path.clone(),
                }
            })
            .collect();
        let more = if g.entries.len() > 10 {
            format!(" and {} more", g.entries.len() - 10)
        } else {
            String::new()
        };
        let related = g
            .entries
            .iter()
            .filter(|&&k| k != entry)
            .filter_map(|&k| self.correlate.get(k))
            .filter_map(|x| {
                x.items_span
                    .clone()
                    .map(|s| (s, format!("{} (rho = {})", x.path, x.rho_text)))
            })
            .collect();
        cx.report_at(
            e.rho_span.clone(),
            &format!("{}.rho", e.path),
            "not positive definite",
            message,
            format!("{fix}; entries involved: {}{more}", involved.join(", ")),
            related,
        );
    }
}

fn key_text(key: (&str, &str)) -> String {
    format!("rho(`{}`, `{}`)", key.0, key.1)
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
        let help = if id.contains('/') {
            format!(
                "ids with `/` name the tasks of an [[include]] and are only referred to, never defined; use lowercase letters, digits and _, e.g. `{}`",
                fixed_id(id)
            )
        } else {
            format!(
                "use lowercase letters, digits and _, e.g. `{}`",
                fixed_id(id)
            )
        };
        cx.report_at(
            span.clone(),
            path,
            "invalid id",
            format!("id `{id}` must match [a-z0-9_]+"),
            help,
            Vec::new(),
        );
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
            cx.report_at(
                span.clone(),
                path,
                "reserved",
                "scenario id `base` is reserved for the model as written".into(),
                "choose another id",
                Vec::new(),
            );
        }
        if let Some(first) = seen.get(id) {
            cx.report_at(
                span.clone(),
                path,
                "duplicate id",
                format!("duplicate {what} id `{id}`: already used by {first}"),
                format!("give each {what} a unique id"),
                Vec::new(),
            );
        } else {
            seen.insert(id, path.trim_end_matches(".id").to_string());
        }
    }
}

impl Index<'_> {
    /// Resolves a reference: an item of the wanted kind, or a task of an include whose tasks
    /// are not merged yet (accepted unchecked).
    pub fn resolve(&self, target: &str, want: Want) -> Result<Found, Miss> {
        let what = match want {
            Want::Task => "task",
            Want::Item => "task, risk or plant",
            Want::Correlatable => "task or plant",
        };
        if let Some((prefix, _)) = target.split_once('/') {
            if !valid_ref_id(target) {
                return Err(Miss {
                    label: "invalid id",
                    message: format!("`{target}` is not a valid id of an included task"),
                    help: "write prefix/id: the include's prefix, `/`, and the task's id as imported (letters, digits, _ . -)".into(),
                });
            }
            let declared = self.declared.contains(&prefix);
            let merged = self.merged.contains(prefix);
            if declared && !merged {
                return Ok(Found::Included);
            }
            if !declared && !merged && !self.kinds.contains_key(target) {
                let rest = target.get(prefix.len()..).unwrap_or("");
                let help = match nearest(prefix, self.declared.iter().copied()) {
                    Some(p) => format!("did you mean `{p}{rest}`?"),
                    None if self.declared.is_empty() => format!(
                        "refer to another schedule's tasks by declaring it: [[include]] file = \"schedule.xer\", prefix = \"{prefix}\""
                    ),
                    None => format!("declared include prefixes: {}", self.declared.join(", ")),
                };
                return Err(Miss {
                    label: "unknown prefix",
                    message: format!("unknown include prefix `{prefix}` in `{target}`"),
                    help,
                });
            }
        }
        match (self.kinds.get(target), want) {
            (Some(Kind::Task), _)
            | (Some(Kind::Risk | Kind::Plant), Want::Item)
            | (Some(Kind::Plant), Want::Correlatable) => {
                return Ok(Found::Is(
                    self.kinds.get(target).copied().unwrap_or(Kind::Task),
                ));
            }
            _ => {}
        }
        if want == Want::Correlatable && self.kinds.get(target) == Some(&Kind::Risk) {
            return Err(Miss {
                label: "a risk",
                message: format!("`{target}` is a risk, not a task or plant"),
                help: "only tasks (their duration) and plants (their ramp) can be correlated; a risk's impact is drawn once for all its tasks".into(),
            });
        }
        let candidates = match want {
            Want::Task => &self.task_ids,
            Want::Item => &self.all_ids,
            Want::Correlatable => &self.correlatable_ids,
        };
        let kind = self.kinds.get(target).copied();
        let help = match (
            lag_split(target, &self.kinds),
            nearest(target, candidates.iter().copied()),
        ) {
            (Some((id, lag)), _) => format!(
                "after an included task's id, a negative lag needs the link type: `{id}:FS{lag}`"
            ),
            (None, Some(c)) => format!("did you mean `{c}`?"),
            (None, None) if kind.is_some() => format!("`{target}` is a risk or plant, not a task"),
            (None, None) => format!("use the id of a {what} defined in this file"),
        };
        Err(Miss {
            label: "unknown id",
            message: format!("unknown {what} id `{target}`"),
            help,
        })
    }

    /// The fields a scenario may set on `item` (`program`, a task, risk or plant, or a task
    /// of an include not merged yet). `key` is the whole setting, for messages.
    pub fn setting_fields(
        &self,
        item: &str,
        key: &str,
        risks: &[Risk],
    ) -> Result<Vec<(&'static str, Slot)>, Miss> {
        if item == "program" {
            return Ok(PROGRAM_FIELDS.to_vec());
        }
        match self.kinds.get(item) {
            Some(Kind::Task) => return Ok(TASK_FIELDS.to_vec()),
            Some(Kind::Risk) => {
                if let Some(r) = risks.iter().find(|r| r.id == item) {
                    return Ok(risk_fields(&r.impact));
                }
            }
            Some(Kind::Plant) => return Ok(PLANT_FIELDS.to_vec()),
            None => {}
        }
        if item.contains('/') {
            return match self.resolve(item, Want::Item) {
                Ok(_) => Ok(TASK_FIELDS.to_vec()),
                Err(m) if m.label == "unknown id" => Err(Miss {
                    message: format!("scenario setting `{key}`: unknown item `{item}`"),
                    ..m
                }),
                Err(m) => Err(m),
            };
        }
        let ids = self.all_ids.iter().copied().chain(["program"]);
        let help = nearest(item, ids).map_or(
            "use `program` or the id of a task, risk or plant".to_string(),
            |c| format!("did you mean `{c}`?"),
        );
        Err(Miss {
            label: "unknown id",
            message: format!("scenario setting `{key}`: unknown item `{item}`"),
            help,
        })
    }
}

/// A scenario setting key split into item and field: `own_licence.chance`, or for an
/// included task (whose id may contain `.`) at the last dot: `plant/a1.2.duration`.
pub(crate) fn split_setting(key: &str) -> Option<(&str, &str)> {
    if key.contains('/') {
        key.rsplit_once('.')
    } else {
        key.split_once('.')
    }
}

impl Index<'_> {
    /// What a scenario setting `key` sets: the item, the field and the kind of value.
    pub fn setting_slot<'k>(
        &self,
        key: &'k str,
        risks: &[Risk],
    ) -> Result<(&'k str, &'k str, Slot), Miss> {
        let Some((item, field)) = split_setting(key) else {
            return Err(Miss {
                label: "expected item.field",
                message: format!("scenario setting `{key}` names no field"),
                help:
                    "write \"item.field\", e.g. \"own_licence.chance\" or \"program.delivery_lag\""
                        .into(),
            });
        };
        let slot = self.slot_of(item, field, key, risks)?;
        Ok((item, field, slot))
    }

    /// What kind of value scenario setting `key` (= `item.field`) takes.
    pub fn slot_of(
        &self,
        item: &str,
        field: &str,
        key: &str,
        risks: &[Risk],
    ) -> Result<Slot, Miss> {
        let fields = self.setting_fields(item, key, risks)?;
        if let Some(slot) = fields.iter().find(|(f, _)| *f == field).map(|(_, s)| *s) {
            return Ok(slot);
        }
        let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
        let mean = nearest(field, names.iter().copied())
            .map_or(String::new(), |c| format!("did you mean `{c}`? "));
        let risk_note = if self.kinds.get(item) == Some(&Kind::Risk)
            && (field == "delay" || field == "scale")
        {
            format!("`{item}` is a risk of another kind; ")
        } else {
            String::new()
        };
        Err(Miss {
            label: "not settable",
            message: format!("scenario setting `{key}`: `{field}` cannot be set on `{item}`"),
            help: format!("{mean}{risk_note}settable here: {}", names.join(", ")),
        })
    }
}

/// `plant/a-5d` → (`plant/a`, `-5d`) if `plant/a` is a task and `-5d` a lag.
fn lag_split<'t>(target: &'t str, kinds: &HashMap<&str, Kind>) -> Option<(&'t str, &'t str)> {
    let cut = target.rfind('-')?;
    let (id, lag) = (target.get(..cut)?, target.get(cut..)?);
    let is_lag = matches!(Dist::parse(lag, Quantity::Lag), Ok(Dist::Fixed(_)));
    (is_lag && kinds.get(id) == Some(&Kind::Task)).then_some((id, lag))
}

/// A number as written in a message about a model built in code.
pub(crate) fn num_text(x: f64) -> String {
    fmt_num(x)
}
