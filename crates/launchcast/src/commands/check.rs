//! `check` of a model file: what was read, one line per item, distributions as written.

use std::path::Path;

use launchcast_model::{Dist, Impact, LinkKind, Model, PromiseKind, Quantity};

use super::cars;
use crate::errors::CliError;
use crate::output::out;
use launchcast_report::format::count;

pub(super) fn check(path: &Path) -> Result<(), CliError> {
    let (model, included) = crate::schedule::load_model(path)?;
    let source = launchcast_model::read_model_text(path).unwrap_or_default();
    let text = describe(&model, &path.display().to_string(), &Written::of(&source));
    out(&(text + &crate::schedule::describe_includes(path, &included)))
}

/// The distributions of a model file as written (`tri(2w, 1mo, 2mo)`), by item and key, so
/// that `check` shows them as the user wrote them rather than in one unit.
#[derive(Default)]
struct Written(std::collections::HashMap<(String, String), String>);

impl Written {
    fn of(source: &str) -> Written {
        let mut w = Written::default();
        let Ok(table) = source.parse::<toml::Table>() else {
            return w;
        };
        let mut keep = |id: &str, t: &toml::Table| {
            for (key, value) in t {
                if let Some(text) = value.as_str() {
                    w.0.insert((id.to_string(), key.clone()), text.trim().to_string());
                }
            }
        };
        if let Some(p) = table.get("program").and_then(toml::Value::as_table) {
            keep("", p);
        }
        for section in ["task", "risk", "plant"] {
            let items = table.get(section).and_then(toml::Value::as_array);
            for t in items
                .into_iter()
                .flatten()
                .filter_map(toml::Value::as_table)
            {
                if let Some(id) = t.get("id").and_then(toml::Value::as_str) {
                    keep(id, t);
                }
            }
        }
        w
    }

    /// The text written for `key` of item `id` (`""` for `[program]`), else `read` as read.
    fn show(&self, id: &str, key: &str, read: impl std::fmt::Display) -> String {
        match self.0.get(&(id.to_string(), key.to_string())) {
            Some(text) => text.clone(),
            None => read.to_string(),
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
            "",
            "delivery_lag",
            p.delivery_lag.display(Quantity::Duration)
        ),
        written.show(
            "",
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
    let _ = writeln!(o, "\n{}", count(m.tasks.len() as u64, "task"));
    for t in &m.tasks {
        let duration = written.show(&t.id, "duration", t.duration.display(Quantity::Duration));
        let mut line = format!("  {:<w$} {duration}", t.id);
        if let Some(c) = m.task_calendar(t) {
            let _ = write!(line, " of work on {}", m.calendars[c].id);
        }
        if t.chance < 1.0 {
            let _ = write!(line, ", chance {}", t.chance);
        }
        if t.cost != Dist::ZERO {
            let cost = written.show(&t.id, "cost", t.cost.display(Quantity::Money));
            let _ = write!(line, ", cost {cost}");
        }
        let links = |links: &[launchcast_model::Link]| {
            links
                .iter()
                .map(|l| {
                    let kind = if l.kind == LinkKind::FinishToStart {
                        String::new()
                    } else {
                        format!(":{}", l.kind.code())
                    };
                    let lag = if l.lag == 0.0 {
                        String::new()
                    } else {
                        format!("{:+}d", l.lag)
                    };
                    format!("{}{kind}{lag}", l.task)
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !t.after.is_empty() {
            let _ = write!(line, ", after {}", links(&t.after));
        }
        if !t.after_any.is_empty() {
            let _ = write!(line, ", after first of {}", links(&t.after_any));
        }
        if !t.after_failure.is_empty() {
            let _ = write!(line, ", if failed: {}", t.after_failure.join(", "));
        }
        if let Some(d) = t.not_before {
            let _ = write!(line, ", not before {d}");
        }
        let _ = writeln!(o, "{line}");
    }
    let _ = writeln!(o, "\n{}", count(m.risks.len() as u64, "risk"));
    for r in &m.risks {
        let impact = match &r.impact {
            Impact::Delay(d) => format!(
                "delay {}",
                written.show(&r.id, "delay", d.display(Quantity::Duration))
            ),
            Impact::Scale(d) => format!(
                "scale {}",
                written.show(&r.id, "scale", d.display(Quantity::Number))
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
    for pl in &m.plants {
        let capacity = match pl.capacity {
            Dist::Fixed(c) if c >= 0.0 && c.fract() == 0.0 && c < 1e15 => {
                launchcast_report::format::group_thousands(c)
            }
            _ => written.show(&pl.id, "capacity", pl.capacity.display(Quantity::Number)),
        };
        let _ = writeln!(
            o,
            "  {:<w$} {capacity} cars/yr from {}, ramp {}",
            pl.id,
            pl.starts,
            written.show(&pl.id, "ramp", pl.ramp.display(Quantity::Duration))
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
