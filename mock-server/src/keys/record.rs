//! One key as the store knows it: its record (id, name, hint, SHA-256 digest, state, times),
//! never the key itself (KEY-6); the one value that holds a whole key, once, at minting; and
//! the result of checking a presented key.

use std::time::SystemTime;

use ring::digest::{digest, SHA256};

/// A SHA-256 digest of a key: all the store ever keeps of it (KEY-6).
pub type KeyDigest = [u8; 32];

/// The prefix every Public API key begins with (KEY-1).
pub const KEY_PREFIX: &str = "thub_";

/// Digest of a presented or issued key.
pub fn key_digest(key: &[u8]) -> KeyDigest {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, key).as_ref());
    out
}

/// Whether a key may still be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStatus {
    /// Authenticates Public API requests.
    Active,
    /// Revoked: fails exactly like an unknown key (KEY-4).
    Revoked,
}

/// What the store knows of one key: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// Stable identifier, `key_…`, used by the admin plane to revoke.
    pub id: String,
    /// Free-form label given at creation.
    pub name: String,
    /// `thub_…WXYZ`: the prefix and the last four characters.
    pub hint: String,
    /// SHA-256 of the whole key.
    pub digest: KeyDigest,
    /// Active or revoked.
    pub status: KeyStatus,
    /// When the key was created.
    pub created_at: SystemTime,
    /// When the key was revoked, if it was.
    pub revoked_at: Option<SystemTime>,
}

/// A key just minted: the only value that ever holds the whole key (KEY-6: shown once).
#[derive(Clone)]
pub struct MintedKey {
    /// The record now in the store.
    pub record: KeyRecord,
    /// The whole key, `thub_…`. Hand it to the user once and drop it.
    pub key: String,
}

impl std::fmt::Debug for MintedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MintedKey")
            .field("record", &self.record)
            .field("key", &self.record.hint)
            .finish()
    }
}

/// The result of checking a presented key against the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// An issued, active key; carries its id.
    Active(String),
    /// An issued key that was revoked: the caller must answer exactly as for
    /// [`Unknown`](Self::Unknown) (KEY-4, ERR-3).
    Revoked(String),
    /// Never issued.
    Unknown,
}
