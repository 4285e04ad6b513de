//! Per-task quantiles against the exact quantiles of the same iterations.

use super::*;
use crate::calendars::calendar_model;

/// Runs a one-task model over 100,000 iterations (all of them in the per-task subsample: the
/// target is 65,536, every iteration counts up to twice that) and checks the task's P1–P99
/// against the exact nearest-rank quantiles of its finishes, which are the headline column
/// (the task is the model's only sink): within 0.01 day or 0.1 % of the range of the
/// finishes, whichever is larger. Returns the task's P10, P50, P80 and P90, and the exact
/// ones.
fn quantiles_match_the_exact_ones(m: &Model, what: &str) -> (Vec<f64>, Vec<f64>) {
    let mut m = m.clone();
    m.program.iterations = 100_000;
    let out = simulate(&m, 11, 0);
    let s = &out.scenarios[0];
    let last = m.tasks.len() - 1;
    assert_eq!(s.tasks.sampled, 100_000, "{what}: every iteration sampled");
    let exact = finite(&s.headline_days);
    assert_eq!(s.tasks.finished[last], exact.len() as u64, "{what}");
    // The run's histogram, counted a lane group at a time by several workers, is the one of
    // counting each finish on its own.
    let mut one_by_one = launchcast_engine::TaskStats::new(m.tasks.len());
    for &x in s.headline_days.iter().filter(|x| x.is_finite()) {
        one_by_one.add_finish(last, x);
    }
    assert_eq!(
        s.tasks.bin_level[last], one_by_one.bin_level[last],
        "{what}"
    );
    assert_eq!(
        s.tasks.bin_origin[last], one_by_one.bin_origin[last],
        "{what}"
    );
    assert_eq!(s.tasks.bins(last), one_by_one.bins(last), "{what}");
    assert_eq!(
        s.tasks.finish_min_fixed[last],
        one_by_one.finish_min_fixed[last]
    );
    assert_eq!(
        s.tasks.finish_max_fixed[last],
        one_by_one.finish_max_fixed[last]
    );
    let spread = exact[exact.len() - 1] - exact[0];
    let tol = (0.001 * spread).max(0.01);
    let qs: Vec<f64> = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.8, 0.9, 0.95, 0.99]
        .into_iter()
        .chain((1..100).map(|i| f64::from(i) / 100.0))
        .collect();
    for &q in &qs {
        let want = exact[launchcast_engine::nearest_rank(q, exact.len() as u64) as usize];
        let got = s.tasks.quantile_days(last, q).expect("finishes");
        assert_close(got, want, tol, &format!("{what}: P{}", q * 100.0));
    }
    let four = [0.1, 0.5, 0.8, 0.9];
    (
        four.iter()
            .map(|&q| s.tasks.quantile_days(last, q).unwrap_or(f64::NAN))
            .collect(),
        four.iter()
            .map(|&q| exact[launchcast_engine::nearest_rank(q, exact.len() as u64) as usize])
            .collect(),
    )
}

#[test]
fn a_short_task_in_a_long_horizon_has_exact_quantiles() {
    let tri = Dist::Triangular {
        min: 1.0,
        mode: 2.0,
        max: 3.0,
    };
    // A ten-year horizon: 1,024 bins over it would be 3.6 days wide.
    let m = model(vec![task("a", tri)]);
    let (got, _) = quantiles_match_the_exact_ones(&m, "tri(1d, 2d, 3d)");
    // And the analytic quantiles: F(x) = (x − 1)²/2 up to the mode, so P10 = 1 + √0.2,
    // P50 = 2, P80 = 3 − √0.4; within 4 standard errors (√(q(1−q)/n) / f).
    let n = 100_000.0;
    for (q, want, density) in [
        (0.1f64, 1.0 + 0.2f64.sqrt(), 0.2f64.sqrt()),
        (0.5, 2.0, 1.0),
        (0.8, 3.0 - 0.4f64.sqrt(), 0.4f64.sqrt()),
    ] {
        let se = (q * (1.0 - q) / n).sqrt() / density;
        let got = got[[0.1, 0.5, 0.8].iter().position(|&x| x == q).unwrap_or(0)];
        assert_close(
            got,
            want,
            4.0 * se + 0.002,
            &format!("analytic P{}", q * 100.0),
        );
    }
}

#[test]
fn a_heavy_tailed_task_has_exact_quantiles() {
    let m = model(vec![task(
        "a",
        Dist::LogNormal {
            median: 10.0,
            p90: 60.0,
        },
    )]);
    quantiles_match_the_exact_ones(&m, "lognormal(10d, 60d)");
}

#[test]
fn a_mixture_with_atoms_has_exact_quantiles() {
    // Atoms at 2, 7 and 40 days where the risk does not occur (70 %), a spread of delays
    // where it does: most quantiles fall on an atom, inside the range.
    let a = task(
        "a",
        Dist::Discrete(vec![(2.0, 0.25), (7.0, 0.5), (40.0, 0.25)]),
    );
    let mut m = model(vec![task("before", Dist::Fixed(0.5)), {
        let mut a = a;
        a.after = vec![fs("before")];
        a
    }]);
    m.risks = vec![Risk {
        id: "r".into(),
        name: "r".into(),
        chance: 0.3,
        tasks: vec!["a".into()],
        impact: Impact::Delay(Dist::Uniform {
            min: 1.0,
            max: 50.0,
        }),
        disabled: false,
    }];
    let (_, exact) = quantiles_match_the_exact_ones(&m, "atoms and a risk");
    // The median lies on the atom at 7.5 days (0.5 + 7) and P80 on the one at 40.5, inside
    // the range: 0.7·0.25 of the mass is at 2.5, 0.7·0.5 at 7.5, 0.7·0.25 at 40.5, and the
    // delays spread 0.3 over 2.5–90.5.
    assert_eq!(exact[1], 7.5);
    assert_eq!(exact[2], 40.5);
}

#[test]
fn a_calendar_task_has_exact_quantiles_on_working_days() {
    // Monday to Friday, 08–12 and 13–17: every finish is on a weekday by 17:00.
    let m = calendar_model(
        vec![task(
            "a",
            Dist::Triangular {
                min: 2.0,
                mode: 5.0,
                max: 30.0,
            },
        )],
        vec![],
    );
    let (got, _) = quantiles_match_the_exact_ones(&m, "a calendar task");
    for (q, days) in [0.1, 0.5, 0.8, 0.9].iter().zip(&got) {
        let day = m.program.start.add_days(*days).expect("date");
        let weekday = launchcast_model::weekday(day);
        assert!(weekday < 5, "P{} on {day}, weekday {weekday}", q * 100.0);
        let hour = days.fract() * 24.0;
        assert!((8.0..=17.0).contains(&hour), "P{} at {hour} h", q * 100.0);
    }
}
