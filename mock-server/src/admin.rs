//! The admin control plane, the stand-in for "Account → API Keys": create, list and revoke
//! keys. Its own listener, guarded by its own token; `GET /healthz` is its only open route.

use std::time::Instant;

use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Limited};
use serde::Deserialize;
use serde_json::json;
use subtle::ConstantTimeEq;

use crate::envelope::{self, Body};
use crate::error::KeyStoreError;
use crate::faults::{Fault, Faults};
use crate::journal::{self, Journal};
use crate::keys::{key_digest, rfc3339, KeyDigest, KeyRecord, KeyStore};

/// The most a request body to the admin plane may hold.
const MAX_BODY: usize = 64 * 1024;

const ADMIN_CHALLENGE: &str = r#"Bearer realm="terminus-mock-admin""#;

/// The admin plane's service.
#[derive(Clone)]
pub struct AdminApi {
    store: KeyStore,
    token_digest: KeyDigest,
    journal: Option<Journal>,
    faults: Faults,
}

impl std::fmt::Debug for AdminApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminApi").finish_non_exhaustive()
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CreateKey {
    #[serde(default)]
    name: Option<String>,
}

impl AdminApi {
    /// An admin plane over `store`, guarded by `token`.
    pub fn new(store: KeyStore, token: &str) -> Self {
        Self {
            store,
            token_digest: key_digest(token.as_bytes()),
            journal: None,
            faults: Faults::default(),
        }
    }

    /// Serves the request journal: `GET` and `DELETE /v1/requests`.
    pub(crate) fn with_journal(mut self, journal: Journal) -> Self {
        self.journal = Some(journal);
        self
    }

