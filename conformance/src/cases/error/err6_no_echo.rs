//! > **ERR-6** A failure response never echoes the credentials it was sent — not in the body, not
//! > in a header — whole or in part.
//!
//! One case per cause that sends a credential: no 10 characters in a row of what was sent may
//! come back. Then a key hint check: a random-looking key whose first or last four characters,
//! or any six, must not come back either (`thub_…WXYZ`). Last, the same echo check for a cookie
//! holding the key.

use super::causes::{base_key, case_per_cause, Cause, CAUSES};
use crate::cases::{bearer, Case, Check};
use crate::judge::{CaseResult, Evidence};
use crate::redact::contains_piece_of;
use crate::spec::Clause;
use crate::wire::{Request, Text};

/// `no_echo_of_<cause>` for each cause that sends a credential, in the table's order, then
/// `no_echo_of_key_hint` and `no_echo_of_cookie`.
pub fn cases() -> Vec<Case> {
    let credentials = CAUSES.into_iter().filter(Cause::presents_credential);
    let mut all = case_per_cause(
        Clause::Err6,
        credentials,
        |cause| format!("no_echo_of_{cause}"),
        |ctx, cause| async move { no_echo(&ctx, cause).await },
    );
    all.push(Case::new(
        Clause::Err6,
        "no_echo_of_key_hint",
        |ctx: Check| async move { no_hint(&ctx).await },
    ));
    // The key in a cookie, a channel no cause uses: a server that logs or reflects cookies
    // would echo it.
    all.push(Case::new(
        Clause::Err6,
        "no_echo_of_cookie",
        |ctx: Check| async move {
            let key = base_key(&ctx);
            let request = ctx
                .probe()
                .field("Cookie", Text::plain("session=").then(key.text()));
            echo_check(&ctx, request).await
        },
    ));
    all
}

/// Sends `cause`'s request; nothing it sent may come back.
async fn no_echo(ctx: &Check, cause: Cause) -> CaseResult {
    let request = cause.request(ctx)?;
    echo_check(ctx, request).await
}

/// Sends `request`; its answer may hold no 10 characters in a row of its credentials, in the
/// body, a header's value or a header's name.
async fn echo_check(ctx: &Check, request: Request) -> CaseResult {
    let credentials = request.credentials();
    let reply = ctx.client.send(&request).await;
    let Some(response) = reply.response() else {
        return Ok(Evidence::line("no response: nothing echoed"));
    };
    let mut echoed = Vec::new();
    for credential in &credentials {
        if contains_piece_of(&response.body, credential) {
            echoed.push(
                "the body holds 10 or more consecutive characters of the credentials sent"
                    .to_owned(),
            );
        }
        for (name, value) in &response.headers {
            if contains_piece_of(value, credential)
                || contains_piece_of(name.as_bytes(), credential)
            {
                echoed.push(format!("the header {name} holds 10 or more consecutive characters of the credentials sent"));
            }
        }
    }
    if echoed.is_empty() {
        Ok(Evidence::line(format!(
            "{} credential(s) sent, none echoed",
            credentials.len()
        )))
    } else {
        echoed.dedup();
        Err(ctx.fail_with(
            "the failure response echoes the credentials it was sent",
            &request,
            &reply,
            "a response holding no piece (10+ characters) of the credentials sent",
            echoed,
        ))
    }
}

/// The secret part of the key the hint check sends: random-looking, so that its first or
/// last four characters in a response are an echo, not a coincidence.
const HINT_PROBE_SECRET: &str = "Xq7vKz3PwT9mR2nLb8YcJ5hDg4WfQ6tZ";

/// Pieces of `secret` a response may not hold: its first and last four characters (what a
/// key hint such as `thub_…WXYZ` shows) and any six in a row.
fn hint_pieces(secret: &str) -> Vec<&str> {
    let mut pieces = vec![&secret[..4], &secret[secret.len() - 4..]];
    pieces.extend((0..=secret.len() - 6).map(|i| &secret[i..i + 6]));
    pieces
}

/// Sends a Bearer key made of [`HINT_PROBE_SECRET`]; its answer may show no hint of it
/// (`thub_…WXYZ`), which is shorter than what [`echo_check`] looks for.
async fn no_hint(ctx: &Check) -> CaseResult {
    let key = format!("thub_{HINT_PROBE_SECRET}");
    let request = ctx.probe().authorization(bearer(Text::credential(&key)));
    let reply = ctx.client.send(&request).await;
    let Some(response) = reply.response() else {
        return Ok(Evidence::line("no response: nothing echoed"));
    };
    let pieces = hint_pieces(HINT_PROBE_SECRET);
    let holds = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        pieces
            .iter()
            .find(|p| text.contains(**p))
            .map(|p| p.to_string())
    };
    let mut echoed = Vec::new();
    if let Some(piece) = holds(&response.body) {
        echoed.push(format!("the body holds {piece:?}, a piece of the key sent"));
    }
    for (name, value) in &response.headers {
        if let Some(piece) = holds(value) {
            echoed.push(format!(
                "the header {name} holds {piece:?}, a piece of the key sent"
            ));
        }
    }
    if echoed.is_empty() {
        return Ok(Evidence::line(
            "no piece of the key sent (first or last 4 characters, any 6) came back",
        ));
    }
    Err(ctx.fail_with("the failure response shows part of the credentials it was sent (a key hint)", &request,
        &reply,
        "a response holding no piece of the key sent: not its first or last 4 characters, not any 6 in a row",
        echoed,
    ))
}
