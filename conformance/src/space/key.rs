//! The key presented (KEY-2, KEY-4): the valid key edited the ways KEY-2 names ("no prefix,
//! truncation, extension, case change, trimming … or other normalization"), encoded the ways a
//! parser may undo (RFC 9110 §5.6.4's quoted-string, RFC 3986's percent-encoding, RFC 6750
//! §2.1's b64token), an unknown key, and the revoked key. `authorization.rs` presents them in
//! its forms.

use super::Source;
use crate::target::{Key, PREFIX};
use crate::wire::Text;

/// Which clause a wrong acceptance of a [`KeyVariant`] breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyClause {
    /// KEY-2: not byte for byte an issued key.
    Key2,
    /// KEY-4: revoked.
    Key4,
}

/// One key presented in a form: the valid key edited, an unknown key, or the revoked key.
#[derive(Debug, Clone, Copy)]
pub struct KeyVariant {
    /// A short label (`truncated`).
    pub label: &'static str,
    /// Where it comes from.
    pub source: Source,
    /// The clause its acceptance breaks.
    pub clause: KeyClause,
    /// Makes it from the valid key; `None` where the key has nothing to edit.
    pub derive: fn(&Key) -> Option<Text>,
}

/// The valid key's first letter after `thub_`, in the other case.
fn case_changed(k: &Key) -> Option<Text> {
    let i = (PREFIX.len()..k.len()).find(|&i| k.bytes()[i].is_ascii_alphabetic())?;
    let b = k.bytes()[i];
    let flipped = if b.is_ascii_lowercase() {
        b.to_ascii_uppercase()
    } else {
        b.to_ascii_lowercase()
    };
    Some(k.replaced_at(i, &(flipped as char).to_string(), "case-flipped"))
}

/// The keys a form presents besides the valid one. KEY-2 says which edits of a key must not
/// authenticate ("no prefix, truncation, extension, case change, trimming … or other
/// normalization"); RFC 6750 §2.1's b64token and RFC 9110 §11.2's quoted-string are the
/// encodings a parser may undo.
pub static KEYS: [KeyVariant; 9] = [
    KeyVariant {
        label: "unknown",
        source: Source::Contract("KEY-2"),
        clause: KeyClause::Key2,
        derive: |_| Some(Text::credential("thub_conformance_unknown_form_key_000000")),
    },
    KeyVariant {
        label: "truncated",
        source: Source::Contract("KEY-2"),
        clause: KeyClause::Key2,
        derive: |k| Some(k.truncated(k.len() - 1)),
    },
    KeyVariant {
        label: "extended",
        source: Source::Contract("KEY-2"),
        clause: KeyClause::Key2,
        derive: |k| Some(k.extended("0")),
    },
    KeyVariant {
        label: "one letter's case changed",
        source: Source::Contract("KEY-2"),
        clause: KeyClause::Key2,
        derive: case_changed,
    },
    KeyVariant {
        label: "upper-cased",
        source: Source::Contract("KEY-2"),
        clause: KeyClause::Key2,
        derive: |k| Some(k.derive("upper-cased", |s| s.to_ascii_uppercase().into_bytes())),
    },
    KeyVariant {
        label: "quoted",
        source: Source::Rfc(9110, "5.6.4"),
        clause: KeyClause::Key2,
        derive: |k| Some(k.derive("in double quotes", |s| format!("\"{s}\"").into_bytes())),
    },
    KeyVariant {
        label: "percent-encoded",
        source: Source::Rfc(3986, "2.1"),
        clause: KeyClause::Key2,
        derive: |k| {
            Some(k.derive("with `_` percent-encoded", |s| {
                s.replacen('_', "%5F", 1).into_bytes()
            }))
        },
    },
    KeyVariant {
        label: "base64 of it",
        source: Source::Rfc(6750, "2.1"),
        clause: KeyClause::Key2,
        derive: |k| {
            use base64::Engine as _;
            Some(k.derive("base64-encoded", |s| {
                base64::engine::general_purpose::STANDARD
                    .encode(s)
                    .into_bytes()
            }))
        },
    },
    KeyVariant {
        label: "revoked",
        source: Source::Contract("KEY-4"),
        clause: KeyClause::Key4,
        // Built from the run's revoked key by the case (the valid key has no revoked twin).
        derive: |_| None,
    },
];
