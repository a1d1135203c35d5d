//! What the fake API serves once a request is authenticated: a few documented routes, 404 for
//! unknown paths and 405 (with `Allow`) for a wrong method.

use serde_json::json;

use super::Outgoing;

pub(super) const ROUTES: [(&str, &str, u16); 5] = [
    ("GET", "/v1/account", 200),
    ("GET", "/v1/projects", 200),
    ("POST", "/v1/projects", 201),
    ("GET", "/v1/projects/*", 200),
    ("DELETE", "/v1/projects/*", 200),
];

pub(super) fn route_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path
            .strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains('/')),
        None => pattern == path,
    }
}

pub(super) fn known_path(path: &str) -> bool {
    ROUTES.iter().any(|(_, p, _)| route_matches(p, path))
}

pub(super) fn json_response(status: u16, body: serde_json::Value) -> Outgoing {
    Outgoing {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

pub(super) fn route(method: &str, path: &str) -> Outgoing {
    if let Some((_, _, status)) = ROUTES
        .iter()
        .find(|(m, p, _)| *m == method && route_matches(p, path))
    {
        return json_response(*status, json!({"object": "account", "id": "acct_fake"}));
    }
    if method == "HEAD"
        && ROUTES
            .iter()
            .any(|(m, p, _)| *m == "GET" && route_matches(p, path))
    {
        return json_response(200, json!({"object": "account", "id": "acct_fake"}));
    }
    if known_path(path) {
        let allow: Vec<&str> = ROUTES
            .iter()
            .filter(|(_, p, _)| route_matches(p, path))
            .map(|(m, _, _)| *m)
            .collect();
        let mut out = json_response(
            if method == "OPTIONS" { 204 } else { 405 },
            json!({"error": {"type": "invalid_request_error"}}),
        );
        out.headers.push(("Allow".into(), allow.join(", ")));
        if out.status == 204 {
            // A 204 has no content (RFC 9110 §15.3.5): bytes after its head would be read as
            // the next response on the connection.
            out.body.clear();
        }
        return out;
    }
    json_response(
        404,
        json!({"error": {"type": "not_found_error", "code": null, "message": "Not found"}}),
    )
}
