//! `[[include]]`: merging the schedules a program model names into it ([`load_model`],
//! whose documentation gives the rules).

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use launchcast_model::{
    Date, Include, InvalidModel, Model, ModelError, NO_CALENDAR, ReadModel, SourceMap, ValidModel,
    Written, line_column,
};

use crate::uncertainty::{Applied, Rules, RulesError};
use crate::{ImportError, Place};

/// The model file as read, for errors located by line and column.
#[derive(Clone, Copy, Debug)]
pub struct ModelSource<'a> {
    /// The file name as it appears in messages.
    pub name: &'a str,
    /// The file's text.
    pub text: &'a str,
    /// Where each value is in `text` ([`launchcast_model::ReadModel::parse_mapping_includes`]
    /// gives it).
    pub map: &'a SourceMap,
}

/// What one `[[include]]` brought in.
#[derive(Clone, Debug, PartialEq)]
pub struct Included {
    /// The include's `prefix`: its tasks are `<prefix>/<task id>`.
    pub prefix: String,
    /// The schedule file as read (the model file's directory joined with `file`).
    pub path: PathBuf,
    /// The schedule format's name (`XER`, `MSPDI`, …).
    pub format: &'static str,
    /// Tasks merged (the schedule's leaf tasks, milestones included).
    pub tasks: usize,
    /// Of those, milestones.
    pub milestones: usize,
    /// The rules file, when the include gives one.
    pub rules: Option<PathBuf>,
    /// What the rules did (tasks uncertain, risks and correlation groups added); without
    /// rules, the count of tasks whose duration is not fixed (none from a schedule file).
    pub applied: Applied,
    /// The schedule's as-of date (status date, else project start), if it has one.
    pub as_of: Option<Date>,
    /// Things worth knowing (a schedule that starts before the program, rules that match
    /// nothing).
    pub notes: Vec<String>,
}

/// A program model with its includes merged, and what each brought in.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The program model with the included tasks, risks, calendars and correlations merged in.
    pub model: Model,
    /// What each include brought in, in the order of the `[[include]]`s.
    pub included: Vec<Included>,
}

/// Merges the tasks of every `[[include]]` of `model` (files relative to `base_dir`, the
/// model file's directory) and checks the result. Errors are [`ModelError`]s by key path and,
/// for the includes, their line and column when the model was read from a file; use
/// [`resolve_includes_in`] with the model's text to have every problem located.
pub fn resolve_includes(model: Model, base_dir: &Path) -> Result<Model, ModelError> {
    resolve_includes_in(model, base_dir, None).map(|r| r.model)
}

/// Reads a model file and merges its includes (relative to the file's directory).
///
/// `[[include]]`: a program model that brings in the tasks of schedule files.
///
/// ```toml
/// [[include]]
/// file = "plant.xer"            # any schedule this crate reads, relative to the model file
/// prefix = "plant"              # its tasks are `plant/<task id>`
/// uncertainty = "rules.toml"    # optional uncertainty rules for its tasks (see [`crate::Rules`])
///
/// [[plant]]
/// id = "yizhuang_1"
/// starts = "plant/t1234"        # start of production: the contractor's commissioning milestone
/// ```
///
/// [`resolve_includes`] (or [`load_model`], which also reads the model file) reads each
/// included file relative to the model file's directory, applies its uncertainty rules (path
/// relative to the model file too), turns it into tasks as [`crate::to_model`] does and merges
/// them into the program model, then checks the whole with [`launchcast_model::validate`].
///
/// - **Ids**: an included task is `<prefix>/<its model id>`, the id `launchcast import` would
///   give it (`t<task id>` for MSPDI, MPX, XER and PMXML; `j<job>` for PSPLIB), and its links
///   point to `<prefix>/…` ids. Risks its rules add are `<prefix>_<risk id>`, its calendars
///   `<prefix>_<calendar id>` (its tasks keep theirs, or none: never the program's); correlation
///   groups its rules make name the prefixed tasks. Included tasks come after the program's
///   own, so the key paths of the program's items (`task[3]`) stay those of the file.
/// - **Dates**: an included schedule keeps its real dates. Its as-of date (the status date
///   of a schedule in progress, else the project start) becomes `not_before` of every
///   included task, so no included work starts before the schedule says it can, and the
///   file's own start constraints are kept; both only matter when later than the program's
///   `start`. An included milestone therefore finishes, with planned durations, at the date
///   the schedule gives it (to the day: the schedule's day starts at the program's). A
///   schedule that starts before the program's `start` and has no status date is simulated
///   from the program's `start` (noted in [`Included::notes`]). A schedule without dates
///   (PSPLIB) starts at the program's `start`.
/// - **Errors** name the model file and the include's line (the `file` value, or the
///   `uncertainty` value for the rules), then the included file's own place. A reference to
///   an included task that does not exist (`plant/xyz` in a link, a risk, a plant's `starts`,
///   a correlation or a scenario) is reported at its line and column in the model file, with
///   the nearest included id as a hint (or the task whose file id, activity id or name it is).
///   Everything else wrong in the merged model is reported by [`launchcast_model::validate`],
///   at the include for the included items and at the key's place for the program's own.
pub fn load_model(path: &Path) -> Result<Resolved, ModelError> {
    let (model, included, _) = read_model_file(path, false)?;
    Ok(Resolved {
        model: model.into_model(),
        included,
    })
}

