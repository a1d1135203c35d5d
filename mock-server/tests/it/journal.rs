//! The request journal and the redirect origin (SPEC.md part 2, "For SDK test suites"): every
//! request recorded with each credential replaced by what it was, never a piece of a key, in
//! the library, on the admin plane (`GET`/`DELETE /v1/requests`) and in `--journal`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use serde_json::{json, Value};
use terminus_mock::{
    ConfigError, Error, JournalEntry, KeySummary, MockConfig, MockServer, Protocol, Threading,
    TlsMode, Verification,
};
use tokio::net::TcpStream;

use crate::support::{
    h2_send, mock_command, refused, request, schema, secret_windows, send_raw, terminate, tls_to,
    wait_for_ready, Mock, RawResponse,
};

/// A key of the right shape that no store issued.
const UNKNOWN: &str = "thub_neverIssued0123456789abcdefghijKLMNOP";
/// The test-only keys of fixtures/keys.json (public, accepted only by the mock).
const FIXTURE_ACTIVE: &str = "thub_TESTONLYactive1NotARealKey0000000001";
const FIXTURE_REVOKED: &str = "thub_TESTONLYrevoked1NotARealKey000000003";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("terminus-journal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An admin-plane request (`target` is path and query), with the admin token unless `token`
/// says otherwise.
async fn admin(mock: &Mock, method: &str, target: &str, token: Option<&str>) -> RawResponse {
    let mut conn = tls_to(mock.server.admin_addr(), &mock.h1_connector()).await;
    let auth = token.map(|t| format!("Authorization: Bearer {t}"));
    let lines: Vec<&str> = auth.iter().map(String::as_str).collect();
    send_raw(&mut conn, &request(method, target, &lines)).await
}

/// `GET /v1/requests?query` with the token: 200, valid against its schema, the entries' seq.
async fn listed(mock: &Mock, query: &str) -> Vec<u64> {
    let token = mock.server.admin_token().to_owned();
    let answer = admin(mock, "GET", &format!("/v1/requests?{query}"), Some(&token)).await;
    assert_eq!(answer.status, 200, "{query}: {}", answer.body_str());
    let list = answer.json();
    assert_valid("request-list.schema.json", &list);
    list["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect()
}

#[track_caller]
fn assert_valid(schema_file: &str, value: &Value) {
    let validator = schema(schema_file);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema_file}: {errors:?}\n{value:#}");
}

/// No 10 consecutive characters of any key's secret in `text`.
#[track_caller]
fn assert_no_piece_of(keys: &[&str], text: &str, what: &str) {
    for key in keys {
        for window in secret_windows(key) {
            assert!(!text.contains(&window), "{what} holds {window}:\n{text}");
        }
    }
}

fn key_id(mock: &Mock, key: &str) -> String {
    match mock.server.key_store().verify(key.as_bytes()) {
        Verification::Active(id) | Verification::Revoked(id) => id,
        Verification::Unknown => panic!("not in the store"),
    }
}

fn addr_of(url: &str) -> SocketAddr {
    url.split("://").nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn each_credential_is_journaled_as_what_it_was_and_no_piece_of_a_key() {
    let dir = temp_dir("credentials");
    let file = dir.join("journal.jsonl");
    let mock = Mock::start_with(MockConfig {
        journal_file: Some(file.clone()),
        ..MockConfig::default()
    })
    .await;
    let (valid_id, revoked_id) = (key_id(&mock, &mock.key), key_id(&mock, &mock.revoked));
    let cases: Vec<(Option<String>, u16, &str, Value)> = vec![
        (
            Some(format!("Bearer {}", mock.key)),
            200,
            r#"Bearer <valid key "test">"#,
            json!({"state": "valid", "name": "test", "id": valid_id}),
        ),
        (
            Some(format!("Bearer {}", mock.revoked)),
            401,
            r#"Bearer <revoked key "revoked">"#,
            json!({"state": "revoked", "name": "revoked", "id": revoked_id}),
        ),
        (
            Some(format!("Bearer {UNKNOWN}")),
            401,
            "Bearer <unknown thub_ key>",
            json!({"state": "unknown"}),
        ),
        (
            Some("Bearer 123abc".into()),
            401,
            "Bearer <not a key>",
            json!({"state": "malformed"}),
        ),
        (
            Some("Basic dXNlcjpwYXNzd29yZA==".into()),
            401,
            "Basic <not a key>",
            json!({"state": "malformed"}),
        ),
        // A valid key under the wrong spelling of the scheme (HDR-5, strict): the journal says
        // both what the key was and that the request was judged malformed.
        (
            Some(format!("bearer {}", mock.key)),
            401,
            r#"bearer <valid key "test">"#,
            json!({"state": "malformed"}),
        ),
        (None, 401, "", json!({"state": "absent"})),
    ];
    for (authorization, status, _, _) in &cases {
        let lines: Vec<String> = authorization
            .iter()
            .map(|v| format!("Authorization: {v}"))
            .collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let response = mock.get("/v1/account", &lines).await;
        assert_eq!(response.status, *status, "{authorization:?}");
    }

    let entries = mock.server.received_requests();
    assert_eq!(entries.len(), cases.len());
    for (entry, (authorization, status, shown, key)) in entries.iter().zip(&cases) {
        let as_json = serde_json::to_value(entry).unwrap();
        assert_valid("journal-entry.schema.json", &as_json);
        assert_eq!(entry.status, *status);
        assert_eq!(as_json["key"], *key, "{shown}");
        match authorization {
            Some(_) => assert_eq!(entry.header("authorization"), Some(*shown)),
            None => assert_eq!(entry.header("authorization"), None),
        }
        assert_eq!(
            (entry.method.as_str(), entry.path.as_str()),
            ("GET", "/v1/account")
        );
        assert_eq!((entry.tls, entry.protocol), (true, Protocol::Http11));
        assert_eq!(entry.header("host"), Some("localhost"));
    }
    let seqs: Vec<u64> = entries.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=cases.len() as u64).collect::<Vec<_>>());
    // A round trip through JSON gives the same entries (time to the microsecond).
    let text = serde_json::to_string(&entries).unwrap();
    let back: Vec<JournalEntry> = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_string(&back).unwrap(), text);

    let keys = [mock.key.as_str(), mock.revoked.as_str(), UNKNOWN];
    assert_no_piece_of(&keys, &text, "the library's journal");
    let token = mock.server.admin_token().to_owned();
    let listed = admin(&mock, "GET", "/v1/requests", Some(&token)).await;
    assert_eq!(listed.status, 200);
    assert_valid("request-list.schema.json", &listed.json());
    assert_eq!(
        listed.json()["requests"].as_array().unwrap().len(),
        cases.len()
    );
    assert_no_piece_of(&keys, &listed.body_str(), "GET /v1/requests");

    let (key, revoked) = (mock.key.clone(), mock.revoked.clone());
    mock.server.shutdown().await; // writes what is pending to --journal
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written.lines().count(), cases.len(), "{written}");
    for line in written.lines() {
        assert_valid(
            "journal-entry.schema.json",
            &serde_json::from_str(line).unwrap(),
        );
    }
    assert_no_piece_of(&[&key, &revoked, UNKNOWN], &written, "the --journal file");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn keys_elsewhere_in_the_request_are_replaced_and_headers_kept_in_order() {
    let mock = Mock::start().await;
    let (key, revoked) = (mock.key.clone(), mock.revoked.clone());
    let lines = [
        format!("User-Agent: my-sdk/1.0 ({key})"),
        format!("Cookie: session=abc; token={revoked}"),
        format!("X-Api-Key: {key}"),
        format!("X-Trace: {}", &key[5..]), // the secret without its prefix
        "X-Dup: first".to_owned(),
        "X-Dup: second".to_owned(),
        // Before the accepted Authorization: described on its own, not taken for that key.
        format!("Proxy-Authorization: Basic {UNKNOWN}"),
        format!("Authorization: Bearer {key}"),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let target = format!("/v1/{key}/x?api_key={key}&page=2&flag");
    let response = mock.get(&target, &lines).await;
    assert_eq!(response.status, 404, "authenticated, no such route");

    let entries = mock.server.received_requests();
    let entry = &entries[0];
    assert_valid(
        "journal-entry.schema.json",
        &serde_json::to_value(entry).unwrap(),
    );
    assert_eq!(entry.path, r#"/v1/<valid key "test">/x"#);
    let query: Vec<(&str, &str, Option<&str>)> = entry
        .query
        .iter()
        .map(|q| (q.name.as_str(), q.value.as_str(), q.key.as_deref()))
        .collect();
    let valid = r#"<valid key "test">"#;
    assert_eq!(
        query,
        [
            ("api_key", valid, Some(valid)),
            ("page", "2", None),
            ("flag", "", None)
        ]
    );
    assert_eq!(
        entry.header("user-agent"),
        Some(r#"my-sdk/1.0 (<valid key "test">)"#)
    );
    assert_eq!(
        entry.header("cookie"),
        Some(r#"session=abc; token=<revoked key "revoked">"#)
    );
    assert_eq!(entry.header("x-api-key"), Some(r#"<valid key "test">"#));
    assert_eq!(
        entry.header("proxy-authorization"),
        Some("Basic <unknown thub_ key>")
    );
    assert_eq!(entry.header("x-trace"), Some(r#"<valid key "test">"#));
    assert_eq!(
        entry.header_values("x-dup").collect::<Vec<_>>(),
        ["first", "second"]
    );
    let names: Vec<&str> = entry.headers.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "host",
            "user-agent",
            "cookie",
            "x-api-key",
            "x-trace",
            "x-dup",
            "x-dup",
            "proxy-authorization",
            "authorization"
        ]
    );
    assert!(matches!(&entry.key, KeySummary::Valid { name, .. } if name == "test"));
    assert_no_piece_of(
        &[&key, &revoked, UNKNOWN],
        &serde_json::to_string(&entries).unwrap(),
        "the journal",
    );

    // Two Authorization fields (HDR-4): both shown, judged malformed.
    let lines = [
        format!("Authorization: Bearer {key}"),
        format!("Authorization: Bearer {UNKNOWN}"),
    ];
    let response = mock.get("/v1/account", &[&lines[0], &lines[1]]).await;
    response.assert_envelope();
    let entry = mock.server.received_requests().pop().unwrap();
    assert_eq!(
        entry.header_values("authorization").collect::<Vec<_>>(),
        [r#"Bearer <valid key "test">"#, "Bearer <unknown thub_ key>"]
    );
    assert_eq!(entry.key, KeySummary::Malformed);
}

#[tokio::test]
async fn http2_http11_and_http10_are_recorded_as_such() {
    let mock = Mock::start().await;
    let mut h2 = mock.h2().await;
    let request = http::Request::get(format!(
        "https://localhost:{}/v1/account",
        mock.addr().port()
    ))
    .header("authorization", format!("Bearer {}", mock.key))
    .body(Full::new(Bytes::new()))
    .unwrap();
    let (parts, _) = h2_send(&mut h2, request).await;
    assert_eq!(parts.status, 200);
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
    let mut conn = mock.tls().await;
    let old = send_raw(
        &mut conn,
        b"GET /v1/account HTTP/1.0\r\nHost: localhost\r\n\r\n",
    )
    .await;
    assert_eq!(old.status, 401);

    let entries = mock.server.received_requests();
    let protocols: Vec<Protocol> = entries.iter().map(|e| e.protocol).collect();
    assert_eq!(
        protocols,
        [Protocol::Http2, Protocol::Http11, Protocol::Http10]
    );
    let as_json = serde_json::to_value(&entries).unwrap();
    assert_eq!(as_json[0]["protocol"], "HTTP/2");
    assert_eq!(as_json[2]["protocol"], "HTTP/1.0");
    assert!(entries.iter().all(|e| e.tls));
    assert_eq!(
        entries[0].header("authorization"),
        Some(r#"Bearer <valid key "test">"#)
    );
    assert_eq!(
        entries[0].header("host"),
        None,
        "HTTP/2 sends :authority instead"
    );
    assert_eq!(entries[2].key, KeySummary::Absent);
}

#[tokio::test]
async fn a_full_journal_drops_the_oldest_counts_them_and_clears() {
    let mock = Mock::start_with(MockConfig {
        journal_size: 3,
        ..MockConfig::default()
    })
    .await;
    for n in 1..=5 {
        mock.get(&format!("/v1/r{n}"), &[]).await.assert_envelope();
    }
    let entries = mock.server.received_requests();
    let kept: Vec<(u64, &str)> = entries.iter().map(|e| (e.seq, e.path.as_str())).collect();
    assert_eq!(kept, [(3, "/v1/r3"), (4, "/v1/r4"), (5, "/v1/r5")]);
    assert_eq!(mock.server.dropped_requests(), 2);
    let token = mock.server.admin_token().to_owned();
    let list = admin(&mock, "GET", "/v1/requests", Some(&token))
        .await
        .json();
    assert_eq!(
        (&list["dropped"], &list["capacity"]),
        (&json!(2), &json!(3))
    );

    let cleared = admin(&mock, "DELETE", "/v1/requests", Some(&token)).await;
    assert_eq!(cleared.status, 204);
    assert!(cleared.body.is_empty());
    let list = admin(&mock, "GET", "/v1/requests", Some(&token))
        .await
        .json();
    assert_eq!(list, json!({"requests": [], "dropped": 0, "capacity": 3}));
    assert!(mock.server.received_requests().is_empty());

    // Sequence numbers go on across a clear, so `since` cursors stay valid.
    mock.get("/v1/after", &[]).await.assert_envelope();
    assert_eq!(listed(&mock, "since=5").await, [6]);
    mock.server.clear_requests();
    assert!(mock.server.received_requests().is_empty());
    assert_eq!(mock.server.dropped_requests(), 0);
}

#[tokio::test]
async fn filters_select_by_method_path_status_since_key_and_listener() {
    let mock = Mock::start().await;
    let key = mock.key.clone();
    let auth = format!("Authorization: Bearer {key}");
    let revoked = format!("Authorization: Bearer {}", mock.revoked);
    let sent: [(&str, &str, &str, u16); 5] = [
        ("GET", "/v1/account", auth.as_str(), 200),
        ("GET", "/v1/account", "X-No-Key: 1", 401),
        ("GET", "/v1/projects/prj_7", auth.as_str(), 200),
        ("POST", "/v1/account", auth.as_str(), 405),
        ("DELETE", "/v1/projects/prj_8", revoked.as_str(), 401),
    ];
    for (method, path, line, status) in sent {
        let response = mock.raw(&request(method, path, &[line])).await;
        assert_eq!(response.status, status, "{method} {path}");
    }
    let third = mock.server.received_requests()[2].time;
    let third = humantime::format_rfc3339_micros(third).to_string();
    let valid_id = key_id(&mock, &key);
    let revoked_id = key_id(&mock, &mock.revoked);
    for (query, expected) in [
        ("", vec![1, 2, 3, 4, 5]),
        ("method=POST", vec![4]),
        ("path=/v1/account", vec![1, 2, 4]),
        ("path=%2Fv1%2Fprojects%2F%7Bid%7D", vec![3, 5]),
        ("path=/v1/projects/{id}&method=DELETE", vec![5]),
        ("status=401", vec![2, 5]),
        ("status=2xx", vec![1, 3]),
        ("status=4xx&method=GET", vec![2]),
        ("since=3", vec![4, 5]),
        (&format!("since={third}"), vec![3, 4, 5]),
        (&format!("key_id={valid_id}"), vec![1, 3, 4]),
        (&format!("key_id={revoked_id}"), vec![5]),
        ("key_name=revoked", vec![5]),
        ("key_name=test&status=200", vec![1, 3]),
        ("listener=public", vec![1, 2, 3, 4, 5]),
        ("listener=redirect", vec![]),
        ("path=/v1/nothing", vec![]),
    ] {
        assert_eq!(listed(&mock, query).await, expected, "{query}");
    }
}

#[tokio::test]
async fn a_bad_filter_is_refused_naming_the_parameter() {
    let mock = Mock::start().await;
    let token = mock.server.admin_token().to_owned();
    let key = mock.key.clone();
    for (query, parameter) in [
        ("status=abc".to_owned(), "status"),
        ("status=700".to_owned(), "status"),
        ("since=yesterday".to_owned(), "since"),
        ("path=v1/account".to_owned(), "path"),
        ("listener=admin".to_owned(), "listener"),
        ("method=".to_owned(), "method"),
        ("status=200&status=401".to_owned(), "status"),
        ("colour=red".to_owned(), "colour"),
        (format!("status={key}"), "status"),
    ] {
        let answer = admin(&mock, "GET", &format!("/v1/requests?{query}"), Some(&token)).await;
        assert_eq!(answer.status, 400, "{query}");
        let body = answer.json();
        assert_valid("admin-error.schema.json", &body);
        assert_eq!(body["error"]["type"], "invalid_request_error");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("`{parameter}`")),
            "{query}: {message}"
        );
        assert_no_piece_of(&[&key], message, "the 400");
    }
}

#[tokio::test]
async fn the_journal_is_on_the_admin_plane_only_and_needs_its_token() {
    let mock = Mock::start().await;
    mock.get_with_key("/v1/account", &mock.key).await;
    for (method, token) in [
        ("GET", None),
        ("GET", Some("wrong-token")),
        ("DELETE", None),
        ("DELETE", Some("wrong-token")),
    ] {
        let answer = admin(&mock, method, "/v1/requests", token).await;
        assert_eq!(answer.status, 401, "{method} {token:?}");
        assert!(
            !answer.body_str().contains("requests"),
            "{}",
            answer.body_str()
        );
    }
    assert_eq!(mock.server.received_requests().len(), 1, "not cleared");
    let token = mock.server.admin_token().to_owned();
    let wrong = admin(&mock, "POST", "/v1/requests", Some(&token)).await;
    assert_eq!(wrong.status, 405);
    assert_eq!(wrong.header("allow"), Some("GET, DELETE"));

    // On the Public API listener it is just another path: the envelope, or 404 with a key.
    mock.get("/v1/requests", &[]).await.assert_envelope();
    assert_eq!(
        mock.get_with_key("/v1/requests", &mock.key).await.status,
        404
    );
}

#[tokio::test]
async fn the_redirect_origin_answers_without_auth_and_records_tls_and_plain() {
    let loopback: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let mock = Mock::start_with(MockConfig {
        redirect_listen: Some(loopback),
        redirect_plain_listen: Some(loopback),
        ..MockConfig::default()
    })
    .await;
    let tls_url = mock.server.redirect_url().expect("TLS redirect origin");
    let plain_url = mock
        .server
        .redirect_plain_url()
        .expect("plain redirect origin");
    assert!(tls_url.starts_with("https://127.0.0.1:"), "{tls_url}");
    assert!(plain_url.starts_with("http://127.0.0.1:"), "{plain_url}");
    assert_ne!(addr_of(&tls_url), mock.addr(), "another origin");

    // The key followed the redirect over TLS (what an SDK must not do): it is seen, described.
    let mut conn = tls_to(addr_of(&tls_url), &mock.h1_connector()).await;
    let auth = format!("Authorization: Bearer {}", mock.key);
    let answer = send_raw(&mut conn, &request("GET", "/landing?x=1", &[&auth])).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.json(), json!({"redirected": true}));
    assert_eq!(answer.header("content-type"), Some("application/json"));
    // Without a key, plain HTTP: still 200, no authentication there.
    let mut plain = TcpStream::connect(addr_of(&plain_url)).await.unwrap();
    let answer = send_raw(
        &mut plain,
        &request("POST", "/plain", &["Content-Length: 0"]),
    )
    .await;
    assert_eq!(answer.status, 200);

    let entries = mock.server.received_requests();
    let seen: Vec<(bool, &str, &str)> = entries
        .iter()
        .map(|e| (e.tls, e.method.as_str(), e.path.as_str()))
        .collect();
    assert_eq!(seen, [(true, "GET", "/landing"), (false, "POST", "/plain")]);
    for entry in &entries {
        assert_valid(
            "journal-entry.schema.json",
            &serde_json::to_value(entry).unwrap(),
        );
        assert_eq!(serde_json::to_value(entry.listener).unwrap(), "redirect");
        assert_eq!(entry.status, 200);
    }
    assert_eq!(
        entries[0].header("authorization"),
        Some(r#"Bearer <valid key "test">"#)
    );
    assert!(matches!(&entries[0].key, KeySummary::Valid { name, .. } if name == "test"));
    assert_eq!(entries[1].key, KeySummary::Absent);
    assert_eq!(listed(&mock, "listener=redirect").await, [1, 2]);
    assert_no_piece_of(
        &[&mock.key],
        &serde_json::to_string(&entries).unwrap(),
        "the journal",
    );

    // `/redirect-to` redirects (a chain away and back), and is journaled like the rest.
    let home = format!("{}/v1/account", mock.server.public_url());
    let mut conn = tls_to(addr_of(&tls_url), &mock.h1_connector()).await;
    let target = format!(
        "/redirect-to?url={}&status_code=307",
        home.replace(':', "%3A").replace('/', "%2F")
    );
    let answer = send_raw(&mut conn, &request("GET", &target, &[])).await;
    assert_eq!(answer.status, 307);
    assert_eq!(answer.header("location"), Some(home.as_str()));
    let mut conn = tls_to(addr_of(&tls_url), &mock.h1_connector()).await;
    let answer = send_raw(
        &mut conn,
        &request("GET", "/redirect-to?url=ftp%3A%2F%2Fx", &[]),
    )
    .await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.body_str().contains("url must be"),
        "{}",
        answer.body_str()
    );
    let statuses: Vec<u16> = mock.server.received_requests()[2..]
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(statuses, [307, 400]);

    // A TLS redirect origin needs a certificate: not with --plaintext; a plain one is fine.
    let plaintext = |redirect_listen, redirect_plain_listen| MockConfig {
        tls: TlsMode::Plaintext,
        redirect_listen,
        redirect_plain_listen,
        ..MockConfig::default()
    };
    let refused = MockServer::start(plaintext(Some(loopback), None))
        .await
        .unwrap_err();
    assert!(
        matches!(refused, Error::Config(ConfigError::RedirectNeedsTls)),
        "{refused}"
    );
    assert!(
        refused.to_string().contains("--redirect-plain-listen"),
        "{refused}"
    );
    let plain_only = MockServer::start(plaintext(None, Some(loopback)))
        .await
        .unwrap();
    assert!(plain_only.redirect_plain_url().is_some());
    assert_eq!(plain_only.redirect_url(), None);
}

#[tokio::test]
async fn concurrent_requests_on_several_threads_get_one_sequence_in_order() {
    let mock = Mock::start_with(MockConfig {
        threading: Threading::PerCore(2),
        ..MockConfig::default()
    })
    .await;
    let mock = std::sync::Arc::new(mock);
    let mut tasks = Vec::new();
    for client in 0..8 {
        let mock = mock.clone();
        tasks.push(tokio::spawn(async move {
            let mut conn = mock.tls().await;
            for n in 0..5 {
                let path = format!("/v1/c{client}/{n}");
                let answer = send_raw(&mut conn, &request("GET", &path, &[])).await;
                assert_eq!(answer.status, 401);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let seqs: Vec<u64> = mock
        .server
        .received_requests()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, (1..=40).collect::<Vec<_>>());
}

/// The binary with `--journal`: lines appear while it runs (flushed within ~200 ms) and all are
/// there after SIGTERM; the ready file and the banner give the redirect origins.
#[tokio::test]
async fn the_binary_writes_the_journal_file_and_starts_the_redirect_origins() {
    let dir = temp_dir("binary");
    let (ready, file, ca) = (
        dir.join("ready.json"),
        dir.join("journal.jsonl"),
        dir.join("ca.pem"),
    );
    let child = mock_command(&ready)
        .arg("--journal")
        .arg(&file)
        .arg("--ca-out")
        .arg(&ca)
        .args(["--journal-size", "2", "--no-mint"])
        .args([
            "--redirect-listen",
            "127.0.0.1:0",
            "--redirect-plain-listen",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let info = wait_for_ready(&ready);
    let (public, redirect, plain) = (
        info["public_url"].as_str().unwrap(),
        info["redirect_url"].as_str().unwrap(),
        info["redirect_plain_url"].as_str().unwrap(),
    );
    assert!(
        redirect.starts_with("https://") && plain.starts_with("http://"),
        "{info}"
    );
    let connector =
        crate::support::connector(&std::fs::read_to_string(&ca).unwrap(), &[b"http/1.1"]);
    for (url, authorization) in [
        (public, Some(FIXTURE_ACTIVE)),
        (public, Some(FIXTURE_REVOKED)),
        (public, None),
        (redirect, Some(FIXTURE_ACTIVE)),
    ] {
        let mut conn = tls_to(addr_of(url), &connector).await;
        let auth = authorization.map(|k| format!("Authorization: Bearer {k}"));
        let lines: Vec<&str> = auth.iter().map(String::as_str).collect();
        send_raw(&mut conn, &request("GET", "/v1/account", &lines)).await;
    }
    let mut conn = TcpStream::connect(addr_of(plain)).await.unwrap();
    send_raw(
        &mut conn,
        &request("GET", "/p", &[&format!("Cookie: k={FIXTURE_ACTIVE}")]),
    )
    .await;

    // Written while the mock runs, not only at exit.
    let started = Instant::now();
    while lines_in(&file) < 5 && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(lines_in(&file), 5, "5 lines within 10 s while running");

    let output = terminate(child);
    assert!(output.status.success(), "{:?}", output.status);
    let banner = String::from_utf8_lossy(&output.stdout);
    assert!(
        banner.contains(redirect) && banner.contains(plain),
        "{banner}"
    );

    let written = std::fs::read_to_string(&file).unwrap();
    let entries: Vec<Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<(u64, &str, bool, &str)> = entries
        .iter()
        .map(|e| {
            assert_valid("journal-entry.schema.json", e);
            (
                e["seq"].as_u64().unwrap(),
                e["listener"].as_str().unwrap(),
                e["tls"].as_bool().unwrap(),
                e["key"]["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (1, "public", true, "valid"),
            (2, "public", true, "revoked"),
            (3, "public", true, "absent"),
            (4, "redirect", true, "valid"),
            (5, "redirect", false, "absent"),
        ],
        "every entry in the file, though the ring keeps 2"
    );
    assert_eq!(
        entries[4]["headers"][1]["value"],
        r#"k=<valid key "test-only active key 1">"#
    );
    assert_no_piece_of(
        &[FIXTURE_ACTIVE, FIXTURE_REVOKED],
        &written,
        "the --journal file",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn lines_in(file: &Path) -> usize {
    std::fs::read_to_string(file).map_or(0, |t| t.lines().count())
}

#[test]
fn an_unwritable_journal_path_stops_the_start_naming_the_flag_and_the_path() {
    let dir = temp_dir("unwritable");
    let path = dir.join("no-such-dir").join("journal.jsonl");
    let ready = dir.join("ready.json");
    let child = mock_command(&ready)
        .arg("--journal")
        .arg(&path)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = refused(child, "started with an unwritable --journal");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--journal") && stderr.contains(path.to_str().unwrap()),
        "{stderr}"
    );
    assert!(!ready.exists(), "not ready");
    let _ = std::fs::remove_dir_all(&dir);
}
