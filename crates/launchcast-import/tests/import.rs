//! Integration tests: PSPLIB instances against their `MPM-Time`, every schedule file of
//! `shared/data` against MPXJ's reference summary, and random bytes into every reader.

use std::path::{Path, PathBuf};
use std::time::Instant;

use launchcast_import::{Format, cpm, inspect, psplib, read_bytes, to_model};

fn data_dir() -> Option<PathBuf> {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if d.is_dir() {
        Some(d)
    } else {
        println!("skipped: {} is absent", d.display());
        None
    }
}

/// Where a generated report goes: the build's target directory (`CARGO_TARGET_DIR` when
/// set, else the workspace's `target/`).
fn report_path(name: &str) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let _ = std::fs::create_dir_all(&dir);
    dir.join(name)
}

/// The entries of a zip archive (stored or deflated), from its central directory.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]) as usize;
    let u32_at = |o: usize| {
        u32::from_le_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]) as usize
    };
    let eocd = (0..bytes.len() - 21)
        .rev()
        .find(|&i| bytes[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .expect("zip end record");
    let count = u16_at(eocd + 10);
    let mut at = u32_at(eocd + 16);
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(bytes[at..at + 4], [0x50, 0x4b, 0x01, 0x02]);
        let method = u16_at(at + 10);
        let csize = u32_at(at + 20);
        let (nlen, xlen, clen) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let local = u32_at(at + 42);
        let name = String::from_utf8_lossy(&bytes[at + 46..at + 46 + nlen]).into_owned();
        at += 46 + nlen + xlen + clen;
        let data_at = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let raw = &bytes[data_at..data_at + csize];
        let data = match method {
            0 => raw.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec(raw).expect("inflate"),
            m => panic!("zip method {m}"),
        };
        out.push((name, data));
    }
    out
}

