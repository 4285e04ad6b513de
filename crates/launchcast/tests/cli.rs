//! The `launchcast` binary end to end: exit codes, terminal output, the JSON and CSV
//! contracts of DESIGN.md, determinism across thread counts, and every kind of bad input.
//!
//! Every command runs the built binary with `RUST_BACKTRACE` unset, and every stderr is checked
//! for the word "panicked": no input may crash the program.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_launchcast"));
    cmd.args(args)
        .current_dir(workspace_root())
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(args: &[&str], out: Output) -> Run {
        let run = Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "launchcast {args:?} panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Standard error with runs of white space (and miette's frame characters) collapsed to
    /// one space, so that assertions do not depend on line wrapping.
    fn err_flat(&self) -> String {
        self.stderr
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn lc(args: &[&str]) -> Run {
    let out = command(args).output().expect("launchcast starts");
    Run::from(args, out)
}

fn ok(args: &[&str]) -> Run {
    let run = lc(args);
    assert_eq!(
        run.code, 0,
        "launchcast {args:?} failed:\n{}\n{}",
        run.stdout, run.stderr
    );
    run
}

/// Runs a command that must fail as bad input or usage (exit 2) and name every `needle` on
/// standard error (compared with white space collapsed).
fn bad(args: &[&str], needles: &[&str]) -> Run {
    let run = lc(args);
    assert_eq!(
        run.code, 2,
        "launchcast {args:?} should exit 2:\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let flat = run.err_flat();
    for needle in needles {
        let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&needle),
            "launchcast {args:?}: stderr does not mention {needle:?}:\n{}",
            run.stderr
        );
    }
    run
}

/// What a child run cost: its wall time and its peak resident memory.
struct Cost {
    seconds: f64,
    peak_mib: f64,
}

/// Runs `launchcast ARGS` (standard input from `stdin` if given, else empty) and measures the
/// child: wall time, and peak resident set size from the kernel's own account (`wait4`), so
/// that resource bounds are asserted on the real process. A run over `timeout` is killed and
/// fails the test.
#[cfg(unix)]
#[allow(clippy::zombie_processes)] // reaped by `wait4` below, which also gives its usage
fn lc_cost(args: &[&str], timeout: std::time::Duration) -> (Run, Cost) {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let started = std::time::Instant::now();
    let mut child = command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("launchcast starts");
    let pid = child.id() as libc::pid_t;
    // Drain both pipes on threads so that a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let (status, usage) = loop {
        let mut status: libc::c_int = 0;
        // SAFETY: plain system call on our own child; `usage` is written by the kernel.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break (status, usage);
        }
        assert!(r == 0, "wait4 failed for launchcast {args:?}");
        if started.elapsed() > timeout {
            let _ = child.kill();
            panic!("launchcast {args:?} ran longer than {timeout:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let seconds = started.elapsed().as_secs_f64();
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    };
    // Linux reports ru_maxrss in KiB.
    let peak_mib = usage.ru_maxrss as f64 / 1024.0;
    (Run::from(args, output), Cost { seconds, peak_mib })
}

fn write_model(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// `LINE:COLUMN` (1-based, columns in characters) of the first occurrence of `token`.
fn loc(text: &str, token: &str) -> String {
    for (i, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(token) {
            return format!("{}:{}", i + 1, line[..byte].chars().count() + 1);
        }
    }
    panic!("{token:?} is not in the model text");
}

// ---------------------------------------------------------------------------------------------
// JSON with key order kept (serde_json's own map sorts keys)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_none<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<J, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J, E> {
        Ok(J::Num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J, E> {
        Ok(J::Num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<J, E> {
        Ok(J::Num(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<J, E> {
        Ok(J::Str(v.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element()? {
            v.push(x);
        }
        Ok(J::Arr(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
        let mut v = Vec::new();
        while let Some((k, x)) = map.next_entry::<String, J>()? {
            v.push((k, x));
        }
        Ok(J::Obj(v))
    }
}

impl J {
    fn parse(text: &str) -> J {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
    }
    fn keys(&self) -> Vec<&str> {
        match self {
            J::Obj(kv) => kv.iter().map(|(k, _)| k.as_str()).collect(),
            other => panic!("not an object: {other:?}"),
        }
    }
    fn get(&self, key: &str) -> &J {
        match self {
            J::Obj(kv) => kv
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {key:?} in {:?}", self.keys())),
            other => panic!("not an object: {other:?}"),
        }
    }
    fn arr(&self) -> &[J] {
        match self {
            J::Arr(v) => v,
            other => panic!("not an array: {other:?}"),
        }
    }
    fn str(&self) -> &str {
        match self {
            J::Str(v) => v,
            other => panic!("not a string: {other:?}"),
        }
    }
    fn num(&self) -> f64 {
        match self {
            J::Num(v) => *v,
            other => panic!("not a number: {other:?}"),
        }
    }
    fn opt_num(&self) -> Option<f64> {
        match self {
            J::Null => None,
            _ => Some(self.num()),
        }
    }
}

/// The contract keys come first, in contract order; anything else only after them.
fn assert_contract_keys(obj: &J, contract: &[&str], what: &str) {
    let keys = obj.keys();
    assert!(
        keys.len() >= contract.len() && keys[..contract.len()] == *contract,
        "{what}: keys {keys:?} must start with the contract keys {contract:?}"
    );
}

/// The contract keys are all present and in contract order (other keys may sit in between).
fn assert_contract_keys_in_order(obj: &J, contract: &[&str], what: &str) {
    let keys = obj.keys();
    let positions: Vec<usize> = contract
        .iter()
        .map(|c| {
            keys.iter()
                .position(|k| k == c)
                .unwrap_or_else(|| panic!("{what}: contract key {c:?} missing from {keys:?}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{what}: contract keys {contract:?} out of order in {keys:?}"
    );
}

const TOP_KEYS: [&str; 6] = [
    "launchcast",
    "model",
    "iterations",
    "seed",
    "start",
    "scenarios",
];
const SCENARIO_KEYS: [&str; 7] = [
    "id",
    "name",
    "first_delivery",
    "promises",
    "deliveries_by_year",
    "spend_by_year",
    "tasks",
];
const FIRST_DELIVERY_KEYS: [&str; 10] = [
    "probability",
    "mean_days",
    "p10_days",
    "p50_days",
    "p80_days",
    "p90_days",
    "p10",
    "p50",
    "p80",
    "p90",
];
const PROMISE_KEYS: [&str; 2] = ["id", "probability"];
const YEAR_KEYS: [&str; 5] = ["year", "mean", "p10", "p50", "p90"];
const TASK_KEYS: [&str; 8] = [
    "id",
    "probability",
    "mean_days",
    "p10_days",
    "p50_days",
    "p80_days",
    "p90_days",
    "criticality",
];

// ---------------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, days since 1970-01-01)
// ---------------------------------------------------------------------------------------------

fn days_from_civil(date: &str) -> i64 {
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let (y, m, d) = (parts[0], parts[1], parts[2]);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn add_days(start: &str, days: f64) -> String {
    civil_from_days(days_from_civil(start) + days.floor() as i64)
}

#[test]
fn date_helpers_round_trip() {
    assert_eq!(add_days("2022-07-01", 0.0), "2022-07-01");
    assert_eq!(add_days("2024-02-28", 1.9), "2024-02-29");
    assert_eq!(add_days("2023-12-31", 1.0), "2024-01-01");
    assert_eq!(add_days("2024-01-01", 366.0), "2025-01-01");
}

// ---------------------------------------------------------------------------------------------
// 1. `run` on the bundled example: terminal output
// ---------------------------------------------------------------------------------------------

/// The line with the wall-clock time, e.g. `2000 iterations × 4 scenario(s) in 0.02 s`.
fn is_timing_line(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_digit()) && line.contains(" in ") && line.ends_with(" s")
}

#[test]
fn run_example_terminal_output() {
    let run = ok(&["run", "-n", "2000", "--seed", "1"]);
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
    for line in run.stdout.lines() {
        assert!(
            line.chars().count() <= 100,
            "line wider than COLUMNS=100 ({} columns): {line:?}",
            line.chars().count()
        );
    }
    assert_eq!(
        run.stdout.lines().filter(|l| is_timing_line(l)).count(),
        1,
        "exactly one timing line:\n{}",
        run.stdout
    );
    let text: String = run
        .stdout
        .lines()
        .map(|l| if is_timing_line(l) { "[timing]" } else { l })
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("run_example", text);
}

#[test]
fn run_quiet_prints_nothing() {
    let run = ok(&["run", "-n", "500", "--quiet"]);
    assert_eq!(run.stdout, "");
    assert_eq!(run.stderr, "");
}

// ---------------------------------------------------------------------------------------------
// 2. The JSON contract
// ---------------------------------------------------------------------------------------------

fn assert_probability(v: f64, what: &str) {
    assert!((0.0..=1.0).contains(&v), "{what} = {v} is not in [0, 1]");
}

fn assert_ordered(values: &[Option<f64>], what: &str) {
    let present: Vec<f64> = values.iter().flatten().copied().collect();
    assert!(
        present.len() == values.len() || present.is_empty(),
        "{what}: some quantiles missing: {values:?}"
    );
    assert!(
        present.windows(2).all(|w| w[0] <= w[1]),
        "{what}: quantiles not ordered: {values:?}"
    );
}

#[test]
fn run_json_follows_the_contract() {
    let run = ok(&["run", "-n", "2000", "--seed", "1", "--json", "-"]);
    let j = J::parse(&run.stdout);

    assert_contract_keys_in_order(&j, &TOP_KEYS, "top level");
    assert_eq!(j.get("launchcast").str(), env!("CARGO_PKG_VERSION"));
    assert_eq!(j.get("model").str(), "Xiaomi EV launch as seen in mid-2022");
    assert_eq!(j.get("iterations").num(), 2000.0);
    assert_eq!(j.get("seed").num(), 1.0);
    let start = j.get("start").str().to_string();
    assert_eq!(start, "2022-07-01");

    let scenarios = j.get("scenarios").arr();
    let ids: Vec<&str> = scenarios.iter().map(|s| s.get("id").str()).collect();
    assert_eq!(ids, ["base", "go_alone", "hyundai_stake", "baic_cobrand"]);

    for sc in scenarios {
        let id = sc.get("id").str();
        assert_contract_keys(sc, &SCENARIO_KEYS, &format!("scenario {id}"));
        assert!(!sc.get("name").str().is_empty());

        let fd = sc.get("first_delivery");
        let what = format!("{id}.first_delivery");
        assert_contract_keys(fd, &FIRST_DELIVERY_KEYS, &what);
        let p = fd.get("probability").num();
        assert_probability(p, &what);
        assert!(
            p > 0.0,
            "{what}: every route of the example delivers sometimes"
        );
        let days: Vec<Option<f64>> = ["p10_days", "p50_days", "p80_days", "p90_days"]
            .iter()
            .map(|k| fd.get(k).opt_num())
            .collect();
        assert_ordered(&days, &what);
        for (q, d) in ["p10", "p50", "p80", "p90"].iter().zip(&days) {
            let d = d.expect("quantiles exist when the probability is positive");
            assert!(d >= 0.0);
            assert_eq!(
                fd.get(q).str(),
                add_days(&start, d),
                "{what}.{q} is not start + floor({q}_days)"
            );
        }
        let mean = fd.get("mean_days").num();
        assert!(mean.is_finite() && mean >= 0.0, "{what}.mean_days = {mean}");

        let promises = sc.get("promises").arr();
        assert_eq!(promises.len(), 3, "{id}: the example has three promises");
        for pr in promises {
            assert_contract_keys(pr, &PROMISE_KEYS, &format!("{id} promise"));
            assert_probability(pr.get("probability").num(), &format!("{id} promise"));
        }
        assert!(
            promises.iter().any(|p| p.get("id").str().contains("2024")),
            "{id}: a promise about 2024"
        );

        for table in ["deliveries_by_year", "spend_by_year"] {
            let rows = sc.get(table).arr();
            let years: Vec<f64> = rows.iter().map(|r| r.get("year").num()).collect();
            let expected: Vec<f64> = (2022..=2031).map(f64::from).collect();
            assert_eq!(
                years, expected,
                "{id}.{table}: one row per year to the horizon"
            );
            for r in rows {
                let what = format!("{id}.{table}");
                assert_contract_keys(r, &YEAR_KEYS, &what);
                let qs: Vec<Option<f64>> = ["p10", "p50", "p90"]
                    .iter()
                    .map(|k| r.get(k).opt_num())
                    .collect();
                assert_ordered(&qs, &what);
                assert!(r.get("mean").num() >= 0.0, "{what}: negative mean");
            }
        }

        let tasks = sc.get("tasks").arr();
        assert!(!tasks.is_empty());
        for t in tasks {
            let what = format!("{id} task {}", t.get("id").str());
            assert_contract_keys(t, &TASK_KEYS, &what);
            assert_probability(t.get("probability").num(), &what);
            assert_probability(t.get("criticality").num(), &what);
            let days: Vec<Option<f64>> = ["p10_days", "p50_days", "p80_days", "p90_days"]
                .iter()
                .map(|k| t.get(k).opt_num())
                .collect();
            assert_ordered(&days, &what);
        }
    }
    // Common random numbers: in base every route is pursued, so the first car comes at least
    // as often as in any single-route scenario.
    let p = |i: usize| scenarios[i].get("first_delivery").get("probability").num();
    assert!(
        (1..4).all(|i| p(0) >= p(i)),
        "base must dominate the single routes"
    );
}

#[test]
fn run_json_extra_top_level_keys_come_last() {
    let run = ok(&["run", "-n", "200", "--json", "-"]);
    assert_contract_keys(&J::parse(&run.stdout), &TOP_KEYS, "top level");
}

/// Drivers in days, sensitivity and comparisons: present in every scenario with the names the
/// HTML report reads, ordered as documented, and consistent with each other.
#[test]
fn run_json_has_drivers_sensitivity_and_comparisons() {
    let run = ok(&["run", "-n", "2000", "--seed", "1", "--json", "-"]);
    let j = J::parse(&run.stdout);
    let top = j.keys();
    let at = |k: &str| top.iter().position(|x| *x == k).expect("key");
    assert_eq!(at("comparisons"), at("scenarios") + 1, "{top:?}");
    let promise_ids = [
        "first_by_2024",
        "spend_within_pledge",
        "illustrative_300k_by_2026",
    ];
    let scenarios = j.get("scenarios").arr();
    for sc in scenarios {
        let id = sc.get("id").str();
        let drivers = sc.get("drivers").arr();
        assert!(!drivers.is_empty(), "{id}: no drivers");
        let mut last = f64::INFINITY;
        for d in drivers {
            assert_eq!(
                d.keys(),
                ["id", "kind", "p50_days", "p80_days", "promises", "name"],
                "{id}"
            );
            assert!(["risk", "task"].contains(&d.get("kind").str()));
            let p80 = d.get("p80_days").num();
            assert!(p80 <= last, "{id}: drivers not ranked by p80_days");
            last = p80;
            assert_eq!(d.get("promises").keys(), promise_ids, "{id}");
            for p in promise_ids {
                let change = d.get("promises").get(p).num();
                assert!((-1.0..=1.0).contains(&change), "{id}: {p} {change}");
            }
        }
        // Disabled items are no drivers: go_alone has no BAIC talks risk.
        if id == "go_alone" {
            assert!(
                drivers
                    .iter()
                    .all(|d| d.get("id").str() != "partner_talks_collapse")
            );
        }
        let sens = sc.get("sensitivity").arr();
        assert!(!sens.is_empty(), "{id}: no sensitivity");
        let mut last = f64::INFINITY;
        for s in sens {
            assert_eq!(s.keys(), ["id", "spearman", "criticality"]);
            let r = s.get("spearman").opt_num().map_or(-1.0, f64::abs);
            assert!(
                r <= last + 1e-12,
                "{id}: sensitivity not ranked by |spearman|"
            );
            last = r;
            assert_probability(s.get("criticality").num(), "criticality");
        }
    }
    // The licence freeze delays the go-alone route: it adds to that route's P80.
    let go_alone = &scenarios[1];
    let freeze = go_alone
        .get("drivers")
        .arr()
        .iter()
        .find(|d| d.get("id").str() == "licence_freeze")
        .expect("licence_freeze drives go_alone");
    assert!(freeze.get("p80_days").num() > 30.0);
    assert!(freeze.get("promises").get("first_by_2024").num() < 0.0);

    let c = j.get("comparisons");
    assert_eq!(c.keys(), ["pairs", "best_by_promise"]);
    let pairs = c.get("pairs").arr();
    assert_eq!(pairs.len(), 6, "every pair of four scenarios");
    for p in pairs {
        for k in [
            "a",
            "b",
            "p_a_earlier",
            "median_diff_days",
            "p10_diff_days",
            "p90_diff_days",
            "both_happen",
        ] {
            p.get(k);
        }
        let (a, tie) = (p.get("p_a_earlier").num(), p.get("p_tie").num());
        assert!(a >= 0.0 && tie >= 0.0 && a + tie <= 1.0 + 1e-9);
        assert_ordered(
            &["p10_diff_days", "median_diff_days", "p90_diff_days"].map(|k| p.get(k).opt_num()),
            "diff quantiles",
        );
    }
    // Base pursues every route: its first delivery is never later than a single route's.
    for p in &pairs[..3] {
        assert_eq!(p.get("a").str(), "base");
        assert!(p.get("p90_diff_days").num() <= 0.0, "{p:?}");
    }
    let best = c.get("best_by_promise").arr();
    assert_eq!(best.len(), 3);
    assert_eq!(best[0].get("promise").str(), "first_by_2024");
    assert_eq!(best[0].get("scenario").str(), "base");
}

#[test]
fn no_drivers_skips_the_extra_runs() {
    let run = ok(&["run", "-n", "1000", "--no-drivers", "--json", "-"]);
    let j = J::parse(&run.stdout);
    for sc in j.get("scenarios").arr() {
        assert!(sc.get("drivers").arr().is_empty());
        assert!(!sc.get("sensitivity").arr().is_empty());
    }
    let text = ok(&["run", "-n", "1000", "--no-drivers"]).stdout;
    assert!(
        !text.contains("DRIVERS") && text.contains("SENSITIVITY"),
        "{text}"
    );
    assert!(!text.contains("more runs"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// 3. Determinism
// ---------------------------------------------------------------------------------------------

#[test]
fn results_do_not_depend_on_threads_but_on_the_seed() {
    let json = |threads: &str, seed: &str| {
        ok(&[
            "run",
            "-n",
            "20000",
            "--seed",
            seed,
            "--threads",
            threads,
            "--json",
            "-",
        ])
        .stdout
    };
    let one = json("1", "7");
    let two = json("2", "7");
    assert!(one == two, "--threads 1 and --threads 2 differ at seed 7");
    let other = json("2", "8");
    assert_ne!(one, other, "seeds 7 and 8 give the same result");
    let j = J::parse(&other);
    assert_eq!(j.get("seed").num(), 8.0);
    assert_eq!(j.get("iterations").num(), 20000.0);
}

#[test]
fn no_model_runs_the_bundled_example() {
    let args = ["-n", "1000", "--seed", "3", "--json", "-"];
    let bundled = ok(&[&["run"][..], &args].concat()).stdout;
    let file = ok(&[&["run", "examples/xiaomi-2022.toml"][..], &args].concat()).stdout;
    assert_eq!(bundled, file);
}

// ---------------------------------------------------------------------------------------------
// 4. Scenario selection
// ---------------------------------------------------------------------------------------------

#[test]
fn scenario_flag_selects_scenarios() {
    let run = ok(&["run", "-n", "1000", "--scenario", "go_alone", "--json", "-"]);
    let j = J::parse(&run.stdout);
    let ids: Vec<&str> = j
        .get("scenarios")
        .arr()
        .iter()
        .map(|s| s.get("id").str())
        .collect();
    assert_eq!(ids, ["go_alone"]);

    let run = ok(&[
        "run",
        "-n",
        "1000",
        "--scenario",
        "baic_cobrand",
        "--scenario",
        "base",
        "--json",
        "-",
    ]);
    let j = J::parse(&run.stdout);
    let ids: Vec<&str> = j
        .get("scenarios")
        .arr()
        .iter()
        .map(|s| s.get("id").str())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(
        ids.contains(&"base") && ids.contains(&"baic_cobrand"),
        "{ids:?}"
    );
}

#[test]
fn unknown_scenario_is_bad_input() {
    let run = bad(&["run", "-n", "100", "--scenario", "nope"], &["nope"]);
    assert!(run.stdout.is_empty(), "no result for a bad scenario");
}

// ---------------------------------------------------------------------------------------------
// 5. Output files
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_writes_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new/tables");
    ok(&["run", "-n", "500", "-q", "--csv", s(&out)]);
    let headers = [
        (
            "promises.csv",
            "scenario,promise,name,probability",
            1 + 3 * 4,
        ),
        (
            "first_delivery.csv",
            "scenario,probability,mean_days,p10_days,p50_days,p80_days,p90_days,p10,p50,p80,p90",
            1 + 4,
        ),
        (
            "deliveries_by_year.csv",
            "scenario,year,mean,p10,p50,p90",
            1 + 10 * 4,
        ),
        (
            "spend_by_year.csv",
            "scenario,year,mean,p10,p50,p90",
            1 + 10 * 4,
        ),
        (
            "tasks.csv",
            "scenario,task,name,probability,mean_days,p10_days,p50_days,p80_days,p90_days,criticality",
            0,
        ),
        (
            "run.csv",
            "launchcast,model,iterations,seed,start,horizon,currency",
            2,
        ),
        ("scenarios.csv", "scenario,name", 1 + 4),
        (
            "sensitivity.csv",
            "scenario,task,name,spearman,criticality",
            0,
        ),
        ("correlations.csv", "scenario,a,b,target,achieved", 1),
        (
            "drivers.csv",
            "scenario,kind,id,name,p50_days,p80_days,change_first_by_2024,\
             change_spend_within_pledge,change_illustrative_300k_by_2026",
            0,
        ),
        (
            "comparisons.csv",
            "a,b,p_a_earlier,median_diff_days,p10_diff_days,p90_diff_days,both_happen,p_tie",
            1 + 6,
        ),
        (
            "best_by_promise.csv",
            "promise,name,scenario,probability",
            0,
        ),
    ];
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<&str> = headers.iter().map(|h| h.0).collect();
    expected.sort();
    assert_eq!(names, expected, "exactly the tables, no temporary files");
    for (name, header, rows) in headers {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert_eq!(text.lines().next(), Some(header), "{name}");
        assert!(text.ends_with('\n'), "{name}");
        if rows > 0 {
            assert_eq!(text.lines().count(), rows, "{name}:\n{text}");
        }
        let by_scenario = !["run.csv", "comparisons.csv", "best_by_promise.csv"].contains(&name);
        for line in text.lines().skip(1).filter(|_| by_scenario) {
            let scenario = line.split(',').next().unwrap();
            assert!(
                ["base", "go_alone", "hyundai_stake", "baic_cobrand"].contains(&scenario),
                "{name}: row for unknown scenario: {line}"
            );
        }
    }
}

#[test]
fn csv_into_a_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_model(dir.path(), "plain.txt", "x");
    bad(&["run", "-n", "100", "-q", "--csv", s(&file)], &[s(&file)]);
}

#[test]
fn json_to_a_file_equals_json_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let run = ok(&["run", "-n", "800", "--json", s(&path)]);
    assert!(
        run.stdout.contains("FIRST DELIVERY"),
        "the terminal summary is still printed"
    );
    let written = std::fs::read_to_string(&path).unwrap();
    let stdout = ok(&["run", "-n", "800", "--json", "-"]).stdout;
    assert_eq!(written, stdout);
    // Replacing an existing file works too.
    ok(&["run", "-n", "900", "-q", "--json", s(&path)]);
    let again = J::parse(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(again.get("iterations").num(), 900.0);
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "no temporary file left behind");
}

#[test]
fn json_into_a_missing_directory_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/result.json");
    let run = bad(
        &["run", "-n", "100", "--json", s(&path)],
        &[s(&path), "help:"],
    );
    assert!(!path.exists());
    assert!(
        run.stdout.is_empty(),
        "fails before simulating: {}",
        run.stdout
    );
}

#[test]
fn json_onto_a_directory_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    bad(
        &["run", "-n", "100", "-q", "--json", s(dir.path())],
        &[s(dir.path()), "directory"],
    );
    assert!(dir.path().is_dir());
}

#[test]
fn html_report_is_written_whole_and_its_path_checked_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let html = dir.path().join("r.html");
    ok(&[
        "run",
        "-n",
        "300",
        "-q",
        "--json",
        s(&json),
        "--html",
        s(&html),
    ]);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>") && text.trim_end().ends_with("</html>"));
    for id in [
        "chart-cdf",
        "chart-histogram",
        "chart-deliveries",
        "chart-spend",
    ] {
        assert!(text.contains(&format!(r#"id="{id}""#)), "{id}");
    }
    assert!(json.exists());
    // Replaced whole: no temporary file left beside it.
    ok(&["run", "-n", "200", "-q", "--html", s(&html)]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["r.html", "r.json"]);

    // A missing directory or a directory as the file is refused before anything is written.
    let json2 = dir.path().join("r2.json");
    let missing = dir.path().join("missing/r.html");
    bad(
        &[
            "run",
            "-n",
            "100",
            "-q",
            "--json",
            s(&json2),
            "--html",
            s(&missing),
        ],
        &[s(&missing), "does not exist"],
    );
    bad(
        &[
            "run",
            "-n",
            "100",
            "-q",
            "--json",
            s(&json2),
            "--html",
            s(dir.path()),
        ],
        &["is a directory"],
    );
    assert!(!json2.exists());
}

/// Opens the example's report in headless Chromium as a reader would: it must load without a
/// console error, and every chart must be laid out with a real size and drawn content. Skipped
/// (with a message) where Chromium is not installed; `.ci/run` installs it.
#[test]
fn html_report_renders_in_headless_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: chromium not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    ok(&["run", "-n", "2000", "-q", "--html", s(&report)]);

    // A page that frames the report and writes the size and content of each chart into its
    // own DOM, which `--dump-dom` then prints.
    let probe = dir.path().join("probe.html");
    std::fs::write(
        &probe,
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><script>
function measure(f) {
  var out = [];
  var d = f.contentDocument;
  if (!d) { out.push('no access to the report'); }
  else d.querySelectorAll('svg.chart').forEach(function (s) {
    var r = s.getBoundingClientRect();
    out.push([s.id, Math.round(r.width), Math.round(r.height),
      s.querySelectorAll('path,rect,line,circle').length,
      s.querySelectorAll('text').length].join(' '));
  });
  document.getElementById('out').textContent = 'measured\n' + out.join('\n') + '\nend';
}
</script></head><body><pre id="out">not measured</pre>
<iframe src="report.html" style="width:1280px;height:3000px" onload="measure(this)"></iframe>
</body></html>"#,
    )
    .unwrap();

    let chrome = |page: &Path, profile: &str| -> (String, String) {
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--allow-file-access-from-files",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join(profile).display()
            ))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Read both pipes on threads so that a full pipe never stalls the browser.
        let mut out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut out, &mut s).map(|_| s)
        });
        let err = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut err, &mut s).map(|_| s)
        });
        let started = std::time::Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if started.elapsed() > std::time::Duration::from_secs(120) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 120 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        (
            out.join().unwrap().unwrap_or_default(),
            err.join().unwrap().unwrap_or_default(),
        )
    };
    let console_errors = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| {
                l.contains("Uncaught")
                    || (l.contains(":CONSOLE")
                        && (l.contains("rror") || l.contains("Failed") || l.contains("Refused")))
            })
            .map(str::to_string)
            .collect()
    };

    // The report by itself: its DOM has every chart as inline SVG, and the page logs no error.
    let (dom, stderr) = chrome(&report, "profile-report");
    assert_eq!(console_errors(&stderr), Vec::<String>::new(), "{stderr}");
    assert!(dom.contains("</html>"), "no DOM dumped:\n{stderr}");
    let ids = [
        "chart-cdf",
        "chart-histogram",
        "chart-deliveries",
        "chart-spend",
        "chart-tornado",
        "chart-criticality",
        "chart-sensitivity",
    ];
    for id in ids {
        assert!(
            dom.contains(&format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}""#
            )),
            "{id} is not in the rendered DOM"
        );
    }

    // Laid out: every chart as wide as the page's column, with content drawn in it.
    let (dom, stderr) = chrome(&probe, "profile-probe");
    assert_eq!(console_errors(&stderr), Vec::<String>::new(), "{stderr}");
    let measured = dom
        .split("measured\n")
        .nth(1)
        .and_then(|m| m.split("\nend").next())
        .unwrap_or_else(|| panic!("the probe did not run:\n{dom}\n{stderr}"));
    for id in ids {
        let line = measured
            .lines()
            .find(|l| l.split(' ').next() == Some(id))
            .unwrap_or_else(|| panic!("{id} not laid out:\n{measured}"));
        let n: Vec<u32> = line
            .split(' ')
            .skip(1)
            .map(|v| v.parse().unwrap())
            .collect();
        assert!(
            n.len() == 4 && n[0] >= 600 && n[1] >= 60 && n[2] >= 1 && n[3] >= 1,
            "{id} is too small or empty: {line}"
        );
    }
}

/// A FIFO (like `/dev/stdout`) is written in place, never replaced by a regular file.
#[cfg(unix)]
#[test]
fn json_into_a_fifo_writes_through_it() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo unavailable: skipped");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(&fifo)
                .and_then(|mut f| f.read_to_string(&mut text))
                .map(|_| text)
        })
    };
    let run = ok(&["run", "-n", "300", "-q", "--json", s(&fifo)]);
    assert!(run.stdout.is_empty());
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by a regular file");
    let text = reader.join().unwrap().unwrap();
    assert_eq!(J::parse(&text).get("iterations").num(), 300.0);
}

