//! `terminus-conformance diff OLD NEW`: what changed between two JSON reports (`--report`) or
//! two manifests (`--list --format json`) — regressions, fixes, cases added and removed,
//! verdict and level changes — ignoring what differs between any two runs (durations, seeds,
//! ports, counts, evidence). A plain-text table, or `--format json`; exit 101 when a case that
//! did not fail in OLD fails in NEW, 0 otherwise, 2 when a file cannot be read as either.
//!
//! A manifest against a report compares the case sets and levels only (a manifest has no
//! verdicts).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use serde_json::{json, Value};

use crate::redact::redact;

/// terminus-conformance diff: what changed between two reports or two manifests.
#[derive(Parser, Debug)]
#[command(
    name = "terminus-conformance diff",
    version = crate::spec::VERSION_LINE,
    override_usage = "terminus-conformance diff [--format text|json] OLD NEW"
)]
struct DiffCli {
    /// The earlier report (--report) or manifest (--list --format json).
    old: PathBuf,
    /// The later one.
    new: PathBuf,
    /// text (a table) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

/// One case as a file shows it.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    clause: String,
    level: String,
    /// `None` in a manifest.
    verdict: Option<String>,
}

/// A report or a manifest, read.
#[derive(Debug)]
struct Side {
    kind: &'static str,
    tool_version: Option<String>,
    spec_version: Option<String>,
    /// In file order (run order).
    cases: Vec<(String, Entry)>,
}

/// `terminus-conformance diff ...`: `args` are the arguments after `diff`.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let mut argv = vec![OsString::from("terminus-conformance diff")];
    argv.extend(args);
    let cli = DiffCli::parse_from(argv);
    let (old, new) = match (read(&cli.old), read(&cli.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("terminus-conformance diff: {}", redact(&e));
            return ExitCode::from(2);
        }
    };
    let changes = compare(&old, &new);
    let out = match cli.format {
        Format::Json => serde_json::to_string_pretty(&changes.to_json(&cli, &old, &new))
            .expect("JSON values serialize"),
        Format::Text => changes.to_text(&cli, &old, &new),
    };
    println!("{}", redact(&out));
    if changes.regressions.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::run::EXIT_FAILED)
    }
}

fn read(path: &Path) -> Result<Side, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let expected = "expected a JSON report (terminus-conformance --report PATH) or a manifest (terminus-conformance --list --format json > PATH)";
    if let Ok(value) = serde_json::from_str::<Value>(&text) {
        let cases = value
            .get("cases")
            .and_then(Value::as_array)
            .ok_or_else(|| {
                format!(
                    "{}: JSON without a `cases` list: {expected}",
                    path.display()
                )
            })?;
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            let (Some(name), Some(clause), Some(level), Some(verdict)) = (
                case["name"].as_str(),
                case["clause"].as_str(),
                case["level"].as_str(),
                case["verdict"].as_str(),
            ) else {
                return Err(format!(
                    "{}: a case without name, clause, level and verdict: {expected}",
                    path.display()
                ));
            };
            out.push((
                name.to_owned(),
                Entry {
                    clause: clause.to_owned(),
                    level: level.to_owned(),
                    verdict: Some(verdict.to_owned()),
                },
            ));
        }
        return Ok(Side {
            kind: "report",
            tool_version: value["version"].as_str().map(str::to_owned),
            spec_version: value["spec_version"].as_str().map(str::to_owned),
            cases: out,
        });
    }
    let mut side = Side {
        kind: "manifest",
        tool_version: None,
        spec_version: None,
        cases: Vec::new(),
    };
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let value: Value = serde_json::from_str(line).map_err(|e| {
            format!(
                "{} line {}: not JSON ({e}): {expected}",
                path.display(),
                n + 1
            )
        })?;
        match value["type"].as_str() {
            Some("manifest") => {
                side.tool_version = value["tool_version"].as_str().map(str::to_owned);
                side.spec_version = value["spec_version"].as_str().map(str::to_owned);
            }
            Some("test") => {
                let (Some(name), Some(clause), Some(level)) = (
                    value["name"].as_str(),
                    value["clause"].as_str(),
                    value["level"].as_str(),
                ) else {
                    return Err(format!(
                        "{} line {}: a test without name, clause and level: {expected}",
                        path.display(),
                        n + 1
                    ));
                };
                side.cases.push((
                    name.to_owned(),
                    Entry {
                        clause: clause.to_owned(),
                        level: level.to_owned(),
                        verdict: None,
                    },
                ));
            }
            _ => {
                return Err(format!(
                    "{} line {}: neither a manifest header nor a test: {expected}",
                    path.display(),
                    n + 1
                ))
            }
        }
    }
    if side.cases.is_empty() {
        return Err(format!("{}: no case in it: {expected}", path.display()));
    }
    Ok(side)
}

