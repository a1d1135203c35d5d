//! What a run leaves behind besides libtest's output: a [`Record`] per trial run, and from
//! them the JUnit XML ([`junit`]), the JSON report ([`json`]), the HTML page ([`html`]) and the
//! case manifest ([`manifest`]). Each report leads with the run's findings ([`findings`],
//! R-11) and keeps every case's own verdict.

pub mod errored;
pub mod html;
pub mod json;
pub mod junit;
pub mod manifest;

use std::time::Duration;

use crate::judge::{diagnose, Diagnosis, Verdict};
use crate::spec::Clause;

/// One trial that ran.
#[derive(Debug, Clone)]
pub struct Record {
    /// `CLAUSE::case`.
    pub name: String,
    /// The clause.
    pub clause: Clause,
    /// `must`, `rfc` or `informational`.
    pub level: &'static str,
    /// Its verdict.
    pub verdict: Verdict,
    /// How long it took.
    pub duration: Duration,
}

/// Facts about the whole run, for the reports.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunFacts {
    /// The target's URL (the embedded mock's, without `--target`).
    pub target: String,
    /// True when the target is the embedded mock.
    pub embedded: bool,
    /// `doc` or `rfc`.
    pub profile: &'static str,
    /// `--seed` (printed, so a run reproduces); `None` (and left out of the reports) where no
    /// seed is used: client grading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// `--cases`; `None` (left out) where nothing is generated: client grading.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cases_per_family: Option<u32>,
    /// Client grading: the scenarios run (the program ran once in each); `None` (left out) for
    /// a server run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenarios: Option<usize>,
    /// Requests sent, retries included.
    pub requests: u64,
    /// 429 answers waited out.
    pub rate_limited: u64,
    /// Whether `Wire::Any` requests went over HTTP/2 (kept for older readers: `protocols` says
    /// more).
    pub http2: bool,
    /// The protocols the pre-flight negotiated and the probes went over, by ALPN id, HTTP/2
    /// first (`["h2"]`, `["h2", "http/1.1"]`, `["http/1.1"]`; empty when no target was
    /// checked).
    pub protocols: Vec<&'static str>,
    /// Wall time of the trials, seconds.
    pub seconds: f64,
    /// `requests / seconds` over the whole run.
    pub requests_per_second: f64,
    /// The generated (proptest) families alone: requests, time span, requests per second.
    pub generated: crate::generated::GeneratedFacts,
}

impl RunFacts {
    /// The protocols checked, in words: `over HTTP/2 only`, `over HTTP/2 and HTTP/1.1`, `over
    /// HTTP/1.1`.
    pub fn over(&self) -> String {
        let names: Vec<&str> = self
            .protocols
            .iter()
            .map(|id| match *id {
                "h2" => "HTTP/2",
                "http/1.1" => "HTTP/1.1",
                other => other,
            })
            .collect();
        match names.as_slice() {
            [] => "over no protocol (no target checked)".into(),
            [one] => format!("over {one} only"),
            many => format!("over {}", many.join(" and ")),
        }
    }
}

/// the run's findings, grouped from the wrong answers of its failed cases (run order).
pub fn findings(facts: &RunFacts, records: &[Record]) -> Vec<Diagnosis> {
    diagnose(
        records.iter().filter_map(|r| match &r.verdict {
            Verdict::Fail(failure) => Some((r.name.as_str(), failure)),
            _ => None,
        }),
        &facts.target,
    )
}

/// How many cases failed.
pub fn failed_cases(records: &[Record]) -> usize {
    records
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Fail(_)))
        .count()
}
