//! Tells the tests whether this machine has the shared test data and AVX-512.

include!("../../build-support/test_environment.rs");

fn main() {
    test_environment();
}
