//! HDR-3, query parameters: the valid key as `?name=<key>`. RFC 6750 §2.3 and many API gateways
//! read a key there; this API must not (a URL ends up in logs, proxies and browser history).

use super::case_per_name;
use crate::cases::{Case, Context};
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::{Request, Text};

/// The parameter names SPEC.md lists, a case each (`query_param_<name>`): the OpenAPI
/// `apiKey in: query` default, RFC 6750 §2.3's `access_token`, and the short names hand-rolled
/// servers read.
const NAMED_PARAMS: [&str; 4] = ["api_key", "access_token", "key", "token"];

/// The HDR-3 query-parameter cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    let mut cases = case_per_name("query_param_", query_param, &NAMED_PARAMS);
    cases.push(query_param_others());
    cases
}

/// More names servers read a key from, in one case (`query_param_others`).
const OTHER_PARAMS: [&str; 8] = [
    "apikey",
    "api-key",
    "apiKey",
    "auth",
    "bearer",
    "secret",
    "thub_key",
    "authorization",
];

/// Every other name, then a whole `Bearer <key>` in `?authorization=`.
fn query_param_others() -> Case {
    Case::refused(Clause::Hdr3, "query_param_others", |ctx, k| {
        let mut probes: Vec<Request> = OTHER_PARAMS
            .iter()
            .map(|name| query(ctx, name, k.text()))
            .collect();
        probes.push(query(
            ctx,
            "authorization",
            Text::plain("Bearer%20").then(k.text()),
        ));
        probes
    })
}

/// `?name=<key>`.
fn query_param(ctx: &Context, name: &str, key: &Key) -> Vec<Request> {
    vec![query(ctx, name, key.text())]
}

/// The probe endpoint with `?name=value` and no `Authorization` field.
fn query(ctx: &Context, name: &str, value: Text) -> Request {
    let e = ctx.probe_endpoint();
    Request::new(
        &e.method,
        Text::plain(format!("{}?{name}=", e.path())).then(value),
    )
}
