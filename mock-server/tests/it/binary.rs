//! The `terminus-mock` binary as a user runs it: banner, ready file, logs without keys,
//! graceful shutdown on SIGTERM, and clear errors for bad flags and files.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{connector, mock_command, request, send_raw, tls_to, wait_for_ready};

const BIN: &str = env!("CARGO_BIN_EXE_terminus-mock");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("terminus-mock-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with arguments it must refuse; a mock that starts anyway is killed after a
/// few seconds and the test fails instead of hanging.
fn run_to_error(args: &[&str]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run terminus-mock");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(15) {
            child.kill().unwrap();
            panic!("terminus-mock {args:?} started instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
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

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "exit status after SIGTERM: {:?}",
        output.status
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    // The banner: URLs, how to trust the CA, each minted key once.
    assert!(stdout.contains(url), "{stdout}");
    for needle in [
        format!("--cacert {}", ca.display()),
        format!("REQUESTS_CA_BUNDLE={}", ca.display()),
        format!("SSL_CERT_FILE={}", ca.display()),
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
