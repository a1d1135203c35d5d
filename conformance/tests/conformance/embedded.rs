//! The runner against its embedded mock, strict and lenient, and what a user sees around a
//! run: reports, the manifest, exit statuses, the pre-flight.

use super::fake_api::{Fault, VALID};
use super::runner::{run_on, run_with};
use super::servers::{start, Flavor};

#[test]
fn embedded_mock_passes_strict_with_reports() {
    let run = run_with("embedded-strict", &["--cases", "32", "--seed", "1"], &[]);
    assert_eq!(run.status, 0, "failed: {:?}\n{}", run.failed(), run.stdout);
    let cases = run.report["cases"]
        .as_array()
        .expect("a JSON report with cases");
    assert!(cases.len() > 150, "{} cases", cases.len());
    assert!(
        run.cases_with("ignored").is_empty(),
        "the embedded default runs everything: {:?}",
        run.cases_with("ignored")
    );
    for c in cases {
        for field in [
            "name",
            "clause",
            "level",
            "verdict",
            "evidence",
            "duration_ms",
        ] {
            assert!(!c[field].is_null(), "case {c} has {field}");
        }
    }
    for field in ["seed", "target", "profile", "requests"] {
        assert!(!run.report["run"][field].is_null(), "run has {field}");
    }
    assert_eq!(run.report["run"]["seed"], "1", "the seed as a string");
    for clause in [
        "KEY-1", "KEY-2", "KEY-3", "KEY-4", "KEY-5", "KEY-6", "HDR-1", "HDR-2", "HDR-3", "HDR-4",
        "HDR-5", "ROUTE-1", "ROUTE-2", "ERR-1", "ERR-2", "ERR-3", "ERR-4", "ERR-5", "ERR-6",
        "ROB-1", "ROB-2", "OK-1",
    ] {
        assert!(
            run.cases_with("pass")
                .iter()
                .any(|n| n.starts_with(&format!("{clause}::"))),
            "{clause} is checked and passes"
        );
        assert!(
            run.junit.contains(&format!("classname=\"{clause}\"")),
            "JUnit holds {clause}"
        );
    }
    assert_eq!(
        run.junit.matches("<testcase").count(),
        cases.len(),
        "one JUnit testcase per trial"
    );
    assert!(run.stderr.contains("seed 1"), "the seed is printed");
    // the reports name the protocols checked (the mock offers both).
    assert_eq!(
        run.report["run"]["protocols"],
        serde_json::json!(["h2", "http/1.1"])
    );
    assert!(
        run.stderr.contains("over HTTP/2 and HTTP/1.1 in"),
        "{}",
        run.stderr
    );
    // nothing failed, so no finding and nothing left not judged.
    assert_eq!(run.report["findings"], serde_json::json!([]));
    assert_eq!(run.report["summary"]["findings"], 0);
    assert_eq!(run.report["summary"]["not_judged"], 0);
    assert!(!run.stderr.contains("explain 0") && !run.stderr.contains("findings explain"));
}

#[test]
fn embedded_mock_passes_lenient() {
    let run = run_with(
        "embedded-lenient",
        &["--lenient-scheme", "--cases", "16"],
        &[],
    );
    assert_eq!(run.status, 0, "failed: {:?}", run.failed());
    assert!(
        run.stderr.contains("`bearer <key>` is accepted"),
        "{}",
        run.stderr
    );
}

#[test]
fn embedded_strict_mock_fails_the_rfc_profile_on_scheme_case_only() {
    let run = run_with(
        "embedded-rfc",
        &["--profile", "rfc", "--cases", "8", "HDR-5"],
        &[],
    );
    assert_eq!(run.status, 101);
    assert_eq!(
        run.failed_clauses().into_iter().collect::<Vec<_>>(),
        ["HDR-5"]
    );
    assert!(run.failed().contains("HDR-5::scheme_lowercase"));
    assert!(
        !run.failed().contains("HDR-5::several_spaces"),
        "several spaces stay informational"
    );
}

#[test]
fn manifest_lists_every_case_with_clause_and_level() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_terminus-conformance"))
        .args(["--list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    let header = lines.remove(0);
    assert_eq!(header["type"], "manifest");
    assert_eq!(header["tool"], "terminus-conformance");
    assert_eq!(header["tool_version"], env!("CARGO_PKG_VERSION"));
    assert!(header["spec_version"].is_string());
    assert!(lines.len() > 150);
    for line in &lines {
        let name = line["name"].as_str().unwrap();
        assert!(
            name.starts_with(&format!("{}::", line["clause"].as_str().unwrap())),
            "{name}"
        );
        assert!(["must", "rfc", "informational"].contains(&line["level"].as_str().unwrap()));
    }
    assert!(lines
        .iter()
        .any(|l| l["name"] == "HDR-3::query_param_api_key"));
    assert!(lines
        .iter()
        .any(|l| l["name"] == "ERR-5::www_authenticate_bearer_challenge" && l["level"] == "rfc"));
}

#[test]
fn filter_and_exact_select_cases() {
    let run = run_with(
        "embedded-exact",
        &["--exact", "HDR-3::query_param_api_key"],
        &[],
    );
    assert_eq!(run.status, 0);
    assert_eq!(run.report["cases"].as_array().unwrap().len(), 1);
}

#[test]
fn openapi_endpoints_are_probed() {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../contract/fixtures/openapi.yaml"
    );
    let run = run_with(
        "embedded-openapi",
        &["--openapi", spec, "--cases", "8", "OK-1"],
        &[],
    );
    assert_eq!(run.status, 0, "failed: {:?}", run.failed());
    let names = run.cases_with("pass");
    assert!(names.contains("OK-1::delete_v1_projects_id"), "{names:?}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run_with("usage-flag", &["--no-such-flag"], &[]).status, 2);
    assert_eq!(
        run_with("usage-endpoint", &["--endpoint", "nonsense"], &[]).status,
        2
    );
    assert_eq!(
        run_with("usage-target", &["--target", "ftp://x"], &[]).status,
        2
    );
}

#[test]
fn unreachable_target_is_one_line_and_exit_3() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    drop(listener);
    let run = run_with(
        "unreachable",
        &["--target", &url],
        &[("TERMINUS_API_KEY", VALID)],
    );
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert_eq!(
        run.stderr.trim().lines().count(),
        1,
        "one clear line: {}",
        run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "no wall of failed trials: {}",
        run.stdout
    );
}

