//! Uncertainty rules: reading a rules file ([`Rules`], whose documentation gives the format)
//! and applying it to an imported model ([`apply`]).

use std::fmt;
use std::path::Path;

use launchcast_model::{Dist, Impact};

mod apply;
mod read;

pub use apply::{Applied, apply, correlations_toml};

/// A mistake in a rules file, with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct RulesError {
    /// The rules file as named in messages.
    pub file: String,
    /// 1-based; 0 when the error concerns the whole file.
    pub line: usize,
    /// 1-based column, in characters (0 with `line`).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// The offending value as written, if there is one.
    pub value: Option<String>,
    /// How to fix it.
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
    /// `p%`: always this factor.
    Fixed(f64),
    /// `pert(a%, b%, c%)`: min, most likely, max factors.
    Pert(f64, f64, f64),
    /// `tri(a%, b%, c%)`: min, most likely, max factors.
    Tri(f64, f64, f64),
    /// `uniform(a%, b%)`: min and max factors.
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
    /// The risk's id in the model (prefixed for an include).
    pub id: String,
    /// For people; the id if not given.
    pub name: String,
    /// Probability that it happens in an iteration.
    pub chance: f64,
    /// What it does to every task the rule matches.
    pub impact: Impact,
}

/// Which tasks a rule applies to. Every given selector must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector {
    /// The task's id: exact or glob (`*`, `?`), case-insensitive.
    pub id: Option<String>,
    /// The task's name: glob, or else a substring, case-insensitive.
    pub name: Option<String>,
    /// A prefix of the task's WBS path, by whole segments.
    pub wbs: Option<String>,
    /// Least planned duration, in days (inclusive).
    pub duration_min: Option<f64>,
    /// Greatest planned duration, in days (inclusive).
    pub duration_max: Option<f64>,
}

/// One `[[rule]]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Where its table starts, for messages.
    pub line: usize,
    /// 1-based column of the rule's table (see `line`).
    pub column: usize,
    /// Which tasks it applies to.
    pub selector: Selector,
    /// The duration it gives them, relative to their planned duration.
    pub duration: Option<Relative>,
    /// The risk it adds on them.
    pub risk: Option<RiskRule>,
    /// Their rank correlation, as one `[[correlate]]` group.
    pub correlate: Option<f64>,
}

/// A rules file, read and checked. Uncertainty rules: a small TOML file that turns the fixed durations of an imported
/// schedule into distributions, adds risks and correlation groups.
///
/// ```toml
/// # Every rule has selectors (all must hold; none at all matches every task) and at least
/// # one of `duration`, `risk`, `correlate`.
/// [[rule]]
/// wbs = "1.2"                          # WBS path prefix, by whole segments: 1.2, 1.2.3, not 1.20
/// duration = "pert(90%, 100%, 140%)"   # relative to each task's planned duration
///
/// [[rule]]
/// name = "*permit*"                    # glob (* ?) or, without wildcards, a substring
/// risk = { id = "permit_refused", chance = 0.2, delay = "tri(1mo, 2mo, 6mo)" }
///
/// [[rule]]
/// id = "A1*"                           # task id: exact or glob
/// duration_min = 10                    # planned duration in days, inclusive
/// duration_max = 60
/// duration = "tri(95%, 100%, 130%)"
/// correlate = 0.5                      # the matched uncertain tasks, rank-correlated
///
/// [[rule]]                             # no selector: every task not matched above
/// duration = "uniform(95%, 110%)"
/// ```
///
/// - **Selectors** (case-insensitive): `id` matches the file's task id (MSPDI/MPX `UID`,
///   XER `task_id`, PSPLIB job number), the activity id P6 shows (`task_code`) and the
///   model id (`t123`); `name` is a glob when it holds `*` or `?`, else a substring;
///   `wbs` is a prefix of the WBS path (MSPDI and MPX: the task's WBS code; XER and PMXML:
///   the WBS codes from the root down to the activity's WBS node, joined by `.`);
///   `duration_min` / `duration_max` bound the planned duration as the file states it, in
///   days (working days for working-time durations: a 5-day task in MS Project is 5).
/// - **`duration`**: `pert(a%, b%, c%)`, `tri(a%, b%, c%)`, `uniform(a%, b%)` or a single
///   `p%`, each a percentage of the task's duration in the model (calendar days: a task of
///   5 working days over a weekend lasts 7), turned into absolute days per task. For
///   durations the **first matching rule wins**; later rules with a `duration` do not apply
///   to a task already given one. Tasks of zero duration (milestones, finished work) stay 0.
/// - **`risk`**: a table like a model `[[risk]]` without `tasks`: `id` (default `rule_N`),
///   optional `name`, `chance`, and exactly one of `delay` (a duration distribution, added),
///   `scale` (a number distribution, multiplies) or `fail = true`. Every rule's risk applies
///   to every task it matches (one `[[risk]]` per rule, shared impact).
/// - **`correlate`**: a rank correlation in [0, 1]; the tasks the rule matches that end up
///   with an uncertain duration form one `[[correlate]]` group.
/// - Tasks no rule gives a duration or risk stay fixed; [`Applied`] says how many are
///   uncertain.
///
/// A rules file is read as a model file is ([`launchcast_model::toml_reader`]): unknown keys
/// with the nearest known one suggested, wrong types and syntax errors worded alike. Errors
/// name the file, line and column, the offending value and a hint ([`RulesError`]): the
/// first problem in reading order.
#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    /// The file as named in messages.
    pub file: String,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
}

impl Rules {
    /// Parses a rules file's text; `file` names it in errors.
    pub fn parse(src: &str, file: &str) -> Result<Rules, RulesError> {
        Ok(Rules {
            file: file.to_string(),
            rules: read::rules(src, file)?,
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