#[test]
fn psplib_finish_equals_mpm_time() {
    let Some(data) = data_dir() else { return };
    let t0 = Instant::now();
    let mut total = 0;
    let mut failures = Vec::new();
    for set in ["j30", "j60", "j90", "j120"] {
        let zip = std::fs::read(data.join(format!("psplib/{set}.sm.zip"))).expect("zip");
        for (name, bytes) in unzip(&zip) {
            if !name.ends_with(".sm") {
                continue;
            }
            total += 1;
            let inst = match psplib::read(&bytes) {
                Ok(i) => i,
                Err(e) => {
                    failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
            let model = to_model(&inst.schedule, None);
            let finish = cpm::finish_days(&model).expect("acyclic");
            let summary = inspect(&inst.schedule);
            let expected = inst.mpm_time.map(f64::from);
            if Some(finish) != expected || summary.finish_days != expected {
                failures.push(format!(
                    "{name}: model finish {finish}, inspect {:?}, MPM-Time {expected:?}",
                    summary.finish_days
                ));
            }
        }
    }
    println!(
        "PSPLIB: {} of {total} instances match MPM-Time ({:?})",
        total - failures.len(),
        t0.elapsed()
    );
    assert_eq!(total, 2040, "expected 2,040 instances");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn psplib_reads_known_instance() {
    let text = "jobs (incl. supersource/sink ):  3\nhorizon : 10\n\
        PROJECT INFORMATION:\npronr.  #jobs rel.date duedate tardcost  MPM-Time\n 1 1 0 5 1 4\n\
        PRECEDENCE RELATIONS:\njobnr. #modes #successors successors\n 1 1 1 2\n 2 1 1 3\n 3 1 0\n\
        REQUESTS/DURATIONS:\njobnr. mode duration R 1\n----\n 1 1 0 0\n 2 1 4 1\n 3 1 0 0\n";
    let inst = psplib::read(text.as_bytes()).expect("reads");
    assert_eq!(inst.mpm_time, Some(4));
    let model = to_model(&inst.schedule, None);
    assert_eq!(model.tasks.len(), 3);
    assert_eq!(model.tasks[1].id, "j2");
    assert_eq!(cpm::finish_days(&model), Ok(4.0));
    let truncated = &text.as_bytes()[..text.len() - 20];
    let e = psplib::read(truncated).expect_err("truncated");
    assert!(e.to_string().contains("jobs"), "{e}");
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn all(bytes: &[u8]) {
        for f in [
            Format::Mspdi,
            Format::Xer,
            Format::Pmxml,
            Format::Mpx,
            Format::Psplib,
        ] {
            if let Ok(s) = read_bytes(f, bytes) {
                let _ = inspect(&s);
                let _ = to_model(&s, None);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            all(&bytes);
        }
    }
}

/// Splits one CSV line (double quotes, `""` escapes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                if let Some(last) = out.last_mut() {
                    last.push('"');
                }
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => {
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out
}

/// Known causes of the remaining differences from MPXJ, by file.
fn known_cause(file: &str) -> &'static str {
    for (f, cause) in CAUSES {
        if file.ends_with(f) {
            return cause;
        }
    }
    "UNKNOWN: no cause recorded"
}

const CAUSES: &[(&str, &str)] = &[
    (
        "aspose-tasks-net/test.xer",
        "the file's dates have no reason in its data: `New Activity 2` starts a day after \
         `New Activity 1` with no link, constraint or lag (every `TASKRSRC` lag is 0) on the same \
         7-day calendar; both start at the first activity's date here (P6 would start both at \
         the data date, 2016-06-09)",
    ),
    (
        "legacy/sample.mpx",
        "`Second Task` is worked by a day-shift and a night-shift resource: MS Project counts its \
         100 d (800 h) over the working time of both calendars (16 h a day, so 50 days); the MPX \
         reader does not read resource calendars and assignments (the MSPDI one does)",
    ),
    (
        "aspose-tasks-net/PrimaveraProject.xml",
        "computed finish one working day later than P6's; not yet investigated (calendar \
         exceptions or relationship-lag calendar are the likely causes)",
    ),
];

#[test]
fn counts_match_mpxj_reference() {
    let Some(data) = data_dir() else { return };
    let csv = std::fs::read_to_string(data.join("MPXJ_REFERENCE_SUMMARY.csv")).expect("csv");
    let mut lines = csv.lines();
    let header = csv_fields(lines.next().unwrap_or(""));
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let mut by_format: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut rows_md = Vec::new();
    let mut total = 0;
    for line in lines {
        let f = csv_fields(line);
        let get = |name: &str| f.get(col(name)).map_or("", |s| s.as_str());
        let file = get("file").trim_start_matches("./").to_string();
        if !(file.starts_with("mpxj-junit/") || file.starts_with("aspose-tasks-net/")) {
            continue;
        }
        let path = data.join(&file);
        if !path.is_file() {
            println!("absent: {file}");
            continue;
        }
        total += 1;
        let fmt = if get("file_type").is_empty() {
            "error".to_string()
        } else {
            get("file_type").to_string()
        };
        let entry = by_format.entry(fmt.clone()).or_default();
        entry.1 += 1;
        let result = launchcast_import::import_path(&path);
        let mut diffs = Vec::new();
        match (
            &result,
            get("error").is_empty() && !get("file_type").is_empty(),
        ) {
            (Err(e), true) => diffs.push(format!("error: {e}")),
            (Err(e), false) => {
                // MPXJ fails too: we must fail cleanly, naming the file.
                let base = file.rsplit('/').next().unwrap_or("");
                assert!(e.to_string().contains(base), "{e}");
                assert!(e.to_string().contains("line "), "{e}");
                println!("expected failure: {e}");
            }
            (Ok(_), false) => diffs.push("MPXJ fails on this file; we read it".into()),
            (Ok((schedule, _model)), true) => {
                let i = inspect(schedule);
                let num = |name: &str| get(name).parse::<usize>().unwrap_or(usize::MAX);
                // MPXJ counts an MPX file's project row (outline level 0) as a leaf task when
                // no task is under it; it is the project's summary row here.
                let lone = schedule
                    .tasks
                    .iter()
                    .filter(|t| {
                        schedule.format == Format::Mpx
                            && t.outline_level == 0
                            && !schedule
                                .tasks
                                .iter()
                                .any(|c| c.parent.as_ref() == Some(&t.uid))
                    })
                    .count();
                let checks = [
                    // MPXJ counts blank rows (`IsNull`) as leaf tasks.
                    ("leaf", i.tasks + i.blank_rows + lone, num("tasks_leaf")),
                    ("summary", i.summary_tasks - lone, num("tasks_summary")),
                    ("milestones", i.milestones, num("milestones")),
                    ("FS", i.relations.fs, num("rel_FS")),
                    ("SS", i.relations.ss, num("rel_SS")),
                    ("FF", i.relations.ff, num("rel_FF")),
                    ("SF", i.relations.sf, num("rel_SF")),
                ];
                for (what, ours, theirs) in checks {
                    if ours != theirs {
                        diffs.push(format!("{what} {ours} vs {theirs}"));
                    }
                }
                let minute = |s: &str| s.get(..16).unwrap_or(s).to_string();
                let ref_start = minute(get("project_start"));
                let our_start = i.start.clone().unwrap_or_default();
                if ref_start != our_start {
                    diffs.push(format!("start {our_start} vs {ref_start}"));
                }
                let ref_finish = minute(get("project_finish"));
                let our_finish = i.file_finish.clone().unwrap_or_default();
                if ref_finish != our_finish {
                    diffs.push(format!("finish {our_finish} vs {ref_finish}"));
                }
                if !i.has_progress && !ref_finish.is_empty() {
                    let computed = i.finish.clone().unwrap_or_default();
                    // MPX dates carry no time of day: compare days there.
                    let same = computed == ref_finish
                        || (fmt == "MPX"
                            && ref_finish.ends_with("T00:00")
                            && computed.get(..10) == ref_finish.get(..10));
                    if !same {
                        diffs.push(format!("computed finish {computed} vs {ref_finish}"));
                    }
                }
            }
        }
        if diffs.is_empty() {
            entry.0 += 1;
        } else {
            rows_md.push(format!(
                "| `{file}` | {fmt} | {} | {} |",
                diffs.join("; "),
                known_cause(&file)
            ));
        }
    }
    let mut md = String::from(
        "# Differences from MPXJ 16.10.0\n\nGenerated by `cargo test -p launchcast-import --test import counts_match_mpxj_reference`\n\
         (into `target/launchcast-import-MISMATCHES.md`). Compared per file: leaf tasks, summary tasks,\n\
         milestones, relations by type, project start and finish as the file gives them, and the finish\n\
         computed here in working time (files without progress only). Ours first, MPXJ second.\n\n",
    );
    md.push_str("| format | files matching | files |\n|---|---|---|\n");
    for (fmt, (ok, n)) in &by_format {
        md.push_str(&format!("| {fmt} | {ok} | {n} |\n"));
    }
    md.push_str("\n| file | format | difference (ours vs MPXJ) | cause |\n|---|---|---|---|\n");
    for r in &rows_md {
        md.push_str(r);
        md.push('\n');
    }
    let out = report_path("launchcast-import-MISMATCHES.md");
    let _ = std::fs::write(&out, &md);
    println!("{md}");
    println!("{total} files compared; report in {}", out.display());
    // Counts, starts and file finishes all agree; only computed finishes may differ, each
    // with a known cause.
    for r in &rows_md {
        let diff = r.split(" | ").nth(2).unwrap_or("");
        assert!(
            diff.split("; ").all(|d| d.starts_with("computed finish")),
            "{r}"
        );
        assert!(!r.contains("UNKNOWN: no cause recorded"), "{r}");
    }
    let matched: usize = by_format.values().map(|v| v.0).sum();
    assert!(matched >= 100, "only {matched} of {total} files match MPXJ");
}

#[test]
fn bad_files_give_clear_errors() {
    use launchcast_import::import_bytes;
    let cases: [(&str, &[u8], &str); 6] = [
        ("t.xml", b"<?xml version=\"1.0\"?><Project xmlns=\"http://schemas.microsoft.com/project\"><Tasks><Task><UID>1", "truncated"),
        ("t.xer", b"ERMHDR\t8.0\n%R\t1\n", "before any `%T`"),
        ("t.mpx", b"MPX,Microsoft Project,4.0\n61,1,40\n70,A,5zz\n", "Duration"),
        ("t.sm", b"jobs (incl. supersource/sink ): 3\nPRECEDENCE RELATIONS:\n 1 1 2 2\n", "successors"),
        ("t.bin", &[0, 159, 146, 150, 255, 0, 1], "not a schedule file"),
        ("t.xml", b"<APIBusinessObjects><Project><Name>x</Name></Project></APIBusinessObjects>", "ObjectId"),
    ];
    for (name, bytes, want) in cases {
        let e = import_bytes(Path::new(name), bytes).expect_err(name);
        let msg = e.to_string();
        assert!(msg.starts_with(name), "{msg}");
        assert!(msg.contains(want), "{name}: {msg}");
    }
}

// ---------------------------------------------------------------------------------------------
// Uncertainty rules
// ---------------------------------------------------------------------------------------------

mod rules {
    use launchcast_import::rules::{Relative, apply, glob_match};
    use launchcast_import::{Duration, Format, Rules, Schedule, Task, to_model};
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
        let a = apply(&rules, Some(&s), &mut m).expect("applies");
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
        let a = apply(&rules, Some(&s), &mut m).expect("applies");
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
        let a = apply(&rules, None, &mut m).expect("applies");
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
        assert!(glob_match("a*c", "abbbc") && glob_match("a?c", "abc") && glob_match("*", ""));
        assert!(!glob_match("a*c", "abcd") && !glob_match("a?c", "ac"));
    }

    #[test]
    fn bad_rules_name_line_column_value_and_hint() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "[[rule]]\nduration = \"pert(90, 100%, 140%)\"\n",
                "r.toml:2:12",
                "90",
            ),
            (
                "[[rule]]\nname = \"x\"\ndurration = \"110%\"\n",
                "r.toml:3:1",
                "unknown key `durration`",
            ),
            (
                "[[rule]]\nwbs = 12\nduration = \"110%\"\n",
                "r.toml:2:7",
                "must be a string",
            ),
            (
                "[[rule]]\nname = \"x\"\n",
                "r.toml:1:1",
                "neither `duration`",
            ),
            (
                "[[rule]]\nrisk = { chance = 1.5, fail = true }\n",
                "r.toml:2:19",
                "outside [0, 1]",
            ),
            (
                "[[rule]]\nrisk = { chance = 0.5, delay = \"3 weeks\" }\n",
                "r.toml:2:32",
                "`delay`",
            ),
            (
                "[[rule]]\nrisk = { chance = 0.5 }\n",
                "r.toml:2:8",
                "exactly one of",
            ),
            (
                "[[rule]]\nrisk = { id = \"Bad-Id\", chance = 0.5, fail = true }\n",
                "r.toml:2:15",
                "[a-z0-9_]+",
            ),
            (
                "[[rule]]\nduration_min = 10\nduration_max = 5\nduration = \"110%\"\n",
                "r.toml:3:16",
                "below",
            ),
            ("[[rule]]\ncorrelate = 2\n", "r.toml:2:13", "outside [0, 1]"),
            ("[[rule]\n", "r.toml:1:", "TOML syntax error"),
            ("rules = 1\n", "r.toml:1:1", "unknown key `rules`"),
        ];
        for (text, at, what) in cases {
            let e = Rules::parse(text, "r.toml").expect_err(text);
            let msg = e.to_string();
            assert!(msg.starts_with(at), "{text:?}: {msg}");
            assert!(msg.contains(what), "{text:?}: {msg}");
            assert!(msg.contains("hint: "), "{text:?}: {msg}");
        }
        // A risk id already used by a task is caught when applying, at the rule.
        let s = schedule();
        let mut m = to_model(&s, None);
        let rules = Rules::parse(
            "\n[[rule]]\nrisk = { id = \"t1\", chance = 0.5, fail = true }\n",
            "r.toml",
        )
        .expect("valid");
        let e = apply(&rules, Some(&s), &mut m).expect_err("clash");
        assert!(e.to_string().starts_with("r.toml:2:1"), "{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Imported models reproduce the schedule; the same project in two formats
// ---------------------------------------------------------------------------------------------

/// The engine's deterministic finish of a model, days from its start.
fn engine_finish(model: &launchcast_model::Model) -> f64 {
    engine_dates(model)
        .iter()
        .flatten()
        .map(|d| d.finish)
        .fold(0.0, f64::max)
}

/// The engine's deterministic start and finish of every model task, days from its start.
fn engine_dates(model: &launchcast_model::Model) -> Vec<Option<launchcast_engine::TaskDates>> {
    let plan = launchcast_engine::Plan::compile(model).expect("compiles");
    plan.deterministic(0).expect("schedule")
}

#[test]
fn imported_models_reproduce_working_time_finishes() {
    let Some(data) = data_dir() else {
        println!("skipped: /work/shared/data is absent");
        return;
    };
    // Files without progress: the model's deterministic finish (tasks in working time on
    // their calendars, lags in calendar days) equals the working-time finish, in days from
    // the start; f32 days in the engine, so to a few seconds.
    for file in [
        "mpxj-junit/generated/task-links/task-links-project2003-mspdi.xml",
        "mpxj-junit/legacy/sample.xml",
        "aspose-tasks-net/MultiprojectWithExternal.xer",
        "mpxj-junit/mspdirelations.xml",
        "mpxj-junit/legacy/sample1.xml",
        "mpxj-junit/generated/assignment-flags/assignment-flags-project2003-mspdi.xml",
    ] {
        let path = data.join(file);
        if !path.is_file() {
            println!("absent: {file}");
            continue;
        }
        let (schedule, model) = launchcast_import::import_path(&path).expect(file);
        let i = inspect(&schedule);
        assert!(!i.has_progress, "{file}");
        let on_calendar = model.tasks.iter().filter(|t| t.calendar.is_some()).count();
        assert!(
            !model.calendars.is_empty() && on_calendar > 0,
            "{file}: no task in working time"
        );
        let finish = engine_finish(&model);
        // The model counts from 00:00 of its start date, the as-of date.
        let cals = launchcast_import::CalendarSet::schedule(&schedule);
        let day0 = launchcast_import::as_of(&schedule, Some(&cals)).expect("as-of date");
        assert_eq!(day0.date(), model.program.start, "{file}");
        let want =
            cals.finish.expect("finish").days_since(day0) + day0.minute_of_day() as f64 / 1440.0;
        assert!(
            (finish - want).abs() < 1e-4,
            "{file}: model {finish} vs schedule {want}"
        );
        // The model file reads back to the same model.
        let text = launchcast_model::to_toml(&model);
        let back = launchcast_model::parse(&text, "m.toml").expect("re-parses");
        assert_eq!(back, model, "{file}");
    }
}

#[test]
fn same_project_as_xer_and_pmxml() {
    let Some(data) = data_dir() else { return };
    // Exported from the same P6 project: same leaf tasks, links, calendars and dates. XER
    // carries the project's WBS root node as a summary task, these PMXML exports do not.
    for (xer, xml) in [
        (
            "mpxj-junit/assignment/resource-rates-test.xer",
            "mpxj-junit/assignment/resource-rates-test.xml",
        ),
        (
            "mpxj-junit/generated/task-percentcomplete/percent-complete-8.4.xer",
            "mpxj-junit/generated/task-percentcomplete/percent-complete-8.4.pmxml",
        ),
    ] {
        let (a, _) = launchcast_import::import_path(&data.join(xer)).expect(xer);
        let (b, _) = launchcast_import::import_path(&data.join(xml)).expect(xml);
        let (a, b) = (inspect(&a), inspect(&b));
        assert_eq!(
            (a.tasks, a.milestones, &a.relations, a.calendars),
            (b.tasks, b.milestones, &b.relations, b.calendars),
            "{xer}"
        );
        assert_eq!(
            (&a.start, &a.finish, a.finish_days),
            (&b.start, &b.finish, b.finish_days),
            "{xer}"
        );
        assert_eq!((a.summary_tasks, b.summary_tasks), (1, 0), "{xer}");
    }
    // `PredecessorCalendar.xer` and `.xml` share a name but not a project: the XER is a
    // 2019 export (TEST PROJECT, 2019-06-10 to 2019-06-12), the PMXML a 2020 one (Test
    // Project, 2020-07-01 to 2021-04-19); MPXJ's reference rows differ the same way.
    let (a, _) = launchcast_import::import_path(&data.join("mpxj-junit/PredecessorCalendar.xer"))
        .expect("xer");
    let (b, _) = launchcast_import::import_path(&data.join("mpxj-junit/PredecessorCalendar.xml"))
        .expect("xml");
    let (a, b) = (inspect(&a), inspect(&b));
    assert_eq!(
        (a.tasks, a.summary_tasks, &a.relations),
        (b.tasks, b.summary_tasks, &b.relations)
    );
    assert_eq!(a.start.as_deref(), Some("2019-06-10T08:00"));
    assert_eq!(b.start.as_deref(), Some("2020-07-01T00:00"));
}

mod rules_fuzz {
    use launchcast_import::{Duration, Format, Rules, Schedule, Task, rules, to_model};
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
                    let _ = rules::apply(&r, Some(&s), &mut m);
                }
                Err(e) => prop_assert!(e.line >= 1, "{e}"),
            }
        }
    }
}

