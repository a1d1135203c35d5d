//! The journal shows what an SDK sent, in full, and no key material (SPEC.md part 2, "For SDK
//! test suites"; issue 17): every header value, every query value and the body as sent, except
//! each key, its secret, any 10 consecutive characters of an issued key, and their Base64 and
//! percent-encoded forms, replaced by what they were — in the library, on the admin plane and
//! in the `--journal` file.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use serde_json::Value;
use terminus_mock::{BodyEncoding, JournalEntry, MockConfig, MockServer};

use crate::support::{h2_send, request, send_raw, tls_to, Mock};

const UUID: &str = "6f1c2a9e-8b3d-4c5e-9f7a-1b2c3d4e6a17";

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize])
            } else {
                '='
            });
        }
    }
    out
}

fn percent(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The journal's entries once it holds `n` (an entry joins when its answer has ended and its
/// body has been read: a moment after the client has its answer).
async fn entries(server: &MockServer, n: usize) -> Vec<JournalEntry> {
    for _ in 0..200 {
        let entries = server.received_requests();
        if entries.len() >= n {
            return entries;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "the journal never held {n} entries: {:?}",
        server.received_requests()
    );
}

/// `window` of `key` (bytes `at..at + 10`) between `abc` and `xyz`, or `abd`/`xyw` where the
/// key's own next character is `c`/`x` (it would be a piece of the key too).
fn inside_other_text(key: &str, at: usize) -> String {
    let k = key.as_bytes();
    let before = if at > 0 && k[at - 1] == b'c' {
        "abd"
    } else {
        "abc"
    };
    let after = if k.get(at + 10) == Some(&b'x') {
        "yzw"
    } else {
        "xyz"
    };
    format!("{before}{}{after}", &key[at..at + 10])
}

/// No key material of any of `keys` in `text`: not the key, not any 10 consecutive characters
/// of it, not its Base64 or percent-encoded form.
#[track_caller]
fn assert_no_key_material(keys: &[&str], text: &str, what: &str) {
    for key in keys {
        for window in key.as_bytes().windows(10) {
            let window = std::str::from_utf8(window).unwrap();
            assert!(!text.contains(window), "{what} holds {window}:\n{text}");
        }
        for encoded in [
            base64(key.as_bytes()),
            base64(&key.as_bytes()[5..]),
            percent(key),
        ] {
            assert!(!text.contains(&encoded), "{what} holds {encoded}:\n{text}");
        }
    }
}

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("terminus-values-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("journal.jsonl")
}

#[tokio::test]
async fn an_sdk_s_values_are_shown_in_full_and_no_piece_of_a_key_anywhere() {
    let file = temp_file("full");
    let mock = Mock::start_with(MockConfig {
        journal_file: Some(file.clone()),
        ..MockConfig::default()
    })
    .await;
    let (key, revoked) = (mock.key.clone(), mock.revoked.clone());
    let keys = [key.as_str(), revoked.as_str()];

    // HTTP/1.1, raw: an SDK's POST with its usual headers, and key material hidden in others.
    let body = r#"{"name":"proj","note":"café"}"#;
    let lines = [
        "User-Agent: hubsdk-node/0.0.1".to_owned(),
        format!("Idempotency-Key: {UUID}"),
        "X-Request-Id: req_abc123".to_owned(),
        "Content-Type: application/json".to_owned(),
        format!("Authorization: Bearer {key}"),
        format!("X-Debug: {}", inside_other_text(&key, 17)),
        format!("X-Old: before {} after", &revoked[5..]),
        format!("X-Encoded: {}", percent(&key)),
        format!("X-Wrapped: {}", base64(format!("ci:{key}").as_bytes())),
        format!("Content-Length: {}", body.len()),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let target = format!(
        "/v1/projects?expand=owner&q=hello%20world&cursor=cur_0123456789abcdef&api_key={}&flag",
        percent(&revoked)
    );
    let mut raw = request("POST", &target, &lines);
    raw.extend_from_slice(body.as_bytes());
    let response = mock.raw(&raw).await;
    assert_eq!(response.status, 201, "{}", response.body_str());

    // HTTP/2: a binary body with a piece of the key inside, and a body over the limit.
    let mut h2 = mock.h2().await;
    let mut binary = vec![0xff, 0x00, 0x9f];
    binary.extend_from_slice(&key.as_bytes()[10..30]);
    binary.push(0x80);
    let big = "0123456789abcdef".repeat(5000); // 80 000 bytes
    for payload in [Bytes::from(binary.clone()), Bytes::from(big.clone())] {
        let request = http::Request::post(format!(
            "https://localhost:{}/v1/projects",
            mock.addr().port()
        ))
        .header("authorization", format!("Bearer {key}"))
        .header("user-agent", "hubsdk-python/0.0.1 httpx/0.27.0")
        .body(Full::new(payload))
        .unwrap();
        let (parts, _) = h2_send(&mut h2, request).await;
        assert_eq!(parts.status, 201);
    }

    let journal = entries(&mock.server, 3).await;
    let post = &journal[0];
    assert_eq!(post.header("user-agent"), Some("hubsdk-node/0.0.1"));
    assert_eq!(post.header("idempotency-key"), Some(UUID));
    assert_eq!(post.header("x-request-id"), Some("req_abc123"));
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(
        post.header("authorization"),
        Some(r#"Bearer <valid key "test">"#)
    );
    let debug = inside_other_text(&key, 17);
    assert_eq!(
        post.header("x-debug"),
        Some(&*format!(
            r#"{}<valid key "test">{}"#,
            &debug[..3],
            &debug[13..]
        ))
    );
    assert_eq!(
        post.header("x-old"),
        Some(r#"before <revoked key "revoked"> after"#)
    );
    assert_eq!(post.header("x-encoded"), Some(r#"<valid key "test">"#));
    assert_eq!(
        post.header("x-wrapped"),
        Some(r#"<valid key "test" in Base64>"#)
    );
    let query: Vec<(&str, &str)> = post
        .query
        .iter()
        .map(|q| (q.name.as_str(), q.value.as_str()))
        .collect();
    assert_eq!(
        query,
        [
            ("expand", "owner"),
            ("q", "hello%20world"),
            ("cursor", "cur_0123456789abcdef"),
            ("api_key", r#"<revoked key "revoked">"#),
            ("flag", ""),
        ]
    );
    let text = post.body.as_ref().expect("the POST's body");
    assert_eq!(
        (text.size, text.truncated, text.encoding),
        (body.len() as u64, false, BodyEncoding::Utf8)
    );
    assert_eq!(text.data, body);

    let binary_body = journal[1].body.as_ref().expect("the binary body");
    assert_eq!(binary_body.encoding, BodyEncoding::Base64);
    assert_eq!(binary_body.size, binary.len() as u64);
    let shown = binary_body.bytes();
    assert!(
        shown.starts_with(&[0xff, 0x00, 0x9f]) && shown.ends_with(&[0x80]),
        "{shown:?}"
    );
    assert_eq!(&shown[3..shown.len() - 1], br#"<valid key "test">"#);

    let big_body = journal[2].body.as_ref().expect("the big body");
    assert_eq!(
        (big_body.size, big_body.truncated),
        (big.len() as u64, true)
    );
    assert_eq!(big_body.data, big[..64 * 1024]);
    assert_eq!(
        journal[2].header("user-agent"),
        Some("hubsdk-python/0.0.1 httpx/0.27.0")
    );

    // No key material in the library's answer, the admin plane's, or the --journal file.
    let library = serde_json::to_string(&journal).unwrap();
    assert_no_key_material(&keys, &library, "received_requests()");
    let mut admin = tls_to(mock.server.admin_addr(), &mock.h1_connector()).await;
    let token = format!("Authorization: Bearer {}", mock.server.admin_token());
    let listed = send_raw(&mut admin, &request("GET", "/v1/requests", &[&token])).await;
    assert_eq!(listed.status, 200);
    let listed_text = listed.body_str();
    assert_no_key_material(&keys, &listed_text, "GET /v1/requests");
    let listed: Value = serde_json::from_str(&listed_text).unwrap();
    assert_eq!(listed["requests"][0]["headers"][0]["value"], "localhost");
    assert!(listed_text.contains("hubsdk-node/0.0.1") && listed_text.contains(UUID));
    mock.server.shutdown().await;
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written.lines().count(), 3);
    assert_no_key_material(&keys, &written, "the --journal file");
    assert!(written.contains("req_abc123") && written.contains("hello%20world"));
    let _ = std::fs::remove_dir_all(file.parent().unwrap());
}

#[tokio::test]
async fn every_window_of_every_key_in_any_header_is_replaced() {
    let mock = Mock::start().await;
    let (key, revoked) = (mock.key.clone(), mock.revoked.clone());
    let keys = [key.as_str(), revoked.as_str()];
    // One request per key, each header holding one 10-character window inside other text.
    for k in keys {
        let lines: Vec<String> = (0..=k.len() - 10)
            .map(|i| format!("X-Piece-{i}: {}", inside_other_text(k, i)))
            .chain([format!("Authorization: Bearer {key}")])
            .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let response = mock.get("/v1/account", &lines).await;
        assert_eq!(response.status, 200);
    }
    let journal = entries(&mock.server, 2).await;
    for ((entry, name), k) in journal.iter().zip(["test", "revoked"]).zip(keys) {
        let state = if name == "test" { "valid" } else { "revoked" };
        for i in 0..=k.len() - 10 {
            let sent = inside_other_text(k, i);
            let shown = format!(r#"{}<{state} key "{name}">{}"#, &sent[..3], &sent[13..]);
            assert_eq!(entry.header(&format!("x-piece-{i}")), Some(&*shown));
        }
    }
    assert_no_key_material(
        &keys,
        &serde_json::to_string(&journal).unwrap(),
        "the journal",
    );
}
