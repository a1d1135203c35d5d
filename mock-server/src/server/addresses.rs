//! Where a running mock can be reached: its listeners' addresses and the base URLs to give an
//! SDK under test (a wildcard listen address is named as loopback).

use std::net::{IpAddr, SocketAddr};

use super::MockServer;
#[cfg(doc)]
use super::{MockConfig, TlsMode};

impl MockServer {
    /// The Public API listener's address (with the port the system chose).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mock = terminus_mock::MockServer::start(Default::default()).await?;
    /// assert!(mock.public_addr().ip().is_loopback());
    /// assert_ne!(mock.public_addr().port(), 0, "port 0 was replaced by the one chosen");
    /// tokio::net::TcpStream::connect(mock.public_addr()).await?;
    /// # Ok(()) }
    /// ```
    pub fn public_addr(&self) -> SocketAddr {
        self.public_addr
    }

    /// The admin plane's address: loopback unless [`MockConfig::allow_remote_admin`].
    pub fn admin_addr(&self) -> SocketAddr {
        self.admin_addr
    }

    /// `https://127.0.0.1:PORT` (or `http://` with [`TlsMode::Plaintext`]): the base URL to
    /// give the SDK under test.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mock = terminus_mock::MockServer::start(Default::default()).await?;
    /// let port = mock.public_addr().port();
    /// assert_eq!(mock.public_url(), format!("https://127.0.0.1:{port}"));
    /// # Ok(()) }
    /// ```
    pub fn public_url(&self) -> String {
        url(self.plaintext, self.public_addr)
    }

    /// The Public API's base URL over plain HTTP, on the same port as [`public_url`](Self::public_url)
    /// (`http://127.0.0.1:PORT`), when [`MockConfig::also_plain`] asked for it (and the mock has
    /// TLS).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use terminus_mock::{MockConfig, MockServer};
    ///
    /// let mock = MockServer::start(MockConfig { also_plain: true, ..MockConfig::default() }).await?;
    /// let port = mock.public_addr().port();
    /// assert_eq!(mock.public_plain_url(), Some(format!("http://127.0.0.1:{port}")));
    /// # Ok(()) }
    /// ```
    pub fn public_plain_url(&self) -> Option<String> {
        (self.also_plain && !self.plaintext).then(|| url(true, self.public_addr))
    }

    /// The admin plane's base URL (`POST /v1/keys`, `GET /v1/keys`, `DELETE /v1/keys/{id}`,
    /// `GET /healthz`), on a listener of its own.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mock = terminus_mock::MockServer::start(Default::default()).await?;
    /// assert!(mock.admin_url().starts_with("https://127.0.0.1:"));
    /// assert_ne!(mock.admin_url(), mock.public_url());
    /// # Ok(()) }
    /// ```
    pub fn admin_url(&self) -> String {
        url(self.plaintext, self.admin_addr)
    }

    /// The redirect origin's base URL over TLS (`https://127.0.0.1:PORT`), when
    /// [`MockConfig::redirect_listen`] started it: another origin than
    /// [`public_url`](Self::public_url), with the same certificate, that answers anything
    /// `200 {"redirected":true}` **without authentication** and journals it with
    /// `listener: "redirect"`. Point a redirect at it and assert the key did not follow.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use terminus_mock::{MockConfig, MockServer};
    ///
    /// let loopback = "127.0.0.1:0".parse()?;
    /// let config = MockConfig { redirect_listen: Some(loopback), ..MockConfig::default() };
    /// let mock = MockServer::start(config).await?;
    /// let url = mock.redirect_url().expect("started");
    /// assert!(url.starts_with("https://127.0.0.1:") && url != mock.public_url());
    /// assert_eq!(mock.redirect_plain_url(), None, "no plain one asked for");
    /// # Ok(()) }
    /// ```
    pub fn redirect_url(&self) -> Option<String> {
        self.redirect_addr.map(|addr| url(false, addr))
    }

    /// The redirect origin's base URL over plain HTTP (`http://127.0.0.1:PORT`), when
    /// [`MockConfig::redirect_plain_listen`] started it; see [`redirect_url`](Self::redirect_url).
    pub fn redirect_plain_url(&self) -> Option<String> {
        self.redirect_plain_addr.map(|addr| url(true, addr))
    }
}

fn url(plaintext: bool, addr: SocketAddr) -> String {
    let scheme = if plaintext { "http" } else { "https" };
    // A wildcard address (`--listen 0.0.0.0:…`) is nothing to connect to, nor a name in the
    // certificate: the URL names loopback, where the mock also listens.
    let addr = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::from(([127, 0, 0, 1], addr.port())),
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    };
    match addr.ip() {
        IpAddr::V6(ip) => format!("{scheme}://[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{scheme}://{ip}:{}", addr.port()),
    }
}

#[cfg(test)]
mod tests {
    use super::url;

    #[test]
    fn a_wildcard_address_is_printed_as_loopback() {
        assert_eq!(
            url(false, "0.0.0.0:8443".parse().unwrap()),
            "https://127.0.0.1:8443"
        );
        assert_eq!(url(true, "[::]:8080".parse().unwrap()), "http://[::1]:8080");
        assert_eq!(
            url(false, "192.0.2.7:443".parse().unwrap()),
            "https://192.0.2.7:443"
        );
        assert_eq!(
            url(false, "[::1]:443".parse().unwrap()),
            "https://[::1]:443"
        );
    }
}
