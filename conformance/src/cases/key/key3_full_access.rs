//! > **KEY-3** Every active key carries the same full account access: any active key can call
//! > every endpoint, and two keys of one account see the same account.
//!
//! A second key (`TERMINUS_SECOND_API_KEY`, else one minted on the admin plane): it must not
//! get 401 on any documented endpoint, and
//! on every GET endpoint without a path parameter it must get the answer the valid key gets.

use super::{every_endpoint_with, mint, reference_twice_and_candidate};
use crate::cases::{accepted, bearer, Case, Check};
use crate::judge::{differences, CaseResult, Evidence, Finding, Stop};
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::Request;

/// The KEY-3 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    cases_named_after!(
        Clause::Key3,
        second_key_reaches_every_endpoint,
        second_key_sees_same_account
    )
}

/// The second key: `TERMINUS_SECOND_API_KEY`, else one minted on the admin plane.
async fn second_key(ctx: &Check) -> Result<Key, Stop> {
    if let Some(second) = &ctx.keys.second {
        return Ok(second.clone());
    }
    Ok(mint(ctx, "second key").await?.1)
}

/// The second key on every endpoint: a server that scopes keys refuses it somewhere.
async fn second_key_reaches_every_endpoint(ctx: Check) -> CaseResult {
    let second = second_key(&ctx).await?;
    ctx.expect_each(
        every_endpoint_with(&ctx, &second),
        if ctx.keys.second.is_some() {
            "not 401: a second active key has the same full access (refused everywhere? check that TERMINUS_SECOND_API_KEY is an active key of the same account)"
        } else {
            "not 401: a second active key has the same full access"
        },
        accepted,
    )
    .await
}

/// On each GET endpoint without a path parameter, the valid key twice, then the second key: a
/// server that ties data to a key rather than to the account shows them different things. Any
/// difference beyond what varies between the valid key's two answers fails.
async fn second_key_sees_same_account(ctx: Check) -> CaseResult {
    let valid = ctx.valid_key()?.clone();
    let second = second_key(&ctx).await?;
    let mut evidence = Evidence::default();
    for endpoint in ctx
        .endpoints
        .iter()
        .filter(|e| e.method == "GET" && !e.template.contains('{'))
    {
        let request = |key: &Key| Request::get(endpoint.path()).authorization(bearer(key.text()));
        let probes = [request(&valid), request(&valid), request(&second)];
        let replies = ctx.client.send_all(&probes).await;
        let Some((a1, a2, b)) = reference_twice_and_candidate(&replies) else {
            return Err(ctx
                .fail(format!("no complete responses from {}", endpoint.display()))
                .into());
        };
        let diffs = differences(a1, a2, b, &[], &[]);
        if !diffs.is_empty() {
            return Err(ctx
                .fail("two active keys of one account see different things")
                .finding(Finding {
                    request: ctx.show(&probes[2], &replies[2]),
                    expected: format!("what the valid key sees: {}", a1.describe()),
                    actual: b.describe(),
                    details: diffs
                        .into_iter()
                        .map(|d| format!("differs: {d} (valid key vs second key)"))
                        .collect(),
                    exchange: None,
                })
                .into());
        }
        evidence = evidence.and(format!(
            "{}: both keys see the same answer ({})",
            endpoint.display(),
            a1.status
        ));
    }
    Ok(evidence)
}