#[test]
fn truncated_xer_is_an_error_at_its_last_line() {
    let text = "ERMHDR\t8.0\n%T\tPROJECT\n%F\tproj_id\tproj_short_name\n%R\t1\tP";
    let e = launchcast_import::import_bytes(Path::new("cut.xer"), text.as_bytes())
        .expect_err("truncated");
    let msg = e.to_string();
    assert!(
        msg.starts_with("cut.xer: line 4, column 1: truncated"),
        "{msg}"
    );
}

// ---------------------------------------------------------------------------------------------
// [[include]]: a program model with a contractor's schedule merged in as `plant/<task id>`
// ---------------------------------------------------------------------------------------------

mod includes {
    use launchcast_import::load_model;
    use launchcast_model::{Date, Dist, Impact};

    /// Three tasks from 2023-01-02 08:00 (a Monday) on the standard calendar: site works
    /// (10 d), building (20 d), the commissioning milestone.
    const PLANT_MPX: &str = "MPX,Microsoft Project,4.0\n\
        30,Plant build,,,,01/02/2023 08:00,\n\
        61,1,2,3,40,50,70,81,90,98\n\
        70,Site works,1,1,10d,01/02/2023 08:00,,No,1,1\n\
        70,Building,2,1,20d,,1,No,2,2\n\
        70,Commissioning,3,1,0d,,2,Yes,3,3\n";

    const RULES: &str = "[[rule]]\nname = \"*build*\"\nduration = \"pert(90%, 100%, 150%)\"\n\
        risk = { id = \"storm\", chance = 0.2, delay = \"tri(5d, 10d, 20d)\" }\n\n\
        [[rule]]\nid = \"t1\"\nduration = \"tri(95%, 100%, 120%)\"\n";

    const MODEL: &str = r#"[program]
name = "Launch with a contractor's plant"
start = 2022-11-01
horizon = 2026-12-31

[[include]]
file = "sub/plant.mpx"
prefix = "plant"
uncertainty = "sub/rules.toml"

[[task]]
id = "tooling"
duration = "30d"
after = ["plant/t3:FS+2d"]

[[risk]]
id = "late_permit"
chance = 0.1
tasks = ["plant/t2"]
delay = "1mo"

[[plant]]
id = "line_1"
capacity = 100000
starts = "plant/t3"
ramp = "6mo"
"#;

    fn setup(model: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/plant.mpx"), PLANT_MPX).unwrap();
        std::fs::write(dir.path().join("sub/rules.toml"), RULES).unwrap();
        let path = dir.path().join("model.toml");
        std::fs::write(&path, model).unwrap();
        (dir, path)
    }

    fn line_of(text: &str, token: &str) -> usize {
        text.lines().position(|l| l.contains(token)).expect("token") + 1
    }

