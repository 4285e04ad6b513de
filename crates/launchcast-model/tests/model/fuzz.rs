//! Never a panic: mutated and generated inputs, and deeply nested ones.

use super::*;

const TOKENS: &[&str] = &[
    "[program]",
    "[[task]]",
    "[[risk]]",
    "[[plant]]",
    "[[promise]]",
    "[[scenario]]",
    "[task]",
    "\n",
    "\n",
    "name = \"x\"",
    "start = 2022-07-01",
    "horizon = 2031-12-31",
    "horizon = 2020-01-01",
    "id = \"a\"",
    "id = \"b\"",
    "id = \"A b\"",
    "duration = \"tri(1mo, 2mo, 3mo)\"",
    "duration = \"tri(1mo\"",
    "duration = 5",
    "after = [\"a\"]",
    "after = [\"b:SS+2mo\"]",
    "after_any = [\"a\", \"zz\"]",
    "after_failure = [\"b\"]",
    "chance = 1.5",
    "chance = 0.5",
    "cost = -1",
    "cost = 1e300",
    "cost = nan",
    "tasks = [\"a\"]",
    "delay = \"1d\"",
    "scale = 2",
    "fail = true",
    "capacity = 10",
    "starts = \"a\"",
    "ramp = \"1mo\"",
    "curve = \"s\"",
    "ramp_start = 2",
    "first_delivery_by = 2024-01-01",
    "deliveries_in_year = { year = 99999, at_least = 1 }",
    "spend_by = { date = 2024-01-01, at_most = \"1bn\" }",
    "disable = [\"a\", \"q\"]",
    "set = { \"a.chance\" = 0.1, \"b.curve\" = 3, x.y.z = 1 }",
    "iterations = 0",
    "seed = -5",
    "not_before = 1900-01-01",
    "= =",
    "\"",
    "[",
    "]",
    "{",
    "}",
    "é",
    "\u{0}",
    "#",
    "x = [1, [2]]",
    "duration = \"discrete(1d: 0.5)\"",
    "iterations = 99999999999999999999",
    "[[include]]",
    "[[correlate]]",
    "file = \"p.xer\"",
    "prefix = \"plant\"",
    "prefix = \"Plant\"",
    "uncertainty = \"r.toml\"",
    "items = [\"a\", \"b\"]",
    "items = [\"a\", \"plant/x\"]",
    "items = [\"a\"]",
    "items = [\"b\", \"plnt/x\", \"b\"]",
    "rho = 0.5",
    "rho = 1",
    "rho = -0.9",
    "rho = nan",
    "after = [\"plant/t1:SS-2d\", \"plant/a-1\"]",
    "starts = \"plant/x\"",
    "set = { \"plant/x.duration\" = \"1d\", \"plant/x.1.cost\" = 1 }",
];

/// Sections added to `BASE` for fuzzing: an include, references to its tasks and
/// correlations.
const EXTRA: &str = r#"
[[include]]
file = "plant.xer"
prefix = "contractor"
uncertainty = "rules.toml"

[[task]]
id = "commissioning_wait"
duration = "tri(1w, 2w, 6w)"
after = ["contractor/t1000:FF+1w", "contractor/a-100:FS-5d"]

[[correlate]]
items = ["plant_build", "vehicle_dev"]
rho = 0.6

[[correlate]]
items = ["plant_build", "yizhuang_1", "contractor/t2000"]
rho = 0.3

[[scenario]]
id = "contractor_fast"
disable = ["contractor/t2000"]
set = { "contractor/t1000.duration" = "tri(1mo, 2mo, 3mo)" }
"#;

/// What every model read must satisfy: it passes `validate`, writes and reads back equal,
/// and its correlation groups have exact Cholesky factors.
fn check_read_model(m: &Model) -> Result<(), TestCaseError> {
    prop_assert_eq!(validate(m).map_err(|e| e.plain()), Ok(()));
    for i in 0..m.scenarios.len() {
        let _ = m.scenario_model(Some(i));
    }
    let back = parse(&to_toml(m), "w.toml").ok();
    prop_assert_eq!(back.as_ref(), Some(m));
    for g in correlation_groups(m) {
        prop_assert!(!g.cholesky.is_empty());
        assert_cholesky(&g.matrix, &g.cholesky, g.len());
    }
    Ok(())
}

