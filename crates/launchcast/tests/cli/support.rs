//! What every test of the binary uses: running it (with the exit code, standard output and
//! standard error kept, and a check that nothing panicked), the one snapshot of a whole run,
//! model files in temporary directories, JSON with its key order, dates, and the shared data.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub(crate) fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_launchcast"));
    cmd.args(args)
        .current_dir(workspace_root())
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        // Runs of the shared test data and of the example must not leave a history beside
        // them; the history tests take this off.
        .env("LAUNCHCAST_HISTORY", "off")
        .stdin(Stdio::null());
    cmd
}

/// One finished run of the binary.
pub(crate) struct Run {
    /// The command line after `launchcast`.
    pub(crate) args: Vec<String>,
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    pub(crate) fn from(args: &[&str], out: Output) -> Run {
        let run = Run {
            args: args.iter().map(|a| a.to_string()).collect(),
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "launchcast {args:?} panicked:\n{}",
            run.stderr
        );
        run
    }

    /// Standard error with runs of white space (and miette's frame characters) collapsed to
    /// one space, so that assertions do not depend on line wrapping.
    pub(crate) fn err_flat(&self) -> String {
        self.stderr
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// What the user sees: the command, its exit code, standard output and standard error,
    /// with the wall-clock line of `run` as `[timing]` (the one part that changes between
    /// runs).
    fn transcript(&self) -> String {
        let mut text = format!(
            "$ launchcast {}\nexit code: {}\n",
            self.args.join(" "),
            self.code
        );
        for (name, stream) in [("stdout", &self.stdout), ("stderr", &self.stderr)] {
            text.push_str(&format!("----- {name} -----\n"));
            for line in stream.lines() {
                text.push_str(if is_timing_line(line) {
                    "[timing]"
                } else {
                    line
                });
                text.push('\n');
            }
            if !stream.is_empty() && !stream.ends_with('\n') {
                text.push_str("[no line break at the end]\n");
            }
        }
        text
    }
}

/// The line with the wall-clock time, e.g. `2000 iterations × 4 scenario(s) in 0.02 s`.
pub(crate) fn is_timing_line(line: &str) -> bool {
    line.starts_with(|c: char| c.is_ascii_digit()) && line.contains(" in ") && line.ends_with(" s")
}

/// Runs `launchcast ARGS` and compares everything the user sees (the command, exit code,
/// standard output and standard error: `Run::transcript`) with the snapshot
/// `tests/cli/snapshots/NAME.snap`. Every test that checks a whole output uses it.
pub(crate) fn snapshot(name: &str, args: &[&str]) -> Run {
    let run = lc(args);
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, run.transcript()));
    run
}

pub(crate) fn lc(args: &[&str]) -> Run {
    let out = command(args).output().expect("launchcast starts");
    Run::from(args, out)
}

pub(crate) fn ok(args: &[&str]) -> Run {
    let run = lc(args);
    assert_eq!(
        run.code, 0,
        "launchcast {args:?} failed:\n{}\n{}",
        run.stdout, run.stderr
    );
    run
}

/// Runs a command that must fail as bad input or usage (exit 2) and name every `needle` on
/// standard error (compared with white space collapsed).
pub(crate) fn bad(args: &[&str], needles: &[&str]) -> Run {
    let run = lc(args);
    assert_eq!(
        run.code, 2,
        "launchcast {args:?} should exit 2:\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let flat = run.err_flat();
    for needle in needles {
        let needle = needle.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&needle),
            "launchcast {args:?}: stderr does not mention {needle:?}:\n{}",
            run.stderr
        );
    }
    run
}

