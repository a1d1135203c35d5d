//! the artifacts of a run that stopped before or around its trials (an unreachable target,
//! a usage error found after the arguments parsed, an embedded mock that would not start).
//! `--junit`, `--report` and `--html` are still written, the first two each with one errored
//! case that names the reason, the page saying that the run errored and why, so a CI step that
//! uploads them never breaks and the reason shows where CI shows test results.

use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_json::json;

use crate::error::Error;
use crate::redact::redact;

/// The one case an errored run reports.
pub const ERRORED_CASE: &str = "terminus-conformance::run";

/// The JUnit XML of a run that stopped with `error`.
pub fn junit(error: &Error) -> String {
    let message = redact(&error.to_string());
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status.set_message(message.as_str());
    status.set_type(kind(error));
    status.set_description(format!(
        "{message}\n(exit status {}: no conformance case ran)",
        error.exit_status()
    ));
    let mut case = TestCase::new(ERRORED_CASE, status);
    case.set_classname("terminus-conformance");
    let mut suite = TestSuite::new("terminus-conformance");
    suite.add_test_case(case);
    let mut report = Report::new("terminus-conformance");
    report.add_test_suite(suite);
    report.to_string().expect("the JUnit report serializes")
}

/// The JSON report of a run that stopped with `error`.
pub fn json(error: &Error) -> serde_json::Value {
    let message = redact(&error.to_string());
    json!({
        "tool": "terminus-conformance",
        "version": env!("CARGO_PKG_VERSION"),
        "spec_version": crate::spec::SPEC_VERSION,
        "error": {"kind": kind(error), "message": message, "exit_status": error.exit_status()},
        "summary": {"pass": 0, "fail": 0, "ignored": 0, "inconclusive": 0, "errored": 1, "not_judged": 0, "findings": 0},
        "findings": [],
        "cases": [{
            "name": ERRORED_CASE,
            "clause": null,
            "level": null,
            "verdict": "error",
            "evidence": [message],
            "duration_ms": 0.0,
        }],
    })
}

/// The HTML page of a run that stopped with `error`: the reason, what the exit status means,
/// and that no case ran.
pub fn html(error: &Error) -> String {
    let status = error.exit_status();
    let meaning = match status {
        3 if matches!(error, Error::ClientSetup(_)) => {
            "setup problem: the program under grading could not be graded (not a violation)"
        }
        3 => "the target cannot be reached",
        2 => "usage error: the command line, a file it names or the environment needs a fix",
        _ => "the run could not be carried out",
    };
    let body = format!(
        "{}<dl class=\"facts\"><dt>reason</dt><dd>{}</dd><dt>kind</dt><dd>{}</dd>{}</dl>\n\
         <p>No conformance case ran: there is no clause matrix and no case to show.</p>\n",
        super::html::outcome(
            "errored",
            "ERRORED",
            &format!("exit status {status}: {meaning}")
        ),
        super::html::text(&error.to_string()),
        kind(error),
        super::html::versions(),
    );
    super::html::page("terminus-conformance: the run errored", &body)
}

/// A word for what stopped the run.
fn kind(error: &Error) -> &'static str {
    if matches!(error, Error::ClientSetup(_)) {
        return "setup";
    }
    match error.exit_status() {
        3 => "unreachable",
        2 => "usage",
        _ => "error",
    }
}

/// Writes whichever of the three artifacts were asked for.
pub fn write(
    junit_path: Option<&Path>,
    report_path: Option<&Path>,
    html_path: Option<&Path>,
    error: &Error,
) -> Result<(), Error> {
    if let Some(path) = junit_path {
        std::fs::write(path, junit(error)).map_err(|source| Error::Write {
            flag: "--junit",
            path: path.to_owned(),
            source,
        })?;
    }
    if let Some(path) = report_path {
        let text = serde_json::to_string_pretty(&json(error)).expect("JSON values serialize");
        std::fs::write(path, text + "\n").map_err(|source| Error::Write {
            flag: "--report",
            path: path.to_owned(),
            source,
        })?;
    }
    if let Some(path) = html_path {
        std::fs::write(path, redact(&html(error))).map_err(|source| Error::Write {
            flag: "--html",
            path: path.to_owned(),
            source,
        })?;
    }
    Ok(())
}
