//! Scripted faults (SPEC.md part 2, "For SDK test suites"): for authenticated requests that
//! match, the next N answers are a status with headers, a delay, a dripped or truncated body, no
//! answer, or a redirect; set through the admin plane (`/v1/faults`) or the library. An
//! unauthenticated request still gets the envelope, and does not use a fault up.
//!
//! Axes: every kind of answer; HTTP/1.1 (raw bytes) and HTTP/2 (hyper); matching by method,
//! exact path and template; counting (`times`, always, spent faults listed); authentication
//! first; every invalid member refused by name; the admin token.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::{json, Value};
use terminus_mock::faults::{Fault, Respond};
use terminus_mock::{MockConfig, MockServer, RouteTable};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{request, schema, secret_windows, send_raw, tls_to, Mock, RawResponse};

pub(crate) async fn admin(
    mock: &Mock,
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> RawResponse {
    let mut conn = tls_to(mock.server.admin_addr(), &mock.h1_connector()).await;
    let token = token.map_or_else(|| mock.server.admin_token().to_owned(), str::to_owned);
    let mut bytes = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n"
    );
    match body {
        Some(body) => bytes.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )),
        None => bytes.push_str("\r\n"),
    }
    send_raw(&mut conn, bytes.as_bytes()).await
}

/// `GET /v1/account` with the key over raw HTTP/1.1 bytes; every byte until the mock closes
/// the connection (at most 5 s).
async fn account_until_closed(mock: &Mock) -> Vec<u8> {
    account_until_closed_with(mock).await.0
}

/// The same, with how the read ended (`Ok` at a close, the error at a reset).
pub(crate) async fn account_until_closed_with(mock: &Mock) -> (Vec<u8>, std::io::Result<usize>) {
    let mut conn = mock.tls().await;
    let auth = format!("Authorization: Bearer {}", mock.key);
    conn.write_all(&request("GET", "/v1/account", &[&auth]))
        .await
        .unwrap();
    let mut received = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut received))
        .await
        .expect("the connection ends within 5 s");
    (received, ended)
}

/// `GET /v1/account` with the key, as an HTTP/2 request.
pub(crate) fn h2_account(mock: &Mock) -> http::Request<Full<Bytes>> {
    http::Request::get(format!(
        "https://localhost:{}/v1/account",
        mock.addr().port()
    ))
    .header("authorization", format!("Bearer {}", mock.key))
    .body(Full::new(Bytes::new()))
    .unwrap()
}

pub(crate) async fn add(mock: &Mock, fault: Value) -> Value {
    let answer = admin(mock, "POST", "/v1/faults", Some(&fault.to_string()), None).await;
    assert_eq!(answer.status, 201, "{fault}: {}", answer.body_str());
    answer.json()
}

#[tokio::test]
async fn twice_429_with_retry_after_then_the_normal_answer() {
    let mock = Mock::start().await;
    let fault = json!({"method":"GET","path":"/v1/account","times":2,
        "respond":{"kind":"status","status":429,"headers":{"retry-after":"1"}}});
    assert!(schema("fault.schema.json").is_valid(&fault));
    let created = add(&mock, fault).await;
    assert_eq!(created["remaining"], 2);
    for _ in 0..2 {
        let answer = mock.get_with_key("/v1/account", &mock.key).await;
        assert_eq!(answer.status, 429);
        assert_eq!(answer.header("retry-after"), Some("1"));
        assert_eq!(answer.json()["error"]["type"], "rate_limit_error");
    }
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
    let listed = admin(&mock, "GET", "/v1/faults", None, None).await.json();
    assert_eq!(
        listed["faults"][0]["remaining"], 0,
        "spent faults stay listed"
    );
    assert_eq!(listed["faults"][0]["hits"], 2);
}

