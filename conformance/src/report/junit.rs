//! `--junit PATH`: JUnit XML (quick-junit) for CI — one test suite for the run (`server`, or
//! `client` for client grading), its test cases in run order (the manifest's, the JSON
//! report's), each with its clause as `classname` (what CI viewers group by); failures with
//! their message, ignored cases as skipped with the reason. Not a suite per clause: a clause's
//! cases do not all run together (ROUTE-1's generated family runs last), so suites per clause
//! could not keep run order.

use std::path::Path;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Record, RunFacts};
use crate::error::Error;
use crate::judge::Verdict;
use crate::redact::redact;

/// The report as XML text.
pub fn build(facts: &RunFacts, records: &[Record]) -> String {
    let mut report = Report::new("terminus-conformance");
    report.set_time(std::time::Duration::from_secs_f64(facts.seconds));
    // Client grading runs scenarios; a server run does not.
    let mut suite = TestSuite::new(if facts.scenarios.is_some() {
        "client"
    } else {
        "server"
    });
    suite.add_property(("target", redact(&facts.target).as_str()));
    if let Some(seed) = facts.seed {
        suite.add_property(("seed", seed.to_string().as_str()));
    }
    suite.add_property(("profile", facts.profile));
    suite.set_time(std::time::Duration::from_secs_f64(facts.seconds));
    for record in records {
        let status = match &record.verdict {
            Verdict::Pass(_) => TestCaseStatus::success(),
            Verdict::Ignored(reason) => {
                let mut status = TestCaseStatus::skipped();
                status.set_message(redact(reason));
                status
            }
            Verdict::Inconclusive(reason) => {
                // Not a failure of the target: an error of the run.
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
                status.set_message(format!("inconclusive: {}", redact(reason)));
                status.set_type("inconclusive");
                status
            }
            Verdict::Fail(failure) => {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                let message = failure.render();
                status.set_message(message.lines().next().unwrap_or_default().to_owned());
                status.set_description(message);
                status.set_type(record.clause.id());
                status
            }
        };
        let mut case = TestCase::new(record.name.clone(), status);
        case.set_classname(record.clause.id());
        case.set_time(record.duration);
        if let Verdict::Pass(evidence) = &record.verdict {
            case.set_system_out(redact(&evidence.0.join("\n")));
        }
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    report.to_string().expect("the JUnit report serializes")
}

/// Writes the report to `path`.
pub fn write(path: &Path, facts: &RunFacts, records: &[Record]) -> Result<(), Error> {
    std::fs::write(path, redact(&build(facts, records))).map_err(|source| Error::Write {
        flag: "--junit",
        path: path.to_owned(),
        source,
    })
}
