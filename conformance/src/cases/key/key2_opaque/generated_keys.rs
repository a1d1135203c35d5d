//! KEY-2's generated families: random well-formed keys nobody issued, and near misses of the
//! valid key (a few random edits). Each value goes as `Authorization: Bearer <value>` to the
//! probe endpoint and must get 401; a failing value is shrunk to a small counterexample.

use crate::cases::{bearer, rejected, Case, Check, EXPECT_REJECTED};
use crate::generated::{self, generators};
use crate::judge::Finding;
use crate::spec::Clause;
use crate::wire::Text;

/// The generated KEY-2 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    vec![
        // `thub_` and random key characters: a server that accepts any well-formed key.
        Case::new(Clause::Key2, "random_unknown_keys", |ctx| async move {
            generated::run(ctx.rejecting_family(), generators::unknown_key(), |token| {
                refused(&ctx, token)
            })
            .await
        }),
        // The valid key with a few random edits: a server whose comparison forgives some
        // difference. An edit that happens to give back the key itself is skipped.
        Case::new(Clause::Key2, "near_miss_keys", |ctx| async move {
            let key = ctx.valid_key()?.clone();
            generated::run(
                ctx.rejecting_family(),
                generators::near_miss(key.clone()),
                |token| {
                    let same = token.bytes() == key.bytes();
                    let ctx = &ctx;
                    async move {
                        if same {
                            return None;
                        }
                        refused(ctx, token).await
                    }
                },
            )
            .await
        }),
    ]
}

/// `token` as the bearer key on the probe endpoint: a finding unless it gets 401.
async fn refused(ctx: &Check, token: Text) -> Option<Finding> {
    ctx.judge_one(
        ctx.probe().authorization(bearer(token)),
        EXPECT_REJECTED,
        rejected,
    )
    .await
}
