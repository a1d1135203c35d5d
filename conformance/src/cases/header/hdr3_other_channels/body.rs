//! HDR-3, the request body: the valid key as a JSON or form field of a `POST` (RFC 6750 §2.2's
//! form-encoded body parameter, and its JSON look-alike; a `GET` in a read-only run). Neither
//! may authenticate.

use crate::cases::{Case, Context};
use crate::spec::Clause;
use crate::wire::{Request, Text};

/// JSON members a server might read the key from (`{"name":"<key>"}`).
const JSON_FIELDS: [&str; 4] = ["api_key", "access_token", "key", "token"];

/// Form fields (`name=<key>`): RFC 6750 §2.2's `access_token`, and the gateways' `api_key`.
const FORM_FIELDS: [&str; 2] = ["access_token", "api_key"];

/// The HDR-3 body cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    vec![
        Case::refused(Clause::Hdr3, "json_body_api_key", |ctx, k| {
            JSON_FIELDS
                .iter()
                .map(|name| {
                    body_request(ctx).body(
                        "application/json",
                        Text::plain(format!("{{\"{name}\":\""))
                            .then(k.text())
                            .then("\"}"),
                    )
                })
                .collect()
        }),
        Case::refused(Clause::Hdr3, "form_body_access_token", |ctx, k| {
            FORM_FIELDS
                .iter()
                .map(|name| {
                    body_request(ctx).body(
                        "application/x-www-form-urlencoded",
                        Text::plain(format!("{name}=")).then(k.text()),
                    )
                })
                .collect()
        }),
    ]
}

/// A `POST` to the first documented `POST` endpoint, else to the probe endpoint's path. In a
/// read-only run the valid key travels with safe methods only: the body goes with a `GET`
/// of the probe endpoint (frameworks that merge body parameters do so for `GET` too).
fn body_request(ctx: &Context) -> Request {
    if !ctx.options.allow_writes {
        return Request::new("GET", ctx.probe_endpoint().path());
    }
    match ctx.endpoints.iter().find(|e| e.method == "POST") {
        Some(e) => Request::new("POST", e.path()),
        None => Request::new("POST", ctx.probe_endpoint().path()),
    }
}
