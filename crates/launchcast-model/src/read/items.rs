//! Reading `[[task]]` (with its links), `[[risk]]` and `[[plant]]`.

use crate::kind::{Fraction, ProblemKind};
use toml::de::DeValue;

use super::promises::curve;
use super::{Reader, exactly_one, opt_bool, opt_dist, opt_name, req_dist, req_id};
use crate::cross::{KeyPath, Kind, Ref, Want};
use crate::grammar::parse_link;
use crate::raw::{self, Cx, Span, Tab};
use crate::{Curve, Dist, Impact, Link, Plant, Quantity, Risk, Task};

const TASK_KEYS: [&str; 13] = [
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
    "inside",
    "disabled",
    "started",
];
const RISK_KEYS: [&str; 9] = [
    "id", "name", "chance", "tasks", "delay", "scale", "fail", "inside", "disabled",
];
const PLANT_KEYS: [&str; 10] = [
    "id",
    "name",
    "capacity",
    "starts",
    "ramp",
    "ramp_start",
    "curve",
    "peak",
    "inside",
    "disabled",
];

impl<'a, 'i> Reader<'a, 'i> {
    pub(super) fn links(
        &mut self,
        cx: &mut Cx<'_>,
        t: &Tab<'a, 'i>,
        key: &'static str,
        task: usize,
    ) -> Vec<Link> {
        let Some(v) = t.get(key) else {
            return Vec::new();
        };
        let help = "a link is ID, ID:FS, ID:SS, ID:FF or ID:SF with an optional lag, e.g. [\"vehicle_dev:SS+2mo\", \"site_deal\"]";
        let mut out = Vec::new();
        let DeValue::Array(items) = v.get_ref() else {
            raw::strings(cx, v, &t.sub(key), help);
            return out;
        };
        out.reserve_exact(items.len());
        for (i, item) in items.iter().enumerate() {
            // The key path only for a problem: most links have none.
            let path = || format!("{}[{i}]", t.sub(key));
            let s = match item.get_ref() {
                DeValue::String(s) => s.as_ref(),
                _ => {
                    raw::string(cx, item, &path(), help);
                    continue;
                }
            };
            match parse_link(s) {
                Ok(link) => {
                    self.x.edges.push((task, self.x.refs.len()));
                    self.x.refs.push(Ref {
                        target: link.task.clone(),
                        span: Some(item.span()),
                        path: KeyPath::Link { task, key, k: i },
                        want: Want::Task,
                    });
                    out.push(link);
                }
                Err(e) => raw::report_text_error(cx, item, &path(), s, &e),
            }
        }
        out
    }

