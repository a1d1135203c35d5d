//! R-11, findings, not symptoms: once every trial has run, every wrong answer of every failed
//! case (the sweeps' included, which hold what the ledger was handed) is grouped by the clause
//! it breaks and its answer signature ([`Signature`]); within a group the axes along which the
//! requests differ are found by comparing the requests ([`axis`]). One [`Diagnosis`] per group:
//! the clause, the signature, the varying axis, one minimal reproduction as a `curl` command
//! ([`curl`]), the cases it explains, and, where the evidence matches a common cause
//! ([`likely`]), that cause and what to change. A wrong answer recorded without its exchange
//! (a case that builds its own [`Finding`]) is a finding of its own case.
//!
//! The grouping reads the evidence only, never case names: two cases that met the same answer
//! to requests differing along one axis make one finding.

pub mod axis;
pub mod curl;
pub mod likely;
mod signature;

use std::collections::HashMap;

pub use axis::Axis;
pub use likely::Likely;
pub use signature::Signature;

use super::exchange::{Asked, Exchange, TargetForm};
use super::verdict::{Cause, Failure, Finding};
use crate::spec::Clause;

/// One finding of a run: the wrong answers one cause explains.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    /// The clause it breaks.
    pub clause: Clause,
    /// The answer signature (`404 with JSON that is not the envelope`), or for a finding
    /// without its exchange, the failure's summary.
    pub signature: String,
    /// The axes along which its requests differ (the protocol last).
    pub axes: Vec<Axis>,
    /// The axes as a phrase (`31 requests that vary in path (…), over HTTP/1.1 and HTTP/2`).
    pub varying: String,
    /// How many wrong answers it explains.
    pub requests: usize,
    /// The minimal request, as a failure message shows it.
    pub request: String,
    /// What that request got.
    pub answer: String,
    /// What the clause requires of it.
    pub expected: String,
    /// The minimal request as a `curl` command (none for a finding without its exchange).
    pub reproduction: Option<String>,
    /// The failed cases it explains, in run order.
    pub cases: Vec<String>,
    /// The common cause the evidence matches, if any.
    pub likely: Option<Likely>,
    /// What to change, in one sentence.
    pub change: String,
    /// The minimal request and its answer as facts (none for a finding without its exchange).
    pub minimal: Option<Exchange>,
}

impl Diagnosis {
    /// The finding as a short block for the terminal: the first line, then indented ones.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "{}: {}, for {}",
            self.clause, self.signature, self.varying
        )];
        if let Some(likely) = self.likely {
            lines.push(format!("likely cause: {}", likely.cause));
        }
        lines.push(format!("change: {}", self.change));
        match &self.reproduction {
            Some(curl) => lines.push(format!("reproduce: {curl}")),
            None => lines.push(format!(
                "request: {}",
                self.request.lines().next().unwrap_or_default()
            )),
        }
        lines.push(format!("explains: {}", shown_cases(&self.cases)));
        lines
    }
}

/// Up to four case names, then how many more.
pub fn shown_cases(cases: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut out = cases
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if cases.len() > SHOWN {
        out.push_str(&format!(
            " and {} more ({} cases)",
            cases.len() - SHOWN,
            cases.len()
        ));
    }
    out
}

/// `6 findings explain 51 failed cases`.
pub fn headline(findings: &[Diagnosis], failed_cases: usize) -> String {
    format!(
        "{} {} {} {failed_cases} failed {}",
        findings.len(),
        if findings.len() == 1 {
            "finding"
        } else {
            "findings"
        },
        if findings.len() == 1 {
            "explains"
        } else {
            "explain"
        },
        if failed_cases == 1 { "case" } else { "cases" }
    )
}

/// How a group is told apart from the others.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// By evidence: the clause it breaks and the answer's signature.
    Evidence(Clause, Signature),
    /// A wrong answer recorded without its exchange: its case alone.
    Case(String),
    /// A failure that names its cause ([`Cause`]): every failure naming the same one.
    Cause(String),
}

