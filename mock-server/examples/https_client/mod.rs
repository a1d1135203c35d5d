//! The HTTPS client the examples share: what an SDK does, in a few lines of hyper and
//! tokio-rustls. It trusts only the CA the mock made (`MockServer::ca_pem`), checks that the
//! certificate names `localhost`, and sends one HTTP/1.1 request per connection.

use std::error::Error;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::TlsConnector;

/// A client for one mock listener (the Public API or the admin plane).
pub struct Client {
    addr: SocketAddr,
    tls: TlsConnector,
}

impl Client {
    /// A client for `base_url` (`https://127.0.0.1:PORT`, as `public_url()` gives it) that
    /// trusts `ca_pem` and nothing else.
    pub fn new(base_url: &str, ca_pem: &str) -> Result<Self, Box<dyn Error>> {
        let addr = base_url
            .strip_prefix("https://")
            .ok_or("the mock serves HTTPS")?
            .parse()?;
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            roots.add(cert?)?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self {
            addr,
            tls: TlsConnector::from(Arc::new(config)),
        })
    }

    /// Sends one request with an optional `Authorization: Bearer <token>` and a JSON body
    /// (empty: none); returns the status and the body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        json: &str,
    ) -> Result<(StatusCode, String), Box<dyn Error>> {
        let tcp = tokio::net::TcpStream::connect(self.addr).await?;
        let tls = self
            .tls
            .connect(ServerName::try_from("localhost")?, tcp)
            .await?;
        let (mut sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(tls)).await?;
        tokio::spawn(connection);

        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "localhost");
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if !json.is_empty() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(Full::new(Bytes::from(json.to_owned())))?;
        let response = sender.send_request(request).await?;
        let status = response.status();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, String::from_utf8(body.to_vec())?))
    }
}
