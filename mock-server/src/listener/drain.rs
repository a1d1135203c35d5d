//! The request body every handler gets, [`RequestBody`]: whatever of it the handler leaves
//! unread is read to its end and thrown away after the answer, within [`DRAIN_LIMIT`] and
//! [`DRAIN_TIME`], over HTTP/1.1 and HTTP/2 alike, so a client that is still uploading when its
//! answer arrives (the Public API answers from the headers alone: ROUTE-1, OK-1) finishes
//! sending and reads that answer.
//!
//! - HTTP/1.1: lingering close, as nginx does it. Closing a connection the client is still
//!   writing to makes its next write meet a reset, and many clients then report ECONNRESET
//!   instead of the 401 they were sent.
//! - HTTP/2: dropping an unread body ends the stream with `RST_STREAM(NO_ERROR)` right after the
//!   answer. RFC 9113 §8.1 allows it, but curl 7.88 (Debian 12's) still has the upload to write
//!   and fails with `(92) Stream error in the HTTP/2 framing layer` (issue 17), and it is not
//!   alone. Reading the body (which also gives the client flow-control window back) lets the
//!   stream end cleanly, both sides with END_STREAM.
//!
//! Past either bound, or when the mock shuts down, reading stops on purpose: HTTP/2 resets the
//! stream with `NO_ERROR` (the answer was complete, stop sending), HTTP/1.1 closes the
//! connection. Not a 413: the answer has left already, and the Public API must keep answering
//! from the headers alone (a 401 does not wait for a body). The bounds cost nothing to a
//! client that sends what an API request holds; they stop a client that uploads forever, or
//! announces a body it never sends, from holding a stream (one of the connection's
//! `max_concurrent_streams`) or a connection.
//!
//! A request with no body (GET, HEAD, DELETE without one: HEADERS with END_STREAM over HTTP/2)
//! pays one `is_end_stream()` check, nothing more: no task, no clone, no read.
//!
//! HTTP/1.1 `Expect: 100-continue` with a body: `100 Continue` is sent before the answer, as a
//! server that reads the body first (nginx in front of an API) does, so the client sends its
//! body and then reads the answer. Without it, a client that waits for the 100 gets the final
//! answer first, which RFC 9110 allows but Java's `HttpClient` (JDK 17) does not survive: it
//! never returns (JDK-8286171); and curl, which then sends its next request on the connection
//! without the body, had that request read as the body (a 400 one time in two). HTTP/2 gets no
//! `100`: hyper's server cannot send one, so a client waiting for it gets the answer at once
//! (curl, httpx, Node cope; JDK 17 hangs, and tests/mock-interop.sh says so).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::sync::watch;

use crate::journal::BodyCapture;

/// Most of an unread request body the server reads and throws away after the answer.
pub const DRAIN_LIMIT: usize = 64 * 1024 * 1024;
/// Longest the server keeps reading an unread request body after the answer.
pub const DRAIN_TIME: Duration = Duration::from_secs(30);

/// A request's body as the handlers see it: hyper's [`Incoming`], read as usual, and drained
/// (see the module documentation) when it is dropped before its end.
#[derive(Debug)]
pub struct RequestBody {
    /// Always `Some` until dropped.
    incoming: Option<Incoming>,
    /// A frame read by [`continue_first`](Self::continue_first), given out first (boxed: the
    /// rare case does not make every request's body bigger).
    peeked: Option<Box<Result<Frame<Bytes>, hyper::Error>>>,
    /// The listener's shutdown signal, only for a body that was not over when it arrived.
    shutdown: Option<watch::Receiver<bool>>,
}

impl RequestBody {
    /// Wraps a body that arrived on a listener stopped by `shutdown`.
    pub fn new(incoming: Incoming, shutdown: &watch::Receiver<bool>) -> Self {
        let shutdown = (!incoming.is_end_stream()).then(|| shutdown.clone());
        Self {
            incoming: Some(incoming),
            peeked: None,
            shutdown,
        }
    }

    /// An HTTP/1.1 request that waits for `100 Continue` before sending its body.
    pub fn expects_continue(request: &http::Request<Self>) -> bool {
        !request.body().is_end_stream()
            && request
                .headers()
                .get(http::header::EXPECT)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"))
    }

