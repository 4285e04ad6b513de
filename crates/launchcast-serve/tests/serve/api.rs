//! The API: a what-if equals `launchcast run` on the file with the same changes, bad changes
//! are named as the command line names them, saves keep the file's text, conflicts with the
//! disk write nothing, and a client that leaves cancels its run.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use launchcast_serve::Options;

use crate::support::{MODEL, cli_json, serve, serve_with};

const LICENCE: &str = "chance = 0.75                      # the regulator's mood";
const DEV: &str = r#"duration = "tri(6mo, 9mo, 18mo)""#;
const BOUGHT_DEV: &str = r#""vehicle_dev.duration" = "tri(5mo, 8mo, 14mo)""#;

/// The model file with `own_licence.chance = 0.9` and `vehicle_dev.duration` changed, in the
/// base and in the scenario that sets it itself: what a what-if of those two means.
fn edited_by_hand() -> String {
    for needle in [LICENCE, DEV, BOUGHT_DEV] {
        assert_eq!(MODEL.matches(needle).count(), 1, "{needle}");
    }
    MODEL
        .replace(
            LICENCE,
            "chance = 0.9                      # the regulator's mood",
        )
        .replace(DEV, r#"duration = "tri(8mo, 10mo, 14mo)""#)
        .replace(
            BOUGHT_DEV,
            r#""vehicle_dev.duration" = "tri(8mo, 10mo, 14mo)""#,
        )
}

fn without_drivers(mut v: Value) -> Value {
    for s in v["scenarios"].as_array_mut().unwrap() {
        s.as_object_mut().unwrap().remove("drivers");
    }
    v
}

#[test]
fn a_what_if_equals_run_on_the_file_with_the_changes_written_in() {
    let s = serve();
    let n = 20_000;
    let r = s.post(
        "/api/whatif",
        json!({
            "set": {"own_licence.chance": 0.9, "vehicle_dev.duration": "tri(8mo, 10mo, 14mo)"},
            "iterations": n,
        }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let got = r.json();
    // Every figure of every scenario, exactly.
    assert_eq!(got, cli_json(&edited_by_hand(), n, &[]));
    // The change moved something: the comparison is not of two copies of the model.
    let before = cli_json(MODEL, n, &[]);
    assert_ne!(
        got["scenarios"][0]["promises"][0]["probability"],
        before["scenarios"][0]["promises"][0]["probability"]
    );
}

#[test]
fn a_model_drawing_from_a_shared_reference_file_takes_what_ifs_and_saves() {
    // The vehicle's development from a shared class, in a file beside the model's folder.
    let classes = "[[reference]]\nid = \"dev\"\nobservations = [\n  { case = \"a\", value = \"7mo\", source = \"s\", date = 2019-01-01 },\n  { case = \"b\", value = \"12mo\", source = \"s\", date = 2020-01-01 },\n]\n";
    let model = format!(
        "{}\n[[include]]\nreferences = \"../refs/classes.toml\"\n",
        MODEL.replace(DEV, "duration = \"ref(dev)\"")
    );
    let s = crate::support::serve_files(
        &[
            ("refs/classes.toml", classes),
            ("cases/launch.toml", &model),
        ],
        "cases/launch.toml",
        Options::default(),
    );
    let n = 10_000;
    let r = s.post(
        "/api/whatif",
        json!({"set": {"own_licence.chance": 0.9}, "iterations": n}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let changed = model.replace(
        LICENCE,
        "chance = 0.9                      # the regulator's mood",
    );
    let path = s.file.display().to_string();
    assert_eq!(
        r.json(),
        crate::support::cli_json_at(&changed, &path, n, &[])
    );
    let r = s.post("/api/save", json!({"set": {"own_licence.chance": 0.9}}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(std::fs::read_to_string(&s.file).unwrap(), changed);
}

#[test]
fn a_what_if_with_items_switched_off_equals_the_same_changes_as_a_scenario() {
    let s = serve();
    let n = 10_000;
    let set = r#"{ "own_licence.chance" = 0.95, "licence_freeze.delay" = "tri(1mo, 2mo, 3mo)", "plant.capacity" = 150000 }"#;
    let r = s.post(
        "/api/whatif",
        json!({
            "set": {"own_licence.chance": 0.95, "licence_freeze.delay": "tri(1mo, 2mo, 3mo)", "plant.capacity": 150000},
            "disable": ["buy_licence"],
            "iterations": n,
            "scenarios": ["base"],
        }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let text =
        format!("{MODEL}\n[[scenario]]\nid = \"w\"\nset = {set}\ndisable = [\"buy_licence\"]\n");
    let mut want = cli_json(&text, n, &["w"]);
    let mut got = r.json();
    for v in [&mut want, &mut got] {
        let s = v["scenarios"][0].as_object_mut().unwrap();
        s.remove("id");
        s.remove("name");
    }
    assert_eq!(got["scenarios"].as_array().unwrap().len(), 1);
    assert_eq!(got["scenarios"], want["scenarios"]);
}

#[test]
fn bad_changes_get_the_command_lines_message_and_key_path() {
    let s = serve();
    for (key, value, toml) in [
        ("own_licence.chance", json!(1.5), "1.5"),
        ("own_licence.chanze", json!(0.5), "0.5"),
        ("nobody.chance", json!(0.5), "0.5"),
        (
            "own_licence.duration",
            json!("tri(9mo, 2mo, 1mo)"),
            r#""tri(9mo, 2mo, 1mo)""#,
        ),
        ("plant.capacity", json!("lots"), r#""lots""#),
    ] {
        let r = s.post("/api/whatif", json!({"set": {key: value}}));
        assert_eq!(r.status, 400, "{key}: {}", r.body);
        let got = r.json();
        // The same line in a model file, read by the command line's reader.
        let text = format!("{MODEL}\n[[scenario]]\nid = \"x\"\nset = {{ \"{key}\" = {toml} }}\n");
        let e = launchcast_model::ReadModel::parse(&text, "m.toml").unwrap_err();
        let p = &e.problems()[0];
        assert_eq!(got["error"], p.message.as_str(), "{key}");
        assert_eq!(p.key_path, format!("scenario[2].set.\"{key}\""));
        assert_eq!(got["key_path"], format!("set.\"{key}\""));
        assert_eq!(got["key"], key);
    }
    let r = s.post("/api/whatif", json!({"disable": ["own_licence", "nope"]}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["key"], "nope");
    assert_eq!(r.json()["key_path"], "disable[1]");
    let r = s.post("/api/whatif", json!({"iterations": 1_000_001}));
    assert_eq!(
        (r.status, r.json()["key"].clone()),
        (400, json!("iterations"))
    );
    let r = s.post("/api/whatif", json!({"scenarios": ["nope"]}));
    assert_eq!(
        (r.status, r.json()["key"].clone()),
        (400, json!("scenarios"))
    );
    let r = s.post("/api/whatif", json!({"sett": {}}));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("sett"));
    assert_eq!(s.call("POST", "/api/whatif", "{not json").status, 400);
}

#[test]
fn saving_changes_only_the_values_and_keeps_every_comment() {
    let s = serve();
    let r = s.post(
        "/api/save",
        json!({"set": {"own_licence.chance": 0.9, "vehicle_dev.duration": "tri(8mo, 10mo, 14mo)"}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let saved = std::fs::read_to_string(&s.file).unwrap();
    let want = MODEL
        .replace(
            LICENCE,
            "chance = 0.9                      # the regulator's mood",
        )
        .replace(DEV, r#"duration = "tri(8mo, 10mo, 14mo)""#);
    assert_eq!(saved, want);
    // The server now holds the saved model: its result is the saved file's.
    let result = without_drivers(s.call("GET", "/api/result", "").json());
    assert_eq!(result, without_drivers(cli_json(&want, 4000, &[])));
    assert_eq!(without_drivers(r.json()["result"].clone()), result);
    // A bad value is never written.
    let r = s.post("/api/save", json!({"set": {"own_licence.chance": 2}}));
    assert_eq!(r.status, 400);
    assert_eq!(std::fs::read_to_string(&s.file).unwrap(), want);
}

#[test]
fn a_switch_is_saved_into_the_file_and_switched_back() {
    let s = serve();
    let n = 4000;
    let r = s.post("/api/save", json!({"disable": ["buy_licence"]}));
    assert_eq!(r.status, 200, "{}", r.body);
    let off = MODEL.replace(
        "duration = \"tri(2mo, 6mo, 12mo)\"\nchance = 0.6\n",
        "duration = \"tri(2mo, 6mo, 12mo)\"\nchance = 0.6\ndisabled = true\n",
    );
    assert_ne!(off, MODEL);
    assert_eq!(std::fs::read_to_string(&s.file).unwrap(), off);
    // The file switched off is the scenario that disables it, and the server holds it.
    let scenario = format!("{MODEL}\n[[scenario]]\nid = \"w\"\ndisable = [\"buy_licence\"]\n");
    let mut want = without_drivers(cli_json(&scenario, n, &["w"]));
    let mut got = without_drivers(s.call("GET", "/api/result", "").json());
    let (g, w) = (&mut got["scenarios"][0], &mut want["scenarios"][0]);
    for v in [&mut *g, &mut *w] {
        let o = v.as_object_mut().unwrap();
        o.remove("id");
        o.remove("name");
    }
    assert_eq!(g, w);
    // A what-if that switches it on is the model as it was; saving it restores the text.
    let on = s.post(
        "/api/whatif",
        json!({"enable": ["buy_licence"], "iterations": n}),
    );
    assert_eq!(on.status, 200, "{}", on.body);
    assert_eq!(
        without_drivers(on.json()),
        without_drivers(cli_json(MODEL, n, &[]))
    );
    let r = s.post("/api/save", json!({"enable": ["buy_licence"]}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(std::fs::read_to_string(&s.file).unwrap(), MODEL);
    // Only items have a switch.
    let r = s.post("/api/save", json!({"disable": ["nothing_here"]}));
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["key"], "nothing_here");
    assert_eq!(std::fs::read_to_string(&s.file).unwrap(), MODEL);
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let s = serve();
    let elsewhere = MODEL.replace("seed = 7", "seed = 8  # changed in an editor");
    std::fs::write(&s.file, &elsewhere).unwrap();
    let r = s.post("/api/save", json!({"set": {"own_licence.chance": 0.9}}));
    assert_eq!(r.status, 409, "{}", r.body);
    let diff = r.json()["diff"].as_str().unwrap().to_string();
    assert!(
        diff.contains("-seed = 7\n+seed = 8  # changed in an editor\n"),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&s.file).unwrap(), elsewhere);
    // Reloaded, the file is the model, and a save goes through.
    let r = s.call("POST", "/api/reload", "{}");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["seed"], 8);
    let r = s.post("/api/save", json!({"set": {"own_licence.chance": 0.9}}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        std::fs::read_to_string(&s.file).unwrap(),
        elsewhere.replace(
            LICENCE,
            "chance = 0.9                      # the regulator's mood"
        )
    );
}

#[test]
fn without_a_history_keeping_and_listing_answer_501() {
    let s = serve();
    assert_eq!(s.call("GET", "/api/history", "").status, 501);
    let r = s.post("/api/whatif", json!({"keep": true}));
    assert_eq!(r.status, 501);
    assert_eq!(r.json()["key"], "keep");
}

#[test]
fn a_kept_what_if_is_in_the_history_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let s = serve_with(Options {
        history: Some(db.clone()),
        ..Options::default()
    });
    assert_eq!(s.call("GET", "/api/history", "").body.trim(), "[]");
    let mut ids = Vec::new();
    let mut answers = Vec::new();
    for chance in [0.8, 0.95] {
        let r = s.post(
            "/api/whatif",
            json!({"set": {"own_licence.chance": chance}, "iterations": 2000, "keep": true}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        ids.push(
            r.header(launchcast_serve::KEPT_AS)
                .unwrap()
                .parse::<i64>()
                .unwrap(),
        );
        answers.push(r.json());
    }
    // Not kept: not recorded.
    assert_eq!(
        s.post("/api/whatif", json!({"iterations": 2000})).status,
        200
    );
    let runs = s.call("GET", "/api/history", "").json();
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    for (run, (id, answer)) in runs.iter().zip(ids.iter().zip(&answers).rev()) {
        assert_eq!(run["id"], *id);
        assert_eq!(run["kind"], "whatif");
        assert_eq!(run["iterations"], 2000);
        assert_eq!(run["seed"], 7);
        let promises = &run["headline"]["scenarios"][0]["promises"];
        assert_eq!(
            promises[0]["probability"],
            answer["scenarios"][0]["promises"][0]["probability"]
        );
    }
    assert_eq!(runs[0]["changes"]["set"]["own_licence.chance"], 0.95);
    assert!(
        runs[0]["model_path"]
            .as_str()
            .unwrap()
            .ends_with("launch.toml")
    );
}

fn status(s: &crate::support::Served) -> Value {
    s.call("GET", "/api/status", "").json()
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(60), "never: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_client_that_leaves_cancels_its_run() {
    let s = serve();
    let body = json!({"iterations": 1_000_000, "drivers": true}).to_string();
    let mut stream = std::net::TcpStream::connect(s.addr()).unwrap();
    write!(
        stream,
        "POST /api/whatif HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Length: {}\r\n\r\n{body}",
        s.addr(),
        s.token(),
        body.len()
    )
    .unwrap();
    wait_for("the run starts", || status(&s)["running"] == 1);
    drop(stream);
    wait_for("the run is cancelled", || status(&s)["cancelled"] == 1);
    let st = status(&s);
    assert_eq!(
        (st["running"].clone(), st["waiting"].clone()),
        (json!(0), json!(0))
    );
    // The server still answers.
    assert_eq!(
        s.post("/api/whatif", json!({"iterations": 1000})).status,
        200
    );
}

#[test]
fn a_promise_moved_equals_run_on_the_file_with_that_promise() {
    let s = serve();
    let n = 10_000;
    let r = s.post(
        "/api/whatif",
        json!({
            "set": {
                "first_by_2024.first_delivery_by": "2024-06-30",
                "volume_2026.at_least": 30000,
                "own_licence.chance": 0.9,
            },
            "iterations": n,
        }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let text = MODEL
        .replace(
            "first_delivery_by = 2024-12-31",
            "first_delivery_by = 2024-06-30",
        )
        .replace("at_least = 50000 }", "at_least = 30000 }")
        .replace(
            LICENCE,
            "chance = 0.9                      # the regulator's mood",
        );
    assert_eq!(r.json(), cli_json(&text, n, &[]));
    // A bad promise is named by its key, with the reader's message for the same value.
    let r = s.post(
        "/api/whatif",
        json!({"set": {"volume_2026.date": "2035-01-01"}}),
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["key"], "volume_2026.date");
    let file = MODEL.replace("date = 2026-12-31", "date = 2035-01-01");
    let e = launchcast_model::ReadModel::parse(&file, "m.toml").unwrap_err();
    assert_eq!(r.json()["error"], e.problems()[0].message.as_str());
    // Saved into the promise's own table, its format kept.
    let r = s.post("/api/save", json!({"set": {"volume_2026.at_least": 30000}}));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        std::fs::read_to_string(&s.file).unwrap(),
        MODEL.replace("at_least = 50000 }", "at_least = 30000 }")
    );
}

#[test]
fn runs_beyond_the_pool_wait_their_turn() {
    let s = crate::support::serve_with(Options {
        concurrent_runs: 1,
        ..Options::default()
    });
    let body = json!({"iterations": 1_000_000, "drivers": true}).to_string();
    let send = || {
        let mut stream = std::net::TcpStream::connect(s.addr()).unwrap();
        write!(
            stream,
            "POST /api/whatif HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Length: {}\r\n\r\n{body}",
            s.addr(),
            s.token(),
            body.len()
        )
        .unwrap();
        stream
    };
    let first = send();
    wait_for("the first run starts", || status(&s)["running"] == 1);
    let second = send();
    wait_for("the second waits", || status(&s)["waiting"] == 1);
    assert_eq!(status(&s)["running"], 1);
    // The one waiting leaves: it never runs; the running one leaves: it is cancelled.
    drop(second);
    drop(first);
    wait_for("both are gone", || {
        let st = status(&s);
        st["running"] == 0 && st["waiting"] == 0
    });
    assert_eq!(status(&s)["cancelled"], 1);
}

#[test]
fn the_trend_shows_each_kept_run_and_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.db");
    let s = serve_with(Options {
        history: Some(db.clone()),
        ..Options::default()
    });
    let empty = s.call("GET", "/trend", "");
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains("No run of this model is recorded yet"));
    let mut kept = Vec::new();
    for chance in [0.8, 0.95] {
        let r = s.post(
            "/api/whatif",
            json!({"set": {"own_licence.chance": chance}, "iterations": 2000, "keep": true}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        kept.push(r.json()["scenarios"][0]["promises"][0]["probability"].clone());
    }
    let trend = s.call("GET", "/api/trend", "").json();
    let points = trend.as_array().unwrap();
    assert_eq!(points.len(), 2);
    // Oldest first, each with the probability its what-if answered.
    for (point, answer) in points.iter().zip(&kept) {
        let promises = &point["scenarios"][0]["promises"];
        assert_eq!(&promises[0][1], answer);
    }
    assert_eq!(points[1]["whatif"]["set"]["own_licence.chance"], 0.95);
    let page = s.call("GET", "/trend", "");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<svg"), "a chart");
    assert!(page.body.contains("Chance of keeping each promise"));
    assert!(
        page.body.contains("own_licence.chance"),
        "the what-if is listed"
    );
    // Both runs on the axis, by id.
    assert!(page.body.contains(">#1</text>") && page.body.contains(">#2</text>"));
    // Behind the door like every route.
    let bare = launchcast_serve_request_without_token(&s, "/trend");
    assert_eq!(bare, 401);
}

fn launchcast_serve_request_without_token(s: &crate::support::Served, path: &str) -> u16 {
    crate::support::request(
        s.addr(),
        "GET",
        path,
        &[("Host", &s.addr().to_string())],
        b"",
    )
    .status
}
