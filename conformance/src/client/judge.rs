//! Judging a client (SPEC.md part 4) from what one scenario left: the mock's journal, the
//! program's exit status and its output. A clause fails only on what the program did — a
//! request the mock recorded, an exit status, a line it printed — never on the grading's own
//! set-up (that is an error of the run, exit 2 or 3).

use std::time::Duration;

use super::journal::{Listener, Seen};
use super::program::{Exit, Ran};
use super::scenario::{KeyGiven, Scenario, Script};
use crate::judge::{CaseResult, Evidence, Failure, Finding, Stop};
use crate::redact::{contains_piece_of, redact};
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
    fn public(&self) -> Vec<&Seen> {
        self.seen
            .iter()
            .filter(|s| s.listener == Listener::Public)
            .collect()
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
        // Every other script is a redirect (SPEC.md part 4 lists them).
        #[allow(unreachable_patterns)]
        _ => Some("the redirect"),
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

/// CLI-1: exactly one `Authorization: Bearer <key>`, the key as given, on every request to the
/// configured origin; with a valid key the call succeeds.
fn cli1(o: &Outcome) -> CaseResult {
    let description = o.description.as_deref().unwrap_or_default();
    let expected = format!("exactly one field `Authorization: Bearer {description}`");
    let public = o.public();
    if public.is_empty() {
        return match o.scenario {
            Scenario::ValidKey => Err(o.failure(Clause::Cli1, o.no_request_reached()).into()),
            _ => Err(Stop::Inconclusive(format!(
                "{} (nothing to judge here; see CLI-1::valid_key)",
                o.no_request_reached()
            ))),
        };
    }
    let mut failure = o.failure(
        Clause::Cli1,
        "a request did not carry the key as exactly one `Authorization: Bearer <key>` field",
    );
    // the key sent elsewhere instead (`X-Api-Key`) is one cause with CLI-2's failures.
    let mut instead: Option<Vec<String>> = Some(Vec::new());
    for seen in &public {
        let fields = seen.authorizations();
        let actual = match fields.as_slice() {
            [] => Some("no Authorization field".to_owned()),
            [one] if *one == format!("Bearer {description}") => None,
            [one] => Some(format!(
                "Authorization: {one}{}",
                altered_hint(one, description)
            )),
            many => Some(format!(
                "{} Authorization fields: {}",
                many.len(),
                many.join(" | ")
            )),
        };
        if let Some(actual) = actual {
            let elsewhere = o.stem().map(|s| seen.places(s, false)).unwrap_or_default();
            instead = instead
                .filter(|_| fields.is_empty() && !elsewhere.is_empty())
                .map(|mut p| {
                    p.extend(elsewhere);
                    p
                });
            failure = failure.finding(Outcome::request_finding(seen, &expected, actual));
        }
    }
    if !failure.findings.is_empty() {
        if let Some(places) = instead {
            failure = failure.because(super::cause::key_instead_in(places));
        }
        return Err(failure.into());
    }
    if o.scenario == Scenario::ValidKey && !o.ran.exit.success() {
        let statuses: Vec<String> = public.iter().map(|s| s.status.to_string()).collect();
        return Err(o
            .failure(
                Clause::Cli1,
                format!(
                    "with a valid key the call must succeed: the mock answered {} but the program reported an error ({})",
                    statuses.join(", "),
                    o.ran.exit.describe(o.timeout)
                ),
            )
            .into());
    }
    Ok(Evidence::line(format!(
        "{} request(s), each with exactly one `Authorization: Bearer {description}`",
        public.len()
    )))
}

fn altered_hint(value: &str, description: &str) -> &'static str {
    let scheme = value.split(' ').next().unwrap_or_default();
    if value.contains(description) && scheme != "Bearer" {
        " (the scheme must be spelled `Bearer`)"
    } else if value.contains(description) {
        " (one space between `Bearer` and the key, nothing else)"
    } else if value.contains("<unknown thub_ key>") || value.contains("<not a key>") {
        " (the key was altered on the way: the mock did not recognise it)"
    } else {
        ""
    }
}

