//! Request bodies the answer does not need. Over HTTP/2 the body is read to its end, even when
//! the answer leaves first: the 401, the routes, a scripted fault, the admin plane and the
//! redirect origin. Clients that keep uploading after the answer (curl 7.88 and its `(92) Stream
//! error in the HTTP/2 framing layer`, issue 17) then see their stream end cleanly instead of an
//! `RST_STREAM`. Over HTTP/1.1, `Expect: 100-continue` gets its `100 Continue` before the answer
//! (JDK 17's HttpClient hangs without it).
//!
//! The HTTP/2 client here is the `h2` crate, which controls the frames: it sends the headers without
//! END_STREAM, reads the whole answer, and only then sends a body larger than the server's
//! flow-control windows (1 MiB), so the upload can only finish if the server keeps reading it.
//! Past the bound (64 MiB), the stream is reset with `NO_ERROR`, on purpose.

use std::future::poll_fn;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use h2::client::SendRequest;
use h2::Reason;
use http::{Request, StatusCode};
use terminus_mock::faults::{Fault, Respond};
use terminus_mock::MockConfig;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{connector, read_response, request, tls_to, Mock, ENVELOPE};

/// Larger than hyper's stream and connection windows (1 MiB each): the server must read.
const BODY: usize = 4 * 1024 * 1024;
/// How long the client waits for a reset it must not get.
const QUIET: Duration = Duration::from_millis(300);

