//! TLS: versions, ALPN, certificates from files, and clear errors for bad ones.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use terminus_mock::{Error, MockConfig, MockServer, TlsError, TlsMode};
use tokio::net::TcpStream;

use crate::support::Mock;

fn client(
    ca_pem: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
    alpn: &[&[u8]],
) -> tokio_rustls::TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    use rustls::pki_types::pem::PemObject;
    for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let mut config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_protocol_versions(versions)
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// Starts the mock with `--tls-cert DIR/cert --tls-key DIR/key`.
async fn start_with_files(dir: &Path, cert: &str, key: &str) -> Result<MockServer, Error> {
    MockServer::start(MockConfig {
        tls: TlsMode::Files {
            cert: dir.join(cert),
            key: dir.join(key),
        },
        ..MockConfig::default()
    })
    .await
}

#[tokio::test]
async fn tls_1_2_and_1_3_for_every_name_in_the_certificate() {
    let mock = Mock::start().await;
    let ca = mock.server.ca_pem().unwrap();
    for version in [&rustls::version::TLS12, &rustls::version::TLS13] {
        for name in ["localhost", "127.0.0.1"] {
            let connector = client(ca, &[version], &[b"http/1.1"]);
            let tcp = TcpStream::connect(mock.addr()).await.unwrap();
            let stream = connector
                .connect(ServerName::try_from(name).unwrap().to_owned(), tcp)
                .await
                .unwrap_or_else(|e| panic!("{name} {version:?}: {e}"));
            assert_eq!(stream.get_ref().1.protocol_version(), Some(version.version));
        }
    }
}

#[tokio::test]
async fn alpn_picks_h2_or_http_1_1_and_no_alpn_means_http_1_1() {
    let mock = Mock::start().await;
    let ca = mock.server.ca_pem().unwrap();
    for (offer, expect) in [
        (vec![&b"h2"[..], b"http/1.1"], Some(&b"h2"[..])),
        (vec![&b"http/1.1"[..]], Some(&b"http/1.1"[..])),
        (vec![], None),
    ] {
        let connector = client(ca, &[&rustls::version::TLS13], &offer);
        let mut stream = crate::support::tls_to(mock.addr(), &connector).await;
        assert_eq!(stream.get_ref().1.alpn_protocol(), expect);
        if expect != Some(b"h2") {
            crate::support::send_raw(&mut stream, &crate::support::request("GET", "/", &[]))
                .await
                .assert_envelope();
        }
    }
}

#[tokio::test]
async fn certificates_from_files_are_served() {
    let dir = std::env::temp_dir().join(format!("terminus-mock-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    std::fs::write(dir.join("cert.pem"), leaf.pem()).unwrap();
    std::fs::write(dir.join("key.pem"), leaf_key.serialize_pem()).unwrap();
    let mock = start_with_files(&dir, "cert.pem", "key.pem").await.unwrap();
    assert!(mock.ca_pem().is_none());
    let connector = client(&ca_cert.pem(), &[&rustls::version::TLS13], &[b"http/1.1"]);
    let mut stream = crate::support::tls_to(mock.public_addr(), &connector).await;
    crate::support::send_raw(&mut stream, &crate::support::request("GET", "/", &[]))
        .await
        .assert_envelope();

    // Bad files: the error names the flag, the file and what is wrong, and keeps its cause.
    std::fs::write(dir.join("junk.pem"), "not a pem").unwrap();
    std::fs::write(
        dir.join("broken.pem"),
        "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    // (the flag given a bad file, the file, the error expected); the other flag gets a good one.
    type IsExpected = fn(&Error) -> bool;
    let bad_files: [(&str, &str, IsExpected); 4] = [
        ("--tls-cert", "junk.pem", |e| {
            matches!(e, Error::Tls(TlsError::NoCertificate { .. }))
        }),
        ("--tls-cert", "broken.pem", |e| {
            matches!(e, Error::Tls(TlsError::CertificatePem { .. }))
        }),
        ("--tls-key", "junk.pem", |e| {
            matches!(e, Error::Tls(TlsError::PrivateKeyPem { .. }))
        }),
        ("--tls-key", "missing.pem", |e| {
            matches!(e, Error::ReadFile { .. })
        }),
    ];
    for (flag, file, is_expected) in bad_files {
        let (cert, key) = match flag {
            "--tls-cert" => (file, "key.pem"),
            _ => ("cert.pem", file),
        };
        let err = start_with_files(&dir, cert, key).await.unwrap_err();
        assert!(is_expected(&err), "{flag} {file}: {err:?}");
        let message = err.to_string();
        assert!(
            message.contains(flag) && message.contains(file),
            "{flag} {file}: {message}"
        );
    }
    // A key that is not the certificate's: rustls's reason is kept.
    let other_key = rcgen::KeyPair::generate().unwrap();
    std::fs::write(dir.join("other-key.pem"), other_key.serialize_pem()).unwrap();
    let err = start_with_files(&dir, "cert.pem", "other-key.pem")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Tls(TlsError::CertificateAndKey(_))),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("--tls-key"), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}
