//! > **HDR-1** A request authenticates only with the `Authorization` request header whose value
//! > is `Bearer <key>`: the scheme `Bearer`, one space, the key, nothing after it.
//!
//! Each case sends the valid key (or no key) in a value that is not exactly `Bearer <key>`: no
//! field, no scheme, another gap after the scheme, something after the key. Each must get 401.

use super::{auth, auth_exact, prefixed_key, Authorize};
use crate::cases::{bearer, rejected, Case, EXPECT_REJECTED};
use crate::spec::Clause;
use crate::wire::Text;

/// The HDR-1 cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    vec![
        // No `Authorization` field at all, over either protocol and byte for byte.
        Case::each(
            Clause::Hdr1,
            "missing_header",
            EXPECT_REJECTED,
            rejected,
            |ctx| Ok(vec![ctx.probe(), ctx.probe().exact()]),
        ),
        // The field present but empty, with and without the space after the colon.
        Case::each(
            Clause::Hdr1,
            "empty_value",
            EXPECT_REJECTED,
            rejected,
            |ctx| {
                Ok(vec![
                    ctx.probe()
                        .exact()
                        .field_with_separator("Authorization", "", ""),
                    ctx.probe().authorization(""),
                ])
            },
        ),
        // The scheme without a key: a server must not treat an empty token as a match.
        Case::each(
            Clause::Hdr1,
            "scheme_alone",
            EXPECT_REJECTED,
            rejected,
            |ctx| {
                Ok(vec![
                    auth(ctx, "Bearer".into()),
                    auth_exact(ctx, "Bearer ".into()),
                    auth(ctx, "bearer".into()),
                ])
            },
        ),
        // The bare key: servers that strip an optional `Bearer ` accept it.
        Case::refused(Clause::Hdr1, "key_without_scheme", |ctx, k| {
            vec![auth(ctx, k.text())]
        }),
        // `Bearer<key>`: a prefix match on `Bearer` accepts it.
        prefixed_key(
            Clause::Hdr1,
            "no_space_after_scheme",
            auth_exact,
            &["Bearer"],
        ),
        // A tab is not the one space HDR-1 asks for (HDR-5 only varies the number of spaces).
        prefixed_key(Clause::Hdr1, "tab_after_scheme", auth_exact, &["Bearer\t"]),
        // Unicode spaces that a `split_whitespace` reading takes for the separator.
        prefixed_key(
            Clause::Hdr1,
            "unicode_space_after_scheme",
            auth_exact,
            &["Bearer\u{a0}", "Bearer\u{3000}", "Bearer\u{2002}"],
        ),
        // Tokens after the key: a server that reads the first word accepts them.
        suffixed_key(
            "trailing_token",
            auth_exact,
            &[" extra", " x=y", " Bearer", "\textra"],
        ),
        // `Bearer <key> <key>`: a server that finds the key anywhere in the value accepts it.
        Case::refused(Clause::Hdr1, "key_twice_after_scheme", |ctx, k| {
            vec![auth(ctx, bearer(k.text()).then(" ").then(k.text()))]
        }),
        // `Bearer Bearer <key>`: a server that strips every `Bearer ` accepts it.
        prefixed_key(Clause::Hdr1, "scheme_twice", auth, &["Bearer Bearer "]),
        // `Bearer <key>;`: a parameter-style terminator is something after the key.
        suffixed_key("trailing_semicolon", auth, &[";"]),
        // A separator other than the space, as `split(':')`-style parsers allow.
        prefixed_key(
            Clause::Hdr1,
            "scheme_with_separator",
            auth_exact,
            &["Bearer: ", "Bearer=", "Bearer:", "Bearer,"],
        ),
        // Near-misses of `Bearer`: a server that skips the first word whatever it is accepts them.
        prefixed_key(
            Clause::Hdr1,
            "scheme_misspelled",
            auth,
            &["Bearr ", "Beare ", "Bearer_", "Berear "],
        ),
    ]
}

/// A [`Case::refused`] whose probes are `Bearer <key>` followed by each of `suffixes`: HDR-1 says
/// nothing comes after the key.
fn suffixed_key(
    what: &'static str,
    authorize: Authorize,
    suffixes: &'static [&'static str],
) -> Case {
    Case::refused(Clause::Hdr1, what, move |ctx, k| {
        suffixes
            .iter()
            .map(|suffix| authorize(ctx, bearer(k.text()).then(Text::plain(suffix))))
            .collect()
    })
}
