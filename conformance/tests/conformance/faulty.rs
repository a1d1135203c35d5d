//! One fake server per fault; the runner must fail it, naming the clause the fault breaks.

use super::fake_api::Fault;
use super::runner::run_against;
use super::servers::{start, Flavor};

/// Caught by `clause` and no other clause: the runner leaves a finding that is another
/// clause's consequence to that clause (the ledger), so a one-fault server fails one clause.
fn assert_caught_only(fault: Fault, flavor: Flavor, clause: &str, extra: &[&str]) {
    let run = assert_caught(fault, flavor, clause, extra);
    assert_eq!(
        run.failed_clauses().into_iter().collect::<Vec<_>>(),
        [clause],
        "{fault:?}: only {clause} fails; failed: {:?}",
        run.failed()
    );
}

fn assert_caught(fault: Fault, flavor: Flavor, clause: &str, extra: &[&str]) -> super::runner::Run {
    let server = start(fault, flavor);
    let run = run_against(&format!("{fault:?}"), &server, extra);
    let failed = run.failed();
    assert_eq!(
        run.status, 101,
        "{fault:?}: expected exit 101 (a failure), got {}\nfailed: {failed:?}\nstderr: {}",
        run.status, run.stderr
    );
    assert!(
        run.failed_clauses().contains(clause),
        "{fault:?}: expected a failed {clause} case; failed: {failed:?}\nstdout tail: {}",
        &run.stdout[run.stdout.len().saturating_sub(3000)..]
    );
    assert!(
        run.stdout.contains(&format!("{clause} violated")),
        "{fault:?}: the failure message names {clause}"
    );
    // the findings explain every failed case, and the clause is among them.
    let findings = run.report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let explained: std::collections::BTreeSet<String> = findings
        .iter()
        .flat_map(|f| f["cases"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        explained, failed,
        "{fault:?}: the findings explain the failed cases"
    );
    assert!(
        findings.iter().any(|f| f["clause"] == clause),
        "{fault:?}: a finding under {clause}: {findings:#?}"
    );
    eprintln!(
        "{fault:?} caught by {clause}; {} findings; every failed case: {failed:?}",
        findings.len()
    );
    if std::env::var_os("TERMINUS_TEST_SHOW_OUTPUT").is_some() {
        eprintln!("{}\n{}", run.stdout, run.stderr);
    }
    run
}

/// One broken server and the clause that must catch it: a line of the tables below.
pub struct Known {
    /// The test's name.
    pub test: &'static str,
    /// The fault.
    pub fault: Fault,
    /// The server that carries it.
    pub flavor: Flavor,
    /// The clause that must catch it.
    pub clause: &'static str,
    /// Extra runner arguments.
    pub extra: &'static [&'static str],
}

/// One test per line: `name: Fault over Flavor by "CLAUSE" [extra args];`, each asserting with
/// `$assert` (`assert_caught`: the clause is named; `assert_caught_only`: and no other); the
/// lines are also the table `$table` (the request-budget measurement runs them all).
macro_rules! faults {
    ($assert:ident, $table:ident; $($test:ident: $fault:ident over $flavor:ident by $clause:literal $([$($arg:literal),*])?;)*) => {
        $(
            #[test]
            fn $test() {
                $assert(Fault::$fault, Flavor::$flavor, $clause, &[$($($arg),*)?]);
            }
        )*
        /// The faults of this block, as a table.
        pub const $table: &[Known] = &[$(Known {
            test: stringify!($test),
            fault: Fault::$fault,
            flavor: Flavor::$flavor,
            clause: $clause,
            extra: &[$($($arg),*)?],
        }),*];
    };
}

