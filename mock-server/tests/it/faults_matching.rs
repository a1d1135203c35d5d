//! Which requests a fault selects beyond method and path: request headers (exact value,
//! present, absent; names in any case), query parameters (decoded values) and the name of the
//! key the request authenticated with; a lowercase registered method (`"get"`) read as `GET`.
//! Each matcher is checked both ways: the request it selects gets the fault, the one it does
//! not gets the normal answer, and does not use the fault up.

use serde_json::json;

use crate::faults::{add, admin};
use crate::support::{schema, Mock};

/// `GET target` with the key and these header lines; the status answered.
async fn status_of(mock: &Mock, key: &str, target: &str, lines: &[&str]) -> u16 {
    let auth = format!("Authorization: Bearer {key}");
    let mut all = vec![auth.as_str()];
    all.extend_from_slice(lines);
    mock.get(target, &all).await.status
}

#[tokio::test]
async fn a_header_value_selects_the_request_whatever_the_names_case() {
    let mock = Mock::start().await;
    add(&mock, json!({"path":"/v1/account","headers":{"X-SDK-Retry":"2"},"respond":{"kind":"status","status":503}})).await;
    let key = mock.key.clone();
    assert_eq!(
        status_of(&mock, &key, "/v1/account", &["x-sdk-retry: 2"]).await,
        503
    );
    assert_eq!(
        status_of(&mock, &key, "/v1/account", &["X-Sdk-Retry: 2"]).await,
        503
    );
    assert_eq!(
        status_of(&mock, &key, "/v1/account", &["x-sdk-retry: 1"]).await,
        200
    );
    assert_eq!(status_of(&mock, &key, "/v1/account", &[]).await, 200);
    let listed = admin(&mock, "GET", "/v1/faults", None, None).await.json();
    assert_eq!(listed["faults"][0]["headers"], json!({"x-sdk-retry": "2"}));
    assert_eq!(listed["faults"][0]["hits"], 2);
}

#[tokio::test]
async fn a_header_can_be_required_present_or_absent() {
    let mock = Mock::start().await;
    add(&mock, json!({"path":"/v1/account","headers":{"idempotency-key":true},"respond":{"kind":"status","status":409}})).await;
    add(&mock, json!({"path":"/v1/projects","headers":{"idempotency-key":false},"respond":{"kind":"status","status":428}})).await;
    let key = mock.key.clone();
    assert_eq!(
        status_of(&mock, &key, "/v1/account", &["Idempotency-Key: 6a17"]).await,
        409
    );
    assert_eq!(status_of(&mock, &key, "/v1/account", &[]).await, 200);
    assert_eq!(status_of(&mock, &key, "/v1/projects", &[]).await, 428);
    assert_eq!(
        status_of(&mock, &key, "/v1/projects", &["idempotency-key: x"]).await,
        200
    );
}

#[tokio::test]
async fn a_query_value_is_compared_decoded() {
    let mock = Mock::start().await;
    add(&mock, json!({"path":"/v1/projects","query":{"name":"my proj","page":true},"respond":{"kind":"status","status":502}})).await;
    let key = mock.key.clone();
    for target in [
        "/v1/projects?name=my+proj&page=2",
        "/v1/projects?page&name=my%20proj",
    ] {
        assert_eq!(status_of(&mock, &key, target, &[]).await, 502, "{target}");
    }
    for target in [
        "/v1/projects?name=my+proj",
        "/v1/projects?name=other&page=1",
        "/v1/projects",
    ] {
        assert_eq!(status_of(&mock, &key, target, &[]).await, 200, "{target}");
    }
}

#[tokio::test]
async fn a_key_name_selects_the_requests_of_that_key_only() {
    let mock = Mock::start().await;
    let other = mock.server.key_store().mint("other").unwrap().key;
    add(
        &mock,
        json!({"path":"/v1/account","key_name":"other","respond":{"kind":"status","status":503}}),
    )
    .await;
    assert_eq!(status_of(&mock, &other, "/v1/account", &[]).await, 503);
    let key = mock.key.clone();
    assert_eq!(status_of(&mock, &key, "/v1/account", &[]).await, 200);
    // A revoked key named "other" gets the envelope: authentication first.
    assert_eq!(
        status_of(&mock, &mock.revoked.clone(), "/v1/account", &[]).await,
        401
    );
}

