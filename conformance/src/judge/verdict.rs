//! What a case concludes: [`Verdict`] (pass with evidence, fail, ignored with a reason), and
//! failure messages that read like bug reports — the clause and its requirement, each wrong
//! request (keys shown by derivation), what was expected and what came back, schema errors,
//! and for generated families the seed and the shrunk minimal input.

use super::exchange::Exchange;
use crate::redact::redact;
use crate::spec::Clause;

/// How an ignored case's reason begins when the clause's precondition never held: the
/// case could not judge anything, and says why, but it did not pass.
pub const NOT_JUDGED: &str = "not judged: ";

/// Findings shown in full in one failure message; the rest are counted.
const FINDINGS_SHOWN: usize = 6;

/// One request answered wrongly.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The request, as [`crate::wire::Request::describe`] shows it.
    pub request: String,
    /// What the clause requires of the answer.
    pub expected: String,
    /// What came back.
    pub actual: String,
    /// More: schema errors, what differed.
    pub details: Vec<String>,
    /// The exchange as facts, for grouping findings by their evidence: filled by
    /// `Check::finding`; `None` for a finding a case builds by hand (it stays a finding of its
    /// own case).
    pub exchange: Option<Box<Exchange>>,
}

/// A failed case.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The clause violated.
    pub clause: Clause,
    /// One line: what is wrong.
    pub summary: String,
    /// The wrong requests.
    pub findings: Vec<Finding>,
    /// Trailing notes: the seed, the shrinking, how to reproduce.
    pub notes: Vec<String>,
    /// True when the profile cannot make this informational (a 5xx where a choice was
    /// allowed).
    pub always: bool,
    /// True when every finding is an answer the target gave (R-5: such a failure stands even
    /// when other requests of the case could not be delivered).
    pub observed: bool,
    /// The cause, when the case can name it (client grading): failures of one cause make one
    /// finding, whichever clause and case they come from.
    pub cause: Option<Box<Cause>>,
}

/// A cause a case names for its failure: every failure with the same `id` is one
/// finding, shown under `clause`, saying `signature` and what to `change`. Client grading
/// names them: a key sent in `X-Api-Key` breaks CLI-1 and CLI-2 in every scenario, and is one
/// thing to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// Groups failures: equal ids, one finding.
    pub id: String,
    /// The clause the finding is shown under.
    pub clause: Clause,
    /// What is wrong, in one line.
    pub signature: String,
    /// What to change, in one sentence.
    pub change: String,
}

impl Failure {
    /// A failure of `clause` with a summary line.
    pub fn new(clause: Clause, summary: impl Into<String>) -> Self {
        Self {
            clause,
            summary: summary.into(),
            findings: Vec::new(),
            notes: Vec::new(),
            always: false,
            observed: false,
            cause: None,
        }
    }

    /// With the cause it comes from.
    pub fn because(mut self, cause: Cause) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// With a finding.
    pub fn finding(mut self, finding: Finding) -> Self {
        self.findings.push(finding);
        self
    }

    /// With a note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// The failure message, redacted.
    pub fn render(&self) -> String {
        let mut out = format!(
            "{} violated: {}\n  requirement: {}\n",
            self.clause,
            self.summary,
            self.clause.requirement()
        );
        for finding in self.findings.iter().take(FINDINGS_SHOWN) {
            out.push_str(&format!("  request:  {}\n", finding.request));
            out.push_str(&format!("  expected: {}\n", finding.expected));
            out.push_str(&format!("  actual:   {}\n", finding.actual));
            for detail in &finding.details {
                out.push_str(&format!("            - {detail}\n"));
            }
        }
        if self.findings.len() > FINDINGS_SHOWN {
            out.push_str(&format!(
                "  … and {} more like these\n",
                self.findings.len() - FINDINGS_SHOWN
            ));
        }
        for note in &self.notes {
            out.push_str(&format!("  {note}\n"));
        }
        redact(&out)
    }
}

/// Why a case stopped without passing.
#[derive(Debug, Clone)]
pub enum Stop {
    /// It found a violation.
    Fail(Failure),
    /// It cannot run here (a key or the admin plane is missing), with the reason.
    Ignored(String),
    /// It ran, but some of its requests never reached the target or stayed rate limited:
    /// evidence of nothing, with the reason.
    Inconclusive(String),
}

impl Stop {
    /// the clause's precondition never held, so nothing was judged; `ignored` with the
    /// reason, which begins with [`NOT_JUDGED`].
    pub fn not_judged(reason: impl AsRef<str>) -> Stop {
        Stop::Ignored(format!("{NOT_JUDGED}{}", reason.as_ref()))
    }
}

impl From<Failure> for Stop {
    fn from(failure: Failure) -> Self {
        Stop::Fail(failure)
    }
}

/// What a passing case observed, for the JSON report.
#[derive(Debug, Clone, Default)]
pub struct Evidence(pub Vec<String>);

impl Evidence {
    /// One line of evidence.
    pub fn line(text: impl Into<String>) -> Self {
        Self(vec![text.into()])
    }

    /// Adds a line.
    pub fn and(mut self, text: impl Into<String>) -> Self {
        self.0.push(text.into());
        self
    }
}

/// The outcome of a case body.
pub type CaseResult = Result<Evidence, Stop>;

/// A case's final verdict.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Passed, with what was seen.
    Pass(Evidence),
    /// Failed.
    Fail(Failure),
    /// Not run here, and why.
    Ignored(String),
    /// Could not be checked: requests never delivered, or still rate limited, and why.
    Inconclusive(String),
}

impl Verdict {
    /// `pass`, `fail`, `ignored` or `inconclusive`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Pass(_) => "pass",
            Verdict::Fail(_) => "fail",
            Verdict::Ignored(_) => "ignored",
            Verdict::Inconclusive(_) => "inconclusive",
        }
    }

    /// True for an ignored case whose clause's precondition never held ([`Stop::not_judged`]).
    pub fn is_not_judged(&self) -> bool {
        matches!(self, Verdict::Ignored(reason) if reason.starts_with(NOT_JUDGED))
    }

    /// The evidence lines (a failure's rendered message; an ignored case's reason), redacted.
    pub fn evidence(&self) -> Vec<String> {
        match self {
            Verdict::Pass(e) => e.0.iter().map(|l| redact(l)).collect(),
            Verdict::Fail(f) => vec![f.render()],
            Verdict::Ignored(reason) | Verdict::Inconclusive(reason) => vec![redact(reason)],
        }
    }
}