/// One changed case.
#[derive(Debug)]
struct Change {
    name: String,
    clause: String,
    level: String,
    from: String,
    to: String,
}

#[derive(Debug, Default)]
struct Changes {
    regressions: Vec<Change>,
    fixes: Vec<Change>,
    verdicts: Vec<Change>,
    levels: Vec<Change>,
    added: Vec<Change>,
    removed: Vec<Change>,
}

fn compare(old: &Side, new: &Side) -> Changes {
    let before: BTreeMap<&str, &Entry> = old.cases.iter().map(|(n, e)| (n.as_str(), e)).collect();
    let after: BTreeMap<&str, &Entry> = new.cases.iter().map(|(n, e)| (n.as_str(), e)).collect();
    let mut changes = Changes::default();
    let change = |name: &str, e: &Entry, from: &str, to: &str| Change {
        name: name.to_owned(),
        clause: e.clause.clone(),
        level: e.level.clone(),
        from: from.to_owned(),
        to: to.to_owned(),
    };
    for (name, e) in &new.cases {
        match before.get(name.as_str()) {
            None => changes
                .added
                .push(change(name, e, "", e.verdict.as_deref().unwrap_or(""))),
            Some(was) => {
                if was.level != e.level {
                    changes.levels.push(change(name, e, &was.level, &e.level));
                }
                if let (Some(from), Some(to)) = (&was.verdict, &e.verdict) {
                    if from != to {
                        let c = change(name, e, from, to);
                        if to == "fail" {
                            changes.regressions.push(c);
                        } else if from == "fail" && to == "pass" {
                            changes.fixes.push(c);
                        } else {
                            changes.verdicts.push(c);
                        }
                    }
                }
            }
        }
    }
    for (name, e) in &old.cases {
        if !after.contains_key(name.as_str()) {
            changes
                .removed
                .push(change(name, e, e.verdict.as_deref().unwrap_or(""), ""));
        }
    }
    changes
}

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

    fn to_text(&self, cli: &DiffCli, old: &Side, new: &Side) -> String {
        let mut out = format!(
            "old: {}\nnew: {}\n",
            describe(&cli.old, old),
            describe(&cli.new, new)
        );
        if old.kind != new.kind {
            out.push_str("a manifest and a report: case sets and levels compared, not verdicts\n");
        }
        for (title, list) in self.sections() {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("\n{title}: {}\n", list.len()));
            let width = list.iter().map(|c| c.name.len()).max().unwrap_or(0);
            for c in list {
                let arrow = match (c.from.is_empty(), c.to.is_empty()) {
                    (true, true) => String::new(),
                    (true, false) => c.to.clone(),
                    (false, true) => c.from.clone(),
                    (false, false) => format!("{} -> {}", c.from, c.to),
                };
                out.push_str(&format!("  {:width$}  {:<8} {arrow}\n", c.name, c.level));
            }
        }
        out.push_str(&format!(
            "\n{} regressions, {} fixes, {} other verdict changes, {} level changes, {} added, {} removed{}",
            self.regressions.len(),
            self.fixes.len(),
            self.verdicts.len(),
            self.levels.len(),
            self.added.len(),
            self.removed.len(),
            if self.regressions.is_empty() { "" } else { ": exit status 101" }
        ));
        out
    }

    fn to_json(&self, cli: &DiffCli, old: &Side, new: &Side) -> Value {
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
        })
    }
}
