//! Models built in code: `validate` reports by key path with the same messages.

use super::*;

/// `INC` with the included tasks merged in, as an importer would.
fn merged() -> Model {
    let mut m = model(INC);
    for id in [
        "contractor/t1000",
        "contractor/a-100",
        "contractor/t2",
        "contractor/commissioning",
        "vehicle/sop.final",
        "vehicle/a.b",
    ] {
        let mut t = task(id);
        t.duration = Dist::Triangular {
            min: 10.0,
            mode: 20.0,
            max: 40.0,
        };
        m.tasks.push(t);
    }
    m.tasks[3].after = vec![Link {
        task: "contractor/t1000".into(),
        kind: LinkKind::FinishToStart,
        lag: 0.0,
    }];
    m
}

/// The plain problems of `validate(m)`, which must fail.
fn invalid(m: &Model) -> String {
    match validate(m) {
        Ok(()) => panic!("expected problems"),
        Err(e) => e.plain(),
    }
}

#[test]
fn validate_accepts_read_and_merged_models() {
    for src in [BASE, PROG, INC, CORR] {
        let m = model(src);
        assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()), "{src}");
    }
    let m = merged();
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
    // Merged, the included task takes its place in the correlation groups.
    assert_eq!(
        correlation_groups(&m)[0].items,
        [
            CorrelatedItem::TaskDuration(1),
            CorrelatedItem::TaskDuration(0),
            CorrelatedItem::PlantRamp(0)
        ]
    );
    // The file written from it brings the included tasks back through [[include]].
    let text = to_toml(&m);
    assert!(!text.contains("id = \"contractor/"), "{text}");
    assert_eq!(parse(&text, "w.toml").unwrap(), model(INC));
    // A model built entirely in code, as by `to_toml_round_trips_a_model_built_in_code`.
    let mut m = model(PROG);
    m.tasks = vec![task("a"), task("b")];
    m.tasks[1].after_failure = vec!["a".into()];
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
}

