//! > **ROUTE-1** There are no unauthenticated routes. Every request without a valid key gets the
//! > envelope: every documented endpoint, every method (HEAD and OPTIONS included), unknown
//! > paths, `/`, and operational paths such as `/health`, `/healthz`, `/status`, `/metrics`,
//! > `/openapi.json`, `/.well-known/…`. Authentication is decided before routing, so an
//! > unauthenticated caller learns nothing about which paths or methods exist (no 404 or 405
//! > before authentication).
//!
//! Crosses the method axis (`space/method.rs`: IANA's registry, case variants, extension
//! tokens) on each documented path and on `/`, and the CORS preflights of the front-end axis on
//! each documented path; then a few methods on unknown and operational paths. RFC 9110's
//! methods must get 401; other tokens 401 or 400 from an HTTP layer that cannot parse them. The
//! sweep reports ROUTE-2's path variants that got another refusal (404, 405) before
//! authentication.

use crate::cases::{rejected, rejected_or_400, Case, Check, Context};
use crate::space::{self, Axis, Crossing, Site};
use crate::spec::Clause;
use crate::target::endpoints::{concrete_path, distinct_paths, path_slug};
use crate::target::Endpoint;
use crate::wire::Request;

/// What a standard method without a key must get.
const EXPECT_STANDARD_METHOD: &str = "401 (the envelope): no request without a valid key is routed";

/// What any method without a key must get.
const EXPECT_ANY_METHOD: &str = "401 (the envelope); 400 only for a method token the HTTP layer does not parse (not RFC 9110's methods or PATCH), a closed connection only for CONNECT and PRI, whose grammar needs another target";

/// ROUTE-1 over the method axis (on each documented path and on `/`) and the CORS preflights
/// of the front-end axis (on each documented path).
pub const METHOD_CROSSING: Crossing = Crossing {
    clause: Clause::Route1,
    axes: &[Axis::Method, Axis::FrontEnd],
    holds: "every method, registered or not, gets the envelope on every path (400 for a token the HTTP layer does not parse)",
};

/// What an extension method without a key must get.
const EXPECT_EXTENSION_METHOD: &str =
    "401 (the envelope), or 400 from an HTTP layer that does not parse this extension method";

/// The methods of RFC 9110 and RFC 5789 (PATCH): always the envelope. Others (PROPFIND,
/// QUERY, FOO) may be refused by the HTTP layer with 400.
const STANDARD_METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
];

/// Operational paths deployments tend to leave open: one case each, named after the path.
pub const OPERATIONAL_PATHS: [&str; 31] = [
    "/health",
    "/healthz",
    "/status",
    "/metrics",
    "/openapi.json",
    "/openapi.yaml",
    "/swagger.json",
    "/docs",
    "/ready",
    "/readyz",
    "/livez",
    "/ping",
    "/version",
    "/.well-known/openid-configuration",
    "/.well-known/security.txt",
    "/v1/health",
    "/favicon.ico",
    "/healthcheck",
    "/health/ready",
    "/api/health",
    "/v1/status",
    "/actuator/health",
    "/actuator",
    "/metrics/prometheus",
    "/server-status",
    "/nginx_status",
    "/debug/vars",
    "/debug/pprof/",
    "/robots.txt",
    "/api-docs",
    "/v1/openapi.json",
];

/// Paths no deployment documents: another version, bare prefixes, the admin plane's names, a
/// static page.
const UNKNOWN_PATHS: [&str; 8] = [
    "/v1/conformance-unknown",
    "/v2/account",
    "/nonexistent",
    "/v1",
    "/api",
    "/admin",
    "/v1/keys",
    "/index.html",
];

/// Every case of ROUTE-1, for these endpoints, in the manifest's order.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    let mut all: Vec<Case> = distinct_paths(endpoints)
        .into_iter()
        .map(every_method_on)
        .collect();
    all.extend(distinct_paths(endpoints).into_iter().map(cors_preflight_on));
    all.push(root());
    all.push(unknown_paths());
    all.extend(OPERATIONAL_PATHS.into_iter().map(operational_path));
    all
}

