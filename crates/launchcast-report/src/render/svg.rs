//! A small SVG chart kit for the HTML report: linear and calendar-date axes with "nice"
//! ticks, line and band series, bars, reference lines with labels and legends. Every chart
//! is one `<svg>` element with a `viewBox`, so it scales with the page and prints sharply.
//! All text that reaches the markup goes through [`esc`].

use std::fmt::Write as _;

use launchcast_model::Date;

/// Colour-blind-safe scenario colours (Okabe & Ito), in scenario order; repeated beyond
/// eight scenarios.
pub(crate) const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#8C6D00", "#555555",
];

/// Colour of scenario `i` (of a series `i`, wherever launchcast draws one).
pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Colour of the reference lines (promises, budgets): near-black, distinct from every
/// scenario colour.
pub(crate) const REFERENCE: &str = "#222222";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Escapes text for HTML and SVG content and attribute values (and blanks control and
/// bidirectional characters).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters (C0 but newline and tab, DEL, C1) and the two code points
            // XML forbids would make the page invalid; bidirectional overrides would let a
            // name reorder the text around it.
            c if (c.is_control() && c != '\n' && c != '\t')
                || matches!(
                    c,
                    '\u{fffe}' | '\u{ffff}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                ) =>
            {
                out.push(' ')
            }
            c => out.push(c),
        }
    }
    out
}

/// A coordinate for the markup: one decimal, no `-0`.
fn n(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0 + 0.0;
    if r == r.trunc() {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// "Nice" round step (1, 2 or 5 × 10^k) giving about `target` intervals over `span`.
pub(crate) fn nice_step(span: f64, target: usize) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// Round tick values covering `[lo, hi]`: the domain is widened to whole steps.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let step = nice_step(hi - lo, target);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let count = ((last - first) as usize).min(200);
    // Rounded to the step's decimals, so that 3 × 0.2 is 0.6.
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    (0..=count)
        .map(|i| {
            let v = (first + i as f64) * step;
            format!("{v:.decimals$}").parse().unwrap_or(v)
        })
        .collect()
}

/// `Jul 2024`.
pub(crate) fn month_year(d: Date) -> String {
    let (y, m, _) = d.ymd();
    format!("{} {y}", MONTHS[(m as usize).saturating_sub(1).min(11)])
}

/// Spans up to this many days get ticks on days or weeks rather than on months.
const DAY_TICKS: f64 = 120.0;

/// Calendar ticks between `d0` and `d1` days after `start`: the first days of months,
/// spaced 1, 2, 3, 6, 12, 24, 60 or 120 months apart so that at most `max` ticks fit; over
/// a short span (up to [`DAY_TICKS`] days), days 1 or 2 days apart or Mondays 1, 2 or 4
/// weeks apart. Returns `(days after start, label)`; yearly ticks are labelled `2025`,
/// monthly ones `Jul 2024` (`Jul` when the year was already named by a tick to its left),
/// daily ones `4 Jul 2024` (`11 Jul` likewise).
pub(crate) fn date_ticks(start: Date, d0: f64, d1: f64, max: usize) -> Vec<(f64, String)> {
    if d1 - d0 <= DAY_TICKS {
        let ticks = day_ticks(start, d0, d1, max);
        if ticks.len() >= 2 {
            return ticks;
        }
    }
    let Some(a) = start.add_days(d0) else {
        return Vec::new();
    };
    let Some(b) = start.add_days(d1) else {
        return Vec::new();
    };
    let (ay, am, _) = a.ymd();
    let (by, bm, _) = b.ymd();
    let first = i64::from(ay) * 12 + i64::from(am) - 1;
    let last = i64::from(by) * 12 + i64::from(bm) - 1;
    let span = (last - first + 1).max(1);
    let step = [1i64, 2, 3, 6, 12, 24, 60, 120]
        .into_iter()
        .find(|s| span / s < max.max(2) as i64)
        .unwrap_or(240);
    let mut out = Vec::new();
    let mut k = first.div_euclid(step) * step;
    let mut named_year = None;
    while k <= last + 1 {
        let (y, m) = (k.div_euclid(12) as i32, (k.rem_euclid(12) + 1) as u32);
        if let Some(d) = Date::from_ymd(y, m, 1) {
            let days = f64::from(d.days_since(start));
            if days >= d0 - 1e-9 && days <= d1 + 1e-9 {
                let label = if step >= 12 {
                    y.to_string()
                } else if named_year == Some(y) {
                    MONTHS[m as usize - 1].to_string()
                } else {
                    month_year(d)
                };
                named_year = Some(y);
                out.push((days, label));
            }
        }
        k += step;
    }
    out
}

/// Ticks on days (1 or 2 apart) or Mondays (1, 2 or 4 weeks apart) between `d0` and `d1`
/// days after `start`, at most `max` of them.
fn day_ticks(start: Date, d0: f64, d1: f64, max: usize) -> Vec<(f64, String)> {
    let (first, last) = (d0.ceil() as i64, d1.floor() as i64);
    let span = (last - first + 1).max(1);
    let Some(step) = [1i64, 2, 7, 14, 28]
        .into_iter()
        .find(|s| span / s < max.max(2) as i64)
    else {
        return Vec::new();
    };
    let mut k = first;
    if step >= 7 {
        // Forward to a Monday (1970-01-05, day 4 of the epoch, was one).
        k += (4 - i64::from(start.days_since_epoch()) - k).rem_euclid(7);
    }
    let mut out = Vec::new();
    let mut named_year = None;
    while k <= last {
        if let Some(d) = start.add_days(k as f64) {
            let (y, m, day) = d.ymd();
            let month = MONTHS[(m as usize).saturating_sub(1).min(11)];
            let label = if named_year == Some(y) {
                format!("{day} {month}")
            } else {
                format!("{day} {month} {y}")
            };
            named_year = Some(y);
            out.push((k as f64, label));
        }
        k += step;
    }
    out
}

/// A linear map from a data interval to a pixel interval.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    pub(crate) fn at(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 {
            return self.r0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }
}

