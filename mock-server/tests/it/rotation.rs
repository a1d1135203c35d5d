//! KEY-5 rotation and KEY-4 under load: minting and revoking while requests are served.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::support::{request, send_raw, Mock};

#[tokio::test]
async fn key_5_creating_a_key_keeps_others_and_revoking_one_keeps_the_rest() {
    let mock = Mock::start().await;
    let store = mock.server.key_store();
    let old = store.mint("old").unwrap();
    let new = store.mint("new").unwrap();
    assert_eq!(mock.get_with_key("/v1/account", &old.key).await.status, 200);
    assert_eq!(mock.get_with_key("/v1/account", &new.key).await.status, 200);
    store.revoke(&old.record.id).unwrap();
    mock.get_with_key("/v1/account", &old.key)
        .await
        .assert_envelope();
    assert_eq!(mock.get_with_key("/v1/account", &new.key).await.status, 200);
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
}

/// Eight connections hammer the Public API with a key that is revoked midway and a key that
/// stays: after the revocation is acknowledged, no request with the revoked key succeeds, and
/// the other key never fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_4_revocation_under_load_is_immediate_and_spares_the_other_keys() {
    let mock = Arc::new(Mock::start().await);
    let doomed = mock.server.key_store().mint("doomed").unwrap();
    let revoked = Arc::new(AtomicBool::new(false));
    let late_successes = Arc::new(AtomicU64::new(0));
    let served = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for i in 0..8 {
        let mock = mock.clone();
        let (revoked, late, served, stop) = (
            revoked.clone(),
            late_successes.clone(),
            served.clone(),
            stop.clone(),
        );
        let doomed_key = doomed.key.clone();
        workers.push(tokio::spawn(async move {
            let mut conn = mock.tls().await;
            let key = if i % 2 == 0 {
                doomed_key
            } else {
                mock.key.clone()
            };
            let raw = request(
                "GET",
                "/v1/account",
                &[&format!("Authorization: Bearer {key}")],
            );
            while !stop.load(Ordering::Relaxed) {
                // Read the flag before sending: a request sent after the acknowledgement
                // must fail.
                let after_revocation = revoked.load(Ordering::SeqCst);
                let status = send_raw(&mut conn, &raw).await.status;
                served.fetch_add(1, Ordering::Relaxed);
                if i % 2 == 1 {
                    assert_eq!(status, 200, "the key that stays failed");
                } else if after_revocation && status == 200 {
                    late.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    mock.server.key_store().revoke(&doomed.record.id).unwrap();
    revoked.store(true, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    assert!(
        served.load(Ordering::Relaxed) > 100,
        "too little load to mean anything"
    );
    assert_eq!(late_successes.load(Ordering::Relaxed), 0);
}

/// Many concurrent mints and revokes through the store while serving: nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_admin_churn_loses_nothing() {
    let mock = Arc::new(Mock::start().await);
    let before = mock.server.key_store().list().len();
    let mut tasks = Vec::new();
    for t in 0..8 {
        let mock = mock.clone();
        tasks.push(tokio::spawn(async move {
            let mut kept = Vec::new();
            for i in 0..50 {
                let minted = mock.server.key_store().mint(&format!("{t}-{i}")).unwrap();
                if i % 2 == 0 {
                    mock.server.key_store().revoke(&minted.record.id).unwrap();
                    mock.get_with_key("/v1/account", &minted.key)
                        .await
                        .assert_envelope();
                } else {
                    kept.push(minted.key);
                }
            }
            kept
        }));
    }
    let mut kept = Vec::new();
    for t in tasks {
        kept.extend(t.await.unwrap());
    }
    let list = mock.server.key_store().list();
    assert_eq!(list.len(), before + 400);
    let revoked = list
        .iter()
        .filter(|r| r.status == terminus_mock::KeyStatus::Revoked)
        .count();
    assert_eq!(
        revoked,
        2 + 200,
        "the fixture's revoked key, Mock's own, and 200 churned"
    );
    for key in kept.iter().step_by(10) {
        assert_eq!(mock.get_with_key("/v1/account", key).await.status, 200);
    }
}
