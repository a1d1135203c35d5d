//! Puts a [`fake_api`](super::fake_api) on the wire over real TLS (the mock's certificate
//! maker): a raw HTTP/1.1 server (httparse; 400 for invalid bytes, 431 over 16 KiB, exact
//! field-name case, optional body on HEAD), or a hyper server speaking HTTP/1.1 and h2.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::fake_api::{handle, too_many_requests, Action, Bucket, Fault, Incoming, Outgoing};

/// [`Fault::GoawayHoldingOneStream`] has held its one stream (once per test process: one test
/// uses the fault).
pub static HELD_ONE_STREAM: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Which server carries the fake API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// Raw HTTP/1.1, ALPN `http/1.1` only.
    Raw,
    /// hyper, HTTP/1.1 and h2.
    Hyper,
    // ---- issue 16, item 3 (R-10) ----
    /// hyper, h2 alone: ALPN offers only `h2` (a client offering only `http/1.1` fails the
    /// handshake) and the connection speaks only HTTP/2.
    H2Only,
}

/// A running fake server; dropped, it stops.
pub struct FakeServer {
    pub url: String,
    pub ca_path: std::path::PathBuf,
    /// `METHOD target` of every request with a method other than GET, HEAD or OPTIONS that
    /// carried the valid key anywhere (R-1: a read-only run sends none).
    pub writes_with_valid_key: WriteLog,
    _runtime: tokio::runtime::Runtime,
}

const MAX_HEAD: usize = 16 * 1024;

/// See [`FakeServer::writes_with_valid_key`].
pub type WriteLog = Arc<std::sync::Mutex<Vec<String>>>;

/// Notes `method target` when an unsafe method carries the valid key in `parts`.
fn note_write(log: &WriteLog, method: &str, target: &str, parts: &[&[u8]]) {
    let key = super::fake_api::VALID.as_bytes();
    let carries = parts.iter().any(|p| p.windows(key.len()).any(|w| w == key));
    if carries && !matches!(method, "GET" | "HEAD" | "OPTIONS") {
        log.lock().unwrap().push(format!("{method} {target}"));
    }
}

/// Starts a fake server with `fault` on a runtime of its own, with a certificate from a CA of
/// its own (the mock's certificate maker).
pub fn start(fault: Fault, flavor: Flavor) -> FakeServer {
    let identity = terminus_mock::tls::generate().expect("certificate");
    let ca_pem = identity.ca_pem.clone().expect("a CA");
    let config = (*terminus_mock::tls::server_config(&identity).expect("TLS config")).clone();
    serve(config, ca_pem, fault, flavor)
}

/// Starts a fake server whose certificate is self-signed and marked CA:TRUE, as
/// `openssl req -x509` makes it, naming `names`; its `ca_path` holds that very certificate.
pub fn start_self_signed(fault: Fault, flavor: Flavor, names: &[&str]) -> FakeServer {
    let key = rcgen::KeyPair::generate().expect("a key");
    let mut params =
        rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
            .expect("names");
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, names[0]);
    let cert = params.self_signed(&key).expect("a self-signed certificate");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .expect("a server config");
    serve(config, cert.pem(), fault, flavor)
}

fn serve(
    mut config: rustls::ServerConfig,
    ca_pem: String,
    fault: Fault,
    flavor: Flavor,
) -> FakeServer {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    if flavor == Flavor::Raw {
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
    }
    if flavor == Flavor::H2Only {
        config.alpn_protocols = vec![b"h2".to_vec()];
    }
    let bucket = Arc::new(Bucket::default());
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let port = listener.local_addr().unwrap().port();
    let counter = Arc::new(AtomicU64::new(0));
    let writes: WriteLog = Arc::default();
    let writes_seen = writes.clone();
    runtime.spawn(async move {
        let mut accepted = 0u64;
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            accepted += 1;
            if fault == Fault::DropsNewConnections && accepted > 2 {
                drop(tcp);
                continue;
            }
            let acceptor = acceptor.clone();
            let counter = counter.clone();
            let writes = writes_seen.clone();
            let bucket = bucket.clone();
            tokio::spawn(async move {
                let Ok(Ok(tls)) =
                    tokio::time::timeout(Duration::from_secs(5), acceptor.accept(tcp)).await
                else {
                    return;
                };
                match flavor {
                    Flavor::Raw => serve_raw(tls, fault, counter, writes, bucket).await,
                    Flavor::Hyper | Flavor::H2Only => {
                        serve_hyper(tls, fault, flavor, counter, writes, bucket).await
                    }
                }
            });
        }
    });
    let dir = super::runner::scratch(&format!("server-{port}"));
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca_pem).unwrap();
    FakeServer {
        url: format!("https://127.0.0.1:{port}"),
        ca_path,
        writes_with_valid_key: writes,
        _runtime: runtime,
    }
}

