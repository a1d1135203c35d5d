//! `terminus-conformance diff OLD NEW`: what changed between two JSON reports (`--report`) or
//! two manifests (`--list --format json`) — regressions, fixes, cases added and removed,
//! verdict and level changes, requirement texts changed — ignoring what differs between any two runs (durations, seeds,
//! ports, counts, evidence). A plain-text table, or `--format json`; exit 101 when a case that
//! did not fail in OLD fails in NEW, 0 otherwise, 2 when a file cannot be read as either (or is
//! the report of a run that errored before its cases: nothing to compare).
//!
//! `pass → inconclusive` (or `→ ignored`) is an other verdict change, not a regression: coverage
//! lost, not a fault found (the run's exit status 3 flags it). An ignored case whose clause's
//! precondition never held (R-11: its evidence begins `not judged:`) shows as
//! `ignored (not judged)`, so `pass → ignored (not judged)` reads as what it is. A case added that fails is listed
//! as added. A manifest against a report compares the case sets and levels only (a manifest
//! has no verdicts).
//!
//! A clause whose requirement text differs (both files carry it: every manifest line, and the
//! cases of reports since 0.2.0) is listed once, with both texts, under "requirement text
//! changed" (`requirement_changes` in JSON): the README tells reviewers to read this diff when a
//! requirement is edited. Like a level change it is not a regression: exit 0 unless a case
//! regressed.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use serde_json::Value;

use crate::redact::redact;

mod render;

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
    /// The clause's requirement; `None` in reports written before 0.2.0.
    requirement: Option<String>,
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
    // a reader that stops early (`| head`) ends the output, quietly.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{}", redact(&out)).and_then(|()| stdout.flush());
    if changes.regressions.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::run::EXIT_FAILED)
    }
}

/// What a file given to `diff` must be, for the error messages.
const EXPECTED: &str = "expected a JSON report (terminus-conformance --report PATH) or a manifest (terminus-conformance --list --format json > PATH)";

/// The verdict words a report's cases carry.
const VERDICTS: [&str; 4] = ["pass", "fail", "ignored", "inconclusive"];

/// Reads a report (one JSON document with `cases`) or a manifest (JSON lines, a header first).
fn read(path: &Path) -> Result<Side, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let side = match serde_json::from_str::<Value>(&text) {
        Ok(value) => read_report(path, &value)?,
        Err(_) => read_manifest(path, &text)?,
    };
    if side.cases.is_empty() {
        return Err(format!("{}: no case in it: {EXPECTED}", path.display()));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some((name, _)) = side.cases.iter().find(|(n, _)| !seen.insert(n.as_str())) {
        return Err(format!(
            "{}: the case {name} is listed twice: {EXPECTED}",
            path.display()
        ));
    }
    Ok(side)
}

fn read_report(path: &Path, value: &Value) -> Result<Side, String> {
    let path = path.display();
    // the report of a run that stopped before its cases has one errored case and a reason.
    if let Some(error) = value.get("error").filter(|e| e.is_object()) {
        return Err(format!(
            "{path}: the report of a run that errored before its cases (exit status {}: {}): \
             no case ran, nothing to compare",
            error["exit_status"],
            error["message"].as_str().unwrap_or("no reason given")
        ));
    }
    let cases = value
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{path}: JSON without a `cases` list: {EXPECTED}"))?;
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let (Some(name), Some(clause), Some(level), Some(verdict)) = (
            case["name"].as_str(),
            case["clause"].as_str(),
            case["level"].as_str(),
            case["verdict"].as_str(),
        ) else {
            return Err(format!(
                "{path}: a case without name, clause, level and verdict: {EXPECTED}"
            ));
        };
        if !VERDICTS.contains(&verdict) {
            return Err(format!(
                "{path}: the case {name} has the verdict {verdict:?}, not one of {}: {EXPECTED}",
                VERDICTS.join(", ")
            ));
        }
        let not_judged = verdict == "ignored"
            && case["evidence"][0]
                .as_str()
                .is_some_and(|e| e.starts_with(crate::judge::NOT_JUDGED));
        out.push((
            name.to_owned(),
            Entry {
                clause: clause.to_owned(),
                level: level.to_owned(),
                verdict: Some(if not_judged {
                    format!("{verdict} (not judged)")
                } else {
                    verdict.to_owned()
                }),
                requirement: case["requirement"].as_str().map(str::to_owned),
            },
        ));
    }
    Ok(Side {
        kind: "report",
        tool_version: value["version"].as_str().map(str::to_owned),
        spec_version: value["spec_version"].as_str().map(str::to_owned),
        cases: out,
    })
}

fn read_manifest(path: &Path, text: &str) -> Result<Side, String> {
    let path = path.display();
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
        let line_no = n + 1;
        let value: Value = serde_json::from_str(line)
            .map_err(|e| format!("{path} line {line_no}: not JSON ({e}): {EXPECTED}"))?;
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
                        "{path} line {line_no}: a test without name, clause and level: {EXPECTED}"
                    ));
                };
                side.cases.push((
                    name.to_owned(),
                    Entry {
                        clause: clause.to_owned(),
                        level: level.to_owned(),
                        verdict: None,
                        requirement: value["requirement"].as_str().map(str::to_owned),
                    },
                ));
            }
            _ => {
                return Err(format!(
                    "{path} line {line_no}: neither a manifest header nor a test: {EXPECTED}"
                ))
            }
        }
    }
    Ok(side)
}

impl Side {
    fn has(&self, name: &str) -> bool {
        self.cases.iter().any(|(n, _)| n == name)
    }
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

/// A clause whose requirement reads differently in NEW.
#[derive(Debug)]
struct RequirementChange {
    clause: String,
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
    requirements: Vec<RequirementChange>,
}

/// Each clause's requirement as a side states it (its first case that carries one), in file
/// order.
fn requirements(side: &Side) -> Vec<(&str, &str)> {
    let mut seen = std::collections::HashSet::new();
    side.cases
        .iter()
        .filter_map(|(_, e)| Some((e.clause.as_str(), e.requirement.as_deref()?)))
        .filter(|(clause, _)| seen.insert(*clause))
        .collect()
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
    let was: BTreeMap<&str, &str> = requirements(old).into_iter().collect();
    for (clause, to) in requirements(new) {
        if let Some(from) = was.get(clause).filter(|from| **from != to) {
            changes.requirements.push(RequirementChange {
                clause: clause.to_owned(),
                from: (*from).to_owned(),
                to: to.to_owned(),
            });
        }
    }
    changes
}
