//! The S-curve (CDF) of the headline date, with the promised dates.

use launchcast_model::PromiseKind;

use super::{CDF_POINTS, Report, W, figure};
use crate::analysis::series::{cdf_points, earliest_and_p99};
use crate::format::percent;
use crate::render::svg::{Chart, LegendItem, Margins, REFERENCE, Swatch, colour, esc};

impl Report<'_> {
    pub(super) fn promise_dates(&self) -> Vec<(f64, String)> {
        self.first_delivery_promises()
            .into_iter()
            .map(|(_, d, name)| (d, name))
            .collect()
    }

    /// `(promise index, days from start, label)` of every first-delivery promise.
    pub(super) fn first_delivery_promises(&self) -> Vec<(usize, f64, String)> {
        self.model
            .promises
            .iter()
            .enumerate()
            .filter_map(|(k, p)| match p.kind {
                PromiseKind::FirstDeliveryBy(d) => Some((
                    k,
                    f64::from(d.days_since(self.start)),
                    format!("{} ({d})", if p.name.is_empty() { &p.id } else { &p.name }),
                )),
                _ => None,
            })
            .collect()
    }

    /// The x range of the first-delivery charts: from the earliest first delivery to the
    /// latest P99 (and every promised date), within start and horizon.
    pub(super) fn headline_range(&self) -> (f64, f64) {
        *self
            .headline_range
            .get_or_init(|| self.find_headline_range())
    }

    fn find_headline_range(&self) -> (f64, f64) {
        let horizon = self.outcomes.horizon_days.max(1.0);
        let mut lo = f64::INFINITY;
        let mut hi = f64::NEG_INFINITY;
        for &(_, _, so) in &self.scen {
            if let Some((earliest, p99)) = earliest_and_p99(&so.headline_days) {
                lo = lo.min(earliest);
                hi = hi.max(p99);
            }
        }
        for (d, _) in self.promise_dates() {
            lo = lo.min(d);
            hi = hi.max(d);
        }
        if !lo.is_finite() || !hi.is_finite() {
            return (0.0, horizon);
        }
        // A little room either side, in proportion: a six-week project gets days, not months.
        let pad = ((hi - lo) * 0.05).max(3.0);
        let lo = (lo - pad).max(0.0);
        let hi = (hi + pad).min(horizon);
        if hi > lo { (lo, hi) } else { (0.0, horizon) }
    }

    /// S-curve points per scenario: `(days, share of all iterations by then)`, at most
    /// [`CDF_POINTS`] + 2 of them, exact order statistics.
    pub(super) fn cdf_curves(&self) -> Vec<Vec<(f64, f64)>> {
        let horizon = self.outcomes.horizon_days;
        self.scen
            .iter()
            .map(|&(_, _, so)| cdf_points(&so.headline_days, horizon, CDF_POINTS))
            .collect()
    }

    pub(super) fn cdf(&self, o: &mut String) {
        let curves = self.cdf_curves();
        let (x0, x1) = self.headline_range();
        let w = self.words;
        let chart_title = if self.delivers {
            "First delivery: chance of having delivered by each date"
        } else {
            "Finish: chance of having finished by each date"
        };
        let mut c = Chart::new(
            "chart-cdf",
            chart_title,
            W,
            470.0,
            Margins(64.0, 24.0, 66.0, 52.0),
            (x0, x1),
            (0.0, 1.0),
        );
        let ticks: Vec<f64> = (0..=10).map(|k| k as f64 / 10.0).collect();
        let (y_title, x_title) = if self.delivers {
            (
                "delivered by then (all futures)",
                "date of the first delivery to a customer",
            )
        } else {
            ("finished by then (all futures)", "finish date")
        };
        c.y_axis(&ticks, &|v| format!("{:.0}%", v * 100.0), y_title);
        c.x_dates(self.start, x_title);
        for (&(i, ss, _), pts) in self.scen.iter().zip(&curves) {
            let tip = format!(
                "{}: {} by {} in {} of all futures; over those: median {}, P80 {}",
                ss.id,
                w.title,
                self.summary.horizon,
                percent(ss.first_delivery.probability),
                ss.first_delivery.p50.as_deref().unwrap_or("-"),
                ss.first_delivery.p80.as_deref().unwrap_or("-"),
            );
            c.line(pts, colour(i), 2.6, false, &tip);
        }
        // Promised dates, and where each scenario's curve crosses them.
        for (row, (pk, d, name)) in self.first_delivery_promises().into_iter().enumerate() {
            c.vline(d, &name, row);
            let mut marks: Vec<(f64, usize, f64)> = Vec::new();
            for &(i, ss, _) in &self.scen {
                // The promise's own probability (exact, every iteration).
                let p = ss.promises.get(pk).map_or(0.0, |p| p.probability);
                c.dot(
                    d,
                    p,
                    colour(i),
                    &format!("{}: {} by {}", ss.id, percent(p), self.date(d)),
                );
                marks.push((c.y.at(p), i, p));
            }
            // Value labels beside the dots, pushed apart so they never overlap.
            marks.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut last = f64::NEG_INFINITY;
            let right = c.x.at(d) > W * 0.8;
            for (py, i, p) in marks {
                let y = (py + 4.0).max(last + 14.0);
                last = y;
                let (x, anchor) = if right {
                    (c.x.at(d) - 9.0, "end")
                } else {
                    (c.x.at(d) + 9.0, "start")
                };
                c.raw(&format!(
                    r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" class="val halo">{}</text><text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" class="val" style="fill:{}">{}</text>"#,
                    esc(&percent(p)),
                    colour(i),
                    esc(&percent(p))
                ));
            }
        }
        let mut legend: Vec<LegendItem> = self.scenario_legend(Swatch::Line);
        if !self.promise_dates().is_empty() {
            legend.push(LegendItem {
                label: "promised date".to_string(),
                colour: REFERENCE.to_string(),
                kind: Swatch::Dashed,
            });
        }
        c.legend(64.0, 22.0, &legend);
        let what = if self.delivers {
            "the first car reaches a customer"
        } else {
            "the project has finished"
        };
        let how = format!(
            "each curve climbs from 0% to the chance, over all simulated futures, that {what} by the date below it: the further left and the steeper, the earlier and surer. Dashed lines are promised dates; the dots and figures beside them are each scenario's chance of keeping that promise. A curve that levels off below 100% may not {} at all before {}.",
            w.verb, self.summary.horizon
        );
        figure(
            o,
            &format!("The S-curve of the {}", w.date),
            &how,
            &c.finish(),
        );
    }
}
