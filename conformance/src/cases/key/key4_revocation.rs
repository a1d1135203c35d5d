//! > **KEY-4** Revocation is immediate: the next request with a revoked key fails exactly like
//! > an unrecognized key.
//!
//! The revoked key (`TERMINUS_REVOKED_API_KEY`) on every endpoint, and side by side with an
//! unknown key; and, on the admin plane, a key minted, accepted, revoked, then refused on the
//! very next request exactly like an unknown key; and the revoked key in every form the
//! deployment accepts the valid key in (`cases/accepted_forms.rs`). Judged by status, then by [`like_unknown`].

use super::{every_endpoint_with, mint, reference_twice_and_candidate, revoke};
use crate::cases::{accepted, bearer, rejected, Case, Check, EXPECT_REJECTED};
use crate::judge::{differences, CaseResult, Evidence, Finding, Stop};
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::{Reply, Request, Text};

/// The KEY-4 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    cases_named_after!(
        Clause::Key4,
        revoked_key_rejected,
        revoked_key_answered_like_unknown,
        revocation_takes_effect_at_once,
        revoked_in_every_accepted_form
    )
}

/// The revoked key in every form the deployment accepts the valid key in (HDR-5's and HDR-2's
/// variants it took), with the safe methods, over every protocol: a lenient presentation must
/// not skip the revocation check.
async fn revoked_in_every_accepted_form(ctx: Check) -> CaseResult {
    use crate::cases::accepted_forms::{accepted_forms, crossed};
    let revoked = ctx.revoked_key()?.clone();
    let forms = accepted_forms(&ctx).await?;
    let probes = crossed(
        &ctx,
        &forms.accepted,
        &[("revoked", revoked.text())],
        &forms.methods,
    );
    ctx.expect_every(probes, EXPECT_REJECTED, |request, reply| {
        rejected(reply).map_err(|why| super::key2_opaque::in_form(why, request))
    })
    .await
    .map(|evidence| evidence.and(forms.summary()))
}

/// The revoked key on every endpoint: a server that checks revocation on some routes only
/// accepts it somewhere.
async fn revoked_key_rejected(ctx: Check) -> CaseResult {
    if let Some(accepted) = &ctx.keys.revoked_accepted {
        // one failure, with both readings.
        let mut failure = ctx.fail(
            "the target accepted TERMINUS_REVOKED_API_KEY: either revocation is not immediate (or not enforced), or TERMINUS_REVOKED_API_KEY is not a revoked key of this deployment",
        );
        failure.findings.push(Finding {
            request: accepted.request.clone(),
            expected: EXPECT_REJECTED.into(),
            actual: accepted.answer.clone(),
            details: vec![
                "check the CI secret: it must hold a key that was created and then revoked on this deployment's account page".into(),
                "the other cases that need the revoked key are ignored, not failed, for this reason".into(),
            ],
            exchange: None,
        });
        failure.observed = true;
        return Err(failure.into());
    }
    let revoked = ctx.revoked_key()?;
    ctx.expect_each(
        every_endpoint_with(&ctx, revoked),
        EXPECT_REJECTED,
        rejected,
    )
    .await
}

/// The revoked key beside an unknown key: a distinct status, code or message tells a caller
/// that the key once existed.
async fn revoked_key_answered_like_unknown(ctx: Check) -> CaseResult {
    let revoked = ctx.revoked_key()?.clone();
    like_unknown(&ctx, &revoked).await
}

/// Mint a key and use it (it must work), revoke it, and use it again at once: a server that
/// caches keys accepts the very next request. Refused, it must be answered like an unknown key.
async fn revocation_takes_effect_at_once(ctx: Check) -> CaseResult {
    let (id, minted) = mint(&ctx, "key revoked during the run").await?;
    let request = ctx.probe().authorization(bearer(minted.text()));
    let before = "a freshly minted key was refused before its revocation";
    expect_one(&ctx, &request, "not 401", accepted, before).await?;
    revoke(&ctx, &id).await?;
    let after = "the very next request after revocation was not refused";
    expect_one(&ctx, &request, EXPECT_REJECTED, rejected, after).await?;
    like_unknown(&ctx, &minted).await
}

/// Sends `request` once; unless `judge` passes its reply, a failure that says `what_failed`.
async fn expect_one(
    ctx: &Check,
    request: &Request,
    expected: &str,
    judge: fn(&Reply) -> Result<(), String>,
    what_failed: &str,
) -> Result<(), Stop> {
    let reply = ctx.client.send(request).await;
    match judge(&reply) {
        Ok(()) => Ok(()),
        Err(why) => Err(ctx
            .fail(what_failed)
            .finding(Finding {
                request: ctx.show(request, &reply),
                expected: expected.into(),
                actual: reply.describe(),
                details: vec![why],
                exchange: None,
            })
            .into()),
    }
}

/// Compares the answer to `key` with the answer to an unknown key: the unknown key twice, then
/// `key`, on the probe endpoint; any difference beyond what varies between the unknown key's
/// two answers (and echoes of the credentials) fails.
async fn like_unknown(ctx: &Check, key: &Key) -> CaseResult {
    let unknown = Text::credential("thub_conformance_unknown_key_00000000000");
    let request = |token: Text| ctx.probe().authorization(bearer(token));
    let probes = [
        request(unknown.clone()),
        request(unknown),
        request(key.text()),
    ];
    let replies = ctx.client.send_all(&probes).await;
    let Some((u1, u2, r)) = reference_twice_and_candidate(&replies) else {
        let failure = ctx
            .fail("no complete response to compare")
            .finding(Finding {
                request: ctx.show(&probes[2], &replies[2]),
                expected: "the same answer as an unrecognized key".into(),
                actual: replies
                    .iter()
                    .map(Reply::describe)
                    .collect::<Vec<_>>()
                    .join(" | "),
                details: vec![],
                exchange: None,
            });
        return Err(failure.into());
    };
    if (200..300).contains(&u1.status) || (200..300).contains(&u2.status) {
        return Err(Stop::not_judged(format!(
            "an unrecognized key was accepted ({}): KEY-2 reports it; nothing to compare the {key:?} with",
            u1.status
        )));
    }
    let echoes: Vec<Vec<u8>> = probes.iter().flat_map(Request::credentials).collect();
    let diffs = differences(u1, u2, r, &[], &echoes);
    if diffs.is_empty() {
        return Ok(Evidence::line(format!(
            "the {key:?} got the same answer as an unrecognized key: {}",
            r.describe()
        )));
    }
    Err(ctx
        .fail(format!(
            "the {key:?} is answered differently from an unrecognized key"
        ))
        .finding(Finding {
            request: ctx.show(&probes[2], &replies[2]),
            expected: format!(
                "exactly the answer an unrecognized key gets: {}",
                u1.describe()
            ),
            actual: r.describe(),
            details: diffs
                .into_iter()
                .map(|d| format!("differs: {d} (unknown key vs revoked key)"))
                .collect(),
            exchange: None,
        })
        .into())
}
