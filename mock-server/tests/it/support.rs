//! What every test needs: a mock on ephemeral ports, a TLS client that trusts its CA, a raw
//! HTTP/1.1 exchange (exact bytes on the wire), an HTTP/2 client, and the schemas.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::Value;
use terminus_mock::{MockConfig, MockServer, SchemeReading};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

/// The 401 body, byte for byte (ERR-2).
pub const ENVELOPE: &str =
    r#"{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}"#;

/// A running mock with one minted active key and one minted-then-revoked key.
pub struct Mock {
    pub server: MockServer,
    pub key: String,
    pub revoked: String,
    pub connector: TlsConnector,
}

impl Mock {
    pub async fn start() -> Mock {
        Self::start_with(MockConfig::default()).await
    }

    pub async fn lenient() -> Mock {
        Self::start_with(MockConfig {
            scheme: SchemeReading::Lenient,
            ..MockConfig::default()
        })
        .await
    }

    pub async fn start_with(config: MockConfig) -> Mock {
        let server = MockServer::start(config).await.expect("the mock starts");
        let key = server.key_store().mint("test").unwrap().key;
        let revoked = server.key_store().mint("revoked").unwrap();
        server.key_store().revoke(&revoked.record.id).unwrap();
        let connector = connector(
            server.ca_pem().expect("a generated CA"),
            &[b"h2", b"http/1.1"],
        );
        Mock {
            server,
            key,
            revoked: revoked.key,
            connector,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.public_addr()
    }

    /// A TLS connection to the Public API, offering only HTTP/1.1.
    pub async fn tls(&self) -> TlsStream<TcpStream> {
        tls_to(self.addr(), &self.h1_connector()).await
    }

    pub fn h1_connector(&self) -> TlsConnector {
        connector(self.server.ca_pem().unwrap(), &[b"http/1.1"])
    }

    /// Sends `request` as raw bytes on a fresh TLS connection, reads one response.
    pub async fn raw(&self, request: &[u8]) -> RawResponse {
        let mut stream = self.tls().await;
        send_raw(&mut stream, request).await
    }

    /// `GET path` with the given extra header lines (each without CRLF), raw.
    pub async fn get(&self, path: &str, header_lines: &[&str]) -> RawResponse {
        self.raw(&request("GET", path, header_lines)).await
    }

    /// `GET path` with one `Authorization` field whose value is `value`.
    pub async fn get_with_authorization(&self, path: &str, value: &str) -> RawResponse {
        self.get(path, &[&format!("Authorization: {value}")]).await
    }

    /// A fresh TLS connection on which `partial` was sent and flushed, and nothing more: a slow
    /// client, or one about to vanish.
    pub async fn tls_after_sending(&self, partial: &[u8]) -> TlsStream<TcpStream> {
        let mut conn = self.tls().await;
        conn.write_all(partial).await.expect("write");
        conn.flush().await.expect("flush");
        conn
    }

    /// `GET path` with `Authorization: Bearer <key>`.
    pub async fn get_with_key(&self, path: &str, key: &str) -> RawResponse {
        self.get(path, &[&format!("Authorization: Bearer {key}")])
            .await
    }

    /// An HTTP/2 connection (ALPN h2).
    pub async fn h2(&self) -> hyper::client::conn::http2::SendRequest<Full<Bytes>> {
        let connector = connector(self.server.ca_pem().unwrap(), &[b"h2"]);
        let stream = tls_to(self.addr(), &connector).await;
        assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        let (send, conn) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                .await
                .expect("h2 handshake");
        tokio::spawn(conn);
        send
    }
}

/// A rustls client config trusting `ca_pem`, ring provider, the given ALPN protocols.
pub fn connector(ca_pem: &str, alpn: &[&[u8]]) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    TlsConnector::from(Arc::new(config))
}

pub async fn tls_to(addr: SocketAddr, connector: &TlsConnector) -> TlsStream<TcpStream> {
    let tcp = TcpStream::connect(addr).await.expect("connect");
    connector
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .expect("TLS handshake with the mock's CA")
}

