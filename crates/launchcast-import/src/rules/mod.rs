//! Uncertainty rules: a small TOML file that turns the fixed durations of an imported
//! schedule into distributions, adds risks and correlation groups.
//!
//! ```toml
//! # Every rule has selectors (all must hold; none at all matches every task) and at least
//! # one of `duration`, `risk`, `correlate`.
//! [[rule]]
//! wbs = "1.2"                          # WBS path prefix, by whole segments: 1.2, 1.2.3, not 1.20
//! duration = "pert(90%, 100%, 140%)"   # relative to each task's planned duration
//!
//! [[rule]]
//! name = "*permit*"                    # glob (* ?) or, without wildcards, a substring
//! risk = { id = "permit_refused", chance = 0.2, delay = "tri(1mo, 2mo, 6mo)" }
//!
//! [[rule]]
//! id = "A1*"                           # task id: exact or glob
//! duration_min = 10                    # planned duration in days, inclusive
//! duration_max = 60
//! duration = "tri(95%, 100%, 130%)"
//! correlate = 0.5                      # the matched uncertain tasks, rank-correlated
//!
//! [[rule]]                             # no selector: every task not matched above
//! duration = "uniform(95%, 110%)"
//! ```
//!
//! - **Selectors** (case-insensitive): `id` matches the file's task id (MSPDI/MPX `UID`,
//!   XER `task_id`, PSPLIB job number), the activity id P6 shows (`task_code`) and the
//!   model id (`t123`); `name` is a glob when it holds `*` or `?`, else a substring;
//!   `wbs` is a prefix of the WBS path (MSPDI and MPX: the task's WBS code; XER and PMXML:
//!   the WBS codes from the root down to the activity's WBS node, joined by `.`);
//!   `duration_min` / `duration_max` bound the planned duration as the file states it, in
//!   days (working days for working-time durations: a 5-day task in MS Project is 5).
//! - **`duration`**: `pert(a%, b%, c%)`, `tri(a%, b%, c%)`, `uniform(a%, b%)` or a single
//!   `p%`, each a percentage of the task's duration in the model (calendar days: a task of
//!   5 working days over a weekend lasts 7), turned into absolute days per task. For
//!   durations the **first matching rule wins**; later rules with a `duration` do not apply
//!   to a task already given one. Tasks of zero duration (milestones, finished work) stay 0.
//! - **`risk`**: a table like a model `[[risk]]` without `tasks`: `id` (default `rule_N`),
//!   optional `name`, `chance`, and exactly one of `delay` (a duration distribution, added),
//!   `scale` (a number distribution, multiplies) or `fail = true`. Every rule's risk applies
//!   to every task it matches (one `[[risk]]` per rule, shared impact).
//! - **`correlate`**: a rank correlation in [0, 1]; the tasks the rule matches that end up
//!   with an uncertain duration form one `[[correlate]]` group.
//! - Tasks no rule gives a duration or risk stay fixed; [`Applied`] says how many are
//!   uncertain.
//!
//! Errors name the file, line and column, the offending value and a hint ([`RulesError`]).

use std::fmt;
use std::ops::Range;
use std::path::Path;

use launchcast_model::{Correlation, Dist, Impact, Model, Quantity, Risk, line_column};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::schedule::{Format, Schedule};