    /// Serves `/v1/faults` over these faults.
    pub(crate) fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Answers one admin request.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<Body>
    where
        B: hyper::body::Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let started = Instant::now();
        let method = request.method().clone();
        let path = crate::redact::redact(request.uri().path());
        let response = self.dispatch(request).await;
        tracing::info!(
            target: "terminus_mock::admin",
            method = %method,
            path = %path,
            status = response.status().as_u16(),
            latency_us = started.elapsed().as_micros() as u64,
            "admin request"
        );
        response
    }

    async fn dispatch<B>(&self, request: Request<B>) -> Response<Body>
    where
        B: hyper::body::Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let path = request.uri().path().to_owned();
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let method = request.method().clone();
        if segments == ["healthz"] {
            return match method {
                Method::GET | Method::HEAD => {
                    envelope::json(StatusCode::OK, Bytes::from_static(br#"{"status":"ok"}"#))
                }
                _ => wrong_method("GET, HEAD"),
            };
        }
        if !self.authorized(&request) {
            return admin_unauthorized();
        }
        match (segments.as_slice(), &method) {
            (["v1", "keys"], &Method::POST) => self.create(request).await,
            (["v1", "keys"], &Method::GET) => self.list(),
            (["v1", "keys"], _) => wrong_method("GET, POST"),
            (["v1", "keys", id], &Method::GET) => match self.store.get(id) {
                Some(record) => record_response(StatusCode::OK, &record),
                None => unknown_key(id),
            },
            (["v1", "keys", id], &Method::DELETE) => match self.store.revoke(id) {
                Ok(record) => record_response(StatusCode::OK, &record),
                Err(KeyStoreError::UnknownId(_)) => unknown_key(id),
                Err(e) => not_saved(&e),
            },
            (["v1", "keys", _], _) => wrong_method("GET, DELETE"),
            (["v1", "requests"], m) => match (&self.journal, m) {
                (Some(j), &Method::GET) => journal::list_endpoint(j, request.uri().query()),
                (Some(j), &Method::DELETE) => journal::clear_endpoint(j),
                _ => wrong_method("GET, DELETE"),
            },
            // Verification (issue 17): "exactly one request matched", and what nothing matched.
            (["v1", "requests", view @ ("count" | "unmatched")], m) => match (&self.journal, m) {
                (Some(j), &Method::GET) if *view == "count" => {
                    journal::count_endpoint(j, request.uri().query())
                }
                (Some(j), &Method::GET) => journal::unmatched_endpoint(j, request.uri().query()),
                _ => wrong_method("GET"),
            },
            (["v1", "faults"], &Method::POST) => match read_body(request).await {
                Ok(body) => self.add_fault(&body),
                Err(response) => response,
            },
            (["v1", "faults"], &Method::GET) => self.list_faults(),
            (["v1", "faults"], &Method::DELETE) => {
                self.faults.clear();
                no_content()
            }
            (["v1", "faults"], _) => wrong_method("GET, POST, DELETE"),
            (["v1", "faults", id], &Method::DELETE) => {
                if self.faults.remove(id) {
                    no_content()
                } else {
                    envelope::error(
                        StatusCode::NOT_FOUND,
                        "not_found_error",
                        &format!("No fault with id {:?}: GET /v1/faults lists them", crate::redact::redact(id)),
                    )
                }
            }
            (["v1", "faults", _], _) => wrong_method("DELETE"),
            _ => envelope::error(
                StatusCode::NOT_FOUND,
                "not_found_error",
                "No such admin endpoint: the admin plane has GET /healthz, GET and POST /v1/keys, GET and DELETE /v1/keys/{id}, GET and DELETE /v1/requests, GET /v1/requests/count, GET /v1/requests/unmatched, GET, POST and DELETE /v1/faults, DELETE /v1/faults/{id}",
            ),
        }
    }

    /// `Authorization: Bearer <admin token>`, compared in constant time (through digests, so
    /// the token's length does not leak either).
    fn authorized<B>(&self, request: &Request<B>) -> bool {
        let mut fields = request.headers().get_all(AUTHORIZATION).iter();
        let (Some(field), None) = (fields.next(), fields.next()) else {
            return false;
        };
        let Some(token) = field.as_bytes().strip_prefix(b"Bearer ") else {
            return false;
        };
        bool::from(key_digest(token).ct_eq(&self.token_digest))
    }

    async fn create<B>(&self, request: Request<B>) -> Response<Body>
    where
        B: hyper::body::Body<Data = Bytes> + Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let body = match read_body(request).await {
            Ok(body) => body,
            Err(response) => return response,
        };
        let params: CreateKey = if body.iter().all(u8::is_ascii_whitespace) {
            CreateKey::default()
        } else {
            match serde_json::from_slice(&body) {
                Ok(params) => params,
                Err(e) => {
                    return envelope::error(
                        StatusCode::BAD_REQUEST,
                        "invalid_request_error",
                        &format!(
                            "The request body is not valid: {e}. Send a JSON object such as {{\"name\": \"ci\"}}, or no body"
                        ),
                    )
                }
            }
        };
        let name = params.name.unwrap_or_default();
        match self.store.mint(&name) {
            Ok(minted) => {
                let body = json!({
                    "id": minted.record.id,
                    "name": minted.record.name,
                    "key": minted.key,
                    "created_at": rfc3339(minted.record.created_at),
                });
                envelope::json(StatusCode::CREATED, Bytes::from(body.to_string()))
            }
            Err(e) => not_saved(&e),
        }
    }

    /// `POST /v1/faults`: a fault (`schemas/fault.schema.json`); a bad one gets a 400 naming
    /// the member that is wrong.
    fn add_fault(&self, body: &[u8]) -> Response<Body> {
        let invalid = |message: String| {
            envelope::error(StatusCode::BAD_REQUEST, "invalid_request_error", &message)
        };
        // Read as JSON first, so a key-shaped string is refused before any message could
        // quote it (serde's messages quote the values they refuse).
        let value: serde_json::Value = match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(e) => return invalid(format!("The fault is not valid JSON: {e}")),
        };
        if let Some(found) = crate::faults::key_shaped(&value) {
            return invalid(format!("The fault is not valid: {found}"));
        }
        let fault: Fault = match serde_path_to_error::deserialize(value) {
            Ok(fault) => fault,
            Err(e) => {
                let member = e.path().to_string();
                let e = e.into_inner();
                let at = if member == "." {
                    String::new()
                } else {
                    format!("{member}: ")
                };
                return invalid(format!(
                    "The fault is not valid: {at}{e}. Send e.g. {{\"method\":\"GET\",\"path\":\"/v1/account\",\"times\":1,\"respond\":{{\"kind\":\"status\",\"status\":429,\"headers\":{{\"retry-after\":\"1\"}}}}}}"
                ));
            }
        };
        match self.faults.add(fault) {
            Ok(id) => {
                let listed = self.faults.list().into_iter().find(|f| f.id == id);
                envelope::json(
                    StatusCode::CREATED,
                    Bytes::from(serde_json::to_string(&listed).unwrap_or_default()),
                )
            }
            Err(member) => invalid(format!("The fault is not valid: {member}")),
        }
    }

    fn list_faults(&self) -> Response<Body> {
        let body = json!({ "faults": self.faults.list() });
        envelope::json(StatusCode::OK, Bytes::from(body.to_string()))
    }

    fn list(&self) -> Response<Body> {
        let data: Vec<_> = self.store.list().iter().map(record_json).collect();
        envelope::json(
            StatusCode::OK,
            Bytes::from(json!({ "data": data }).to_string()),
        )
    }
}

