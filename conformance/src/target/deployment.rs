//! Where the deployment under test is and how to reach it: the `--target` URL, the trust
//! anchors, and the pre-flight that turns an unreachable target or a TLS failure into one
//! clear line (exit status 3) before any trial runs. The pre-flight negotiates the protocols
//! HTTP/1.1, HTTP/2 or both, whatever the deployment speaks.

use std::time::Duration;

use rustls::pki_types::ServerName;

use crate::error::Error;
use crate::wire::connect::{Alpn, Dialer};
use crate::wire::http1::Http1;
use crate::wire::http2::Http2;
use crate::wire::tls::{TlsConfigs, Trust};
use crate::wire::{Client, ClientOptions, Offered, Reply, Request};

/// A deployment's address, parsed from its URL.
#[derive(Debug, Clone)]
pub struct Target {
    /// The URL as given (without a trailing slash).
    pub url: String,
    /// `https` (or `http`, for debugging only).
    pub tls: bool,
    /// Host name or IP address, no brackets.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// The `Host` field's value.
    pub authority: String,
    /// A path prefix every probed path goes under (`""` for none).
    pub base_path: String,
}

impl Target {
    /// Parses `https://host[:port][/base]`.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let usage = |why: &str| Error::Usage(format!("--target {url}: {why}"));
        let uri: http::Uri = url
            .parse()
            .map_err(|e| usage(&format!("not a URL ({e})")))?;
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(usage("the URL must begin with https:// (or http://)")),
        };
        let authority = uri.authority().ok_or_else(|| usage("no host in the URL"))?;
        if authority.as_str().contains('@') {
            return Err(usage(
                "no user information in the URL: keys come from TERMINUS_API_KEY",
            ));
        }
        let host = authority
            .host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        if uri.query().is_some() {
            return Err(usage("no query in the target URL"));
        }
        let base_path = uri.path().trim_end_matches('/').to_owned();
        Ok(Self {
            url: url.trim_end_matches('/').to_owned(),
            tls,
            host,
            port,
            authority: authority.as_str().to_owned(),
            base_path,
        })
    }

    /// `scheme://authority`.
    pub fn origin(&self) -> String {
        format!(
            "{}://{}",
            if self.tls { "https" } else { "http" },
            self.authority
        )
    }

    /// A dialer for this target trusting `trust`.
    pub fn dialer(&self, trust: &Trust, timeout: Duration) -> Result<Dialer, Error> {
        let tls = if self.tls {
            let configs = TlsConfigs::new(trust).map_err(Error::Trust)?;
            let name =
                ServerName::try_from(self.host.clone()).map_err(|source| Error::InvalidHost {
                    url: self.url.clone(),
                    source,
                })?;
            Some((configs, name))
        } else {
            None
        };
        Ok(Dialer {
            host: self.host.clone(),
            port: self.port,
            tls,
            timeout,
        })
    }

    /// Pre-flight: opens a connection offering h2 and HTTP/1.1, then sends one unauthenticated
    /// `GET` of the base path over raw HTTP/1.1 and, when ALPN chose h2 and HTTP/1.1 got no
    /// answer, over HTTP/2 (R-10: a deployment that declines one protocol is checked over the
    /// other). Returns a client for the target speaking what it offers; any failure is one
    /// [`Error::Unreachable`].
    pub async fn connect(&self, trust: &Trust, options: &ClientOptions) -> Result<Client, Error> {
        let unreachable = |reason: String| Error::Unreachable {
            target: self.url.clone(),
            reason,
        };
        let dialer = self.dialer(trust, options.timeout)?;
        let dialed = dialer
            .dial(Alpn::Either)
            .await
            .map_err(|why| unreachable(format!("{why}{}", tls_hint(&why, trust))))?;
        let h2 = dialed.h2;
        drop(dialed);
        let client = |offered| {
            Client::new(
                dialer.clone(),
                self.authority.clone(),
                self.origin(),
                self.base_path.clone(),
                offered,
                options,
            )
        };
        let http1 = Http1::new(
            dialer.clone(),
            self.authority.clone(),
            self.base_path.clone(),
        );
        let over_http1 = http1.send(&Request::get("/").alone()).await;
        let over_http2 = match &over_http1 {
            Reply::Response(_) => None,
            _ if h2 => {
                let http2 = Http2::new(dialer.clone(), self.origin(), self.base_path.clone());
                Some(http2.send(&Request::get("/"), options.timeout).await)
            }
            _ => None,
        };
        if let Some(Ok(Reply::Response(_))) = over_http2 {
            return Ok(client(Offered::Http2Only));
        }
        let offered = if h2 {
            Offered::Both
        } else {
            Offered::Http1Only
        };
        match over_http1 {
            // R-3: plain HTTP sent to a TLS port (nginx: "The plain HTTP request was sent to
            // HTTPS port"), found before any key is sent.
            Reply::Response(r) if !self.tls && r.status == 400 && speaks_tls(&r.body) => {
                Err(unreachable(format!(
                    "this port speaks TLS: it answered plain HTTP with {} ({}); use https:// in --target (and drop --plaintext)",
                    r.status,
                    String::from_utf8_lossy(&r.body).chars().filter(|c| !c.is_control()).take(80).collect::<String>().trim()
                )))
            }
            Reply::Response(_) => Ok(client(offered)),
            other if !self.tls => Err(unreachable(format!(
                "connected, but no HTTP response to a plain-HTTP `GET /` ({}): if this port speaks TLS, use https:// in --target (and drop --plaintext)",
                other.describe()
            ))),
            other => Err(unreachable(format!(
                "connected, but no HTTP response to `GET /`: {}{}",
                other.describe(),
                match over_http2 {
                    Some(Ok(reply)) => format!("; over HTTP/2: {}", reply.describe()),
                    _ => String::new(),
                }
            ))),
        }
    }
}

/// True when a plain-HTTP answer says the port wanted TLS.
fn speaks_tls(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body).to_ascii_lowercase();
    text.contains("https port") || text.contains("tls") || text.contains("ssl")
}

/// what to do about a failed handshake, without naming a flag already given.
fn tls_hint(why: &str, trust: &Trust) -> &'static str {
    if why.contains("did not answer in TLS") {
        return "; if the deployment serves plain HTTP on this port, use http:// in --target with --plaintext (the key then travels unencrypted)";
    }
    if why.contains("another host name") {
        return "; use in --target a host name the certificate names";
    }
    if !why.contains("certificate") {
        return "";
    }
    match trust {
        Trust::System => "; if the deployment uses a private CA or a self-signed certificate, give that CA or certificate with --ca-cert PEM",
        Trust::Certificates(_) => "; the certificate given with --ca-cert is neither the server's certificate nor a CA that signed it: check that it is the right file",
        Trust::Anything => "",
    }
}