/// The reason phrase an [`Outgoing`] asks for with the pseudo-header `:reason` (else `X`).
fn reason(out: &Outgoing) -> &str {
    out.headers
        .iter()
        .find(|(n, _)| n == ":reason")
        .map_or("X", |(_, v)| v.as_str())
}

/// The delay an [`Outgoing`] asks for with the pseudo-header `:delay-ms`.
fn delay(out: &Outgoing) -> Option<Duration> {
    out.headers
        .iter()
        .find(|(n, _)| n == ":delay-ms")
        .and_then(|(_, v)| v.parse().ok())
        .map(Duration::from_millis)
}

fn write_response(out: &Outgoing, head: bool, head_body: bool) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {} {}\r\n", out.status, reason(out)).into_bytes();
    for (n, v) in out.headers.iter().filter(|(n, _)| !n.starts_with(':')) {
        bytes.extend_from_slice(format!("{n}: {v}\r\n").as_bytes());
    }
    bytes.extend_from_slice(format!("Content-Length: {}\r\n\r\n", out.body.len()).as_bytes());
    if !head || head_body {
        bytes.extend_from_slice(&out.body);
    }
    bytes
}

/// Answers one request: [`Fault::TokenBucket`]'s 429 when the bucket is empty, else
/// [`handle`]; [`Fault::CloseAfterEachResponse`] adds `Connection: close`.
fn answer(fault: Fault, request: &Incoming, counter: &AtomicU64, bucket: &Bucket) -> Action {
    if fault == Fault::TokenBucket && !bucket.admit() {
        return Action::Respond(too_many_requests());
    }
    let n = counter.fetch_add(1, Ordering::Relaxed);
    match handle(fault, request, n) {
        Action::Respond(mut out) if fault == Fault::CloseAfterEachResponse => {
            out.headers.push(("Connection".into(), "close".into()));
            Action::Respond(out)
        }
        action => action,
    }
}