#[tokio::test]
async fn an_unauthenticated_request_gets_the_envelope_and_does_not_use_the_fault_up() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"path":"/v1/account","times":1,"respond":{"kind":"status","status":503}}),
    )
    .await;
    mock.get("/v1/account", &[]).await.assert_envelope();
    mock.get_with_key("/v1/account", &mock.revoked)
        .await
        .assert_envelope();
    mock.get_with_authorization("/v1/account", "Bearer thub_notAKey")
        .await
        .assert_envelope();
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        503
    );
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
}

#[tokio::test]
async fn a_fault_without_times_answers_every_matching_request() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"path":"/v1/account","respond":{"kind":"status","status":503,"body":{"down":true}}}),
    )
    .await;
    for _ in 0..5 {
        let answer = mock.get_with_key("/v1/account", &mock.key).await;
        assert_eq!((answer.status, answer.json()), (503, json!({"down": true})));
    }
    let cleared = admin(&mock, "DELETE", "/v1/faults", None, None).await;
    assert_eq!(cleared.status, 204);
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
}

#[tokio::test]
async fn method_exact_path_and_templates_select_the_requests() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"method":"GET","path":"/v1/projects/{id}","respond":{"kind":"status","status":503}}),
    )
    .await;
    assert_eq!(
        mock.get_with_key("/v1/projects/prj_1", &mock.key)
            .await
            .status,
        503
    );
    assert_eq!(
        mock.get_with_key("/v1/projects", &mock.key).await.status,
        200
    );
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
    let mut conn = mock.tls().await;
    let auth = format!("Authorization: Bearer {}", mock.key);
    let head = send_raw(&mut conn, &request("HEAD", "/v1/projects/prj_1", &[&auth])).await;
    assert_eq!(head.status, 200, "HEAD is not GET for a fault's method");
    // A fault may target a path no route has.
    add(
        &mock,
        json!({"path":"/v1/nowhere","respond":{"kind":"status","status":418}}),
    )
    .await;
    assert_eq!(
        mock.get_with_key("/v1/nowhere", &mock.key).await.status,
        418
    );
}

#[tokio::test]
async fn a_delay_holds_the_head() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"path":"/v1/account","times":1,"respond":{"kind":"delay","delay_ms":400}}),
    )
    .await;
    let started = Instant::now();
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_dripped_body_arrives_whole_and_slowly() {
    let mock = Mock::start().await;
    add(&mock, json!({"path":"/v1/account","times":1,"respond":{"kind":"drip","body_delay_ms":20,"chunk_bytes":8}})).await;
    let normal_len = {
        let started = Instant::now();
        let dripped = mock.get_with_key("/v1/account", &mock.key).await;
        assert_eq!(dripped.status, 200);
        assert_eq!(dripped.json()["object"], "account");
        assert!(
            started.elapsed() >= Duration::from_millis(20 * (dripped.body.len() as u64 / 8 - 1))
        );
        dripped.body.len()
    };
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.body.len(),
        normal_len
    );
}

#[tokio::test]
async fn a_truncated_body_stops_short_of_its_content_length() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"path":"/v1/account","times":1,"respond":{"kind":"truncate"}}),
    )
    .await;
    let received = account_until_closed(&mock).await;
    let text = String::from_utf8_lossy(&received);
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(|v| v.trim().parse().unwrap())
        })
        .expect("a Content-Length");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.len() < length, "{} of {length} bytes", body.len());
}

#[tokio::test]
async fn a_reset_leaves_the_request_unanswered_on_both_protocols() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"path":"/v1/account","times":2,"respond":{"kind":"reset"}}),
    )
    .await;
    // HTTP/1.1: the connection is reset (an RST, not a close) with no byte of a response.
    let (received, ended) = account_until_closed_with(&mock).await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert_eq!(
        ended.as_ref().map_err(std::io::Error::kind).err(),
        Some(std::io::ErrorKind::ConnectionReset),
        "{ended:?}"
    );
    // HTTP/2: the stream is reset; the client sees an error, not a response.
    let mut h2 = mock.h2().await;
    let req = h2_account(&mock);
    assert!(h2.send_request(req).await.is_err());
    // The journal shows both, answered with status 0.
    let statuses: Vec<u16> = mock
        .server
        .received_requests()
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [0, 0]);
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
}

