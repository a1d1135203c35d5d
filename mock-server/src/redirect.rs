//! The second origin for redirect tests (`--redirect-listen`, `--redirect-plain-listen`): a
//! stand-in for a foreign host that a Public API response redirects to. It is another port of
//! the same machine, with the same certificate (which names `localhost`, `127.0.0.1` and `::1`),
//! so to a client it is another origin.
//!
//! It answers every request `200 {"redirected":true}` **without authentication** (a foreign
//! host knows nothing of Terminus keys), and records it in the journal with
//! `listener: "redirect"`, so a test can assert that the SDK did not carry the key across the
//! redirect: the entry's `Authorization` reads `<valid key "ci">` if it did.

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
        let response = envelope::json(StatusCode::OK, Bytes::from_static(BODY));
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
