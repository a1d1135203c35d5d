//! CLI-1, CLI-2, CLI-3 and CLI-8: how the key is presented, where else it goes, what happens
//! without one, and whether the program prints it.

use super::*;
use crate::client::scenario::{KeyGiven, Scenario};
use crate::judge::{CaseResult, Evidence, Finding, Stop};
use crate::redact::{contains_piece_of, redact};
use crate::spec::Clause;

/// CLI-1: exactly one `Authorization: Bearer <key>`, the key as given, on every request to the
/// configured origin; with a valid key the call succeeds.
pub(super) fn cli1(o: &Outcome) -> CaseResult {
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
            failure = failure.because(crate::client::cause::key_instead_in(places));
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
pub(super) fn cli2(o: &Outcome) -> CaseResult {
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
            failure = failure.because(crate::client::cause::key_instead_in(places));
        }
        Err(failure.into())
    }
}

/// CLI-3: with no key, fail before sending anything, saying how to provide one.
pub(super) fn cli3(o: &Outcome) -> CaseResult {
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

/// CLI-8: no 10 characters of the key in anything the program printed.
pub(super) fn cli8(o: &Outcome) -> CaseResult {
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
