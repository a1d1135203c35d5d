//! > **ERR-3** Failures are indistinguishable: status, `error.type`, `error.code` and
//! > `error.message` are the same for every cause — missing, empty, malformed, wrong scheme, wrong
//! > prefix, truncated, extended, unrecognized, revoked. No finer-grained signal: no different
//! > message or status (403, 400) for a revoked key, no `code` — and none in how the answer is
//! > given: among causes that present a credential, the status line (reason phrase included), the
//! > headers and the body's text are the same once values that change on every response are set
//! > aside (`Date`, a request id, a timestamp, hop-by-hop fields such as `Connection`), and the
//! > median time to answer does not differ by more than 100 ms. (A `WWW-Authenticate` that says
//! > only whether a credential was presented at all, as RFC 6750 suggests, is allowed: the client
//! > knows that already.)
//!
//! One case per cause but the baseline, an unrecognized key: the baseline is sent twice (what
//! differs between those two is noise), then the cause; status, the three `error` members and,
//! for a credential, the headers and body must match the baseline's.

use super::causes::{case_per_cause, Cause, CAUSES, UNRECOGNIZED_KEY};
use super::three_responses;
use crate::cases::{Case, Check};
use crate::judge::{differences, CaseResult, Evidence};
use crate::spec::Clause;
use crate::wire::{Request, Response};

/// `<cause>_like_unrecognized_key`, one per cause but the baseline, in the table's order.
pub fn cases() -> Vec<Case> {
    let others = CAUSES
        .into_iter()
        .filter(|c| c.name != UNRECOGNIZED_KEY.name);
    case_per_cause(
        Clause::Err3,
        others,
        |cause| format!("{cause}_like_unrecognized_key"),
        |ctx, cause| async move { indistinguishable(&ctx, cause).await },
    )
}

/// `error.type`, `error.code`, `error.message` of a body, for the comparison.
fn error_members(response: &Response) -> [String; 3] {
    let json = response.json();
    let member = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get("error"))
            .and_then(|e| e.get(name))
            .map_or_else(|| "absent".to_owned(), |v| v.to_string())
    };
    [member("type"), member("code"), member("message")]
}

/// Sends the baseline twice, then `cause`'s request; the last answer must be the baseline's.
async fn indistinguishable(ctx: &Check, cause: Cause) -> CaseResult {
    let baseline = UNRECOGNIZED_KEY.request(ctx)?;
    let request = cause.request(ctx)?;
    let probes = [baseline.clone(), baseline, request];
    let replies = ctx.client.send_all(&probes).await;
    let expected = "the same answer as an unrecognized key: status, error.type, error.code, error.message, and no other signal";
    let Some([a1, a2, b]) = three_responses(&replies) else {
        let details = probes
            .iter()
            .zip(&replies)
            .map(|(p, r)| {
                format!(
                    "{}: {}",
                    p.describe(&ctx.base_path).replace('\n', " "),
                    r.describe()
                )
            })
            .collect();
        return Err(ctx.fail_with(
            "no complete response to compare",
            &probes[2],
            &replies[2],
            expected,
            details,
        ));
    };
    if (200..300).contains(&b.status) {
        return Ok(Evidence::line(format!(
            "{cause}: accepted ({}); the clause of that cause reports it",
            b.status
        )));
    }
    if (200..300).contains(&a1.status) || (200..300).contains(&a2.status) {
        return Ok(Evidence::line(format!(
            "an unrecognized key was accepted ({}): KEY-2 reports it; nothing to compare {cause} with",
            a1.status
        )));
    }
    if let Some(passed_on) = cause.left_to_route_1(b.status) {
        return Ok(passed_on);
    }
    let mut diffs = Vec::new();
    if a1.status != b.status {
        diffs.push(format!(
            "status: {} for an unrecognized key, {} for {cause}",
            a1.status, b.status
        ));
    }
    for (name, (x, y)) in ["error.type", "error.code", "error.message"]
        .iter()
        .zip(error_members(a1).into_iter().zip(error_members(b)))
    {
        if x != y {
            diffs.push(format!(
                "{name}: {x} for an unrecognized key, {y} for {cause}"
            ));
        }
    }
    // RFC 6750 §3.1 lets a challenge name `error="invalid_token"` only when a token was sent.
    // Another path or method is not a cause of failure: there only the four members count.
    let by_route = cause.by_route();
    let echoes: Vec<Vec<u8>> = probes.iter().flat_map(Request::credentials).collect();
    for d in differences(a1, a2, b, &["www-authenticate"], &echoes) {
        if !by_route && !d.starts_with("status") && !d.starts_with("body /error/") {
            diffs.push(format!("{d} (unrecognized key vs {cause})"));
        }
    }
    if diffs.is_empty() {
        return Ok(Evidence::line(format!(
            "{cause}: answered like an unrecognized key ({})",
            b.status
        )));
    }
    Err(ctx.fail_with(
        format!("the failure for {cause} can be told apart from an unrecognized key"),
        &probes[2],
        &replies[2],
        expected,
        diffs,
    ))
}