#[test]
fn untrusted_certificate_is_a_tls_failure_and_exit_3() {
    let server = start(Fault::None, Flavor::Raw);
    let run = run_with(
        "untrusted",
        &["--target", &server.url],
        &[("TERMINUS_API_KEY", VALID)],
    );
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("TLS handshake failed") && run.stderr.contains("--ca-cert"),
        "{}",
        run.stderr
    );
}

/// a CI job whose secret is misnamed or empty does not go green having checked half the
/// contract: exit 2, saying how to set the key, before any trial.
#[test]
fn missing_valid_key_is_a_usage_error() {
    let server = start(Fault::None, Flavor::Raw);
    let ca = server.ca_path.to_string_lossy().into_owned();
    for env in [
        &[][..],
        &[("TERMINUS_API_KEY", "")],
        &[("TERMINUS_API_KEY", "  \n")],
    ] {
        let run = run_with("no-key", &["--target", &server.url, "--ca-cert", &ca], env);
        assert_eq!(run.status, 2, "{env:?}: {}", run.stderr);
        assert!(
            run.stderr.contains("TERMINUS_API_KEY is not set") && run.stderr.contains("--no-key"),
            "{}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "no trials: {}", run.stdout);
    }
}

/// the revoked key equal to the valid one, or a key without the prefix, is the user's
/// mistake, said as such (exit 2), never a KEY-4 failure of the deployment.
#[test]
fn misconfigured_secrets_are_usage_errors() {
    let server = start(Fault::None, Flavor::Raw);
    let ca = server.ca_path.to_string_lossy().into_owned();
    let args = ["--target", server.url.as_str(), "--ca-cert", ca.as_str()];
    let same = run_with(
        "revoked-same",
        &args,
        &[
            ("TERMINUS_API_KEY", VALID),
            ("TERMINUS_REVOKED_API_KEY", VALID),
        ],
    );
    assert_eq!(same.status, 2, "{}", same.stderr);
    assert!(
        same.stderr.contains("is the same key as TERMINUS_API_KEY"),
        "{}",
        same.stderr
    );
    let unprefixed = run_with(
        "unprefixed",
        &args,
        &[("TERMINUS_API_KEY", "sk_live_not_a_terminus_key_0123456789")],
    );
    assert_eq!(unprefixed.status, 2, "{}", unprefixed.stderr);
    assert!(
        unprefixed.stderr.contains("does not begin with thub_"),
        "{}",
        unprefixed.stderr
    );
    for run in [&same, &unprefixed] {
        assert!(
            !run.all_output().contains(&VALID[5..15]),
            "no piece of a key is printed"
        );
    }
}

/// an http:// target needs --plaintext; without it, exit 2 before anything is sent.
#[test]
fn plain_http_target_needs_plaintext() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let run = run_with("plain", &["--target", &url], &[("TERMINUS_API_KEY", VALID)]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--plaintext"), "{}", run.stderr);
    assert!(
        listener.accept().is_err(),
        "nothing was sent to the plain-HTTP target"
    );
}

/// `--no-key` runs only the cases that need no valid key; the others are ignored, with
/// the reason, and the summary counts them.
#[test]
fn no_key_runs_only_cases_that_need_none() {
    let server = start(Fault::None, Flavor::Raw);
    let run = run_on("no-keys", &server, &["--cases", "8", "--no-key"], &[]);
    assert_eq!(run.status, 0, "failed: {:?}", run.failed());
    assert!(
        run.stderr.contains("ignored: needs a valid key"),
        "the summary says how many were ignored and why: {}",
        run.stderr
    );
    let ignored = run.cases_with("ignored");
    assert!(
        ignored.contains("OK-1::get_v1_account") && ignored.contains("KEY-4::revoked_key_rejected"),
        "{ignored:?}"
    );
    assert!(
        run.stdout.contains("TERMINUS_API_KEY"),
        "the reason is shown"
    );
    assert!(
        run.cases_with("pass").contains("ROUTE-1::unknown_paths"),
        "cases without keys still run"
    );
}
