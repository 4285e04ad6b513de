//! Validation while reading: unknown and missing keys, ids, references, malformed
//! distributions and cycles; each case names line:column and key path, the value, and a hint.

use super::*;

#[test]
fn unknown_keys_suggest_the_nearest() {
    let src = format!("{PROG}[[task]]\nid = \"a\"\ndurration = \"1d\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].durration: ", at(&src, "durration")),
        &[
            "unknown key `durration` in `task[0]`",
            "did you mean `duration`?",
        ],
    );
    let src = format!("{PROG}seeed = 3\n");
    assert_err(
        &src,
        &format!("{}: program.seeed: ", at(&src, "seeed")),
        &["unknown key `seeed`", "did you mean `seed`?"],
    );
    let src = format!("{PROG}[[tasks]]\nid = \"a\"\n");
    assert_err(
        &src,
        &format!("{}: tasks: ", at(&src, "tasks")),
        &[
            "unknown key `tasks` in the top level",
            "did you mean `task`?",
        ],
    );
    let src = format!(
        "{PROG}[[promise]]\nid = \"p\"\ndeliveries_by = {{ date = 2025-01-01, at_leest = 5 }}\n"
    );
    assert_err(
        &src,
        &format!(
            "{}: promise[0].deliveries_by.at_leest: ",
            at(&src, "at_leest")
        ),
        &["unknown key `at_leest`", "did you mean `at_least`?"],
    );
    let src = format!("{PROG}[[scenario]]\nid = \"s\"\ndisabel = []\n");
    assert_err(
        &src,
        &format!("{}: scenario[0].disabel: ", at(&src, "disabel")),
        &["did you mean `disable`?"],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\ncurv = \"s\"\n"
    );
    assert_err(
        &src,
        &format!("{}: plant[0].curv: ", at(&src, "curv ")),
        &["did you mean `curve`?"],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.1\ntasks = [\"a\"]\nfail = true\ntask = [\"a\"]\n"
    );
    assert_err(
        &src,
        &format!("{}: risk[0].task: ", at(&src, "task = ")),
        &["did you mean `tasks`?"],
    );
    // A key far from every known one gets the list only.
    let src = format!("{PROG}zzzz = 1\n");
    assert_err(
        &src,
        &format!("{}: program.zzzz: ", at(&src, "zzzz")),
        &["unknown key `zzzz`", "known keys: name, start"],
    );
}

#[test]
fn toml_syntax_errors_have_toml_spans() {
    let src = "[program]\nname = \"unclosed\nstart = 2022-07-01\n";
    let out = err(src);
    assert!(out.starts_with("m.toml:2:"), "{out}");
    assert!(out.contains("TOML syntax error"), "{out}");
    assert!(out.contains("help: fix the TOML syntax"), "{out}");
    let src = "[program]\nname = \"a\"\nname = \"b\"\n";
    let out = err(src);
    assert!(
        out.starts_with("m.toml:3:1: TOML syntax error at `name"),
        "{out}"
    );
    assert!(out.contains("duplicate key"), "{out}");
}

