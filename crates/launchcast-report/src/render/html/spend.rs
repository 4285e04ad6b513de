//! Cumulative spend against the budget.

use launchcast_model::PromiseKind;

use super::{Report, W, figure};
use crate::analysis::series::Fan;
use crate::format::{money_in, si};
use crate::render::svg::{Chart, LegendItem, Margins, REFERENCE, Swatch, colour, nice_ticks};

impl Report<'_> {
    pub(super) fn spend(&self, o: &mut String) {
        let fans = self.spend_fans();
        let budgets: Vec<(f64, f64, String)> = self
            .model
            .promises
            .iter()
            .filter_map(|p| match p.kind {
                PromiseKind::SpendBy { date, at_most } => Some((
                    f64::from(date.days_since(self.start)),
                    at_most,
                    format!("budget: {} by {date}", money_in(at_most, self.currency)),
                )),
                _ => None,
            })
            .collect();
        let ymax = fans
            .iter()
            .map(Fan::max)
            .chain(budgets.iter().map(|b| b.1))
            .fold(0.0, f64::max)
            .max(1.0);
        let yticks = nice_ticks(0.0, ymax * 1.04, 5);
        let ytop = *yticks.last().unwrap_or(&ymax);
        let x1 = self.outcomes.horizon_days.max(1.0);
        let mut c = Chart::new(
            "chart-spend",
            "Cumulative spend against the budget",
            W,
            450.0,
            Margins(72.0, 24.0, 60.0, 52.0),
            (0.0, x1),
            (0.0, ytop),
        );
        let cur = self.currency;
        c.y_axis(
            &yticks,
            &si,
            &if cur.is_empty() {
                "cumulative spend".to_string()
            } else {
                format!("cumulative spend ({cur})")
            },
        );
        c.x_dates(self.start, "date");
        for (&(i, ss, _), fan) in self.scen.iter().zip(fans) {
            c.band(
                &fan.xs,
                &fan.p10,
                &fan.p90,
                colour(i),
                0.13,
                &format!("{}: P10 to P90", ss.id),
            );
        }
        for (&(i, ss, _), fan) in self.scen.iter().zip(fans) {
            let last = fan.p50.last().copied().unwrap_or(0.0);
            c.line(
                &fan.xs
                    .iter()
                    .copied()
                    .zip(fan.p50.iter().copied())
                    .collect::<Vec<_>>(),
                colour(i),
                2.4,
                false,
                &format!(
                    "{}: median {} by {}",
                    ss.id,
                    money_in(last, cur),
                    self.summary.horizon
                ),
            );
        }
        for (d, amount, label) in &budgets {
            c.hline(*amount, 0.0, *d, label);
            c.vline(*d, "", 0);
            c.dot(*d, *amount, REFERENCE, label);
        }
        let mut legend: Vec<LegendItem> = self.scenario_legend(Swatch::Band);
        if !budgets.is_empty() {
            legend.push(LegendItem {
                label: "budget (promise)".to_string(),
                colour: REFERENCE.to_string(),
                kind: Swatch::Dashed,
            });
        }
        c.legend(72.0, 22.0, &legend);
        let how = format!(
            "money spent since {} ({}): the line is the median, the shaded band holds 8 out of 10 simulated futures. Where a band reaches the dashed budget line before its date, the budget is at risk in that scenario.",
            self.summary.start,
            if cur.is_empty() {
                "currency units"
            } else {
                cur
            }
        );
        figure(o, "Cumulative spend against the budget", &how, &c.finish());
    }
}
