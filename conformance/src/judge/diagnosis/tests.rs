//! Grouping from evidence: failures built from real requests and responses, as `Check::finding`
//! records them, come to the findings a reader would write by hand.

use bytes::Bytes;

use super::*;
use crate::judge::exchange::Exchange;
use crate::wire::{Protocol, Reply, Request, Response};

fn answer(status: u16, fields: &[(&str, &str)], body: &str, protocol: Protocol) -> Reply {
    let mut headers = vec![("content-type".to_owned(), b"application/json".to_vec())];
    headers.extend(
        fields
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.as_bytes().to_vec())),
    );
    Reply::Response(Response {
        status,
        reason: String::new(),
        headers,
        body: Bytes::from(body.to_owned()),
        protocol,
        elapsed: std::time::Duration::ZERO,
    })
}

fn wrong(request: Request, reply: Reply) -> Finding {
    Finding {
        request: request.describe(""),
        expected: "401 (the envelope)".into(),
        actual: reply.describe(),
        details: vec![],
        exchange: Some(Box::new(Exchange::of(&request, &reply, ""))),
    }
}

fn failure(clause: Clause, findings: Vec<Finding>) -> Failure {
    let mut failure = Failure::new(
        clause,
        format!("{} requests answered wrongly", findings.len()),
    );
    failure.findings = findings;
    failure
}

const NOT_FOUND: &str = r#"{"detail":"Not Found"}"#;
const NOT_ALLOWED: &str = r#"{"detail":"Method Not Allowed"}"#;

/// A deployment that authenticates per route: 405 for other methods on a documented path,
/// 404 for other paths, seen by many cases of two clauses.
fn per_route() -> Vec<(String, Failure)> {
    let refused = |method: &str, path: &str, protocol| {
        wrong(
            Request::new(method, path),
            answer(405, &[("allow", "GET")], NOT_ALLOWED, protocol),
        )
    };
    let missing = |path: &str| {
        wrong(
            Request::get(path),
            answer(404, &[], NOT_FOUND, Protocol::Http1),
        )
    };
    vec![
        (
            "ROUTE-1::every_method_on_v1_account".into(),
            failure(
                Clause::Route1,
                vec![
                    refused("PUT", "/v1/account", Protocol::Http1),
                    refused("PUT", "/v1/account", Protocol::Http2),
                    refused("DELETE", "/v1/account", Protocol::Http1),
                ],
            ),
        ),
        (
            "ROUTE-1::operational_path_healthz".into(),
            failure(Clause::Route1, vec![missing("/healthz")]),
        ),
        (
            "ROUTE-1::operational_path_metrics".into(),
            failure(Clause::Route1, vec![missing("/metrics")]),
        ),
        (
            "ROUTE-1::method_override_headers".into(),
            failure(
                Clause::Route1,
                vec![wrong(
                    Request::new("POST", "/v1/account").field("X-HTTP-Method-Override", "GET"),
                    answer(405, &[("allow", "GET")], NOT_ALLOWED, Protocol::Http1),
                )],
            ),
        ),
        (
            // A 404 seen by another clause's case is the same finding.
            "HDR-3::query_param_api_key".into(),
            failure(Clause::Hdr3, vec![missing("/v1/account/")]),
        ),
    ]
}

fn run(failed: &[(String, Failure)]) -> Vec<Diagnosis> {
    diagnose(
        failed.iter().map(|(n, f)| (n.as_str(), f)),
        "https://127.0.0.1:8443",
    )
}

#[test]
fn authentication_per_route_is_two_findings_whatever_the_cases() {
    let found = run(&per_route());
    assert_eq!(found.len(), 2, "{found:#?}");
    let by = |status: &str| {
        found
            .iter()
            .find(|d| d.signature.starts_with(status))
            .unwrap()
    };
    let [methods, paths] = [by("405"), by("404")];
    assert_eq!(
        methods.signature,
        "405 with Allow and JSON that is not the envelope"
    );
    assert_eq!(methods.clause, Clause::Route1);
    assert_eq!(methods.axes[0].name, "method");
    assert_eq!(
        methods.cases,
        [
            "ROUTE-1::every_method_on_v1_account",
            "ROUTE-1::method_override_headers"
        ]
    );
    assert_eq!(
        methods.reproduction.as_deref(),
        Some("curl -sS --http1.1 -i -X PUT 'https://127.0.0.1:8443/v1/account'")
    );
    assert_eq!(paths.signature, "404 with JSON that is not the envelope");
    assert_eq!(paths.axes[0].name, "path");
    assert_eq!(paths.cases.len(), 3);
    assert!(paths
        .cases
        .contains(&"HDR-3::query_param_api_key".to_owned()));
    for finding in &found {
        assert_eq!(finding.likely, Some(likely::PER_ROUTE));
        assert!(finding.lines()[1].contains("authentication registered per route"));
    }
    assert_eq!(headline(&found, 5), "2 findings explain 5 failed cases");
}

