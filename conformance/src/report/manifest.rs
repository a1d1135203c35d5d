//! The case manifest (`--list --format json`): a header line naming the tool, its version and
//! the spec's, then one JSON object per case — its name, clause, level and the clause's
//! requirement — in run order, so spec maintainers can diff what a release checks.
//! `conformance/manifest.jsonl` is the reference for the default endpoints (a test compares).

use serde_json::json;

use crate::cases::Case;

/// The first line: `{"type":"manifest","suite":"server","tool":"terminus-conformance",
/// "tool_version":…,"spec_version":…}` (`suite` is `server` or `client`).
pub fn header(suite: &str) -> String {
    json!({
        "type": "manifest",
        "suite": suite,
        "tool": "terminus-conformance",
        "tool_version": env!("CARGO_PKG_VERSION"),
        "spec_version": crate::spec::SPEC_VERSION,
    })
    .to_string()
}

/// The manifest's lines, header first.
pub fn lines(cases: &[&Case]) -> Vec<String> {
    std::iter::once(header("server"))
        .chain(cases.iter().map(|c| {
            json!({
                "type": "test",
                "name": c.name,
                "clause": c.clause,
                "level": c.level.as_str(),
                "requirement": c.clause.requirement(),
            })
            .to_string()
        }))
        .collect()
}
