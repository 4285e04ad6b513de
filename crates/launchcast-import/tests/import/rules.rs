//! Uncertainty rules: reading, matching and applying them.

use launchcast_import::{Duration, Format, Rules, Schedule, Task, to_model};
use launchcast_import::{Relative, apply_rules};
use launchcast_model::{Correlation, Dist, Impact};

/// Four tasks of 5, 10, 20 and 0 working days (480 minutes a day, no calendars: the
/// model durations are the same numbers of days).
fn schedule() -> Schedule {
    let mut s = Schedule::new(Format::Mspdi);
    for (uid, name, wbs, days) in [
        ("1", "Pour concrete", "1.2.1", 5.0),
        ("2", "Permit application", "1.3", 10.0),
        ("3", "Design review", "1.20", 20.0),
        ("4", "Sign-off milestone", "2", 0.0),
    ] {
        let mut t = Task::new(uid);
        t.name = name.into();
        t.wbs = wbs.into();
        t.duration = Duration::working(days * 480.0);
        t.milestone = days == 0.0;
        s.tasks.push(t);
    }
    s
}

const RULES: &str = r#"
# first matching rule wins for durations
[[rule]]
id = "1"
duration = "pert(90%, 100%, 140%)"

[[rule]]
wbs = "1.2"              # t1 (already given a duration); not t3, whose WBS is 1.20
duration = "tri(50%, 100%, 200%)"

[[rule]]
name = "*PERMIT*"        # glob, case-insensitive
risk = { id = "refused", name = "Permit refused", chance = 0.25, delay = "tri(5d, 10d, 20d)" }

[[rule]]
duration_min = 4
duration_max = 20
duration = "uniform(80%, 120%)"
correlate = 0.5

[[rule]]
name = "sign-off"        # substring
duration = "110%"

[[rule]]
id = "t9*"               # matches nothing
risk = { chance = 0.5, scale = "tri(1.1, 1.2, 1.5)" }
"#;

#[test]
fn rules_match_by_id_name_wbs_and_duration() {
    let s = schedule();
    let mut m = to_model(&s, None);
    let rules = Rules::parse(RULES, "rules.toml").expect("valid rules");
    let a = apply_rules(&rules, Some(&s), &mut m).expect("applies");
    let d: Vec<&Dist> = m.tasks.iter().map(|t| &t.duration).collect();
    assert_eq!(
        *d[0],
        Dist::Pert {
            min: 4.5,
            mode: 5.0,
            max: 7.0
        }
    );
    assert_eq!(
        *d[1],
        Dist::Uniform {
            min: 8.0,
            max: 12.0
        }
    );
    assert_eq!(
        *d[2],
        Dist::Uniform {
            min: 16.0,
            max: 24.0
        }
    );
    // A milestone stays at 0 whatever the rule.
    assert_eq!(*d[3], Dist::Fixed(0.0));
    assert_eq!(m.risks.len(), 1);
    let r = &m.risks[0];
    assert_eq!(
        (r.id.as_str(), r.name.as_str()),
        ("refused", "Permit refused")
    );
    assert_eq!(r.chance, 0.25);
    assert_eq!(r.tasks, vec!["t2".to_string()]);
    assert_eq!(
        r.impact,
        Impact::Delay(Dist::Triangular {
            min: 5.0,
            mode: 10.0,
            max: 20.0
        })
    );
    assert_eq!(
        m.correlations,
        vec![Correlation {
            items: vec!["t1".into(), "t2".into(), "t3".into()],
            rho: 0.5
        }]
    );
    assert_eq!(a.matched, vec![1, 1, 1, 3, 1, 0]);
    assert_eq!((a.uncertain, a.tasks), (3, 4));
    assert_eq!((a.by_duration, a.by_risk), (3, 1));
    assert_eq!(
        a.to_string().split(" (").next(),
        Some("3 of 4 tasks uncertain")
    );
    assert!(
        a.notes.iter().any(|n| n.contains("rule 6 matches no task")),
        "{:?}",
        a.notes
    );
}

