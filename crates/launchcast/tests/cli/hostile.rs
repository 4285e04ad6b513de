//! Hostile input, generated: over-long lines, special files (FIFOs, devices, directories),
//! files too large or binary, huge values, cycles, control characters in names, outputs
//! that would overwrite inputs, interrupted writes. Every case must end in exit 2 (bad input)
//! with the file and the place named, without a panic, in bounded time and bounded peak
//! memory of the child process (measured with `wait4`). The schedule formats' own hostile
//! cases (cycles, duplicate ids, truncation in MSPDI, XER, PMXML, MPX and PSPLIB) are in
//! `import_hardening`.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crate::support::*;

/// What any refusal may cost: well under what a run of the example costs.
const SECONDS: f64 = 20.0;
const PEAK_MIB: f64 = 200.0;

const HEAD: &str = "[program]\nname = \"h\"\nstart = 2022-01-01\nhorizon = 2026-12-31\n";
const TASK: &str = "[[task]]\nid = \"a\"\nname = \"A\"\nduration = \"tri(1mo, 2mo, 4mo)\"\n";

/// Runs a command that must be refused as bad input: exit 2, every needle on standard error,
/// nothing on standard output, within the time and memory bounds.
#[cfg(unix)]
fn refused(args: &[&str], needles: &[&str]) -> Run {
    let (run, cost) = lc_cost(args, Duration::from_secs(60));
    assert_eq!(
        run.code, 2,
        "launchcast {args:?} should exit 2:\n{}\n{}",
        run.stdout, run.stderr
    );
    let flat = run.err_flat();
    for n in needles {
        assert!(
            flat.contains(n),
            "launchcast {args:?}: stderr does not mention {n:?}:\n{}",
            run.stderr
        );
    }
    assert!(run.stdout.is_empty(), "{args:?} printed {}", run.stdout);
    assert!(
        cost.seconds < SECONDS,
        "{args:?} took {:.1} s",
        cost.seconds
    );
    assert!(
        cost.peak_mib < PEAK_MIB,
        "{args:?} peaked at {:.0} MiB",
        cost.peak_mib
    );
    assert_no_controls(args, &run.stderr);
    run
}

