//! Grouped horizontal bars per task, one per scenario: the form of the criticality and
//! sensitivity charts.

use super::{Report, TOP_TASKS, W, distinct_labels};
use crate::render::svg::{Chart, LegendItem, Margins, Swatch, colour, nice_ticks};

/// The value axis of a bar chart: its range, tick format and title.
pub(super) struct BarAxis<'a> {
    pub(super) domain: (f64, f64),
    /// Tick labels.
    pub(super) fmt: &'a dyn Fn(f64) -> String,
    /// A bar's value in its tooltip (exact where the ticks are round).
    pub(super) value: &'a dyn Fn(f64) -> String,
    pub(super) label: &'a str,
}

impl Report<'_> {
    /// Tasks worth showing: the most critical over all scenarios.
    pub(super) fn top_tasks(&self) -> Vec<usize> {
        let n = self.model.tasks.len();
        let mut idx: Vec<(usize, f64)> = (0..n)
            .map(|t| {
                let m = self
                    .scen
                    .iter()
                    .filter_map(|(_, ss, _)| ss.tasks.get(t).map(|x| x.criticality))
                    .fold(0.0, f64::max);
                (t, m)
            })
            .filter(|&(_, m)| m > 0.0)
            .collect();
        idx.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        idx.truncate(TOP_TASKS);
        idx.into_iter().map(|(t, _)| t).collect()
    }

    /// Horizontal grouped bars: one row per task, one bar per scenario.
    pub(super) fn task_bars(
        &self,
        id: &str,
        title: &str,
        tasks: &[usize],
        value: &dyn Fn(usize, usize) -> Option<f64>,
        axis: BarAxis,
    ) -> String {
        let BarAxis {
            domain,
            fmt,
            value: shown,
            label: axis,
        } = axis;
        let ns = self.scen.len().max(1) as f64;
        let bar = 9.0;
        let row_h = ns * bar + 12.0;
        let h = 50.0 + 52.0 + row_h * tasks.len().max(1) as f64;
        let mut c = Chart::new(
            id,
            title,
            W,
            h,
            Margins(380.0, 60.0, 50.0, 52.0),
            domain,
            (tasks.len().max(1) as f64, 0.0),
        );
        let ticks = nice_ticks(domain.0, domain.1, 8);
        c.x_linear(&ticks, fmt, axis);
        let (slot, pad) = (bar / row_h, 6.0 / row_h);
        let labels = distinct_labels(
            &tasks
                .iter()
                .map(|&t| {
                    self.model
                        .tasks
                        .get(t)
                        .map_or_else(Default::default, |t| (t.name.clone(), t.id.clone()))
                })
                .collect::<Vec<_>>(),
            52,
        );
        for (r, (&t, label)) in tasks.iter().zip(labels).enumerate() {
            let r = r as f64;
            let tid = self.model.tasks.get(t).map_or("", |t| t.id.as_str());
            c.text(372.0, c.y.at(r + 0.5) + 4.0, "end", "lab", &label);
            for (k, &(i, ss, _)) in self.scen.iter().enumerate() {
                let Some(v) = value(k, t).filter(|&v| v != 0.0) else {
                    continue;
                };
                let y0 = r + pad + k as f64 * slot;
                c.rect(
                    (0.0, v),
                    (y0, y0 + slot * 0.85),
                    colour(i),
                    1.0,
                    &format!("{} · {}: {}", ss.id, tid, shown(v)),
                );
            }
        }
        let legend: Vec<LegendItem> = self.scenario_legend(Swatch::Bar);
        c.legend(380.0, 22.0, &legend);
        c.finish()
    }
}
