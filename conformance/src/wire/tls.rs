//! TLS for the runner's clients: rustls with the ring provider, trusting the system roots,
//! a `--ca-cert` PEM, or (with `--insecure`) anything.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// Which certificates the runner trusts.
#[derive(Debug, Clone)]
pub enum Trust {
    /// The platform's roots (rustls-native-certs).
    System,
    /// These CA certificates only (`--ca-cert`, or the embedded mock's CA).
    Certificates(Vec<CertificateDer<'static>>),
    /// Anything (`--insecure`): the handshake still happens, the certificate is not checked.
    Anything,
}

/// Why trust anchors cannot become a TLS client configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// rustls refused the protocol versions or the provider.
    #[error("TLS setup: {0}")]
    Setup(#[source] rustls::Error),
    /// The platform has no CA certificates rustls can use.
    #[error("no system CA certificates found: pass --ca-cert PEM")]
    NoSystemRoots,
    /// A CA certificate given cannot be a trust anchor.
    #[error("a CA certificate is unusable: {0}")]
    UnusableCa(#[source] rustls::Error),
}

/// Why a PEM file gives no certificate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateFileError {
    /// The text is not PEM.
    #[error("not a PEM certificate file: {0}")]
    Pem(#[source] rustls::pki_types::pem::Error),
    /// Valid PEM, but no `CERTIFICATE` section in it.
    #[error("no certificate in it")]
    Empty,
}

/// One client configuration per ALPN offer the runner makes.
#[derive(Debug, Clone)]
pub struct TlsConfigs {
    /// Offers `http/1.1` only: the raw client.
    pub http1: Arc<ClientConfig>,
    /// Offers `h2` only: the HTTP/2 client.
    pub http2: Arc<ClientConfig>,
    /// Offers `h2` and `http/1.1`: the pre-flight, to learn whether the target speaks h2.
    pub either: Arc<ClientConfig>,
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl TlsConfigs {
    /// Builds the three configurations; `Err` says why the trust anchors are unusable.
    pub fn new(trust: &Trust) -> Result<Self, TrustError> {
        let make = |alpn: &[&[u8]]| -> Result<Arc<ClientConfig>, TrustError> {
            let builder = ClientConfig::builder_with_provider(provider())
                .with_safe_default_protocol_versions()
                .map_err(TrustError::Setup)?;
            let mut config = match trust {
                Trust::Anything => builder
                    .dangerous()
                    .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider())))
                    .with_no_client_auth(),
                Trust::System => builder
                    .with_root_certificates(system_roots()?)
                    .with_no_client_auth(),
                Trust::Certificates(certs) => {
                    let mut roots = RootCertStore::empty();
                    for cert in certs {
                        roots.add(cert.clone()).map_err(TrustError::UnusableCa)?;
                    }
                    builder.with_root_certificates(roots).with_no_client_auth()
                }
            };
            config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
            Ok(Arc::new(config))
        };
        Ok(Self {
            http1: make(&[b"http/1.1"])?,
            http2: make(&[b"h2"])?,
            either: make(&[b"h2", b"http/1.1"])?,
        })
    }
}

fn system_roots() -> Result<RootCertStore, TrustError> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = RootCertStore::empty();
    let (added, _) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        return Err(TrustError::NoSystemRoots);
    }
    Ok(roots)
}

/// Parses every certificate of a PEM text.
pub fn certificates_from_pem(
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, CertificateFileError> {
    use rustls::pki_types::pem::PemObject;
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(CertificateFileError::Pem)?;
    if certs.is_empty() {
        return Err(CertificateFileError::Empty);
    }
    Ok(certs)
}

/// `--insecure`: accepts any certificate, still checks the handshake's signatures.
#[derive(Debug)]
struct AcceptAnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