#[test]
fn closed_stdout_ends_quietly() {
    for args in [
        &["run", "-n", "2000"][..],
        &["run", "-n", "2000", "--json", "-"],
        &["check", "examples/xiaomi-2022.toml"],
        &["inspect", "examples/xiaomi-2022.toml"],
    ] {
        let mut child = command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let run = Run::from(args, out);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn full_stdout_is_a_write_error() {
    use std::os::unix::fs::FileTypeExt;
    let full = Path::new("/dev/full");
    if !std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
        return;
    }
    for args in [
        &["run", "-n", "500"][..],
        &["check", "examples/xiaomi-2022.toml"],
    ] {
        let out = command(args)
            .stdout(std::fs::OpenOptions::new().write(true).open(full).unwrap())
            .output()
            .unwrap();
        let run = Run::from(args, out);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("standard output"), "{}", run.stderr);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Bad input and usage
// ---------------------------------------------------------------------------------------------

const PROGRAM: &str = "[program]\nname = \"t\"\nstart = 2024-01-01\nhorizon = 2026-01-01\n";

/// Runs both `check` and `run` on a bad model: exit 2 and every needle named.
fn bad_model(path: &Path, needles: &[&str]) {
    bad(&["check", s(path)], needles);
    let run = bad(&["run", "-n", "10", s(path)], needles);
    assert!(run.stdout.is_empty());
}

#[test]
fn unknown_key_suggests_the_known_one() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"a\"\nduraton = \"10d\"\n");
    let path = write_model(dir.path(), "unknown_key.toml", &text);
    let at = format!("{}:{}", s(&path), loc(&text, "duraton"));
    bad_model(&path, &[&at, "duraton", "did you mean `duration`", "help:"]);
}

