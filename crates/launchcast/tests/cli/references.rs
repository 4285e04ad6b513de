//! Reference classes through the command line: `check` lists each class with its cases,
//! sources and the outside view; a run draws the values from the class's predictive and its
//! JSON and HTML show the outside view beside each use.

use crate::support::*;

const MODEL: &str = r#"[program]
name = "Outside view"
start = 2022-07-01
horizon = 2040-12-31
iterations = 20000
seed = 3

[[reference]]
id = "plant_build"
name = "Greenfield plants: ground-breaking to start of production"
observations = [
  { case = "Plant A", value = "10mo", source = "report A, 2020-01-07", date = 2020-01-07 },
  { case = "Plant B", value = "24mo", source = "report B, 2022-03-22", date = 2022-03-22 },
  { case = "Plant C", value = "18mo", source = "report C" },
]

[[task]]
id = "build"
duration = "ref(plant_build)"
inside = { duration = "tri(12mo, 15mo, 20mo)" }
"#;

#[test]
fn check_lists_the_classes_with_their_sources_and_the_outside_view() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "outside.toml", MODEL);
    let run = ok(&["check", s(&path)]);
    let listing: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("1 reference class"))
        .take(7)
        .collect();
    // P10/P50/P90 of the log-normal fit to ln(10, 24, 18 months): mean 2.7903, s 0.4462,
    // t₂ = 1.8856, so ln P90 − ln P50 = 1.8856 · 0.4462 · √(4/3) = 0.9716: 16.29 months
    // times e^∓0.9716.
    assert_eq!(
        listing,
        [
            "1 reference class",
            "  plant_build  Greenfield plants: ground-breaking to start of production",
            "    Plant A      10mo  report A, 2020-01-07, 2020-01-07",
            "    Plant B      24mo  report B, 2022-03-22, 2022-03-22",
            "    Plant C      18mo  report C",
            "    next case (lognormal fit of 3 cases): P10 6.2mo, P50 16.3mo, P90 43.0mo",
            "    used by task build: duration; inside view P10 13.5mo, P50 15.5mo, P90 18.0mo",
        ]
    );
}

#[test]
fn a_run_draws_from_the_class_and_shows_the_outside_view() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_model(dir.path(), "outside.toml", MODEL);
    let html = dir.path().join("r.html");
    let run = ok(&[
        "run",
        s(&path),
        "--no-drivers",
        "--json",
        "-",
        "--html",
        s(&html),
        "-q",
    ]);
    let j = J::parse(&run.stdout);
    let class = &j.get("references").arr()[0];
    let outside = class.get("outside");
    let (p10, p50, p90) = (
        outside.get("p10").num(),
        outside.get("p50").num(),
        outside.get("p90").num(),
    );
    // The class's predictive: median e^2.7903 months, ln P90 − ln P50 = 0.9716 (as above),
    // to the 4 significant digits of the JSON.
    let month = 365.2425 / 12.0;
    let median = 2.790_337f64.exp() * month;
    assert!(
        (p50 / median - 1.0).abs() < 2e-4,
        "P50 {p50} against {median}"
    );
    assert!(((p90 / p50).ln() - 0.971_576).abs() < 3e-4, "P90 {p90}");
    assert!(((p50 / p10).ln() - 0.971_576).abs() < 3e-4, "P10 {p10}");
    let sigma = 0.971_576 / 1.281_551_6;
    // The task's simulated P50 is the predictive's median within sampling error: its
    // probability under the predictive is ½ ± 4 standard errors of a proportion over the
    // 20,000 iterations.
    let task = &j.get("scenarios").arr()[0].get("tasks").arr()[0];
    let simulated = task.get("p50_days").num();
    // Near the median the normal density is 0.3989, so Φ(z) − ½ ≈ 0.3989·z.
    let z = (simulated / median).ln() / sigma;
    let se = (0.25f64 / 20_000.0).sqrt();
    assert!(
        0.3989 * z.abs() < 4.0 * se,
        "simulated P50 {simulated} against {median}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains(r#"<section id="references">"#));
    assert!(page.contains("inside view (not simulated)"));
    assert!(page.contains("report B, 2022-03-22"));
}

#[test]
fn a_shared_class_is_named_by_its_file_with_what_was_left_out_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("refs")).unwrap();
    // Plant B's value became public after the model's start: left out, not refused.
    let shared = MODEL
        .split("[[task]]")
        .next()
        .unwrap()
        .split("[[reference]]")
        .nth(1)
        .unwrap()
        .replace(
            "source = \"report C\" }",
            "source = \"report C\", date = 2021-05-01 }",
        )
        .replace("2022-03-22 }", "2022-09-01 }");
    std::fs::write(
        dir.path().join("refs/plants.toml"),
        format!("[[reference]]{shared}"),
    )
    .unwrap();
    let model = MODEL.replace(
        MODEL
            .split("[[task]]")
            .next()
            .unwrap()
            .split("[[reference]]")
            .nth(1)
            .unwrap(),
        "",
    );
    let model = model.replace(
        "[[reference]][[task]]",
        "[[include]]\nreferences = \"../refs/plants.toml\"\n\n[[task]]",
    );
    std::fs::create_dir_all(dir.path().join("m")).unwrap();
    let path = write_model(&dir.path().join("m"), "m.toml", &model);
    let check = ok(&["check", s(&path)]);
    assert!(
        check.stdout.contains(
            "    from ../refs/plants.toml; 1 observation dated after program.start left out\n"
        ),
        "{}",
        check.stdout
    );
    assert!(!check.stdout.contains("Plant B"), "{}", check.stdout);
    assert!(!check.stdout.contains("too thin"), "{}", check.stdout);
    // As of a day when only Plant A was known, the class cannot be drawn from, and check
    // says so (a model that does not draw from it is valid).
    let early = write_model(
        &dir.path().join("m"),
        "early.toml",
        &model
            .replace("start = 2022-07-01", "start = 2020-06-01")
            .replace("duration = \"ref(plant_build)\"", "duration = \"10mo\"")
            .replace("inside = { duration = \"tri(12mo, 15mo, 20mo)\" }\n", ""),
    );
    let check = ok(&["check", s(&early)]);
    assert!(
        check.stdout.contains(
            "shared reference classes too thin to draw from at program.start\n  plant_build  has 1 observation dated on or before program.start 2020-06-01 (2 later left out)\n"
        ),
        "{}",
        check.stdout
    );
    let html = dir.path().join("r.html");
    let run = ok(&[
        "run",
        s(&path),
        "-n",
        "2000",
        "--json",
        "-",
        "-q",
        "--html",
        s(&html),
    ]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let class = &v["references"][0];
    assert_eq!(class["file"], "../refs/plants.toml");
    assert_eq!(class["left_out"], 1);
    assert_eq!(class["observations"].as_array().unwrap().len(), 2);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(
            "<p class=\"note\">from ../refs/plants.toml; 1 observation dated after the model's start left out</p>"
        ),
        "the HTML names the file"
    );
}
