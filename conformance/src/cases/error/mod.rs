//! ERR-1..ERR-6: the failure response. For each cause of failure — missing, empty, malformed,
//! wrong scheme, wrong prefix, truncated, extended, unrecognized, revoked, another channel, an
//! unknown path — the status is 401 (ERR-1), the body matches `schemas/` and the content type
//! is JSON (ERR-2), nothing tells the causes apart (ERR-3), HEAD answers like GET without a
//! body (ERR-4), `WWW-Authenticate` carries a Bearer challenge (ERR-5, rfc profile), and no
//! piece of the credentials comes back (ERR-6).

use base64::Engine as _;

use super::{bearer, rejected, Case, Check, Context};
use crate::judge::{
    challenge, content_type_problem, differences, CaseResult, Evidence, Finding, Stop,
};
use crate::redact::contains_piece_of;
use crate::spec::Clause;
use crate::target::Key;
use crate::wire::{Reply, Request, Response, Text};

/// The causes of failure ERR-* checks, by name.
pub const CAUSES: [&str; 13] = [
    "missing_header",
    "empty_value",
    "malformed_value",
    "wrong_scheme",
    "wrong_prefix",
    "truncated_key",
    "extended_key",
    "unrecognized_key",
    "revoked_key",
    "key_in_other_header",
    "key_in_query",
    "unknown_path",
    "undocumented_method",
];

/// A stand-in for the valid key when the run has none: failure causes still get checked.
fn base_key(ctx: &Context) -> Key {
    ctx.keys
        .valid
        .clone()
        .unwrap_or_else(|| Key::new("thub_conformance_stand_in_key_0000000000", "stand-in key"))
}

/// The request that produces `cause`; `Err` when the run lacks what it needs.
pub fn cause_request(ctx: &Context, cause: &str) -> Result<Request, Stop> {
    let key = base_key(ctx);
    let auth = |value: Text| ctx.probe().authorization(value);
    Ok(match cause {
        "missing_header" => ctx.probe(),
        "empty_value" => ctx
            .probe()
            .exact()
            .field_with_separator("Authorization", "", ""),
        "malformed_value" => ctx
            .probe()
            .exact()
            .authorization(Text::plain("Bearer").then(key.text())),
        "wrong_scheme" => {
            let encoded =
                base64::engine::general_purpose::STANDARD.encode([key.bytes(), b":"].concat());
            auth(Text::plain("Basic ").then(Text::secret(
                encoded,
                format!("<base64 of {key:?} as user>"),
            )))
        }
        "wrong_prefix" => auth(bearer(key.with_prefix(""))),
        "truncated_key" => auth(bearer(key.truncated(key.len() - 1))),
        "extended_key" => auth(bearer(key.extended("0"))),
        "unrecognized_key" => auth(bearer(Text::credential(
            "thub_conformance_unrecognized_key_000000",
        ))),
        "revoked_key" => auth(bearer(ctx.revoked_key()?.text())),
        "key_in_other_header" => ctx.probe().field("X-API-Key", key.text()),
        "key_in_query" => {
            let e = ctx.probe_endpoint();
            Request::new(
                &e.method,
                Text::plain(format!("{}?api_key=", e.path())).then(key.text()),
            )
        }
        "unknown_path" => Request::get("/v1/conformance-unknown-path"),
        "undocumented_method" => Request::new("PATCH", ctx.probe_endpoint().path()),
        other => return Err(Stop::Ignored(format!("unknown cause {other}"))),
    })
}

/// Every case of the ERR family.
pub fn cases() -> Vec<Case> {
    let mut all = vec![Case::new(
        Clause::Err1,
        "status_401_for_every_cause",
        |ctx| async move {
            let probes = CAUSES
                .iter()
                .filter(|c| !by_route(c))
                .filter_map(|c| cause_request(&ctx, c).ok())
                .collect();
            ctx.expect_each(
                probes,
                "401: every authentication failure is HTTP status 401",
                failure_status,
            )
            .await
        },
    )];
    for cause in CAUSES {
        all.push(Case::new(
            Clause::Err2,
            format!("envelope_for_{cause}"),
            move |ctx| async move { envelope(&ctx, cause).await },
        ));
    }
    for cause in CAUSES.iter().filter(|c| **c != "unrecognized_key") {
        let cause = *cause;
        all.push(Case::new(
            Clause::Err3,
            format!("{cause}_like_unrecognized_key"),
            move |ctx| async move { indistinguishable(&ctx, cause).await },
        ));
    }
    for cause in [
        "missing_header",
        "unrecognized_key",
        "revoked_key",
        "unknown_path",
        "malformed_value",
    ] {
        all.push(Case::new(
            Clause::Err4,
            format!("head_like_get_for_{cause}"),
            move |ctx| async move { head_like_get(&ctx, cause).await },
        ));
    }
    all.push(Case::new(
        Clause::Err5,
        "www_authenticate_bearer_challenge",
        |ctx| async move { challenge_present(&ctx).await },
    ));
    for cause in [
        "malformed_value",
        "wrong_scheme",
        "wrong_prefix",
        "truncated_key",
        "extended_key",
        "unrecognized_key",
        "revoked_key",
        "key_in_other_header",
        "key_in_query",
    ] {
        all.push(Case::new(
            Clause::Err6,
            format!("no_echo_of_{cause}"),
            move |ctx| async move { no_echo(&ctx, cause).await },
        ));
    }
    all.push(Case::new(
        Clause::Err6,
        "no_echo_of_key_hint",
        |ctx: Check| async move { no_hint(&ctx).await },
    ));
    all.push(Case::new(
        Clause::Err6,
        "no_echo_of_cookie",
        |ctx: Check| async move {
            let key = base_key(&ctx);
            let request = ctx
                .probe()
                .field("Cookie", Text::plain("session=").then(key.text()));
            echo_check(&ctx, request).await
        },
    ));
    all
}

