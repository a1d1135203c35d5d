//! Verification for an SDK's tests: `GET /v1/requests/count?FILTERS` (`{"count":N}`, the
//! filters of `GET /v1/requests`), so a test asserts "exactly one request matched", and
//! `GET /v1/requests/unmatched` (WireMock's unmatched requests): the authenticated requests no
//! route or fault had an answer for. The library's `count_requests` and `unmatched_requests`
//! agree with both.

use serde_json::json;

use crate::faults::{add, admin};
use crate::support::{request, schema, Mock};

/// Sends `method target` with the key (or without, when `key` is `None`); the status.
async fn send(mock: &Mock, method: &str, target: &str, key: Option<&str>) -> u16 {
    let auth = key.map(|k| format!("Authorization: Bearer {k}"));
    let lines: Vec<&str> = auth.iter().map(String::as_str).collect();
    mock.raw(&request(method, target, &lines)).await.status
}

async fn count(mock: &Mock, filters: &str) -> serde_json::Value {
    let answer = admin(
        mock,
        "GET",
        &format!("/v1/requests/count{filters}"),
        None,
        None,
    )
    .await;
    assert_eq!(answer.status, 200, "{filters}: {}", answer.body_str());
    answer.json()
}

#[tokio::test]
async fn count_takes_the_filters_of_the_list() {
    let mock = Mock::start().await;
    let key = mock.key.clone();
    assert_eq!(send(&mock, "GET", "/v1/account", Some(&key)).await, 200);
    assert_eq!(
        send(&mock, "GET", "/v1/account?expand=owner", Some(&key)).await,
        200
    );
    assert_eq!(send(&mock, "POST", "/v1/projects", Some(&key)).await, 201);
    assert_eq!(send(&mock, "GET", "/v1/projects/prj_1", None).await, 401);
    assert_eq!(count(&mock, "").await, json!({"count": 4}));
    assert_eq!(
        count(&mock, "?method=GET&path=/v1/account").await,
        json!({"count": 2})
    );
    assert_eq!(
        count(&mock, "?method=POST&path=/v1/projects").await,
        json!({"count": 1})
    );
    assert_eq!(
        count(&mock, "?path=%2Fv1%2Fprojects%2F%7Bid%7D&status=401").await,
        json!({"count": 1})
    );
    assert_eq!(
        count(&mock, "?key_name=test&status=2xx").await,
        json!({"count": 3})
    );
    assert_eq!(count(&mock, "?method=DELETE").await, json!({"count": 0}));
    // The library counts the same.
    assert_eq!(
        mock.server
            .count_requests(|e| e.method == "GET" && e.path == "/v1/account"),
        2
    );
    assert_eq!(mock.server.count_requests(|e| e.status == 401), 1);
    // A bad filter is refused naming it; the token is needed.
    let bad = admin(&mock, "GET", "/v1/requests/count?colour=red", None, None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body_str().contains("`colour`"), "{}", bad.body_str());
    let bad = admin(&mock, "GET", "/v1/requests/count?matched=maybe", None, None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body_str().contains("`matched`"), "{}", bad.body_str());
    let refused = admin(&mock, "GET", "/v1/requests/count", None, Some("wrong")).await;
    assert_eq!(refused.status, 401);
    let wrong = admin(&mock, "DELETE", "/v1/requests/count", None, None).await;
    assert_eq!((wrong.status, wrong.header("allow")), (405, Some("GET")));
}

#[tokio::test]
async fn unmatched_lists_what_no_route_or_fault_answered() {
    let mock = Mock::start().await;
    let key = mock.key.clone();
    add(
        &mock,
        json!({"path":"/v1/scripted","respond":{"kind":"status","status":503}}),
    )
    .await;
    assert_eq!(send(&mock, "GET", "/v1/account", Some(&key)).await, 200);
    assert_eq!(send(&mock, "GET", "/v1/acount", Some(&key)).await, 404);
    assert_eq!(send(&mock, "PUT", "/v1/account", Some(&key)).await, 405);
    // A fault answers a path no route has: matched.
    assert_eq!(send(&mock, "GET", "/v1/scripted", Some(&key)).await, 503);
    // Without a key the 401 is the contract's answer, whatever the path: matched.
    assert_eq!(send(&mock, "GET", "/v1/acount", None).await, 401);
    let answer = admin(&mock, "GET", "/v1/requests/unmatched", None, None).await;
    assert_eq!(answer.status, 200, "{}", answer.body_str());
    let listed = answer.json();
    schema("request-list.schema.json")
        .validate(&listed)
        .unwrap_or_else(|e| panic!("{e}: {listed}"));
    let seen: Vec<_> = listed["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["method"].clone(),
                e["path"].clone(),
                e["status"].clone(),
                e["matched"].clone(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (json!("GET"), json!("/v1/acount"), json!(404), json!(false)),
            (json!("PUT"), json!("/v1/account"), json!(405), json!(false)),
        ]
    );
    // Filters narrow it; `matched=false` on the list is the same set.
    let only_put = admin(
        &mock,
        "GET",
        "/v1/requests/unmatched?method=PUT",
        None,
        None,
    )
    .await;
    assert_eq!(only_put.json()["requests"].as_array().unwrap().len(), 1);
    assert_eq!(count(&mock, "?matched=false").await, json!({"count": 2}));
    assert_eq!(count(&mock, "?matched=true").await, json!({"count": 3}));
    // The library sees the same two.
    let unmatched: Vec<_> = mock
        .server
        .unmatched_requests()
        .iter()
        .map(|e| (e.method.clone(), e.status))
        .collect();
    assert_eq!(
        unmatched,
        [("GET".to_owned(), 404), ("PUT".to_owned(), 405)]
    );
}
