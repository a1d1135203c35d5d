//! `--html PATH`: the run as one self-contained web page to open from a CI artifact — the run's
//! facts and what its exit status means, the run's findings ([`findings`], R-11: what the
//! failed cases come to, each with its reproduction and what to change), a clause matrix ([`matrix`]: a row per clause, a cell
//! per verdict), then every case, failures first, each a `<details>` holding its evidence or
//! its failure message ([`cases`]).
//!
//! Nothing is fetched: the style sheet is inlined, there is no script, no font and no image,
//! and the page's Content-Security-Policy forbids them all, so a report that holds a
//! deployment's answers cannot run them. Every text passes through [`redact`] and is then
//! HTML-escaped: evidence quotes bytes the target chose. Narrow screens get one card per clause;
//! print opens every case.

mod cases;
mod findings;
mod matrix;

use std::path::Path;

use super::{failed_cases, Record, RunFacts};
use crate::error::Error;
use crate::judge::Verdict;
use crate::redact::redact;
use crate::spec::SPEC_VERSION;

/// The verdicts in the order the page lists cases: what needs reading first.
const LISTED: [&str; 4] = ["fail", "inconclusive", "ignored", "pass"];

/// The page's style sheet.
const STYLE: &str = include_str!("style.css");

/// The report as one HTML page.
pub fn build(facts: &RunFacts, records: &[Record]) -> String {
    let mut ordered: Vec<&Record> = records.iter().collect();
    ordered.sort_by_key(|r| (rank(&r.verdict), r.clause));
    let count = |v: &str| records.iter().filter(|r| r.verdict.as_str() == v).count();
    let (class, word, mut meaning) =
        run_outcome(count("fail"), count("inconclusive"), records.len());
    let found = super::findings(facts, records);
    if !found.is_empty() {
        // what the failures come to, in the banner too.
        meaning.push_str(&format!(
            ": {}",
            crate::judge::diagnosis::headline(&found, failed_cases(records))
        ));
    }
    let mut body = String::new();
    body.push_str(&outcome(class, word, &meaning));
    body.push_str(&facts_list(facts));
    body.push_str("<ul class=\"totals\" aria-label=\"cases by verdict\">");
    for verdict in ["pass", "fail", "ignored", "inconclusive"] {
        let n = count(verdict);
        let class = if n == 0 { "zero" } else { verdict };
        body.push_str(&format!("<li class=\"{class}\">{n} {verdict}</li>"));
    }
    body.push_str("</ul>\n<nav><ul>");
    if !found.is_empty() {
        body.push_str(&format!(
            "<li><a href=\"#findings\">Findings ({})</a></li>",
            found.len()
        ));
    }
    body.push_str("<li><a href=\"#clauses\">Clauses</a></li>");
    for verdict in LISTED {
        let n = count(verdict);
        if n > 0 {
            body.push_str(&format!(
                "<li><a href=\"#{}\">{} ({n})</a></li>",
                cases::section_id(verdict),
                cases::heading(verdict)
            ));
        }
    }
    body.push_str("</ul></nav>\n");
    body.push_str(&findings::findings(&found, failed_cases(records)));
    body.push_str(&matrix::matrix(&ordered));
    body.push_str(&cases::cases(&ordered));
    let title = format!("terminus-conformance: {} — {word}", redact(&facts.target));
    page(&title, &body)
}

/// The run's outcome as the exit status has it: a class, a word (a verdict's, uppercased as on
/// each case's label), and what the status means.
fn run_outcome(
    failed: usize,
    inconclusive: usize,
    ran: usize,
) -> (&'static str, &'static str, String) {
    if failed > 0 {
        let checks = plural(failed, "check", "checks");
        (
            "fail",
            "FAIL",
            format!("exit status 101: {failed} {checks} failed"),
        )
    } else if inconclusive > 0 {
        let cases = plural(inconclusive, "case", "cases");
        let meaning = format!("exit status 3: no check failed, but {inconclusive} {cases} could not be checked (R-5: requests that never reached the target or stayed rate limited)");
        ("inconclusive", "INCONCLUSIVE", meaning)
    } else if ran == 0 {
        ("pass", "NOTHING RAN", "exit status 0: no case ran".into())
    } else {
        ("pass", "PASS", "exit status 0: every check passed".into())
    }
}

