//! The request-target form axis (RFC 9112 §3.2): the origin form is the documented request;
//! the values are the absolute form (the target's own authority, another scheme, another host,
//! userinfo), the authority form (`CONNECT host:port`) and the asterisk form (`OPTIONS *`, and
//! `*` with another method). A proxy-aware server routes an absolute form by its path part; a
//! server that treats the other forms as "the server itself" may answer them from no route at
//! all. Each is HTTP/1.1 only (HTTP/2 carries the same in pseudo-header fields).

use super::{Axis, Permits, Site, Source, Value};
use crate::wire::{Request, Text};

/// The target's answers to a host it does not serve: 400, 421 (RFC 9110 §15.5.20), or a
/// closed connection — none reaches a handler.
pub const OTHER_HOST: Permits = Permits {
    statuses: &[400, 403, 404, 421],
    closed: true,
};

/// `request`'s target in absolute form with `scheme://authority`.
fn absolute(mut request: Request, site: &Site, scheme: &str, authority: &str) -> Request {
    let mut target = format!("{scheme}://{authority}{}", site.base_path).into_bytes();
    target.extend_from_slice(request.target.bytes());
    request.target = Text::plain(target);
    request.absolute = true;
    request.exact()
}

/// Every value of the target-form axis.
pub fn values() -> Vec<Value> {
    let source = Source::Rfc(9112, "3.2.2");
    vec![
        Value::new(
            Axis::TargetForm,
            "absolute-form",
            "absolute-form",
            source,
            |r, s| Some(absolute(r, s, "https", &s.authority)),
        )
        .permitting(Permits::MALFORMED),
        Value::new(
            Axis::TargetForm,
            "absolute-form, http scheme",
            "absolute-form",
            source,
            |r, s| Some(absolute(r, s, "http", &s.authority)),
        )
        .permitting(OTHER_HOST),
        Value::new(
            Axis::TargetForm,
            "absolute-form, another host",
            "absolute-form, another host",
            source,
            |r, s| Some(absolute(r, s, "https", "localhost")),
        )
        .permitting(OTHER_HOST),
        Value::new(
            Axis::TargetForm,
            "absolute-form, userinfo",
            "absolute-form, another host",
            Source::Rfc(9110, "4.2.4"),
            |r, s| Some(absolute(r, s, "https", &format!("admin@{}", s.authority))),
        )
        .permitting(OTHER_HOST),
        Value::new(
            Axis::TargetForm,
            "authority-form (CONNECT host:port)",
            "authority-form",
            Source::Rfc(9112, "3.2.3"),
            |mut r, s| {
                r.method = "CONNECT".into();
                r.target = s.authority.as_str().into();
                r.absolute = true;
                Some(r.exact())
            },
        )
        .permitting(Permits::MALFORMED)
        .excluding(&[Axis::Method, Axis::Path, Axis::Query]),
        Value::new(
            Axis::TargetForm,
            "asterisk-form (OPTIONS *)",
            "asterisk-form",
            Source::Rfc(9112, "3.2.4"),
            |mut r, _| {
                r.method = "OPTIONS".into();
                r.target = "*".into();
                r.absolute = true;
                Some(r.exact())
            },
        )
        .permitting(Permits::MALFORMED)
        .excluding(&[Axis::Method, Axis::Path, Axis::Query]),
        Value::new(
            Axis::TargetForm,
            "asterisk-form with GET",
            "asterisk-form",
            Source::Rfc(9112, "3.2.4"),
            |mut r, _| {
                r.method = "GET".into();
                r.target = "*".into();
                r.absolute = true;
                Some(r.exact())
            },
        )
        .permitting(Permits::MALFORMED)
        .excluding(&[Axis::Method, Axis::Path, Axis::Query]),
    ]
}
