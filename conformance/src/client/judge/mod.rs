//! Judging a client (SPEC.md part 4) from what one scenario left: the mock's journal, the
//! program's exit status and its output. A clause fails only on what the program did — a
//! request the mock recorded, an exit status, a line it printed — never on the grading's own
//! set-up (that is an error of the run, exit 2 or 3).
//!
//! - this file: [`Outcome`], what a scenario left, and the dispatch to each clause;
//! - `key.rs`: CLI-1, CLI-2, CLI-3, CLI-8 (the key's presentation, its secrecy);
//! - `origin.rs`: CLI-4, CLI-5 (redirects, TLS);
//! - `retries.rs`: CLI-6, CLI-7 (a 401 is final, bounded retries).

use std::time::Duration;

mod key;
mod origin;
mod retries;

use key::{cli1, cli2, cli3, cli8};
use origin::{cli4, cli5};
use retries::{cli6, cli7};

use super::journal::{Listener, Seen};
use super::program::Ran;
use super::redirects::OTHER_HOST;
use super::scenario::{Scenario, Script};
use crate::judge::{CaseResult, Failure, Finding, Stop};
use crate::redact::redact;
use crate::spec::Clause;

/// ERR-2's message and type: what an SDK's error must carry after a 401 (CLI-6).
pub const ENVELOPE_MESSAGE: &str = "Invalid API key";
/// ERR-2's `type`.
pub const ENVELOPE_TYPE: &str = "authentication_error";

/// CLI-7: requests to one endpoint, retries included, a client may send in one scenario.
pub const RETRY_BOUND: usize = 10;
/// CLI-7: three or more retries whose mean interval is under this do not back off.
pub const BACKOFF_FLOOR: Duration = Duration::from_millis(250);
/// CLI-7: how much earlier than `Retry-After` a retry may arrive (clock granularity, the
/// mock's own latency).
pub const RETRY_AFTER_SLACK: Duration = Duration::from_millis(50);

/// Everything one scenario left behind.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The scenario.
    pub scenario: Scenario,
    /// The program's run.
    pub ran: Ran,
    /// What the mock's listeners recorded, in order.
    pub seen: Vec<Seen>,
    /// The key handed to the program (valid or revoked); never printed.
    pub key: Option<String>,
    /// How the journal describes that key, e.g. `<valid key "grading">`.
    pub description: Option<String>,
    /// `TERMINUS_BASE_URL`.
    pub base_url: String,
    /// Where the scenario's redirect points, if it has one.
    pub redirect_to: Option<String>,
    /// The program's timeout.
    pub timeout: Duration,
    /// How many times the mock served the scenario's script (its redirect, 429, 503 or
    /// reset): the fault's hits. 0 with a script: the condition never happened.
    pub served: u64,
}

impl Outcome {
    /// The requests to the origin the program was configured for: the Public API's port, over
    /// TLS, not naming the other host name a redirect scenario sends it to. `http://` on the
    /// same port and `localhost` on the same port are other origins (CLI-4); a host name the
    /// scenario never pointed at (a client's fixed `Host`) is not taken for one.
    fn public(&self) -> Vec<&Seen> {
        self.seen.iter().filter(|s| self.at_origin(s)).collect()
    }

    fn at_origin(&self, seen: &Seen) -> bool {
        let renamed = self.scenario.redirect().is_some() && seen.host() == OTHER_HOST;
        seen.listener == Listener::Public && seen.tls && !renamed
    }

    /// The description without its closing `>`: also finds `<valid key "x" in base64>` and
    /// the like.
    fn stem(&self) -> Option<&str> {
        self.description
            .as_deref()
            .map(|d| d.strip_suffix('>').unwrap_or(d))
    }

    /// A failure of `clause` with the program's exit and its last lines of output.
    fn failure(&self, clause: Clause, summary: impl Into<String>) -> Failure {
        let mut failure = Failure::new(clause, summary);
        failure.observed = true;
        failure
            .note(format!(
                "scenario {}: {}",
                self.scenario.name(),
                self.scenario.what()
            ))
            .note(format!(
                "the program: {} after {:.2} s",
                self.ran.exit.describe(self.timeout),
                self.ran.elapsed.as_secs_f64()
            ))
            .note(self.output_excerpt())
    }

