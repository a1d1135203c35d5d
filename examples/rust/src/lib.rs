//! A tiny SDK for the Terminus Hub Public API, the kind whose test suite runs against
//! terminus-mock in-process (`tests/sdk.rs`): one call, `GET /v1/account`, with the key as
//! `Authorization: Bearer <key>` (CLI-1), TLS verified against the roots it is given (CLI-5),
//! 401 final (CLI-6), 429 and 503 retried at most `max_retries` times after `Retry-After` or an
//! exponential backoff (CLI-7), and the key in no `Debug` or error text (CLI-8).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::TlsConnector;

/// What a call can end in.
#[derive(Debug)]
pub enum Error {
    /// The API answered an error: its status and the envelope's `type` and `message`.
    Api {
        /// The HTTP status.
        status: u16,
        /// `error.type`.
        kind: String,
        /// `error.message`.
        message: String,
    },
    /// The connection, TLS or HTTP failed.
    Transport(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Api {
                status,
                kind,
                message,
            } => write!(f, "HTTP {status} {kind}: {message}"),
            Error::Transport(why) => write!(f, "transport: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// A client for one base URL (`https://HOST:PORT`).
pub struct Client {
    host: String,
    port: u16,
    key: String,
    tls: TlsConnector,
    /// Retries of 429 and 503 (0: none).
    pub max_retries: u32,
    /// The first backoff; doubled at each retry.
    pub backoff: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tail = &self.key[self.key.len().saturating_sub(4)..];
        f.debug_struct("Client")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("key", &format_args!("thub_…{tail}"))
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `base_url` trusting the CAs in `ca_pem`, with `key`.
    pub fn new(base_url: &str, ca_pem: &str, key: &str) -> Result<Client, Error> {
        let bad = |why: &str| Error::Transport(why.to_owned());
        let authority = base_url
            .strip_prefix("https://")
            .ok_or_else(|| bad("the base URL must be https://"))?
            .trim_end_matches('/');
        let (host, port) = authority
            .rsplit_once(':')
            .ok_or_else(|| bad("the base URL needs a port"))?;
        let port = port.parse().map_err(|_| bad("bad port"))?;
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            let cert = cert.map_err(|e| Error::Transport(e.to_string()))?;
            roots
                .add(cert)
                .map_err(|e| Error::Transport(e.to_string()))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Transport(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Client {
            host: host.to_owned(),
            port,
            key: key.to_owned(),
            tls: TlsConnector::from(Arc::new(config)),
            max_retries: 2,
            backoff: Duration::from_millis(200),
        })
    }

    /// `GET /v1/account`: the account as JSON.
    pub async fn account(&self) -> Result<serde_json::Value, Error> {
        let mut attempt = 0;
        loop {
            let (status, retry_after, body) = self.get("/v1/account").await?;
            let retried = matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            );
            if retried && attempt < self.max_retries {
                let backoff = self.backoff * 2u32.pow(attempt);
                attempt += 1;
                tokio::time::sleep(retry_after.map_or(backoff, |r| r.max(backoff))).await;
                continue;
            }
            let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            if status.is_success() {
                return Ok(json);
            }
            let text = |name: &str| json["error"][name].as_str().unwrap_or_default().to_owned();
            return Err(Error::Api {
                status: status.as_u16(),
                kind: text("type"),
                message: text("message"),
            });
        }
    }

    async fn get(&self, path: &str) -> Result<(StatusCode, Option<Duration>, Bytes), Error> {
        let transport = |e: &dyn std::fmt::Display| Error::Transport(e.to_string());
        let tcp = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| transport(&e))?;
        let name = ServerName::try_from(self.host.clone()).map_err(|e| transport(&e))?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| transport(&e))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| transport(&e))?;
        tokio::spawn(connection);
        let request = Request::get(path)
            .header("host", format!("{}:{}", self.host, self.port))
            .header("authorization", format!("Bearer {}", self.key))
            .body(Empty::<Bytes>::new())
            .map_err(|e| transport(&e))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| transport(&e))?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()?.trim().parse().ok())
            .map(Duration::from_secs);
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| transport(&e))?
            .to_bytes();
        Ok((status, retry_after, body))
    }
}
