//! TLS for both listeners: rustls 0.23 with the ring provider passed explicitly, TLS 1.2 and
//! 1.3, ALPN `h2` and `http/1.1`. Certificates come from files, or a fresh CA and a leaf for
//! `localhost`, `127.0.0.1` and `::1` are made with rcgen at every start.

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::ServerConfig;

use crate::error::{Error, TlsError};

/// ALPN protocols offered, in order of preference.
pub const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// A certificate chain and its private key, ready for rustls.
#[derive(Debug)]
pub struct Identity {
    /// Leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The leaf's private key.
    pub key: PrivateKeyDer<'static>,
    /// PEM of the CA that signed the leaf, when the mock made it: what clients must trust.
    pub ca_pem: Option<String>,
}

/// Makes a fresh CA and a leaf for `localhost`, `127.0.0.1` and `::1` (ECDSA P-256).
///
/// ```
/// let identity = terminus_mock::tls::generate()?;
/// assert_eq!(identity.chain.len(), 1, "the leaf; clients trust the CA");
/// assert!(identity.ca_pem.unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
/// # Ok::<(), terminus_mock::Error>(())
/// ```
pub fn generate() -> Result<Identity, Error> {
    let failed = |what| move |source| TlsError::Generate { what, source };
    let ca_key = KeyPair::generate().map_err(failed("CA's key pair"))?;
    let mut ca_params = CertificateParams::default();
    let mut ca_name = DistinguishedName::new();
    ca_name.push(DnType::CommonName, "terminus-mock local CA (test only)");
    ca_name.push(DnType::OrganizationName, "terminus-conformance");
    ca_params.distinguished_name = ca_name;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params
        .self_signed(&ca_key)
        .map_err(failed("CA certificate"))?;
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().map_err(failed("leaf's key pair"))?;
    let mut leaf_params = CertificateParams::new(vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ])
    .map_err(failed("leaf's names"))?;
    let mut leaf_name = DistinguishedName::new();
    leaf_name.push(DnType::CommonName, "localhost");
    leaf_params.distinguished_name = leaf_name;
    leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .map_err(failed("leaf certificate"))?;

    Ok(Identity {
        chain: vec![leaf_cert.der().clone()],
        // rcgen serialises key pairs as PKCS#8.
        key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into(),
        ca_pem: Some(ca_cert.pem()),
    })
}

/// Loads a PEM certificate chain and a PEM private key (`--tls-cert`, `--tls-key`).
pub fn load(cert_path: &Path, key_path: &Path) -> Result<Identity, Error> {
    let read = |what, path: &Path| {
        std::fs::read(path).map_err(|source| Error::ReadFile {
            what,
            path: path.to_owned(),
            source,
        })
    };
    let cert_pem = read("certificate (--tls-cert)", cert_path)?;
    let key_pem = read("private key (--tls-key)", key_path)?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| TlsError::CertificatePem {
            path: cert_path.to_owned(),
            source,
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: cert_path.to_owned(),
        }
        .into());
    }
    let key =
        PrivateKeyDer::from_pem_slice(&key_pem).map_err(|source| TlsError::PrivateKeyPem {
            path: key_path.to_owned(),
            source,
        })?;
    Ok(Identity {
        chain,
        key,
        ca_pem: None,
    })
}

/// The rustls configuration both listeners use.
///
/// ```
/// use terminus_mock::tls;
///
/// let config = tls::server_config(&tls::generate()?)?;
/// assert_eq!(config.alpn_protocols, [&b"h2"[..], b"http/1.1"]);
/// # Ok::<(), terminus_mock::Error>(())
/// ```
pub fn server_config(identity: &Identity) -> Result<Arc<ServerConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(TlsError::Versions)?
        .with_no_client_auth()
        .with_single_cert(identity.chain.clone(), identity.key.clone_key())
        .map_err(TlsError::CertificateAndKey)?;
    config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
    Ok(Arc::new(config))
}