/// Builds `METHOD path HTTP/1.1` with Host, the given header lines, and no body.
pub fn request(method: &str, path: &str, header_lines: &[&str]) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\n");
    for line in header_lines {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// `GET /v1/account` with one `Authorization` field of exactly these bytes: obs-text and
/// control bytes included, which a `&str` header line cannot carry.
pub fn account_request_with_authorization(value: &[u8]) -> Vec<u8> {
    let mut raw = b"GET /v1/account HTTP/1.1\r\nHost: localhost\r\nAuthorization: ".to_vec();
    raw.extend_from_slice(value);
    raw.extend_from_slice(b"\r\n\r\n");
    raw
}

/// One HTTP/1.1 response, as read off the wire.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    /// Header fields as sent (names lower-cased).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The header fields, without `Date` (which differs between any two responses).
    pub fn headers_without_date(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .filter(|(n, _)| n != "date")
            .cloned()
            .collect()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn body_str(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// ERR-1, ERR-2, ERR-5 at once: the exact envelope of a rejection.
    #[track_caller]
    pub fn assert_envelope(&self) {
        assert_eq!(self.status, 401, "status; body {}", self.body_str());
        assert_eq!(self.body_str(), ENVELOPE);
        assert_eq!(self.header("content-type"), Some("application/json"));
        assert_eq!(
            self.header("www-authenticate"),
            Some(r#"Bearer realm="terminus-hub""#)
        );
    }
}

/// Writes `request`, reads one response (for a HEAD request, pass `head = true` via
/// [`send_raw_head`]).
pub async fn send_raw<S>(stream: &mut S, request: &[u8]) -> RawResponse
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let head = request.starts_with(b"HEAD ");
    stream.write_all(request).await.expect("write request");
    read_response(stream, head).await
}

/// Reads one HTTP/1.1 response; a response to HEAD has no body whatever its Content-Length.
pub async fn read_response<S>(stream: &mut S, head: bool) -> RawResponse
where
    S: tokio::io::AsyncRead + Unpin,
{
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let deadline = Duration::from_secs(10);
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut headers);
        if let Ok(httparse::Status::Complete(len)) = parsed.parse(&buf) {
            let status = parsed.code.unwrap();
            let headers: Vec<(String, String)> = parsed
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_ascii_lowercase(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            let body_len: usize = if head || status == 204 || status == 304 {
                0
            } else {
                headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .map(|(_, v)| v.parse().unwrap())
                    .expect("the mock always sends Content-Length")
            };
            while buf.len() < len + body_len {
                let n = tokio::time::timeout(deadline, stream.read(&mut chunk))
                    .await
                    .expect("body in time")
                    .expect("read body");
                assert!(n > 0, "connection closed mid-body");
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = buf[len..len + body_len].to_vec();
            return RawResponse {
                status,
                headers,
                body,
            };
        }
        let n = tokio::time::timeout(deadline, stream.read(&mut chunk))
            .await
            .expect("a response in time")
            .expect("read response");
        assert!(
            n > 0,
            "connection closed before a whole response; got {:?}",
            String::from_utf8_lossy(&buf)
        );
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Reads until the peer closes; true if it closed (EOF or reset) within `within`.
pub async fn closed_within<S>(stream: &mut S, within: Duration) -> bool
where
    S: tokio::io::AsyncRead + Unpin,
{
    let mut chunk = [0u8; 1024];
    let read_to_end = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    };
    tokio::time::timeout(within, read_to_end).await.is_ok()
}

/// Sends a request over HTTP/2 and collects the response.
pub async fn h2_send(
    send: &mut hyper::client::conn::http2::SendRequest<Full<Bytes>>,
    request: http::Request<Full<Bytes>>,
) -> (http::response::Parts, Bytes) {
    send.ready().await.expect("h2 ready");
    let response = send.send_request(request).await.expect("h2 response");
    let (parts, body) = response.into_parts();
    (parts, body.collect().await.expect("h2 body").to_bytes())
}

/// A validator for one of `contract/schemas/` (`terminus_mock::SCHEMAS`), with the others
/// registered for `$ref`.
pub fn schema(name: &str) -> jsonschema::Validator {
    let mut registry = jsonschema::Registry::new();
    for (file, text) in terminus_mock::SCHEMAS {
        let value: Value = serde_json::from_str(text).unwrap();
        let id = value["$id"].as_str().unwrap().to_owned();
        registry = registry.add(id, value).unwrap();
        let _ = file;
    }
    let registry = registry.prepare().unwrap();
    let (_, text) = terminus_mock::SCHEMAS
        .iter()
        .find(|(file, _)| *file == name)
        .unwrap_or_else(|| panic!("no schema {name}"));
    let value: Value = serde_json::from_str(text).unwrap();
    jsonschema::options()
        .with_registry(&registry)
        .build(&value)
        .unwrap()
}

/// The `terminus-mock` binary on loopback ports the system chooses, writing `ready` once both
/// listeners accept, logging at `warn`, its output discarded: callers add flags and redirect
/// what they read.
pub fn mock_command(ready: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_terminus-mock"));
    command
        .args(["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        .arg("--ready-file")
        .arg(ready)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    command
}

/// Sends SIGTERM to the binary (as a user's Ctrl-C or a CI runner would) and waits for it to
/// end; the caller checks the exit status and the output.
pub fn terminate(child: std::process::Child) -> std::process::Output {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait_with_output().unwrap()
}

/// Waits (15 s at most) for a binary that must refuse to start; panics with `what` if it keeps
/// running instead.
pub fn refused(mut child: std::process::Child, what: &str) -> std::process::Output {
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(15) {
            child.kill().unwrap();
            panic!("{what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Waits (bounded) for a `--ready-file` and returns what it says.
pub fn wait_for_ready(path: &std::path::Path) -> Value {
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if let Some(value) = std::fs::read_to_string(path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
        {
            return value;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("no ready file at {}", path.display());
}

/// Every window of 10 characters of the key's secret (after `thub_`).
pub fn secret_windows(key: &str) -> Vec<String> {
    let secret = key.strip_prefix("thub_").unwrap_or(key);
    secret
        .as_bytes()
        .windows(10)
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect()
}
