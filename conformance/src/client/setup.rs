//! Setup problems are not violations (SPEC.md part 4, "How each clause is judged"): before any
//! clause is judged, the `valid_key` scenario runs alone, as the pre-flight. When no request of
//! it reached the mock (the program could not trust the scenario's CA, stopped before calling,
//! never called, hung), nothing it did says anything about a clause: the run stops with one
//! [`SetupProblem`], exit status 3 as for an unreachable target, naming what the program said
//! and what to change. A CLI-1 or CLI-5 failure is never made of it.

use super::journal::Listener;
use super::judge::Outcome;
use super::program::Exit;

/// The environment variables the runner points at the scenario's CA (a PEM file).
pub const CA_VARIABLES: &[&str] = &[
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NODE_EXTRA_CA_CERTS",
];

/// How each TLS stack says that it does not trust a certificate's issuer (lower case; the
/// output is compared lower-cased), and which stack says it.
pub const DISTRUST: &[(&str, &str)] = &[
    // The stacks' own words first, then OpenSSL's, which several of them quote.
    ("curl: (60)", "curl"),
    ("curl: (77)", "curl (the CA file could not be read)"),
    (
        "x509: certificate signed by unknown authority",
        "Go (crypto/x509)",
    ),
    ("x509: unknown authority", "Go (crypto/x509)"),
    ("pkix path building failed", "Java (PKIX)"),
    ("unable to find valid certification path", "Java (PKIX)"),
    ("unknownissuer", "rustls"),
    ("invalid peer certificate", "rustls"),
    ("unable_to_verify_leaf_signature", "Node"),
    ("self_signed_cert_in_chain", "Node"),
    ("depth_zero_self_signed_cert", "Node"),
    ("unable_to_get_issuer_cert_locally", "Node"),
    ("cert_untrusted", "Node"),
    ("unable to verify the first certificate", "Node"),
    ("certificate_verify_failed", "Python's ssl (OpenSSL)"),
    ("sslcertverificationerror", "Python's ssl (OpenSSL)"),
    ("the certificate is not trusted", "GnuTLS"),
    ("certificate verify failed", "OpenSSL"),
    ("unable to get local issuer certificate", "OpenSSL"),
    ("self signed certificate in certificate chain", "OpenSSL"),
    ("self-signed certificate in certificate chain", "OpenSSL 3"),
];

/// Why a program cannot be graded: what the pre-flight (`valid_key`) saw instead of a request.
/// Each says what to change; exit status 3.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetupProblem {
    /// Its TLS stack did not trust the scenario's CA.
    #[error("setup problem, not a violation: the program could not trust the scenario's CA ({stack} said: {said}), so no request reached the mock and no clause can be judged. The runner set {} to a PEM file holding that CA; a stack that ignores them (an SDK that ships its own CA bundle, as stripe-python does; Java; a pinned certifi) needs it in code, e.g. stripe.ca_bundle_path = os.environ[\"SSL_CERT_FILE\"], httpx.Client(verify=os.environ[\"SSL_CERT_FILE\"]), requests' verify=, Java's -Djavax.net.ssl.trustStore (after keytool -importcert)", CA_VARIABLES.join(", "))]
    Distrusted {
        /// The stack whose wording matched.
        stack: &'static str,
        /// The line it printed (redacted).
        said: String,
    },
    /// It ended with an error before any request.
    #[error("setup problem, not a violation: the program exited before calling the API ({exit}; it said: {said}): no request reached the mock at {base_url}, so no clause can be judged. Make it run (its dependencies installed), and have it hand TERMINUS_BASE_URL and TERMINUS_API_KEY to its SDK (a connection error here means it called somewhere else)")]
    ExitedBeforeCalling {
        /// How it ended.
        exit: String,
        /// Its last line of output (redacted).
        said: String,
        /// `TERMINUS_BASE_URL`.
        base_url: String,
    },
    /// It reported success, or said nothing, without any request.
    #[error("setup problem, not a violation: the program never called the API ({exit}, {said}; no request reached the mock at {base_url}). It must make one call through the SDK to TERMINUS_BASE_URL (GET /v1/account) with TERMINUS_API_KEY; does it hand TERMINUS_BASE_URL to the SDK?")]
    NeverCalled {
        /// How it ended.
        exit: String,
        /// Its last line of output, or that it printed nothing (redacted).
        said: String,
        /// `TERMINUS_BASE_URL`.
        base_url: String,
    },
    /// It was still running at the timeout, with no request sent.
    #[error("setup problem, not a violation: the program never called the API: {exit}, and no request reached the mock at {base_url} ({said}). Does it hand TERMINUS_BASE_URL to the SDK, and does it finish on its own? (--timeout sets the limit)")]
    Hung {
        /// The timeout, as the program's exit describes it.
        exit: String,
        /// Its last line of output, or that it printed nothing (redacted).
        said: String,
        /// `TERMINUS_BASE_URL`.
        base_url: String,
    },
}

