//! > **ERR-2** Its body is a JSON object whose member `error` is an object with `type` equal to
//! > `"authentication_error"`, `code` present and equal to JSON `null`, `message` equal to
//! > `"Invalid API key"`. `Content-Type` is `application/json` (parameters such as `charset=utf-8`
//! > allowed). Additional members, anywhere, are permitted (a request id, a docs link): clients
//! > must not break on them. `schemas/` holds this as JSON Schema.
//!
//! One case per cause sends its request; a refusal's body must validate against
//! `contract/schemas/` and its `Content-Type` be JSON. An acceptance is its cause's clause's to
//! report, and a route refused before authentication ROUTE-1's: with no refusal to judge, the case
//! is not judged, never passed.

use super::causes::{case_per_cause, Cause, CAUSES};
use crate::cases::{Case, Check};
use crate::judge::{content_type_problem, CaseResult, Evidence, Stop};
use crate::spec::Clause;

/// `envelope_for_<cause>`, one per cause, in the table's order.
pub fn cases() -> Vec<Case> {
    case_per_cause(
        Clause::Err2,
        CAUSES,
        |cause| format!("envelope_for_{cause}"),
        |ctx, cause| async move { envelope(&ctx, cause).await },
    )
}

/// Sends `cause`'s request; its refusal must be the envelope.
async fn envelope(ctx: &Check, cause: Cause) -> CaseResult {
    let request = cause.request(ctx)?;
    let reply = ctx.client.send(&request).await;
    let expected = "the envelope: {\"error\":{\"type\":\"authentication_error\",\"code\":null,\"message\":\"Invalid API key\"}} as application/json";
    let Some(response) = reply.response() else {
        return Err(ctx.fail_with(
            format!("no response for the cause {cause}"),
            &request,
            &reply,
            expected,
            vec![],
        ));
    };
    // no refusal to judge is not judged, never a pass.
    if (200..300).contains(&response.status) {
        return Err(Stop::not_judged(format!(
            "{cause}: answered {} (accepted), so no refusal to judge (the clause of that cause reports it)",
            response.status
        )));
    }
    if let Some(reason) = cause.left_to_route_1(response.status) {
        return Err(Stop::not_judged(reason));
    }
    let mut problems = ctx.schema.body_errors(response);
    problems
        .iter_mut()
        .for_each(|p| *p = format!("schema error {p}"));
    if let Some(problem) = content_type_problem(response) {
        problems.push(problem);
    }
    if problems.is_empty() {
        Ok(Evidence::line(format!("{cause}: {}", response.describe())))
    } else {
        Err(ctx.fail_with(
            format!("the failure response for the cause {cause} is not the envelope"),
            &request,
            &reply,
            expected,
            problems,
        ))
    }
}
