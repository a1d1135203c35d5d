//! [`Reply`]: what came back for one request — a response, a closed connection, silence — and
//! [`Response`] with the helpers cases judge it by.

use std::time::Duration;

use bytes::Bytes;

use super::text::show_bytes;

/// Which protocol carried an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// Raw HTTP/1.1 over the runner's own client.
    Http1,
    /// HTTP/2 (ALPN `h2`).
    Http2,
}

impl Protocol {
    /// `HTTP/1.1` or `HTTP/2`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http1 => "HTTP/1.1",
            Protocol::Http2 => "HTTP/2",
        }
    }
}

/// The protocols the deployment speaks, as the pre-flight negotiated them (R-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offered {
    /// HTTP/1.1 alone: ALPN chose no `h2`.
    Http1Only,
    /// HTTP/2 alone: ALPN offers only `h2`, or HTTP/1.1 got no answer.
    Http2Only,
    /// Both: every probe goes over each where it can.
    Both,
}

impl Offered {
    /// True when HTTP/2 is spoken.
    pub fn http2(self) -> bool {
        self != Offered::Http1Only
    }

    /// The protocols spoken, by their ALPN ids (RFC 7301), HTTP/2 first: the reports'
    /// `protocols` (R-10).
    pub fn alpn_ids(self) -> Vec<&'static str> {
        match self {
            Offered::Both => vec!["h2", "http/1.1"],
            Offered::Http1Only => vec!["http/1.1"],
            Offered::Http2Only => vec!["h2"],
        }
    }

    /// For the run's header line.
    pub fn describe(self) -> &'static str {
        match self {
            Offered::Both => "HTTP/2 and HTTP/1.1",
            Offered::Http1Only => "HTTP/1.1 (no h2 offered)",
            Offered::Http2Only => "HTTP/2 only (ALPN h2; HTTP/1.1 not spoken)",
        }
    }
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The reason phrase of an HTTP/1.1 status line (HTTP/2 has none).
    pub reason: String,
    /// The header fields in order, names lowercased.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body (none for HEAD unless the server sent one anyway).
    pub body: Bytes,
    /// Which protocol carried it.
    pub protocol: Protocol,
    /// From sending the request to having the whole response (ERR-3's time to answer).
    pub elapsed: Duration,
}

impl Response {
    /// The envelope as a planner answers every request (R-7: nothing is sent).
    pub fn planned_refusal() -> Response {
        Response {
            status: 401,
            reason: "Unauthorized".into(),
            elapsed: Duration::ZERO,
            headers: vec![
                ("content-type".into(), b"application/json".to_vec()),
                (
                    "www-authenticate".into(),
                    b"Bearer realm=\"terminus-hub\"".to_vec(),
                ),
            ],
            body: Bytes::from_static(
                br#"{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}"#,
            ),
            protocol: Protocol::Http1,
        }
    }

    /// The first value of the field `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Every value of the field `name` (lowercase).
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The first value of `name` as text (lossy).
    pub fn header_text(&self, name: &str) -> Option<String> {
        self.header(name)
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// True for the answer a request that did not authenticate gets (status 401).
    pub fn is_rejection(&self) -> bool {
        self.status == 401
    }

    /// One paragraph for a failure message: status, the telling headers, the body.
    pub fn describe(&self) -> String {
        let mut out = format!("{} ({})", self.status, self.protocol.as_str());
        for name in [
            "content-type",
            "www-authenticate",
            "allow",
            "location",
            "retry-after",
        ] {
            for value in self.header_all(name) {
                out.push_str(&format!("; {name}: {}", show_bytes(value)));
            }
        }
        if self.body.is_empty() {
            out.push_str("; empty body");
        } else {
            out.push_str(&format!("; body: {}", show_bytes(&self.body)));
        }
        out
    }
}

/// What came back for one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response.
    Response(Response),
    /// The connection was closed or reset before a complete response.
    Closed(String),
    /// Nothing complete within the timeout.
    TimedOut(Duration),
    /// Something arrived that is not HTTP, or the request could not be sent at all.
    Broken(String),
    /// The request never reached the target: no TCP connection or no TLS handshake, even after
    /// retries (R-5: evidence of nothing about the case that sent it).
    Undelivered(String),
}

impl Reply {
    /// The response, if there was one.
    pub fn response(&self) -> Option<&Response> {
        match self {
            Reply::Response(r) => Some(r),
            _ => None,
        }
    }

    /// True when the request never reached the target.
    pub fn is_undelivered(&self) -> bool {
        matches!(self, Reply::Undelivered(_))
    }

    /// The status, if there was a response.
    pub fn status(&self) -> Option<u16> {
        self.response().map(|r| r.status)
    }

    /// One paragraph for a failure message.
    pub fn describe(&self) -> String {
        match self {
            Reply::Response(r) => r.describe(),
            Reply::Closed(why) => format!("connection closed without a complete response ({why})"),
            Reply::TimedOut(after) => format!(
                "no complete response within {:.1} s (a hang)",
                after.as_secs_f64()
            ),
            Reply::Broken(why) => format!("no usable response: {why}"),
            Reply::Undelivered(why) => format!("never delivered: {why}"),
        }
    }
}
