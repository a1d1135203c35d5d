//! Issue 16, findings: the shapes popular frameworks give a deployment out of the box,
//! each answering before authentication runs — authentication registered per route (FastAPI's
//! `Depends(HTTPBearer())`), the router's trailing-slash redirect (Starlette's
//! `redirect_slashes`), the automatic OPTIONS answer with `Allow`, and HEAD refused with 405 by a
//! router that registers GET alone. Each breaks ROUTE-1 or ROUTE-2 in many cases at once; the
//! runner must report each as a small number of findings naming its cause.

use serde_json::json;

use super::routes::{json_response, known_path, route_matches, ROUTES};
use super::{Fault, Outgoing};

/// The methods the routes table has for `path`, as `Allow` lists them.
fn allowed(path: &str) -> String {
    let mut methods: Vec<&str> = ROUTES
        .iter()
        .filter(|(_, p, _)| route_matches(p, path))
        .map(|(m, _, _)| *m)
        .collect();
    methods.dedup();
    methods.join(", ")
}

/// The answer `fault` gives to `method path` before any authentication, if it gives one.
pub(super) fn before_authentication(fault: Fault, method: &str, path: &str) -> Option<Outgoing> {
    match fault {
        Fault::AuthPerRoute => {
            if !known_path(path) {
                return Some(json_response(404, json!({"detail": "Not Found"})));
            }
            // HEAD is answered by the GET route, which authenticates.
            let routed = ROUTES.iter().any(|(m, p, _)| {
                (*m == method || (method == "HEAD" && *m == "GET")) && route_matches(p, path)
            });
            (!routed).then(|| {
                let mut out = json_response(405, json!({"detail": "Method Not Allowed"}));
                out.headers.push(("Allow".into(), allowed(path)));
                out
            })
        }
        Fault::TrailingSlashRedirect => {
            let trimmed = path.trim_end_matches('/');
            (path.len() > 1 && path.ends_with('/') && known_path(trimmed)).then(|| Outgoing {
                status: 307,
                headers: vec![
                    ("Location".into(), trimmed.to_owned()),
                    ("Content-Length".into(), "0".into()),
                ],
                body: Vec::new(),
            })
        }
        Fault::AutomaticOptions => (method == "OPTIONS" && known_path(path)).then(|| Outgoing {
            status: 200,
            headers: vec![("Allow".into(), format!("{}, HEAD, OPTIONS", allowed(path)))],
            body: Vec::new(),
        }),
        Fault::HeadRefusedBeforeAuth => (method == "HEAD" && known_path(path)).then(|| Outgoing {
            status: 405,
            headers: vec![("Allow".into(), allowed(path))],
            body: Vec::new(),
        }),
        _ => None,
    }
}