/// A model to simulate: as read from a file (validated while reading), or built or changed
/// in code (includes merged, imported, rules applied), which has to be validated.
#[derive(Debug)]
pub enum LoadedModel {
    /// Read from a model file without includes: already valid but for the checks
    /// [`ValidModel::from_read`] adds.
    Read(ReadModel),
    /// Anything else.
    Built(Model),
}

impl LoadedModel {
    /// The model.
    pub fn model(&self) -> &Model {
        match self {
            LoadedModel::Read(m) => m,
            LoadedModel::Built(m) => m,
        }
    }

    /// The model, to change.
    pub fn into_model(self) -> Model {
        match self {
            LoadedModel::Read(m) => m.into_model(),
            LoadedModel::Built(m) => m,
        }
    }

    /// The valid model, validated once: a model read from a file is not validated again.
    pub fn valid(self) -> Result<ValidModel, InvalidModel> {
        match self {
            LoadedModel::Read(m) => ValidModel::from_read(m),
            LoadedModel::Built(m) => ValidModel::new(m),
        }
    }
}

/// [`load_model`], keeping the model as read when it has no includes, and with
/// `keep_written` its distributions as written (for `check` to show).
pub fn read_model_file(
    path: &Path,
    keep_written: bool,
) -> Result<(LoadedModel, Vec<Included>, Written), ModelError> {
    let name = path.display().to_string();
    let text = launchcast_model::read_model_text(path)?;
    let base = path.parent().unwrap_or(Path::new(""));
    parse_model_text(&text, &name, base, keep_written)
}

/// [`read_model_file`] of a model's text already in memory, named `name` in errors, its
/// `[[include]]` files (schedules and shared reference files) relative to `base_dir`.
pub fn parse_model_text(
    text: &str,
    name: &str,
    base_dir: &Path,
    keep_written: bool,
) -> Result<(LoadedModel, Vec<Included>, Written), ModelError> {
    let (model, map, written) = ReadModel::parse_in_dir(text, name, base_dir, keep_written)?;
    let Some(map) = map else {
        return Ok((LoadedModel::Read(model), Vec::new(), written));
    };
    let source = ModelSource {
        name,
        text,
        map: &map,
    };
    let r = resolve_includes_in(model.into_model(), base_dir, Some(source))?;
    Ok((LoadedModel::Built(r.model), r.included, written))
}

/// The valid model of `text`, the text of the model file at `path` (which names it in
/// messages), its `[[include]]`s read beside `path`: how a run in parts reads the model its
/// parts carry.
pub fn valid_model_at(text: &str, path: &str) -> Result<ValidModel, InvalidModel> {
    let base = Path::new(path).parent().unwrap_or(Path::new(""));
    parse_model_text(text, path, base, false)?.0.valid()
}

