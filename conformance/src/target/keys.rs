//! The keys the runner presents: the valid one, the revoked one, extra ones the admin plane
//! mints, and every variant derived from them (truncated, extended, case-flipped…), each
//! described by its derivation and never shown.

use crate::redact::register_secret;
use crate::wire::Text;

/// The prefix of every key (KEY-1).
pub const PREFIX: &str = "thub_";

/// A real key and the name it is shown by (`valid key`, `revoked key`).
#[derive(Clone)]
pub struct Key {
    secret: String,
    label: String,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}>", self.label)
    }
}

impl Key {
    /// Wraps a key and registers it with the redaction function.
    pub fn new(secret: impl Into<String>, label: impl Into<String>) -> Self {
        let secret = secret.into();
        register_secret(&secret);
        Self {
            secret,
            label: label.into(),
        }
    }

    /// The key as sent, shown as `<label>`.
    pub fn text(&self) -> Text {
        Text::secret(&self.secret, format!("<{}>", self.label))
    }

    /// The key's bytes (never print them).
    pub fn bytes(&self) -> &[u8] {
        self.secret.as_bytes()
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.secret.len()
    }

    /// A variant computed from the key, shown as `<label derivation>`.
    pub fn derive(&self, derivation: impl AsRef<str>, make: impl FnOnce(&str) -> Vec<u8>) -> Text {
        Text::secret(
            make(&self.secret),
            format!("<{} {}>", self.label, derivation.as_ref()),
        )
    }

    /// The first `len` bytes.
    pub fn truncated(&self, len: usize) -> Text {
        self.derive(format!("truncated to {len} chars"), |k| {
            k.as_bytes()[..len.min(k.len())].to_vec()
        })
    }

    /// The key followed by `suffix`.
    pub fn extended(&self, suffix: &str) -> Text {
        self.derive(format!("followed by {suffix:?}"), |k| {
            format!("{k}{suffix}").into_bytes()
        })
    }

    /// `prefix` followed by the key.
    pub fn preceded(&self, prefix: &str) -> Text {
        self.derive(format!("preceded by {prefix:?}"), |k| {
            format!("{prefix}{k}").into_bytes()
        })
    }

    /// The key with its `thub_` prefix replaced by `prefix`.
    pub fn with_prefix(&self, prefix: &str) -> Text {
        self.derive(
            format!("with prefix {prefix:?} instead of \"thub_\""),
            |k| format!("{prefix}{}", k.strip_prefix(PREFIX).unwrap_or(k)).into_bytes(),
        )
    }

    /// The byte at `index` replaced by `replacement` (any UTF-8).
    pub fn replaced_at(&self, index: usize, replacement: &str, how: &str) -> Text {
        self.derive(format!("with char {index} {how}"), |k| {
            let mut out = k.as_bytes()[..index].to_vec();
            out.extend_from_slice(replacement.as_bytes());
            out.extend_from_slice(&k.as_bytes()[index + 1..]);
            out
        })
    }
}

/// The keys a run has.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    /// `TERMINUS_API_KEY`, or the one the embedded mock minted.
    pub valid: Option<Key>,
    /// `TERMINUS_REVOKED_API_KEY`, or the one the embedded mock minted and revoked.
    pub revoked: Option<Key>,
}

impl Keys {
    /// Reads `TERMINUS_API_KEY` and `TERMINUS_REVOKED_API_KEY` (empty counts as unset).
    pub fn from_environment() -> Self {
        let read = |name: &str, label: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .map(|v| Key::new(v, label))
        };
        Self {
            valid: read("TERMINUS_API_KEY", "valid key"),
            revoked: read("TERMINUS_REVOKED_API_KEY", "revoked key"),
        }
    }
}
