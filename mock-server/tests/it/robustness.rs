//! ROB-1, ROB-2 and the limits: odd values, invalid bytes, oversized headers, slow clients,
//! garbage instead of TLS, large bodies: answered per the spec, never a panic or a hang.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use terminus_mock::{Limits, MockConfig};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::support::{
    account_request_with_authorization, closed_within, read_response, request, send_raw, Mock,
};

#[tokio::test]
async fn rob_1_generated_authorization_values_get_the_envelope() {
    let mock = Mock::start().await;
    // Printable ASCII, obs-text and near-miss keys, up to a few KiB: all valid HTTP.
    let value = prop_oneof![
        proptest::collection::vec(0x20u8..0x7f, 0..3000),
        proptest::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff], 0..512),
        "[A-Za-z0-9_]{0,60}".prop_map(|s| format!("Bearer thub_{s}").into_bytes()),
    ];
    let mut runner = TestRunner::new(Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    });
    let mut values: Vec<Vec<u8>> = Vec::new();
    for _ in 0..96 {
        let tree = value.new_tree(&mut runner).unwrap();
        values.push(tree.current());
    }
    let mut conn = mock.tls().await;
    for value in values {
        let response = send_raw(&mut conn, &account_request_with_authorization(&value)).await;
        assert_eq!(
            response.status,
            401,
            "value {:?}",
            String::from_utf8_lossy(&value)
        );
        response.assert_envelope();
    }
}

#[tokio::test]
async fn rob_2_invalid_bytes_get_400_and_never_2xx_or_5xx() {
    let mock = Mock::start().await;
    let key = &mock.key;
    for bad in [
        format!("Bearer {key}\0"),
        format!("Bearer \x01{key}"),
        format!("Bearer {key}\x7f"),
        format!("Bearer {key}\rX"),
        format!("Bearer {key}\x1b"),
    ] {
        let response = mock
            .raw(&account_request_with_authorization(bad.as_bytes()))
            .await;
        assert!(
            response.status == 400 || response.status == 401,
            "{bad:?}: {}",
            response.status
        );
    }
}

#[tokio::test]
async fn rob_2_header_sections_within_4_kib_get_the_envelope_and_oversized_get_431() {
    let mock = Mock::start().await;
    let value = format!("Bearer thub_{}", "a".repeat(3900));
    mock.get_with_authorization("/v1/account", &value)
        .await
        .assert_envelope();
    let huge = format!("Bearer thub_{}", "a".repeat(20_000));
    let response = mock.get_with_authorization("/v1/account", &huge).await;
    assert_eq!(response.status, 431);
    // Many fields, each small, adding up past the limit.
    let many: Vec<String> = (0..200)
        .map(|i| format!("X-Filler-{i}: {}", "b".repeat(100)))
        .collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let response = mock.get("/v1/account", &refs).await;
    assert!(matches!(response.status, 431 | 400), "{}", response.status);
}

