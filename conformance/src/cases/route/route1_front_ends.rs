//! > **ROUTE-1** There are no unauthenticated routes. Every request without a valid key gets the
//! > envelope: every documented endpoint, every method (HEAD and OPTIONS included), unknown
//! > paths, `/`, and operational paths […]. Authentication is decided before routing […].
//!
//! The request forms front ends treat specially, all without a key, on a documented path. Real
//! bypasses live here: a proxy or framework that treats a request as "internal" or "public" by
//! its protocol version, its `Host`, a forwarding header that claims loopback, a header that
//! rewrites the URL, or one that overrides the method.
//!
//! Axes: protocol version (HTTP/1.0 with and without `Host`) × method (GET, HEAD, OPTIONS);
//! `Host` (loopback names and addresses, with and without the port, internal names); forwarding
//! headers (`X-Forwarded-For`, `X-Real-IP`, `Forwarded`, `X-Forwarded-Host`, `X-Client-IP`,
//! `True-Client-IP`, `X-Originating-IP`, `Client-IP`) × values (loopback v4/v6, private
//! addresses, `localhost`); URL rewrites (`X-Original-URL`, `X-Rewrite-URL`) in both directions
//! (a public-looking path rewritten to a documented one, and the reverse); method overrides
//! (`X-HTTP-Method-Override`, `X-HTTP-Method`, `X-Method-Override`, `_method=`) to OPTIONS,
//! HEAD and GET. Every form goes over each protocol the target speaks where the form exists
//! there (HTTP/1.0 and `Host` are HTTP/1.1-only notions).

use crate::cases::{rejected, Case, Check, Context};
use crate::judge::CaseResult;
use crate::spec::Clause;
use crate::wire::{Reply, Request};

/// Forwarding headers a front end sets and a back end may trust.
const FORWARDING_HEADERS: [&str; 8] = [
    "X-Forwarded-For",
    "X-Real-IP",
    "X-Client-IP",
    "True-Client-IP",
    "X-Originating-IP",
    "Client-IP",
    "X-Cluster-Client-IP",
    "X-Remote-Addr",
];

/// Values that claim the request comes from inside.
const INSIDE_ADDRESSES: [&str; 5] = ["127.0.0.1", "::1", "10.0.0.1", "192.168.0.1", "localhost"];

/// Headers that rewrite the URL the back end routes on.
const URL_REWRITES: [&str; 2] = ["X-Original-URL", "X-Rewrite-URL"];

/// Paths that look public or internal, for the URL rewrites.
const PUBLIC_LOOKING: [&str; 3] = ["/healthz", "/health", "/"];

/// Headers that override the method.
const METHOD_OVERRIDES: [&str; 3] = [
    "X-HTTP-Method-Override",
    "X-HTTP-Method",
    "X-Method-Override",
];

/// What a request without a key gets whatever its forwarding, rewrite or override fields say:
/// the same refusal as any other (a 404 or 405 there is the router answering first, the same
/// finding as ROUTE-1's other refusals before authentication).
const EXPECT_ROUTED_NOWHERE: &str =
    "401 (the envelope): no request without a valid key is routed, whatever its headers claim";

/// The ROUTE-1 front-end cases, in manifest order.
pub fn cases() -> Vec<Case> {
    vec![
        Case::new(Clause::Route1, "http_1_0_requests", http_1_0_requests),
        Case::new(Clause::Route1, "host_variants", host_variants),
        Case::each(
            Clause::Route1,
            "forwarding_headers_claiming_inside",
            EXPECT_ROUTED_NOWHERE,
            rejected,
            |ctx| Ok(forwarding(ctx)),
        ),
        Case::each(
            Clause::Route1,
            "url_rewrite_headers",
            EXPECT_ROUTED_NOWHERE,
            rejected,
            |ctx| Ok(url_rewrites(ctx)),
        ),
        Case::each(
            Clause::Route1,
            "method_override_headers",
            EXPECT_ROUTED_NOWHERE,
            rejected,
            |ctx| Ok(method_overrides(ctx)),
        ),
    ]
}

/// A documented path without path parameters (the probe endpoint's).
fn documented(ctx: &Context) -> String {
    ctx.probe_endpoint().path()
}

