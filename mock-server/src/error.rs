//! The one error type of the mock: every variant says what failed, where, and what to do.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the mock could not start or load its configuration.
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
    /// A keys, routes or state file was read but is not valid.
    #[error("the {what} {origin} is not valid: {reason}")]
    InvalidFile {
        /// Which kind of file.
        what: &'static str,
        /// Its path, or which built-in fixture.
        origin: String,
        /// What is wrong, and where.
        reason: String,
    },
    /// The TLS certificate or key given could not be used.
    #[error("TLS: {0}")]
    Tls(String),
    /// Options that do not go together, or a value out of range.
    #[error("{0}")]
    Config(String),
}