#[tokio::test]
async fn slow_clients_are_closed_at_the_header_read_timeout_while_others_are_served() {
    let mock = Mock::start_with(MockConfig {
        limits: Limits {
            header_read_timeout: Duration::from_millis(800),
            ..Limits::default()
        },
        ..MockConfig::default()
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..20 {
        slow.push(
            mock.tls_after_sending(b"GET /v1/account HTTP/1.1\r\nHost: loc")
                .await,
        );
    }
    let started = Instant::now();
    mock.get("/v1/account", &[]).await.assert_envelope();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "a normal client waited"
    );
    for conn in &mut slow {
        assert!(
            closed_within(conn, Duration::from_secs(5)).await,
            "a slow client was not closed"
        );
    }
}

#[tokio::test]
async fn garbage_and_plain_http_on_the_tls_port_are_dropped_and_the_server_goes_on() {
    let mock = Mock::start().await;
    let mut garbage = TcpStream::connect(mock.addr()).await.unwrap();
    garbage
        .write_all(&[0x16, 0x03, 0x01, 0xff, 0xff, 1, 2, 3])
        .await
        .unwrap();
    garbage.write_all(&[0u8; 4096]).await.unwrap();
    assert!(closed_within(&mut garbage, Duration::from_secs(5)).await);
    let mut plain = TcpStream::connect(mock.addr()).await.unwrap();
    plain
        .write_all(&request("GET", "/v1/account", &[]))
        .await
        .unwrap();
    assert!(closed_within(&mut plain, Duration::from_secs(5)).await);
    // A connection that never says anything is closed at the handshake timeout; meanwhile
    // everyone else is served.
    let _silent = TcpStream::connect(mock.addr()).await.unwrap();
    mock.get("/v1/account", &[]).await.assert_envelope();
}

#[tokio::test]
async fn a_large_body_without_a_key_is_answered_401_at_once_and_the_upload_can_finish() {
    let mock = Mock::start().await;
    let mut conn = mock.tls().await;
    let head = "POST /v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10485760\r\n\r\n";
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(&[b'x'; 64 * 1024]).await.unwrap();
    // The answer comes from the headers alone, long before the body is sent.
    let started = Instant::now();
    let response = read_response(&mut conn, false).await;
    response.assert_envelope();
    assert!(started.elapsed() < Duration::from_secs(2));
    // A client that sends its whole body before reading (most do) meets no reset: the rest is
    // read and thrown away, and the connection stays usable.
    let chunk = vec![b'x'; 1024 * 1024];
    let mut left = 10 * 1024 * 1024 - 64 * 1024;
    while left > 0 {
        let n = left.min(chunk.len());
        conn.write_all(&chunk[..n])
            .await
            .expect("the upload is not reset");
        left -= n;
    }
    send_raw(&mut conn, &request("GET", "/v1/account", &[]))
        .await
        .assert_envelope();
}

#[tokio::test]
async fn the_connection_cap_holds_extra_clients_in_the_backlog_until_a_slot_frees() {
    let mock = Mock::start_with(MockConfig {
        limits: Limits {
            max_connections: 2,
            ..Limits::default()
        },
        ..MockConfig::default()
    })
    .await;
    let first = mock.tls().await;
    let second = mock.tls().await;
    let connector = mock.h1_connector();
    let addr = mock.addr();
    let third = tokio::spawn(async move {
        let mut conn = crate::support::tls_to(addr, &connector).await;
        send_raw(&mut conn, &request("GET", "/v1/account", &[])).await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !third.is_finished(),
        "a third connection was served past the cap"
    );
    drop(first);
    drop(second);
    let response = tokio::time::timeout(Duration::from_secs(5), third)
        .await
        .expect("served once a slot freed")
        .unwrap();
    response.assert_envelope();
}

#[tokio::test]
async fn resets_mid_request_and_half_open_connections_leave_the_server_serving() {
    let mock = Mock::start().await;
    for _ in 0..50 {
        let conn = mock
            .tls_after_sending(b"GET /v1/account HTTP/1.1\r\nHost: localhost\r\nAuthoriz")
            .await;
        // SO_LINGER 0: the close is a TCP RST, mid-request.
        conn.get_ref().0.set_zero_linger().unwrap();
        drop(conn);
    }
    // Half-closed: the client shuts its write side (TLS close_notify) after a request; the
    // server may answer or not, but it closes its side promptly instead of holding the
    // connection.
    let mut conn = mock.tls().await;
    conn.write_all(&request("GET", "/v1/account", &[]))
        .await
        .unwrap();
    conn.shutdown().await.unwrap();
    assert!(closed_within(&mut conn, Duration::from_secs(5)).await);
    // Half-open: a client that vanished without a FIN holds its connection only until the
    // header read timeout; meanwhile everyone else is served.
    let _gone = mock.tls().await;
    mock.get("/v1/account", &[]).await.assert_envelope();
}

#[tokio::test]
async fn http2_rapid_resets_and_stream_floods_are_bounded_and_others_are_served() {
    use bytes::Bytes;
    use http_body_util::Full;
    let mock = Mock::start().await;
    let h2 = mock.h2().await;
    // Rapid reset (CVE-2023-44487): open streams and cancel them at once, thousands of times.
    let mut cancelled = 0;
    for _ in 0..5_000 {
        let mut send = h2.clone();
        if send.ready().await.is_err() {
            break; // the server sent GOAWAY: exactly what a bound should do
        }
        let request = http::Request::get("https://localhost/v1/account")
            .body(Full::<Bytes>::default())
            .unwrap();
        let pending = send.send_request(request);
        drop(pending); // RST_STREAM(CANCEL) before the response
        cancelled += 1;
    }
    assert!(cancelled > 0);
    // A flood of concurrent streams on one fresh connection: bounded by max_concurrent_streams,
    // all answered.
    let flood = mock.h2().await;
    let mut tasks = Vec::new();
    for _ in 0..1_000 {
        let mut send = flood.clone();
        tasks.push(tokio::spawn(async move {
            let request = http::Request::get("https://localhost/v1/account")
                .body(Full::<Bytes>::default())
                .unwrap();
            crate::support::h2_send(&mut send, request).await.0.status
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 401);
    }
    // Everyone else is still served, on both protocols.
    mock.get("/v1/account", &[]).await.assert_envelope();
    let mut fresh = mock.h2().await;
    let request = http::Request::get("https://localhost/v1/account")
        .body(Full::<Bytes>::default())
        .unwrap();
    assert_eq!(
        crate::support::h2_send(&mut fresh, request).await.0.status,
        401
    );
}
