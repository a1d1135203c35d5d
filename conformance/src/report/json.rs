//! `--report PATH`: the run as JSON — the tool and spec versions, the seed, target, profile and
//! request count, the counts per verdict, the run's findings (R-11: `findings`, each the
//! clause, the answer signature, the axes its requests vary in, one `curl` reproduction and the
//! minimal exchange as facts, the cases it explains, the likely cause (and its stable id) and
//! what to change), and per case (in run order, the manifest's) its
//! clause, name, level, the clause's requirement, verdict (`pass`, `fail`, `ignored`, `inconclusive`), evidence and
//! duration. A case whose clause's precondition never held is `ignored`, its evidence beginning
//! `not judged:` (counted apart as `summary.not_judged`). Every string is redacted.

use std::path::Path;

use serde_json::json;

use super::{failed_cases, findings, Record, RunFacts};
use crate::error::Error;
use crate::judge::Diagnosis;
use crate::redact::redact;

/// The report as a JSON value.
pub fn build(facts: &RunFacts, records: &[Record]) -> serde_json::Value {
    let count = |v: &str| records.iter().filter(|r| r.verdict.as_str() == v).count();
    let mut facts_json = serde_json::to_value(facts).expect("plain data serializes");
    facts_json["target"] = json!(redact(&facts.target));
    let found = findings(facts, records);
    json!({
        "tool": "terminus-conformance",
        "version": env!("CARGO_PKG_VERSION"),
        "spec_version": crate::spec::SPEC_VERSION,
        "run": facts_json,
        // The same words as each case's `verdict` and the manifest's.
        "summary": {
            "pass": count("pass"), "fail": count("fail"), "ignored": count("ignored"), "inconclusive": count("inconclusive"),
            "not_judged": records.iter().filter(|r| r.verdict.is_not_judged()).count(),
            "findings": found.len(),
        },
        // what the failed cases come to, before the cases themselves.
        "findings": found.iter().map(finding).collect::<Vec<_>>(),
        "failed_cases": failed_cases(records),
        "cases": records.iter().map(|r| json!({
            "name": r.name,
            "clause": r.clause,
            "level": r.level,
            // The clause's requirement, as the manifest line has it: `diff` compares it.
            "requirement": r.clause.requirement(),
            "verdict": r.verdict.as_str(),
            "evidence": r.verdict.evidence(),
            "duration_ms": (r.duration.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
        })).collect::<Vec<_>>(),
    })
}

/// One finding as JSON.
fn finding(d: &Diagnosis) -> serde_json::Value {
    json!({
        "clause": d.clause,
        "signature": redact(&d.signature),
        "varying": redact(&d.varying),
        "axes": d.axes.iter().map(|a| json!({"name": a.name, "values": a.values})).collect::<Vec<_>>(),
        "requests": d.requests,
        "request": redact(&d.request),
        "answer": redact(&d.answer),
        "expected": d.expected,
        "reproduction": d.reproduction.as_deref().map(redact),
        "cases": d.cases,
        "likely_cause": d.likely.map(|l| l.cause),
        "likely_cause_id": d.likely.map(|l| l.id),
        "change": d.change,
        // The minimal request and answer as facts (keys by derivation; redacted on writing).
        "minimal": d.minimal,
    })
}

/// Writes the report to `path`.
pub fn write(path: &Path, facts: &RunFacts, records: &[Record]) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(&build(facts, records)).expect("JSON values serialize");
    std::fs::write(path, redact(&text) + "\n").map_err(|source| Error::Write {
        flag: "--report",
        path: path.to_owned(),
        source,
    })
}
