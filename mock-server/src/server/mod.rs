//! Starting and stopping the mock: [`MockServer`], the handle a program (the runner's embedded
//! default, a test) holds while it runs, over the key store, the request journal and the
//! scripted faults its listeners share. `listeners.rs` binds the listeners (the Public API, the
//! admin plane, the redirect origin when asked) and starts the service on each; `addresses.rs`
//! says where they are; `config.rs` is what the mock starts with; `per_core.rs` runs the Public
//! API on one thread per core.

mod addresses;
mod config;
mod listeners;
mod per_core;

use std::net::SocketAddr;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::admin::AdminApi;
use crate::error::Error;
use crate::faults::Faults;
use crate::journal::{Journal, JournalEntry, Listener};
use crate::keys::{self, KeyStore};
use crate::listener::Transport;
use crate::public_api::PublicApi;

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
    also_plain: bool,
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
        let (acceptor, ca_pem) = listeners::tls_acceptor(&config.tls)?;

        let (admin_listener, admin_addr) =
            listeners::bind(config.admin_listen, "--admin-listen").await?;
        let redirects =
            listeners::bind_redirects(config.redirect_listen, config.redirect_plain_listen).await?;
        let redirect_addr = |tls: bool| redirects.iter().find(|r| r.tls == tls).map(|r| r.addr);
        let (redirect_addr, redirect_plain_addr) = (redirect_addr(true), redirect_addr(false));
        let journal = Journal::with_body_limit(
            config.journal_size,
            config.journal_file.as_deref(),
            config.journal_body_limit,
        )?;

        let (stop, stopped) = watch::channel(false);
        let faults = Faults::default();
        let recorder =
            |listener, tls| journal.recorder(listener, tls, store.clone(), config.scheme);
        let public = PublicApi::new(store.clone(), config.routes, config.scheme)
            .with_journal(recorder(Listener::Public, acceptor.is_some()))
            .with_faults(faults.clone());
        let transport = match &acceptor {
            Some(tls) if config.also_plain => Transport::TlsOrPlain(tls.clone()),
            other => Transport::from(other.clone()),
        };
        let (public_addr, public_task) = listeners::spawn_public(
            config.listen,
            config.threading,
            &config.limits,
            public,
            transport,
            stopped.clone(),
        )
        .await?;
        let mut tasks = vec![public_task];
        for redirect in redirects {
            let recorder = recorder(Listener::Redirect, redirect.tls);
            tasks.push(listeners::spawn_redirect(
                redirect,
                recorder,
                &config.limits,
                acceptor.clone(),
                stopped.clone(),
            ));
        }
        let admin = AdminApi::new(store.clone(), &admin_token)
            .with_journal(journal.clone())
            .with_faults(faults.clone());
        tasks.push(listeners::spawn_admin(
            admin_listener,
            admin,
            config.limits,
            acceptor.clone(),
            stopped,
        ));
        Ok(Self {
            public_addr,
            admin_addr,
            admin_token,
            ca_pem,
            plaintext: acceptor.is_none(),
            also_plain: config.also_plain,
            redirect_addr,
            redirect_plain_addr,
            store,
            journal,
            faults,
            stop,
            tasks,
        })
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

    /// Stops accepting, lets requests in flight finish (up to
    /// [`Limits::shutdown_grace`](crate::Limits::shutdown_grace)), and
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
