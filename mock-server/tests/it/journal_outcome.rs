//! The journal says what happened to each answer (issue 17): the fault that answered (id and
//! kind) and the outcome — answered, reset, truncated, or the client gave up first — with the
//! latency measured to the end of the answer, or to when the client gave up.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;
use http_body_util::Full;
use terminus_mock::faults::{Fault, Respond};
use terminus_mock::{JournalEntry, Outcome};
use tokio::io::AsyncWriteExt;

use crate::support::{closed_within, request, Mock};

/// The journal's last entry once it holds `n`.
async fn entry(mock: &Mock, n: usize) -> JournalEntry {
    for _ in 0..300 {
        let mut entries = mock.server.received_requests();
        if entries.len() >= n {
            return entries.swap_remove(n - 1);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the journal never held {n} entries");
}

fn fault(mock: &Mock, respond: Respond) -> String {
    mock.server
        .faults()
        .add(
            Fault::on(Method::GET, "/v1/account")
                .times(1)
                .respond(respond),
        )
        .unwrap()
}

#[tokio::test]
async fn a_delay_the_client_abandons_is_journaled_as_given_up_when_it_gave_up() {
    let mock = Mock::start().await;
    let id = fault(&mock, Respond::delayed(Duration::from_secs(2)));
    let auth = format!("Authorization: Bearer {}", mock.key);
    let mut conn = mock
        .tls_after_sending(&request("GET", "/v1/account", &[&auth]))
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let gave_up = Instant::now();
    conn.shutdown().await.unwrap();
    drop(conn);

    let entry = entry(&mock, 1).await;
    assert!(
        gave_up.elapsed() < Duration::from_millis(1500),
        "journaled when the client left, not when the delay ended"
    );
    assert_eq!(entry.outcome, Outcome::ClientGaveUp);
    assert_eq!(entry.status, 0, "no head was sent");
    let fault = entry.fault.as_ref().expect("the fault that answered");
    assert_eq!(
        (fault.id.as_str(), fault.kind.as_str()),
        (id.as_str(), "delay")
    );
    assert!(
        (250_000..1_500_000).contains(&entry.latency_us),
        "latency to when the client gave up: {} us",
        entry.latency_us
    );
}

#[tokio::test]
async fn an_http2_stream_the_client_cancels_during_a_delay_is_given_up() {
    let mock = Mock::start().await;
    fault(&mock, Respond::delayed(Duration::from_secs(2)));
    let mut h2 = mock.h2().await;
    let request = http::Request::get(format!(
        "https://localhost:{}/v1/account",
        mock.addr().port()
    ))
    .header("authorization", format!("Bearer {}", mock.key))
    .body(Full::new(Bytes::new()))
    .unwrap();
    h2.ready().await.unwrap();
    let response = h2.send_request(request);
    // The client stops waiting after 300 ms: its stream is reset (CANCEL).
    assert!(tokio::time::timeout(Duration::from_millis(300), response)
        .await
        .is_err());

    let entry = entry(&mock, 1).await;
    assert_eq!(entry.outcome, Outcome::ClientGaveUp);
    assert!(
        (250_000..1_500_000).contains(&entry.latency_us),
        "{} us",
        entry.latency_us
    );
    assert_eq!(entry.fault.unwrap().kind, "delay");
}

#[tokio::test]
async fn a_reset_and_a_truncation_are_journaled_as_such() {
    let mock = Mock::start().await;
    let auth = format!("Authorization: Bearer {}", mock.key);

    let reset = fault(&mock, Respond::reset());
    let mut conn = mock
        .tls_after_sending(&request("GET", "/v1/account", &[&auth]))
        .await;
    assert!(closed_within(&mut conn, Duration::from_secs(5)).await);
    let entry1 = entry(&mock, 1).await;
    assert_eq!((entry1.outcome, entry1.status), (Outcome::Reset, 0));
    let fault1 = entry1.fault.unwrap();
    assert_eq!((fault1.id, fault1.kind.as_str()), (reset, "reset"));

    let truncate = fault(&mock, Respond::truncate());
    let mut conn = mock
        .tls_after_sending(&request("GET", "/v1/account", &[&auth]))
        .await;
    assert!(closed_within(&mut conn, Duration::from_secs(5)).await);
    let entry2 = entry(&mock, 2).await;
    assert_eq!((entry2.outcome, entry2.status), (Outcome::Truncated, 200));
    let fault2 = entry2.fault.unwrap();
    assert_eq!((fault2.id, fault2.kind.as_str()), (truncate, "truncate"));
    assert!(
        entry2.latency_us >= 40_000,
        "measured to the cut, after the first half: {}",
        entry2.latency_us
    );

    // The next request is answered normally, by no fault.
    let response = mock.get("/v1/account", &[&auth]).await;
    assert_eq!(response.status, 200);
    let entry3 = entry(&mock, 3).await;
    assert_eq!(
        (entry3.outcome, entry3.status, entry3.fault),
        (Outcome::Answered, 200, None)
    );
}

#[tokio::test]
async fn a_dripped_body_is_measured_to_its_last_byte() {
    let mock = Mock::start().await;
    let id = fault(&mock, Respond::drip(Duration::from_millis(20)));
    let response = mock.get_with_key("/v1/account", &mock.key).await;
    assert_eq!(response.status, 200);
    let entry = entry(&mock, 1).await;
    assert_eq!(entry.outcome, Outcome::Answered);
    assert_eq!(
        entry.fault.as_ref().map(|f| (&*f.id, &*f.kind)),
        Some((&*id, "drip"))
    );
    // The body is several pieces, 20 ms apart: the answer ends with the last one.
    assert!(entry.latency_us >= 100_000, "{} us", entry.latency_us);
}