/// Printable text and line ends only: nothing that acts on a terminal (a control character
/// other than a line break, or a bidirectional override or isolate).
pub(crate) fn harmless(c: char) -> bool {
    c == '\n' || !(c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
}

/// What a child run cost: its wall time and its peak resident memory.
pub(crate) struct Cost {
    pub(crate) seconds: f64,
    pub(crate) peak_mib: f64,
}

/// Runs `launchcast ARGS` (standard input from `stdin` if given, else empty) and measures the
/// child: wall time, and peak resident set size from the kernel's own account (`wait4`), so
/// that resource bounds are asserted on the real process. A run over `timeout` is killed and
/// fails the test.
#[cfg(unix)]
#[allow(clippy::zombie_processes)] // reaped by `wait4` below, which also gives its usage
pub(crate) fn lc_cost(args: &[&str], timeout: std::time::Duration) -> (Run, Cost) {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    let started = std::time::Instant::now();
    let mut child = command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("launchcast starts");
    let pid = child.id();
    // Drain both pipes on threads so that a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let err_t = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let (status, usage) = loop {
        if let Some(ended) = sys::try_wait4(pid) {
            break ended;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            panic!("launchcast {args:?} ran longer than {timeout:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let seconds = started.elapsed().as_secs_f64();
    let output = Output {
        status: std::process::ExitStatus::from_raw(status),
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
    };
    // Linux reports ru_maxrss in KiB.
    let peak_mib = usage.ru_maxrss as f64 / 1024.0;
    (Run::from(args, output), Cost { seconds, peak_mib })
}

/// The system calls the tests make, the only `unsafe` code of the crate: the kernel's account
/// of a child's peak memory (`wait4`), FIFOs and an interrupt at a chosen moment have no safe
/// interface in the standard library.
#[cfg(unix)]
#[allow(unsafe_code)]
pub(crate) mod sys {
    /// `(wait status, resource usage)` of child `pid` if it has ended (reaping it), else `None`.
    pub(crate) fn try_wait4(pid: u32) -> Option<(libc::c_int, libc::rusage)> {
        let pid = pid as libc::pid_t;
        let mut status: libc::c_int = 0;
        // SAFETY: plain system call on our own child; `usage` is written by the kernel.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(r == pid || r == 0, "wait4 failed for child {pid}");
        (r == pid).then_some((status, usage))
    }

    /// Makes a FIFO at `path`.
    pub(crate) fn mkfifo(path: &std::path::Path) {
        let c = std::ffi::CString::new(super::s(path)).unwrap();
        // SAFETY: a plain system call with a valid, NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    }

    /// Sends SIGINT to child `pid`, as Ctrl-C would.
    pub(crate) fn interrupt(pid: u32) {
        // SAFETY: a signal to our own child.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) };
    }
}

/// A model of a program from 2024-01-01 to 2026-01-01, without items.
pub(crate) const PROGRAM: &str =
    "[program]\nname = \"t\"\nstart = 2024-01-01\nhorizon = 2026-01-01\n";

/// Writes `text` to `dir/name` and returns the path.
pub(crate) fn write_model(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A path as an argument.
pub(crate) fn s(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// `LINE:COLUMN` (1-based, columns in characters) of the first occurrence of `token`.
pub(crate) fn loc(text: &str, token: &str) -> String {
    for (i, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(token) {
            return format!("{}:{}", i + 1, line[..byte].chars().count() + 1);
        }
    }
    panic!("{token:?} is not in the model text");
}

// ---------------------------------------------------------------------------------------------
// JSON with key order kept (serde_json's own map sorts keys)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum J {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl<'de> Deserialize<'de> for J {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<J, D::Error> {
        d.deserialize_any(JVisitor)
    }
}

struct JVisitor;

impl<'de> Visitor<'de> for JVisitor {
    type Value = J;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_none<E>(self) -> Result<J, E> {
        Ok(J::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<J, E> {
        Ok(J::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<J, E> {
        Ok(J::Num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<J, E> {
        Ok(J::Num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<J, E> {
        Ok(J::Num(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<J, E> {
        Ok(J::Str(v.to_string()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<J, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element()? {
            v.push(x);
        }
        Ok(J::Arr(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<J, A::Error> {
        let mut v = Vec::new();
        while let Some((k, x)) = map.next_entry::<String, J>()? {
            v.push((k, x));
        }
        Ok(J::Obj(v))
    }
}

impl J {
    pub(crate) fn parse(text: &str) -> J {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{text}"))
    }
    pub(crate) fn keys(&self) -> Vec<&str> {
        match self {
            J::Obj(kv) => kv.iter().map(|(k, _)| k.as_str()).collect(),
            other => panic!("not an object: {other:?}"),
        }
    }
    pub(crate) fn get(&self, key: &str) -> &J {
        match self {
            J::Obj(kv) => kv
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {key:?} in {:?}", self.keys())),
            other => panic!("not an object: {other:?}"),
        }
    }
    pub(crate) fn arr(&self) -> &[J] {
        match self {
            J::Arr(v) => v,
            other => panic!("not an array: {other:?}"),
        }
    }
    pub(crate) fn str(&self) -> &str {
        match self {
            J::Str(v) => v,
            other => panic!("not a string: {other:?}"),
        }
    }
    pub(crate) fn num(&self) -> f64 {
        match self {
            J::Num(v) => *v,
            other => panic!("not a number: {other:?}"),
        }
    }
    pub(crate) fn opt_num(&self) -> Option<f64> {
        match self {
            J::Null => None,
            _ => Some(self.num()),
        }
    }
}

/// The contract keys come first, in contract order; anything else only after them.
pub(crate) fn assert_contract_keys(obj: &J, contract: &[&str], what: &str) {
    let keys = obj.keys();
    assert!(
        keys.len() >= contract.len() && keys[..contract.len()] == *contract,
        "{what}: keys {keys:?} must start with the contract keys {contract:?}"
    );
}

/// The contract keys are all present and in contract order (other keys may sit in between).
pub(crate) fn assert_contract_keys_in_order(obj: &J, contract: &[&str], what: &str) {
    let keys = obj.keys();
    let positions: Vec<usize> = contract
        .iter()
        .map(|c| {
            keys.iter()
                .position(|k| k == c)
                .unwrap_or_else(|| panic!("{what}: contract key {c:?} missing from {keys:?}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{what}: contract keys {contract:?} out of order in {keys:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, days since 1970-01-01)
// ---------------------------------------------------------------------------------------------

fn days_from_civil(date: &str) -> i64 {
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let (y, m, d) = (parts[0], parts[1], parts[2]);
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

pub(crate) fn add_days(start: &str, days: f64) -> String {
    civil_from_days(days_from_civil(start) + days.floor() as i64)
}

#[test]
fn date_helpers_round_trip() {
    assert_eq!(add_days("2022-07-01", 0.0), "2022-07-01");
    assert_eq!(add_days("2024-02-28", 1.9), "2024-02-29");
    assert_eq!(add_days("2023-12-31", 1.0), "2024-01-01");
    assert_eq!(add_days("2024-01-01", 366.0), "2025-01-01");
}

// ---------------------------------------------------------------------------------------------
// The shared data
// ---------------------------------------------------------------------------------------------

/// `../shared/data` beside the workspace. A test that reads it is marked
/// `#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]`
/// (`build.rs` sets `shared_data` where it is), so that it is reported as ignored where the
/// data is absent instead of passing.
pub(crate) fn shared_data() -> PathBuf {
    let data = workspace_root().join("../shared/data");
    assert!(data.is_dir(), "{} is absent", data.display());
    data
}

/// An MSPDI schedule of the shared data with links of every type and lags, on a working-time
/// calendar.
pub(crate) const TASK_LINKS: &str =
    "mpxj-junit/generated/task-links/task-links-project2003-mspdi.xml";

#[cfg(unix)]
#[test]
fn child_cost_is_measured() {
    // The measure itself must be able to fail: a run of the example is neither free nor huge.
    let (run, cost) = lc_cost(
        &["run", "-q", "-n", "2000"],
        std::time::Duration::from_secs(60),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        cost.peak_mib > 1.0 && cost.peak_mib < 500.0,
        "{}",
        cost.peak_mib
    );
    assert!(cost.seconds > 0.0 && cost.seconds < 60.0);
}