#[tokio::test]
async fn a_lowercase_method_means_the_registered_one() {
    let mock = Mock::start().await;
    let created = add(&mock, json!({"method":"get","path":"/v1/account","times":1,"respond":{"kind":"status","status":503}})).await;
    assert_eq!(created["method"], "GET", "listed as it matches: {created}");
    let key = mock.key.clone();
    assert_eq!(status_of(&mock, &key, "/v1/account", &[]).await, 503);
    // An extension method is matched as written (methods are case-sensitive).
    let created = add(
        &mock,
        json!({"method":"purge","path":"/v1/account","respond":{"kind":"status","status":503}}),
    )
    .await;
    assert_eq!(created["method"], "purge");
    assert_eq!(status_of(&mock, &key, "/v1/account", &[]).await, 200);
}

#[tokio::test]
async fn the_schema_takes_the_matchers_and_kinds_the_mock_takes() {
    let schema = schema("fault.schema.json");
    for kind in ["empty", "malformed_chunk", "garbage"] {
        let fault = json!({"method":"get","path":"/v1/projects/{id}","headers":{"X-Sdk":"py","idempotency-key":true,"x-debug":false},
            "query":{"page":"2","dry_run":false},"key_name":"ci","times":1,"respond":{"kind":kind,"delay_ms":10}});
        assert!(schema.is_valid(&fault), "{fault}");
    }
    for fault in [
        json!({"path":"/a","headers":{"x-a":1},"respond":{"kind":"empty"}}),
        json!({"path":"/a","key_name":"","respond":{"kind":"empty"}}),
        json!({"path":"/a","respond":{"kind":"empty","status":200}}),
        json!({"path":"/a","respond":{"kind":"garbage","delay_ms":60001}}),
    ] {
        assert!(!schema.is_valid(&fault), "{fault}");
    }
}

#[tokio::test]
async fn bad_matchers_are_refused_naming_the_member() {
    let mock = Mock::start().await;
    for (fault, member) in [
        (
            json!({"path":"/a","headers":{"bad name":"1"},"respond":{"kind":"empty"}}),
            "headers",
        ),
        (
            json!({"path":"/a","headers":{"x-a":1},"respond":{"kind":"empty"}}),
            "headers.x-a",
        ),
        (
            json!({"path":"/a","headers":{"x-a":"a\u{7f}b"},"respond":{"kind":"empty"}}),
            "headers.x-a",
        ),
        (
            json!({"path":"/a","query":{"q":null},"respond":{"kind":"garbage"}}),
            "query.q",
        ),
        (
            json!({"path":"/a","query":{"":"1"},"respond":{"kind":"garbage"}}),
            "query",
        ),
        (
            json!({"path":"/a","key_name":"","respond":{"kind":"malformed_chunk"}}),
            "key_name",
        ),
        (
            json!({"path":"/a","key_name":7,"respond":{"kind":"malformed_chunk"}}),
            "key_name",
        ),
        (
            json!({"path":"/a","respond":{"kind":"garbage","delay_ms":60001}}),
            "respond.delay_ms",
        ),
        (
            json!({"path":"/a","respond":{"kind":"empty","status":200}}),
            "respond",
        ),
        (
            json!({"path":"/a","header":{"x-a":"1"},"respond":{"kind":"empty"}}),
            "header",
        ),
        (
            json!({"path":"/a","headers":{"authorization": concat!("Bearer thub_", "0123456789abcdefWXYZ")},"respond":{"kind":"empty"}}),
            "headers.authorization",
        ),
        (
            json!({"path":"/a","query":{"key": concat!("thub_", "0123456789abcdefWXYZ")},"respond":{"kind":"empty"}}),
            "query.key",
        ),
    ] {
        let answer = admin(&mock, "POST", "/v1/faults", Some(&fault.to_string()), None).await;
        assert_eq!(answer.status, 400, "{fault}");
        let message = answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.contains(&format!("{member}: ")) || message.contains(&format!("{member}`")),
            "{fault}: {message}"
        );
        assert!(!message.contains("0123456789"), "{message}");
    }
    let listed = admin(&mock, "GET", "/v1/faults", None, None).await.json();
    assert_eq!(listed["faults"], json!([]));
}
