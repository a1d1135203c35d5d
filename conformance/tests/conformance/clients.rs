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

use super::runner::scratch;

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

/// One grading at a time: each already runs its 51 scenarios' programs side by side (as many
/// at once as there are cores, `--jobs`), and a 2-core CI machine running every grading at once
/// starts programs so slowly that their own timeouts, not their behaviour, would decide.
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

/// [`redteam`] without the 42 redirect scenarios, for a mode that breaks a clause other than
/// CLI-4 (its redirects are refused with 401 before they are served, so they would only be
/// "not judged"); the correct modes and the redirect modes are graded in every scenario.
fn redteam_without_redirects(mode: &str) -> Graded {
    grade(
        &[
            "--profile",
            "strict",
            "--timeout",
            "15",
            "--skip",
            "redirect_",
        ],
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
            let graded = if $clause == "CLI-4" {
                redteam(stringify!($mode))
            } else {
                redteam_without_redirects(stringify!($mode))
            };
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
            findings_explain_the_failures(&graded, stringify!($mode), $clause);
        }
    )*};
}

/// Modes whose failures come from two causes, each a finding with its own fix; the others are
/// one. Retrying at once ignores `Retry-After` (the 429) and does not back off (503 for ever);
/// so does retrying every 50 ms; retrying without bound also ignores `Retry-After`; verification
/// off accepts both the stranger's CA and another host's name, which a client can get wrong one
/// at a time (`hostname_check_off`).
const TWO_CAUSES: &[&str] = &[
    "ignores_retry_after",
    "retries_without_backoff",
    "retries_without_bound",
    "tls_verification_off",
];