#[test]
fn common_causes_are_recognised_from_the_evidence() {
    let head = wrong(
        Request::new("HEAD", "/v1/account"),
        answer(405, &[("allow", "GET")], "", Protocol::Http1),
    );
    let options = wrong(
        Request::new("OPTIONS", "/v1/projects"),
        answer(200, &[("allow", "GET, POST")], "", Protocol::Http1),
    );
    let slash = wrong(
        Request::get("/v1/account/").exact(),
        answer(307, &[("location", "/v1/account")], "", Protocol::Http1),
    );
    let docs = wrong(
        Request::get("/openapi.json"),
        answer(200, &[], r#"{"openapi":"3.1.0"}"#, Protocol::Http1),
    );
    let found = run(&[
        (
            "ROUTE-1::every_method_on_v1_account".into(),
            failure(Clause::Route1, vec![head]),
        ),
        (
            "ROUTE-1::every_method_on_v1_projects".into(),
            failure(Clause::Route1, vec![options]),
        ),
        (
            "ROUTE-2::trailing_slash".into(),
            failure(Clause::Route2, vec![slash]),
        ),
        (
            "ROUTE-1::operational_path_openapi_json".into(),
            failure(Clause::Route1, vec![docs]),
        ),
    ]);
    let cause = |case: &str| {
        found
            .iter()
            .find(|d| d.cases.iter().any(|c| c == case))
            .and_then(|d| d.likely)
    };
    assert_eq!(
        cause("ROUTE-1::every_method_on_v1_account"),
        Some(likely::AUTOMATIC_HEAD)
    );
    assert_eq!(
        cause("ROUTE-1::every_method_on_v1_projects"),
        Some(likely::AUTOMATIC_OPTIONS)
    );
    assert_eq!(
        cause("ROUTE-2::trailing_slash"),
        Some(likely::SLASH_REDIRECT)
    );
    assert_eq!(
        cause("ROUTE-1::operational_path_openapi_json"),
        Some(likely::DOCS_ROUTES)
    );
    let slash = found.iter().find(|d| d.clause == Clause::Route2).unwrap();
    assert_eq!(
        slash.signature,
        "307 redirect to the requested path without its trailing slash with an empty body"
    );
    assert_eq!(
        found
            .iter()
            .find(|d| d.likely == Some(likely::AUTOMATIC_HEAD))
            .unwrap()
            .reproduction
            .as_deref(),
        Some("curl -sS --http1.1 -I 'https://127.0.0.1:8443/v1/account'")
    );
}

#[test]
fn tokens_from_the_query_and_stripped_credentials_are_recognised() {
    use crate::wire::Text;
    let key = || {
        Text::secret(
            concat!("thub_", "DiagnosisTestKey0123456789"),
            "<valid key>",
        )
    };
    let query = wrong(
        Request::get(Text::plain("/v1/account?access_token=").then(key())),
        answer(200, &[], "{}", Protocol::Http1),
    );
    let stripped = wrong(
        Request::get("/v1/account").authorization(Text::plain("Bearer \t").then(key())),
        answer(200, &[], "{}", Protocol::Http1),
    );
    let found = run(&[
        (
            "HDR-3::query_param_access_token".into(),
            failure(Clause::Hdr3, vec![query]),
        ),
        (
            "HDR-1::space_then_tab".into(),
            failure(Clause::Hdr1, vec![stripped]),
        ),
    ]);
    assert_eq!(found.len(), 2);
    let hdr1 = found.iter().find(|d| d.clause == Clause::Hdr1).unwrap();
    assert_eq!(hdr1.likely, Some(likely::STRIPPED_CREDENTIAL));
    // The key travels as the variable it came from, never as its bytes.
    assert_eq!(
        hdr1.reproduction.as_deref(),
        Some("curl -sS --http1.1 -i -H $'Authorization: Bearer \\t'\"${TERMINUS_API_KEY}\" 'https://127.0.0.1:8443/v1/account'")
    );
    let hdr3 = found.iter().find(|d| d.clause == Clause::Hdr3).unwrap();
    assert_eq!(hdr3.likely, Some(likely::TOKEN_FROM_QUERY_OR_BODY));
    assert!(!format!("{found:?}").contains("DiagnosisTestKey"));
}

#[test]
fn a_finding_without_its_exchange_is_its_case_alone() {
    let mut by_hand = failure(Clause::Key4, vec![]);
    by_hand.findings.push(Finding {
        request: "GET /v1/account with the revoked key".into(),
        expected: "401".into(),
        actual: "403".into(),
        details: vec![],
        exchange: None,
    });
    let mut failed = per_route();
    failed.push(("KEY-4::revoked_key_rejected".into(), by_hand));
    failed.push(("ERR-3::same_answer".into(), failure(Clause::Err3, vec![])));
    let found = run(&failed);
    assert_eq!(found.len(), 4);
    let key4 = found.iter().find(|d| d.clause == Clause::Key4).unwrap();
    assert_eq!(key4.cases, ["KEY-4::revoked_key_rejected"]);
    assert_eq!(key4.reproduction, None);
    assert_eq!(key4.request, "GET /v1/account with the revoked key");
    assert_eq!(key4.varying, "1 request");
}

#[test]
fn a_head_answer_joins_the_group_it_matches_but_for_the_body() {
    let mut failed = per_route();
    failed.push((
        "ROUTE-1::unknown_paths".into(),
        failure(
            Clause::Route1,
            vec![wrong(
                Request::new("HEAD", "/nonexistent"),
                answer(404, &[], "", Protocol::Http1),
            )],
        ),
    ));
    let found = run(&failed);
    assert_eq!(found.len(), 2, "{found:#?}");
    let paths = found
        .iter()
        .find(|d| d.signature.starts_with("404"))
        .unwrap();
    assert!(paths.cases.contains(&"ROUTE-1::unknown_paths".to_owned()));
    assert_eq!(paths.signature, "404 with JSON that is not the envelope");
    // Alone, HEAD answers make a finding of their own.
    let alone = run(&failed[5..]);
    assert_eq!(alone.len(), 1);
    assert_eq!(alone[0].signature, "404 with an empty body");
}
