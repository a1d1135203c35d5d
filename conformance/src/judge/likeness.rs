//! How two answers differ, for KEY-4 ("exactly like an unrecognized key"), ERR-3
//! ("indistinguishable") and ROUTE-1 (a refusal that differs by path). Every header, the status
//! line and the body's text are compared. A member or header that changes between two identical
//! requests (a request id, a timestamp) is noise and ignored, as are hop-by-hop and framing
//! fields, rate-limit counters and times of the moment ([`NOISY_HEADERS`], [`is_time`]): two
//! sends in one second share a time a third, a second later, does not. One that is stable for one
//! request and different for another is a signal and reported. A value that holds a piece of a
//! credential the requests sent is an echo, ERR-6's business, and not compared here.
//! `WWW-Authenticate` between a presented token and none may differ by RFC 6750's `error`
//! attributes alone ([`challenge_differences`], ERR-3).

use serde_json::Value;

use super::challenge;
use crate::redact::contains_piece_of;
use crate::wire::{show_bytes, Response};

/// True when `value` holds 10 characters of a credential, or its last four (a key hint such
/// as `thub_…WXYZ`).
fn echoes_any(value: &[u8], echoes: &[Vec<u8>]) -> bool {
    echoes.iter().any(|e| {
        contains_piece_of(value, e)
            || (e.len() >= 10 && value.windows(4).any(|w| w == &e[e.len() - 4..]))
    })
}