// Found by independent targets (conformance/tests/external): each was missed, or blamed on
// clauses it does not break as well.
faults! {
    assert_caught_only, CAUGHT_ALONE;
    // Every observable of a refusal: the time to answer.
    revoked_key_answered_slowly: SlowForRevokedKey over Raw by "ERR-3";
    // Request forms front ends treat as internal or public.
    http_1_0_skips_auth: Http10SkipsAuth over Raw by "ROUTE-1";
    loopback_host_trusted: LoopbackHostTrusted over Raw by "ROUTE-1";
    loopback_forwarded_for_trusted: TrustsLoopbackForwardedFor over Hyper by "ROUTE-1";
    auth_exempts_by_rewritten_url: AuthExemptsRewrittenUrl over Hyper by "ROUTE-1";
    method_override_to_options_open: MethodOverrideOptionsOpen over Raw by "ROUTE-1";
    // One protocol only: each probe goes over HTTP/2 and HTTP/1.1 where both are spoken.
    not_found_before_auth_over_http1_only: NotFoundBeforeAuthOverHttp1 over Hyper by "ROUTE-1";
    trailing_slash_bypass_over_http2_only: TrailingSlashBypassOverHttp2 over Hyper by "ROUTE-2";
    unicode_whitespace_trimmed_off_the_key: TrimsUnicodeWhitespace over Raw by "KEY-2";
    format_checked_keys_fail_key2_alone: FormatOnlyKey over Raw by "KEY-2";
    truncated_key_accepted_fails_key2_alone: AcceptsTruncatedKey over Raw by "KEY-2";
    sessionid_cookie_accepted: SessionIdCookie over Raw by "HDR-3";
    head_body_written_late_fails_err4_alone: HeadWithLateBody over Raw by "ERR-4";
    key_hint_in_a_header: KeyHintHeader over Raw by "ERR-6";
    header_echo_fails_err6_alone: EchoesInHeader over Raw by "ERR-6";
    not_found_before_auth_fails_route1_alone: NotFoundBeforeAuth over Raw by "ROUTE-1";
    method_not_allowed_before_auth_fails_route1_alone: MethodNotAllowedBeforeAuth over Hyper by "ROUTE-1";
    server_error_on_obs_text_fails_rob1_alone: ServerErrorOnObsText over Raw by "ROB-1";
    status_400_for_obs_text_fails_rob1_alone: Status400ForObsText over Raw by "ROB-1";
    hang_on_quote_fails_rob1_alone: HangsOnQuote over Raw by "ROB-1" ["--timeout", "1"];
    // A stream held on a live HTTP/2 connection is a hang (R-5 sends a stream again only when
    // the server shut the connection down meanwhile).
    hang_on_quote_over_h2_fails_rob1_alone: HangsOnQuote over H2Only by "ROB-1" ["--timeout", "1"];
    // Every observable of a refusal (issue 16): the challenge among presented credentials, the
    // refusal by path, on every protocol.
    passport_challenges_tell_malformed_from_unknown: PassportChallenges over Hyper by "ERR-3";
    allow_on_known_paths_only: AllowOnKnownPaths over Hyper by "ROUTE-1";
    link_fields_name_the_path: PathInLinkFields over Raw by "ROUTE-1";
    path_in_the_envelope: PathInBody over Hyper by "ROUTE-1";
    // i16-forms: the `Authorization` value and content negotiation, each along its axis alone.
    key_case_folded_under_lowercase_scheme: CaseInsensitiveKeyUnderLowercaseScheme over Raw by "KEY-2";
    html_refusal_for_browsers: HtmlRefusalForBrowsers over Hyper by "ERR-2";
    not_acceptable_without_json: NotAcceptableWithoutJson over Raw by "ERR-2";
    gzip_without_content_encoding: GzipWithoutContentEncoding over Hyper by "ERR-2";
}

// Broken along one axis of the request space alone (i16-space): each answers a request that
// carries one value of that axis from a route, without a key.
faults! {
    assert_caught_only, CAUGHT_ALONG_AN_AXIS;
    propfind_answered_207: PropfindOpen over Raw by "ROUTE-1";
    asterisk_options_answered_200: AsteriskOptionsOpen over Raw by "ROUTE-1";
    backslash_normalised_past_auth: BackslashNormalisedPastAuth over Hyper by "ROUTE-2";
    query_method_override_open: QueryMethodOverrideOpen over Hyper by "ROUTE-1";
    h2c_upgrade_before_auth: H2cUpgradeBeforeAuth over Raw by "ROUTE-1";
    expect_continue_skips_auth: ExpectContinueSkipsAuth over Hyper by "ROUTE-1";
    if_none_match_star_answered_304: ConditionalAnswered304BeforeAuth over Hyper by "ROUTE-1";
    chunked_body_skips_auth: ChunkedBodySkipsAuth over Raw by "ROUTE-1";
    chunked_body_skips_auth_over_h2: ChunkedBodySkipsAuth over H2Only by "ROUTE-1";
    trailing_dot_host_skips_auth: TrailingDotHostSkipsAuth over Hyper by "ROUTE-1";
    trailing_dot_host_skips_auth_over_h2: TrailingDotHostSkipsAuth over H2Only by "ROUTE-1";
    // Caught by the pairwise combinations alone (ROUTE-1::pairwise_on_*).
    http_1_0_with_forwarding_trusted: Http10WithForwardingTrusted over Raw by "ROUTE-1";
}

