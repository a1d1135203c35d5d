//! ROUTE-1, ROUTE-2: no unauthenticated routes; authentication before routing.

use crate::support::{request, Mock};

const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND", "BREW",
];

#[tokio::test]
async fn route_1_every_path_and_method_without_a_key_gets_the_envelope() {
    let mock = Mock::start().await;
    let paths = [
        "/v1/account",
        "/v1/projects",
        "/v1/projects/prj_1",
        "/",
        "/v1",
        "/v1/nope",
        "/health",
        "/healthz",
        "/status",
        "/metrics",
        "/openapi.json",
        "/.well-known/openid-configuration",
        "/v1/keys",
        "*",
    ];
    for path in paths {
        for method in METHODS {
            if path == "*" && *method != "OPTIONS" {
                continue;
            }
            let response = mock.raw(&request(method, path, &[])).await;
            assert_eq!(response.status, 401, "{method} {path}");
            assert_eq!(
                response.header("www-authenticate"),
                Some(r#"Bearer realm="terminus-hub""#),
                "{method} {path}"
            );
            if *method != "HEAD" {
                response.assert_envelope();
            }
        }
    }
}

#[tokio::test]
async fn route_2_path_variants_never_reach_a_handler_without_a_key() {
    let mock = Mock::start().await;
    for path in [
        "/v1/account/",
        "//v1/account",
        "/v1//account",
        "/V1/ACCOUNT",
        "/v1/%61ccount",
        "/v1/./account",
        "/v1/x/../account",
        "/v1/account;jsessionid=1",
        "/v1/account?debug=1",
        "/v1/account#frag",
        "/v1/projects/prj_1/",
    ] {
        let response = mock.raw(&request("GET", path, &[])).await;
        assert!(
            response.status == 401 || response.status == 400,
            "{path}: {}",
            response.status
        );
        if response.status == 401 {
            response.assert_envelope();
        }
    }
}

#[tokio::test]
async fn authenticated_unknown_path_is_404_and_wrong_method_405_with_allow() {
    let mock = Mock::start().await;
    let auth = format!("Authorization: Bearer {}", mock.key);
    let response = mock.raw(&request("GET", "/v1/nope", &[&auth])).await;
    assert_eq!(response.status, 404);
    assert_eq!(response.json()["error"]["type"], "not_found_error");
    let response = mock.raw(&request("PUT", "/v1/projects", &[&auth])).await;
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow"), Some("GET, POST, HEAD, OPTIONS"));
    let response = mock
        .raw(&request("OPTIONS", "/v1/projects", &[&auth]))
        .await;
    assert_eq!(response.status, 204);
    assert_eq!(response.header("allow"), Some("GET, POST, HEAD, OPTIONS"));
}

#[tokio::test]
async fn ok_1_every_documented_endpoint_and_method_accepts_a_valid_key() {
    let mock = Mock::start().await;
    let auth = format!("Authorization: Bearer {}", mock.key);
    for (method, path, status) in [
        ("GET", "/v1/account", 200),
        ("HEAD", "/v1/account", 200),
        ("GET", "/v1/projects", 200),
        ("POST", "/v1/projects", 201),
        ("GET", "/v1/projects/prj_9", 200),
        ("DELETE", "/v1/projects/prj_9", 200),
    ] {
        let mut lines = vec![auth.as_str()];
        if method == "POST" {
            lines.push("Content-Length: 0");
        }
        let response = mock.raw(&request(method, path, &lines)).await;
        assert_eq!(response.status, status, "{method} {path}");
        if method == "GET" {
            let _ = response.json();
        }
    }
    let response = mock.get_with_key("/v1/projects/prj_9", &mock.key).await;
    assert_eq!(
        response.json()["id"],
        "prj_9",
        "path parameters fill the canned body"
    );
}

#[tokio::test]
async fn the_admin_plane_is_not_reachable_on_the_public_listener() {
    let mock = Mock::start().await;
    let admin = format!("Authorization: Bearer {}", mock.server.admin_token());
    for (method, path) in [
        ("GET", "/v1/keys"),
        ("POST", "/v1/keys"),
        ("GET", "/healthz"),
    ] {
        mock.raw(&request(method, path, &[&admin, "Content-Length: 0"]))
            .await
            .assert_envelope();
    }
    let auth = format!("Authorization: Bearer {}", mock.key);
    let response = mock.raw(&request("GET", "/v1/keys", &[&auth])).await;
    assert_eq!(response.status, 404, "not even with a valid Public API key");
}
