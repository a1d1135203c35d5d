//! The Public API listener's service: authenticate first, for every method and path
//! (ROUTE-1), then route (fixtures), then journal the request (credentials described, never
//! the key) and log one line per request with the key's hint only.

use std::time::Instant;

use http::{HeaderMap, Method, Request, Response, StatusCode};

use crate::auth::{authenticate, Decision, SchemeReading};
use crate::envelope::{self, Body};
use crate::journal::Recorder;
use crate::keys::KeyStore;
use crate::redact::{hint, redact};
use crate::routes::{RouteMatch, RouteTable};

/// Everything a Public API request needs; shared by every connection.
#[derive(Debug, Clone)]
pub struct PublicApi {
    store: KeyStore,
    routes: RouteTable,
    reading: SchemeReading,
    journal: Option<Recorder>,
}

impl PublicApi {
    /// A service over this store and these routes.
    pub fn new(store: KeyStore, routes: RouteTable, reading: SchemeReading) -> Self {
        Self {
            store,
            routes,
            reading,
            journal: None,
        }
    }

    /// Records every request in the request journal.
    pub(crate) fn with_journal(mut self, journal: Recorder) -> Self {
        self.journal = Some(journal);
        self
    }

    /// Answers one request. The body is never read: authentication needs only the headers,
    /// and the canned endpoints ignore what they are sent.
    pub fn handle<B>(&self, request: &Request<B>) -> Response<Body> {
        let started = Instant::now();
        let decision = authenticate(request.headers(), &self.store, self.reading);
        let response = match &decision {
            Decision::Rejected(_) => envelope::auth_failure(),
            Decision::Accepted(_) => self.route(request.method(), request.uri().path()),
        };
        if let Some(journal) = &self.journal {
            journal.record(request, &decision, response.status(), started);
        }
        if tracing::enabled!(target: "terminus_mock::request", tracing::Level::INFO) {
            log_request(request, &decision, response.status(), started);
        }
        response
    }

    fn route(&self, method: &Method, path: &str) -> Response<Body> {
        match self.routes.find(method, path) {
            RouteMatch::Found(route, params) => envelope::json(route.status, route.body(&params)),
            RouteMatch::WrongMethod(allow) if method == Method::OPTIONS => {
                let mut response = Response::new(Body::default());
                *response.status_mut() = StatusCode::NO_CONTENT;
                response.headers_mut().insert(http::header::ALLOW, allow);
                response
            }
            RouteMatch::WrongMethod(allow) => envelope::method_not_allowed(allow),
            RouteMatch::NotFound => envelope::not_found(),
        }
    }
}

/// The hint of whatever token the request presented: never more than `thub_` and four
/// characters.
fn presented_hint(headers: &HeaderMap) -> String {
    match headers.get(http::header::AUTHORIZATION) {
        None => "-".to_owned(),
        Some(value) => {
            let text = String::from_utf8_lossy(value.as_bytes());
            let token = text.trim().rsplit([' ', '\t']).next().unwrap_or_default();
            hint(token)
        }
    }
}

fn log_request<B>(request: &Request<B>, decision: &Decision, status: StatusCode, started: Instant) {
    let path = redact(
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
        status = status.as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        key = %presented_hint(request.headers()),
        auth = reason,
        "public request"
    );
}