/// One entry of a legend.
pub(crate) struct LegendItem {
    pub label: String,
    pub colour: String,
    pub kind: Swatch,
}

#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    Line,
    Dashed,
    Band,
    Bar,
}

/// One chart under construction: a plot area inside margins, an x and a y scale, and the
/// markup drawn so far. [`Chart::finish`] wraps it in its `<svg>` element.
pub(crate) struct Chart {
    id: String,
    title: String,
    pub width: f64,
    pub height: f64,
    pub x: Scale,
    pub y: Scale,
    body: String,
    clipped: String,
    over: String,
}

/// Pixels around the plot area: left, right, top, bottom.
pub(crate) struct Margins(pub f64, pub f64, pub f64, pub f64);

impl Chart {
    /// A `width` × `height` chart whose plot area, inside `m`, shows `xd` across and `yd`
    /// up (the y scale points upwards).
    pub(crate) fn new(
        id: &str,
        title: &str,
        width: f64,
        height: f64,
        m: Margins,
        xd: (f64, f64),
        yd: (f64, f64),
    ) -> Chart {
        Chart {
            id: id.to_string(),
            title: title.to_string(),
            width,
            height,
            x: Scale {
                d0: xd.0,
                d1: xd.1,
                r0: m.0,
                r1: width - m.1,
            },
            y: Scale {
                d0: yd.0,
                d1: yd.1,
                r0: height - m.3,
                r1: m.2,
            },
            body: String::new(),
            clipped: String::new(),
            over: String::new(),
        }
    }

    fn left(&self) -> f64 {
        self.x.r0
    }
    fn right(&self) -> f64 {
        self.x.r1
    }
    fn top(&self) -> f64 {
        self.y.r1
    }
    fn bottom(&self) -> f64 {
        self.y.r0
    }

    /// Text at pixel `(x, y)`; `anchor` is `start`, `middle` or `end`; `class` one of the
    /// report's text classes (`tick`, `lab`, `ref`, `val`, `ttl`).
    pub(crate) fn text(&mut self, x: f64, y: f64, anchor: &str, class: &str, s: &str) {
        let _ = write!(
            self.over,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" class="{class}">{}</text>"#,
            n(x),
            n(y),
            esc(s)
        );
    }

    /// Like [`Chart::text`] with a white halo, so the label stays legible over lines.
    pub(crate) fn label(&mut self, x: f64, y: f64, anchor: &str, class: &str, s: &str) {
        let _ = write!(
            self.over,
            r#"<text x="{}" y="{}" text-anchor="{anchor}" class="{class} halo">{}</text>"#,
            n(x),
            n(y),
            esc(s)
        );
        self.text(x, y, anchor, class, s);
    }

