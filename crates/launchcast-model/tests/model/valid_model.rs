//! `ValidModel`: what it refuses beyond validation (no tasks, includes not merged), the
//! choice of scenarios, and the changes that keep it valid.

use super::*;

#[test]
fn a_model_without_tasks_is_not_a_valid_model() {
    let m = model(PROG);
    assert!(validate(&m).is_ok(), "a file without tasks still reads");
    let e = ValidModel::new(m).expect_err("nothing to simulate");
    assert!(matches!(e, InvalidModel::NoTasks));
    assert_eq!(
        e.to_string(),
        "the model has no tasks: there is nothing to simulate"
    );
    assert_eq!(
        e.help(),
        Some("add at least one [[task]] with an id and a duration")
    );
    assert!(matches!(
        ValidModel::parse(PROG, "m.toml"),
        Err(InvalidModel::NoTasks)
    ));
}

#[test]
fn references_into_includes_not_merged_are_refused() {
    // Reading accepts them unchecked; a valid model has every include merged.
    let m = model(INC);
    assert!(validate(&m).is_ok());
    let Err(InvalidModel::Problems(e)) = ValidModel::new(m.clone()) else {
        panic!("an unmerged include must be refused");
    };
    let text = e.plain();
    assert!(text.contains("task[0].after[0]"), "{text}");
    assert!(text.contains("contractor/t1000"), "{text}");
    let Err(InvalidModel::Problems(e)) = ValidModel::parse(INC, "m.toml") else {
        panic!("an unmerged include must be refused");
    };
    assert!(e.plain().starts_with("m.toml: "), "{}", e.plain());

    // Merged (the tasks carry the prefix), the same references resolve.
    let mut merged = m;
    for id in [
        "contractor/t1000",
        "contractor/a-100",
        "contractor/t2",
        "contractor/commissioning",
        "vehicle/sop.final",
        "vehicle/a.b",
    ] {
        let mut t = task(id);
        t.duration = Dist::Uniform {
            min: 10.0,
            max: 20.0,
        };
        merged.tasks.insert(0, t);
    }
    if let Err(e) = ValidModel::new(merged) {
        panic!("every include merged:\n{e}");
    }
}

#[test]
fn scenarios_are_selected_by_id_and_base() {
    let valid = ValidModel::parse(BASE, "m.toml").expect("valid");
    let ids: Vec<String> = valid.scenarios.iter().map(|s| s.id.clone()).collect();
    let all = valid.all_scenarios();
    assert_eq!(all.scenarios()[0], None);
    assert_eq!(all.scenarios().len(), 1 + ids.len());
    assert_eq!(valid.select(&[]).expect("all"), all);
    // In the order given, each once.
    let pick = [ids[1].clone(), "base".to_string(), ids[1].clone()];
    let s = valid.select(&pick).expect("known ids");
    assert_eq!(s.scenarios(), &[Some(1), None]);
    assert_eq!(Selection::base().scenarios(), &[None]);

    let e = valid
        .select(&[format!("{}x", ids[0])])
        .expect_err("unknown");
    let known = std::iter::once("base".to_string())
        .chain(ids.iter().cloned())
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(
        e.to_string(),
        format!("unknown scenario `{}x`: the model has {known}", ids[0])
    );
    assert_eq!(
        e.help(),
        format!(
            "did you mean `{}`? `base` is the model as written; the others are its [[scenario]] ids",
            ids[0]
        )
    );
    let far = valid
        .select(&["zzzzzzzzzzzz".to_string()])
        .expect_err("unknown");
    assert_eq!(
        far.help(),
        "`base` is the model as written; the others are its [[scenario]] ids"
    );
}

