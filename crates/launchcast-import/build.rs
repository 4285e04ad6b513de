//! Tells the tests whether the shared test data lies beside the workspace (`cfg(shared_data)`).
include!("../../build-support/test_environment.rs");

fn main() {
    test_environment();
}
