//! Tasks under way at the start (`started = DATE`): what is left of a duration given that it
//! has lasted the time elapsed, against the analytic answer; and every misuse refused at its
//! place.

use serde_json::Value;

use crate::support::*;

const HEAD: &str = "[program]\nname = \"Under way\"\nstart = 2024-03-01\nhorizon = 2026-12-31\n\n";

/// The headline first-delivery statistics (the finish of the last task) of `task` alone,
/// at 100,000 iterations.
fn finish(task: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "m.toml", &format!("{HEAD}{task}"));
    let run = ok(&[
        "run",
        s(&path),
        "-n",
        "100000",
        "--seed",
        "4",
        "--json",
        "-",
        "-q",
        "--no-history",
        "--no-drivers",
    ]);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    v["scenarios"][0]["first_delivery"].clone()
}

fn num(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap()
}

#[test]
fn what_is_left_is_the_duration_given_that_it_lasts_longer_than_the_time_elapsed() {
    // 2024-01-21 is 40 days before the start. uniform(20d, 100d) given > 40 days is
    // uniform(40, 100): 0 to 60 days left, mean 30, median 30. Standard errors over
    // 100,000 draws: mean 60/√12/√n = 0.055 d; median 1/(2·f·√n) = 0.095 d (f = 1/60).
    let u = finish(
        "[[task]]\nid = \"plant\"\nduration = \"uniform(20d, 100d)\"\nstarted = 2024-01-21\n",
    );
    assert!((num(&u, "mean_days") - 30.0).abs() < 4.0 * 0.055, "{u}");
    assert!((num(&u, "p50_days") - 30.0).abs() < 4.0 * 0.095, "{u}");
    assert!((num(&u, "p90_days") - 54.0).abs() < 4.0 * 0.06, "{u}");
    assert_eq!(num(&u, "probability"), 1.0);
    // Not started: the whole duration from the start (mean 60).
    let whole = finish("[[task]]\nid = \"plant\"\nduration = \"uniform(20d, 100d)\"\n");
    assert!(
        (num(&whole, "mean_days") - 60.0).abs() < 4.0 * 0.073,
        "{whole}"
    );
    // A fixed duration: exactly what is left.
    let fixed = finish("[[task]]\nid = \"plant\"\nduration = \"100d\"\nstarted = 2024-01-21\n");
    assert_eq!(num(&fixed, "p10_days"), 60.0);
    assert_eq!(num(&fixed, "p90_days"), 60.0);
    // A log-normal (median 60 d, P90 120 d, σ = ln 2 / 1.28155) given > 40 days: the
    // median left is Q(p0 + (1 − p0)/2) − 40 with p0 = Φ(ln(40/60)/σ).
    let sigma = 2f64.ln() / 1.281_551_565_545;
    let p0 = launchcast_model::normal_cdf((40f64 / 60.0).ln() / sigma);
    let q = |p: f64| 60.0 * (sigma * launchcast_model::normal_quantile(p)).exp();
    let want = q(p0 + 0.5 * (1.0 - p0)) - 40.0;
    let density = {
        // Density of what is left at its median, for the median's standard error.
        let x: f64 = want + 40.0;
        let z = (x / 60.0).ln() / sigma;
        (-0.5 * z * z).exp() / (x * sigma * (2.0 * std::f64::consts::PI).sqrt()) / (1.0 - p0)
    };
    let se = 1.0 / (2.0 * density * 100_000f64.sqrt());
    let l = finish(
        "[[task]]\nid = \"plant\"\nduration = \"lognormal(60d, 120d)\"\nstarted = 2024-01-21\n",
    );
    assert!(
        (num(&l, "p50_days") - want).abs() < 4.0 * se,
        "{l} want {want} se {se}"
    );
}

#[test]
fn a_task_under_way_is_refused_where_it_cannot_be() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 4] = [
        (
            "[[task]]\nid = \"a\"\nduration = \"10d\"\nstarted = 2024-05-01\n",
            &[
                "task[0].started",
                "2024-05-01 is after program.start 2024-03-01",
                "not_before",
            ],
        ),
        (
            "[[task]]\nid = \"b\"\nduration = \"10d\"\n\n[[task]]\nid = \"a\"\nduration = \"90d\"\nafter = [\"b\"]\nstarted = 2024-02-01\n",
            &[
                "task[1].started",
                "task `a` is under way since 2024-02-01",
                "remove its after",
            ],
        ),
        (
            "[[task]]\nid = \"a\"\nduration = \"tri(5d, 10d, 20d)\"\nstarted = 2024-01-01\n",
            &[
                "task[0].started",
                "lasts at most 20.0 days",
                "60 days to program.start",
                "it would be done",
            ],
        ),
        (
            "[[calendar]]\nid = \"work\"\nweek = { mon = \"08:00-16:00\", tue = \"08:00-16:00\" }\n\n[[task]]\nid = \"a\"\nduration = \"90d\"\ncalendar = \"work\"\nstarted = 2024-02-01\n",
            &["task[0].started", "working calendar", "calendar = \"none\""],
        ),
    ];
    for (i, (task, needles)) in cases.iter().enumerate() {
        let path = write_model(dir.path(), &format!("m{i}.toml"), &format!("{HEAD}{task}"));
        bad(&["check", s(&path)], needles);
    }
}
