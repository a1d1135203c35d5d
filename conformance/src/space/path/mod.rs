//! The path axis: every way the documented path can be written that a router, a proxy or a
//! decoder may read as the same path, or as a path with no authentication in front of it —
//! separators both ways, dot segments raw and encoded, `;params`, case, percent-encoding of
//! each byte class (RFC 3986 §2: unreserved, sub-delims, gen-delims, `%`, space, controls,
//! obs bytes) and the same bytes raw where HTTP/1.1 carries them, Unicode lookalikes and
//! overlong UTF-8. Each value rewrites the path of the site it is applied to. Any value may be
//! refused by the HTTP layer (400) or, over HTTP/2, with a reset stream (a `:path` it finds
//! malformed): that reaches no handler either.

mod edits;

use super::{Axis, Permits, Source, Value};
use crate::wire::Text;
use edits::{
    capitalize_last, encode_letter, fullwidth_letter, insert_param, insert_segment,
    replace_last_slash,
};

/// A path value: label, class, where it comes from, how it rewrites a path.
type Row = (&'static str, &'static str, Source, fn(&str) -> Vec<u8>);

/// The structural variants, class by class.
const ROWS: [Row; 37] = [
    ("p/", "trailing slash", Source::Rfc(3986, "3.3"), |p| {
        format!("{p}/").into()
    }),
    ("//p", "doubled slash", Source::Rfc(3986, "3.3"), |p| {
        p.replacen('/', "//", 1).into()
    }),
    (
        "every / doubled",
        "doubled slash",
        Source::Rfc(3986, "3.3"),
        |p| p.replace('/', "//").into(),
    ),
    ("/ + //p", "doubled slash", Source::Rfc(3986, "3.3"), |p| {
        format!("/{p}").into()
    }),
    (
        "P (upper case)",
        "case changed",
        Source::Rfc(3986, "6.2.2.1"),
        |p| p.to_ascii_uppercase().into(),
    ),
    (
        "last segment capitalised",
        "case changed",
        Source::Rfc(3986, "6.2.2.1"),
        |p| capitalize_last(p).into(),
    ),
    (
        "first letter %XX",
        "percent-encoded char",
        Source::Rfc(3986, "6.2.2.2"),
        |p| encode_letter(p, false).into(),
    ),
    (
        "last letter %xx",
        "percent-encoded char",
        Source::Rfc(3986, "6.2.2.2"),
        |p| encode_letter(p, true).into(),
    ),
    (
        "/./ before the last segment",
        "dot segment",
        Source::Rfc(3986, "5.2.4"),
        |p| insert_segment(p, ".").into(),
    ),
    (
        "/x/../ before the last segment",
        "dot segment",
        Source::Rfc(3986, "5.2.4"),
        |p| insert_segment(p, "x/..").into(),
    ),
    ("/./p", "dot segment", Source::Rfc(3986, "5.2.4"), |p| {
        format!("/.{p}").into()
    }),
    (
        "p/. at the end",
        "dot segment",
        Source::Rfc(3986, "5.2.4"),
        |p| format!("{p}/.").into(),
    ),
    (
        "/%2e/",
        "encoded dot segment",
        Source::Rfc(3986, "2.3"),
        |p| insert_segment(p, "%2e").into(),
    ),
    (
        "/x/%2e%2e/",
        "encoded dot segment",
        Source::Rfc(3986, "2.3"),
        |p| insert_segment(p, "x/%2e%2e").into(),
    ),
    (
        "/x/.%2E/ (mixed)",
        "encoded dot segment",
        Source::Rfc(3986, "2.3"),
        |p| insert_segment(p, "x/.%2E").into(),
    ),
    (
        "/x/..;/ (Tomcat)",
        "encoded dot segment",
        Source::Practice("Tomcat, Spring: `;` ends a segment before `..` is resolved"),
        |p| insert_segment(p, "x/..;").into(),
    ),
    ("p;", "semicolon params", Source::Rfc(3986, "3.3"), |p| {
        format!("{p};").into()
    }),
    (
        "p;jsessionid=0",
        "semicolon params",
        Source::Practice("Java servlet path parameters"),
        |p| format!("{p};jsessionid=0").into(),
    ),
    (
        "/first;x=1/rest",
        "semicolon params",
        Source::Rfc(3986, "3.3"),
        |p| insert_param(p).into(),
    ),
    (
        "p.",
        "trailing dot or suffix",
        Source::Practice("routers that drop a trailing dot or a format suffix"),
        |p| format!("{p}.").into(),
    ),
    (
        "p.json",
        "trailing dot or suffix",
        Source::Practice("Rails, Spring suffix pattern matching"),
        |p| format!("{p}.json").into(),
    ),
    (
        "p%20",
        "trailing dot or suffix",
        Source::Rfc(3986, "2.1"),
        |p| format!("{p}%20").into(),
    ),
    (
        "every / as %2F",
        "percent-encoded slash",
        Source::Rfc(3986, "2.2"),
        |p| format!("/{}", p[1..].replace('/', "%2F")).into(),
    ),
    (
        "every / as %2f",
        "percent-encoded slash",
        Source::Rfc(3986, "2.2"),
        |p| format!("/{}", p[1..].replace('/', "%2f")).into(),
    ),
    (
        "p/?x=1",
        "trailing slash and query",
        Source::Rfc(3986, "3.3"),
        |p| format!("{p}/?x=1").into(),
    ),
    (
        "p//",
        "trailing slash and query",
        Source::Rfc(3986, "3.3"),
        |p| format!("{p}//").into(),
    ),
    (
        "every / as \\",
        "backslash",
        Source::Practice("WHATWG URL: `\\` is `/` in special schemes; IIS"),
        |p| p.replace('/', "\\").into(),
    ),
    (
        "\\ before the last segment",
        "backslash",
        Source::Practice("WHATWG URL: `\\` is `/` in special schemes; IIS"),
        |p| replace_last_slash(p, "\\").into(),
    ),
    (
        "%5C before the last segment",
        "backslash",
        Source::Rfc(3986, "2.1"),
        |p| replace_last_slash(p, "%5C").into(),
    ),
    (
        "fullwidth solidus ／ (raw UTF-8)",
        "unicode",
        Source::Rfc(3987, "3.1"),
        |p| replace_last_slash(p, "\u{FF0F}").into(),
    ),
    (
        "fullwidth solidus %EF%BC%8F",
        "unicode",
        Source::Rfc(3987, "3.1"),
        |p| replace_last_slash(p, "%EF%BC%8F").into(),
    ),
    (
        "fullwidth first letter (NFKC), encoded",
        "unicode",
        Source::Practice("Unicode NFKC normalisation (UAX #15) of paths"),
        |p| fullwidth_letter(p, true),
    ),
    (
        "fullwidth first letter (NFKC), raw UTF-8",
        "unicode",
        Source::Practice("Unicode NFKC normalisation (UAX #15) of paths"),
        |p| fullwidth_letter(p, false),
    ),
    (
        "overlong / %C0%AF",
        "overlong utf-8",
        Source::Rfc(3629, "3"),
        |p| replace_last_slash(p, "%C0%AF").into(),
    ),
    (
        "overlong /x/.. %C0%AE%C0%AE",
        "overlong utf-8",
        Source::Rfc(3629, "3"),
        |p| insert_segment(p, "x/%C0%AE%C0%AE").into(),
    ),
    (
        "overlong / %E0%80%AF",
        "overlong utf-8",
        Source::Rfc(3629, "3"),
        |p| replace_last_slash(p, "%E0%80%AF").into(),
    ),
    ("p#fragment", "fragment", Source::Rfc(9112, "3.2"), |p| {
        format!("{p}#x").into()
    }),
];

