//! Starting and stopping the mock: both listeners, the key store, TLS, and the handle a
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
use crate::keys::{self, KeyStore};
use crate::listener::{discard_unread_body, serve, Limits};
use crate::public_api::PublicApi;
use crate::tls;

pub use config::{MockConfig, Threading, TlsMode};

/// A running mock. Dropping it stops the listeners at once; [`MockServer::shutdown`] stops
/// them gracefully.
#[derive(Debug)]
pub struct MockServer {
    public_addr: SocketAddr,
    admin_addr: SocketAddr,
    admin_token: String,
    ca_pem: Option<String>,
    plaintext: bool,
    store: KeyStore,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl MockServer {
    /// Binds both listeners and starts serving on the current tokio runtime. When this
    /// returns, both listeners accept connections.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), terminus_mock::Error> {
    /// let mock = terminus_mock::MockServer::start(Default::default()).await?;
    /// println!("{} (trust {:?})", mock.public_url(), mock.ca_pem());
    /// let minted = mock.key_store().mint("sdk-tests").expect("minted");
    /// # drop(minted);
    /// mock.shutdown().await;
    /// # Ok(()) }
    /// ```
    pub async fn start(config: MockConfig) -> Result<Self, Error> {
        Self::start_with_store(config, KeyStore::new()).await
    }

    /// Like [`start`](Self::start), over a store the caller prepared (a change hook for
    /// persistence, keys loaded from state).
    pub async fn start_with_store(config: MockConfig, mut store: KeyStore) -> Result<Self, Error> {
        let admin_token = config.checked_admin_token()?;
        keys::fill(&mut store, config.keys, config.state.as_deref())?;

        let (acceptor, ca_pem) = match &config.tls {
            TlsMode::Plaintext => (None, None),
            mode => {
                let identity = match mode {
                    TlsMode::Files { cert, key } => tls::load(cert, key)?,
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

        let (stop, stopped) = watch::channel(false);
        let public = PublicApi::new(store.clone(), config.routes, config.scheme);
        let admin = AdminApi::new(store.clone(), &admin_token);
        let handler = move |request: http::Request<hyper::body::Incoming>| {
            let response = public.handle(&request);
            discard_unread_body(request);
            std::future::ready(response)
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
        let admin_task = tokio::spawn(serve(
            admin_listener,
            acceptor.clone(),
            move |request| {
                let admin = admin.clone();
                async move { admin.handle(request).await }
            },
            config.limits,
            stopped,
        ));
        Ok(Self {
            public_addr,
            admin_addr,
            admin_token,
            ca_pem,
            plaintext: acceptor.is_none(),
            store,
            stop,
            tasks: vec![public_task, admin_task],
        })
    }

    /// The Public API listener's address (with the port the system chose).
    pub fn public_addr(&self) -> SocketAddr {
        self.public_addr
    }

    /// The admin plane's address.
    pub fn admin_addr(&self) -> SocketAddr {
        self.admin_addr
    }

    /// `https://127.0.0.1:PORT` (or `http://` with [`TlsMode::Plaintext`]).
    pub fn public_url(&self) -> String {
        url(self.plaintext, self.public_addr)
    }

    /// The admin plane's base URL.
    pub fn admin_url(&self) -> String {
        url(self.plaintext, self.admin_addr)
    }

    /// PEM of the CA clients must trust, when the mock generated its certificate.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The admin token (`Authorization: Bearer <token>` on the admin plane).
    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// The live key store: minting or revoking here is seen by the next request.
    pub fn key_store(&self) -> &KeyStore {
        &self.store
    }

    /// Stops accepting, lets requests in flight finish (up to the grace period), and returns.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in self.tasks.drain(..) {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn url(plaintext: bool, addr: SocketAddr) -> String {
    let scheme = if plaintext { "http" } else { "https" };
    match addr.ip() {
        IpAddr::V6(ip) => format!("{scheme}://[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{scheme}://{ip}:{}", addr.port()),
    }
}
