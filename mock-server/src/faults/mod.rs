//! Scripted faults for an SDK's tests (SPEC.md part 2): for authenticated requests that match
//! a method, a path (exact, or a template with `{param}` segments), headers, query parameters
//! and the name of the key, the next N answers — or all of them — are a given status with
//! headers (429 with `Retry-After`, 503), a delay, a body dripped a few bytes at a time, a body
//! cut short, a redirect, or no proper answer at all: a connection reset, an empty response, a
//! malformed chunk, random bytes (WireMock's faults, see [`Respond`]).
//!
//! Authentication still comes first: only a request the Public API accepted can meet a fault,
//! so a fault never lets an unauthenticated request through, and a 401 does not use one up.
//!
//! - `definition.rs`: [`Fault`], what it selects, and its builders;
//! - `respond.rs`: [`Respond`], how it answers;
//! - `validation.rs`: every member checked, the error naming the wrong one;
//! - `matching.rs`: whether a fault selects a request;
//! - `registry.rs`: [`Faults`], the armed faults, their uses and hits;
//! - `script.rs`: what a fault makes of the answer, per protocol (the listener's
//!   `takeover.rs` writes what is no answer).
//!
//! Set them through the admin plane (`POST /v1/faults`, JSON as [`Fault`] deserializes it, see
//! `schemas/fault.schema.json`) or the library:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use terminus_mock::faults::{Fault, Respond};
//! use terminus_mock::{MockConfig, MockServer};
//!
//! let mock = MockServer::start(MockConfig::default()).await?;
//! // Twice 429 with Retry-After: 1, then the normal answer.
//! let id = mock.faults().add(
//!     Fault::on(http::Method::GET, "/v1/account")
//!         .times(2)
//!         .respond(Respond::status(429).header("retry-after", "1")),
//! )?;
//! let listed = mock.faults().list();
//! assert_eq!((listed[0].id.as_str(), listed[0].remaining), (id.as_str(), Some(2)));
//! mock.faults().clear();
//! assert!(mock.faults().list().is_empty());
//! mock.shutdown().await;
//! # Ok(()) }
//! ```

mod definition;
mod matching;
mod registry;
mod respond;
mod script;
mod validation;

pub use definition::{Fault, FaultId, ValueMatch};
pub use registry::{Faults, ListedFault};
pub use respond::Respond;

pub(crate) use registry::Plan;
pub(crate) use script::{script, Scripted};
pub(crate) use validation::{is_redirect_location, key_shaped};

/// The longest delay a fault may ask for.
pub const MAX_DELAY_MS: u64 = 60_000;
