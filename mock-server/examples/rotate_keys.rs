//! Key rotation through the admin plane, the stand-in for "Account → API Keys": create a second
//! key, revoke the first, and see the old key refused on the very next request (KEY-4) while
//! the new one keeps working (KEY-5). An SDK's test suite in any language does the same with
//! two HTTPS calls to the admin plane.
//!
//! Run: `cargo run -p terminus-mock --example rotate_keys`
//!
//! It ends on its own, and exits non-zero if a key is not judged as the contract says.

mod https_client;

use http::{Method, StatusCode};
use https_client::Client;
use terminus_mock::{redact, MockConfig, MockServer};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockServer::start(MockConfig::default()).await?;
    let ca_pem = mock.ca_pem().expect("the mock made its CA");
    let admin = Client::new(&mock.admin_url(), ca_pem)?;
    let api = Client::new(&mock.public_url(), ca_pem)?;
    let token = mock.admin_token();

    // Two keys: the one in use, and its replacement (POST /v1/keys shows a key once).
    let mut keys = Vec::new();
    for name in ["2024 key", "2025 key"] {
        let body = serde_json::json!({ "name": name }).to_string();
        let (status, created) = admin
            .send(Method::POST, "/v1/keys", Some(token), &body)
            .await?;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let created: serde_json::Value = serde_json::from_str(&created)?;
        let (id, key) = (created["id"].as_str(), created["key"].as_str());
        let (id, key) = (
            id.ok_or("no id")?.to_owned(),
            key.ok_or("no key")?.to_owned(),
        );
        println!("created {name:?}: id {id}, key {}", redact(&key));
        keys.push((id, key));
    }
    let [(old_id, old_key), (_, new_key)] = &keys[..] else {
        unreachable!("two keys were created");
    };

    // KEY-5: creating a key leaves the existing one working.
    for key in [old_key, new_key] {
        let (status, _) = api.send(Method::GET, "/v1/account", Some(key), "").await?;
        println!("GET /v1/account with {}: {status}", redact(key));
        assert_eq!(status, StatusCode::OK);
    }

    let (status, revoked) = admin
        .send(
            Method::DELETE,
            &format!("/v1/keys/{old_id}"),
            Some(token),
            "",
        )
        .await?;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    println!("revoked {old_id}");

    // KEY-4: the next request with the revoked key fails like an unknown key; KEY-5: the new
    // key still works.
    for (key, expected) in [
        (old_key, StatusCode::UNAUTHORIZED),
        (new_key, StatusCode::OK),
    ] {
        let (status, _) = api.send(Method::GET, "/v1/account", Some(key), "").await?;
        println!("GET /v1/account with {}: {status}", redact(key));
        assert_eq!(status, expected);
    }

    mock.shutdown().await;
    println!("ok: the old key is refused, the new one accepted");
    Ok(())
}
