//! Keys: the store a presented key is checked against (digests only, KEY-2..KEY-6), and the
//! two files it is filled from and saved to.
//!
//! - `record.rs`: one key as the store knows it ([`KeyRecord`]: digest, state, times), and
//!   [`MintedKey`], the one value that ever holds a whole key;
//! - `store.rs`: [`KeyStore`], the issued keys, compared in constant time; minting and
//!   revoking;
//! - `keys_file.rs`: the keys file (`contract/fixtures/keys.json`, `--keys FILE`), keys to
//!   start with;
//! - `recent.rs`: the digests of the keys each thread saw lately, under a keyed hash (no
//!   SHA-256 per request for a key presented again);
//! - `fragments.rs`: the 10-character pieces of the keys, as keyed hashes (for the journal);
//! - `state_file.rs`: `--state PATH`, the store kept across restarts, written before a change
//!   is acknowledged.

mod fragments;
pub mod keys_file;
mod recent;
mod record;
pub(crate) mod state_file;
mod store;

use std::path::Path;

use crate::error::Error;

pub(crate) use fragments::{base64_forms, BASE64_STRIDE, BASE64_WINDOW, WINDOW};
pub(crate) use record::key_digest;
pub use record::{KeyDigest, KeyRecord, KeyStatus, MintedKey, Verification, KEY_PREFIX};
pub(crate) use store::{random_base62, Pieces};
pub use store::{ChangeHook, KeyStore};

/// A time as the key files and the admin plane write it: RFC 3339 in UTC, to the second.
pub(crate) fn rfc3339(time: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// Fills the store at start-up. With a state file: the saved state first, then the seed keys
/// it does not hold yet, saved at once, and every later change saved before it is acknowledged.
/// Without: the seed keys.
pub(crate) fn fill(
    store: &mut KeyStore,
    seed: Vec<KeyRecord>,
    state: Option<&Path>,
) -> Result<(), Error> {
    let Some(path) = state else {
        for record in seed {
            store.insert(record).map_err(Error::SeedKeys)?;
        }
        return Ok(());
    };
    for record in state_file::load(path)?.unwrap_or_default() {
        store.insert(record).map_err(Error::SeedKeys)?;
    }
    let known = store.list();
    for record in seed {
        if !known
            .iter()
            .any(|k| k.id == record.id || k.digest == record.digest)
        {
            store.insert(record).map_err(Error::SeedKeys)?;
        }
    }
    state_file::save(path, &store.list()).map_err(|source| Error::WriteFile {
        what: "state file (--state)",
        path: path.to_owned(),
        source,
    })?;
    store.set_change_hook(state_file::hook(path.to_owned()));
    Ok(())
}
