//! Client grading (SPEC.md part 4, `terminus-conformance client -- CMD`) against the runner's
//! own red team: `tests/clients/redteam.py MODE`, one small SDK broken one way per mode. Each
//! broken mode must be caught under exactly the clause it breaks; each correct mode must pass
//! every clause, `should` ones included (`--profile strict`). Then the smoke programs of
//! `examples/clients/`, graded with the verdicts the README records, and bad input.
//!
//! The axes: the key's form (scheme case, spacing, fields, alteration), where else it travels
//! (query, cookie, user agent, another header, Basic credentials), no key (sent anyway, no hint),
//! redirects (the key kept on every origin change, or on some only: http://, the same host name,
//! the same host and port, the same scheme and host, a relative Location, 307/308, a hop judged
//! against the one before; each caught on exactly the redirect trials it leaks on), TLS (verification off, host name check off), the 401
//! (retried, message hidden), output (key printed, key in the error), retries (Retry-After
//! ignored, unbounded, no backoff).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// What one grading left.
struct Graded {
    status: i32,
    stdout: String,
    stderr: String,
    report: Value,
}

impl Graded {
    /// The clauses with a failing case.
    fn failed_clauses(&self) -> BTreeSet<String> {
        self.cases()
            .filter(|c| verdict(c).starts_with("fail"))
            .filter_map(|c| c["clause"].as_str().map(str::to_owned))
            .collect()
    }

    fn cases(&self) -> impl Iterator<Item = &Value> {
        self.report["cases"].as_array().into_iter().flatten()
    }