/// the findings are of the mode's clause, explain every failed case, and there is one per
/// cause (a mode breaks one thing, in every scenario that shows it).
fn findings_explain_the_failures(graded: &Graded, mode: &str, clause: &str) {
    let findings = graded.report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let explained: BTreeSet<&str> = findings
        .iter()
        .flat_map(|f| f["cases"].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    let failed: BTreeSet<&str> = graded
        .cases()
        .filter(|c| verdict(c) == "fail")
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(explained, failed, "{mode}: {}", graded.explain());
    assert!(
        findings.iter().all(|f| f["clause"] == clause),
        "{mode}: {findings:?}"
    );
    let expected = if TWO_CAUSES.contains(&mode) { 2 } else { 1 };
    assert_eq!(findings.len(), expected, "{mode}: {findings:#?}");
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
    let blocks = ["BROKEN = {", "ONE_CAUSE = {", "SETUP = {"].map(|table| {
        source
            .split(table)
            .nth(1)
            .unwrap()
            .split('}')
            .next()
            .unwrap()
    });
    for line in blocks.iter().flat_map(|b| b.lines()) {
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
fn a_program_that_never_calls_the_mock_is_a_setup_problem_that_says_why() {
    let graded = grade(&["CLI-1::valid_key"], &["sh", "-c", "echo all good"]);
    assert_setup_problem(&graded, "never called the API");
    assert!(
        graded.stderr.contains("its last line: all good")
            && graded
                .stderr
                .contains("does it hand TERMINUS_BASE_URL to the SDK?"),
        "{}",
        graded.explain()
    );
}

#[test]
fn a_program_that_hangs_is_killed_at_the_timeout_and_the_setup_problem_says_so() {
    let started = std::time::Instant::now();
    let graded = grade(&["--timeout", "1", "CLI-1::valid_key"], &["sleep", "60"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_setup_problem(&graded, "still running at the 1 s timeout: killed");
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

/// A setup problem (SPEC.md part 4): exit 3, one error naming `says`, no clause failed or
/// even judged, and the report says `setup` (R-6: written on this exit too).
fn assert_setup_problem(graded: &Graded, says: &str) {
    assert_eq!(graded.status, 3, "{}", graded.explain());
    assert!(
        graded.stderr.contains("setup problem, not a violation") && graded.stderr.contains(says),
        "{says:?}\n{}",
        graded.explain()
    );
    assert!(!graded.stdout.contains("violated"), "{}", graded.explain());
    assert_eq!(
        graded.report["error"]["kind"],
        "setup",
        "{}",
        graded.explain()
    );
    assert_eq!(
        graded.report["error"]["exit_status"],
        3,
        "{}",
        graded.explain()
    );
    assert_eq!(
        graded.cases().count(),
        1,
        "one errored case: {}",
        graded.explain()
    );
}

/// Programs that cannot be graded: one setup problem each, never a violation.
mod setup_problems {
    use super::*;

    macro_rules! setup_problems {
        ($($mode:ident => $says:literal),* $(,)?) => {$(
            #[test]
            fn $mode() {
                assert_setup_problem(&redteam(stringify!($mode)), $says);
            }
        )*};
    }

    setup_problems!(
        distrusts_ca => "could not trust the scenario's CA",
        does_nothing => "never called the API",
        crashes_before_calling => "exited before calling the API",
        ignores_base_url => "exited before calling the API",
    );

    /// What the program said, and how to hand its stack the CA.
    #[test]
    fn a_program_that_distrusts_the_ca_is_told_what_it_said_and_where_the_ca_is() {
        let graded = redteam("distrusts_ca");
        for needed in [
            "CERTIFICATE_VERIFY_FAILED",
            "SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS",
            "stripe.ca_bundle_path",
        ] {
            assert!(
                graded.stderr.contains(needed),
                "{needed}\n{}",
                graded.explain()
            );
        }
    }

    /// curl handed another CA than the scenario's (made here by openssl): curl's own words, a
    /// setup problem.
    #[test]
    fn curl_with_another_ca_bundle() {
        let graded = grade(
            &[],
            &[
                "sh",
                "-c",
                "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=another-ca -days 1 -keyout \"$HOME/k.pem\" -out \"$HOME/ca.pem\" 2>/dev/null && curl -sS --cacert \"$HOME/ca.pem\" -H \"Authorization: Bearer $TERMINUS_API_KEY\" \"$TERMINUS_BASE_URL/v1/account\"",
            ],
        );
        assert_setup_problem(
            &graded,
            "could not trust the scenario's CA (curl said: curl: (60)",
        );
    }

    /// Node given a CA of its own in code (NODE_EXTRA_CA_CERTS then plays no part).
    #[test]
    fn node_with_a_ca_of_its_own() {
        let graded = grade(
            &[],
            &[
                "node",
                "-e",
                "require('https').get(process.env.TERMINUS_BASE_URL + '/v1/account', {ca: []}, () => process.exit(0)).on('error', e => { console.error(e.code, e.message); process.exit(1); })",
            ],
        );
        assert_setup_problem(&graded, "could not trust the scenario's CA (Node said:");
    }

    /// `client -- true`: one setup problem, not three violations.
    #[test]
    fn true_is_one_setup_problem() {
        let graded = grade(&[], &["true"]);
        assert_setup_problem(&graded, "never called the API");
        assert!(
            graded.stderr.contains("it printed nothing"),
            "{}",
            graded.explain()
        );
    }
}

macro_rules! one_cause {
    ($($mode:ident => [$($clause:literal),*]),* $(,)?) => {$(
        #[test]
        fn $mode() {
            let graded = redteam(stringify!($mode));
            check_one_cause(&graded, &[$($clause),*]);
        }
    )*};
}

/// R-11 for clients: the failures of one cause are one finding, explaining cases of every
/// clause it breaks; the conditions it kept from happening are not judged, with the reason,
/// and nothing says they were handled.
fn check_one_cause(graded: &Graded, clauses: &[&str]) {
    let expected: BTreeSet<String> = clauses.iter().map(|c| (*c).to_owned()).collect();
    assert_eq!(graded.failed_clauses(), expected, "{}", graded.explain());
    assert_eq!(graded.status, 101, "{}", graded.explain());
    let findings = graded.report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(findings.len(), 1, "one finding: {}", graded.explain());
    let cases: BTreeSet<&str> = findings[0]["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let failed: BTreeSet<&str> = graded
        .cases()
        .filter(|c| verdict(c) == "fail")
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(cases, failed, "the finding explains every failed case");
    assert!(
        graded.stderr.contains("1 finding explains"),
        "{}",
        graded.explain()
    );
    for case in graded.cases() {
        let name = case["name"].as_str().unwrap_or_default();
        let evidence = case["evidence"].to_string();
        for never in [
            "not followed",
            "did not follow",
            "no retry",
            "did not retry",
        ] {
            assert!(!evidence.contains(never), "{name}: {evidence}");
        }
        if name.starts_with("CLI-4::") || name.starts_with("CLI-7::") {
            assert_eq!(verdict(case), "ignored", "{name}: {evidence}");
            assert!(
                evidence.contains("not judged: not exercised"),
                "{name}: {evidence}"
            );
        }
    }
    assert_eq!(
        graded.report["summary"]["not_judged"].as_u64(),
        Some(graded.cases().filter(|c| verdict(c) == "ignored").count() as u64)
    );
}

mod one_cause {
    use super::*;
    one_cause!(key_in_x_api_key_only => ["CLI-1", "CLI-2"]);
}

/// A CLI-6 failure says what was expected once, the requests under it.
#[test]
fn a_401_retried_shows_expected_and_actual_once() {
    let graded = grade(
        &["CLI-6::"],
        &[
            "python3",
            "conformance/tests/clients/redteam.py",
            "retries_401",
        ],
    );
    assert_eq!(graded.status, 101, "{}", graded.explain());
    let block = graded
        .stdout
        .split("---- CLI-6::revoked_key ----")
        .nth(1)
        .unwrap_or_default();
    assert_eq!(
        block.matches("expected:").count(),
        1,
        "{}",
        graded.explain()
    );
    assert_eq!(block.matches("actual:").count(), 1, "{}", graded.explain());
    assert_eq!(
        block.matches("GET /v1/account").count(),
        3,
        "{}",
        graded.explain()
    );
}

#[test]
fn help_lists_the_subcommands_and_the_client_usage() {
    let help = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_terminus-conformance"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = help(&["--help"]);
    for needed in [
        "terminus-conformance client [OPTIONS] [FILTER] -- CMD [ARGS...]",
        "terminus-conformance diff OLD NEW",
        "terminus-conformance axes",
        "Subcommands:",
    ] {
        assert!(top.contains(needed), "{needed}\n{top}");
    }
    let client = help(&["client", "--help"]);
    assert!(
        client.contains("Usage: terminus-conformance client [OPTIONS] [FILTER] -- CMD [ARGS...]"),
        "{client}"
    );
    assert!(client.contains("--jobs"), "{client}");
}

/// The reports' facts come from the scenarios' journals: the requests made, the scenarios run,
/// the protocols negotiated, each case's real duration (the program's run, also one trial at a
/// time), and no seed or generated families where nothing is random.
#[test]
fn the_reports_tell_the_facts_of_the_grading() {
    let dir = scratch("facts");
    let (html, junit) = (dir.join("report.html"), dir.join("junit.xml"));
    let graded = grade(
        &[
            "--test-threads",
            "1",
            "--html",
            html.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
        &[
            "python3",
            "conformance/tests/clients/redteam.py",
            "correct_retry",
        ],
    );
    assert_eq!(graded.status, 0, "{}", graded.explain());
    let run = &graded.report["run"];
    // Requests: what CLI-2 counted per scenario (every listener), 503_always's from CLI-7, and the
    // redirect scenarios' from CLI-4.
    let leading = |text: &str| -> u64 {
        text.split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    // The redirect scenarios judge CLI-4 alone: this program does not follow redirects, so
    // their evidence counts the requests at the origin ("(N request(s) to the origin)").
    let at_origin = |text: &str| -> u64 {
        text.split(" request(s) to the origin")
            .next()
            .and_then(|head| head.rsplit('(').next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    let counted: u64 = graded
        .cases()
        .map(|c| {
            let name = c["name"].as_str().unwrap_or_default();
            let evidence = c["evidence"][0].as_str().unwrap_or_default();
            if name.starts_with("CLI-2::") || name == "CLI-7::503_always" {
                leading(evidence)
            } else if name.starts_with("CLI-4::redirect_") {
                at_origin(evidence)
            } else {
                0
            }
        })
        .sum();
    assert!(counted >= 10, "{counted}: {}", graded.explain());
    assert_eq!(run["requests"].as_u64(), Some(counted), "{run}");
    let scenarios: BTreeSet<&str> = graded
        .cases()
        .filter_map(|c| c["name"].as_str()?.split("::").nth(1))
        .collect();
    assert_eq!(
        run["scenarios"].as_u64(),
        Some(scenarios.len() as u64),
        "{run}"
    );
    assert!(
        run.get("seed").is_none() && run.get("cases_per_family").is_none(),
        "{run}"
    );
    assert_eq!(run["protocols"], serde_json::json!(["http/1.1"]), "{run}");
    assert_eq!(run["http2"], false, "{run}");
    // A Python program takes more than a millisecond; the 429 scenario waits out Retry-After.
    for case in graded.cases() {
        let ms = case["duration_ms"].as_f64().unwrap_or(0.0);
        assert!(ms >= 1.0, "{case}");
        if case["name"] == "CLI-7::429_retry_after_then_success" {
            assert!(ms >= 1000.0, "{case}");
        }
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(">scenarios<") && !page.contains(">seed<"),
        "{page}"
    );
    assert!(
        page.contains(&format!("{counted} sent")),
        "the page counts the requests: {page}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(!xml.contains("name=\"seed\""), "{xml}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// HTTP/2 as the program negotiated it: httpx with `http2=True` speaks it to the mock.
#[test]
fn the_report_says_http2_when_the_program_spoke_it() {
    let program = "import httpx, os, sys\n\
        c = httpx.Client(http2=True, verify=os.environ['SSL_CERT_FILE'])\n\
        r = c.get(os.environ['TERMINUS_BASE_URL'] + '/v1/account', headers={'Authorization': 'Bearer ' + os.environ['TERMINUS_API_KEY']})\n\
        sys.exit(0 if r.status_code == 200 else 1)\n";
    let graded = grade(&["CLI-1::valid_key"], &[&venv_python(), "-c", program]);
    assert_eq!(graded.status, 0, "{}", graded.explain());
    assert_eq!(graded.report["run"]["protocols"], serde_json::json!(["h2"]));
    assert_eq!(graded.report["run"]["http2"], true);
}
