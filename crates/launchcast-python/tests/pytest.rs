//! The Python package, tested from Python: builds the wheel with maturin into a virtual
//! environment under `target/python-venv` (maturin, pytest, pandas and ray installed there
//! from the package registry) and runs `pytest crates/launchcast-python/tests/python`. The
//! pytest tests compare the package's results with the `launchcast` binary's, and run it on
//! a local Ray cluster of two nodes.
//!
//! Skipped, with the reason printed, only where there is no `python3`, or where pip cannot
//! install maturin and pytest (no registry); the Ray tests alone are skipped, with the reason,
//! where pip cannot install ray. A failing pytest fails this test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The workspace's target directory (`target/tmp`'s parent).
fn target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .map_or_else(|| workspace().join("target"), Path::to_path_buf)
}

/// Runs `cmd`, its output passed through; whether it succeeded.
fn ok(cmd: &mut Command) -> bool {
    eprintln!("$ {cmd:?}");
    cmd.status().is_ok_and(|s| s.success())
}

/// Straight to standard error, past the test harness's capture: shown even when the test
/// passes.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

fn skip(reason: &str) {
    let line = "=".repeat(78);
    say(&format!(
        "\n{line}\nSKIPPED: the Python package's tests did not run: {reason}\n{line}\n"
    ));
}

#[test]
fn python_package_passes_its_pytest_suite() {
    let started = Instant::now();
    let Some(python3) = ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import sys; assert sys.version_info >= (3, 9)"])
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        skip("no python3 (3.9 or later) on this machine");
        return;
    };
    let target = target();
    let venv = target.join("python-venv");
    let bin = venv.join("bin");
    let python = bin.join("python");
    if !python.exists() {
        assert!(
            ok(Command::new(python3).arg("-m").arg("venv").arg(&venv)),
            "python3 -m venv {} failed (Debian: apt-get install python3-venv)",
            venv.display()
        );
    }
    let has = |module: &str| {
        Command::new(&python)
            .args(["-c", &format!("import {module}")])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let pip = |what: &[&str]| {
        ok(Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(what))
    };
    let installed = has("maturin") && has("pytest");
    if !installed && !pip(&["maturin>=1.7,<2", "pytest"]) {
        skip("pip could not install maturin and pytest: is the package registry reachable?");
        return;
    }
    if !has("pandas") && !pip(&["pandas"]) {
        say("NOTE: pandas could not be installed: the DataFrame tests are skipped");
    }
    // Ray for the cluster tests (tests/python/test_ray.py starts a two-node cluster on
    // 127.0.0.1); without it they are skipped, and pytest's summary says why (`-rs`).
    if !has("ray") && !pip(&["ray"]) {
        say("NOTE: ray could not be installed: the Ray cluster tests are skipped");
    }
    let set_up = started.elapsed();

    // The wheel, built in this target directory with the dev profile of the tests: only
    // pyo3 and this crate are compiled again (with maturin's `extension-module` feature);
    // `cargo test` does not hold the directory's lock while tests run.
    let build_dir = target.clone();
    let manifest = workspace().join("crates/launchcast-python/Cargo.toml");
    assert!(
        ok(Command::new(bin.join("maturin"))
            .args(["develop", "--quiet", "--manifest-path"])
            .arg(&manifest)
            .env("VIRTUAL_ENV", &venv)
            .env("CARGO_TARGET_DIR", &build_dir)
            .env_remove("CARGO_BUILD_TARGET_DIR")),
        "maturin develop failed"
    );
    let built = started.elapsed();

    // The command line to compare with, built from these sources (nothing to do after
    // `cargo test --workspace`, which builds it for its own tests).
    assert!(
        ok(Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "launchcast", "--manifest-path"])
            .arg(workspace().join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", &build_dir)),
        "cargo build -p launchcast failed"
    );
    let cli = build_dir
        .join("debug")
        .join(format!("launchcast{}", std::env::consts::EXE_SUFFIX));

    let passed = ok(Command::new(&python)
        .args([
            "-m",
            "pytest",
            "crates/launchcast-python/tests/python",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
        ])
        .current_dir(workspace())
        .env("LAUNCHCAST_CLI", &cli)
        // Ray's start-up asks for no usage report from a test.
        .env("RAY_USAGE_STATS_ENABLED", "0"));
    say(&format!(
        "python package: set-up {:.1} s, wheel {:.1} s, pytest {:.1} s",
        set_up.as_secs_f64(),
        (built - set_up).as_secs_f64(),
        (started.elapsed() - built).as_secs_f64()
    ));
    assert!(passed, "pytest failed: see its output above");
}
