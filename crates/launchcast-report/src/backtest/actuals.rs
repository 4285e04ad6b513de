//! Reading an actuals file (what really happened, as known on `as_of`) with the model's
//! span-keeping TOML reader: every problem found in one pass, each with its line, column,
//! key path, the value as written and how to fix it, checked against the model it scores
//! (ids, scenario, years).

use launchcast_model::toml_reader::{self as toml_reader, Cx, Tab, Val};
use launchcast_model::{Date, Dist, Model, ModelError, Quantity};
use toml::de::DeValue;

use super::{Actuals, FirstDeliveryActual, PromiseActual, TaskActual, TaskOutcome, YearActual};

const TOP_KEYS: [&str; 7] = [
    "as_of",
    "scenario",
    "first_delivery",
    "task",
    "deliveries",
    "spend",
    "promise",
];
const STRING_HELP: &str = "put the value in double quotes";

impl Actuals {
    /// Reads the actuals in `src` (file `file`) against `model`: every id names one of its
    /// tasks or promises, every year lies in its range, the scenario is `base` or one of its
    /// own, no date is after `as_of`, nothing is given twice.
    pub fn parse(src: &str, file: &str, model: &Model) -> Result<Actuals, ModelError> {
        let doc = toml_reader::document(src, file)?;
        let mut cx = Cx::new(src);
        let top = Tab::top(&doc);
        top.check_keys(&mut cx, &TOP_KEYS);
        let as_of = top
            .required(&mut cx, "as_of", "2025-06-30")
            .and_then(|v| date(&mut cx, v, "as_of"));
        let scenario = match top.get("scenario") {
            Some(v) => toml_reader::string(&mut cx, v, "scenario", STRING_HELP)
                .filter(|id| known_scenario(&mut cx, v, id, model)),
            None => Some("base".to_string()),
        };
        let start = model.program.start;
        if let (Some(d), Some(v)) = (as_of, top.get("as_of"))
            && d < start
        {
            cx.report(
                v.span(),
                "as_of",
                "before the start",
                format!("`as_of` = {d} is before the model's start ({start})"),
                "nothing of the forecast can be known before it starts: correct the date",
            );
        }
        let mut r = Reader { cx, as_of, start };
        let first_delivery = top.get("first_delivery").and_then(|v| {
            if let DeValue::String(s) = v.get_ref()
                && s.as_ref() == "none"
            {
                return Some(FirstDeliveryActual::NoneYet);
            }
            r.past_date(v, "first_delivery")
                .map(FirstDeliveryActual::On)
        });
        let tasks = r.tasks(&top, model);
        let years = (start.year(), model.program.horizon.year());
        let deliveries = r.years(&top, "deliveries", "cars", years);
        let spend = r.years(&top, "spend", "amount", years);
        let promises = r.promises(&top, model);
        if r.cx.has_problems() {
            return Err(r.cx.into_error(file));
        }
        match (as_of, scenario) {
            (Some(as_of), Some(scenario)) => Ok(Actuals {
                as_of,
                scenario,
                first_delivery,
                tasks,
                deliveries,
                spend,
                promises,
            }),
            _ => Err(ModelError::at(
                file,
                src,
                None,
                "",
                "the actuals could not be read",
                "",
            )),
        }
    }
}

/// Whether `id` is `base` or a scenario of `model`; reported with the ids it has if not.
fn known_scenario(cx: &mut Cx<'_>, v: &Val<'_>, id: &str, model: &Model) -> bool {
    if id == "base" || model.scenarios.iter().any(|s| s.id == id) {
        return true;
    }
    let ids: Vec<&str> = std::iter::once("base")
        .chain(model.scenarios.iter().map(|s| s.id.as_str()))
        .collect();
    let help = match launchcast_model::nearest(id, ids.iter().copied()) {
        Some(near) => format!(
            "did you mean `{near}`? The model's scenarios: {}",
            ids.join(", ")
        ),
        None => format!("the model's scenarios: {}", ids.join(", ")),
    };
    cx.report(
        v.span(),
        "scenario",
        "unknown scenario",
        format!("`scenario` = \"{id}\" is not a scenario of the model"),
        help,
    );
    false
}

/// A date: a TOML local date (`2025-06-30`) or the same in a string.
fn date(cx: &mut Cx<'_>, v: &Val<'_>, path: &str) -> Option<Date> {
    let d = match v.get_ref() {
        DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
            .date
            .and_then(|d| Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))),
        DeValue::String(s) => Date::parse(s),
        _ => None,
    };
    if d.is_none() {
        let text = cx.text(&v.span());
        cx.report(
            v.span(),
            path,
            "expected a date",
            format!("`{}` must be a date, found `{text}`", leaf(path)),
            if path == "first_delivery" {
                "write a date as YYYY-MM-DD, e.g. 2024-10-15, or \"none\" if none by as_of"
            } else {
                "write a date as YYYY-MM-DD, e.g. 2024-10-15"
            },
        );
    }
    d
}