/// [`resolve_includes`], with the model file's text for located errors, and a report of
/// what each include brought in.
pub fn resolve_includes_in(
    mut model: Model,
    base_dir: &Path,
    source: Option<ModelSource<'_>>,
) -> Result<Resolved, ModelError> {
    let cx = Cx::new(source);
    let own = Counts::of(&model);
    let mut included = Vec::new();
    let mut parts = Vec::new();
    let mut aliases: HashMap<String, Vec<Alias>> = HashMap::new();
    for (i, inc) in model.includes.clone().iter().enumerate() {
        let before = Counts::of(&model);
        let (report, alias) = merge_one(&cx, &mut model, inc, i, base_dir)?;
        parts.push(Part {
            include: i,
            tasks: before.tasks..model.tasks.len(),
            risks: before.risks..model.risks.len(),
            correlations: before.correlations..model.correlations.len(),
        });
        aliases.insert(inc.prefix.clone(), alias);
        included.push(report);
    }
    check_references(&cx, &model, &own, &aliases)?;
    launchcast_model::validate(&model).map_err(|e| cx.relocate(&e, &model, &parts))?;
    Ok(Resolved { model, included })
}

/// How many items the model has.
#[derive(Clone, Copy)]
struct Counts {
    tasks: usize,
    risks: usize,
    correlations: usize,
}

impl Counts {
    fn of(m: &Model) -> Counts {
        Counts {
            tasks: m.tasks.len(),
            risks: m.risks.len(),
            correlations: m.correlations.len(),
        }
    }
}

/// The items one include added to the model.
struct Part {
    include: usize,
    tasks: Range<usize>,
    risks: Range<usize>,
    correlations: Range<usize>,
}

/// What an included task is also called: its model id (without prefix), its file id,
/// activity id and name, for hints.
struct Alias {
    id: String,
    name: String,
    others: Vec<String>,
}

/// Reads, converts and merges one include.
fn merge_one(
    cx: &Cx<'_>,
    model: &mut Model,
    inc: &Include,
    index: usize,
    base_dir: &Path,
) -> Result<(Included, Vec<Alias>), ModelError> {
    let path = base_dir.join(&inc.file);
    let (schedule, mut sub) =
        crate::import_path(&path).map_err(|e| cx.import_error(inc, index, &path, &e))?;
    if schedule.leaf_tasks().next().is_none() {
        return Err(cx.at_include(
            inc,
            index,
            false,
            format!(
                "the included schedule {} has no tasks to refer to",
                path.display()
            ),
            "include a schedule with at least one task, or remove the [[include]]".into(),
        ));
    }
    let rules_path = inc.uncertainty.as_ref().map(|u| base_dir.join(u));
    let applied = match &rules_path {
        Some(rp) => {
            let rules = Rules::read(rp).map_err(|e| cx.rules_error(inc, index, &e))?;
            crate::uncertainty::apply(&rules, Some(&schedule), &mut sub)
                .map_err(|e| cx.rules_error(inc, index, &e))?
        }
        None => Applied {
            tasks: sub.tasks.len(),
            uncertain: sub.tasks.iter().filter(|t| !t.duration.is_fixed()).count(),
            ..Applied::default()
        },
    };
    // PSPLIB instances carry no dates (the reader's start is a stand-in).
    let as_of = if schedule.format == crate::Format::Psplib {
        None
    } else {
        schedule.status_date.or(schedule.start).map(|d| d.date())
    };
    let p = &model.program;
    let mut notes = applied.notes.clone();
    if let Some(d) = as_of {
        if d > p.horizon {
            return Err(cx.at_include(
                inc,
                index,
                false,
                format!(
                    "the included schedule {} starts {d}, after the program's horizon {}",
                    path.display(),
                    p.horizon
                ),
                "move the program's `horizon` later, or include the right schedule".into(),
            ));
        }
        let unfinished = sub.tasks.iter().any(|t| t.duration.most_likely() > 0.0);
        if d < p.start && schedule.status_date.is_none() && unfinished {
            notes.push(format!(
                "{} starts {d}, before the program's start {}, and has no status date: \
                 its work is simulated from {} ({} days later than planned); give the \
                 schedule a status date and its progress",
                path.display(),
                p.start,
                p.start,
                p.start.days_since(d)
            ));
        }
    }
    let leaves: Vec<&crate::Task> = schedule.leaf_tasks().collect();
    let alias: Vec<Alias> = sub
        .tasks
        .iter()
        .enumerate()
        .map(|(k, t)| Alias {
            id: t.id.clone(),
            name: t.name.clone(),
            others: leaves
                .get(k)
                .filter(|_| leaves.len() == sub.tasks.len())
                .map(|l| {
                    // The file's id, and its activity id (P6) or WBS code.
                    let mut v = vec![l.uid.clone()];
                    if !l.wbs.is_empty() {
                        v.push(l.wbs.clone());
                    }
                    v
                })
                .unwrap_or_default(),
        })
        .collect();
    let report = Included {
        prefix: inc.prefix.clone(),
        path: path.clone(),
        format: schedule.format.name(),
        tasks: sub.tasks.len(),
        milestones: leaves.iter().filter(|t| t.milestone).count(),
        rules: rules_path,
        applied,
        as_of,
        notes,
    };
    merge(model, sub, &inc.prefix, as_of);
    Ok((report, alias))
}