/// A key record as the admin plane shows it: never the key.
pub(crate) fn record_json(record: &KeyRecord) -> serde_json::Value {
    json!({
        "id": record.id,
        "name": record.name,
        "hint": record.hint,
        "status": record.status,
        "created_at": rfc3339(record.created_at),
        "revoked_at": record.revoked_at.map(rfc3339),
    })
}

fn record_response(status: StatusCode, record: &KeyRecord) -> Response<Body> {
    envelope::json(status, Bytes::from(record_json(record).to_string()))
}

fn unknown_key(id: &str) -> Response<Body> {
    envelope::error(
        StatusCode::NOT_FOUND,
        "not_found_error",
        &format!(
            "No key has the id {:?}; GET /v1/keys lists them",
            crate::redact::redact(id)
        ),
    )
}

fn not_saved(e: &KeyStoreError) -> Response<Body> {
    tracing::error!(target: "terminus_mock::admin", "key store change refused: {e}");
    envelope::error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "api_error",
        &format!("The change was not made: {e}"),
    )
}

/// The request's body, at most 64 KiB; otherwise the answer to give.
async fn read_body<B>(request: Request<B>) -> Result<Bytes, Response<Body>>
where
    B: hyper::body::Body<Data = Bytes> + Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(envelope::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            "The request body is over 64 KiB; send a JSON object",
        )),
        Err(e) => Err(envelope::error(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            &format!("The request body could not be read: {e}"),
        )),
    }
}

/// The admin plane's own 401: not the Public API's envelope, so nobody takes one for the other
/// (SPEC.md part 2).
fn admin_unauthorized() -> Response<Body> {
    let mut response = envelope::error(
        StatusCode::UNAUTHORIZED,
        "authentication_error",
        "invalid admin token: send `Authorization: Bearer <admin token>` (the token terminus-mock printed at start, or --admin-token)",
    );
    response.headers_mut().insert(
        http::header::WWW_AUTHENTICATE,
        HeaderValue::from_static(ADMIN_CHALLENGE),
    );
    response
}

fn no_content() -> Response<Body> {
    let mut response = Response::new(Body::default());
    *response.status_mut() = StatusCode::NO_CONTENT;
    response
}

fn wrong_method(allow: &'static str) -> Response<Body> {
    let mut response = envelope::error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed_error",
        &format!("This admin endpoint takes {allow}"),
    );
    response
        .headers_mut()
        .insert(http::header::ALLOW, HeaderValue::from_static(allow));
    response
}