/// Bytes tried after the path, raw where the request line can carry them at all (RFC 9112
/// §3.2: the target is `pchar`s; the others are sent anyway, for the HTTP layer to refuse),
/// and percent-encoded (RFC 3986 §2.1), by byte class.
const BYTES: [(&str, &[u8]); 7] = [
    ("unreserved", b"-._~"),
    ("sub-delims", b"!$&'()*+,;="),
    ("gen-delims", b":@[]?/#"),
    ("percent", b"%"),
    ("space", b" "),
    ("control", b"\x00\x01\x09\x0a\x0d\x1f\x7f"),
    ("obs byte", b"\x80\xff"),
];

/// Every value of the path axis.
pub fn values() -> Vec<Value> {
    let mut values: Vec<Value> = ROWS
        .iter()
        .map(|&(label, class, source, derive)| {
            Value::new(Axis::Path, label, class, source, move |mut r, site| {
                let variant = derive(&site.path);
                (variant != site.path.as_bytes()).then(|| {
                    r.target = Text::plain(variant);
                    r
                })
            })
        })
        .collect();
    for (class_of_byte, bytes) in BYTES {
        for &b in bytes {
            // Raw: only where it does not end the request line or change the path's structure
            // (CR, LF and `/` raw are other axes' business; `?` and `#` are the query's and
            // the fragment's).
            if !matches!(b, b'\r' | b'\n' | b'/' | b'?' | b'#') {
                values.push(byte_value(
                    format!("{} raw ({class_of_byte})", crate::wire::show_bytes(&[b])),
                    "raw byte",
                    Source::Rfc(9112, "3.2"),
                    vec![b],
                ));
            }
            values.push(byte_value(
                format!("%{b:02X} ({class_of_byte})"),
                "percent-encoded byte",
                Source::Rfc(3986, "2.1"),
                format!("%{b:02X}").into_bytes(),
            ));
        }
    }
    values.push(byte_value(
        "%00 in the last segment".into(),
        "percent-encoded byte",
        Source::Rfc(3986, "2.1"),
        b"%00.json".to_vec(),
    ));
    values
        .into_iter()
        .map(|v| v.permitting(Permits::MALFORMED))
        .collect()
}

