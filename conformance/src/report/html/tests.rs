//! The page's text, built from records made by hand: what the target sent is text, never markup;
//! keys are redacted; the matrix counts per clause in SPEC.md's order; failures come first, open.
//! (`tests/conformance/html.rs` renders a real run's page in Chromium.)

use std::time::Duration;

use super::*;
use crate::judge::{Evidence, Failure, Finding};
use crate::spec::Clause;

const KEY: &str = concat!("thub_", "HtmlUnitTestKey0123456789abcdefghij");

fn facts() -> RunFacts {
    RunFacts {
        target: format!("https://example.test/?k={KEY}"),
        embedded: false,
        profile: "doc",
        seed: Some(42),
        cases_per_family: Some(8),
        scenarios: None,
        requests: 120,
        rate_limited: 1,
        http2: true,
        protocols: vec!["h2", "http/1.1"],
        seconds: 1.5,
        requests_per_second: 80.0,
        generated: Default::default(),
    }
}

fn record(name: &str, clause: Clause, verdict: Verdict) -> Record {
    Record {
        name: name.into(),
        clause,
        level: clause.level().as_str(),
        verdict,
        duration: Duration::from_millis(3),
    }
}

fn records() -> Vec<Record> {
    let markup = "<script>alert(1)</script><img src=http://evil.example/x onerror=alert(2)>";
    vec![
        record(
            "KEY-1::prefix_uppercase",
            Clause::Key1,
            Verdict::Pass(Evidence::line("2 requests, each answered as required")),
        ),
        record(
            "ERR-2::envelope_for_missing",
            Clause::Err2,
            Verdict::Fail(
                Failure::new(Clause::Err2, "the failure response is not the envelope").finding(
                    Finding {
                        request: "GET /v1/account with Authorization: Bearer <valid key>".into(),
                        expected: "the envelope".into(),
                        actual: format!("401 (HTTP/1.1); body: {{\"message\":\"{markup}\"}} {KEY}"),
                        details: vec!["schema error at /error/message: 'a & b'".into()],
                        exchange: None,
                    },
                ),
            ),
        ),
        record(
            "ERR-2::envelope_for_unknown_key",
            Clause::Err2,
            Verdict::Pass(Evidence::line(format!("unknown_key: 401; body: {markup}"))),
        ),
        record(
            "KEY-4::revoked_key_rejected",
            Clause::Key4,
            Verdict::Ignored("no TERMINUS_REVOKED_API_KEY".into()),
        ),
        record(
            "ROB-1::long_values",
            Clause::Rob1,
            Verdict::Inconclusive("3 requests never reached the target".into()),
        ),
    ]
}

/// the page names the protocols the run negotiated, not HTTP/1.1 for an h2-only target.
#[test]
fn the_page_says_which_protocols_were_checked() {
    let mut facts = facts();
    assert!(build(&facts, &records()).contains("over HTTP/2 and HTTP/1.1"));
    facts.protocols = vec!["h2"];
    let page = build(&facts, &records());
    assert!(page.contains("over HTTP/2 only"), "{page}");
    assert!(!page.contains("HTTP/2 and HTTP/1.1"));
    facts.protocols = vec!["http/1.1"];
    facts.http2 = false;
    assert!(build(&facts, &records()).contains("over HTTP/1.1 only"));
}

#[test]
fn what_the_target_sent_is_text_never_markup() {
    crate::redact::register_secret(KEY);
    let page = build(&facts(), &records());
    assert_eq!(page.matches("<script").count(), 0, "{page}");
    assert_eq!(page.matches("<img").count(), 0);
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=http://evil.example/x"));
    assert!(page.contains("&#39;a &amp; b&#39;"));
    assert!(!page.contains("src=\""), "no resource is referenced");
    assert!(!page.contains("href=\"http"), "no link leaves the page");
    assert!(
        page.contains("default-src 'none'"),
        "the CSP forbids fetching anything"
    );
    assert!(!crate::redact::contains_piece_of(
        page.as_bytes(),
        KEY.as_bytes()
    ));
    assert!(page.contains("https://example.test/?k=&lt;redacted&gt;"));
}