#[test]
fn missing_required_keys() {
    let out = err("");
    assert!(
        out.starts_with("m.toml:1:1: program: the model has no [program] table"),
        "{out}"
    );
    assert!(
        out.contains("help: add [program] with name, start and horizon"),
        "{out}"
    );

    let src = "[program]\nname = \"x\"\n";
    assert_err(
        src,
        "m.toml:1:1: program.start: ",
        &[
            "`program` is missing the required key `start`",
            "add `start = 2022-07-01`",
        ],
    );
    assert_err(
        src,
        "m.toml:1:1: program.horizon: ",
        &[
            "missing the required key `horizon`",
            "add `horizon = 2031-12-31`",
        ],
    );
    assert_err(
        "[program]\nstart = 2022-07-01\nhorizon = 2023-01-01\n",
        "m.toml:1:1: program.name: ",
        &["missing the required key `name`"],
    );

    let src = format!("{PROG}[[task]]\nname = \"no id\"\n");
    let head = at(&src, "[[task]]");
    assert_err(
        &src,
        &format!("{head}: task[0].id: "),
        &[
            "`task[0]` is missing the required key `id`",
            "add `id = \"my_id\"`",
        ],
    );
    assert_err(
        &src,
        &format!("{head}: task[0].duration: "),
        &["missing the required key `duration`", "tri(1mo, 2mo, 4mo)"],
    );

    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nname = \"r\"\n");
    let head = at(&src, "[[risk]]");
    for key in ["id", "chance", "tasks"] {
        assert_err(
            &src,
            &format!("{head}: risk[0].{key}: "),
            &[&format!("missing the required key `{key}`")],
        );
    }
    assert_err(
        &src,
        &format!("{head}: risk[0]: "),
        &[
            "has no impact: none of delay, scale, fail = true",
            "give exactly one of delay",
        ],
    );

    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.1\ntasks = [\"a\"]\nfail = false\n"
    );
    assert_err(
        &src,
        &format!("{}: risk[0]: ", at(&src, "[[risk]]")),
        &["risk `r` has no impact"],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[risk]]\nid = \"r\"\nchance = 0.1\ntasks = [\"a\"]\ndelay = \"1d\"\nfail = true\n"
    );
    assert_err(
        &src,
        &format!("{}: risk[0]: ", at(&src, "fail")),
        &[
            "risk `r` has more than one impact: delay, fail",
            "give exactly one of",
        ],
    );

    let src = format!("{PROG}[[plant]]\nname = \"p\"\n");
    let head = at(&src, "[[plant]]");
    for key in ["id", "capacity", "starts", "ramp"] {
        assert_err(
            &src,
            &format!("{head}: plant[0].{key}: "),
            &[&format!("`plant[0]` is missing the required key `{key}`")],
        );
    }

    let src = format!("{PROG}[[promise]]\nname = \"p\"\n");
    let head = at(&src, "[[promise]]");
    assert_err(
        &src,
        &format!("{head}: promise[0].id: "),
        &["missing the required key `id`"],
    );
    assert_err(
        &src,
        &format!("{head}: promise[0]: "),
        &["it needs one kind", "first_delivery_by = 2024-12-31"],
    );
    let src = format!(
        "{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = 2024-01-01\nspend_by = {{ date = 2024-01-01, at_most = 5 }}\n"
    );
    assert_err(
        &src,
        &format!("{}: promise[0]: ", at(&src, "spend_by")),
        &["more than one kind: first_delivery_by, spend_by"],
    );
    let src = format!("{PROG}[[promise]]\nid = \"p\"\ndeliveries_by = {{ date = 2024-01-01 }}\n");
    assert_err(
        &src,
        &format!(
            "{}: promise[0].deliveries_by.at_least: ",
            at(&src, "{ date")
        ),
        &["missing the required key `at_least`"],
    );

    let src = format!("{PROG}[[scenario]]\nname = \"s\"\n");
    assert_err(
        &src,
        &format!("{}: scenario[0].id: ", at(&src, "[[scenario]]")),
        &["missing the required key `id`"],
    );
}

#[test]
fn ids_must_be_lowercase_words() {
    let src = format!("{PROG}[[task]]\nid = \"Vehicle Dev\"\nduration = \"1d\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].id: ", at(&src, "\"Vehicle")),
        &[
            "id `Vehicle Dev` must match [a-z0-9_]+",
            "e.g. `vehicle_dev`",
        ],
    );
    let src = format!("{PROG}[[promise]]\nid = \"p-1\"\nfirst_delivery_by = 2024-01-01\n");
    assert_err(
        &src,
        &format!("{}: promise[0].id: ", at(&src, "\"p-1")),
        &["id `p-1` must match", "`p_1`"],
    );
    let src = format!("{PROG}[[task]]\nid = \"program\"\nduration = \"1d\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].id: ", at(&src, "\"program\"")),
        &["id `program` is reserved", "choose another id"],
    );
    let src = format!("{PROG}[[scenario]]\nid = \"base\"\n");
    assert_err(
        &src,
        &format!("{}: scenario[0].id: ", at(&src, "\"base\"")),
        &["`base` is reserved"],
    );
}

