//! TLS: versions, ALPN, certificates from files, and clear errors for bad ones.

use std::sync::Arc;

use rustls::pki_types::ServerName;
use terminus_mock::{MockConfig, MockServer, TlsMode};
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
    let mock = MockServer::start(MockConfig {
        tls: TlsMode::Files {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        },
        ..MockConfig::default()
    })
    .await
    .unwrap();
    assert!(mock.ca_pem().is_none());
    let connector = client(&ca_cert.pem(), &[&rustls::version::TLS13], &[b"http/1.1"]);
    let mut stream = crate::support::tls_to(mock.public_addr(), &connector).await;
    crate::support::send_raw(&mut stream, &crate::support::request("GET", "/", &[]))
        .await
        .assert_envelope();

    // Bad files: the error names the flag, the file and what is wrong.
    std::fs::write(dir.join("junk.pem"), "not a pem").unwrap();
    let err = MockServer::start(MockConfig {
        tls: TlsMode::Files {
            cert: dir.join("junk.pem"),
            key: dir.join("key.pem"),
        },
        ..MockConfig::default()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("--tls-cert") && err.contains("junk.pem"),
        "{err}"
    );
    let err = MockServer::start(MockConfig {
        tls: TlsMode::Files {
            cert: dir.join("cert.pem"),
            key: dir.join("missing.pem"),
        },
        ..MockConfig::default()
    })
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("--tls-key") && err.contains("missing.pem"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