/// Appends `sub`'s tasks, risks and correlations to `model` under `prefix`.
fn merge(model: &mut Model, sub: Model, prefix: &str, as_of: Option<Date>) {
    let id = |t: &str| format!("{prefix}/{t}");
    let cal = |c: &str| format!("{prefix}_{c}");
    let start = model.program.start;
    for mut t in sub.tasks {
        t.id = id(&t.id);
        for l in t.after.iter_mut().chain(t.after_any.iter_mut()) {
            l.task = id(&l.task);
        }
        for f in &mut t.after_failure {
            *f = id(f);
        }
        // The later of the file's own constraint and the schedule's as-of date; neither is
        // needed when the program's start comes later anyway.
        t.not_before = t.not_before.max(as_of).filter(|d| *d > start);
        // Its own calendar, or explicitly none: never the program's default.
        t.calendar = Some(t.calendar.map_or(NO_CALENDAR.to_string(), |c| cal(&c)));
        model.tasks.push(t);
    }
    for mut c in sub.calendars {
        c.id = cal(&c.id);
        model.calendars.push(c);
    }
    for mut r in sub.risks {
        r.id = format!("{prefix}_{}", r.id);
        for t in &mut r.tasks {
            *t = id(t);
        }
        model.risks.push(r);
    }
    for mut c in sub.correlations {
        for t in &mut c.items {
            *t = id(t);
        }
        model.correlations.push(c);
    }
}

