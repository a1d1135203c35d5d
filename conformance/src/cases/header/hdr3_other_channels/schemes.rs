//! HDR-3, other schemes: the valid key in the `Authorization` field under a scheme other than
//! `Bearer`. A server that takes the last word of the field, or decodes `Basic` and looks for a
//! key, accepts them; each must get 401.

use base64::Engine as _;

use crate::cases::header::{auth, prefixed_key};
use crate::cases::Case;
use crate::spec::Clause;
use crate::wire::Text;

/// The HDR-3 scheme cases, in manifest order.
pub(super) fn cases() -> Vec<Case> {
    vec![
        // `Basic base64(<key>:)`: the key as the user, as `curl -u <key>:` sends it.
        Case::refused(Clause::Hdr3, "scheme_basic_key_as_user", |ctx, k| {
            vec![auth(
                ctx,
                basic(k.text().then(":"), "<base64 of valid key as user>"),
            )]
        }),
        // `Basic base64(:<key>)` and `base64(api:<key>)`: the key as the password.
        Case::refused(Clause::Hdr3, "scheme_basic_key_as_password", |ctx, k| {
            vec![
                auth(
                    ctx,
                    basic(
                        Text::plain(":").then(k.text()),
                        "<base64 of valid key as password>",
                    ),
                ),
                auth(
                    ctx,
                    basic(
                        Text::plain("api:").then(k.text()),
                        "<base64 of valid key as password>",
                    ),
                ),
            ]
        }),
        // `Basic <key>`, not encoded: a server that ignores the scheme word accepts it.
        prefixed_key(Clause::Hdr3, "scheme_basic_raw_key", auth, &["Basic "]),
        // Rails' `Token` scheme, bare and with its `token=` parameter.
        prefixed_key(
            Clause::Hdr3,
            "scheme_token",
            auth,
            &["Token ", "Token token="],
        ),
        // API-key schemes gateways define.
        prefixed_key(
            Clause::Hdr3,
            "scheme_apikey",
            auth,
            &["ApiKey ", "Api-Key ", "Key ", "X-API-Key "],
        ),
        // `Digest` with the key as the username.
        Case::refused(Clause::Hdr3, "scheme_digest", |ctx, k| {
            vec![auth(
                ctx,
                Text::plain("Digest username=\"")
                    .then(k.text())
                    .then("\", realm=\"terminus-hub\", nonce=\"x\", uri=\"/\", response=\"0\""),
            )]
        }),
        // Other token schemes (RFC 9449 DPoP, OAuth 1 and MAC, JWT).
        prefixed_key(
            Clause::Hdr3,
            "scheme_other",
            auth,
            &["DPoP ", "MAC ", "OAuth ", "JWT "],
        ),
    ]
}

/// `Basic base64(user_and_password)`, shown as `Basic base64(<what it encodes>)`; secret (shown
/// as `how`) when it encodes a credential.
fn basic(user_and_password: Text, how: &str) -> Text {
    let encoded = base64::engine::general_purpose::STANDARD.encode(user_and_password.bytes());
    let shown = format!("Basic base64({})", user_and_password.shown());
    let secret = if user_and_password.credentials().is_empty() {
        Text::plain(encoded)
    } else {
        Text::secret(encoded, how)
    };
    Text::plain("Basic ").then(secret.relabel(shown))
}