    #[test]
    fn included_tasks_are_merged_with_prefixed_ids_real_dates_and_rules() {
        let (_dir, path) = setup(MODEL);
        let r = load_model(&path).unwrap();
        let m = &r.model;
        let ids: Vec<&str> = m.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["tooling", "plant/t1", "plant/t2", "plant/t3"]);
        // Links inside the schedule point to prefixed ids; lags keep the weekend.
        assert_eq!(m.tasks[2].after[0].task, "plant/t1");
        assert_eq!(m.tasks[3].after[0].task, "plant/t2");
        assert!((m.tasks[2].after[0].lag - 2.625).abs() < 1e-9);
        // Real dates: nothing of the plant starts before the schedule's own start.
        let planned = Date::from_ymd(2023, 1, 2);
        assert!(m.tasks[1..].iter().all(|t| t.not_before == planned));
        assert_eq!(m.tasks[0].not_before, None);
        // Rules: building gets pert and the storm risk, site works tri; the milestone stays 0.
        assert!(matches!(m.tasks[1].duration, Dist::Triangular { .. }));
        assert!(matches!(m.tasks[2].duration, Dist::Pert { .. }));
        assert_eq!(m.tasks[3].duration, Dist::Fixed(0.0));
        let risk_ids: Vec<&str> = m.risks.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(risk_ids, ["late_permit", "plant_storm"]);
        assert_eq!(m.risks[1].tasks, ["plant/t2"]);
        assert!(matches!(m.risks[1].impact, Impact::Delay(_)));
        let inc = &r.included[0];
        assert_eq!(
            (inc.prefix.as_str(), inc.tasks, inc.milestones),
            ("plant", 3, 1)
        );
        assert_eq!(inc.applied.uncertain, 2);
        assert_eq!(inc.applied.risks_added, 1);
        assert_eq!(inc.as_of, planned);
        launchcast_model::validate(m).unwrap();
    }

    #[test]
    fn a_schedule_starting_before_the_program_runs_from_the_program_start_with_a_note() {
        let model = MODEL.replace("start = 2022-11-01", "start = 2023-03-01");
        let (_dir, path) = setup(&model);
        let r = load_model(&path).unwrap();
        assert!(r.model.tasks.iter().all(|t| t.not_before.is_none()));
        let notes = r.included[0].notes.join("\n");
        assert!(
            notes.contains("before the program's start 2023-03-01"),
            "{notes}"
        );
    }

    #[test]
    fn unknown_included_task_is_located_with_the_nearest_id() {
        let model = MODEL.replace("starts = \"plant/t3\"", "starts = \"plant/commissioning\"");
        let (_dir, path) = setup(&model);
        let e = load_model(&path).unwrap_err();
        let p = &e.problems()[0];
        assert_eq!(p.file, path.display().to_string());
        assert_eq!(p.line, line_of(&model, "plant/commissioning"));
        assert_eq!(p.column, 10);
        assert_eq!(p.key_path, "plant[0].starts");
        assert!(p.message.contains("`plant/commissioning`"), "{}", p.message);
        let help = p.help.as_deref().unwrap_or("");
        assert!(help.contains("`plant/t3`"), "{help}");

        let model = MODEL.replace("\"plant/t3:FS+2d\"", "\"plant/t33\"");
        let (_dir, path) = setup(&model);
        let e = load_model(&path).unwrap_err();
        let p = &e.problems()[0];
        assert_eq!(p.key_path, "task[0].after[0]");
        assert_eq!(p.line, line_of(&model, "plant/t33"));
        assert!(p.help.as_deref().unwrap_or("").contains("`plant/t3`"));
    }

    #[test]
    fn unreadable_included_files_are_reported_at_the_include_line() {
        let model = MODEL.replace("sub/plant.mpx", "sub/missing.xer");
        let (_dir, path) = setup(&model);
        let e = load_model(&path).unwrap_err();
        let p = &e.problems()[0];
        assert_eq!((p.line, p.key_path.as_str()), (7, "include[0].file"));
        assert!(p.message.contains("missing.xer"), "{}", p.message);

        // A bad value inside the included file: its own place too.
        let (dir, path) = setup(MODEL);
        std::fs::write(
            dir.path().join("sub/plant.mpx"),
            "MPX,Microsoft Project,4.0\n61,1,40\n70,A,5zz\n",
        )
        .unwrap();
        let e = load_model(&path).unwrap_err();
        let p = &e.problems()[0];
        assert_eq!(p.line, 7);
        assert!(
            p.message.contains("line 3") && p.message.contains("5zz"),
            "{}",
            p.message
        );

        // A bad rules file: at the `uncertainty` line, with the rules file's line.
        std::fs::write(dir.path().join("sub/plant.mpx"), PLANT_MPX).unwrap();
        std::fs::write(
            dir.path().join("sub/rules.toml"),
            "[[rule]]\nduration = \"2\"\n",
        )
        .unwrap();
        let e = load_model(&path).unwrap_err();
        let p = &e.problems()[0];
        assert_eq!((p.line, p.key_path.as_str()), (9, "include[0].uncertainty"));
        assert!(p.message.contains("rules.toml:2:"), "{}", p.message);
    }

    #[test]
    fn a_psplib_include_starts_at_the_program_start() {
        let dir = tempfile::tempdir().unwrap();
        let sm = "jobs (incl. supersource/sink ):  4\n\
            PRECEDENCE RELATIONS:\njobnr.    #modes  #successors   successors\n\
            1 1 1 2\n2 1 1 3\n3 1 1 4\n4 1 0\n\
            ************************************************************************\n\
            REQUESTS/DURATIONS:\njobnr. mode duration  R 1\n\
            ------------------------------------------------------------------------\n\
            1 1 0 0\n2 1 5 1\n3 1 7 1\n4 1 0 0\n\
            ************************************************************************\n";
        std::fs::write(dir.path().join("p.sm"), sm).unwrap();
        let model = "[program]\nname = \"x\"\nstart = 2024-01-01\nhorizon = 2025-01-01\n\n\
            [[include]]\nfile = \"p.sm\"\nprefix = \"j\"\n\n\
            [[task]]\nid = \"after_all\"\nduration = \"1d\"\nafter = [\"j/j4\"]\n";
        let path = dir.path().join("m.toml");
        std::fs::write(&path, model).unwrap();
        let r = match load_model(&path) {
            Ok(r) => r,
            Err(e) => panic!("{}", e.plain()),
        };
        assert_eq!(r.included[0].as_of, None);
        assert!(r.model.tasks.iter().all(|t| t.not_before.is_none()));
        assert!(r.model.task_index("j/j3").is_some());
    }
}

/// MSPDI files under `dir`, recursively (`.xml` files carrying the MSPDI namespace), sorted.
fn mspdi_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            mspdi_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "xml")
            && std::fs::read(&p)
                .is_ok_and(|b| launchcast_import::detect(&p, &b) == Some(Format::Mspdi))
        {
            out.push(p);
        }
    }
    out.sort();
}

/// Why an MSPDI file is left out of the task-date comparison, if it is: MS Project's dates
/// of a schedule in progress follow actuals and its status date, and leveled ones follow
/// resource levelling, neither of which the deterministic pass reproduces from the file.
fn task_dates_filter(s: &launchcast_import::Schedule, text: &str) -> Option<&'static str> {
    let progress = s
        .tasks
        .iter()
        .any(|t| t.actual_start.is_some() || t.actual_finish.is_some() || t.percent_complete > 0.0);
    // `LevelingDelay` of a task or an assignment, in tenths of minutes; any non-zero value.
    let leveled = text.split("<LevelingDelay>").skip(1).any(|r| {
        r.split('<')
            .next()
            .is_some_and(|v| v.trim().parse::<f64>().ok() != Some(0.0))
    });
    match (progress, leveled) {
        (true, true) => Some("progress and leveling delay"),
        (true, false) => Some("progress"),
        (false, true) => Some("leveling delay"),
        (false, false) => None,
    }
}

/// Causes recorded in a checked-in table, by (file, second column): the last column of the
/// rows of its `section`.
fn recorded_causes(md: &str, section: &str) -> std::collections::HashMap<(String, String), String> {
    let mut out = std::collections::HashMap::new();
    let Some((_, rest)) = md.split_once(section) else {
        return out;
    };
    for line in rest.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
        if let (Some(file), Some(uid), Some(cause)) = (cells.first(), cells.get(1), cells.last()) {
            out.insert(
                (file.trim_matches('`').to_string(), uid.to_string()),
                cause.to_string(),
            );
        }
    }
    out
}

#[test]
fn mspdi_task_dates_match_ms_project() {
    let Some(data) = data_dir() else { return };
    // MS Project writes each task's Start and Finish as it scheduled them: on every MSPDI
    // file without progress or leveling, compare every leaf task's with the deterministic
    // working-time dates computed here, to the minute.
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/TASKDATES.md");
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let causes = recorded_causes(&expected, "## Tasks that differ");
    let mut files = Vec::new();
    mspdi_files(&data, &mut files);
    let mut rows = Vec::new();
    let mut differ = Vec::new();
    let (mut n_files, mut n_tasks, mut n_ok) = (0, 0, 0);
    for path in &files {
        let rel = path
            .strip_prefix(&data)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).expect("read");
        let s = read_bytes(Format::Mspdi, &bytes).expect(&rel);
        if let Some(why) = task_dates_filter(&s, &String::from_utf8_lossy(&bytes)) {
            rows.push(format!("| `{rel}` | skipped: {why} | | |"));
            continue;
        }
        let cals = launchcast_import::CalendarSet::schedule(&s);
        let (mut n, mut ok) = (0, 0);
        for (i, t) in s.tasks.iter().enumerate() {
            let (false, Some(fs), Some(ff)) = (t.summary, t.start, t.finish) else {
                continue;
            };
            n += 1;
            let ours = cals.task_dates(i);
            if ours == Some((fs, ff)) {
                ok += 1;
                continue;
            }
            let ours = ours.map_or("none".to_string(), |(a, b)| format!("{a} – {b}"));
            let cause = causes
                .get(&(rel.clone(), t.uid.clone()))
                .map_or("UNKNOWN: no cause recorded", String::as_str);
            differ.push(format!(
                "| `{rel}` | {} | {} | {ours} | {fs} – {ff} | {cause} |",
                t.uid, t.name
            ));
        }
        n_files += 1;
        n_tasks += n;
        n_ok += ok;
        rows.push(format!("| `{rel}` | compared | {n} | {ok} |"));
    }
    let mut md = String::from(
        "# MS Project's task dates against launchcast's\n\n\
         Generated by `cargo test -p launchcast-import --test import mspdi_task_dates_match_ms_project`\n\
         into `launchcast-import-TASKDATES.md` in the target directory; the test fails when that differs\n\
         from this file (`tests/TASKDATES.md`), so an improvement or a regression shows. For every MSPDI\n\
         file in the shared data, every leaf task's `Start` and `Finish` as MS Project wrote them are\n\
         compared, to the minute, with the deterministic working-time dates computed here. Left out:\n\
         files with progress (a task with `ActualStart`, `ActualFinish` or `PercentComplete` above 0),\n\
         whose dates follow actuals and the status date, and files with a non-zero `LevelingDelay` on a\n\
         task or an assignment, whose dates follow resource levelling. Split tasks cannot be told from\n\
         the task fields and stay in; they are listed below.\n\n\
         | file | | leaf tasks compared | matching |\n|---|---|---|---|\n",
    );
    for r in &rows {
        md.push_str(r);
        md.push('\n');
    }
    md.push_str(&format!(
        "| **{n_files} files compared** | | **{n_tasks}** | **{n_ok}** |\n\n\
         ## Tasks that differ\n\n\
         | file | UID | task | ours | MS Project | cause |\n|---|---|---|---|---|---|\n"
    ));
    for r in &differ {
        md.push_str(r);
        md.push('\n');
    }
    let out = report_path("launchcast-import-TASKDATES.md");
    let _ = std::fs::write(&out, &md);
    println!("{md}");
    assert!(
        !md.contains("UNKNOWN: no cause recorded"),
        "a task differs without a recorded cause; see {}",
        out.display()
    );
    assert!(
        md == expected,
        "task dates changed: compare {} with {}",
        out.display(),
        expected_path.display()
    );
}

