//! How a fault answers: [`Respond`], one variant per kind (`status`, `delay`, `drip`, `reset`,
//! `truncate`, `redirect`, and the connection-level kinds a WireMock user knows: `empty`,
//! `malformed_chunk`, `garbage`), with the builders the library offers. What each kind does on
//! the wire, per protocol, is `script.rs`; what a kind may hold is checked in `validation.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::MAX_DELAY_MS;

/// How a fault answers.
///
/// The kinds that leave a request without a well-formed answer, and what a client sees:
///
/// | kind | WireMock | HTTP/1.1 | HTTP/2 |
/// |---|---|---|---|
/// | `reset` | `CONNECTION_RESET_BY_PEER` | an RST, no byte of answer (ECONNRESET) | `RST_STREAM(INTERNAL_ERROR)` |
/// | `empty` | `EMPTY_RESPONSE` | the connection closed cleanly (TLS `close_notify`, FIN), no byte of answer | `RST_STREAM(CANCEL)` |
/// | `malformed_chunk` | `MALFORMED_RESPONSE_CHUNK` | the normal head with `Transfer-Encoding: chunked`, a first chunk, a chunk-size line that is not hexadecimal, then the close | the normal head, a `DATA` frame, `RST_STREAM(PROTOCOL_ERROR)` |
/// | `garbage` | `RANDOM_DATA_THEN_CLOSE` | 64 random bytes (not HTTP), then the close | the same bytes on the connection, which a client reads as a frame longer than it allows: a connection error (`FRAME_SIZE_ERROR`) for every stream on it |
/// | `truncate` | — | the head with its `Content-Length`, half the body, then the close | the head, half the body, `RST_STREAM(INTERNAL_ERROR)` |
///
/// `empty` on HTTP/2 resets one stream rather than closing a connection other requests may
/// share. Its code is `CANCEL` ("the stream is no longer needed", RFC 9113 §7): every common
/// client reports it as an error, unlike `NO_ERROR` (Node's `http2` closes the stream without
/// one); it does not claim the request went unprocessed, unlike `REFUSED_STREAM` (on which
/// curl, Go and OkHttp retry by themselves, hiding the fault from the test); and it is not
/// `reset`'s `INTERNAL_ERROR`, so a test can tell the two apart.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Respond {
    /// A status with headers and a JSON body (default: an error envelope fitting the status).
    Status {
        /// 200..=599 (not 401: the 401 is the contract's own answer).
        status: u16,
        /// Response headers.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        headers: BTreeMap<String, String>,
        /// The body, any JSON value; absent: `{"error":{"type":…,"code":null,"message":…}}`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<serde_json::Value>,
        /// Wait this long before the head.
        #[serde(
            default,
            skip_serializing_if = "is_zero",
            deserialize_with = "delay_ms"
        )]
        delay_ms: u64,
    },
    /// Wait, then the normal answer.
    Delay {
        /// Milliseconds before the head.
        #[serde(deserialize_with = "delay_ms")]
        delay_ms: u64,
    },
    /// The normal answer, its body sent a few bytes at a time.
    Drip {
        /// Milliseconds between pieces.
        #[serde(deserialize_with = "body_delay_ms")]
        body_delay_ms: u64,
        /// Bytes per piece (default 4).
        #[serde(default = "default_chunk")]
        chunk_bytes: usize,
        /// Wait this long before the head.
        #[serde(
            default,
            skip_serializing_if = "is_zero",
            deserialize_with = "delay_ms"
        )]
        delay_ms: u64,
    },
    /// No answer: the connection reset, an RST (HTTP/1.1), or the stream reset (HTTP/2).
    Reset {
        /// Wait this long first.
        #[serde(
            default,
            skip_serializing_if = "is_zero",
            deserialize_with = "delay_ms"
        )]
        delay_ms: u64,
    },
    /// The normal answer's head, with its `Content-Length`, then half the body, then the
    /// connection closes.
    Truncate {
        /// Wait this long before the head.
        #[serde(
            default,
            skip_serializing_if = "is_zero",
            deserialize_with = "delay_ms"
        )]
        delay_ms: u64,
    },
    /// A redirect: 301, 302, 303, 307 or 308 with `Location`.
    Redirect {
        /// The redirect status.
        status: u16,
        /// Where to: an absolute `http://` or `https://` URL.
        location: String,
        /// More response headers.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        headers: BTreeMap<String, String>,
        /// Wait this long before the head.
        #[serde(
            default,
            skip_serializing_if = "is_zero",
            deserialize_with = "delay_ms"
        )]
        delay_ms: u64,
    },
    /// No answer: the connection closed without a byte of answer (HTTP/1.1), the stream reset
    /// with `CANCEL` (HTTP/2). WireMock's `EMPTY_RESPONSE`.
    Empty {
        /// Wait this long first.
        #[serde(
            default,
            skip_serializing_if = "is_zero",
            deserialize_with = "delay_ms"
        )]
        delay_ms: u64,
    },
    /// The normal head, then a chunked body the client cannot parse (HTTP/1.1), or a stream
    /// reset with `PROTOCOL_ERROR` after its first `DATA` (HTTP/2). WireMock's
    /// `MALFORMED_RESPONSE_CHUNK`.
    MalformedChunk {
        /// Wait this long before the head.
        #[serde(
            default,
            skip_serializing_if = "is_zero",
            deserialize_with = "delay_ms"
        )]
        delay_ms: u64,
    },
    /// Random bytes that are no HTTP, then the connection closes. WireMock's
    /// `RANDOM_DATA_THEN_CLOSE`.
    Garbage {
        /// Wait this long first.
        #[serde(
            default,
            skip_serializing_if = "is_zero",
            deserialize_with = "delay_ms"
        )]
        delay_ms: u64,
    },
}

