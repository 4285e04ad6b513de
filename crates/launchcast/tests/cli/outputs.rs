//! `run`'s outputs: CSV tables, JSON and HTML files (written whole, their paths checked before
//! the run), the report as a browser draws it, FIFOs, and a standard output that is closed or
//! full.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::*;

#[test]
fn csv_writes_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new/tables");
    ok(&["run", "-n", "500", "-q", "--csv", s(&out)]);
    let headers = [
        (
            "promises.csv",
            "scenario,promise,name,probability",
            1 + 3 * 4,
        ),
        (
            "first_delivery.csv",
            "scenario,probability,mean_days,p10_days,p50_days,p80_days,p90_days,p10,p50,p80,p90",
            1 + 4,
        ),
        (
            "deliveries_by_year.csv",
            "scenario,year,mean,p10,p50,p90",
            1 + 10 * 4,
        ),
        (
            "spend_by_year.csv",
            "scenario,year,mean,p10,p50,p90",
            1 + 10 * 4,
        ),
        (
            "tasks.csv",
            "scenario,task,name,probability,mean_days,p10_days,p50_days,p80_days,p90_days,criticality",
            0,
        ),
        (
            "run.csv",
            "launchcast,model,iterations,seed,start,horizon,currency",
            2,
        ),
        ("scenarios.csv", "scenario,name", 1 + 4),
        (
            "sensitivity.csv",
            "scenario,task,name,spearman,criticality",
            0,
        ),
        ("correlations.csv", "scenario,a,b,target,achieved", 1),
        (
            "drivers.csv",
            "scenario,kind,id,name,p50_days,p80_days,change_first_by_2024,\
             change_spend_within_pledge,change_illustrative_300k_by_2026",
            0,
        ),
        (
            "comparisons.csv",
            "a,b,p_a_earlier,median_diff_days,p10_diff_days,p90_diff_days,both_happen,p_tie",
            1 + 6,
        ),
        (
            "best_by_promise.csv",
            "promise,name,scenario,probability",
            0,
        ),
    ];
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<&str> = headers.iter().map(|h| h.0).collect();
    expected.sort();
    assert_eq!(names, expected, "exactly the tables, no temporary files");
    for (name, header, rows) in headers {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        assert_eq!(text.lines().next(), Some(header), "{name}");
        assert!(text.ends_with('\n'), "{name}");
        if rows > 0 {
            assert_eq!(text.lines().count(), rows, "{name}:\n{text}");
        }
        let by_scenario = !["run.csv", "comparisons.csv", "best_by_promise.csv"].contains(&name);
        for line in text.lines().skip(1).filter(|_| by_scenario) {
            let scenario = line.split(',').next().unwrap();
            assert!(
                ["base", "go_alone", "hyundai_stake", "baic_cobrand"].contains(&scenario),
                "{name}: row for unknown scenario: {line}"
            );
        }
    }
}

#[test]
fn csv_into_a_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_model(dir.path(), "plain.txt", "x");
    bad(&["run", "-n", "100", "-q", "--csv", s(&file)], &[s(&file)]);
}

#[test]
fn json_to_a_file_equals_json_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("result.json");
    let run = ok(&["run", "-n", "800", "--json", s(&path)]);
    assert!(
        run.stdout.contains("FIRST DELIVERY"),
        "the terminal summary is still printed"
    );
    let written = std::fs::read_to_string(&path).unwrap();
    let stdout = ok(&["run", "-n", "800", "--json", "-"]).stdout;
    assert_eq!(written, stdout);
    // Replacing an existing file works too.
    ok(&["run", "-n", "900", "-q", "--json", s(&path)]);
    let again = J::parse(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(again.get("iterations").num(), 900.0);
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "no temporary file left behind");
}

#[test]
fn json_into_a_missing_directory_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no/such/dir/result.json");
    let run = bad(
        &["run", "-n", "100", "--json", s(&path)],
        &[s(&path), "help:"],
    );
    assert!(!path.exists());
    assert!(
        run.stdout.is_empty(),
        "fails before simulating: {}",
        run.stdout
    );
}

#[test]
fn json_onto_a_directory_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    bad(
        &["run", "-n", "100", "-q", "--json", s(dir.path())],
        &[s(dir.path()), "directory"],
    );
    assert!(dir.path().is_dir());
}

