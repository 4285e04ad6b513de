//! Scoring an [`Actuals`] against a forecast run: the first delivery from the scenario's
//! headline column (every iteration), deliveries and spend from the by-year columns, tasks
//! from the per-task statistics (the finish histogram of the sampled iterations), promises
//! from the iterations that kept them.

use launchcast_engine::{
    EngineError, Outcomes, Plan, RunOptions, ScenarioInfo, ScenarioOutcomes, TASK_HISTOGRAM_BINS,
    TaskStats, nearest_rank,
};
use launchcast_model::{Date, Model};

use super::stats::{Sample, knot_cdf, knot_crps};
use super::{
    Actuals, Backtest, BacktestSummary, FirstDeliveryActual, Kind, Scored, Shown, TaskOutcome,
};
use crate::analysis::summary::{round1, round4, share};

/// Quantiles kept per outcome: P5, P10, P50, P90, P95.
const QS: [f64; 5] = [0.05, 0.1, 0.5, 0.9, 0.95];

/// A forecast run: the outcomes of the scenarios run, and which they are.
#[derive(Clone, Debug)]
pub struct Forecast {
    /// What the run measured (with per-task statistics).
    pub outcomes: Outcomes,
    /// The scenarios run, in the order of `outcomes.scenarios`.
    pub scenarios: Vec<ScenarioInfo>,
}

/// Runs `plan` (a model compiled with the scenarios wanted, e.g.
/// [`Plan::compile_selected`]) as `run` would without drivers: `iterations` iterations from
/// `seed`, per-task statistics kept.
pub fn forecast(
    plan: &Plan,
    iterations: u64,
    seed: u64,
    threads: usize,
) -> Result<Forecast, EngineError> {
    let outcomes = launchcast_engine::run(
        plan,
        &RunOptions {
            iterations,
            seed,
            threads,
            progress: None,
            statistics: true,
        },
    )?;
    Ok(Forecast {
        outcomes,
        scenarios: plan.scenarios().to_vec(),
    })
}

/// Where every actual fell in `forecast` of `model`; `None` if the forecast did not run the
/// actuals' scenario.
pub fn score(model: &Model, forecast: &Forecast, actuals: &Actuals) -> Option<Backtest> {
    let i = forecast
        .scenarios
        .iter()
        .position(|s| s.id == actuals.scenario)?;
    let so = forecast.outcomes.scenarios.get(i)?;
    let o = &forecast.outcomes;
    let start = model.program.start;
    let cx = Context {
        start,
        horizon: o.horizon_days,
        as_of_end: f64::from(actuals.as_of.days_since(start)) + 1.0,
    };
    let mut out = Vec::new();
    if let Some(fd) = actuals.first_delivery {
        out.push(cx.first_delivery(so, fd));
    }
    for t in &actuals.tasks {
        if t.index < so.tasks.tasks() {
            out.push(cx.task(&so.tasks, t.index, &t.id, t.outcome));
        }
    }
    let currency = model.program.currency.clone();
    for (list, columns, kind, unit) in [
        (
            &actuals.deliveries,
            &so.deliveries_by_year,
            Kind::DeliveriesInYear,
            "cars".to_string(),
        ),
        (
            &actuals.spend,
            &so.spend_by_year,
            Kind::SpendInYear,
            currency.clone(),
        ),
    ] {
        for y in list {
            let column = o
                .years
                .iter()
                .position(|&year| year == y.year)
                .and_then(|k| columns.get(k));
            if let Some(column) = column {
                out.push(in_year(column, kind, y.year, y.value, &unit));
            }
        }
    }
    for p in &actuals.promises {
        let kept = so.promises_kept.get(p.index).copied().unwrap_or(0);
        let probability = share(kept, o.iterations);
        let hit = if p.kept { 1.0 } else { 0.0 };
        out.push(Scored {
            probability: Some(probability),
            brier: Some(round4((probability - hit).powi(2))),
            event: Some("kept".into()),
            ..blank(Kind::Promise, Some(p.id.clone()), None, Shown::Flag(p.kept))
        });
    }
    let summary = summarize(&out);
    Some(Backtest {
        scenario: actuals.scenario.clone(),
        outcomes: out,
        summary,
        model: model.program.name.clone(),
        as_of: actuals.as_of.to_string(),
        start: start.to_string(),
        horizon: model.program.horizon.to_string(),
        iterations: o.iterations,
        seed: o.seed,
        currency,
    })
}

