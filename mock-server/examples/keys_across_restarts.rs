//! The key store kept across restarts (`--state PATH`, `MockConfig::state`): a key minted by one
//! run still authenticates after the mock restarts, a revocation stays revoked, and the state
//! file holds SHA-256 digests only, never a key (KEY-6).
//!
//! Run: `cargo run -p terminus-mock --example keys_across_restarts`
//!
//! It writes its state file in the system's temporary directory and removes it at the end;
//! it exits non-zero if a key is not judged as before the restart.

use std::path::PathBuf;

use terminus_mock::{MockConfig, MockServer, Verification};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("terminus-mock-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let state: PathBuf = dir.join("state.json");
    let config = || MockConfig {
        state: Some(state.clone()),
        keys: Vec::new(),
        ..MockConfig::default()
    };

    // First run: mint two keys, revoke one. Each change is on disk before it returns.
    let first = MockServer::start(config()).await?;
    let kept = first.key_store().mint("kept")?;
    let revoked = first.key_store().mint("revoked")?;
    first.key_store().revoke(&revoked.record.id)?;
    println!(
        "first run: minted {} and {} (revoked)",
        kept.record.hint, revoked.record.hint
    );
    first.shutdown().await;

    let saved = std::fs::read_to_string(&state)?;
    for key in [&kept.key, &revoked.key] {
        let secret = &key["thub_".len()..];
        assert!(!saved.contains(secret), "the state file holds a key");
    }
    println!(
        "state file {}: {} bytes, digests only",
        state.display(),
        saved.len()
    );

    // Second run, same file: the store is as the first run left it.
    let second = MockServer::start(config()).await?;
    let store = second.key_store();
    assert_eq!(
        store.verify(kept.key.as_bytes()),
        Verification::Active(kept.record.id.clone())
    );
    assert_eq!(
        store.verify(revoked.key.as_bytes()),
        Verification::Revoked(revoked.record.id.clone())
    );
    println!(
        "second run: {} active, {} revoked",
        kept.record.hint, revoked.record.hint
    );
    second.shutdown().await;

    std::fs::remove_dir_all(&dir)?;
    println!("ok: the keys outlived the restart, and no key was written");
    Ok(())
}
