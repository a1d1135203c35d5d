//! `--junit PATH`: JUnit XML (quick-junit) for CI — one test suite per clause, one test case
//! per trial, failures with their message, ignored cases as skipped with the reason.

use std::collections::BTreeMap;
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
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
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
        suites
            .entry(record.clause.id())
            .or_insert_with(|| {
                let mut suite = TestSuite::new(record.clause.id());
                suite.add_property(("target", redact(&facts.target).as_str()));
                if let Some(seed) = facts.seed {
                    suite.add_property(("seed", seed.to_string().as_str()));
                }
                suite.add_property(("profile", facts.profile));
                suite
            })
            .add_test_case(case);
    }
    report.add_test_suites(suites.into_values());
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
