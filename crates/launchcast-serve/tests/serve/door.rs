//! The door: no token, 401; a foreign `Host` or `Origin`, 403; a big body, 413.

use crate::support::{request, serve};

#[test]
fn without_the_token_every_route_is_refused() {
    let s = serve();
    let host = s.addr().to_string();
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/api/result"),
        ("POST", "/api/whatif"),
        ("POST", "/api/save"),
        ("POST", "/api/reload"),
        ("GET", "/api/history"),
    ] {
        let r = request(s.addr(), method, path, &[("Host", &host)], b"{}");
        assert_eq!(r.status, 401, "{method} {path}: {}", r.body);
        assert!(r.json()["error"].as_str().unwrap().contains("token"));
        let wrong = request(
            s.addr(),
            method,
            path,
            &[
                ("Host", &host),
                ("Authorization", "Bearer 0123456789abcdef"),
            ],
            b"{}",
        );
        assert_eq!(wrong.status, 401, "{method} {path} with a wrong token");
    }
    // The token in the query, then the cookie the page sets.
    let page = request(
        s.addr(),
        "GET",
        &format!("/?token={}", s.token()),
        &[("Host", &host)],
        b"",
    );
    assert_eq!(page.status, 200);
    let cookie = page.header("set-cookie").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let pair = cookie.split(';').next().unwrap();
    let with_cookie = request(
        s.addr(),
        "GET",
        "/api/result",
        &[("Host", &host), ("Cookie", pair)],
        b"",
    );
    assert_eq!(with_cookie.status, 200);
    assert_eq!(s.call("GET", "/api/result", "").status, 200);
}

#[test]
fn foreign_hosts_and_origins_are_refused_even_with_the_token() {
    let s = serve();
    let port = s.addr().port();
    let auth = format!("Bearer {}", s.token());
    let at = |headers: &[(&str, &str)]| {
        let mut h = vec![("Authorization", auth.as_str())];
        h.extend_from_slice(headers);
        request(s.addr(), "GET", "/api/result", &h, b"").status
    };
    let own = s.addr().to_string();
    let localhost = format!("localhost:{port}");
    let rebound = format!("attacker.example:{port}");
    let other_port = format!("127.0.0.1:{}", port.wrapping_add(1));
    assert_eq!(at(&[("Host", &own)]), 200);
    assert_eq!(at(&[("Host", &localhost)]), 200);
    assert_eq!(at(&[("Host", &rebound)]), 403, "DNS rebinding");
    assert_eq!(at(&[("Host", &other_port)]), 403);
    let own_origin = format!("http://{own}");
    assert_eq!(at(&[("Host", &own), ("Origin", &own_origin)]), 200);
    assert_eq!(
        at(&[("Host", &own), ("Origin", "http://attacker.example")]),
        403
    );
    assert_eq!(at(&[("Host", &own), ("Origin", "null")]), 403);
    // A cross-site post is refused before it is read.
    let r = request(
        s.addr(),
        "POST",
        "/api/save",
        &[
            ("Host", &own),
            ("Origin", "https://attacker.example"),
            ("Authorization", &auth),
        ],
        br#"{"set": {"own_licence.chance": 0.1}}"#,
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        std::fs::read_to_string(&s.file).unwrap(),
        crate::support::MODEL
    );
}

#[test]
fn a_body_over_the_limit_is_refused_with_413() {
    let s = serve();
    let padding = " ".repeat(launchcast_serve::BODY_LIMIT + 1);
    let body = format!(r#"{{"set": {{}}{padding}}}"#);
    let r = s.call("POST", "/api/whatif", &body);
    assert_eq!(r.status, 413, "{}", r.body);
    // Just under the limit is read.
    let padding = " ".repeat(launchcast_serve::BODY_LIMIT - 100);
    let body = format!(r#"{{"iterations": 64{padding}}}"#);
    assert_eq!(s.call("POST", "/api/whatif", &body).status, 200);
}
