//! Applying rules to an imported model: durations, risks and correlation groups.

use std::fmt;

use launchcast_model::{Correlation, Model, Risk};

use super::*;
use crate::schedule::{Format, Schedule};

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
    /// Risks added to the model (one per rule with a risk that matched).
    pub risks_added: usize,
    /// Correlation groups added to the model.
    pub correlations_added: usize,
    /// Tasks each rule matched, in rule order.
    pub matched: Vec<usize>,
    /// Rules that matched nothing, and the like.
    pub notes: Vec<String>,
}

impl Applied {
    /// What a model imported without rules holds: its tasks, and those whose duration is
    /// not fixed.
    pub fn without_rules(model: &launchcast_model::Model) -> Applied {
        Applied {
            tasks: model.tasks.len(),
            uncertain: model
                .tasks
                .iter()
                .filter(|t| !t.duration.is_fixed())
                .count(),
            ..Applied::default()
        }
    }
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
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs_match_any_run_and_one_character() {
        assert!(glob_match("a*c", "abbbc") && glob_match("a?c", "abc") && glob_match("*", ""));
        assert!(!glob_match("a*c", "abcd") && !glob_match("a?c", "ac"));
    }
}
