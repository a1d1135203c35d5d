//! ERR-1..ERR-6: the failure response.

use crate::support::{request, schema, secret_windows, Mock};

#[tokio::test]
async fn err_2_the_envelope_validates_against_the_schema() {
    let mock = Mock::start().await;
    let validator = schema("error-envelope.schema.json");
    let response = mock.get("/v1/account", &[]).await;
    response.assert_envelope();
    assert!(validator.is_valid(&response.json()));
    // The schema itself: code must be present and null; extra members are allowed.
    let extra = serde_json::json!({"error": {"type": "authentication_error", "code": null, "message": "Invalid API key", "request_id": "r1"}, "docs": "x"});
    assert!(validator.is_valid(&extra));
    for bad in [
        serde_json::json!({"error": {"type": "authentication_error", "message": "Invalid API key"}}),
        serde_json::json!({"error": {"type": "authentication_error", "code": "invalid_key", "message": "Invalid API key"}}),
        serde_json::json!({"error": {"type": "invalid_request_error", "code": null, "message": "Invalid API key"}}),
        serde_json::json!({"error": {"type": "authentication_error", "code": null, "message": "Revoked"}}),
    ] {
        assert!(!validator.is_valid(&bad), "{bad}");
    }
}

#[tokio::test]
async fn err_3_every_cause_gets_byte_identical_answers() {
    let mock = Mock::start().await;
    let key = mock.key.clone();
    let causes: Vec<Vec<String>> = vec![
        vec![],
        vec!["Authorization:".into()],
        vec!["Authorization: Bearer".into()],
        vec![format!("Authorization: Basic {key}")],
        vec![format!("Authorization: Bearer {}", &key[5..])],
        vec![format!("Authorization: Bearer {}", &key[..20])],
        vec![format!("Authorization: Bearer {key}0")],
        vec!["Authorization: Bearer thub_unknownunknownunknown".into()],
        vec![format!("Authorization: Bearer {}", mock.revoked)],
    ];
    let mut seen = None;
    for lines in causes {
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let response = mock.get("/v1/account", &refs).await;
        response.assert_envelope();
        let shape = response.headers_without_date();
        let this = (response.status, shape, response.body);
        match &seen {
            None => seen = Some(this),
            Some(first) => assert_eq!(first, &this, "differs for {lines:?}"),
        }
    }
}

#[tokio::test]
async fn err_4_head_gets_the_headers_of_get_without_a_body() {
    let mock = Mock::start().await;
    let mut conn = mock.tls().await;
    let get = crate::support::send_raw(&mut conn, &request("GET", "/v1/account", &[])).await;
    let head = crate::support::send_raw(&mut conn, &request("HEAD", "/v1/account", &[])).await;
    assert_eq!(head.status, 401);
    assert!(head.body.is_empty());
    assert_eq!(get.headers_without_date(), head.headers_without_date());
    // The same connection still works: no stray body bytes were sent after HEAD.
    let again = crate::support::send_raw(&mut conn, &request("GET", "/v1/account", &[])).await;
    again.assert_envelope();
}

#[tokio::test]
async fn err_6_no_piece_of_the_credentials_is_echoed() {
    let mock = Mock::start().await;
    let key = mock.key.clone();
    let windows = secret_windows(&key);
    for lines in [
        vec![format!("Authorization: Bearer {key}x")],
        vec![format!("Authorization: Basic {key}")],
        vec![format!("X-API-Key: {key}")],
        vec![format!("Authorization: Bearer {}", &key[..30])],
    ] {
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let response = mock.get(&format!("/v1/account?api_key={key}"), &refs).await;
        let whole = format!("{:?}{}", response.headers, response.body_str());
        for w in &windows {
            assert!(!whole.contains(w.as_str()), "echoed {w} for {lines:?}");
        }
    }
}