#[test]
fn unknown_program_key_names_the_key_path() {
    let dir = tempfile::tempdir().unwrap();
    let text = PROGRAM.replace("horizon", "horizn");
    let path = write_model(dir.path(), "program_key.toml", &text);
    bad_model(&path, &[s(&path), "program.horizn", "help:"]);
}

const CALENDAR: &str = "\n[[calendar]]\nid = \"site\"\nweek = { mon = \"08:00-12:00, 13:00-17:00\", tue = \"08:00-12:00, 13:00-17:00\", wed = \"08:00-12:00, 13:00-17:00\", thu = \"08:00-12:00, 13:00-17:00\", fri = \"08:00-12:00, 13:00-17:00\" }\nexceptions = [{ from = 2024-01-10, to = 2024-01-10, hours = \"\" }]\n";

#[test]
fn calendar_mistakes_exit_2_naming_place_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}{}\n[[task]]\nid = \"a\"\nduration = \"10d\"\ncalendar = \"sites\"\n",
        CALENDAR.replace(
            "tue = \"08:00-12:00, 13:00-17:00\"",
            "tue = \"08:00-13:00, 12:00-17:00\""
        )
    );
    let path = write_model(dir.path(), "cal.toml", &text);
    let overlap = format!("{}:{}", s(&path), loc(&text, "\"08:00-13:00"));
    let unknown = format!("{}:{}", s(&path), loc(&text, "\"sites\""));
    bad_model(
        &path,
        &[
            &overlap,
            "`08:00-13:00` and `12:00-17:00` overlap",
            &unknown,
            "unknown calendar `sites`",
            "did you mean `site`?",
        ],
    );
}

