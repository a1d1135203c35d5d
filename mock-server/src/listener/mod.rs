//! Accepting connections: TCP, the TLS handshake (bounded in time), then HTTP/1.1 or HTTP/2 as
//! negotiated by ALPN, under a connection cap, with graceful shutdown. A listener can also
//! answer TLS and plain HTTP on one port, told apart by the first byte ([`Transport`],
//! `sniff.rs`), for the redirect from `https://` to `http://` on the same host and port (CLI-4).
//!
//! HTTP/2 is served the way nginx serves it, for throughput (see bench/README.md): a stream's
//! handler runs on the connection's own task when it can answer at once ([`InlineFirst`]), and
//! everything the connection writes in one turn leaves in one TLS record and one system call
//! ([`coalesce`]).
//!
//! Every handler gets the request body as a [`RequestBody`]: what it leaves unread is read to
//! its end after the answer, within bounds ([`drain`]), so a client still uploading gets its
//! answer and a clean end of stream, over HTTP/1.1 and HTTP/2 alike.

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

use crate::envelope::Body;

mod coalesce;
mod drain;
mod sniff;

pub(crate) use drain::{capture_body, RequestBody};

mod takeover;

pub use sniff::{Transport, Transported};
pub use takeover::NoAnswer;
use takeover::{without_answer, Takeover};

/// What a handler gives the listener: a response, or [`NoAnswer`] (a scripted fault).
pub type Answer = Result<Response<Body>, NoAnswer>;

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
    transport: impl Into<Transport>,
    handler: H,
    limits: Limits,
    mut shutdown: watch::Receiver<bool>,
) where
    H: Fn(Request<RequestBody>) -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Answer> + Send + 'static,
{
    let transport = transport.into();
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
        let transport = transport.clone();
        let handler = handler.clone();
        let handshake_timeout = limits.handshake_timeout;
        let socket = Socket::of(&stream);
        let stop = shutdown.clone();
        let takeover = Takeover::default();
        tokio::spawn(async move {
            let _permit = permit;
            // On a port that speaks both, the first byte decides; the request then says which.
            let (tls, transported) = match transport {
                Transport::Plain => (None, None),
                Transport::Tls(acceptor) => (Some(acceptor), None),
                Transport::TlsOrPlain(acceptor) => {
                    match sniff::first_byte(&stream, handshake_timeout).await {
                        sniff::FirstByte::Tls => (Some(acceptor), Some(Transported { tls: true })),
                        sniff::FirstByte::Plain => (None, Some(Transported { tls: false })),
                        sniff::FirstByte::Neither(byte) => {
                            sniff::refuse(stream, byte, peer).await;
                            return;
                        }
                        sniff::FirstByte::Nothing => return,
                    }
                }
            };
            let taken = takeover.clone();
            let service = service_fn(move |request: Request<Incoming>| {
                let head = request.method() == http::Method::HEAD;
                let h1 = request.version() < http::Version::HTTP_2;
                // What the handler leaves of the body is read after the answer (drain.rs).
                let mut request = request.map(|body| RequestBody::new(body, &stop));
                if let Some(transported) = transported {
                    request.extensions_mut().insert(transported);
                }
                // HTTP/1.1 `Expect: 100-continue` with a body: `100 Continue` leaves first (see
                // RequestBody::continue_first); every other request goes straight on.
                let (now, later) = if h1 && RequestBody::expects_continue(&request) {
                    (None, Some((request, handler.clone())))
                } else {
                    (Some(handler(request)), None)
                };
                let takeover = taken.clone();
                async move {
                    let response = match (now, later) {
                        (Some(response), _) => response.await,
                        (None, Some((mut request, handler))) => {
                            request.body_mut().continue_first().await;
                            handler(request).await
                        }
                        (None, None) => unreachable!("one of the two is set"),
                    };
                    let response = match response {
                        Ok(response) => response,
                        Err(no_answer) => return without_answer(no_answer, h1, socket, &takeover),
                    };
                    Ok::<_, NoAnswer>(if head {
                        without_body(response)
                    } else {
                        response
                    })
                }
            });
            let result = match tls {
                None => {
                    serve_plain(
                        stream,
                        &takeover,
                        &protocols,
                        service,
                        watcher,
                        handshake_timeout,
                    )
                    .await
                }
                Some(acceptor) => {
                    match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
                        Ok(Ok(tls_stream)) => {
                            let h2 = tls_stream.get_ref().1.alpn_protocol() == Some(b"h2");
                            let tls_stream = takeover.wrap(tls_stream);
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

/// The accepted socket, as its service knows it, to reset it (on Unix: its descriptor).
#[derive(Debug, Clone, Copy)]
struct Socket {
    #[cfg(unix)]
    fd: std::os::fd::RawFd,
}

impl Socket {
    fn of(stream: &TcpStream) -> Self {
        #[cfg(not(unix))]
        let _ = stream;
        Self {
            #[cfg(unix)]
            fd: std::os::fd::AsRawFd::as_raw_fd(stream),
        }
    }

    /// `SO_LINGER` 0: when hyper then drops the connection, the kernel sends an RST instead
    /// of a FIN, and the client reads "connection reset by peer". Elsewhere than Unix the
    /// connection is only closed.
    ///
    /// Only for HTTP/1.1: its service future runs inside hyper's dispatcher, which owns the
    /// socket, so the descriptor is open, and still this connection's, while it runs. An
    /// HTTP/2 stream's future may outlive its connection, so it never calls this.
    fn reset_on_close(self) {
        #[cfg(unix)]
        {
            // SAFETY: see above: the descriptor belongs to the live connection whose service
            // is calling, and is only borrowed for one setsockopt call.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(self.fd) };
            if let Err(e) = socket2::SockRef::from(&fd).set_linger(Some(Duration::ZERO)) {
                tracing::debug!(target: "terminus_mock::listener", "SO_LINGER 0 refused: {e}");
            }
        }
    }
}

/// ERR-4: a HEAD response has the headers of GET, `Content-Length` included, and no body.
/// hyper leaves the body out on HTTP/1.1 but would send it as DATA on HTTP/2, which clients
/// reject; so the body is dropped here, for both.
fn without_body(response: Response<Body>) -> Response<Body> {
    let (mut parts, body) = response.into_parts();
    if let Some(len) = hyper::body::Body::size_hint(&body).exact() {
        parts
            .headers
            .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
    }
    Response::from_parts(parts, body.without_content())
}

/// Plain HTTP (`--plaintext`): HTTP/1.1, or HTTP/2 with prior knowledge, told apart by the
/// connection preface.
async fn serve_plain<S>(
    stream: TcpStream,
    takeover: &Takeover,
    protocols: &Protocols,
    service: S,
    watcher: hyper_util::server::graceful::Watcher,
    sniff_timeout: Duration,
) -> Result<(), hyper::Error>
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<Body>, Error = NoAnswer>
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
    let io = TokioIo::new(takeover.wrap(stream));
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
