//! A deterministic forward pass over a [`Model`]: every duration at its most likely value,
//! every chance taken as success, no risks, in calendar days (calendars and the program's
//! start time are ignored: use it for calendar-free models, e.g. PSPLIB). The engine's
//! `Plan::deterministic` is the authority for simulation.

use launchcast_model::{Link, LinkKind, Model};

/// Start and finish of each task, days from `program.start`, indexed like `model.tasks`.
/// `None` for a task that never happens (disabled, or waiting on one that never happens,
/// or on a failure that is never reported). Errors with the id of a task on a cycle.
pub(crate) fn forward_pass(model: &Model) -> Result<Vec<Option<(f64, f64)>>, String> {
    let n = model.tasks.len();
    let index: std::collections::HashMap<&str, usize> = model
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    // Predecessor lists by index, and successor adjacency for Kahn's algorithm.
    let mut indegree = vec![0usize; n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, t) in model.tasks.iter().enumerate() {
        let preds = t
            .after
            .iter()
            .chain(&t.after_any)
            .map(|l| l.task.as_str())
            .chain(t.after_failure.iter().map(String::as_str));
        for p in preds {
            let Some(&j) = index.get(p) else {
                return Err(format!("task `{}` follows unknown task `{p}`", t.id));
            };
            succs[j].push(i);
            indegree[i] += 1;
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut stack: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).rev().collect();
    while let Some(i) = stack.pop() {
        order.push(i);
        for &s in &succs[i] {
            indegree[s] -= 1;
            if indegree[s] == 0 {
                stack.push(s);
            }
        }
    }
    if order.len() < n {
        let on_cycle = (0..n).find(|&i| indegree[i] > 0).unwrap_or(0);
        return Err(format!(
            "links form a cycle through task `{}`",
            model.tasks.get(on_cycle).map_or("", |t| t.id.as_str())
        ));
    }
    let start0 = model.program.start;
    let mut dates: Vec<Option<(f64, f64)>> = vec![None; n];
    let bound = |l: &Link, d: f64, dates: &[Option<(f64, f64)>]| -> Option<f64> {
        let j = *index.get(l.task.as_str())?;
        let (ps, pf) = dates[j]?;
        Some(match l.kind {
            LinkKind::FinishToStart => pf + l.lag,
            LinkKind::StartToStart => ps + l.lag,
            LinkKind::FinishToFinish => pf + l.lag - d,
            LinkKind::StartToFinish => ps + l.lag - d,
        })
    };
    for i in order {
        let t = &model.tasks[i];
        if t.disabled || !t.after_failure.is_empty() {
            continue;
        }
        let d = t.duration.most_likely().max(0.0);
        let mut start = t
            .not_before
            .map_or(0.0, |nb| f64::from(nb.days_since(start0)))
            .max(0.0);
        let mut ok = true;
        for l in &t.after {
            match bound(l, d, &dates) {
                Some(b) => start = start.max(b),
                None => ok = false,
            }
        }
        if !t.after_any.is_empty() {
            match t
                .after_any
                .iter()
                .filter_map(|l| bound(l, d, &dates))
                .reduce(f64::min)
            {
                Some(b) => start = start.max(b),
                None => ok = false,
            }
        }
        if ok {
            dates[i] = Some((start, start + d));
        }
    }
    Ok(dates)
}

/// The latest finish over all tasks that happen, days from `program.start` (0 if none).
pub(crate) fn finish_days(model: &Model) -> Result<f64, String> {
    Ok(forward_pass(model)?
        .iter()
        .flatten()
        .map(|&(_, f)| f)
        .fold(0.0, f64::max))
}
