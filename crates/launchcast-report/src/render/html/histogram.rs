//! The histogram of the headline date, on calendar bins.

use launchcast_model::Date;

use super::{Report, W, day_of, figure};
use crate::analysis::series::{bin_shares, month_start};
use crate::format::percent;
use crate::render::svg::{self, Chart, Margins, colour, nice_ticks};

/// Most bins a histogram gets on a calendar boundary before the next coarser unit is used.
const MAX_BINS: f64 = 62.0;

/// Histogram bin edges (days from `start`) covering `[x0, x1]` on calendar boundaries, the
/// unit fit to the span: days up to [`MAX_BINS`] days, weeks (from Mondays) up to as many
/// weeks, months up to 60 months, quarters beyond; and the unit's name.
fn histogram_edges(start: Date, x0: f64, x1: f64) -> (Vec<f64>, &'static str) {
    // Enough for any horizon the model allows, and a bound whatever the input.
    const MAX_EDGES: usize = 4000;
    let span = x1 - x0;
    let mut edges: Vec<f64> = Vec::new();
    if !x0.is_finite() || !x1.is_finite() {
        return (edges, "day");
    }
    if span <= MAX_BINS * 7.0 {
        let (step, unit) = if span <= MAX_BINS {
            (1i64, "day")
        } else {
            (7, "week")
        };
        let mut k = x0.floor() as i64;
        if step == 7 {
            // Back to a Monday (1970-01-05, day 4 of the epoch, was one).
            k -= (i64::from(start.days_since_epoch()) + k - 4).rem_euclid(7);
        }
        loop {
            edges.push(k as f64);
            if k as f64 > x1 || edges.len() >= MAX_EDGES {
                break;
            }
            k += step;
        }
        return (edges, unit);
    }
    let (step, unit) = if span / 30.44 <= 60.0 {
        (1, "month")
    } else {
        (3, "quarter")
    };
    if let Some((y, m, _)) = day_of(start, x0).map(|d| d.ymd()) {
        let mut k = i64::from(y) * 12 + i64::from(m) - 1;
        k -= k.rem_euclid(step);
        loop {
            let d = month_start(
                start,
                k.div_euclid(12) as i32,
                (k.rem_euclid(12) + 1) as u32,
            );
            edges.push(d);
            if d > x1 || edges.len() >= MAX_EDGES {
                break;
            }
            k += step;
        }
    }
    (edges, unit)
}

impl Report<'_> {
    pub(super) fn histogram(&self, o: &mut String) {
        let (x0, x1) = self.headline_range();
        let (edges, unit) = histogram_edges(self.start, x0, x1);
        let n_iter = self.summary.iterations.max(1) as f64;
        let mut shares: Vec<Vec<f64>> = Vec::new();
        for &(_, _, so) in &self.scen {
            shares.push(bin_shares(&so.headline_days, &edges, n_iter));
        }
        let ymax = shares
            .iter()
            .flatten()
            .copied()
            .fold(0.0, f64::max)
            .max(0.01);
        let yticks = nice_ticks(0.0, ymax, 3);
        let ytop = *yticks.last().unwrap_or(&ymax);
        let panel_h = 150.0;
        let mut inner = String::new();
        let promises = self.promise_dates();
        let n_rows = self.scen.len();
        let w = self.words;
        for (row, (&(i, ss, _), sh)) in self.scen.iter().zip(&shares).enumerate() {
            let mut c = Chart::new(
                &format!("chart-histogram-{row}"),
                &ss.id,
                W,
                panel_h,
                Margins(64.0, 24.0, 28.0, 38.0),
                (
                    edges.first().copied().unwrap_or(x0),
                    edges.last().copied().unwrap_or(x1),
                ),
                (0.0, ytop),
            );
            let fmt = |v: f64| {
                if ytop < 0.02 {
                    format!("{:.1}%", v * 100.0)
                } else {
                    format!("{:.0}%", v * 100.0)
                }
            };
            c.y_axis(&yticks, &fmt, if row == 0 { "share" } else { "" });
            let xlabel = if row + 1 == n_rows {
                format!("{} (bars: one per {unit})", w.date)
            } else {
                String::new()
            };
            c.x_dates(self.start, &xlabel);
            for (k, &s) in sh.iter().enumerate() {
                if s > 0.0 {
                    let (a, b) = (edges[k], edges[k + 1]);
                    let when = if b - a <= 1.0 {
                        format!("on {}", self.date(a))
                    } else {
                        format!("from {} to {}", self.date(a), self.date(b - 1.0))
                    };
                    let gap = (b - a) * 0.05;
                    c.rect(
                        (a + gap, b - gap),
                        (0.0, s),
                        colour(i),
                        0.9,
                        &format!("{}: {} of all futures {when}", ss.id, percent(s)),
                    );
                }
            }
            for (d, _) in &promises {
                c.vline(*d, "", 0);
            }
            let never = 1.0 - ss.first_delivery.probability;
            c.text(
                64.0,
                18.0,
                "start",
                "ttl",
                &format!(
                    "{} · median {} (of the futures that {}) · none by {}: {} of all futures",
                    ss.id,
                    ss.first_delivery.p50.as_deref().unwrap_or("-"),
                    w.verb,
                    self.summary.horizon,
                    percent(never)
                ),
            );
            c.raw(&format!(
                r#"<rect x="52" y="7" width="8" height="13" fill="{}"/>"#,
                colour(i)
            ));
            inner.push_str(&c.panel(0.0, row as f64 * panel_h));
        }
        let svg = svg::group(
            "chart-histogram",
            &format!("{}: how the date is spread", w.title),
            W,
            panel_h * n_rows.max(1) as f64,
            &inner,
        );
        let how = format!(
            "one row per scenario; each bar is the share of all simulated futures whose {} falls in that {unit} (all rows on the same scale). A tall narrow hump means a predictable date, a wide flat one an uncertain date. Dashed lines are promised dates.",
            w.event
        );
        figure(o, &format!("Histogram of the {}", w.date), &how, &svg);
    }
}