/// A mistake in a rules file, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct RulesError {
    pub file: String,
    /// 1-based; 0 when the error concerns the whole file.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub value: Option<String>,
    pub hint: Option<String>,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(v) = &self.value {
            write!(f, " (value `{v}`)")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "; hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RulesError {}

/// A duration distribution relative to the planned duration; factors (1.0 = 100 %).
#[derive(Clone, Debug, PartialEq)]
pub enum Relative {
    Fixed(f64),
    Pert(f64, f64, f64),
    Tri(f64, f64, f64),
    Uniform(f64, f64),
}

impl Relative {
    /// The absolute distribution for a task of `days`. Degenerate ranges become fixed.
    pub fn of(&self, days: f64) -> Dist {
        if days <= 0.0 {
            return Dist::Fixed(0.0);
        }
        match *self {
            Relative::Fixed(k) => Dist::Fixed(k * days),
            Relative::Pert(a, _, c) | Relative::Tri(a, _, c) if a == c => Dist::Fixed(a * days),
            Relative::Uniform(a, b) if a == b => Dist::Fixed(a * days),
            Relative::Pert(a, b, c) => Dist::Pert {
                min: a * days,
                mode: b * days,
                max: c * days,
            },
            Relative::Tri(a, b, c) => Dist::Triangular {
                min: a * days,
                mode: b * days,
                max: c * days,
            },
            Relative::Uniform(a, b) => Dist::Uniform {
                min: a * days,
                max: b * days,
            },
        }
    }

    /// Parses `pert(90%, 100%, 140%)`, `tri(…)`, `uniform(a%, b%)` or `120%`.
    /// Errors: message, hint.
    pub fn parse(text: &str) -> Result<Relative, (String, String)> {
        let hint = "write e.g. \"pert(90%, 100%, 140%)\", \"tri(95%, 100%, 130%)\", \
                    \"uniform(90%, 120%)\" or \"110%\": percentages of the planned duration";
        let err = |m: String| Err((m, hint.to_string()));
        let t = text.trim();
        let pct = |s: &str| -> Option<f64> {
            let v: f64 = s.trim().strip_suffix('%')?.trim().parse().ok()?;
            (v.is_finite() && v >= 0.0).then_some(v / 100.0)
        };
        let Some(open) = t.find('(') else {
            return match pct(t) {
                Some(k) => Ok(Relative::Fixed(k)),
                None => err(format!("`{t}` is not a relative duration")),
            };
        };
        let Some(inner) = t.get(open + 1..).and_then(|s| s.strip_suffix(')')) else {
            return err(format!("`{t}` lacks its closing parenthesis"));
        };
        let name = t.get(..open).unwrap_or("").trim().to_ascii_lowercase();
        let mut args = Vec::new();
        for a in inner.split(',') {
            match pct(a) {
                Some(k) => args.push(k),
                None => {
                    return err(format!(
                        "`{}` in `{t}` is not a percentage of 0% or more",
                        a.trim()
                    ));
                }
            }
        }
        let want = match name.as_str() {
            "pert" | "tri" | "triangular" => 3,
            "uniform" => 2,
            _ => return err(format!("unknown distribution `{name}` in `{t}`")),
        };
        if args.len() != want {
            return err(format!(
                "`{name}` takes {want} percentages, `{t}` has {}",
                args.len()
            ));
        }
        if args.windows(2).any(|w| w[0] > w[1]) {
            return err(format!("`{t}`: the percentages must not decrease"));
        }
        Ok(match (name.as_str(), args.as_slice()) {
            ("pert", &[a, b, c]) => Relative::Pert(a, b, c),
            (_, &[a, b, c]) => Relative::Tri(a, b, c),
            (_, &[a, b]) => Relative::Uniform(a, b),
            _ => return err(format!("`{t}` is not a relative duration")),
        })
    }
}

/// A risk a rule adds, on every task it matches.
#[derive(Clone, Debug, PartialEq)]
pub struct RiskRule {
    pub id: String,
    pub name: String,
    pub chance: f64,
    pub impact: Impact,
}

/// Which tasks a rule applies to. Every given selector must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector {
    pub id: Option<String>,
    pub name: Option<String>,
    pub wbs: Option<String>,
    pub duration_min: Option<f64>,
    pub duration_max: Option<f64>,
}

/// One `[[rule]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Where its table starts, for messages.
    pub line: usize,
    pub column: usize,
    pub selector: Selector,
    pub duration: Option<Relative>,
    pub risk: Option<RiskRule>,
    pub correlate: Option<f64>,
}