faults! {
    assert_caught, CAUGHT;
    // Every observable of a refusal: the status line and the body's text (KEY-4 too: a revoked
    // key answered otherwise than an unknown one).
    reason_phrase_tells_the_cause: ReasonPhraseByCause over Raw by "ERR-3";
    // Issue 16: the reason phrase over HTTP/1.1 while HTTP/2 is offered too; another realm for
    // a revoked key (KEY-4 sees it as well).
    reason_phrase_tells_the_cause_over_http1_beside_h2: ReasonPhraseByCause over Hyper by "ERR-3";
    realm_tells_a_revoked_key: RealmForRevokedKey over Raw by "ERR-3";
    body_text_tells_the_cause: BodyTextByCause over Hyper by "ERR-3";
    // Keys split or padded by bytes a stack strips, decodes or stops at.
    inner_whitespace_removed: RemovesInnerWhitespace over Raw by "KEY-2";
    token_ends_at_obs_text: StopsAtObsText over Raw by "KEY-2";
    token_percent_decoded: PercentDecodesKey over Hyper by "KEY-2";
    // KEY-2 too: a prefix compared case-insensitively accepts a key with a case change.
    prefix_case_insensitive_over_http1_only: PrefixCaseInsensitiveOverHttp1 over Hyper by "KEY-1";
    prefix_compared_case_insensitively: PrefixCaseInsensitive over Raw by "KEY-1";
    prefix_optional: PrefixOptional over Raw by "KEY-1";
    token_normalized: NormalizesToken over Raw by "KEY-2";
    key_compared_case_insensitively: CaseInsensitiveKey over Hyper by "KEY-2";
    revoked_key_gets_403: RevokedGets403 over Raw by "KEY-4";
    revoked_key_accepted: RevokedAccepted over Raw by "KEY-4";
    trailing_token_ignored: TrailingTokenIgnored over Raw by "HDR-1";
    // i16-forms: `strip()` after the scheme also trims Unicode spaces off the key (KEY-2 too).
    strip_after_scheme: StripsAfterScheme over Raw by "HDR-1";
    strip_after_scheme_over_h2: StripsAfterScheme over Hyper by "HDR-1";
    tab_after_scheme_accepted: TabAccepted over Raw by "HDR-1";
    scheme_optional: SchemeOptional over Raw by "HDR-1";
    field_name_case_sensitive: FieldNameCaseSensitive over Raw by "HDR-2";
    whitespace_not_trimmed: WhitespaceNotTrimmed over Raw by "HDR-2";
    x_api_key_accepted: AcceptsXApiKey over Hyper by "HDR-3";
    query_param_accepted: AcceptsQueryParam over Raw by "HDR-3";
    basic_accepted: AcceptsBasic over Raw by "HDR-3";
    cookie_accepted: AcceptsCookie over Raw by "HDR-3";
    first_duplicate_wins: FirstDuplicateWins over Raw by "HDR-4";
    last_duplicate_wins: LastDuplicateWins over Hyper by "HDR-4";
    comma_joined_first_wins: CommaJoinedFirstWins over Raw by "HDR-4";
    options_open: OptionsOpen over Raw by "ROUTE-1";
    healthz_open: HealthzOpen over Raw by "ROUTE-1";
    trailing_slash_bypass: TrailingSlashBypass over Raw by "ROUTE-2";
    error_code_set: ErrorCodeSet over Raw by "ERR-2";
    text_html_content_type: TextHtmlContentType over Raw by "ERR-2";
    wrong_message: WrongMessage over Raw by "ERR-2";
    different_message_when_missing: DifferentMessageWhenMissing over Raw by "ERR-3";
    reason_header: ReasonHeader over Raw by "ERR-3";
    status_400_for_malformed: Status400ForMalformed over Raw by "ERR-1";
    head_with_body: HeadWithBody over Raw by "ERR-4";
    missing_www_authenticate_in_rfc_profile: MissingWwwAuthenticate over Raw by "ERR-5" ["--profile", "rfc"];
    credentials_echoed: EchoesCredentials over Raw by "ERR-6";
    hang_on_long_value: HangsOnLongValue over Raw by "ROB-1" ["--timeout", "1"];
    reset_on_quote: ResetOnQuote over Raw by "ROB-1";
    valid_key_refused_on_post: ValidKeyRefusedOnPost over Raw by "OK-1" ["--allow-writes"];
}

#[test]
fn missing_www_authenticate_is_only_information_in_the_doc_profile() {
    let server = start(Fault::MissingWwwAuthenticate, Flavor::Raw);
    let run = run_against("MissingWwwAuthenticate-doc", &server, &[]);
    assert_eq!(run.status, 0, "failed: {:?}", run.failed());
    assert!(
        run.stderr
            .contains("ERR-5::www_authenticate_bearer_challenge: informational"),
        "{}",
        run.stderr
    );
}

/// i16-forms: a tab accepted only under a case variant of the scheme is no single value's
/// fault (`Bearer<TAB>key` is refused, `bearer key` is HDR-5's to permit): only the pairwise
/// case over the form axes catches it, as an interaction.
#[test]
fn tab_accepted_only_under_a_case_variant_scheme_is_an_interaction() {
    let run = assert_caught(
        Fault::LenientBranchTrimsWhitespace,
        Flavor::Raw,
        "HDR-1",
        &[],
    );
    assert_eq!(
        run.failed().into_iter().collect::<Vec<_>>(),
        ["HDR-1::scheme_gap_tail_pairs"],
        "{}",
        &run.stdout[run.stdout.len().saturating_sub(3000)..]
    );
}
