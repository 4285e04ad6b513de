//! What the tests share: a server on a free port over a copy of the test model, a minimal
//! HTTP/1.1 client over a `TcpStream`, and `launchcast run`'s own path from a model text to
//! its JSON result (the library calls `run --json --no-drivers` makes), to compare with.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use launchcast_engine::{Plan, RunOptions};
use launchcast_model::ValidModel;
use launchcast_serve::{Options, Running, Source};

/// The test model, with comments.
pub(crate) const MODEL: &str = include_str!("launch.toml");

/// A server over its own copy of the test model.
pub(crate) struct Served {
    pub(crate) running: Running,
    pub(crate) file: PathBuf,
    _dir: tempfile::TempDir,
}

pub(crate) fn serve() -> Served {
    serve_with(Options::default())
}

pub(crate) fn serve_with(options: Options) -> Served {
    serve_files(&[("launch.toml", MODEL)], "launch.toml", options)
}

/// Serves the model `model` of `files` (paths relative to a fresh directory, and texts).
pub(crate) fn serve_files(files: &[(&str, &str)], model: &str, options: Options) -> Served {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let at = dir.path().join(path);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::fs::write(at, text).unwrap();
    }
    let file = dir.path().join(model);
    let source = Source::model_file(&file).unwrap();
    let running = launchcast_serve::spawn(source, Options { port: 0, ..options }).unwrap();
    Served {
        running,
        file,
        _dir: dir,
    }
}

impl Served {
    pub(crate) fn addr(&self) -> SocketAddr {
        self.running.addr()
    }

    pub(crate) fn token(&self) -> String {
        self.running.token().to_string()
    }

    /// A request with the token in a header and the right `Host`.
    pub(crate) fn call(&self, method: &str, path: &str, body: &str) -> Reply {
        let auth = format!("Bearer {}", self.token());
        request(
            self.addr(),
            method,
            path,
            &[("Host", &self.addr().to_string()), ("Authorization", &auth)],
            body.as_bytes(),
        )
    }

    pub(crate) fn post(&self, path: &str, body: serde_json::Value) -> Reply {
        self.call("POST", path, &body.to_string())
    }
}

/// One answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with exactly these headers (and `Content-Length`,
/// `Connection: close`); the whole answer, chunked bodies decoded.
pub(crate) fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(head.as_bytes()).unwrap();
    // A refused body may be answered before it is all sent: the rest may not be taken.
    let _ = stream.write_all(body);
    parse_reply(&read_reply(&mut stream))
}

/// The bytes of one answer: up to its `Content-Length`, its last chunk, or the end of the
/// connection (a server may keep it open after the answer, whatever was asked).
fn read_reply(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            let body = raw.len() - split - 4;
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            if length.is_some_and(|n| body >= n)
                || (head.contains("transfer-encoding: chunked") && raw.ends_with(b"\r\n0\r\n\r\n"))
            {
                return raw;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return raw,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
}

fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer: {:?}", String::from_utf8_lossy(raw)));
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body: String::from_utf8(body).unwrap(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = std::str::from_utf8(&data[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next()?.trim(), 16).ok())
            .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

/// What `launchcast run MODEL -n N --seed S --no-drivers --json -` prints for `text`
/// (the library calls of `commands::run`), for the scenarios `only` (empty: all).
pub(crate) fn cli_json(text: &str, iterations: u64, only: &[&str]) -> serde_json::Value {
    cli_json_at(text, "model.toml", iterations, only)
}

/// [`cli_json`] of `text` as the model file at `path` (its shared reference files beside it).
pub(crate) fn cli_json_at(
    text: &str,
    path: &str,
    iterations: u64,
    only: &[&str],
) -> serde_json::Value {
    let model = ValidModel::parse(text, path).unwrap();
    let ids: Vec<String> = only.iter().map(|s| s.to_string()).collect();
    let selection = model.select(&ids).unwrap();
    let plan = Plan::compile_selected(&model, &selection);
    let outcomes = launchcast_engine::run(
        &plan,
        &RunOptions {
            iterations,
            seed: model.program.seed,
            threads: 0,
            progress: None,
            statistics: true,
        },
    )
    .unwrap();
    let (summary, _) = launchcast_report::summarize_ranked(&model, plan.scenarios(), &outcomes);
    serde_json::from_str(&launchcast_report::to_json(&summary)).unwrap()
}
