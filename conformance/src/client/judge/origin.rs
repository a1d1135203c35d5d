//! CLI-4 and CLI-5: the key stays with the origin it was configured for (every redirect of the
//! redirect space, `redirects.rs`), and TLS is verified.

use super::*;
use crate::client::journal::Seen;
use crate::client::scenario::Scenario;
use crate::judge::{CaseResult, Evidence};
use crate::spec::Clause;

/// CLI-4: the key never reaches another origin, never travels in clear. A request is at
/// another origin when it reached another listener, came over plain HTTP, or named another
/// host; back at the origin (a chain that returns) the key may be sent again.
pub(super) fn cli4(o: &Outcome) -> CaseResult {
    let Some(stem) = o.stem() else {
        return Ok(Evidence::line("no key given"));
    };
    let elsewhere: Vec<&Seen> = o.seen.iter().filter(|s| !o.at_origin(s)).collect();
    let carried: Vec<&&Seen> = elsewhere.iter().filter(|s| s.mentions(stem)).collect();
    let target = o.redirect_to.as_deref().unwrap_or("the second origin");
    if carried.is_empty() && o.served == 0 {
        return Err(o.not_exercised());
    }
    if !carried.is_empty() {
        let origins: Vec<String> = carried.iter().map(|s| s.origin()).collect();
        let clear = carried.iter().any(|s| !s.tls);
        let mut failure = o.failure(
            Clause::Cli4,
            format!(
                "the key followed a redirect (Location: {target}) to {}{}",
                origins.join(", "),
                if clear {
                    ": it travelled in clear"
                } else {
                    ", another origin"
                }
            ),
        );
        for seen in carried {
            failure = failure.finding(Outcome::request_finding(
                seen,
                "no key on a request to another origin (drop Authorization, or do not follow)",
                format!(
                    "the key in {}, at {}",
                    seen.places(stem, true).join(", "),
                    seen.origin()
                ),
            ));
        }
        return Err(failure.into());
    }
    let home = o.public().len();
    // A chain that came back: the key may be sent again at the origin; the evidence says so.
    let back: Vec<&Seen> = match elsewhere.first() {
        Some(away) => o
            .public()
            .into_iter()
            .filter(|s| s.seq > away.seq)
            .collect(),
        None => Vec::new(),
    };
    let back_note = (!back.is_empty()).then(|| {
        let keyed = back.iter().filter(|s| s.mentions(stem)).count();
        format!(
            "back at the origin: {} request(s), {keyed} with the key (allowed)",
            back.len()
        )
    });
    let evidence = Evidence::line(if elsewhere.is_empty() {
        format!(
            "the mock answered the redirect to {target} ({} time(s)); the client did not follow it to another origin ({home} request(s) to the origin)",
            o.served
        )
    } else {
        format!(
            "followed the redirect to {target} ({} request(s) at {}) without the key",
            elsewhere.len(),
            elsewhere
                .iter()
                .map(|s| s.origin())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
        )
    });
    Ok(match back_note {
        Some(note) => evidence.and(note),
        None => evidence,
    })
}

/// CLI-5: no HTTP request over a connection whose certificate should have been refused.
pub(super) fn cli5(o: &Outcome) -> CaseResult {
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
