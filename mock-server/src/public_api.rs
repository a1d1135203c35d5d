//! The Public API listener's service: authenticate first, for every method and path
//! (ROUTE-1), then route (fixtures), and log one line per request with the key's hint only.
//! The request's journal entry is begun with the head and finished when the answer ends
//! (`journal/pending.rs`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{HeaderMap, Method, Request, Response, StatusCode};

use crate::auth::{authenticate, Decision, SchemeReading};
use crate::body::AnswerEnd;
use crate::envelope::{self, Body};
use crate::faults::{self, Faults, Plan, Scripted};
use crate::journal::{BodyCapture, Pending, Recorder};
use crate::keys::KeyStore;
use crate::listener::{Answer, NoAnswer};
use crate::redact::{write_hint, Redacted};
use crate::routes::{RouteMatch, RouteTable};

/// Everything a Public API request needs; shared by every connection.
#[derive(Debug, Clone)]
pub struct PublicApi {
    store: KeyStore,
    routes: RouteTable,
    reading: SchemeReading,
    journal: Option<Recorder>,
    faults: Faults,
}

impl PublicApi {
    /// A service over this store and these routes.
    pub fn new(store: KeyStore, routes: RouteTable, reading: SchemeReading) -> Self {
        Self {
            store,
            routes,
            reading,
            journal: None,
            faults: Faults::default(),
        }
    }

    /// Answers accepted requests as these scripted faults say.
    pub(crate) fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Records every request in the request journal.
    pub(crate) fn with_journal(mut self, journal: Recorder) -> Self {
        self.journal = Some(journal);
        self
    }

    /// Answers one request: authentication first, then a scripted fault if one matches, then
    /// the route. The body is never read: authentication needs only the headers, and the
    /// canned endpoints ignore what they are sent. The reply is ready at once unless a fault
    /// asks for a delay.
    pub fn handle<B>(&self, request: &Request<B>) -> Reply {
        let started = Instant::now();
        let decision = authenticate(request.headers(), &self.store, self.reading);
        let pending = self
            .journal
            .as_ref()
            .and_then(|journal| journal.begin(request, &decision, started));
        let (method, path) = (request.method(), request.uri().path());
        // Whether a route or a fault had an answer (the journal's `matched`).
        let mut matched = true;
        let mut reply = match &decision {
            Decision::Rejected(_) => Reply::now(envelope::auth_failure()),
            Decision::Accepted(id) => match self.faults.plan(request, || self.store.name_of(id)) {
                Plan::Normal => {
                    let (response, routed) = self.route(method, path);
                    matched = routed;
                    Reply::now(response)
                }
                Plan::Fault(id, respond) => {
                    if let Some(pending) = &pending {
                        pending.set_fault(&id, respond.kind());
                    }
                    let normal = || self.route(method, path).0;
                    match faults::script(respond, request.version(), normal) {
                        Scripted::Answer(delay, response) => Reply::after(delay, response),
                        Scripted::NoAnswer(delay, how, head) => {
                            Reply::without_answer(delay, how, head)
                        }
                    }
                }
            },
        };
        if let (Some(pending), false) = (&pending, matched) {
            pending.unmatched();
        }
        reply.pending = pending;
        if tracing::enabled!(target: "terminus_mock::request", tracing::Level::INFO) {
            // A reset is logged with status 0: no answer.
            log_request(request, &decision, reply.status(), started);
        }
        reply
    }

    /// Where the request body of `reply`'s request goes to be journaled, as it is read.
    pub(crate) fn body_capture(&self, reply: &Reply) -> Option<BodyCapture> {
        let journal = self.journal.as_ref()?;
        journal.body_capture(reply.pending.as_ref()?)
    }

    /// The route's answer, and whether a route had one (false: the 404 of an unknown path,
    /// the 405 of a known path without this method).
    fn route(&self, method: &Method, path: &str) -> (Response<Body>, bool) {
        let response = match self.routes.find(method, path) {
            RouteMatch::Found(route, params) => {
                let mut response = envelope::json(route.status, route.body(&params));
                for (name, value) in &route.headers {
                    response.headers_mut().append(name.clone(), value.clone());
                }
                response
            }
            RouteMatch::WrongMethod(allow) if method == Method::OPTIONS => {
                let mut response = Response::new(Body::default());
                *response.status_mut() = StatusCode::NO_CONTENT;
                response.headers_mut().insert(http::header::ALLOW, allow);
                response
            }
            RouteMatch::WrongMethod(allow) => return (envelope::method_not_allowed(allow), false),
            RouteMatch::NotFound => return (envelope::not_found(), false),
        };
        (response, true)
    }
}

/// What the Public API answers, as a future the listener awaits: ready at once for every
/// normal answer (so HTTP/2 streams are answered inline), after a sleep for a delayed fault.
pub struct Reply {
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    response: Option<Response<Body>>,
    /// What a fault gives in place of an answer, when `response` is `None`.
    no_answer: Option<NoAnswer>,
    /// The request's journal entry: told how the answer ends (dropped unanswered: the
    /// client gave up).
    pending: Option<Pending>,
    /// The status of a head among a fault's own bytes (`malformed_chunk` on HTTP/1.1).
    head: Option<StatusCode>,
}

impl Reply {
    fn now(response: Response<Body>) -> Self {
        Reply {
            sleep: None,
            response: Some(response),
            no_answer: None,
            pending: None,
            head: None,
        }
    }