    /// A bottom axis of calendar dates (days after `start`), with vertical grid lines.
    pub(crate) fn x_dates(&mut self, start: Date, label: &str) {
        let max = ((self.right() - self.left()) / 70.0).max(2.0) as usize;
        let ticks = date_ticks(start, self.x.d0, self.x.d1, max);
        for (d, t) in ticks {
            let px = self.x.at(d);
            let _ = write!(
                self.body,
                r#"<line class="grid" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>"#,
                n(px),
                n(self.top()),
                n(self.bottom() + 4.0)
            );
            let y = self.bottom() + 17.0;
            self.text(px, y, "middle", "tick", &t);
        }
        self.x_title(label);
    }

    /// A bottom axis of numbers formatted by `fmt`, with vertical grid lines.
    pub(crate) fn x_linear(&mut self, ticks: &[f64], fmt: &dyn Fn(f64) -> String, label: &str) {
        for &t in ticks {
            let px = self.x.at(t);
            let class = if t == 0.0 { "axis" } else { "grid" };
            let _ = write!(
                self.body,
                r#"<line class="{class}" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>"#,
                n(px),
                n(self.top()),
                n(self.bottom() + 4.0)
            );
            let y = self.bottom() + 17.0;
            self.text(px, y, "middle", "tick", &fmt(t));
        }
        self.x_title(label);
    }

    fn x_title(&mut self, label: &str) {
        let _ = write!(
            self.body,
            r#"<line class="axis" x1="{}" x2="{}" y1="{2}" y2="{2}"/>"#,
            n(self.left()),
            n(self.right()),
            n(self.bottom())
        );
        let (x, y) = ((self.left() + self.right()) / 2.0, self.bottom() + 36.0);
        self.text(x, y, "middle", "lab", label);
    }

    /// A left axis of numbers formatted by `fmt`, with horizontal grid lines, titled
    /// `label` (written vertically).
    pub(crate) fn y_axis(&mut self, ticks: &[f64], fmt: &dyn Fn(f64) -> String, label: &str) {
        for &t in ticks {
            let py = self.y.at(t);
            let _ = write!(
                self.body,
                r#"<line class="grid" x1="{}" x2="{}" y1="{2}" y2="{2}"/>"#,
                n(self.left() - 4.0),
                n(self.right()),
                n(py)
            );
            self.text(self.left() - 7.0, py + 4.0, "end", "tick", &fmt(t));
        }
        let _ = write!(
            self.body,
            r#"<line class="axis" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>"#,
            n(self.left()),
            n(self.top()),
            n(self.bottom())
        );
        let (x, y) = (14.0, (self.top() + self.bottom()) / 2.0);
        let _ = write!(
            self.over,
            r#"<text class="lab" text-anchor="middle" transform="translate({},{}) rotate(-90)">{}</text>"#,
            n(x),
            n(y),
            esc(label)
        );
    }

    /// A polyline through data points (clipped to the plot area), with a tooltip.
    pub(crate) fn line(
        &mut self,
        pts: &[(f64, f64)],
        colour: &str,
        width: f64,
        dash: bool,
        tip: &str,
    ) {
        if pts.is_empty() {
            return;
        }
        let mut d = String::new();
        for (i, &(x, y)) in pts.iter().enumerate() {
            let _ = write!(
                d,
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                n(self.x.at(x)),
                n(self.y.at(y))
            );
        }
        let dash = if dash {
            r#" stroke-dasharray="6 4""#
        } else {
            ""
        };
        let _ = write!(
            self.clipped,
            r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="{}" stroke-linejoin="round"{dash}><title>{}</title></path>"#,
            n(width),
            esc(tip)
        );
    }

    /// A filled band between `lo` and `hi` over the same x values (clipped).
    pub(crate) fn band(
        &mut self,
        xs: &[f64],
        lo: &[f64],
        hi: &[f64],
        colour: &str,
        opacity: f64,
        tip: &str,
    ) {
        let k = xs.len().min(lo.len()).min(hi.len());
        if k == 0 {
            return;
        }
        let mut d = String::new();
        for i in 0..k {
            let _ = write!(
                d,
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                n(self.x.at(xs[i])),
                n(self.y.at(hi[i]))
            );
        }
        for i in (0..k).rev() {
            let _ = write!(d, "L{} {}", n(self.x.at(xs[i])), n(self.y.at(lo[i])));
        }
        let _ = write!(
            self.clipped,
            r#"<path d="{d}Z" fill="{colour}" fill-opacity="{opacity}" stroke="none"><title>{}</title></path>"#,
            esc(tip)
        );
    }