#[test]
fn a_task_on_a_calendar_runs_in_working_days() {
    let dir = tempfile::tempdir().unwrap();
    // 10 working days from Friday 2024-01-05 with a holiday on Wednesday the 10th: Friday
    // 2024-01-19 (Thursday the 18th without the holiday).
    let text = format!(
        "{PROGRAM}calendar = \"site\"\n{CALENDAR}\n[[task]]\nid = \"a\"\nduration = \"10d\"\nnot_before = 2024-01-05\n"
    );
    let path = write_model(dir.path(), "cal.toml", &text);
    let out = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    assert_eq!(out.get("finish").str(), "2024-01-19");
    let a = &out.get("schedule").arr()[0];
    assert_eq!(a.get("start").str(), "2024-01-05");
    assert!((a.get("finish_days").num() - (18.0 + 17.0 / 24.0)).abs() < 1e-4);
    ok(&["check", s(&path)]);
}

#[test]
fn bad_distribution_names_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"tri(10d, 5d, 20d)\"\n");
    let path = write_model(dir.path(), "bad_dist.toml", &text);
    let at = format!("{}:{}", s(&path), loc(&text, "tri(10d"));
    bad_model(
        &path,
        &[&at, "task[0].duration", "tri(10d, 5d, 20d)", "help:"],
    );
}

