//! `launchcast mcp` driven by a scripted client speaking newline-delimited JSON-RPC: the
//! handshake, the tool list, each tool's answer compared byte for byte with the command that
//! prints the same, a bad model as a tool error with its place, and the limits.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};

use serde_json::{Value, json};

use crate::support::{command, ok, s, write_model};

/// A client of one server process.
struct Client {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next: u64,
}

impl Client {
    /// Starts `launchcast mcp EXTRA...` and makes the handshake.
    fn start(extra: &[&str]) -> Client {
        let mut args = vec!["mcp"];
        args.extend_from_slice(extra);
        let mut child = command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("launchcast mcp starts");
        let input = child.stdin.take().expect("stdin");
        let output = BufReader::new(child.stdout.take().expect("stdout"));
        let mut c = Client {
            child,
            input,
            output,
            next: 1,
        };
        let init = c.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "script", "version": "1"}}),
        );
        let result = &init["result"];
        assert_eq!(result["serverInfo"]["name"], "launchcast", "{init}");
        assert_eq!(
            result["serverInfo"]["version"],
            env!("CARGO_PKG_VERSION"),
            "{init}"
        );
        assert!(result["capabilities"]["tools"].is_object(), "{init}");
        c.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        c
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.input, "{message}").expect("the server reads");
        self.input.flush().expect("the server reads");
    }

    /// Sends a request and returns its response (messages without its id are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            let n = self.output.read_line(&mut line).expect("the server writes");
            assert!(
                n > 0,
                "the server closed its output before answering {method}"
            );
            let v: Value = serde_json::from_str(&line).expect("each line is JSON");
            if v["id"] == json!(id) {
                return v;
            }
        }
    }

    /// `tools/call`: the whole response.
    fn call(&mut self, tool: &str, arguments: Value) -> Value {
        self.request("tools/call", json!({"name": tool, "arguments": arguments}))
    }

    /// A tool call that must succeed: the text of its one content block.
    fn text(&mut self, tool: &str, arguments: Value) -> String {
        let r = self.call(tool, arguments);
        assert_eq!(r["result"]["isError"], false, "{tool}: {r}");
        r["result"]["content"][0]["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{tool}: no text in {r}"))
            .to_string()
    }

    /// A tool call that must be a tool error: its result.
    fn tool_error(&mut self, tool: &str, arguments: Value) -> Value {
        let r = self.call(tool, arguments);
        assert_eq!(r["result"]["isError"], true, "{tool}: {r}");
        r["result"].clone()
    }

    /// A call that must be a JSON-RPC error: its message.
    fn rpc_error(&mut self, tool: &str, arguments: Value) -> String {
        let r = self.call(tool, arguments);
        assert!(r["result"].is_null(), "{tool}: {r}");
        r["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Closes the server's input: it ends, without a panic.
    fn finish(self) {
        let Client { child, input, .. } = self;
        drop(input);
        let out = child.wait_with_output().expect("the server ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "mcp ended with {:?}: {stderr}",
            out.status
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

const EXAMPLE: &str = "examples/xiaomi-2022.toml";
const PILOT: &str = "examples/backtest/pilot.toml";
const ACTUALS: &str = "examples/backtest/actuals.toml";

#[test]
fn lists_six_tools_with_their_argument_schemas() {
    let mut c = Client::start(&[]);
    let r = c.request("tools/list", json!({}));
    let tools = r["result"]["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "check",
            "run",
            "whatif",
            "backtest",
            "import_schedule",
            "inspect"
        ]
    );
    for t in tools {
        let schema = &t["inputSchema"];
        assert_eq!(schema["type"], "object", "{t}");
        assert_eq!(schema["additionalProperties"], false, "{t}");
        assert!(
            schema["properties"]
                .as_object()
                .is_some_and(|p| !p.is_empty()),
            "{t}"
        );
        assert!(
            t["description"].as_str().is_some_and(|d| d.len() > 20),
            "{t}"
        );
    }
    let run = &tools[1]["inputSchema"]["properties"];
    for key in [
        "model",
        "model_toml",
        "iterations",
        "seed",
        "scenarios",
        "drivers",
    ] {
        assert!(run[key].is_object(), "run has no argument {key}: {run}");
    }
    c.finish();
}

#[test]
fn run_backtest_inspect_and_import_answer_what_the_commands_print() {
    let mut c = Client::start(&[]);
    // run: byte for byte the JSON of `run --json -`, drivers included.
    let text = c.text(
        "run",
        json!({"model": EXAMPLE, "iterations": 3000, "seed": 7}),
    );
    let cli = ok(&[
        "run", EXAMPLE, "-n", "3000", "--seed", "7", "--json", "-", "-q",
    ]);
    assert_eq!(text, cli.stdout);
    // The same model given as text, one scenario, no drivers.
    let model = std::fs::read_to_string(crate::support::workspace_root().join(PILOT)).unwrap();
    let text = c.text(
        "run",
        json!({"model_toml": model, "iterations": 2000, "scenarios": ["base"], "drivers": false}),
    );
    let cli = ok(&[
        "run",
        PILOT,
        "-n",
        "2000",
        "--scenario",
        "base",
        "--no-drivers",
        "--json",
        "-",
        "-q",
    ]);
    assert_eq!(text, cli.stdout);
    // backtest, its model's own iterations and seed.
    let text = c.text("backtest", json!({"model": PILOT, "actuals": ACTUALS}));
    let cli = ok(&["backtest", PILOT, "--actuals", ACTUALS, "--json", "-"]);
    assert_eq!(text, cli.stdout);
    // inspect of a model file and of a schedule file; import_schedule.
    let text = c.text("inspect", json!({"path": EXAMPLE}));
    assert_eq!(text, ok(&["inspect", EXAMPLE, "--json"]).stdout);
    let dir = tempfile::tempdir().unwrap();
    let mpx = write_model(dir.path(), "plant.mpx", crate::import::PLANT_MPX);
    let text = c.text("inspect", json!({"path": s(&mpx)}));
    assert_eq!(text, ok(&["inspect", s(&mpx), "--json"]).stdout);
    let text = c.text("import_schedule", json!({"path": s(&mpx)}));
    assert_eq!(text, ok(&["import", s(&mpx)]).stdout);
    assert!(text.contains("[[task]]"), "{text}");
    c.finish();
}

#[test]
fn check_lists_the_models_ids() {
    let mut c = Client::start(&[]);
    let text = c.text("check", json!({"model": EXAMPLE}));
    let v: Value = serde_json::from_str(&text).expect("JSON");
    // The task ids in the order of `inspect --json`'s schedule, the counts its counts.
    let inspect: Value = serde_json::from_str(&ok(&["inspect", EXAMPLE, "--json"]).stdout).unwrap();
    let ids: Vec<&Value> = inspect["schedule"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    let tasks: Vec<&Value> = v["tasks"].as_array().unwrap().iter().collect();
    assert_eq!(tasks, ids);
    for key in ["risks", "plants", "promises", "scenarios"] {
        assert_eq!(v["counts"][key], inspect[key], "{key}");
        assert_eq!(
            v[key].as_array().map(Vec::len),
            inspect[key].as_u64().map(|n| n as usize)
        );
    }
    assert_eq!(
        v["scenarios"],
        json!(["go_alone", "hyundai_stake", "baic_cobrand"])
    );
    assert_eq!(v["iterations"], 10000);
    c.finish();
}

#[test]
fn whatif_equals_a_run_of_the_model_with_the_change_written_in() {
    let mut c = Client::start(&[]);
    let root = crate::support::workspace_root();
    let model = std::fs::read_to_string(root.join(PILOT)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let changed = model
        .replace(
            "duration = \"pert(10mo, 13mo, 20mo)\"",
            "duration = \"tri(6mo, 8mo, 9mo)\"",
        )
        .replace("chance = 0.95", "chance = 0.5");
    assert_ne!(changed, model);
    let file = write_model(dir.path(), "changed.toml", &changed);
    let cli = ok(&[
        "run",
        s(&file),
        "-n",
        "2000",
        "--seed",
        "3",
        "--scenario",
        "base",
        "--json",
        "-",
        "-q",
    ]);
    let set = json!({"plant.duration": "tri(6mo, 8mo, 9mo)", "type_approval.chance": 0.5});
    let text = c.text(
        "whatif",
        json!({"model": PILOT, "set": set, "iterations": 2000, "seed": 3, "scenarios": ["base"]}),
    );
    assert_eq!(text, cli.stdout);
    // And as text; the change makes a difference.
    let text = c.text(
        "whatif",
        json!({"model_toml": model, "set": set, "iterations": 2000, "seed": 3, "scenarios": ["base"]}),
    );
    assert_eq!(text, cli.stdout);
    let base = c.text(
        "run",
        json!({"model": PILOT, "iterations": 2000, "seed": 3, "scenarios": ["base"]}),
    );
    assert_ne!(base, text);
    // Every scenario runs with the change, which wins over its own setting of the same key:
    // `fast_track` sets only `plant.duration`, so with the change it is the changed base.
    let all: Value = serde_json::from_str(&c.text(
        "whatif",
        json!({"model": PILOT, "set": set, "iterations": 2000, "seed": 3}),
    ))
    .unwrap();
    assert_eq!(all["scenarios"][1]["id"], "fast_track");
    assert_eq!(
        all["scenarios"][1]["first_delivery"],
        all["scenarios"][0]["first_delivery"]
    );
    let plain: Value = serde_json::from_str(&c.text(
        "run",
        json!({"model": PILOT, "iterations": 2000, "seed": 3}),
    ))
    .unwrap();
    assert_ne!(
        plain["scenarios"][1]["first_delivery"],
        all["scenarios"][1]["first_delivery"]
    );
    // `disable` as a scenario has it: the figures of a `[[scenario]]` that disables the risk,
    // run by the command line (only its id and name, and so the comparisons naming it,
    // differ).
    let file = write_model(
        dir.path(),
        "scenario.toml",
        &format!("{model}\n[[scenario]]\nid = \"s\"\ndisable = [\"supplier_delay\"]\n"),
    );
    let cli = ok(&[
        "run",
        s(&file),
        "-n",
        "2000",
        "--seed",
        "3",
        "--scenario",
        "s",
        "--json",
        "-",
        "-q",
    ]);
    let text = c.text(
        "whatif",
        json!({"model": PILOT, "disable": ["supplier_delay"], "iterations": 2000, "seed": 3, "scenarios": ["base"]}),
    );
    let mut cli: Value = serde_json::from_str(&cli.stdout).unwrap();
    let mut text: Value = serde_json::from_str(&text).unwrap();
    for v in [&mut cli, &mut text] {
        v["model"] = json!(null);
        v["comparisons"] = json!(null);
        v["scenarios"][0]["id"] = json!(null);
        v["scenarios"][0]["name"] = json!(null);
    }
    assert_eq!(text, cli);
    assert_ne!(
        text["scenarios"][0]["first_delivery"],
        serde_json::from_str::<Value>(&base).unwrap()["scenarios"][0]["first_delivery"]
    );
    // A setting the model has no item for: a tool error naming it.
    let e = c.tool_error(
        "whatif",
        json!({"model": PILOT, "set": {"nothing.duration": "3mo"}}),
    );
    let text = e["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with("whatif: set.\"nothing.duration\": ")
            && text.contains("unknown item `nothing`"),
        "{text}"
    );
    let p = &e["structuredContent"]["problems"][0];
    assert_eq!(p["key_path"], "set.\"nothing.duration\"", "{e}");
    // A problem of the model itself keeps its place in the file.
    let bad = model.replace("chance = 0.95", "chance = 2");
    let e = c.tool_error("whatif", json!({"model_toml": bad, "disable": ["plant"]}));
    let p = &e["structuredContent"]["problems"][0];
    // The value `2`, ten characters into its line.
    let line = crate::support::loc(&bad, "chance = 2").replace(":1", "");
    let place = format!("{line}:10");
    assert_eq!(format!("{}:{}", p["line"], p["column"]), place, "{e}");
    c.finish();
}

#[test]
fn a_bad_model_is_a_tool_error_with_its_place() {
    let mut c = Client::start(&[]);
    let model = std::fs::read_to_string(crate::support::workspace_root().join(PILOT)).unwrap();
    let bad = model.replace("chance = 0.95", "chance = 1.7");
    let dir = tempfile::tempdir().unwrap();
    let file = write_model(dir.path(), "bad.toml", &bad);
    let place = crate::support::loc(&bad, "1.7");
    let e = c.tool_error("check", json!({"model": s(&file)}));
    let text = e["content"][0]["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("{}:{place}: task[2].chance: ", s(&file))),
        "{text}"
    );
    let p = &e["structuredContent"]["problems"][0];
    assert_eq!(format!("{}:{}", p["line"], p["column"]), place, "{e}");
    assert_eq!(p["key_path"], "task[2].chance");
    assert_eq!(p["file"], s(&file));
    // The message is the command line's.
    let cli = crate::support::lc(&["check", s(&file)]);
    assert_eq!(cli.code, 2);
    let message = p["message"].as_str().unwrap();
    assert!(
        cli.err_flat().contains(message),
        "{message} not in {}",
        cli.stderr
    );
    // The same as text, named model_toml; run refuses it alike.
    let e = c.tool_error("run", json!({"model_toml": bad}));
    let p = &e["structuredContent"]["problems"][0];
    assert_eq!(p["file"], "model_toml");
    assert_eq!(format!("{}:{}", p["line"], p["column"]), place);
    // Not a model at all, a missing file: tool errors too.
    c.tool_error("check", json!({"model_toml": "this is = = not TOML"}));
    let e = c.tool_error(
        "check",
        json!({"model": s(&dir.path().join("nowhere.toml"))}),
    );
    assert!(
        e["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("nowhere.toml"),
        "{e}"
    );
    c.finish();
}

#[test]
fn limits_and_bad_calls_are_refused() {
    let mut c = Client::start(&["--max-iterations", "5000", "--max-input-mb", "1"]);
    // Over the cap: asked for, or the model's own 10,000.
    let e = c.tool_error("run", json!({"model": PILOT, "iterations": 5001}));
    let text = e["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("5001 iterations are more than this server's limit of 5000"),
        "{text}"
    );
    let e = c.tool_error("whatif", json!({"model": PILOT}));
    assert!(
        e["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("10000 iterations"),
        "{e}"
    );
    c.tool_error("backtest", json!({"model": PILOT, "actuals": ACTUALS}));
    // TOML text over the input limit.
    let big = "#".repeat((1 << 20) + 1);
    let m = c.rpc_error("check", json!({"model_toml": big}));
    assert!(m.contains("more than the limit of 1048576 bytes"), "{m}");
    // Unknown tool, unknown or missing arguments, wrong types.
    let m = c.rpc_error("simulate", json!({}));
    assert!(
        m.contains("no tool `simulate`") && m.contains("whatif"),
        "{m}"
    );
    let m = c.rpc_error("run", json!({"model": PILOT, "threads": 2}));
    assert!(m.contains("no argument `threads`"), "{m}");
    let m = c.rpc_error("run", json!({}));
    assert!(m.contains("needs \"model\""), "{m}");
    let m = c.rpc_error("run", json!({"model": PILOT, "model_toml": "x"}));
    assert!(m.contains("not both"), "{m}");
    let m = c.rpc_error("run", json!({"model": PILOT, "iterations": "many"}));
    assert!(m.contains("invalid type"), "{m}");
    let m = c.rpc_error("run", json!({"model": PILOT, "iterations": 0}));
    assert!(m.contains("at least 1"), "{m}");
    // Within the cap it runs.
    let text = c.text(
        "run",
        json!({"model": PILOT, "iterations": 5000, "drivers": false}),
    );
    assert!(text.starts_with('{'), "{text}");
    c.finish();
}
