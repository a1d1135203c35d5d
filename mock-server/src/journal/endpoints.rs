//! The journal on the admin plane: `GET /v1/requests` (filtered, see `filter.rs`) answers
//! `{"requests":[…],"dropped":N,"capacity":N}`, oldest first; `DELETE /v1/requests` clears it
//! (204). The admin token guards both, as the rest of the admin plane (`admin.rs`).

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Serialize;

use super::filter::RequestFilter;
use super::{Journal, JournalEntry};
use crate::envelope::{self, Body};

/// The body of `GET /v1/requests` (`contract/schemas/request-list.schema.json`).
#[derive(Serialize)]
struct RequestList<'a> {
    requests: Vec<&'a JournalEntry>,
    dropped: u64,
    capacity: usize,
}

/// `GET /v1/requests?FILTERS`.
pub(crate) fn list(journal: &Journal, query: Option<&str>) -> Response<Body> {
    let filter = match RequestFilter::parse(query) {
        Ok(filter) => filter,
        Err(e) => {
            return envelope::error(
                StatusCode::BAD_REQUEST,
                "invalid_request_error",
                &e.to_string(),
            )
        }
    };
    let (entries, dropped) = journal.matching(&filter);
    let body = RequestList {
        requests: entries.iter().map(|e| &**e).collect(),
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
