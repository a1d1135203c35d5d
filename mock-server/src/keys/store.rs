//! The key store: issued keys as SHA-256 digests, their states and times (KEY-2..KEY-6).
//!
//! Readers (every Public API request) load an immutable [`Snapshot`] through an `ArcSwap`: no
//! lock on the hot path. Writers (the admin plane) serialise on a mutex, build the next snapshot
//! and publish it before they answer, so a revocation is seen by the very next request (KEY-4).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use ring::digest::{digest, SHA256};
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;

use crate::error::KeyStoreError;
use crate::redact::hint;

/// A SHA-256 digest of a key: all the store ever keeps of it (KEY-6).
pub type KeyDigest = [u8; 32];

/// The prefix every Public API key begins with (KEY-1).
pub const KEY_PREFIX: &str = "thub_";

/// Length of the random part of a minted key, in base62 characters (about 238 bits).
const SECRET_LEN: usize = 40;

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
    /// An issued key that was revoked: the caller must answer exactly as for [`Unknown`](Self::Unknown).
    Revoked(String),
    /// Never issued.
    Unknown,
}

/// An immutable view of the store, swapped whole on every change.
#[derive(Debug, Default, Clone)]
struct Snapshot {
    records: Vec<KeyRecord>,
    by_digest: HashMap<KeyDigest, usize>,
    by_id: HashMap<String, usize>,
}

impl Snapshot {
    fn push(&mut self, record: KeyRecord) {
        let index = self.records.len();
        self.by_digest.insert(record.digest, index);
        self.by_id.insert(record.id.clone(), index);
        self.records.push(record);
    }
}

/// Something to call after every change with the whole new state, before the change is
/// acknowledged (persistence hooks in here).
pub type ChangeHook = Arc<dyn Fn(&[KeyRecord]) -> std::io::Result<()> + Send + Sync>;

/// The key store. Cheap to clone; clones share the same keys.
#[derive(Clone)]
pub struct KeyStore {
    snapshot: Arc<ArcSwap<Snapshot>>,
    writer: Arc<Mutex<()>>,
    on_change: Option<ChangeHook>,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore")
            .field("keys", &self.snapshot.load().records.len())
            .finish()
    }
}

impl Default for KeyStore {
    fn default() -> Self {
        Self::new()
    }
}