/// An outcome with nothing scored yet.
fn blank(kind: Kind, id: Option<String>, year: Option<i32>, actual: Shown) -> Scored {
    Scored {
        kind,
        id,
        year,
        actual,
        pit: None,
        inside_p10_p90: None,
        crps: None,
        probability: None,
        brier: None,
        event: None,
        censored: false,
        unit: None,
        pit_range: None,
        inside_p5_p95: None,
        p10: None,
        p50: None,
        p90: None,
        quantiles: None,
        at: None,
    }
}

/// The PIT's mid-point and range, rounded.
fn pit(s: &mut Scored, (lo, hi): (f64, f64)) {
    s.pit = Some(round4(0.5 * (lo + hi)));
    s.pit_range = Some([round4(lo), round4(hi)]);
}

/// Whether `a` lies in `[q[lo], q[hi]]`, `q` in the order of [`QS`].
fn inside(q: &[f64; 5], lo: usize, hi: usize, a: f64) -> bool {
    q[lo] <= a && a <= q[hi]
}

/// The day of a quantile as the run prints its date: its days rounded to 0.1, then down to
/// the day (+∞ stays).
fn run_day(days: f64) -> f64 {
    round1(days).floor()
}

/// What a date's scores need: days are counted from 00:00 of the start.
struct Context {
    start: Date,
    /// End of the horizon's day: "never by the horizon" counts here in a CRPS.
    horizon: f64,
    /// End of `as_of`'s day.
    as_of_end: f64,
}

impl Context {
    /// A forecast day as the run prints it: `start + floor(days)`, or `never`.
    fn date(&self, days: f64) -> Shown {
        match self.start.add_days(run_day(days)) {
            Some(d) if days.is_finite() => Shown::Text(d.to_string()),
            _ => Shown::Text("never".into()),
        }
    }

    /// Quantile days of a date outcome as days rounded down (+∞ stays).
    fn dated(&self, s: &mut Scored, q: [f64; 5]) {
        s.p10 = Some(self.date(q[1]));
        s.p50 = Some(self.date(q[2]));
        s.p90 = Some(self.date(q[3]));
        s.quantiles = Some(q);
        s.unit = Some("days".into());
    }

    fn first_delivery(&self, so: &ScenarioOutcomes, fd: FirstDeliveryActual) -> Scored {
        let sample = Sample::new(so.headline_days.iter().map(|&d| f64::from(d)));
        let q = QS.map(|p| sample.quantile(p).unwrap_or(f64::INFINITY));
        let days = q.map(run_day);
        let actual = match fd {
            FirstDeliveryActual::On(d) => Shown::Text(d.to_string()),
            FirstDeliveryActual::NoneYet => Shown::Text("none".into()),
        };
        let mut s = blank(Kind::FirstDelivery, None, None, actual);
        self.dated(&mut s, q);
        let day = match fd {
            FirstDeliveryActual::On(d) => Some(f64::from(d.days_since(self.start))),
            FirstDeliveryActual::NoneYet if self.as_of_end < self.horizon => {
                // Censored: not by `as_of`, which is before the horizon's end.
                let p = 1.0 - sample.cdf_range(self.as_of_end, self.as_of_end).0;
                self.censored(&mut s, p, &days, "not by as_of");
                return s;
            }
            FirstDeliveryActual::NoneYet => None,
        };
        match day.filter(|&d| d < self.horizon) {
            Some(d) => {
                pit(&mut s, sample.cdf_range(d, d + 1.0));
                s.inside_p10_p90 = Some(inside(&days, 1, 3, d));
                s.inside_p5_p95 = Some(inside(&days, 0, 4, d));
                s.crps = Some(round1(sample.crps(d + 0.5, self.horizon)));
                s.at = Some(d + 0.5);
            }
            // None by the horizon (or after it): the atom at +∞.
            None => {
                let inf = f64::INFINITY;
                pit(&mut s, sample.cdf_range(inf, inf));
                s.inside_p10_p90 = Some(q[3] == inf);
                s.inside_p5_p95 = Some(q[4] == inf);
                s.crps = Some(round1(sample.crps(inf, self.horizon)));
                s.at = Some(inf);
            }
        }
        s
    }

