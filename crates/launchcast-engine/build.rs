include!("../../build-support/test_environment.rs");

fn main() {
    test_environment();
}
