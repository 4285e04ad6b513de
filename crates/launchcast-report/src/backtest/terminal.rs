//! Backtests and calibrations as plain-text tables, in the style of `run`'s: a title line,
//! then sections of aligned rows. Text from the user's files is escaped and cut.

use super::{Backtest, Calibration, Kind, Scored, Shown};
use crate::format::{count, group_thousands, money, percent};

/// Widest label.
const LABEL: usize = 30;

/// An id or name from a file, safe for one terminal line and at most `max` characters.
fn clean(s: &str, max: usize) -> String {
    let p = launchcast_model::printable(s).replace(['\n', '\t'], " ");
    if p.chars().count() <= max {
        p
    } else {
        let cut: String = p.chars().take(max.saturating_sub(3)).collect();
        format!("{cut}...")
    }
}

/// What an outcome is, as a row label.
fn label(s: &Scored) -> String {
    let what = match (s.kind, &s.id, s.year) {
        (Kind::FirstDelivery, _, _) => "first delivery".to_string(),
        (Kind::Task, Some(id), _) => format!("task {}", clean(id, LABEL - 5)),
        (Kind::DeliveriesInYear, _, Some(y)) => format!("deliveries {y}"),
        (Kind::SpendInYear, _, Some(y)) => format!("spend {y}"),
        (Kind::Promise, Some(id), _) => format!("promise {}", clean(id, LABEL - 8)),
        _ => s.kind.name().to_string(),
    };
    clean(&what, LABEL)
}

/// A value as the tables show it: dates and words as they are, cars grouped, money short.
fn shown(v: &Shown, kind: Kind) -> String {
    match v {
        Shown::Text(t) => clean(t, 12),
        Shown::Flag(true) => "kept".into(),
        Shown::Flag(false) => "broken".into(),
        Shown::Number(x) if kind == Kind::SpendInYear => money(*x),
        Shown::Number(x) => group_thousands(*x),
    }
}

fn opt(v: &Option<Shown>, kind: Kind) -> String {
    v.as_ref().map_or_else(|| "-".into(), |v| shown(v, kind))
}

/// CRPS in its unit.
fn crps(s: &Scored, currency: &str) -> String {
    match (s.crps, s.kind) {
        (None, _) => "-".into(),
        (Some(c), Kind::SpendInYear) => format!("{} {}", money(c), clean(currency, 8)),
        (Some(c), Kind::DeliveriesInYear) => format!("{} cars", group_thousands(c)),
        (Some(c), _) => format!("{c:.1} d"),
    }
}

/// The backtest as tables.
pub fn render_backtest_terminal(b: &Backtest) -> String {
    let mut o = format!(
        "Backtest of {} (scenario {}), as of {}: {}, seed {}\nstart {}, horizon {}\n",
        clean(&b.model, 60),
        clean(&b.scenario, 30),
        b.as_of,
        count(b.iterations, "iteration"),
        b.seed,
        b.start,
        b.horizon
    );
    let ranged: Vec<&Scored> = b
        .outcomes
        .iter()
        .filter(|s| s.quantiles.is_some())
        .collect();
    if !ranged.is_empty() {
        o.push_str(&format!(
            "\n{:<LABEL$}  {:>12}  {:>12}  {:>12}  {:>12}  {:>6}  {:>7}  {:>14}\n",
            "WHERE IT FELL", "actual", "P10", "P50", "P90", "PIT", "inside", "CRPS"
        ));
        for s in ranged {
            let inside = match (s.inside_p10_p90, s.censored) {
                (Some(true), _) => "yes",
                (Some(false), _) => "no",
                (None, _) => "?",
            };
            let pit = s.pit.map_or_else(|| "-".into(), |p| format!("{p:.2}"));
            let actual = if s.censored {
                format!("{}*", shown(&s.actual, s.kind))
            } else {
                shown(&s.actual, s.kind)
            };
            o.push_str(&format!(
                "  {:<w$}  {:>12}  {:>12}  {:>12}  {:>12}  {:>6}  {:>7}  {:>14}\n",
                label(s),
                actual,
                opt(&s.p10, s.kind),
                opt(&s.p50, s.kind),
                opt(&s.p90, s.kind),
                pit,
                inside,
                crps(s, &b.currency),
                w = LABEL - 2
            ));
        }
        if b.outcomes.iter().any(|s| s.censored) {
            o.push_str(
                "  * censored: not yet happened by as_of; scored by its probability below\n",
            );
        }
    }
    let events: Vec<&Scored> = b
        .outcomes
        .iter()
        .filter(|s| s.probability.is_some())
        .collect();
    if !events.is_empty() {
        o.push_str(&format!(
            "\n{:<LABEL$}  {:<30}  {:>8}  {:>6}\n",
            "EVENTS", "event", "P(event)", "Brier"
        ));
        for s in events {
            let happened = match &s.actual {
                Shown::Flag(false) => "broken (not kept)".to_string(),
                _ => s.event.clone().unwrap_or_default(),
            };
            o.push_str(&format!(
                "  {:<w$}  {:<30}  {:>8}  {:>6.4}\n",
                label(s),
                clean(&happened, 30),
                percent(s.probability.unwrap_or(0.0)),
                s.brier.unwrap_or(0.0),
                w = LABEL - 2
            ));
        }
    }
    let m = &b.summary;
    o.push_str("\nSUMMARY\n");
    o.push_str(&format!(
        "  outcomes scored                {}\n",
        m.outcomes
    ));
    if let Some(share) = m.share_inside {
        o.push_str(&format!(
            "  inside P10-P90                 {} of {} ({}; about 80% for a calibrated forecaster)\n",
            m.inside_p10_p90,
            m.ranged,
            percent(share)
        ));
    }
    if let Some(c) = m.mean_crps {
        o.push_str(&format!(
            "  mean CRPS, dates               {c:.1} days (first delivery and tasks)\n"
        ));
    }
    for (kind, c) in &m.mean_crps_by_kind {
        let unit = match *kind {
            "deliveries_in_year" => format!("{} cars", group_thousands(*c)),
            "spend_in_year" => format!("{} {}", money(*c), clean(&b.currency, 8)),
            _ => format!("{c:.1} days"),
        };
        o.push_str(&format!("  mean CRPS, {kind:<19} {unit}\n"));
    }
    if let Some(brier) = m.brier {
        o.push_str(&format!("  mean Brier                     {brier:.4}\n"));
    }
    o
}

