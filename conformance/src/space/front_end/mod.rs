//! The front-end axis: header fields that proxies, gateways and frameworks act on before (or
//! instead of) the handler — `Host`, forwarding fields, URL rewrites, method overrides,
//! `Connection`, `Expect`, `Range`, conditionals, caching, body framing, `Origin` and CORS
//! preflights, cookies. A deployment that exempts a request from authentication because of one
//! of them (it claims to come from inside, to be a preflight, to be cached, to be "public")
//! has an unauthenticated route. None of them may change the answer to a request without a
//! valid key: the envelope, or a refusal that reaches no handler where the field's own
//! grammar allows one.

mod framing;
mod host;

use super::{Axis, Source, Value};
use framing::framing;
use host::{hosts, own_connection};

/// Fields a front end sets and a back end may trust to say where the request came from.
const FORWARDING: [&str; 8] = [
    "X-Forwarded-For",
    "X-Real-IP",
    "X-Client-IP",
    "True-Client-IP",
    "X-Originating-IP",
    "Client-IP",
    "X-Cluster-Client-IP",
    "X-Remote-Addr",
];

/// Values that claim the request comes from inside.
const INSIDE: [&str; 5] = ["127.0.0.1", "::1", "10.0.0.1", "192.168.0.1", "localhost"];

/// Paths that look public or internal, for the URL rewrites.
const PUBLIC_LOOKING: [&str; 3] = ["/healthz", "/health", "/"];

/// Fields that rewrite the URL a back end routes on.
const URL_REWRITES: [&str; 2] = ["X-Original-URL", "X-Rewrite-URL"];

/// Fields that override the method, and the methods an authenticator may exempt.
const METHOD_OVERRIDES: [&str; 3] = [
    "X-HTTP-Method-Override",
    "X-HTTP-Method",
    "X-Method-Override",
];
const EXEMPT_METHODS: [&str; 3] = ["OPTIONS", "HEAD", "GET"];

/// Single-field values, class by class: (class, where it comes from, name, value).
const FIELDS: [(&str, Source, &str, &str); 27] = [
    (
        "forwarding",
        Source::Rfc(7239, "4"),
        "Forwarded",
        "for=127.0.0.1",
    ),
    (
        "forwarding",
        Source::Rfc(7239, "4"),
        "Forwarded",
        "for=\"[::1]\";proto=https",
    ),
    (
        "forwarding",
        Source::Practice("X-Forwarded-Host: proxies, Express trust proxy"),
        "X-Forwarded-Host",
        "localhost",
    ),
    (
        "forwarding",
        Source::Practice("Via: RFC 9110 §7.6.3, trusted by some gateways"),
        "Via",
        "1.1 internal",
    ),
    (
        "URL rewrite",
        Source::Practice("Spring ForwardedHeaderFilter"),
        "X-Forwarded-Prefix",
        "/healthz",
    ),
    (
        "Connection",
        Source::Rfc(9110, "7.6.1"),
        "Connection",
        "close",
    ),
    (
        "Connection",
        Source::Rfc(9110, "7.6.1"),
        "Connection",
        "keep-alive",
    ),
    (
        "Connection",
        Source::Rfc(9110, "7.6.1"),
        "Connection",
        "X-Forwarded-For",
    ),
    (
        "Connection",
        Source::Rfc(9110, "7.6.1"),
        "Connection",
        "Upgrade",
    ),
    (
        "Expect",
        Source::Rfc(9110, "10.1.1"),
        "Expect",
        "100-continue",
    ),
    ("Range", Source::Rfc(9110, "14.2"), "Range", "bytes=0-0"),
    ("Range", Source::Rfc(9110, "14.2"), "Range", "bytes=0-"),
    ("Range", Source::Rfc(9110, "14.2"), "Range", "bytes=x-y"),
    (
        "conditional",
        Source::Rfc(9110, "13.1.2"),
        "If-None-Match",
        "*",
    ),
    (
        "conditional",
        Source::Rfc(9110, "13.1.2"),
        "If-None-Match",
        "\"conformance-probe\"",
    ),
    ("conditional", Source::Rfc(9110, "13.1.1"), "If-Match", "*"),
    (
        "conditional",
        Source::Rfc(9110, "13.1.3"),
        "If-Modified-Since",
        "Sat, 01 Jan 2000 00:00:00 GMT",
    ),
    (
        "conditional",
        Source::Rfc(9110, "13.1.4"),
        "If-Unmodified-Since",
        "Sat, 01 Jan 2000 00:00:00 GMT",
    ),
    (
        "cache",
        Source::Rfc(9111, "5.2.1.4"),
        "Cache-Control",
        "no-cache",
    ),
    (
        "cache",
        Source::Rfc(9111, "5.2.1.1"),
        "Cache-Control",
        "max-age=0",
    ),
    (
        "cache",
        Source::Rfc(9111, "5.2.1.7"),
        "Cache-Control",
        "only-if-cached",
    ),
    ("cache", Source::Rfc(9111, "5.4"), "Pragma", "no-cache"),
    (
        "Origin",
        Source::Rfc(6454, "7"),
        "Origin",
        "https://example.invalid",
    ),
    ("Origin", Source::Rfc(6454, "7"), "Origin", "null"),
    (
        "cookie",
        Source::Rfc(6265, "5.4"),
        "Cookie",
        "session=conformance-probe",
    ),
    (
        "cookie",
        Source::Rfc(6265, "5.4"),
        "Cookie",
        "authenticated=true; admin=1",
    ),
    ("cookie", Source::Rfc(6265, "5.4"), "Cookie", "x=1; x=2"),
];

