//! Broken along one axis of the request space (issue 16, `space/`): each answers a request
//! that carries one value of one axis from a route, without a key; every other request is
//! judged as the correct fake judges it. ROUTE-1 (or ROUTE-2 for a path variant) must catch
//! each; the last is broken by two values together only, which only the pairwise
//! combinations send.

use serde_json::json;

use super::authenticate::header;
use super::routes::{json_response, known_path, route};
use super::{Action, Fault, Incoming, Outgoing};

/// Fields that say which client a proxy forwarded.
const FORWARDING: [&str; 11] = [
    "forwarded",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-real-ip",
    "x-client-ip",
    "true-client-ip",
    "x-originating-ip",
    "client-ip",
    "x-cluster-client-ip",
    "x-remote-addr",
    "via",
];

/// The answer a fault of this block gives `req` before authentication, if any.
pub(super) fn bypass(fault: Fault, req: &Incoming, path: &str) -> Option<Action> {
    let is = |name: &str, value: &str| {
        header(req, name).is_some_and(|v| v.eq_ignore_ascii_case(value.as_bytes()))
    };
    let answer = match fault {
        // A WebDAV layer in front of the API serves its own methods.
        Fault::PropfindOpen if req.method == "PROPFIND" => Outgoing {
            status: 207,
            headers: vec![("Content-Type".into(), "application/xml".into())],
            body: b"<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\"/>".to_vec(),
        },
        // The server answers for itself, not for a route.
        Fault::AsteriskOptionsOpen if req.target == "*" => Outgoing {
            status: 200,
            headers: vec![("Allow".into(), "GET, HEAD, POST, DELETE, OPTIONS".into())],
            body: vec![],
        },
        // The authenticator matches the raw path; the router turns `\` and `%5C` into `/`.
        Fault::BackslashNormalisedPastAuth
            if req.target.contains('\\') || req.target.to_ascii_uppercase().contains("%5C") =>
        {
            let normalised = path
                .replace('\\', "/")
                .replace("%5C", "/")
                .replace("%5c", "/");
            if !known_path(&normalised) {
                return None;
            }
            route(&req.method, &normalised)
        }
        // An upgrade handler registered before the authentication middleware.
        Fault::H2cUpgradeBeforeAuth if is("upgrade", "h2c") => route(&req.method, path),
        // A framework that answers `Expect: 100-continue` itself, then hands the request to the
        // handler past the authentication middleware.
        Fault::ExpectContinueSkipsAuth if is("expect", "100-continue") => route(&req.method, path),
        // A streaming-upload path (a body of unknown length: chunked over HTTP/1.1, DATA frames
        // without content-length over HTTP/2) mounted before authentication.
        Fault::ChunkedBodySkipsAuth
            if header(req, "content-length").is_none()
                && (is("transfer-encoding", "chunked")
                    || (req.http2 && header(req, "content-type").is_some())) =>
        {
            route(&req.method, path)
        }
        Fault::TrailingDotHostSkipsAuth
            if header(req, "host").is_some_and(|h| {
                let h = String::from_utf8_lossy(h);
                let host = h.rsplit_once(':').map_or(h.as_ref(), |(host, _)| host);
                host.ends_with('.')
            }) =>
        {
            route(&req.method, path)
        }
        // An ETag middleware in front of authentication: `If-None-Match: *` matches anything.
        Fault::ConditionalAnswered304BeforeAuth if is("if-none-match", "*") && known_path(path) => {
            let mut out = json_response(304, json!(null));
            out.body.clear();
            out.headers.push(("ETag".into(), "\"v1\"".into()));
            out
        }
        // A framework that reads `_method` from the query before authentication and answers
        // the "OPTIONS" it finds there as a CORS preflight.
        Fault::QueryMethodOverrideOpen
            if req.target.contains("_method=OPTIONS") && known_path(path) =>
        {
            Outgoing {
                status: 204,
                headers: vec![("Access-Control-Allow-Origin".into(), "*".into())],
                body: vec![],
            }
        }
        // Two values harmless apart: an HTTP/1.0 request (a health checker's) that names a
        // client in any forwarding field is taken for the load balancer's own probe.
        Fault::Http10WithForwardingTrusted
            if req.http10 && FORWARDING.iter().any(|f| header(req, f).is_some()) =>
        {
            route(&req.method, path)
        }
        _ => return None,
    };
    Some(Action::Respond(answer))
}