/// No character that could act on a terminal (other than a line break or a tab).
fn assert_no_controls(args: &[&str], text: &str) {
    let bad = text.chars().find(|&c| !(harmless(c) || c == '\t'));
    assert!(
        bad.is_none(),
        "{args:?}: a raw control character {bad:?} reached the terminal:\n{text:?}"
    );
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

#[cfg(unix)]
fn fifo(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    sys::mkfifo(&path);
    path
}

// ---------------------------------------------------------------------------------------------
// Long lines
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn an_error_far_along_a_long_line_is_shown_around_its_place() {
    let dir = tmp();
    let long = "x".repeat(70_000);
    // A syntax error past column 65,535, a bad value at the end of a long line, and a bad
    // value on the line after a long comment.
    let cases = [
        (format!("{HEAD}{TASK}name2 = \"{long}\" junk\n"), "junk"),
        (
            format!("{HEAD}[[task]]\nid = \"a\"\nname = \"{long}\", duration = \"12\"\n"),
            ", duration",
        ),
        (
            format!("{HEAD}#{long}\n[[task]]\nid = \"a\"\nduration = \"12\"\n"),
            "12\"",
        ),
    ];
    for (k, (text, token)) in cases.iter().enumerate() {
        let path = write_model(dir.path(), &format!("long{k}.toml"), text);
        let place = format!("{}:{}", s(&path), loc(text, token));
        for cmd in ["run", "check", "inspect"] {
            let run = refused(&[cmd, s(&path)], &[&place]);
            let widest = run.stderr.lines().map(|l| l.chars().count()).max();
            assert!(widest < Some(400), "{cmd}: a line of {widest:?} characters");
        }
    }
    // A long line in an uncertainty rules file.
    let rules = write_model(
        dir.path(),
        "rules.toml",
        &format!("# {long}\n[[rule]]\nname = \"*\"\nduration = \"pert(90%, 100%, \"\n"),
    );
    let model = write_model(dir.path(), "m.toml", &format!("{HEAD}{TASK}"));
    refused(
        &["run", s(&model), "--uncertainty", s(&rules)],
        &[s(&rules)],
    );
}

// ---------------------------------------------------------------------------------------------
// Special files, large files, binary files
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn special_files_are_refused_at_once_wherever_they_are_read() {
    let dir = tmp();
    let pipe = fifo(dir.path(), "pipe.toml");
    let pipe_xml = fifo(dir.path(), "pipe.xml");
    let model = write_model(dir.path(), "m.toml", &format!("{HEAD}{TASK}"));
    let specials: [(&str, &str); 4] = [
        (s(&pipe), "FIFO"),
        ("/dev/zero", "character device"),
        ("/dev/null", "character device"),
        (s(dir.path()), "directory"),
    ];
    for (special, kind) in specials {
        for cmd in ["run", "check", "inspect"] {
            refused(&[cmd, special], &[special, kind]);
        }
        refused(&["import", special], &[special, kind]);
        refused(
            &["run", s(&model), "--uncertainty", special],
            &[special, kind],
        );
        // As the file of an include and as its rules, named at the include.
        let inc = write_model(
            dir.path(),
            "inc.toml",
            &format!("{HEAD}{TASK}[[include]]\nfile = \"{special}\"\nprefix = \"x\"\n"),
        );
        refused(&["run", s(&inc)], &[special, kind, "include"]);
        refused(&["check", s(&inc)], &[special, kind]);
        // As a shared reference file, named at its include.
        let refs = write_model(
            dir.path(),
            "refs.toml",
            &format!("{HEAD}{TASK}[[include]]\nreferences = \"{special}\"\n"),
        );
        refused(
            &["check", s(&refs)],
            &[special, kind, "include[0].references"],
        );
    }
    refused(&["inspect", s(&pipe_xml)], &["FIFO"]);
}

#[cfg(unix)]
#[test]
fn files_over_the_size_limit_are_refused_without_reading_them() {
    let dir = tmp();
    // A sparse file of 2 GiB: nothing of it may be read.
    let sparse = dir.path().join("sparse.toml");
    let f = std::fs::File::create(&sparse).unwrap();
    f.set_len(2 << 30).unwrap();
    drop(f);
    refused(
        &["run", s(&sparse)],
        &[s(&sparse), "2048 MiB", "256 MiB", "--max-input-mb"],
    );
    let sparse_xer = dir.path().join("sparse.xer");
    std::fs::File::create(&sparse_xer)
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    refused(&["inspect", s(&sparse_xer)], &[s(&sparse_xer), "2048 MiB"]);
    let inc = write_model(
        dir.path(),
        "inc.toml",
        &format!("{HEAD}{TASK}[[include]]\nfile = \"sparse.xer\"\nprefix = \"x\"\n"),
    );
    refused(&["run", s(&inc)], &["sparse.xer", "2048 MiB"]);
    // The limit is the flag's: a 2 MiB model is refused under 1 MiB and read under 3.
    let padded = format!("{HEAD}{TASK}# {}\n", "p".repeat(2 << 20));
    let big = write_model(dir.path(), "big.toml", &padded);
    refused(
        &["check", s(&big), "--max-input-mb", "1"],
        &["1.0 MiB", "--max-input-mb"],
    );
    ok(&["check", s(&big), "--max-input-mb", "3"]);
}

#[cfg(unix)]
#[test]
fn binary_files_are_named_for_what_they_are() {
    let dir = tmp();
    let cases: [(&str, &[u8], &str); 5] = [
        (
            "plan.toml",
            b"PK\x03\x04\x14\x00\x00\x00rest",
            "zip archive",
        ),
        ("plan.xml", b"PK\x03\x04\x14\x00\x00\x00rest", "zip archive"),
        (
            "plan.mpp",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
            "export the schedule from MS Project as XML",
        ),
        ("nul.toml", b"[program]\nname = \"a\0b\"\n", "NUL"),
        ("utf16.toml", b"\xff\xfe[\0p\0]\0", "UTF-16"),
    ];
    for (name, bytes, needle) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        refused(&["run", s(&path)], &[name, needle]);
        refused(&["check", s(&path)], &[name]);
    }
}