#[test]
fn unparsable_distribution_names_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"triangle(1d)\"\n");
    let path = write_model(dir.path(), "bad_grammar.toml", &text);
    bad_model(&path, &[s(&path), "task[0].duration", "help:"]);
    assert!(lc(&["check", s(&path)]).stderr.contains("triangle"));
}

#[test]
fn cycle_names_the_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}\n[[task]]\nid = \"alpha\"\nduration = \"10d\"\nafter = [\"beta\"]\n\n\
         [[task]]\nid = \"beta\"\nduration = \"10d\"\nafter = [\"alpha\"]\n"
    );
    let path = write_model(dir.path(), "cycle.toml", &text);
    let run = lc(&["check", s(&path)]);
    let at = format!("{}:", s(&path));
    bad_model(&path, &[&at, "cycle", "alpha", "beta", "help:"]);
    // The location is one of the two links of the cycle.
    let flat = run.err_flat();
    let first = format!("{}:{}", s(&path), loc(&text, "[\"beta\"]"));
    let second = format!("{}:{}", s(&path), loc(&text, "[\"alpha\"]"));
    let col = |l: &str| {
        let (line, col) = l.rsplit_once(':').unwrap();
        format!("{line}:{}", col.parse::<usize>().unwrap() + 1)
    };
    assert!(
        flat.contains(&col(&first)) || flat.contains(&col(&second)),
        "no link location in:\n{}",
        run.stderr
    );
}

#[test]
fn missing_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no_such_model.toml");
    bad_model(&path, &[s(&path), "help:"]);
    bad(&["inspect", s(&path)], &[s(&path)]);
}

#[test]
fn directory_as_model_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    bad(&["check", s(dir.path())], &[s(dir.path())]);
}

#[test]
fn empty_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "empty.toml", "");
    bad_model(&path, &[s(&path), "empty", "help:"]);
}

#[test]
fn non_utf8_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"[program]\nname = \"Citro\xebn\"\n").unwrap();
    bad_model(&path, &[s(&path), "UTF-8", "line 2", "help:"]);
}

#[test]
fn toml_syntax_error_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"a\nduration = \"10d\"\n");
    let path = write_model(dir.path(), "syntax.toml", &text);
    bad_model(&path, &[&format!("{}:", s(&path))]);
}

#[test]
fn scenario_disabling_an_unknown_id() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"10d\"\n\n\
         [[scenario]]\nid = \"s\"\nname = \"S\"\ndisable = [\"zzz_task\"]\n"
    );
    let path = write_model(dir.path(), "scenario.toml", &text);
    let at = format!("{}:{}", s(&path), loc(&text, "\"zzz_task\""));
    bad_model(&path, &[&at, "scenario[0].disable[0]", "zzz_task", "help:"]);
}

#[test]
fn usage_errors_exit_2() {
    bad(&["run", "--bogus"], &["--bogus"]);
    bad(&["run", "--iterations", "0"], &["--iterations", "0"]);
    bad(&["run", "-n", "many"], &["many"]);
    bad(&["run", "--threads", "0"], &["--threads", "0"]);
    bad(&["run", "--seed", "-1"], &["-1"]);
    bad(&["frobnicate"], &["frobnicate"]);
    bad(&["check"], &["MODEL"]);
    bad(&["inspect"], &["INPUT"]);
    bad(&[], &["Usage"]);
    bad(&["import", "plan.xml"], &["plan.xml"]);
}