#[test]
fn progress_files_finish_from_their_status_date() {
    let Some(data) = data_dir() else { return };
    // Every file with progress: the finish computed here (actuals as facts, the rest from the
    // status date by the format's rules) against the file's own project finish (what MPXJ
    // reports), and the mapped model's deterministic finish against the computed one.
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/PROGRESS.md");
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    let causes = recorded_causes(&expected, "## Files with progress");
    let csv = std::fs::read_to_string(data.join("MPXJ_REFERENCE_SUMMARY.csv")).expect("csv");
    let mut lines = csv.lines();
    let header = csv_fields(lines.next().unwrap_or(""));
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let mut rows = Vec::new();
    for line in lines {
        let f = csv_fields(line);
        let get = |name: &str| f.get(col(name)).map_or("", |s| s.as_str());
        let file = get("file").trim_start_matches("./").to_string();
        let path = data.join(&file);
        if !path.is_file() || file.starts_with("psplib/") {
            continue;
        }
        let Ok((s, model)) = launchcast_import::import_path(&path) else {
            continue;
        };
        let i = inspect(&s);
        if !i.has_progress {
            continue;
        }
        let ours = i.finish.clone().unwrap_or_default();
        let theirs = get("project_finish").get(..16).unwrap_or("").to_string();
        // The model counts days from 00:00 of its start date (the as-of date); the engine
        // runs its tasks in working time.
        let cals = launchcast_import::CalendarSet::schedule(&s);
        let as_of = launchcast_import::as_of(&s, Some(&cals));
        let model_finish = match as_of {
            Some(a) => launchcast_import::DateTime {
                minutes: a.minutes - a.minute_of_day()
                    + (engine_finish(&model) * 1440.0).round() as i64,
            }
            .to_string(),
            None => "none".into(),
        };
        let same_day = ours.get(..10) == theirs.get(..10);
        let agrees =
            ours == theirs || (s.format == Format::Mpx && theirs.ends_with("T00:00") && same_day);
        // A schedule finished before its as-of date finishes at the as-of date in the model.
        let model_ok = match as_of {
            Some(a) if a.to_string() > ours => model_finish == a.to_string(),
            _ => model_finish == ours,
        };
        let cause = if agrees && model_ok {
            "agrees"
        } else {
            causes
                .get(&(file.clone(), "finish".to_string()))
                .map_or("UNKNOWN: no cause recorded", String::as_str)
        };
        rows.push(format!(
            "| `{file}` | finish | {} | {} | {ours} | {model_finish} | {theirs} | {cause} |",
            s.format.name(),
            i.status_date.clone().unwrap_or_else(|| "none".into()),
        ));
    }
    let mut md = String::from(
        "# Schedules in progress\n\n\
         Generated by `cargo test -p launchcast-import --test import progress_files_finish_from_their_status_date`\n\
         into `launchcast-import-PROGRESS.md` in the target directory; the test fails when that differs\n\
         from this file (`tests/PROGRESS.md`). Every schedule file in the shared data with an actual\n\
         start or finish: the finish computed here in working time (finished tasks at their actual\n\
         dates; started ones by the format's rule: MS Project resumes the remaining work right after\n\
         the work done, P6 runs the remaining duration from the data date; the rest from the status\n\
         date), the mapped model's deterministic finish (calendar days from its as-of date), and the\n\
         file's own project finish as MPXJ reports it.\n\n\
         ## Files with progress\n\n\
         | file | | format | status date | ours | model | file (MPXJ) | cause |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for r in &rows {
        md.push_str(r);
        md.push('\n');
    }
    let out = report_path("launchcast-import-PROGRESS.md");
    let _ = std::fs::write(&out, &md);
    println!("{md}");
    assert!(
        !md.contains("UNKNOWN: no cause recorded"),
        "a finish differs without a recorded cause; see {}",
        out.display()
    );
    assert!(
        md == expected,
        "progress results changed: compare {} with {}",
        out.display(),
        expected_path.display()
    );
}

#[test]
fn progressed_models_keep_actuals_and_run_the_rest_from_the_status_date() {
    let Some(data) = data_dir() else { return };
    for file in [
        "mpxj-junit/generated/task-percentcomplete/percent-complete-8.4.xer",
        "aspose-tasks-net/encoding1251.xer",
        "mpxj-junit/generated/assignment-assignments/assignment-assignments-project2019-mspdi.xml",
    ] {
        let (s, model) = launchcast_import::import_path(&data.join(file)).expect(file);
        let cals = launchcast_import::CalendarSet::schedule(&s);
        let as_of = launchcast_import::as_of(&s, Some(&cals)).expect("as-of date");
        let dates = engine_dates(&model);
        let day0 = as_of.minutes - as_of.minute_of_day();
        let (mut finished, mut started) = (0, 0);
        for (i, t) in s.tasks.iter().enumerate().filter(|(_, t)| !t.summary) {
            let k = model
                .tasks
                .iter()
                .position(|m| m.id == format!("t{}", t.uid))
                .expect("model task");
            let m = &model.tasks[k];
            let launchcast_model::Dist::Fixed(d) = m.duration else {
                panic!("{file}: fixed durations expected")
            };
            // Where the engine puts it, to the minute.
            let at = |x: f64| day0 + (x * 1440.0).round() as i64;
            let (start, finish) = dates[k]
                .map(|x| (at(x.start), at(x.finish)))
                .expect("dates");
            if t.actual_finish.is_some() {
                // Done: takes no time, waits for nothing, sits at the as-of moment.
                finished += 1;
                assert_eq!((d, m.after.len()), (0.0, 0), "{file} {}", t.uid);
                assert_eq!(m.calendar, None, "{file} {}", t.uid);
                assert_eq!(
                    (start, finish),
                    (as_of.minutes, as_of.minutes),
                    "{file} {}",
                    t.uid
                );
            } else if t.actual_start.is_some() {
                // Under way: what remains runs from the as-of date to its finish, in working
                // time on its calendar, else in calendar days from the as-of moment.
                started += 1;
                let (_, f) = cals.task_dates(i).expect("dates");
                let want = match &m.calendar {
                    Some(_) => {
                        let work = cals.work_minutes(&s, i, as_of, f).expect("working time");
                        work as f64 / s.minutes_per_day
                    }
                    None => f.days_since(as_of).max(0.0),
                };
                assert!((d - want).abs() < 1e-9, "{file} {}: {d} vs {want}", t.uid);
                assert!(m.after.is_empty(), "{file} {}", t.uid);
                assert!(start >= as_of.minutes, "{file} {}", t.uid);
                assert_eq!(finish, f.minutes.max(as_of.minutes), "{file} {}", t.uid);
            }
        }
        assert!(finished + started > 0, "{file}");
    }
}

