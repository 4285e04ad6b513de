//! Correlations: read, written, grouped, Cholesky factors, and their errors.

use super::*;

/// Three uncertain tasks, one fixed, a plant with an uncertain ramp and one with a fixed
/// ramp, and a risk: the items `[[correlate]]` entries can (and cannot) name.
pub(crate) const CORR: &str = r#"[program]
name = "t"
start = 2022-07-01
horizon = 2031-12-31

[[task]]
id = "plant_build"
duration = "tri(8mo, 10mo, 14mo)"

[[task]]
id = "phase2_build"
duration = "pert(6mo, 8mo, 12mo)"

[[task]]
id = "licence"
duration = "uniform(1mo, 9mo)"

[[task]]
id = "fixed_task"
duration = "6mo"

[[risk]]
id = "freeze"
chance = 0.1
tasks = ["licence"]
fail = true

[[plant]]
id = "yizhuang"
capacity = 150000
starts = "plant_build"
ramp = "tri(3mo, 7mo, 15mo)"

[[plant]]
id = "fixed_plant"
capacity = 1
starts = "phase2_build"
ramp = "12mo"
"#;

/// `CORR` with the given `[[correlate]]` entries, each `(items, rho)` as written.
fn corr(entries: &[(&str, &str)]) -> String {
    let mut src = CORR.to_string();
    for (items, rho) in entries {
        src.push_str(&format!("\n[[correlate]]\nitems = {items}\nrho = {rho}\n"));
    }
    src
}

/// Asserts `l` is lower triangular and L·Lᵀ reproduces, within 1e-12, the normal-score
/// correlations 2·sin(π·ρ/6) of the n × n rank correlation `matrix` (what the engine draws
/// with).
pub(crate) fn assert_cholesky(matrix: &[f64], l: &[f64], n: usize) {
    assert_eq!(matrix.len(), n * n);
    assert_eq!(l.len(), n * n);
    for i in 0..n {
        for j in 0..n {
            if j > i {
                assert_eq!(l[i * n + j], 0.0, "L[{i}][{j}] above the diagonal");
            }
            let llt: f64 = (0..n).map(|k| l[i * n + k] * l[j * n + k]).sum();
            let rho = matrix[i * n + j];
            let want = if i == j {
                1.0
            } else {
                2.0 * (std::f64::consts::PI * rho / 6.0).sin()
            };
            assert!(
                (llt - want).abs() <= 1e-12,
                "(L·Lᵀ)[{i}][{j}] = {llt}, normal score of {rho} is {want}"
            );
        }
    }
}

#[test]
fn correlations_are_read_written_and_grouped() {
    let src = corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.6"),
        (r#"["phase2_build", "yizhuang", "licence"]"#, "-0.2"),
    ]);
    let m = model(&src);
    assert_eq!(
        m.correlations,
        vec![
            Correlation {
                items: vec!["plant_build".into(), "phase2_build".into()],
                rho: 0.6
            },
            Correlation {
                items: vec!["phase2_build".into(), "yizhuang".into(), "licence".into()],
                rho: -0.2
            },
        ]
    );
    round_trip(&m);
    let text = to_toml(&m);
    assert!(
        text.contains("\n[[correlate]]\nitems = [\"plant_build\", \"phase2_build\"]\nrho = 0.6\n"),
        "{text}"
    );
    // One connected group (phase2_build joins both entries), in order of first mention.
    let groups = correlation_groups(&m);
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    use CorrelatedItem::*;
    assert_eq!(
        g.items,
        [
            TaskDuration(0),
            TaskDuration(1),
            PlantRamp(0),
            TaskDuration(2)
        ]
    );
    #[rustfmt::skip]
    let expected = [
        1.0, 0.6, 0.0, 0.0,
        0.6, 1.0, -0.2, -0.2,
        0.0, -0.2, 1.0, -0.2,
        0.0, -0.2, -0.2, 1.0,
    ];
    assert_eq!(g.matrix, expected);
    assert_eq!(g.rho(1, 3), -0.2);
    assert_cholesky(&g.matrix, &g.cholesky, 4);
    // Scenarios that disable a correlated task are fine.
    let src =
        format!("{src}\n[[scenario]]\nid = \"s\"\ndisable = [\"plant_build\", \"yizhuang\"]\n");
    let m = model(&src);
    assert_eq!(correlation_groups(&m.scenario_model(Some(0))), groups);
    // Separate groups stay separate; a pair listed twice with the same value is fine.
    let m = model(&corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.6"),
        (r#"["licence", "yizhuang"]"#, "1e-1"),
        (r#"["phase2_build", "plant_build"]"#, "0.6"),
    ]));
    let groups = correlation_groups(&m);
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[1].items, [TaskDuration(2), PlantRamp(0)]);
    assert_eq!(groups[1].matrix, [1.0, 0.1, 0.1, 1.0]);
    for g in &groups {
        assert_cholesky(&g.matrix, &g.cholesky, g.len());
    }
    assert!(correlation_groups(&model(CORR)).is_empty());
}