#[test]
fn a_rule_without_selector_matches_the_rest_and_model_ids_match() {
    let s = schedule();
    let mut m = to_model(&s, None);
    let text = "[[rule]]\nid = \"T3\"\nduration = \"tri(100%, 100%, 150%)\"\n\
                [[rule]]\nduration = \"pert(100%, 100%, 100%)\"\n";
    let rules = Rules::parse(text, "r.toml").expect("valid");
    let a = apply_rules(&rules, Some(&s), &mut m).expect("applies");
    assert_eq!(
        m.tasks[2].duration,
        Dist::Triangular {
            min: 20.0,
            mode: 20.0,
            max: 30.0
        }
    );
    // Degenerate ranges are fixed values: nothing uncertain besides t3.
    assert_eq!(m.tasks[0].duration, Dist::Fixed(5.0));
    assert_eq!((a.uncertain, a.matched.clone()), (1, vec![1, 4]));
}

#[test]
fn rules_apply_to_a_model_without_schedule() {
    let s = schedule();
    let mut m = to_model(&s, None);
    let rules = Rules::parse(
        "[[rule]]\nname = \"review\"\nrisk = { chance = 1, fail = true }\n",
        "r.toml",
    )
    .expect("valid");
    let a = apply_rules(&rules, None, &mut m).expect("applies");
    assert_eq!(m.risks[0].id, "rule_1");
    assert_eq!(m.risks[0].impact, Impact::Fail);
    assert_eq!(m.risks[0].tasks, vec!["t3".to_string()]);
    assert_eq!(a.uncertain, 1);
}

