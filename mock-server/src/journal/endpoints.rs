//! The journal on the admin plane: `GET /v1/requests` (filtered, see `filter.rs`) answers
//! `{"requests":[…],"dropped":N,"capacity":N}`, oldest first; `GET /v1/requests/count` (the
//! same filters) `{"count":N}`, so a test can assert "exactly one request matched";
//! `GET /v1/requests/unmatched` (WireMock's `/__admin/requests/unmatched`) lists the requests
//! no route or fault had an answer for; `DELETE /v1/requests` clears it (204). The admin token
//! guards them all, as the rest of the admin plane (`admin.rs`).

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Serialize;

use super::filter::{FilterError, RequestFilter};
use super::{Journal, JournalEntry};
use crate::envelope::{self, Body};

/// The body of `GET /v1/requests` (`contract/schemas/request-list.schema.json`).
#[derive(Serialize)]
struct RequestList<'a> {
    requests: Vec<&'a JournalEntry>,
    dropped: u64,
    capacity: usize,
}

/// The 400 naming the bad filter.
fn refused(e: &FilterError) -> Response<Body> {
    envelope::error(
        StatusCode::BAD_REQUEST,
        "invalid_request_error",
        &e.to_string(),
    )
}

/// `GET /v1/requests/count?FILTERS`: `{"count":N}`, of the entries the journal still keeps
/// (`GET /v1/requests` says how many it dropped).
pub(crate) fn count(journal: &Journal, query: Option<&str>) -> Response<Body> {
    match RequestFilter::parse(query) {
        Ok(filter) => {
            let count = journal.matching(&filter).0.len();
            let body = serde_json::json!({ "count": count }).to_string();
            envelope::json(StatusCode::OK, Bytes::from(body))
        }
        Err(e) => refused(&e),
    }
}

/// `GET /v1/requests/unmatched?FILTERS`: `GET /v1/requests` of the entries with
/// `matched: false`.
pub(crate) fn unmatched(journal: &Journal, query: Option<&str>) -> Response<Body> {
    match RequestFilter::parse(query) {
        Ok(filter) => respond(journal, &filter.unmatched()),
        Err(e) => refused(&e),
    }
}

/// `GET /v1/requests?FILTERS`.
pub(crate) fn list(journal: &Journal, query: Option<&str>) -> Response<Body> {
    match RequestFilter::parse(query) {
        Ok(filter) => respond(journal, &filter),
        Err(e) => refused(&e),
    }
}

fn respond(journal: &Journal, filter: &RequestFilter) -> Response<Body> {
    let (entries, dropped) = journal.matching(filter);
    let body = RequestList {
        requests: entries.iter().map(|e| e.entry()).collect(),
        dropped,
        capacity: journal.capacity(),
    };
    match serde_json::to_vec(&body) {
        Ok(bytes) => envelope::json(StatusCode::OK, Bytes::from(bytes)),
        Err(e) => envelope::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            &format!("The journal could not be written as JSON: {e}"),
        ),
    }
}

/// `DELETE /v1/requests`: every entry forgotten, the dropped counter back to 0.
pub(crate) fn clear(journal: &Journal) -> Response<Body> {
    journal.clear();
    let mut response = Response::new(Body::default());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}