/// HTTP/1.0, with and without `Host`, for GET, HEAD and OPTIONS: a front end that only
/// authenticates HTTP/1.1 (or routes 1.0 to a default back end) lets it through. A server may
/// refuse the version (400, 426, 505) or a 1.0 request without `Host` (400): that routes nothing.
async fn http_1_0_requests(ctx: Check) -> CaseResult {
    let path = documented(&ctx);
    let probes = ["GET", "HEAD", "OPTIONS"]
        .iter()
        .flat_map(|m| {
            [
                Request::new(m, path.as_str()).http10(true),
                Request::new(m, path.as_str()).http10(false),
            ]
        })
        .collect();
    ctx.expect_each(
        probes,
        "401 (the envelope), or a refusal of the version (400, 426, 505): never routed without a key",
        |reply| match reply.status() {
            Some(400 | 426 | 505) => Ok(()),
            _ => rejected(reply),
        },
    )
    .await
}

/// `Host` values a front end may treat as internal: loopback names and addresses, with and
/// without the target's port, and internal-looking names. A front end that does not serve such
/// a host may refuse it (400, 403, 404, 421, or close the connection): that reaches no handler.
async fn host_variants(ctx: Check) -> CaseResult {
    let path = documented(&ctx);
    let port = ctx
        .authority
        .rsplit_once(':')
        .map(|(_, p)| p.to_owned())
        .filter(|p| p.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| "443".into());
    let hosts = [
        "localhost".to_owned(),
        format!("localhost:{port}"),
        "127.0.0.1".to_owned(),
        format!("127.0.0.1:{port}"),
        "[::1]".to_owned(),
        format!("[::1]:{port}"),
        "internal".to_owned(),
        "admin.localhost".to_owned(),
    ];
    let probes = hosts
        .iter()
        .map(|h| {
            let mut r = Request::get(path.as_str())
                .exact()
                .field("Host", h.as_str());
            r.fresh_connection = true;
            r
        })
        .collect();
    ctx.expect_each(
        probes,
        "401 (the envelope), or a refusal of the host (400, 403, 404, 421, a closed connection): never routed without a key",
        refused_host,
    )
    .await
}

/// [`host_variants`]' judge: anything that does not reach a handler.
fn refused_host(reply: &Reply) -> Result<(), String> {
    match reply {
        Reply::Response(r) if matches!(r.status, 400 | 403 | 404 | 421) => Ok(()),
        Reply::Closed(_) => Ok(()),
        _ => rejected(reply),
    }
}

/// Every forwarding header with every inside address, on the documented path (and `Forwarded`
/// and `X-Forwarded-Host` in their own syntax).
fn forwarding(ctx: &Context) -> Vec<Request> {
    let path = documented(ctx);
    let mut probes: Vec<Request> = FORWARDING_HEADERS
        .iter()
        .flat_map(|h| {
            INSIDE_ADDRESSES
                .iter()
                .map(|v| Request::get(path.as_str()).field(h, *v))
                .collect::<Vec<_>>()
        })
        .collect();
    probes.extend([
        Request::get(path.as_str()).field("Forwarded", "for=127.0.0.1"),
        Request::get(path.as_str()).field("Forwarded", "for=\"[::1]\";proto=https"),
        Request::get(path.as_str()).field("X-Forwarded-Host", "localhost"),
        Request::get(path.as_str())
            .field("X-Forwarded-For", "127.0.0.1")
            .field("X-Forwarded-Host", "localhost")
            .field("X-Forwarded-Proto", "http"),
    ]);
    probes
}

/// URL rewrites both ways: a public-looking path rewritten to the documented one (a back end
/// that routes on the header), and the documented path "rewritten" to a public-looking one (an
/// authenticator that exempts by the header).
fn url_rewrites(ctx: &Context) -> Vec<Request> {
    let path = documented(ctx);
    let path = path.as_str();
    URL_REWRITES
        .iter()
        .flat_map(|h| {
            PUBLIC_LOOKING.iter().flat_map(move |public| {
                [
                    Request::get(*public).field(h, path),
                    Request::get(path).field(h, *public),
                ]
            })
        })
        .collect()
}

/// Method overrides to the methods an authenticator may exempt (OPTIONS for CORS preflights,
/// HEAD, GET), as headers on a POST and a GET, and as `_method=` in the query.
fn method_overrides(ctx: &Context) -> Vec<Request> {
    let path = documented(ctx);
    let target = path.as_str();
    let mut probes: Vec<Request> = METHOD_OVERRIDES
        .iter()
        .flat_map(|h| {
            ["OPTIONS", "HEAD", "GET"].iter().flat_map(move |m| {
                [
                    Request::new("POST", target).field(h, *m),
                    Request::get(target).field(h, *m),
                ]
            })
        })
        .collect();
    probes.extend(
        ["OPTIONS", "HEAD"]
            .iter()
            .map(|m| Request::new("POST", format!("{path}?_method={m}"))),
    );
    probes
}