/// CLI-2: the key in no other place than `Authorization`, on any listener.
fn cli2(o: &Outcome) -> CaseResult {
    let Some(stem) = o.stem() else {
        return Ok(Evidence::line("no key given"));
    };
    let mut failure = o.failure(
        Clause::Cli2,
        "the key travelled outside the Authorization field",
    );
    let mut instead: Option<Vec<String>> = Some(Vec::new());
    for seen in &o.seen {
        let places = seen.places(stem, false);
        if !places.is_empty() {
            instead = instead
                .filter(|_| seen.authorizations().is_empty())
                .map(|mut p| {
                    p.extend(places.iter().cloned());
                    p
                });
            failure = failure.finding(Outcome::request_finding(
                seen,
                "the key in the Authorization field only",
                format!("the key also in {}", places.join(", ")),
            ));
        }
    }
    if failure.findings.is_empty() {
        Ok(Evidence::line(format!(
            "{} request(s): the key in Authorization only",
            o.seen.len()
        )))
    } else {
        // no Authorization field at all: the same cause as CLI-1's failure.
        if let Some(places) = instead {
            failure = failure.because(super::cause::key_instead_in(places));
        }
        Err(failure.into())
    }
}

/// CLI-3: with no key, fail before sending anything, saying how to provide one.
fn cli3(o: &Outcome) -> CaseResult {
    let sent = o.seen.len();
    if sent > 0 {
        let mut failure = o.failure(
            Clause::Cli3,
            format!("with no key the client sent {sent} request(s); it must fail before sending anything"),
        );
        for seen in &o.seen {
            failure = failure.finding(Outcome::request_finding(seen, "no request", "sent".into()));
        }
        return Err(failure.into());
    }
    if o.ran.exit.success() {
        return Err(o
            .failure(
                Clause::Cli3,
                "with no key the program exited 0; it must report an error",
            )
            .into());
    }
    if !says_how_to_give_a_key(&o.ran.output()) {
        return Err(o
            .failure(
                Clause::Cli3,
                "with no key the error does not say how to provide one (name TERMINUS_API_KEY, or the option that takes the key)",
            )
            .into());
    }
    Ok(Evidence::line(format!(
        "no request; {} with an error naming how to give a key",
        o.ran.exit.describe(o.timeout)
    )))
}

/// True when `output` names the environment variable, or an API key option.
pub fn says_how_to_give_a_key(output: &str) -> bool {
    let lower = output.to_ascii_lowercase();
    lower.contains("terminus_api_key")
        || ["api key", "api_key", "api-key", "apikey"]
            .iter()
            .any(|w| lower.contains(w))
}

/// CLI-4: the key never reaches another origin, never travels in clear.
fn cli4(o: &Outcome) -> CaseResult {
    let Some(stem) = o.stem() else {
        return Ok(Evidence::line("no key given"));
    };
    let elsewhere: Vec<&Seen> = o
        .seen
        .iter()
        .filter(|s| s.listener != Listener::Public)
        .collect();
    let carried: Vec<&&Seen> = elsewhere.iter().filter(|s| s.mentions(stem)).collect();
    let target = o.redirect_to.as_deref().unwrap_or("the second origin");
    if carried.is_empty() && o.served == 0 {
        return Err(o.not_exercised());
    }
    if !carried.is_empty() {
        let clear = o.scenario.script() == Script::RedirectToHttp;
        let mut failure = o.failure(
            Clause::Cli4,
            if clear {
                format!("the key followed a redirect to {target}: it travelled in clear")
            } else {
                format!("the key followed a redirect to another origin, {target}")
            },
        );
        for seen in carried {
            failure = failure.finding(Outcome::request_finding(
                seen,
                "no key on a request to another origin (drop Authorization, or do not follow)",
                format!("the key in {}", seen.places(stem, true).join(", ")),
            ));
        }
        return Err(failure.into());
    }
    Ok(Evidence::line(if elsewhere.is_empty() {
        format!(
            "the mock answered the redirect to {target} ({} time(s)); the client did not follow it",
            o.served
        )
    } else {
        format!(
            "followed the redirect to {target} ({} request(s)) without the key",
            elsewhere.len()
        )
    }))
}

