//! > **ERR-5** *RFC profile.* RFC 9110 §11.6.1: a 401 MUST carry `WWW-Authenticate` with at least
//! > one challenge; for this API, a `Bearer` challenge. The vendor page is silent: default profile
//! > informational, `rfc` profile a failure. The mock sends
//! > `WWW-Authenticate: Bearer realm="terminus-hub"`. In the `rfc` profile the runner also parses
//! > the challenge (RFC 9110 §11.3 grammar) and checks that it names `Bearer`.
//!
//! One case sends every cause's request; each 401 among the answers must carry
//! `WWW-Authenticate` that parses as challenges, one of them `Bearer`.

use super::causes::CAUSES;
use crate::cases::{Case, Check};
use crate::judge::{challenge, CaseResult, Evidence, Finding};
use crate::spec::Clause;
use crate::wire::Request;

/// The one case of ERR-5.
pub fn cases() -> Vec<Case> {
    vec![Case::new(
        Clause::Err5,
        "www_authenticate_bearer_challenge",
        |ctx| async move { challenge_present(&ctx).await },
    )]
}

/// Why a 401's `WWW-Authenticate` values fall short of a Bearer challenge, if they do.
fn challenge_problem(values: &[&[u8]]) -> Option<String> {
    if values.is_empty() {
        return Some("no WWW-Authenticate field".to_owned());
    }
    match challenge::parse(values) {
        Err(e) => Some(format!(
            "WWW-Authenticate does not parse as RFC 9110 §11.3 challenges: {e}"
        )),
        Ok(challenges)
            if !challenges
                .iter()
                .any(|c| c.scheme.eq_ignore_ascii_case("bearer")) =>
        {
            Some(format!(
                "no Bearer challenge among {:?}",
                challenges
                    .iter()
                    .map(|c| c.scheme.as_str())
                    .collect::<Vec<_>>()
            ))
        }
        Ok(_) => None,
    }
}

/// Sends every cause's request; every 401 must carry a Bearer challenge.
async fn challenge_present(ctx: &Check) -> CaseResult {
    let probes: Vec<Request> = CAUSES.iter().filter_map(|c| c.request(ctx).ok()).collect();
    let replies = ctx.client.send_all(&probes).await;
    let mut failure =
        ctx.fail("a 401 lacks a WWW-Authenticate Bearer challenge (RFC 9110 §11.6.1)");
    let mut seen = Vec::new();
    for (request, reply) in probes.iter().zip(&replies) {
        let Some(response) = reply.response().filter(|r| r.status == 401) else {
            continue;
        };
        let values: Vec<&[u8]> = response.header_all("www-authenticate").collect();
        match challenge_problem(&values) {
            Some(why) => {
                failure = failure.finding(Finding {
                    request: ctx.show(request, reply),
                    expected: "WWW-Authenticate with a Bearer challenge".into(),
                    actual: reply.describe(),
                    details: vec![why],
                    exchange: None,
                })
            }
            None => seen.push(String::from_utf8_lossy(values[0]).into_owned()),
        }
    }
    if failure.findings.is_empty() {
        seen.dedup();
        Ok(Evidence::line(format!(
            "every 401 carries a Bearer challenge: {}",
            seen.join(" | ")
        )))
    } else {
        Err(failure.into())
    }
}
