//! `[[include]]`: read, referred to unchecked, and its errors.

use super::*;

pub(crate) const INC: &str = r#"[program]
name = "t"
start = 2022-07-01
horizon = 2031-12-31

[[include]]
file = "plant.xer"
prefix = "contractor"
uncertainty = "rules.toml"

[[include]]
file = "vehicle.xml"
prefix = "vehicle"

[[task]]
id = "sop"
duration = "tri(1mo, 2mo, 4mo)"
after = ["contractor/t1000:FF+1w", "contractor/a-100:FS-5d", "vehicle/sop.final+2d"]
after_failure = ["contractor/t2"]

[[risk]]
id = "strike"
chance = 0.1
tasks = ["contractor/t1000", "sop"]
delay = "1mo"

[[plant]]
id = "yizhuang"
capacity = 150000
starts = "contractor/commissioning"
ramp = "tri(3mo, 7mo, 15mo)"

[[correlate]]
items = ["contractor/t1000", "sop", "yizhuang"]
rho = 0.4

[[scenario]]
id = "fast"
disable = ["contractor/t2", "strike"]
set = { "contractor/t1000.duration" = "tri(1mo, 2mo, 3mo)", "vehicle/a.b.chance" = 0.5 }
"#;

#[test]
fn includes_are_read_and_their_tasks_referred_to_unchecked() {
    let m = model(INC);
    assert_eq!(m.includes.len(), 2);
    let inc = &m.includes[0];
    assert_eq!(
        (
            inc.file.as_str(),
            inc.prefix.as_str(),
            inc.uncertainty.as_deref()
        ),
        ("plant.xer", "contractor", Some("rules.toml"))
    );
    let origin = inc.origin.as_ref().unwrap();
    assert_eq!(origin.key_path, "include[0]");
    assert_eq!(&INC[origin.file.clone()], "\"plant.xer\"");
    assert_eq!(&INC[origin.uncertainty.clone().unwrap()], "\"rules.toml\"");
    assert_eq!(
        format!("m.toml:{}:{}", origin.line, origin.column),
        at(INC, "\"plant.xer\"")
    );
    assert_eq!(m.includes[1].uncertainty, None);
    // An importer can report a problem with the included file at its place.
    let e = ModelError::at(
        "m.toml",
        INC,
        Some(origin.file.clone()),
        "include[0].file",
        "cannot read plant.xer: no such file",
        "check the path",
    );
    assert_eq!(
        e.plain(),
        format!(
            "{}: include[0].file: cannot read plant.xer: no such file\n  help: check the path\n",
            at(INC, "\"plant.xer\"")
        )
    );
    let sop = &m.tasks[0];
    assert_eq!(
        sop.after,
        vec![
            Link {
                task: "contractor/t1000".into(),
                kind: LinkKind::FinishToFinish,
                lag: 7.0
            },
            // The id of an included task may contain `-`: a negative lag needs the type.
            Link {
                task: "contractor/a-100".into(),
                kind: LinkKind::FinishToStart,
                lag: -5.0
            },
            Link {
                task: "vehicle/sop.final".into(),
                kind: LinkKind::FinishToStart,
                lag: 2.0
            },
        ]
    );
    assert_eq!(m.plants[0].starts, "contractor/commissioning");
    assert_eq!(m.scenarios[0].set[1].item, "vehicle/a.b");
    assert_eq!(m.scenarios[0].set[1].field, "chance");
    round_trip(&m);
    let text = to_toml(&m);
    assert!(
        text.contains("\n[[include]]\nfile = \"plant.xer\"\nprefix = \"contractor\"\nuncertainty = \"rules.toml\"\n\n[[include]]\nfile = \"vehicle.xml\"\nprefix = \"vehicle\"\n\n[[task]]"),
        "{text}"
    );
    assert!(text.contains("\"contractor/a-100:FS-5d\""), "{text}");
    // The not-yet-merged item has no place in the groups.
    assert_eq!(
        correlation_groups(&m)[0].items,
        [
            CorrelatedItem::TaskDuration(0),
            CorrelatedItem::PlantRamp(0)
        ]
    );
    assert_eq!(validate(&m).map_err(|e| e.plain()), Ok(()));
}