#[test]
fn validate_reports_problems_by_key_path_with_the_same_messages() {
    // Every reference of a merged include must resolve.
    let mut m = merged();
    m.tasks[0].after[0].task = "contractor/t1001".into();
    m.risks[0].tasks[0] = "contractor/t100".into();
    m.correlations[0].items[0] = "contractor/t10000".into();
    m.scenarios[0].disable[0] = "contractor/t3".into();
    m.scenarios[0].set[0].item = "contractor/t1000x".into();
    let out = invalid(&m);
    for line in [
        "task[0].after[0]: unknown task id `contractor/t1001`\n  help: did you mean `contractor/t1000`?",
        "risk[0].tasks[0]: unknown task id `contractor/t100`\n  help: did you mean `contractor/t1000`?",
        "correlate[0].items[0]: unknown task or plant id `contractor/t10000`\n  help: did you mean `contractor/t1000`?",
        "scenario[0].disable[0]: unknown task, risk or plant id `contractor/t3`\n  help: did you mean `contractor/t2`?",
        "scenario[0].set.\"contractor/t1000x.duration\": scenario setting `contractor/t1000x.duration`: unknown item `contractor/t1000x`\n  help: did you mean `contractor/t1000`?",
    ] {
        assert!(
            out.contains(&format!("{line}\n")),
            "`{line}` missing from:\n{out}"
        );
    }
    // No file, no position: the line starts with the key path.
    assert!(out.starts_with("task[0].after[0]: "), "{out}");

    // A negative lag after an included id written without the link type.
    let mut m = merged();
    m.tasks[0].after[1].task = "contractor/a-100-5d".into();
    m.tasks[0].after[1].lag = 0.0;
    assert!(
        invalid(&m).contains("task[0].after[1]: unknown task id `contractor/a-100-5d`\n  help: after an included task's id, a negative lag needs the link type: `contractor/a-100:FS-5d`\n"),
        "{}",
        invalid(&m)
    );

    // Shapes, duplicates, cycles, ranges and dates.
    let mut m = merged();
    m.tasks.push(task("Bad Id"));
    m.tasks.push(task("contractor/bad id"));
    m.tasks.push(task("sop"));
    m.tasks[0].chance = 1.5;
    m.tasks[1].duration = Dist::Triangular {
        min: 30.0,
        mode: 10.0,
        max: 60.0,
    };
    m.tasks[2].cost = Dist::Fixed(f64::NAN);
    m.tasks[3].not_before = Some(Date::from_ymd(2040, 1, 1).unwrap());
    m.tasks[1].after.push(Link {
        task: "sop".into(),
        kind: LinkKind::StartToStart,
        lag: -1e20,
    });
    m.tasks[0].after.push(Link {
        task: "contractor/t1000".into(),
        kind: LinkKind::FinishToStart,
        lag: 0.0,
    });
    m.plants[0].ramp_start = -0.5;
    m.includes.push(m.includes[0].clone());
    m.program.iterations = 0;
    let out = invalid(&m);
    for line in [
        "program.iterations: `iterations` = 0 must be at least 1",
        "include[2].prefix: duplicate include prefix `contractor`: already used by include[0]",
        "task[0].chance: `chance` = `1.5` is outside [0, 1]",
        "task[1].duration: mode outside [min, max] in `tri(30d, 10d, 60d)`",
        "task[1].after[0]: `-1e20d` is too large (overflow): magnitudes above 1e15 are not accepted",
        "task[2].cost: `cost` = \"NaN\" has a value that is not a finite number",
        "task[3].not_before: `not_before` = 2040-01-01 is outside the program, 2022-07-01 to 2031-12-31",
        "plant[0].ramp_start: `ramp_start` = `-0.5` is outside [0, 1]",
        "task[7].id: id `Bad Id` must match [a-z0-9_]+",
        "task[8].id: id `contractor/bad id` must match [a-z0-9_]+(/[A-Za-z0-9_.-]+)*",
        "task[9].id: duplicate id `sop`: already used by task[0]",
        "tasks wait on each other in a cycle: ",
    ] {
        assert!(out.contains(line), "`{line}` missing from:\n{out}");
    }

    // Correlations: the same rules as in a file.
    let mut m = model(CORR);
    m.correlations = vec![
        Correlation {
            items: vec!["plant_build".into(), "phase2_build".into()],
            rho: 0.9,
        },
        Correlation {
            items: vec!["phase2_build".into(), "licence".into()],
            rho: 0.9,
        },
        Correlation {
            items: vec!["plant_build".into(), "licence".into()],
            rho: -0.9,
        },
    ];
    let out = invalid(&m);
    assert!(
        out.starts_with("correlate[2].rho: the correlations among `plant_build`, `phase2_build`, `licence` are inconsistent (the matrix of their normal scores, 2·sin(π·rho/6), is not positive definite): change rho = -0.9 of `plant_build` and `licence` in correlate[2]\n  help: set rho of `plant_build` and `licence` to a value from 0.632 to 0.999, e.g. 0.64: the smallest single change that makes the matrix positive definite; entries involved: correlate[0], correlate[1], correlate[2]\n"),
        "{out}"
    );
    m.correlations[2].rho = 0.7;
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
    m.correlations[1].items = vec!["fixed_task".into(), "freeze".into(), "plant_build".into()];
    m.correlations[2].items = vec!["phase2_build".into(), "plant_build".into()];
    m.correlations[2].rho = f64::NAN;
    let out = invalid(&m);
    for line in [
        "correlate[1].items[0]: `fixed_task` has a fixed duration (`6mo`)",
        "correlate[1].items[1]: `freeze` is a risk, not a task or plant",
        "correlate[2].rho: `rho` = `NaN` is outside [-1, 1]",
    ] {
        assert!(out.contains(line), "`{line}` missing from:\n{out}");
    }
    m.correlations[2].rho = 0.5;
    assert!(invalid(&m).contains("the pair `phase2_build` and `plant_build` has two correlations: 0.9 in correlate[0] and 0.5 in correlate[2]"));

    // Scenario settings of the wrong kind, and an error named after its file.
    let mut m = model(BASE);
    m.scenarios[0].set[0].value = SettingValue::Dist(Dist::Fixed(0.5));
    m.scenarios[0].set[1].value = SettingValue::Number(3.0);
    let e = validate(&m).unwrap_err();
    let out = e.plain();
    assert!(out.contains("scenario[0].set.\"own_licence.chance\": `\"own_licence.chance\"` must be a number in [0, 1], found a distribution"), "{out}");
    assert!(out.contains("scenario[0].set.\"plant_build.duration\": `\"plant_build.duration\"` must be a distribution, found a number"), "{out}");
    let named = e.in_file("merged.toml").plain();
    assert!(
        named.starts_with("merged.toml: scenario[0].set."),
        "{named}"
    );
}
