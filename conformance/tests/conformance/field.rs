//! The runner in the field (SPEC.md part 3, R-1..R-9): safe against a real deployment, and
//! blaming it only for what it did. Each test reproduces what a CI engineer met and checks the
//! behaviour now.

use std::process::{Command, Stdio};

use super::fake_api::VALID;
use super::runner::run_with;

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

/// a filter that selects no case says so on stderr, for `--list` and for a run.
#[test]
fn a_filter_that_selects_nothing_says_so() {
    let listed = run_with("filter-none-list", &["--list", "HDR-9::nothing"], &[]);
    assert_eq!(listed.status, 0, "{}", listed.stderr);
    assert!(listed.stdout.trim().is_empty(), "{}", listed.stdout);
    assert!(
        listed.stderr.contains("\"HDR-9::nothing\" selects no case"),
        "{}",
        listed.stderr
    );
    let ran = run_with("filter-none-run", &["HDR-9::nothing", "--exact"], &[]);
    assert!(
        ran.stderr
            .contains("\"HDR-9::nothing\" (--exact) selects no case"),
        "{}",
        ran.stderr
    );
}

/// exit 3 (and exit 2 after the arguments parsed) still writes `--junit` and `--report`,
/// each with one errored case that names the reason, so the CI step uploading them works.
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
        assert!(!run.all_output().contains(&VALID[5..15]));
    }
}
