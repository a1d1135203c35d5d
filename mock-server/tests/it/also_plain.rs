//! One port, TLS and plain HTTP (`MockConfig::also_plain`, `--also-plain`): the first byte
//! decides, each request is journaled with what it came over, and a first byte that is
//! neither gets a plain 400 naming it. Through the real listener, raw bytes on the wire.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use terminus_mock::{Listener, MockConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::*;

async fn both() -> Mock {
    Mock::start_with(MockConfig {
        also_plain: true,
        ..MockConfig::default()
    })
    .await
}

/// A plain-HTTP `GET /v1/account` with the key, `Host: 127.0.0.1:PORT`.
fn plain_request(mock: &Mock) -> Vec<u8> {
    format!(
        "GET /v1/account HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\n\
         Connection: close\r\n\r\n",
        mock.addr().port(),
        mock.key
    )
    .into_bytes()
}

#[tokio::test]
async fn one_port_answers_tls_and_plain_http_and_the_journal_says_which() {
    let mock = both().await;
    let port = mock.addr().port();
    assert_eq!(
        mock.server.public_plain_url(),
        Some(format!("http://127.0.0.1:{port}"))
    );
    // TLS (HTTP/1.1), then plain HTTP, then TLS with HTTP/2: one port.
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
    let mut plain = TcpStream::connect(mock.addr()).await.unwrap();
    let answer = send_raw(&mut plain, &plain_request(&mock)).await;
    assert_eq!(answer.status, 200, "{}", answer.body_str());
    let mut h2 = mock.h2().await;
    let request = http::Request::get(format!("https://localhost:{port}/v1/account"))
        .header("authorization", format!("Bearer {}", mock.key))
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(h2_send(&mut h2, request).await.0.status, 200);

    let journal = mock.server.received_requests();
    let seen: Vec<(bool, Option<&str>, Listener)> = journal
        .iter()
        .map(|e| (e.tls, e.authority.as_deref(), e.listener))
        .collect();
    let here = format!("127.0.0.1:{port}");
    let there = format!("localhost:{port}");
    assert_eq!(
        seen,
        vec![
            (true, Some("localhost"), Listener::Public),
            (false, Some(here.as_str()), Listener::Public),
            // HTTP/2's `:authority`, which is not among the header fields.
            (true, Some(there.as_str()), Listener::Public),
        ]
    );
    // And as JSON, valid against the schema.
    for entry in &journal {
        let json = serde_json::to_value(entry).unwrap();
        assert!(
            schema("journal-entry.schema.json").is_valid(&json),
            "{json}"
        );
    }
    mock.server.shutdown().await;
}

#[tokio::test]
async fn a_first_byte_that_comes_late_still_decides() {
    let mock = both().await;
    let mut plain = TcpStream::connect(mock.addr()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let bytes = plain_request(&mock);
    plain.write_all(&bytes[..1]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answer = send_raw(&mut plain, &bytes[1..]).await;
    assert_eq!(answer.status, 200);
    // The TLS side too, its ClientHello after a pause.
    let tcp = TcpStream::connect(mock.addr()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    let mut tls = mock
        .h1_connector()
        .connect(
            rustls::pki_types::ServerName::try_from("localhost").unwrap(),
            tcp,
        )
        .await
        .expect("TLS after a pause");
    let answer = send_raw(
        &mut tls,
        &request(
            "GET",
            "/v1/account",
            &[&format!("Authorization: Bearer {}", mock.key)],
        ),
    )
    .await;
    assert_eq!(answer.status, 200);
    mock.server.shutdown().await;
}

#[tokio::test]
async fn a_first_byte_that_is_neither_gets_a_plain_400_naming_it_and_the_port_serves_on() {
    let mock = both().await;
    for garbage in [
        &[0x00u8, 1, 2, 3][..],
        &[0x80, 0x2e, 0x01],
        b" GET / HTTP/1.1\r\n\r\n",
    ] {
        let mut conn = TcpStream::connect(mock.addr()).await.unwrap();
        conn.write_all(garbage).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), conn.read_to_end(&mut answer))
            .await
            .expect("answered and closed in time")
            .expect("read");
        let answer = String::from_utf8_lossy(&answer);
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{answer}"
        );
        assert!(
            answer.contains(&format!("began with byte {:#04x}, neither", garbage[0])),
            "{answer}"
        );
    }
    // A client that connects and says nothing is closed at the handshake timeout; one that
    // closes at once leaves nothing behind. Neither stops the listener.
    drop(TcpStream::connect(mock.addr()).await.unwrap());
    assert_eq!(
        mock.get_with_key("/v1/account", &mock.key).await.status,
        200
    );
    let mut plain = TcpStream::connect(mock.addr()).await.unwrap();
    assert_eq!(
        send_raw(&mut plain, &plain_request(&mock)).await.status,
        200
    );
    assert!(
        mock.server
            .received_requests()
            .iter()
            .all(|e| e.status == 200),
        "garbage is not journaled as a request"
    );
    mock.server.shutdown().await;
}

#[tokio::test]
async fn without_also_plain_the_tls_port_gives_plain_http_no_answer() {
    let mock = Mock::start().await;
    assert_eq!(mock.server.public_plain_url(), None);
    let mut plain = TcpStream::connect(mock.addr()).await.unwrap();
    plain.write_all(&plain_request(&mock)).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), plain.read_to_end(&mut answer)).await;
    assert!(
        !answer.starts_with(b"HTTP/"),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    assert!(mock.server.received_requests().is_empty());
    mock.server.shutdown().await;
}
