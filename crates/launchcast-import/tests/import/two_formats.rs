//! The same project in two formats; schedules without progress keep their finish.

use super::*;

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

#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
#[test]
fn same_project_in_two_formats() {
    let data = data_dir();
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

#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
#[test]
fn every_schedule_without_progress_keeps_its_finish_in_working_time() {
    let data = data_dir();
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