/// ERR-1's sweep: refusals with another 4xx than 401 that the KEY, HDR and ROB-1 cases saw.
pub fn refusal_sweep() -> Case {
    Case::sweep(
        Clause::Err1,
        "every_refusal_is_401",
        "every request the KEY, HDR and ROB-1 cases sent that did not authenticate got 401",
    )
}

/// True for causes that are a path or a method, not a credential: a status other than 401
/// there (404, 405 before authentication) is ROUTE-1's to report, not ERR-1..3's.
fn by_route(cause: &str) -> bool {
    matches!(cause, "unknown_path" | "undocumented_method")
}

/// ERR-1's judge: 401 for every failure. A request that was accepted is not a failure; the
/// clause of its cause (KEY-*, HDR-*, ROUTE-*) reports it.
fn failure_status(reply: &Reply) -> Result<(), String> {
    match reply.status() {
        Some(s) if (200..300).contains(&s) => Ok(()),
        _ => rejected(reply),
    }
}

async fn envelope(ctx: &Check, cause: &str) -> CaseResult {
    let request = cause_request(ctx, cause)?;
    let reply = ctx.client.send(&request).await;
    let expected = "the envelope: {\"error\":{\"type\":\"authentication_error\",\"code\":null,\"message\":\"Invalid API key\"}} as application/json";
    let Some(response) = reply.response() else {
        return Err(ctx.fail_with(
            format!("no response for the cause {cause}"),
            &request,
            &reply,
            expected,
            vec![],
        ));
    };
    if (200..300).contains(&response.status) {
        return Ok(Evidence::line(format!(
            "{cause}: answered {} (accepted); the clause of that cause reports it",
            response.status
        )));
    }
    if by_route(cause) && response.status != 401 {
        return Ok(Evidence::line(format!(
            "{cause}: answered {} before authentication: ROUTE-1 reports it",
            response.status
        )));
    }
    let mut problems = ctx.schema.body_errors(response);
    problems
        .iter_mut()
        .for_each(|p| *p = format!("schema error {p}"));
    if let Some(problem) = content_type_problem(response) {
        problems.push(problem);
    }
    if problems.is_empty() {
        Ok(Evidence::line(format!("{cause}: {}", response.describe())))
    } else {
        Err(ctx.fail_with(
            format!("the failure response for the cause {cause} is not the envelope"),
            &request,
            &reply,
            expected,
            problems,
        ))
    }
}

/// `error.type`, `error.code`, `error.message` of a body, for the ERR-3 comparison.
fn error_members(response: &Response) -> [String; 3] {
    let json = response.json();
    let member = |name: &str| {
        json.as_ref()
            .and_then(|j| j.get("error"))
            .and_then(|e| e.get(name))
            .map_or_else(|| "absent".to_owned(), |v| v.to_string())
    };
    [member("type"), member("code"), member("message")]
}

