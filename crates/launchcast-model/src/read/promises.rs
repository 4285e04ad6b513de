//! Reading `[[promise]]` and `[[scenario]]` (with its settings, checked once every item
//! is known).

use crate::kind::{CURVE_HELP, Fraction, ProblemKind};
use toml::de::DeValue;

use super::{Reader, SetEntry, exactly_one, opt_name, req_id};
use crate::cross::{Ref, Want};
use crate::raw::{self, Cx, Tab, Val};
use crate::scenario::Slot;
use crate::{
    Curve, Date, Dist, Promise, PromiseKind, Quantity, Risk, Scenario, Setting, SettingValue,
};

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

impl<'a, 'i> Reader<'a, 'i> {
    pub(super) fn promise(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>) -> Promise {
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

    pub(super) fn promise_table(
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
                let key = inner.sub(second);
                let kind = ProblemKind::NotFixed {
                    key: &key,
                    text: &text,
                };
                cx.report_kind(Some(b.span()), &key, &kind);
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

    pub(super) fn scenario(&mut self, cx: &mut Cx<'_>, t: &Tab<'a, 'i>, index: usize) -> Scenario {
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
                    path: path.into(),
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

    pub(super) fn read_sets(
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
                Slot::Fraction => raw::unit_interval(cx, e.value, &e.path, Fraction::Setting)
                    .map(SettingValue::Number),
                Slot::Curve => curve(cx, e.value, &e.path).map(SettingValue::Curve),
                Slot::Date => raw::date(cx, e.value, &e.path).and_then(|d| {
                    if let Some((s, h)) = range
                        && (d < s || d > h)
                    {
                        let kind = ProblemKind::DateOutsideProgram {
                            key: &e.path,
                            date: d,
                            start: s,
                            horizon: h,
                            item: false,
                        };
                        cx.report_kind(Some(e.value.span()), &e.path, &kind);
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

pub(super) fn curve(cx: &mut Cx<'_>, v: &Val<'_>, path: &str) -> Option<Curve> {
    let s = raw::string(cx, v, path, CURVE_HELP)?;
    match s.as_str() {
        "linear" => Some(Curve::Linear),
        "s" => Some(Curve::S),
        _ => {
            let kind = ProblemKind::UnknownCurve {
                key: path,
                name: &s,
            };
            cx.report_kind(Some(v.span()), path, &kind);
            None
        }
    }
}
