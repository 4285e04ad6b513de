//! The criticality index per task.

use super::bars::BarAxis;
use super::{Report, W, figure};
use crate::format::percent;
use crate::render::svg;

impl Report<'_> {
    pub(super) fn criticality(&self, o: &mut String) {
        let title = "Criticality index: how often each task sets the date";
        let how = &format!(
            "the share of simulated futures in which the task lies on the chain of links that sets the {}. A high bar means the date waits on this task often; it says nothing about how many days the task costs (see the drivers above).",
            self.words.date
        );
        let tasks = self.top_tasks();
        if tasks.is_empty() {
            figure(
                o,
                title,
                how,
                &svg::placeholder(
                    "chart-criticality",
                    title,
                    W,
                    &format!("No task ever set the {} in this run.", self.words.date),
                ),
            );
            return;
        }
        let svg = self.task_bars(
            "chart-criticality",
            title,
            &tasks,
            &|k, t| {
                self.scen
                    .get(k)
                    .and_then(|(_, ss, _)| ss.tasks.get(t))
                    .map(|x| x.criticality)
            },
            BarAxis {
                domain: (0.0, 1.0),
                fmt: &|v| format!("{:.0}%", v * 100.0),
                value: &percent,
                label: "criticality index: share of futures in which the task is on the critical chain",
            },
        );
        figure(o, title, how, &svg);
    }
}
