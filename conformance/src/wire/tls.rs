//! TLS for the runner's clients: rustls with the ring provider, trusting the system roots,
//! a `--ca-cert` PEM, or (with `--insecure`) anything.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{verify_server_name, WebPkiServerVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
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
                    .with_custom_certificate_verifier(Arc::new(Verifier::anything()))
                    .with_no_client_auth(),
                Trust::System => builder
                    .with_root_certificates(system_roots()?)
                    .with_no_client_auth(),
                Trust::Certificates(certs) => {
                    let mut roots = RootCertStore::empty();
                    for cert in certs {
                        roots.add(cert.clone()).map_err(TrustError::UnusableCa)?;
                    }
                    let chains =
                        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider())
                            .build()
                            .map_err(|e| {
                                TrustError::UnusableCa(rustls::Error::General(e.to_string()))
                            })?;
                    builder
                        .dangerous()
                        .with_custom_certificate_verifier(Arc::new(Verifier {
                            chains: Some(chains),
                            pinned: certs.clone(),
                            provider: provider(),
                        }))
                        .with_no_client_auth()
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

/// What a failed TLS handshake means, in words a user can act on: an untrusted issuer,
/// an expired certificate, another host's certificate, or a port that speaks plain HTTP.
pub fn explain_handshake_error(error: &std::io::Error) -> String {
    use rustls::{CertificateError, InvalidMessage};
    let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return error.to_string();
    };
    match tls {
        rustls::Error::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => "the server's certificate is not signed by a CA the runner trusts (unknown issuer)".into(),
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => "the server's certificate has expired".into(),
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => "the server's certificate is not valid yet (check the clocks)".into(),
            CertificateError::NotValidForName => "the server's certificate is for another host name".into(),
            CertificateError::NotValidForNameContext { expected, presented } => format!(
                "the server's certificate is for another host name: {} was asked for, it names {}",
                format!("{expected:?}").trim_start_matches("DnsName(").trim_end_matches(')'),
                if presented.is_empty() { "no host".to_owned() } else { presented.join(", ") }
            ),
            CertificateError::BadSignature => "the server's certificate has a bad signature".into(),
            CertificateError::Revoked => "the server's certificate is revoked".into(),
            CertificateError::Other(other) if other.to_string().contains("CaUsedAsEndEntity") => {
                "the server's certificate is self-signed (a CA certificate used as its own certificate) and is not the one trusted".into()
            }
            other => format!("the server's certificate is refused: {other:?}"),
        },
        rustls::Error::InvalidMessage(InvalidMessage::InvalidContentType)
        | rustls::Error::InvalidMessage(_) => {
            "the port did not answer in TLS (a plain-HTTP port?)".into()
        }
        rustls::Error::AlertReceived(alert) => {
            format!("the server refused the TLS handshake (alert {alert:?})")
        }
        other => other.to_string(),
    }
}

/// The runner's certificate check. `--insecure` ([`Verifier::anything`]): any certificate, the
/// handshake's signatures still checked. R-4, `--ca-cert` as curl reads it: a certificate that
/// chains to one of the given ones is trusted as usual; so is a server certificate that *is* one
/// of the given ones (a self-signed certificate made with `openssl req -x509`, often marked
/// CA:TRUE and used as its own end entity, which WebPKI path building refuses as
/// `CaUsedAsEndEntity`), once it names the host.
#[derive(Debug)]
struct Verifier {
    /// `None` for `--insecure`.
    chains: Option<Arc<WebPkiServerVerifier>>,
    pinned: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
}

impl Verifier {
    fn anything() -> Self {
        Self {
            chains: None,
            pinned: Vec::new(),
            provider: provider(),
        }
    }
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chains) = &self.chains else {
            return Ok(ServerCertVerified::assertion());
        };
        match chains.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Ok(verified) => Ok(verified),
            Err(e)
                if self
                    .pinned
                    .iter()
                    .any(|p| p.as_ref() == end_entity.as_ref()) =>
            {
                // The very certificate the user gave: its name must still match the host.
                let parsed = ParsedCertificate::try_from(end_entity).map_err(|_| e)?;
                verify_server_name(&parsed, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            Err(e) => Err(e),
        }
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
            &self.provider.signature_verification_algorithms,
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
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