    /// A filled rectangle over data ranges `x` and `y`, with a tooltip.
    pub(crate) fn rect(
        &mut self,
        (x0, x1): (f64, f64),
        (y0, y1): (f64, f64),
        colour: &str,
        opacity: f64,
        tip: &str,
    ) {
        let (a, b) = (self.x.at(x0), self.x.at(x1));
        let (c, d) = (self.y.at(y0), self.y.at(y1));
        let _ = write!(
            self.clipped,
            r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{colour}" fill-opacity="{opacity}"><title>{}</title></rect>"#,
            n(a.min(b)),
            n(c.min(d)),
            n((b - a).abs().max(0.5)),
            n((d - c).abs()),
            esc(tip)
        );
    }

    /// A circle marker at a data point.
    pub(crate) fn dot(&mut self, x: f64, y: f64, colour: &str, tip: &str) {
        let _ = write!(
            self.over,
            r##"<circle cx="{}" cy="{}" r="4" fill="{colour}" stroke="#fff" stroke-width="1.5"><title>{}</title></circle>"##,
            n(self.x.at(x)),
            n(self.y.at(y)),
            esc(tip)
        );
    }

    /// A dashed vertical reference line at data `x` across the plot, labelled at its top.
    /// `row` staggers labels of nearby lines (0 = top row).
    pub(crate) fn vline(&mut self, x: f64, label: &str, row: usize) {
        if x < self.x.d0.min(self.x.d1) || x > self.x.d0.max(self.x.d1) {
            return;
        }
        let px = self.x.at(x);
        let _ = write!(
            self.body,
            r#"<line class="refline" x1="{0}" x2="{0}" y1="{1}" y2="{2}"/>"#,
            n(px),
            n(self.top()),
            n(self.bottom())
        );
        let y = self.top() + 13.0 + 14.0 * row as f64;
        let anchor = if px > (self.left() + self.right()) / 2.0 {
            "end"
        } else {
            "start"
        };
        let dx = if anchor == "end" { -4.0 } else { 4.0 };
        self.label(px + dx, y, anchor, "ref", label);
    }

    /// A dashed horizontal reference line at data `y` from data `x0` to `x1`, labelled.
    pub(crate) fn hline(&mut self, y: f64, x0: f64, x1: f64, label: &str) {
        let py = self.y.at(y);
        let (a, b) = (self.x.at(x0.max(self.x.d0)), self.x.at(x1.min(self.x.d1)));
        let _ = write!(
            self.body,
            r#"<line class="refline" x1="{}" x2="{}" y1="{2}" y2="{2}"/>"#,
            n(a),
            n(b),
            n(py)
        );
        self.label(a + 6.0, py - 6.0, "start", "ref", label);
    }

    /// Raw markup added above the series (for annotations the kit does not cover).
    pub(crate) fn raw(&mut self, markup: &str) {
        self.over.push_str(markup);
    }

    /// A legend in one or more rows above the plot area, starting at pixel `(x, y)`.
    pub(crate) fn legend(&mut self, x: f64, y: f64, items: &[LegendItem]) {
        let (mut cx, mut cy) = (x, y);
        for it in items {
            let w = 30.0 + 6.6 * it.label.chars().count() as f64 + 18.0;
            if cx + w > self.width - 8.0 && cx > x {
                cx = x;
                cy += 18.0;
            }
            let sw = match it.kind {
                Swatch::Line => format!(
                    r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="3"/>"#,
                    n(cx),
                    n(cx + 22.0),
                    n(cy - 4.0),
                    it.colour
                ),
                Swatch::Dashed => format!(
                    r#"<line x1="{}" x2="{}" y1="{2}" y2="{2}" stroke="{3}" stroke-width="1.5" stroke-dasharray="5 3"/>"#,
                    n(cx),
                    n(cx + 22.0),
                    n(cy - 4.0),
                    it.colour
                ),
                Swatch::Band => format!(
                    r#"<rect x="{}" y="{}" width="22" height="10" fill="{}" fill-opacity="0.25"/><line x1="{0}" x2="{3}" y1="{4}" y2="{4}" stroke="{2}" stroke-width="2.5"/>"#,
                    n(cx),
                    n(cy - 9.0),
                    it.colour,
                    n(cx + 22.0),
                    n(cy - 4.0)
                ),
                Swatch::Bar => format!(
                    r#"<rect x="{}" y="{}" width="14" height="10" fill="{}"/>"#,
                    n(cx + 4.0),
                    n(cy - 9.0),
                    it.colour
                ),
            };
            self.over.push_str(&sw);
            self.text(cx + 28.0, cy, "start", "leg", &it.label);
            cx += w;
        }
    }

