//! > **ERR-2** … Content negotiation does not change a refusal: whatever `Accept` (`text/html`
//! > as a browser sends it, `application/xml`, `*/*`), `Accept-Language` or `Accept-Encoding`
//! > the request carries, the answer is this 401 JSON envelope (not an HTML page, a login
//! > redirect, a 406 or another format); a compressed body is allowed only with a matching
//! > `Content-Encoding`.
//!
//! The negotiation axes of the request space (`space/negotiation.rs`: `Accept`,
//! `Accept-Encoding`, `Accept-Language`, `Accept-Charset`), crossed with three causes of
//! refusal (no key, an unknown key, a malformed value) over every protocol the target speaks:
//! each value alone with each cause (one case per field), then the four fields pairwise (a
//! combination that fails because one of its values fails alone is that value's finding).
//! Every answer must be 401 with the envelope, its body decoded by its `Content-Encoding`
//! first; a status the cause gets without negotiation too is ERR-1's, not the negotiation's.

use super::causes::{Cause, CAUSES, UNRECOGNIZED_KEY};
use crate::cases::interactions::{expect_interactions, Combination};
use crate::cases::{Case, Check};
use crate::judge::{content_type_problem, CaseResult};
use crate::space::negotiation::AXES;
use crate::space::{cover, Crossing, Site, Value};
use crate::spec::Clause;
use crate::wire::{Protocol, Reply, Request};

/// ERR-2 over the negotiation axes.
pub const NEGOTIATION_CROSSING: Crossing = Crossing {
    clause: Clause::Err2,
    axes: &AXES,
    holds: "a refusal is the 401 JSON envelope whatever the request negotiates (no HTML, no 406, no other format; compressed only with a matching Content-Encoding)",
};

/// What every probe must get.
const EXPECTED: &str = "the 401 envelope as application/json, whatever the Accept fields say (a compressed body only with a matching Content-Encoding)";

/// Rows of the pairwise combination of the four fields at most.
const PAIRWISE_BUDGET: usize = 40;

/// The causes crossed: no credential, a credential never issued, a malformed value.
fn causes() -> [Cause; 3] {
    let named = |name: &str| {
        *CAUSES
            .iter()
            .find(|c| c.name == name)
            .expect("the cause is in the table")
    };
    [named("missing_header"), UNRECOGNIZED_KEY, named("malformed_value")]
}

/// `ERR-2::negotiation_<field>` for each field alone, then `ERR-2::negotiation_pairs`.
pub fn cases() -> Vec<Case> {
    let mut cases: Vec<Case> = AXES
        .iter()
        .map(|&axis| {
            let name = format!("negotiation_{}", axis.id().replace('-', "_"));
            Case::new(Clause::Err2, name, move |ctx: Check| async move {
                let rows: Vec<Vec<Value>> = axis.values().into_iter().map(|v| vec![v]).collect();
                refused_alike(&ctx, rows, true).await
            })
        })
        .collect();
    cases.push(Case::new(Clause::Err2, "negotiation_pairs", |ctx: Check| async move {
        let tables: Vec<Vec<Value>> = AXES.iter().map(|a| a.values()).collect();
        let (rows, covered) = cover(&tables, PAIRWISE_BUDGET);
        let rows: Vec<Vec<Value>> = rows
            .into_iter()
            .map(|row| row.into_iter().cloned().collect())
            .collect();
        refused_alike(&ctx, rows, false).await.map(|e| {
            e.and(format!(
                "{} of {} pairs of values of two fields covered in {} rows",
                covered.covered, covered.pairs, covered.rows
            ))
        })
    }));
    cases
}

