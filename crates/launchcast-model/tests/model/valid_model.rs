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
