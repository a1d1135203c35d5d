//! > **ERR-4** A HEAD request gets the same status and headers as GET, without a body.
//!
//! One case per cause the table marks for ERR-4: GET twice (what differs between those two is
//! noise), then HEAD on a fresh connection, over raw HTTP/1.1 and, for most causes, over
//! HTTP/2 too; HEAD must get GET's status and headers and no body. A HEAD routed before
//! authentication is ROUTE-1's to report.

use super::causes::{case_per_cause, Cause, Head, CAUSES};
use super::three_responses;
use crate::cases::{Case, Check};
use crate::judge::{differences, CaseResult, Evidence, Finding};
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
    for (get, head) in pairs {
        let replies = ctx.client.send_all(&[get.clone(), get, head.clone()]).await;
        let expected = "the GET answer's status and headers, without a body";
        let Some([g1, g2, h]) = three_responses(&replies) else {
            failure = failure.finding(Finding {
                request: ctx.show(&head, &replies[2]),
                expected: expected.into(),
                actual: replies[2].describe(),
                details: vec![format!("GET: {}", replies[0].describe())],
            });
            continue;
        };
        if g1.status == 401 && (h.status < 400 || matches!(h.status, 404 | 405 | 501)) {
            // HEAD routed before authentication, or let through: ROUTE-1's every_method cases
            // report it.
            seen.push(format!(
                "{}: HEAD answered {} before authentication (ROUTE-1 reports it)",
                h.protocol.as_str(),
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
            seen.push(format!(
                "{}: HEAD {} like GET",
                h.protocol.as_str(),
                h.status
            ));
        } else {
            failure = failure.finding(Finding {
                request: ctx.show(&head, &replies[2]),
                expected: format!("{expected}: GET got {}", g1.describe()),
                actual: h.describe(),
                details: diffs,
            });
        }
    }
    if failure.findings.is_empty() {
        Ok(Evidence::line(format!("{cause}: {}", seen.join("; "))))
    } else {
        Err(failure.into())
    }
}
