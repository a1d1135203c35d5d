//! The trust bundle (`--ca-dir DIR`: `DIR/bundle.pem`; `--ca-out NAME.pem`: `NAME-bundle.pem`):
//! the system's roots plus the mock's CA, so that a variable which *replaces* a client's roots
//! (`REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`, `CURL_CA_BUNDLE`) trusts the mock without breaking
//! every other HTTPS call on the machine.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde_json::Value;

use crate::binary::temp_dir;
use crate::support::{mock_command, wait_for_ready};

const DEBIAN_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The certificates of a PEM file, in order.
fn certificates(path: &Path) -> Vec<CertificateDer<'static>> {
    CertificateDer::pem_file_iter(path)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn distinct(certs: &[CertificateDer<'_>]) -> usize {
    certs
        .iter()
        .map(|c| c.as_ref())
        .collect::<HashSet<_>>()
        .len()
}

/// Starts the binary with `args` and `SSL_CERT_FILE` as given (`None`: unset), waits for it to
/// be ready and returns it with its ready file and its banner (read after it is stopped).
fn start(dir: &Path, name: &str, args: &[&str], ssl_cert_file: Option<&Path>) -> (Child, Value) {
    let ready = dir.join(format!("{name}.json"));
    let mut command = mock_command(&ready);
    command.args(args).stdout(Stdio::piped());
    match ssl_cert_file {
        Some(file) => command.env("SSL_CERT_FILE", file),
        None => command.env_remove("SSL_CERT_FILE"),
    };
    let child = command.spawn().unwrap();
    let info = wait_for_ready(&ready);
    (child, info)
}

fn stop(mut child: Child) -> String {
    let _ = child.kill();
    String::from_utf8_lossy(&child.wait_with_output().unwrap().stdout).into_owned()
}

fn bundle_path(info: &Value) -> PathBuf {
    PathBuf::from(info["ca_bundle_path"].as_str().expect("ca_bundle_path"))
}

/// A throwaway CA and a leaf of it for 127.0.0.1, written as PEM files: a server "out there"
/// whose issuer is in the (temporary) system store, not the mock's.
fn another_ca(dir: &Path) -> (String, PathBuf, PathBuf) {
    let identity = terminus_mock::tls::generate().unwrap();
    let (cert, key) = (dir.join("other-leaf.pem"), dir.join("other-key.pem"));
    let leaf = pem::Pem::new("CERTIFICATE", identity.chain[0].as_ref());
    let private = pem::Pem::new("PRIVATE KEY", identity.key.secret_der());
    std::fs::write(&cert, pem::encode(&leaf)).unwrap();
    std::fs::write(&key, pem::encode(&private)).unwrap();
    (identity.ca_pem.unwrap(), cert, key)
}

/// The bundle is the CA first, then every root of the system's bundle, each once; rewritten at
/// each start (a root added to the system's store is in the next one); `SSL_CERT_FILE` naming
/// the bundle itself does not make it feed on itself.
#[test]
fn the_bundle_is_the_ca_then_the_systems_roots_rewritten_at_each_start() {
    let dir = temp_dir("bundle-roots");
    let ca_dir = dir.join("ca");
    let args = ["--ca-dir", ca_dir.to_str().unwrap()];

    // SSL_CERT_FILE unset: the system's own bundle (this machine is Debian).
    let (child, info) = start(&dir, "first", &args, None);
    let banner = stop(child);
    let bundle = bundle_path(&info);
    assert_eq!(bundle, ca_dir.join("bundle.pem"));
    let ca = certificates(&ca_dir.join("ca.pem"));
    let held = certificates(&bundle);
    assert_eq!(held[0], ca[0], "the mock's CA comes first");
    assert_eq!(distinct(&held), held.len(), "each certificate once");
    if Path::new(DEBIAN_BUNDLE).exists() {
        let system = certificates(Path::new(DEBIAN_BUNDLE));
        assert!(system.len() > 50, "{} roots", system.len());
        assert_eq!(
            held.len(),
            1 + distinct(&system),
            "the CA and every system root"
        );
        assert!(system.iter().all(|root| held.contains(root)));
        assert!(
            banner.contains(&format!("system roots from {DEBIAN_BUNDLE}, plus the CA")),
            "{banner}"
        );
    }

    // SSL_CERT_FILE naming the bundle (exported as the banner says, then a restart): passed
    // over, the roots come from the system's bundle again; nothing piles up.
    let (child, _) = start(&dir, "again", &args, Some(&bundle));
    stop(child);
    assert_eq!(certificates(&bundle).len(), held.len());

    // A store that changed: the next start's bundle has the new root.
    let (other_ca, _, _) = another_ca(&dir);
    let system = dir.join("system.pem");
    std::fs::write(&system, other_ca.as_bytes()).unwrap();
    let (child, _) = start(&dir, "changed", &args, Some(&system));
    let banner = stop(child);
    let now = certificates(&bundle);
    assert_eq!(now.len(), 2, "the CA and the one root of SSL_CERT_FILE");
    assert_eq!(now[0], ca[0]);
    assert_eq!(now[1], certificates(&system)[0]);
    assert!(
        banner.contains(&format!(
            "(1 system root from {}, plus the CA)",
            system.display()
        )),
        "{banner}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The plain start (`--ca-out`, or the default temporary CA file) has its bundle too.
#[test]
fn the_plain_start_writes_the_bundle_beside_the_ca() {
    let dir = temp_dir("bundle-plain");
    let ca = dir.join("mock-ca.pem");
    let (child, info) = start(&dir, "ready", &["--ca-out", ca.to_str().unwrap()], None);
    let banner = stop(child);
    let bundle = dir.join("mock-ca-bundle.pem");
    assert_eq!(bundle_path(&info), bundle);
    assert_eq!(certificates(&bundle)[0], certificates(&ca)[0]);
    assert!(banner.contains(&format!("REQUESTS_CA_BUNDLE={}", bundle.display())));
    assert!(banner.contains(&format!("NODE_EXTRA_CA_CERTS={}", ca.display())));

    let (child, info) = start(&dir, "default", &[], None);
    stop(child);
    let bundle = bundle_path(&info);
    let ca = PathBuf::from(info["ca_path"].as_str().unwrap());
    assert_eq!(certificates(&bundle)[0], certificates(&ca)[0]);
    let _ = std::fs::remove_file(&bundle);
    let _ = std::fs::remove_file(&ca);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Python requests with `REQUESTS_CA_BUNDLE=bundle.pem` reaches the mock *and* a server whose
/// issuer is in the system's store (a throwaway CA put in a temporary system bundle, named by
/// `SSL_CERT_FILE` when the mock starts, served by a second mock with `--tls-cert`). With
/// `ca.pem` instead, that second call fails: the failure the bundle exists to avoid. The
/// throwaway CA has the mock CA's name (as an older mock CA in a system store would): the
/// leaf's authority key identifier is what lets OpenSSL pick the right one.
#[test]
fn python_requests_with_the_bundle_reaches_the_mock_and_the_rest_of_the_machine() {
    let dir = temp_dir("bundle-python");
    let (other_ca, leaf, key) = another_ca(&dir);
    let system = dir.join("system.pem");
    let mut roots = std::fs::read_to_string(DEBIAN_BUNDLE).unwrap_or_default();
    roots.push_str(&other_ca);
    std::fs::write(&system, roots).unwrap();
    let outside_args = [
        "--tls-cert",
        leaf.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
        "--no-mint",
    ];
    let (outside, outside_info) = start(&dir, "outside", &outside_args, None);
    let ca_dir = dir.join("ca");
    let args = ["--ca-dir", ca_dir.to_str().unwrap(), "--no-mint"];
    let (mock, info) = start(&dir, "mock", &args, Some(&system));

    let script = r#"
import os, sys
urls = sys.argv[1:]
try:
    import requests
    def get(url):
        return requests.get(url, timeout=10).status_code
except ImportError:  # the standard library, reading the same variable
    import ssl, urllib.error, urllib.request
    context = ssl.create_default_context(cafile=os.environ["REQUESTS_CA_BUNDLE"])
    def get(url):
        try:
            return urllib.request.urlopen(url, context=context, timeout=10).status
        except urllib.error.HTTPError as e:
            return e.code
for url in urls:
    try:
        print(url, get(url))
    except Exception as e:
        print(url, "failed", "CERTIFICATE_VERIFY_FAILED" in repr(e))
"#;
    let urls = [
        format!("{}/v1/account", info["public_url"].as_str().unwrap()),
        format!(
            "{}/v1/account",
            outside_info["public_url"].as_str().unwrap()
        ),
    ];
    let python = |trust: &Path| {
        let out = Command::new("python3")
            .arg("-c")
            .arg(script)
            .args(&urls)
            .env("REQUESTS_CA_BUNDLE", trust)
            .env_remove("SSL_CERT_FILE")
            .env_remove("CURL_CA_BUNDLE")
            .output()
            .expect("python3 is installed (tests/clients.sh uses it too)");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let with_bundle = python(&bundle_path(&info));
    let with_ca = python(&ca_dir.join("ca.pem"));
    stop(mock);
    stop(outside);
    assert_eq!(
        with_bundle,
        format!("{} 401\n{} 401\n", urls[0], urls[1]),
        "both verified and answered"
    );
    assert_eq!(
        with_ca,
        format!("{} 401\n{} failed True\n", urls[0], urls[1]),
        "ca.pem alone replaces the roots: the outside server does not verify"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
