//! `check` of a model file: what was read, one line per item, distributions as written.

use std::path::Path;

use launchcast_model::{Dist, Impact, LinkKind, Model, PromiseKind, Quantity};

use super::cars;
use crate::errors::CliError;
use crate::output::out;
use launchcast_report::format::count;

pub(super) fn check(path: &Path) -> Result<(), CliError> {
    let (model, included, written) = launchcast_import::read_model_file(path, true)?;
    let text = describe(
        model.model(),
        &path.display().to_string(),
        &Written(written),
    );
    out(&(text + &crate::schedule::describe_includes(path, &included)))
}

/// The distributions of a model file as written (`tri(2w, 1mo, 2mo)`), by item and key, so
/// that `check` shows them as the user wrote them rather than in one unit. Items merged from
/// an include come after the file's own and show as read.
struct Written(launchcast_model::Written);

impl Written {
    /// The text written for `key` of the `index`th `[[table]]` (`"program"`, index 0, for
    /// `[program]`), else `read` as read.
    fn show<D: std::fmt::Display>(
        &self,
        table: &str,
        index: usize,
        key: &str,
        read: D,
    ) -> Shown<'_, D> {
        match self.0.get(table, index, key) {
            Some(text) => Shown::Written(text),
            None => Shown::Read(read),
        }
    }
}

/// A value as written or as read, shown without a copy (`check` shows one per task).
enum Shown<'a, D> {
    Written(&'a str),
    Read(D),
}

impl<D: std::fmt::Display> std::fmt::Display for Shown<'_, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Written(text) => f.write_str(text),
            Shown::Read(read) => write!(f, "{read}"),
        }
    }
}

/// What `check` prints: the model as read, one line per item, distributions as written.
fn describe(m: &Model, file: &str, written: &Written) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let p = &m.program;
    // One id column for every section, wide enough for the longest id.
    let w = m
        .tasks
        .iter()
        .map(|t| t.id.len())
        .chain(m.risks.iter().map(|r| r.id.len()))
        .chain(m.plants.iter().map(|p| p.id.len()))
        .chain(m.promises.iter().map(|p| p.id.len()))
        .chain(m.scenarios.iter().map(|s| s.id.len()))
        .fold(22, usize::max);
    let _ = writeln!(o, "{file}: valid");
    let _ = writeln!(o, "program   {}", p.name);
    let _ = write!(
        o,
        "          {} to {}, {}, seed {}",
        p.start,
        p.horizon,
        count(p.iterations, "iteration"),
        p.seed
    );
    if !p.currency.is_empty() {
        let _ = write!(o, ", currency {}", p.currency);
    }
    o.push('\n');
    let _ = writeln!(
        o,
        "          delivery lag {}, overhead per year {}",
        written.show(
            "program",
            0,
            "delivery_lag",
            p.delivery_lag.display(Quantity::Duration)
        ),
        written.show(
            "program",
            0,
            "overhead_per_year",
            p.overhead_per_year.display(Quantity::Money)
        )
    );
    if !m.calendars.is_empty() {
        let calendars = count(m.calendars.len() as u64, "calendar");
        let _ = writeln!(o, "\n{calendars}");
        for c in &m.calendars {
            let week: f64 = c.week.iter().map(launchcast_model::minutes).sum::<u32>() as f64;
            let _ = writeln!(
                o,
                "  {:<w$} {} h a day of duration, {} working hours a week, {}",
                c.id,
                c.hours_per_day,
                week / 60.0,
                count(c.exceptions.len() as u64, "exception")
            );
        }
    }
    references(&mut o, m);
    let _ = writeln!(o, "\n{}", count(m.tasks.len() as u64, "task"));
    for (i, t) in m.tasks.iter().enumerate() {
        let duration = written.show(
            "task",
            i,
            "duration",
            t.duration.display(Quantity::Duration),
        );
        let _ = write!(o, "  {:<w$} {duration}", t.id);
        if let Some(c) = m.task_calendar(t) {
            let _ = write!(o, " of work on {}", m.calendars[c].id);
        }
        if t.chance < 1.0 {
            let _ = write!(o, ", chance {}", t.chance);
        }
        if t.cost != Dist::ZERO {
            let cost = written.show("task", i, "cost", t.cost.display(Quantity::Money));
            let _ = write!(o, ", cost {cost}");
        }
        // `id`, `id:SS`, `id+2d`, `id:FF-1d`, separated by commas.
        let links = |o: &mut String, links: &[launchcast_model::Link]| {
            for (k, l) in links.iter().enumerate() {
                if k > 0 {
                    o.push_str(", ");
                }
                o.push_str(&l.task);
                if l.kind != LinkKind::FinishToStart {
                    let _ = write!(o, ":{}", l.kind.code());
                }
                if l.lag != 0.0 {
                    let _ = write!(o, "{:+}d", l.lag);
                }
            }
        };
        if !t.after.is_empty() {
            o.push_str(", after ");
            links(&mut o, &t.after);
        }
        if !t.after_any.is_empty() {
            o.push_str(", after first of ");
            links(&mut o, &t.after_any);
        }
        if !t.after_failure.is_empty() {
            let _ = write!(o, ", if failed: {}", t.after_failure.join(", "));
        }
        if let Some(d) = t.not_before {
            let _ = write!(o, ", not before {d}");
        }
        o.push('\n');
    }
    let _ = writeln!(o, "\n{}", count(m.risks.len() as u64, "risk"));
    for (i, r) in m.risks.iter().enumerate() {
        let impact = match &r.impact {
            Impact::Delay(d) => format!(
                "delay {}",
                written.show("risk", i, "delay", d.display(Quantity::Duration))
            ),
            Impact::Scale(d) => format!(
                "scale {}",
                written.show("risk", i, "scale", d.display(Quantity::Number))
            ),
            Impact::Fail => "fail".to_string(),
        };
        let _ = writeln!(
            o,
            "  {:<w$} chance {}, {impact} on {}",
            r.id,
            r.chance,
            r.tasks.join(", ")
        );
    }
    let _ = writeln!(o, "\n{}", count(m.plants.len() as u64, "plant"));
    for (i, pl) in m.plants.iter().enumerate() {
        let capacity = match pl.capacity {
            Dist::Fixed(c) if c >= 0.0 && c.fract() == 0.0 && c < 1e15 => {
                launchcast_report::format::group_thousands(c)
            }
            _ => written
                .show(
                    "plant",
                    i,
                    "capacity",
                    pl.capacity.display(Quantity::Number),
                )
                .to_string(),
        };
        let _ = writeln!(
            o,
            "  {:<w$} {capacity} cars/yr from {}, ramp {}",
            pl.id,
            pl.starts,
            written.show("plant", i, "ramp", pl.ramp.display(Quantity::Duration))
        );
    }
    let _ = writeln!(o, "\n{}", count(m.promises.len() as u64, "promise"));
    for pr in &m.promises {
        let what = match &pr.kind {
            PromiseKind::FirstDeliveryBy(d) => format!("first delivery by {d}"),
            PromiseKind::DeliveriesBy { date, at_least } => {
                format!("at least {} delivered by {date}", cars(*at_least))
            }
            PromiseKind::DeliveriesInYear { year, at_least } => {
                format!("at least {} delivered in {year}", cars(*at_least))
            }
            PromiseKind::SpendBy { date, at_most } => format!(
                "at most {} spent by {date}",
                Dist::Fixed(*at_most).display(Quantity::Money)
            ),
        };
        let _ = writeln!(o, "  {:<w$} {what}", pr.id);
    }
    let _ = writeln!(
        o,
        "\n{} besides base",
        count(m.scenarios.len() as u64, "scenario")
    );
    for s in &m.scenarios {
        let _ = writeln!(
            o,
            "  {:<w$} disables {}; sets {}",
            s.id,
            s.disable.len(),
            s.set.len()
        );
    }
    o
}