#[test]
fn relative_distributions_and_globs() {
    assert_eq!(
        Relative::parse("pert(90%, 100%, 140%)"),
        Ok(Relative::Pert(0.9, 1.0, 1.4))
    );
    assert_eq!(
        Relative::parse(" TRI( 95% ,100%,130% ) "),
        Ok(Relative::Tri(0.95, 1.0, 1.3))
    );
    assert_eq!(
        Relative::parse("uniform(90%, 120%)"),
        Ok(Relative::Uniform(0.9, 1.2))
    );
    assert_eq!(Relative::parse("110%"), Ok(Relative::Fixed(1.1)));
    for bad in [
        "pert(90, 100, 140)",
        "tri(140%, 100%, 90%)",
        "uniform(1%)",
        "beta(1%, 2%)",
        "10d",
        "pert(90%, 100%, 140%",
    ] {
        assert!(Relative::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn bad_rules_name_line_column_value_and_hint() {
    // Text, where, what (key path and message), the value as written.
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "[[rule]]\nduration = \"pert(90, 100%, 140%)\"\n",
            "r.toml:2:12",
            "rule[0].duration: `90` in `pert(90, 100%, 140%)` is not a percentage",
            "\"pert(90, 100%, 140%)\"",
        ),
        (
            "[[rule]]\nname = \"x\"\ndurration = \"110%\"\n",
            "r.toml:3:1",
            "rule[0].durration: unknown key `durration` in `rule[0]`",
            "durration",
        ),
        (
            "[[rule]]\nwbs = 12\nduration = \"110%\"\n",
            "r.toml:2:7",
            "rule[0].wbs: `wbs` must be a string, found an integer `12`",
            "12",
        ),
        (
            "[[rule]]\nname = \"x\"\n",
            "r.toml:1:1",
            "rule[0]: the rule gives neither `duration`",
            "[[rule]]",
        ),
        (
            "[[rule]]\nrisk = { chance = 1.5, fail = true }\n",
            "r.toml:2:19",
            "rule[0].risk.chance: `chance` = `1.5` is outside [0, 1]",
            "1.5",
        ),
        (
            "[[rule]]\nrisk = { chance = 0.5, delay = \"3 weeks\" }\n",
            "r.toml:2:35",
            "rule[0].risk.delay: unknown unit `weeks` in `3 weeks`",
            "weeks",
        ),
        (
            "[[rule]]\nrisk = { chance = 0.5 }\n",
            "r.toml:2:8",
            "rule[0].risk: the risk needs exactly one of",
            "{ chance = 0.5 }",
        ),
        (
            "[[rule]]\nrisk = { id = \"Bad-Id\", chance = 0.5, fail = true }\n",
            "r.toml:2:15",
            "rule[0].risk.id: risk id `Bad-Id` is not of [a-z0-9_]+",
            "\"Bad-Id\"",
        ),
        (
            "[[rule]]\nduration_min = 10\nduration_max = 5\nduration = \"110%\"\n",
            "r.toml:3:16",
            "rule[0].duration_max: `duration_max` (5) is below `duration_min` (10)",
            "5",
        ),
        (
            "[[rule]]\ncorrelate = 2\n",
            "r.toml:2:13",
            "rule[0].correlate: `correlate` = `2` is outside [0, 1]",
            "2",
        ),
        (
            "[[rule]]\nrisk = { delay = \"1w\" }\n",
            "r.toml:2:8",
            "rule[0].risk.chance: `rule[0].risk` is missing the required key `chance`",
            "{ delay = \"1w\" }",
        ),
        (
            "[[rule]]\nduration_max = 1e400\nduration = \"110%\"\n",
            "r.toml:2:16",
            "rule[0].duration_max: `duration_max` = `1e400` is out of range",
            "1e400",
        ),
        (
            "[[rule]]\nrisk = { chance = 0.5, fail = \"yes\" }\n",
            "r.toml:2:31",
            "rule[0].risk.fail: `fail` must be true or false, found a string",
            "\"yes\"",
        ),
        (
            "rule = 1\n",
            "r.toml:1:8",
            "`rule` must be an array of tables",
            "1",
        ),
    ];
    for (text, at, what, value) in cases {
        let e = Rules::parse(text, "r.toml").expect_err(text);
        let msg = e.to_string();
        assert!(msg.starts_with(&format!("{at}: ")), "{text:?}: {msg}");
        assert!(msg.contains(what), "{text:?}: {msg}");
        assert_eq!(e.value.as_deref(), Some(*value), "{text:?}: {msg}");
        assert!(msg.contains("hint: "), "{text:?}: {msg}");
    }
    // A syntax error and an unknown top-level key.
    for (text, at, what) in [
        ("[[rule]\n", "r.toml:1:", "TOML syntax error"),
        (
            "rules = 1\n",
            "r.toml:1:1",
            "rules: unknown key `rules` in the top level",
        ),
    ] {
        let e = Rules::parse(text, "r.toml").expect_err(text);
        let msg = e.to_string();
        assert!(msg.starts_with(at), "{text:?}: {msg}");
        assert!(msg.contains(what), "{text:?}: {msg}");
        assert!(msg.contains("hint: "), "{text:?}: {msg}");
    }
    // Unknown keys come with the nearest known one.
    let e = Rules::parse("[[rule]]\ndurration = \"110%\"\n", "r.toml").expect_err("typo");
    assert!(
        e.hint
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean `duration`?")),
        "{e}"
    );
    // A risk id already used by a task is caught when applying, at the rule.
    let s = schedule();
    let mut m = to_model(&s, None);
    let rules = Rules::parse(
        "\n[[rule]]\nrisk = { id = \"t1\", chance = 0.5, fail = true }\n",
        "r.toml",
    )
    .expect("valid");
    let e = apply_rules(&rules, Some(&s), &mut m).expect_err("clash");
    assert!(e.to_string().starts_with("r.toml:2:1"), "{e}");
}

mod fuzz {
    use launchcast_import::{Duration, Format, Rules, Schedule, Task, apply_rules, to_model};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Rules text made of rule-like pieces: an error with a line, or rules that apply.
        #[test]
        fn random_rules_never_panic(pieces in proptest::collection::vec(prop_oneof![
            Just("[[rule]]\n"), Just("id = \"1*\"\n"), Just("name = \"?\"\n"), Just("wbs = \"\"\n"),
            Just("duration_min = -1\n"), Just("duration_max = 1e400\n"), Just("duration = \"pert(1%, 0%, 2%)\"\n"),
            Just("duration = \"uniform(0%, 0%)\"\n"), Just("correlate = 1\n"), Just("risk = { chance = 0, fail = true }\n"),
            Just("risk = { scale = 2, chance = 1 }\n"), Just("= \"\n"), Just("\u{0}"), Just("[rule]\n"),
        ], 0..12)) {
            let text: String = pieces.concat();
            match Rules::parse(&text, "r.toml") {
                Ok(r) => {
                    let mut s = Schedule::new(Format::Mspdi);
                    let mut t = Task::new("1");
                    t.duration = Duration::working(480.0);
                    s.tasks.push(t);
                    let mut m = to_model(&s, None);
                    let _ = apply_rules(&r, Some(&s), &mut m);
                }
                Err(e) => prop_assert!(e.line >= 1, "{e}"),
            }
        }
    }
}
