//! Properties of the runner's parsers of what a target sends back: no input panics the
//! HTTP/1.1 response reader, the lenient head parser, the RFC 9110 challenge parser or the
//! envelope checks, and a well-formed response is read back as it was written.

use proptest::prelude::*;
use terminus_conformance::challenge;
use terminus_conformance::differences;
use terminus_conformance::redact_with;
use terminus_conformance::Reply;
use terminus_conformance::{content_type_problem, EnvelopeSchema};
use terminus_conformance::{parse_head_leniently, parse_response};

fn response_bytes() -> impl Strategy<Value = Vec<u8>> {
    let field = (
        "[A-Za-z-]{1,12}",
        proptest::collection::vec(any::<u8>(), 0..40),
    );
    (
        prop_oneof![
            Just("HTTP/1.1 "),
            Just("HTTP/1.0 "),
            Just("HTTP/2 "),
            Just("")
        ],
        100u16..1000,
        proptest::collection::vec(field, 0..6),
        prop_oneof![Just(""), Just("\r\n"), Just("\n")],
        proptest::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(version, status, fields, end, body)| {
            let mut out = format!("{version}{status} X\r\n").into_bytes();
            for (name, value) in fields {
                out.extend_from_slice(name.as_bytes());
                out.extend_from_slice(b": ");
                out.extend_from_slice(&value);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(end.as_bytes());
            out.extend_from_slice(&body);
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_bytes_panic_the_response_reader(bytes in proptest::collection::vec(any::<u8>(), 0..600), head: bool) {
        let _ = parse_head_leniently(&bytes);
        if let Reply::Response(r) = parse_response(&bytes, head) {
            let _ = r.describe();
            let _ = content_type_problem(&r);
            let _ = differences(&r, &r, &r, &[], std::slice::from_ref(&bytes));
        }
    }

    #[test]
    fn no_response_shaped_bytes_panic_the_judges(bytes in response_bytes(), head: bool) {
        let schema = EnvelopeSchema::load(None).unwrap();
        let reply = parse_response(&bytes, head);
        let _ = reply.describe();
        if let Reply::Response(r) = reply {
            let _ = schema.body_errors(&r);
            let values: Vec<&[u8]> = r.header_all("www-authenticate").collect();
            let _ = challenge::parse(&values);
        }
    }

    #[test]
    fn no_value_panics_the_challenge_parser(value in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = challenge::parse(&[&value]);
    }

    #[test]
    fn challenge_like_values_parse_or_say_why(value in r#"(Bearer|Basic|bearer)( [a-z]{1,6}="[ -~]{0,10}"(, ?[a-z]{1,6}=[A-Za-z0-9]{0,6})*)?"#) {
        // The grammar's own shapes: a quoted value with a backslash or quote may break it,
        // but the answer is always a value or a reason, never a panic.
        let _ = challenge::parse(&[value.as_bytes()]);
    }

    #[test]
    fn a_written_response_is_read_back(status in 200u16..600, body in "[ -~]{0,80}", chunked: bool) {
        let mut bytes = format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n").into_bytes();
        if chunked {
            bytes.extend_from_slice(format!("Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n", body.len()).as_bytes());
        } else {
            bytes.extend_from_slice(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
        }
        let Reply::Response(r) = parse_response(&bytes, false) else {
            panic!("not read: {bytes:?}");
        };
        prop_assert_eq!(r.status, status);
        if status != 204 && status != 304 || body.is_empty() {
            prop_assert_eq!(&r.body[..], body.as_bytes());
        }
        prop_assert!(content_type_problem(&r).is_none());
    }

    #[test]
    fn redaction_never_panics_and_hides_every_piece(text in "\\PC{0,80}", cut in 0usize..20) {
        let secret = b"thub_PropSecretValue0123456789".to_vec();
        let piece = String::from_utf8_lossy(&secret[cut..cut + 10]).into_owned();
        let shown = redact_with(&format!("{text}{piece}{text}"), &[secret]);
        prop_assert!(!shown.contains(&piece));
    }
}

/// A server that echoes the request line's version in its status line (aiohttp answers
/// `HTTP/2.0 401` to `GET / HTTP/2.0`) still answered: the answer is read and judged, not taken
/// for bytes that are not HTTP (it was a false ROUTE-1 failure). Bytes that are not an
/// HTTP-version stay unreadable.
#[test]
fn a_status_line_with_another_http_version_is_read() {
    let body =
        r#"{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}"#;
    for version in ["HTTP/2.0", "HTTP/1.2", "HTTP/3.0", "HTTP/0.9"] {
        let bytes = format!(
            "{version} 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let Reply::Response(r) = parse_response(bytes.as_bytes(), false) else {
            panic!("{version}: not read");
        };
        assert_eq!((r.status, &r.body[..]), (401, body.as_bytes()), "{version}");
    }
    for not_http in [
        "HTTP/x.1 401 A\r\n\r\n",
        "HTTP/12 401 A\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
    ] {
        assert!(
            !matches!(
                parse_response(not_http.as_bytes(), false),
                Reply::Response(_)
            ),
            "{not_http:?} is not HTTP"
        );
    }
}
