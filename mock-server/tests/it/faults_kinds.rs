//! The faults that leave a request without a well-formed answer, WireMock's
//! `EMPTY_RESPONSE`, `MALFORMED_RESPONSE_CHUNK` and `RANDOM_DATA_THEN_CLOSE` (with `reset`, its
//! `CONNECTION_RESET_BY_PEER`, in `faults.rs`): what a client sees of each on HTTP/1.1 (raw
//! bytes, as they leave the TLS session) and on HTTP/2 (hyper's client: the stream's or the
//! connection's error code), the delay before it, and `times`.

use std::time::{Duration, Instant};

use http_body_util::BodyExt;
use serde_json::json;

use crate::faults::{account_until_closed_with, add, h2_account};
use crate::support::Mock;

/// The HTTP/2 error code in an error's sources, if any.
fn h2_code(error: &(dyn std::error::Error + 'static)) -> Option<h2::Reason> {
    let mut source = Some(error);
    while let Some(e) = source {
        if let Some(code) = e.downcast_ref::<h2::Error>().and_then(h2::Error::reason) {
            return Some(code);
        }
        source = e.source();
    }
    None
}

#[tokio::test]
async fn empty_closes_cleanly_without_a_byte_on_http1_and_cancels_the_stream_on_http2() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"path":"/v1/account","times":2,"respond":{"kind":"empty"}}),
    )
    .await;
    // HTTP/1.1: no byte, then a clean end (close_notify and FIN), not a reset.
    let (received, ended) = account_until_closed_with(&mock).await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );
    assert!(ended.is_ok(), "a clean close, not {ended:?}");
    // HTTP/2: RST_STREAM(CANCEL), before any head.
    let mut h2 = mock.h2().await;
    h2.ready().await.unwrap();
    let error = h2.send_request(h2_account(&mock)).await.unwrap_err();
    assert_eq!(h2_code(&error), Some(h2::Reason::CANCEL), "{error:?}");
    // Spent: the next request is answered.
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
}

#[tokio::test]
async fn a_malformed_chunk_follows_the_head_on_http1_and_resets_the_stream_on_http2() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"path":"/v1/account","times":2,"respond":{"kind":"malformed_chunk"}}),
    )
    .await;
    // HTTP/1.1: the normal head, chunked; a first chunk; a size line that is not hex; the end.
    let (received, ended) = account_until_closed_with(&mock).await;
    assert!(ended.is_ok(), "{ended:?}");
    let text = String::from_utf8_lossy(&received);
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Response::new(&mut headers);
    assert!(
        parsed.parse(received.as_slice()).unwrap().is_complete(),
        "{head}"
    );
    assert_eq!(parsed.code, Some(200));
    let field = |name: &str| {
        parsed
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
    };
    assert_eq!(field("transfer-encoding").as_deref(), Some("chunked"));
    assert_eq!(field("content-length"), None);
    let (size, rest) = body.split_once("\r\n").expect("a first chunk");
    let size = usize::from_str_radix(size, 16).expect("a first chunk size in hex");
    assert!(size > 0 && rest.len() > size, "{body:?}");
    let next = rest[size..].trim_start_matches("\r\n");
    let line = next.split("\r\n").next().unwrap();
    assert!(
        !line.is_empty() && usize::from_str_radix(line, 16).is_err(),
        "{next:?}"
    );
    // HTTP/2: the head, then the body fails with the stream reset PROTOCOL_ERROR.
    let mut h2 = mock.h2().await;
    h2.ready().await.unwrap();
    let response = h2.send_request(h2_account(&mock)).await.expect("a head");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("content-length"), None);
    let error = response.into_body().collect().await.unwrap_err();
    assert_eq!(
        h2_code(&error),
        Some(h2::Reason::PROTOCOL_ERROR),
        "{error:?}"
    );
}

#[tokio::test]
async fn garbage_is_random_bytes_then_the_close_on_http1_and_a_connection_error_on_http2() {
    let mock = Mock::start().await;
    add(
        &mock,
        json!({"path":"/v1/account","times":3,"respond":{"kind":"garbage"}}),
    )
    .await;
    // HTTP/1.1: 64 bytes that are no status line, then a clean end; different every time.
    let (first, ended) = account_until_closed_with(&mock).await;
    assert!(ended.is_ok(), "{ended:?}");
    assert_eq!(first.len(), 64);
    assert!(
        first[0] >= 0x80 && !first.starts_with(b"HTTP/"),
        "{first:?}"
    );
    let (second, _) = account_until_closed_with(&mock).await;
    assert_eq!(second.len(), 64);
    assert_ne!(first, second);
    // HTTP/2: the bytes break the framing: the whole connection fails, with a frame-level
    // error (a frame longer than the client allows).
    let mut h2 = mock.h2().await;
    h2.ready().await.unwrap();
    let error = h2.send_request(h2_account(&mock)).await.unwrap_err();
    let code = h2_code(&error);
    assert!(
        matches!(code, Some(h2::Reason::FRAME_SIZE_ERROR)),
        "{code:?}: {error:?}"
    );
    assert!(h2.ready().await.is_err(), "the connection is gone");
    // Spent after three: the next request is answered.
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
}