#[test]
fn duplicate_ids() {
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[plant]]\nid = \"a\"\ncapacity = 1\nstarts = \"a\"\nramp = \"1d\"\n"
    );
    let dup = src.rfind("\"a\"\ncap").unwrap();
    let line = src[..dup].matches('\n').count() + 1;
    assert_err(
        &src,
        &format!("m.toml:{line}:6: plant[0].id: "),
        &[
            "duplicate id `a`: already used by task[0]",
            "share one namespace",
        ],
    );
    let src = format!(
        "{PROG}[[promise]]\nid = \"p\"\nfirst_delivery_by = 2024-01-01\n[[promise]]\nid = \"p\"\nfirst_delivery_by = 2024-01-01\n"
    );
    let line = src.lines().count() - 1;
    assert_err(
        &src,
        &format!("m.toml:{line}:6: promise[1].id: "),
        &[
            "duplicate promise id `p`: already used by promise[0]",
            "unique id",
        ],
    );
    let src = format!("{PROG}[[scenario]]\nid = \"s\"\n[[scenario]]\nid = \"s\"\n");
    assert_err(
        &src,
        "m.toml:8:6: scenario[1].id: ",
        &["duplicate scenario id `s`"],
    );
    // Promises and scenarios have their own namespaces: reusing a task id is fine.
    model(&format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[promise]]\nid = \"a\"\nfirst_delivery_by = 2024-01-01\n[[scenario]]\nid = \"a\"\n"
    ));
}

#[test]
fn unknown_ids_everywhere_suggest_the_nearest() {
    let base = format!(
        "{PROG}[[task]]\nid = \"vehicle_dev\"\nduration = \"1d\"\n[[risk]]\nid = \"freeze\"\nchance = 0.5\ntasks = [\"vehicle_dev\"]\nfail = true\n"
    );
    let cases = [
        (
            "[[task]]\nid = \"b\"\nduration = \"1d\"\nafter = [\"vehicle_dve:SS\"]\n",
            "\"vehicle_dve",
            "task[1].after[0]",
            "unknown task id `vehicle_dve`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[task]]\nid = \"b\"\nduration = \"1d\"\nafter_any = [\"vehicle_de\"]\n",
            "\"vehicle_de\"",
            "task[1].after_any[0]",
            "unknown task id `vehicle_de`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[task]]\nid = \"b\"\nduration = \"1d\"\nafter_failure = [\"vehicle\"]\n",
            "\"vehicle\"",
            "task[1].after_failure[0]",
            "unknown task id `vehicle`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[task]]\nid = \"b\"\nduration = \"1d\"\nafter = [\"freeze\"]\n",
            "\"freeze\"]",
            "task[1].after[0]",
            "unknown task id `freeze`",
            "`freeze` is a risk or plant, not a task",
        ),
        (
            "[[risk]]\nid = \"r2\"\nchance = 0.5\ntasks = [\"vehicle_deb\"]\nfail = true\n",
            "\"vehicle_deb",
            "risk[1].tasks[0]",
            "unknown task id `vehicle_deb`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[plant]]\nid = \"p\"\ncapacity = 1\nstarts = \"vehicle_dev2\"\nramp = \"1d\"\n",
            "\"vehicle_dev2",
            "plant[0].starts",
            "unknown task id `vehicle_dev2`",
            "did you mean `vehicle_dev`?",
        ),
        (
            "[[scenario]]\nid = \"s\"\ndisable = [\"freez\"]\n",
            "\"freez\"",
            "scenario[0].disable[0]",
            "unknown task, risk or plant id `freez`",
            "did you mean `freeze`?",
        ),
        (
            "[[scenario]]\nid = \"s\"\nset = { \"freez.chance\" = 0.1 }\n",
            "\"freez.chance",
            "scenario[0].set.\"freez.chance\"",
            "unknown item `freez`",
            "did you mean `freeze`?",
        ),
        (
            "[[scenario]]\nid = \"s\"\nset = { \"zzzz.chance\" = 0.1 }\n",
            "\"zzzz.chance",
            "scenario[0].set.\"zzzz.chance\"",
            "unknown item `zzzz`",
            "use `program` or the id of a task",
        ),
    ];
    for (extra, needle, path, msg, help) in cases {
        let src = format!("{base}{extra}");
        assert_err(
            &src,
            &format!("{}: {path}: ", at(&src, needle)),
            &[msg, help],
        );
    }
}

