//! The key store: issued keys as SHA-256 digests, their states and times (KEY-2..KEY-6).
//!
//! Readers (every Public API request) load an immutable [`Snapshot`] through an `ArcSwap`: no
//! lock on the hot path. Writers (the admin plane) serialise on a mutex, build the next snapshot
//! and publish it before they answer, so a revocation is seen by the very next request (KEY-4).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;

use super::fragments::{self, Fragments};
use super::recent::Presented;
use super::record::{
    key_digest, KeyDigest, KeyRecord, KeyStatus, MintedKey, Verification, KEY_PREFIX,
};
use crate::error::KeyStoreError;
use crate::redact::hint;

/// Length of the random part of a minted key, in base62 characters (about 238 bits).
const SECRET_LEN: usize = 40;

/// An immutable view of the store, swapped whole on every change.
#[derive(Debug, Default, Clone)]
struct Snapshot {
    records: Vec<KeyRecord>,
    by_digest: HashMap<KeyDigest, usize>,
    by_id: HashMap<String, usize>,
    /// The 10-character pieces of the keys whose text this process saw, as hashes.
    fragments: Fragments,
}

impl Snapshot {
    fn push(&mut self, record: KeyRecord) {
        let index = self.records.len();
        self.fragments.add(index, &record.digest);
        self.by_digest.insert(record.digest, index);
        self.by_id.insert(record.id.clone(), index);
        self.records.push(record);
    }
}

/// Something to call after every change with the whole new state, before the change is
/// acknowledged (persistence hooks in here).
pub type ChangeHook = Arc<dyn Fn(&[KeyRecord]) -> std::io::Result<()> + Send + Sync>;