    /// A censored outcome: probability of "not by `as_of`" (which happened) and its Brier
    /// score; outside P10–P90 (P5–P95) only if its P90 (P95) day is before `as_of`'s end.
    fn censored(&self, s: &mut Scored, p: f64, days: &[f64; 5], event: &str) {
        s.censored = true;
        s.probability = Some(round4(p));
        s.brier = Some(round4((p - 1.0).powi(2)));
        s.event = Some(event.into());
        s.inside_p10_p90 = (days[3] < self.as_of_end).then_some(false);
        s.inside_p5_p95 = (days[4] < self.as_of_end).then_some(false);
        s.at = Some(self.as_of_end);
    }

    fn task(&self, ts: &TaskStats, i: usize, id: &str, outcome: TaskOutcome) -> Scored {
        let actual = match outcome {
            TaskOutcome::Finished(d) => Shown::Text(d.to_string()),
            TaskOutcome::Failed => Shown::Text("failed".into()),
            TaskOutcome::Unfinished => Shown::Text("unfinished".into()),
        };
        let mut s = blank(Kind::Task, Some(id.to_string()), None, actual);
        if ts.sampled == 0 {
            return s;
        }
        let knots = task_knots(ts, i, self.horizon);
        let q = QS.map(|p| task_quantile(ts, i, p));
        let days = q.map(run_day);
        self.dated(&mut s, q);
        let finished = ts.probability(i);
        let day = match outcome {
            TaskOutcome::Finished(d) => Some(f64::from(d.days_since(self.start))),
            TaskOutcome::Unfinished if self.as_of_end < self.horizon => {
                let p = 1.0 - knot_cdf(&knots, self.as_of_end, true);
                self.censored(&mut s, p, &days, "not finished by as_of");
                return s;
            }
            TaskOutcome::Unfinished | TaskOutcome::Failed => {
                let p = 1.0 - finished;
                s.probability = Some(round4(p));
                s.brier = Some(round4((p - 1.0).powi(2)));
                s.event = Some("did not finish by the horizon".into());
                None
            }
        };
        match day.filter(|&d| d < self.horizon) {
            Some(d) => {
                let lo = knot_cdf(&knots, d, true);
                let hi = knot_cdf(&knots, d + 1.0, true);
                pit(&mut s, (lo, hi));
                s.inside_p10_p90 = Some(inside(&days, 1, 3, d));
                s.inside_p5_p95 = Some(inside(&days, 0, 4, d));
                s.crps = Some(round1(knot_crps(&knots, d + 0.5)));
                s.at = Some(d + 0.5);
            }
            None => {
                pit(&mut s, (finished, 1.0));
                s.inside_p10_p90 = Some(q[3].is_infinite());
                s.inside_p5_p95 = Some(q[4].is_infinite());
                s.crps = Some(round1(knot_crps(&knots, self.horizon)));
                s.at = Some(f64::INFINITY);
            }
        }
        s
    }
}

/// The CDF of task `i`'s finish over the sampled iterations as knots: uniform within each
/// histogram bin (between the finishes it may hold, as the quantiles are), and the
/// iterations in which it does not finish by the horizon as an atom at `horizon`.
pub(crate) fn task_knots(ts: &TaskStats, i: usize, horizon: f64) -> Vec<(f64, f64, f64)> {
    let n = ts.sampled.max(1) as f64;
    let level = ts.bin_level[i];
    let (min, max) = (ts.finish_min_fixed[i], ts.finish_max_fixed[i]);
    let days = |k: u64| k as f64 / launchcast_engine::DAY_FIXED_POINT;
    let mut knots = Vec::new();
    let mut c = 0.0;
    for (j, &count) in ts.bins(i).iter().enumerate().take(TASK_HISTOGRAM_BINS) {
        if count == 0 {
            continue;
        }
        let first = (ts.bin_origin[i] + j as u64) << level;
        let last = first + ((1u64 << level) - 1);
        let (lo, hi) = (days(first.clamp(min, max)), days(last.clamp(min, max)));
        let m = f64::from(count) / n;
        if hi > lo {
            knots.push((lo, c, c));
            knots.push((hi, c + m, c + m));
        } else {
            knots.push((lo, c, c + m));
        }
        c += m;
    }
    let end = knots.last().map_or(horizon, |k| k.0.max(horizon));
    knots.push((end, c, 1.0));
    knots
}

