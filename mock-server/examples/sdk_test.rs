//! What an SDK's test suite does with the mock, in-process: start it on a free port, mint a
//! key, call the API over HTTPS trusting the CA the mock made, and check both answers: 200 with
//! the key, the 401 envelope without it (ERR-1, ERR-2).
//!
//! Run: `cargo run -p terminus-mock --example sdk_test`
//!
//! It ends on its own, and exits non-zero if the mock did not answer as the contract says.

mod https_client;

use http::{Method, StatusCode};
use https_client::Client;
use terminus_mock::{MockConfig, MockServer};

/// The 401 body, byte for byte, for every cause (ERR-2, ERR-3).
const ENVELOPE: &str =
    r#"{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Loopback, ports the system chooses, a fresh CA: the defaults.
    let mock = MockServer::start(MockConfig::default()).await?;
    let minted = mock.key_store().mint("sdk-test")?;
    // The whole key goes to the SDK only; what may be shown is its hint.
    println!("mock at {}, key {}", mock.public_url(), minted.record.hint);

    // An SDK gets these three things: the base URL, the CA to trust, the key.
    let ca_pem = mock.ca_pem().expect("the mock made its CA");
    let api = Client::new(&mock.public_url(), ca_pem)?;

    let (status, body) = api
        .send(Method::GET, "/v1/account", Some(&minted.key), "")
        .await?;
    println!("GET /v1/account with the key:    {status}");
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = api.send(Method::GET, "/v1/account", None, "").await?;
    println!("GET /v1/account without a key:   {status} {body}");
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body, ENVELOPE);

    mock.shutdown().await;
    println!("ok: the mock answered as the contract says");
    Ok(())
}