// ---------------------------------------------------------------------------------------------
// Huge values
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn huge_values_are_refused_with_the_limit() {
    let dir = tmp();
    let cases: [(&str, &str, &[&str]); 6] = [
        (
            "[program]\nname = \"h\"\nstart = 2022-01-01\nhorizon = 2026-12-31\niterations = 1000000000000\n",
            TASK,
            &["program.iterations", "1000000000000", "100000000"],
        ),
        (
            "[program]\nname = \"h\"\nstart = 2022-01-01\nhorizon = 9999-12-31\n",
            TASK,
            &["program.horizon", "9999-12-31", "100 years"],
        ),
        (
            HEAD,
            "[[task]]\nid = \"a\"\nduration = \"tri(1d, 2d, 1e300d)\"\n",
            &["task[0].duration", "1e300d", "too large"],
        ),
        (
            HEAD,
            "[[task]]\nid = \"a\"\nduration = \"1mo\"\ncost = \"1e400\"\n",
            &["task[0].cost"],
        ),
        (
            HEAD,
            "[[task]]\nid = \"a\"\nduration = \"1mo\"\n[[plant]]\nid = \"p\"\ncapacity = 1e300\nstarts = \"a\"\nramp = \"1mo\"\n",
            &["plant[0].capacity", "too large"],
        ),
        (
            HEAD,
            "[[task]]\nid = \"a\"\nduration = \"1mo\"\nafter = [\"b+1e300d\"]\n[[task]]\nid = \"b\"\nduration = \"1mo\"\n",
            &["task[0].after[0]"],
        ),
    ];
    for (k, (head, body, needles)) in cases.iter().enumerate() {
        let path = write_model(
            dir.path(),
            &format!("huge{k}.toml"),
            &format!("{head}{body}"),
        );
        refused(&["run", s(&path)], needles);
    }
    // The command line has the file's limit and wording.
    refused(
        &["run", "-n", "1000000000"],
        &["`iterations` = 1000000000 is more than the limit of 100000000"],
    );
    // Within the limits, a run that would not fit in memory is refused before it starts,
    // with the count that fits.
    refused(
        &["run", "-n", "100000000"],
        &[
            "100,000,000 iterations of 4 scenarios",
            "GiB",
            "use at most",
        ],
    );
}

#[cfg(unix)]
#[test]
fn the_widest_valid_model_runs_in_bounded_memory() {
    // The longest span allowed, with the largest values accepted: a valid model, so it runs,
    // and what it keeps per month and per year stays bounded.
    let dir = tmp();
    let text = "[program]\nname = \"wide\"\nstart = 2000-01-01\nhorizon = 2099-12-31\n\
                delivery_lag = \"1e14d\"\n\
                [[task]]\nid = \"a\"\nduration = \"tri(1d, 1e3d, 1e14d)\"\ncost = \"1e15\"\n\
                [[plant]]\nid = \"p\"\ncapacity = 1e15\nstarts = \"a\"\nramp = \"1e14d\"\npeak = 1e15\n\
                [[promise]]\nid = \"x\"\ndeliveries_by = { date = 2099-12-31, at_least = 1e15 }\n";
    let path = write_model(dir.path(), "wide.toml", text);
    let (run, cost) = lc_cost(
        &["run", s(&path), "-n", "20000", "--json", "-"],
        Duration::from_secs(120),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(cost.peak_mib < 600.0, "peaked at {:.0} MiB", cost.peak_mib);
}

// ---------------------------------------------------------------------------------------------
// Cycles, empty models, names that act on a terminal
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn cycles_in_a_model_are_named_by_every_command() {
    let dir = tmp();
    let text = format!(
        "{HEAD}[[task]]\nid = \"a\"\nduration = \"1mo\"\nafter = [\"c\"]\n\
         [[task]]\nid = \"b\"\nduration = \"1mo\"\nafter = [\"a:SS+1d\"]\n\
         [[task]]\nid = \"c\"\nduration = \"1mo\"\nafter_any = [\"b\"]\n"
    );
    let path = write_model(dir.path(), "cycle.toml", &text);
    for cmd in ["run", "check", "inspect"] {
        refused(
            &[cmd, s(&path)],
            &["cycle", "a → c → b → a", "remove or reverse"],
        );
    }
}

#[cfg(unix)]
#[test]
fn a_model_without_tasks_is_refused() {
    let dir = tmp();
    let path = write_model(dir.path(), "empty.toml", HEAD);
    refused(&["run", s(&path)], &["no tasks", "[[task]]"]);
    refused(&["inspect", s(&path)], &["no tasks"]);
    // The file itself is valid: `check` reads it (its tasks could come from includes).
    let check = ok(&["check", s(&path)]);
    assert!(check.stdout.contains("0 tasks"), "{}", check.stdout);
}

#[cfg(unix)]
#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = tmp();
    // ESC (clear screen, window title), BEL, CR and a bidirectional override, in names, in
    // ids that are refused, in keys and in the source shown by a diagnostic.
    let hostile = r"\u001b[2J\u001b]0;owned\u0007\rX\u202e";
    let good = format!(
        "[program]\nname = \"{hostile}\"\nstart = 2022-01-01\nhorizon = 2026-12-31\n\
         [[task]]\nid = \"a\"\nname = \"{hostile}\"\nduration = \"1mo\"\n\
         [[risk]]\nid = \"r\"\nname = \"{hostile}\"\nchance = 0.5\ntasks = [\"a\"]\ndelay = \"1mo\"\n\
         [[scenario]]\nid = \"s\"\nname = \"{hostile}\"\ndisable = [\"r\"]\n"
    );
    let path = write_model(dir.path(), "names.toml", &good);
    for args in [
        vec!["run", s(&path), "-n", "2000"],
        vec!["check", s(&path)],
        vec!["inspect", s(&path)],
    ] {
        let run = ok(&args);
        assert_no_controls(&args, &run.stdout);
        assert_no_controls(&args, &run.stderr);
    }
    let bad_cases = [
        // A refused id and an unknown key that carry the characters.
        format!("{HEAD}[[task]]\nid = \"{hostile}\"\nduration = \"1mo\"\n"),
        format!("{HEAD}{TASK}\"{hostile}\" = 1\n"),
        // A reference to an unknown task.
        format!("{HEAD}[[task]]\nid = \"a\"\nduration = \"1mo\"\nafter = [\"{hostile}\"]\n"),
        // Raw control characters in the file itself, shown in the snippet.
        format!("{HEAD}{TASK}# \u{1b}[2J \u{7}\r\nname = \u{1b}\n"),
    ];
    for (k, text) in bad_cases.iter().enumerate() {
        let p = write_model(dir.path(), &format!("bad{k}.toml"), text);
        refused(&["run", s(&p)], &[]);
        refused(&["check", s(&p)], &[]);
    }
    // A file name with control characters.
    let odd = dir.path().join("odd\u{1b}[2J.toml");
    std::fs::write(&odd, "[program]\n").unwrap();
    refused(&["run", s(&odd)], &["odd"]);
}

