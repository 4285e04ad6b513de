//! `launchcast serve` as a user starts it: the first line on standard output, and a what-if
//! over HTTP equal to `launchcast run` on a file with the same changes, byte for byte.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use crate::support::{bad, command, ok, workspace_root};

/// A `serve` child, ended when dropped.
struct Server {
    child: Child,
    port: u16,
    token: String,
    first_line: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = command(&[&["serve", "--port", "0", "--no-open"][..], args].concat())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let url = first_line.trim().rsplit(' ').next().unwrap().to_string();
    let rest = url
        .strip_prefix("http://127.0.0.1:")
        .unwrap_or_else(|| panic!("{first_line}"));
    let (port, token) = rest.split_once("/?token=").unwrap();
    Server {
        port: port.parse().unwrap(),
        token: token.to_string(),
        first_line,
        child,
    }
}

/// One POST with the token; the status and the body (Content-Length answers).
fn post(s: &Server, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        s.port,
        s.token,
        body.len()
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

#[test]
fn the_first_line_names_the_model_and_the_address_with_its_token() {
    let s = start(&[]);
    assert!(
        s.first_line
            .starts_with("launchcast serving examples/xiaomi-2022.toml at http://127.0.0.1:"),
        "{}",
        s.first_line
    );
    assert_eq!(s.token.len(), 32);
    assert!(s.token.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(s.port, 0);
}

#[test]
fn a_what_if_prints_what_run_prints_for_the_file_with_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        workspace_root().join("crates/launchcast-serve/tests/serve/launch.toml"),
    )
    .unwrap();
    let model = dir.path().join("launch.toml");
    std::fs::write(&model, &text).unwrap();
    let s = start(&[model.to_str().unwrap()]);
    let (status, got) = post(
        &s,
        "/api/whatif",
        r#"{"set": {"own_licence.chance": 0.9, "licence_freeze.chance": 0.6}, "iterations": 30000}"#,
    );
    assert_eq!(status, 200, "{got}");
    // The same changes written into the file's own values.
    let edited = text
        .replace("chance = 0.75 ", "chance = 0.9 ")
        .replace("chance = 0.3\n", "chance = 0.6\n");
    assert_ne!(edited, text);
    let changed = dir.path().join("changed.toml");
    std::fs::write(&changed, &edited).unwrap();
    let run = ok(&[
        "run",
        changed.to_str().unwrap(),
        "-n",
        "30000",
        "--no-drivers",
        "--json",
        "-",
        "-q",
    ]);
    assert_eq!(got, run.stdout);
}

#[test]
fn a_bad_model_is_refused_before_serving() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("bad.toml");
    std::fs::write(&model, "[program]\nname = 1\n").unwrap();
    bad(
        &["serve", "--no-open", "--port", "0", model.to_str().unwrap()],
        &["name"],
    );
}

/// One GET with the token; the status and the body.
fn get(s: &Server, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        s.port, s.token
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    (
        head.split(' ').nth(1).unwrap().parse().unwrap(),
        body.to_string(),
    )
}

#[test]
#[cfg_attr(not(shared_data), ignore = "needs ../shared/data beside the workspace")]
fn a_schedule_file_is_served_as_run_reads_it_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.xml");
    let text =
        std::fs::read_to_string(crate::support::shared_data().join(crate::support::TASK_LINKS))
            .unwrap();
    std::fs::write(&plan, &text).unwrap();
    let s = start(&[plan.to_str().unwrap()]);
    assert!(
        s.first_line
            .starts_with(&format!("launchcast serving {} at ", plan.display()))
    );
    let (status, result) = get(&s, "/api/result");
    assert_eq!(status, 200, "{result}");
    let run = ok(&["run", plan.to_str().unwrap(), "--json", "-", "-q"]);
    assert_eq!(result, run.stdout);
    let (status, body) = post(&s, "/api/save", r#"{"set": {}}"#);
    assert_eq!(status, 400, "{body}");
    assert!(
        body.contains("not a model file this server can write"),
        "{body}"
    );
    assert_eq!(std::fs::read_to_string(&plan).unwrap(), text);
}

#[test]
fn every_address_is_served_with_a_warning_that_the_token_is_all() {
    let mut child = command(&["serve", "--port", "0", "--no-open", "--host", "0.0.0.0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let mut warning = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut warning)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    // The address to open is still this machine's.
    assert!(first_line.contains(" at http://127.0.0.1:"), "{first_line}");
    assert!(
        warning.starts_with("warning: listening on 0.0.0.0:"),
        "{warning}"
    );
    assert!(
        warning.contains("the token is the only protection"),
        "{warning}"
    );
}
