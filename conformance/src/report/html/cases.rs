//! Every case, a section per verdict (`fail` first, then `inconclusive`, `ignored`, `pass`), each
//! case a `<details>` holding its evidence, its reason, or its failure message as
//! [`crate::judge::Failure::render`] writes it (the requests and what came back, keys redacted).
//! Failing and inconclusive cases are rendered open.

use super::{plural, text, LISTED};
use crate::report::Record;

/// The sections, in [`LISTED`]'s order; `ordered` is sorted by it.
pub(super) fn cases(ordered: &[&Record]) -> String {
    let mut out = String::new();
    for verdict in LISTED {
        let group: Vec<&&Record> = ordered
            .iter()
            .filter(|r| r.verdict.as_str() == verdict)
            .collect();
        if group.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "<section id=\"{}\"><h2>{} ({} {})</h2>\n",
            section_id(verdict),
            heading(verdict),
            group.len(),
            plural(group.len(), "case", "cases")
        ));
        for record in group {
            out.push_str(&case(record));
        }
        out.push_str("</section>\n");
    }
    out
}

/// One case.
fn case(record: &Record) -> String {
    let verdict = record.verdict.as_str();
    let evidence = record.verdict.evidence().join("\n");
    let evidence = evidence.trim_end();
    let gist = evidence.lines().next().unwrap_or_default();
    let open = matches!(verdict, "fail" | "inconclusive");
    // A pass that the profile made informational carries a finding worth a look.
    let tag = if verdict == "pass" && gist.starts_with("informational") {
        " <span class=\"tag\">informational finding</span>"
    } else if record.verdict.is_not_judged() {
        // its clause's precondition never held: ignored, and why, never a pass.
        " <span class=\"tag\">not judged</span>"
    } else {
        ""
    };
    format!(
        "<details class=\"case {verdict}\" id=\"{id}\" data-verdict=\"{verdict}\"{open}>\
         <summary><span class=\"label {verdict}\">{label}</span> <code class=\"name\">{name}</code> \
         <span class=\"meta\">{level} · {ms:.1} ms</span>{tag}<span class=\"gist\">{gist}</span></summary>\
         <pre>{evidence}</pre></details>\n",
        id = anchor(&record.name),
        open = if open { " open" } else { "" },
        label = verdict.to_uppercase(),
        name = name(&record.name),
        level = text(record.level),
        ms = record.duration.as_secs_f64() * 1000.0,
        gist = text(gist),
        evidence = text(evidence),
    )
}

/// A case's name, shown so that a narrow screen breaks it after `CLAUSE::`, not inside `KEY-3`.
fn name(name: &str) -> String {
    match name.split_once("::") {
        Some((clause, case)) => format!(
            "<span class=\"clause-id\">{}::</span><wbr>{}",
            text(clause),
            text(case)
        ),
        None => text(name),
    }
}

/// The `id` of a case's `<details>`: `case-` and its name, with anything but letters, digits,
/// `-`, `_`, `:` and `.` made `_`.
pub(super) fn anchor(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_:.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("case-{safe}")
}

/// The `id` of a verdict's section.
pub(super) fn section_id(verdict: &str) -> String {
    format!("cases-{verdict}")
}

/// A verdict's section heading: the verdict word itself, as in the JSON report, the manifest,
/// the totals and the matrix (`fail (2 cases)`).
pub(super) fn heading(verdict: &str) -> &str {
    verdict
}