/// What two imports of the same project disagree on: leaf tasks (matched by unique id,
/// else by name), their durations, links, and the deterministic finish.
fn pair_differences(
    a: &launchcast_import::Schedule,
    b: &launchcast_import::Schedule,
) -> Vec<String> {
    use std::collections::BTreeMap;
    let by_uid = a
        .leaf_tasks()
        .all(|t| b.leaf_tasks().any(|u| u.uid == t.uid && u.name == t.name));
    let key = |t: &launchcast_import::Task| {
        if by_uid {
            t.uid.clone()
        } else {
            t.name.clone()
        }
    };
    let leaves = |s: &launchcast_import::Schedule| -> BTreeMap<String, (f64, bool)> {
        s.leaf_tasks()
            .map(|t| (key(t), (t.duration.minutes, t.milestone)))
            .collect()
    };
    let names = |s: &launchcast_import::Schedule| -> BTreeMap<String, String> {
        s.tasks.iter().map(|t| (t.uid.clone(), key(t))).collect()
    };
    let links = |s: &launchcast_import::Schedule| -> Vec<String> {
        let n = names(s);
        let mut v: Vec<String> = s
            .relations
            .iter()
            .map(|r| {
                format!(
                    "{} -{:?}{:+}min-> {}",
                    n.get(&r.pred).cloned().unwrap_or_default(),
                    r.kind,
                    r.lag.minutes,
                    n.get(&r.succ).cloned().unwrap_or_default()
                )
            })
            .collect();
        v.sort();
        v
    };
    let mut out = Vec::new();
    let (la, lb) = (leaves(a), leaves(b));
    for (k, v) in &la {
        match lb.get(k) {
            None => out.push(format!("task `{k}` only in the first")),
            Some(w) if w != v => out.push(format!("task `{k}`: {v:?} vs {w:?}")),
            _ => {}
        }
    }
    for k in lb.keys().filter(|k| !la.contains_key(*k)) {
        out.push(format!("task `{k}` only in the second"));
    }
    let (ra, rb) = (links(a), links(b));
    for l in ra.iter().filter(|l| !rb.contains(l)) {
        out.push(format!("link {l} only in the first"));
    }
    for l in rb.iter().filter(|l| !ra.contains(l)) {
        out.push(format!("link {l} only in the second"));
    }
    let (ia, ib) = (inspect(a), inspect(b));
    if ia.finish != ib.finish {
        out.push(format!("finish {:?} vs {:?}", ia.finish, ib.finish));
    }
    out
}

#[test]
fn same_project_in_two_formats() {
    let Some(data) = data_dir() else { return };
    // Projects present in two formats (found by file and project names; SOURCES.md). For each
    // pair: the same leaf tasks (by unique id, else by name) with the same durations, the same
    // links and the same deterministic finish, except for the differences listed, each with
    // its cause. `same_project_as_xer_and_pmxml` covers the two P6 pairs of mpxj-junit.
    /// (first file, second file, known differences: (what the difference says, its cause)).
    type Pair = (
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
    );
    const PAIRS: &[Pair] = &[
        (
            "aspose-tasks-net/MultiprojectWithExternal.xer",
            "aspose-tasks-net/MultiprojectWithExternal.xml",
            &[],
        ),
        (
            "mpxj-junit/legacy/mpxpriority.mpx",
            "mpxj-junit/legacy/mspdipriority.xml",
            &[],
        ),
        (
            "mpxj-junit/legacy/sample.mpx",
            "mpxj-junit/legacy/sample.xml",
            &[
                (
                    "link 10 -FinishToStart+0min-> 12 only in the first",
                    "the MPX gives `Related Task 2b` a second predecessor (`10FS+1d,9`, task ID 9 = \
                     `Related Task 1b`) that the MSPDI does not have",
                ),
                (
                    "finish Some(\"2003-05-26T17:00\") vs Some(\"2003-03-18T08:00\")",
                    "`Second Task` is worked on a day and a night shift: the MSPDI reader puts it \
                     on the union of its resources' calendars, the MPX reader does not read \
                     resource calendars and assignments",
                ),
            ],
        ),
        (
            "mpxj-junit/generated/task-durations/task-durations-project98.mpx",
            "mpxj-junit/generated/task-durations/task-durations-project2003-mspdi.xml",
            &[(
                "only in the second",
                "the Project 98 MPX has no `Task 8` and `Task 9` in any of the ten groups (20 \
                 tasks); the file does not say why the generator left them out",
            )],
        ),
    ];
    let sets = [
        "task-costs",
        "task-finishes",
        "task-flags",
        "task-links",
        "task-numbers",
        "task-starts",
        "task-text",
    ];
    let generated: Vec<(String, String)> = sets
        .iter()
        .map(|g| {
            (
                format!("mpxj-junit/generated/{g}/{g}-project98.mpx"),
                format!("mpxj-junit/generated/{g}/{g}-project2003-mspdi.xml"),
            )
        })
        .collect();
    let all = PAIRS
        .iter()
        .map(|(a, b, known)| (a.to_string(), b.to_string(), *known))
        .chain(generated.into_iter().map(|(a, b)| (a, b, &[][..])));
    let mut compared = 0;
    for (x, y, known) in all {
        let (px, py) = (data.join(&x), data.join(&y));
        if !px.is_file() || !py.is_file() {
            println!("absent: {x} or {y}");
            continue;
        }
        let (a, ma) = launchcast_import::import_path(&px).expect(&x);
        let (b, mb) = launchcast_import::import_path(&py).expect(&y);
        compared += 1;
        let diffs = pair_differences(&a, &b);
        println!(
            "{x} / {y}: {} leaf tasks, {} differences",
            a.leaf_tasks().count(),
            diffs.len()
        );
        for d in &diffs {
            let cause = known.iter().find(|(k, _)| d.contains(k)).map(|(_, c)| *c);
            println!("  {d}: {}", cause.unwrap_or("UNKNOWN"));
            assert!(cause.is_some(), "{x} / {y}: {d}");
        }
        for (k, _) in known {
            assert!(
                diffs.iter().any(|d| d.contains(k)),
                "{x} / {y}: `{k}` no longer differs"
            );
        }
        // Without differences the two models are the same, task for task.
        if diffs.is_empty() {
            assert_eq!(ma.tasks.len(), mb.tasks.len(), "{x}");
            assert_eq!(
                cpm::finish_days(&ma).ok(),
                cpm::finish_days(&mb).ok(),
                "{x}"
            );
        }
    }
    assert!(compared > 0);
}

