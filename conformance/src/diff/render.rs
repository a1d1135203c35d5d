//! How `diff` shows what changed: a table per kind of change (the requirement texts with both
//! versions), then one line of counts; or the same lists as JSON (`--format json`).

use std::path::Path;

use serde_json::{json, Value};

use super::{Change, Changes, DiffCli, Side};

fn describe(path: &Path, side: &Side) -> String {
    format!(
        "{} ({}, {} cases, tool {}, SPEC {})",
        path.display(),
        side.kind,
        side.cases.len(),
        side.tool_version.as_deref().unwrap_or("?"),
        side.spec_version.as_deref().unwrap_or("?")
    )
}

impl Changes {
    fn sections(&self) -> [(&'static str, &Vec<Change>); 6] {
        [
            ("regressions (did not fail, now fail)", &self.regressions),
            ("fixes (failed, now pass)", &self.fixes),
            ("other verdict changes", &self.verdicts),
            ("level changes", &self.levels),
            ("cases added", &self.added),
            ("cases removed", &self.removed),
        ]
    }

    pub(super) fn to_text(&self, cli: &DiffCli, old: &Side, new: &Side) -> String {
        let mut out = format!(
            "old: {}\nnew: {}\n",
            describe(&cli.old, old),
            describe(&cli.new, new)
        );
        if old.kind != new.kind {
            out.push_str("a manifest and a report: case sets and levels compared, not verdicts\n");
        }
        if !old.cases.iter().any(|(n, _)| new.has(n)) {
            out.push_str("no case in common: are these the same suite (server or client) and the same endpoint options?\n");
        }
        // One column width for every section: the sections read as one table.
        let width = self
            .sections()
            .iter()
            .flat_map(|(_, list)| list.iter().map(|c| c.name.len()))
            .max()
            .unwrap_or(0);
        for (title, list) in self.sections() {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{title}: {}\n", list.len()));

            for c in list {
                let arrow = match (c.from.is_empty(), c.to.is_empty()) {
                    (true, true) => String::new(),
                    (true, false) => c.to.clone(),
                    (false, true) => c.from.clone(),
                    (false, false) => format!("{} -> {}", c.from, c.to),
                };
                let row = format!("  {:width$}  {:<13} {arrow}", c.name, c.level);
                out.push_str(row.trim_end());
                out.push('\n');
            }
        }
        if !self.requirements.is_empty() {
            out.push_str(&format!(
                "\nrequirement text changed: {}\n",
                self.requirements.len()
            ));
            for r in &self.requirements {
                out.push_str(&format!(
                    "  {}\n    was: {}\n    now: {}\n",
                    r.clause, r.from, r.to
                ));
            }
        }
        // SPEC.md's rule: a changed meaning moves its version (README, reviewing a change).
        let meaning_changed = !self.requirements.is_empty() || !self.levels.is_empty();
        if meaning_changed && old.spec_version.is_some() && old.spec_version == new.spec_version {
            out.push_str(&format!(
                "\nlevels or requirements changed under the same SPEC {}: if the meaning changed, SPEC.md's version moves (a wording change alone is a patch)\n",
                new.spec_version.as_deref().unwrap_or("?")
            ));
        }
        out.push_str(&format!(
            "\n{} regressions, {} fixes, {} other verdict changes, {} level changes, {} added, {} removed, {} requirement texts changed{}",
            self.regressions.len(),
            self.fixes.len(),
            self.verdicts.len(),
            self.levels.len(),
            self.added.len(),
            self.removed.len(),
            self.requirements.len(),
            if self.regressions.is_empty() { "" } else { ": exit status 101" }
        ));
        out
    }

    pub(super) fn to_json(&self, cli: &DiffCli, old: &Side, new: &Side) -> Value {
        let list = |l: &Vec<Change>| {
            l.iter()
                .map(|c| json!({"name": c.name, "clause": c.clause, "level": c.level, "from": c.from, "to": c.to}))
                .collect::<Vec<_>>()
        };
        let side = |path: &Path, s: &Side| {
            json!({"path": path.display().to_string(), "kind": s.kind, "cases": s.cases.len(),
                   "tool_version": s.tool_version, "spec_version": s.spec_version})
        };
        json!({
            "old": side(&cli.old, old),
            "new": side(&cli.new, new),
            "regressions": list(&self.regressions),
            "fixes": list(&self.fixes),
            "verdict_changes": list(&self.verdicts),
            "level_changes": list(&self.levels),
            "added": list(&self.added),
            "removed": list(&self.removed),
            "requirement_changes": self.requirements.iter()
                .map(|r| json!({"clause": r.clause, "from": r.from, "to": r.to}))
                .collect::<Vec<_>>(),
        })
    }
}
