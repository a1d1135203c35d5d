//! Judging what came back and saying so: the envelope and its schema ([`EnvelopeSchema`],
//! ERR-2), `WWW-Authenticate` challenges ([`challenge`], ERR-5), whether two answers can be
//! told apart ([`differences`], ERR-3, KEY-4), findings handed from one clause to another's
//! sweep ([`Ledger`]), the facts of each wrong exchange ([`exchange`]) and the findings they
//! group into ([`diagnosis`], R-11), and the verdicts and failure messages that read like bug reports
//! ([`Failure::render`]).

pub mod challenge;
mod content_coding;
pub mod diagnosis;
mod envelope;
pub mod exchange;
mod ledger;
mod likeness;
mod verdict;

pub use content_coding::decoded_body;
pub use diagnosis::{diagnose, Diagnosis};
pub use envelope::{content_type_problem, EnvelopeSchema};
pub use exchange::Exchange;
pub use ledger::{owner_of, Ledger, Owner};
pub use likeness::{challenge_differences, differences};
pub use verdict::{CaseResult, Cause, Evidence, Failure, Finding, Stop, Verdict, NOT_JUDGED};