#[test]
fn every_schedule_without_progress_keeps_its_finish_in_working_time() {
    let Some(data) = data_dir() else {
        println!("skipped: /work/shared/data is absent");
        return;
    };
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| ["xml", "xer", "mpx", "pmxml"].contains(&x))
            {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    for d in ["mpxj-junit", "aspose-tasks-net"] {
        walk(&data.join(d), &mut files);
    }
    files.sort();
    let (mut checked, mut on_calendars, mut differ) = (0, 0, Vec::new());
    for path in &files {
        let Ok((schedule, model)) = launchcast_import::import_path(path) else {
            continue;
        };
        let i = inspect(&schedule);
        let (Some(want), Some(start)) = (i.finish_days, schedule.start) else {
            continue;
        };
        // A file without tasks (a calendar-only file) has no finish to keep.
        if model.tasks.is_empty()
            || i.has_progress
            || schedule.status_date.is_some()
            || start.date() != model.program.start
        {
            continue;
        }
        checked += 1;
        on_calendars += usize::from(model.tasks.iter().any(|t| t.calendar.is_some()));
        let want = want + start.minute_of_day() as f64 / 1440.0;
        // Nothing to schedule: it finishes where it starts.
        let got = engine_finish(&model).max(f64::from(model.program.start_time) / 1440.0);
        if (got - want).abs() > 1e-4 {
            differ.push(format!(
                "{}: model {got} vs schedule {want}",
                path.display()
            ));
        }
    }
    println!("{checked} files, {on_calendars} with tasks in working time");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Bad input every reader refuses: cycles and duplicate ids, named by their records
// ---------------------------------------------------------------------------------------------

#[path = "support/generate.rs"]
mod generate;

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

#[test]
fn a_psplib_instance_with_a_cycle_names_its_lines() {
    let Some(data) = data_dir() else { return };
    // A real instance with one link added back from job 10 to job 2 (on a chain: 2 → … →
    // 10 in j301_1).
    let zip = std::fs::read(data.join("psplib/j30.sm.zip")).expect("zip");
    let (name, bytes) = unzip(&zip)
        .into_iter()
        .find(|(n, _)| n.ends_with("j301_1.sm"))
        .expect("j301_1");
    let text = String::from_utf8(bytes).expect("ascii");
    let ok = psplib::read(text.as_bytes()).expect(&name);
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

// ---------------------------------------------------------------------------------------------
// MS Project recurring calendar exceptions
// ---------------------------------------------------------------------------------------------

#[test]
fn recurring_calendar_exceptions_fall_on_ms_projects_days() {
    let Some(data) = data_dir() else { return };
    // MS Project writes each recurring exception's pattern with its first and last day
    // (`TimePeriod`) and the number of days it falls on (`Occurrences`): the days read here
    // must number `Occurrences` and end on the last day MS Project wrote.
    for file in [
        "mpxj-junit/generated/calendar-recurring-exceptions/calendar-recurring-exceptions-project2007-mspdi.xml",
        "mpxj-junit/generated/calendar-recurring-exceptions/calendar-recurring-exceptions-project2016-mspdi.xml",
    ] {
        let path = data.join(file);
        if !path.is_file() {
            println!("absent: {file}");
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let s = read_bytes(Format::Mspdi, &bytes).expect(file);
        assert!(
            !s.notes.iter().any(|n| n.contains("recurring")),
            "{:?}",
            s.notes
        );
        let text = String::from_utf8_lossy(&bytes);
        let between = |x: &str, a: &str, b: &str| -> String {
            x.split(a)
                .nth(1)
                .and_then(|r| r.split(b).next())
                .unwrap_or("")
                .to_string()
        };
        let cal = s
            .calendars
            .iter()
            .find(|c| c.id == "1")
            .expect("calendar 1");
        // MS Project 2007 also writes every exception day as a `WeekDay` of `DayType` 0
        // (MS Project's own expansion), before the 2007 `Exceptions`: those come first.
        let old_style = text.matches("<DayType>0</DayType>").count();
        let days_of = |list: &[launchcast_import::CalendarException]| {
            list.iter()
                .flat_map(|e| {
                    (0..=e.to.days_since(e.from)).map(move |k| {
                        (e.from.add_days(f64::from(k)).expect("day"), e.hours.clone())
                    })
                })
                .collect::<std::collections::BTreeSet<_>>()
        };
        if old_style > 0 {
            let (theirs, ours) = cal.exceptions.split_at(old_style);
            assert_eq!(
                days_of(theirs),
                days_of(ours),
                "{file}: MS Project's own expansion"
            );
        }
        // The calendar's exceptions in file order: a range for each of type 1, one day for
        // each day a recurring one falls on.
        let mut next = cal.exceptions.iter().skip(old_style);
        let mut checked = 0;
        for ex in text.split("<Exception>").skip(1) {
            let ex = ex.split("</Exception>").next().unwrap_or("");
            let day =
                |tag: &str| launchcast_model::Date::parse(&between(ex, tag, "T")).expect("a date");
            let (from, to) = (day("<FromDate>"), day("<ToDate>"));
            let occurrences: usize = between(ex, "<Occurrences>", "<").parse().unwrap_or(0);
            let name = between(ex, "<Name>", "<");
            if between(ex, "<Type>", "<") == "1" {
                let e = next.next().expect("a range");
                assert_eq!((e.from, e.to), (from, to), "{file}: {name}");
                continue;
            }
            let ours: Vec<_> = next.by_ref().take(occurrences).collect();
            assert_eq!(ours.len(), occurrences, "{file}: {name}");
            assert!(
                ours.iter()
                    .all(|e| e.from == e.to && e.from >= from && e.to <= to),
                "{file}: {name}: {ours:?}"
            );
            assert!(
                ours.windows(2).all(|w| w[0].from < w[1].from),
                "{file}: {name}: {ours:?}"
            );
            assert_eq!(
                ours.last().map(|e| e.to),
                Some(to),
                "{file}: {name}: {ours:?}"
            );
            checked += 1;
        }
        assert!(
            next.next().is_none(),
            "{file}: more days than MS Project's occurrences"
        );
        assert_eq!(checked, 26, "{file}: recurring exceptions checked");
        // The recurring working day keeps its hours: 2010-01-02, the first Saturday.
        let sat = launchcast_model::Date::parse("2010-01-02").expect("date");
        let e = cal
            .exceptions
            .iter()
            .find(|e| e.from == sat)
            .expect("working Saturday");
        assert_eq!(e.hours, vec![(540, 780), (840, 1020)]);
        // And the schedule's working time follows them: a task of one day starting on
        // 2005-02-01 (a yearly holiday, a Tuesday) works on Wednesday.
        let mut s2 = s.clone();
        s2.default_calendar = Some("1".into());
        let mut t = launchcast_import::Task::new("9");
        t.duration = launchcast_import::Duration::working(480.0);
        t.constraint = Some(launchcast_import::Constraint {
            kind: launchcast_import::ConstraintKind::StartNoEarlierThan,
            date: launchcast_import::DateTime::parse_iso("2005-02-01T08:00"),
        });
        s2.tasks.push(t);
        let cals = launchcast_import::CalendarSet::schedule(&s2);
        let (a, b) = cals.task_dates(s2.tasks.len() - 1).expect("dates");
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2005-02-02T08:00".into(), "2005-02-02T17:00".into())
        );
    }
}

// ---------------------------------------------------------------------------------------------
// MPX written in another language
// ---------------------------------------------------------------------------------------------

/// One record of an English MPX file as MS Project writes it in German: `;` between fields,
/// decimal commas, `t` (Tage) for days, `EA` (Ende-Anfang) for finish-to-start, `Ja`/`Nein`,
/// German constraint names, dates as `Fr 17.10.14`. `predecessors`: the index of the
/// Predecessors field in a task record.
fn to_german(fields: &[String], predecessors: Option<usize>) -> Vec<String> {
    fn number(n: &str) -> String {
        n.replace('.', ",")
    }
    fn duration(v: &str) -> Option<String> {
        let split = v.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))?;
        let (n, unit) = v.split_at(split);
        if n.is_empty() || n == "-" {
            return None;
        }
        let (elapsed, unit) = match unit.strip_prefix('e') {
            Some(u) => (true, u),
            None => (false, unit),
        };
        let unit = match unit {
            "m" => "m",
            "h" => "h",
            "d" => "t",
            "w" => "w",
            "mo" => "mon",
            "y" => "y",
            _ => return None,
        };
        Some(format!(
            "{}{}{unit}",
            number(n),
            if elapsed { "f" } else { "" }
        ))
    }
    fn date(v: &str) -> Option<String> {
        let (day, rest) = v.split_once(' ')?;
        let de = match day {
            "Mon" => "Mo",
            "Tue" => "Di",
            "Wed" => "Mi",
            "Thu" => "Do",
            "Fri" => "Fr",
            "Sat" => "Sa",
            "Sun" => "So",
            _ => return None,
        };
        let (d, time) = rest
            .split_once(' ')
            .map_or((rest, None), |(a, b)| (a, Some(b)));
        if d.split('/').count() != 3 {
            return None;
        }
        Some(match time {
            Some(t) => format!("{de} {} {t}", d.replace('/', ".")),
            None => format!("{de} {}", d.replace('/', ".")),
        })
    }
    fn predecessor(item: &str) -> String {
        let digits = item
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(item.len());
        let (id, rest) = item.split_at(digits);
        let (code, rest) = match rest.get(..2) {
            Some("FS") => ("EA", &rest[2..]),
            Some("SS") => ("AA", &rest[2..]),
            Some("FF") => ("EE", &rest[2..]),
            Some("SF") => ("AE", &rest[2..]),
            _ => ("", rest),
        };
        let lag = match rest.chars().next() {
            Some(sign @ ('+' | '-')) => {
                format!(
                    "{sign}{}",
                    duration(&rest[1..]).unwrap_or_else(|| rest[1..].to_string())
                )
            }
            _ => rest.to_string(),
        };
        format!("{id}{code}{lag}")
    }
    fields
        .iter()
        .enumerate()
        .map(|(k, v)| {
            if Some(k) == predecessors {
                return v.split(',').map(predecessor).collect::<Vec<_>>().join(";");
            }
            match v.as_str() {
                "Yes" => return "Ja".into(),
                "No" => return "Nein".into(),
                "NA" => return "NV".into(),
                "As Soon As Possible" => return "So früh wie möglich".into(),
                "As Late As Possible" => return "So spät wie möglich".into(),
                "Must Start On" => return "Muss anfangen am".into(),
                "Must Finish On" => return "Muss enden am".into(),
                "Start No Earlier Than" => return "Anfang nicht früher als".into(),
                "Start No Later Than" => return "Anfang nicht später als".into(),
                "Finish No Earlier Than" => return "Ende nicht früher als".into(),
                "Finish No Later Than" => return "Ende nicht später als".into(),
                _ => {}
            }
            duration(v).or_else(|| date(v)).unwrap_or_else(|| v.clone())
        })
        .collect()
}