/// A rules file, read and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    pub file: String,
    pub rules: Vec<Rule>,
}

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

struct Reader<'s> {
    file: &'s str,
    src: &'s str,
}

impl Reader<'_> {
    fn err(&self, span: Range<usize>, message: String, hint: &str) -> RulesError {
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

    fn check_keys(&self, t: &DeTable<'_>, known: &[&str], what: &str) -> Result<(), RulesError> {
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

    fn string(&self, v: &Spanned<DeValue<'_>>, key: &str) -> Result<String, RulesError> {
        match v.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            other => Err(self.err(
                v.span(),
                format!("`{key}` must be a string, found {}", other.type_str()),
                "put the value in double quotes",
            )),
        }
    }

    fn number(&self, v: &Spanned<DeValue<'_>>, key: &str) -> Result<f64, RulesError> {
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

    fn rule(&self, v: &Spanned<DeValue<'_>>, n: usize) -> Result<Rule, RulesError> {
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

    fn risk(&self, v: &Spanned<DeValue<'_>>, n: usize) -> Result<RiskRule, RulesError> {
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

impl Rules {
    /// Parses a rules file's text; `file` names it in errors.
    pub fn parse(src: &str, file: &str) -> Result<Rules, RulesError> {
        let r = Reader { file, src };
        let doc = DeTable::parse(src).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let mut err = r.err(
                span,
                format!("TOML syntax error: {}", e.message().trim()),
                "fix the TOML syntax (see https://toml.io)",
            );
            if err.line == 0 {
                err.line = 1;
                err.column = 1;
            }
            err
        })?;
        r.check_keys(doc.get_ref(), &["rule"], "the rules file")?;
        let mut rules = Vec::new();
        if let Some(v) = doc.get_ref().get("rule") {
            let DeValue::Array(items) = v.get_ref() else {
                return Err(r.err(
                    v.span(),
                    "`rule` must be an array of tables".into(),
                    "write each rule as a [[rule]] table",
                ));
            };
            for (i, item) in items.iter().enumerate() {
                rules.push(r.rule(item, i + 1)?);
            }
        }
        Ok(Rules {
            file: file.to_string(),
            rules,
        })
    }

    /// Reads and parses a rules file.
    pub fn read(path: &Path) -> Result<Rules, RulesError> {
        let file = path.display().to_string();
        let whole = |message: String, hint: &str| RulesError {
            file: file.clone(),
            line: 0,
            column: 0,
            message,
            value: None,
            hint: Some(hint.to_string()),
        };
        let bytes = launchcast_model::read_input(path).map_err(|e| whole(e.message, &e.help))?;
        let src = String::from_utf8(bytes).map_err(|e| {
            whole(
                format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
                "save the rules file as UTF-8",
            )
        })?;
        Rules::parse(&src, &file)
    }
}

/// What applying rules did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    /// Tasks in the model.
    pub tasks: usize,
    /// Tasks with an uncertain duration or at least one risk.
    pub uncertain: usize,
    /// Tasks a `duration` rule gave a distribution.
    pub by_duration: usize,
    /// Tasks under at least one rule's risk.
    pub by_risk: usize,
    pub risks_added: usize,
    pub correlations_added: usize,
    /// Tasks each rule matched, in rule order.
    pub matched: Vec<usize>,
    /// Rules that matched nothing, and the like.
    pub notes: Vec<String>,
}

impl fmt::Display for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {} tasks uncertain", self.uncertain, self.tasks)?;
        if self.uncertain > 0 {
            write!(
                f,
                " ({} by duration, {} by risk; {} risks, {} correlation groups)",
                self.by_duration, self.by_risk, self.risks_added, self.correlations_added
            )?;
        }
        Ok(())
    }
}

/// What a rule sees of a task.
struct Facts {
    ids: Vec<String>,
    name: String,
    wbs: String,
    planned_days: f64,
}