async fn h2_client(mock: &Mock, addr: SocketAddr) -> SendRequest<Bytes> {
    let connector = connector(mock.server.ca_pem().unwrap(), &[b"h2"]);
    let stream = tls_to(addr, &connector).await;
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (client, connection) = h2::client::handshake(stream).await.expect("h2 handshake");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

fn post(path: &str, headers: &[(&str, &str)]) -> Request<()> {
    let mut builder = Request::post(format!("https://localhost{path}"))
        .header("content-type", "application/json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(()).unwrap()
}

/// What the client saw: the status, and how the upload after it ended.
#[derive(Debug)]
struct Exchange {
    status: StatusCode,
    /// The body the answer carried.
    answer: Bytes,
    /// Bytes of the request body the server made room for before anything went wrong.
    sent: usize,
    /// `None`: the whole body was sent and the stream ended cleanly; otherwise the reset.
    reset: Option<Reason>,
}

/// Sends `request`'s headers alone, reads the whole answer, waits [`QUIET`] for a reset, then
/// sends `len` bytes of body as fast as the server's windows allow, and waits [`QUIET`] again.
async fn answer_then_body(
    client: &mut SendRequest<Bytes>,
    request: Request<()>,
    len: usize,
) -> Exchange {
    let mut client = client.clone().ready().await.expect("h2 ready");
    let (response, mut send) = client.send_request(request, false).expect("headers sent");
    let response = tokio::time::timeout(Duration::from_secs(5), response)
        .await
        .expect("the answer comes before the body is sent")
        .expect("an answer, not a reset");
    let status = response.status();
    let mut body = response.into_body();
    let mut answer = Vec::new();
    while let Some(chunk) = body.data().await {
        let chunk = chunk.expect("the answer's body");
        let _ = body.flow_control().release_capacity(chunk.len());
        answer.extend_from_slice(&chunk);
    }
    let mut exchange = Exchange {
        status,
        answer: Bytes::from(answer),
        sent: 0,
        reset: None,
    };
    if let Some(reason) = quiet_reset(&mut send).await {
        exchange.reset = Some(reason);
        return exchange;
    }
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    while exchange.sent < len {
        let left = len - exchange.sent;
        send.reserve_capacity(left.min(chunk.len()));
        if send.capacity() == 0 {
            let granted =
                tokio::time::timeout(Duration::from_secs(5), poll_fn(|cx| send.poll_capacity(cx)))
                    .await;
            match granted {
                Err(_) => panic!(
                    "the server stopped reading the body after {} bytes (no window, no reset)",
                    exchange.sent
                ),
                Ok(Some(Ok(_))) => {}
                Ok(None) | Ok(Some(Err(_))) => {
                    exchange.reset = Some(quiet_reset(&mut send).await.unwrap_or(Reason::CANCEL));
                    return exchange;
                }
            }
        }
        let n = send.capacity().min(left);
        if n == 0 {
            continue;
        }
        if send.send_data(chunk.slice(..n), n == left).is_err() {
            exchange.reset = Some(quiet_reset(&mut send).await.unwrap_or(Reason::CANCEL));
            return exchange;
        }
        exchange.sent += n;
    }
    exchange.reset = quiet_reset(&mut send).await;
    exchange
}

/// The reset the server sends within [`QUIET`], if any.
async fn quiet_reset(send: &mut h2::SendStream<Bytes>) -> Option<Reason> {
    match tokio::time::timeout(QUIET, poll_fn(|cx| send.poll_reset(cx))).await {
        Err(_) => None,
        Ok(Ok(reason)) => Some(reason),
        Ok(Err(e)) => Some(e.reason().unwrap_or(Reason::INTERNAL_ERROR)),
    }
}

/// The body was read to its end and the stream ended without a reset; the connection still
/// answers.
async fn assert_read_to_the_end(client: &mut SendRequest<Bytes>, exchange: &Exchange) {
    assert_eq!(
        (exchange.sent, exchange.reset),
        (BODY, None),
        "{exchange:?}"
    );
    let mut client = client
        .clone()
        .ready()
        .await
        .expect("the connection still serves");
    let (response, _) = client
        .send_request(
            Request::get("https://localhost/v1/account")
                .body(())
                .unwrap(),
            true,
        )
        .unwrap();
    assert_eq!(response.await.expect("answered").status(), 401);
}

#[tokio::test]
async fn h2_a_body_sent_after_the_401_is_read_to_its_end() {
    let mock = Mock::start().await;
    let mut client = h2_client(&mock, mock.addr()).await;
    for headers in [&[][..], &[("expect", "100-continue")][..]] {
        let exchange = answer_then_body(&mut client, post("/v1/projects", headers), BODY).await;
        assert_eq!(exchange.status, 401);
        assert_eq!(exchange.answer, ENVELOPE.as_bytes());
        assert_read_to_the_end(&mut client, &exchange).await;
    }
}

#[tokio::test]
async fn h2_a_body_sent_after_the_201_is_read_to_its_end() {
    let mock = Mock::start().await;
    let mut client = h2_client(&mock, mock.addr()).await;
    let auth = format!("Bearer {}", mock.key);
    for expect in [None, Some(("expect", "100-continue"))] {
        let headers: Vec<_> = [("authorization", &auth[..])]
            .into_iter()
            .chain(expect)
            .collect();
        let exchange = answer_then_body(&mut client, post("/v1/projects", &headers), BODY).await;
        assert_eq!(exchange.status, 201);
        assert_read_to_the_end(&mut client, &exchange).await;
    }
}

#[tokio::test]
async fn h2_a_body_sent_after_a_scripted_fault_is_read_to_its_end() {
    let mock = Mock::start().await;
    mock.server
        .faults()
        .add(Fault::on(http::Method::POST, "/v1/projects").respond(Respond::status(429)))
        .unwrap();
    let mut client = h2_client(&mock, mock.addr()).await;
    let auth = format!("Bearer {}", mock.key);
    let exchange = answer_then_body(
        &mut client,
        post("/v1/projects", &[("authorization", &auth)]),
        BODY,
    )
    .await;
    assert_eq!(exchange.status, 429);
    assert_read_to_the_end(&mut client, &exchange).await;
}

#[tokio::test]
async fn h2_the_admin_plane_reads_the_body_of_a_request_it_refuses() {
    let mock = Mock::start().await;
    let mut client = h2_client(&mock, mock.server.admin_addr()).await;
    for (path, headers, status) in [
        (
            "/v1/keys",
            &[("authorization", "Bearer not-the-token")][..],
            401,
        ),
        ("/healthz", &[][..], 405),
    ] {
        let exchange = answer_then_body(&mut client, post(path, headers), BODY).await;
        assert_eq!(exchange.status, status, "POST {path}");
        assert_eq!(
            (exchange.sent, exchange.reset),
            (BODY, None),
            "POST {path}: {exchange:?}"
        );
    }
}

#[tokio::test]
async fn h2_the_redirect_origin_reads_the_body_after_its_answer() {
    let config = MockConfig {
        redirect_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..MockConfig::default()
    };
    let mock = Mock::start_with(config).await;
    let url = mock.server.redirect_url().unwrap();
    let addr: SocketAddr = url.trim_start_matches("https://").parse().unwrap();
    let mut client = h2_client(&mock, addr).await;
    let exchange = answer_then_body(&mut client, post("/anywhere", &[]), BODY).await;
    assert_eq!(exchange.status, 200);
    assert_eq!(
        (exchange.sent, exchange.reset),
        (BODY, None),
        "{exchange:?}"
    );
}

/// The bound: past 64 MiB the server stops reading and resets the stream with `NO_ERROR`
/// (RFC 9113 §8.1: "the response is complete, stop sending"), after the answer was read.
#[tokio::test]
async fn h2_a_body_past_64_mib_is_reset_with_no_error_after_the_answer() {
    let mock = Mock::start().await;
    let mut client = h2_client(&mock, mock.addr()).await;
    let bound = 64 * 1024 * 1024;
    let exchange = answer_then_body(&mut client, post("/v1/projects", &[]), bound + BODY).await;
    assert_eq!(exchange.status, 401);
    assert_eq!(exchange.reset, Some(Reason::NO_ERROR), "{exchange:?}");
    assert!(
        exchange.sent >= bound,
        "reset after {} bytes only",
        exchange.sent
    );
    let next = answer_then_body(&mut client, post("/v1/projects", &[]), BODY).await;
    assert_read_to_the_end(&mut client, &next).await;
}

/// A client that never sends the body it announced does not hold shutdown for its grace
/// period: the stream is reset when the mock stops.
#[tokio::test]
async fn h2_a_body_never_sent_does_not_hold_shutdown() {
    let mock = Mock::start().await;
    let mut client = h2_client(&mock, mock.addr()).await;
    let mut ready = client.clone().ready().await.unwrap();
    let (response, _send) = ready
        .send_request(post("/v1/projects", &[]), false)
        .unwrap();
    assert_eq!(response.await.unwrap().status(), 401);
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), mock.server.shutdown())
        .await
        .expect("shutdown does not wait for a body that never comes");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let _ = &mut client;
}

/// HTTP/1.1 `Expect: 100-continue`: the client sends its head alone and waits; `100 Continue`
/// comes first, then (the body sent) the answer, on a connection that stays open.
#[tokio::test]
async fn h1_expect_100_continue_gets_its_100_before_the_answer() {
    let mock = Mock::start().await;
    let mut conn = mock.tls().await;
    let auth = format!("Authorization: Bearer {}", mock.key);
    for (auth, status) in [(None, 401), (Some(&auth[..]), 201)] {
        let mut lines = vec![
            "Content-Type: application/json",
            "Content-Length: 15",
            "Expect: 100-continue",
        ];
        lines.extend(auth);
        conn.write_all(&request("POST", "/v1/projects", &lines))
            .await
            .unwrap();
        let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
        let mut got = vec![0u8; interim.len()];
        tokio::time::timeout(Duration::from_secs(5), conn.read_exact(&mut got))
            .await
            .expect("100 Continue, before any byte of the body")
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(interim)
        );
        conn.write_all(br#"{"name":"proj"}"#).await.unwrap();
        let response = read_response(&mut conn, false).await;
        assert_eq!(response.status, status);
        if status == 401 {
            response.assert_envelope();
        }
    }
}
