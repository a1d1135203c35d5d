//! KEY-2's split keys: the valid key with bytes an HTTP stack or an authenticator might strip,
//! decode or stop at — inside it (split), after it or before it. A C-string parser stops at NUL,
//! an ASCII-only one at the first obs-text byte, a "normalizer" drops inner whitespace or
//! percent-decodes: each then compares something that is not the value sent.
//!
//! Axes: where (inside, after, before) × what (NUL and other control bytes; obs-text; inner
//! space and tab; quotes; percent-escapes, of one character and of the whole key). Valid-HTTP
//! variants must get 401; a control byte makes the request invalid HTTP, which may be refused
//! (400, a closed connection) but never accepted.

use crate::cases::{bearer, rejected, Case, Check, EXPECT_REJECTED};
use crate::judge::CaseResult;
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::{show_bytes, Reply, Text};

/// Bytes that keep the request valid HTTP: obs-text, inner whitespace, quotes, escapes.
const VALID_HTTP: [&[u8]; 9] = [
    b"\x80", b"\xff", b"\xc3\xa9", b" ", b"\t", b"\"", b"'", b"%00", b"%20",
];

/// Control bytes: NUL (a C string ends there), BS, ESC, DEL.
const CONTROLS: [u8; 4] = [0x00, 0x08, 0x1b, 0x7f];

/// The one case.
pub(super) fn cases() -> Vec<Case> {
    vec![Case::new(
        Clause::Key2,
        "key_split_or_followed_by_odd_bytes",
        split_or_followed,
    )]
}

/// `bytes` inside the key (at its middle), after it and before it. Whitespace goes inside only:
/// around the key it is how the key is presented (HDR-1's trailing tokens, HDR-5's spaces), not
/// a change to the key.
fn placed(key: &Key, bytes: &[u8]) -> Vec<Text> {
    let shown = show_bytes(bytes);
    let middle = key.len() / 2;
    let mut variants = vec![key.derive(format!("split at {middle} by {shown}"), |k| {
        [&k.as_bytes()[..middle], bytes, &k.as_bytes()[middle..]].concat()
    })];
    if !matches!(bytes, b" " | b"\t") {
        variants.push(key.derive(format!("followed by {shown} and x"), |k| {
            [k.as_bytes(), bytes, b"x"].concat()
        }));
        variants.push(key.derive(format!("preceded by {shown}"), |k| {
            [bytes, k.as_bytes()].concat()
        }));
    }
    variants
}

async fn split_or_followed(ctx: Check) -> CaseResult {
    let key = ctx.valid_key()?.clone();
    let mut valid: Vec<Text> = VALID_HTTP.iter().flat_map(|b| placed(&key, b)).collect();
    valid.push(key.derive("percent-encoded whole", |k| {
        k.bytes().map(|b| format!("%{b:02X}")).collect::<String>().into_bytes()
    }));
    let probes = valid
        .into_iter()
        .map(|v| ctx.probe().exact().authorization(bearer(v)))
        .collect();
    let mut evidence = ctx.expect_each(probes, EXPECT_REJECTED, rejected).await?;
    let controls = CONTROLS
        .iter()
        .flat_map(|b| placed(&key, &[*b]))
        .map(|v| ctx.probe().alone().authorization(bearer(v)))
        .collect();
    let more = ctx
        .expect_each(
            controls,
            "not accepted (401, or 400 or a closed connection for a control byte): the key with a byte inside or after it is not the key",
            not_accepted,
        )
        .await?;
    evidence.0.extend(more.0);
    Ok(evidence)
}

/// Anything but acceptance.
fn not_accepted(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(s) if (200..400).contains(&s) => Err("the request was accepted".into()),
        _ => Ok(()),
    }
}