fn mutate(base: &str, ops: &[(usize, usize, u8)]) -> String {
    let mut bytes = base.as_bytes().to_vec();
    for &(kind, pos, b) in ops {
        if bytes.is_empty() {
            break;
        }
        let pos = pos % bytes.len();
        match kind % 3 {
            0 => {
                bytes.remove(pos);
            }
            1 => bytes.insert(pos, b),
            _ => bytes[pos] = b,
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn parse_never_panics_on_token_soup(picks in proptest::collection::vec((0..TOKENS.len(), any::<bool>()), 0..60)) {
        let text: String = picks.iter().map(|(i, nl)| format!("{}{}", TOKENS[*i], if *nl { "\n" } else { " " })).collect();
        if let Ok(m) = parse(&text, "fuzz.toml") {
            check_read_model(&m)?;
        }
    }

    #[test]
    fn parse_never_panics_on_mutations(ops in proptest::collection::vec((0usize..3, any::<usize>(), prop::sample::select(b" \n\"[]{}=,.:+-0123456789abcdmoyk()#'\\_".to_vec())), 1..12)) {
        let text = mutate(BASE, &ops);
        if let Ok(m) = parse(&text, "fuzz.toml") {
            // What reads back must also validate, write and read back.
            check_read_model(&m)?;
        }
        let text = mutate(&format!("{BASE}{EXTRA}"), &ops);
        if let Ok(m) = parse(&text, "fuzz.toml") {
            check_read_model(&m)?;
        }
    }

    #[test]
    fn random_correlations_read_as_validate_checks_them(
        entries in proptest::collection::vec(
            (
                proptest::collection::vec(prop::sample::select(vec!["plant_build", "phase2_build", "licence", "yizhuang", "fixed_task"]), 0..4),
                prop::sample::select(vec![-1.0, -0.9, -0.6, -0.3, 0.0, 0.2, 0.5, 0.8, 0.95, 1.0, 1.5]),
            ),
            1..6,
        ),
    ) {
        let mut src = CORR.to_string();
        let mut in_code = model(CORR);
        for (items, rho) in &entries {
            let list: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
            src.push_str(&format!("\n[[correlate]]\nitems = [{}]\nrho = {rho}\n", list.join(", ")));
            in_code.correlations.push(Correlation { items: items.iter().map(|i| i.to_string()).collect(), rho: *rho });
        }
        let read = parse(&src, "m.toml");
        let checked = validate(&in_code);
        // The file and the model built in code get the same verdict and the same messages.
        match (&read, &checked) {
            (Ok(m), Ok(())) => {
                prop_assert_eq!(m, &in_code);
                check_read_model(m)?;
            }
            (Err(a), Err(b)) => {
                // Problems of a file come in reading order, those of a model in code in the
                // order checked.
                let messages = |e: &ModelError| {
                    let mut v = e.problems().iter().map(|p| (p.key_path.clone(), p.message.clone())).collect::<Vec<_>>();
                    v.sort();
                    v
                };
                prop_assert_eq!(messages(a), messages(b));
                for p in a.problems() {
                    prop_assert!(p.key_path.starts_with("correlate["), "{}", p);
                    prop_assert!(p.line > 0 && p.help.is_some(), "{}", p);
                }
            }
            _ => prop_assert!(false, "parse: {:?}\nvalidate: {:?}", read.as_ref().err().map(ModelError::plain), checked.as_ref().err().map(ModelError::plain)),
        }
    }

    #[test]
    fn parse_never_panics_on_any_text(text in "\\PC{0,200}") {
        let _ = parse(&text, "fuzz.toml");
    }

    #[test]
    fn dist_parse_never_panics(text in "[ a-z0-9().,:+\\-eE]{0,40}|\\PC{0,40}") {
        for q in [Quantity::Duration, Quantity::Lag, Quantity::Money, Quantity::Number] {
            if let Ok(d) = Dist::parse(&text, q) {
                prop_assert_eq!(Dist::parse(&d.display(q).to_string(), q), Ok(d));
            }
        }
    }

    #[test]
    fn dist_parse_never_panics_on_near_misses(
        f in prop::sample::select(vec!["tri", "pert", "uniform", "normal", "lognormal", "discrete", "tr", ""]),
        args in proptest::collection::vec(("-?[0-9]{0,3}(\\.[0-9]{0,2})?(e[0-9]{1,3})?", prop::sample::select(vec!["", "d", "w", "mo", "y", "k", "M", "bn", "x"]), prop::option::of("[0-9.]{1,4}")), 0..5),
        close in any::<bool>(),
    ) {
        let body: Vec<String> = args.iter().map(|(n, u, w)| match w { Some(w) => format!("{n}{u}: {w}"), None => format!("{n}{u}") }).collect();
        let text = format!("{f}({}{}", body.join(", "), if close { ")" } else { "" });
        for q in [Quantity::Duration, Quantity::Lag, Quantity::Money, Quantity::Number] {
            if let Ok(d) = Dist::parse(&text, q) {
                prop_assert_eq!(Dist::parse(&d.display(q).to_string(), q), Ok(d));
            }
        }
    }
}

#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    for open in ["[", "{a=", "x = ["] {
        let text = format!("x = {}", open.repeat(100_000));
        assert!(parse(&text, "deep.toml").is_err());
    }
    // A long chain of tasks (deep for the cycle search) is fine.
    let mut src = PROG.to_string();
    for i in 0..20_000 {
        src.push_str(&format!("[[task]]\nid = \"t{i}\"\nduration = \"1d\"\n"));
        if i > 0 {
            src.push_str(&format!("after = [\"t{}\"]\n", i - 1));
        }
    }
    assert_eq!(model(&src).tasks.len(), 20_000);
}