#[test]
fn help_and_version_exit_0() {
    let run = ok(&["--help"]);
    assert!(run.stdout.contains("run") && run.stdout.contains("check"));
    let run = ok(&["--version"]);
    assert!(run.stdout.contains(env!("CARGO_PKG_VERSION")));
}

// ---------------------------------------------------------------------------------------------
// 7. `check`
// ---------------------------------------------------------------------------------------------

#[test]
fn check_example() {
    let run = ok(&["check", "examples/xiaomi-2022.toml"]);
    assert!(run.stderr.is_empty());
    assert!(
        run.stdout.lines().all(|l| l == l.trim_end()),
        "trailing white space"
    );
    insta::assert_snapshot!("check_example", run.stdout);
}

#[test]
fn check_bad_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{PROGRAM}\n[[task]]\nid = \"A-1\"\nduration = \"10d\"\n");
    let path = write_model(dir.path(), "bad_id.toml", &text);
    let run = bad(&["check", s(&path)], &[s(&path), "A-1", "help:"]);
    assert!(run.stdout.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 8. `inspect`
// ---------------------------------------------------------------------------------------------

/// a 0..10; b SS+3 → 3..23; c after a+2 (≥ 12) and b:FF (finish ≥ 23) → 12..27;
/// d after b-2d → 21..28; milestone m after c, d and a:SF+20d (finish ≥ 20) → 28.
const SCHEDULE: &str = r#"
[[task]]
id = "a"
duration = "10d"

[[task]]
id = "b"
duration = "20d"
after = ["a:SS+3d"]

[[task]]
id = "c"
duration = "15d"
after = ["a+2d", "b:FF"]

[[task]]
id = "d"
duration = "1w"
after = ["b-2d"]

[[task]]
id = "m"
duration = "0d"
after = ["c", "d", "a:SF+20d"]
"#;

#[test]
fn inspect_gives_the_critical_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "small.toml", &format!("{PROGRAM}{SCHEDULE}"));

    let run = ok(&["inspect", s(&path), "--json"]);
    let j = J::parse(&run.stdout);
    assert_eq!(
        j.keys()[..11],
        [
            "tasks",
            "milestones",
            "summary_tasks",
            "relations",
            "calendars",
            "risks",
            "plants",
            "promises",
            "scenarios",
            "start",
            "finish",
        ]
    );
    assert_eq!(j.get("tasks").num(), 5.0);
    assert_eq!(j.get("milestones").num(), 1.0);
    assert_eq!(j.get("summary_tasks").num(), 0.0);
    assert_eq!(j.get("calendars").num(), 0.0);
    let rel = j.get("relations");
    assert_eq!(rel.keys(), ["FS", "SS", "FF", "SF"]);
    let counts: Vec<f64> = ["FS", "SS", "FF", "SF"]
        .iter()
        .map(|k| rel.get(k).num())
        .collect();
    assert_eq!(counts, [4.0, 1.0, 1.0, 1.0]);
    assert_eq!(j.get("start").str(), "2024-01-01");
    assert_eq!(j.get("finish_days").num(), 28.0);
    assert_eq!(j.get("finish").str(), "2024-01-29");

    let schedule = j.get("schedule").arr();
    let got: Vec<(&str, &str, &str, f64)> = schedule
        .iter()
        .map(|t| {
            (
                t.get("id").str(),
                t.get("start").str(),
                t.get("finish").str(),
                t.get("finish_days").num(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("a", "2024-01-01", "2024-01-11", 10.0),
            ("b", "2024-01-04", "2024-01-24", 23.0),
            ("c", "2024-01-13", "2024-01-28", 27.0),
            ("d", "2024-01-22", "2024-01-29", 28.0),
            ("m", "2024-01-29", "2024-01-29", 28.0),
        ]
    );

    let text = ok(&["inspect", s(&path)]).stdout;
    assert!(
        text.contains("5 tasks (1 milestones)"),
        "counts line:\n{text}"
    );
    assert!(text.contains("links: 4 FS, 1 SS, 1 FF, 1 SF"), "{text}");
    assert!(
        text.contains("last finish: 2024-01-29 (28.0 days from 2024-01-01)"),
        "{text}"
    );
}

#[test]
fn inspect_uses_the_mode_and_ignores_risks_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"tri(5d, 12d, 40d)\"\nchance = 0.1\n\n\
         [[task]]\nid = \"fallback\"\nduration = \"5d\"\nafter_failure = [\"a\"]\n\n\
         [[risk]]\nid = \"r\"\nchance = 0.9\ntasks = [\"a\"]\ndelay = \"30d\"\n"
    );
    let path = write_model(dir.path(), "modes.toml", &text);
    let j = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    assert_eq!(j.get("finish_days").num(), 12.0);
    let schedule = j.get("schedule").arr();
    assert_eq!(schedule[0].get("finish_days").num(), 12.0);
    assert_eq!(
        schedule[1].get("finish"),
        &J::Null,
        "a fallback of a task that succeeds never happens"
    );
}

// ---------------------------------------------------------------------------------------------
// 9. A model without plants: the first delivery is the finish of the last task
// ---------------------------------------------------------------------------------------------