/// What the pre-flight outcome says about the set-up: `None` when a request reached the mock
/// (the program can be graded), else the problem.
pub fn problem(preflight: &Outcome) -> Option<SetupProblem> {
    if preflight
        .seen
        .iter()
        .any(|s| s.listener == Listener::Public)
    {
        return None;
    }
    let output = preflight.ran.output();
    let lower = output.to_ascii_lowercase();
    let exit = preflight.ran.exit.describe(preflight.timeout);
    let base_url = preflight.base_url.clone();
    if let Some((needle, stack)) = DISTRUST.iter().find(|(needle, _)| lower.contains(needle)) {
        let line = output
            .lines()
            .find(|l| l.to_ascii_lowercase().contains(needle))
            .unwrap_or_default();
        return Some(SetupProblem::Distrusted {
            stack,
            said: preflight.shown(line.trim()),
        });
    }
    let last = output
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| format!("its last line: {}", preflight.shown(l)));
    Some(match preflight.ran.exit {
        Exit::TimedOut => SetupProblem::Hung {
            exit,
            said: last.unwrap_or_else(|| "it printed nothing".into()),
            base_url,
        },
        Exit::Code(0) => SetupProblem::NeverCalled {
            exit,
            said: last.unwrap_or_else(|| "it printed nothing".into()),
            base_url,
        },
        _ => SetupProblem::ExitedBeforeCalling {
            exit,
            said: last.map_or_else(
                || "nothing".into(),
                |l| l.replacen("its last line: ", "", 1),
            ),
            base_url,
        },
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::client::program::Ran;
    use crate::client::scenario::Scenario;

    fn preflight(exit: Exit, stderr: &str) -> Outcome {
        Outcome {
            scenario: Scenario::ValidKey,
            ran: Ran {
                exit,
                stdout: String::new(),
                stderr: stderr.to_owned(),
                elapsed: Duration::from_millis(40),
            },
            seen: Vec::new(),
            key: None,
            description: None,
            base_url: "https://127.0.0.1:4443".into(),
            redirect_to: None,
            timeout: Duration::from_secs(30),
            served: 0,
        }
    }

    /// Each stack's wording of a CA it does not trust, as it prints it (stacks the red team
    /// does not run: the integration tests run Python, curl and Node).
    #[test]
    fn each_stack_saying_it_distrusts_the_ca_is_a_setup_problem_naming_it() {
        for (said, stack) in [
            ("Get \"https://127.0.0.1:4443/v1/account\": tls: failed to verify certificate: x509: certificate signed by unknown authority", "Go (crypto/x509)"),
            ("javax.net.ssl.SSLHandshakeException: PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target", "Java (PKIX)"),
            ("Error: error sending request for url (https://127.0.0.1:4443/v1/account): invalid peer certificate: UnknownIssuer", "rustls"),
            ("TypeError: fetch failed\n  [cause]: Error: self-signed certificate in certificate chain { code: 'SELF_SIGNED_CERT_IN_CHAIN' }", "Node"),
            ("curl: (60) SSL certificate problem: unable to get local issuer certificate", "curl"),
            ("stripe.error.APIConnectionError: ... [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain (_ssl.c:1006)", "Python's ssl (OpenSSL)"),
        ] {
            match problem(&preflight(Exit::Code(1), said)) {
                Some(SetupProblem::Distrusted { stack: found, said: line }) => {
                    assert_eq!(found, stack, "{said}");
                    assert!(!line.is_empty());
                }
                other => panic!("{said}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_program_that_did_not_call_is_told_apart_from_one_that_failed_or_hung() {
        assert!(matches!(
            problem(&preflight(
                Exit::Code(1),
                "ConnectionRefusedError: [Errno 111] Connection refused"
            )),
            Some(SetupProblem::ExitedBeforeCalling { .. })
        ));
        assert!(matches!(
            problem(&preflight(Exit::Code(0), "")),
            Some(SetupProblem::NeverCalled { .. })
        ));
        assert!(matches!(
            problem(&preflight(Exit::TimedOut, "")),
            Some(SetupProblem::Hung { .. })
        ));
        let said = problem(&preflight(Exit::Code(0), "")).unwrap().to_string();
        assert!(
            said.contains("never called the API") && said.contains("it printed nothing"),
            "{said}"
        );
    }
}
