//! R-11, findings, not symptoms: fake servers shaped like popular frameworks out of the box
//! (`fake_api/frameworks.rs`) each fail many cases; the run must count a small number of
//! findings — exactly the ones planted, each naming its likely cause, each with a `curl`
//! reproduction — that together explain every failed case, in the JSON report, the terminal
//! summary and the HTML page (findings above the clause matrix). A clause whose precondition
//! never held (ERR-4 when HEAD is refused before authentication, ERR-2 and ERR-3 when a route is)
//! is not judged, never passed.

use std::collections::BTreeSet;

use serde_json::Value;

use super::fake_api::Fault;
use super::runner::{run_against, Run};
use super::servers::{start, Flavor};

fn findings(run: &Run) -> &Vec<Value> {
    run.report["findings"]
        .as_array()
        .expect("the JSON report has a findings array")
}

/// Runs against `fault`, which must fail; checks what every run with findings must show, and
/// returns the run.
fn planted(fault: Fault, flavor: Flavor) -> Run {
    let server = start(fault, flavor);
    let run = run_against(&format!("findings-{fault:?}"), &server, &[]);
    assert_eq!(run.status, 101, "{fault:?} fails\n{}", run.stderr);
    let found = findings(&run);
    // Every failed case is explained by a finding, and every finding explains a failed case.
    let explained: BTreeSet<String> = found
        .iter()
        .flat_map(|f| f["cases"].as_array().unwrap().iter())
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        explained,
        run.failed(),
        "{fault:?}: findings explain the failed cases"
    );
    for f in found {
        let curl = f["reproduction"].as_str().expect("a reproduction");
        assert!(
            curl.starts_with("curl -sS --http") && curl.contains(&server.url),
            "{fault:?}: {curl}"
        );
        for field in [
            "clause",
            "signature",
            "varying",
            "change",
            "request",
            "answer",
        ] {
            assert!(
                f[field].is_string(),
                "{fault:?}: a finding has {field}: {f}"
            );
        }
    }
    // The summary leads with the count.
    let headline = format!(
        "terminus-conformance: {} finding{} explain{} {} failed case",
        found.len(),
        if found.len() == 1 { "" } else { "s" },
        if found.len() == 1 { "s" } else { "" },
        run.failed().len()
    );
    assert!(run.stderr.contains(&headline), "{headline}\n{}", run.stderr);
    assert_eq!(run.report["summary"]["findings"], found.len());
    // The page shows them first, above the clause matrix.
    let (findings_at, matrix_at) = (
        run.html.find("<section id=\"findings\">"),
        run.html.find("<section id=\"clauses\">"),
    );
    assert!(
        matches!((findings_at, matrix_at), (Some(f), Some(m)) if f < m),
        "{fault:?}: the findings come before the matrix"
    );
    assert_eq!(
        run.html.matches("<li class=\"finding\"").count(),
        found.len()
    );
    if std::env::var_os("TERMINUS_TEST_SHOW_OUTPUT").is_some() {
        eprintln!("{}", run.stderr);
    }
    eprintln!(
        "{fault:?}: {} findings explain {} failed cases: {:#?}",
        found.len(),
        run.failed().len(),
        found
            .iter()
            .map(|f| format!("{} {} — {}", f["clause"], f["signature"], f["likely_cause"]))
            .collect::<Vec<_>>()
    );
    run
}

/// The stable ids of the run's findings' likely causes.
fn cause_ids(run: &Run) -> Vec<&str> {
    findings(run)
        .iter()
        .map(|f| f["likely_cause_id"].as_str().unwrap_or("none"))
        .collect()
}

/// The likely causes of the run's findings.
fn causes(run: &Run) -> Vec<String> {
    findings(run)
        .iter()
        .map(|f| f["likely_cause"].as_str().unwrap_or("none").to_owned())
        .collect()
}