#[test]
fn include_errors() {
    let t = "[[task]]\nid = \"a\"\nduration = \"1d\"\n";
    let cases: Vec<(String, &str, &str, &str, &str)> = vec![
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n{t}after = [\"plnt/t1\"]\n"
            ),
            "\"plnt/t1\"",
            "task[0].after[0]",
            "unknown include prefix `plnt` in `plnt/t1`",
            "did you mean `plant/t1`?",
        ),
        (
            format!("{PROG}{t}after = [\"plant/t1\"]\n"),
            "\"plant/t1\"",
            "task[0].after[0]",
            "unknown include prefix `plant` in `plant/t1`",
            "[[include]] file = \"schedule.xer\", prefix = \"plant\"",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n{t}[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"zzzz/x\"\nramp = \"1d\"\n"
            ),
            "\"zzzz/x\"",
            "plant[0].starts",
            "unknown include prefix `zzzz` in `zzzz/x`",
            "declared include prefixes: plant",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n[[scenario]]\nid = \"s\"\nset = {{ \"plnt/t1.duration\" = \"1d\" }}\n"
            ),
            "\"plnt/t1.duration\"",
            "scenario[0].set.\"plnt/t1.duration\"",
            "unknown include prefix `plnt` in `plnt/t1`",
            "did you mean `plant/t1`?",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n[[scenario]]\nid = \"s\"\nset = {{ \"plant/t1.ramp\" = \"1d\" }}\n"
            ),
            "\"plant/t1.ramp\"",
            "scenario[0].set.\"plant/t1.ramp\"",
            "scenario setting `plant/t1.ramp`: `ramp` cannot be set on `plant/t1`",
            "settable here: duration, chance, cost, not_before",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n{t}after = [\"plant/a b\"]\n"
            ),
            "\"plant/a b\"",
            "task[0].after[0]",
            "`plant/a b` in link `plant/a b` is not a valid task id",
            "prefix/id",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n[[risk]]\nid = \"r\"\nchance = 0.5\ntasks = [\"plant/a b\"]\nfail = true\n"
            ),
            "\"plant/a b\"",
            "risk[0].tasks[0]",
            "`plant/a b` is not a valid id of an included task",
            "write prefix/id",
        ),
        (
            format!("{PROG}[[include]]\nprefix = \"plant\"\n"),
            "[[include]]",
            "include[0].file",
            "`include[0]` is missing the required key `file`",
            "add `file = \"plant.xer\"`",
        ),
        (
            format!("{PROG}[[include]]\nfile = \"p.xer\"\n"),
            "[[include]]",
            "include[0].prefix",
            "`include[0]` is missing the required key `prefix`",
            "add `prefix = \"plant\"`",
        ),
        (
            format!("{PROG}[[include]]\nfile = \" \"\nprefix = \"plant\"\n"),
            "\" \"",
            "include[0].file",
            "`file` is empty",
            "the schedule file to include",
        ),
        (
            format!("{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"Plant-A\"\n"),
            "\"Plant-A\"",
            "include[0].prefix",
            "include prefix `Plant-A` must match [a-z0-9_]+",
            "e.g. `plant_a`",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\n[[include]]\nfile = \"q.xer\"\nprefix = \"plant\"\n"
            ),
            "\"plant\"\n[[include]]\nfile = \"q",
            "include[1].prefix",
            "duplicate include prefix `plant`: already used by include[0]",
            "give each include its own prefix",
        ),
        (
            format!(
                "{PROG}[[include]]\nfile = \"p.xer\"\nprefix = \"plant\"\nrules = \"r.toml\"\n"
            ),
            "rules =",
            "include[0].rules",
            "unknown key `rules` in `include[0]`",
            "known keys: file, prefix, uncertainty",
        ),
        (
            format!("{PROG}[[task]]\nid = \"plant/t1\"\nduration = \"1d\"\n"),
            "\"plant/t1\"",
            "task[0].id",
            "id `plant/t1` must match [a-z0-9_]+",
            "ids with `/` name the tasks of an [[include]] and are only referred to, never defined",
        ),
    ];
    for (src, needle, path, msg, help) in cases {
        let needle_at = if needle.starts_with("\"plant\"\n[[include]]") {
            pos(&src, src.rfind("\"plant\"").unwrap())
        } else if path == "task[0].after[0]" && needle.contains(' ') {
            // Grammar errors point inside the string.
            pos(&src, src.find(needle).unwrap() + 1)
        } else {
            at(&src, needle)
        };
        assert_err(&src, &format!("{needle_at}: {path}: "), &[msg, help]);
    }
}
