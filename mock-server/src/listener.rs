//! Accepting connections: TCP, the TLS handshake (bounded in time), then HTTP/1.1 or HTTP/2 as
//! negotiated by ALPN, under a connection cap, with graceful shutdown.
//!
//! HTTP/2 is served the way nginx serves it, for throughput (see bench/README.md): a stream's
//! handler runs on the connection's own task when it can answer at once ([`InlineFirst`]), and
//! everything the connection writes in one turn leaves in one TLS record and one system call
//! ([`coalesce`]).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio_rustls::TlsAcceptor;

use crate::envelope::Body;

/// Bounds on what one client can hold of the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request header section accepted (ROB-2: over it, 431). At least 8 KiB, the
    /// smallest read buffer hyper allows; the contract needs 4 KiB (ROB-1).
    pub max_header_bytes: usize,
    /// Time a client has to send a whole header section (slow clients are closed).
    pub header_read_timeout: Duration,
    /// Time a client has to finish the TLS handshake.
    pub handshake_timeout: Duration,
    /// Connections served at once, per listener; more wait in the kernel's backlog.
    pub max_connections: usize,
    /// Concurrent HTTP/2 streams per connection.
    pub max_concurrent_streams: u32,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_header_bytes: 16 * 1024,
            header_read_timeout: Duration::from_secs(10),
            handshake_timeout: Duration::from_secs(10),
            max_connections: 10_000,
            max_concurrent_streams: 256,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// One listener's protocol builders, made once and shared by every connection.
struct Protocols {
    http1: hyper::server::conn::http1::Builder,
    http2: hyper::server::conn::http2::Builder<InlineFirst>,
}

/// The executor of HTTP/2 streams: polls a stream's future once, right where hyper hands it
/// over (on the connection's task), and spawns it only if it is not done. Every Public API
/// answer is ready at once (no body is read), so a batch of requests is answered in one turn of
/// the connection instead of one spawned task, one wake-up and one write each. A future that
/// must wait (an admin request reading its body) is spawned and polled again at once with a
/// real waker, so no wake-up is lost.
#[derive(Debug, Clone, Copy, Default)]
struct InlineFirst;

impl<F> hyper::rt::Executor<F> for InlineFirst
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, future: F) {
        let mut future = Box::pin(future);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        // A panicking handler ends its stream only, as it would in a task of its own.
        let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            future.as_mut().poll(&mut cx).is_pending()
        }));
        if let Ok(true) = polled {
            tokio::spawn(future);
        }
    }
}

impl Protocols {
    fn new(limits: &Limits) -> Self {
        let mut http1 = hyper::server::conn::http1::Builder::new();
        http1
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout)
            .max_buf_size(limits.max_header_bytes.max(8192))
            .keep_alive(true);
        let mut http2 = hyper::server::conn::http2::Builder::new(InlineFirst);
        http2
            .timer(TokioTimer::new())
            .max_concurrent_streams(limits.max_concurrent_streams)
            .max_header_list_size(limits.max_header_bytes as u32)
            // Rapid reset (CVE-2023-44487) and streams the server itself had to reset.
            .max_pending_accept_reset_streams(Some(64))
            .max_local_error_reset_streams(Some(256))
            .keep_alive_interval(Some(Duration::from_secs(30)))
            .keep_alive_timeout(Duration::from_secs(20));
        Self { http1, http2 }
    }
}