/// The last key of a key path (`task[0].finished` → `finished`).
fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Reading state: the problems found, and what the checks of each entry need.
struct Reader<'s> {
    cx: Cx<'s>,
    as_of: Option<Date>,
    start: Date,
}

impl Reader<'_> {
    /// A date not after `as_of` (nothing after it can be known) nor before the model's start.
    fn past_date(&mut self, v: &Val<'_>, path: &str) -> Option<Date> {
        let d = date(&mut self.cx, v, path)?;
        let text = self.cx.text(&v.span());
        if let Some(as_of) = self.as_of
            && d > as_of
        {
            self.cx.report(
                v.span(),
                path,
                "after as_of",
                format!("`{}` = {text} is after `as_of` ({as_of})", leaf(path)),
                "nothing after as_of can be known: correct the date, or move as_of later",
            );
            return None;
        }
        if d < self.start {
            self.cx.report(
                v.span(),
                path,
                "before the start",
                format!(
                    "`{}` = {text} is before the model's start ({})",
                    leaf(path),
                    self.start
                ),
                "the forecast starts at program.start: correct the date",
            );
            return None;
        }
        Some(d)
    }

    /// An id among `ids` (`what` names them in messages); reported with a suggestion if not.
    fn id(&mut self, t: &Tab<'_, '_>, ids: &[&str], what: &str) -> Option<(String, usize)> {
        let v = t.required(&mut self.cx, "id", "\"yz1_build\"")?;
        let path = t.sub("id");
        let id = toml_reader::string(&mut self.cx, v, &path, STRING_HELP)?;
        if let Some(i) = ids.iter().position(|k| *k == id) {
            return Some((id, i));
        }
        let help = match launchcast_model::nearest(&id, ids.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None if ids.is_empty() => format!("the model has no {what}s"),
            None => format!("use the id of one of the model's {what}s"),
        };
        self.cx.report(
            v.span(),
            &path,
            "unknown id",
            format!("`id` = \"{id}\" is not a {what} of the model"),
            help,
        );
        None
    }

    /// Reports `key` of table `t` as given twice (the first at `first`).
    fn twice(&mut self, t: &Tab<'_, '_>, key: &str, what: &str, first: &str) {
        let span = t.get(key).map_or_else(|| t.span.clone(), |v| v.span());
        self.cx.report(
            span,
            &t.sub(key),
            "given twice",
            format!("{what} is given twice (first in `{first}`)"),
            "keep one entry per item: remove or merge the other",
        );
    }

    fn tasks(&mut self, top: &Tab<'_, '_>, model: &Model) -> Vec<TaskActual> {
        let ids: Vec<&str> = model.tasks.iter().map(|t| t.id.as_str()).collect();
        let mut out: Vec<(TaskActual, String)> = Vec::new();
        for t in toml_reader::tables(&mut self.cx, top, "task") {
            t.check_keys(&mut self.cx, &["id", "finished", "failed", "unfinished"]);
            let id = self.id(&t, &ids, "task");
            let outcome = self.task_outcome(&t);
            let (Some((id, index)), Some(outcome)) = (id, outcome) else {
                continue;
            };
            if let Some((_, first)) = out.iter().find(|(a, _)| a.index == index) {
                let first = first.clone();
                self.twice(&t, "id", &format!("task `{id}`"), &first);
                continue;
            }
            out.push((TaskActual { id, index, outcome }, t.path.clone()));
        }
        out.into_iter().map(|(a, _)| a).collect()
    }

    /// Exactly one of `finished = DATE`, `failed = true`, `unfinished = true`.
    fn task_outcome(&mut self, t: &Tab<'_, '_>) -> Option<TaskOutcome> {
        let given: Vec<&str> = ["finished", "failed", "unfinished"]
            .into_iter()
            .filter(|k| t.get(k).is_some())
            .collect();
        if given.len() != 1 {
            let message = if given.is_empty() {
                "the task gives none of `finished`, `failed`, `unfinished`".to_string()
            } else {
                format!("the task gives both `{}` and `{}`", given[0], given[1])
            };
            let span = match given.get(1) {
                Some(k) => t.get(k).map_or_else(|| t.span.clone(), |v| v.span()),
                None => self.cx_head(t),
            };
            self.cx.report(
                span,
                &t.path,
                "exactly one outcome",
                message,
                "give exactly one: finished = 2024-03-31, failed = true or unfinished = true",
            );
            return None;
        }
        let key = given[0];
        let v = t.get(key)?;
        let path = t.sub(key);
        if key == "finished" {
            return self.past_date(v, &path).map(TaskOutcome::Finished);
        }
        let help = format!("write {key} = true, or leave the key out");
        let yes = toml_reader::boolean(&mut self.cx, v, &path, &help)?;
        if !yes {
            self.cx.report(
                v.span(),
                &path,
                "false",
                format!("`{key}` = false says nothing about the task"),
                "give what happened: finished = DATE, failed = true or unfinished = true",
            );
            return None;
        }
        Some(if key == "failed" {
            TaskOutcome::Failed
        } else {
            TaskOutcome::Unfinished
        })
    }

    /// The first line of table `t` (its header), for problems of the table as a whole.
    fn cx_head(&self, t: &Tab<'_, '_>) -> std::ops::Range<usize> {
        let text = self.cx.text(&t.span);
        let first = text.lines().next().map_or(0, str::len);
        t.span.start..t.span.start + first.max(1).min(t.span.len())
    }

    /// `[[deliveries]] year + cars` or `[[spend]] year + amount`: one per year, in the
    /// model's years.
    fn years(
        &mut self,
        top: &Tab<'_, '_>,
        key: &str,
        value_key: &str,
        (first, last): (i32, i32),
    ) -> Vec<YearActual> {
        let mut out: Vec<(YearActual, String)> = Vec::new();
        for t in toml_reader::tables(&mut self.cx, top, key) {
            t.check_keys(&mut self.cx, &["year", value_key]);
            let year = t.required(&mut self.cx, "year", "2024").and_then(|v| {
                let path = t.sub("year");
                let help = "write the calendar year as a whole number, e.g. year = 2024";
                let y = toml_reader::number(&mut self.cx, v, &path, help)?;
                if y.fract() != 0.0 || y < f64::from(first) || y > f64::from(last) {
                    let text = self.cx.text(&v.span());
                    self.cx.report(
                        v.span(),
                        &path,
                        "outside the model's years",
                        format!("`year` = {text} is not a year of the model ({first} to {last})"),
                        format!("the forecast covers {first} to {last}, from start to horizon"),
                    );
                    return None;
                }
                Some(y as i32)
            });
            let example = if value_key == "cars" {
                "41000"
            } else {
                "\"9.5bn\""
            };
            let value = t
                .required(&mut self.cx, value_key, example)
                .and_then(|v| self.amount(v, &t.sub(value_key), value_key == "cars"));
            let (Some(year), Some(value)) = (year, value) else {
                continue;
            };
            if let Some((_, first)) = out.iter().find(|(a, _)| a.year == year) {
                let first = first.clone();
                self.twice(&t, "year", &format!("{key} of {year}"), &first);
                continue;
            }
            out.push((YearActual { year, value }, t.path.clone()));
        }
        out.into_iter().map(|(a, _)| a).collect()
    }

    /// Cars (a whole number of at least 0) or money (a number or text such as "9.5bn", as
    /// in the model; never a distribution).
    fn amount(&mut self, v: &Val<'_>, path: &str, cars: bool) -> Option<f64> {
        let text = self.cx.text(&v.span());
        if cars {
            let help = "write the cars delivered as a whole number, e.g. cars = 41000";
            let n = toml_reader::number(&mut self.cx, v, path, help)?;
            if n.fract() != 0.0 || !(0.0..=1e15).contains(&n) {
                self.cx.report(
                    v.span(),
                    path,
                    "not a count",
                    format!("`cars` = {text} is not a number of cars"),
                    help,
                );
                return None;
            }
            return Some(n);
        }
        match toml_reader::dist(&mut self.cx, v, path, Quantity::Money)? {
            Dist::Fixed(x) => Some(x),
            _ => {
                self.cx.report(
                    v.span(),
                    path,
                    "a distribution",
                    format!("`amount` = {text} is a distribution; an actual is one amount"),
                    "write what was spent, e.g. amount = \"9.5bn\"",
                );
                None
            }
        }
    }

    fn promises(&mut self, top: &Tab<'_, '_>, model: &Model) -> Vec<PromiseActual> {
        let ids: Vec<&str> = model.promises.iter().map(|p| p.id.as_str()).collect();
        let mut out: Vec<(PromiseActual, String)> = Vec::new();
        for t in toml_reader::tables(&mut self.cx, top, "promise") {
            t.check_keys(&mut self.cx, &["id", "kept"]);
            let id = self.id(&t, &ids, "promise");
            let kept = t.required(&mut self.cx, "kept", "true").and_then(|v| {
                let help = "write kept = true or kept = false";
                toml_reader::boolean(&mut self.cx, v, &t.sub("kept"), help)
            });
            let (Some((id, index)), Some(kept)) = (id, kept) else {
                continue;
            };
            if let Some((_, first)) = out.iter().find(|(a, _)| a.index == index) {
                let first = first.clone();
                self.twice(&t, "id", &format!("promise `{id}`"), &first);
                continue;
            }
            out.push((PromiseActual { id, index, kept }, t.path.clone()));
        }
        out.into_iter().map(|(a, _)| a).collect()
    }
}
