//! The command line itself: usage errors exit 2 naming what is wrong; `--help` and
//! `--version` exit 0.

use crate::support::*;

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
