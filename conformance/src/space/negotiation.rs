//! Content negotiation (ERR-2): the proactive-negotiation fields of RFC 9110 §12.5 — `Accept`,
//! `Accept-Charset`, `Accept-Encoding`, `Accept-Language` — with the values clients send: what
//! a browser sends on navigation, single media types a client may insist on, `q=0` exclusions.
//! ERR-2: whatever they say, a refusal is the 401 JSON envelope; a compressed body only with a
//! `Content-Encoding` that names its coding.

use super::{Axis, Source, Value};

/// One negotiation field value: its field, value, class and where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct Preference {
    /// The field name.
    pub field: &'static str,
    /// Its value.
    pub value: &'static str,
    /// Its class (what the pairwise combinations cover).
    pub class: &'static str,
    /// Where it comes from.
    pub source: Source,
}

const fn pref(
    field: &'static str,
    value: &'static str,
    class: &'static str,
    source: Source,
) -> Preference {
    Preference {
        field,
        value,
        class,
        source,
    }
}

/// `Accept` (RFC 9110 §12.5.1): the media types the client takes. Absent is the baseline every
/// other case sends.
pub const ACCEPT: [Preference; 8] = [
    // What Chrome and Firefox send on navigation (the HTML standard's default for documents).
    pref(
        "Accept",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "browser navigation",
        Source::Practice("browsers' navigation Accept (Fetch standard)"),
    ),
    pref("Accept", "text/html", "HTML", Source::Rfc(9110, "12.5.1")),
    pref(
        "Accept",
        "application/xml",
        "XML",
        Source::Rfc(9110, "12.5.1"),
    ),
    pref("Accept", "text/plain", "text", Source::Rfc(9110, "12.5.1")),
    pref("Accept", "*/*", "anything", Source::Rfc(9110, "12.5.1")),
    pref(
        "Accept",
        "application/json;q=0",
        "JSON refused",
        Source::Rfc(9110, "12.4.2"),
    ),
    // What an `EventSource` sends (the HTML standard's server-sent events).
    pref(
        "Accept",
        "text/event-stream",
        "event stream",
        Source::Practice("HTML standard, server-sent events"),
    ),
    pref(
        "Accept",
        "application/problem+json",
        "problem details",
        Source::Rfc(9457, "3"),
    ),
];

/// `Accept-Encoding` (RFC 9110 §12.5.3) with the codings of IANA's HTTP Content Coding
/// Registry that servers compress with.
pub const ACCEPT_ENCODING: [Preference; 5] = [
    pref(
        "Accept-Encoding",
        "gzip",
        "gzip",
        Source::Rfc(9110, "8.4.1.3"),
    ),
    pref("Accept-Encoding", "br", "br", Source::Rfc(7932, "")),
    pref(
        "Accept-Encoding",
        "deflate",
        "deflate",
        Source::Rfc(9110, "8.4.1.2"),
    ),
    pref(
        "Accept-Encoding",
        // What browsers send, less `zstd`, which the runner cannot decode (a server may
        // answer in any coding the request lists).
        "gzip, deflate, br",
        "browser",
        Source::Iana("HTTP Content Coding Registry"),
    ),
    pref(
        "Accept-Encoding",
        "identity;q=0",
        "identity refused",
        Source::Rfc(9110, "12.5.3"),
    ),
];

/// `Accept-Language` (RFC 9110 §12.5.4): a language the envelope is not in.
pub const ACCEPT_LANGUAGE: [Preference; 2] = [
    pref(
        "Accept-Language",
        "fr-CH, fr;q=0.9, de;q=0.7, *;q=0.5",
        "browser",
        Source::Rfc(9110, "12.5.4"),
    ),
    pref(
        "Accept-Language",
        "ja",
        "one language",
        Source::Rfc(9110, "12.5.4"),
    ),
];

/// `Accept-Charset` (RFC 9110 §12.5.2): a charset other than UTF-8, and UTF-8 refused.
pub const ACCEPT_CHARSET: [Preference; 2] = [
    pref(
        "Accept-Charset",
        "iso-8859-1",
        "Latin-1",
        Source::Rfc(9110, "12.5.2"),
    ),
    pref(
        "Accept-Charset",
        "utf-8;q=0",
        "UTF-8 refused",
        Source::Rfc(9110, "12.5.2"),
    ),
];

/// The negotiation axes, in the order the cases cross them.
pub const AXES: [Axis; 4] = [
    Axis::Accept,
    Axis::AcceptEncoding,
    Axis::AcceptLanguage,
    Axis::AcceptCharset,
];

/// The values of `axis` for the request space: each preference adds its field.
pub fn values(axis: Axis) -> Vec<Value> {
    let table: &[Preference] = match axis {
        Axis::Accept => &ACCEPT,
        Axis::AcceptEncoding => &ACCEPT_ENCODING,
        Axis::AcceptLanguage => &ACCEPT_LANGUAGE,
        Axis::AcceptCharset => &ACCEPT_CHARSET,
        _ => &[],
    };
    table
        .iter()
        .map(|p| Value::field(axis, p.class, p.source, p.field, p.value))
        .collect()
}