/// The wrong answers of one group.
struct Group<'a> {
    clause: Clause,
    signature: Option<Signature>,
    cause: Option<&'a Cause>,
    summary: String,
    members: Vec<&'a Finding>,
    cases: Vec<String>,
}

/// Groups the wrong answers of `failed` (each failed case's name and failure, in run order)
/// into findings; `target_url` is the run's target, for the reproductions.
pub fn diagnose<'a>(
    failed: impl IntoIterator<Item = (&'a str, &'a Failure)>,
    target_url: &str,
) -> Vec<Diagnosis> {
    let mut groups: Vec<Group<'a>> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    let failed: Vec<(&'a str, &'a Failure)> = failed.into_iter().collect();
    // HEAD answers carry no body, so their body says nothing: they join a group that matches
    // them in everything else (the second pass), or make their own.
    for head_pass in [false, true] {
        for &(name, failure) in &failed {
            if let Some(cause) = &failure.cause {
                if !head_pass {
                    let key = Key::Cause(cause.id.clone());
                    let i = place(&mut groups, &mut index, (name, failure), key, None);
                    groups[i].members.extend(failure.findings.iter());
                }
                continue;
            }
            if failure.findings.is_empty() && !head_pass {
                let key = Key::Case(name.to_owned());
                place(&mut groups, &mut index, (name, failure), key, None);
            }
            for finding in &failure.findings {
                let is_head = finding
                    .exchange
                    .as_ref()
                    .is_some_and(|e| e.asked.method == "HEAD");
                if is_head != head_pass {
                    continue;
                }
                let (key, signature) = match &finding.exchange {
                    Some(exchange) => {
                        let signature = Signature::of(exchange);
                        let clause = signature.reported_under(failure.clause, exchange);
                        // The first such group made, so that runs group alike.
                        let key = index
                            .iter()
                            .filter(|(k, _)| {
                                is_head
                                    && matches!(k, Key::Evidence(c, s)
                                        if *c == clause && s.matches_but_the_body(&signature))
                            })
                            .min_by_key(|(_, i)| **i)
                            .map(|(k, _)| k.clone())
                            .unwrap_or_else(|| Key::Evidence(clause, signature.clone()));
                        (key, Some((clause, signature)))
                    }
                    None => (Key::Case(name.to_owned()), None),
                };
                let i = place(&mut groups, &mut index, (name, failure), key, signature);
                groups[i].members.push(finding);
            }
        }
    }
    // Cases in run order.
    let order: HashMap<&str, usize> = failed
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (*n, i))
        .collect();
    for group in &mut groups {
        group
            .cases
            .sort_by_key(|c| order.get(c.as_str()).copied().unwrap_or(usize::MAX));
    }
    let origin = curl::origin_of(target_url);
    let mut out: Vec<Diagnosis> = groups.into_iter().map(|g| conclude(g, origin)).collect();
    out.sort_by_key(|d| {
        (
            d.clause,
            std::cmp::Reverse(d.cases.len()),
            std::cmp::Reverse(d.requests),
        )
    });
    out
}

/// The group of `key`, made for `case` when it is new, with `case` among its cases.
fn place<'a>(
    groups: &mut Vec<Group<'a>>,
    index: &mut HashMap<Key, usize>,
    (name, failure): (&str, &'a Failure),
    key: Key,
    signature: Option<(Clause, Signature)>,
) -> usize {
    let i = *index.entry(key).or_insert_with(|| {
        let (clause, signature) = match signature {
            Some((clause, signature)) => (clause, Some(signature)),
            None => (failure.clause, None),
        };
        groups.push(Group {
            clause: failure.cause.as_deref().map_or(clause, |c| c.clause),
            signature,
            cause: failure.cause.as_deref(),
            summary: failure.summary.clone(),
            members: Vec::new(),
            cases: Vec::new(),
        });
        groups.len() - 1
    });
    if !groups[i].cases.iter().any(|c| c == name) {
        groups[i].cases.push(name.to_owned());
    }
    i
}

