//! > **ERR-1** Authentication failure is HTTP status 401.
//!
//! One case sends the request of every cause that presents a credential or none (not the
//! undocumented routes, ROUTE-1's) and expects 401 for each; the sweep, run last, reports the
//! refusals with another status that the KEY, HDR and ROB-1 cases handed over.

use super::causes::CAUSES;
use crate::cases::{rejected, Case};
use crate::spec::Clause;
use crate::wire::Reply;

/// The cases of ERR-1 (its sweep apart: [`refusal_sweep`]).
pub fn cases() -> Vec<Case> {
    vec![status_401_for_every_cause()]
}

/// Every cause's request at once, each judged by [`failure_status`].
fn status_401_for_every_cause() -> Case {
    Case::new(
        Clause::Err1,
        "status_401_for_every_cause",
        |ctx| async move {
            let probes = CAUSES
                .iter()
                .filter(|c| !c.by_route())
                .filter_map(|c| c.request(&ctx).ok())
                .collect();
            ctx.expect_each(
                probes,
                "401: every authentication failure is HTTP status 401",
                failure_status,
            )
            .await
        },
    )
}

/// ERR-1's sweep: refusals with another 4xx than 401 that the KEY, HDR and ROB-1 cases saw.
pub fn refusal_sweep() -> Case {
    Case::sweep(
        Clause::Err1,
        "every_refusal_is_401",
        "every request the KEY, HDR and ROB-1 cases sent that did not authenticate got 401",
    )
}

/// ERR-1's judge: 401 for every failure. A request that was accepted is not a failure; the
/// clause of its cause (KEY-*, HDR-*, ROUTE-*) reports it.
fn failure_status(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(s) if (200..300).contains(&s) => Ok(()),
        _ => rejected(reply),
    }
}