/// Each `[[reference]]` class: its cases with their sources, the outside view (the
/// predictive distribution of the next case) and the values drawing from it.
fn references(o: &mut String, m: &Model) {
    use std::fmt::Write as _;
    if !m.thin_references.is_empty() {
        let _ = writeln!(
            o,
            "\nshared reference classes too thin to draw from at program.start"
        );
        for (id, why) in &m.thin_references {
            let _ = writeln!(o, "  {id}  {why}");
        }
    }
    if m.references.is_empty() {
        return;
    }
    let classes = launchcast_report::reference_summaries(m);
    let n = classes.len();
    let _ = writeln!(
        o,
        "\n{n} reference {}",
        if n == 1 { "class" } else { "classes" }
    );
    for c in &classes {
        let q = c.quantity();
        let a = |v: f64| launchcast_report::format::approx(v, q);
        let _ = writeln!(o, "  {}  {}", c.id, c.name);
        if let Some(file) = &c.file {
            let later = match c.left_out {
                0 => String::new(),
                n => format!(
                    "; {} dated after program.start left out",
                    count(n as u64, "observation")
                ),
            };
            let _ = writeln!(o, "    from {file}{later}");
        }
        let w = c
            .observations
            .iter()
            .map(|ob| ob.case.chars().count())
            .fold(4, usize::max);
        for ob in &c.observations {
            let mut known = ob
                .date
                .clone()
                .map(|d| format!(", {d}"))
                .unwrap_or_default();
            if ob.hindsight {
                known.push_str(", hindsight");
            }
            let _ = writeln!(
                o,
                "    {:<w$}  {:>8}  {}{known}",
                ob.case, ob.text, ob.source
            );
        }
        let _ = writeln!(
            o,
            "    next case ({} fit of {}): P10 {}, P50 {}, P90 {}",
            c.fit,
            count(c.observations.len() as u64, "case"),
            a(c.outside.p10),
            a(c.outside.p50),
            a(c.outside.p90)
        );
        for u in &c.uses {
            let scale = if u.scale == 1.0 {
                String::new()
            } else {
                format!(" × {}", u.scale)
            };
            let _ = write!(o, "    used by {}{scale}", u.item);
            if let Some(i) = u.inside {
                let _ = write!(
                    o,
                    "; inside view P10 {}, P50 {}, P90 {}",
                    a(i.p10),
                    a(i.p50),
                    a(i.p90)
                );
            }
            o.push('\n');
        }
    }
}
