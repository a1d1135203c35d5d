//! Scripted faults for an SDK's tests (SPEC.md part 2): for requests that match a method and a
//! path (exact, or a template with `{param}` segments), the next N answers — or all of them —
//! are a given status with headers (429 with `Retry-After`, 503), a delay, a body dripped a
//! few bytes at a time, a body cut short, a connection reset without an answer, or a redirect.
//!
//! Authentication still comes first: only a request the Public API accepted can meet a fault,
//! so a fault never lets an unauthenticated request through, and a 401 does not use one up.
//!
//! Set them through the admin plane (`POST /v1/faults`, JSON as [`Fault`] deserializes it, see
//! `schemas/fault.schema.json`) or the library:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use terminus_mock::faults::{Fault, Respond};
//! use terminus_mock::{MockConfig, MockServer};
//!
//! let mock = MockServer::start(MockConfig::default()).await?;
//! // Twice 429 with Retry-After: 1, then the normal answer.
//! let id = mock.faults().add(
//!     Fault::on(http::Method::GET, "/v1/account")
//!         .times(2)
//!         .respond(Respond::status(429).header("retry-after", "1")),
//! )?;
//! let listed = mock.faults().list();
//! assert_eq!((listed[0].id.as_str(), listed[0].remaining), (id.as_str(), Some(2)));
//! mock.faults().clear();
//! assert!(mock.faults().list().is_empty());
//! mock.shutdown().await;
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::envelope::{self, Body};

/// The longest delay a fault may ask for.
pub const MAX_DELAY_MS: u64 = 60_000;

/// A fault's id, as `POST /v1/faults` and [`Faults::add`] return it.
pub type FaultId = String;

/// Matches requests and says how to answer them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The method to match (any when absent), e.g. `GET`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The path: exact, or a template with `{param}` segments (`/v1/projects/{id}`).
    pub path: String,
    /// How many matching requests it answers; absent: every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
    /// How it answers.
    pub respond: Respond,
}

/// How a fault answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Respond {
    /// A status with headers and a JSON body (default: an error envelope fitting the status).
    Status {
        /// 100..=599 (not 401: the 401 is the contract's own answer).
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

impl Fault {
    /// A fault on requests with `method` to `path` (exact or a `{param}` template), answering
    /// every one with the normal answer until [`Fault::respond`] says otherwise.
    pub fn on(method: Method, path: &str) -> Self {
        Fault {
            method: Some(method.as_str().to_owned()),
            path: path.to_owned(),
            times: None,
            respond: Respond::Delay { delay_ms: 0 },
        }
    }

    /// Only the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// How to answer.
    pub fn respond(mut self, respond: Respond) -> Self {
        self.respond = respond;
        self
    }

    /// Checks every member; the error names the one that is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(found) = serde_json::to_value(self).ok().and_then(|v| key_shaped(&v)) {
            return Err(found);
        }
        if let Some(method) = &self.method {
            Method::from_bytes(method.as_bytes())
                .map_err(|_| format!("method: {method:?} is not an HTTP method token"))?;
        }
        if !self.path.starts_with('/') {
            return Err(format!("path: {:?} must start with /", self.path));
        }
        if self.times == Some(0) {
            return Err("times: must be at least 1 (leave it out for every request)".into());
        }
        let delay = |ms: u64, member: &str| {
            if ms > MAX_DELAY_MS {
                Err(format!(
                    "respond.{member}: {ms} ms is over the {MAX_DELAY_MS} ms limit"
                ))
            } else {
                Ok(())
            }
        };
        let headers = |headers: &BTreeMap<String, String>| {
            for (name, value) in headers {
                HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("respond.headers: {name:?} is not a header name"))?;
                HeaderValue::from_str(value).map_err(|_| {
                    format!("respond.headers.{name}: {value:?} is not a valid header value")
                })?;
            }
            Ok::<(), String>(())
        };
        match &self.respond {
            Respond::Status {
                status,
                headers: h,
                delay_ms,
                ..
            } => {
                if !(100..=599).contains(status) || *status == 401 || (100..200).contains(status) {
                    return Err(format!("respond.status: {status} is not a final status a fault may answer (200..=599, not 401: the 401 is the contract's own answer)"));
                }
                headers(h)?;
                delay(*delay_ms, "delay_ms")
            }
            Respond::Delay { delay_ms }
            | Respond::Reset { delay_ms }
            | Respond::Truncate { delay_ms } => delay(*delay_ms, "delay_ms"),
            Respond::Drip {
                body_delay_ms,
                chunk_bytes,
                delay_ms,
            } => {
                if *chunk_bytes == 0 {
                    return Err("respond.chunk_bytes: must be at least 1".into());
                }
                delay(*body_delay_ms, "body_delay_ms")?;
                delay(*delay_ms, "delay_ms")
            }
            Respond::Redirect {
                status,
                location,
                headers: h,
                delay_ms,
            } => {
                if ![301, 302, 303, 307, 308].contains(status) {
                    return Err(format!(
                        "respond.status: {status} is not a redirect (301, 302, 303, 307 or 308)"
                    ));
                }
                let lower = location.to_ascii_lowercase();
                let absolute = lower.starts_with("http://") || lower.starts_with("https://");
                if !absolute || location.parse::<http::Uri>().is_err() {
                    return Err(format!(
                        "respond.location: {location:?} is not an absolute http:// or https:// URL"
                    ));
                }
                headers(h)?;
                delay(*delay_ms, "delay_ms")
            }
        }
    }

    fn matches(&self, method: &Method, path: &str) -> bool {
        if self.method.as_deref().is_some_and(|m| m != method.as_str()) {
            return false;
        }
        let mut want = self.path.split('/');
        let mut got = path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') && !g.is_empty() => {}
                (Some(w), Some(g)) if w == g => {}
                _ => return false,
            }
        }
    }
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

    /// Waiting `delay` before the head.
    pub fn delay(mut self, delay: Duration) -> Self {
        let ms = delay.as_millis() as u64;
        match &mut self {
            Respond::Status { delay_ms, .. }
            | Respond::Delay { delay_ms }
            | Respond::Drip { delay_ms, .. }
            | Respond::Reset { delay_ms }
            | Respond::Truncate { delay_ms }
            | Respond::Redirect { delay_ms, .. } => *delay_ms = ms,
        }
        self
    }

    fn delay_ms(&self) -> u64 {
        match self {
            Respond::Status { delay_ms, .. }
            | Respond::Delay { delay_ms }
            | Respond::Drip { delay_ms, .. }
            | Respond::Reset { delay_ms }
            | Respond::Truncate { delay_ms }
            | Respond::Redirect { delay_ms, .. } => *delay_ms,
        }
    }
}