impl KeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self {
            snapshot: Arc::new(ArcSwap::from_pointee(Snapshot::default())),
            writer: Arc::new(Mutex::new(())),
            on_change: None,
        }
    }

    /// Calls `hook` with every new state before a change is acknowledged; a hook error fails
    /// the change and leaves the store as it was (nothing acknowledged is lost).
    pub fn set_change_hook(&mut self, hook: ChangeHook) {
        self.on_change = Some(hook);
    }

    /// Checks a presented key (KEY-2: byte-for-byte). The lookup goes by the SHA-256 of the
    /// presented bytes, and the digests are then compared in constant time, so timing reveals
    /// nothing of an issued key.
    pub fn verify(&self, presented: &[u8]) -> Verification {
        let wanted = key_digest(presented);
        let snap = self.snapshot.load();
        let Some(&index) = snap.by_digest.get(&wanted) else {
            return Verification::Unknown;
        };
        let record = &snap.records[index];
        if !bool::from(record.digest.ct_eq(&wanted)) {
            return Verification::Unknown;
        }
        match record.status {
            KeyStatus::Active => Verification::Active(record.id.clone()),
            KeyStatus::Revoked => Verification::Revoked(record.id.clone()),
        }
    }

    /// Mints a new active key.
    pub fn mint(&self, name: &str) -> Result<MintedKey, KeyStoreError> {
        let key = format!("{KEY_PREFIX}{}", random_base62(SECRET_LEN));
        let record = KeyRecord {
            id: format!("key_{}", random_base62(16)),
            name: name.to_owned(),
            hint: hint(&key),
            digest: key_digest(key.as_bytes()),
            status: KeyStatus::Active,
            created_at: SystemTime::now(),
            revoked_at: None,
        };
        self.insert(record.clone())?;
        Ok(MintedKey { record, key })
    }

    /// Adds a record (from a keys file or a state file). Fails on a duplicate id or digest.
    pub fn insert(&self, record: KeyRecord) -> Result<(), KeyStoreError> {
        self.change(|snap| {
            if snap.by_id.contains_key(&record.id) || snap.by_digest.contains_key(&record.digest) {
                return Err(KeyStoreError::Duplicate(record.id.clone()));
            }
            snap.push(record);
            Ok(())
        })
    }

    /// Revokes a key by id. Revoking a revoked key is not an error: it returns the record as
    /// it stands, with its first revocation time.
    pub fn revoke(&self, id: &str) -> Result<KeyRecord, KeyStoreError> {
        self.change(|snap| {
            let &index = snap
                .by_id
                .get(id)
                .ok_or_else(|| KeyStoreError::UnknownId(id.to_owned()))?;
            let record = &mut snap.records[index];
            if record.status == KeyStatus::Active {
                record.status = KeyStatus::Revoked;
                record.revoked_at = Some(SystemTime::now());
            }
            Ok(record.clone())
        })
    }

    /// Every record, in creation order.
    pub fn list(&self) -> Vec<KeyRecord> {
        self.snapshot.load().records.clone()
    }

    /// One record by id.
    pub fn get(&self, id: &str) -> Option<KeyRecord> {
        let snap = self.snapshot.load();
        snap.by_id.get(id).map(|&i| snap.records[i].clone())
    }

    /// Applies `edit` to a copy of the current snapshot, runs the change hook, and publishes
    /// the copy. Writers are serialised; readers never wait.
    fn change<T>(
        &self,
        edit: impl FnOnce(&mut Snapshot) -> Result<T, KeyStoreError>,
    ) -> Result<T, KeyStoreError> {
        let _writer = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut next = Snapshot::clone(&self.snapshot.load());
        let out = edit(&mut next)?;
        if let Some(hook) = &self.on_change {
            hook(&next.records).map_err(KeyStoreError::NotSaved)?;
        }
        self.snapshot.store(Arc::new(next));
        Ok(out)
    }
}

/// A uniformly random string of base62 characters from the system's secure generator: keys,
/// key ids and admin tokens.
pub fn random_base62(len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let rng = SystemRandom::new();
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 64];
    while out.len() < len {
        rng.fill(&mut buf)
            .expect("the system random number generator failed");
        // Rejection sampling keeps every character equally likely: 248 = 4 * 62.
        for &b in buf.iter().filter(|&&b| b < 248) {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[(b % 62) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_key_verifies_and_revocation_is_immediate() {
        let store = KeyStore::new();
        let minted = store.mint("ci").unwrap();
        assert!(minted.key.starts_with("thub_"));
        assert_eq!(minted.key.len(), 5 + SECRET_LEN);
        assert_eq!(
            store.verify(minted.key.as_bytes()),
            Verification::Active(minted.record.id.clone())
        );
        store.revoke(&minted.record.id).unwrap();
        assert_eq!(
            store.verify(minted.key.as_bytes()),
            Verification::Revoked(minted.record.id.clone())
        );
    }

    #[test]
    fn near_misses_are_unknown() {
        let store = KeyStore::new();
        let key = store.mint("a").unwrap().key;
        for bad in [
            &key[..key.len() - 1],
            &format!("{key}x"),
            &key.to_uppercase(),
            &key[5..],
        ] {
            assert_eq!(store.verify(bad.as_bytes()), Verification::Unknown, "{bad}");
        }
    }

    #[test]
    fn revoking_twice_keeps_first_time_and_unknown_id_fails() {
        let store = KeyStore::new();
        let id = store.mint("a").unwrap().record.id;
        let first = store.revoke(&id).unwrap();
        let second = store.revoke(&id).unwrap();
        assert_eq!(first.revoked_at, second.revoked_at);
        assert!(matches!(
            store.revoke("key_nope"),
            Err(KeyStoreError::UnknownId(_))
        ));
    }

    #[test]
    fn debug_of_minted_key_shows_only_the_hint() {
        let minted = KeyStore::new().mint("a").unwrap();
        let shown = format!("{minted:?}");
        assert!(!shown.contains(&minted.key[5..15]), "{shown}");
    }
}