#[tokio::test]
async fn every_redirect_status_carries_its_location() {
    let mock = Mock::start().await;
    for status in [301, 302, 303, 307, 308] {
        let location = format!("https://localhost:9/moved/{status}");
        add(&mock, json!({"path":"/v1/account","times":1,"respond":{"kind":"redirect","status":status,"location":location}})).await;
        let answer = mock.get_with_key("/v1/account", &mock.key).await;
        assert_eq!(answer.status, status);
        assert_eq!(answer.header("location"), Some(location.as_str()));
    }
}

#[tokio::test]
async fn a_redirect_may_name_a_relative_location_network_path_or_path() {
    let mock = Mock::start().await;
    let schema = schema("fault.schema.json");
    for location in ["//localhost:9/moved", "/v1/account?again=1"] {
        let fault = json!({"path":"/v1/account","times":1,"respond":{"kind":"redirect","status":302,"location":location}});
        assert!(schema.is_valid(&fault), "{fault}");
        add(&mock, fault).await;
        let answer = mock.get_with_key("/v1/account", &mock.key).await;
        assert_eq!(answer.status, 302);
        assert_eq!(answer.header("location"), Some(location));
    }
}

#[tokio::test]
async fn a_bad_fault_is_refused_naming_the_member() {
    let mock = Mock::start().await;
    let schema = schema("fault.schema.json");
    for (fault, member) in [
        (
            json!({"path":"/v1/account","respond":{"kind":"status","status":429},"colour":"red"}),
            "colour",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"status","status":401}}),
            "respond.status",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"status","status":99}}),
            "respond.status",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"redirect","status":200,"location":"https://x"}}),
            "respond.status",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"redirect","status":307,"location":"relative/no-slash"}}),
            "respond.location",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"redirect","status":307}}),
            "location",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"status","status":429,"headers":{"bad name":"1"}}}),
            "respond.headers",
        ),
        (
            json!({"path":"/v1/account","times":0,"respond":{"kind":"reset"}}),
            "times",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"delay","delay_ms":-5}}),
            "delay_ms",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"delay","delay_ms":60001}}),
            "respond.delay_ms",
        ),
        (
            json!({"path":"v1/account","respond":{"kind":"reset"}}),
            "path",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"explode"}}),
            "explode",
        ),
        (json!({"path":"/v1/account"}), "respond"),
    ] {
        assert!(!schema.is_valid(&fault), "the schema refuses {fault}");
        let answer = admin(&mock, "POST", "/v1/faults", Some(&fault.to_string()), None).await;
        assert_eq!(answer.status, 400, "{fault}");
        let message = answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(member), "{fault}: {message}");
    }
    // A key written into a fault would be listed back in clear: refused, naming the member,
    // and the answer quotes no piece of it.
    let key = mock.key.clone();
    for (fault, member) in [
        (
            json!({"path":"/v1/account","respond":{"kind":"status","status":200,"headers":{"x-echo": key}}}),
            "respond.headers.x-echo",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"status","status":200,"body":{"token": [1, key]}}}),
            "respond.body.token[1]",
        ),
        (
            json!({"path":"/v1/account","respond":{"kind":"redirect","status":307,"location":format!("https://example.invalid/?k={key}")}}),
            "respond.location",
        ),
        (
            json!({"path":format!("/v1/{key}"),"respond":{"kind":"nonsense"}}),
            "path",
        ),
    ] {
        let answer = admin(&mock, "POST", "/v1/faults", Some(&fault.to_string()), None).await;
        assert_eq!(answer.status, 400, "{member}");
        let message = answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.contains(&format!("{member}: holds a key-shaped string")),
            "{message}"
        );
        for window in secret_windows(&key) {
            assert!(!answer.body_str().contains(&window), "{message}");
        }
    }
    // The library refuses it the same way.
    let refused = mock
        .server
        .faults()
        .add(
            Fault::on(http::Method::GET, "/v1/account")
                .respond(Respond::status(200).header("x-echo", &key)),
        )
        .unwrap_err();
    assert!(
        refused.starts_with("respond.headers.x-echo: holds a key-shaped string"),
        "{refused}"
    );
    assert_eq!(
        admin(&mock, "GET", "/v1/faults", None, None).await.json()["faults"],
        json!([])
    );
}

