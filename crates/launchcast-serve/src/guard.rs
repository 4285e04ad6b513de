//! The door: every request must come to the address the server bound (`Host`), from its own
//! pages (`Origin`, when a browser sends one), and carry the token printed at start, in the
//! query (`?token=`), an `Authorization: Bearer` header, or the cookie the first page load
//! sets. A foreign `Host` or `Origin` is refused with 403 before the token is looked at:
//! a page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) or posts
//! across sites learns nothing. Without the right token: 401.

use std::net::SocketAddr;

use axum::http::{HeaderMap, StatusCode, header};

use crate::errors::ApiError;

/// A new token: 128 bits from the operating system's generator, as 32 hex digits.
pub(crate) fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random numbers from the system: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Who may knock: the `Host` values that name this server, or `None` when it listens on
/// every address (`--host 0.0.0.0`), where any name may reach it and the token is the only
/// protection.
#[derive(Clone, Debug)]
pub(crate) struct Door {
    hosts: Option<Vec<String>>,
    token: String,
    cookie: String,
}

impl Door {
    pub(crate) fn new(addr: SocketAddr, token: String) -> Door {
        let port = addr.port();
        let hosts = (!addr.ip().is_unspecified()).then(|| {
            let mut h = vec![addr.to_string()];
            if addr.ip().is_loopback() {
                h.push(format!("localhost:{port}"));
            }
            h
        });
        Door {
            hosts,
            token,
            // Cookies are not kept apart by port: each server has its own name.
            cookie: format!("launchcast_token_{port}"),
        }
    }

    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// `Set-Cookie` for a page loaded with the token, so that its later requests carry it.
    pub(crate) fn set_cookie(&self) -> String {
        format!(
            "{}={}; Path=/; HttpOnly; SameSite=Strict",
            self.cookie, self.token
        )
    }

    fn host_ok(&self, host: &str) -> bool {
        match &self.hosts {
            Some(hosts) => hosts.iter().any(|h| h.eq_ignore_ascii_case(host)),
            None => true,
        }
    }

    /// Why the request is refused, if it is.
    pub(crate) fn check(&self, headers: &HeaderMap, query: Option<&str>) -> Result<(), ApiError> {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !self.host_ok(host) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("this server does not answer to the host name `{host}`"),
            )
            .help("open the address `launchcast serve` printed"));
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("");
            let own = origin
                .strip_prefix("http://")
                .is_some_and(|o| o.eq_ignore_ascii_case(host));
            if !own {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    format!("requests from other sites are refused (Origin `{origin}`)"),
                ));
            }
        }
        if self.token_given(headers, query) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "the token is missing or wrong",
            )
            .help("open the address `launchcast serve` printed, with its ?token=, or send `Authorization: Bearer TOKEN`"))
        }
    }

    fn token_given(&self, headers: &HeaderMap, query: Option<&str>) -> bool {
        let from_query = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .filter_map(|kv| kv.strip_prefix("token="));
        let from_header = headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.strip_prefix("Bearer "));
        let from_cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| {
                let (name, value) = c.trim().split_once('=')?;
                (name == self.cookie).then_some(value)
            });
        from_query
            .chain(from_header)
            .chain(from_cookie)
            .any(|t| same(t.trim().as_bytes(), self.token.as_bytes()))
    }
}

/// Equal, in a time that does not depend on where the first difference is.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), v.parse().unwrap());
        }
        h
    }

    #[test]
    fn tokens_are_128_bits_of_hex_and_differ() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn host_origin_then_token() {
        let door = Door::new("127.0.0.1:8080".parse().unwrap(), "abc".into());
        let ok = headers(&[(header::HOST, "localhost:8080")]);
        assert!(door.check(&ok, Some("x=1&token=abc")).is_ok());
        assert_eq!(door.check(&ok, Some("token=abd")).unwrap_err().status, 401);
        assert_eq!(door.check(&ok, None).unwrap_err().status, 401);
        let bearer = headers(&[
            (header::HOST, "127.0.0.1:8080"),
            (header::AUTHORIZATION, "Bearer abc"),
        ]);
        assert!(door.check(&bearer, None).is_ok());
        let cookie = headers(&[
            (header::HOST, "127.0.0.1:8080"),
            (header::COOKIE, "a=b; launchcast_token_8080=abc"),
        ]);
        assert!(door.check(&cookie, None).is_ok());
        let other_port = headers(&[
            (header::HOST, "127.0.0.1:8080"),
            (header::COOKIE, "launchcast_token_8081=abc"),
        ]);
        assert_eq!(door.check(&other_port, None).unwrap_err().status, 401);
        let rebound = headers(&[(header::HOST, "evil.example:8080")]);
        assert_eq!(
            door.check(&rebound, Some("token=abc")).unwrap_err().status,
            403
        );
        let cross = headers(&[
            (header::HOST, "127.0.0.1:8080"),
            (header::ORIGIN, "http://evil.example"),
        ]);
        assert_eq!(
            door.check(&cross, Some("token=abc")).unwrap_err().status,
            403
        );
        let own = headers(&[
            (header::HOST, "127.0.0.1:8080"),
            (header::ORIGIN, "http://127.0.0.1:8080"),
        ]);
        assert!(door.check(&own, Some("token=abc")).is_ok());
    }

    #[test]
    fn every_address_accepts_any_host_but_still_wants_the_token() {
        let door = Door::new("0.0.0.0:9000".parse().unwrap(), "abc".into());
        let h = headers(&[(header::HOST, "10.1.2.3:9000")]);
        assert!(door.check(&h, Some("token=abc")).is_ok());
        assert_eq!(door.check(&h, None).unwrap_err().status, 401);
    }
}
