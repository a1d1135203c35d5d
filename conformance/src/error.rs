//! The crate's one error type: what went wrong before or around the trials (a bad flag, an
//! unreadable file, an unreachable target), each saying what to do about it.

use std::path::PathBuf;

/// Everything that stops the runner before or after its trials. Failed checks are not errors:
/// they are [`crate::judge::Verdict`]s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A flag or file given on the command line cannot be used (exit status 2).
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
        /// What is wrong with it.
        reason: String,
    },
    /// The target does not answer over TLS at all (exit status 3).
    #[error("cannot reach {target}: {reason}")]
    Unreachable {
        /// The target's URL.
        target: String,
        /// What failed: the TCP connection, the TLS handshake, the first response.
        reason: String,
    },
    /// The embedded mock or its admin plane did not do what the runner needs.
    #[error("embedded mock: {0}")]
    Embedded(String),
    /// A report could not be written.
    #[error("cannot write {flag} {path}: {source}")]
    Write {
        /// `--junit` or `--report`.
        flag: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit status this error maps to: 3 when the target cannot be reached, 2 for
    /// everything the user can fix on the command line, 1 otherwise.
    pub fn exit_status(&self) -> u8 {
        match self {
            Error::Unreachable { .. } => 3,
            Error::Usage(_) | Error::Read { .. } | Error::Invalid { .. } => 2,
            Error::Embedded(_) | Error::Write { .. } => 1,
        }
    }

    /// True when the target could not be reached (pre-flight).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Unreachable { .. })
    }
}
