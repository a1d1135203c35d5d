//! The fake API's refusals broken, or varied as SPEC.md permits, in what they say besides the
//! envelope's members (issue 16: every observable of a refusal): the `WWW-Authenticate` a
//! [`Fault`] calls for (ERR-3), and the fields and members that name the path (ROUTE-1).

use serde_json::{json, Value};

use super::authenticate::header;
use super::routes::{known_path, route_matches, ROUTES};
use super::{Cause, Fault, Incoming};

/// The `WWW-Authenticate` the fault calls for: `Some(None)` for no field at all, `None` when the
/// fault leaves the challenge alone.
pub(super) fn challenge(fault: Fault, cause: Cause, req: &Incoming) -> Option<Option<String>> {
    let value = header(req, "authorization").map(|v| String::from_utf8_lossy(v).trim().to_owned());
    let words: Option<Vec<&str>> = value.as_deref().map(|v| v.split(' ').collect());
    match fault {
        // passport-http-bearer: `fail(400)` (no challenge) for a value that is not two words
        // split at a space; a token only after a `Bearer` scheme, in any case.
        Fault::PassportChallenges => Some(match words.as_deref() {
            Some(words) if value.as_deref() != Some("") && words.len() != 2 => None,
            Some([scheme, _]) if scheme.eq_ignore_ascii_case("bearer") => {
                Some(r#"Bearer realm="Users", error="invalid_token""#.into())
            }
            _ => Some(r#"Bearer realm="Users""#.into()),
        }),
        Fault::RealmForRevokedKey if cause == Cause::Revoked => {
            Some(Some(r#"Bearer realm="revoked-keys""#.into()))
        }
        Fault::ErrorAttributeForBearerTokensOnly => Some(Some(
            if value.as_deref().is_some_and(|v| v.starts_with("Bearer ")) {
                r#"Bearer realm="fake", error="invalid_token""#
            } else {
                r#"Bearer realm="fake""#
            }
            .into(),
        )),
        _ => None,
    }
}

/// The request's path, without a query, `;params` or the scheme and authority of an absolute
/// form.
fn path(req: &Incoming) -> &str {
    let path = req.target.split(['?', ';']).next().unwrap_or("/");
    path.strip_prefix("https://")
        .map_or(path, |rest| rest.find('/').map_or("/", |i| &rest[i..]))
}

/// Adds the fields and members naming the path that the fault calls for.
pub(super) fn by_path(
    fault: Fault,
    req: &Incoming,
    headers: &mut Vec<(String, String)>,
    body: &mut Value,
) {
    let path = path(req);
    match fault {
        Fault::AllowOnKnownPaths if known_path(path) => {
            let mut allow: Vec<&str> = ROUTES
                .iter()
                .filter(|(_, p, _)| route_matches(p, path))
                .map(|(m, _, _)| *m)
                .collect();
            allow.extend(["HEAD", "OPTIONS"]);
            headers.push(("Allow".into(), allow.join(", ")));
        }
        Fault::PathInLinkFields => {
            headers.push(("Content-Location".into(), path.to_owned()));
            headers.push(("Link".into(), format!("<{path}>; rel=\"self\"")));
        }
        Fault::PathInBody => body["path"] = json!(path),
        _ => {}
    }
}

/// Times of the moment and a rate-limit counter, for [`Fault::TimesOfTheMoment`]: the "clock"
/// ticks every four requests, so two answers in a row often share a second a third does not.
pub(super) fn times(fault: Fault, counter: u64, headers: &mut Vec<(String, String)>) {
    if fault != Fault::TimesOfTheMoment {
        return;
    }
    let tick = counter / 4;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    headers.push((
        "Expires".into(),
        format!(
            "Mon, 07 Dec 2026 09:{:02}:{:02} GMT",
            tick / 60 % 60,
            tick % 60
        ),
    ));
    headers.push(("X-RateLimit-Reset".into(), (now + 60 + tick).to_string()));
    headers.push((
        "X-RateLimit-Remaining".into(),
        (1000 - tick % 1000).to_string(),
    ));
}
