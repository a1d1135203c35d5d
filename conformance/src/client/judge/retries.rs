//! CLI-6 and CLI-7: a 401 is final, and retries of 429, 503 and resets are bounded, back off
//! and honour `Retry-After`.

use super::*;
use crate::client::journal::Seen;
use crate::client::program::Exit;
use crate::client::scenario::Script;
use crate::judge::{CaseResult, Evidence, Finding, Stop};
use crate::spec::Clause;

/// CLI-6: a 401 is final, and the error carries the envelope's message, never the key.
pub(super) fn cli6(o: &Outcome) -> CaseResult {
    let Some(stem) = o.stem() else {
        return Ok(Evidence::line("no key given"));
    };
    let with_key: Vec<&Seen> = o
        .public()
        .into_iter()
        .filter(|s| s.mentions(stem))
        .collect();
    if with_key.is_empty() {
        return Err(Stop::Inconclusive(format!(
            "{} (CLI-6 needs the 401 to be received)",
            o.no_request_reached()
        )));
    }
    if with_key.len() > 1 {
        // Expected and actual once; the requests listed under them.
        let statuses: Vec<String> = with_key.iter().map(|s| s.status.to_string()).collect();
        let finding = Finding {
            request: format!("{} requests with the same key", with_key.len()),
            expected: "one request: a 401 is final".into(),
            actual: format!(
                "{} requests, answered {}: the key sent again after the 401",
                with_key.len(),
                statuses.join(", ")
            ),
            details: with_key.iter().map(|s| s.describe()).collect(),
            exchange: None,
        };
        return Err(o
            .failure(
                Clause::Cli6,
                format!(
                    "the client resent the request after a 401: {} requests with the same key",
                    with_key.len()
                ),
            )
            .finding(finding)
            .into());
    }
    if o.ran.exit.success() {
        return Err(o
            .failure(
                Clause::Cli6,
                "the mock answered 401, but the program exited 0: the error must reach the caller",
            )
            .into());
    }
    let output = o.ran.output();
    if !output.contains(ENVELOPE_MESSAGE) {
        return Err(o
            .failure(
                Clause::Cli6,
                format!(
                    "the error does not carry the envelope's message ({ENVELOPE_MESSAGE:?}): the caller cannot tell a bad key from anything else"
                ),
            )
            .into());
    }
    let mut evidence = Evidence::line(format!(
        "one request, answered {}; the error carries {ENVELOPE_MESSAGE:?}",
        with_key[0].status
    ));
    if !output.contains(ENVELOPE_TYPE) {
        evidence = evidence.and(format!(
            "note: the error does not show the envelope's type ({ENVELOPE_TYPE:?})"
        ));
    }
    Ok(evidence)
}

/// CLI-7 (should): `Retry-After` honoured; retries bounded and backing off.
pub(super) fn cli7(o: &Outcome) -> CaseResult {
    let public = o.public();
    let n = public.len();
    if n == 0 {
        return Err(Stop::Inconclusive(o.no_request_reached()));
    }
    if o.served == 0 && condition(o.scenario.script()).is_some() && n <= RETRY_BOUND {
        return Err(o.not_exercised());
    }
    if n > RETRY_BOUND || (o.ran.exit == Exit::TimedOut && n > 2) {
        let mut failure = o.failure(
            Clause::Cli7,
            format!(
                "retries without bound: {n} requests in {:.1} s{} (at most {RETRY_BOUND} expected)",
                public[n - 1].at.as_secs_f64(),
                if o.ran.exit == Exit::TimedOut {
                    ", still going at the timeout"
                } else {
                    ""
                }
            ),
        );
        for seen in public.iter().take(3) {
            failure = failure.finding(Outcome::request_finding(
                seen,
                "a bounded number of retries",
                format!("answered {}", seen.status),
            ));
        }
        return Err(failure.into());
    }
    // Intervals: from the end of one answer to the next request.
    let gaps: Vec<Duration> = public
        .windows(2)
        .map(|w| w[1].at.saturating_sub(w[0].at + w[0].latency))
        .collect();
    if o.scenario.script() == Script::TooManyRequestsOnce {
        if let (Some(first), Some(gap)) = (public.first(), gaps.first()) {
            if first.status == 429 && *gap + RETRY_AFTER_SLACK < Duration::from_secs(1) {
                return Err(o
                    .failure(
                        Clause::Cli7,
                        format!(
                            "retried {:.0} ms after a 429 that said `Retry-After: 1`: the client must wait at least 1 s",
                            gap.as_secs_f64() * 1000.0
                        ),
                    )
                    .finding(Outcome::request_finding(
                        public[1],
                        "sent at least 1 s after the 429",
                        format!("sent {:.0} ms after it", gap.as_secs_f64() * 1000.0),
                    ))
                    .into());
            }
        }
    }
    if gaps.len() >= 3 {
        let mean = gaps.iter().sum::<Duration>() / gaps.len() as u32;
        if mean < BACKOFF_FLOOR {
            let shown: Vec<String> = gaps
                .iter()
                .map(|g| format!("{:.0} ms", g.as_secs_f64() * 1000.0))
                .collect();
            return Err(o
                .failure(
                    Clause::Cli7,
                    format!(
                        "{} retries without backing off: intervals {} (mean under {} ms)",
                        gaps.len(),
                        shown.join(", "),
                        BACKOFF_FLOOR.as_millis()
                    ),
                )
                .into());
        }
    }
    Ok(Evidence::line(if n == 1 {
        format!(
            "one request: after {} the client did not retry (a client that does not retry meets CLI-7)",
            condition(o.scenario.script()).unwrap_or("the answer")
        )
    } else {
        let shown: Vec<String> = gaps
            .iter()
            .map(|g| format!("{:.0} ms", g.as_secs_f64() * 1000.0))
            .collect();
        format!("{n} requests, intervals {}", shown.join(", "))
    }))
}
