//! HDR-3, other headers: the valid key, bare and as `Bearer <key>`, in a field other than
//! `Authorization`. API gateways and frameworks read keys from such fields; this API must not.

use super::{under_name, under_names};
use crate::cases::{bearer, Case, Context};
use crate::target::Key;
use crate::wire::Request;

/// Header fields that carry keys elsewhere, a case each: (case, field name).
const NAMED_HEADERS: [(&str, &str); 9] = [
    // The OpenAPI `apiKey in: header` convention and its unprefixed form.
    ("header_x_api_key", "X-API-Key"),
    ("header_api_key", "Api-Key"),
    // The proxy's credentials field (RFC 9110 §11.7.2), never the origin's.
    ("header_proxy_authorization", "Proxy-Authorization"),
    // Token fields of common frameworks.
    ("header_x_auth_token", "X-Auth-Token"),
    ("header_x_access_token", "X-Access-Token"),
    // A misnomer of `Authorization` that some clients send.
    ("header_authentication", "Authentication"),
    // What proxies and gateways forward the original `Authorization` as.
    ("header_x_authorization", "X-Authorization"),
    (
        "header_x_forwarded_authorization",
        "X-Forwarded-Authorization",
    ),
    // `Token`, the name of Rails' scheme, as a field.
    ("header_token", "Token"),
];

/// More field names, in one case (`header_other_names`).
const OTHER_HEADERS: [&str; 12] = [
    "X-Api-Token",
    "X-Token",
    "Api-Token",
    "X-Key",
    "Key",
    "X-Terminus-Key",
    "X-Terminus-Api-Key",
    "X-Thub-Key",
    "X-Original-Authorization",
    "X-Http-Authorization",
    "Bearer",
    "X-Amz-Security-Token",
];

/// The HDR-3 header cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = NAMED_HEADERS
        .iter()
        .map(|&(what, name)| under_name(what, header_pair, name))
        .collect();
    cases.push(under_names(
        "header_other_names",
        header_pair,
        &OTHER_HEADERS,
    ));
    cases
}

/// `name: <key>` and `name: Bearer <key>`, without an `Authorization` field.
fn header_pair(ctx: &Context, name: &str, key: &Key) -> Vec<Request> {
    vec![
        ctx.probe().field(name, key.text()),
        ctx.probe().field(name, bearer(key.text())),
    ]
}
