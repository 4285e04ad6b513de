//! Bad input every reader refuses: cycles and duplicate ids, named by their records.

use super::*;

type Gen = fn(&[(&str, &str)], &[(&str, &str)]) -> String;

const FORMATS: [(&str, Gen); 5] = [
    ("p.xml", generate::mspdi),
    ("p.xer", generate::xer),
    ("p.pmxml", generate::pmxml),
    ("p.mpx", generate::mpx),
    ("p.sm", generate::psplib),
];

#[test]
fn every_reader_reads_the_generated_schedules() {
    // The generators write valid files: a chain of three tasks, three days of work.
    let tasks = [("1", "Alpha"), ("2", "Beta"), ("3", "Gamma")];
    for (name, generate) in FORMATS {
        let text = generate(&tasks, &[("1", "2"), ("2", "3")]);
        let (s, _) = launchcast_import::import_bytes(Path::new(name), text.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let i = inspect(&s);
        assert_eq!((i.tasks, i.relations.fs), (3, 2), "{name}");
    }
}

#[test]
fn every_reader_refuses_a_cycle_naming_its_tasks_and_links() {
    let tasks = [
        ("1", "Alpha"),
        ("2", "Beta"),
        ("3", "Gamma"),
        ("4", "Delta"),
    ];
    // 4 waits on the cycle 1 → 2 → 3 → 1.
    let links = [("1", "2"), ("2", "3"), ("3", "1"), ("3", "4")];
    for (name, generate) in FORMATS {
        let text = generate(&tasks, &links);
        let e = launchcast_import::import_bytes(Path::new(name), text.as_bytes()).expect_err(name);
        let msg = e.to_string();
        assert_eq!(e.kind, launchcast_import::ErrorKind::Invalid, "{msg}");
        assert!(msg.starts_with(&format!("{name}: line ")), "{msg}");
        assert!(msg.contains("the links form a cycle"), "{msg}");
        for id in ["`1`", "`2`", "`3`"] {
            assert!(msg.contains(id), "{name}: {id} missing: {msg}");
        }
        assert!(
            !msg.contains("`4` "),
            "{name}: 4 is behind the cycle, not on it: {msg}"
        );
        assert!(
            msg.contains("4 tasks in all lie on or behind a cycle"),
            "{msg}"
        );
        assert!(
            e.hint
                .as_deref()
                .is_some_and(|h| h.contains("remove or reverse")),
            "{msg}"
        );
        if name != "p.sm" {
            assert!(msg.contains("\"Alpha\""), "{name}: names: {msg}");
        }
    }
}

#[test]
fn a_task_linked_to_itself_is_a_cycle() {
    for (name, generate) in FORMATS {
        let text = generate(&[("1", "Alpha"), ("2", "Beta")], &[("2", "2")]);
        let e = launchcast_import::import_bytes(Path::new(name), text.as_bytes()).expect_err(name);
        assert!(e.to_string().contains("task `2`"), "{e}");
        assert!(e.to_string().contains("linked to itself"), "{e}");
    }
}

#[test]
fn a_cycle_through_a_summary_task_is_refused() {
    // MSPDI: task 3 waits for summary 1 (which holds task 2), and task 2 waits for task 3.
    let text = "<?xml version=\"1.0\"?>\n<Project xmlns=\"http://schemas.microsoft.com/project\">\n<Tasks>\n\
        <Task><UID>1</UID><Name>S</Name><OutlineLevel>1</OutlineLevel><Summary>1</Summary></Task>\n\
        <Task><UID>2</UID><Name>A</Name><OutlineLevel>2</OutlineLevel><Duration>PT8H0M0S</Duration>\n\
        <PredecessorLink><PredecessorUID>3</PredecessorUID></PredecessorLink></Task>\n\
        <Task><UID>3</UID><Name>B</Name><OutlineLevel>1</OutlineLevel><Duration>PT8H0M0S</Duration>\n\
        <PredecessorLink><PredecessorUID>1</PredecessorUID></PredecessorLink></Task>\n</Tasks>\n</Project>\n";
    let e =
        launchcast_import::import_bytes(Path::new("s.xml"), text.as_bytes()).expect_err("cycle");
    let msg = e.to_string();
    assert!(msg.contains("cycle"), "{msg}");
    assert!(msg.contains("by the link `1` → `3`"), "{msg}");
}

#[test]
fn every_reader_refuses_two_tasks_with_one_id() {
    let tasks = [("1", "Alpha"), ("2", "Beta"), ("2", "Beta again")];
    for (name, generate) in FORMATS {
        let text = generate(&tasks, &[("1", "2")]);
        let e = launchcast_import::import_bytes(Path::new(name), text.as_bytes()).expect_err(name);
        let msg = e.to_string();
        assert_eq!(e.kind, launchcast_import::ErrorKind::Invalid, "{msg}");
        assert!(msg.starts_with(&format!("{name}: line ")), "{msg}");
        assert!(msg.contains("twice"), "{name}: {msg}");
        assert!(e.value.as_deref() == Some("2"), "{name}: {msg}");
        if name != "p.sm" {
            assert!(msg.contains("Beta again"), "{name}: {msg}");
        }
    }
    // Duplicate unique ids in MPX with distinct IDs, and duplicate XER rows of one task.
    let mpx =
        "MPX,Microsoft Project for Windows,4.0,ANSI\n61,1,40,90,98\n70,A,1d,1,7\n70,B,1d,2,7\n";
    let e = launchcast_import::import_bytes(Path::new("u.mpx"), mpx.as_bytes()).expect_err("uid");
    assert!(e.to_string().contains("task id `7` is used twice"), "{e}");
    assert!(e.to_string().starts_with("u.mpx: line 4"), "{e}");
    let xer = generate::xer(&[("10", "A"), ("10", "A")], &[]);
    let e = launchcast_import::import_bytes(Path::new("d.xer"), xer.as_bytes()).expect_err("dup");
    assert!(e.to_string().contains("TASK row 2"), "{e}");
    assert!(e.to_string().contains("TASK row 1"), "{e}");
}

#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
#[test]
fn a_psplib_instance_with_a_cycle_names_its_lines() {
    let data = data_dir();
    // A real instance with one link added back from job 10 to job 2 (on a chain: 2 → … →
    // 10 in j301_1).
    let zip = std::fs::read(data.join("psplib/j30.sm.zip")).expect("zip");
    let (name, bytes) = unzip(&zip)
        .into_iter()
        .find(|(n, _)| n.ends_with("j301_1.sm"))
        .expect("j301_1");
    let text = String::from_utf8(bytes).expect("ascii");
    let ok = read_psplib(text.as_bytes()).expect(&name);
    let s = &ok.schedule;
    // A successor of job 2 (not the sink) gets job 2 as a successor: 2 → at → 2.
    let at = s
        .relations
        .iter()
        .find(|r| r.pred == "2" && r.succ != "32")
        .map(|r| r.succ.clone())
        .expect("a successor of job 2");
    // Job `at` gets job 2 as an extra successor.
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let k = lines
        .iter()
        .position(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            t.len() >= 3 && t[0] == at && t[1] == "1" && !l.contains("PRECEDENCE")
        })
        .expect("precedence line");
    let mut t: Vec<String> = lines[k].split_whitespace().map(str::to_string).collect();
    let n: usize = t[2].parse().expect("count");
    t[2] = (n + 1).to_string();
    t.push("2".into());
    lines[k] = format!("  {}", t.join("  "));
    let bad = lines.join("\n") + "\n";
    let e =
        launchcast_import::import_bytes(Path::new("j301_1.sm"), bad.as_bytes()).expect_err("cycle");
    let msg = e.to_string();
    assert!(msg.contains("cycle"), "{msg}");
    assert!(msg.contains(&format!("line {}", k + 1)), "{msg}");
    assert!(
        msg.contains("`2`") && msg.contains(&format!("`{at}`")),
        "{msg}"
    );
    // The model is never made: `import` and `check` have nothing to write or accept.
}
