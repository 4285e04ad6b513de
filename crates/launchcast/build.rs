//! Tells the tests what this machine has: the shared data, AVX-512 and Chromium.

include!("../../build-support/test_environment.rs");

fn main() {
    test_environment();
    // The report's test in a headless browser runs where Chromium is installed (`.ci/run`
    // installs it) and is ignored, with this reason, elsewhere.
    println!("cargo::rustc-check-cfg=cfg(chromium)");
    println!("cargo::rerun-if-changed=/usr/bin");
    if std::path::Path::new("/usr/bin/chromium").exists() {
        println!("cargo::rustc-cfg=chromium");
    }
}
