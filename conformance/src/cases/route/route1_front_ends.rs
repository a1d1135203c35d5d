//! > **ROUTE-1** There are no unauthenticated routes. Every request without a valid key gets the
//! > envelope: every documented endpoint, every method (HEAD and OPTIONS included), unknown
//! > paths, `/`, and operational paths […]. Authentication is decided before routing […].
//!
//! The request forms front ends treat specially, all without a key, on the probe endpoint's
//! path: real bypasses live here — a proxy or framework that treats a request as "internal" or
//! "public" by its protocol version, an upgrade, its `Host`, a forwarding field that claims
//! loopback, a field that rewrites the URL or overrides the method, a preflight, a cached or
//! conditional request, its framing. Then the axes crossed pairwise, on the probe endpoint and
//! on an unknown path.
//!
//! Crosses (`space/`): the front-end axis and the protocol axis, a case per class of values
//! (`ROUTE-1::host_variants`, `ROUTE-1::expect_fields`, …; the CORS preflights are
//! `route1_no_open_routes.rs`'s, per path); the target-form axis's other forms; the method and
//! query axes for the method overrides; and every axis pairwise. Each value goes over each
//! protocol the target speaks where it exists there (HTTP/1.0, `Host` and `Upgrade` are
//! HTTP/1.1 notions). Each request must get the envelope, or a refusal that reaches no handler
//! where a value's own grammar allows one (a version refused with 505, a host it does not serve
//! with 421, a malformed form with 400).

use super::axis_case;
use crate::cases::{Case, Check, Context};
use crate::space::{self, Axis, Crossing, Probes, Site};
use crate::spec::Clause;

/// What ROUTE-1 requires of the front-end, protocol and target-form axes, alone and pairwise.
pub const CROSSING: Crossing = Crossing {
    clause: Clause::Route1,
    axes: &[
        Axis::Method,
        Axis::Path,
        Axis::Query,
        Axis::TargetForm,
        Axis::FrontEnd,
        Axis::Protocol,
    ],
    holds: "whatever fields, version, upgrade or target form a request carries, without a valid key it gets the envelope (or a refusal that reaches no handler where the value's grammar allows one)",
};

/// What every request of these cases must get.
const EXPECTED: &str = "401 (the envelope), or a refusal that reaches no handler where the request's own form allows one (400 for a malformed form, 421 or 404 for a host the server does not serve, 426 or 505 for a version, 417 for an unknown expectation, a closed connection): never routed without a key";

/// Classes with their own case name (the names the manifest has kept); every other class of
/// the front-end axis is `ROUTE-1::<class>_fields`.
const NAMED: [(Axis, &str, &str); 7] = [
    (Axis::FrontEnd, "Host", "host_variants"),
    (
        Axis::FrontEnd,
        "forwarding",
        "forwarding_headers_claiming_inside",
    ),
    (Axis::FrontEnd, "URL rewrite", "url_rewrite_headers"),
    (
        Axis::FrontEnd,
        "URL rewrite to the documented path",
        "url_rewrite_headers",
    ),
    (Axis::Protocol, "other version", "other_http_versions"),
    (Axis::Protocol, "Upgrade", "upgrade_requests"),
    (Axis::Protocol, "WebSocket", "upgrade_requests"),
];

/// Front-end classes crossed elsewhere: the method overrides below, the CORS preflights per
/// path in `route1_no_open_routes.rs`.
const ELSEWHERE: [&str; 2] = ["method override", "CORS preflight"];

/// Requests at most in each pairwise case: about the product of the two largest class counts,
/// which covers every pair of classes (the run's evidence says how many pairs it covered).
const PAIRWISE_BUDGET: usize = 260;

