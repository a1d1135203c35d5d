//! The `terminus-mock` binary as a user runs it: banner, ready file, logs without keys,
//! graceful shutdown on SIGTERM, and clear errors for bad flags and files.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::{
    connector, mock_command, refused, request, send_raw, terminate, tls_to, wait_for_ready,
};

const BIN: &str = env!("CARGO_BIN_EXE_terminus-mock");

/// A fresh directory of this test process (removed first if a previous run left it).
pub(crate) fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("terminus-mock-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with arguments it must refuse; a mock that starts anyway is killed after a
/// few seconds and the test fails instead of hanging.
fn run_to_error(args: &[&str]) -> Output {
    let child = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run terminus-mock");
    refused(
        child,
        &format!("terminus-mock {args:?} started instead of refusing"),
    )
}

/// `--listen` and `--admin-listen` on loopback ports the system chooses, then `args`.
fn on_loopback<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    all
}

#[tokio::test]
async fn a_user_session_logs_no_key_and_shuts_down_gracefully() {
    let dir = temp_dir("session");
    let ready = dir.join("ready.json");
    let ca = dir.join("ca.pem");
    let child = mock_command(&ready)
        .args(["--mint", "first", "--mint", "second"])
        .arg("--ca-out")
        .arg(&ca)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let info = wait_for_ready(&ready);
    assert_eq!(info["ca_path"], ca.to_str().unwrap());
    let url = info["public_url"].as_str().unwrap();
    let addr: std::net::SocketAddr = url.trim_start_matches("https://").parse().unwrap();
    let ca_pem = std::fs::read_to_string(&ca).unwrap();
    let tls = connector(&ca_pem, &[b"http/1.1"]);

    // Mint a key through the admin plane with a token from the environment-less banner… the
    // token is printed; here we use keys minted at start instead, read after shutdown.
    let mut conn = tls_to(addr, &tls).await;
    let fixture_key = "thub_TESTONLYactive1NotARealKey0000000001";
    let status = send_raw(
        &mut conn,
        &request(
            "GET",
            "/v1/account",
            &[&format!("Authorization: Bearer {fixture_key}")],
        ),
    )
    .await
    .status;
    assert_eq!(status, 200);
    for (path, line) in [
        (format!("/v1/account?api_key={fixture_key}"), String::new()),
        (format!("/v1/{fixture_key}/x"), String::new()),
        ("/v1/account".to_owned(), format!("Cookie: k={fixture_key}")),
        (
            "/v1/account".to_owned(),
            format!("Authorization: Bearer {fixture_key}x"),
        ),
        (
            "/v1/account".to_owned(),
            format!("Authorization: Basic {fixture_key}"),
        ),
    ] {
        let lines: Vec<&str> = if line.is_empty() {
            vec![]
        } else {
            vec![line.as_str()]
        };
        let response = send_raw(&mut conn, &request("GET", &path, &lines)).await;
        assert!(response.status == 401 || response.status == 404, "{path}");
    }
    drop(conn);

    let output = terminate(child);
    assert!(
        output.status.success(),
        "exit status after SIGTERM: {:?}",
        output.status
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    // The banner: URLs, how to trust the CA, each minted key once.
    assert!(stdout.contains(url), "{stdout}");
    // ca.pem for what adds to a client's roots, the bundle beside it for what replaces them.
    let bundle = dir.join("ca-bundle.pem");
    assert_eq!(info["ca_bundle_path"], bundle.to_str().unwrap());
    for needle in [
        format!("--cacert {}", ca.display()),
        format!("REQUESTS_CA_BUNDLE={}", bundle.display()),
        format!("SSL_CERT_FILE={}", bundle.display()),
        format!("CURL_CA_BUNDLE={}", bundle.display()),
        format!("NODE_EXTRA_CA_CERTS={}", ca.display()),
        "Admin token (generated, shown once)".to_owned(),
    ] {
        assert!(stdout.contains(&needle), "banner lacks {needle}:\n{stdout}");
    }
    let minted: Vec<&str> = stdout
        .split_whitespace()
        .filter(|w| w.starts_with("thub_") && w.len() > 30)
        .collect();
    assert_eq!(
        minted.len(),
        2,
        "two keys minted and shown once each:\n{stdout}"
    );

    // The log: one line per request, hints only; no piece of any key used or minted.
    assert!(stderr.matches("public request").count() >= 6, "{stderr}");
    assert!(
        stderr.contains("thub_…0001"),
        "the hint is logged: {stderr}"
    );
    assert!(stderr.contains("shutting down"), "{stderr}");
    for key in minted.iter().copied().chain([fixture_key]) {
        for window in crate::support::secret_windows(key) {
            assert!(
                !stderr.contains(&window),
                "the log holds {window}:\n{stderr}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--version` names the SPEC.md version the mock implements (its own constant, which a unit
/// test in lib.rs keeps equal to SPEC.md's `Spec version:` line).
#[test]
fn version_says_which_spec_it_implements() {
    let out = run_to_error(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!(
            "terminus-mock {} (SPEC {})",
            env!("CARGO_PKG_VERSION"),
            terminus_mock::SPEC_VERSION
        )
    );
}

#[test]
fn bad_files_and_flags_name_the_flag_the_file_and_what_to_do() {
    let dir = temp_dir("errors");
    let missing = dir.join("nope.json");
    let out = run_to_error(&on_loopback(&["--keys", missing.to_str().unwrap()]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("--keys") && err.contains("nope.json") && err.contains("No such file"),
        "{err}"
    );

    let bad_routes = dir.join("routes.json");
    std::fs::write(
        &bad_routes,
        r#"{"routes":[{"method":"GET","path":"/x","status":999}]}"#,
    )
    .unwrap();
    let out = run_to_error(&on_loopback(&["--routes", bad_routes.to_str().unwrap()]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("routes.json") && err.contains("999"), "{err}");

    let out = run_to_error(&["--listen", "not-an-address"]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--listen"));

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let out = run_to_error(&["--listen", &port, "--admin-listen", "127.0.0.1:0"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--listen") && err.contains(&port) && err.contains("port 0"),
        "{err}"
    );

    let out = run_to_error(&["--tls-cert", "x.pem"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tls-key"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn plaintext_is_explicit_and_warns() {
    let dir = temp_dir("plain");
    let ready = dir.join("ready.json");
    let mut child = mock_command(&ready)
        .args(["--plaintext", "--no-mint"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let info = wait_for_ready(&ready);
    let url = info["public_url"].as_str().unwrap();
    assert!(url.starts_with("http://"));
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    send_raw(&mut tcp, &request("GET", "/v1/account", &[]))
        .await
        .assert_envelope();
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("WARNING"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn also_plain_serves_plain_http_on_the_public_port_and_says_where() {
    let dir = temp_dir("also-plain");
    let ready = dir.join("ready.json");
    let mut child = mock_command(&ready)
        .args(["--also-plain", "--no-mint"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let info = wait_for_ready(&ready);
    let public = info["public_url"].as_str().unwrap();
    let plain = info["public_plain_url"].as_str().unwrap();
    assert_eq!(
        plain.trim_start_matches("http://"),
        public.trim_start_matches("https://")
    );
    let addr: std::net::SocketAddr = plain.trim_start_matches("http://").parse().unwrap();
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    send_raw(&mut tcp, &request("GET", "/v1/account", &[]))
        .await
        .assert_envelope();
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let banner = String::from_utf8_lossy(&output.stdout);
    assert!(
        banner.contains(&format!("Public API   {plain}")),
        "{banner}"
    );
    // Plain HTTP on the port already is --plaintext: the two do not go together.
    let refused = run_to_error(&on_loopback(&["--plaintext", "--also-plain"]));
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--also-plain"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_mock_on_the_same_port_is_refused_not_sharing_it() {
    let dir = temp_dir("twice");
    let ready = dir.join("ready.json");
    let mut first = mock_command(&ready).arg("--no-mint").spawn().unwrap();
    let info = wait_for_ready(&ready);
    let port = info["public_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("https://")
        .to_owned();
    // The Public API listens with SO_REUSEPORT (one listener per thread): a second instance
    // must still get "address in use", not a silent half of the traffic.
    let out = run_to_error(&[
        "--listen",
        &port,
        "--admin-listen",
        "127.0.0.1:0",
        "--no-mint",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--listen") && err.contains(&port), "{err}");
    first.kill().unwrap();
    first.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--ca-dir`: a Node process started before the mock (NODE_EXTRA_CA_CERTS is read once, at
/// process start) trusts a mock started after it, because the CA was made by an earlier start
/// and is reused.
#[test]
fn a_node_process_started_before_the_mock_trusts_it_through_ca_dir() {
    let dir = temp_dir("ca-dir-node");
    let ca_dir = dir.join("ca");
    let first_ready = dir.join("first.json");
    let mut first = mock_command(&first_ready)
        .arg("--ca-dir")
        .arg(&ca_dir)
        .spawn()
        .unwrap();
    wait_for_ready(&first_ready);
    first.kill().unwrap();
    first.wait().unwrap();
    let ca = std::fs::read(ca_dir.join("ca.pem")).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(ca_dir.join("ca-key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let ready = dir.join("second.json");
    let script = r#"
        const fs = require("fs"), https = require("https");
        const ready = process.env.READY;
        (function wait() {
          if (!fs.existsSync(ready) || !fs.readFileSync(ready, "utf8")) return setTimeout(wait, 50);
          const url = JSON.parse(fs.readFileSync(ready, "utf8")).public_url + "/v1/account";
          https.get(url, (res) => { console.log("status", res.statusCode); res.resume(); })
               .on("error", (e) => { console.log("error", e.code || e.message); process.exit(1); });
        })();
    "#;
    let node = Command::new("node")
        .args(["-e", script])
        .env("NODE_EXTRA_CA_CERTS", ca_dir.join("ca.pem"))
        .env("READY", &ready)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node is installed (tests/clients.sh uses it too)");
    std::thread::sleep(Duration::from_millis(300));
    let mut second = mock_command(&ready)
        .arg("--ca-dir")
        .arg(&ca_dir)
        .spawn()
        .unwrap();
    let out = node.wait_with_output().unwrap();
    second.kill().unwrap();
    second.wait().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("status 401"),
        "node: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(ca_dir.join("ca.pem")).unwrap(),
        ca,
        "the same CA"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ca_dir_refuses_an_exposed_key_and_a_key_that_is_not_the_cas() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("ca-dir-bad");
    let (one, two) = (dir.join("one"), dir.join("two"));
    terminus_mock::tls::with_ca_dir(&one).unwrap();
    terminus_mock::tls::with_ca_dir(&two).unwrap();
    let key = one.join("ca-key.pem");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run_to_error(&on_loopback(&["--ca-dir", one.to_str().unwrap()]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--ca-dir") && stderr.contains(&format!("chmod 600 {}", key.display())),
        "{stderr}"
    );
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::copy(two.join("ca.pem"), one.join("ca.pem")).unwrap();
    let out = run_to_error(&on_loopback(&["--ca-dir", one.to_str().unwrap()]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("do not go together"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The log is written off the hot path, and nothing is lost: after a burst of requests and a
/// SIGTERM, stderr holds one line per request, and `Bearer` alone is logged `key=<none>`.
#[tokio::test]
async fn every_request_line_is_in_the_log_after_a_burst_and_sigterm() {
    let dir = temp_dir("log-burst");
    let ready = dir.join("ready.json");
    let ca = dir.join("ca.pem");
    let log = dir.join("stderr.log");
    let child = mock_command(&ready)
        .arg("--ca-out")
        .arg(&ca)
        .env("RUST_LOG", "info")
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let info = wait_for_ready(&ready);
    let addr: std::net::SocketAddr = info["public_url"]
        .as_str()
        .unwrap()
        .trim_start_matches("https://")
        .parse()
        .unwrap();
    let tls = connector(&std::fs::read_to_string(&ca).unwrap(), &[b"http/1.1"]);
    const BURST: usize = 500;
    let mut conn = tls_to(addr, &tls).await;
    for _ in 0..BURST {
        let answer = send_raw(
            &mut conn,
            &request("GET", "/v1/account", &["Authorization: Bearer"]),
        )
        .await;
        assert_eq!(answer.status, 401);
    }
    // SIGTERM at once: the lines still queued must reach stderr before the process ends.
    let output = terminate(child);
    assert!(output.status.success(), "exit 0 on SIGTERM");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines = text
        .lines()
        .filter(|l| l.contains("public request"))
        .count();
    assert_eq!(lines, BURST, "one log line per request");
    assert!(
        text.contains("key=<none>"),
        "{}",
        &text[..text.len().min(2000)]
    );
    assert!(!text.contains("…arer"));
    let _ = std::fs::remove_dir_all(&dir);
}
