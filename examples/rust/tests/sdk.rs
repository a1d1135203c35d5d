//! The example SDK's test suite, with terminus-mock in-process: the journal shows what the SDK
//! sent, a scripted fault makes it retry. Run: `cargo test -p terminus-example-sdk`.

use std::time::Duration;

use terminus_example_sdk::{Client, Error};
use terminus_mock::faults::{Fault, Respond};
use terminus_mock::{MockConfig, MockServer};

fn authorization(entry: &serde_json::Value) -> Vec<String> {
    entry["headers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|h| h["name"] == "authorization")
        .filter_map(|h| h["value"].as_str().map(str::to_owned))
        .collect()
}

fn journal(mock: &MockServer) -> Vec<serde_json::Value> {
    mock.received_requests()
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect()
}

#[tokio::test]
async fn a_valid_key_reads_the_account_with_one_request() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let key = mock.key_store().mint("sdk").unwrap().key;
    let client = Client::new(&mock.public_url(), mock.ca_pem().unwrap(), &key).unwrap();
    assert_eq!(client.account().await.unwrap()["object"], "account");
    let entries = journal(&mock);
    assert_eq!(entries.len(), 1);
    assert_eq!(authorization(&entries[0]), [r#"Bearer <valid key "sdk">"#]);
    // The key is in no Debug output of the SDK.
    assert!(!format!("{client:?}").contains(&key[5..15]));
    mock.shutdown().await;
}

#[tokio::test]
async fn a_401_is_final_and_carries_the_envelope_message() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let minted = mock.key_store().mint("old").unwrap();
    mock.key_store().revoke(&minted.record.id).unwrap();
    let client = Client::new(&mock.public_url(), mock.ca_pem().unwrap(), &minted.key).unwrap();
    match client.account().await {
        Err(Error::Api {
            status, message, ..
        }) => {
            assert_eq!((status, message.as_str()), (401, "Invalid API key"));
        }
        other => panic!("expected the 401, got {other:?}"),
    }
    assert_eq!(journal(&mock).len(), 1, "the 401 was not retried");
    mock.shutdown().await;
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let key = mock.key_store().mint("sdk").unwrap().key;
    mock.faults()
        .add(
            Fault::on(http::Method::GET, "/v1/account")
                .times(1)
                .respond(Respond::status(429).header("retry-after", "1")),
        )
        .unwrap();
    let client = Client::new(&mock.public_url(), mock.ca_pem().unwrap(), &key).unwrap();
    let started = std::time::Instant::now();
    assert_eq!(client.account().await.unwrap()["object"], "account");
    assert!(started.elapsed() >= Duration::from_millis(950));
    let statuses: Vec<u64> = journal(&mock)
        .iter()
        .filter_map(|e| e["status"].as_u64())
        .collect();
    assert_eq!(statuses, [429, 200]);
    mock.shutdown().await;
}

#[tokio::test]
async fn an_empty_response_is_a_transport_error_and_exactly_one_request() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let key = mock.key_store().mint("sdk").unwrap().key;
    mock.faults()
        .add(
            Fault::on(http::Method::GET, "/v1/account")
                .key_name("sdk")
                .times(1)
                .respond(Respond::empty()),
        )
        .unwrap();
    let client = Client::new(&mock.public_url(), mock.ca_pem().unwrap(), &key).unwrap();
    assert!(matches!(client.account().await, Err(Error::Transport(_))));
    // This SDK does not retry a connection that closed without an answer: one request.
    let sent = |mock: &MockServer| mock.count_requests(|e| e.path == "/v1/account");
    assert_eq!(sent(&mock), 1);
    // Spent: the next call is answered, and the SDK called no endpoint the mock lacks.
    assert_eq!(client.account().await.unwrap()["object"], "account");
    assert_eq!(sent(&mock), 2);
    assert!(mock.unmatched_requests().is_empty());
    mock.shutdown().await;
}