// ---------------------------------------------------------------------------------------------
// Outputs never overwrite inputs; interrupted writes leave nothing behind
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn outputs_never_overwrite_inputs_or_each_other() {
    let dir = tmp();
    let d = dir.path();
    let text = format!("{HEAD}{TASK}");
    let model = write_model(d, "m.toml", &text);
    let rules = write_model(
        d,
        "rules.toml",
        "[[rule]]\nname = \"*\"\nduration = \"pert(90%, 100%, 150%)\"\n",
    );
    std::os::unix::fs::symlink(&model, d.join("link.toml")).unwrap();
    std::fs::hard_link(&model, d.join("hard.toml")).unwrap();
    let sub = d.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let dotted = format!("{}/sub/../m.toml", s(d));
    let json = d.join("out.json");
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            vec!["--json".into(), s(&model).into()],
            vec!["--json", "the model"],
        ),
        (
            vec!["--html".into(), dotted.clone()],
            vec!["--html", "the model"],
        ),
        (
            vec!["--html".into(), format!("{}/link.toml", s(d))],
            vec!["the model"],
        ),
        (
            vec!["--json".into(), format!("{}/hard.toml", s(d))],
            vec!["the model"],
        ),
        (
            vec![
                "--uncertainty".into(),
                s(&rules).into(),
                "--json".into(),
                s(&rules).into(),
            ],
            vec!["the uncertainty rules"],
        ),
        (
            vec![
                "--json".into(),
                s(&json).into(),
                "--html".into(),
                format!("{}/./out.json", s(d)),
            ],
            vec!["--json", "--html"],
        ),
        (
            vec![
                "--csv".into(),
                s(&sub).into(),
                "--json".into(),
                format!("{}/sub/tasks.csv", s(d)),
            ],
            vec!["--csv"],
        ),
    ];
    for (extra, needles) in cases {
        let mut args = vec!["run", s(&model), "-n", "100"];
        args.extend(extra.iter().map(String::as_str));
        refused(&args, &needles);
        assert_eq!(std::fs::read_to_string(&model).unwrap(), text, "{args:?}");
        assert!(!json.exists(), "{args:?}: nothing is written");
    }
    // An include is an input too.
    let xer = crate::import_hardening::generate::xer(&[("1", "One")], &[]);
    std::fs::write(d.join("plan.xer"), &xer).unwrap();
    let with_inc = write_model(
        d,
        "inc.toml",
        &format!("{HEAD}{TASK}[[include]]\nfile = \"plan.xer\"\nprefix = \"x\"\n"),
    );
    refused(
        &["run", s(&with_inc), "--html", &format!("{}/plan.xer", s(d))],
        &["include `x`"],
    );
    assert_eq!(std::fs::read_to_string(d.join("plan.xer")).unwrap(), xer);
    // `import -o` onto its schedule or its rules.
    let sm = d.join("plan.xer");
    refused(&["import", s(&sm), "-o", s(&sm)], &["-o", "the schedule"]);
    refused(
        &[
            "import",
            s(&sm),
            "--uncertainty",
            s(&rules),
            "-o",
            s(&rules),
        ],
        &["the uncertainty rules"],
    );
    assert_eq!(std::fs::read_to_string(&sm).unwrap(), xer);
}