#[tokio::test]
async fn the_faults_need_the_admin_token_and_one_can_be_removed() {
    let mock = Mock::start().await;
    let refused = admin(&mock, "GET", "/v1/faults", None, Some("wrong-token")).await;
    assert_eq!(refused.status, 401);
    let created = add(
        &mock,
        json!({"path":"/v1/account","respond":{"kind":"status","status":503}}),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(
        admin(&mock, "DELETE", &format!("/v1/faults/{id}"), None, None)
            .await
            .status,
        204
    );
    assert_eq!(
        admin(&mock, "DELETE", &format!("/v1/faults/{id}"), None, None)
            .await
            .status,
        404
    );
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
    // The Public API has no such route for anyone.
    mock.get("/v1/faults", &[]).await.assert_envelope();
}

#[tokio::test]
async fn the_library_adds_lists_and_clears_faults() {
    let mock = Mock::start().await;
    let id = mock
        .server
        .faults()
        .add(
            Fault::on(http::Method::GET, "/v1/account")
                .times(1)
                .respond(Respond::status(503).header("retry-after", "2")),
        )
        .unwrap();
    assert!(mock
        .server
        .faults()
        .add(Fault::on(http::Method::GET, "/v1/account").times(0))
        .is_err());
    let answer = mock.get_with_key("/v1/account", &mock.key).await;
    assert_eq!(
        (answer.status, answer.header("retry-after")),
        (503, Some("2"))
    );
    let listed = mock.server.faults().list();
    assert_eq!(
        (listed[0].id.as_str(), listed[0].remaining, listed[0].hits),
        (id.as_str(), Some(0), 1)
    );
    assert!(mock.server.faults().remove(&id));
    mock.server.faults().clear();
    assert!(mock.server.faults().list().is_empty());
}

#[tokio::test]
async fn routes_carry_their_response_headers() {
    let routes = RouteTable::parse(
        r#"{"routes":[{"method":"GET","path":"/v1/account","status":200,"body":{"object":"account"},"headers":{"x-request-id":"req_1","cache-control":"no-store"}}]}"#,
        "test",
    )
    .unwrap();
    let mock = Mock::start_with(MockConfig {
        routes,
        ..MockConfig::default()
    })
    .await;
    let answer = mock.get_with_key("/v1/account", &mock.key).await;
    assert_eq!(answer.header("x-request-id"), Some("req_1"));
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    let bad = RouteTable::parse(
        r#"{"routes":[{"method":"GET","path":"/v1/a","status":200,"headers":{"x-a":"line\nbreak"}}]}"#,
        "bad.json",
    )
    .unwrap_err()
    .to_string();
    assert!(
        bad.contains("routes[0]") && bad.contains("headers.x-a"),
        "{bad}"
    );
    drop(MockServer::start(MockConfig::default()).await.unwrap());
}

#[tokio::test]
async fn http2_gets_the_scripted_status_too() {
    let mock = Mock::start().await;
    add(&mock, json!({"path":"/v1/account","times":1,"respond":{"kind":"status","status":429,"headers":{"retry-after":"3"}}})).await;
    let mut h2 = mock.h2().await;
    let req = h2_account(&mock);
    let response = h2.send_request(req).await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "3");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("rate_limit_error"));
}
