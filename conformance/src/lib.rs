//! # terminus-conformance
//!
//! Checks a Terminus Hub Public API deployment against every clause of SPEC.md part 1 — the
//! authentication contract — as a libtest-mimic program whose trials are named
//! `CLAUSE::what_it_sends`. Without `--target` it checks an embedded terminus-mock.
//!
//! Where things live:
//! - [`cli`]: the command line (the runner's options and libtest's, one parser);
//! - [`target`]: where the deployment is, and the pre-flight;
//! - [`wire`]: the raw HTTP/1.1 client, the HTTP/2 client, pacing and 429 retries;
//! - [`cases`]: the checks, one file per clause family;
//! - [`generators`] and [`property`]: the generated families (proptest), seeded and shrunk;
//! - [`envelope`], [`challenge`], [`likeness`]: judging failure responses (ERR-*);
//! - [`ledger`]: findings a case makes about another clause (ERR-1, ROB-1), reported by its sweep;
//! - [`verdict`]: verdicts, and failure messages that read like bug reports;
//! - [`report`]: JUnit, JSON and the case manifest;
//! - [`redact()`](redact::redact): the one function every printed key goes through;
//! - [`embedded`] and [`admin`]: the embedded mock and its admin plane.
//!
//! ```no_run
//! // The binary is this, and nothing else:
//! fn main() -> std::process::ExitCode {
//!     terminus_conformance::main()
//! }
//! ```
#![warn(missing_docs)]

pub mod admin;
pub mod cases;
pub mod challenge;
pub mod clauses;
pub mod cli;
pub mod embedded;
pub mod endpoints;
pub mod envelope;
pub mod error;
pub mod generators;
pub mod keys;
pub mod ledger;
pub mod likeness;
pub mod property;
pub mod redact;
pub mod report;
pub mod run;
pub mod target;
pub mod verdict;
pub mod wire;

pub use error::Error;
pub use run::main;
