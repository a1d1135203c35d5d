//! R-11 for clients, findings not symptoms: the cause each failure of client grading comes from,
//! so that the failures one cause explains make one finding that says what to change, listing
//! the cases (scenario by scenario) it explains. A key sent in `X-Api-Key` instead of
//! `Authorization` fails CLI-1 and CLI-2 in every scenario: one finding. Otherwise failures of
//! one clause group when they say the same thing, the key's description and the numbers (counts,
//! milliseconds) aside: a client that retries without bound does so after the 429, the 503 and
//! the reset alike.

use crate::judge::{Cause, Failure};
use crate::spec::Clause;

/// What to change, per clause: the finding's last word when no more particular cause is known.
const CHANGE: &[(Clause, &str)] = &[
    (Clause::Cli1, "Send exactly one `Authorization: Bearer <key>` field on every request, the key byte for byte as configured."),
    (Clause::Cli2, "Send the key in the `Authorization` field only: not in the URL, a cookie, another header (User-Agent included) or the body."),
    (Clause::Cli3, "With no key given, read TERMINUS_API_KEY; with neither, fail before sending anything, with an error naming TERMINUS_API_KEY (or the option that takes the key)."),
    (Clause::Cli4, "On a redirect to another scheme, host or port, drop `Authorization` (or do not follow it); never send the key to an http:// URL."),
    (Clause::Cli5, "Verify TLS: the certificate must chain to a trusted CA and name the host; do not turn either check off."),
    (Clause::Cli6, "Treat a 401 as final: do not resend the request with the same key, and raise an error carrying the envelope's `message` and `type`."),
    (Clause::Cli7, "Honour `Retry-After`, bound the retries (a few at most) and back off between them."),
    (Clause::Cli8, "Keep the key out of error messages, exception text, logs and debug representations (show at most a hint, e.g. its last four characters)."),
];

/// The cause of a failure that named none more particular: its clause and what it says.
pub fn of(failure: &Failure, description: Option<&str>) -> Cause {
    let plain = |text: &str| normalised(text, description);
    // Where the shape of the wrong requests is the cause (the scheme's spelling, the header the
    // key went to), the findings tell causes apart; elsewhere the summary does.
    let mut shapes: Vec<String> = match failure.clause {
        Clause::Cli1 | Clause::Cli2 | Clause::Cli4 => {
            failure.findings.iter().map(|f| plain(&f.actual)).collect()
        }
        _ => Vec::new(),
    };
    shapes.sort();
    shapes.dedup();
    // The shape says what the requests looked like: `Authorization: bearer <valid key "x">`.
    let signature = match (shapes.len(), failure.findings.first()) {
        (1.., Some(first)) => format!("{}: {}", failure.summary, first.actual),
        _ => failure.summary.clone(),
    };
    Cause {
        id: format!(
            "{}|{}|{}",
            failure.clause,
            plain(&failure.summary),
            shapes.join("|")
        ),
        clause: failure.clause,
        signature,
        change: change(failure.clause).to_owned(),
    }
}

/// CLI-4: the key went along on a redirect that changed the origin. Whichever change it was
/// (scheme, host, port, alone or together), the fix is one: the cases it explains say which.
pub fn key_followed_redirect() -> Cause {
    Cause {
        id: "key followed a redirect to another origin".into(),
        clause: Clause::Cli4,
        signature: "the key followed a redirect that changed the origin (scheme, host or port)"
            .into(),
        change: change(Clause::Cli4).to_owned(),
    }
}

/// The key sent in `places` (`the X-Api-Key header`, `the query`) with no `Authorization`
/// field at all: CLI-1 and CLI-2 fail for it in every scenario, one finding under CLI-1.
pub fn key_instead_in(mut places: Vec<String>) -> Cause {
    places.sort();
    places.dedup();
    let places = places.join(", ");
    Cause {
        id: format!("key instead in {places}"),
        clause: Clause::Cli1,
        signature: format!("the key sent in {places} instead of `Authorization: Bearer <key>`"),
        change: format!(
            "Send the key as `Authorization: Bearer <key>`, and nowhere else: not in {places}."
        ),
    }
}

/// What to change for `clause`.
pub fn change(clause: Clause) -> &'static str {
    CHANGE
        .iter()
        .find(|(c, _)| *c == clause)
        .map_or("Meet the clause's requirement.", |(_, change)| change)
}

/// `text` with the key's description (`<valid key "grading">`, `<revoked key "grading">`) and
/// every number made alike.
fn normalised(text: &str, description: Option<&str>) -> String {
    let text = match description {
        Some(d) => text.replace(d.strip_suffix('>').unwrap_or(d), "<key"),
        None => text.to_owned(),
    };
    let mut out = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() || (in_number && c == '.') {
            if !in_number {
                out.push('#');
            }
            in_number = true;
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_clause_says_what_to_change() {
        for clause in Clause::ALL.iter().filter(|c| c.id().starts_with("CLI-")) {
            assert_ne!(
                change(*clause),
                "Meet the clause's requirement.",
                "{clause}"
            );
        }
    }

    #[test]
    fn numbers_and_the_key_do_not_split_a_cause() {
        let a = Failure::new(Clause::Cli7, "retries without bound: 11 requests in 0.3 s");
        let b = Failure::new(
            Clause::Cli7,
            "retries without bound: 12 requests in 10.25 s",
        );
        assert_eq!(of(&a, None).id, of(&b, None).id);
        let c = Failure::new(Clause::Cli7, "retried 12 ms after a 429");
        assert_ne!(of(&a, None).id, of(&c, None).id);
        assert_eq!(
            normalised(
                "Bearer <revoked key \"grading\">",
                Some("<revoked key \"grading\">")
            ),
            normalised(
                "Bearer <valid key \"grading\">",
                Some("<valid key \"grading\">")
            ),
        );
    }

    #[test]
    fn the_key_in_another_header_is_one_cause_whatever_the_order() {
        let a = key_instead_in(vec!["the X-Api-Key header".into(), "the query".into()]);
        let b = key_instead_in(vec!["the query".into(), "the X-Api-Key header".into()]);
        assert_eq!(a, b);
        assert_eq!(a.clause, Clause::Cli1);
        assert!(
            a.change.contains("not in the X-Api-Key header"),
            "{}",
            a.change
        );
    }
}
