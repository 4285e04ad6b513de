//! Model file reading, validation messages, the distribution and link grammar, scenarios and
//! the writer.

use launchcast_model::*;
use proptest::prelude::*;

mod built_in_code;
mod calendars;
mod correlations;
mod files;
mod fuzz;
mod grammar;
mod includes;
mod invalid;
mod links;
mod ranges;
mod reading;
mod references;
mod rendering;
mod scenarios;
mod shared_references;
mod valid_model;
mod validation;
mod writer;

use correlations::{CORR, assert_cholesky};
use includes::INC;
use rendering::render;
use writer::round_trip;

const MONTH: f64 = 365.2425 / 12.0;

/// A valid model using every feature of the file format.
const BASE: &str = r#"
[program]
name = "Xiaomi EV launch as seen in mid-2022"
start = 2022-07-01
horizon = 2031-12-31
currency = "CNY"
iterations = 5000
seed = 7
delivery_lag = "tri(3d, 7d, 30d)"
overhead_per_year = "tri(2bn, 3bn, 4bn)"

[[task]]
id = "vehicle_dev"
duration = "pert(18mo, 24mo, 36mo)"
cost = 2e9

[[task]]
id = "site_deal"
name = "Yizhuang site deal"
duration = "uniform(1mo, 3mo)"

[[task]]
id = "baic_talks"
name = "Negotiate co-branding with BAIC BluePark"
duration = "tri(1mo, 4mo, 12mo)"
chance = 0.7
after = ["vehicle_dev:SS+2mo", "site_deal"]
after_any = []
cost = "tri(0.1bn, 0.2bn, 0.5bn)"
not_before = 2022-09-01

[[task]]
id = "own_licence"
duration = "lognormal(12mo, 24mo)"
chance = 0.8
after = ["site_deal-5d"]

[[task]]
id = "plant_build"
duration = "normal(12mo, 2mo)"
after = ["site_deal"]
cost = 10000000000

[[task]]
id = "sop_own"
duration = "discrete(1mo: 0.5, 2mo: 0.3, 3mo: 0.2)"
after = ["plant_build", "own_licence:FF", "vehicle_dev:SF"]
after_any = ["baic_talks", "own_licence"]

[[task]]
id = "fallback"
duration = "6mo"
after_failure = ["baic_talks"]

[[risk]]
id = "licence_freeze"
name = "Regulator pauses new licences"
chance = 0.3
tasks = ["own_licence"]
delay = "tri(3mo, 6mo, 12mo)"

[[risk]]
id = "supplier_slip"
chance = 0.2
tasks = ["plant_build", "vehicle_dev"]
scale = "tri(1.1, 1.3, 2)"

[[risk]]
id = "talks_collapse"
chance = 0.1
tasks = ["baic_talks"]
fail = true

[[plant]]
id = "yizhuang_1"
name = "Yizhuang phase 1"
capacity = 150000
starts = "sop_own"
ramp = "tri(3mo, 7mo, 15mo)"
ramp_start = 0.1
curve = "s"
peak = "tri(1.0, 1.2, 1.5)"

[[plant]]
id = "yizhuang_2"
capacity = "tri(100000, 150000, 160000)"
starts = "fallback"
ramp = "12mo"

[[promise]]
id = "first_by_2024"
name = "First deliveries by end of 2024"
first_delivery_by = 2024-12-31

[[promise]]
id = "volume_2025"
deliveries_by = { date = 2025-12-31, at_least = 200000 }

[[promise]]
id = "year_2026"
deliveries_in_year = { year = 2026, at_least = 300000 }

[[promise]]
id = "budget"
spend_by = { date = 2031-12-31, at_most = "72bn" }

[[scenario]]
id = "go_alone"
name = "Go alone: own plant, own licence"
disable = ["baic_talks", "talks_collapse", "yizhuang_2"]
set = { "own_licence.chance" = 0.9, "plant_build.duration" = "tri(8mo, 10mo, 14mo)", "licence_freeze.delay" = "1mo", "supplier_slip.scale" = 1.5, "yizhuang_1.curve" = "linear", "yizhuang_1.ramp_start" = 0.2, "program.overhead_per_year" = "1bn", "baic_talks.not_before" = 2023-01-01 }

[[scenario]]
id = "dotted"
set = { yizhuang_1.capacity = 200000, program.delivery_lag = "2w" }
"#;

const PROG: &str = "[program]\nname = \"t\"\nstart = 2022-07-01\nhorizon = 2031-12-31\n";

fn model(src: &str) -> Model {
    match parse(src, "m.toml") {
        Ok(m) => m,
        Err(e) => panic!("expected a valid model, got:\n{}", e.plain()),
    }
}

/// The plain rendering of the error for `src` (which must not parse).
fn err(src: &str) -> String {
    match parse(src, "m.toml") {
        Ok(_) => panic!("expected an error for:\n{src}"),
        Err(e) => e.plain(),
    }
}

/// `m.toml:LINE:COL` of the first occurrence of `needle` in `src`.
fn at(src: &str, needle: &str) -> String {
    let off = src
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in source"));
    pos(src, off)
}

/// `m.toml:LINE:COL` of the last occurrence of `needle` in `src`.
fn at_last(src: &str, needle: &str) -> String {
    let off = src
        .rfind(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in source"));
    pos(src, off)
}

fn pos(src: &str, off: usize) -> String {
    let before = &src[..off];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("m.toml:{line}:{col}")
}

/// Asserts the error of `src` has a line starting with `prefix` and containing every part.
fn assert_err(src: &str, prefix: &str, parts: &[&str]) {
    let out = err(src);
    let lines: Vec<&str> = out.lines().collect();
    let Some(i) = lines.iter().position(|l| l.starts_with(prefix)) else {
        panic!("no problem starting with `{prefix}` in:\n{out}");
    };
    // The problem line plus its help line.
    let text = format!("{}\n{}", lines[i], lines.get(i + 1).unwrap_or(&""));
    for p in parts {
        assert!(
            text.contains(p),
            "`{p}` missing from:\n{text}\n(all:\n{out})"
        );
    }
}

fn task(id: &str) -> Task {
    Task {
        id: id.into(),
        name: id.into(),
        duration: Dist::Fixed(30.0),
        chance: 1.0,
        after: vec![],
        after_any: vec![],
        after_failure: vec![],
        cost: Dist::ZERO,
        not_before: None,
        started: None,
        disabled: false,
        calendar: None,
    }
}