/// `fields` joined with `;`, quoted where a field holds a `;` or a quote.
fn join_semicolons(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains([';', '"']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[test]
fn a_german_mpx_reads_as_its_english_original() {
    let Some(data) = data_dir() else { return };
    for file in [
        "mpxj-junit/generated/task-links/task-links-project98.mpx",
        "mpxj-junit/generated/task-durations/task-durations-project98.mpx",
        "mpxj-junit/legacy/sample.mpx",
    ] {
        let path = data.join(file);
        if !path.is_file() {
            println!("absent: {file}");
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let english = encoding_text(&bytes);
        let mut layout: Vec<String> = Vec::new();
        let mut german = String::new();
        for (k, line) in english.lines().enumerate() {
            let f = csv_fields(line.trim_end_matches('\r'));
            let rec = f.first().map_or("", |s| s.as_str()).to_string();
            let out: Vec<String> = match rec.as_str() {
                _ if k == 0 => vec![
                    "MPX".into(),
                    "Microsoft Project für Windows".into(),
                    "4,0".into(),
                    "ANSI".into(),
                ],
                "10" => vec![
                    "10".into(),
                    "€".into(),
                    "1".into(),
                    "2".into(),
                    ".".into(),
                    ",".into(),
                ],
                "11" => f.iter().map(|x| x.replace('.', ",")).collect(),
                "12" => {
                    let mut g = f.clone();
                    if g.len() > 4 {
                        g[4] = ".".into();
                    }
                    g
                }
                "61" => {
                    layout = f.clone();
                    f
                }
                "70" => {
                    let pred = layout.iter().position(|c| c == "70");
                    to_german(&f, pred)
                }
                "25" => f,
                _ => to_german(&f, None),
            };
            german.push_str(&join_semicolons(&out));
            german.push_str("\r\n");
        }
        let (a, _) = launchcast_import::import_bytes(Path::new("en.mpx"), &bytes).expect(file);
        let (b, _) = launchcast_import::import_bytes(Path::new("de.mpx"), german.as_bytes())
            .unwrap_or_else(|e| {
                panic!(
                    "{file}: {e}\n{}",
                    german.lines().take(20).collect::<Vec<_>>().join("\n")
                )
            });
        let (ia, ib) = (inspect(&a), inspect(&b));
        assert_eq!(
            (
                ia.tasks,
                ia.milestones,
                ia.summary_tasks,
                &ia.relations,
                ia.calendars
            ),
            (
                ib.tasks,
                ib.milestones,
                ib.summary_tasks,
                &ib.relations,
                ib.calendars
            ),
            "{file}"
        );
        assert_eq!(
            (&ia.start, &ia.finish, &ia.file_finish),
            (&ib.start, &ib.finish, &ib.file_finish),
            "{file}"
        );
        assert!(ia.tasks > 3, "{file}");
        let (ca, cb) = (
            launchcast_import::CalendarSet::schedule(&a),
            launchcast_import::CalendarSet::schedule(&b),
        );
        for (k, (ta, tb)) in a.tasks.iter().zip(&b.tasks).enumerate() {
            assert_eq!((&ta.uid, &ta.name), (&tb.uid, &tb.name), "{file}");
            assert_eq!(
                (ta.duration, ta.constraint, ta.milestone),
                (tb.duration, tb.constraint, tb.milestone),
                "{file}: {}",
                ta.uid
            );
            assert_eq!(
                (ta.start, ta.finish),
                (tb.start, tb.finish),
                "{file}: {}",
                ta.uid
            );
            assert_eq!(ca.task_dates(k), cb.task_dates(k), "{file}: {}", ta.uid);
        }
        let lags = |s: &launchcast_import::Schedule| {
            s.relations
                .iter()
                .map(|r| (r.pred.clone(), r.succ.clone(), r.kind, r.lag))
                .collect::<Vec<_>>()
        };
        assert_eq!(lags(&a), lags(&b), "{file}");
        assert!(
            a.relations.iter().any(|r| r.lag.minutes != 0.0) || !file.contains("links"),
            "{file}: lags tested"
        );
    }
}

/// Text of an MPX file: UTF-8, else Windows-1252 (as the reader decodes it).
fn encoding_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| if b < 0x80 { b as char } else { '?' })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Schedules converted from MS Project binaries: MS Project's own stored dates
// ---------------------------------------------------------------------------------------------

/// Differences between the model's deterministic schedule (what `run` simulates) and MS
/// Project's stored finishes that the model cannot express: (file, task unique id, cause).
/// `inspect`'s working-time dates match them all.
const MODEL_RESIDUALS: &[(&str, &str, &str)] = &[
    (
        "slack9",
        "11",
        "a milestone a must-finish-on date holds at 17:00: a model date has no time of day, so \
         the model puts it at 00:00 of that day",
    ),
    ("slack9", "16", "as task 11"),
];

#[test]
fn ms_project_classes_keep_ms_projects_stored_dates() {
    let Some(data) = data_dir() else { return };
    let dir = data.join("mpxj-mpp-derived");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "xml"));
    files.sort();
    assert_eq!(files.len(), 7, "one file per class in {}", dir.display());
    let minute = |v: &serde_json::Value| -> Option<String> {
        v.as_str().map(|s| s.get(..16).unwrap_or(s).to_string())
    };
    let mut report = Vec::new();
    let mut model_misses = Vec::new();
    for path in &files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let json: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dir.join(format!("{stem}.mpxj.json"))).expect("reference"),
        )
        .expect("json");
        let (s, model) = launchcast_import::import_path(path).unwrap_or_else(|e| panic!("{e}"));
        let cals = launchcast_import::CalendarSet::schedule(&s);
        let dates = engine_dates(&model);
        let day0 = DateTimeOf(model.program.start);
        let by_id: std::collections::HashMap<&str, usize> = model
            .tasks
            .iter()
            .enumerate()
            .map(|(k, t)| (t.id.as_str(), k))
            .collect();
        let mut ms_finish: Option<String> = None;
        let mut leaves = 0;
        for t in json["tasks"].as_array().expect("tasks") {
            if t["summary"].as_bool() == Some(true) || t["null"].as_bool() == Some(true) {
                continue;
            }
            let uid = t["unique_id"].to_string();
            let Some(finish) = minute(&t["finish"]) else {
                continue;
            };
            leaves += 1;
            ms_finish = ms_finish.max(Some(finish.clone()));
            let k = s
                .tasks
                .iter()
                .position(|x| x.uid == uid)
                .unwrap_or_else(|| panic!("{stem}: task {uid}"));
            let ours = cals.task_dates(k).map(|(_, f)| f.to_string());
            assert_eq!(
                ours.as_deref(),
                Some(finish.as_str()),
                "{stem}: task {uid} (inspect)"
            );
            let model_finish = by_id
                .get(format!("t{uid}").as_str())
                .and_then(|&m| dates[m])
                .map(|d| day0.plus(d.finish));
            if model_finish.as_deref() != Some(finish.as_str()) {
                model_misses.push((stem.clone(), uid.clone(), model_finish, finish));
            }
        }
        // Blank rows are no tasks; every leaf task of MS Project's is one here.
        assert_eq!(inspect(&s).tasks, leaves, "{stem}: leaf tasks");
        let ours = cals.finish.map(|f| f.to_string());
        assert_eq!(ours, ms_finish, "{stem}: project finish (inspect)");
        let model_end = dates.iter().flatten().map(|d| d.finish).fold(0.0, f64::max);
        report.push(format!(
            "{stem}: {leaves} leaf tasks, finish {} (inspect), {} (model)",
            ours.unwrap_or_default(),
            day0.plus(model_end)
        ));
    }
    println!("{}", report.join("\n"));
    for (file, uid, ours, ms) in &model_misses {
        println!("model differs: {file}: task {uid}: {ours:?} vs MS Project {ms}");
    }
    for (file, uid, ours, ms) in &model_misses {
        let known = MODEL_RESIDUALS
            .iter()
            .find(|(f, u, _)| f == file && u == uid);
        assert!(
            known.is_some(),
            "{file}: task {uid}: the model finishes {ours:?}, MS Project {ms}"
        );
    }
    // Every recorded residual still differs (else it is fixed and must go).
    for (file, uid, _) in MODEL_RESIDUALS {
        assert!(
            model_misses
                .iter()
                .any(|(f, u, _, _)| f == file && u == uid),
            "{file}: task {uid} now matches: remove it from MODEL_RESIDUALS"
        );
    }
}

/// 00:00 of a model's start date, for engine days.
struct DateTimeOf(launchcast_model::Date);

impl DateTimeOf {
    /// The moment `days` after 00:00 of the date, to the minute.
    fn plus(&self, days: f64) -> String {
        let minutes = (days * 1440.0).round() as i64;
        launchcast_import::DateTime {
            minutes: i64::from(self.0.days_since_epoch()) * 1440 + minutes,
        }
        .to_string()
    }
}