/// Every value of the front-end axis.
pub fn values() -> Vec<Value> {
    let mut values = Vec::new();
    values.extend(hosts());
    for name in FORWARDING {
        for value in INSIDE {
            values.push(field(
                "forwarding",
                Source::Practice("X-Forwarded-For and its kin: proxies, load balancers"),
                name,
                value,
            ));
        }
    }
    for (class, source, name, value) in FIELDS {
        let value = field(class, source, name, value);
        values.push(if class == "Connection" {
            // A connection the request asks to close (or to upgrade) is its own.
            let edit = value.clone();
            Value::new(
                Axis::FrontEnd,
                value.label.clone(),
                class,
                source,
                move |r, s| edit.apply(r, s).map(own_connection),
            )
        } else {
            value
        });
    }
    values.push(Value::new(
        Axis::FrontEnd,
        "X-Forwarded-For + X-Forwarded-Host + X-Forwarded-Proto",
        "forwarding",
        Source::Practice("X-Forwarded-*: proxies, load balancers"),
        |r, _| {
            Some(
                r.field("X-Forwarded-For", "127.0.0.1")
                    .field("X-Forwarded-Host", "localhost")
                    .field("X-Forwarded-Proto", "http"),
            )
        },
    ));
    values.extend(url_rewrites());
    for name in METHOD_OVERRIDES {
        for method in EXEMPT_METHODS {
            values.push(field(
                "method override",
                Source::Practice("Google APIs, Symfony, Express method-override"),
                name,
                method,
            ));
        }
    }
    values.extend(preflights());
    values.extend(framing());
    values
}

/// `name: value`, in `class`.
fn field(class: &'static str, source: Source, name: &'static str, value: &str) -> Value {
    Value::field(Axis::FrontEnd, class, source, name, value)
}

/// URL rewrites both ways: the documented path "rewritten" to a public-looking one (an
/// authenticator that exempts by the field), and a public-looking path rewritten to the
/// documented one (a back end that routes on the field).
fn url_rewrites() -> Vec<Value> {
    let source = Source::Practice("IIS URL Rewrite, Symfony: X-Original-URL, X-Rewrite-URL");
    let mut values = Vec::new();
    for name in URL_REWRITES {
        for public in PUBLIC_LOOKING {
            values.push(field("URL rewrite", source, name, public));
            values.push(
                Value::new(
                    Axis::FrontEnd,
                    format!("{public} with {name}: the documented path"),
                    "URL rewrite to the documented path",
                    source,
                    move |mut r, s| {
                        r.target = public.into();
                        Some(r.field(name, s.path.as_str()))
                    },
                )
                .excluding(&[Axis::Path, Axis::Query, Axis::TargetForm]),
            );
        }
    }
    values
}

/// CORS preflights (Fetch, "CORS protocol"): `OPTIONS` with `Origin` and
/// `Access-Control-Request-*`. A 2xx with `Access-Control-Allow-*` would be a route that
/// answers without a key.
fn preflights() -> Vec<Value> {
    let source = Source::Practice("Fetch standard §3.2.2, CORS-preflight request");
    let rows: [(&str, &str); 3] = [
        ("GET", "authorization"),
        ("POST", "content-type"),
        ("DELETE", "authorization, x-requested-with"),
    ];
    rows.into_iter()
        .map(|(method, headers)| {
            Value::new(
                Axis::FrontEnd,
                format!("preflight for {method}, {headers}"),
                "CORS preflight",
                source,
                move |r, _| {
                    Some(
                        r.with_method("OPTIONS")
                            .field("Origin", "https://example.invalid")
                            .field("Access-Control-Request-Method", method)
                            .field("Access-Control-Request-Headers", headers),
                    )
                },
            )
            .excluding(&[Axis::Method])
        })
        .collect()
}
