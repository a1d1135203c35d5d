//! Checking a fault before it is armed: every member, the error naming the one that is wrong
//! (`respond.status: 700 is not …`), as `POST /v1/faults` answers it in a 400. A fault that
//! holds a key-shaped string is refused before anything could quote it.

use std::collections::BTreeMap;

use http::{HeaderName, HeaderValue, Method};

use super::{Fault, Respond, ValueMatch, MAX_DELAY_MS};

impl Fault {
    /// Checks every member; the error names the one that is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(found) = serde_json::to_value(self).ok().and_then(|v| key_shaped(&v)) {
            return Err(found);
        }
        if let Some(method) = &self.method {
            Method::from_bytes(method.as_bytes())
                .map_err(|_| format!("method: {method:?} is not an HTTP method token"))?;
        }
        if !self.path.starts_with('/') {
            return Err(format!("path: {:?} must start with /", self.path));
        }
        for (name, want) in &self.headers {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("headers: {name:?} is not a header name"))?;
            if let ValueMatch::Equals(value) = want {
                HeaderValue::from_str(value).map_err(|_| {
                    format!("headers.{name}: {value:?} is not a value a header can have")
                })?;
            }
        }
        if self.query.keys().any(String::is_empty) {
            return Err("query: a parameter name is empty".into());
        }
        if self.key_name.as_deref() == Some("") {
            return Err(
                "key_name: empty; give the name the key was minted with, or leave it out".into(),
            );
        }
        if self.times == Some(0) {
            return Err("times: must be at least 1 (leave it out for every request)".into());
        }
        self.respond.validate()
    }
}

impl Respond {
    fn validate(&self) -> Result<(), String> {
        let delay = |ms: u64, member: &str| {
            if ms > MAX_DELAY_MS {
                Err(format!(
                    "respond.{member}: {ms} ms is over the {MAX_DELAY_MS} ms limit"
                ))
            } else {
                Ok(())
            }
        };
        let headers = |headers: &BTreeMap<String, String>| {
            for (name, value) in headers {
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("respond.headers: {name:?} is not a header name"))?;
                HeaderValue::from_str(value).map_err(|_| {
                    format!("respond.headers.{name}: {value:?} is not a valid header value")
                })?;
            }
            Ok::<(), String>(())
        };
        match self {
            Respond::Status {
                status, headers: h, ..
            } => {
                if !(200..=599).contains(status) || *status == 401 {
                    return Err(format!("respond.status: {status} is not a final status a fault may answer (200..=599, not 401: the 401 is the contract's own answer)"));
                }
                headers(h)?;
            }
            Respond::Drip {
                body_delay_ms,
                chunk_bytes,
                ..
            } => {
                if *chunk_bytes == 0 {
                    return Err("respond.chunk_bytes: must be at least 1".into());
                }
                delay(*body_delay_ms, "body_delay_ms")?;
            }
            Respond::Redirect {
                status,
                location,
                headers: h,
                ..
            } => {
                if ![301, 302, 303, 307, 308].contains(status) {
                    return Err(format!(
                        "respond.status: {status} is not a redirect (301, 302, 303, 307 or 308)"
                    ));
                }
                if !is_redirect_location(location) {
                    return Err(format!(
                        "respond.location: {location:?} is neither an absolute http:// or https:// URL, \
                         a network-path reference (//host:port/path) nor an absolute path (/path)"
                    ));
                }
                headers(h)?;
            }
            Respond::Delay { .. }
            | Respond::Reset { .. }
            | Respond::Truncate { .. }
            | Respond::Empty { .. }
            | Respond::MalformedChunk { .. }
            | Respond::Garbage { .. } => {}
        }
        delay(self.delay_ms(), "delay_ms")
    }
}