#[cfg(unix)]
#[test]
fn stale_temporary_files_of_dead_processes_are_removed() {
    let dir = tmp();
    let d = dir.path();
    let out = d.join("out.json");
    // A process id above Linux's largest cannot be alive; ours is.
    let dead = d.join(".out.json.999999999.0.tmp");
    let alive = d.join(format!(".out.json.{}.7.tmp", std::process::id()));
    let other = d.join(".other.json.999999999.0.tmp");
    for p in [&dead, &alive, &other] {
        std::fs::write(p, "partial").unwrap();
    }
    ok(&["run", "-n", "200", "-q", "--json", s(&out)]);
    assert!(out.exists());
    assert!(!dead.exists(), "the dead process's file is removed");
    assert!(alive.exists(), "a live process's file is kept");
    assert!(other.exists(), "another output's file is left alone");
}

#[cfg(unix)]
#[test]
fn an_interrupted_write_leaves_no_temporary_file_and_the_old_output() {
    // A model whose HTML report is about 30 MB, so that its write takes long enough to be
    // interrupted: the test waits until the temporary file appears, then sends SIGINT.
    let dir = tmp();
    let d = dir.path();
    let name = "n".repeat(1_000_000);
    let mut text = HEAD.to_string();
    for i in 0..30 {
        text.push_str(&format!(
            "[[task]]\nid = \"t{i}\"\nname = \"{name}{i}\"\nduration = \"tri(1d, 5d, 20d)\"\n"
        ));
    }
    let model = write_model(d, "big.toml", &text);
    let html = d.join("report.html");
    let mut caught = 0;
    for _ in 0..5 {
        std::fs::write(&html, "OLD").unwrap();
        let mut child = command(&[
            "run",
            s(&model),
            "-n",
            "200",
            "--no-drivers",
            "-q",
            "--html",
            s(&html),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        let started = std::time::Instant::now();
        let tmp_seen = loop {
            let seen = std::fs::read_dir(d)
                .unwrap()
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".tmp"));
            if seen || child.try_wait().unwrap().is_some() || started.elapsed().as_secs() > 60 {
                break seen;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        if tmp_seen {
            sys::interrupt(child.id());
        }
        let status = child.wait().unwrap();
        let leftovers: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
        let now = std::fs::read(&html).unwrap();
        if tmp_seen && status.code() == Some(130) {
            caught += 1;
            assert_eq!(now, b"OLD", "the old report is kept whole");
        } else {
            // Finished before the signal: the new report is there whole.
            assert!(now.ends_with(b"</html>\n"), "a whole report");
        }
    }
    assert!(caught > 0, "no write was caught in progress in 5 tries");
}

// ---------------------------------------------------------------------------------------------
// Smaller things users expect
// ---------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn an_unknown_scenario_lists_the_valid_ones() {
    refused(
        &["run", "-n", "100", "--scenario", "go_alon"],
        &[
            "`go_alon`",
            "`base`, `go_alone`, `hyundai_stake`, `baic_cobrand`",
            "did you mean `go_alone`?",
        ],
    );
}

#[test]
fn nothing_by_the_horizon_says_so_and_suggests_one() {
    let dir = tmp();
    let text = "[program]\nname = \"late\"\nstart = 2022-01-01\nhorizon = 2023-01-01\n\
                [[task]]\nid = \"a\"\nduration = \"tri(2y, 3y, 4y)\"\n";
    let path = write_model(dir.path(), "late.toml", text);
    let run = ok(&["run", s(&path), "-n", "500"]);
    let flat = run.err_flat();
    assert!(
        flat.contains(
            "in no iteration of any scenario the last task finishes by the horizon, 2023-01-01"
        ),
        "{}",
        run.stderr
    );
    // The most-likely schedule: three years from 2022-01-01.
    assert!(flat.contains("finishes on 2024-12-31"), "{}", run.stderr);
    assert!(flat.contains("e.g. 2026-12-31"), "{}", run.stderr);
}

#[test]
fn the_timing_line_counts_in_words() {
    let run = ok(&["run", "-n", "12000", "--scenario", "base", "--no-drivers"]);
    assert!(
        run.stdout.contains("\n12,000 iterations × 1 scenario in "),
        "{}",
        run.stdout
    );
    let run = ok(&["run", "-n", "1", "--no-drivers"]);
    assert!(
        run.stdout.contains("\n1 iteration × 4 scenarios in "),
        "{}",
        run.stdout
    );
}
