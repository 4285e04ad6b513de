//! The drivers in days (tornado).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Report, TOP_DRIVERS, W, distinct_labels, figure, finite};
use crate::Driver;
use crate::render::svg::{self, Chart, LegendItem, Margins, Swatch, colour, nice_ticks};

/// The drivers drawn for one scenario: those with an effect on the P80; `None` when the
/// drivers were not measured.
fn drawn_drivers(list: &[Driver]) -> Option<Vec<&Driver>> {
    if list.is_empty() {
        return None;
    }
    Some(
        list.iter()
            .filter(|d| finite(d.p80_days).is_some())
            .collect(),
    )
}

/// A driver's days on the P50 and P80 (0 where unknown).
fn driver_days(d: &Driver) -> (f64, f64) {
    (
        finite(d.p50_days).unwrap_or(0.0),
        finite(d.p80_days).unwrap_or(0.0),
    )
}

/// A driver's changes in promise probability, by promise id.
fn promise_changes(d: &Driver) -> Vec<(&str, f64)> {
    let by_id: BTreeMap<&str, Option<f64>> = d
        .promises
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), finite(Some(*v))))
        .collect();
    by_id
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
}

impl Report<'_> {
    pub(super) fn tornado(&self, o: &mut String) {
        let w = self.words;
        let title = &format!("Drivers of the {}, in days", w.date);
        let how = &format!(
            "each bar is the number of days a risk or an uncertain task adds to the {}: the dark bar at P80 (the P80 date with the driver minus the P80 date without it), the light bar at P50. Longest first; a risk is removed by setting its chance to 0, a task by fixing its duration at its most likely value.",
            w.date
        );
        let all: Vec<Option<Vec<&Driver>>> = self
            .summary
            .scenarios
            .iter()
            .map(|s| drawn_drivers(&s.drivers))
            .collect();
        if all.iter().all(Option::is_none) {
            figure(
                o,
                title,
                how,
                &svg::placeholder(
                    "chart-tornado",
                    title,
                    W,
                    "Drivers in days were not computed by this version of launchcast.",
                ),
            );
            return;
        }
        let mut inner = String::new();
        let mut y = 0.0;
        let bar = 28.0;
        // One shared x scale across scenarios.
        let mut lo: f64 = 0.0;
        let mut hi: f64 = 1.0;
        for d in all
            .iter()
            .flatten()
            .flat_map(|v| v.iter().take(TOP_DRIVERS))
        {
            let (p50, p80) = driver_days(d);
            lo = lo.min(p80.min(p50));
            hi = hi.max(p80.max(p50));
        }
        let xt = nice_ticks(lo, hi, 6);
        let (xa, xb) = (xt[0], *xt.last().unwrap_or(&hi));
        for (k, &(i, ss, _)) in self.scen.iter().enumerate() {
            let Some(Some(list)) = all.get(k) else {
                continue;
            };
            let mut list: Vec<&Driver> = list.clone();
            list.sort_by(|a, b| driver_days(b).1.abs().total_cmp(&driver_days(a).1.abs()));
            list.truncate(TOP_DRIVERS);
            let h = 30.0 + 50.0 + bar * list.len().max(1) as f64;
            let mut c = Chart::new(
                &format!("chart-tornado-{k}"),
                &ss.id,
                W,
                h,
                Margins(380.0, 24.0, 30.0, 50.0),
                (xa, xb),
                (list.len().max(1) as f64, 0.0),
            );
            c.x_linear(
                &xt,
                &|v| format!("{v:+.0}").replace("+0", "0"),
                &format!("days added to the {}", w.date),
            );
            c.raw(&format!(
                r#"<rect x="8" y="8" width="8" height="13" fill="{}"/>"#,
                colour(i)
            ));
            c.text(22.0, 19.0, "start", "ttl", &ss.id);
            if list.is_empty() {
                c.text(380.0, 50.0, "start", "lab", "no driver moves the date");
            }
            let labels = distinct_labels(
                &list
                    .iter()
                    .map(|d| (self.item_name(Some(d.kind), &d.id), d.id.clone()))
                    .collect::<Vec<_>>(),
                44,
            );
            for (r, (d, label)) in list.iter().zip(labels).enumerate() {
                let r = r as f64;
                let name = self.task_name(&d.id);
                let (p50, p80) = driver_days(d);
                let kind = d.kind.as_str();
                let mut tip = format!("{name} ({kind}): P80 {p80:+.1} days, P50 {p50:+.1} days");
                for (p, v) in promise_changes(d) {
                    let _ = write!(tip, "; {p} {:+.1} points", v * 100.0);
                }
                c.rect((0.0, p80), (r + 0.12, r + 0.62), colour(i), 1.0, &tip);
                c.rect((0.0, p50), (r + 0.62, r + 0.88), colour(i), 0.4, &tip);
                let py = c.y.at(r + 0.5) + 4.0;
                let label = format!("{label} ({kind})");
                c.text(372.0, py, "end", "lab", &label);
                let vx = c.x.at(p80.max(p50).max(0.0)) + 5.0;
                c.text(vx, py, "start", "val", &format!("{p80:+.0} d"));
            }
            inner.push_str(&c.panel(0.0, y));
            y += h;
        }
        let mut legend = Chart::new(
            "chart-tornado-legend",
            "",
            W,
            30.0,
            Margins(0.0, 0.0, 0.0, 0.0),
            (0.0, 1.0),
            (0.0, 1.0),
        );
        legend.legend(
            380.0,
            20.0,
            &[
                LegendItem {
                    label: "effect on the P80 date".to_string(),
                    colour: "#555".to_string(),
                    kind: Swatch::Bar,
                },
                LegendItem {
                    label: "effect on the P50 date".to_string(),
                    colour: "#bbb".to_string(),
                    kind: Swatch::Bar,
                },
            ],
        );
        inner.push_str(&legend.panel(0.0, y));
        figure(
            o,
            title,
            how,
            &svg::group("chart-tornado", title, W, y + 30.0, &inner),
        );
    }
}
