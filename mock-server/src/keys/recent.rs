//! The digests of the keys presented lately, found without SHA-256.
//!
//! The store keeps a key's SHA-256 digest only (KEY-6), so checking a presented key means
//! hashing it: about a tenth of the mock's own work on the authenticated 200 path, where an
//! SDK, a test suite or a load test presents the same few keys again and again. Each serving
//! thread remembers the digests of the last keys it found in a store, under a 128-bit SipHash
//! of the presented bytes keyed at random per process (two independent std `RandomState`s):
//! no key, and nothing of one that can be turned back into it or forged without the keys.
//! A digest is a function of the key alone, so one memory serves every store; a presented key
//! found in no store is never remembered (a flood of wrong keys does not push the right ones
//! out). What the store then does with the digest (lookup, constant-time comparison, state)
//! is unchanged.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::hash::RandomState;
use std::sync::OnceLock;

use super::record::{key_digest, KeyDigest};

/// Digests a thread remembers; past this many it starts over (a handful of keys is usual).
const REMEMBERED: usize = 64;

/// The process's two SipHash keys.
fn hashers() -> &'static (RandomState, RandomState) {
    static HASHERS: OnceLock<(RandomState, RandomState)> = OnceLock::new();
    HASHERS.get_or_init(|| (RandomState::new(), RandomState::new()))
}

fn quick(presented: &[u8]) -> u128 {
    let (a, b) = hashers();
    (u128::from(a.hash_one(presented)) << 64) | u128::from(b.hash_one(presented))
}

thread_local! {
    static RECENT: RefCell<HashMap<u128, KeyDigest>> = RefCell::new(HashMap::new());
}

/// A presented key on its way through the store: its digest, computed once.
pub(crate) struct Presented {
    quick: u128,
    digest: KeyDigest,
    remembered: bool,
}

impl Presented {
    /// The digest of `presented`: remembered by this thread, else SHA-256.
    pub(crate) fn of(presented: &[u8]) -> Self {
        let quick = quick(presented);
        match RECENT.with(|recent| recent.borrow().get(&quick).copied()) {
            Some(digest) => Self {
                quick,
                digest,
                remembered: true,
            },
            None => Self {
                quick,
                digest: key_digest(presented),
                remembered: false,
            },
        }
    }

    pub(crate) fn digest(&self) -> &KeyDigest {
        &self.digest
    }

    /// The store holds this digest: remember it for the next time the key is presented.
    pub(crate) fn found(&self) {
        if self.remembered {
            return;
        }
        RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            if recent.len() >= REMEMBERED {
                recent.clear();
            }
            recent.insert(self.quick, self.digest);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_digest_is_the_sha256_digest() {
        let key = concat!("thub_", "RecentDigestTest0123456789abcdefghijklmno");
        let first = Presented::of(key.as_bytes());
        assert!(!first.remembered);
        assert_eq!(first.digest(), &key_digest(key.as_bytes()));
        first.found();
        let again = Presented::of(key.as_bytes());
        assert!(again.remembered);
        assert_eq!(again.digest(), &key_digest(key.as_bytes()));
        // One byte off is another key: not remembered, its own digest.
        let other = format!("{}X", &key[..key.len() - 1]);
        let other = Presented::of(other.as_bytes());
        assert!(!other.remembered);
        assert_ne!(other.digest(), again.digest());
    }

    #[test]
    fn a_key_found_nowhere_is_not_remembered_and_memory_stays_bounded() {
        let unknown = concat!("thub_", "NeverFoundAnywhere000000000000000000000000");
        let _ = Presented::of(unknown.as_bytes()); // not `found()`
        assert!(!Presented::of(unknown.as_bytes()).remembered);
        for i in 0..(3 * REMEMBERED) {
            Presented::of(format!("thub_key{i}").as_bytes()).found();
        }
        assert!(RECENT.with(|r| r.borrow().len()) <= REMEMBERED);
    }
}
