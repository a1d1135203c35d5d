//! The keys the runner presents: the valid one, the revoked one, extra ones the admin plane
//! mints, and every variant derived from them (truncated, extended, case-flipped…), each
//! described by its derivation and never shown.

use crate::error::Error;
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
    /// `TERMINUS_SECOND_API_KEY`: another active key of the same account, for KEY-3 against a
    /// deployment without an admin plane the runner can use.
    pub second: Option<Key>,
    /// the target refused the valid key before the trials (the request and its answer):
    /// one OK-1 case reports it, the other cases that need the key are ignored.
    pub valid_refused: Option<KeyRefusal>,
    /// the target accepted the "revoked" key before the trials: KEY-4 reports it, the
    /// other cases that need that key are ignored.
    pub revoked_accepted: Option<KeyRefusal>,
}

/// What the target answered when the runner tried a key before the trials.
#[derive(Debug, Clone)]
pub struct KeyRefusal {
    /// The request, keys shown by name.
    pub request: String,
    /// The answer.
    pub answer: String,
}

impl Keys {
    /// Reads `TERMINUS_API_KEY` and `TERMINUS_REVOKED_API_KEY` for a `--target` run (empty
    /// counts as unset; whitespace around a secret, such as a CI secret's trailing newline, is
    /// not part of it). R-2: the keys are checked before they are trusted — a missing valid key
    /// is a usage error unless `no_key`, a "revoked" key equal to the valid one is one, and so
    /// is a key that does not begin with `thub_` (KEY-1: it cannot be a key).
    pub fn from_environment(no_key: bool) -> Result<Self, Error> {
        let read = |name: &'static str, label: &str| -> Result<Option<Key>, Error> {
            let Some(value) = std::env::var_os(name) else {
                return Ok(None);
            };
            let Some(value) = value.to_str() else {
                return Err(Error::Usage(format!(
                    "{name} is not valid UTF-8: a Terminus Hub key is printable ASCII beginning with thub_"
                )));
            };
            let value = value.trim();
            if value.is_empty() {
                return Ok(None);
            }
            let key = Key::new(value, label);
            if !value.starts_with(PREFIX) {
                return Err(Error::Usage(format!(
                    "{name} does not begin with thub_, so it cannot be a Terminus Hub Public API key (KEY-1): check that the CI secret holds the API key itself"
                )));
            }
            Ok(Some(key))
        };
        let valid = read("TERMINUS_API_KEY", "valid key")?;
        let revoked = read("TERMINUS_REVOKED_API_KEY", "revoked key")?;
        let second = read("TERMINUS_SECOND_API_KEY", "second key")?;
        let same = |a: &Option<Key>, b: &Option<Key>| matches!((a, b), (Some(a), Some(b)) if a.bytes() == b.bytes());
        if same(&second, &valid) || same(&second, &revoked) {
            return Err(Error::Usage(
                "TERMINUS_SECOND_API_KEY must be another active key of the same account, not TERMINUS_API_KEY or TERMINUS_REVOKED_API_KEY".into(),
            ));
        }
        if let (Some(v), Some(r)) = (&valid, &revoked) {
            if v.bytes() == r.bytes() {
                return Err(Error::Usage(
                    "TERMINUS_REVOKED_API_KEY is the same key as TERMINUS_API_KEY: it must be a key that was revoked (create a key on the account page, revoke it, and store that one); or unset it to skip the revoked-key cases".into(),
                ));
            }
        }
        if no_key {
            if valid.is_some() {
                eprintln!("terminus-conformance: --no-key: TERMINUS_API_KEY is set but not used; only the cases that need no valid key run");
            }
            return Ok(Self {
                revoked,
                second,
                ..Self::default()
            });
        }
        if valid.is_none() {
            return Err(Error::Usage(
                "TERMINUS_API_KEY is not set (or empty): a --target run needs a valid key of the deployment, from the environment only (never a flag). Set it from your CI secret store, e.g. in GitHub Actions `env: TERMINUS_API_KEY: ${{ secrets.TERMINUS_API_KEY }}`; or pass --no-key to run only the cases that need no valid key".into(),
            ));
        }
        Ok(Self {
            valid,
            revoked,
            second,
            ..Self::default()
        })
    }
}