/// One group as a finding.
fn conclude(group: Group<'_>, origin: &str) -> Diagnosis {
    if let Some(cause) = group.cause {
        return by_cause(cause, &group.members, group.cases);
    }
    let evidence: Vec<(&Finding, &Exchange)> = group
        .members
        .iter()
        .filter_map(|f| f.exchange.as_deref().map(|e| (*f, e)))
        .collect();
    let asked: Vec<&Asked> = evidence.iter().map(|(_, e)| &e.asked).collect();
    let minimal = evidence.iter().min_by_key(|(_, e)| {
        let a = &e.asked;
        (
            a.fields.len() + usize::from(a.without_host),
            a.body.is_some(),
            !a.credential.is_empty(),
            a.form != TargetForm::Origin,
            a.protocol != "HTTP/1.1",
            a.target.len(),
        )
    });
    let shown = minimal.map(|(f, _)| *f).or(group.members.first().copied());
    let axes = axis::varying(&asked);
    let requests = group.members.len();
    let likely = group
        .signature
        .as_ref()
        .and_then(|s| likely::likely(group.clause, s, &asked));
    let expected = shown.map(|f| f.expected.clone()).unwrap_or_default();
    let change = match likely {
        Some(l) => l.change.to_owned(),
        None if expected.is_empty() => format!(
            "Make the deployment meet {}: {}",
            group.clause,
            group.clause.requirement()
        ),
        None => format!(
            "Answer these requests as {} requires: {expected}.",
            group.clause
        ),
    };
    Diagnosis {
        clause: group.clause,
        signature: group
            .signature
            .as_ref()
            .map_or_else(|| group.summary.clone(), ToString::to_string),
        varying: if asked.is_empty() {
            format!(
                "{requests} {}",
                if requests == 1 { "request" } else { "requests" }
            )
        } else {
            axis::describe(&axes, asked.len())
        },
        axes,
        requests,
        request: shown.map(|f| f.request.clone()).unwrap_or_default(),
        answer: shown.map(|f| f.actual.clone()).unwrap_or_default(),
        expected,
        reproduction: minimal.map(|(_, e)| curl::reproduce(&e.asked, origin)),
        cases: group.cases,
        likely,
        change,
        minimal: minimal.map(|(_, e)| (*e).clone()),
    }
}

/// The failures that named one cause: the cause says what is wrong and what to change; the
/// first request shows it (client grading: no exchange to reproduce with `curl`).
fn by_cause(cause: &Cause, members: &[&Finding], cases: Vec<String>) -> Diagnosis {
    // Requests (`GET /v1/account …`) are counted; a line the program printed is not one.
    let mut requests: Vec<&str> = members
        .iter()
        .map(|f| f.request.as_str())
        .filter(|r| r.split(' ').nth(1).is_some_and(|t| t.starts_with('/')))
        .collect();
    requests.sort_unstable();
    requests.dedup();
    let n = requests.len();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let varying = match n {
        0 => plural(cases.len(), "case", "cases"),
        _ => format!(
            "{} in {}",
            plural(n, "request", "requests"),
            plural(cases.len(), "case", "cases")
        ),
    };
    let shown = members.first();
    Diagnosis {
        clause: cause.clause,
        signature: cause.signature.clone(),
        axes: Vec::new(),
        varying,
        requests: n,
        request: shown.map(|f| f.request.clone()).unwrap_or_default(),
        answer: shown.map(|f| f.actual.clone()).unwrap_or_default(),
        expected: shown.map(|f| f.expected.clone()).unwrap_or_default(),
        reproduction: None,
        cases,
        likely: None,
        change: cause.change.clone(),
        minimal: None,
    }
}

#[cfg(test)]
mod tests;