#[test]
fn the_matrix_has_a_row_per_clause_with_cases_in_spec_order() {
    let page = build(&facts(), &records());
    let rows: Vec<&str> = page
        .split("<tr class=\"")
        .skip(1)
        .map(|row| {
            row.split("data-clause=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(rows, ["KEY-1", "KEY-4", "ERR-2", "ROB-1"]);
    assert!(page.contains("<tr class=\"fail\" data-clause=\"ERR-2\" data-verdict=\"fail\">"));
    assert!(page.contains("<tr class=\"ignored\" data-clause=\"KEY-4\" data-verdict=\"ignored\">"));
    assert!(page.contains(
        "<tr class=\"inconclusive\" data-clause=\"ROB-1\" data-verdict=\"inconclusive\">"
    ));
    // ERR-2: one pass and one fail, each counted with its word; its link goes to the failure.
    let err2 = page
        .split("data-clause=\"ERR-2\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        err2.contains(">1 pass<") && err2.contains(">1 fail<"),
        "{err2}"
    );
    assert!(err2.contains("href=\"#case-ERR-2::envelope_for_missing\""));
}

#[test]
fn failures_come_first_and_open_passes_last_and_closed() {
    let page = build(&facts(), &records());
    let order: Vec<&str> = page
        .split("<details class=\"case ")
        .skip(1)
        .map(|d| d.split('"').next().unwrap())
        .collect();
    assert_eq!(order, ["fail", "inconclusive", "ignored", "pass", "pass"]);
    let open: Vec<bool> = page
        .split("<details ")
        .skip(1)
        .map(|d| d.split('>').next().unwrap().ends_with(" open"))
        .collect();
    assert_eq!(open, [true, true, false, false, false]);
    assert!(page.contains("data-outcome=\"fail\">FAIL<"));
    // The verdict words of the JSON report and the manifest, in the headings too.
    for heading in [
        "fail (1 case)",
        "inconclusive (1 case)",
        "ignored (1 case)",
        "pass (2 cases)",
    ] {
        assert!(page.contains(&format!(">{heading}</h2>")), "{heading}");
    }
    assert!(page.contains("exit status 101: 1 check failed"));
    for fact in [
        "seed</dt><dd>42<",
        "SPEC.md version 1.0.0",
        "profile</dt><dd>doc",
        "120 sent",
    ] {
        assert!(page.contains(fact), "{fact}");
    }
}

#[test]
fn the_outcome_follows_the_verdicts() {
    let mut records = records();
    records.retain(|r| !matches!(r.verdict, Verdict::Fail(_)));
    let page = build(&facts(), &records);
    assert!(page.contains("data-outcome=\"inconclusive\""));
    assert!(page.contains("exit status 3"));
    records.retain(|r| matches!(r.verdict, Verdict::Pass(_)));
    let page = build(&facts(), &records);
    assert!(page.contains("exit status 0: every check passed"));
}

#[test]
fn control_characters_are_shown_not_passed_on() {
    assert_eq!(
        escape("a\u{0}b\u{1b}[31m\n\"'"),
        "a\\x00b\\x1B[31m\n&quot;&#39;"
    );
}

#[test]
fn findings_come_first_and_not_judged_cases_say_so() {
    let mut records = records();
    records.push(record(
        "ERR-4::head_like_get_for_missing_header",
        Clause::Err4,
        Verdict::Ignored(format!(
            "{}missing_header: HTTP/1.1: HEAD was answered 405",
            crate::judge::NOT_JUDGED
        )),
    ));
    let page = build(&facts(), &records);
    let findings = page.find("<section id=\"findings\">").expect("findings");
    let matrix = page.find("<section id=\"clauses\">").expect("matrix");
    assert!(findings < matrix);
    assert!(
        page.contains(">1 finding explains 1 failed case<"),
        "{page}"
    );
    assert!(page.contains("<a href=\"#findings\">Findings (1)</a>"));
    assert!(page.contains(
        "href=\"#case-ERR-2::envelope_for_missing\"><code>ERR-2::envelope_for_missing</code>"
    ));
    // Not judged: ignored, and said so on the case and in the matrix; never a pass.
    assert!(page.contains("<span class=\"tag\">not judged</span>"));
    let err4 = page
        .split("data-clause=\"ERR-4\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(
        err4.contains("IGNORED") && err4.contains("1 not judged"),
        "{err4}"
    );
    // No failure, no findings section.
    records.retain(|r| !matches!(r.verdict, Verdict::Fail(_)));
    assert!(!build(&facts(), &records).contains("id=\"findings\""));
}