/// Nearest-rank quantile `p` of task `i`'s finish over every sampled iteration, the ones in
/// which it does not finish counting as +∞: the engine's histogram quantile at the same rank
/// among the finishes.
fn task_quantile(ts: &TaskStats, i: usize, p: f64) -> f64 {
    let k = nearest_rank(p, ts.sampled) + 1;
    let finished = ts.finished[i];
    if k > finished {
        return f64::INFINITY;
    }
    ts.quantile_days(i, k as f64 / finished as f64)
        .unwrap_or(f64::INFINITY)
}

/// Cars or money of one year, from its column.
fn in_year(column: &[f32], kind: Kind, year: i32, a: f64, unit: &str) -> Scored {
    let sample = Sample::new(column.iter().map(|&v| f64::from(v)));
    let q = QS.map(|p| sample.quantile(p).unwrap_or(f64::NAN));
    let mut s = blank(kind, None, Some(year), Shown::Number(a));
    pit(&mut s, sample.cdf_range(a, a));
    s.inside_p10_p90 = Some(inside(&q, 1, 3, a));
    s.inside_p5_p95 = Some(inside(&q, 0, 4, a));
    s.crps = Some(round1(sample.crps(a, f64::INFINITY)));
    s.p10 = Some(Shown::Number(q[1]));
    s.p50 = Some(Shown::Number(q[2]));
    s.p90 = Some(Shown::Number(q[3]));
    s.quantiles = Some(q);
    s.unit = Some(unit.to_string());
    s.at = Some(a);
    s
}

/// The summary of one backtest's outcomes.
/// The mean CRPS of each kind of outcome (in its own unit), rounded to 0.1; kinds without
/// a CRPS left out.
pub(crate) fn mean_crps_by_kind<'a>(
    outcomes: impl Iterator<Item = &'a Scored> + Clone,
) -> std::collections::BTreeMap<&'static str, f64> {
    let mut by_kind = std::collections::BTreeMap::new();
    for kind in [
        Kind::FirstDelivery,
        Kind::Task,
        Kind::DeliveriesInYear,
        Kind::SpendInYear,
    ] {
        let v: Vec<f64> = outcomes
            .clone()
            .filter(|s| s.kind == kind)
            .filter_map(|s| s.crps)
            .collect();
        if !v.is_empty() {
            by_kind.insert(kind.name(), round1(v.iter().sum::<f64>() / v.len() as f64));
        }
    }
    by_kind
}

pub(crate) fn summarize(out: &[Scored]) -> BacktestSummary {
    let ranged: Vec<bool> = out.iter().filter_map(|s| s.inside_p10_p90).collect();
    let inside = ranged.iter().filter(|&&b| b).count();
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let in_days: Vec<f64> = out
        .iter()
        .filter(|s| matches!(s.kind, Kind::FirstDelivery | Kind::Task))
        .filter_map(|s| s.crps)
        .collect();
    let briers: Vec<f64> = out.iter().filter_map(|s| s.brier).collect();
    let by_kind = mean_crps_by_kind(out.iter());
    BacktestSummary {
        outcomes: out.len(),
        inside_p10_p90: inside,
        share_inside: (!ranged.is_empty()).then(|| round4(inside as f64 / ranged.len() as f64)),
        mean_crps: mean(&in_days).map(round1),
        brier: mean(&briers).map(round4),
        ranged: ranged.len(),
        censored: out.iter().filter(|s| s.censored).count(),
        mean_crps_by_kind: by_kind,
    }
}
