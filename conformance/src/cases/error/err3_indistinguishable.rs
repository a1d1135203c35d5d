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
//! differs between those two is noise), then the cause, on every protocol the deployment speaks
//! over HTTP/1.1 too when HTTP/2 is offered, for the status line's reason phrase); on each,
//! status, the three `error` members and, but for an undocumented route, the reason phrase, every
//! header and the body's text must match the baseline's. `WWW-Authenticate` too: a cause that
//! presents a Bearer token must get the very challenge an unrecognized key gets; one that presents
//! none (no field, another scheme or channel, no space after `Bearer`) may get it less RFC 6750
//! §3.1's `error` attributes, and nothing else. Then, for a credential, the median time to answer,
//! on one protocol. A protocol where nothing could be compared (the cause accepted, an
//! unrecognized key accepted, a route refused before authentication) is not judged there; a
//! case where nothing could be compared on any protocol is not judged, never passed.

use std::time::Duration;

use super::causes::{case_per_cause, Cause, CAUSES, UNRECOGNIZED_KEY};
use super::three_responses;
use crate::cases::{Case, Check, Lane};
use crate::judge::{challenge_differences, differences, CaseResult, Evidence, Finding, Stop};
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

/// What one protocol's comparison came to.
enum Compared {
    /// Nothing for ERR-3 to compare: an answer another clause reports (why, R-11's reason).
    Unjudged(String),
    /// The cause's request cannot travel on this protocol.
    NotCarried,
    /// Answered like an unrecognized key, with this status.
    Alike(u16),
    /// Told apart: the finding, with what differs.
    Differs(Finding),
}

/// Sends the baseline twice, then `cause`'s request, on every protocol the target speaks; on
/// each, the last answer must be the baseline's. Then, for a credential, the time to answer.
async fn indistinguishable(ctx: &Check, cause: Cause) -> CaseResult {
    let baseline = UNRECOGNIZED_KEY.request(ctx)?;
    let request = cause.request(ctx)?;
    let probes = [baseline.clone(), baseline, request];
    let mut seen = Vec::new();
    let mut unjudged = Vec::new();
    let mut compared = false;
    let mut findings = Vec::new();
    for lane in ctx.on_each_protocol(&probes).await {
        let over = lane.protocol.as_str();
        let outcome = compare(ctx, cause, &lane)?;
        compared |= matches!(outcome, Compared::Alike(_) | Compared::Differs(_));
        match outcome {
            Compared::Unjudged(reason) => unjudged.push(format!("over {over}: {reason}")),
            Compared::NotCarried => seen.push(format!(
                "not compared over {over}: the request for {cause} cannot travel over it"
            )),
            Compared::Alike(status) => seen.push(format!(
                "over {over}: {cause} answered like an unrecognized key ({status})"
            )),
            // The same differences on another protocol: one finding that says so.
            Compared::Differs(finding) => {
                match findings
                    .iter_mut()
                    .find(|f: &&mut Finding| f.details == finding.details)
                {
                    Some(seen) => seen.details.push(format!("the same over {over}")),
                    None => findings.push(finding),
                }
            }
        }
    }
    if !findings.is_empty() {
        let mut failure = ctx.fail(format!(
            "the failure for {cause} can be told apart from an unrecognized key"
        ));
        failure.findings = findings;
        failure.observed = true;
        return Err(failure.into());
    }
    // a case with nothing compared on any protocol is not judged, never passed; one
    // compared on some is judged on those, and says which it could not judge.
    if !compared && !unjudged.is_empty() {
        return Err(Stop::not_judged(unjudged.join("; ")));
    }
    seen.extend(unjudged.into_iter().map(|u| format!("not judged {u}")));
    let evidence = Evidence(seen);
    if cause.by_route() || !cause.presents_credential() {
        return Ok(evidence);
    }
    // The time to answer, on one protocol: the one the other cases use.
    time_to_answer(ctx, cause, &probes[0], &probes[2])
        .await
        .map(|timing| evidence.and(timing))
}

/// The comparison on one protocol: the cause's answer against the baseline's two.
fn compare(ctx: &Check, cause: Cause, lane: &Lane) -> Result<Compared, Stop> {
    let expected = "the same answer as an unrecognized key: status line, every header (WWW-Authenticate may leave out RFC 6750's error attributes where no Bearer token was presented), the body's text";
    let Some(exchanges) = lane.complete() else {
        return Ok(Compared::NotCarried);
    };
    let replies: Vec<Reply> = exchanges.iter().map(|(_, r)| (*r).clone()).collect();
    let (request, reply) = exchanges[2];
    let Some([a1, a2, b]) = three_responses(&replies) else {
        let details = exchanges
            .iter()
            .map(|(p, r)| format!("{}: {}", ctx.show(p, r).replace('\n', " "), r.describe()))
            .collect();
        return Err(ctx.fail_with(
            "no complete response to compare",
            request,
            reply,
            expected,
            details,
        ));
    };
    if (200..300).contains(&b.status) {
        return Ok(Compared::Unjudged(format!(
            "{cause}: accepted ({}), so no refusal to compare (the clause of that cause reports it)",
            b.status
        )));
    }
    if (200..300).contains(&a1.status) || (200..300).contains(&a2.status) {
        return Ok(Compared::Unjudged(format!(
            "an unrecognized key was accepted ({}): KEY-2 reports it; nothing to compare {cause} with",
            a1.status
        )));
    }
    if let Some(reason) = cause.left_to_route_1(b.status) {
        return Ok(Compared::Unjudged(reason));
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
    // Another path or method is not a cause of failure: there only the four members count.
    if !cause.by_route() {
        let echoes: Vec<Vec<u8>> = exchanges
            .iter()
            .flat_map(|(p, _)| p.credentials())
            .collect();
        // RFC 6750 §3.1: a challenge may name `error="invalid_token"` only where a token was
        // presented; a Bearer token must get the very challenge an unrecognized key gets.
        let ignore: &[&str] = if cause.presents_bearer_token() {
            &[]
        } else {
            &["www-authenticate"]
        };
        let mut other = differences(a1, a2, b, ignore, &echoes);
        if !cause.presents_bearer_token() {
            other.extend(challenge_differences(a1, a2, b, &echoes));
        }
        for d in other {
            if !d.starts_with("status") && !d.starts_with("body /error/") {
                diffs.push(format!("{d} (unrecognized key vs {cause})"));
            }
        }
    }
    if diffs.is_empty() {
        return Ok(Compared::Alike(b.status));
    }
    Ok(Compared::Differs(ctx.finding(request, reply, expected, diffs)))
}
