//! The protocol axis: the request-line versions an HTTP/1.1 connection can carry (HTTP/1.0
//! with and without `Host`, an unknown minor version, a major version the server does not
//! speak) and the `Upgrade` requests (RFC 9110 §7.8: `h2c` with `HTTP2-Settings`, the
//! WebSocket handshake, an unknown protocol). HTTP/1.1 and HTTP/2 themselves are not values:
//! every probe already goes over each protocol the target speaks. Each value travels on
//! a connection of its own (HTTP/1.0 closes it; an accepted upgrade would switch it).
//!
//! A server may refuse a version it does not serve (400, 426, 505) and may ignore `Upgrade`
//! (RFC 9110 §7.8); it must not route the request without a key, nor switch protocols (101)
//! for it.

use super::{Axis, Permits, Site, Source, Value};
use crate::wire::Request;

/// A version the server does not serve: 400, 426 (Upgrade Required) or 505, or a closed
/// connection.
const VERSION_REFUSED: Permits = Permits {
    statuses: &[400, 426, 505],
    closed: true,
};

/// The request line's version set to `version` (and `Host` left out when `with_host` is
/// false), on a connection of its own.
fn version(label: &'static str, source: Source, version: &'static str, with_host: bool) -> Value {
    Value::new(
        Axis::Protocol,
        label,
        version_class(version),
        source,
        move |r, _| {
            let mut r = r.http10(with_host);
            r.version = version;
            Some(r)
        },
    )
    .permitting(VERSION_REFUSED)
}

/// The class of a request-line version.
fn version_class(version: &str) -> &'static str {
    if version == "HTTP/1.0" {
        "HTTP/1.0"
    } else {
        "other version"
    }
}

/// An `Upgrade` request: `fields` added, on a connection of its own.
fn upgrade(
    label: &'static str,
    class: &'static str,
    source: Source,
    edit: fn(Request, &Site) -> Request,
) -> Value {
    Value::new(Axis::Protocol, label, class, source, move |r, s| {
        Some(edit(r, s).alone())
    })
    // A front end may refuse an upgrade it does not offer over TLS.
    .permitting(Permits {
        statuses: &[400],
        closed: false,
    })
}

/// Every value of the protocol axis.
pub fn values() -> Vec<Value> {
    vec![
        version(
            "HTTP/1.0 with Host",
            Source::Rfc(9112, "2.3"),
            "HTTP/1.0",
            true,
        ),
        version(
            "HTTP/1.0 without Host",
            Source::Rfc(1945, "5"),
            "HTTP/1.0",
            false,
        ),
        version(
            "HTTP/1.2 (unknown minor)",
            Source::Rfc(9112, "2.3"),
            "HTTP/1.2",
            true,
        ),
        version(
            "HTTP/2.0 on an HTTP/1 request line",
            Source::Rfc(9112, "2.3"),
            "HTTP/2.0",
            true,
        ),
        upgrade(
            "Upgrade: h2c with HTTP2-Settings",
            "Upgrade",
            Source::Rfc(7540, "3.2"),
            |r, _| {
                r.field("Connection", "Upgrade, HTTP2-Settings")
                    .field("Upgrade", "h2c")
                    .field("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA")
            },
        ),
        upgrade(
            "Upgrade: websocket (RFC 6455 handshake)",
            "WebSocket",
            Source::Rfc(6455, "4.1"),
            |r, _| {
                r.with_method("GET")
                    .field("Connection", "Upgrade")
                    .field("Upgrade", "websocket")
                    .field("Sec-WebSocket-Version", "13")
                    .field("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
            },
        )
        .excluding(&[Axis::Method]),
        upgrade(
            "Upgrade: an unregistered protocol",
            "Upgrade",
            Source::Iana("HTTP Upgrade Token Registry"),
            |r, _| {
                r.field("Connection", "Upgrade")
                    .field("Upgrade", "conformance-probe/1")
            },
        ),
    ]
}