    fn explain(&self) -> String {
        format!(
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

fn verdict(case: &Value) -> String {
    case["verdict"].as_str().unwrap_or_default().to_owned()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "terminus-client-test-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One grading at a time: each already runs its 51 scenarios, several programs at once, and a
/// 2-core CI machine running every grading at once starts programs so slowly that their own
/// timeouts, not their behaviour, would decide.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `terminus-conformance client ARGS -- PROGRAM...`, with a JSON report.
fn grade(args: &[&str], program: &[&str]) -> Graded {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let name: String = program
        .iter()
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .collect::<Vec<_>>()
        .join("-");
    let dir = scratch(&name);
    let report = dir.join("report.json");
    let out = Command::new(env!("CARGO_BIN_EXE_terminus-conformance"))
        .arg("client")
        .args(args)
        .arg("--report")
        .arg(&report)
        .arg("--")
        .args(program)
        .current_dir(repo())
        .output()
        .expect("the runner starts");
    let graded = Graded {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        report: std::fs::read(&report)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null),
    };
    let _ = std::fs::remove_dir_all(&dir);
    no_key_in(&graded);
    graded
}

/// Nothing the runner printed or wrote holds a key: the mock's keys are `thub_` and 40 base62
/// characters; a hint (`thub_…WXYZ`) is all that may appear.
fn no_key_in(graded: &Graded) {
    let texts = [
        graded.stdout.clone(),
        graded.stderr.clone(),
        graded.report.to_string(),
    ];
    for text in texts {
        let mut rest = text.as_str();
        while let Some(i) = rest.find("thub_") {
            let tail = &rest[i + 5..];
            let run = tail.bytes().take_while(u8::is_ascii_alphanumeric).count();
            assert!(
                run < 10,
                "the runner printed a key: {:?}\n{}",
                &rest[i..(i + 5 + run).min(rest.len())],
                graded.explain()
            );
            rest = tail;
        }
    }
}

fn redteam(mode: &str) -> Graded {
    grade(
        &["--profile", "strict", "--timeout", "15"],
        &["python3", "conformance/tests/clients/redteam.py", mode],
    )
}

macro_rules! correct_clients {
    ($($mode:ident),* $(,)?) => {$(
        #[test]
        fn $mode() {
            let graded = redteam(stringify!($mode));
            assert_eq!(graded.failed_clauses(), BTreeSet::new(), "{}", graded.explain());
            assert_eq!(graded.status, 0, "{}", graded.explain());
            assert!(graded.cases().count() >= 30, "every scenario ran: {}", graded.explain());
        }
    )*};
}

macro_rules! broken_clients {
    ($($mode:ident => $clause:literal),* $(,)?) => {$(
        #[test]
        fn $mode() {
            let graded = redteam(stringify!($mode));
            assert_eq!(
                graded.failed_clauses(),
                BTreeSet::from([$clause.to_owned()]),
                "{} must be caught under {} alone\n{}",
                stringify!($mode),
                $clause,
                graded.explain()
            );
            assert_eq!(graded.status, 101, "{}", graded.explain());
            assert!(graded.stdout.contains(&format!("{} violated", $clause)), "{}", graded.explain());
        }
    )*};
}

mod correct {
    use super::*;
    correct_clients!(correct, correct_retry, correct_redirects);

    /// Back at the origin after a chain, the key may be sent again (CLI-4): a client that does
    /// so (each hop's headers from the first request's) passes, and the evidence says it did.
    #[test]
    fn correct_rekeyed() {
        let graded = redteam("correct_rekeyed");
        assert_eq!(
            graded.failed_clauses(),
            BTreeSet::new(),
            "{}",
            graded.explain()
        );
        assert_eq!(graded.status, 0, "{}", graded.explain());
        let rekeyed = graded.cases().any(|c| {
            c["name"].as_str().is_some_and(|n| n.ends_with("_and_back"))
                && c["evidence"]
                    .to_string()
                    .contains("1 with the key (allowed)")
        });
        assert!(
            rekeyed,
            "the key went back to the origin: {}",
            graded.explain()
        );
    }
}

mod broken {
    use super::*;
    broken_clients!(
        scheme_lowercase => "CLI-1",
        double_space => "CLI-1",
        two_authorization_fields => "CLI-1",
        key_trimmed => "CLI-1",
        key_in_query => "CLI-2",
        key_in_cookie => "CLI-2",
        key_in_user_agent => "CLI-2",
        key_in_custom_header => "CLI-2",
        key_in_basic_auth_too => "CLI-2",
        no_key_sends_anyway => "CLI-3",
        no_key_no_hint => "CLI-3",
        tls_verification_off => "CLI-5",
        hostname_check_off => "CLI-5",
        retries_401 => "CLI-6",
        hides_envelope_message => "CLI-6",
        prints_key => "CLI-8",
        key_in_exception => "CLI-8",
        ignores_retry_after => "CLI-7",
        retries_without_bound => "CLI-7",
        retries_without_backoff => "CLI-7",
    );
}

/// A redirect trial's axes, read back from its name (`CLI-4::redirect_307_same_host_other_port`,
/// `…_network_path`, `…_and_back`, `redirect_302_same_origin_path`): see
/// `conformance/src/client/redirects.rs`.
struct Hop<'a> {
    status: u16,
    /// `same_host_other_port`, …; `same_origin` for the control.
    away: &'a str,
    network_path: bool,
    chain: bool,
}

impl<'a> Hop<'a> {
    fn of(trial: &'a str) -> Option<Hop<'a>> {
        let rest = trial.strip_prefix("CLI-4::redirect_")?;
        let (status, rest) = rest.split_once('_')?;
        let (away, network_path, chain) = if rest == "same_origin_path" {
            ("same_origin", false, false)
        } else if let Some(away) = rest.strip_suffix("_network_path") {
            (away, true, false)
        } else if let Some(away) = rest.strip_suffix("_and_back") {
            (away, false, true)
        } else {
            (rest, false, false)
        };
        Some(Hop {
            status: status.parse().ok()?,
            away,
            network_path,
            chain,
        })
    }

    fn leaves(&self) -> bool {
        self.away != "same_origin"
    }
}

/// Red-team modes that follow redirects, each caught under CLI-4 alone, on exactly the
/// redirect trials its rule leaks on (`correct_redirects`, above, on none).
macro_rules! redirect_clients {
    ($($mode:ident => $clause:literal if $leaks:expr),* $(,)?) => {$(
        #[test]
        fn $mode() {
            let graded = redteam(stringify!($mode));
            let leaks: fn(&Hop) -> bool = $leaks;
            let trials: Vec<(String, String)> = graded
                .cases()
                .filter_map(|c| Some((c["name"].as_str()?.to_owned(), verdict(c))))
                .collect();
            let redirect_trials = trials.iter().filter(|(n, _)| Hop::of(n).is_some()).count();
            assert!(redirect_trials >= 30, "the redirect space ran: {}", graded.explain());
            let failed: BTreeSet<&str> = trials
                .iter()
                .filter(|(_, v)| v.starts_with("fail"))
                .map(|(n, _)| n.as_str())
                .collect();
            let expected: BTreeSet<&str> = trials
                .iter()
                .map(|(n, _)| n.as_str())
                .filter(|n| Hop::of(n).is_some_and(|h| leaks(&h)))
                .collect();
            assert_eq!(failed, expected, "{}\n{}", stringify!($mode), graded.explain());
            assert_eq!(graded.failed_clauses(), BTreeSet::from([$clause.to_owned()]));
            assert_eq!(graded.status, 101, "{}", graded.explain());
            assert!(graded.stdout.contains(&format!("{} violated", $clause)), "{}", graded.explain());
        }
    )*};
}

mod redirect_space {
    use super::*;
    redirect_clients!(
        redirect_keeps_key => "CLI-4" if |h| h.leaves(),
        redirect_to_http_keeps_key => "CLI-4" if |h| h.away.ends_with("over_http"),
        strips_on_host_change => "CLI-4" if |h| h.away.starts_with("same_host"),
        strips_on_host_port_change => "CLI-4" if |h| h.away == "same_host_port_over_http",
        strips_on_scheme_host_change => "CLI-4" if |h| h.away == "same_host_other_port",
        relative_location_keeps_key => "CLI-4" if |h| h.network_path,
        keeps_key_on_307_308 => "CLI-4" if |h| h.leaves() && [307, 308].contains(&h.status),
        compares_with_previous_hop => "CLI-4" if |h| h.chain,
    );
}

/// Every mode the red team knows is tested above: a new mode cannot be added untested.
#[test]
fn every_red_team_mode_is_graded_here() {
    let source =
        std::fs::read_to_string(repo().join("conformance/tests/clients/redteam.py")).unwrap();
    let this = std::fs::read_to_string(
        file!()
            .rsplit('/')
            .next()
            .map(|f| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/conformance")
                    .join(f)
            })
            .unwrap(),
    )
    .unwrap();
    let block = source
        .split("BROKEN = {")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap();
    for line in block.lines() {
        if let Some(mode) = line
            .trim()
            .strip_prefix('"')
            .and_then(|l| l.split('"').next())
        {
            assert!(
                this.contains(&format!("{mode} =>")),
                "red-team mode {mode} is not graded"
            );
        }
    }
}

#[test]
fn should_level_findings_are_reported_but_pass_in_the_doc_profile() {
    let graded = grade(
        &["--timeout", "15", "CLI-7::"],
        &[
            "python3",
            "conformance/tests/clients/redteam.py",
            "ignores_retry_after",
        ],
    );
    assert_eq!(graded.status, 0, "{}", graded.explain());
    assert!(
        graded
            .stderr
            .contains("CLI-7::429_retry_after_then_success: should-level"),
        "{}",
        graded.explain()
    );
}

#[test]
fn a_program_that_is_not_there_is_a_usage_error_naming_it() {
    let graded = grade(&[], &["./no/such/smoke-program"]);
    assert_eq!(graded.status, 2, "{}", graded.explain());
    assert!(
        graded.stderr.contains("./no/such/smoke-program"),
        "{}",
        graded.explain()
    );
    let graded = grade(&[], &["no-such-smoke-program-on-path"]);
    assert_eq!(graded.status, 2, "{}", graded.explain());
    assert!(graded.stderr.contains("on PATH"), "{}", graded.explain());
    // The report exists on every exit.
    assert!(!graded.report.is_null(), "{}", graded.explain());
}

#[test]
fn a_program_that_is_not_executable_is_a_usage_error_saying_so() {
    let dir = scratch("not-executable");
    let path = dir.join("smoke.py");
    std::fs::write(&path, "print('hi')\n").unwrap();
    let graded = grade(&[], &[path.to_str().unwrap()]);
    assert_eq!(graded.status, 2, "{}", graded.explain());
    assert!(
        graded.stderr.contains("not executable"),
        "{}",
        graded.explain()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_program_that_never_calls_the_mock_fails_the_valid_key_scenario_and_says_why() {
    let graded = grade(&["CLI-1::valid_key"], &["sh", "-c", "echo all good"]);
    assert_eq!(graded.status, 101, "{}", graded.explain());
    assert!(
        graded.stdout.contains("no request reached the mock")
            && graded
                .stdout
                .contains("does the program pass TERMINUS_BASE_URL to the SDK?"),
        "{}",
        graded.explain()
    );
}

#[test]
fn a_program_that_hangs_is_killed_at_the_timeout_and_the_case_says_so() {
    let started = std::time::Instant::now();
    let graded = grade(&["--timeout", "1", "CLI-1::valid_key"], &["sleep", "60"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(graded.status, 101, "{}", graded.explain());
    assert!(
        graded
            .stdout
            .contains("still running at the 1 s timeout: killed"),
        "{}",
        graded.explain()
    );
}

#[test]
fn the_client_trials_are_listed_with_clause_and_level() {
    let out = Command::new(env!("CARGO_BIN_EXE_terminus-conformance"))
        .args(["client", "--list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &Value| v["type"] == "test")
        .collect();
    let clauses: BTreeSet<&str> = lines.iter().filter_map(|v| v["clause"].as_str()).collect();
    let expected: BTreeSet<&str> = (1..=8)
        .map(|n| {
            [
                "CLI-1", "CLI-2", "CLI-3", "CLI-4", "CLI-5", "CLI-6", "CLI-7", "CLI-8",
            ][n - 1]
        })
        .collect();
    assert_eq!(clauses, expected);
    for line in &lines {
        let level = line["level"].as_str().unwrap();
        let should = ["CLI-3", "CLI-7"].contains(&line["clause"].as_str().unwrap());
        assert_eq!(level, if should { "should" } else { "must" }, "{line}");
    }
}

/// How many trials `client --list` shows: every one of them runs in a full grading.
fn client_trials() -> usize {
    let out = Command::new(env!("CARGO_BIN_EXE_terminus-conformance"))
        .args(["client", "--list"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.ends_with(": test"))
        .count()
}

/// The project's Python environment (requests, httpx), made by `tests/venv.sh`.
fn venv_python() -> String {
    let out = Command::new("bash")
        .arg("tests/venv.sh")
        .current_dir(repo())
        .output()
        .expect("bash runs tests/venv.sh");
    assert!(
        out.status.success(),
        "tests/venv.sh: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// The smoke programs of examples/clients pass every clause, `should` ones included: the
/// verdicts README.md records ("For SDK authors: grade your client").
mod smoke_programs {
    use super::*;

    fn passes(program: &[&str]) {
        let graded = grade(&["--profile", "strict", "--timeout", "15"], program);
        assert_eq!(
            graded.failed_clauses(),
            BTreeSet::new(),
            "{}",
            graded.explain()
        );
        assert_eq!(graded.status, 0, "{}", graded.explain());
        assert_eq!(
            graded.cases().count(),
            client_trials(),
            "{}",
            graded.explain()
        );
    }

    #[test]
    fn python_requests() {
        passes(&[&venv_python(), "examples/clients/python_requests.py"]);
    }

    #[test]
    fn python_urllib() {
        passes(&[&venv_python(), "examples/clients/python_urllib.py"]);
    }

    #[test]
    fn python_httpx() {
        passes(&[&venv_python(), "examples/clients/python_httpx.py"]);
    }

    #[test]
    fn node_fetch() {
        passes(&["node", "examples/clients/node_fetch.mjs"]);
    }

    #[test]
    fn curl() {
        passes(&["bash", "examples/clients/curl.sh"]);
    }

    /// urllib as usually written (`Request(headers=...)`) forwards the key on redirects.
    #[test]
    fn python_urllib_with_the_key_in_request_headers_leaks_it_on_redirects() {
        let graded = grade(
            &["--timeout", "15"],
            &["python3", "conformance/tests/clients/urllib_headers.py"],
        );
        assert_eq!(
            graded.failed_clauses(),
            BTreeSet::from(["CLI-4".to_owned()]),
            "{}",
            graded.explain()
        );
    }
}
