//! HDR-1..HDR-5: how the key is presented, with exact bytes on the wire.

use crate::support::Mock;

#[tokio::test]
async fn hdr_1_malformed_authorization_values_fail() {
    let mock = Mock::start().await;
    let key = &mock.key;
    for value in [
        String::new(),
        "Bearer".to_owned(),
        "Bearer ".to_owned(),
        format!("Bearer{key}"),
        format!("Bearer\t{key}"),
        format!("Bearer  {key}"),
        format!("Bearer {key} extra"),
        format!("Bearer {key} "), // trailing OWS is not part of the value: this one succeeds below
        format!("bearer {key}"),
        format!("BEARER {key}"),
        key.clone(),
    ] {
        let response = mock.get_with_authorization("/v1/account", &value).await;
        if value == format!("Bearer {key} ") {
            assert_eq!(response.status, 200, "trailing whitespace is OWS (HDR-2)");
        } else {
            response.assert_envelope();
        }
    }
}

#[tokio::test]
async fn hdr_2_field_name_case_and_surrounding_whitespace_do_not_matter() {
    let mock = Mock::start().await;
    let key = &mock.key;
    for line in [
        format!("authorization: Bearer {key}"),
        format!("AUTHORIZATION: Bearer {key}"),
        format!("aUtHoRiZaTiOn: Bearer {key}"),
        format!("Authorization:Bearer {key}"),
        format!("Authorization:   Bearer {key}"),
        format!("Authorization: Bearer {key}   "),
        format!("Authorization:\tBearer {key}\t"),
    ] {
        assert_eq!(
            mock.get("/v1/account", &[&line]).await.status,
            200,
            "{line:?}"
        );
    }
}

#[tokio::test]
async fn hdr_3_no_other_channel_authenticates() {
    let mock = Mock::start().await;
    let key = &mock.key;
    let secret = &key[5..];
    let basic_user = base64(&format!("{key}:"));
    let basic_pass = base64(&format!("user:{key}"));
    for name in ["api_key", "access_token", "key", "token"] {
        mock.get(&format!("/v1/account?{name}={key}"), &[])
            .await
            .assert_envelope();
    }
    // Other headers, cookies, other schemes, the secret without its prefix.
    for line in [
        format!("X-API-Key: {key}"),
        format!("Api-Key: {key}"),
        format!("Proxy-Authorization: Bearer {key}"),
        format!("Cookie: session={key}; api_key={key}"),
        format!("Authorization: Basic {basic_user}"),
        format!("Authorization: Basic {basic_pass}"),
        format!("Authorization: Token {key}"),
        format!("Authorization: ApiKey {key}"),
        format!("Authorization: Digest username=\"{key}\""),
        format!("Authorization: Bearer {secret}"),
    ] {
        mock.get("/v1/account", &[&line]).await.assert_envelope();
    }
    // In the body, and as URL userinfo in an absolute-form request target.
    let body = format!("api_key={key}");
    let raw = format!(
        "POST /v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    mock.raw(raw.as_bytes()).await.assert_envelope();
    let raw =
        format!("GET https://user:{key}@localhost/v1/account HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let response = mock.raw(raw.as_bytes()).await;
    assert!(
        response.status == 401 || response.status == 400,
        "userinfo: {}",
        response.status
    );
}

#[tokio::test]
async fn hdr_4_several_credentials_fail_even_with_a_valid_one() {
    let mock = Mock::start().await;
    let key = &mock.key;
    let other = "thub_SomebodyElsesKeySomebodyElsesKey0000";
    let valid = format!("Authorization: Bearer {key}");
    let invalid = format!("Authorization: Bearer {other}");
    for lines in [
        vec![valid.clone(), invalid.clone()],
        vec![invalid.clone(), valid.clone()],
        vec![valid.clone(), valid.clone()],
        vec![format!("Authorization: Bearer {key}, Bearer {other}")],
        vec![format!("Authorization: Bearer {other}, Bearer {key}")],
        vec![format!("Authorization: Bearer {key},{other}")],
        vec![
            valid.clone(),
            "authorization: Basic Zm9vOmJhcg==".to_owned(),
        ],
    ] {
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let response = mock.get("/v1/account", &refs).await;
        assert!(response.status == 401, "{lines:?}: {}", response.status);
        response.assert_envelope();
    }
}

#[tokio::test]
async fn hdr_5_strict_by_default_lenient_with_the_flag() {
    let strict = Mock::start().await;
    let lenient = Mock::lenient().await;
    for (mock, accepts) in [(&strict, false), (&lenient, true)] {
        for value in [
            format!("bearer {}", mock.key),
            format!("BEARER {}", mock.key),
            format!("Bearer   {}", mock.key),
        ] {
            let response = mock.get_with_authorization("/v1/account", &value).await;
            if accepts {
                assert_eq!(response.status, 200);
            } else {
                response.assert_envelope();
            }
        }
        // Neither reading accepts what RFC 6750 does not allow.
        for value in [
            format!("Bearer\t{}", mock.key),
            format!("Bearer{}", mock.key),
        ] {
            mock.get_with_authorization("/v1/account", &value)
                .await
                .assert_envelope();
        }
    }
}

fn base64(input: &str) -> String {
    const TABLE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = input.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
