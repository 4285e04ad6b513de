//! Reading a rules file: every `[[rule]]` table, with the first mistake's place.

use std::ops::Range;

use launchcast_model::{Dist, Impact, Quantity, line_column};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::*;

const RULE_KEYS: [&str; 8] = [
    "id",
    "name",
    "wbs",
    "duration_min",
    "duration_max",
    "duration",
    "risk",
    "correlate",
];
const RISK_KEYS: [&str; 6] = ["id", "name", "chance", "delay", "scale", "fail"];

pub(super) struct Reader<'s> {
    pub(super) file: &'s str,
    pub(super) src: &'s str,
}

impl Reader<'_> {
    pub(super) fn err(&self, span: Range<usize>, message: String, hint: &str) -> RulesError {
        let (line, column) = line_column(self.src, span.start);
        let text = self.src.get(span).unwrap_or("");
        let text = text.lines().next().unwrap_or("").trim_end();
        let value: String = text.chars().take(60).collect();
        RulesError {
            file: self.file.to_string(),
            line,
            column,
            message,
            value: (!value.is_empty()).then_some(value),
            hint: (!hint.is_empty()).then(|| hint.to_string()),
        }
    }

    pub(super) fn check_keys(
        &self,
        t: &DeTable<'_>,
        known: &[&str],
        what: &str,
    ) -> Result<(), RulesError> {
        for (k, _) in t.iter() {
            let name: &str = k.get_ref();
            if !known.contains(&name) {
                return Err(self.err(
                    k.span(),
                    format!("unknown key `{name}` in {what}"),
                    &format!("known keys: {}", known.join(", ")),
                ));
            }
        }
        Ok(())
    }

    pub(super) fn string(&self, v: &Spanned<DeValue<'_>>, key: &str) -> Result<String, RulesError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            other => Err(self.err(
                v.span(),
                format!("`{key}` must be a string, found {}", other.type_str()),
                "put the value in double quotes",
            )),
        }
    }

    pub(super) fn number(&self, v: &Spanned<DeValue<'_>>, key: &str) -> Result<f64, RulesError> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
                .ok()
                .map(|i| i as f64),
            DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
            other => {
                return Err(self.err(
                    v.span(),
                    format!("`{key}` must be a number, found {}", other.type_str()),
                    "write a plain number, without quotes",
                ));
            }
        };
        match n {
            Some(x) if x.is_finite() => Ok(x),
            _ => Err(self.err(
                v.span(),
                format!("`{key}` is out of range"),
                "write a finite number",
            )),
        }
    }

    pub(super) fn rule(&self, v: &Spanned<DeValue<'_>>, n: usize) -> Result<Rule, RulesError> {
        let DeValue::Table(t) = v.get_ref() else {
            return Err(self.err(
                v.span(),
                "`rule` must be an array of tables".into(),
                "write each rule as a [[rule]] table",
            ));
        };
        self.check_keys(t, &RULE_KEYS, &format!("rule {n}"))?;
        let (line, column) = line_column(self.src, v.span().start);
        let mut sel = Selector::default();
        let s = |key: &str| -> Result<Option<String>, RulesError> {
            t.get(key).map(|x| self.string(x, key)).transpose()
        };
        sel.id = s("id")?;
        sel.name = s("name")?;
        sel.wbs = s("wbs")?;
        for (key, slot) in [
            ("duration_min", &mut sel.duration_min),
            ("duration_max", &mut sel.duration_max),
        ] {
            if let Some(x) = t.get(key) {
                let d = self.number(x, key)?;
                if d < 0.0 {
                    return Err(self.err(
                        x.span(),
                        format!("`{key}` is negative"),
                        "durations are 0 days or more",
                    ));
                }
                *slot = Some(d);
            }
        }
        if let (Some(lo), Some(hi), Some(x)) =
            (sel.duration_min, sel.duration_max, t.get("duration_max"))
            && lo > hi
        {
            return Err(self.err(
                x.span(),
                format!("`duration_max` ({hi}) is below `duration_min` ({lo})"),
                "no task could match; swap the bounds",
            ));
        }
        let duration = match t.get("duration") {
            None => None,
            Some(x) => {
                let text = self.string(x, "duration")?;
                Some(
                    Relative::parse(&text)
                        .map_err(|(m, h)| self.err(x.span(), format!("`duration`: {m}"), &h))?,
                )
            }
        };
        let correlate = match t.get("correlate") {
            None => None,
            Some(x) => {
                let rho = self.number(x, "correlate")?;
                if !(0.0..=1.0).contains(&rho) {
                    return Err(self.err(
                        x.span(),
                        format!("`correlate` = {rho} is outside [0, 1]"),
                        "give the rank correlation of the group, e.g. 0.5",
                    ));
                }
                Some(rho)
            }
        };
        let risk = match t.get("risk") {
            None => None,
            Some(x) => Some(self.risk(x, n)?),
        };
        if duration.is_none() && risk.is_none() && correlate.is_none() {
            return Err(self.err(
                v.span(),
                format!("rule {n} gives neither `duration`, `risk` nor `correlate`"),
                "add e.g. duration = \"pert(90%, 100%, 140%)\"",
            ));
        }
        Ok(Rule {
            line,
            column,
            selector: sel,
            duration,
            risk,
            correlate,
        })
    }

    pub(super) fn risk(&self, v: &Spanned<DeValue<'_>>, n: usize) -> Result<RiskRule, RulesError> {
        let DeValue::Table(t) = v.get_ref() else {
            return Err(self.err(
                v.span(),
                "`risk` must be a table".into(),
                "write risk = { chance = 0.3, delay = \"tri(1w, 2w, 6w)\" }",
            ));
        };
        self.check_keys(t, &RISK_KEYS, &format!("rule {n}'s risk"))?;
        let id = match t.get("id") {
            Some(x) => {
                let id = self.string(x, "id")?;
                if id.is_empty()
                    || !id
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return Err(self.err(
                        x.span(),
                        format!("risk id `{id}` is not of [a-z0-9_]+"),
                        "use lower-case letters, digits and _",
                    ));
                }
                id
            }
            None => format!("rule_{n}"),
        };
        let name = match t.get("name") {
            Some(x) => self.string(x, "name")?,
            None => id.clone(),
        };
        let Some(cv) = t.get("chance") else {
            return Err(self.err(
                v.span(),
                format!("rule {n}'s risk has no `chance`"),
                "add chance = 0.3 (the probability the risk occurs)",
            ));
        };
        let chance = self.number(cv, "chance")?;
        if !(0.0..=1.0).contains(&chance) {
            return Err(self.err(
                cv.span(),
                format!("`chance` = {chance} is outside [0, 1]"),
                "a probability, e.g. 0.3",
            ));
        }
        let dist = |key: &str, q: Quantity| -> Result<Option<Dist>, RulesError> {
            let Some(x) = t.get(key) else { return Ok(None) };
            let text = match (x.get_ref(), q) {
                (DeValue::Integer(_) | DeValue::Float(_), Quantity::Number) => {
                    return Ok(Some(Dist::Fixed(self.number(x, key)?)));
                }
                _ => self.string(x, key)?,
            };
            Dist::parse(&text, q)
                .map(Some)
                .map_err(|e| self.err(x.span(), format!("`{key}`: {}", e.message), &e.help))
        };
        let delay = dist("delay", Quantity::Duration)?;
        let scale = dist("scale", Quantity::Number)?;
        let fail = match t.get("fail") {
            None => false,
            Some(x) => match x.get_ref() {
                DeValue::Boolean(b) => *b,
                other => {
                    return Err(self.err(
                        x.span(),
                        format!("`fail` must be true or false, found {}", other.type_str()),
                        "write fail = true",
                    ));
                }
            },
        };
        let impact = match (delay, scale, fail) {
            (Some(d), None, false) => Impact::Delay(d),
            (None, Some(s), false) => Impact::Scale(s),
            (None, None, true) => Impact::Fail,
            _ => {
                return Err(self.err(
                    v.span(),
                    format!("rule {n}'s risk needs exactly one of `delay`, `scale`, `fail = true`"),
                    "e.g. delay = \"tri(1w, 2w, 6w)\" or scale = \"tri(1.1, 1.2, 1.5)\"",
                ));
            }
        };
        Ok(RiskRule {
            id,
            name,
            chance,
            impact,
        })
    }
}