async fn indistinguishable(ctx: &Check, cause: &str) -> CaseResult {
    let baseline = cause_request(ctx, "unrecognized_key")?;
    let request = cause_request(ctx, cause)?;
    let probes = [baseline.clone(), baseline, request];
    let replies = ctx.client.send_all(&probes).await;
    let expected = "the same answer as an unrecognized key: status, error.type, error.code, error.message, and no other signal";
    let (Some(a1), Some(a2), Some(b)) = (
        replies[0].response(),
        replies[1].response(),
        replies[2].response(),
    ) else {
        let details = probes
            .iter()
            .zip(&replies)
            .map(|(p, r)| {
                format!(
                    "{}: {}",
                    p.describe(&ctx.base_path).replace('\n', " "),
                    r.describe()
                )
            })
            .collect();
        return Err(ctx.fail_with(
            "no complete response to compare",
            &probes[2],
            &replies[2],
            expected,
            details,
        ));
    };
    if (200..300).contains(&b.status) {
        return Ok(Evidence::line(format!(
            "{cause}: accepted ({}); the clause of that cause reports it",
            b.status
        )));
    }
    if (200..300).contains(&a1.status) || (200..300).contains(&a2.status) {
        return Ok(Evidence::line(format!(
            "an unrecognized key was accepted ({}): KEY-2 reports it; nothing to compare {cause} with",
            a1.status
        )));
    }
    if by_route(cause) && b.status != 401 {
        return Ok(Evidence::line(format!(
            "{cause}: answered {} before authentication: ROUTE-1 reports it",
            b.status
        )));
    }
    let mut diffs = Vec::new();
    if a1.status != b.status {
        diffs.push(format!(
            "status: {} for an unrecognized key, {} for {cause}",
            a1.status, b.status
        ));
    }
    for (name, (x, y)) in ["error.type", "error.code", "error.message"]
        .iter()
        .zip(error_members(a1).into_iter().zip(error_members(b)))
    {
        if x != y {
            diffs.push(format!(
                "{name}: {x} for an unrecognized key, {y} for {cause}"
            ));
        }
    }
    // RFC 6750 §3.1 lets a challenge name `error="invalid_token"` only when a token was sent.
    // Another path or method is not a cause of failure: there only the four members count.
    let by_route = by_route(cause);
    let echoes: Vec<Vec<u8>> = probes.iter().flat_map(Request::credentials).collect();
    for d in differences(a1, a2, b, &["www-authenticate"], &echoes) {
        if !by_route && !d.starts_with("status") && !d.starts_with("body /error/") {
            diffs.push(format!("{d} (unrecognized key vs {cause})"));
        }
    }
    if diffs.is_empty() {
        return Ok(Evidence::line(format!(
            "{cause}: answered like an unrecognized key ({})",
            b.status
        )));
    }
    Err(ctx.fail_with(
        format!("the failure for {cause} can be told apart from an unrecognized key"),
        &probes[2],
        &replies[2],
        expected,
        diffs,
    ))
}

async fn head_like_get(ctx: &Check, cause: &str) -> CaseResult {
    let get = cause_request(ctx, cause)?.exact().with_method("GET");
    let mut head = get.clone().with_method("HEAD");
    head.fresh_connection = true;
    let mut pairs = vec![(get.clone(), head)];
    if ctx.client.speaks_h2() && !cause.starts_with("malformed") {
        let mut get2 = get.clone();
        get2.wire = crate::wire::Wire::Any;
        let head2 = get2.clone().with_method("HEAD");
        pairs.push((get2, head2));
    }
    let mut failure = ctx.fail(format!("HEAD is not answered like GET for {cause}"));
    let mut seen = Vec::new();
    for (get, head) in pairs {
        let replies = ctx.client.send_all(&[get.clone(), get, head.clone()]).await;
        let expected = "the GET answer's status and headers, without a body";
        let (Some(g1), Some(g2), Some(h)) = (
            replies[0].response(),
            replies[1].response(),
            replies[2].response(),
        ) else {
            failure = failure.finding(Finding {
                request: ctx.show(&head, &replies[2]),
                expected: expected.into(),
                actual: replies[2].describe(),
                details: vec![format!("GET: {}", replies[0].describe())],
            });
            continue;
        };
        if g1.status == 401 && (h.status < 400 || matches!(h.status, 404 | 405 | 501)) {
            // HEAD routed before authentication, or let through: ROUTE-1's every_method cases
            // report it.
            seen.push(format!(
                "{}: HEAD answered {} before authentication (ROUTE-1 reports it)",
                h.protocol.as_str(),
                h.status
            ));
            continue;
        }
        let mut diffs: Vec<String> = differences(g1, g2, h, &[], &head.credentials())
            .into_iter()
            .filter(|d| !d.starts_with("body"))
            .map(|d| format!("{d} (GET vs HEAD)"))
            .collect();
        if !h.body.is_empty() {
            diffs.push(format!(
                "the HEAD response carried a body of {} bytes",
                h.body.len()
            ));
        }
        if diffs.is_empty() {
            seen.push(format!(
                "{}: HEAD {} like GET",
                h.protocol.as_str(),
                h.status
            ));
        } else {
            failure = failure.finding(Finding {
                request: ctx.show(&head, &replies[2]),
                expected: format!("{expected}: GET got {}", g1.describe()),
                actual: h.describe(),
                details: diffs,
            });
        }
    }
    if failure.findings.is_empty() {
        Ok(Evidence::line(format!("{cause}: {}", seen.join("; "))))
    } else {
        Err(failure.into())
    }
}

