//! The runner in the field (SPEC.md part 3, R-1..R-9): safe against a real deployment, and
//! blaming it only for what it did. Each test reproduces what a CI engineer met and checks the
//! behaviour now.

use std::process::{Command, Stdio};

use super::fake_api::{Fault, VALID};
use super::runner::{run_against, run_on, run_with};
use super::servers::{start, start_self_signed, Flavor};

/// `--list` (and the JSON manifest) into a pipe whose reader is gone ends quietly, exit 0.
#[test]
fn list_into_a_closed_pipe_ends_quietly() {
    for args in [&["--list"][..], &["--list", "--format", "json"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_terminus-conformance"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the runner starts");
        // The reader goes away before the first line is written: every write is EPIPE.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("the runner ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.trim().is_empty(), "{args:?}: quiet, got {stderr}");
    }
}

/// a filter that selects no case says so on stderr and exits 2, for `--list` and for a
/// run (a mistyped filter in CI must not pass green), before any target is contacted.
#[test]
fn a_filter_that_selects_nothing_says_so() {
    let listed = run_with("filter-none-list", &["--list", "HDR-9::nothing"], &[]);
    assert_eq!(listed.status, 2, "{}", listed.stderr);
    assert!(listed.stdout.trim().is_empty(), "{}", listed.stdout);
    assert!(
        listed.stderr.contains("\"HDR-9::nothing\" selects no case"),
        "{}",
        listed.stderr
    );
    let ran = run_with("filter-none-run", &["HDR-9::nothing", "--exact"], &[]);
    assert_eq!(ran.status, 2, "{}", ran.stderr);
    let graded = run_with(
        "filter-none-client",
        &["client", "--list", "CLI-9::nothing"],
        &[],
    );
    assert_eq!(graded.status, 2, "{}", graded.stderr);
    assert!(
        graded.stderr.contains(
            "the filter \"CLI-9::nothing\" selects no case; `terminus-conformance client --list` shows every case name"
        ),
        "{}",
        graded.stderr
    );
    assert!(
        ran.stderr
            .contains("\"HDR-9::nothing\" (--exact) selects no case"),
        "{}",
        ran.stderr
    );
}