    /// Has hyper write `100 Continue` before the answer: asks for the body once (hyper's
    /// HTTP/1.1 connection sends the 100 when the body is first wanted and no answer has
    /// started), then yields once so the connection does it before it polls for the answer.
    pub async fn continue_first(&mut self) {
        let mut asked = false;
        std::future::poll_fn(|cx| {
            if asked {
                return Poll::Ready(());
            }
            asked = true;
            if let Poll::Ready(Some(frame)) = Pin::new(&mut *self).incoming().poll_frame(cx) {
                self.peeked = Some(Box::new(frame));
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await;
    }

    fn incoming(self: Pin<&mut Self>) -> Pin<&mut Incoming> {
        Pin::new(
            self.get_mut()
                .incoming
                .as_mut()
                .expect("taken only when dropped"),
        )
    }
}

impl Body for RequestBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        if let Some(frame) = self.peeked.take() {
            return Poll::Ready(Some(*frame));
        }
        self.incoming().poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.peeked.is_none() && self.incoming.as_ref().is_none_or(Incoming::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.incoming
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Incoming::size_hint)
    }
}

impl Drop for RequestBody {
    fn drop(&mut self) {
        let (Some(shutdown), Some(incoming)) = (self.shutdown.take(), self.incoming.take()) else {
            return;
        };
        if incoming.is_end_stream() {
            return;
        }
        // Dropped outside a runtime (the runtime itself going away): nothing left to answer.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(drain(incoming, shutdown));
        }
    }
}

/// The journal's copy of a request body: reads the body as it comes, handing each piece to
/// `capture`, within [`DRAIN_LIMIT`] and [`DRAIN_TIME`]; the answer never waits for it. Once
/// the answer has ended and nothing came for [`BodyCapture::PATIENCE`], the capture is let go
/// (the entry joins the journal with the body received so far: a client refused before it sent
/// its body may never send it) and what is left is drained as any unread body is, when the
/// body is dropped. A body already at its end needs no task.
pub(crate) fn capture_body(request: http::Request<RequestBody>, mut capture: BodyCapture) {
    if request.body().is_end_stream() {
        return;
    }
    let mut body = request.into_body();
    tokio::spawn(async move {
        let mut seen = 0usize;
        let read = async {
            loop {
                match tokio::time::timeout(BodyCapture::PATIENCE, body.frame()).await {
                    Ok(Some(Ok(frame))) => {
                        if let Some(data) = frame.data_ref() {
                            capture.data(data);
                            seen += data.len();
                        }
                        if seen > DRAIN_LIMIT {
                            break;
                        }
                    }
                    Ok(_) => break,
                    Err(_) if capture.answer_ended() => break,
                    Err(_) => {}
                }
            }
        };
        let _ = tokio::time::timeout(DRAIN_TIME, read).await;
        drop(capture);
        // `body` goes last: what is left of it is drained by `RequestBody`'s `Drop`.
    });
}

/// Reads `body` to its end and throws it away (never buffered), within the bounds, or until
/// the listener shuts down; then drops it.
async fn drain(mut body: Incoming, mut shutdown: watch::Receiver<bool>) {
    let mut seen = 0usize;
    let read = async {
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, Bytes::len);
            if seen > DRAIN_LIMIT {
                return false;
            }
        }
        true
    };
    let why = tokio::select! {
        read = tokio::time::timeout(DRAIN_TIME, read) => match read {
            Ok(true) => return,
            Ok(false) => format!("it is over the {} MiB read after an answer", DRAIN_LIMIT >> 20),
            Err(_) => format!("it was still coming {DRAIN_TIME:?} after the answer"),
        },
        // A closed channel: the server is gone, as good as a shutdown.
        _ = shutdown.wait_for(|stop| *stop) => "the mock is shutting down".to_owned(),
    };
    tracing::debug!(target: "terminus_mock::listener",
        "stopped reading a request body after {seen} bytes: {why} \
         (HTTP/2: RST_STREAM NO_ERROR; HTTP/1.1: the connection is closed)");
}