/// Every reference of the program's own items to an included task names one that exists.
fn check_references(
    cx: &Cx<'_>,
    model: &Model,
    own: &Counts,
    aliases: &HashMap<String, Vec<Alias>>,
) -> Result<(), ModelError> {
    let ids: HashSet<&str> = model.tasks.iter().map(|t| t.id.as_str()).collect();
    let mut refs: Vec<(String, &str)> = Vec::new();
    for (i, t) in model.tasks.iter().take(own.tasks).enumerate() {
        for (key, links) in [("after", &t.after), ("after_any", &t.after_any)] {
            for (k, l) in links.iter().enumerate() {
                refs.push((format!("task[{i}].{key}[{k}]"), &l.task));
            }
        }
        for (k, f) in t.after_failure.iter().enumerate() {
            refs.push((format!("task[{i}].after_failure[{k}]"), f));
        }
    }
    for (i, r) in model.risks.iter().take(own.risks).enumerate() {
        for (k, t) in r.tasks.iter().enumerate() {
            refs.push((format!("risk[{i}].tasks[{k}]"), t));
        }
    }
    for (i, p) in model.plants.iter().enumerate() {
        refs.push((format!("plant[{i}].starts"), &p.starts));
    }
    for (i, c) in model.correlations.iter().take(own.correlations).enumerate() {
        for (k, t) in c.items.iter().enumerate() {
            refs.push((format!("correlate[{i}].items[{k}]"), t));
        }
    }
    for (i, s) in model.scenarios.iter().enumerate() {
        for (k, d) in s.disable.iter().enumerate() {
            refs.push((format!("scenario[{i}].disable[{k}]"), d));
        }
        for set in &s.set {
            refs.push((
                format!("scenario[{i}].set.\"{}.{}\"", set.item, set.field),
                &set.item,
            ));
        }
    }
    let mut problems = Vec::new();
    for (key_path, target) in refs {
        let Some((prefix, rest)) = target.split_once('/') else {
            continue;
        };
        if ids.contains(target) {
            continue;
        }
        let Some(list) = aliases.get(prefix) else {
            continue;
        };
        let file = model
            .includes
            .iter()
            .find(|i| i.prefix == prefix)
            .map_or("", |i| i.file.as_str());
        problems.push((
            key_path,
            format!("unknown included task `{target}`: {file} has no task `{rest}`"),
            hint(prefix, rest, file, list),
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(cx.many(problems))
    }
}

/// The task `rest` most likely means: one whose file id, activity id or name it is, else the
/// nearest id.
fn hint(prefix: &str, rest: &str, file: &str, list: &[Alias]) -> String {
    let low = rest.to_lowercase();
    if let Some(a) = list
        .iter()
        .find(|a| a.others.iter().any(|o| o.to_lowercase() == low) || a.name.to_lowercase() == low)
    {
        return format!(
            "`{rest}` is task `{prefix}/{}` (\"{}\") of {file}: refer to it as `{prefix}/{}`",
            a.id, a.name, a.id
        );
    }
    let known: Vec<(String, &Alias)> = list
        .iter()
        .flat_map(|a| [(a.id.to_lowercase(), a), (a.name.to_lowercase(), a)])
        .collect();
    let best = launchcast_model::closest(&low, known.iter().map(|(k, _)| k.as_str()))
        .and_then(|k| known.iter().find(|(x, _)| x == k))
        .map(|(_, a)| *a);
    match best {
        Some(a) => format!(
            "the nearest included id is `{prefix}/{}` (\"{}\"); `launchcast import {file}` lists \
             the ids of its {} tasks",
            a.id,
            a.name,
            list.len()
        ),
        None => format!("`launchcast import {file}` lists the ids of its tasks"),
    }
}

/// Builds located errors from the model file's text, when there is one.
struct Cx<'a> {
    source: Option<ModelSource<'a>>,
}

impl<'a> Cx<'a> {
    fn new(source: Option<ModelSource<'a>>) -> Cx<'a> {
        Cx { source }
    }

    fn name(&self) -> &str {
        self.source.map_or("", |s| s.name)
    }

    fn text(&self) -> &str {
        self.source.map_or("", |s| s.text)
    }

    /// The byte range of the value at `key_path` (`plant[0].starts`, `task[2].after[1]`,
    /// `scenario[0].set."a.b"`), or of the deepest part of it found.
    fn span(&self, key_path: &str) -> Option<Range<usize>> {
        self.source?.map.span(key_path)
    }

    /// One error at `span` (or without a position), with the include's line in the message
    /// when there is no text to show it in.
    fn one(
        &self,
        span: Option<Range<usize>>,
        key_path: &str,
        message: String,
        help: String,
    ) -> ModelError {
        let span = span.filter(|_| self.source.is_some());
        ModelError::at(self.name(), self.text(), span, key_path, message, help)
    }

    /// Several problems (key path, message, help): the first located, the others listed in
    /// its help with their places.
    fn many(&self, problems: Vec<(String, String, String)>) -> ModelError {
        let mut it = problems.into_iter();
        let Some((path, message, mut help)) = it.next() else {
            return self.one(None, "", "the model is invalid".into(), String::new());
        };
        for (p, m, h) in it {
            let place = self.place(&p);
            help.push_str(&format!("\nalso {place}{p}: {m}; {h}"));
        }
        self.one(self.span(&path), &path, message, help)
    }

    /// `file:line:column: ` of a key path, or the file name alone.
    fn place(&self, key_path: &str) -> String {
        let Some(s) = self.source else {
            return String::new();
        };
        match self.span(key_path) {
            Some(span) => {
                let (l, c) = line_column(s.text, span.start);
                format!("{}:{l}:{c}: ", s.name)
            }
            None => format!("{}: ", s.name),
        }
    }

    /// A problem with include `index`, at its `file` value (or `uncertainty`).
    fn at_include(
        &self,
        inc: &Include,
        index: usize,
        rules: bool,
        mut message: String,
        help: String,
    ) -> ModelError {
        let (span, key) = match (&inc.origin, rules) {
            (Some(o), true) => (o.uncertainty.clone(), "uncertainty"),
            (Some(o), false) => (Some(o.file.clone()), "file"),
            (None, true) => (None, "uncertainty"),
            (None, false) => (None, "file"),
        };
        if self.source.is_none()
            && let Some(o) = &inc.origin
        {
            message = format!("{message} (the [[include]] at line {})", o.line);
        }
        self.one(span, &format!("include[{index}].{key}"), message, help)
    }

    fn import_error(
        &self,
        inc: &Include,
        index: usize,
        path: &Path,
        e: &ImportError,
    ) -> ModelError {
        let mut message = format!("cannot include {}: ", path.display());
        if e.place != Place::File {
            message.push_str(&format!("{}: ", e.place));
        }
        message.push_str(&e.message);
        if let Some(v) = &e.value {
            message.push_str(&format!(" (value `{v}`)"));
        }
        let help = match (&e.hint, e.kind) {
            (Some(h), _) => h.clone(),
            (None, crate::ErrorKind::Io) => {
                "the path is relative to the model file's directory".into()
            }
            (None, _) => String::new(),
        };
        self.at_include(inc, index, false, message, help)
    }

    fn rules_error(&self, inc: &Include, index: usize, e: &RulesError) -> ModelError {
        let mut message = format!("uncertainty rules of include `{}`: {}", inc.prefix, e.file);
        if e.line > 0 {
            message.push_str(&format!(":{}:{}", e.line, e.column));
        }
        message.push_str(&format!(": {}", e.message));
        if let Some(v) = &e.value {
            message.push_str(&format!(" (value `{v}`)"));
        }
        self.at_include(
            inc,
            index,
            true,
            message,
            e.hint.clone().unwrap_or_default(),
        )
    }

    /// Problems found by `validate` in the merged model, placed: those of included items at
    /// their include, the program's own at their key.
    fn relocate(&self, e: &ModelError, model: &Model, parts: &[Part]) -> ModelError {
        let mut out = Vec::new();
        let mut first_include: Option<usize> = None;
        for p in e.problems() {
            let (kind, index) = head(&p.key_path);
            let part = parts.iter().find(|part| match kind {
                "task" => part.tasks.contains(&index),
                "risk" => part.risks.contains(&index),
                "correlate" => part.correlations.contains(&index),
                _ => false,
            });
            let help = p.help.clone().unwrap_or_default();
            match part.and_then(|part| model.includes.get(part.include).map(|i| (part, i))) {
                Some((part, inc)) => {
                    let item = match kind {
                        "task" => model.tasks.get(index).map(|t| format!("task `{}`", t.id)),
                        "risk" => model.risks.get(index).map(|r| format!("risk `{}`", r.id)),
                        _ => Some("a correlation group".to_string()),
                    }
                    .unwrap_or_default();
                    let field = p.key_path.split_once('.').map_or("", |(_, f)| f);
                    let field = if field.is_empty() {
                        String::new()
                    } else {
                        format!(" ({field})")
                    };
                    let message = format!(
                        "in the included schedule {}, {item}{field}: {}",
                        inc.file, p.message
                    );
                    first_include.get_or_insert(part.include);
                    out.push((format!("include[{}].file", part.include), message, help));
                }
                None => out.push((p.key_path.clone(), p.message.clone(), help)),
            }
        }
        // An include's problem is placed at its `file` value.
        if let Some(i) = first_include
            && out
                .first()
                .is_some_and(|(k, _, _)| *k == format!("include[{i}].file"))
            && let Some(inc) = model.includes.get(i)
        {
            let (_, message, help) = out.remove(0);
            let mut rest = String::new();
            for (k, m, h) in out {
                rest.push_str(&format!("\nalso {}{k}: {m}; {h}", self.place(&k)));
            }
            return self.at_include(inc, i, false, message, format!("{help}{rest}"));
        }
        self.many(out)
    }
}

/// `task[12].after[0]` → (`task`, 12); no index → usize::MAX.
fn head(key_path: &str) -> (&str, usize) {
    let first = key_path.split('.').next().unwrap_or("");
    match first.split_once('[') {
        Some((name, rest)) => (
            name,
            rest.trim_end_matches(']').parse().unwrap_or(usize::MAX),
        ),
        None => (first, usize::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_name_their_table_and_index() {
        assert_eq!(head("task[12].after[0]"), ("task", 12));
        assert_eq!(head("program.horizon"), ("program", usize::MAX));
    }
}
