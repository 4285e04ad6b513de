//! Reading `[program]`, `[[include]]` and `[[correlate]]`.

use toml::de::DeValue;

use super::{Reader, non_empty, opt_dist};
use crate::cross::CorrEntry;
use crate::errors::line_column;
use crate::kind::{ProblemKind, SEED_HELP};
use crate::raw::{self, Cx, Tab};
use crate::{Correlation, Date, Dist, Include, Origin, Program, Quantity};

const INCLUDE_KEYS: [&str; 4] = ["file", "prefix", "uncertainty", "references"];
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

impl<'a, 'i> Reader<'a, 'i> {
    /// `[[include]] file = "plant.xer", prefix = "plant", uncertainty = "rules.toml"`; `None`
    /// for `[[include]] references = "refs.toml"`, whose classes are read first
    /// (`super::shared`).
    pub(super) fn include(
        &mut self,
        cx: &mut Cx<'_>,
        t: &Tab<'a, 'i>,
        index: usize,
    ) -> Option<Include> {
        t.check_keys(cx, &INCLUDE_KEYS);
        if let Some(v) = t.get("references") {
            let path = t.sub("references");
            if let Some(s) = raw::string(
                cx,
                v,
                &path,
                "write references = \"../references/plants.toml\"",
            ) {
                non_empty(cx, v, &path, s);
            }
            for other in ["file", "prefix", "uncertainty"] {
                if let Some((k, _)) = t.table.get_key_value(other) {
                    let msg = format!("`{}` and `references` in one [[include]]", t.sub(other));
                    let help = "an include brings either a schedule (file, prefix, uncertainty) or a file of [[reference]] classes (references): write two [[include]] tables";
                    cx.report(k.span(), &t.sub(other), "here", msg, help);
                }
            }
            return None;
        }
        let mut file_span = None;
        let file = t
            .required(cx, "file", "\"plant.xer\"")
            .and_then(|v| {
                file_span = Some(v.span());
                let s = raw::string(cx, v, &t.sub("file"), "write file = \"plant.xer\"")?;
                non_empty(cx, v, &t.sub("file"), s)
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
            let s = raw::string(
                cx,
                v,
                &t.sub("uncertainty"),
                "write uncertainty = \"rules.toml\"",
            )?;
            non_empty(cx, v, &t.sub("uncertainty"), s)
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
        Some(Include {
            file,
            prefix,
            uncertainty,
            origin,
        })
    }

    /// `[[correlate]] items = ["a", "b"], rho = 0.6`; checked with the others once every
    /// item is known.
    pub(super) fn correlate(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Correlation {
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
    pub(super) fn program(
        &mut self,
        cx: &mut Cx<'_>,
        top: &Tab<'a, 'i>,
    ) -> (Program, Option<(Date, Date)>) {
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
            cx.report_kind(Some(0..0), "program", &ProblemKind::NoProgram);
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
                match ProblemKind::of_iterations(i128::from(n)) {
                    Some(kind) => cx.report_kind(Some(v.span()), "program.iterations", &kind),
                    None => p.iterations = n as u64,
                }
            }
        }
        if let Some(v) = t.get("seed")
            && let Some(n) = raw::integer(cx, v, "program.seed", SEED_HELP)
        {
            if n < 0 {
                let kind = ProblemKind::NegativeSeed(n);
                cx.report_kind(Some(v.span()), "program.seed", &kind);
            } else {
                p.seed = n as u64;
            }
        }
        p.delivery_lag = opt_dist(cx, &t, "delivery_lag", Quantity::Duration, Dist::ZERO);
        p.overhead_per_year = opt_dist(cx, &t, "overhead_per_year", Quantity::Money, Dist::ZERO);
        p.calendar = self.calendar_ref(cx, &t);
        let mut range = None;
        if let (Some(s), Some(h), Some(hv)) = (start, horizon, horizon_v) {
            p.start = s;
            p.horizon = h;
            match ProblemKind::of_horizon(s, h) {
                Some(kind) => cx.report_kind(Some(hv.span()), "program.horizon", &kind),
                None => range = Some((s, h)),
            }
        }
        (p, range)
    }
}