    /// The clip path, grid, series and labels, without the enclosing element.
    fn content(&self) -> String {
        let clip = format!("{}-clip", self.id);
        format!(
            r#"<defs><clipPath id="{clip}"><rect x="{}" y="{}" width="{}" height="{}"/></clipPath></defs>{}<g clip-path="url(#{clip})">{}</g>{}"#,
            n(self.left()),
            n(self.top() - 1.0),
            n(self.right() - self.left()),
            n(self.bottom() - self.top() + 2.0),
            self.body,
            self.clipped,
            self.over
        )
    }

    /// The finished `<svg>` element: scales to its container's width.
    pub(crate) fn finish(self) -> String {
        group(
            &self.id,
            &self.title,
            self.width,
            self.height,
            &self.content(),
        )
    }

    /// The chart as a panel at `(x, y)` inside a [`group`].
    pub(crate) fn panel(self, x: f64, y: f64) -> String {
        format!(
            r#"<svg id="{}" x="{}" y="{}" width="{}" height="{}" viewBox="0 0 {3} {4}">{}</svg>"#,
            esc(&self.id),
            n(x),
            n(y),
            n(self.width),
            n(self.height),
            self.content()
        )
    }
}

/// A top-level `<svg>` chart element `width` × `height` with `inner` markup (panels or a
/// chart's content), titled for screen readers and tooltips.
pub(crate) fn group(id: &str, title: &str, width: f64, height: f64, inner: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{}" class="chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>{inner}</svg>"#,
        esc(id),
        n(width),
        n(height),
        esc(title),
        esc(title)
    )
}

/// A chart-sized box saying why a chart is not drawn.
pub(crate) fn placeholder(id: &str, title: &str, width: f64, message: &str) -> String {
    let inner = format!(
        r##"<rect x="1" y="1" width="{}" height="88" fill="#f6f6f6" stroke="#999" stroke-dasharray="6 4"/><text x="{}" y="50" text-anchor="middle" class="lab">{}</text>"##,
        n(width - 2.0),
        n(width / 2.0),
        esc(message)
    );
    group(id, title, width, 90.0, &inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round() {
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(nice_ticks(0.0, 67e9, 5), vec![0.0, 2e10, 4e10, 6e10, 8e10]);
    }

    #[test]
    fn date_ticks_fall_on_month_starts() {
        let start = Date::parse("2022-07-01").unwrap();
        let t = date_ticks(start, 0.0, 3500.0, 12);
        assert!(t.iter().all(|(_, l)| l.len() == 4), "{t:?}");
        assert_eq!(t[0].1, "2023");
        let t = date_ticks(start, 0.0, 365.0, 14);
        assert_eq!(t[0], (0.0, "Jul 2022".to_string()));
        assert!(t.iter().any(|(_, l)| l == "Jan 2023"), "{t:?}");
        assert!(t.iter().any(|(_, l)| l == "Aug"), "{t:?}");
        // A six-week span: Mondays a week apart (2022-07-04 was a Monday).
        let t = date_ticks(start, 0.0, 42.0, 14);
        assert_eq!(
            t.iter().map(|(d, l)| (*d, l.as_str())).collect::<Vec<_>>(),
            [
                (3.0, "4 Jul 2022"),
                (10.0, "11 Jul"),
                (17.0, "18 Jul"),
                (24.0, "25 Jul"),
                (31.0, "1 Aug"),
                (38.0, "8 Aug")
            ]
        );
        // Ten days: every day.
        let t = date_ticks(start, 0.0, 9.5, 14);
        assert_eq!(t.len(), 10);
        assert_eq!(t[0].1, "1 Jul 2022");
        assert_eq!(t[9], (9.0, "10 Jul".to_string()));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(
            esc("a\u{1b}[2J\u{7}\r\u{0}\u{7f}\u{9b}\u{ffff}\u{202e}b\n\t"),
            "a [2J       b\n\t"
        );
    }
}
