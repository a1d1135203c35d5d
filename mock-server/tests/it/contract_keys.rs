//! KEY-1..KEY-6: which values authenticate.

use crate::support::Mock;

#[tokio::test]
async fn key_1_2_only_the_exact_issued_key_authenticates() {
    let mock = Mock::start().await;
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
    let key = &mock.key;
    let secret = &key[5..];
    let mut variants = vec![
        secret.to_owned(),        // prefix missing
        format!("THUB_{secret}"), // prefix case-changed
        format!("Thub_{secret}"),
        "thub_".to_owned(), // prefix only
        format!("{key}x"),  // extension
        format!("{key}{key}"),
        format!("xthub_{secret}"),
        key.to_uppercase(),
        key.to_lowercase(),
        format!("thub-{secret}"),
        format!("thub_{}", secret.replace('0', "O")), // look-alikes (when present)
    ];
    for len in 6..key.len() {
        variants.push(key[..len].to_owned()); // every truncation down to one short
    }
    for i in 5..key.len() {
        let mut flipped: Vec<char> = key.chars().collect();
        if flipped[i].is_ascii_alphabetic() {
            flipped[i] = if flipped[i].is_ascii_lowercase() {
                flipped[i].to_ascii_uppercase()
            } else {
                flipped[i].to_ascii_lowercase()
            };
            variants.push(flipped.into_iter().collect());
        }
    }
    for variant in variants.iter().filter(|v| *v != key) {
        mock.get_with_key("/v1/account", variant)
            .await
            .assert_envelope();
    }
}

#[tokio::test]
async fn key_3_every_active_key_sees_the_same_account_on_every_endpoint() {
    let mock = Mock::start().await;
    let second = mock.server.key_store().mint("second").unwrap().key;
    let a = mock.get_with_key("/v1/account", &mock.key).await;
    let b = mock.get_with_key("/v1/account", &second).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.body, b.body,
        "two keys of one account see the same account"
    );
    for path in ["/v1/projects", "/v1/projects/prj_1"] {
        assert_eq!(mock.get_with_key(path, &second).await.status, 200, "{path}");
    }
}

#[tokio::test]
async fn key_4_revoked_key_is_answered_exactly_like_an_unknown_one() {
    let mock = Mock::start().await;
    let revoked = mock.get_with_key("/v1/account", &mock.revoked).await;
    let unknown = mock
        .get_with_key("/v1/account", "thub_NeverIssuedNeverIssuedNeverIssued00")
        .await;
    revoked.assert_envelope();
    unknown.assert_envelope();
    assert_eq!(
        revoked.headers_without_date(),
        unknown.headers_without_date()
    );
    assert_eq!(revoked.body, unknown.body);
}

#[tokio::test]
async fn key_4_revocation_is_seen_by_the_very_next_request_on_the_same_connection() {
    let mock = Mock::start().await;
    let minted = mock.server.key_store().mint("short-lived").unwrap();
    let mut conn = mock.tls().await;
    let request = crate::support::request(
        "GET",
        "/v1/account",
        &[&format!("Authorization: Bearer {}", minted.key)],
    );
    assert_eq!(
        crate::support::send_raw(&mut conn, &request).await.status,
        200
    );
    mock.server.key_store().revoke(&minted.record.id).unwrap();
    crate::support::send_raw(&mut conn, &request)
        .await
        .assert_envelope();
}

#[tokio::test]
async fn key_1_bundled_test_keys_work_as_documented() {
    let mock = Mock::start().await;
    let active = "thub_TESTONLYactive1NotARealKey0000000001";
    let revoked = "thub_TESTONLYrevoked1NotARealKey000000003";
    assert_eq!(mock.get_with_key("/v1/account", active).await.status, 200);
    mock.get_with_key("/v1/account", revoked)
        .await
        .assert_envelope();
}

#[test]
fn key_6_the_store_keeps_digests_only() {
    let store = terminus_mock::KeyStore::new();
    let minted = store.mint("k").unwrap();
    let listed = format!("{:?}", store.list());
    for window in crate::support::secret_windows(&minted.key) {
        assert!(
            !listed.contains(&window),
            "the store holds a piece of the key"
        );
    }
}