async fn challenge_present(ctx: &Check) -> CaseResult {
    let probes: Vec<Request> = CAUSES
        .iter()
        .filter_map(|c| cause_request(ctx, c).ok())
        .collect();
    let replies = ctx.client.send_all(&probes).await;
    let mut failure =
        ctx.fail("a 401 lacks a WWW-Authenticate Bearer challenge (RFC 9110 §11.6.1)");
    let mut seen = Vec::new();
    for (request, reply) in probes.iter().zip(&replies) {
        let Some(response) = reply.response().filter(|r| r.status == 401) else {
            continue;
        };
        let values: Vec<&[u8]> = response.header_all("www-authenticate").collect();
        let problem = if values.is_empty() {
            Some("no WWW-Authenticate field".to_owned())
        } else {
            match challenge::parse(&values) {
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
        };
        match problem {
            Some(why) => {
                failure = failure.finding(Finding {
                    request: ctx.show(request, reply),
                    expected: "WWW-Authenticate with a Bearer challenge".into(),
                    actual: reply.describe(),
                    details: vec![why],
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

async fn no_echo(ctx: &Check, cause: &str) -> CaseResult {
    let request = cause_request(ctx, cause)?;
    echo_check(ctx, request).await
}

async fn echo_check(ctx: &Check, request: Request) -> CaseResult {
    let credentials = request.credentials();
    let reply = ctx.client.send(&request).await;
    let Some(response) = reply.response() else {
        return Ok(Evidence::line("no response: nothing echoed"));
    };
    let mut echoed = Vec::new();
    for credential in &credentials {
        if contains_piece_of(&response.body, credential) {
            echoed.push(
                "the body holds 10 or more consecutive characters of the credentials sent"
                    .to_owned(),
            );
        }
        for (name, value) in &response.headers {
            if contains_piece_of(value, credential)
                || contains_piece_of(name.as_bytes(), credential)
            {
                echoed.push(format!("the header {name} holds 10 or more consecutive characters of the credentials sent"));
            }
        }
    }
    if echoed.is_empty() {
        Ok(Evidence::line(format!(
            "{} credential(s) sent, none echoed",
            credentials.len()
        )))
    } else {
        echoed.dedup();
        Err(ctx.fail_with(
            "the failure response echoes the credentials it was sent",
            &request,
            &reply,
            "a response holding no piece (10+ characters) of the credentials sent",
            echoed,
        ))
    }
}

/// The secret part of the key ERR-6's hint check sends: random-looking, so that its first or
/// last four characters in a response are an echo, not a coincidence.
const HINT_PROBE_SECRET: &str = "Xq7vKz3PwT9mR2nLb8YcJ5hDg4WfQ6tZ";

/// Pieces of `secret` a response may not hold: its first and last four characters (what a
/// key hint such as `thub_…WXYZ` shows) and any six in a row.
fn hint_pieces(secret: &str) -> Vec<&str> {
    let mut pieces = vec![&secret[..4], &secret[secret.len() - 4..]];
    pieces.extend((0..=secret.len() - 6).map(|i| &secret[i..i + 6]));
    pieces
}

/// ERR-6, in part: a failure response shows no hint of the key it was sent (`thub_…WXYZ`).
async fn no_hint(ctx: &Check) -> CaseResult {
    let key = format!("thub_{HINT_PROBE_SECRET}");
    let request = ctx.probe().authorization(bearer(Text::credential(&key)));
    let reply = ctx.client.send(&request).await;
    let Some(response) = reply.response() else {
        return Ok(Evidence::line("no response: nothing echoed"));
    };
    let pieces = hint_pieces(HINT_PROBE_SECRET);
    let holds = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        pieces
            .iter()
            .find(|p| text.contains(**p))
            .map(|p| p.to_string())
    };
    let mut echoed = Vec::new();
    if let Some(piece) = holds(&response.body) {
        echoed.push(format!("the body holds {piece:?}, a piece of the key sent"));
    }
    for (name, value) in &response.headers {
        if let Some(piece) = holds(value) {
            echoed.push(format!(
                "the header {name} holds {piece:?}, a piece of the key sent"
            ));
        }
    }
    if echoed.is_empty() {
        return Ok(Evidence::line(
            "no piece of the key sent (first or last 4 characters, any 6) came back",
        ));
    }
    Err(ctx.fail_with("the failure response shows part of the credentials it was sent (a key hint)", &request,
        &reply,
        "a response holding no piece of the key sent: not its first or last 4 characters, not any 6 in a row",
        echoed,
    ))
}
