//! Correct servers that differ from the mock only where SPEC.md permits: the runner must pass
//! them (exit status 0, no failed case).

use super::fake_api::Fault;
use super::runner::run_against;
use super::servers::{start, Flavor};

fn assert_passes(fault: Fault, flavor: Flavor, extra: &[&str]) -> super::runner::Run {
    let server = start(fault, flavor);
    let run = run_against(&format!("correct-{fault:?}-{flavor:?}"), &server, extra);
    assert_eq!(
        run.status,
        0,
        "{fault:?} over {flavor:?}: expected a pass; failed: {:?}\nstdout tail: {}\nstderr: {}",
        run.failed(),
        &run.stdout[run.stdout.len().saturating_sub(4000)..],
        run.stderr
    );
    // R-11: a correct server leaves no finding.
    assert_eq!(
        run.report["findings"],
        serde_json::json!([]),
        "{fault:?}: no finding"
    );
    // R-11: every cause was refused, so ERR-2 and ERR-3 compared something: none is left not
    // judged (they are only where a route or a cause was answered before authentication).
    let unjudged: Vec<&str> = run.report["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| {
            let name = c["name"].as_str().unwrap_or_default();
            (name.starts_with("ERR-2::envelope_for_") || name.starts_with("ERR-3::"))
                && c["evidence"][0]
                    .as_str()
                    .is_some_and(|e| e.starts_with("not judged: "))
        })
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(unjudged.is_empty(), "{fault:?}: not judged: {unjudged:?}");
    run
}

#[test]
fn strict_http1_only_server_passes() {
    let run = assert_passes(Fault::None, Flavor::Raw, &[]);
    assert!(
        run.stderr.contains("HTTP/1.1 (no h2 offered)"),
        "{}",
        run.stderr
    );
    assert!(run
        .cases_with("ignored")
        .contains("HDR-4::duplicate_field_over_h2"));
}

#[test]
fn strict_h2_server_passes() {
    let run = assert_passes(Fault::None, Flavor::Hyper, &[]);
    assert!(run.stderr.contains("HTTP/2 and HTTP/1.1"), "{}", run.stderr);
}

#[test]
fn extra_json_members_and_request_ids_pass() {
    assert_passes(Fault::ExtraMembers, Flavor::Raw, &[]);
}

#[test]
fn charset_utf8_passes() {
    assert_passes(Fault::CharsetUtf8, Flavor::Hyper, &[]);
}

#[test]
fn lenient_scheme_passes_both_profiles() {
    let run = assert_passes(Fault::LenientScheme, Flavor::Raw, &[]);
    assert!(
        run.stderr.contains("is accepted"),
        "HDR-5 reports the RFC reading: {}",
        run.stderr
    );
    assert_passes(Fault::LenientScheme, Flavor::Raw, &["--profile", "rfc"]);
}

#[test]
fn occasional_429_with_retry_after_passes() {
    let run = assert_passes(Fault::Occasional429, Flavor::Raw, &[]);
    assert!(
        run.report["run"]["rate_limited"].as_u64().unwrap_or(0) > 0,
        "429s were seen and retried"
    );
}

#[test]
fn rfc6750_error_parameter_in_the_challenge_passes() {
    assert_passes(Fault::Rfc6750ErrorParam, Flavor::Raw, &[]);
}

#[test]
fn http_layer_refusing_extension_methods_with_400_passes() {
    assert_passes(Fault::ParserRefusesExtensionMethods, Flavor::Raw, &[]);
}

#[test]
fn connections_closed_after_100_requests_pass() {
    assert_passes(Fault::GoawayAfter100Requests, Flavor::Hyper, &[]);
}

// Issue 16, every observable of a refusal: what ERR-3 and ROUTE-1 must set aside.

#[test]
fn rfc6750_error_parameter_in_the_challenge_passes_over_h2_and_http1() {
    let run = assert_passes(Fault::Rfc6750ErrorParam, Flavor::Hyper, &[]);
    let evidence = run.report["cases"]
        .as_array()
        .and_then(|cases| {
            cases
                .iter()
                .find(|c| c["name"] == "ERR-3::missing_header_like_unrecognized_key")
        })
        .map(|c| c["evidence"].to_string())
        .unwrap_or_default();
    assert!(
        evidence.contains("over HTTP/2") && evidence.contains("over HTTP/1.1"),
        "ERR-3 compared on both protocols: {evidence}"
    );
}

#[test]
fn error_attribute_for_bearer_tokens_only_passes() {
    assert_passes(Fault::ErrorAttributeForBearerTokensOnly, Flavor::Hyper, &[]);
}

#[test]
fn request_ids_and_extra_members_pass_over_h2_and_http1() {
    let run = assert_passes(Fault::ExtraMembers, Flavor::Hyper, &[]);
    assert!(
        run.cases_with("pass")
            .contains("ROUTE-1::refusal_headers_same_for_every_path"),
        "the refusals by path were compared, not skipped"
    );
}

#[test]
fn times_of_the_moment_and_rate_limit_counters_pass() {
    assert_passes(Fault::TimesOfTheMoment, Flavor::Hyper, &[]);
}

#[test]
fn gzip_refusal_with_content_encoding_passes() {
    let run = assert_passes(Fault::GzipWhenAsked, Flavor::Hyper, &[]);
    assert!(
        run.cases_with("pass")
            .contains("ERR-2::negotiation_accept_encoding"),
        "the gzip-compressed envelope was judged, decoded"
    );
}

#[test]
fn lenient_scheme_is_judged_in_every_form_it_accepts() {
    let run = assert_passes(Fault::LenientScheme, Flavor::Hyper, &[]);
    let evidence = run.report["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == "KEY-2::edits_in_every_accepted_form")
        .map(|c| c["evidence"].to_string())
        .unwrap_or_default();
    assert!(
        evidence.contains(r#"scheme \"bearer\", gap SP SP SP"#),
        "KEY-2 ran in the `bearer` form the server accepts: {evidence}"
    );
}