    /// The last lines the program printed, redacted.
    pub fn output_excerpt(&self) -> String {
        let lines: Vec<String> = self
            .ran
            .stderr
            .lines()
            .chain(self.ran.stdout.lines())
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("    | {}", redact(&self.hide_key(l))))
            .collect();
        if lines.is_empty() {
            return "its output: (nothing)".into();
        }
        let skip = lines.len().saturating_sub(12);
        format!(
            "its output{}:\n{}",
            if skip > 0 { " (last 12 lines)" } else { "" },
            lines[skip..].join("\n")
        )
    }

    /// `line` as it may be shown: no piece of the key, redacted.
    pub fn shown(&self, line: &str) -> String {
        redact(&self.hide_key(line))
    }

    /// the scenario's condition (its redirect, 429, 503, reset) never happened, so a
    /// clause that needs it is not judged here, with the reason; never a pass.
    fn not_exercised(&self) -> Stop {
        let public = self.public();
        let what = condition(self.scenario.script()).unwrap_or("the scenario's condition");
        let why = if public.is_empty() {
            "no request reached the mock in this scenario".to_owned()
        } else {
            let statuses: Vec<String> = public.iter().map(|s| s.status.to_string()).collect();
            let refused = public.iter().all(|s| s.status == 401);
            format!(
                "the mock answered {} request(s) with {} before it{}",
                public.len(),
                statuses.join(", "),
                if refused {
                    ": every one refused as unauthenticated, so the key did not reach it as `Authorization: Bearer <key>` (see CLI-1)"
                } else {
                    ""
                }
            )
        };
        Stop::not_judged(format!("not exercised: {what} never happened: {why}"))
    }

    /// The line with any 10-character piece of the scenario's key replaced (the key is also
    /// registered with [`redact`]; this holds even if it could not be).
    fn hide_key(&self, line: &str) -> String {
        match &self.key {
            Some(key) => crate::redact::redact_with(line, &[key.as_bytes().to_vec()]),
            None => line.to_owned(),
        }
    }

    fn request_finding(seen: &Seen, expected: &str, actual: String) -> Finding {
        Finding {
            request: seen.describe(),
            expected: expected.to_owned(),
            actual,
            details: Vec::new(),
            exchange: None,
        }
    }

    fn no_request_reached(&self) -> String {
        format!(
            "no request reached the mock at {}: does the program pass TERMINUS_BASE_URL to the SDK?",
            self.base_url
        )
    }
}

/// What a scenario's script makes happen, for "not exercised" (`None`: nothing beyond the
/// normal answer).
fn condition(script: Script) -> Option<&'static str> {
    match script {
        Script::Normal => None,
        Script::TooManyRequestsOnce => Some("the 429 with `Retry-After: 1`"),
        Script::UnavailableOnce | Script::UnavailableAlways => Some("the 503"),
        Script::ResetOnce => Some("the reset connection"),
        Script::Redirect(_) => Some("the redirect"),
    }
}

/// Judges `clause` on `outcome`; a failure carries its cause (R-11: one finding per cause).
pub fn judge(clause: Clause, outcome: &Outcome) -> CaseResult {
    judge_clause(clause, outcome).map_err(|stop| match stop {
        Stop::Fail(failure) if failure.cause.is_none() => {
            let cause = match clause {
                Clause::Cli4 => super::cause::key_followed_redirect(),
                _ => super::cause::of(&failure, outcome.description.as_deref()),
            };
            Stop::Fail(failure.because(cause))
        }
        other => other,
    })
}

fn judge_clause(clause: Clause, outcome: &Outcome) -> CaseResult {
    match clause {
        Clause::Cli1 => cli1(outcome),
        Clause::Cli2 => cli2(outcome),
        Clause::Cli3 => cli3(outcome),
        Clause::Cli4 => cli4(outcome),
        Clause::Cli5 => cli5(outcome),
        Clause::Cli6 => cli6(outcome),
        Clause::Cli7 => cli7(outcome),
        Clause::Cli8 => cli8(outcome),
        other => Err(Stop::Inconclusive(format!(
            "{other} is not a client clause"
        ))),
    }
}
