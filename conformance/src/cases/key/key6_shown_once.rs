//! > **KEY-6** A key is shown once, at creation: the server keeps no recoverable copy (a digest
//! > only).
//!
//! A key is recoverable if the server shows it again: the admin plane's listings after a key is
//! minted, and the public API's GET answers to the valid key, must hold no 10 characters of it
//! (in the body or any header).

use super::mint;
use crate::cases::{bearer, Case, Check};
use crate::judge::{CaseResult, Evidence, Finding};
use crate::redact::contains_piece_of;
use crate::spec::Clause;
use crate::wire::{Reply, Request};

/// The KEY-6 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    cases_named_after!(
        Clause::Key6,
        admin_plane_never_shows_key_again,
        public_api_never_shows_key
    )
}

/// Mint a key, then read the admin plane's listings (`GET /v1/keys`, `GET /v1/keys/{id}`): a
/// server that stores the key in clear shows it there. A hint of the key is allowed.
async fn admin_plane_never_shows_key_again(ctx: Check) -> CaseResult {
    let admin = ctx.admin()?;
    let (id, minted) = mint(&ctx, "key shown once").await?;
    let mut failure = ctx.fail("the admin plane shows a key again after its creation");
    for (shown, reply) in admin.listings(&id).await {
        if let Err(why) = no_piece_of(&reply, minted.bytes()) {
            failure = failure.finding(Finding {
                request: shown,
                expected: "a listing that shows at most a hint of the key".into(),
                actual: reply.describe(),
                details: vec![why],
                exchange: None,
            });
        }
    }
    if failure.findings.is_empty() {
        Ok(Evidence::line(
            "GET /v1/keys and GET /v1/keys/{id} show no 10 characters of a freshly minted key",
        ))
    } else {
        Err(failure.into())
    }
}

/// The valid key on every GET endpoint: an answer that echoes the key (an account page, a
/// debug header) shows that the server holds it.
async fn public_api_never_shows_key(ctx: Check) -> CaseResult {
    let key = ctx.valid_key()?.clone();
    let probes: Vec<Request> = ctx
        .endpoints
        .iter()
        .filter(|e| e.method == "GET")
        .map(|e| Request::get(e.path()).authorization(bearer(key.text())))
        .collect();
    ctx.expect_each(
        probes,
        "a response that does not show the key (no 10 characters of it)",
        |reply| no_piece_of(reply, key.bytes()),
    )
    .await
}

/// Fails, saying where, when the response's body or a header value holds 10 or more
/// characters of `secret`; no response at all shows nothing.
fn no_piece_of(reply: &Reply, secret: &[u8]) -> Result<(), String> {
    let Some(response) = reply.response() else {
        return Ok(());
    };
    if contains_piece_of(&response.body, secret) {
        return Err("the body holds 10 or more characters of the key".into());
    }
    for (name, value) in &response.headers {
        if contains_piece_of(value, secret) {
            return Err(format!(
                "the header {name} holds 10 or more characters of the key"
            ));
        }
    }
    Ok(())
}