/// The path with `suffix` after it.
fn byte_value(label: String, class: &'static str, source: Source, suffix: Vec<u8>) -> Value {
    Value::new(Axis::Path, label, class, source, move |mut r, site| {
        let mut target = site.path.as_bytes().to_vec();
        target.extend_from_slice(&suffix);
        r.target = Text::plain(target);
        Some(r)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::space::Site;

    fn site(path: &str) -> Site {
        Site {
            method: "GET".into(),
            path: path.into(),
            authority: "h:1".into(),
            base_path: String::new(),
        }
    }

    fn target(label: &str, path: &str) -> Vec<u8> {
        let v = values().into_iter().find(|v| v.label == label).unwrap();
        site(path).carrying(&[&v]).unwrap().target.bytes().to_vec()
    }

    #[test]
    fn rows_rewrite_the_path_as_labelled() {
        assert_eq!(target("//p", "/v1/account"), b"//v1/account");
        assert_eq!(
            target("/x/..;/ (Tomcat)", "/v1/account"),
            b"/v1/x/..;/account"
        );
        assert_eq!(
            target("\\ before the last segment", "/v1/account"),
            b"/v1\\account"
        );
        assert_eq!(
            target("fullwidth first letter (NFKC), encoded", "/v1/account"),
            b"/v1/%EF%BD%81ccount"
        );
        assert_eq!(target("%00 (control)", "/v1/account"), b"/v1/account%00");
        assert_eq!(
            target("\\xFF raw (obs byte)", "/v1/account"),
            b"/v1/account\xff"
        );
    }

    #[test]
    fn labels_are_unique_and_a_variant_equal_to_the_path_is_left_out() {
        let values = values();
        let mut labels: Vec<&str> = values.iter().map(|v| v.label.as_str()).collect();
        labels.sort_unstable();
        let n = labels.len();
        labels.dedup();
        assert_eq!(labels.len(), n);
        // `/` has no letter to capitalise nor a segment to insert before.
        let v = values.iter().find(|v| v.label == "P (upper case)").unwrap();
        assert!(site("/").carrying(&[v]).is_none());
    }
}