/// CLI-5: no HTTP request over a connection whose certificate should have been refused.
fn cli5(o: &Outcome) -> CaseResult {
    let why = match o.scenario {
        Scenario::UntrustedCa => {
            "its certificate is issued by a CA the client was not told to trust"
        }
        _ => "its certificate does not name the host the client connected to",
    };
    let public = o.public();
    if !public.is_empty() {
        let mut failure = o.failure(
            Clause::Cli5,
            format!("the client sent an HTTP request to a server it should have refused: {why}"),
        );
        for seen in public {
            failure = failure.finding(Outcome::request_finding(
                seen,
                "no request: the TLS handshake fails",
                "the request was sent".into(),
            ));
        }
        return Err(failure.into());
    }
    if o.ran.exit.success() {
        return Err(o
            .failure(
                Clause::Cli5,
                "no request reached the mock, yet the program reported success: it must report the TLS error",
            )
            .into());
    }
    Ok(Evidence::line(format!(
        "no request; the program reported an error ({})",
        o.ran.exit.describe(o.timeout)
    )))
}

/// CLI-6: a 401 is final, and the error carries the envelope's message, never the key.
fn cli6(o: &Outcome) -> CaseResult {
    let Some(stem) = o.stem() else {
        return Ok(Evidence::line("no key given"));
    };
    let with_key: Vec<&Seen> = o
        .public()
        .into_iter()
        .filter(|s| s.mentions(stem))
        .collect();
    if with_key.is_empty() {
        return Err(Stop::Inconclusive(format!(
            "{} (CLI-6 needs the 401 to be received)",
            o.no_request_reached()
        )));
    }
    if with_key.len() > 1 {
        // Expected and actual once; the requests listed under them.
        let statuses: Vec<String> = with_key.iter().map(|s| s.status.to_string()).collect();
        let finding = Finding {
            request: format!("{} requests with the same key", with_key.len()),
            expected: "one request: a 401 is final".into(),
            actual: format!(
                "{} requests, answered {}: the key sent again after the 401",
                with_key.len(),
                statuses.join(", ")
            ),
            details: with_key.iter().map(|s| s.describe()).collect(),
            exchange: None,
        };
        return Err(o
            .failure(
                Clause::Cli6,
                format!(
                    "the client resent the request after a 401: {} requests with the same key",
                    with_key.len()
                ),
            )
            .finding(finding)
            .into());
    }
    if o.ran.exit.success() {
        return Err(o
            .failure(
                Clause::Cli6,
                "the mock answered 401, but the program exited 0: the error must reach the caller",
            )
            .into());
    }
    let output = o.ran.output();
    if !output.contains(ENVELOPE_MESSAGE) {
        return Err(o
            .failure(
                Clause::Cli6,
                format!(
                    "the error does not carry the envelope's message ({ENVELOPE_MESSAGE:?}): the caller cannot tell a bad key from anything else"
                ),
            )
            .into());
    }
    let mut evidence = Evidence::line(format!(
        "one request, answered {}; the error carries {ENVELOPE_MESSAGE:?}",
        with_key[0].status
    ));
    if !output.contains(ENVELOPE_TYPE) {
        evidence = evidence.and(format!(
            "note: the error does not show the envelope's type ({ENVELOPE_TYPE:?})"
        ));
    }
    Ok(evidence)
}