async fn serve_raw<S: AsyncRead + AsyncWrite + Unpin>(
    mut io: S,
    fault: Fault,
    counter: Arc<AtomicU64>,
    writes: WriteLog,
    bucket: Arc<Bucket>,
) {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let (request, consumed) = loop {
            let mut slots = [httparse::EMPTY_HEADER; 512];
            let mut parsed = httparse::Request::new(&mut slots);
            match parsed.parse(&buf) {
                Ok(httparse::Status::Complete(len)) => {
                    let request = Incoming {
                        method: parsed.method.unwrap_or("").to_owned(),
                        target: parsed.path.unwrap_or("").to_owned(),
                        headers: parsed
                            .headers
                            .iter()
                            .map(|h| (h.name.to_owned(), h.value.to_vec()))
                            .collect(),
                        http2: false,
                        http10: parsed.version == Some(0),
                    };
                    break (request, len);
                }
                Ok(httparse::Status::Partial) if buf.len() > MAX_HEAD => {
                    let _ = io.write_all(b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
                    return;
                }
                Ok(httparse::Status::Partial) => {
                    let mut chunk = [0u8; 8192];
                    match io.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                Err(_) => {
                    let _ = io.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
                    return;
                }
            }
        };
        let mut request = request;
        if fault == Fault::WhitespaceNotTrimmed {
            // A hand-rolled parser: `name: value` split at ": ", nothing trimmed.
            request.headers = String::from_utf8_lossy(&buf[..consumed])
                .split("\r\n")
                .skip(1)
                .filter_map(|line| line.split_once(':'))
                .map(|(n, v)| {
                    (
                        n.to_owned(),
                        v.strip_prefix(' ').unwrap_or(v).as_bytes().to_vec(),
                    )
                })
                .collect();
        }
        buf.drain(..consumed);
        let length: usize = request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| std::str::from_utf8(v).ok()?.trim().parse().ok())
            .unwrap_or(0);
        while buf.len() < length {
            let mut chunk = [0u8; 8192];
            match io.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let mut parts: Vec<&[u8]> = request.headers.iter().map(|(_, v)| v.as_slice()).collect();
        parts.push(request.target.as_bytes());
        parts.push(&buf[..length]);
        note_write(&writes, &request.method, &request.target, &parts);
        buf.drain(..length);
        match answer(fault, &request, &counter, &bucket) {
            Action::Respond(out)
                if fault == Fault::HeadWithLateBody && request.method == "HEAD" =>
            {
                // The head, then the body a moment later (as a second write would).
                let bytes = write_response(&out, true, false);
                if io.write_all(&bytes).await.is_err() {
                    return;
                }
                let _ = io.flush().await;
                tokio::time::sleep(Duration::from_millis(60)).await;
                if io.write_all(&out.body).await.is_err() {
                    return;
                }
            }
            Action::Respond(out) => {
                if let Some(delay) = delay(&out) {
                    tokio::time::sleep(delay).await;
                }
                let bytes =
                    write_response(&out, request.method == "HEAD", fault == Fault::HeadWithBody);
                if io.write_all(&bytes).await.is_err() {
                    return;
                }
                if matches!(
                    fault,
                    Fault::CloseAfterEachResponse | Fault::ClosesSilentlyAfterEachResponse
                ) {
                    // A moment later when silent: the runner has pooled the connection.
                    if fault == Fault::ClosesSilentlyAfterEachResponse {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                    }
                    let _ = io.shutdown().await;
                    return;
                }
            }
            Action::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return;
            }
            Action::Close => return,
        }
    }
}