    pub(super) fn task(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Task {
        t.check_keys(cx, &TASK_KEYS);
        let index = self.x.task_paths.len();
        self.x.task_paths.push(t.path.clone());
        let id = req_id(cx, t);
        if let Some((id, span)) = &id {
            self.item(id, span, t, Kind::Task, Some(index));
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
            .and_then(|v| raw::unit_interval(cx, v, &t.sub("chance"), Fraction::TaskChance))
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
                self.x.edges.push((index, self.x.refs.len()));
                self.x.refs.push(Ref {
                    target: s.clone(),
                    span: Some(span),
                    path: path.into(),
                    want: Want::Task,
                });
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
        let started = t
            .get("started")
            .and_then(|v| raw::date(cx, v, &t.sub("started")));
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
            started,
            disabled: switched_off(cx, t),
            calendar,
        }
    }

    /// `calendar = "site"` of a task or the program, checked once every calendar is known.
    pub(super) fn calendar_ref(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Option<String> {
        let v = t.get("calendar")?;
        let help = "the id of a [[calendar]], or \"none\" for 24-hour calendar days";
        let s = raw::string(cx, v, &t.sub("calendar"), help)?;
        self.cal_refs
            .push((s.clone(), Some(v.span()), t.sub("calendar")));
        Some(s)
    }

    pub(super) fn risk(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Risk {
        t.check_keys(cx, &RISK_KEYS);
        let id = req_id(cx, t);
        if let Some((id, span)) = &id {
            self.item(id, span, t, Kind::Risk, None);
        }
        let id = id.map(|(s, _)| s).unwrap_or_default();
        let name = opt_name(cx, t, &id);
        let chance = t
            .required(cx, "chance", "0.3")
            .and_then(|v| raw::unit_interval(cx, v, &t.sub("chance"), Fraction::RiskChance))
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
                cx.report_kind(
                    Some(v.span()),
                    &t.sub("tasks"),
                    &ProblemKind::RiskAffectsNoTask,
                );
            }
            for (s, span, path) in list {
                self.x.refs.push(Ref {
                    target: s.clone(),
                    span: Some(span),
                    path: path.into(),
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
                    let kind = ProblemKind::FailNotBoolean(&text);
                    cx.report_kind(Some(v.span()), &t.sub("fail"), &kind);
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
            disabled: switched_off(cx, t),
        }
    }

    pub(super) fn plant(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Plant {
        t.check_keys(cx, &PLANT_KEYS);
        let id = req_id(cx, t);
        if let Some((id, span)) = &id {
            self.item(id, span, t, Kind::Plant, None);
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
                path: t.sub("starts").into(),
                want: Want::Task,
            });
            starts = s;
        }
        let ramp = req_dist(cx, t, "ramp", Quantity::Duration, "\"tri(3mo, 7mo, 15mo)\"");
        let ramp_start = t
            .get("ramp_start")
            .and_then(|v| raw::unit_interval(cx, v, &t.sub("ramp_start"), Fraction::RampStart))
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
            disabled: switched_off(cx, t),
        }
    }
}

/// `disabled = true`: the item is switched off in the model itself (as a scenario's
/// `disable` switches it off), e.g. saved so from the workspace.
fn switched_off(cx: &mut Cx<'_>, t: &Tab<'_, '_>) -> bool {
    opt_bool(
        cx,
        t,
        "disabled",
        "write disabled = true (the item never happens) or remove the key",
    )
}

/// Checks task `t`'s `started` (written at `span`, key `path`) against the program: on or
/// before its start, with no predecessor or `not_before` (it is under way), in calendar days
/// (the time elapsed is counted so), and able to last beyond the time elapsed (else it would
/// be done).
pub(super) fn check_started(
    cx: &mut Cx<'_>,
    t: &Task,
    (span, path): (Span, &str),
    start: crate::Date,
    program: &crate::Program,
) {
    let Some(date) = t.started else { return };
    let (msg, help) = if date > start {
        (
            format!(
                "`started` = {date} is after program.start {start}: the task is not under way at the start"
            ),
            "a task that starts later waits with not_before = YYYY-MM-DD; started names a day on or before program.start",
        )
    } else if !t.after.is_empty()
        || !t.after_any.is_empty()
        || !t.after_failure.is_empty()
        || t.not_before.is_some()
    {
        (
            format!(
                "task `{}` is under way since {date}, so it waits for nothing: it has links or not_before",
                t.id
            ),
            "remove its after, after_any, after_failure and not_before (they held before it started), or remove started",
        )
    } else if t.calendar_id(program).is_some() {
        (
            format!(
                "task `{}` is under way since {date} on a working calendar: the time elapsed is counted in calendar days",
                t.id
            ),
            "give the task calendar = \"none\" (its duration in calendar days)",
        )
    } else {
        let elapsed = f64::from(start.days_since(date));
        let longest = t.duration.quantile(1.0, true);
        if longest > elapsed {
            return;
        }
        (
            format!(
                "task `{}` under way since {date} lasts at most {longest:.1} days, no more than the {elapsed} days to program.start {start}: it would be done",
                t.id
            ),
            "a finished task is left out (its successors start without it), or its duration is longer than written",
        )
    };
    cx.report(span, path, "here", msg, help);
}