/// CLI-7 (should): `Retry-After` honoured; retries bounded and backing off.
fn cli7(o: &Outcome) -> CaseResult {
    let public = o.public();
    let n = public.len();
    if n == 0 {
        return Err(Stop::Inconclusive(o.no_request_reached()));
    }
    if o.served == 0 && condition(o.scenario.script()).is_some() && n <= RETRY_BOUND {
        return Err(o.not_exercised());
    }
    if n > RETRY_BOUND || (o.ran.exit == Exit::TimedOut && n > 2) {
        let mut failure = o.failure(
            Clause::Cli7,
            format!(
                "retries without bound: {n} requests in {:.1} s{} (at most {RETRY_BOUND} expected)",
                public[n - 1].at.as_secs_f64(),
                if o.ran.exit == Exit::TimedOut {
                    ", still going at the timeout"
                } else {
                    ""
                }
            ),
        );
        for seen in public.iter().take(3) {
            failure = failure.finding(Outcome::request_finding(
                seen,
                "a bounded number of retries",
                format!("answered {}", seen.status),
            ));
        }
        return Err(failure.into());
    }
    // Intervals: from the end of one answer to the next request.
    let gaps: Vec<Duration> = public
        .windows(2)
        .map(|w| w[1].at.saturating_sub(w[0].at + w[0].latency))
        .collect();
    if o.scenario.script() == Script::TooManyRequestsOnce {
        if let (Some(first), Some(gap)) = (public.first(), gaps.first()) {
            if first.status == 429 && *gap + RETRY_AFTER_SLACK < Duration::from_secs(1) {
                return Err(o
                    .failure(
                        Clause::Cli7,
                        format!(
                            "retried {:.0} ms after a 429 that said `Retry-After: 1`: the client must wait at least 1 s",
                            gap.as_secs_f64() * 1000.0
                        ),
                    )
                    .finding(Outcome::request_finding(
                        public[1],
                        "sent at least 1 s after the 429",
                        format!("sent {:.0} ms after it", gap.as_secs_f64() * 1000.0),
                    ))
                    .into());
            }
        }
    }
    if gaps.len() >= 3 {
        let mean = gaps.iter().sum::<Duration>() / gaps.len() as u32;
        if mean < BACKOFF_FLOOR {
            let shown: Vec<String> = gaps
                .iter()
                .map(|g| format!("{:.0} ms", g.as_secs_f64() * 1000.0))
                .collect();
            return Err(o
                .failure(
                    Clause::Cli7,
                    format!(
                        "{} retries without backing off: intervals {} (mean under {} ms)",
                        gaps.len(),
                        shown.join(", "),
                        BACKOFF_FLOOR.as_millis()
                    ),
                )
                .into());
        }
    }
    Ok(Evidence::line(if n == 1 {
        format!(
            "one request: after {} the client did not retry (a client that does not retry meets CLI-7)",
            condition(o.scenario.script()).unwrap_or("the answer")
        )
    } else {
        let shown: Vec<String> = gaps
            .iter()
            .map(|g| format!("{:.0} ms", g.as_secs_f64() * 1000.0))
            .collect();
        format!("{n} requests, intervals {}", shown.join(", "))
    }))
}

/// CLI-8: no 10 characters of the key in anything the program printed.
fn cli8(o: &Outcome) -> CaseResult {
    let Some(key) = o.key.as_deref() else {
        return Ok(Evidence::line("no key given"));
    };
    let secret = key.as_bytes();
    let leaked: Vec<(&str, &str)> = o
        .ran
        .stderr
        .lines()
        .map(|l| ("stderr", l))
        .chain(o.ran.stdout.lines().map(|l| ("stdout", l)))
        .filter(|(_, l)| contains_piece_of(l.as_bytes(), secret))
        .collect();
    if leaked.is_empty() {
        return Ok(Evidence::line(format!(
            "{} bytes of output, no piece of the {} key",
            o.ran.stdout.len() + o.ran.stderr.len(),
            match o.scenario.key() {
                KeyGiven::Revoked => "revoked",
                _ => "valid",
            }
        )));
    }
    let mut failure = o.failure(
        Clause::Cli8,
        format!(
            "the program printed the key (or 10 or more of its characters) on {} line(s)",
            leaked.len()
        ),
    );
    for (stream, line) in leaked.iter().take(3) {
        failure = failure.finding(Finding {
            request: format!("{stream} of the program"),
            expected: "no piece of the key".into(),
            actual: redact(&o.hide_key(line)),
            details: Vec::new(),
            exchange: None,
        });
    }
    Err(failure.into())
}