#[test]
fn authentication_per_route_is_two_findings_naming_it() {
    let run = planted(Fault::AuthPerRoute, Flavor::Hyper);
    assert!(
        run.failed().len() >= 20,
        "many cases fail: {:?}",
        run.failed()
    );
    let found = findings(&run);
    assert_eq!(found.len(), 2, "{found:#?}");
    for cause in causes(&run) {
        assert!(
            cause.contains("authentication registered per route"),
            "{cause}"
        );
    }
    assert_eq!(cause_ids(&run), ["auth-per-route", "auth-per-route"]);
    let signatures: BTreeSet<&str> = found
        .iter()
        .map(|f| f["signature"].as_str().unwrap())
        .collect();
    assert_eq!(
        signatures,
        BTreeSet::from([
            "404 with JSON that is not the envelope",
            "405 with Allow and JSON that is not the envelope"
        ])
    );
    for f in found {
        assert_eq!(f["clause"], "ROUTE-1");
        let axis = f["axes"][0]["name"].as_str().unwrap();
        let expected = if f["signature"].as_str().unwrap().starts_with("404") {
            "path"
        } else {
            "method"
        };
        assert_eq!(axis, expected, "{f}");
    }
    // The front-end cases that met the same 405/404 are explained by the same findings, and
    // their messages say what happened, not "this must not authenticate".
    let explained: Vec<&str> = found
        .iter()
        .flat_map(|f| f["cases"].as_array().unwrap())
        .filter_map(Value::as_str)
        .collect();
    for case in [
        "ROUTE-1::url_rewrite_headers",
        "ROUTE-1::method_override_headers",
    ] {
        assert!(
            explained.contains(&case),
            "{case} is explained: {explained:?}"
        );
    }
    assert!(
        !run.stdout.contains("this must not authenticate"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("refused with 405 before authentication"));
    // ERR-2 and ERR-3 had no refusal of a credential to judge for the route causes (404,
    // 405 before authentication): not judged, with the reason, never passed.
    for (name, status) in [
        ("ERR-2::envelope_for_unknown_path", 404),
        ("ERR-2::envelope_for_undocumented_method", 405),
        ("ERR-3::unknown_path_like_unrecognized_key", 404),
        ("ERR-3::undocumented_method_like_unrecognized_key", 405),
    ] {
        let case = run.report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} ran"));
        assert_eq!(case["verdict"], "ignored", "{case}");
        let reason = case["evidence"][0].as_str().unwrap();
        assert!(
            reason.starts_with("not judged: ")
                && reason.contains(&format!("answered {status} before authentication")),
            "{name}: {reason}"
        );
    }
}

#[test]
fn trailing_slash_redirect_is_one_finding_reported_as_a_redirect() {
    let run = planted(Fault::TrailingSlashRedirect, Flavor::Raw);
    let found = findings(&run);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["clause"], "ROUTE-2");
    assert_eq!(
        found[0]["signature"],
        "307 redirect to the requested path without its trailing slash with an empty body"
    );
    assert!(
        causes(&run)[0].contains("trailing-slash"),
        "{:?}",
        causes(&run)
    );
    assert!(run.stdout.contains("redirected before authentication with 307 (the router answers before the authentication layer: it reveals the route exists)"));
    assert!(!run.stdout.contains("reached a handler"), "{}", run.stdout);
}

#[test]
fn automatic_options_is_one_finding_naming_it() {
    let run = planted(Fault::AutomaticOptions, Flavor::Hyper);
    let found = findings(&run);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["clause"], "ROUTE-1");
    assert!(
        causes(&run)[0].contains("automatic OPTIONS"),
        "{:?}",
        causes(&run)
    );
    assert!(run.failed().len() > 1, "{:?}", run.failed());
}

#[test]
fn head_refused_before_authentication_leaves_err4_not_judged() {
    let run = planted(Fault::HeadRefusedBeforeAuth, Flavor::Hyper);
    let found = findings(&run);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["clause"], "ROUTE-1");
    assert!(
        causes(&run)[0].contains("automatic HEAD"),
        "{:?}",
        causes(&run)
    );
    assert_eq!(run.failed_clauses(), BTreeSet::from(["ROUTE-1".to_owned()]));
    // ERR-4 compared nothing on the documented path: not judged, with the reason; never a pass.
    let case = |name: &str| {
        run.report["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} ran"))
            .clone()
    };
    let err4 = case("ERR-4::head_like_get_for_missing_header");
    assert_eq!(err4["verdict"], "ignored", "{err4}");
    let reason = err4["evidence"][0].as_str().unwrap();
    assert!(
        reason.starts_with("not judged: ") && reason.contains("HEAD was answered 405"),
        "{reason}"
    );
    assert!(run.report["summary"]["not_judged"].as_u64().unwrap() >= 1);
    assert!(run
        .stderr
        .contains("ERR-4::head_like_get_for_missing_header not judged: "));
    assert!(
        run.junit.contains("<skipped message=\"not judged: "),
        "JUnit: skipped, with the reason"
    );
    assert!(run.html.contains("<span class=\"tag\">not judged</span>"));
    // A path HEAD is not refused on is still compared.
    assert_eq!(
        case("ERR-4::head_like_get_for_unknown_path")["verdict"],
        "pass"
    );
}
