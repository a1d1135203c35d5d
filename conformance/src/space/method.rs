//! The method axis (RFC 9110 §9.1: `method = token`, case-sensitive): every method of IANA's
//! HTTP Method Registry, case variants of the standard ones, and extension tokens. RFC 9110's
//! methods and PATCH must get the envelope; any other token may get 400 from an HTTP layer that
//! does not parse it (on every path alike: that routes nothing), or a closed connection for the
//! two whose grammar needs another target form (`CONNECT`, `PRI`).

use super::{Axis, Permits, Source, Value};

/// RFC 9110 §9.3's methods and PATCH (RFC 5789): always the envelope.
const STANDARD: [(&str, Source); 9] = [
    ("GET", Source::Rfc(9110, "9.3.1")),
    ("HEAD", Source::Rfc(9110, "9.3.2")),
    ("POST", Source::Rfc(9110, "9.3.3")),
    ("PUT", Source::Rfc(9110, "9.3.4")),
    ("DELETE", Source::Rfc(9110, "9.3.5")),
    ("OPTIONS", Source::Rfc(9110, "9.3.7")),
    ("TRACE", Source::Rfc(9110, "9.3.8")),
    ("PATCH", Source::Rfc(5789, "2")),
    ("CONNECT", Source::Rfc(9110, "9.3.6")),
];

/// IANA's HTTP Method Registry beyond [`STANDARD`]: WebDAV and its extensions, versioning,
/// bindings, redirect references, calendaring, search, link maintenance, the HTTP/2 preface.
const REGISTERED: [(&str, &str, Source); 34] = [
    ("ACL", "WebDAV", Source::Rfc(3744, "8.1")),
    ("BASELINE-CONTROL", "WebDAV", Source::Rfc(3253, "12.6")),
    ("BIND", "WebDAV", Source::Rfc(5842, "4")),
    ("CHECKIN", "WebDAV", Source::Rfc(3253, "4.4")),
    ("CHECKOUT", "WebDAV", Source::Rfc(3253, "4.3")),
    ("COPY", "WebDAV", Source::Rfc(4918, "9.8")),
    ("LABEL", "WebDAV", Source::Rfc(3253, "8.2")),
    ("LINK", "registered", Source::Rfc(2068, "19.6.1.2")),
    ("LOCK", "WebDAV", Source::Rfc(4918, "9.10")),
    ("MERGE", "WebDAV", Source::Rfc(3253, "11.2")),
    ("MKACTIVITY", "WebDAV", Source::Rfc(3253, "13.5")),
    ("MKCALENDAR", "WebDAV", Source::Rfc(4791, "5.3.1")),
    ("MKCOL", "WebDAV", Source::Rfc(4918, "9.3")),
    ("MKREDIRECTREF", "WebDAV", Source::Rfc(4437, "6")),
    ("MKWORKSPACE", "WebDAV", Source::Rfc(3253, "6.3")),
    ("MOVE", "WebDAV", Source::Rfc(4918, "9.9")),
    ("ORDERPATCH", "WebDAV", Source::Rfc(3648, "7")),
    ("PROPFIND", "WebDAV", Source::Rfc(4918, "9.1")),
    ("PROPPATCH", "WebDAV", Source::Rfc(4918, "9.2")),
    ("REBIND", "WebDAV", Source::Rfc(5842, "6")),
    ("REPORT", "WebDAV", Source::Rfc(3253, "3.6")),
    ("SEARCH", "WebDAV", Source::Rfc(5323, "2")),
    ("UNBIND", "WebDAV", Source::Rfc(5842, "5")),
    ("UNCHECKOUT", "WebDAV", Source::Rfc(3253, "4.5")),
    ("UNLINK", "registered", Source::Rfc(2068, "19.6.1.3")),
    ("UNLOCK", "WebDAV", Source::Rfc(4918, "9.11")),
    ("UPDATE", "WebDAV", Source::Rfc(3253, "7.1")),
    ("UPDATEREDIRECTREF", "WebDAV", Source::Rfc(4437, "7")),
    ("VERSION-CONTROL", "WebDAV", Source::Rfc(3253, "3.5")),
    ("PRI", "registered", Source::Rfc(9113, "3.4")),
    (
        "QUERY",
        "registered",
        Source::Draft("draft-ietf-httpbis-safe-method-w-body"),
    ),
    ("GET", "case variant", Source::Rfc(9110, "9.1")),
    ("HEAD", "case variant", Source::Rfc(9110, "9.1")),
    ("OPTIONS", "case variant", Source::Rfc(9110, "9.1")),
];

/// `token` (RFC 9110 §5.6.2) beyond any registry: a plain one, every `tchar` punctuation, a
/// digit-led one, a long one.
const EXTENSION: [&str; 4] = ["FOO", "!#$%&'*+-.^_`|~", "1GET", "X-EXTENSION-METHOD-LONG"];

/// Every value of the method axis.
pub fn values() -> Vec<Value> {
    let set = |method: String| {
        move |r: crate::wire::Request, _: &super::Site| Some(r.with_method(&method))
    };
    let mut values: Vec<Value> = STANDARD
        .iter()
        .map(|&(m, source)| {
            let v = Value::new(Axis::Method, m, "RFC 9110", source, set(m.to_owned()));
            // CONNECT's target is authority-form (RFC 9110 §9.3.6): one with a path is
            // malformed, and may be refused as such.
            if m == "CONNECT" {
                v.permitting(Permits::MALFORMED)
            } else {
                v
            }
        })
        .collect();
    for &(m, class, source) in &REGISTERED {
        let (label, method) = if class == "case variant" {
            // `get` and `Get`: methods are case-sensitive, so these are other tokens.
            let lower = m.to_ascii_lowercase();
            let capital = format!("{}{}", &m[..1], &lower[1..]);
            if m == "GET" {
                values.push(
                    Value::new(Axis::Method, capital.clone(), class, source, set(capital))
                        .permitting(Permits::UNPARSED_METHOD),
                );
            }
            (lower.clone(), lower)
        } else {
            (m.to_owned(), m.to_owned())
        };
        // PRI is the HTTP/2 connection preface's method: an HTTP/1.1 server may close.
        let permits = if m == "PRI" {
            Permits::MALFORMED
        } else {
            Permits::UNPARSED_METHOD
        };
        values
            .push(Value::new(Axis::Method, label, class, source, set(method)).permitting(permits));
    }
    for m in EXTENSION {
        let method = if m.starts_with("X-EXTENSION") {
            format!("{m}-{}", "X".repeat(40))
        } else {
            m.to_owned()
        };
        values.push(
            Value::new(
                Axis::Method,
                method.clone(),
                "extension token",
                Source::Rfc(9110, "5.6.2"),
                set(method),
            )
            .permitting(Permits::UNPARSED_METHOD),
        );
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_unique_and_every_registered_method_is_there() {
        let values = values();
        let mut labels: Vec<&str> = values.iter().map(|v| v.label.as_str()).collect();
        labels.sort_unstable();
        let n = labels.len();
        labels.dedup();
        assert_eq!(labels.len(), n, "duplicate labels");
        for m in [
            "PROPFIND",
            "MKCALENDAR",
            "PATCH",
            "get",
            "Get",
            "FOO",
            "PRI",
            "BIND",
        ] {
            assert!(labels.contains(&m), "{m} missing");
        }
    }
}
