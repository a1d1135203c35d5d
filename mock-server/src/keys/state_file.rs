//! `--state PATH`: the key store kept across restarts. Digests, states and times only — never a
//! key (KEY-6) — in the keys-file format with `sha256` entries, so a state file can also seed
//! another mock with `--keys`.
//!
//! Every change is written before it is acknowledged: the whole state to a temporary file in
//! the same directory, fsync, rename over the old file, fsync the directory. A crash at any point
//! leaves either the old state or the new one, never half of either.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::json;

use super::keys_file::{self, hex_digest};
use super::rfc3339;
use super::{ChangeHook, KeyRecord};
use crate::error::Error;

/// Reads a state file; `None` when it does not exist yet (first start).
pub fn load(path: &Path) -> Result<Option<Vec<KeyRecord>>, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => keys_file::parse(&text, &path.display().to_string()).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::ReadFile {
            what: "state file (--state)",
            path: path.to_owned(),
            source,
        }),
    }
}

/// The change hook that writes every new state to `path` before the change is acknowledged.
pub fn hook(path: PathBuf) -> ChangeHook {
    Arc::new(move |records: &[KeyRecord]| save(&path, records))
}

/// Writes `records` to `path` atomically and durably.
pub fn save(path: &Path, records: &[KeyRecord]) -> std::io::Result<()> {
    let keys: Vec<_> = records
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "sha256": hex_digest(&r.digest),
                "hint": r.hint,
                "status": r.status,
                "created_at": rfc3339(r.created_at),
                "revoked_at": r.revoked_at.map(rfc3339),
            })
        })
        .collect();
    let text = serde_json::to_string_pretty(&json!({
        "$comment": "terminus-mock key store state: SHA-256 digests only, never keys. Written by --state; loadable with --keys.",
        "keys": keys,
    }))
    .map_err(std::io::Error::other)?;

    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("--state must name a file"))?;
    let mut tmp_name = file_name.to_owned();
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.write_all(b"\n")?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // The rename itself must survive a crash: sync the directory entry.
    std::fs::File::open(&dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyStatus, KeyStore};

    #[test]
    fn state_round_trips_without_keys() {
        let dir = std::env::temp_dir().join(format!("terminus-state-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let mut store = KeyStore::new();
        store.set_change_hook(hook(path.clone()));
        let a = store.mint("a").unwrap();
        let b = store.mint("b").unwrap();
        store.revoke(&b.record.id).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&a.key[5..15]) && !text.contains(&b.key[5..15]));
        let loaded = load(&path).unwrap().unwrap();
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded[0].digest, a.record.digest);
        assert_eq!(loaded[1].status, KeyStatus::Revoked);
        assert_eq!(loaded[1].hint, b.record.hint);
        assert!(load(&dir.join("absent.json")).unwrap().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_save_refuses_the_change() {
        let mut store = KeyStore::new();
        store.set_change_hook(hook(PathBuf::from("/nonexistent-dir/state.json")));
        assert!(store.mint("a").is_err());
        assert!(store.list().is_empty(), "an unsaved change is not made");
    }
}
