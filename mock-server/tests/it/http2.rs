//! The contract over HTTP/2 (ALPN h2): same answers as HTTP/1.1.

use bytes::Bytes;
use http::Request;
use http_body_util::Full;

use crate::support::{h2_send, Mock, ENVELOPE};

fn req(method: &str, path: &str, auth: Option<&str>) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(format!("https://localhost{path}"));
    if let Some(value) = auth {
        builder = builder.header("authorization", value);
    }
    builder.body(Full::default()).unwrap()
}

#[tokio::test]
async fn h2_rejects_without_a_key_and_accepts_with_one() {
    let mock = Mock::start().await;
    let mut h2 = mock.h2().await;
    let (parts, body) = h2_send(&mut h2, req("GET", "/v1/account", None)).await;
    assert_eq!(parts.status, 401);
    assert_eq!(parts.version, http::Version::HTTP_2);
    assert_eq!(body, ENVELOPE.as_bytes());
    assert_eq!(parts.headers["content-type"], "application/json");
    assert_eq!(
        parts.headers["www-authenticate"],
        r#"Bearer realm="terminus-hub""#
    );

    let auth = format!("Bearer {}", mock.key);
    let (parts, body) = h2_send(&mut h2, req("GET", "/v1/account", Some(&auth))).await;
    assert_eq!(parts.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());

    let revoked = format!("Bearer {}", mock.revoked);
    let (parts, body) = h2_send(&mut h2, req("GET", "/v1/account", Some(&revoked))).await;
    assert_eq!(parts.status, 401);
    assert_eq!(body, ENVELOPE.as_bytes());
}

#[tokio::test]
async fn h2_head_has_get_headers_and_no_data() {
    let mock = Mock::start().await;
    let mut h2 = mock.h2().await;
    let (get, _) = h2_send(&mut h2, req("GET", "/v1/account", None)).await;
    let (head, body) = h2_send(&mut h2, req("HEAD", "/v1/account", None)).await;
    assert_eq!(head.status, 401);
    assert!(body.is_empty());
    assert_eq!(
        head.headers["content-length"],
        get.headers["content-length"]
    );
    assert_eq!(
        head.headers["www-authenticate"],
        get.headers["www-authenticate"]
    );
    let auth = format!("Bearer {}", mock.key);
    let (head, body) = h2_send(&mut h2, req("HEAD", "/v1/account", Some(&auth))).await;
    assert_eq!(head.status, 200);
    assert!(body.is_empty());
}

#[tokio::test]
async fn h2_every_method_and_odd_path_without_a_key_gets_401() {
    let mock = Mock::start().await;
    let mut h2 = mock.h2().await;
    for method in ["GET", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"] {
        for path in [
            "/",
            "/v1/projects/",
            "/healthz",
            "/v1/keys",
            "/.well-known/x",
        ] {
            let (parts, _) = h2_send(&mut h2, req(method, path, None)).await;
            assert_eq!(parts.status, 401, "{method} {path}");
        }
    }
}

#[tokio::test]
async fn h2_many_concurrent_streams_on_one_connection() {
    let mock = Mock::start().await;
    let h2 = mock.h2().await;
    let auth = format!("Bearer {}", mock.key);
    let mut tasks = Vec::new();
    for i in 0..200 {
        let mut h2 = h2.clone();
        let request = if i % 2 == 0 {
            req("GET", "/v1/projects", Some(&auth))
        } else {
            req("GET", "/v1/projects", None)
        };
        tasks.push(tokio::spawn(async move {
            let (parts, _) = h2_send(&mut h2, request).await;
            (i, parts.status.as_u16())
        }));
    }
    for task in tasks {
        let (i, status) = task.await.unwrap();
        assert_eq!(status, if i % 2 == 0 { 200 } else { 401 });
    }
}
