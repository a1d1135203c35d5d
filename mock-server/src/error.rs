//! The errors of the mock, typed so a program can match on them. Each keeps its cause as its
//! `source` and says what to do next.
//!
//! [`Error`] is what starting the mock fails with; [`TlsError`] and [`ConfigError`] are its
//! groups for certificates and for options that do not go together. [`KeyStoreError`] is what a
//! change to the key store (mint, revoke, insert) fails with.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the mock could not start or load its configuration.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use terminus_mock::{ConfigError, Error, MockConfig, MockServer};
///
/// // The admin plane mints keys: it stays on loopback unless the caller says otherwise.
/// let config = MockConfig {
///     admin_listen: "0.0.0.0:0".parse().unwrap(),
///     ..MockConfig::default()
/// };
/// let err = MockServer::start(config).await.unwrap_err();
/// assert!(matches!(
///     err,
///     Error::Config(ConfigError::RemoteAdminNotAllowed { .. })
/// ));
/// assert!(err.to_string().contains("--allow-remote-admin"));
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A listener could not bind its address.
    #[error("cannot listen on {addr} ({flag}): {source}; pick another address or port (port 0 lets the system choose)")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The flag that set it.
        flag: &'static str,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file named on the command line could not be read.
    #[error("cannot read the {what} {path}: {source}")]
    ReadFile {
        /// What the file is for, with its flag.
        what: &'static str,
        /// Its path.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write the {what} {path}: {source}")]
    WriteFile {
        /// What the file is for, with its flag.
        what: &'static str,
        /// Its path.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A keys, routes or state file was read but is not valid. (The parser's own message is
    /// not kept as a source: it may quote the offending value, which may be a key.)
    #[error("the {what} {origin} is not valid: {reason}")]
    InvalidFile {
        /// Which kind of file.
        what: &'static str,
        /// Its path, or which built-in fixture.
        origin: String,
        /// What is wrong, and where.
        reason: String,
    },
    /// The keys to start with (keys file, `--state`) cannot all go in the store: two share an
    /// id or a secret.
    #[error("the keys to start with (keys file, --state) cannot all be loaded: {0}; give every key its own id and its own secret")]
    SeedKeys(#[source] KeyStoreError),
    /// A key asked for at start-up (`--mint NAME`) could not be minted.
    #[error("cannot mint the key {name:?} at start-up: {source}")]
    Mint {
        /// The name asked for.
        name: String,
        /// Why the store refused.
        source: KeyStoreError,
    },
    /// The TLS certificate or key could not be made, read or used.
    #[error("TLS: {0}")]
    Tls(#[from] TlsError),
    /// Options that do not go together.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl Error {
    /// A maker of [`Error::InvalidFile`] for one file: `what` kind of file, `origin` its path or
    /// name. Each reader of a file format calls it once and passes it every reason.
    pub(crate) fn invalid_file<'a>(
        what: &'static str,
        origin: &'a str,
    ) -> impl Fn(String) -> Error + 'a {
        move |reason| Error::InvalidFile {
            what,
            origin: origin.to_owned(),
            reason,
        }
    }
}

/// Why the TLS identity could not be made, read or used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// rcgen could not make the local CA or the leaf certificate.
    #[error("cannot generate the {what}: {source}; give a certificate with --tls-cert and --tls-key instead")]
    Generate {
        /// Which part: the CA's key pair, the CA certificate, the leaf's names…
        what: &'static str,
        /// rcgen's reason.
        source: rcgen::Error,
    },
    /// `--tls-cert` is not PEM.
    #[error("--tls-cert {path}: not a PEM certificate chain: {source}")]
    CertificatePem {
        /// The file given.
        path: PathBuf,
        /// The PEM reader's reason.
        source: rustls::pki_types::pem::Error,
    },
    /// `--tls-cert` holds no certificate.
    #[error("--tls-cert {path}: no CERTIFICATE block found; give a PEM file with the leaf first")]
    NoCertificate {
        /// The file given.
        path: PathBuf,
    },
    /// `--tls-key` holds no private key that can be read.
    #[error("--tls-key {path}: no PEM private key (PKCS#8, PKCS#1 or SEC1) found: {source}")]
    PrivateKeyPem {
        /// The file given.
        path: PathBuf,
        /// The PEM reader's reason.
        source: rustls::pki_types::pem::Error,
    },
    /// rustls refused the certificate chain with this private key (they do not match, or the
    /// key's type is not supported).
    #[error("the certificate and the private key do not go together: {0}; give --tls-key the private key of the first certificate in --tls-cert")]
    CertificateAndKey(#[source] rustls::Error),
    /// `--ca-dir`: a file or the directory cannot be used.
    #[error("--ca-dir: {path}: {problem}")]
    CaDir {
        /// The file or directory.
        path: PathBuf,
        /// What is wrong, and what to do.
        problem: String,
    },
    /// rustls refused the protocol versions (TLS 1.3 and 1.2 with the ring provider).
    #[error("cannot configure TLS 1.3 and 1.2: {0}")]
    Versions(#[source] rustls::Error),
}

/// Options that do not go together. Each variant names the flags involved and how to fix them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The admin token given is empty or only whitespace.
    #[error("the admin token is empty: set --admin-token or TERMINUS_ADMIN_TOKEN to a secret, or set neither to have one made")]
    EmptyAdminToken,
    /// The admin plane would listen beyond loopback without `--allow-remote-admin`.
    #[error("--admin-listen {addr} is not a loopback address: the admin plane mints keys, so it listens on loopback unless --allow-remote-admin is given")]
    RemoteAdminNotAllowed {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// `--allow-remote-admin` with an admin token too short to guard a network-facing plane.
    #[error("--allow-remote-admin needs an admin token of at least {min} characters (or none, to have one made)")]
    RemoteAdminTokenTooShort {
        /// The least number of characters.
        min: usize,
    },
    /// `--redirect-listen` (a TLS origin) with `--plaintext`, which has no certificate to serve.
    #[error("--redirect-listen serves TLS, and --plaintext has no certificate: use --redirect-plain-listen for a plain-HTTP redirect origin, or drop --plaintext")]
    RedirectNeedsTls,
}

/// Why a change to the key store was refused. The store is left as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyStoreError {
    /// No key has this id.
    #[error("no key has the id {0:?}")]
    UnknownId(String),
    /// A key with this id, or with the same secret, is already in the store.
    #[error("a key with the id {0:?} or the same secret is already in the store")]
    Duplicate(String),
    /// The change could not be made durable (the change hook, `--state`, failed), so it was not
    /// made.
    #[error("the key store could not be saved: {0}")]
    NotSaved(#[source] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_can_cross_threads_and_keep_their_source() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<Error>();
        let io = std::io::Error::other("disk full");
        let err = Error::Mint {
            name: "ci".into(),
            source: KeyStoreError::NotSaved(io),
        };
        let store = std::error::Error::source(&err).expect("the store's error");
        let io = store.source().expect("the io error");
        assert_eq!(io.to_string(), "disk full");
        assert!(err.to_string().contains("disk full"), "{err}");
    }
}