    fn after(delay: Duration, response: Response<Body>) -> Self {
        Reply {
            sleep: (!delay.is_zero()).then(|| Box::pin(tokio::time::sleep(delay))),
            response: Some(response),
            no_answer: None,
            pending: None,
            head: None,
        }
    }

    fn without_answer(delay: Duration, how: NoAnswer, head: Option<StatusCode>) -> Self {
        Reply {
            sleep: (!delay.is_zero()).then(|| Box::pin(tokio::time::sleep(delay))),
            response: None,
            no_answer: Some(how),
            pending: None,
            head,
        }
    }

    /// The status it will answer with (`None`: no answer, a fault's reset, close or bytes
    /// without a head).
    pub fn status(&self) -> Option<StatusCode> {
        self.response.as_ref().map(Response::status).or(self.head)
    }
}

impl Future for Reply {
    type Output = Answer;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Answer> {
        let this = self.get_mut();
        if let Some(sleep) = &mut this.sleep {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.sleep = None;
        }
        let pending = this.pending.take();
        match this.response.take() {
            Some(response) => {
                let watch = pending.and_then(|p| p.answer(response.status().as_u16()));
                Poll::Ready(Ok(match watch {
                    Some(watch) => response.map(|body| body.watched(watch)),
                    None => response,
                }))
            }
            None => {
                match (pending, this.head) {
                    // The fault's own bytes hold a head, then a body the client cannot read.
                    (Some(pending), Some(status)) => {
                        if let Some(watch) = pending.answer(status.as_u16()) {
                            watch.ended(AnswerEnd::BodyFailed);
                        }
                    }
                    (Some(pending), None) => pending.no_answer(),
                    (None, _) => {}
                }
                Poll::Ready(Err(this.no_answer.take().unwrap_or_else(NoAnswer::reset)))
            }
        }
    }
}

/// The hint of whatever token the request presented: never more than `thub_` and four
/// characters; `<none>` when the field holds no token (`Bearer` alone, empty, spaces).
#[cfg(test)]
fn presented_hint(headers: &HeaderMap) -> String {
    PresentedHint(headers).to_string()
}

/// [`presented_hint`], written straight into the log line (no string of its own: it is
/// written on every request).
struct PresentedHint<'a>(&'a HeaderMap);

impl std::fmt::Display for PresentedHint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Some(value) = self.0.get(http::header::AUTHORIZATION) else {
            return f.write_str("-");
        };
        let mut words = value
            .as_bytes()
            .split(|&b| b == b' ' || b == b'\t')
            .filter(|w| !w.is_empty());
        // `Bearer KEY`: the hint of KEY; a scheme word alone, or nothing, holds no key.
        let token = match (words.next(), words.next_back()) {
            (Some(only), None) if !only.starts_with(crate::keys::KEY_PREFIX.as_bytes()) => None,
            (Some(only), None) => Some(only),
            (_, Some(last)) => Some(last),
            (None, None) => None,
        };
        match token {
            None => f.write_str("<none>"),
            Some(token) => match std::str::from_utf8(token) {
                Ok(token) => write_hint(f, token),
                Err(_) => write_hint(f, &String::from_utf8_lossy(token)),
            },
        }
    }
}

fn log_request<B>(
    request: &Request<B>,
    decision: &Decision,
    status: Option<StatusCode>,
    started: Instant,
) {
    let path = Redacted(
        request
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/"),
    );
    let reason = match decision {
        Decision::Accepted(_) => "valid key",
        Decision::Rejected(why) => why.as_str(),
    };
    tracing::info!(
        target: "terminus_mock::request",
        method = %request.method(),
        path = %path,
        status = status.map_or(0, |s| s.as_u16()),
        latency_us = started.elapsed().as_micros() as u64,
        key = %PresentedHint(request.headers()),
        auth = reason,
        "public request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::hint;

    fn hint_of(value: &str) -> String {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_str(value).unwrap(),
        );
        presented_hint(&headers)
    }

    #[test]
    fn a_value_without_a_key_is_logged_as_none_never_a_slice_of_bearer() {
        for value in ["Bearer", "Bearer ", "bearer   ", "", "   ", "Basic"] {
            assert_eq!(hint_of(value), "<none>", "{value:?}");
        }
        assert_eq!(presented_hint(&HeaderMap::new()), "-");
        assert_eq!(
            hint_of(concat!("Bearer thub_", "0123456789abcdefWXYZ")),
            "thub_…WXYZ"
        );
        assert_eq!(
            hint_of(concat!("thub_", "0123456789abcdefWXYZ")),
            "thub_…WXYZ"
        );
    }

    proptest::proptest! {
        /// The log's hint, written in place, is `redact::hint` of the last word, for any
        /// value (ASCII or not, with or without the prefix, short or long).
        #[test]
        fn the_logged_hint_is_the_hint_of_the_last_word(
            scheme in "(Bearer|bearer|Basic)?",
            token in "(thub_)?[ -~]{0,50}|(thub_)?[a-zé€]{0,8}",
        ) {
            let value = format!("{scheme} {token}");
            let Ok(field) = http::HeaderValue::from_bytes(value.as_bytes()) else { return Ok(()) };
            let mut headers = HeaderMap::new();
            headers.insert(http::header::AUTHORIZATION, field);
            let words: Vec<&str> = value.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
            let expected = match words.as_slice() {
                [] => "<none>".to_owned(),
                [only] if !only.starts_with("thub_") => "<none>".to_owned(),
                [.., last] => hint(last),
            };
            proptest::prop_assert_eq!(presented_hint(&headers), expected);
        }
    }
}
