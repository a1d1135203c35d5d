//! What a piece of key material turned out to be, and how the journal writes it in its place:
//! `<valid key "ci">`, `<revoked key "old">`, `<unknown thub_ key>`, with ` in Base64` before
//! the `>` when it was found Base64-encoded. Never the key.

use std::fmt::Write as _;

/// What a `thub_` token, or a piece of a key, turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// An active key of the store.
    Valid { id: String, name: String },
    /// A revoked key of the store.
    Revoked { id: String, name: String },
    /// Never issued.
    Unknown,
}

impl Found {
    /// Writes the description; `base64`: it was found Base64-encoded.
    pub(crate) fn describe(&self, base64: bool, out: &mut String) {
        let encoded = if base64 { " in Base64" } else { "" };
        let _ = match self {
            Found::Valid { name, .. } => write!(out, "<valid key {name:?}{encoded}>"),
            Found::Revoked { name, .. } => write!(out, "<revoked key {name:?}{encoded}>"),
            Found::Unknown => write!(out, "<unknown thub_ key{encoded}>"),
        };
    }

    /// The description alone.
    pub(crate) fn description(&self, base64: bool) -> String {
        let mut out = String::new();
        self.describe(base64, &mut out);
        out
    }
}

/// The description of the valid key named `name` (the one the Public API accepted).
pub(crate) fn describe_valid(name: &str, out: &mut String) {
    let _ = write!(out, "<valid key {name:?}>");
}

/// What a word of a credential that is not a `thub_` key is shown as.
pub(crate) const NOT_A_KEY: &str = "<not a key>";