/// A fault as listed: its definition, id, uses left and matches so far.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ListedFault {
    /// Its id.
    pub id: FaultId,
    /// Uses left (`None`: unlimited; 0: spent, kept so a test can see it fired).
    pub remaining: Option<u32>,
    /// Requests it answered.
    pub hits: u64,
    /// The definition.
    #[serde(flatten)]
    pub fault: Fault,
}

/// The faults of one mock, shared by its Public API and its admin plane. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// False while no fault has uses left: the request path then takes no lock.
    armed: AtomicBool,
    next_id: AtomicU64,
    list: Mutex<Vec<ListedFault>>,
}

/// What the Public API does with an accepted request.
#[derive(Debug)]
pub(crate) enum Plan {
    /// The normal answer (no fault matched).
    Normal,
    /// A fault matched: its id, and how it answers.
    Fault(FaultId, Respond),
}

impl Faults {
    /// Adds a fault, after [`Fault::validate`]; returns its id.
    pub fn add(&self, fault: Fault) -> Result<FaultId, String> {
        fault.validate()?;
        let id = format!(
            "fault_{}",
            self.inner.next_id.fetch_add(1, Ordering::Relaxed) + 1
        );
        let mut list = self.lock();
        list.push(ListedFault {
            id: id.clone(),
            remaining: fault.times,
            hits: 0,
            fault,
        });
        self.inner.armed.store(true, Ordering::Release);
        Ok(id)
    }

    /// Every fault, in creation order, spent ones included.
    pub fn list(&self) -> Vec<ListedFault> {
        self.lock().clone()
    }

    /// Removes one fault; false if there is none with this id.
    pub fn remove(&self, id: &str) -> bool {
        let mut list = self.lock();
        let before = list.len();
        list.retain(|f| f.id != id);
        self.rearm(&list);
        list.len() != before
    }

    /// Removes every fault.
    pub fn clear(&self) {
        let mut list = self.lock();
        list.clear();
        self.rearm(&list);
    }

    /// For an accepted request: the first fault that matches and has uses left, used once.
    pub(crate) fn plan(&self, method: &Method, path: &str) -> Plan {
        if !self.inner.armed.load(Ordering::Acquire) {
            return Plan::Normal;
        }
        let mut list = self.lock();
        let found = list
            .iter_mut()
            .find(|f| f.remaining != Some(0) && f.fault.matches(method, path));
        let plan = match found {
            None => Plan::Normal,
            Some(f) => {
                f.hits += 1;
                if let Some(n) = &mut f.remaining {
                    *n -= 1;
                }
                Plan::Fault(f.id.clone(), f.fault.respond.clone())
            }
        };
        self.rearm(&list);
        plan
    }

