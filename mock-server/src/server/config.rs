//! What the mock starts with: [`MockConfig`] (addresses, admin token, TLS, keys, routes, the
//! scheme reading of HDR-5, limits, `--state`, threading), and the checks of options that do
//! not go together.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use crate::auth::SchemeReading;
use crate::error::ConfigError;
use crate::keys::{keys_file, random_base62, KeyRecord};
use crate::listener::Limits;
use crate::routes::RouteTable;

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
    /// A CA kept in this directory (`--ca-dir`), made on the first start and reused after; a
    /// fresh leaf each start (see [`crate::tls::with_ca_dir`]).
    CaDir(PathBuf),
    /// No TLS at all (`--plaintext`): for debugging only.
    Plaintext,
}

/// How the Public API listener uses the machine's cores.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use terminus_mock::{MockConfig, MockServer, Threading};
///
/// // Two threads, two listeners on one port, as the binary runs (`--threads 2`).
/// let config = MockConfig { threading: Threading::PerCore(2), ..MockConfig::default() };
/// let mock = MockServer::start(config).await?;
/// tokio::net::TcpStream::connect(mock.public_addr()).await?;
/// mock.shutdown().await; // returns once both threads have stopped
/// # Ok(()) }
/// ```
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
/// routes, the strict scheme reading. Change what a test needs with struct update syntax:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use terminus_mock::{MockConfig, MockServer, SchemeReading, TlsMode};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let config = MockConfig {
///     scheme: SchemeReading::Lenient, // HDR-5's RFC reading: `bearer`, several spaces
///     keys: Vec::new(),               // none of the test-only keys: only those minted
///     tls: TlsMode::Plaintext,        // plain HTTP, for debugging only
///     ..MockConfig::default()
/// };
/// let mock = MockServer::start(config).await?;
/// assert!(mock.public_url().starts_with("http://127.0.0.1:"));
/// assert!(mock.key_store().list().is_empty());
///
/// let key = mock.key_store().mint("ci")?.key;
/// let mut conn = tokio::net::TcpStream::connect(mock.public_addr()).await?;
/// let request = format!(
///     "GET /v1/account HTTP/1.1\r\nHost: localhost\r\nAuthorization: bearer   {key}\r\n\
///      Connection: close\r\n\r\n"
/// );
/// conn.write_all(request.as_bytes()).await?;
/// let mut response = String::new();
/// conn.read_to_string(&mut response).await?;
/// assert!(response.starts_with("HTTP/1.1 200 "), "lenient: {response}");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The Public API listener's address.
    pub listen: SocketAddr,
    /// The admin plane listener's address.
    pub admin_listen: SocketAddr,
    /// The admin token; `None` makes a random one (see
    /// [`MockServer::admin_token`](crate::MockServer::admin_token)).
    pub admin_token: Option<String>,
    /// Lets the admin plane listen on a non-loopback address (its token must then have at
    /// least 32 characters; see [`ConfigError`](crate::ConfigError)).
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
    /// Keep the key store in this file across restarts (`--state`): digests only, every
    /// change written before it is acknowledged.
    pub state: Option<PathBuf>,
    /// Where the Public API listener runs.
    pub threading: Threading,
    /// How many requests the journal keeps, the oldest dropped first (`--journal-size`,
    /// default 1000); 0 keeps none (they still go to [`journal_file`](Self::journal_file)).
    pub journal_size: usize,
    /// Also append every journal entry to this file as one JSON line (`--journal`).
    pub journal_file: Option<PathBuf>,
    /// How many bytes of each request body the journal keeps (default 64 KiB); the body's
    /// whole size is recorded too.
    pub journal_body_limit: usize,
    /// Start the redirect origin over TLS on this address (`--redirect-listen`): a second
    /// origin that answers anything 200 without authentication and journals it, for tests
    /// that follow a redirect. Port 0 lets the system choose.
    pub redirect_listen: Option<SocketAddr>,
    /// The same over plain HTTP (`--redirect-plain-listen`).
    pub redirect_plain_listen: Option<SocketAddr>,
    /// The Public API port also answers plain HTTP (`--also-plain`), told from TLS by the
    /// first byte a client sends (`0x16` opens a TLS handshake): `http://HOST:PORT` and
    /// `https://HOST:PORT` on one port, for the redirect from one to the other (CLI-4). The
    /// journal's `tls` says which each request came over. No effect without TLS.
    pub also_plain: bool,
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
            journal_size: 1000,
            journal_file: None,
            journal_body_limit: crate::journal::DEFAULT_BODY_LIMIT,
            redirect_listen: None,
            redirect_plain_listen: None,
            also_plain: false,
        }
    }
}

impl MockConfig {
    /// The admin token to use: the one given, or a fresh random one; refused when the admin
    /// plane would listen beyond loopback without `allow_remote_admin` and a long token.
    pub(crate) fn checked_admin_token(&self) -> Result<String, ConfigError> {
        let token = match &self.admin_token {
            Some(token) if token.trim().is_empty() => return Err(ConfigError::EmptyAdminToken),
            Some(token) => token.clone(),
            None => random_base62(40),
        };
        if !self.admin_listen.ip().is_loopback() {
            if !self.allow_remote_admin {
                return Err(ConfigError::RemoteAdminNotAllowed {
                    addr: self.admin_listen,
                });
            }
            if token.chars().count() < REMOTE_ADMIN_TOKEN_MIN {
                return Err(ConfigError::RemoteAdminTokenTooShort {
                    min: REMOTE_ADMIN_TOKEN_MIN,
                });
            }
        }
        Ok(token)
    }

    /// The redirect origin over TLS needs a certificate: refused with plain HTTP.
    pub(crate) fn check_redirect(&self) -> Result<(), ConfigError> {
        if self.redirect_listen.is_some() && matches!(self.tls, TlsMode::Plaintext) {
            return Err(ConfigError::RedirectNeedsTls);
        }
        Ok(())
    }
}