/// Serves `listener` until `shutdown` turns true, then lets requests in flight finish (up to
/// the grace period).
pub async fn serve<H, F>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    handler: H,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) where
    H: Fn(Request<Incoming>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response<Body>> + Send + 'static,
{
    let protocols = Arc::new(Protocols::new(&limits));
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let local = listener.local_addr().ok();
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            _ = shutdown.changed() => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!(target: "terminus_mock::listener", listener = ?local, "accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = shutdown.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        let watcher = graceful.watcher();
        let protocols = protocols.clone();
        let tls = tls.clone();
        let handler = handler.clone();
        let handshake_timeout = limits.handshake_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let service = service_fn(move |request: Request<Incoming>| {
                let head = request.method() == http::Method::HEAD;
                let response = handler(request);
                async move {
                    let response = response.await;
                    Ok::<_, Infallible>(if head {
                        without_body(response)
                    } else {
                        response
                    })
                }
            });
            let result = match tls {
                None => serve_plain(stream, &protocols, service, watcher, handshake_timeout).await,
                Some(acceptor) => {
                    match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
                        Ok(Ok(tls_stream)) => {
                            let h2 = tls_stream.get_ref().1.alpn_protocol() == Some(b"h2");
                            if h2 {
                                let (io, flusher) = coalesce::wrap(tls_stream);
                                let connection =
                                    protocols.http2.serve_connection(TokioIo::new(io), service);
                                flusher.drive(watcher.watch(connection)).await
                            } else {
                                let io = TokioIo::new(tls_stream);
                                watcher
                                    .watch(protocols.http1.serve_connection(io, service))
                                    .await
                            }
                        }
                        Ok(Err(e)) => {
                            tracing::debug!(target: "terminus_mock::listener", %peer, "TLS handshake failed: {e}");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(target: "terminus_mock::listener", %peer, "TLS handshake timed out");
                            return;
                        }
                    }
                }
            };
            if let Err(e) = result {
                tracing::debug!(target: "terminus_mock::listener", %peer, "connection ended: {e}");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(target: "terminus_mock::listener", listener = ?local,
            "requests still in flight after {:?}; closing them", limits.shutdown_grace);
    }
}

/// ERR-4: a HEAD response has the headers of GET, `Content-Length` included, and no body.
/// hyper leaves the body out on HTTP/1.1 but would send it as DATA on HTTP/2, which clients
/// reject; so the body is dropped here, for both.
fn without_body(response: Response<Body>) -> Response<Body> {
    use http_body_util::BodyExt;
    let (mut parts, body) = response.into_parts();
    if let Some(len) = hyper::body::Body::size_hint(&body).exact() {
        parts
            .headers
            .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
    }
    drop(body.boxed());
    Response::from_parts(parts, Body::default())
}

/// Plain HTTP (`--plaintext`): HTTP/1.1, or HTTP/2 with prior knowledge, told apart by the
/// connection preface.
async fn serve_plain<S>(
    stream: TcpStream,
    protocols: &Protocols,
    service: S,
    watcher: hyper_util::server::graceful::Watcher,
    sniff_timeout: Duration,
) -> Result<(), hyper::Error>
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    let mut head = [0u8; PREFACE.len()];
    // Peek until the preface is ruled in or out; a client that sends less is HTTP/1.1.
    let sniff = async {
        loop {
            match stream.peek(&mut head).await {
                Ok(0) | Err(_) => return None,
                Ok(n) if head[..n] != PREFACE[..n] => return Some(false),
                Ok(n) if n == PREFACE.len() => return Some(true),
                Ok(_) => tokio::time::sleep(Duration::from_millis(1)).await,
            }
        }
    };
    let Ok(Some(h2)) = tokio::time::timeout(sniff_timeout, sniff).await else {
        return Ok(());
    };
    let io = TokioIo::new(stream);
    if h2 {
        watcher
            .watch(protocols.http2.serve_connection(io, service))
            .await
    } else {
        watcher
            .watch(protocols.http1.serve_connection(io, service))
            .await
    }
}

/// Write coalescing for HTTP/2: what the connection writes during one poll of its task is held
/// and written when the poll ends, as one TLS record in one system call. h2 flushes after every
/// frame batch it can make, which on a busy connection is once per response; nginx, for the same
/// job, writes once per turn of its event loop. Reads pass straight through.
mod coalesce {
    use std::future::Future;
    use std::io;
    use std::pin::Pin;
    use std::sync::{Arc, Mutex, MutexGuard};
    use std::task::{ready, Context, Poll};

    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    /// Held output past which a write first pushes what is held (backpressure).
    const HIGH_WATER: usize = 64 * 1024;
    /// Buffer capacity kept between turns; more is given back (idle connections stay small).
    const KEEP_CAPACITY: usize = 8 * 1024;

    struct Shared<T> {
        io: T,
        held: Vec<u8>,
        sent: usize,
        /// An error met while writing held output, reported to the connection on its next call.
        failed: Option<io::ErrorKind>,
    }

