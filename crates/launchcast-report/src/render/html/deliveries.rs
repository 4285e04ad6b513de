//! Deliveries per month as a P10/P50/P90 fan chart.

use super::{Report, W, figure};
use crate::analysis::series::{Fan, deliveries_fan, has_months};
use crate::format::{group_thousands, si};
use crate::render::svg::{self, Chart, LegendItem, Margins, Swatch, colour, nice_ticks};

impl Report<'_> {
    pub(super) fn deliveries(&self, o: &mut String) {
        let fans: Vec<Fan> = self
            .scen
            .iter()
            .map(|&(_, ss, so)| deliveries_fan(self.model, self.outcomes, so, ss))
            .collect();
        let monthly = self
            .scen
            .iter()
            .all(|&(_, _, so)| has_months(self.outcomes, so));
        let per = if monthly { "month" } else { "year" };
        let ymax = fans.iter().map(Fan::max).fold(0.0, f64::max).max(1.0);
        let yticks = nice_ticks(0.0, ymax, 4);
        let ytop = *yticks.last().unwrap_or(&ymax);
        let cols = if self.scen.len() > 1 { 2 } else { 1 };
        let pw = W / cols as f64;
        let ph = 250.0;
        let top = 34.0;
        let mut inner = String::new();
        let x1 = self.outcomes.horizon_days.max(1.0);
        // Start where the first scenario starts delivering, less a little.
        let x0 = self
            .scen
            .iter()
            .filter_map(|(_, ss, _)| ss.first_delivery.p10_days)
            .fold(f64::INFINITY, f64::min);
        let x0 = if x0.is_finite() {
            (x0 - 180.0).max(0.0)
        } else {
            0.0
        };
        for (k, (&(i, ss, _), fan)) in self.scen.iter().zip(&fans).enumerate() {
            let (col, row) = (k % cols, k / cols);
            let mut c = Chart::new(
                &format!("chart-deliveries-{k}"),
                &ss.id,
                pw,
                ph,
                Margins(64.0, 18.0, 30.0, 46.0),
                (x0, x1),
                (0.0, ytop),
            );
            c.y_axis(&yticks, &si, &format!("cars per {per}"));
            c.x_dates(self.start, "");
            c.band(
                &fan.xs,
                &fan.p10,
                &fan.p90,
                colour(i),
                0.28,
                &format!("{}: P10 to P90 cars per {per}", ss.id),
            );
            c.line(
                &fan.xs
                    .iter()
                    .copied()
                    .zip(fan.p50.iter().copied())
                    .collect::<Vec<_>>(),
                colour(i),
                2.4,
                false,
                &format!("{}: median cars per {per}", ss.id),
            );
            c.raw(&format!(
                r#"<rect x="52" y="8" width="8" height="13" fill="{}"/>"#,
                colour(i)
            ));
            let peak = fan.p50.iter().copied().fold(0.0, f64::max);
            let headline = if peak > 0.0 {
                format!(
                    "{} · median peaks at {} cars per {per}",
                    ss.id,
                    group_thousands(peak)
                )
            } else {
                format!(
                    "{} · median 0: in half the futures or more, no car is delivered",
                    ss.id
                )
            };
            c.text(64.0, 19.0, "start", "ttl", &headline);
            inner.push_str(&c.panel(col as f64 * pw, top + row as f64 * ph));
        }
        let rows = self.scen.len().div_ceil(cols);
        let mut legend = Chart::new(
            "chart-deliveries-legend",
            "",
            W,
            top,
            Margins(0.0, 0.0, 0.0, 0.0),
            (0.0, 1.0),
            (0.0, 1.0),
        );
        legend.legend(
            64.0,
            20.0,
            &[
                LegendItem {
                    label: "median (P50)".to_string(),
                    colour: "#555".to_string(),
                    kind: Swatch::Line,
                },
                LegendItem {
                    label: "8 in 10 futures fall in the band (P10 to P90)".to_string(),
                    colour: "#555".to_string(),
                    kind: Swatch::Band,
                },
            ],
        );
        inner.push_str(&legend.panel(0.0, 0.0));
        let svg = svg::group(
            "chart-deliveries",
            &format!("Cars delivered per {per}"),
            W,
            top + ph * rows.max(1) as f64,
            &inner,
        );
        let mut how = format!(
            "one panel per scenario, all on the same scale: the line is the median number of cars delivered per {per}, the shaded band holds 8 out of 10 simulated futures."
        );
        if !monthly {
            how.push_str(" Yearly figures: this run kept no monthly values.");
        }
        figure(o, &format!("Deliveries per {per} (fan chart)"), &how, &svg);
    }
}