#[tokio::test]
async fn every_new_kind_waits_its_delay_first() {
    let mock = Mock::start().await;
    for kind in ["empty", "malformed_chunk", "garbage"] {
        add(
            &mock,
            json!({"path":"/v1/account","times":1,"respond":{"kind":kind,"delay_ms":300}}),
        )
        .await;
        let started = Instant::now();
        let (received, _) = account_until_closed_with(&mock).await;
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(300), "{kind}: {waited:?}");
        assert_eq!(received.is_empty(), kind == "empty", "{kind}");
    }
    let listed = crate::faults::admin(&mock, "GET", "/v1/faults", None, None)
        .await
        .json();
    let kinds: Vec<_> = listed["faults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["respond"]["kind"].clone(),
                f["respond"]["delay_ms"].clone(),
                f["hits"].clone(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            (json!("empty"), json!(300), json!(1)),
            (json!("malformed_chunk"), json!(300), json!(1)),
            (json!("garbage"), json!(300), json!(1)),
        ]
    );
}

#[tokio::test]
async fn the_journal_names_the_fault_and_how_each_answer_ended() {
    let mock = Mock::start().await;
    for kind in ["empty", "garbage", "malformed_chunk"] {
        add(
            &mock,
            json!({"path":"/v1/account","times":2,"respond":{"kind":kind}}),
        )
        .await;
        let _ = account_until_closed_with(&mock).await;
        let mut h2 = mock.h2().await;
        if h2.ready().await.is_ok() {
            if let Ok(response) = h2.send_request(h2_account(&mock)).await {
                let _ = response.into_body().collect().await;
            }
        }
    }
    // Entries join the journal when their answer has ended.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let seen: Vec<_> = mock
        .server
        .received_requests()
        .iter()
        .map(|e| {
            let fault = e.fault.as_ref().map(|f| f.kind.clone()).unwrap_or_default();
            (fault, e.protocol, e.status, e.outcome)
        })
        .collect();
    use terminus_mock::{Outcome, Protocol};
    let at = |kind: &str, protocol, status, outcome| (kind.to_owned(), protocol, status, outcome);
    assert_eq!(
        seen,
        [
            at("empty", Protocol::Http11, 0, Outcome::ClosedWithoutAnswer),
            at("empty", Protocol::Http2, 0, Outcome::ClosedWithoutAnswer),
            at("garbage", Protocol::Http11, 0, Outcome::GarbageSent),
            at("garbage", Protocol::Http2, 0, Outcome::GarbageSent),
            at(
                "malformed_chunk",
                Protocol::Http11,
                200,
                Outcome::MalformedChunk
            ),
            at(
                "malformed_chunk",
                Protocol::Http2,
                200,
                Outcome::MalformedChunk
            ),
        ]
    );
}

#[tokio::test]
async fn without_tls_the_bytes_are_the_same() {
    use terminus_mock::{MockConfig, MockServer, TlsMode};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = MockServer::start(MockConfig {
        tls: TlsMode::Plaintext,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let key = mock.key_store().mint("plain").unwrap().key;
    mock.faults()
        .add(
            terminus_mock::faults::Fault::on(http::Method::GET, "/v1/account")
                .times(2)
                .respond(terminus_mock::faults::Respond::garbage()),
        )
        .unwrap();
    for _ in 0..2 {
        let mut conn = tokio::net::TcpStream::connect(mock.public_addr())
            .await
            .unwrap();
        let auth = format!("Authorization: Bearer {key}");
        conn.write_all(&crate::support::request("GET", "/v1/account", &[&auth]))
            .await
            .unwrap();
        let mut received = Vec::new();
        let ended = tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut received))
            .await
            .expect("closed within 5 s");
        assert!(ended.is_ok(), "a FIN, not {ended:?}");
        assert_eq!(received.len(), 64);
        assert!(received[0] >= 0x80);
    }
    mock.shutdown().await;
}