/// The key store. Cheap to clone; clones share the same keys.
///
/// Rotation (KEY-5) as an SDK test does it: a second key, then the first revoked.
///
/// ```
/// use terminus_mock::{KeyStatus, KeyStore, Verification};
///
/// let store = KeyStore::new();
/// let old = store.mint("2024 key")?;
/// let new = store.mint("2025 key")?;
/// store.revoke(&old.record.id)?;
///
/// assert_eq!(store.verify(old.key.as_bytes()), Verification::Revoked(old.record.id.clone()));
/// assert_eq!(store.verify(new.key.as_bytes()), Verification::Active(new.record.id.clone()));
/// let states: Vec<_> = store.list().iter().map(|r| r.status).collect();
/// assert_eq!(states, [KeyStatus::Revoked, KeyStatus::Active]);
/// # Ok::<(), terminus_mock::KeyStoreError>(())
/// ```
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
    ///
    /// ```
    /// let store = terminus_mock::KeyStore::new();
    /// assert!(store.list().is_empty());
    /// ```
    pub fn new() -> Self {
        Self {
            snapshot: Arc::new(ArcSwap::from_pointee(Snapshot::default())),
            writer: Arc::new(Mutex::new(())),
            on_change: None,
        }
    }

    /// Calls `hook` with every new state before a change is acknowledged; a hook error fails
    /// the change and leaves the store as it was (nothing acknowledged is lost). The hook
    /// belongs to this handle and to the clones made from it afterwards.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use terminus_mock::{KeyStore, KeyStoreError};
    ///
    /// let mut store = KeyStore::new();
    /// store.set_change_hook(Arc::new(|_records| Err(std::io::Error::other("disk full"))));
    /// let refused = store.mint("ci").unwrap_err();
    /// assert!(matches!(refused, KeyStoreError::NotSaved(_)));
    /// assert!(store.list().is_empty(), "a change that was not saved was not made");
    /// ```
    pub fn set_change_hook(&mut self, hook: ChangeHook) {
        self.on_change = Some(hook);
    }

    /// Checks a presented key (KEY-2: byte-for-byte). The lookup goes by the SHA-256 of the
    /// presented bytes, and the digests are then compared in constant time, so timing reveals
    /// nothing of an issued key.
    ///
    /// ```
    /// use terminus_mock::{KeyStore, Verification};
    ///
    /// let store = KeyStore::new();
    /// let minted = store.mint("ci")?;
    /// assert_eq!(store.verify(minted.key.as_bytes()), Verification::Active(minted.record.id));
    /// // No normalisation: a near miss is a key never issued.
    /// for near_miss in [minted.key.to_uppercase(), format!("{} ", minted.key)] {
    ///     assert_eq!(store.verify(near_miss.as_bytes()), Verification::Unknown);
    /// }
    /// # Ok::<(), terminus_mock::KeyStoreError>(())
    /// ```
    pub fn verify(&self, presented: &[u8]) -> Verification {
        let presented = Presented::of(presented);
        let wanted = presented.digest();
        let snap = self.snapshot.load();
        let Some(&index) = snap.by_digest.get(wanted) else {
            return Verification::Unknown;
        };
        let record = &snap.records[index];
        if !bool::from(record.digest.ct_eq(wanted)) {
            return Verification::Unknown;
        }
        presented.found();
        match record.status {
            KeyStatus::Active => Verification::Active(record.id.clone()),
            KeyStatus::Revoked => Verification::Revoked(record.id.clone()),
        }
    }

    /// Mints a new active key: `thub_` and 40 random base62 characters. The whole key is in
    /// the returned [`MintedKey`] only; the store keeps its digest (KEY-6).
    ///
    /// ```
    /// let store = terminus_mock::KeyStore::new();
    /// let minted = store.mint("ci")?;
    /// assert!(minted.key.starts_with("thub_"));
    /// assert_eq!(minted.key.len(), 45);
    /// // What may be shown: the prefix and the last four characters.
    /// assert_eq!(minted.record.hint, format!("thub_…{}", &minted.key[41..]));
    /// assert!(!format!("{minted:?}").contains(&minted.key), "Debug shows the hint only");
    /// # Ok::<(), terminus_mock::KeyStoreError>(())
    /// ```
    pub fn mint(&self, name: &str) -> Result<MintedKey, KeyStoreError> {
        let key = format!("{KEY_PREFIX}{}", random_base62(SECRET_LEN));
        let digest = key_digest(key.as_bytes());
        fragments::note_key(digest, key.as_bytes());
        let record = KeyRecord {
            id: format!("key_{}", random_base62(16)),
            name: name.to_owned(),
            hint: hint(&key),
            digest,
            status: KeyStatus::Active,
            created_at: SystemTime::now(),
            revoked_at: None,
        };
        self.insert(record.clone())?;
        Ok(MintedKey { record, key })
    }

    /// Adds a record (from a keys file or a state file). Fails on a duplicate id or digest.
    ///
    /// ```
    /// use terminus_mock::{keys_file, KeyStore, KeyStoreError};
    ///
    /// let store = KeyStore::new();
    /// let records = keys_file::builtin(); // contract/fixtures/keys.json: test-only keys
    /// for record in records.clone() {
    ///     store.insert(record)?;
    /// }
    /// assert_eq!(store.list().len(), records.len());
    /// let again = store.insert(records[0].clone()).unwrap_err();
    /// assert!(matches!(again, KeyStoreError::Duplicate(id) if id == records[0].id));
    /// # Ok::<(), KeyStoreError>(())
    /// ```
    pub fn insert(&self, record: KeyRecord) -> Result<(), KeyStoreError> {
        self.change(|snap| {
            if snap.by_id.contains_key(&record.id) || snap.by_digest.contains_key(&record.digest) {
                return Err(KeyStoreError::Duplicate(record.id.clone()));
            }
            snap.push(record);
            Ok(())
        })
    }

    /// Revokes a key by id (KEY-4: the next request with it fails). Revoking a revoked key is
    /// not an error: it returns the record as it stands, with its first revocation time.
    ///
    /// ```
    /// use terminus_mock::{KeyStatus, KeyStore, KeyStoreError, Verification};
    ///
    /// let store = KeyStore::new();
    /// let minted = store.mint("ci")?;
    /// let first = store.revoke(&minted.record.id)?;
    /// assert_eq!(first.status, KeyStatus::Revoked);
    /// assert!(matches!(store.verify(minted.key.as_bytes()), Verification::Revoked(_)));
    /// assert_eq!(store.revoke(&minted.record.id)?.revoked_at, first.revoked_at);
    /// assert!(matches!(store.revoke("key_none"), Err(KeyStoreError::UnknownId(_))));
    /// # Ok::<(), KeyStoreError>(())
    /// ```
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

    /// Every record, in creation order: what "Account → API Keys" lists, never a key.
    ///
    /// ```
    /// let store = terminus_mock::KeyStore::new();
    /// let minted = store.mint("ci")?;
    /// let listed = store.list();
    /// assert_eq!(listed.len(), 1);
    /// assert_eq!(listed[0].name, "ci");
    /// assert_eq!(listed[0].hint, minted.record.hint);
    /// # Ok::<(), terminus_mock::KeyStoreError>(())
    /// ```
    pub fn list(&self) -> Vec<KeyRecord> {
        self.snapshot.load().records.clone()
    }

    /// One record by id.
    ///
    /// ```
    /// let store = terminus_mock::KeyStore::new();
    /// let id = store.mint("ci")?.record.id;
    /// assert_eq!(store.get(&id).map(|r| r.name), Some("ci".to_owned()));
    /// assert!(store.get("key_none").is_none());
    /// # Ok::<(), terminus_mock::KeyStoreError>(())
    /// ```
    pub fn get(&self, id: &str) -> Option<KeyRecord> {
        let snap = self.snapshot.load();
        snap.by_id.get(id).map(|&i| snap.records[i].clone())
    }

    /// The name of the key with this id, without copying the rest of its record (the journal
    /// asks it on every request).
    pub(crate) fn name_of(&self, id: &str) -> Option<String> {
        let snap = self.snapshot.load();
        snap.by_id.get(id).map(|&i| snap.records[i].name.clone())
    }

    /// The pieces of the store's keys, to test a text against without a lookup per window
    /// (see [`Pieces`]).
    pub(crate) fn pieces(&self) -> Pieces {
        Pieces(self.snapshot.load_full())
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

/// The pieces of one snapshot of the store's keys, held for the time a request is journaled.
pub(crate) struct Pieces(Arc<Snapshot>);

impl Pieces {
    /// Whether no key has pieces to look for.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.fragments.is_empty()
    }

    /// Whether `byte` occurs in some key.
    pub(crate) fn in_alphabet(&self, byte: u8) -> bool {
        self.0.fragments.in_alphabet(byte)
    }

    /// The state, id and name of the key that has this 10-byte window, if any.
    pub(crate) fn owner(&self, window: &[u8]) -> Option<(KeyStatus, &str, &str)> {
        self.record(self.0.fragments.owner(window)?)
    }

    /// The state, id and name of the key whose Base64 forms have this 8-digit window.
    pub(crate) fn encoded_owner(&self, window: &[u8]) -> Option<(KeyStatus, &str, &str)> {
        self.record(self.0.fragments.encoded_owner(window)?)
    }

    fn record(&self, index: usize) -> Option<(KeyStatus, &str, &str)> {
        let record = self.0.records.get(index)?;
        Some((record.status, &record.id, &record.name))
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