fn lower(s: &str) -> String {
    s.to_lowercase()
}

/// `*` any run of characters, `?` one character.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == '*')
}

fn wbs_prefix(prefix: &str, path: &str) -> bool {
    let (p, w) = (lower(prefix.trim()), lower(path));
    if p.is_empty() {
        return true;
    }
    match w.strip_prefix(&p) {
        Some(rest) => {
            rest.is_empty()
                || p.ends_with(|c: char| !c.is_alphanumeric())
                || rest.starts_with(|c: char| !c.is_alphanumeric())
        }
        None => false,
    }
}

impl Selector {
    fn matches(&self, f: &Facts) -> bool {
        if let Some(id) = &self.id {
            let id = lower(id);
            let wild = id.contains(['*', '?']);
            if !f
                .ids
                .iter()
                .any(|x| if wild { glob_match(&id, x) } else { *x == id })
            {
                return false;
            }
        }
        if let Some(n) = &self.name {
            let n = lower(n);
            let ok = if n.contains(['*', '?']) {
                glob_match(&n, &f.name)
            } else {
                f.name.contains(&n)
            };
            if !ok {
                return false;
            }
        }
        if let Some(w) = &self.wbs
            && !wbs_prefix(w, &f.wbs)
        {
            return false;
        }
        if self
            .duration_min
            .is_some_and(|lo| f.planned_days < lo - 1e-9)
        {
            return false;
        }
        if self
            .duration_max
            .is_some_and(|hi| f.planned_days > hi + 1e-9)
        {
            return false;
        }
        true
    }
}

/// The facts of each model task: from the schedule when the model was imported from it
/// (same leaf tasks, same order), else from the model alone.
fn facts(schedule: Option<&Schedule>, model: &Model) -> Vec<Facts> {
    let from_model = |t: &launchcast_model::Task| Facts {
        ids: vec![lower(&t.id)],
        name: lower(&t.name),
        wbs: String::new(),
        planned_days: t.duration.most_likely(),
    };
    let Some(s) = schedule else {
        return model.tasks.iter().map(from_model).collect();
    };
    let leaves: Vec<&crate::Task> = s.leaf_tasks().collect();
    if leaves.len() != model.tasks.len() {
        return model.tasks.iter().map(from_model).collect();
    }
    let by_uid: std::collections::HashMap<&str, &crate::Task> =
        s.tasks.iter().map(|t| (t.uid.as_str(), t)).collect();
    let p6 = matches!(s.format, Format::Xer | Format::Pmxml);
    let per_day = if s.minutes_per_day > 0.0 {
        s.minutes_per_day
    } else {
        480.0
    };
    leaves
        .iter()
        .zip(&model.tasks)
        .map(|(t, m)| {
            let mut ids = vec![lower(&t.uid), lower(&m.id)];
            let wbs = if p6 {
                // The activity id P6 shows is kept in `wbs`; the WBS path is its nodes'.
                ids.push(lower(&t.wbs));
                let mut parts = Vec::new();
                let mut p = t.parent.as_deref();
                while let Some(pu) = p {
                    let Some(node) = by_uid.get(pu) else { break };
                    parts.push(node.wbs.as_str());
                    p = node.parent.as_deref();
                    if parts.len() > s.tasks.len() {
                        break;
                    }
                }
                parts.reverse();
                parts.join(".")
            } else {
                t.wbs.clone()
            };
            let d = t.duration;
            let planned_days = d.minutes / if d.elapsed { 1440.0 } else { per_day };
            Facts {
                ids,
                name: lower(&t.name),
                wbs,
                planned_days,
            }
        })
        .collect()
}