/// Writes the report to `path`.
pub fn write(path: &Path, facts: &RunFacts, records: &[Record]) -> Result<(), Error> {
    std::fs::write(path, redact(&build(facts, records))).map_err(|source| Error::Write {
        flag: "--html",
        path: path.to_owned(),
        source,
    })
}

/// A whole page around `body` (HTML), titled `title` (text).
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"terminus-conformance {version}\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <h1>terminus-conformance report</h1>\n{body}</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = text(title),
    )
}

/// The banner: the run's outcome in a word and what its exit status means.
pub(crate) fn outcome(class: &str, word: &str, meaning: &str) -> String {
    format!(
        "<p class=\"outcome {class}\" id=\"outcome\" data-outcome=\"{class}\">{}<span class=\"why\">{}</span></p>\n",
        text(word),
        text(meaning)
    )
}

/// The versions, as a row of the facts list.
pub(crate) fn versions() -> String {
    format!(
        "<dt>tool</dt><dd>terminus-conformance {}</dd><dt>spec</dt><dd>SPEC.md version {SPEC_VERSION}</dd>",
        env!("CARGO_PKG_VERSION")
    )
}

/// The run's facts: where, how, how much.
fn facts_list(facts: &RunFacts) -> String {
    let mut rows: Vec<(&str, String)> = vec![(
        "target",
        format!(
            "{}{}",
            facts.target,
            if facts.embedded {
                " (embedded terminus-mock)"
            } else {
                ""
            }
        ),
    )];
    rows.push((
        "profile",
        format!(
            "{} ({})",
            facts.profile,
            if facts.profile == "rfc" {
                "RFC 9110/6750 requirements too"
            } else {
                "the vendor page's reading"
            }
        ),
    ));
    if let Some(seed) = facts.seed {
        rows.push(("seed", seed.to_string()));
    }
    if let Some(scenarios) = facts.scenarios {
        rows.push((
            "scenarios",
            format!("{scenarios} (the program ran once in each)"),
        ));
    }
    if facts.generated.families > 0 {
        rows.push((
            "generated",
            format!(
                "{} families, {} inputs each: {} requests in {:.2} s",
                facts.generated.families,
                facts.cases_per_family.unwrap_or_default(),
                facts.generated.requests,
                facts.generated.seconds
            ),
        ));
    }
    rows.push((
        "requests",
        format!(
            "{} sent, retries included ({} answered 429 and waited out); {}",
            facts.requests,
            facts.rate_limited,
            facts.over()
        ),
    ));
    rows.push((
        "time",
        format!(
            "{:.2} s ({:.0} requests/s)",
            facts.seconds, facts.requests_per_second
        ),
    ));
    let mut out = String::from("<dl class=\"facts\">");
    for (name, value) in rows {
        out.push_str(&format!("<dt>{name}</dt><dd>{}</dd>", text(&value)));
    }
    out.push_str(&versions());
    out.push_str("</dl>\n");
    out
}

/// Where a verdict is listed: [`LISTED`]'s order.
fn rank(verdict: &Verdict) -> usize {
    LISTED
        .iter()
        .position(|v| *v == verdict.as_str())
        .unwrap_or(LISTED.len())
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// `s`, redacted, then escaped for HTML text and attribute values.
pub(crate) fn text(s: &str) -> String {
    escape(&redact(s))
}

/// Escapes `<`, `>`, `&` and both quotes; control characters HTML forbids become visible
/// `\xNN`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
