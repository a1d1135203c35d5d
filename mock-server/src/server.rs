//! Starting and stopping the mock: both listeners, the key store, TLS, and the handle a
//! program (the runner's embedded default, a test) holds while it runs.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::admin::AdminApi;
use crate::auth::SchemeReading;
use crate::error::{ConfigError, Error};
use crate::key_store::{random_base62, KeyRecord, KeyStore};
use crate::listener::{discard_unread_body, serve, Limits};
use crate::public_api::PublicApi;
use crate::routes::RouteTable;
use crate::{keys_file, state_file, tls};

/// The shortest admin token accepted when the admin plane listens beyond loopback.
const REMOTE_ADMIN_TOKEN_MIN: usize = 32;

/// Where the TLS identity comes from.
#[derive(Debug, Clone, Default)]
pub enum TlsMode {
    /// A fresh CA and leaf for `localhost`, `127.0.0.1`, `::1`, made at start.
    #[default]
    Generate,
    /// A PEM certificate chain and private key.
    Files {
        /// `--tls-cert`
        cert: PathBuf,
        /// `--tls-key`
        key: PathBuf,
    },
    /// No TLS at all (`--plaintext`): for debugging only.
    Plaintext,
}

/// How the Public API listener uses the machine's cores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Threading {
    /// On the caller's tokio runtime (a library user's; the runner's embedded default).
    #[default]
    CallerRuntime,
    /// This many threads, each with its own single-threaded runtime and its own
    /// `SO_REUSEPORT` listener on the same address (nginx's model): a connection never changes
    /// thread, so nothing on the request path wakes another thread. The binary's default.
    PerCore(usize),
}

/// Everything the mock needs to start. [`MockConfig::default`] is what the runner's embedded
/// default uses: loopback, ports chosen by the system, a fresh CA, the bundled test keys and
/// routes, the strict scheme reading.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The Public API listener's address.
    pub listen: SocketAddr,
    /// The admin plane listener's address.
    pub admin_listen: SocketAddr,
    /// The admin token; `None` makes a random one (see [`MockServer::admin_token`]).
    pub admin_token: Option<String>,
    /// Lets the admin plane listen on a non-loopback address (its token must then have at
    /// least 32 characters).
    pub allow_remote_admin: bool,
    /// TLS identity.
    pub tls: TlsMode,
    /// Keys the store starts with.
    pub keys: Vec<KeyRecord>,
    /// The endpoints served after authentication.
    pub routes: RouteTable,
    /// HDR-5: strict (default) or lenient.
    pub scheme: SchemeReading,
    /// Bounds on clients.
    pub limits: Limits,
    /// Keep the key store in this file across restarts (see [`crate::state_file`]).
    pub state: Option<PathBuf>,
    /// Where the Public API listener runs.
    pub threading: Threading,
}