#[test]
fn html_report_is_written_whole_and_its_path_checked_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let html = dir.path().join("r.html");
    ok(&[
        "run",
        "-n",
        "300",
        "-q",
        "--json",
        s(&json),
        "--html",
        s(&html),
    ]);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!DOCTYPE html>") && text.trim_end().ends_with("</html>"));
    for id in [
        "chart-cdf",
        "chart-histogram",
        "chart-deliveries",
        "chart-spend",
    ] {
        assert!(text.contains(&format!(r#"id="{id}""#)), "{id}");
    }
    assert!(json.exists());
    // Replaced whole: no temporary file left beside it.
    ok(&["run", "-n", "200", "-q", "--html", s(&html)]);
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["r.html", "r.json"]);

    // A missing directory or a directory as the file is refused before anything is written.
    let json2 = dir.path().join("r2.json");
    let missing = dir.path().join("missing/r.html");
    bad(
        &[
            "run",
            "-n",
            "100",
            "-q",
            "--json",
            s(&json2),
            "--html",
            s(&missing),
        ],
        &[s(&missing), "does not exist"],
    );
    bad(
        &[
            "run",
            "-n",
            "100",
            "-q",
            "--json",
            s(&json2),
            "--html",
            s(dir.path()),
        ],
        &["is a directory"],
    );
    assert!(!json2.exists());
}

/// Opens the example's report in headless Chromium as a reader would: it must load without a
/// console error, and every chart must be laid out with a real size and drawn content.
#[test]
#[cfg_attr(not(chromium), ignore = "needs /usr/bin/chromium")]
fn html_report_renders_in_headless_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    ok(&["run", "-n", "2000", "-q", "--html", s(&report)]);

    // A page that frames the report and writes the size and content of each chart into its
    // own DOM, which `--dump-dom` then prints.
    let probe = dir.path().join("probe.html");
    std::fs::write(
        &probe,
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><script>
function measure(f) {
  var out = [];
  var d = f.contentDocument;
  if (!d) { out.push('no access to the report'); }
  else d.querySelectorAll('svg.chart').forEach(function (s) {
    var r = s.getBoundingClientRect();
    out.push([s.id, Math.round(r.width), Math.round(r.height),
      s.querySelectorAll('path,rect,line,circle').length,
      s.querySelectorAll('text').length].join(' '));
  });
  document.getElementById('out').textContent = 'measured\n' + out.join('\n') + '\nend';
}
</script></head><body><pre id="out">not measured</pre>
<iframe src="report.html" style="width:1280px;height:3000px" onload="measure(this)"></iframe>
</body></html>"#,
    )
    .unwrap();

    let chrome = |page: &Path, profile: &str| -> (String, String) {
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--allow-file-access-from-files",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join(profile).display()
            ))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        // Read both pipes on threads so that a full pipe never stalls the browser.
        let mut out = child.stdout.take().unwrap();
        let mut err = child.stderr.take().unwrap();
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut out, &mut s).map(|_| s)
        });
        let err = std::thread::spawn(move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut err, &mut s).map(|_| s)
        });
        let started = std::time::Instant::now();
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if started.elapsed() > std::time::Duration::from_secs(120) {
                let _ = child.kill();
                let _ = child.wait();
                panic!("chromium did not finish within 120 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        (
            out.join().unwrap().unwrap_or_default(),
            err.join().unwrap().unwrap_or_default(),
        )
    };
    let console_errors = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| {
                l.contains("Uncaught")
                    || (l.contains(":CONSOLE")
                        && (l.contains("rror") || l.contains("Failed") || l.contains("Refused")))
            })
            .map(str::to_string)
            .collect()
    };

    // The report by itself: its DOM has every chart as inline SVG, and the page logs no error.
    let (dom, stderr) = chrome(&report, "profile-report");
    assert_eq!(console_errors(&stderr), Vec::<String>::new(), "{stderr}");
    assert!(dom.contains("</html>"), "no DOM dumped:\n{stderr}");
    let ids = [
        "chart-cdf",
        "chart-histogram",
        "chart-deliveries",
        "chart-spend",
        "chart-tornado",
        "chart-criticality",
        "chart-sensitivity",
    ];
    for id in ids {
        assert!(
            dom.contains(&format!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}""#
            )),
            "{id} is not in the rendered DOM"
        );
    }

    // Laid out: every chart as wide as the page's column, with content drawn in it.
    let (dom, stderr) = chrome(&probe, "profile-probe");
    assert_eq!(console_errors(&stderr), Vec::<String>::new(), "{stderr}");
    let measured = dom
        .split("measured\n")
        .nth(1)
        .and_then(|m| m.split("\nend").next())
        .unwrap_or_else(|| panic!("the probe did not run:\n{dom}\n{stderr}"));
    for id in ids {
        let line = measured
            .lines()
            .find(|l| l.split(' ').next() == Some(id))
            .unwrap_or_else(|| panic!("{id} not laid out:\n{measured}"));
        let n: Vec<u32> = line
            .split(' ')
            .skip(1)
            .map(|v| v.parse().unwrap())
            .collect();
        assert!(
            n.len() == 4 && n[0] >= 600 && n[1] >= 60 && n[2] >= 1 && n[3] >= 1,
            "{id} is too small or empty: {line}"
        );
    }
}

/// A FIFO (like `/dev/stdout`) is written in place, never replaced by a regular file.
#[cfg(unix)]
#[test]
fn json_into_a_fifo_writes_through_it() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    sys::mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(&fifo)
                .and_then(|mut f| f.read_to_string(&mut text))
                .map(|_| text)
        })
    };
    let run = ok(&["run", "-n", "300", "-q", "--json", s(&fifo)]);
    assert!(run.stdout.is_empty());
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by a regular file");
    let text = reader.join().unwrap().unwrap();
    assert_eq!(J::parse(&text).get("iterations").num(), 300.0);
}

#[test]
fn closed_stdout_ends_quietly() {
    for args in [
        &["run", "-n", "2000"][..],
        &["run", "-n", "2000", "--json", "-"],
        &["check", "examples/xiaomi-2022.toml"],
        &["inspect", "examples/xiaomi-2022.toml"],
    ] {
        let mut child = command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let run = Run::from(args, out);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(run.stderr.is_empty(), "{args:?}: {}", run.stderr);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn full_stdout_is_a_write_error() {
    use std::os::unix::fs::FileTypeExt;
    let full = Path::new("/dev/full");
    if !std::fs::metadata(full).is_ok_and(|m| m.file_type().is_char_device()) {
        return;
    }
    for args in [
        &["run", "-n", "500"][..],
        &["check", "examples/xiaomi-2022.toml"],
    ] {
        let out = command(args)
            .stdout(std::fs::OpenOptions::new().write(true).open(full).unwrap())
            .output()
            .unwrap();
        let run = Run::from(args, out);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("standard output"), "{}", run.stderr);
    }
}
