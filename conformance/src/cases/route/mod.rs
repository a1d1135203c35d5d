//! ROUTE-1, ROUTE-2: coverage. Without a key, every documented path under every method (HEAD,
//! OPTIONS, TRACE and undocumented ones included), unknown paths, `/`, operational paths and
//! variants of each documented path get 401 — never a 404 or 405 that tells what exists.

use super::{rejected, rejected_or_400, Case, Check, Context};
use crate::spec::Clause;
use crate::target::endpoints::{concrete_path, distinct_paths, path_slug};
use crate::target::Endpoint;
use crate::wire::Request;

/// Methods probed on every path: the documented ones, the ones nobody documents, and
/// extension methods.
pub const METHODS: [&str; 12] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "SEARCH",
    "QUERY", "FOO",
];

/// Operational paths deployments tend to leave open.
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

fn every_method(path: &str) -> Vec<Request> {
    METHODS.iter().map(|m| Request::new(m, path)).collect()
}

fn no_key(
    clause: Clause,
    what: String,
    probes: impl FnOnce(&Context) -> Vec<Request> + Send + 'static,
) -> Case {
    Case::new(clause, what, move |ctx: Check| async move {
        let probes = probes(&ctx);
        if clause == Clause::Route2 {
            // A path variant refused by the HTTP layer reaches no handler either.
            return ctx.expect_each(probes, "401 (the envelope), or 400: no path variant reaches a handler without a valid key", rejected_or_400).await;
        }
        // An extension method the HTTP layer cannot parse may get 400 there, on every path
        // alike (Node's parser does): that routes nothing and tells nothing.
        let (standard, extension): (Vec<Request>, Vec<Request>) = probes
            .into_iter()
            .partition(|r| STANDARD_METHODS.contains(&r.method.as_str()));
        let mut evidence = ctx
            .expect_each(
                standard,
                "401 (the envelope): no request without a valid key is routed",
                rejected,
            )
            .await?;
        if !extension.is_empty() {
            let more = ctx
                    .expect_each(extension,
                        "401 (the envelope), or 400 from an HTTP layer that does not parse this extension method",
                        rejected_or_400,
                    )
                    .await?;
            evidence.0.extend(more.0);
        }
        Ok(evidence)
    })
}

/// The methods of RFC 9110 and RFC 5789 (PATCH): always the envelope. Others (PROPFIND,
/// QUERY, FOO) may be refused by the HTTP layer with 400.
const STANDARD_METHODS: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
];

/// A variant of a documented path: (name, how to derive it).
type Variant = (&'static str, fn(&str) -> Vec<String>);

const VARIANTS: [Variant; 11] = [
    ("trailing_slash", |p| vec![format!("{p}/")]),
    ("doubled_slash", |p| {
        vec![
            p.replacen('/', "//", 1),
            p.replace('/', "//"),
            format!("/{p}"),
        ]
    }),
    ("case_changed", |p| {
        vec![p.to_ascii_uppercase(), capitalize_last(p)]
    }),
    ("percent_encoded_char", |p| {
        vec![
            percent_encode_first_letter(p),
            percent_encode_last_letter(p),
        ]
    }),
    ("dot_segment", |p| {
        vec![
            insert_segment(p, "."),
            insert_segment(p, "x/.."),
            format!("/.{p}"),
        ]
    }),
    ("encoded_dot_segment", |p| {
        vec![insert_segment(p, "%2e"), insert_segment(p, "x/%2e%2e")]
    }),
    ("semicolon_params", |p| {
        vec![
            format!("{p};"),
            format!("{p};jsessionid=0"),
            insert_param(p),
        ]
    }),
    ("query_string", |p| {
        vec![
            format!("{p}?"),
            format!("{p}?x=1"),
            format!("{p}?public=true"),
        ]
    }),
    ("trailing_dot_or_suffix", |p| {
        vec![format!("{p}."), format!("{p}.json"), format!("{p}%20")]
    }),
    ("percent_encoded_slash", |p| {
        vec![
            format!("/{}", p[1..].replace('/', "%2F")),
            format!("/{}", p[1..].replace('/', "%2f")),
        ]
    }),
    ("trailing_slash_and_query", |p| {
        vec![format!("{p}/?x=1"), format!("{p}//")]
    }),
];

fn capitalize_last(p: &str) -> String {
    match p.rfind('/') {
        Some(i) if i + 1 < p.len() => format!(
            "{}{}{}",
            &p[..=i],
            p[i + 1..i + 2].to_ascii_uppercase(),
            &p[i + 2..]
        ),
        _ => p.to_ascii_uppercase(),
    }
}

fn percent_encode_first_letter(p: &str) -> String {
    match p.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, c)) => format!("{}%{:02X}{}", &p[..i], c as u32, &p[i + 1..]),
        None => p.to_owned(),
    }
}

