//! # terminus-mock
//!
//! A faithful local stand-in for the Terminus Hub Public API's authentication contract
//! (`SPEC.md` part 1 and 2): every request needs `Authorization: Bearer thub_<key>`, every
//! failure is the same 401 envelope, over real TLS a client trusts, with keys minted and
//! revoked through an admin plane.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use terminus_mock::{MockConfig, MockServer};
//!
//! let mock = MockServer::start(MockConfig::default()).await?;
//! let key = mock.key_store().mint("my-sdk-tests")?.key;
//! // Point the SDK under test at the URL, trusting the CA, with `key`.
//! assert!(mock.public_url().starts_with("https://127.0.0.1:"));
//! assert!(mock.ca_pem().unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
//! # drop(key);
//! mock.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! `examples/sdk_test.rs` makes the HTTPS request itself.
//!
//! ## Where things live
//!
//! - `auth.rs` ([`auth`]): where a presented key is judged, before routing (KEY-*, HDR-*);
//! - `keys/`: where keys are stored: `store.rs` ([`KeyStore`]: mint, revoke, constant-time
//!   checks), `record.rs` ([`KeyRecord`]: a SHA-256 digest, a state, times; never the key),
//!   `keys_file.rs` ([`keys_file`]: `contract/fixtures/keys.json`, `--keys`),
//!   `state_file.rs` (`--state`, the store kept across restarts);
//! - `envelope.rs`: where the 401 envelope (ERR-*) and the other canned bodies are written;
//! - `routes.rs` ([`RouteTable`]): the endpoints served after authentication;
//! - `public_api.rs`: the Public API service: authenticate, then route, then journal and log;
//! - `journal/`: the request journal ([`JournalEntry`], every credential described, never a
//!   key; `GET`/`DELETE /v1/requests`, `--journal`), read with
//!   [`MockServer::received_requests`];
//! - `faults/` ([`faults`]): scripted faults (status, delay, drip, truncate, reset, redirect,
//!   and WireMock's empty response, malformed chunk and random bytes), matched on method, path,
//!   headers, query and key name; verified with [`MockServer::count_requests`] and
//!   [`MockServer::unmatched_requests`];
//! - `redirect.rs`: the second origin for redirect tests ([`MockServer::redirect_url`]), and
//!   its `/redirect-to` for chains of redirects;
//! - `admin.rs`: the admin plane (create, list, revoke keys; the journal; `GET /healthz`);
//! - `tls.rs` ([`tls`]): where the certificates are made (rcgen) or read, and rustls set up;
//!   `tls/bundle.rs`: the trust bundle, the system's roots plus the CA;
//! - `listener/`: where connections are accepted: TLS handshakes, HTTP/1.1 and HTTP/2,
//!   [`Limits`], graceful shutdown (`coalesce.rs`: HTTP/2 writes, one per turn; `drain.rs`:
//!   the rest of a request body read after the answer; `takeover.rs`: a connection a fault
//!   writes its own bytes on; `sniff.rs`: TLS and plain HTTP on one port, `also_plain`);
//! - `server/`: [`MockServer`] (`mod.rs`), [`MockConfig`] (`config.rs`), binding the listeners
//!   and starting their services (`listeners.rs`), where they are (`addresses.rs`), the Public
//!   API on one thread per core (`per_core.rs`);
//! - `error.rs`: [`Error`] and its groups, [`KeyStoreError`];
//! - `redact.rs`: [`redact()`], the one function every printed or logged key goes through;
//! - `main.rs`, `cli.rs`, `banner.rs`: the `terminus-mock` binary (flags, banner, ready file,
//!   signals).
#![warn(missing_docs)]

// Modules are private; what a program needs is re-exported below. `auth`, `routes` and `tls`
// stay public for the fuzz targets (fuzz/) and the runner's tests, which call them directly.
mod admin;
pub mod auth;
mod body;
mod envelope;
mod error;
pub mod faults;
mod journal;
mod keys;
mod listener;
mod public_api;
mod redact;
mod redirect;
pub mod routes;
mod server;
pub mod tls;

pub use auth::SchemeReading;
pub use error::{ConfigError, Error, KeyStoreError, TlsError};
pub use journal::{
    BodyEncoding, FaultRef, Header, JournalEntry, KeySummary, Listener, Outcome, Protocol,
    QueryParam, RecordedBody,
};
pub use keys::keys_file;
pub use keys::{
    ChangeHook, KeyDigest, KeyRecord, KeyStatus, KeyStore, MintedKey, Verification, KEY_PREFIX,
};
pub use listener::Limits;
pub use redact::redact;
pub use routes::RouteTable;
pub use server::{MockConfig, MockServer, Threading, TlsMode};

/// The version of SPEC.md this mock implements, as a literal (for `concat!`).
macro_rules! spec_version {
    () => {
        "1.1.0"
    };
}

/// The version of SPEC.md this mock implements (SPEC.md's `Spec version:` line; a test keeps the
/// two equal). The runner keeps its own: the two are independent readings of the spec.
pub const SPEC_VERSION: &str = spec_version!();

/// `terminus-mock --version`: `0.2.0 (SPEC 1.1.0)`.
pub const VERSION_LINE: &str = concat!(env!("CARGO_PKG_VERSION"), " (SPEC ", spec_version!(), ")");

// The JSON Schemas (the admin plane's and the envelope's) live in the terminus-contract crate,
// shared with the runner: a new schema is one line in `contract/src/schemas.rs`.
pub use terminus_contract::SCHEMAS;

#[cfg(test)]
mod spec_version_tests {
    #[test]
    fn spec_version_is_spec_md_s() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../SPEC.md");
        let Ok(text) = std::fs::read_to_string(&path) else {
            // Built from its .crate (cargo package): the repository's SPEC.md is not there.
            return;
        };
        let stated = text
            .lines()
            .take(10)
            .find_map(|l| l.strip_prefix("Spec version:"))
            .map(str::trim);
        assert_eq!(stated, Some(super::SPEC_VERSION), "{}", path.display());
    }
}