async fn serve_hyper<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
    io: S,
    fault: Fault,
    flavor: Flavor,
    counter: Arc<AtomicU64>,
    writes: WriteLog,
    bucket: Arc<Bucket>,
) {
    let served = Arc::new(AtomicU64::new(0));
    let served_here = served.clone();
    let answered = Arc::new(AtomicU64::new(0));
    let answered_here = answered.clone();
    // ResetConnectionOnQuote: the service asks for the whole connection to be dropped.
    let drop_connection = Arc::new(tokio::sync::Notify::new());
    let dropper = drop_connection.clone();
    // GoawayHoldingOneStream: the service asks for a graceful shutdown (GOAWAY).
    let go_away = Arc::new(tokio::sync::Notify::new());
    let go_away_here = go_away.clone();
    let service =
        hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
            let counter = counter.clone();
            let writes = writes.clone();
            let bucket = bucket.clone();
            let answered = answered_here.clone();
            let dropper = dropper.clone();
            let go_away = go_away_here.clone();
            served_here.fetch_add(1, Ordering::Relaxed);
            async move {
                let mut incoming = Incoming {
                    http2: request.version() == http::Version::HTTP_2,
                    http10: request.version() == http::Version::HTTP_10,
                    method: request.method().as_str().to_owned(),
                    target: request
                        .uri()
                        .path_and_query()
                        .map_or("/".to_owned(), |p| p.as_str().to_owned()),
                    headers: request
                        .headers()
                        .iter()
                        .map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec()))
                        .collect(),
                };
                // Over HTTP/2 the authority is `:authority`; frameworks show it as the host
                // (Go's `Request.Host`), so the fakes read it as `host` when none was sent.
                if let (true, Some(authority)) = (incoming.http2, request.uri().authority()) {
                    if !incoming.headers.iter().any(|(n, _)| n == "host") {
                        incoming
                            .headers
                            .push(("host".into(), authority.as_str().as_bytes().to_vec()));
                    }
                }
                let body = request
                    .into_body()
                    .collect()
                    .await
                    .map(|b| b.to_bytes())
                    .unwrap_or_default();
                let mut parts: Vec<&[u8]> =
                    incoming.headers.iter().map(|(_, v)| v.as_slice()).collect();
                parts.push(incoming.target.as_bytes());
                parts.push(&body);
                note_write(&writes, &incoming.method, &incoming.target, &parts);
                if fault == Fault::GoawayHoldingOneStream
                    && incoming.http2
                    && incoming
                        .headers
                        .iter()
                        .any(|(n, v)| n == "authorization" && v.contains(&b'"'))
                    && !HELD_ONE_STREAM.swap(true, Ordering::SeqCst)
                {
                    go_away.notify_one();
                    std::future::pending::<()>().await;
                }
                let out = match answer(fault, &incoming, &counter, &bucket) {
                    Action::Respond(out) => {
                        if let Some(delay) = delay(&out) {
                            tokio::time::sleep(delay).await;
                        }
                        out
                    }
                    Action::Hang => {
                        tokio::time::sleep(Duration::from_secs(3600)).await;
                        Outgoing {
                            status: 500,
                            headers: vec![],
                            body: vec![],
                        }
                    }
                    Action::Close if fault == Fault::ResetConnectionOnQuote => {
                        dropper.notify_one();
                        std::future::pending::<()>().await;
                        unreachable!("the connection is dropped")
                    }
                    // A service error: hyper resets the stream (RST_STREAM INTERNAL_ERROR) over
                    // HTTP/2 and closes the connection over HTTP/1.1, without an answer.
                    Action::Close => {
                        return Err(std::io::Error::other("reset in answer to this request"))
                    }
                };
                let mut response = http::Response::builder().status(out.status);
                for (n, v) in out.headers.iter().filter(|(n, _)| !n.starts_with(':')) {
                    response = response.header(n, v);
                }
                // The `:reason` an answer asks for goes on HTTP/1.1's status line (HTTP/2 has none).
                if let Some((_, v)) = out.headers.iter().find(|(n, _)| n == ":reason") {
                    let phrase = hyper::ext::ReasonPhrase::try_from(v.as_bytes()).unwrap();
                    response = response.extension(phrase);
                }
                answered.fetch_add(1, Ordering::Relaxed);
                Ok::<_, std::io::Error>(
                    response
                        .body(Full::new(bytes::Bytes::from(out.body)))
                        .unwrap(),
                )
            }
        });
    let mut builder =
        hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    if flavor == Flavor::H2Only {
        builder = builder.http2_only();
    }
    if fault == Fault::CloseAfterEachResponse {
        // One stream at a time (the streams over the limit are refused, REFUSED_STREAM), and a
        // GOAWAY after the first response: each HTTP/2 connection answers one request.
        builder.http2().max_concurrent_streams(1);
    }
    let connection = builder.serve_connection(hyper_util::rt::TokioIo::new(io), service);
    // Like nginx's keepalive_requests: after 100 requests the connection is shut down
    // (GOAWAY), and requests in flight on it fail. CloseAfterEachResponse: after every
    // response (Go's net/http with `Connection: close`).
    let shut_after = match fault {
        Fault::GoawayAfter100Requests => Some((&served, 100)),
        Fault::CloseAfterEachResponse => Some((&answered, 1)),
        _ => None,
    };
    tokio::pin!(connection);
    let mut shut = false;
    loop {
        tokio::select! {
            _ = &mut connection => return,
            _ = drop_connection.notified() => return,
            _ = go_away.notified(), if !shut => {
                connection.as_mut().graceful_shutdown();
                shut = true;
            }
            _ = tokio::time::sleep(Duration::from_millis(1)), if !shut && shut_after.is_some() => {
                if let Some((count, limit)) = shut_after {
                    if count.load(Ordering::Relaxed) >= limit {
                        connection.as_mut().graceful_shutdown();
                        shut = true;
                    }
                }
            }
        }
    }
}
