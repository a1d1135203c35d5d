//! > **KEY-5** Rotation: creating a key leaves existing keys working; revoking one key leaves
//! > every other key working.
//!
//! Keys minted and revoked on the admin plane, then the keys that should still work on the
//! probe endpoint: each must not get 401 (and the revoked one must).

use super::{mint, revoke};
use crate::cases::{accepted, bearer, rejected, Case, Check, EXPECT_REJECTED};
use crate::judge::CaseResult;
use crate::spec::Clause;
use crate::target::Key;

/// The KEY-5 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    cases_named_after!(
        Clause::Key5,
        new_key_leaves_existing_working,
        revoking_one_leaves_others_working
    )
}

/// Mint a key, then use the valid key and the new one: a server that keeps one key per account
/// drops the old one.
async fn new_key_leaves_existing_working(ctx: Check) -> CaseResult {
    let valid = ctx.valid_key()?.clone();
    let (_, minted) = mint(&ctx, "key minted during the run").await?;
    each_accepted(
        &ctx,
        [&valid, &minted],
        "not 401: after a new key is minted, the existing key and the new one both work",
    )
    .await
}

/// Mint two keys, revoke the first, then use the valid key and the second (which must work)
/// and the first (which must not): a server that revokes by account, or the wrong key, fails.
async fn revoking_one_leaves_others_working(ctx: Check) -> CaseResult {
    let valid = ctx.valid_key()?.clone();
    let (first_id, first) = mint(&ctx, "rotation key A").await?;
    let (_, second) = mint(&ctx, "rotation key B").await?;
    revoke(&ctx, &first_id).await?;
    each_accepted(
        &ctx,
        [&valid, &second],
        "not 401: revoking one key leaves every other key working",
    )
    .await?;
    ctx.expect_each(
        vec![ctx.probe().authorization(bearer(first.text()))],
        EXPECT_REJECTED,
        rejected,
    )
    .await
}

/// Each of `keys` as the bearer key on the probe endpoint: none may get 401.
async fn each_accepted(ctx: &Check, keys: [&Key; 2], expected: &str) -> CaseResult {
    let probes = keys
        .iter()
        .map(|k| ctx.probe().authorization(bearer(k.text())))
        .collect();
    ctx.expect_each(probes, expected, accepted).await
}
