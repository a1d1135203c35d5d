//! What a fault makes of the answer, per protocol: a response now or after a delay, or
//! something that is no answer ([`NoAnswer`]: a reset, a close, bytes written in place of an
//! answer). The table of what a client sees for each kind is on [`Respond`].

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Response, StatusCode, Version};

use super::Respond;
use crate::envelope::{self, Body};
use crate::listener::NoAnswer;

/// How many random bytes `garbage` sends.
const GARBAGE_BYTES: usize = 64;

/// The chunk-size line `malformed_chunk` sends where a hexadecimal size belongs.
const NOT_A_CHUNK_SIZE: &[u8] = b"not-a-chunk-size\r\n";

/// What a fault makes of the answer: a response, or no answer, after a delay.
pub(crate) enum Scripted {
    /// This response, after this delay.
    Answer(Duration, Response<Body>),
    /// No answer (a reset, a close, bytes in place of one), after this delay; the status of
    /// the head among the bytes, if they hold one.
    NoAnswer(Duration, NoAnswer, Option<StatusCode>),
}

/// Turns a fault into what the listener does for a request of `version`; `normal` is the
/// answer the request would have had without it.
pub(crate) fn script(
    respond: Respond,
    version: Version,
    normal: impl FnOnce() -> Response<Body>,
) -> Scripted {
    let delay = Duration::from_millis(respond.delay_ms());
    let h2 = version >= Version::HTTP_2;
    match respond {
        Respond::Reset { .. } => Scripted::NoAnswer(delay, NoAnswer::reset(), None),
        Respond::Empty { .. } if h2 => Scripted::NoAnswer(delay, NoAnswer::cancel(), None),
        Respond::Empty { .. } => Scripted::NoAnswer(delay, NoAnswer::Close, None),
        Respond::Garbage { .. } => Scripted::NoAnswer(delay, NoAnswer::Write(garbage()), None),
        Respond::MalformedChunk { .. } if h2 => {
            let (parts, body) = normal().into_parts();
            let body = Body::malformed(whole(body));
            Scripted::Answer(delay, Response::from_parts(parts, body))
        }
        Respond::MalformedChunk { .. } => {
            let normal = normal();
            let status = normal.status();
            Scripted::NoAnswer(
                delay,
                NoAnswer::Write(malformed_chunk(normal)),
                Some(status),
            )
        }
        Respond::Delay { .. } => Scripted::Answer(delay, normal()),
        Respond::Status {
            status,
            headers,
            body,
            ..
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let body = match body {
                Some(value) => Bytes::from(value.to_string()),
                None => Bytes::from(default_body(status)),
            };
            let mut response = envelope::json(status, body);
            add_headers(&mut response, &headers);
            Scripted::Answer(delay, response)
        }
        Respond::Redirect {
            status,
            location,
            headers,
            ..
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
            let mut response = envelope::json(status, Bytes::from_static(b"{}"));
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(http::header::LOCATION, value);
            }
            add_headers(&mut response, &headers);
            Scripted::Answer(delay, response)
        }
        Respond::Drip {
            body_delay_ms,
            chunk_bytes,
            ..
        } => {
            let (parts, body) = normal().into_parts();
            let bytes = whole(body);
            let body = Body::dripped(bytes, chunk_bytes, Duration::from_millis(body_delay_ms));
            Scripted::Answer(delay, Response::from_parts(parts, body))
        }
        Respond::Truncate { .. } => {
            let (parts, body) = normal().into_parts();
            let body = Body::truncated(whole(body));
            Scripted::Answer(delay, Response::from_parts(parts, body))
        }
    }
}

/// Random bytes that no client reads as HTTP: the first has its high bit set, so it is
/// neither the `H` of `HTTP/1.1` nor, read as the start of an HTTP/2 frame header, a length
/// below 8 MiB (over every client's `SETTINGS_MAX_FRAME_SIZE` in practice).
fn garbage() -> Bytes {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; GARBAGE_BYTES];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        // No system randomness: still bytes that are no HTTP.
        bytes
            .iter_mut()
            .enumerate()
            .for_each(|(i, b)| *b = (i as u8).wrapping_mul(151));
    }
    bytes[0] |= 0x80;
    Bytes::copy_from_slice(&bytes)
}

/// The normal answer's head as HTTP/1.1 bytes, `Transfer-Encoding: chunked` in place of its
/// `Content-Length`, a first chunk holding half its body, then a chunk-size line that is not
/// hexadecimal: the client has the head, then cannot parse the body (WireMock's "an OK
/// status header, then garbage").
fn malformed_chunk(normal: Response<Body>) -> Bytes {
    let (parts, body) = normal.into_parts();
    let body = whole(body);
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        parts.status.as_u16(),
        parts.status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in &parts.headers {
        if name != http::header::CONTENT_LENGTH && name != http::header::TRANSFER_ENCODING {
            out.extend_from_slice(name.as_str().as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
    let half = &body[..body.len() / 2];
    if !half.is_empty() {
        out.extend_from_slice(format!("{:x}\r\n", half.len()).as_bytes());
        out.extend_from_slice(half);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(NOT_A_CHUNK_SIZE);
    Bytes::from(out)
}

/// The bytes of a whole body (every normal answer is one piece, ready at once).
fn whole(mut body: Body) -> Bytes {
    use hyper::body::Body as _;
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::Pin::new(&mut body).poll_frame(&mut cx) {
        std::task::Poll::Ready(Some(Ok(frame))) => frame.into_data().unwrap_or_default(),
        _ => Bytes::new(),
    }
}

fn add_headers(response: &mut Response<Body>, headers: &BTreeMap<String, String>) {
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
}

fn default_body(status: StatusCode) -> String {
    let (kind, message) = match status.as_u16() {
        429 => ("rate_limit_error", "Too many requests"),
        503 => ("api_error", "Service unavailable"),
        500..=599 => ("api_error", "Internal server error"),
        400..=499 => ("invalid_request_error", "Request refused"),
        _ => return "{}".to_owned(),
    };
    serde_json::json!({"error": {"type": kind, "code": null, "message": message}}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_chunk_has_a_head_a_first_chunk_and_a_size_that_is_not_hex() {
        let normal = envelope::json(StatusCode::OK, Bytes::from_static(b"{\"id\":\"acct_1\"}"));
        let bytes = malformed_chunk(normal);
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(head.contains("transfer-encoding: chunked"), "{head}");
        assert!(!head.contains("content-length"), "{head}");
        assert_eq!(body, "7\r\n{\"id\":\"\r\nnot-a-chunk-size\r\n");
    }

    #[test]
    fn garbage_is_random_and_never_starts_like_http() {
        let (a, b) = (garbage(), garbage());
        assert_eq!(a.len(), GARBAGE_BYTES);
        assert_ne!(a, b);
        assert!(a[0] >= 0x80 && b[0] >= 0x80);
    }
}
