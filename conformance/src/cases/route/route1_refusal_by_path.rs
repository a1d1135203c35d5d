//! > **ROUTE-1** […] Authentication is decided before routing, so an unauthenticated caller
//! > learns nothing about which paths or methods exist (no 404 or 405 before authentication).
//! > Nor through the refusal itself: the 401 for a documented path and for an unknown one carry
//! > the same headers (no `Allow`, `Link` or `Location` that differs by path), once values that
//! > change on every response are set aside.
//!
//! `ROUTE-1::refusal_headers_same_for_every_path`: without a key, each documented endpoint (its
//! method and path), an unknown path, `/`, `/health`, `/openapi.json` and a method a documented
//! path does not have, each sent twice, on every protocol the deployment speaks. The unknown
//! path's two refusals are the reference: what differs between them (a `Date`, a request id, in
//! a header or the body) is noise, as are hop-by-hop and framing fields. Every other 401 must
//! carry the reference's reason phrase, header fields (names and values) and body text; a
//! difference both copies of a request show is the finding, naming the field and the paths.
//!
//! The body counts as "the refusal itself" too: ERR-2 lets it carry extra members, but a member
//! that differs by path (the path echoed, a "no such route" hint) makes the refusal differ by
//! path, which is what ROUTE-1 forbids; it is not ERR-3's, whose causes are credentials sent to
//! one path. Answers other than 401 are the other ROUTE-1 cases' to report.

use std::collections::BTreeMap;

use crate::cases::{Case, Check, Lane};
use crate::judge::{differences, CaseResult, Evidence, Finding, Stop};
use crate::spec::Clause;
use crate::target::Endpoint;
use crate::wire::{Request, Response};

/// The path the reference refusal is asked for: documented by no deployment.
const UNKNOWN_PATH: &str = "/v1/conformance-unknown-path";

/// Paths a framework or a front end often serves itself (a health check, the schema): a
/// refusal there that differs says they exist.
const SERVED_BESIDE_THE_API: [&str; 2] = ["/health", "/openapi.json"];

/// Methods tried, in order, for one a documented path does not have (HEAD is not among them:
/// its answer has no body to compare).
const UNDOCUMENTED_METHODS: [&str; 5] = ["PATCH", "PUT", "DELETE", "POST", "GET"];

/// The one case of this file.
pub fn cases(endpoints: &[Endpoint]) -> Vec<Case> {
    let probes = probes(endpoints);
    vec![Case::new(
        Clause::Route1,
        "refusal_headers_same_for_every_path",
        move |ctx: Check| async move { same_refusal(&ctx, &probes).await },
    )]
}

/// The reference (the unknown path) first, then each documented endpoint, `/`, paths served
/// beside the API and a method a documented path does not have; none with a key.
fn probes(endpoints: &[Endpoint]) -> Vec<Request> {
    let mut all = vec![Request::get(UNKNOWN_PATH)];
    all.extend(endpoints.iter().map(|e| Request::new(&e.method, e.path())));
    all.push(Request::get("/"));
    all.extend(SERVED_BESIDE_THE_API.map(Request::get));
    let undocumented = endpoints.iter().find_map(|e| {
        let path = e.path();
        UNDOCUMENTED_METHODS
            .iter()
            .find(|m| {
                !endpoints
                    .iter()
                    .any(|d| d.path() == path && d.method == **m)
            })
            .map(|m| Request::new(m, path))
    });
    all.extend(undocumented);
    all
}