/// exit 3 (and exit 2 after the arguments parsed) still writes `--junit` and `--report`,
/// each with one errored case that names the reason, and `--html`, a page saying the run
/// errored and why, so the CI step uploading them works.
#[test]
fn every_exit_writes_junit_and_the_report() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    drop(listener);
    let unreachable = run_with(
        "artifacts-unreachable",
        &["--target", &url],
        &[("TERMINUS_API_KEY", VALID)],
    );
    let no_key = run_with("artifacts-no-key", &["--target", &url], &[]);
    for (run, status, reason) in [
        (&unreachable, 3, "cannot reach"),
        (&no_key, 2, "TERMINUS_API_KEY is not set"),
    ] {
        assert_eq!(run.status, status, "{}", run.stderr);
        assert!(
            run.junit.contains("<error") && run.junit.contains(reason),
            "JUnit names the reason: {}",
            run.junit
        );
        assert_eq!(run.report["cases"][0]["verdict"], "error", "{}", run.report);
        assert_eq!(run.report["error"]["exit_status"], status);
        assert!(run.report["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(reason)));
        assert!(
            run.html.contains("data-outcome=\"errored\"")
                && run.html.contains(&format!("exit status {status}:"))
                && run.html.contains(reason),
            "the page says the run errored, and why: {}",
            run.html
        );
        assert!(!run.all_output().contains(&VALID[5..15]));
    }
}

/// `--ca-cert` takes the server's own self-signed certificate (CA:TRUE used as the end
/// entity, as `openssl req -x509` makes it; curl accepts it), and the run goes on.
#[test]
fn self_signed_certificate_given_with_ca_cert_is_trusted() {
    let server = start_self_signed(Fault::None, Flavor::Raw, &["127.0.0.1", "localhost"]);
    let run = run_against("self-signed", &server, &["--exact", "OK-1::get_v1_account"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.cases_with("pass").contains("OK-1::get_v1_account"));
}

/// a self-signed certificate for another host name is refused, and the error says so in
/// words, with the fix; a certificate the given `--ca-cert` does not cover never gets the
/// advice to pass `--ca-cert`.
#[test]
fn tls_errors_are_explained_without_naming_a_flag_already_given() {
    let other_host = start_self_signed(Fault::None, Flavor::Raw, &["api.example.invalid"]);
    let run = run_against("self-signed-other-host", &other_host, &[]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("for another host name") && run.stderr.contains("api.example.invalid"),
        "{}",
        run.stderr
    );
    // The CA file of one server given for another: the hint blames the file, not the flag.
    let server = start(Fault::None, Flavor::Raw);
    let wrong_ca = other_host.ca_path.to_string_lossy().into_owned();
    let run = run_with(
        "wrong-ca",
        &["--target", &server.url, "--ca-cert", &wrong_ca],
        &[("TERMINUS_API_KEY", VALID)],
    );
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("unknown issuer") && run.stderr.contains("given with --ca-cert"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("give that CA"), "{}", run.stderr);
    // Without --ca-cert: the hint is to give one.
    let run = run_with(
        "no-ca",
        &["--target", &server.url],
        &[("TERMINUS_API_KEY", VALID)],
    );
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("with --ca-cert PEM"), "{}", run.stderr);
}

/// plain HTTP sent to a TLS port, or TLS to a plain-HTTP port, is found by the pre-flight:
/// exit 3 with the fix to the URL, before any key is sent.
#[test]
fn protocol_mismatch_is_found_by_the_preflight() {
    let tls = start(Fault::None, Flavor::Raw);
    let plain_url = tls.url.replacen("https://", "http://", 1);
    let run = run_with(
        "plain-to-tls",
        &["--target", &plain_url, "--plaintext"],
        &[("TERMINUS_API_KEY", VALID)],
    );
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(run.stderr.contains("use https://"), "{}", run.stderr);

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        // A plain-HTTP server: whatever arrives gets a 400, as nginx answers a ClientHello.
        for stream in listener.incoming().take(4) {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 1024];
            let _ = std::io::Read::read(&mut stream, &mut buf);
            let _ = std::io::Write::write_all(
                &mut stream,
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let run = run_with(
        "tls-to-plain",
        &["--target", &format!("https://127.0.0.1:{port}")],
        &[("TERMINUS_API_KEY", VALID)],
    );
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.stderr.contains("did not answer in TLS") && run.stderr.contains("--plaintext"),
        "{}",
        run.stderr
    );
}

/// a deployment that rate-limits the runner throughout is not in breach of any clause
/// (ROB-3 permits 429): every case is inconclusive, nothing fails, exit 3, and the summary says
/// why.
#[test]
fn a_target_that_always_answers_429_is_inconclusive_not_failed() {
    let server = start(Fault::Always429, Flavor::Raw);
    let run = run_against("always-429", &server, &[]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.failed().is_empty(),
        "no clause is blamed: {:?}",
        run.failed()
    );
    let inconclusive = run.cases_with("inconclusive");
    assert!(
        inconclusive.contains("HDR-3::query_param_api_key"),
        "{inconclusive:?}"
    );
    assert!(run.stderr.contains("still answered 429"), "{}", run.stderr);
    assert!(run.stderr.contains("no case failed, but"), "{}", run.stderr);
    assert_eq!(run.report["summary"]["fail"], 0);
    assert!(run.junit.contains("inconclusive"), "{}", run.junit);
    assert!(run.html.contains("data-outcome=\"inconclusive\""));
}

/// connections that cannot be made mid-run (the target refuses new connections after the
/// pre-flight) are evidence of nothing: no case fails for them, they are inconclusive, exit 3.
#[test]
fn connections_dropped_before_the_request_are_inconclusive_not_failed() {
    let server = start(Fault::DropsNewConnections, Flavor::Raw);
    let run = run_against("drops-connections", &server, &[]);
    assert_eq!(run.status, 3, "{}", run.stderr);
    assert!(
        run.failed().is_empty(),
        "no clause is blamed: {:?}",
        run.failed()
    );
    assert!(!run.cases_with("inconclusive").is_empty());
    assert!(
        run.stderr.contains("never reached the target"),
        "{}",
        run.stderr
    );
}

/// against a `--target`, the valid key never travels with POST, PUT, PATCH or DELETE by
/// default; OK-1 for those endpoints is ignored with the reason. `--allow-writes` checks them.
#[test]
fn read_only_by_default() {
    for flavor in [Flavor::Raw, Flavor::Hyper] {
        let server = start(Fault::None, flavor);
        let run = run_against("read-only", &server, &[]);
        assert_eq!(run.status, 0, "{flavor:?}: {:?}", run.failed());
        let writes = server.writes_with_valid_key.lock().unwrap().clone();
        assert!(
            writes.is_empty(),
            "{flavor:?}: the valid key went with {writes:?}"
        );
        let ignored = run.cases_with("ignored");
        assert!(
            ignored.contains("OK-1::post_v1_projects")
                && ignored.contains("OK-1::delete_v1_projects_id"),
            "{ignored:?}"
        );
        assert!(
            run.stderr.contains("--allow-writes checks it"),
            "{}",
            run.stderr
        );
    }
    let server = start(Fault::None, Flavor::Raw);
    let run = run_against("allow-writes", &server, &["--allow-writes"]);
    assert_eq!(run.status, 0, "{:?}", run.failed());
    assert!(run.cases_with("pass").contains("OK-1::post_v1_projects"));
    assert!(!server.writes_with_valid_key.lock().unwrap().is_empty());
}

/// a valid key the target refuses (a wrong secret) is one failure that says to check the
/// secret, not a wall of them; the other cases that need the key are ignored for that reason.
#[test]
fn a_refused_valid_key_is_one_failure_naming_the_secret() {
    let server = start(Fault::None, Flavor::Raw);
    let run = run_on(
        "wrong-secret",
        &server,
        &["--cases", "8"],
        &[(
            "TERMINUS_API_KEY",
            "thub_NotTheKeyOfThisDeployment0123456789",
        )],
    );
    assert_eq!(run.status, 101, "{}", run.stderr);
    assert_eq!(
        run.failed().into_iter().collect::<Vec<_>>(),
        ["OK-1::get_v1_account"],
        "exactly one failure"
    );
    assert!(
        run.stdout
            .contains("or the secret is not a valid, active key"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("the target refused TERMINUS_API_KEY"),
        "{}",
        run.stderr
    );
}

/// a "revoked" key that the target accepts fails KEY-4 once, with the two readings.
#[test]
fn an_accepted_revoked_key_is_one_key4_failure_with_both_readings() {
    let broken = start(Fault::RevokedAccepted, Flavor::Raw);
    let run = run_against("revoked-accepted", &broken, &[]);
    assert_eq!(run.status, 101, "{}", run.stderr);
    let failed = run.failed();
    assert_eq!(
        failed.iter().collect::<Vec<_>>(),
        ["KEY-4::revoked_key_rejected"],
        "one failure, under KEY-4"
    );
    assert!(
        run.stdout
            .contains("or TERMINUS_REVOKED_API_KEY is not a revoked key"),
        "{}",
        run.stdout
    );
}

/// the informational ROB-3 case reports the 429s the run met, their Retry-After and the
/// time waited; it passes, also when there were none.
#[test]
fn rob3_reports_the_rate_limits_met() {
    let server = start(Fault::Occasional429, Flavor::Raw);
    let run = run_against("rob3", &server, &[]);
    assert_eq!(run.status, 0, "{:?}", run.failed());
    let rob3 = run.report["cases"]
        .as_array()
        .and_then(|cases| cases.iter().find(|c| c["name"] == "ROB-3::rate_limits_met"))
        .cloned()
        .expect("ROB-3::rate_limits_met in the report");
    assert_eq!(rob3["verdict"], "pass");
    assert_eq!(rob3["level"], "informational");
    let evidence = rob3["evidence"].to_string();
    assert!(
        evidence.contains("answers 429 met") && evidence.contains("carried a Retry-After"),
        "{evidence}"
    );
}

/// before the first trial the run says how many requests it plans and, with `--rate`, how
/// long that takes; a polite run then shows progress lines on stderr (every ~10 s in CI logs;
/// every 0.5 s here).
#[test]
fn a_polite_run_announces_its_plan_and_shows_progress() {
    let server = start(Fault::None, Flavor::Raw);
    let run = run_on(
        "progress",
        &server,
        &["--rate", "60", "--cases", "8", "HDR-3::"],
        &[
            ("TERMINUS_API_KEY", VALID),
            ("TERMINUS_PROGRESS_SECS", "0.5"),
        ],
    );
    assert_eq!(run.status, 0, "{:?}", run.failed());
    let plan = run
        .stderr
        .lines()
        .find(|l| l.contains("requests planned"))
        .unwrap_or_else(|| panic!("a plan line: {}", run.stderr));
    assert!(plan.contains("at --rate 60 that is about"), "{plan}");
    let planned: u64 = plan
        .split("about ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    let sent = run.report["run"]["requests"].as_u64().unwrap_or(0);
    assert!(
        planned > 0 && planned.abs_diff(sent) <= sent / 10 + 3,
        "planned {planned}, sent {sent}"
    );
    let progress: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(" cases, ") && l.contains("requests/s"))
        .collect();
    assert!(!progress.is_empty(), "progress lines: {}", run.stderr);
    assert!(progress[0].contains("left"), "{}", progress[0]);
}

/// `TERMINUS_SECOND_API_KEY` (another active key of the account) lets KEY-3 run against a
/// deployment without an admin plane; without it KEY-3 is ignored with the reason.
#[test]
fn a_second_key_from_the_environment_runs_key3() {
    let server = start(Fault::None, Flavor::Raw);
    let without = run_against("no-second-key", &server, &["KEY-3::"]);
    assert_eq!(without.status, 0, "{}", without.stderr);
    assert!(without
        .cases_with("ignored")
        .contains("KEY-3::second_key_reaches_every_endpoint"));
    let with = run_on(
        "second-key",
        &server,
        &["KEY-3::"],
        &[
            ("TERMINUS_API_KEY", VALID),
            ("TERMINUS_SECOND_API_KEY", super::fake_api::SECOND),
        ],
    );
    assert_eq!(with.status, 0, "{:?}", with.failed());
    assert!(with
        .cases_with("pass")
        .contains("KEY-3::second_key_reaches_every_endpoint"));
    assert!(with
        .cases_with("pass")
        .contains("KEY-3::second_key_sees_same_account"));
    assert!(!with.all_output().contains(&super::fake_api::SECOND[5..15]));
}

/// Request budget: against a `--target` the generated families run 128 inputs each by default
/// (the embedded mock keeps 256); `--cases` still sets it.
#[test]
fn target_runs_default_to_the_measured_budget() {
    let server = start(Fault::None, Flavor::Raw);
    let args = ["--exact", "KEY-2::random_unknown_keys"];
    let run = run_on(
        "budget-default",
        &server,
        &args,
        &[("TERMINUS_API_KEY", VALID)],
    );
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("128 inputs per generated family"),
        "{}",
        run.stderr
    );
    assert_eq!(run.report["run"]["cases_per_family"], 128);
    let embedded = run_with(
        "budget-embedded",
        &["--exact", "KEY-2::random_unknown_keys"],
        &[],
    );
    assert_eq!(embedded.status, 0, "{}", embedded.stderr);
    assert!(
        embedded.stderr.contains("256 inputs per generated family"),
        "{}",
        embedded.stderr
    );
}
