//! The case manifest (`--list --format json`): one JSON object per line, each case's name,
//! clause, level and the clause's requirement, in a stable order — so spec maintainers can
//! diff what a release checks.

use serde_json::json;

use crate::cases::Case;

/// The manifest's lines.
pub fn lines(cases: &[&Case]) -> Vec<String> {
    cases
        .iter()
        .map(|c| {
            json!({
                "type": "test",
                "name": c.name,
                "clause": c.clause,
                "level": c.level.as_str(),
                "requirement": c.clause.requirement(),
            })
            .to_string()
        })
        .collect()
}
