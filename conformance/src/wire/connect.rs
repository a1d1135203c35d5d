//! [`Dialer`]: opens a TCP connection to the target and, for `https`, the TLS session over it,
//! offering the ALPN protocols the caller asks for.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::tls::{explain_handshake_error, TlsConfigs};

/// A byte stream to the target, plain or TLS.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// What the client offers in ALPN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alpn {
    /// `http/1.1` only.
    Http1,
    /// `h2` only.
    Http2,
    /// `h2`, then `http/1.1`.
    Either,
}

/// Where the target listens and how to open a connection to it.
#[derive(Debug, Clone)]
pub struct Dialer {
    /// Host name or IP address (no brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// `None` for plain `http://` targets.
    pub tls: Option<(TlsConfigs, ServerName<'static>)>,
    /// Bound on TCP connect plus TLS handshake.
    pub timeout: Duration,
}

/// An open connection and whether ALPN chose `h2`.
pub struct Dialed {
    /// The stream.
    pub io: Box<dyn Io>,
    /// True when the server selected `h2`.
    pub h2: bool,
}

impl Dialer {
    /// Opens a connection; `Err` names the stage that failed (TCP, TLS) and why.
    pub async fn dial(&self, alpn: Alpn) -> Result<Dialed, String> {
        let open = async {
            let tcp = TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| {
                    format!("TCP connection to {}:{} failed: {e}", self.host, self.port)
                })?;
            let _ = tcp.set_nodelay(true);
            let Some((configs, name)) = &self.tls else {
                return Ok(Dialed {
                    io: Box::new(tcp),
                    h2: false,
                });
            };
            let config = match alpn {
                Alpn::Http1 => &configs.http1,
                Alpn::Http2 => &configs.http2,
                Alpn::Either => &configs.either,
            };
            let tls = TlsConnector::from(Arc::clone(config))
                .connect(name.clone(), tcp)
                .await
                .map_err(|e| format!("TLS handshake failed: {}", explain_handshake_error(&e)))?;
            let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
            Ok(Dialed {
                io: Box::new(tls),
                h2,
            })
        };
        match tokio::time::timeout(self.timeout, open).await {
            Ok(result) => result,
            Err(_) => Err(format!(
                "no TCP connection and TLS handshake with {}:{} within {:.1} s",
                self.host,
                self.port,
                self.timeout.as_secs_f64()
            )),
        }
    }
}