#[test]
fn malformed_distributions_point_inside_the_string() {
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"tri(1mo, 2mo)\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at(&src, "tri(")),
        &[
            "`tri` takes 3 values (min, mode, max), got 2 in `tri(1mo, 2mo)`",
            "write tri(min, mode, max)",
        ],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"tri(1mo, 2xx, 3mo)\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at(&src, "xx")),
        &["unknown unit `xx` in `2xx`", "durations take d, w"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = 12\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at_last(&src, "12")),
        &["`duration` = 12 has no unit", "write 12mo or 365d"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\ncost = -5\n");
    assert_err(
        &src,
        &format!("{}: task[0].cost: ", at(&src, "-5")),
        &["`-5` is negative", "0 or more"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\ncost = 1e300\n");
    assert_err(
        &src,
        &format!("{}: task[0].cost: ", at(&src, "1e300")),
        &["too large", "smaller"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\ncost = nan\n");
    assert_err(
        &src,
        &format!("{}: task[0].cost: ", at(&src, "nan")),
        &["`NaN` is too large or not finite", "finite"],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\n[[plant]]\nid = \"p\"\ncapacity = \"tri(3, 2, 1)\"\nstarts = \"a\"\nramp = \"1d\"\n"
    );
    assert_err(
        &src,
        &format!("{}: plant[0].capacity: ", at(&src, "tri(3")),
        &["min > max in `tri(3, 2, 1)`", "(min, mode, max)"],
    );
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = true\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at(&src, "true")),
        &[
            "must be a distribution, found a boolean `true`",
            "tri(3mo, 6mo, 12mo)",
        ],
    );
    // Escapes in the string: the whole value is highlighted.
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"tri(1mo,\\u0020 2mo)\"\n");
    assert_err(
        &src,
        &format!("{}: task[0].duration: ", at(&src, "\"tri")),
        &["got 2"],
    );
}

#[test]
fn cycles_are_printed() {
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\nafter = [\"c\"]\n[[task]]\nid = \"b\"\nduration = \"1d\"\nafter_any = [\"a\"]\n[[task]]\nid = \"c\"\nduration = \"1d\"\nafter_failure = [\"b\"]\n"
    );
    let out = err(&src);
    assert_eq!(
        out.lines().filter(|l| l.contains("cycle")).count(),
        1,
        "{out}"
    );
    assert_err(
        &src,
        &format!("{}: task[1].after_any[0]: ", at(&src, "\"a\"]")),
        &[
            "tasks wait on each other in a cycle: a → c → b → a",
            "remove or reverse one of these links",
        ],
    );
    let src = format!(
        "{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\nafter = [\"b:SS\"]\n[[task]]\nid = \"b\"\nduration = \"1d\"\nafter = [\"a:FF-1d\"]\n"
    );
    assert_err(
        &src,
        &format!("{}: task[1].after[0]: ", at(&src, "\"a:FF")),
        &["a → b → a"],
    );
}

#[test]
fn a_task_listing_itself() {
    let src = format!("{PROG}[[task]]\nid = \"a\"\nduration = \"1d\"\nafter_failure = [\"a\"]\n");
    assert_err(
        &src,
        &format!("{}: task[0].after_failure[0]: ", at(&src, "\"a\"]")),
        &[
            "task `a` lists itself in `after_failure[0]`",
            "a task cannot wait on itself",
        ],
    );
    assert!(!err(&src).contains("cycle"));
}
