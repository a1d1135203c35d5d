//! Starting and stopping the mock: its listeners (the Public API, the admin plane, the redirect
//! origin when asked), the key store, the request journal, TLS, and the handle a
//! program (the runner's embedded default, a test) holds while it runs.

mod config;
mod per_core;

use std::net::{IpAddr, SocketAddr};

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::admin::AdminApi;
use crate::error::Error;
use crate::faults::Faults;
use crate::journal::{Journal, JournalEntry, Listener};
use crate::keys::{self, KeyStore};
use crate::listener::{discard_unread_body, serve, Limits};
use crate::public_api::PublicApi;
use crate::redirect::RedirectOrigin;
use crate::tls;

pub use config::{MockConfig, Threading, TlsMode};

/// A running mock: the Public API listener, the admin plane and the key store they share.
/// Dropping it stops the listeners at once; [`MockServer::shutdown`] stops them gracefully.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use terminus_mock::{MockConfig, MockServer, Verification};
///
/// let mock = MockServer::start(MockConfig::default()).await?;
/// let minted = mock.key_store().mint("sdk-tests")?;
/// // The SDK under test gets `mock.public_url()`, `mock.ca_pem()` and `minted.key`.
/// mock.key_store().revoke(&minted.record.id)?;
/// // From the next request on, the key fails like one never issued (KEY-4).
/// assert!(matches!(
///     mock.key_store().verify(minted.key.as_bytes()),
///     Verification::Revoked(_)
/// ));
/// mock.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct MockServer {
    public_addr: SocketAddr,
    admin_addr: SocketAddr,
    admin_token: String,
    ca_pem: Option<String>,
    plaintext: bool,
    redirect_addr: Option<SocketAddr>,
    redirect_plain_addr: Option<SocketAddr>,
    store: KeyStore,
    journal: Journal,
    faults: Faults,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl MockServer {
    /// Binds every listener and starts serving on the current tokio runtime. When this
    /// returns, they all accept connections: no wait, no retry loop.
    ///
    /// A request over HTTPS, trusting the CA the mock made, with no key and then with one:
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::sync::Arc;
    /// use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
    /// use terminus_mock::{MockConfig, MockServer};
    /// use tokio::io::{AsyncReadExt, AsyncWriteExt};
    ///
    /// let mock = MockServer::start(MockConfig::default()).await?;
    /// let key = mock.key_store().mint("sdk-tests")?.key;
    ///
    /// let mut roots = rustls::RootCertStore::empty();
    /// for cert in CertificateDer::pem_slice_iter(mock.ca_pem().unwrap().as_bytes()) {
    ///     roots.add(cert?)?;
    /// }
    /// let provider = Arc::new(rustls::crypto::ring::default_provider());
    /// let tls = rustls::ClientConfig::builder_with_provider(provider)
    ///     .with_safe_default_protocol_versions()?
    ///     .with_root_certificates(roots)
    ///     .with_no_client_auth();
    /// let connector = tokio_rustls::TlsConnector::from(Arc::new(tls));
    ///
    /// for (authorization, status) in [("", "401"), (&format!("Bearer {key}")[..], "200")] {
    ///     let tcp = tokio::net::TcpStream::connect(mock.public_addr()).await?;
    ///     let mut conn = connector.connect(ServerName::try_from("localhost")?, tcp).await?;
    ///     let request = format!(
    ///         "GET /v1/account HTTP/1.1\r\nHost: localhost\r\nAuthorization: {authorization}\r\n\
    ///          Connection: close\r\n\r\n"
    ///     );
    ///     conn.write_all(request.as_bytes()).await?;
    ///     let mut response = Vec::new();
    ///     conn.read_to_end(&mut response).await?;
    ///     let response = String::from_utf8(response)?;
    ///     assert!(response.starts_with(&format!("HTTP/1.1 {status} ")), "{response}");
    /// }
    /// mock.shutdown().await;
    /// # Ok(()) }
    /// ```
    pub async fn start(config: MockConfig) -> Result<Self, Error> {
        Self::start_with_store(config, KeyStore::new()).await
    }

    /// Like [`start`](Self::start), over a store the caller prepared (keys added beforehand, a
    /// change hook); [`MockConfig::keys`] are added to it. The caller keeps a clone: clones of
    /// a [`KeyStore`] share their keys.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use terminus_mock::{KeyStore, MockConfig, MockServer};
    ///
    /// let store = KeyStore::new();
    /// let early = store.mint("minted before start")?;
    /// let config = MockConfig { keys: Vec::new(), ..MockConfig::default() };
    /// let mock = MockServer::start_with_store(config, store.clone()).await?;
    /// assert_eq!(mock.key_store().list(), vec![early.record]);
    /// store.mint("minted after start")?;
    /// assert_eq!(mock.key_store().list().len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn start_with_store(config: MockConfig, mut store: KeyStore) -> Result<Self, Error> {
        let admin_token = config.checked_admin_token()?;
        config.check_redirect()?;
        keys::fill(&mut store, config.keys, config.state.as_deref())?;

        let (acceptor, ca_pem) = match &config.tls {
            TlsMode::Plaintext => (None, None),
            mode => {
                let identity = match mode {
                    TlsMode::Files { cert, key } => tls::load(cert, key)?,
                    TlsMode::CaDir(dir) => tls::with_ca_dir(dir)?,
                    _ => tls::generate()?,
                };
                let server_config = tls::server_config(&identity)?;
                (Some(TlsAcceptor::from(server_config)), identity.ca_pem)
            }
        };

        let bind = |addr: SocketAddr, flag: &'static str| async move {
            TcpListener::bind(addr)
                .await
                .map_err(|source| Error::Bind { addr, flag, source })
        };
        let admin_listener = bind(config.admin_listen, "--admin-listen").await?;
        let admin_addr = admin_listener.local_addr().map_err(|source| Error::Bind {
            addr: config.admin_listen,
            flag: "--admin-listen",
            source,
        })?;

        // The second origin for redirect tests: TLS (same certificate) and/or plain.
        let mut redirects = Vec::new();
        for (addr, tls, flag) in [
            (config.redirect_listen, true, "--redirect-listen"),
            (
                config.redirect_plain_listen,
                false,
                "--redirect-plain-listen",
            ),
        ] {
            if let Some(addr) = addr {
                let listener = bind(addr, flag).await?;
                let local =
                    listener
                        .local_addr()
                        .map_err(|source| Error::Bind { addr, flag, source })?;
                redirects.push((listener, local, tls));
            }
        }
        let redirect_addr = |tls: bool| redirects.iter().find(|r| r.2 == tls).map(|r| r.1);
        let (redirect_addr, redirect_plain_addr) = (redirect_addr(true), redirect_addr(false));
        let journal = Journal::with_body_limit(
            config.journal_size,
            config.journal_file.as_deref(),
            config.journal_body_limit,
        )?;

        let (stop, stopped) = watch::channel(false);
        let public = PublicApi::new(store.clone(), config.routes, config.scheme).with_journal(
            journal.recorder(
                Listener::Public,
                acceptor.is_some(),
                store.clone(),
                config.scheme,
            ),
        );
        let faults = Faults::default();
        let public = public.with_faults(faults.clone());
        let admin = AdminApi::new(store.clone(), &admin_token)
            .with_journal(journal.clone())
            .with_faults(faults.clone());
        let handler = move |request: http::Request<hyper::body::Incoming>| {
            let reply = public.handle(&request);
            let capture = public.body_capture(&reply);
            discard_unread_body(request, capture);
            reply
        };
        let bind_error = |source| Error::Bind {
            addr: config.listen,
            flag: "--listen",
            source,
        };
        let (public_addr, public_task) = match config.threading {
            Threading::PerCore(threads) if threads > 1 => {
                let listeners =
                    per_core::bind_reuseport(config.listen, threads).map_err(bind_error)?;
                let addr = listeners[0].local_addr().map_err(bind_error)?;
                let limits = Limits {
                    max_connections: (config.limits.max_connections / threads).max(1),
                    ..config.limits.clone()
                };
                let task = per_core::spawn_per_core(
                    listeners,
                    acceptor.clone(),
                    handler,
                    limits,
                    stopped.clone(),
                )
                .map_err(bind_error)?;
                (addr, task)
            }
            _ => {
                let listener = bind(config.listen, "--listen").await?;
                let addr = listener.local_addr().map_err(bind_error)?;
                let task = tokio::spawn(serve(
                    listener,
                    acceptor.clone(),
                    handler,
                    config.limits.clone(),
                    stopped.clone(),
                ));
                (addr, task)
            }
        };
        let mut tasks = vec![public_task];
        for (listener, _, tls) in redirects {
            let recorder = journal.recorder(Listener::Redirect, tls, store.clone(), config.scheme);
            let origin = RedirectOrigin::new(recorder);
            let handler = move |request: http::Request<hyper::body::Incoming>| {
                let (response, capture) = origin.handle(&request);
                discard_unread_body(request, capture);
                std::future::ready(Ok(response))
            };
            let acceptor = if tls { acceptor.clone() } else { None };
            tasks.push(tokio::spawn(serve(
                listener,
                acceptor,
                handler,
                config.limits.clone(),
                stopped.clone(),
            )));
        }
        tasks.push(tokio::spawn(serve(
            admin_listener,
            acceptor.clone(),
            move |request| {
                let admin = admin.clone();
                async move { Ok(admin.handle(request).await) }
            },
            config.limits,
            stopped,
        )));
        Ok(Self {
            public_addr,
            admin_addr,
            admin_token,
            ca_pem,
            plaintext: acceptor.is_none(),
            redirect_addr,
            redirect_plain_addr,
            store,
            journal,
            faults,
            stop,
            tasks,
        })
    }

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

    /// PEM of the CA clients must trust, when the mock generated its certificate
    /// ([`TlsMode::Generate`]); `None` with certificate files or plain HTTP. Write it to a file
    /// for `curl --cacert`, `SSL_CERT_FILE` or `NODE_EXTRA_CA_CERTS`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use rustls::pki_types::{pem::PemObject, CertificateDer};
    /// use terminus_mock::{MockConfig, MockServer, TlsMode};
    ///
    /// let mock = MockServer::start(MockConfig::default()).await?;
    /// let pem = mock.ca_pem().expect("the mock made its CA");
    /// let certs = CertificateDer::pem_slice_iter(pem.as_bytes()).collect::<Result<Vec<_>, _>>()?;
    /// assert_eq!(certs.len(), 1, "one CA certificate");
    ///
    /// let plain = MockConfig { tls: TlsMode::Plaintext, ..MockConfig::default() };
    /// assert!(MockServer::start(plain).await?.ca_pem().is_none());
    /// # Ok(()) }
    /// ```
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The admin token (`Authorization: Bearer <token>` on the admin plane): the one given in
    /// [`MockConfig::admin_token`], or a random one of 40 characters.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use terminus_mock::{MockConfig, MockServer};
    ///
    /// let made = MockServer::start(MockConfig::default()).await?;
    /// assert_eq!(made.admin_token().len(), 40);
    /// let given = MockConfig {
    ///     admin_token: Some("ci-admin-secret".into()),
    ///     ..MockConfig::default()
    /// };
    /// assert_eq!(MockServer::start(given).await?.admin_token(), "ci-admin-secret");
    /// # Ok(()) }
    /// ```
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// The live key store, shared with both listeners: a key minted or revoked here is seen
    /// by the very next request, as through the admin plane.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use terminus_mock::{KeyStatus, MockConfig, MockServer};
    ///
    /// let mock = MockServer::start(MockConfig::default()).await?;
    /// // The test-only keys of contract/fixtures/keys.json:
    /// let seeded = mock.key_store().list().len();
    /// let minted = mock.key_store().mint("ci")?;
    /// assert_eq!(mock.key_store().list().len(), seeded + 1);
    /// assert_eq!(mock.key_store().get(&minted.record.id).unwrap().status, KeyStatus::Active);
    /// # Ok(()) }
    /// ```
    pub fn key_store(&self) -> &KeyStore {
        &self.store
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

    /// The scripted faults of the Public API (the library's side of `POST /v1/faults`): see
    /// [`crate::faults`].
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Every request the Public API and redirect listeners saw, oldest first (the last
    /// [`MockConfig::journal_size`]), each credential in it replaced by what it was. The
    /// example of [`JournalEntry`] sends one and asserts it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mock = terminus_mock::MockServer::start(Default::default()).await?;
    /// assert!(mock.received_requests().is_empty(), "nothing sent yet");
    /// # Ok(()) }
    /// ```
    pub fn received_requests(&self) -> Vec<JournalEntry> {
        self.journal.entries()
    }

    /// How many of the journaled requests `matches` accepts: the library's
    /// `GET /v1/requests/count`, for "exactly one request matched".
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mock = terminus_mock::MockServer::start(Default::default()).await?;
    /// // After the SDK under test created one project:
    /// let created = mock.count_requests(|e| e.method == "POST" && e.path == "/v1/projects");
    /// assert_eq!(created, 0, "nothing sent yet");
    /// # Ok(()) }
    /// ```
    pub fn count_requests(&self, matches: impl Fn(&JournalEntry) -> bool) -> usize {
        self.journal.entries().iter().filter(|e| matches(e)).count()
    }

    /// The journaled requests no route or fault had an answer for (authenticated, answered
    /// 404 or 405; [`JournalEntry::matched`] false), oldest first: the library's
    /// `GET /v1/requests/unmatched`, WireMock's unmatched requests.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mock = terminus_mock::MockServer::start(Default::default()).await?;
    /// assert!(mock.unmatched_requests().is_empty(), "the SDK called no unknown endpoint");
    /// # Ok(()) }
    /// ```
    pub fn unmatched_requests(&self) -> Vec<JournalEntry> {
        let mut entries = self.journal.entries();
        entries.retain(|e| !e.matched);
        entries
    }

    /// Forgets the journal's entries and resets [`dropped_requests`](Self::dropped_requests)
    /// (as `DELETE /v1/requests` does); sequence numbers go on from where they were.
    pub fn clear_requests(&self) {
        self.journal.clear();
    }

    /// How many entries the journal dropped, oldest first, because it was full, since it was
    /// started or last cleared.
    pub fn dropped_requests(&self) -> u64 {
        self.journal.dropped()
    }

    /// Stops accepting, lets requests in flight finish (up to [`Limits::shutdown_grace`]), and
    /// returns once every listener is closed and the `--journal` file
    /// ([`MockConfig::journal_file`]) is written.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mock = terminus_mock::MockServer::start(Default::default()).await?;
    /// let addr = mock.public_addr();
    /// mock.shutdown().await;
    /// assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "nothing listens any more");
    /// # Ok(()) }
    /// ```
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
        self.journal.close().await;
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
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
