//! The run's findings, first on the page, above the clause matrix: how many findings
//! explain how many failed cases, then each finding — the clause, the answer signature, the
//! axes its requests vary in, the likely cause, what to change, one `curl` reproduction and
//! links to the cases it explains (each case keeps its own verdict further down).

use super::{cases::anchor, plural, text};
use crate::judge::diagnosis::headline;
use crate::judge::Diagnosis;

/// The section, or nothing when no case failed.
pub(super) fn findings(found: &[Diagnosis], failed_cases: usize) -> String {
    if found.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section id=\"findings\"><h2>Findings</h2>\n<p class=\"headline\">{}</p>\n<ol class=\"findings\">\n",
        text(&headline(found, failed_cases))
    );
    for d in found {
        out.push_str(&format!(
            "<li class=\"finding\" data-finding-clause=\"{clause}\" data-cases=\"{n}\">\
             <p class=\"what\"><span class=\"label fail\">{clause}</span> <strong>{signature}</strong>, \
             for {varying}</p>",
            clause = d.clause.id(),
            n = d.cases.len(),
            signature = text(&d.signature),
            varying = text(&d.varying),
        ));
        if let Some(likely) = d.likely {
            out.push_str(&format!(
                "<p class=\"likely\"><b>Likely cause:</b> {}</p>",
                text(likely.cause)
            ));
        }
        out.push_str(&format!(
            "<p class=\"change\"><b>Change:</b> {}</p>",
            text(&d.change)
        ));
        match &d.reproduction {
            Some(curl) => out.push_str(&format!(
                "<p class=\"reproduce\"><b>Reproduce:</b></p><pre class=\"curl\">{}</pre>",
                text(curl)
            )),
            None => out.push_str(&format!(
                "<p class=\"reproduce\"><b>Request:</b></p><pre class=\"curl\">{}</pre>",
                text(&d.request)
            )),
        }
        out.push_str(&format!(
            "<p class=\"answer\"><b>Answer:</b> <code>{}</code></p>",
            text(&d.answer)
        ));
        out.push_str(&format!(
            "<p class=\"explains\"><b>Explains {} {}:</b> ",
            d.cases.len(),
            plural(d.cases.len(), "case", "cases")
        ));
        let links: Vec<String> = d
            .cases
            .iter()
            .map(|c| format!("<a href=\"#{}\"><code>{}</code></a>", anchor(c), text(c)))
            .collect();
        out.push_str(&links.join(", "));
        out.push_str("</p></li>\n");
    }
    out.push_str("</ol>\n</section>\n");
    out
}