fn milliseconds<'de, D: serde::Deserializer<'de>>(d: D, member: &str) -> Result<u64, D::Error> {
    let value = serde_json::Number::deserialize(d)?;
    value.as_u64().ok_or_else(|| {
        serde::de::Error::custom(format!(
            "{member}: {value} is not a whole number of milliseconds from 0 to {MAX_DELAY_MS}"
        ))
    })
}

fn delay_ms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    milliseconds(d, "delay_ms")
}

fn body_delay_ms<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    milliseconds(d, "body_delay_ms")
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn default_chunk() -> usize {
    4
}

impl Respond {
    /// A status answer (429, 503…), its default body an error envelope.
    pub fn status(status: u16) -> Self {
        Respond::Status {
            status,
            headers: BTreeMap::new(),
            body: None,
            delay_ms: 0,
        }
    }

    /// A redirect to `location`.
    pub fn redirect(status: u16, location: &str) -> Self {
        Respond::Redirect {
            status,
            location: location.to_owned(),
            headers: BTreeMap::new(),
            delay_ms: 0,
        }
    }

    /// No answer: the connection reset (HTTP/1.1: an RST, the client reads ECONNRESET), or
    /// the stream (HTTP/2).
    pub fn reset() -> Self {
        Respond::Reset { delay_ms: 0 }
    }

