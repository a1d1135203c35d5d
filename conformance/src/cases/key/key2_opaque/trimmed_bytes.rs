//! KEY-2's trimmed bytes: the valid key with, after it and before it, a byte sequence that a
//! trimming function removes but HTTP does not count as whitespace (OWS is only space and tab).
//! A server that trims more than OWS (Python's `str.strip`, JavaScript's `trim`, Java's
//! `strip`) accepts a key that is not byte-for-byte the issued one.

use crate::cases::{bearer, rejected, Case, EXPECT_REJECTED};
use crate::judge::Evidence;
use crate::spec::Clause;
use crate::wire::{show_bytes, Request};

/// Bytes a `trim()` or `strip()` removes that are not HTTP's OWS: obs-text (NBSP, NEL, as
/// Latin-1 bytes and as UTF-8, Unicode spaces, a BOM), valid HTTP that must get 401…
const TRIMMED_OBS_TEXT: [&[u8]; 8] = [
    b"\xa0",
    b"\x85",
    b"\xc2\xa0",
    b"\xc2\x85",
    b"\xe2\x80\x83",
    b"\xe3\x80\x80",
    b"\xe2\x80\xa8",
    b"\xef\xbb\xbf",
];
/// …and control bytes (VT, FF, FS..US), not valid HTTP: 401, 400 or a closed connection, but
/// never accepted.
const TRIMMED_CONTROLS: [u8; 6] = [0x0b, 0x0c, 0x1c, 0x1d, 0x1e, 0x1f];

/// What a variant with a control byte must get.
const EXPECT_NOT_ACCEPTED: &str = concat!(
    "not accepted (401, or 400 or a closed connection for a control byte): ",
    "the key with a byte trimmed off is not the key"
);

/// Each obs-text sequence, then each control byte, after the key and before it. Obs-text
/// variants must get 401; control-byte variants go as raw HTTP/1.1 on a connection of their own
/// (the server may close it) and must not be accepted.
pub(super) fn whitespace_like_bytes_around_key() -> Case {
    let what = "whitespace_like_bytes_around_key";
    Case::new(Clause::Key2, what, |ctx| async move {
        let key = ctx.valid_key()?.clone();
        let around = |bytes: &[u8]| {
            let shown = show_bytes(bytes);
            [
                key.derive(format!("followed by {shown}"), |s| {
                    [s.as_bytes(), bytes].concat()
                }),
                key.derive(format!("preceded by {shown}"), |s| {
                    [bytes, s.as_bytes()].concat()
                }),
            ]
        };
        let obs_text: Vec<Request> = TRIMMED_OBS_TEXT
            .iter()
            .flat_map(|b| around(b))
            .map(|v| ctx.probe().authorization(bearer(v)))
            .collect();
        let evidence = ctx.expect_each(obs_text, EXPECT_REJECTED, rejected).await?;
        let controls: Vec<Request> = TRIMMED_CONTROLS
            .iter()
            .flat_map(|b| around(&[*b]))
            .map(|v| ctx.probe().alone().authorization(bearer(v)))
            .collect();
        ctx.expect_each(controls, EXPECT_NOT_ACCEPTED, |reply| {
            match reply.status() {
                Some(s) if (200..400).contains(&s) => Err("the request was accepted".into()),
                _ => Ok(()),
            }
        })
        .await
        .map(|more| Evidence(evidence.0.into_iter().chain(more.0).collect()))
    })
}
