//! The clause matrix: a row per clause that has cases, in SPEC.md's order ([`Clause::ALL`]),
//! with its level, its verdict (and how many of its cases ran, when some were ignored), its
//! requirement and a cell per verdict counting its cases. Every cell says its verdict in words
//! as well as in colour.

use std::collections::HashMap;

use super::{cases::anchor, text};
use crate::report::Record;
use crate::spec::Clause;

/// The verdict columns, left to right.
const COLUMNS: [&str; 4] = ["pass", "fail", "ignored", "inconclusive"];

/// The matrix as an HTML section; `ordered` is the case list's order (worst verdict first), so a
/// clause links to its worst case.
pub(super) fn matrix(ordered: &[&Record]) -> String {
    let mut counts: HashMap<Clause, [usize; 4]> = HashMap::new();
    let mut first: HashMap<Clause, &str> = HashMap::new();
    let mut unjudged: HashMap<Clause, usize> = HashMap::new();
    for record in ordered {
        let column = COLUMNS
            .iter()
            .position(|v| *v == record.verdict.as_str())
            .unwrap_or(0);
        counts.entry(record.clause).or_default()[column] += 1;
        if record.verdict.is_not_judged() {
            *unjudged.entry(record.clause).or_default() += 1;
        }
        first.entry(record.clause).or_insert(&record.name);
    }
    let mut out = String::from(
        "<section id=\"clauses\"><h2>Clauses</h2>\n<table class=\"matrix\">\n<thead><tr>\
         <th scope=\"col\">Clause</th><th scope=\"col\">Level</th><th scope=\"col\">Verdict</th>\
         <th scope=\"col\">Requirement</th>",
    );
    for column in COLUMNS {
        out.push_str(&format!("<th scope=\"col\" class=\"n\">{column}</th>"));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for clause in Clause::ALL {
        let Some(row) = counts.get(clause) else {
            continue;
        };
        let [pass, fail, ignored, inconclusive] = *row;
        // The clause's verdict: failed or inconclusive if a case was; passed if a case passed
        // (and how many of its cases ran, when some were ignored); ignored if all were.
        let (verdict, partly) = if fail > 0 {
            ("fail", String::new())
        } else if inconclusive > 0 {
            ("inconclusive", String::new())
        } else if pass > 0 && ignored > 0 {
            (
                "pass",
                format!(
                    "<span class=\"partly\">{pass} of {} cases ran</span>",
                    pass + ignored
                ),
            )
        } else if pass > 0 {
            ("pass", String::new())
        } else {
            ("ignored", String::new())
        };
        // cases whose precondition never held are said so, not hidden among the ignored.
        let partly = match unjudged.get(clause) {
            Some(n) => format!("{partly}<span class=\"partly\">{n} not judged</span>"),
            None => partly,
        };
        let id = clause.id();
        out.push_str(&format!(
            "<tr class=\"{verdict}\" data-clause=\"{id}\" data-verdict=\"{verdict}\">\
             <th scope=\"row\"><a href=\"#{}\">{id}</a></th><td class=\"level\">{}</td>\
             <td class=\"verdict\"><span class=\"label {verdict}\">{}</span>{partly}</td>\
             <td class=\"requirement\">{}</td>",
            anchor(first.get(clause).copied().unwrap_or_default()),
            clause.level().as_str(),
            verdict.to_uppercase(),
            text(clause.requirement()),
        ));
        for (column, n) in COLUMNS.iter().zip(row) {
            if *n == 0 {
                out.push_str(&format!(
                    "<td class=\"n zero\" data-verdict=\"{column}\">0</td>"
                ));
            } else {
                out.push_str(&format!(
                    "<td class=\"n {column}\" data-verdict=\"{column}\">{n} {column}</td>"
                ));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
    out
}