fn percent_encode_last_letter(p: &str) -> String {
    match p
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_alphabetic())
    {
        Some((i, c)) => format!("{}%{:02x}{}", &p[..i], c as u32, &p[i + 1..]),
        None => p.to_owned(),
    }
}

fn insert_segment(p: &str, segment: &str) -> String {
    match p.rfind('/') {
        Some(i) => format!("{}/{segment}{}", &p[..i], &p[i..]),
        None => p.to_owned(),
    }
}

fn insert_param(p: &str) -> String {
    match p[1..].find('/') {
        Some(i) => format!("{};x=1{}", &p[..=i], &p[i + 1..]),
        None => format!("{p};x=1"),
    }
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

/// Every case of the ROUTE family, for these endpoints.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    let mut all = Vec::new();
    for template in distinct_paths(endpoints) {
        let path = concrete_path(&template);
        all.push(no_key(
            Clause::Route1,
            format!("every_method_on_{}", path_slug(&template)),
            move |_| every_method(&path),
        ));
    }
    for template in distinct_paths(endpoints) {
        let path = concrete_path(&template);
        all.push(no_key(
            Clause::Route1,
            format!("cors_preflight_on_{}", path_slug(&template)),
            move |_| {
                vec![Request::new("OPTIONS", path.as_str())
                    .field("Origin", "https://example.invalid")
                    .field("Access-Control-Request-Method", "GET")
                    .field("Access-Control-Request-Headers", "authorization")]
            },
        ));
    }
    all.push(no_key(Clause::Route1, "root".into(), |_| every_method("/")));
    all.push(no_key(Clause::Route1, "unknown_paths".into(), |ctx| {
        let mut v: Vec<Request> = [
            "/v1/conformance-unknown",
            "/v2/account",
            "/nonexistent",
            "/v1",
            "/api",
            "/admin",
            "/v1/keys",
            "/index.html",
        ]
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
    }));
    for path in OPERATIONAL_PATHS {
        all.push(no_key(
            Clause::Route1,
            format!("operational_path_{}", path_slug(path)),
            move |_| {
                vec![
                    Request::get(path),
                    Request::new("HEAD", path),
                    Request::new("OPTIONS", path),
                ]
            },
        ));
    }
    for (name, derive) in VARIANTS {
        let endpoints = endpoints.to_vec();
        all.push(no_key(Clause::Route2, name.into(), move |_| {
            let mut probes = Vec::new();
            for e in &endpoints {
                for variant in derive(&e.path()) {
                    if variant != e.path() {
                        probes.push(Request::new(&e.method, variant).exact());
                    }
                }
            }
            probes
        }));
    }
    all.push(Case::new(
        Clause::Route2,
        "absolute_form_target",
        |ctx| async move {
            let e = ctx.probe_endpoint();
            let mut request = Request::new(
                &e.method,
                format!("https://{}{}", ctx.authority, ctx.full_path(&e.path())),
            )
            .exact();
            request.absolute = true;
            ctx.expect_each(vec![request], "401 (the envelope), or 400", rejected_or_400)
                .await
        },
    ));
    all
}
