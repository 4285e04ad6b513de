//! The engine's resource bounds and figures, end to end: memory that does not grow with
//! `--threads`, a horizon within its limit, calendars that stay small, the horizon's own day.

use crate::support::*;

/// A network of `tasks` tasks: task `i` follows task `i / 2` (a tree about 12 deep for a few
/// thousand tasks), triangular durations of 5 to 30 days, finishing well within two years.
fn network(tasks: usize) -> String {
    let mut m = String::from(
        "[program]\nname = \"net\"\nstart = 2025-01-06\nhorizon = 2026-12-31\niterations = 1000\n",
    );
    for i in 0..tasks {
        let mode = 5 + (i * 7) % 20;
        m.push_str(&format!(
            "\n[[task]]\nid = \"t{i}\"\nduration = \"tri({}d, {mode}d, {}d)\"\n",
            mode - 2,
            mode + 8
        ));
        if i > 0 {
            m.push_str(&format!("after = [\"t{}\"]\n", i / 2));
        }
    }
    m
}

/// Worker threads the engine runs for `--threads t`: never more than the cores.
fn running(t: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    t.min(cores)
}

/// Peak memory must not grow with `--threads` beyond what each running worker holds (about
/// 3 KB per task, and its stack), and the results are the same byte for byte. The run has
/// more blocks of 4,096 iterations than 64, so every thread would get work: with a set of
/// per-task histograms per thread (4 KB per task each), 64 threads took 0.35 GB more here.
#[cfg(unix)]
#[test]
fn memory_does_not_grow_with_threads() {
    const TASKS: usize = 1000;
    let dir = tempfile::tempdir().unwrap();
    let model = write_model(dir.path(), "net.toml", &network(TASKS));
    let measure = |threads: usize| {
        let json = dir.path().join(format!("out-{threads}.json"));
        let threads = threads.to_string();
        let (run, cost) = lc_cost(
            &[
                "run",
                s(&model),
                "-q",
                "--no-drivers",
                "-n",
                "270000",
                "--threads",
                &threads,
                "--json",
                s(&json),
            ],
            std::time::Duration::from_secs(120),
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        (std::fs::read(&json).expect("JSON written"), cost)
    };
    let (two, few) = measure(2);
    let (many_json, many) = measure(64);
    assert!(two == many_json, "results differ between 2 and 64 threads");
    // Per running worker: 3.5 KB per task (kernel state, 32 buffered lane groups) and 4 MB
    // (stack, allocator); 16 MB for the rest of the run's noise.
    let per_worker = 3.5 * TASKS as f64 / 1024.0 + 4.0;
    let allowed = (running(64) - running(2)) as f64 * per_worker + 16.0;
    assert!(
        many.peak_mib - few.peak_mib <= allowed,
        "peak {:.0} MiB with 64 threads, {:.0} MiB with 2: more than {allowed:.0} MiB apart",
        many.peak_mib,
        few.peak_mib
    );
}

/// A horizon more than 100 years after the start is bad input naming the key and the value,
/// found before anything is built; one at the limit runs in bounded memory, even with eight
/// different working-time calendars (their tables are the largest part).
#[cfg(unix)]
#[test]
fn the_horizon_is_bounded_and_so_are_calendar_tables() {
    let dir = tempfile::tempdir().unwrap();
    let calendars = |horizon: &str| {
        let mut m = format!(
            "[program]\nname = \"far\"\nstart = 2024-01-01\nhorizon = {horizon}\niterations = 200\n"
        );
        for k in 0..8 {
            // Each calendar different: a Saturday morning of its own length.
            m.push_str(&format!(
                "\n[[calendar]]\nid = \"c{k}\"\nweek = {{ mon = \"08:00-17:00\", tue = \"08:00-17:00\", wed = \"08:00-17:00\", thu = \"08:00-17:00\", fri = \"08:00-17:00\", sat = \"08:00-{:02}:00\" }}\n",
                9 + k
            ));
            m.push_str(&format!(
                "\n[[task]]\nid = \"t{k}\"\nduration = \"tri(5d, 10d, 30d)\"\ncalendar = \"c{k}\"\n"
            ));
        }
        m
    };
    let far = write_model(dir.path(), "far.toml", &calendars("9999-12-31"));
    let text = std::fs::read_to_string(&far).unwrap();
    let (run, cost) = lc_cost(
        &["run", s(&far), "-q", "--no-drivers"],
        std::time::Duration::from_secs(60),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    let flat = run.err_flat();
    for needle in [
        &format!("far.toml:{}", loc(&text, "9999-12-31")),
        "program.horizon",
        "`horizon` = 9999-12-31 is 2913173 days after `start` = 2024-01-01",
        "at most 36525 days (100 years)",
        "e.g. horizon = 2124-01-02",
    ] {
        assert!(flat.contains(needle), "{needle:?} missing:\n{}", run.stderr);
    }
    assert!(cost.peak_mib < 100.0, "{} MiB to refuse", cost.peak_mib);
    bad(&["check", s(&far)], &["program.horizon", "9999-12-31"]);

    let limit = write_model(dir.path(), "limit.toml", &calendars("2124-01-02"));
    let (run, cost) = lc_cost(
        &["run", s(&limit), "-q", "--no-drivers"],
        std::time::Duration::from_secs(120),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // About 20 MB of tables per calendar over 100 years (0.5 KB a day).
    assert!(
        cost.peak_mib < 400.0,
        "{:.0} MiB for eight calendars over 100 years",
        cost.peak_mib
    );
}

/// The horizon includes its day: a plant making one car a day through 2024 (a leap year, the
/// horizon on its last day) delivers 366 cars in 2024, and a promise dated on the horizon is
/// kept as under a later horizon.
#[test]
fn the_horizon_day_counts() {
    let dir = tempfile::tempdir().unwrap();
    let model = |horizon: &str| {
        format!(
            "[program]\nname = \"daily\"\nstart = 2024-01-01\nhorizon = {horizon}\niterations = 100\n\
             \n[[task]]\nid = \"sop\"\nduration = \"0d\"\n\
             \n[[plant]]\nid = \"p\"\ncapacity = 365.2425\nstarts = \"sop\"\nramp = \"0d\"\nramp_start = 1\n\
             \n[[promise]]\nid = \"cars\"\ndeliveries_by = {{ date = 2024-12-31, at_least = 365.5 }}\n"
        )
    };
    let result = |horizon: &str| {
        let path = write_model(dir.path(), &format!("m-{horizon}.toml"), &model(horizon));
        let run = ok(&["run", s(&path), "-q", "--no-drivers", "--json", "-"]);
        let j = J::parse(&run.stdout);
        let base = &j.get("scenarios").arr()[0];
        (
            base.get("deliveries_by_year").arr()[0].get("mean").num(),
            base.get("promises").arr()[0].get("probability").num(),
        )
    };
    let (cars, kept) = result("2024-12-31");
    assert_eq!(cars, 366.0);
    assert_eq!(kept, 1.0);
    assert_eq!(result("2025-06-30"), (366.0, 1.0));
}
