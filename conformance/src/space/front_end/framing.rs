//! The body-framing and `Expect` classes of the front-end axis (RFC 9112 §6, RFC 9110
//! §10.1.1): what a request says about its body.

use super::super::{Axis, Permits, Source, Value};

/// Body framing (RFC 9112 §6): `Content-Length: 0` without a body, a JSON body with its
/// length, a JSON body chunked without `Content-Length` (over HTTP/2, DATA frames without
/// `content-length`; a server may want a length: 411, RFC 9110 §15.5.12), and
/// `Transfer-Encoding: chunked` beside a `Content-Length` that frames the same bytes (a server
/// may refuse the pair: RFC 9112 §6.3).
pub(super) fn framing() -> Vec<Value> {
    vec![
        Value::new(
            Axis::FrontEnd,
            "Content-Length: 0, no body",
            "body framing",
            Source::Rfc(9112, "6.2"),
            |r, _| Some(r.field("Content-Length", "0")),
        ),
        Value::new(
            Axis::FrontEnd,
            "a JSON body with Content-Length",
            "body framing",
            Source::Rfc(9112, "6.2"),
            |r, _| Some(r.body("application/json", "{}")),
        ),
        Value::new(
            Axis::FrontEnd,
            "a chunked JSON body, no Content-Length",
            "body framing",
            Source::Rfc(9112, "7.1"),
            // Over HTTP/1.1 on a connection of its own (`wire::http1`), over HTTP/2 on the
            // shared connection: a stream is framed by its own DATA frames.
            |r, _| Some(r.body("application/json", "{}").chunked()),
        )
        .permitting(Permits {
            statuses: &[411],
            closed: false,
        }),
        Value::new(
            Axis::FrontEnd,
            "Transfer-Encoding: chunked and Content-Length",
            "body framing",
            Source::Rfc(9112, "6.3"),
            |r, _| {
                let mut r = r
                    .field("Transfer-Encoding", "chunked")
                    .body("application/json", "0\r\n\r\n");
                r.fresh_connection = true;
                Some(r.exact())
            },
        )
        .permitting(Permits::MALFORMED),
        Value::new(
            Axis::FrontEnd,
            "Expect: 100-continue with a body",
            "Expect",
            Source::Rfc(9110, "10.1.1"),
            |r, _| {
                Some(
                    r.field("Expect", "100-continue")
                        .body("application/json", "{}"),
                )
            },
        ),
        Value::new(
            Axis::FrontEnd,
            "Expect: an unknown expectation",
            "Expect",
            Source::Rfc(9110, "10.1.1"),
            |r, _| Some(r.field("Expect", "conformance-probe")),
        )
        .permitting(Permits {
            statuses: &[417],
            closed: false,
        }),
    ]
}