/// Every value of the method axis on a documented path: a 404 or 405 for one of them would
/// tell which methods exist there.
fn every_method_on(template: String) -> Case {
    let path = concrete_path(&template);
    every_method(format!("every_method_on_{}", path_slug(&template)), path)
}

/// The CORS preflights of the front-end axis on a documented path: a 2xx with
/// `Access-Control-Allow-*` would be a route that answers without a key.
fn cors_preflight_on(template: String) -> Case {
    let path = concrete_path(&template);
    Case::new(
        Clause::Route1,
        format!("cors_preflight_on_{}", path_slug(&template)),
        move |ctx: Check| async move {
            let site = Site::of(&ctx, "OPTIONS", &path);
            space::singles_of_class(Axis::FrontEnd, "CORS preflight", &site)
                .expect(&ctx, EXPECT_STANDARD_METHOD)
                .await
        },
    )
}

/// Every method on `/`, the path a landing page or an index of the API would take.
fn root() -> Case {
    every_method("root".into(), "/".into())
}

/// GET, HEAD, POST and OPTIONS on [`UNKNOWN_PATHS`], and GET on a child of the probe endpoint:
/// a 404 there would tell which paths exist.
fn unknown_paths() -> Case {
    refused_before_routing("unknown_paths".into(), |ctx| {
        let mut v: Vec<Request> = UNKNOWN_PATHS
            .iter()
            .flat_map(|p| {
                [
                    Request::get(*p),
                    Request::new("HEAD", *p),
                    Request::new("POST", *p),
                    Request::new("OPTIONS", *p),
                ]
            })
            .collect();
        let e = ctx.probe_endpoint();
        v.push(Request::get(format!(
            "{}/conformance-unknown-child",
            e.path()
        )));
        v
    })
}

/// GET, HEAD and OPTIONS on an operational path, the ones a health check or a scraper uses.
fn operational_path(path: &'static str) -> Case {
    refused_before_routing(format!("operational_path_{}", path_slug(path)), move |_| {
        vec![
            Request::get(path),
            Request::new("HEAD", path),
            Request::new("OPTIONS", path),
        ]
    })
}

/// A ROUTE-1 case crossing the method axis on `path` ([`METHOD_CROSSING`]).
fn every_method(what: String, path: String) -> Case {
    Case::new(Clause::Route1, what, move |ctx: Check| async move {
        let site = Site::of(&ctx, "GET", &path);
        space::singles(Axis::Method, &site)
            .expect(&ctx, EXPECT_ANY_METHOD)
            .await
    })
}

/// A ROUTE-1 case: the probes go without a key; standard methods must get 401, extension
/// methods 401 or 400.
fn refused_before_routing(
    what: String,
    probes: impl FnOnce(&Context) -> Vec<Request> + Send + 'static,
) -> Case {
    Case::new(Clause::Route1, what, move |ctx: Check| async move {
        let probes = probes(&ctx);
        // An extension method the HTTP layer cannot parse may get 400 there, on every path
        // alike (Node's parser does): that routes nothing and tells nothing.
        let (standard, extension): (Vec<Request>, Vec<Request>) = probes
            .into_iter()
            .partition(|r| STANDARD_METHODS.contains(&r.method.as_str()));
        let mut evidence = ctx
            .expect_each(standard, EXPECT_STANDARD_METHOD, rejected)
            .await?;
        if !extension.is_empty() {
            let more = ctx
                .expect_each(extension, EXPECT_EXTENSION_METHOD, rejected_or_400)
                .await?;
            evidence.0.extend(more.0);
        }
        Ok(evidence)
    })
}

/// ROUTE-1's sweep: path variants (ROUTE-2's probes) answered 404, 405 or anything else but
/// 401 or 400 before authentication.
pub fn variant_sweep() -> Case {
    Case::sweep(
        Clause::Route1,
        "no_404_or_405_for_path_variants",
        "every path variant ROUTE-2 sent without a key got 401 (or 400), not 404 or 405",
    )
}
