//! > **ERR-4** A HEAD request gets the same status and headers as GET, without a body.
//!
//! One case per cause the table marks for ERR-4: GET twice (what differs between those two is
//! noise), then HEAD on a fresh connection, over raw HTTP/1.1 and, for most causes, over
//! HTTP/2 too; HEAD must get GET's status and headers and no body.
//!
//! the comparison needs a refusal to compare. When GET was not answered with the
//! envelope's 401, or HEAD was routed before authentication (a 404, 405 or 501, or let
//! through), there is nothing ERR-4 can judge on that wire: the case is *not judged* (ignored,
//! its reason beginning `not judged:`), never passed, and ROUTE-1 (or ERR-1) reports the
//! refusal itself.

use super::causes::{case_per_cause, Cause, Head, CAUSES};
use super::three_responses;
use crate::cases::{Case, Check};
use crate::judge::{differences, CaseResult, Evidence, Stop};
use crate::spec::Clause;
use crate::wire::Wire;

/// `head_like_get_for_<cause>`: the causes checked over both wires, then the HTTP/1.1-only
/// ones, each group in the table's order.
pub fn cases() -> Vec<Case> {
    let over = |head| CAUSES.into_iter().filter(move |c| c.head == head);
    case_per_cause(
        Clause::Err4,
        over(Head::Http1AndH2).chain(over(Head::Http1Only)),
        |cause| format!("head_like_get_for_{cause}"),
        |ctx, cause| async move { head_like_get(&ctx, cause).await },
    )
}

/// Sends GET, GET, HEAD for `cause` on each wire it is checked over; HEAD must answer like
/// GET, without a body.
async fn head_like_get(ctx: &Check, cause: Cause) -> CaseResult {
    let get = cause.request(ctx)?.exact().with_method("GET");
    let mut head = get.clone().with_method("HEAD");
    head.fresh_connection = true;
    let mut pairs = vec![(get.clone(), head)];
    if ctx.client.speaks_h2() && cause.head == Head::Http1AndH2 {
        let mut get2 = get.clone();
        get2.wire = Wire::Any;
        let head2 = get2.clone().with_method("HEAD");
        pairs.push((get2, head2));
    }
    let mut failure = ctx.fail(format!("HEAD is not answered like GET for {cause}"));
    let mut seen = Vec::new();
    let mut unjudged = Vec::new();
    for (get, head) in pairs {
        let replies = ctx.client.send_all(&[get.clone(), get, head.clone()]).await;
        let expected = "the GET answer's status and headers, without a body";
        let Some([g1, g2, h]) = three_responses(&replies) else {
            let details = vec![format!("GET: {}", replies[0].describe())];
            failure = failure.finding(ctx.finding(&head, &replies[2], expected, details));
            continue;
        };
        let wire = h.protocol.as_str();
        if g1.status != 401 {
            unjudged.push(format!(
                "{wire}: GET was answered {} before any comparison, not with the 401 envelope, so there was no refusal to compare HEAD with (ROUTE-1 or ERR-1 reports it)",
                g1.status
            ));
            continue;
        }
        if h.status < 400 || matches!(h.status, 404 | 405 | 501) {
            unjudged.push(format!(
                "{wire}: HEAD was answered {} while GET got the 401: HEAD was routed before authentication, so it could not be compared with GET (ROUTE-1 reports it)",
                h.status
            ));
            continue;
        }
        let mut diffs: Vec<String> = differences(g1, g2, h, &[], &head.credentials())
            .into_iter()
            .filter(|d| !d.starts_with("body"))
            .map(|d| format!("{d} (GET vs HEAD)"))
            .collect();
        if !h.body.is_empty() {
            diffs.push(format!(
                "the HEAD response carried a body of {} bytes",
                h.body.len()
            ));
        }
        if diffs.is_empty() {
            seen.push(format!("{wire}: HEAD {} like GET", h.status));
        } else {
            let expected = format!("{expected}: GET got {}", g1.describe());
            failure = failure.finding(ctx.finding(&head, &replies[2], expected, diffs));
        }
    }
    if !failure.findings.is_empty() {
        return Err(failure.into());
    }
    if seen.is_empty() && !unjudged.is_empty() {
        return Err(Stop::not_judged(format!("{cause}: {}", unjudged.join("; "))));
    }
    let mut evidence = Evidence::line(format!("{cause}: {}", seen.join("; ")));
    for line in unjudged {
        evidence = evidence.and(format!("{cause}, not judged over {line}"));
    }
    Ok(evidence)
}
