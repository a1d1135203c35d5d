//! One scenario, start to end: a terminus-mock in this process set up as the scenario says (a
//! key minted, or minted and revoked; the certificate; the faults; the second origin), the
//! program run once against it, and what the mock's journal recorded.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use terminus_mock::{MockConfig, MockServer, TlsMode};

use super::journal::Seen;
use super::judge::Outcome;
use super::program::{self, Program};
use super::scenario::{Certificate, KeyGiven, Scenario, Script};

/// The name of the key minted for a scenario, as the journal shows it.
const KEY_NAME: &str = "grading";

/// Runs `scenario` with `program`; an `Err` is a set-up problem of the runner's (the scenario's
/// cases are then inconclusive, never failed).
pub async fn grade(
    scenario: Scenario,
    program: &Program,
    timeout: Duration,
) -> Result<Outcome, String> {
    let dir = ScratchDir::new(scenario)?;
    let (tls, trusted_ca) = certificates(scenario.certificate(), dir.path())?;
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let redirects = matches!(
        scenario.script(),
        Script::RedirectOtherOrigin | Script::RedirectToHttp
    );
    let config = MockConfig {
        keys: Vec::new(),
        tls,
        redirect_listen: redirects.then_some(loopback),
        redirect_plain_listen: redirects.then_some(loopback),
        ..MockConfig::default()
    };
    let mock = MockServer::start(config)
        .await
        .map_err(|e| format!("the mock did not start: {e}"))?;
    let result = run_on(&mock, scenario, program, timeout, &dir, trusted_ca).await;
    mock.shutdown().await;
    result
}

async fn run_on(
    mock: &MockServer,
    scenario: Scenario,
    program: &Program,
    timeout: Duration,
    dir: &ScratchDir,
    trusted_ca: Option<String>,
) -> Result<Outcome, String> {
    let store = mock.key_store();
    let (key, description) = match scenario.key() {
        KeyGiven::Absent => (None, None),
        KeyGiven::Valid => {
            let minted = store.mint(KEY_NAME).map_err(|e| e.to_string())?;
            (
                Some(minted.key),
                Some(format!("<valid key \"{KEY_NAME}\">")),
            )
        }
        KeyGiven::Revoked => {
            let minted = store.mint(KEY_NAME).map_err(|e| e.to_string())?;
            store.revoke(&minted.record.id).map_err(|e| e.to_string())?;
            (
                Some(minted.key),
                Some(format!("<revoked key \"{KEY_NAME}\">")),
            )
        }
    };
    if let Some(key) = &key {
        crate::redact::register_secret(key);
    }
    let base_url = mock.public_url();
    let redirect_to = script_faults(mock, scenario.script())?;
    let ca = trusted_ca
        .or_else(|| mock.ca_pem().map(str::to_owned))
        .ok_or("the mock made no CA")?;
    let ca_path = dir.path().join("ca.pem");
    std::fs::write(&ca_path, ca).map_err(|e| format!("{}: {e}", ca_path.display()))?;
    let ca_path = ca_path.display().to_string();
    let mut env: Vec<(&str, String)> = vec![
        ("TERMINUS_BASE_URL", base_url.clone()),
        ("SSL_CERT_FILE", ca_path.clone()),
        ("REQUESTS_CA_BUNDLE", ca_path.clone()),
        ("CURL_CA_BUNDLE", ca_path.clone()),
        ("NODE_EXTRA_CA_CERTS", ca_path),
    ];
    if let Some(key) = &key {
        env.push(("TERMINUS_API_KEY", key.clone()));
    }
    let epoch_us = unix_micros();
    let ran = program::run(program, &env, timeout, dir.path()).await;
    let mut seen: Vec<Seen> = mock
        .received_requests()
        .iter()
        .filter_map(|entry| serde_json::to_value(entry).ok())
        .filter_map(|value| Seen::from_json(&value, epoch_us))
        .collect();
    seen.sort_by_key(|s| s.seq);
    // whether the scenario's condition (redirect, 429, 503, reset) ever happened.
    let served = mock.faults().list().iter().map(|f| f.hits).sum();
    Ok(Outcome {
        scenario,
        ran,
        seen,
        key,
        description,
        base_url,
        redirect_to,
        timeout,
        served,
    })
}