/// Each row of negotiation values on the causes' requests — every cause when `every_cause`,
/// else the causes in turn — over every protocol; each answer must be the envelope. Rows of
/// several values are judged as interactions (`cases/interactions.rs`).
async fn refused_alike(ctx: &Check, rows: Vec<Vec<Value>>, every_cause: bool) -> CaseResult {
    let causes = causes();
    // Each cause as it is answered without negotiation, on every protocol: a status other than
    // 401 there is ERR-1's (or its cause's clause's), not the negotiation's doing.
    let mut bare = Vec::new();
    for cause in causes {
        let mut request = cause.request(ctx)?;
        request.tag(CAUSE_TAG, cause.name);
        bare.push(request);
    }
    let bare = ctx.client.on_every_wire(bare);
    let bare_replies = ctx.client.send_all(&bare).await;
    let baseline: Vec<(String, Protocol, u16)> = bare
        .iter()
        .zip(&bare_replies)
        .filter_map(|(request, reply)| {
            let response = reply.response()?;
            Some((cause_of(request)?, response.protocol, response.status))
        })
        .collect();
    let mut combinations = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let chosen: Vec<Cause> = if every_cause {
            causes.to_vec()
        } else {
            vec![causes[i % causes.len()]]
        };
        for cause in chosen {
            let mut base = cause.request(ctx)?;
            base.tag(CAUSE_TAG, cause.name);
            let site = Site::of(ctx, &base.method, "");
            let with = |values: &[&Value]| {
                values.iter().fold(base.clone(), |request, value| {
                    value.apply(request.clone(), &site).unwrap_or(request)
                })
            };
            combinations.push(Combination {
                request: with(&row.iter().collect::<Vec<_>>()),
                singles: row.iter().map(|v| with(&[v])).collect(),
            });
        }
    }
    let judge = |request: &Request, reply: &Reply| {
        let unchanged = |status: u16| {
            let cause = cause_of(request);
            baseline.iter().any(|(c, p, s)| {
                Some(c) == cause.as_ref()
                    && reply.response().is_some_and(|r| r.protocol == *p)
                    && *s == status
            })
        };
        envelope_whatever_negotiated(ctx, request, reply, unchanged)
    };
    if every_cause {
        let probes = combinations.into_iter().map(|c| c.request).collect();
        ctx.expect_every(probes, EXPECTED, judge).await
    } else {
        // Pairwise rows: a combination failing because one of its values fails alone is that
        // value's finding (its `negotiation_<field>` case reports it).
        expect_interactions(ctx, combinations, EXPECTED, judge).await
    }
}

/// The tag naming the cause a probe was built from.
const CAUSE_TAG: &str = "cause";

/// The cause a probe was built from (its [`CAUSE_TAG`]).
fn cause_of(request: &Request) -> Option<String> {
    request
        .axes
        .iter()
        .find(|t| t.axis == CAUSE_TAG)
        .map(|t| t.value.clone())
}

/// The 401 envelope, decoded by its `Content-Encoding`; otherwise what the negotiation fields
/// changed, named. A status the cause gets without negotiation too (`unchanged`) is not the
/// negotiation's doing: ERR-1 and the cause's clause judge it.
fn envelope_whatever_negotiated(
    ctx: &Check,
    request: &Request,
    reply: &Reply,
    unchanged: impl Fn(u16) -> bool,
) -> Result<(), String> {
    let negotiated: Vec<String> = request
        .axes
        .iter()
        .filter(|t| AXES.iter().any(|a| a.id() == t.axis))
        .map(|t| t.value.clone())
        .collect();
    let asked = format!("negotiated with {}", negotiated.join(", "));
    let Some(response) = reply.response() else {
        return Err(String::new());
    };
    match response.status {
        401 => {
            let mut problems = ctx.schema.body_errors(response);
            problems.extend(content_type_problem(response));
            if problems.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{}; {asked}: the refusal must stay the JSON envelope",
                    problems.join("; ")
                ))
            }
        }
        s if unchanged(s) => Ok(()),
        s if (200..300).contains(&s) => Err(format!("accepted without a valid key; {asked}")),
        s => Err(format!(
            "{s} instead of 401: {asked}, the refusal changed (ERR-2: content negotiation never changes a refusal)"
        )),
    }
}