/// A fault is listed back on the admin plane (`GET /v1/faults`) and what it answers is
/// journaled and logged, so a key written into one would be shown in clear. This finds the
/// first member of a fault's JSON holding a key-shaped string (`thub_` and 10 or more
/// letters, digits, `_` or `-`), in a name or a value, and says what to do; `None` when
/// there is none.
/// Whether `location` may be a redirect's `Location` (RFC 9110 §10.2.2: a URI reference): an
/// absolute `http://` or `https://` URL, a network-path reference (`//host:port/path`, the
/// scheme kept), or an absolute path (`/path`, the origin kept); a valid URI either way.
pub(crate) fn is_redirect_location(location: &str) -> bool {
    let lower = location.to_ascii_lowercase();
    let absolute = lower.starts_with("http://") || lower.starts_with("https://");
    let network_path = lower.starts_with("//") && lower.len() > 2;
    let parses = if network_path {
        format!("https:{location}").parse::<http::Uri>().is_ok()
    } else {
        location.parse::<http::Uri>().is_ok()
    };
    (absolute || network_path || location.starts_with('/')) && parses
}

pub(crate) fn key_shaped(value: &serde_json::Value) -> Option<String> {
    fn walk(value: &serde_json::Value, at: &str) -> Option<String> {
        match value {
            serde_json::Value::String(text) if holds_key(text) => Some(at.to_owned()),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &format!("{at}[{i}]"))),
            serde_json::Value::Object(members) => members.iter().find_map(|(name, member)| {
                let at = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                if holds_key(name) {
                    Some(at)
                } else {
                    walk(member, &at)
                }
            }),
            _ => None,
        }
    }
    walk(value, "").map(|at| {
        // The member's path is shown as written (`headers.authorization`), unless a name in
        // it is the key-shaped string.
        let at = if holds_key(&at) {
            crate::redact::redact(&at)
        } else {
            at
        };
        format!(
            "{at}: holds a key-shaped string (thub_ and 10 or more characters); faults are \
             listed back on the admin plane and their answers journaled, so a fault must not \
             carry a key: use a placeholder such as thub_EXAMPLE"
        )
    })
}

/// Whether `text` holds `thub_` followed by 10 or more token characters.
fn holds_key(text: &str) -> bool {
    text.match_indices(crate::keys::KEY_PREFIX)
        .any(|(at, prefix)| {
            text[at + prefix.len()..]
                .chars()
                .take_while(|c| crate::redact::is_token_char(*c))
                .count()
                >= crate::redact::MIN_RUN
        })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn bad_definitions_name_the_member() {
        let bad = |f: Fault, member: &str| {
            let e = f.validate().unwrap_err();
            assert!(e.starts_with(member), "{e}");
        };
        let on = || Fault::on(Method::GET, "/v1/account");
        bad(on().times(0), "times");
        bad(on().respond(Respond::status(401)), "respond.status");
        bad(on().respond(Respond::status(700)), "respond.status");
        bad(on().respond(Respond::status(101)), "respond.status");
        bad(
            on().respond(Respond::redirect(200, "https://x")),
            "respond.status",
        );
        bad(
            on().respond(Respond::redirect(307, "relative")),
            "respond.location",
        );
        bad(
            on().respond(Respond::redirect(307, "ftp://x/")),
            "respond.location",
        );
        bad(
            on().respond(Respond::redirect(307, "/a b")),
            "respond.location",
        );
        for fine in [
            "https://x:1/p",
            "HTTP://x/",
            "//localhost:8443/v1/account",
            "/v1/account?a=1",
        ] {
            on().respond(Respond::redirect(307, fine))
                .validate()
                .expect(fine);
        }
        bad(
            on().respond(Respond::status(429).header("bad name", "1")),
            "respond.headers",
        );
        bad(
            on().respond(Respond::status(429).header("retry-after", "a\nb")),
            "respond.headers.retry-after",
        );
        bad(
            on().respond(Respond::delayed(Duration::from_secs(61))),
            "respond.delay_ms",
        );
        bad(
            on().respond(Respond::garbage().delay(Duration::from_secs(61))),
            "respond.delay_ms",
        );
        bad(Fault::on(Method::GET, "v1"), "path");
        bad(on().header("bad name", "1"), "headers");
        bad(on().header("x-a", "a\nb"), "headers.x-a");
        bad(on().query("", "1"), "query");
        bad(on().key_name(""), "key_name");
        bad(
            on().header("x-api-key", concat!("thub_", "0123456789abcdef")),
            "headers.x-api-key",
        );
    }
}
