//! The second origin for redirect tests (`--redirect-listen`, `--redirect-plain-listen`): a
//! stand-in for a foreign host that a Public API response redirects to. It is another port of
//! the same machine, with the same certificate (which names `localhost`, `127.0.0.1` and `::1`),
//! so to a client it is another origin.
//!
//! It answers every request `200 {"redirected":true}` **without authentication** (a foreign
//! host knows nothing of Terminus keys), and records it in the journal with
//! `listener: "redirect"`, so a test can assert that the SDK did not carry the key across the
//! redirect: the entry's `Authorization` reads `<valid key "ci">` if it did.
//!
//! One path redirects instead, as httpbin's does: `/redirect-to?url=URL&status_code=NNN`
//! answers NNN (301, 302, 303, 307 or 308; 302 when absent) with `Location: URL` (an
//! absolute `http(s)://` URL, `//host:port/path` or `/path`, percent-encoded in the query). A
//! chain of redirects can so leave the Public API's origin and come back to it (CLI-4: the key
//! must not be sent while away).

use std::time::Instant;

use bytes::Bytes;
use http::{Request, Response, StatusCode};

use crate::envelope::{self, Body};
use crate::journal::{BodyCapture, Recorder};

/// What the redirect origin answers to anything.
const BODY: &[u8] = br#"{"redirected":true}"#;

/// The redirect origin's service: one per listener (TLS or plain).
#[derive(Debug, Clone)]
pub(crate) struct RedirectOrigin {
    recorder: Recorder,
}

impl RedirectOrigin {
    pub(crate) fn new(recorder: Recorder) -> Self {
        Self { recorder }
    }

    /// Answers one request, 200 whatever it holds, and journals it; also returns where its
    /// body goes to be journaled, as it is read.
    pub(crate) fn handle<B>(&self, request: &Request<B>) -> (Response<Body>, Option<BodyCapture>) {
        let started = Instant::now();
        let response = match request.uri().path() {
            "/redirect-to" => redirect_to(request.uri().query().unwrap_or_default()),
            _ => envelope::json(StatusCode::OK, Bytes::from_static(BODY)),
        };
        let Some(pending) = self.recorder.begin_unjudged(request, started) else {
            return (response, None);
        };
        let capture = self.recorder.body_capture(&pending);
        let response = match pending.answer(response.status().as_u16()) {
            Some(watch) => response.map(|body| body.watched(watch)),
            None => response,
        };
        (response, capture)
    }
}

/// `/redirect-to`'s answer: the redirect the query asks for, or a 400 saying what is wrong.
fn redirect_to(query: &str) -> Response<Body> {
    let mut url = None;
    let mut status = StatusCode::FOUND;
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decoded(value);
        match name {
            "url" => url = Some(value),
            "status_code" => match value.parse::<u16>() {
                Ok(n @ (301 | 302 | 303 | 307 | 308)) => {
                    status = StatusCode::from_u16(n).unwrap_or(StatusCode::FOUND)
                }
                _ => return bad_request("status_code must be 301, 302, 303, 307 or 308"),
            },
            _ => {}
        }
    }
    let Some(url) = url.filter(|u| crate::faults::is_redirect_location(u)) else {
        return bad_request(
            "url must be an absolute http:// or https:// URL, //host:port/path or /path (percent-encoded)",
        );
    };
    let mut response = envelope::json(status, Bytes::from_static(b"{}"));
    if let Ok(location) = http::HeaderValue::from_str(&url) {
        response
            .headers_mut()
            .insert(http::header::LOCATION, location);
    }
    response
}

fn bad_request(why: &str) -> Response<Body> {
    let body = serde_json::json!({ "error": { "type": "bad_request", "message": why } });
    envelope::json(StatusCode::BAD_REQUEST, Bytes::from(body.to_string()))
}

/// `%XX` decoded, `+` a space (a query's form encoding); a bad escape is kept as written.
fn percent_decoded(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_to_answers_the_asked_redirect_or_says_what_is_wrong() {
        let back = redirect_to("url=https%3A%2F%2F127.0.0.1%3A8443%2Fv1%2Faccount&status_code=307");
        assert_eq!(back.status(), 307);
        assert_eq!(
            back.headers()["location"],
            "https://127.0.0.1:8443/v1/account"
        );
        assert_eq!(redirect_to("url=%2Fv1%2Faccount").status(), 302);
        assert_eq!(
            redirect_to("url=//localhost:1/x").headers()["location"],
            "//localhost:1/x"
        );
        for bad in ["", "url=ftp%3A%2F%2Fx", "url=%2Fx&status_code=200", "url=x"] {
            assert_eq!(redirect_to(bad).status(), 400, "{bad}");
        }
        assert_eq!(percent_decoded("a%2"), "a%2");
        assert_eq!(percent_decoded("%41+%zz"), "A %zz");
    }
}
