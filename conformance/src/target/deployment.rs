//! Where the deployment under test is and how to reach it: the `--target` URL, the trust
//! anchors, and the pre-flight that turns an unreachable target or a TLS failure into one
//! clear line (exit status 3) before any trial runs.

use std::time::Duration;

use rustls::pki_types::ServerName;

use crate::error::Error;
use crate::wire::connect::{Alpn, Dialer};
use crate::wire::tls::{TlsConfigs, Trust};
use crate::wire::{Client, ClientOptions, Reply, Request};

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
    /// `GET` of the base path over raw HTTP/1.1. Returns a client for the target and whether it
    /// offers HTTP/2; any failure is one [`Error::Unreachable`].
    pub async fn connect(&self, trust: &Trust, options: &ClientOptions) -> Result<Client, Error> {
        let unreachable = |reason: String| Error::Unreachable {
            target: self.url.clone(),
            reason,
        };
        let dialer = self.dialer(trust, options.timeout)?;
        let dialed = dialer.dial(Alpn::Either).await.map_err(|why| {
            let hint = if why.contains("certificate") {
                " (trust its CA with --ca-cert PEM, or --insecure)"
            } else {
                ""
            };
            unreachable(format!("{why}{hint}"))
        })?;
        let h2 = dialed.h2;
        drop(dialed);
        let client = Client::new(
            dialer,
            self.authority.clone(),
            self.origin(),
            self.base_path.clone(),
            h2,
            options,
        );
        match client.send_http1(&Request::get("/").alone()).await {
            Reply::Response(_) => Ok(client),
            other => Err(unreachable(format!(
                "connected, but no HTTP response to `GET /`: {}",
                other.describe()
            ))),
        }
    }
}
