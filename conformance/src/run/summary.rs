//! What the runner prints after libtest's own summary, on stderr: first the run's findings
//! "2 findings explain 38 failed cases", then each as a short block — the clause, the
//! answer signature and the axis, the likely cause, what to change, a `curl` reproduction, the
//! cases it explains), then the request count and rate, the cases not judged and ignored, and
//! HDR-5's readings and the findings the profile made informational.

use crate::judge::Verdict;
use crate::redact::redact;
use crate::report::{failed_cases, findings, Record, RunFacts};

/// R-11: the run's findings, first after libtest's own summary ("2 findings explain 38 failed
/// cases", then one block each), on stderr. Server and client runs alike.
pub(crate) fn print_findings(facts: &RunFacts, records: &[Record]) {
    let found = findings(facts, records);
    if !found.is_empty() {
        eprintln!(
            "terminus-conformance: {}",
            crate::judge::diagnosis::headline(&found, failed_cases(records))
        );
        for (n, finding) in found.iter().enumerate() {
            for (i, line) in finding.lines().iter().enumerate() {
                let lead = if i == 0 {
                    format!("{:>3}. ", n + 1)
                } else {
                    "     ".into()
                };
                eprintln!("{lead}{}", redact(line));
            }
        }
    }
}

/// After libtest's own summary: the request count and rate, HDR-5's readings and the
/// informational findings, on stderr (stdout stays libtest's, JSON included).
pub(super) fn summarize(facts: &RunFacts, records: &[Record], quiet: bool) {
    print_findings(facts, records);
    eprintln!(
        "terminus-conformance: {} requests {} in {:.2} s ({:.0} requests/s; generated families: {} requests in {:.2} s, {:.0} requests/s), {} answered 429 and retried; seed {}",
        facts.requests,
        facts.over(),
        facts.seconds,
        facts.requests_per_second,
        facts.generated.requests,
        facts.generated.seconds,
        facts.generated.requests_per_second,
        facts.rate_limited,
        facts.seed.map_or_else(|| "none".into(), |s| s.to_string())
    );
    // what did not run, and why, counted (a run that checked half the contract says so).
    let mut ignored = std::collections::BTreeMap::<&str, usize>::new();
    for record in records {
        match &record.verdict {
            // a clause whose precondition never held says why, case by case.
            Verdict::Ignored(reason) if record.verdict.is_not_judged() => {
                eprintln!("  {} {}", record.name, redact(reason));
            }
            Verdict::Ignored(reason) => *ignored.entry(reason.as_str()).or_default() += 1,
            _ => {}
        }
    }
    for record in records {
        if let Verdict::Inconclusive(reason) = &record.verdict {
            eprintln!("  {} inconclusive: {}", record.name, redact(reason));
        }
    }
    for (reason, n) in &ignored {
        eprintln!(
            "  {n} {} ignored: {}",
            if *n == 1 { "case" } else { "cases" },
            redact(reason)
        );
    }
    if quiet {
        return;
    }
    // HDR-5's readings, and the findings the doc profile makes informational.
    for record in records {
        if let Verdict::Pass(evidence) = &record.verdict {
            for line in &evidence.0 {
                let first = line.lines().next().unwrap_or_default();
                if let Some(reading) = first.strip_prefix("reading: ") {
                    eprintln!(
                        "  {} (permitted variance): {}",
                        record.clause,
                        redact(reading)
                    );
                } else if first.starts_with("informational") {
                    eprintln!("  {}: {}", record.name, redact(first));
                }
            }
        }
    }
}