#[test]
fn no_plants_first_delivery_is_the_last_finish() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{PROGRAM}\n[[task]]\nid = \"a\"\nduration = \"10d\"\n\n\
         [[task]]\nid = \"b\"\nduration = \"20d\"\nafter = [\"a\"]\n"
    );
    let path = write_model(dir.path(), "chain.toml", &text);
    let j = J::parse(&ok(&["run", "-n", "2000", s(&path), "--json", "-"]).stdout);
    let scenarios = j.get("scenarios").arr();
    assert_eq!(scenarios.len(), 1);
    let fd = scenarios[0].get("first_delivery");
    assert_eq!(fd.get("probability").num(), 1.0);
    for k in ["mean_days", "p10_days", "p50_days", "p80_days", "p90_days"] {
        assert_eq!(fd.get(k).num(), 30.0, "first_delivery.{k}");
    }
    for k in ["p10", "p50", "p80", "p90"] {
        assert_eq!(fd.get(k).str(), "2024-01-31", "first_delivery.{k}");
    }
    let tasks = scenarios[0].get("tasks").arr();
    let finish: Vec<(&str, f64, f64)> = tasks
        .iter()
        .map(|t| {
            (
                t.get("id").str(),
                t.get("p50_days").num(),
                t.get("criticality").num(),
            )
        })
        .collect();
    assert_eq!(finish, [("a", 10.0, 1.0), ("b", 30.0, 1.0)]);
    for table in ["deliveries_by_year", "spend_by_year"] {
        for r in scenarios[0].get(table).arr() {
            assert_eq!(r.get("mean").num(), 0.0, "{table}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Schedule files: `inspect`, `import`, `run` with uncertainty rules
// ---------------------------------------------------------------------------------------------

/// `../shared/data` beside the workspace, or `None` (with the reason printed).
fn shared_data() -> Option<PathBuf> {
    let d = workspace_root().join("../shared/data");
    if d.is_dir() {
        Some(d)
    } else {
        println!("skipped: {} is absent", d.display());
        None
    }
}

const TASK_LINKS: &str = "mpxj-junit/generated/task-links/task-links-project2003-mspdi.xml";

const INSPECT_KEYS: [&str; 8] = [
    "tasks",
    "milestones",
    "summary_tasks",
    "relations",
    "calendars",
    "start",
    "finish",
    "finish_days",
];

#[test]
fn inspect_json_of_a_schedule_equals_the_mpxj_reference() {
    let Some(data) = shared_data() else { return };
    let path = data.join(TASK_LINKS);
    let j = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    assert_contract_keys_in_order(&j, &INSPECT_KEYS, "inspect --json");
    let J::Obj(fields) = &j else {
        panic!("an object")
    };
    let keys: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys[..8],
        INSPECT_KEYS,
        "issue 5's fields come first, in order"
    );
    // MPXJ_REFERENCE_SUMMARY.csv: 16 leaf tasks, 1 summary, 0 milestones, 5 FS, 1 SS, 1 FF,
    // 1 SF, 1 calendar, 2014-10-17T08:00 to 2014-11-03T17:00.
    let csv = std::fs::read_to_string(data.join("MPXJ_REFERENCE_SUMMARY.csv")).unwrap();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.starts_with(&format!("./{TASK_LINKS},")))
        .expect("reference row")
        .split(',')
        .collect();
    let n = |i: usize| row[i].parse::<f64>().unwrap();
    assert_eq!(j.get("tasks").num(), n(6));
    assert_eq!(j.get("summary_tasks").num(), n(5));
    assert_eq!(j.get("milestones").num(), n(7));
    for (k, col) in [("FS", 10), ("SS", 11), ("FF", 12), ("SF", 13)] {
        assert_eq!(j.get("relations").get(k).num(), n(col), "{k}");
    }
    assert_eq!(j.get("calendars").num(), n(14));
    assert_eq!(j.get("start").str(), &row[17][..16]);
    assert_eq!(j.get("finish").str(), &row[18][..16]);
    assert_eq!(j.get("finish_days").num(), 17.375);
    // The table form says the same.
    let text = ok(&["inspect", s(&path)]).stdout;
    assert!(
        text.contains("16 tasks") && text.contains("5 FS, 1 SS, 1 FF, 1 SF"),
        "{text}"
    );
}

/// The hour of day of a schedule's `start` in `inspect --json` (`2012-05-23T08:00`).
fn start_hour(inspect: &J) -> f64 {
    let start = inspect.get("start").str();
    let time = start.split_once('T').map_or("00:00", |(_, t)| t);
    let (h, m) = time.split_once(':').expect("hh:mm");
    h.parse::<f64>().unwrap() + m.parse::<f64>().unwrap() / 60.0
}

fn finish_days_of(args: &[&str]) -> f64 {
    J::parse(&ok(args).stdout).get("finish_days").num()
}

#[test]
fn import_writes_a_model_with_the_same_deterministic_finish() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    // A PSPLIB instance: exactly its MPM-Time.
    let sm = data.join("stochastic/robust-psplib-j30/j309_6Robu.sm");
    let text = std::fs::read_to_string(&sm).unwrap();
    let header = text
        .lines()
        .skip_while(|l| !l.contains("MPM-Time"))
        .nth(1)
        .expect("project information row");
    let mpm: f64 = header.split_whitespace().last().unwrap().parse().unwrap();
    let out = dir.path().join("psplib.toml");
    let run = ok(&["import", s(&sm), "-o", s(&out)]);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("0 of 32 tasks uncertain"),
        "{}",
        run.stderr
    );
    assert_eq!(finish_days_of(&["inspect", s(&sm), "--json"]), mpm);
    assert_eq!(finish_days_of(&["inspect", s(&out), "--json"]), mpm);
    ok(&["check", s(&out)]);
    // MSPDI with a working-time calendar and links of every type with lags.
    let xml = data.join(TASK_LINKS);
    let out = dir.path().join("links.toml");
    ok(&["import", s(&xml), "-o", s(&out)]);
    // The schedule counts from its start time (08:00), the model from 00:00 of that day:
    // tasks now run in working time on the schedule's calendars, at their real hours.
    let schedule = J::parse(&ok(&["inspect", s(&xml), "--json"]).stdout);
    let want = schedule.get("finish_days").num() + start_hour(&schedule) / 24.0;
    let got = finish_days_of(&["inspect", s(&out), "--json"]);
    assert!((got - want).abs() < 1e-4, "model {got} vs schedule {want}");
    // To standard output, the same text.
    let stdout = ok(&["import", s(&xml)]).stdout;
    assert_eq!(stdout, std::fs::read_to_string(&out).unwrap());
}

const RULES: &str = r#"
[[rule]]
name = "*task 1*"
duration = "pert(90%, 100%, 140%)"

[[rule]]
duration_min = 1
risk = { id = "rework", chance = 0.2, scale = "tri(1.1, 1.2, 1.5)" }
correlate = 0.4
"#;

#[test]
fn run_a_schedule_file_with_uncertainty_rules() {
    let Some(data) = shared_data() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rules = write_model(dir.path(), "rules.toml", RULES);
    let xml = data.join(TASK_LINKS);
    let run = ok(&[
        "run",
        s(&xml),
        "--uncertainty",
        s(&rules),
        "-n",
        "2000",
        "--json",
        "-",
    ]);
    let j = J::parse(&run.stdout);
    assert_eq!(j.get("iterations").num(), 2000.0);
    assert!(
        run.stderr.contains("of 16 tasks uncertain"),
        "{}",
        run.stderr
    );
    // Imported with the same rules: the model says what the rules made of it.
    let out = dir.path().join("m.toml");
    let run = ok(&["import", s(&xml), "-o", s(&out), "--uncertainty", s(&rules)]);
    let model = std::fs::read_to_string(&out).unwrap();
    assert!(model.contains("pert("), "{model}");
    assert!(model.contains("[[risk]]\nid = \"rework\""), "{model}");
    assert!(run.stderr.contains("tasks uncertain"), "{}", run.stderr);
    // Without rules a schedule runs with fixed durations.
    let run = ok(&["run", s(&xml), "-n", "100", "--quiet"]);
    assert!(run.stdout.is_empty());
}

#[test]
fn bad_rules_exit_2_naming_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = "[[rule]]\nname = \"pour\"\nduration = \"pert(90%, 100, 140%)\"\n";
    let rules = write_model(dir.path(), "rules.toml", text);
    let model = write_model(
        dir.path(),
        "m.toml",
        "[program]\nname = \"x\"\nstart = 2024-01-01\nhorizon = 2030-01-01\n\n[[task]]\nid = \"pour\"\nduration = \"10d\"\n",
    );
    let at = format!("{}:{}", s(&rules), loc(text, "\"pert"));
    let run = bad(
        &["run", s(&model), "--uncertainty", s(&rules), "-n", "10"],
        &[&at, "100", "help:"],
    );
    assert!(run.stdout.is_empty());
    bad(&["import", s(&model), "--uncertainty", s(&rules)], &[&at]);
    // A model takes rules too: names match model tasks.
    let good = write_model(
        dir.path(),
        "good.toml",
        "[[rule]]\nname = \"pour\"\nduration = \"tri(90%, 100%, 150%)\"\n",
    );
    let run = ok(&[
        "run",
        s(&model),
        "--uncertainty",
        s(&good),
        "-n",
        "100",
        "--json",
        "-",
    ]);
    assert!(
        run.stderr.contains("1 of 1 tasks uncertain"),
        "{}",
        run.stderr
    );
    bad(&["run", "--uncertainty", s(&good)], &["--uncertainty"]);
}

