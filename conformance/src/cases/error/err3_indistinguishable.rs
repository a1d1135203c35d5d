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
use std::time::Duration;

use crate::judge::{differences, CaseResult, Evidence, Finding, Stop};
use crate::spec::Clause;
use crate::wire::{Reply, Request, Response};

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

/// Requests of each kind for the time comparison, sent one after the other, alternating.
const TIMING_SAMPLES: usize = 7;
/// The largest difference of median times to answer ERR-3 allows.
const TIMING_LIMIT: Duration = Duration::from_millis(100);

/// ERR-3's time to answer: the baseline and the cause alternately, one at a time, seven of
/// each; their median times to answer may differ by 100 ms at most (a key looked up in a slow
/// store only when it exists, a revoked key checked against a second list, tell themselves).
async fn time_to_answer(
    ctx: &Check,
    cause: Cause,
    baseline: &Request,
    request: &Request,
) -> Result<String, Stop> {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..TIMING_SAMPLES {
        for (probe, times) in [(baseline, &mut a), (request, &mut b)] {
            match ctx.client.send(probe).await {
                Reply::Response(r) => times.push(r.elapsed),
                // A reset or a hang here is not a time: the comparison above saw the answers.
                other => {
                    return Ok(format!(
                        "time to answer not compared: {}",
                        other.describe()
                    ))
                }
            }
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort_unstable();
        v[v.len() / 2]
    };
    let (ma, mb) = (median(&mut a), median(&mut b));
    let shown = format!(
        "median time to answer: {:.1} ms for an unrecognized key, {:.1} ms for {cause} ({TIMING_SAMPLES} each)",
        ma.as_secs_f64() * 1e3,
        mb.as_secs_f64() * 1e3
    );
    if ma.abs_diff(mb) <= TIMING_LIMIT {
        return Ok(shown);
    }
    let mut failure = ctx.fail(format!(
        "the failure for {cause} can be told apart from an unrecognized key by the time it takes"
    ));
    failure.findings.push(Finding {
        request: request.describe(&ctx.base_path),
        expected: "a median time to answer within 100 ms of an unrecognized key's".into(),
        actual: shown,
        details: vec![format!(
            "times (ms), unrecognized key: {:?}; {cause}: {:?}",
            a.iter().map(|d| d.as_millis()).collect::<Vec<_>>(),
            b.iter().map(|d| d.as_millis()).collect::<Vec<_>>()
        )],
        exchange: None,
    });
    failure.observed = true;
    Err(failure.into())
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
        let answered = format!("{cause}: answered like an unrecognized key ({})", b.status);
        if by_route || !cause.presents_credential() {
            return Ok(Evidence::line(answered));
        }
        return time_to_answer(ctx, cause, &probes[0], &probes[2])
            .await
            .map(|timing| Evidence::line(answered).and(timing));
    }
    Err(ctx.fail_with(
        format!("the failure for {cause} can be told apart from an unrecognized key"),
        &probes[2],
        &replies[2],
        expected,
        diffs,
    ))
}