/// The ROUTE-1 front-end cases, in manifest order.
pub fn cases() -> Vec<Case> {
    let mut all = vec![axis_case(
        Clause::Route1,
        "http_1_0_requests".into(),
        EXPECTED,
        |ctx| {
            // HTTP/1.0 with each safe method: a front end that only authenticates HTTP/1.1,
            // or routes 1.0 to a default back end, lets it through.
            let mut probes = Probes::default();
            for method in ["GET", "HEAD", "OPTIONS"] {
                let site = Site::of(ctx, method, &documented(ctx));
                probes.extend(space::singles_of_class(Axis::Protocol, "HTTP/1.0", &site));
            }
            probes
        },
    )];
    let mut named: Vec<&str> = Vec::new();
    for (axis, _, name) in NAMED {
        if named.contains(&name) {
            continue;
        }
        named.push(name);
        let classes: Vec<&'static str> = NAMED
            .iter()
            .filter(|(_, _, n)| *n == name)
            .map(|(_, c, _)| *c)
            .collect();
        all.push(classes_case(axis, classes, name.to_owned()));
    }
    for class in space::classes(Axis::FrontEnd) {
        let taken = NAMED
            .iter()
            .any(|(a, c, _)| *a == Axis::FrontEnd && *c == class);
        if !taken && !ELSEWHERE.contains(&class) {
            let name = format!("{}_fields", space::snake(class));
            all.push(classes_case(Axis::FrontEnd, vec![class], name));
        }
    }
    all.push(axis_case(
        Clause::Route1,
        "method_override_headers".into(),
        EXPECTED,
        |ctx| {
            // On a GET and on a POST (the method an override usually rides on): as a field,
            // and as `_method=` in the query.
            let path = documented(ctx);
            let mut probes = Probes::default();
            for method in ["GET", "POST"] {
                let site = Site::of(ctx, method, &path);
                probes.extend(space::singles_of_class(
                    Axis::FrontEnd,
                    "method override",
                    &site,
                ));
            }
            let post = Site::of(ctx, "POST", &path);
            probes.extend(space::singles_of_class(
                Axis::Query,
                "method override",
                &post,
            ));
            probes
        },
    ));
    all.push(axis_case(
        Clause::Route1,
        "request_target_forms".into(),
        EXPECTED,
        |ctx| {
            let site = Site::of(ctx, "GET", &documented(ctx));
            let mut probes = Probes::default();
            for class in space::classes(Axis::TargetForm) {
                // The absolute form of the documented target is ROUTE-2's.
                if class != "absolute-form" {
                    probes.extend(space::singles_of_class(Axis::TargetForm, class, &site));
                }
            }
            probes
        },
    ));
    all.push(pairwise("pairwise_on_a_documented_path", documented));
    all.push(pairwise("pairwise_on_an_unknown_path", |_| {
        "/v1/conformance-unknown".into()
    }));
    all
}

/// A documented path without path parameters (the probe endpoint's).
fn documented(ctx: &Context) -> String {
    ctx.probe_endpoint().path()
}

/// The values of `classes` of `axis`, alone, on the documented path with GET.
fn classes_case(axis: Axis, classes: Vec<&'static str>, name: String) -> Case {
    axis_case(Clause::Route1, name, EXPECTED, move |ctx| {
        let site = Site::of(ctx, "GET", &documented(ctx));
        let mut probes = Probes::default();
        for class in classes {
            probes.extend(space::singles_of_class(axis, class, &site));
        }
        probes
    })
}

/// Every axis of [`CROSSING`] pairwise on `path` with GET, within [`PAIRWISE_BUDGET`]; the
/// evidence says how many pairs of classes the requests covered.
fn pairwise(name: &str, path: fn(&Context) -> String) -> Case {
    Case::new(Clause::Route1, name, move |ctx: Check| async move {
        let site = Site::of(&ctx, "GET", &path(&ctx));
        let (probes, cover) = space::pairwise(CROSSING.axes, &site, PAIRWISE_BUDGET);
        let evidence = probes.expect_interactions(&ctx, &site, EXPECTED).await?;
        Ok(evidence.and(format!(
            "pairwise over {} axes: {} of {} pairs of value classes covered, in {} combinations",
            CROSSING.axes.len(),
            cover.covered,
            cover.pairs,
            cover.rows
        )))
    })
}