/// Headers that legitimately vary or follow from others: the time of the response and what
/// measures it (two sends may fall in the same second and still differ from a third), and the
/// hop-by-hop and framing fields (RFC 9110 §7.6.1, RFC 9112 §6), which HTTP/2 does not even carry.
/// Rate-limit counters are noise too ([`is_rate_limit`]).
const NOISY_HEADERS: [&str; 13] = [
    "date",
    "server-timing",
    "x-response-time",
    "x-runtime",
    "x-envoy-upstream-service-time",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// `RateLimit-*` (draft-ietf-httpapi-ratelimit-headers), `X-RateLimit-*`, `X-Rate-Limit-*`:
/// counters and reset times that change with every request and second.
fn is_rate_limit(name: &str) -> bool {
    ["ratelimit", "x-ratelimit", "x-rate-limit"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

/// True for a time of the moment: an HTTP date, or a Unix time within a year of now, in seconds
/// or milliseconds (`X-Request-Start`, a reset time).
fn is_time(value: &[u8]) -> bool {
    if is_http_date(value) {
        return true;
    }
    let Some(number) = std::str::from_utf8(value)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let year = 366 * 24 * 3600;
    [number, number / 1000]
        .iter()
        .any(|&seconds| seconds.abs_diff(now) <= year)
}

/// True for an IMF-fixdate (RFC 9110 §5.6.7), `Sun, 06 Nov 1994 08:49:37 GMT`.
fn is_http_date(value: &[u8]) -> bool {
    let digits = |range: std::ops::Range<usize>| value[range].iter().all(u8::is_ascii_digit);
    value.len() == 29
        && value[3] == b','
        && value.ends_with(b" GMT")
        && digits(5..7)
        && digits(12..16)
        && digits(17..19)
        && value[19] == b':'
        && digits(20..22)
        && value[22] == b':'
        && digits(23..25)
}

/// ERR-3's `WWW-Authenticate` for a request that presents no Bearer token (`b`), against the
/// baseline's, a presented token's (`a1`, `a2`): `b`'s challenges may be the baseline's less
/// RFC 6750's `error` attributes, nothing else ([`challenge::beyond_presence`]). A challenge
/// that changes between `a1` and `a2` (a nonce) is noise; one that echoes a credential is
/// ERR-6's.
pub fn challenge_differences(
    a1: &Response,
    a2: &Response,
    b: &Response,
    echoes: &[Vec<u8>],
) -> Option<String> {
    fn values(r: &Response) -> Vec<&[u8]> {
        r.header_all("www-authenticate").collect()
    }
    let (v1, v2, vb) = (values(a1), values(a2), values(b));
    if v1 != v2 || v1.iter().chain(&vb).any(|v| echoes_any(v, echoes)) {
        return None;
    }
    challenge::beyond_presence(&v1, &vb)
}

/// Differences between `b` and the baseline `a` (seen twice: `a1`, `a2`), ignoring what
/// varies between `a1` and `a2`, the headers in `ignore`, and values that echo a piece of one
/// of the credentials in `echoes`.
pub fn differences(
    a1: &Response,
    a2: &Response,
    b: &Response,
    ignore: &[&str],
    echoes: &[Vec<u8>],
) -> Vec<String> {
    let mut out = Vec::new();
    if a1.status != b.status {
        out.push(format!("status {} vs {}", a1.status, b.status));
    }
    // The whole status line: a reason phrase per cause ("401 Key Revoked") is a signal too.
    if a1.protocol == b.protocol && a1.reason == a2.reason && a1.reason != b.reason {
        out.push(format!(
            "reason phrase {:?} vs {:?} (the status line)",
            a1.reason, b.reason
        ));
    }
    let mut names: Vec<&str> = a1
        .headers
        .iter()
        .chain(&b.headers)
        .map(|(n, _)| n.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        if NOISY_HEADERS.contains(&name) || is_rate_limit(name) || ignore.contains(&name) {
            continue;
        }
        let values = |r: &Response| r.header_all(name).map(<[u8]>::to_vec).collect::<Vec<_>>();
        let (v1, v2, vb) = (values(a1), values(a2), values(b));
        if v1.iter().chain(&vb).any(|v| echoes_any(v, echoes)) {
            continue;
        }
        // A time (`Expires`, `Last-Modified` of the moment): two sends in one second share it,
        // a third a second later does not.
        if !v1.is_empty() && !vb.is_empty() && v1.iter().chain(&vb).all(|v| is_time(v)) {
            continue;
        }
        if v1 == v2 && v1 != vb {
            let show = |v: &[Vec<u8>]| {
                if v.is_empty() {
                    "absent".to_owned()
                } else {
                    v.iter()
                        .map(|x| show_bytes(x))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            };
            out.push(format!("header {name}: {} vs {}", show(&v1), show(&vb)));
        }
    }
    match (a1.json(), a2.json(), b.json()) {
        (Some(j1), Some(j2), Some(jb)) => {
            let before = out.len();
            json_differences("", &j1, &j2, &jb, echoes, &mut out);
            // The body's text, not only its JSON: the same members written differently (order,
            // spacing) for one cause tell it apart too.
            if out.len() == before
                && a1.body == a2.body
                && a1.body != b.body
                && !echoes_any(&b.body, echoes)
            {
                out.push(format!(
                    "body text: the same JSON written differently: {} vs {}",
                    show_bytes(&a1.body),
                    show_bytes(&b.body)
                ));
            }
        }
        (Some(_), _, None) => out.push("body: JSON vs not JSON".into()),
        (None, _, Some(_)) => out.push("body: not JSON vs JSON".into()),
        _ => {
            if a1.body == a2.body && a1.body != b.body {
                out.push(format!(
                    "body: {} vs {}",
                    show_bytes(&a1.body),
                    show_bytes(&b.body)
                ));
            }
        }
    }
    out
}

fn json_differences(
    at: &str,
    a1: &Value,
    a2: &Value,
    b: &Value,
    echoes: &[Vec<u8>],
    out: &mut Vec<String>,
) {
    if a1 == b {
        return;
    }
    let echo = |v: &Value| v.as_str().is_some_and(|s| echoes_any(s.as_bytes(), echoes));
    if echo(a1) || echo(b) {
        return;
    }
    match (a1, a2, b) {
        (Value::Object(o1), Value::Object(o2), Value::Object(ob)) => {
            let mut keys: Vec<&String> = o1.keys().chain(ob.keys()).collect();
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                let path = format!("{at}/{k}");
                match (o1.get(k), o2.get(k), ob.get(k)) {
                    (Some(x1), Some(x2), Some(xb)) => {
                        json_differences(&path, x1, x2, xb, echoes, out)
                    }
                    (Some(_), Some(_), None) => out.push(format!("body {path}: present vs absent")),
                    (None, None, Some(xb)) => out.push(format!("body {path}: absent vs {xb}")),
                    _ => {}
                }
            }
        }
        (Value::Array(v1), Value::Array(v2), Value::Array(vb))
            if v1.len() == v2.len() && v1.len() == vb.len() =>
        {
            for (i, ((x1, x2), xb)) in v1.iter().zip(v2).zip(vb).enumerate() {
                json_differences(&format!("{at}/{i}"), x1, x2, xb, echoes, out);
            }
        }
        _ if a1 == a2 => out.push(format!(
            "body {}: {a1} vs {b}",
            if at.is_empty() { "/" } else { at }
        )),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Protocol;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect(),
            body: body.to_owned().into(),
            protocol: Protocol::Http1,
            reason: "Unauthorized".into(),
            elapsed: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn noise_is_ignored_and_signals_are_found() {
        let a1 = response(
            401,
            &[("x-request-id", "1")],
            r#"{"error":{"code":null},"request_id":"r1"}"#,
        );
        let a2 = response(
            401,
            &[("x-request-id", "2")],
            r#"{"error":{"code":null},"request_id":"r2"}"#,
        );
        let same = response(
            401,
            &[("x-request-id", "3")],
            r#"{"error":{"code":null},"request_id":"r3"}"#,
        );
        assert!(differences(&a1, &a2, &same, &[], &[]).is_empty());
        let other = response(
            403,
            &[("x-request-id", "4"), ("x-reason", "revoked")],
            r#"{"error":{"code":"revoked"},"request_id":"r4"}"#,
        );
        let d = differences(&a1, &a2, &other, &[], &[]);
        assert_eq!(d.len(), 3, "{d:?}");
    }

    #[test]
    fn times_and_framing_are_noise_but_a_field_by_request_is_not() {
        let at = |second: &str, allow: &str| {
            let date = format!("Mon, 07 Dec 2026 09:51:{second} GMT");
            let mut fields = vec![
                ("expires", date.as_str()),
                ("connection", "close"),
                ("server-timing", "total;dur=1"),
            ];
            if !allow.is_empty() {
                fields.push(("allow", allow));
            }
            response(401, &fields, r#"{"error":{"code":null}}"#)
        };
        let (a1, a2) = (at("34", ""), at("34", ""));
        assert!(differences(&a1, &a2, &at("35", ""), &[], &[]).is_empty());
        let d = differences(&a1, &a2, &at("35", "GET, HEAD"), &[], &[]);
        assert_eq!(d, ["header allow: absent vs GET, HEAD"]);
        assert!(is_http_date(b"Sun, 06 Nov 1994 08:49:37 GMT"));
        assert!(!is_http_date(b"Sun, 06 Nov 1994 08:49:37 UTC"));
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        assert!(is_time(now.as_secs().to_string().as_bytes()));
        assert!(is_time(now.as_millis().to_string().as_bytes()));
        assert!(!is_time(b"42") && !is_time(b"GET, HEAD"));
        assert!(is_rate_limit("x-ratelimit-reset") && !is_rate_limit("allow"));
    }

    #[test]
    fn a_challenge_may_lose_only_the_error_attributes() {
        let challenge = |value: &str| response(401, &[("www-authenticate", value)], "{}");
        let presented = challenge(r#"Bearer realm="x", error="invalid_token""#);
        let told = |value: &str| {
            challenge_differences(&presented, &presented, &challenge(value), &[]).is_some()
        };
        assert!(!told(r#"Bearer realm="x""#));
        assert!(told(r#"Bearer realm="y""#));
        // The same, but echoing a credential: ERR-6's, not compared here.
        let echo = b"Echoed-Credential-0123".to_vec();
        let echoed = challenge(r#"Bearer realm="Echoed-Credential-0123""#);
        assert!(challenge_differences(&presented, &presented, &echoed, &[echo]).is_none());
    }
}
