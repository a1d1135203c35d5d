//! The `Host` class of the front-end axis (RFC 9110 §7.2, RFC 9112 §3.2, RFC 9113 §8.3.1):
//! names a front end may take for itself or for "inside", the forms the grammar refuses, and a
//! `host` field beside HTTP/2's `:authority`.

use super::super::target_form::OTHER_HOST;
use super::super::{Axis, Site, Source, Value};
use crate::wire::Request;

/// `Host` values a front end may treat as internal: loopback names and addresses, with and
/// without the target's port, internal-looking names; and the two the grammar refuses (no
/// value, two fields). Each goes on a connection of its own, over HTTP/1.1 (HTTP/2 carries
/// `:authority`). A host the server does not serve may be refused ([`OTHER_HOST`]).
pub(super) fn hosts() -> Vec<Value> {
    let port = |s: &Site| {
        s.authority
            .rsplit_once(':')
            .map(|(_, p)| p.to_owned())
            .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or_else(|| "443".into())
    };
    type HostOf = fn(&str) -> String;
    let rows: [(&str, HostOf); 8] = [
        ("localhost", |_| "localhost".into()),
        ("localhost:port", |p| format!("localhost:{p}")),
        ("127.0.0.1", |_| "127.0.0.1".into()),
        ("127.0.0.1:port", |p| format!("127.0.0.1:{p}")),
        ("[::1]", |_| "[::1]".into()),
        ("[::1]:port", |p| format!("[::1]:{p}")),
        ("internal", |_| "internal".into()),
        ("admin.localhost", |_| "admin.localhost".into()),
    ];
    let mut values: Vec<Value> = rows
        .into_iter()
        .map(|(label, host)| {
            Value::new(
                Axis::FrontEnd,
                format!("Host: {label}"),
                "Host",
                Source::Rfc(9110, "7.2"),
                move |r, s| Some(own_connection(r.field("Host", host(&port(s)).as_str()))),
            )
            .permitting(OTHER_HOST)
        })
        .collect();
    // Over HTTP/2 the authority is `:authority`; a `host` field beside it that names another
    // host is malformed (RFC 9113 §8.3.1), and a server that routes on it instead is the
    // same bypass.
    for host in ["localhost", "127.0.0.1", "internal"] {
        values.push(
            Value::new(
                Axis::FrontEnd,
                format!("host: {host} beside :authority"),
                "Host",
                Source::Rfc(9113, "8.3.1"),
                move |r, _| {
                    let mut r = r.field("Host", host);
                    r.wire = crate::wire::Wire::Http2;
                    Some(r)
                },
            )
            .permitting(OTHER_HOST),
        );
    }
    values.extend(authorities());
    values.push(
        Value::new(
            Axis::FrontEnd,
            "Host: (empty)",
            "Host",
            Source::Rfc(9112, "3.2"),
            |r, _| Some(own_connection(r.field("Host", ""))),
        )
        .permitting(OTHER_HOST),
    );
    values.push(
        Value::new(
            Axis::FrontEnd,
            "Host twice (the target's, then localhost)",
            "Host",
            Source::Rfc(9112, "3.2"),
            |r, s| {
                Some(own_connection(
                    r.field("Host", s.authority.as_str())
                        .field("Host", "localhost"),
                ))
            },
        )
        .permitting(OTHER_HOST),
    );
    values
}

/// The target's authority split into its host and its port, if it has one.
fn host_and_port(s: &Site) -> (&str, Option<&str>) {
    match s.authority.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host, Some(port))
        }
        _ => (s.authority.as_str(), None),
    }
}

/// HTTP/2's `:authority` and `:scheme` themselves (RFC 9113 §8.3.1): another host with and
/// without the port, the target's host without its port, in upper case, with a trailing dot,
/// with userinfo (which §8.3.1 forbids for `https`), and `:scheme: http` over TLS. Each is one
/// hyper can express (it takes the URI's scheme and authority as they are written). Over
/// HTTP/1.1 the same authority is the `Host` field; `:scheme` has no HTTP/1.1 counterpart in an
/// origin-form request, so that copy is the plain request.
fn authorities() -> Vec<Value> {
    type AuthorityOf = fn(&Site) -> Option<String>;
    let rows: [(&str, AuthorityOf); 6] = [
        ("localhost:port", |s| {
            host_and_port(s).1.map(|p| format!("localhost:{p}"))
        }),
        ("localhost", |_| Some("localhost".into())),
        ("the target's host without its port", |s| {
            let (host, port) = host_and_port(s);
            port.map(|_| host.to_owned())
        }),
        ("the target's, upper case", |s| {
            let upper = s.authority.to_ascii_uppercase();
            (upper != s.authority).then_some(upper)
        }),
        (
            "the target's host with a trailing dot",
            |s| match host_and_port(s) {
                // An IP literal takes no dot (the URI would not parse).
                (host, _) if host.starts_with('[') => None,
                (host, Some(port)) => Some(format!("{host}.:{port}")),
                (host, None) => Some(format!("{host}.")),
            },
        ),
        ("userinfo before the target's", |s| {
            Some(format!("admin@{}", s.authority))
        }),
    ];
    let mut values: Vec<Value> = rows
        .into_iter()
        .map(|(label, authority)| {
            Value::new(
                Axis::FrontEnd,
                format!(":authority: {label}"),
                "Host",
                Source::Rfc(9113, "8.3.1"),
                move |mut r, s| {
                    r.authority = Some(authority(s)?);
                    r.wire = crate::wire::Wire::Http2;
                    Some(r)
                },
            )
            .permitting(OTHER_HOST)
        })
        .collect();
    values.push(
        Value::new(
            Axis::FrontEnd,
            ":scheme: http over TLS",
            "Host",
            Source::Rfc(9113, "8.3.1"),
            |mut r, _| {
                r.scheme = Some("http");
                r.wire = crate::wire::Wire::Http2;
                Some(r)
            },
        )
        .permitting(OTHER_HOST),
    );
    values
}

/// Raw HTTP/1.1 on a connection of its own.
pub(super) fn own_connection(mut r: Request) -> Request {
    r = r.exact();
    r.fresh_connection = true;
    r
}
