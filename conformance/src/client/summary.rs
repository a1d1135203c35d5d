//! What a grading tells besides libtest's own lines: the run's facts for the reports, read from
//! the scenarios' journals (the requests made on every listener, the scenarios run, the
//! protocols the program negotiated; no seed, nothing being random), and the lines printed after
//! libtest's summary and the findings: the requests, the cases not judged and why, the
//! should-level findings reported without failing, the inconclusive cases.

use crate::judge::Verdict;
use crate::redact::redact;
use crate::report::{Record, RunFacts};
use crate::spec::Profile;

use super::judge::Outcome;
use super::program::Program;

/// The run's facts, from what the scenarios' journals recorded: the requests made (every
/// listener), the scenarios run, the protocols the program negotiated. No seed, no generated
/// families: nothing is random here.
pub fn facts(program: &Program, profile: Profile, ran: &[Outcome], seconds: f64) -> RunFacts {
    let requests = ran.iter().map(|o| o.seen.len() as u64).sum::<u64>();
    let spoke = |protocol: &str| {
        ran.iter()
            .flat_map(|o| &o.seen)
            .any(|s| s.protocol == protocol)
    };
    let protocols: Vec<&'static str> = [("HTTP/2", "h2"), ("HTTP/1.1", "http/1.1")]
        .into_iter()
        .filter(|(name, _)| spoke(name))
        .map(|(_, id)| id)
        .collect();
    RunFacts {
        target: format!("client program: {}", redact(&program.shown)),
        embedded: true,
        profile: profile.as_str(),
        seed: None,
        cases_per_family: None,
        scenarios: Some(ran.len()),
        requests,
        rate_limited: ran
            .iter()
            .flat_map(|o| &o.seen)
            .filter(|s| s.status == 429)
            .count() as u64,
        http2: protocols.contains(&"h2"),
        protocols,
        seconds,
        requests_per_second: (requests as f64 / seconds.max(1e-3) * 10.0).round() / 10.0,
        generated: Default::default(),
    }
}

/// After libtest's summary and the findings: the requests and scenarios, the should-level
/// findings the profile reported without failing, the cases not judged and the inconclusive.
pub fn summarize(facts: &RunFacts, records: &[Record], quiet: bool) {
    eprintln!(
        "terminus-conformance client: {} request(s) {} in {} scenario(s), {:.2} s",
        facts.requests,
        facts.over(),
        facts.scenarios.unwrap_or_default(),
        facts.seconds
    );
    for record in records {
        if record.verdict.is_not_judged() {
            if let Verdict::Ignored(reason) = &record.verdict {
                eprintln!("  {} {}", record.name, redact(reason));
            }
        }
    }
    for record in records {
        match &record.verdict {
            Verdict::Inconclusive(reason) => {
                eprintln!("  {} inconclusive: {}", record.name, redact(reason));
            }
            Verdict::Pass(evidence) if !quiet => {
                for line in &evidence.0 {
                    if line.starts_with("should-level") {
                        eprintln!(
                            "  {}: {}",
                            record.name,
                            redact(line.lines().next().unwrap_or_default())
                        );
                    }
                }
            }
            _ => {}
        }
    }
}
