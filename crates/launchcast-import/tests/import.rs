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
        "the second activity is delayed one day by a resource assignment lag \
         (`TASKRSRC.target_lag_drtn_hr_cnt`); assignments are not modelled, so our pass starts it \
         with the first",
    ),
    (
        "assignment-flags-project2003-mspdi.xml",
        "generated file: its project `FinishDate` (2016-01-15) lies before its `StartDate` \
         (2018-10-18); MPXJ repeats the file, our finish follows the tasks",
    ),
    (
        "assignment-flags-project2019-mspdi.xml",
        "generated file: project `FinishDate` before `StartDate` (see above)",
    ),
    (
        "assignment-text-project2002-mspdi.xml",
        "generated file: project `FinishDate` before `StartDate` (see above)",
    ),
    (
        "assignment-text-project2019-mspdi.xml",
        "generated file: project `FinishDate` before `StartDate` (see above)",
    ),
    (
        "legacy/sample.mpx",
        "hand-edited test file: `Second Task` has a duration of 100 d but its own start and \
         finish span 50 working days; the file's dates were not recalculated",
    ),
    (
        "legacy/sample.xml",
        "same file as `sample.mpx`: `Second Task` `Duration` PT800H against 400 h between its \
         `Start` and `Finish`",
    ),
    (
        "legacy/sample1.xml",
        "same tasks as `sample.xml`: duration inconsistent with the file's own dates",
    ),
    (
        "mspdisplittask.xml",
        "a split task: its work is interrupted (timephased segments), which moves its finish a \
         week later; splits are not modelled",
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
                let checks = [
                    ("leaf", i.tasks, num("tasks_leaf")),
                    ("summary", i.summary_tasks, num("tasks_summary")),
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
    let out =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/launchcast-import-MISMATCHES.md");
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