#[test]
fn cholesky_reproduces_larger_matrices() {
    // A chain of ten items, neighbours at 0.45, and a five-item block at 0.3 over part of
    // it: positive definite, and L·Lᵀ gives the matrix back within 1e-12.
    let mut src = PROG.to_string();
    for i in 0..10 {
        src.push_str(&format!(
            "[[task]]\nid = \"t{i}\"\nduration = \"tri({}d, {}d, {}d)\"\n",
            i + 1,
            i + 5,
            3 * i + 20
        ));
    }
    for i in 0..9 {
        src.push_str(&format!(
            "[[correlate]]\nitems = [\"t{i}\", \"t{}\"]\nrho = 0.45\n",
            i + 1
        ));
    }
    src.push_str("[[correlate]]\nitems = [\"t0\", \"t2\", \"t4\", \"t6\", \"t8\"]\nrho = 0.3\n");
    let m = model(&src);
    let groups = correlation_groups(&m);
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(g.len(), 10);
    assert_cholesky(&g.matrix, &g.cholesky, 10);
    assert_eq!(g.rho(0, 4), 0.3);
    assert_eq!(g.rho(5, 4), 0.45);
    assert_eq!(g.rho(0, 3), 0.0);
}

#[test]
fn correlation_errors_name_the_place_the_value_and_a_fix() {
    let cases: Vec<(String, &str, &str, &str, &str)> = vec![
        (
            corr(&[(r#"["plant_build"]"#, "0.5")]),
            "[\"plant_build\"]",
            "correlate[0].items",
            "`correlate[0].items` lists 1 item: a correlation needs at least 2",
            "list two or more task or plant ids",
        ),
        (
            corr(&[(r#"["plant_buld", "licence"]"#, "0.5")]),
            "\"plant_buld\"",
            "correlate[0].items[0]",
            "unknown task or plant id `plant_buld`",
            "did you mean `plant_build`?",
        ),
        (
            corr(&[(r#"["licence", "freeze"]"#, "0.5")]),
            "\"freeze\"]",
            "correlate[0].items[1]",
            "`freeze` is a risk, not a task or plant",
            "only tasks (their duration) and plants (their ramp) can be correlated",
        ),
        (
            corr(&[(r#"["licence", "plant_build", "licence"]"#, "0.5")]),
            "\"licence\"]",
            "correlate[0].items[2]",
            "`licence` is listed twice in `correlate[0].items`",
            "list each item once",
        ),
        (
            corr(&[(r#"["licence", "fixed_task"]"#, "0.5")]),
            "\"fixed_task\"]",
            "correlate[0].items[1]",
            "`fixed_task` has a fixed duration (`6mo`): a value that never varies cannot be correlated",
            "give `fixed_task` an uncertain duration, e.g. duration = \"tri(",
        ),
        (
            corr(&[(r#"["yizhuang", "fixed_plant"]"#, "0.5")]),
            "\"fixed_plant\"]",
            "correlate[0].items[1]",
            "`fixed_plant` has a fixed ramp (`12mo`)",
            "give `fixed_plant` an uncertain ramp",
        ),
        (
            corr(&[(r#"["licence", "plant_build"]"#, "1.5")]),
            "1.5",
            "correlate[0].rho",
            "`rho` = `1.5` is outside [-1, 1]",
            "a rank correlation between -1 and 1",
        ),
        (
            corr(&[(r#"["licence", "plant_build"]"#, "nan")]),
            "nan",
            "correlate[0].rho",
            "`rho` = `nan` is outside [-1, 1]",
            "a rank correlation between -1 and 1",
        ),
        (
            corr(&[(r#"["licence", "plant_build"]"#, "\"0.5\"")]),
            "\"0.5\"",
            "correlate[0].rho",
            "`rho` must be a number, found a string `\"0.5\"`",
            "rho = 0.6",
        ),
        (
            format!("{CORR}[[correlate]]\nitems = [\"licence\", \"plant_build\"]\n"),
            "[[correlate]]",
            "correlate[0].rho",
            "`correlate[0]` is missing the required key `rho`",
            "add `rho = 0.6`",
        ),
        (
            format!("{CORR}[[correlate]]\nitems = [\"licence\", \"plant_build\"]\nrh = 0.5\n"),
            "rh =",
            "correlate[0].rh",
            "unknown key `rh` in `correlate[0]`",
            "did you mean `rho`?",
        ),
        (
            format!("{CORR}[[correlation]]\nitems = [\"licence\", \"plant_build\"]\nrho = 0.5\n"),
            "correlation]]",
            "correlation",
            "unknown key `correlation` in the top level",
            "did you mean `correlate`?",
        ),
    ];
    for (src, needle, path, msg, help) in cases {
        let needle_at = if needle.starts_with("\"licence\"]") || needle == "[[correlate]]" {
            at_last(&src, needle)
        } else {
            at(&src, needle)
        };
        assert_err(&src, &format!("{needle_at}: {path}: "), &[msg, help]);
    }
}

#[test]
fn the_same_pair_with_two_values_names_both_places() {
    let src = corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.6"),
        (r#"["licence", "yizhuang"]"#, "0.2"),
        (r#"["phase2_build", "licence", "plant_build"]"#, "0.3"),
    ]);
    let first = at(&src, "0.6").replace("m.toml:", "");
    let (line, col) = first.split_once(':').unwrap();
    assert_err(
        &src,
        &format!("{}: correlate[2].rho: ", at(&src, "0.3")),
        &[
            "the pair `phase2_build` and `plant_build` has two correlations: 0.6 in correlate[0] and 0.3 in correlate[2]",
            &format!("correlate[0] is at line {line}, column {col}"),
        ],
    );
    // The first place is a second label of the diagnostic.
    let e = parse(&src, "m.toml").unwrap_err();
    let p = &e.problems()[0];
    assert_eq!(p.related.len(), 1);
    assert_eq!(&src[p.related[0].0.clone()], "0.6");
}

#[test]
fn a_matrix_that_is_not_positive_definite_names_the_pair_to_change() {
    // rho(a, b) = 0.9 and rho(b, c) = 0.9 force rho(a, c) above 0.62; -0.9 cannot hold.
    let src = corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.9"),
        (r#"["phase2_build", "licence"]"#, "0.9"),
        (r#"["plant_build", "licence"]"#, "-0.9"),
    ]);
    let items: Vec<String> = [
        "plant_build\", \"phase2",
        "phase2_build\", \"licence",
        "plant_build\", \"licence",
    ]
    .iter()
    .map(|n| at(&src, &format!("[\"{n}")).replace("m.toml:", ""))
    .collect();
    let places: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, lc)| {
            let (l, c) = lc.split_once(':').unwrap();
            format!("correlate[{i}] (line {l}, column {c})")
        })
        .collect();
    assert_err(
        &src,
        &format!("{}: correlate[2].rho: ", at(&src, "-0.9")),
        &[
            "the correlations among `plant_build`, `phase2_build`, `licence` are inconsistent (the matrix of their normal scores, 2·sin(π·rho/6), is not positive definite)",
            "change rho = -0.9 of `plant_build` and `licence` in correlate[2]",
            "set rho of `plant_build` and `licence` to a value from 0.632 to 0.999, e.g. 0.64",
            "the smallest single change that makes the matrix positive definite",
            &format!("entries involved: {}", places.join(", ")),
        ],
    );
    let e = parse(&src, "m.toml").unwrap_err();
    assert_eq!(e.problems().len(), 1);
    assert_eq!(
        e.problems()[0].related.len(),
        2,
        "the other two entries are labelled"
    );
    // The suggested value works.
    let fixed = src.replace("rho = -0.9", "rho = 0.64");
    assert_cholesky(
        &correlation_groups(&model(&src.replace("rho = -0.9", "rho = 0.632")))[0].matrix,
        &correlation_groups(&model(&src.replace("rho = -0.9", "rho = 0.632")))[0].cholesky,
        3,
    );
    assert!(parse(&src.replace("rho = -0.9", "rho = 0.631"), "m.toml").is_err());
    let m = model(&fixed);
    let g = &correlation_groups(&m)[0];
    assert_cholesky(&g.matrix, &g.cholesky, 3);

    // rho = 1 is singular: named, with a value just inside.
    let src = corr(&[(r#"["plant_build", "licence"]"#, "1")]);
    assert_err(
        &src,
        &format!(
            "{}: correlate[0].rho: ",
            pos(&src, src.find("rho = 1").unwrap() + 6)
        ),
        &["change rho = 1 of `plant_build` and `licence`", "e.g. 0.99"],
    );
    // One entry of three items at -0.9: all pairs come from it, so splitting is suggested.
    let src = corr(&[(r#"["plant_build", "licence", "phase2_build"]"#, "-0.9")]);
    assert_err(
        &src,
        "m.toml:",
        &[
            "is not positive definite",
            "correlate[0] gives all 3 pairs of its items this value: split it to change this pair alone",
        ],
    );
    // No group is checked while an entry is wrong: one error, not two.
    let src = corr(&[
        (r#"["plant_build", "phase2_build"]"#, "0.9"),
        (r#"["phase2_build", "licence"]"#, "0.9"),
        (r#"["plant_build", "licence", "fixed_task"]"#, "-0.9"),
    ]);
    let out = err(&src);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("m.toml:")).count(),
        1,
        "{out}"
    );
}