#[test]
fn truncated_and_foreign_schedule_files_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let full = match shared_data() {
        Some(d) => std::fs::read(d.join("aspose-tasks-net/MultiprojectWithExternal.xer")).unwrap(),
        None => b"ERMHDR\t8.0\n%T\tPROJECT\n%F\tproj_id\n%R\t1\n%E\n".to_vec(),
    };
    for cut in [full.len() / 3, full.len() - 4] {
        let path = write_model(dir.path(), "cut.xer", "");
        std::fs::write(&path, &full[..cut]).unwrap();
        for cmd in ["inspect", "import", "run"] {
            let run = bad(&[cmd, s(&path)], &[s(&path), "line"]);
            assert!(run.stdout.is_empty(), "{cmd}");
        }
    }
    let out = dir.path().join("never.toml");
    let bin = write_model(dir.path(), "x.xer", "\u{0}\u{1}binary");
    bad(&["import", s(&bin), "-o", s(&out)], &[s(&bin)]);
    assert!(!out.exists());
    bad(
        &[
            "import",
            s(&bin),
            "-o",
            s(&dir.path().join("no/such/dir.toml")),
        ],
        &["does not exist"],
    );
}

// ---------------------------------------------------------------------------------------------
// [[include]]: a contractor's schedule merged into a program model as `plant/<task id>`
// ---------------------------------------------------------------------------------------------

/// Three tasks from Monday 2023-01-02 08:00 on the standard calendar: site works (10 d),
/// building (20 d), the commissioning milestone (task 3).
const PLANT_MPX: &str = "MPX,Microsoft Project,4.0\n\
    30,Plant build,,,,01/02/2023 08:00,\n\
    61,1,2,3,40,50,70,81,90,98\n\
    70,Site works,1,1,10d,01/02/2023 08:00,,No,1,1\n\
    70,Building,2,1,20d,,1,No,2,2\n\
    70,Commissioning,3,1,0d,,2,Yes,3,3\n";

/// Two plants that make their first car at once: the contractor's starts at the included
/// milestone, ours 2 days + 30 days of tooling later.
const INCLUDING_MODEL: &str = r#"[program]
name = "Launch with a contractor's plant"
start = 2022-11-01
horizon = 2026-12-31

[[include]]
file = "plant.mpx"
prefix = "plant"

[[task]]
id = "tooling"
duration = "30d"
after = ["plant/t3:FS+2d"]

[[plant]]
id = "contractor"
capacity = 1000000000
starts = "plant/t3"
ramp = "1d"
ramp_start = 1.0

[[plant]]
id = "own"
capacity = 1000000000
starts = "tooling"
ramp = "1d"
ramp_start = 1.0

[[scenario]]
id = "own_only"
disable = ["contractor"]
"#;

fn include_dir(model: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    write_model(dir.path(), "plant.mpx", PLANT_MPX);
    let path = write_model(dir.path(), "program.toml", model);
    (dir, path)
}

#[test]
fn included_milestone_starts_production_at_its_planned_date() {
    let (dir, path) = include_dir(INCLUDING_MODEL);
    // The schedule's own deterministic finish, in days from its start (2023-01-02).
    let mpx = dir.path().join("plant.mpx");
    let own = J::parse(&ok(&["inspect", s(&mpx), "--json"]).stdout);
    let own_finish = own.get("finish_days").num();
    // In the program: the same finish, counted from the program's start (62 days earlier).
    let merged = J::parse(&ok(&["inspect", s(&path), "--json"]).stdout);
    let t3 = merged
        .get("schedule")
        .arr()
        .iter()
        .find(|t| t.get("id").str() == "plant/t3")
        .expect("plant/t3 in the schedule")
        .get("finish_days")
        .num();
    // The program counts from 00:00, the schedule from its start time.
    let own_finish = own_finish + start_hour(&own) / 24.0;
    assert!(
        (t3 - (62.0 + own_finish)).abs() < 1e-4,
        "{t3} vs 62 + {own_finish}"
    );
    let run = ok(&["run", s(&path), "-n", "20", "--no-drivers", "--json", "-"]);
    let result = J::parse(&run.stdout);
    let p50 = |scenario: usize| {
        result.get("scenarios").arr()[scenario]
            .get("first_delivery")
            .get("p50_days")
            .num()
    };
    // JSON days carry one decimal.
    assert!((p50(0) - t3).abs() < 0.06, "{} vs {t3}", p50(0));
    assert!(
        (p50(1) - (t3 + 32.0)).abs() < 0.06,
        "{} vs {t3} + 32",
        p50(1)
    );
}

#[test]
fn check_counts_included_tasks_and_rules() {
    let model = INCLUDING_MODEL.replace(
        "prefix = \"plant\"\n",
        "prefix = \"plant\"\nuncertainty = \"rules.toml\"\n",
    );
    let (dir, path) = include_dir(&model);
    write_model(
        dir.path(),
        "rules.toml",
        "[[rule]]\nname = \"*build*\"\nduration = \"pert(90%, 100%, 150%)\"\n\n\
         [[rule]]\nname = \"site*\"\nrisk = { id = \"storm\", chance = 0.2, delay = \"5d\" }\n",
    );
    let run = ok(&["check", s(&path)]);
    assert!(run.stdout.contains("plant/t3"), "{}", run.stdout);
    assert!(run.stdout.contains("plant_storm"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("include plant: 3 tasks (1 milestones) from"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2 of 3 tasks uncertain"),
        "{}",
        run.stdout
    );
    // `run` says it too, on standard error.
    let run = ok(&["run", s(&path), "-n", "50", "--no-drivers"]);
    assert!(
        run.stderr.contains("2 of 3 tasks uncertain"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_included_task_exits_2_at_its_line() {
    let model = INCLUDING_MODEL.replace("starts = \"plant/t3\"", "starts = \"plant/xyz\"");
    let (_dir, path) = include_dir(&model);
    let at = loc(&model, "\"plant/xyz\"");
    for cmd in ["check", "run", "inspect"] {
        let run = bad(
            &[cmd, s(&path)],
            &[
                &format!("{}:{at}", s(&path)),
                "plant[0].starts",
                "`plant/xyz`",
                "nearest included id is `plant/t",
            ],
        );
        assert!(run.stdout.is_empty(), "{cmd}");
    }
}

#[test]
fn missing_or_bad_included_file_exits_2_at_the_include_line() {
    let model = INCLUDING_MODEL.replace("file = \"plant.mpx\"", "file = \"gone.xer\"");
    let (_dir, path) = include_dir(&model);
    let at = loc(&model, "\"gone.xer\"");
    for cmd in ["check", "run", "inspect"] {
        bad(
            &[cmd, s(&path)],
            &[&format!("{}:{at}", s(&path)), "include[0].file", "gone.xer"],
        );
    }
    let (dir, path) = include_dir(INCLUDING_MODEL);
    write_model(
        dir.path(),
        "plant.mpx",
        "MPX,Microsoft Project,4.0\n61,1,40\n70,A,5zz\n",
    );
    bad(
        &["check", s(&path)],
        &[
            &format!("{}:{}", s(&path), loc(INCLUDING_MODEL, "\"plant.mpx\"")),
            "line 3",
            "5zz",
        ],
    );
}

#[cfg(unix)]
#[test]
fn child_cost_is_measured() {
    // The measure itself must be able to fail: a run of the example is neither free nor huge.
    let (run, cost) = lc_cost(
        &["run", "-q", "-n", "2000"],
        std::time::Duration::from_secs(60),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        cost.peak_mib > 1.0 && cost.peak_mib < 500.0,
        "{}",
        cost.peak_mib
    );
    assert!(cost.seconds > 0.0 && cost.seconds < 60.0);
}

#[path = "cli/hostile.rs"]
mod hostile;
#[path = "cli/import_hardening.rs"]
mod import_hardening;
#[path = "cli/report_hardening.rs"]
mod report_hardening;

#[path = "cli/engine.rs"]
mod engine;
