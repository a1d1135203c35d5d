//! Pieces of the issued keys, as hashes only: so the journal can tell that 10 consecutive
//! characters of a value are a piece of a key the mock issued, without the store keeping the
//! key (KEY-6).
//!
//! When a key is minted, or read from a keys file that holds it, each of its 10-character
//! windows (the `thub_` prefix included) is hashed with SipHash under a key drawn at random
//! for this process, and only the 64-bit hashes are kept: [`Fragments`] maps each to the key
//! it came from. A value is then tested window by window ([`Fragments::owner`]). Recovering a
//! key from them would take guessing one whole 10-character window (62^10 tries for a minted
//! key) with the process's SipHash key in hand.
//!
//! A key known only by its SHA-256 (an `sha256` entry, a `--state` file after a restart) has no
//! windows: it is still recognised whole, not piece by piece.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{Arc, Mutex, OnceLock};

use super::record::KeyDigest;

/// How many consecutive characters of a key are a piece worth hiding.
pub const WINDOW: usize = 10;

/// The process's SipHash key (std's `RandomState` draws it from the system at random).
fn hasher() -> &'static RandomState {
    static HASHER: OnceLock<RandomState> = OnceLock::new();
    HASHER.get_or_init(RandomState::new)
}

/// The keyed hash of one window.
pub fn window_hash(window: &[u8]) -> u64 {
    hasher().hash_one(window)
}

/// The window hashes of one key.
pub fn windows_of(key: &[u8]) -> Arc<[u64]> {
    key.windows(WINDOW).map(window_hash).collect()
}

/// A `Hasher` for keys that already are uniformly random 64-bit hashes.
#[derive(Default)]
pub struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Window hashes of keys whose text this process saw (minted, or in a keys file), by digest:
/// what a store looks up when a record joins it. Hashes only.
fn seen() -> &'static Mutex<HashMap<KeyDigest, Noted>> {
    static SEEN: OnceLock<Mutex<HashMap<KeyDigest, Noted>>> = OnceLock::new();
    SEEN.get_or_init(Default::default)
}

/// What is kept of a key whose text this process saw: its window hashes and which ASCII
/// bytes occur in it (a set of characters, not their order).
#[derive(Clone)]
struct Noted {
    windows: Arc<[u64]>,
    /// Bit `b` set: the ASCII byte `b` occurs in the key.
    alphabet: u128,
}

/// Notes the windows of a key this process holds the text of (called by minting and by the
/// keys file), so the store the record joins can recognise its pieces.
pub fn note_key(digest: KeyDigest, key: &[u8]) {
    let alphabet = key
        .iter()
        .filter(|b| b.is_ascii())
        .fold(0u128, |set, &b| set | (1 << b));
    let noted = Noted {
        windows: windows_of(key),
        alphabet,
    };
    seen()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(digest, noted);
}

fn noted(digest: &KeyDigest) -> Option<Noted> {
    seen()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(digest)
        .cloned()
}

/// The pieces of every key of one store snapshot: window hash → index of the record.
#[derive(Debug, Default, Clone)]
pub struct Fragments {
    owners: HashMap<u64, usize, BuildHasherDefault<Identity>>,
    /// The bytes that occur in some key, bit `b` for byte `b` (ASCII; a window with any other
    /// byte is no piece).
    alphabet: u128,
}

impl Fragments {
    /// Adds the windows of the record at `index`, if this process saw its key.
    pub fn add(&mut self, index: usize, digest: &KeyDigest) {
        let Some(noted) = noted(digest) else {
            return;
        };
        for &hash in noted.windows.iter() {
            self.owners.entry(hash).or_insert(index);
        }
        self.alphabet |= noted.alphabet;
    }

    /// Whether no key has windows (nothing to look for).
    pub fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// Whether `byte` occurs in some key.
    pub fn in_alphabet(&self, byte: u8) -> bool {
        byte < 128 && self.alphabet & (1 << byte) != 0
    }

    /// The record index whose key has this 10-byte window.
    pub fn owner(&self, window: &[u8]) -> Option<usize> {
        debug_assert_eq!(window.len(), WINDOW);
        self.owners.get(&window_hash(window)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_window_of_a_noted_key_is_found_and_nothing_else() {
        let key = concat!("thub_", "abcdefghijKLMNOPQRST0123456789");
        let digest = super::super::key_digest(key.as_bytes());
        note_key(digest, key.as_bytes());
        let mut fragments = Fragments::default();
        fragments.add(3, &digest);
        for window in key.as_bytes().windows(WINDOW) {
            assert_eq!(fragments.owner(window), Some(3));
        }
        assert_eq!(fragments.owner(b"abcdefghiX"), None);
        assert!(fragments.in_alphabet(b'a') && !fragments.in_alphabet(b'%'));
    }
}