#[test]
fn changes_keep_the_model_valid() {
    let valid = ValidModel::parse(BASE, "m.toml").expect("valid");
    let ok = |m: &ValidModel| {
        if let Err(e) = validate(m) {
            panic!("a change made the model invalid:\n{}", e.plain());
        }
    };
    let ml = valid.most_likely();
    ok(&ml);
    assert!(ml.scenarios.is_empty());
    assert!(
        ml.tasks
            .iter()
            .all(|t| t.duration.is_fixed() && t.chance == 1.0)
    );
    assert!(ml.risks.iter().all(|r| r.chance == 0.0));
    for r in 0..valid.risks.len() {
        let m = valid.without_risk(r);
        ok(&m);
        assert_eq!(m.risks[r].chance, 0.0);
        let id = &valid.risks[r].id;
        for s in &m.scenarios {
            for set in s
                .set
                .iter()
                .filter(|x| x.item == *id && x.field == "chance")
            {
                assert_eq!(set.value, SettingValue::Number(0.0));
            }
        }
    }
    for t in 0..valid.tasks.len() {
        let m = valid.with_duration_fixed(t);
        ok(&m);
        let want = valid.tasks[t].duration.most_likely().max(0.0);
        assert_eq!(m.tasks[t].duration, Dist::Fixed(want));
        let id = &valid.tasks[t].id;
        for s in &m.scenarios {
            for set in s
                .set
                .iter()
                .filter(|x| x.item == *id && x.field == "duration")
            {
                assert!(matches!(&set.value, SettingValue::Dist(d) if d.is_fixed()));
            }
        }
    }
    for s in 0..valid.scenarios.len() {
        ok(&valid.scenario(Some(s)));
    }
    // Out of range: nothing changes.
    assert_eq!(valid.without_risk(usize::MAX), valid);
    assert_eq!(valid.with_duration_fixed(usize::MAX), valid);
}

#[test]
fn a_model_read_becomes_valid_as_a_model_checked_in_code_does() {
    // Reading validates; the ValidModel made from it without a second validation is the
    // one validation in code gives.
    let read = ReadModel::parse(BASE, "m.toml").expect("valid");
    assert_eq!(*read, model(BASE));
    let from_read = ValidModel::from_read(read.clone()).expect("valid");
    assert_eq!(
        from_read,
        ValidModel::new(read.into_model()).expect("valid")
    );

    // What reading leaves: a task, and (for a file with includes) every include merged.
    let no_tasks = ReadModel::parse(PROG, "m.toml").expect("reads");
    assert!(matches!(
        ValidModel::from_read(no_tasks),
        Err(InvalidModel::NoTasks)
    ));
    let (inc, map) = ReadModel::parse_mapping_includes(INC, "m.toml").expect("reads");
    assert!(map.is_some(), "a file with includes is mapped");
    let Err(InvalidModel::Problems(e)) = ValidModel::from_read(inc) else {
        panic!("an unmerged include must be refused");
    };
    assert!(e.plain().starts_with("m.toml: "), "{}", e.plain());
    let (_, map) = ReadModel::parse_mapping_includes(BASE, "m.toml").expect("reads");
    assert!(map.is_none(), "a file without includes is not mapped");

    // Problems are those of parse, at their line.
    let bad = BASE.replace("\"site_deal-5d\"", "\"site_dael-5d\"");
    let e = ReadModel::parse(&bad, "m.toml").expect_err("unknown id");
    assert_eq!(
        e.plain(),
        launchcast_model::parse(&bad, "m.toml")
            .expect_err("unknown id")
            .plain()
    );
}

#[test]
fn distributions_are_kept_as_written() {
    let text = BASE.replace(
        "duration = \"uniform(1mo, 3mo)\"",
        "duration = \"  uniform(4w,\\t13w) \"",
    );
    let (read, map, w) = ReadModel::parse_keeping_written(&text, "m.toml").expect("valid");
    assert!(map.is_none());
    assert_eq!(read.tasks[1].id, "site_deal");
    // Trimmed, escapes decoded, in the user's units.
    assert_eq!(w.get("task", 1, "duration"), Some("uniform(4w,\t13w)"));
    assert_eq!(w.get("task", 0, "duration"), Some("pert(18mo, 24mo, 36mo)"));
    assert_eq!(w.get("task", 2, "cost"), Some("tri(0.1bn, 0.2bn, 0.5bn)"));
    assert_eq!(
        w.get("program", 0, "delivery_lag"),
        Some("tri(3d, 7d, 30d)")
    );
    assert_eq!(
        w.get("program", 0, "overhead_per_year"),
        Some("tri(2bn, 3bn, 4bn)")
    );
    assert_eq!(w.get("risk", 0, "delay"), Some("tri(3mo, 6mo, 12mo)"));
    assert_eq!(w.get("risk", 1, "scale"), Some("tri(1.1, 1.3, 2)"));
    // A number, a key not given, a key that is no distribution, a table that is not there.
    assert_eq!(w.get("task", 0, "cost"), None);
    assert_eq!(w.get("task", 1, "cost"), None);
    assert_eq!(w.get("task", 1, "name"), None);
    assert_eq!(w.get("task", 99, "duration"), None);
    assert_eq!(w.get("promise", 0, "duration"), None);
    // A file that writes no distribution.
    let (_, _, none) = ReadModel::parse_keeping_written(PROG, "m.toml").expect("reads");
    assert_eq!(none, Written::default());
}
