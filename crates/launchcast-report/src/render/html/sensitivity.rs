//! The rank correlation of each task's duration with the headline date.

use std::collections::HashMap;

use super::bars::BarAxis;
use super::{Report, TOP_TASKS, W, figure, finite};
use crate::Sensitivity;
use crate::render::svg;

/// Each task's rank correlation in one scenario, by task id; `None` when the sensitivity
/// was not computed.
fn spearman_by_id(list: &[Sensitivity]) -> Option<HashMap<&str, f64>> {
    if list.is_empty() {
        return None;
    }
    Some(
        list.iter()
            .filter_map(|s| Some((s.id.as_str(), finite(s.spearman)?)))
            .collect(),
    )
}

impl Report<'_> {
    pub(super) fn sensitivity(&self, o: &mut String) {
        let title = "Sensitivity: rank correlation of task duration with the date";
        let w = self.words;
        let how = &format!(
            "Spearman rank correlation between a task's sampled duration and the {}, from -1 to +1: near +1, a longer task almost always means a later {}; near 0, its duration hardly matters. Different from the criticality index above, which counts how often a task is on the critical chain.",
            w.date, w.event
        );
        // By id, per scenario: a model may have 100,000 tasks.
        let by_id: Vec<Option<HashMap<&str, f64>>> = self
            .summary
            .scenarios
            .iter()
            .map(|s| spearman_by_id(&s.sensitivity))
            .collect();
        if by_id.iter().all(Option::is_none) {
            figure(
                o,
                title,
                how,
                &svg::placeholder(
                    "chart-sensitivity",
                    title,
                    W,
                    "Sensitivity (rank correlation) was not computed by this version of launchcast.",
                ),
            );
            return;
        }
        let value = |k: usize, t: usize| -> Option<f64> {
            let id = self.model.tasks.get(t)?.id.as_str();
            by_id
                .get(k)?
                .as_ref()?
                .get(id)
                .copied()
                .filter(|v| v.is_finite())
        };
        // Tasks with the largest correlation anywhere.
        let mut tasks: Vec<(usize, f64)> = (0..self.model.tasks.len())
            .map(|t| {
                let m = (0..self.scen.len())
                    .filter_map(|k| value(k, t))
                    .fold(0.0, |a: f64, v| a.max(v.abs()));
                (t, m)
            })
            .filter(|&(_, m)| m > 0.0)
            .collect();
        tasks.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        tasks.truncate(TOP_TASKS);
        let tasks: Vec<usize> = tasks.into_iter().map(|(t, _)| t).collect();
        let lo = if (0..self.scen.len())
            .any(|k| tasks.iter().any(|&t| value(k, t).is_some_and(|v| v < 0.0)))
        {
            -1.0
        } else {
            0.0
        };
        let svg = self.task_bars(
            "chart-sensitivity",
            title,
            &tasks,
            &value,
            BarAxis {
                domain: (lo, 1.0),
                fmt: &|v| format!("{v:.1}"),
                value: &|v| format!("{v:+.2}"),
                label: &format!(
                    "Spearman rank correlation of the task's duration with the {}",
                    w.date
                ),
            },
        );
        figure(o, title, how, &svg);
    }
}
