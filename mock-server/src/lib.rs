//! # terminus-mock
//!
//! A faithful local stand-in for the Terminus Hub Public API's authentication contract
//! (`SPEC.md` part 1 and 2): every request needs `Authorization: Bearer thub_<key>`, every
//! failure is the same 401 envelope, over real TLS a client trusts, with keys minted and
//! revoked through an admin plane.
//!
//! Where things live:
//! - [`auth`]: the authentication decision (KEY-*, HDR-*), taken before routing;
//! - [`key_store`]: keys as SHA-256 digests, states, constant-time checks;
//! - [`envelope`]: the 401 envelope and other canned bodies (ERR-*);
//! - [`routes`]: the endpoints served after authentication (`fixtures/routes.json`);
//! - [`admin`]: the admin control plane (create, list, revoke keys);
//! - [`tls`]: certificates and the rustls configuration;
//! - [`listener`]: accepting, TLS handshakes, HTTP/1.1 and HTTP/2, limits, shutdown;
//! - [`server`]: [`MockServer`], what a program starts and holds;
//! - [`state_file`]: `--state`, the key store kept across restarts (digests only);
//! - [`redact()`]: the one function every printed or logged key goes through.
//!
//! ```no_run
//! # async fn demo() -> Result<(), terminus_mock::Error> {
//! use terminus_mock::{MockConfig, MockServer};
//! let mock = MockServer::start(MockConfig::default()).await?;
//! let key = mock.key_store().mint("my-sdk-tests").expect("minted").key;
//! // Point the SDK at mock.public_url(), trusting mock.ca_pem(), with `key`.
//! # drop(key);
//! mock.shutdown().await;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod admin;
pub mod auth;
pub mod envelope;
mod error;
pub mod key_store;
pub mod keys_file;
pub mod listener;
pub mod public_api;
mod redact;
pub mod routes;
pub mod server;
pub mod state_file;
pub mod tls;

pub use auth::SchemeReading;
pub use error::Error;
pub use error::{ConfigError, KeyStoreError, TlsError};
pub use key_store::{KeyRecord, KeyStatus, KeyStore, MintedKey};
pub use listener::Limits;
pub use redact::redact;
pub use routes::RouteTable;
pub use server::{MockConfig, MockServer, Threading, TlsMode};

/// The JSON Schemas of `schemas/`, embedded at compile time: (file name, contents).
pub const SCHEMAS: &[(&str, &str)] = &[
    (
        "error-envelope.schema.json",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schemas/error-envelope.schema.json"
        )),
    ),
    (
        "admin-error.schema.json",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schemas/admin-error.schema.json"
        )),
    ),
    (
        "admin-key.schema.json",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schemas/admin-key.schema.json"
        )),
    ),
    (
        "admin-key-created.schema.json",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schemas/admin-key-created.schema.json"
        )),
    ),
    (
        "admin-key-list.schema.json",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../schemas/admin-key-list.schema.json"
        )),
    ),
];
