//! # terminus-contract
//!
//! The files both sides of the Terminus Hub Public API authentication contract read, compiled
//! in: the JSON Schemas of `schemas/` ([`SCHEMAS`], one const each in [`schemas`]) and the
//! fixtures of `fixtures/` ([`fixtures`]: test-only keys, routes, the routes as OpenAPI).
//!
//! `terminus-mock` serves and validates against them; `terminus-conformance` judges a
//! deployment with them. The runner never uses the mock's authentication code, only these
//! files: two independent readings of SPEC.md checking each other. Keeping the files in their
//! own crate puts them inside every published package, so `cargo install terminus-mock` and a
//! crates.io dependency build anywhere.
//!
//! ```
//! let envelope: serde_json::Value =
//!     serde_json::from_str(terminus_contract::schemas::ERROR_ENVELOPE).unwrap();
//! assert_eq!(envelope["properties"]["error"]["properties"]["code"]["type"], "null");
//! assert!(terminus_contract::SCHEMAS
//!     .iter()
//!     .any(|(file, _)| *file == "error-envelope.schema.json"));
//! ```
#![warn(missing_docs)]

pub mod fixtures;
pub mod schemas;

pub use schemas::SCHEMAS;