    fn rearm(&self, list: &[ListedFault]) {
        let armed = list.iter().any(|f| f.remaining != Some(0));
        self.inner.armed.store(armed, Ordering::Release);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ListedFault>> {
        self.inner.list.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a fault makes of the answer: a response now, after a delay, or no answer at all.
pub(crate) enum Scripted {
    /// This response, after this delay.
    Answer(Duration, Response<Body>),
    /// Close the connection without an answer, after this delay.
    Reset(Duration),
}

/// Turns a fault into what the listener does; `normal` is the answer the request would have
/// had without it.
pub(crate) fn script(respond: Respond, normal: impl FnOnce() -> Response<Body>) -> Scripted {
    let delay = Duration::from_millis(respond.delay_ms());
    match respond {
        Respond::Reset { .. } => Scripted::Reset(delay),
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

/// A fault is listed back on the admin plane (`GET /v1/faults`) and what it answers is
/// journaled and logged, so a key written into one would be shown in clear. This finds the
/// first member of a fault's JSON holding a key-shaped string (`thub_` and 10 or more
/// letters, digits, `_` or `-`), in a name or a value, and says what to do; `None` when
/// there is none.
pub(crate) fn key_shaped(value: &serde_json::Value) -> Option<String> {
    fn holds_key(text: &str) -> bool {
        text.match_indices(crate::keys::KEY_PREFIX)
            .any(|(at, prefix)| {
                text[at + prefix.len()..]
                    .chars()
                    .take_while(|c| crate::redact::is_token_char(*c))
                    .count()
                    >= crate::redact::MIN_RUN
            })
    }
    fn walk(value: &serde_json::Value, at: &str) -> Option<String> {
        match value {
            serde_json::Value::String(text) if holds_key(text) => Some(at.to_owned()),
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &format!("{at}[{i}]"))),
            serde_json::Value::Object(members) => members.iter().find_map(|(name, member)| {
                let at = if at.is_empty() {
                    name.clone()
                } else {
                    format!("{at}.{name}")
                };
                if holds_key(name) {
                    Some(at)
                } else {
                    walk(member, &at)
                }
            }),
            _ => None,
        }
    }
    walk(value, "").map(|at| {
        let at = crate::redact::redact(&at);
        format!(
            "{at}: holds a key-shaped string (thub_ and 10 or more characters); faults are \
             listed back on the admin plane and their answers journaled, so a fault must not \
             carry a key: use a placeholder such as thub_EXAMPLE"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_one_segment_per_parameter() {
        let f = Fault::on(Method::GET, "/v1/projects/{id}");
        assert!(f.matches(&Method::GET, "/v1/projects/prj_1"));
        assert!(!f.matches(&Method::GET, "/v1/projects/"));
        assert!(!f.matches(&Method::GET, "/v1/projects/a/b"));
        assert!(!f.matches(&Method::POST, "/v1/projects/prj_1"));
        let any = Fault {
            method: None,
            ..Fault::on(Method::GET, "/v1/account")
        };
        assert!(any.matches(&Method::DELETE, "/v1/account"));
    }

    #[test]
    fn uses_run_out_and_the_table_disarms() {
        let faults = Faults::default();
        faults
            .add(
                Fault::on(Method::GET, "/a")
                    .times(2)
                    .respond(Respond::status(503)),
            )
            .unwrap();
        assert!(matches!(faults.plan(&Method::GET, "/a"), Plan::Fault(..)));
        assert!(matches!(faults.plan(&Method::GET, "/b"), Plan::Normal));
        assert!(matches!(faults.plan(&Method::GET, "/a"), Plan::Fault(..)));
        assert!(matches!(faults.plan(&Method::GET, "/a"), Plan::Normal));
        assert!(!faults.inner.armed.load(Ordering::Relaxed));
        let listed = faults.list();
        assert_eq!((listed[0].remaining, listed[0].hits), (Some(0), 2));
    }

    #[test]
    fn bad_definitions_name_the_member() {
        let bad = |f: Fault, member: &str| {
            let e = f.validate().unwrap_err();
            assert!(e.starts_with(member), "{e}");
        };
        let on = || Fault::on(Method::GET, "/v1/account");
        bad(on().times(0), "times");
        bad(on().respond(Respond::status(401)), "respond.status");
        bad(on().respond(Respond::status(700)), "respond.status");
        bad(
            on().respond(Respond::redirect(200, "https://x")),
            "respond.status",
        );
        bad(
            on().respond(Respond::redirect(307, "/relative")),
            "respond.location",
        );
        bad(
            on().respond(Respond::status(429).header("bad name", "1")),
            "respond.headers",
        );
        bad(
            on().respond(Respond::status(429).header("retry-after", "a\nb")),
            "respond.headers.retry-after",
        );
        bad(
            on().respond(Respond::delayed(Duration::from_secs(61))),
            "respond.delay_ms",
        );
        bad(Fault::on(Method::GET, "v1"), "path");
    }
}