/// The faults of a script on `GET /v1/account`; returns where a redirect points.
fn script_faults(mock: &MockServer, script: Script) -> Result<Option<String>, String> {
    use terminus_mock::faults::{Fault, Respond};
    let path = "/v1/account";
    let on = || Fault::on(http::Method::GET, path);
    let fault = match script {
        Script::Normal => return Ok(None),
        Script::RedirectOtherOrigin | Script::RedirectToHttp => {
            let base = if script == Script::RedirectToHttp {
                mock.redirect_plain_url()
            } else {
                mock.redirect_url()
            }
            // Another host name as well as another port: `localhost` for the mock's
            // `127.0.0.1` (the certificate names both).
            .map(|u| u.replacen("127.0.0.1", "localhost", 1))
            .ok_or("the second origin did not start")?;
            let location = format!("{base}{path}");
            mock.faults()
                .add(on().respond(Respond::redirect(307, &location)))
                .map_err(|e| e.to_string())?;
            return Ok(Some(location));
        }
        Script::TooManyRequestsOnce => on()
            .times(1)
            .respond(Respond::status(429).header("retry-after", "1")),
        Script::UnavailableOnce => on().times(1).respond(Respond::status(503)),
        Script::ResetOnce => on().times(1).respond(Respond::reset()),
        Script::UnavailableAlways => on().respond(Respond::status(503)),
    };
    mock.faults().add(fault).map_err(|e| e.to_string())?;
    Ok(None)
}

/// The mock's TLS identity for a scenario, and the CA the program is told to trust (`None`:
/// the mock's own).
fn certificates(certificate: Certificate, dir: &Path) -> Result<(TlsMode, Option<String>), String> {
    match certificate {
        Certificate::Trusted => Ok((TlsMode::Generate, None)),
        Certificate::UntrustedCa => {
            // The program trusts a CA that has nothing to do with the mock's.
            let (stranger, _, _) = authority("another CA (not the mock's)", &["localhost"])?;
            Ok((TlsMode::Generate, Some(stranger)))
        }
        Certificate::OtherHostName => {
            let (ca, chain, key) =
                authority("terminus-conformance grading CA", &["wrong-host.invalid"])?;
            let (cert, key_path) = (dir.join("leaf.pem"), dir.join("leaf-key.pem"));
            std::fs::write(&cert, chain).map_err(|e| format!("{}: {e}", cert.display()))?;
            std::fs::write(&key_path, key).map_err(|e| format!("{}: {e}", key_path.display()))?;
            Ok((
                TlsMode::Files {
                    cert,
                    key: key_path,
                },
                Some(ca),
            ))
        }
    }
}

/// A fresh CA, and a leaf it signed for `names`: (CA PEM, leaf PEM, leaf key PEM).
fn authority(ca_name: &str, names: &[&str]) -> Result<(String, String, String), String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
        IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let failed = |e: rcgen::Error| format!("making a test certificate: {e}");
    let ca_key = KeyPair::generate().map_err(failed)?;
    let mut ca = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, ca_name);
    ca.distinguished_name = dn;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).map_err(failed)?;
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().map_err(failed)?;
    let mut leaf = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
        .map_err(failed)?;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(failed)?;
    Ok((ca_cert.pem(), leaf_cert.pem(), leaf_key.serialize_pem()))
}

fn unix_micros() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i128)
}

/// A directory of the scenario's own (the CA file, certificates, the program's `HOME`),
/// removed when the scenario ends.
pub struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(scenario: Scenario) -> Result<ScratchDir, String> {
        let path = std::env::temp_dir().join(format!(
            "terminus-client-{}-{}-{}",
            std::process::id(),
            scenario.name(),
            unix_micros() % 1_000_000
        ));
        std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(ScratchDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