/// Sends each probe twice on every protocol; every 401 must be the reference's.
async fn same_refusal(ctx: &Check, probes: &[Request]) -> CaseResult {
    let twice: Vec<Request> = probes.iter().flat_map(|p| [p.clone(), p.clone()]).collect();
    let mut findings: Vec<Differing> = Vec::new();
    let mut evidence = Vec::new();
    for lane in ctx.on_each_protocol(&twice).await {
        match compare_lane(ctx, &lane) {
            Ok(line) => evidence.extend(line),
            Err(more) => {
                for differing in more {
                    // The same difference on another protocol: one finding that says so.
                    match findings.iter_mut().find(|d| {
                        d.request == differing.request
                            && d.finding.details == differing.finding.details
                    }) {
                        Some(seen) => seen
                            .finding
                            .details
                            .push(format!("the same over {}", lane.protocol.as_str())),
                        None => findings.push(differing),
                    }
                }
            }
        }
    }
    if findings.is_empty() {
        return if evidence.is_empty() {
            Err(Stop::Ignored(
                "not judged: no path got a 401 twice to compare with (ROUTE-1's other cases report what they got)".into(),
            ))
        } else {
            Ok(Evidence(evidence))
        };
    }
    let mut failure = ctx.fail(summary(&findings));
    failure.findings = findings.into_iter().map(|d| d.finding).collect();
    failure.observed = true;
    Err(failure.into())
}

/// A refusal that differs from the reference's.
struct Differing {
    /// What differs (`header allow`, `body /path`, `reason phrase`).
    subjects: Vec<String>,
    /// The request, as a failure shows it (without the protocol).
    request: String,
    /// The finding.
    finding: Finding,
}

/// One lane's refusals against its reference: the evidence line (none when no path got a 401
/// twice), or one [`Differing`] per request whose refusal differs (with what differs, as
/// [`differences`] words it).
fn compare_lane(ctx: &Check, lane: &Lane) -> Result<Option<String>, Vec<Differing>> {
    let over = lane.protocol.as_str();
    // (request, its two answers) for each probe both of whose copies got a 401.
    let refused: Vec<(&Request, &crate::wire::Reply, [&Response; 2])> = lane
        .exchanges
        .chunks(2)
        .filter_map(|pair| match pair {
            [Some((r, x1)), Some((_, x2))] => {
                let (a, b) = (x1.response()?, x2.response()?);
                (a.status == 401 && b.status == 401).then_some((r, x1, [a, b]))
            }
            _ => None,
        })
        .collect();
    let Some(((reference, _, [a1, a2]), others)) = refused.split_first() else {
        return Ok(None);
    };
    let shown = |r: &Request| r.describe(&ctx.base_path);
    let mut findings = Vec::new();
    for (request, reply, [b1, b2]) in others {
        // A difference counts when both copies show it: one that comes and goes is noise.
        let first = differences(a1, a2, b1, &[], &[]);
        let signals: Vec<String> = differences(a1, a2, b2, &[], &[])
            .into_iter()
            .filter(|d| first.contains(d))
            .collect();
        if signals.is_empty() {
            continue;
        }
        let subjects = signals.iter().map(|d| subject(d).to_owned()).collect();
        let details = signals
            .iter()
            .map(|d| format!("{d} ({} vs {})", shown(reference), shown(request)))
            .collect();
        let expected = format!(
            "the refusal {} gets, but for what changes on every response",
            shown(reference)
        );
        findings.push(Differing {
            subjects,
            request: shown(request),
            finding: ctx.finding(request, reply, expected, details),
        });
    }
    if findings.is_empty() {
        return Ok(Some(format!(
            "over {over}: {} refusals, each twice, alike but for what changes on every response (reference: {})",
            refused.len(),
            shown(reference)
        )));
    }
    Err(findings)
}

/// `header allow` of `header allow: absent vs "GET"`; `body /path`; `reason phrase`.
fn subject(difference: &str) -> &str {
    if difference.starts_with("reason phrase") {
        return "reason phrase";
    }
    difference.split(':').next().unwrap_or(difference)
}

/// One line naming each field that differs and the requests whose refusal carries it.
fn summary(findings: &[Differing]) -> String {
    let mut by_field: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for differing in findings {
        for field in &differing.subjects {
            let requests = by_field.entry(field).or_default();
            if !requests.contains(&differing.request.as_str()) {
                requests.push(&differing.request);
            }
        }
    }
    let parts: Vec<String> = by_field
        .into_iter()
        .map(|(field, requests)| format!("{field} on {}", requests.join(", ")))
        .collect();
    format!(
        "the refusal without a key differs by path, so it tells which paths and methods exist: {}",
        parts.join("; ")
    )
}