    /// No answer: the connection closed cleanly before a byte of answer (HTTP/1.1), the
    /// stream reset with `CANCEL` (HTTP/2).
    ///
    /// ```
    /// use terminus_mock::faults::{Fault, Respond};
    /// let fault = Fault::on(http::Method::POST, "/v1/projects").respond(Respond::empty());
    /// assert_eq!(serde_json::to_value(&fault.respond)?, serde_json::json!({"kind": "empty"}));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn empty() -> Self {
        Respond::Empty { delay_ms: 0 }
    }

    /// The normal head, then a chunk the client cannot parse (see [`Respond`]'s table).
    pub fn malformed_chunk() -> Self {
        Respond::MalformedChunk { delay_ms: 0 }
    }

    /// Random bytes that are no HTTP, then the close.
    pub fn garbage() -> Self {
        Respond::Garbage { delay_ms: 0 }
    }

    /// The normal answer's body cut short.
    pub fn truncate() -> Self {
        Respond::Truncate { delay_ms: 0 }
    }

    /// The normal answer, its body dripped 4 bytes at a time, `pause` apart.
    pub fn drip(pause: Duration) -> Self {
        Respond::Drip {
            body_delay_ms: pause.as_millis() as u64,
            chunk_bytes: 4,
            delay_ms: 0,
        }
    }

    /// The normal answer after `delay`.
    pub fn delayed(delay: Duration) -> Self {
        Respond::Delay {
            delay_ms: delay.as_millis() as u64,
        }
    }

    /// With a response header (status and redirect answers).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let Respond::Status { headers, .. } | Respond::Redirect { headers, .. } = &mut self {
            headers.insert(name.to_ascii_lowercase(), value.to_owned());
        }
        self
    }

    /// Waiting `delay` before the head (or before the close, for the kinds without one).
    ///
    /// ```
    /// use std::time::Duration;
    /// use terminus_mock::faults::Respond;
    /// let late = Respond::garbage().delay(Duration::from_millis(250));
    /// assert_eq!(late, Respond::Garbage { delay_ms: 250 });
    /// ```
    pub fn delay(mut self, delay: Duration) -> Self {
        *self.delay_ms_mut() = delay.as_millis() as u64;
        self
    }

    /// The wait before the head (or the close).
    pub(crate) fn delay_ms(&self) -> u64 {
        match self {
            Respond::Status { delay_ms, .. }
            | Respond::Delay { delay_ms }
            | Respond::Drip { delay_ms, .. }
            | Respond::Reset { delay_ms }
            | Respond::Truncate { delay_ms }
            | Respond::Redirect { delay_ms, .. }
            | Respond::Empty { delay_ms }
            | Respond::MalformedChunk { delay_ms }
            | Respond::Garbage { delay_ms } => *delay_ms,
        }
    }

    fn delay_ms_mut(&mut self) -> &mut u64 {
        match self {
            Respond::Status { delay_ms, .. }
            | Respond::Delay { delay_ms }
            | Respond::Drip { delay_ms, .. }
            | Respond::Reset { delay_ms }
            | Respond::Truncate { delay_ms }
            | Respond::Redirect { delay_ms, .. }
            | Respond::Empty { delay_ms }
            | Respond::MalformedChunk { delay_ms }
            | Respond::Garbage { delay_ms } => delay_ms,
        }
    }

    /// The kind, as `"kind"` names it in JSON (`"malformed_chunk"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Respond::Status { .. } => "status",
            Respond::Delay { .. } => "delay",
            Respond::Drip { .. } => "drip",
            Respond::Reset { .. } => "reset",
            Respond::Truncate { .. } => "truncate",
            Respond::Redirect { .. } => "redirect",
            Respond::Empty { .. } => "empty",
            Respond::MalformedChunk { .. } => "malformed_chunk",
            Respond::Garbage { .. } => "garbage",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_under_its_own_name() {
        for respond in [
            Respond::status(503),
            Respond::delayed(Duration::from_millis(5)),
            Respond::drip(Duration::from_millis(5)),
            Respond::reset(),
            Respond::truncate(),
            Respond::redirect(307, "https://example.test/"),
            Respond::empty(),
            Respond::malformed_chunk(),
            Respond::garbage().delay(Duration::from_millis(7)),
        ] {
            let json = serde_json::to_value(&respond).unwrap();
            assert_eq!(json["kind"], respond.kind(), "{json}");
            let back: Respond = serde_json::from_value(json).unwrap();
            assert_eq!(back, respond);
        }
        assert_eq!(
            Respond::garbage()
                .delay(Duration::from_millis(7))
                .delay_ms(),
            7
        );
    }
}
