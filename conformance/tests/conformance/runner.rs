//! Runs the `terminus-conformance` binary as a user would — a subprocess with keys in the
//! environment, `--report`, `--junit` and `--html` — and reads what it concluded.

use std::collections::BTreeSet;
use std::process::Command;

use super::fake_api::{REVOKED, VALID};
use super::servers::FakeServer;

/// What one run concluded.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
    pub report: serde_json::Value,
    pub junit: String,
    /// The `--html` page.
    pub html: String,
    /// Where the `--html` page was written.
    pub html_path: std::path::PathBuf,
}

impl Run {
    /// Names of failed cases.
    pub fn failed(&self) -> BTreeSet<String> {
        self.cases_with("fail")
    }

    /// Names of cases with this verdict.
    pub fn cases_with(&self, verdict: &str) -> BTreeSet<String> {
        self.report["cases"]
            .as_array()
            .map(|cases| {
                cases
                    .iter()
                    .filter(|c| c["verdict"] == verdict)
                    .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Clauses with a failed case.
    pub fn failed_clauses(&self) -> BTreeSet<String> {
        self.failed()
            .iter()
            .map(|n| n.split("::").next().unwrap_or_default().to_owned())
            .collect()
    }

    /// Everything it printed or wrote.
    pub fn all_output(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n{}",
            self.stdout, self.stderr, self.report, self.junit, self.html
        )
    }
}

/// A fresh, empty directory of its own for one test's files. Unique per call, not per name:
/// two tests that share a name (one fault over two server flavours) running side by side must
/// not write each other's reports.
pub fn scratch(name: &str) -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!(
        "terminus-conformance-{}-{n}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with `args` plus `--report`, `--junit` and `--html`, environment `env`.
pub fn run_with(name: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let dir = scratch(name);
    let report = dir.join("report.json");
    let junit = dir.join("junit.xml");
    let html = dir.join("report.html");
    for old in [&report, &junit, &html] {
        let _ = std::fs::remove_file(old);
    }
    let mut command = Command::new(env!("CARGO_BIN_EXE_terminus-conformance"));
    command
        .args(args)
        .arg("--report")
        .arg(&report)
        .arg("--junit")
        .arg(&junit)
        .arg("--html")
        .arg(&html)
        .env_remove("TERMINUS_API_KEY")
        .env_remove("TERMINUS_REVOKED_API_KEY")
        .env_remove("TERMINUS_SECOND_API_KEY");
    for (k, v) in env {
        command.env(k, v);
    }
    let output = command.output().expect("the runner starts");
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        report: std::fs::read_to_string(&report)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
        junit: std::fs::read_to_string(&junit).unwrap_or_default(),
        html: std::fs::read_to_string(&html).unwrap_or_default(),
        html_path: html,
    }
}

/// Runs against `server` (its URL and CA), with `args` after them and only the keys in `env`.
pub fn run_on(name: &str, server: &FakeServer, args: &[&str], env: &[(&str, &str)]) -> Run {
    let ca = server.ca_path.to_string_lossy().into_owned();
    let mut all = vec!["--target", server.url.as_str(), "--ca-cert", ca.as_str()];
    all.extend_from_slice(args);
    run_with(name, &all, env)
}

/// Runs against a fake server with both keys and small generated families.
pub fn run_against(name: &str, server: &FakeServer, extra: &[&str]) -> Run {
    let ca = server.ca_path.to_string_lossy().into_owned();
    let mut args = vec![
        "--target",
        server.url.as_str(),
        "--ca-cert",
        ca.as_str(),
        "-q",
    ];
    // TERMINUS_TEST_DEFAULTS=1: the runner's own defaults (256 inputs, random seed), to time them.
    if std::env::var_os("TERMINUS_TEST_DEFAULTS").is_none() {
        args.extend(["--cases", "24", "--seed", "7"]);
    }
    args.extend_from_slice(extra);
    run_with(
        name,
        &args,
        &[
            ("TERMINUS_API_KEY", VALID),
            ("TERMINUS_REVOKED_API_KEY", REVOKED),
        ],
    )
}
