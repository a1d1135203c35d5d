//! The keys file (`contract/fixtures/keys.json`, `--keys FILE`): keys to seed the store with, active and
//! revoked, so SDK test suites are reproducible. Each entry carries either the key itself
//! (`"key"`, for well-known test keys) or only its SHA-256 (`"sha256"`, hex).

use std::path::Path;
use std::time::SystemTime;

use serde::Deserialize;

use super::{key_digest, KeyDigest, KeyRecord, KeyStatus, KEY_PREFIX};
use crate::error::Error;
use crate::redact::hint;

/// The bundled test-only keys (`contract/fixtures/keys.json`), embedded at compile time.
pub const BUILTIN_KEYS: &str = terminus_contract::fixtures::KEYS;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeysFile {
    #[serde(rename = "$comment", default)]
    _comment: Option<String>,
    keys: Vec<KeyEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyEntry {
    id: String,
    #[serde(default)]
    name: String,
    key: Option<String>,
    sha256: Option<String>,
    hint: Option<String>,
    status: KeyStatus,
    created_at: Option<String>,
    revoked_at: Option<String>,
}

/// Reads a keys file.
pub fn load_file(path: &Path) -> Result<Vec<KeyRecord>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::ReadFile {
        what: "keys file (--keys)",
        path: path.to_owned(),
        source,
    })?;
    parse(&text, &path.display().to_string())
}

/// The bundled test-only keys, active and revoked.
///
/// ```
/// use terminus_mock::{keys_file, KeyStatus};
///
/// let records = keys_file::builtin();
/// assert!(records.iter().any(|r| r.status == KeyStatus::Active));
/// assert!(records.iter().any(|r| r.status == KeyStatus::Revoked));
/// ```
pub fn builtin() -> Vec<KeyRecord> {
    parse(BUILTIN_KEYS, "contract/fixtures/keys.json (built in)")
        .expect("the built-in keys fixture is valid (tested)")
}

/// Parses the keys format; `origin` names the source in errors. Error messages never quote a
/// key.
///
/// ```
/// use terminus_mock::{keys_file, KeyStatus, KeyStore, Verification};
///
/// // An entry may hold only the key's SHA-256, so the file holds no secret.
/// let sha256 = "0".repeat(64);
/// let text =
///     format!(r#"{{"keys": [{{"id": "k1", "sha256": "{sha256}", "status": "revoked"}}]}}"#);
/// let records = keys_file::parse(&text, "keys.json")?;
/// assert_eq!((records[0].id.as_str(), records[0].status), ("k1", KeyStatus::Revoked));
///
/// let err = keys_file::parse(r#"{"keys": [{"id": "k2", "status": "active"}]}"#, "keys.json")
///     .unwrap_err();
/// assert!(err.to_string().contains("exactly one of \"key\" and \"sha256\""), "{err}");
/// # Ok::<(), terminus_mock::Error>(())
/// ```
pub fn parse(text: &str, origin: &str) -> Result<Vec<KeyRecord>, Error> {
    let invalid = Error::invalid_file("keys file", origin);
    let file: KeysFile = serde_json::from_str(text).map_err(|e| {
        // serde's message may quote the offending value, which may be a key: keep the position.
        invalid(format!(
            "not the expected JSON at line {} column {} (expected {{\"keys\": [{{\"id\", \"key\" or \"sha256\", \"status\"}}]}})",
            e.line(),
            e.column()
        ))
    })?;
    let mut records = Vec::with_capacity(file.keys.len());
    for (i, entry) in file.keys.into_iter().enumerate() {
        let at = format!("keys[{i}] (id {:?})", entry.id);
        let (digest, key_hint) = match (&entry.key, &entry.sha256) {
            (Some(key), None) => {
                if !key.starts_with(KEY_PREFIX) {
                    return Err(invalid(format!(
                        "{at}: a key must begin with thub_ (KEY-1)"
                    )));
                }
                if key.len() <= KEY_PREFIX.len() || !key.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(invalid(format!(
                        "{at}: a key is thub_ followed by printable characters without spaces"
                    )));
                }
                let digest = key_digest(key.as_bytes());
                super::fragments::note_key(digest, key.as_bytes());
                (digest, hint(key))
            }
            (None, Some(hex)) => (
                parse_hex_digest(hex)
                    .ok_or_else(|| invalid(format!("{at}: sha256 must be 64 hex digits")))?,
                entry.hint.clone().unwrap_or_else(|| "thub_…".to_owned()),
            ),
            _ => {
                return Err(invalid(format!(
                    "{at}: give exactly one of \"key\" and \"sha256\""
                )))
            }
        };
        let time = |field: &str, value: &Option<String>| -> Result<Option<SystemTime>, Error> {
            value
                .as_deref()
                .map(|v| {
                    humantime::parse_rfc3339_weak(v).map_err(|e| {
                        invalid(format!("{at}: {field} {v:?} is not an RFC 3339 time: {e}"))
                    })
                })
                .transpose()
        };
        let created_at = time("created_at", &entry.created_at)?.unwrap_or_else(SystemTime::now);
        let revoked_at = time("revoked_at", &entry.revoked_at)?;
        let revoked_at = match (entry.status, revoked_at) {
            (KeyStatus::Revoked, None) => Some(created_at),
            (KeyStatus::Active, Some(_)) => {
                return Err(invalid(format!("{at}: an active key has no revoked_at")))
            }
            (_, t) => t,
        };
        records.push(KeyRecord {
            id: entry.id,
            name: entry.name,
            hint: key_hint,
            digest,
            status: entry.status,
            created_at,
            revoked_at,
        });
    }
    Ok(records)
}

fn parse_hex_digest(hex: &str) -> Option<KeyDigest> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Lower-case hex of a digest.
pub fn hex_digest(digest: &KeyDigest) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_keys_are_active_and_revoked_test_keys() {
        let records = builtin();
        assert!(records.iter().any(|r| r.status == KeyStatus::Active));
        assert!(records.iter().any(|r| r.status == KeyStatus::Revoked));
        assert!(BUILTIN_KEYS.contains("TEST-ONLY"));
    }

    #[test]
    fn digest_entries_round_trip() {
        let digest = key_digest(b"thub_abc");
        let text = format!(
            r#"{{"keys":[{{"id":"k1","sha256":"{}","status":"active"}}]}}"#,
            hex_digest(&digest)
        );
        assert_eq!(parse(&text, "t").unwrap()[0].digest, digest);
    }

    #[test]
    fn errors_name_the_entry_and_never_quote_the_key() {
        let text = r#"{"keys":[{"id":"k1","key":"nothub_secretsecretsecret","status":"active"}]}"#;
        let err = parse(text, "keys.json").unwrap_err().to_string();
        assert!(
            err.contains("keys.json") && err.contains("k1") && err.contains("thub_"),
            "{err}"
        );
        assert!(!err.contains("secretsecret"), "{err}");
        let text = r#"{"keys":[{"id":"k1","key":"thub_secretsecretsecret","status":"actve"}]}"#;
        let err = parse(text, "keys.json").unwrap_err().to_string();
        assert!(!err.contains("secretsecret"), "{err}");
    }
}