/// Applies `rules` to `model`. `schedule`, when the model was imported from it, provides
/// the file's ids, WBS paths and planned durations for the selectors.
pub fn apply(
    rules: &Rules,
    schedule: Option<&Schedule>,
    model: &mut Model,
) -> Result<Applied, RulesError> {
    let facts = facts(schedule, model);
    let n = model.tasks.len();
    let mut applied = Applied {
        tasks: n,
        matched: vec![0; rules.rules.len()],
        ..Applied::default()
    };
    let mut has_duration = vec![false; n];
    let mut has_risk = vec![false; n];
    let mut matches: Vec<Vec<usize>> = vec![Vec::new(); rules.rules.len()];
    for (ti, f) in facts.iter().enumerate() {
        for (ri, r) in rules.rules.iter().enumerate() {
            if r.selector.matches(f) {
                matches[ri].push(ti);
            }
        }
    }
    let mut ids: std::collections::HashSet<String> = model
        .tasks
        .iter()
        .map(|t| t.id.clone())
        .chain(model.risks.iter().map(|r| r.id.clone()))
        .chain(model.plants.iter().map(|p| p.id.clone()))
        .collect();
    for (ri, r) in rules.rules.iter().enumerate() {
        let m = &matches[ri];
        applied.matched[ri] = m.len();
        if m.is_empty() {
            applied.notes.push(format!(
                "{}:{}:{}: rule {} matches no task",
                rules.file,
                r.line,
                r.column,
                ri + 1
            ));
            continue;
        }
        if let Some(rel) = &r.duration {
            for &ti in m {
                if has_duration[ti] {
                    continue;
                }
                has_duration[ti] = true;
                let t = &mut model.tasks[ti];
                t.duration = rel.of(t.duration.most_likely());
            }
        }
        if let Some(risk) = &r.risk {
            if !ids.insert(risk.id.clone()) {
                return Err(RulesError {
                    file: rules.file.clone(),
                    line: r.line,
                    column: r.column,
                    message: format!(
                        "rule {}'s risk id `{}` is already used in the model",
                        ri + 1,
                        risk.id
                    ),
                    value: Some(risk.id.clone()),
                    hint: Some("give the risk another `id`".into()),
                });
            }
            for &ti in m {
                has_risk[ti] = true;
            }
            model.risks.push(Risk {
                id: risk.id.clone(),
                name: risk.name.clone(),
                chance: risk.chance,
                tasks: m.iter().map(|&ti| model.tasks[ti].id.clone()).collect(),
                impact: risk.impact.clone(),
                disabled: false,
            });
            applied.risks_added += 1;
        }
    }
    // Correlation groups once every duration is known.
    for (ri, r) in rules.rules.iter().enumerate() {
        let Some(rho) = r.correlate else { continue };
        let items: Vec<String> = matches[ri]
            .iter()
            .filter(|&&ti| !model.tasks[ti].duration.is_fixed())
            .map(|&ti| model.tasks[ti].id.clone())
            .collect();
        if items.len() < 2 {
            if !matches[ri].is_empty() {
                applied.notes.push(format!(
                    "{}:{}:{}: rule {} correlates fewer than 2 uncertain tasks; no group made",
                    rules.file,
                    r.line,
                    r.column,
                    ri + 1
                ));
            }
            continue;
        }
        model.correlations.push(Correlation { items, rho });
        applied.correlations_added += 1;
    }
    for ti in 0..n {
        let d = !model.tasks[ti].duration.is_fixed();
        applied.by_duration += usize::from(d && has_duration[ti]);
        applied.by_risk += usize::from(has_risk[ti]);
        applied.uncertain += usize::from(d || has_risk[ti]);
    }
    Ok(applied)
}

/// The `[[correlate]]` entries of a model file, for models whose writer does not emit them.
pub fn correlations_toml(model: &Model) -> String {
    let mut o = String::new();
    for c in &model.correlations {
        let items: Vec<String> = c
            .items
            .iter()
            .map(|i| toml::Value::String(i.clone()).to_string())
            .collect();
        o.push_str(&format!(
            "\n[[correlate]]\nitems = [{}]\nrho = {:?}\n",
            items.join(", "),
            c.rho
        ));
    }
    o
}
