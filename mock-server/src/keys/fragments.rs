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
//! The same is kept of the key's Base64 forms: at each of the 3 byte alignments it can have
//! inside an encoded text, in both alphabets, each 8-digit window of the digits that only the
//! key's bytes determine (8 digits are 6 bytes of the key): so a piece of a key is recognised
//! inside Base64 without decoding every run of Base64 digits. Ten characters of a key give at
//! least 12 such digits, so testing every 4th window of a run of digits
//! ([`BASE64_STRIDE`]) finds them.
//!
//! A key known only by its SHA-256 (an `sha256` entry, a `--state` file after a restart) has no
//! windows: it is still recognised whole, not piece by piece.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{Arc, Mutex, OnceLock};

use super::record::KeyDigest;

/// How many consecutive characters of a key are a piece worth hiding.
pub const WINDOW: usize = 10;

/// How many consecutive Base64 digits of a key's encoding are a piece of it.
pub const BASE64_WINDOW: usize = 8;

/// Every how many digits a run of Base64 digits is tested: 12 determined digits (the fewest
/// that 10 characters of a key give) hold an 8-digit window at every 4th position.
pub const BASE64_STRIDE: usize = 4;

/// The Base64 digits (standard alphabet) of `bytes`, unpadded, with the bits of an
/// incomplete last group filled with zeros.
fn base64_digits(bytes: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]);
        }
    }
    out
}

/// The Base64 digits that only `bytes` determine, when `bytes` start `align` bytes after a
/// 3-byte boundary of the encoded text (0, 1 or 2), in the standard and the URL-safe alphabet
/// (the second only when it differs).
pub fn base64_forms(bytes: &[u8], align: usize) -> Vec<Vec<u8>> {
    let mut stream = vec![0u8; align];
    stream.extend_from_slice(bytes);
    let digits = base64_digits(&stream);
    let (first_bit, end_bit) = (8 * align, 8 * (align + bytes.len()));
    let (start, end) = (first_bit.div_ceil(6), end_bit / 6);
    let standard = digits[start.min(end)..end].to_vec();
    let url_safe: Vec<u8> = standard
        .iter()
        .map(|&d| match d {
            b'+' => b'-',
            b'/' => b'_',
            d => d,
        })
        .collect();
    if url_safe == standard {
        vec![standard]
    } else {
        vec![standard, url_safe]
    }
}

/// The process's SipHash key (std's `RandomState` draws it from the system at random).
fn hasher() -> &'static RandomState {
    static HASHER: OnceLock<RandomState> = OnceLock::new();
    HASHER.get_or_init(RandomState::new)
}

/// The keyed hash of one window.
pub fn window_hash(window: &[u8]) -> u64 {
    hasher().hash_one(window)
}

/// A 16-bit hash of one window, cheap to compute (a few multiplications), seeded per process:
/// a window whose quick hash no key's window has is no piece, without computing SipHash. It
/// tells 16 bits of a window, far fewer than the 59 of its entropy.
/// Only the first 10 bytes of `window` count (it has 8 at least).
pub fn quick_hash(window: &[u8]) -> u16 {
    static SEED: OnceLock<u64> = OnceLock::new();
    let seed = *SEED.get_or_init(|| hasher().hash_one(0x5eed_u64));
    let mut head = [0u8; 8];
    head.copy_from_slice(&window[..8]);
    let mut tail = [0u8; 2];
    for (t, b) in tail.iter_mut().zip(&window[8..]) {
        *t = *b;
    }
    let a = u64::from_le_bytes(head) ^ seed;
    let b = u64::from(u16::from_le_bytes(tail)) ^ seed.rotate_left(29);
    let h = a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    ((h ^ (h >> 29)).wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 48) as u16
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
    quick: Arc<[u16]>,
    /// Hashes and quick hashes of the 12-digit windows of its Base64 forms.
    encoded: Arc<[(u64, u16)]>,
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
        quick: key.windows(WINDOW).map(quick_hash).collect(),
        encoded: (0..3)
            .flat_map(|align| base64_forms(key, align))
            .flat_map(|form| {
                form.windows(BASE64_WINDOW)
                    .map(|w| (window_hash(w), quick_hash(w)))
                    .collect::<Vec<_>>()
            })
            .collect(),
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
    /// Bit `q` set: some window has the quick hash `q` (65 536 bits; empty until a key has
    /// windows).
    quick: Vec<u64>,
    /// The windows of the keys' Base64 forms: hash → index of the record.
    encoded: HashMap<u64, usize, BuildHasherDefault<Identity>>,
    /// As `quick`, for `encoded`.
    quick_encoded: Vec<u64>,
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
        for &q in noted.quick.iter() {
            set_bit(&mut self.quick, q);
        }
        for &(hash, q) in noted.encoded.iter() {
            self.encoded.entry(hash).or_insert(index);
            set_bit(&mut self.quick_encoded, q);
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
        if !has_bit(&self.quick, quick_hash(window)) {
            return None;
        }
        self.owners.get(&window_hash(window)).copied()
    }

    /// The record index whose key's Base64 forms have this 8-digit window.
    pub fn encoded_owner(&self, window: &[u8]) -> Option<usize> {
        debug_assert_eq!(window.len(), BASE64_WINDOW);
        if !has_bit(&self.quick_encoded, quick_hash(window)) {
            return None;
        }
        self.encoded.get(&window_hash(window)).copied()
    }
}

fn set_bit(bits: &mut Vec<u64>, q: u16) {
    if bits.is_empty() {
        *bits = vec![0; 1 << 10];
    }
    bits[usize::from(q >> 6)] |= 1 << (q & 63);
}

fn has_bit(bits: &[u64], q: u16) -> bool {
    bits.get(usize::from(q >> 6))
        .is_some_and(|word| word & (1 << (q & 63)) != 0)
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
        // In Base64, at any alignment, in both alphabets.
        for align in 0..3 {
            for form in base64_forms(key.as_bytes(), align) {
                for window in form.windows(BASE64_WINDOW) {
                    assert_eq!(fragments.encoded_owner(window), Some(3));
                }
            }
        }
        assert!(fragments.in_alphabet(b'a') && !fragments.in_alphabet(b'%'));
    }
}