    impl<T: AsyncWrite + Unpin> Shared<T> {
        /// Writes out everything held, then flushes `io`.
        fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            if self.held.is_empty() {
                return Poll::Ready(Ok(()));
            }
            while self.sent < self.held.len() {
                let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.held[self.sent..]))?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                self.sent += n;
            }
            ready!(Pin::new(&mut self.io).poll_flush(cx))?;
            self.sent = 0;
            if self.held.capacity() > KEEP_CAPACITY {
                self.held = Vec::new();
            } else {
                self.held.clear();
            }
            Poll::Ready(Ok(()))
        }
    }

    impl<T> Shared<T> {
        fn check(&self) -> io::Result<()> {
            match self.failed {
                Some(kind) => Err(kind.into()),
                None => Ok(()),
            }
        }
    }

    fn lock<T>(shared: &Mutex<Shared<T>>) -> MutexGuard<'_, Shared<T>> {
        // Only the connection's own task ever takes this lock: it is never contended, and a
        // panic while holding it ends that task, so poisoning carries no meaning here.
        shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The connection's side: an IO whose writes are held and whose flush is deferred.
    pub(super) struct HeldIo<T> {
        shared: Arc<Mutex<Shared<T>>>,
    }

    /// The task's side: drives the connection and writes what it held after each poll.
    pub(super) struct Flusher<T> {
        shared: Arc<Mutex<Shared<T>>>,
    }

    pub(super) fn wrap<T>(io: T) -> (HeldIo<T>, Flusher<T>) {
        let shared = Arc::new(Mutex::new(Shared {
            io,
            held: Vec::new(),
            sent: 0,
            failed: None,
        }));
        (
            HeldIo {
                shared: shared.clone(),
            },
            Flusher { shared },
        )
    }

    impl<T: AsyncWrite + Unpin> Flusher<T> {
        /// Runs `connection` to completion, writing its held output after every poll, and once
        /// more before returning.
        pub(super) async fn drive<F: Future>(self, connection: F) -> F::Output {
            let mut connection = std::pin::pin!(connection);
            let mut outcome = None;
            std::future::poll_fn(|cx| {
                if outcome.is_none() {
                    if let Poll::Ready(out) = connection.as_mut().poll(cx) {
                        outcome = Some(out);
                    }
                }
                let mut shared = lock(&self.shared);
                let drained = shared.poll_drain(cx);
                match (drained, outcome.is_some()) {
                    // Done, and everything written (or the peer is gone: nothing to wait for).
                    (Poll::Ready(_), true) => Poll::Ready(outcome.take().expect("checked")),
                    (Poll::Ready(Err(e)), false) => {
                        // Tell the connection on its next read or write; have it polled again.
                        shared.failed = Some(e.kind());
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    }
                    // Written, or waiting for the socket (its readiness wakes this task).
                    _ => Poll::Pending,
                }
            })
            .await
        }
    }

    impl<T: AsyncRead + Unpin> AsyncRead for HeldIo<T> {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let mut shared = lock(&self.shared);
            shared.check()?;
            Pin::new(&mut shared.io).poll_read(cx, buf)
        }
    }

    impl<T: AsyncWrite + Unpin> AsyncWrite for HeldIo<T> {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let mut shared = lock(&self.shared);
            shared.check()?;
            if shared.held.len() >= HIGH_WATER {
                ready!(shared.poll_drain(cx))?;
            }
            shared.held.extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let mut shared = lock(&self.shared);
            shared.check()?;
            if shared.held.len() >= HIGH_WATER {
                ready!(shared.poll_drain(cx))?;
            }
            let mut n = 0;
            for buf in bufs {
                shared.held.extend_from_slice(buf);
                n += buf.len();
            }
            Poll::Ready(Ok(n))
        }

        fn is_write_vectored(&self) -> bool {
            true
        }

        /// Deferred: the [`Flusher`] writes when the connection's poll ends.
        fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            lock(&self.shared).check()?;
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            let mut shared = lock(&self.shared);
            ready!(shared.poll_drain(cx))?;
            Pin::new(&mut shared.io).poll_shutdown(cx)
        }
    }
}