impl Default for MockConfig {
    fn default() -> Self {
        let loopback = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0);
        Self {
            listen: loopback,
            admin_listen: loopback,
            admin_token: None,
            allow_remote_admin: false,
            tls: TlsMode::Generate,
            keys: keys_file::builtin(),
            routes: RouteTable::builtin(),
            scheme: SchemeReading::Strict,
            limits: Limits::default(),
            state: None,
            threading: Threading::CallerRuntime,
        }
    }
}

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
        let admin_token = match config.admin_token {
            Some(token) if token.trim().is_empty() => {
                return Err(ConfigError::EmptyAdminToken.into())
            }
            Some(token) => token,
            None => random_base62(40),
        };
        if !config.admin_listen.ip().is_loopback() {
            if !config.allow_remote_admin {
                return Err(ConfigError::RemoteAdminNotAllowed {
                    addr: config.admin_listen,
                }
                .into());
            }
            if admin_token.chars().count() < REMOTE_ADMIN_TOKEN_MIN {
                return Err(ConfigError::RemoteAdminTokenTooShort {
                    min: REMOTE_ADMIN_TOKEN_MIN,
                }
                .into());
            }
        }
        if let Some(path) = &config.state {
            // The saved state first; seed keys it does not hold yet are added to it.
            for record in state_file::load(path)?.unwrap_or_default() {
                store.insert(record).map_err(Error::SeedKeys)?;
            }
            let known = store.list();
            for record in config.keys {
                if !known
                    .iter()
                    .any(|k| k.id == record.id || k.digest == record.digest)
                {
                    store.insert(record).map_err(Error::SeedKeys)?;
                }
            }
            state_file::save(path, &store.list()).map_err(|source| Error::WriteFile {
                what: "state file (--state)",
                path: path.clone(),
                source,
            })?;
            store.set_change_hook(state_file::hook(path.clone()));
        } else {
            for record in config.keys {
                store.insert(record).map_err(Error::SeedKeys)?;
            }
        }

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
                let listeners = bind_reuseport(config.listen, threads).map_err(bind_error)?;
                let addr = listeners[0].local_addr().map_err(bind_error)?;
                let limits = Limits {
                    max_connections: (config.limits.max_connections / threads).max(1),
                    ..config.limits.clone()
                };
                let task = spawn_per_core(
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

/// `threads` listening sockets on one address, sharing it through `SO_REUSEPORT`. A plain
/// socket is bound first, without the option, so an address some other process holds (even
/// with `SO_REUSEPORT`) is refused as usual instead of being shared silently; port 0 becomes
/// the port the system chose for it.
fn bind_reuseport(addr: SocketAddr, threads: usize) -> std::io::Result<Vec<std::net::TcpListener>> {
    use socket2::{Domain, Protocol, Socket, Type};
    let addr = std::net::TcpListener::bind(addr)?.local_addr()?;
    (0..threads)
        .map(|_| {
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
            socket.set_reuse_address(true)?;
            socket.set_reuse_port(true)?;
            socket.set_nonblocking(true)?;
            socket.bind(&addr.into())?;
            socket.listen(1024)?;
            Ok(socket.into())
        })
        .collect()
}

/// Serves each listener on a thread of its own, with a single-threaded runtime; the returned
/// task ends when every thread has finished (after a graceful shutdown).
fn spawn_per_core<H, F>(
    listeners: Vec<std::net::TcpListener>,
    acceptor: Option<TlsAcceptor>,
    handler: H,
    limits: Limits,
    stopped: watch::Receiver<bool>,
) -> std::io::Result<JoinHandle<()>>
where
    H: Fn(http::Request<hyper::body::Incoming>) -> F + Clone + Send + Sync + 'static,
    F: std::future::Future<Output = http::Response<crate::envelope::Body>> + Send + 'static,
{
    let mut threads = Vec::with_capacity(listeners.len());
    for (i, listener) in listeners.into_iter().enumerate() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (acceptor, handler, limits, stopped) = (
            acceptor.clone(),
            handler.clone(),
            limits.clone(),
            stopped.clone(),
        );
        threads.push(
            std::thread::Builder::new()
                .name(format!("terminus-public-{i}"))
                .spawn(move || {
                    runtime.block_on(async move {
                        match TcpListener::from_std(listener) {
                            Ok(listener) => serve(listener, acceptor, handler, limits, stopped).await,
                            Err(e) => tracing::error!(target: "terminus_mock::listener", "cannot use a listener: {e}"),
                        }
                    })
                })?,
        );
    }
    Ok(tokio::task::spawn_blocking(move || {
        for thread in threads {
            let _ = thread.join();
        }
    }))
}

fn url(plaintext: bool, addr: SocketAddr) -> String {
    let scheme = if plaintext { "http" } else { "https" };
    match addr.ip() {
        IpAddr::V6(ip) => format!("{scheme}://[{ip}]:{}", addr.port()),
        IpAddr::V4(ip) => format!("{scheme}://{ip}:{}", addr.port()),
    }
}
