//! Every invalid model of `tests/invalid/` (one case a file), with a snapshot of its
//! diagnostic exactly as the command line shows it: miette's graphical report, no colours,
//! lines not wrapped. The other tests assert the parts that matter of the same cases.

use super::*;

#[test]
fn every_invalid_model_renders_its_diagnostic() {
    insta::glob!("../invalid", "*.toml", |path| {
        let text = std::fs::read_to_string(path).expect("a fixture reads");
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let e = parse(&text, &name).expect_err("every fixture is an invalid model");
        insta::assert_snapshot!(render(&e));
    });
}
