//! > **ROB-3** A deployment MAY rate-limit with 429 and `Retry-After`. That is not a conformance
//! > failure: the runner waits as told (bounded) and retries.
//!
//! R-9 makes it visible: one informational case, run last, reports how many 429s the run met,
//! how many carried a `Retry-After` the runner could read, how long it waited, and
//! whether and how far the runner slowed itself down. A 429 without `Retry-After` is reported
//! (the runner then waits one second), never failed.

use crate::cases::{Case, Check};
use crate::judge::Evidence;
use crate::spec::Clause;
use crate::wire::MAX_429_RETRIES;

/// `ROB-3::rate_limits_met`: what the run's 429s were, after every other case.
pub fn rate_limits_met() -> Case {
    Case::last(Clause::Rob3, "rate_limits_met", |ctx: Check| async move {
        let (met, with_retry_after, waited) = ctx.client.rate_limits();
        if met == 0 {
            return Ok(Evidence::line(
                "no request was answered 429: nothing to wait for",
            ));
        }
        let mut summary = format!(
            "{met} answers 429 met and retried (at most {MAX_429_RETRIES} times per request, each wait spread by up to half its length); {with_retry_after} carried a Retry-After in seconds; the runner waited {:.1} s in all",
            waited.as_secs_f64()
        );
        if let Some(slowdown) = ctx.client.slowdown() {
            summary.push_str(&format!("; {slowdown}"));
        }
        if with_retry_after == met {
            return Ok(Evidence::line(summary));
        }
        // Informational: settled as a pass that shows the finding.
        Err(ctx
            .fail(format!(
                "{} of the 429 answers carried no usable Retry-After (the runner waited 1 s for each)",
                met - with_retry_after
            ))
            .note(summary)
            .into())
    })
}
