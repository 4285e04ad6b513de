//! Scenario models: `disable` and `set` applied.

use super::*;

#[test]
fn scenario_model_applies_disable_and_set() {
    let m = model(BASE);
    assert_eq!(m.scenario_model(None), m);
    assert_eq!(m.scenario_model(Some(99)), m);
    let s = m.scenario_model(Some(0));
    let ids = |m: &Model| m.tasks.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&s), ids(&m));
    assert_eq!(s.risks.len(), m.risks.len());
    assert_eq!(s.plants.len(), m.plants.len());
    let disabled: Vec<&str> = s
        .tasks
        .iter()
        .filter(|t| t.disabled)
        .map(|t| t.id.as_str())
        .collect();
    assert_eq!(disabled, ["baic_talks"]);
    assert!(s.risks[2].disabled && !s.risks[0].disabled);
    assert!(s.plants[1].disabled && !s.plants[0].disabled);
    assert_eq!(s.tasks[3].chance, 0.9);
    assert_eq!(
        s.tasks[4].duration,
        Dist::Triangular {
            min: 8.0 * MONTH,
            mode: 10.0 * MONTH,
            max: 14.0 * MONTH
        }
    );
    assert_eq!(s.tasks[2].not_before, Date::from_ymd(2023, 1, 1));
    assert_eq!(s.risks[0].impact, Impact::Delay(Dist::Fixed(MONTH)));
    assert_eq!(s.risks[1].impact, Impact::Scale(Dist::Fixed(1.5)));
    assert_eq!(
        (s.plants[0].curve, s.plants[0].ramp_start),
        (Curve::Linear, 0.2)
    );
    assert_eq!(s.program.overhead_per_year, Dist::Fixed(1e9));
    // Untouched values stay.
    assert_eq!(s.tasks[0], m.tasks[0]);
    assert_eq!(s.program.delivery_lag, m.program.delivery_lag);
    let d = m.scenario_model(Some(1));
    assert_eq!(d.plants[0].capacity, Dist::Fixed(200000.0));
    assert_eq!(d.program.delivery_lag, Dist::Fixed(14.0));
    assert!(d.tasks.iter().all(|t| !t.disabled));
    // Every settable field.
    let src = format!(
        "{PROG}delivery_lag = \"1d\"\n[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"a\"]\ndelay = \"1d\"\n[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\n[[scenario]]\nid = \"s\"\nset = {{ \"a.cost\" = \"5k\", \"r.chance\" = 0.25, \"p.ramp\" = \"2d\", \"p.peak\" = 1.1, \"p.capacity\" = \"uniform(1, 2)\", \"program.delivery_lag\" = \"3d\", \"a.duration\" = \"4d\" }}\n"
    );
    let s = model(&src).scenario_model(Some(0));
    assert_eq!(s.tasks[0].cost, Dist::Fixed(5000.0));
    assert_eq!(s.tasks[0].duration, Dist::Fixed(4.0));
    assert_eq!(s.risks[0].chance, 0.25);
    assert_eq!(
        (&s.plants[0].ramp, &s.plants[0].peak),
        (&Dist::Fixed(2.0), &Dist::Fixed(1.1))
    );
    assert_eq!(s.plants[0].capacity, Dist::Uniform { min: 1.0, max: 2.0 });
    assert_eq!(s.program.delivery_lag, Dist::Fixed(3.0));
}

#[test]
fn a_what_if_applies_to_the_base_and_wins_over_every_scenario() {
    const M: &str = r#"[program]
name = "W"
start = 2024-01-01
horizon = 2030-12-31

[[task]]
id = "a"
duration = "10d"

[[task]]
id = "b"
duration = "20d"
after = ["a"]

[[scenario]]
id = "slow"
set = { "a.duration" = "30d", "b.duration" = "40d" }

[[scenario]]
id = "what_if"
disable = ["b"]
"#;
    let m = model(M);
    assert_eq!(m.what_if_id(), "what_if_2");
    // The change, read as a scenario of the model as the front ends read it.
    let with = model(&format!(
        "{M}\n[[scenario]]\nid = \"what_if_2\"\nset = {{ \"a.duration\" = \"5d\" }}\ndisable = [\"b\"]\n"
    ));
    let change = &with.scenarios[2];
    let w = m.with_what_if(change);
    let days = |m: &Model, i: usize| m.tasks[i].duration.clone();
    assert_eq!(days(&w, 0), Dist::Fixed(5.0));
    assert!(w.tasks[1].disabled && !w.tasks[0].disabled);
    // Every scenario of the model stays, in order, without the change itself...
    let ids: Vec<&str> = w.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["slow", "what_if"]);
    // ...and runs with the change: its own `a.duration` gives way, `b.duration` stays.
    let slow = w.scenario_model(Some(0));
    assert_eq!(days(&slow, 0), Dist::Fixed(5.0));
    assert_eq!(days(&slow, 1), Dist::Fixed(40.0));
    assert!(slow.tasks[1].disabled);
    let other = w.scenario_model(Some(1));
    assert_eq!(other.scenarios[1].disable, ["b"]);
}

#[test]
fn an_item_switched_off_in_the_file_is_the_scenario_that_disables_it() {
    const M: &str = "[program]\nname = \"D\"\nstart = 2024-01-01\nhorizon = 2030-12-31\n\n[[task]]\nid = \"a\"\nduration = \"10d\"\n\n[[task]]\nid = \"b\"\nduration = \"5d\"\ndisabled = true\n\n[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"a\"]\ndelay = \"3d\"\ndisabled = false\n\n[[scenario]]\nid = \"off\"\ndisable = [\"b\"]\n";
    let m = model(M);
    assert!(m.tasks[1].disabled && !m.tasks[0].disabled && !m.risks[0].disabled);
    let off = model(&M.replace("disabled = true\n", "")).scenario_model(Some(0));
    assert_eq!(off.tasks, m.tasks);
    assert_eq!(
        err(&M.replace("disabled = true", "disabled = \"yes\"")),
        "m.toml:13:12: task[1].disabled: `disabled` must be true or false, found a string `\"yes\"`\n  help: write disabled = true (the item never happens) or remove the key\n"
    );
}
