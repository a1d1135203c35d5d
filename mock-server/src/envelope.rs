//! Canned responses: the authentication failure envelope (ERR-1, ERR-2, ERR-5) and the
//! error bodies of authenticated requests (404, 405). Built once, served as shared bytes.

pub use crate::body::Body;
use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{Response, StatusCode};

/// ERR-2, byte for byte the same for every cause (ERR-3). Never holds anything of the request
/// (ERR-6).
pub const AUTH_FAILURE_BODY: &str =
    r#"{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}"#;

/// ERR-5: the challenge the mock sends with every 401.
pub const CHALLENGE: &str = r#"Bearer realm="terminus-hub""#;

const NOT_FOUND_BODY: &str =
    r#"{"error":{"type":"not_found_error","code":null,"message":"No such endpoint"}}"#;

const METHOD_NOT_ALLOWED_BODY: &str = r#"{"error":{"type":"method_not_allowed_error","code":null,"message":"This endpoint does not support this method"}}"#;

const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// A JSON response with the given status and body.
pub fn json(status: StatusCode, body: Bytes) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(CONTENT_TYPE, JSON);
    response
}

/// The 401 envelope with its `WWW-Authenticate` challenge.
pub fn auth_failure() -> Response<Body> {
    auth_failure_with(CHALLENGE)
}

/// A 401 with a given challenge (the admin plane uses its own realm).
pub fn auth_failure_with(challenge: &'static str) -> Response<Body> {
    let mut response = json(
        StatusCode::UNAUTHORIZED,
        Bytes::from_static(AUTH_FAILURE_BODY.as_bytes()),
    );
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}

/// 404 for an authenticated request to a path no route has.
pub fn not_found() -> Response<Body> {
    json(
        StatusCode::NOT_FOUND,
        Bytes::from_static(NOT_FOUND_BODY.as_bytes()),
    )
}

/// 405 for an authenticated request to a known path with a method it does not take.
pub fn method_not_allowed(allow: HeaderValue) -> Response<Body> {
    let mut response = json(
        StatusCode::METHOD_NOT_ALLOWED,
        Bytes::from_static(METHOD_NOT_ALLOWED_BODY.as_bytes()),
    );
    response.headers_mut().insert(ALLOW, allow);
    response
}

/// An error of another type, with a message (admin plane: 400, 404, 413…).
pub fn error(status: StatusCode, kind: &str, message: &str) -> Response<Body> {
    let body = serde_json::json!({"error": {"type": kind, "code": null, "message": message}});
    json(status, Bytes::from(body.to_string()))
}