/// The calibration of a set of forecasts as tables.
pub fn render_calibration_terminal(c: &Calibration, names: &[String]) -> String {
    let mut o = format!(
        "Calibration of {} ({} outcomes)\n",
        count(c.forecasts as u64, "forecast"),
        c.outcomes
    );
    for (i, n) in names.iter().enumerate() {
        o.push_str(&format!("  [{i}] {}\n", clean(n, 90)));
    }
    o.push_str(&format!(
        "\nPIT HISTOGRAM ({} outcomes; flat for a calibrated forecaster)\n",
        c.pit_outcomes
    ));
    let most = c.pit_histogram.iter().copied().fold(0.0, f64::max);
    for (j, &n) in c.pit_histogram.iter().enumerate() {
        let bar = if most > 0.0 {
            "#".repeat((n / most * 40.0).round() as usize)
        } else {
            String::new()
        };
        let line = format!(
            "  {:.1}-{:.1}  {:>8.1}  {bar}",
            j as f64 / 10.0,
            (j + 1) as f64 / 10.0,
            n
        );
        o.push_str(line.trim_end());
        o.push('\n');
    }
    o.push_str(&format!(
        "  chi-square {:.2} on {} degrees of freedom, p = {:.4}\n",
        c.chi_square.statistic, c.chi_square.degrees_of_freedom, c.chi_square.p_value
    ));
    o.push_str("\nCOVERAGE          nominal  inside  of    share  std. error\n");
    for (name, cov) in [
        ("P10-P90", &c.coverage_p10_p90),
        ("P5-P95", &c.coverage_p5_p95),
    ] {
        o.push_str(&format!(
            "  {name:<14}  {:>7}  {:>6}  {:<4}  {:>6}  {:>10}\n",
            percent(cov.nominal),
            cov.inside,
            cov.outcomes,
            cov.share.map_or_else(|| "-".into(), percent),
            cov.standard_error.map_or_else(|| "-".into(), percent)
        ));
    }
    if !c.reliability.is_empty() {
        o.push_str("\nPROMISES: RELIABILITY   count  forecast  observed\n");
        for r in &c.reliability {
            o.push_str(&format!(
                "  {:.1}-{:.1}               {:>5}  {:>8}  {:>8}\n",
                r.from,
                r.to,
                r.count,
                percent(r.forecast),
                percent(r.observed)
            ));
        }
    }
    if let Some(b) = c.brier {
        o.push_str(&format!("  mean Brier {b:.4}\n"));
    }
    if !c.mean_crps_by_kind.is_empty() {
        o.push_str("\nMEAN CRPS\n");
        for (kind, v) in &c.mean_crps_by_kind {
            let v = match *kind {
                "deliveries_in_year" => format!("{} cars", group_thousands(*v)),
                "spend_in_year" => format!("{} (each model's currency)", money(*v)),
                _ => format!("{v:.1} days"),
            };
            o.push_str(&format!("  {kind:<20}  {v}\n"));
        }
    }
    o.push_str(&format!("\nVERDICT: {}\n", c.verdict_text));
    o
}
