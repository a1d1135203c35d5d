//! The crate's one error type: what went wrong before or around the trials (a bad flag, an
//! unreadable file, an unreachable target, an embedded mock that would not start), each saying
//! what to do about it and keeping the error that caused it as its `source`.

use std::path::PathBuf;

use crate::target::AdminError;
use crate::wire::tls::{CertificateFileError, TrustError};

/// Everything that stops the runner before or after its trials. Failed checks are not errors:
/// they are verdicts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A flag, or flags together, cannot be used as given (exit status 2).
    #[error("{0}")]
    Usage(String),
    /// A file named by a flag cannot be read.
    #[error("cannot read {flag} {path}: {source}")]
    Read {
        /// The flag that named the file.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file named by a flag was read but does not hold what the flag needs.
    #[error("cannot use {flag} {path}: {reason}")]
    Invalid {
        /// The flag that named the file.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong with it, and where.
        reason: String,
    },
    /// A certificate file (`--ca-cert`) holds no usable PEM certificate.
    #[error("cannot use {flag} {path}: {source}")]
    Certificates {
        /// The flag that named the file.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: CertificateFileError,
    },
    /// The `--target` host is not a name or address TLS can verify.
    #[error("--target {url}: {source}")]
    InvalidHost {
        /// The target URL.
        url: String,
        /// rustls's reason.
        source: rustls::pki_types::InvalidDnsNameError,
    },
    /// The trust anchors cannot be turned into a TLS configuration.
    #[error("cannot set up TLS: {0}")]
    Trust(#[source] TrustError),
    /// The target does not answer over TLS at all (exit status 3).
    #[error("cannot reach {target}: {reason}")]
    Unreachable {
        /// The target's URL.
        target: String,
        /// What failed: the TCP connection, the TLS handshake, the first response.
        reason: String,
    },
    /// The admin plane given with `--admin-url` did not answer as needed.
    #[error("admin plane: {0}")]
    Admin(#[source] AdminError),
    /// The async runtime the trials run on could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The embedded mock did not start or did not do what the runner needs.
    #[error("embedded mock: {0}")]
    Embedded(#[source] EmbeddedError),
    /// Client grading (SPEC.md part 4): the program could not be graded at all (it could not
    /// trust the scenario's CA, never called the API, hung): a setup problem, not a violation
    /// (exit status 3).
    #[error("{0}")]
    ClientSetup(#[source] crate::client::SetupProblem),
    /// A report could not be written.
    #[error("cannot write {flag} {path}: {source}")]
    Write {
        /// `--junit`, `--report` or `--html`.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Why the embedded default (terminus-mock in-process) could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmbeddedError {
    /// The mock would not start.
    #[error("cannot start: {0}")]
    Start(#[source] terminus_mock::Error),
    /// The mock runs without a CA of its own to trust.
    #[error("it has no CA certificate to trust")]
    NoCa,
    /// The mock's CA is not a usable PEM certificate.
    #[error("its CA: {0}")]
    Ca(#[source] CertificateFileError),
    /// Minting or revoking the run's keys through its admin plane failed.
    #[error("{0}")]
    Admin(#[source] AdminError),
}

impl Error {
    /// The process exit status this error maps to: 3 when the target cannot be reached (or a
    /// client program cannot be graded), 2 for
    /// everything the user can fix on the command line, 1 otherwise.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Unreachable { .. } | Error::ClientSetup(_) => 3,
            Error::Usage(_)
            | Error::Read { .. }
            | Error::Invalid { .. }
            | Error::Certificates { .. }
            | Error::InvalidHost { .. }
            | Error::Trust(_) => 2,
            Error::Admin(_) | Error::Runtime(_) | Error::Embedded(_) | Error::Write { .. } => 1,
        }
    }

    /// True when the target could not be reached (pre-flight).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Unreachable { .. })
    }
}
