//! # terminus-conformance
//!
//! Checks a Terminus Hub Public API deployment against every clause of SPEC.md part 1 — the
//! authentication contract — as a libtest-mimic program whose trials are named
//! `CLAUSE::what_it_sends`. Without `--target` it checks an embedded terminus-mock.
//!
//! Where things live (each folder opens with a `//!` that says more):
//! - `spec/`: every clause of SPEC.md as a type ([`Clause`]), with its requirement and level;
//! - `run/`: one run, start to end: the command line, the trials, the summary, the exit status;
//! - `target/`: the deployment, the pre-flight, its keys, its endpoints, its admin plane, and the
//!   embedded mock;
//! - `wire/`: the raw HTTP/1.1 client, the HTTP/2 client, pacing and 429 retries;
//! - `space/`: the model of the request space: axes of values (method, target form, path,
//!   protocol, front-end fields, …) with where each comes from, single values and pairwise
//!   combinations, which the cases cross;
//! - `cases/`: the checks, a folder per clause family and a file per clause
//!   (`cases/header/hdr4_duplicates.rs`);
//! - `generated/`: the generated families (proptest), seeded and shrunk;
//! - `judge/`: judging answers (the envelope, the challenge, likeness), the ledger of findings one
//!   clause hands to another, and verdicts with failure messages that read like bug reports;
//! - `report/`: JUnit, JSON, HTML and the case manifest;
//! - `client/`: grading a client (`terminus-conformance client -- CMD`, SPEC.md part 4);
//! - `diff.rs`: `terminus-conformance diff OLD NEW`, two reports or manifests compared;
//! - `redact.rs`: [`redact()`], the one function every printed key goes through;
//! - `error.rs`: [`Error`], what stops a run before or around its trials.
//!
//! ```no_run
//! // The binary is this, and nothing else:
//! fn main() -> std::process::ExitCode {
//!     terminus_conformance::main()
//! }
//! ```
#![warn(missing_docs)]

mod cases;
mod client;
mod diff;
mod error;
mod generated;
mod judge;
mod redact;
mod report;
mod run;
mod space;
mod spec;
mod target;
mod wire;

pub use client::SetupProblem;
pub use error::{EmbeddedError, Error};
pub use judge::{challenge, content_type_problem, differences, EnvelopeSchema};
pub use redact::{redact, redact_with, register_secret};
pub use run::main;
pub use spec::{Clause, Level, Profile, UnknownClause};
pub use target::{AdminError, AdminProblem};
pub use wire::tls::{CertificateFileError, TrustError};
pub use wire::{parse_head_leniently, parse_response, retry_after, Protocol, Reply, Response};
