//! TLS for both listeners: rustls 0.23 with the ring provider passed explicitly, TLS 1.2 and
//! 1.3, ALPN `h2` and `http/1.1`. Certificates come from files, or a fresh CA and a leaf for
//! `localhost`, `127.0.0.1` and `::1` are made with rcgen at every start. `bundle.rs`: the
//! trust bundle (the system's roots plus the CA) for clients whose CA variable replaces their
//! roots.

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

mod bundle;
pub use bundle::{write_bundle, RootsSource, TrustBundle, SYSTEM_BUNDLES};

/// The trust bundle's name in `--ca-dir` (see [`write_bundle`]); beside `--ca-out`'s file it is
/// that file's name with `-bundle` before `.pem` (`ca.pem`: `ca-bundle.pem`).
pub const BUNDLE_FILE: &str = "bundle.pem";

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
    let (params, key) = ca_params_and_key(None)?;
    let ca_cert = params
        .self_signed(&key)
        .map_err(generation_failed("CA certificate"))?;
    leaf_signed_by(Issuer::new(params, key), ca_cert.pem())
}

fn generation_failed(what: &'static str) -> impl Fn(rcgen::Error) -> TlsError {
    move |source| TlsError::Generate { what, source }
}

/// The local CA's parameters (always the same name, so a CA kept in `--ca-dir` signs leaves
/// that chain to its certificate) and its key pair: `key` when given, a fresh one otherwise.
fn ca_params_and_key(key: Option<KeyPair>) -> Result<(CertificateParams, KeyPair), Error> {
    let key = match key {
        Some(key) => key,
        None => KeyPair::generate().map_err(generation_failed("CA's key pair"))?,
    };
    let mut ca_params = CertificateParams::default();
    let mut ca_name = DistinguishedName::new();
    ca_name.push(DnType::CommonName, "terminus-mock local CA (test only)");
    ca_name.push(DnType::OrganizationName, "terminus-conformance");
    ca_params.distinguished_name = ca_name;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    Ok((ca_params, key))
}

/// A fresh leaf for `localhost`, `127.0.0.1` and `::1`, signed by `issuer`.
fn leaf_signed_by(issuer: Issuer<'_, KeyPair>, ca_pem: String) -> Result<Identity, Error> {
    let failed = generation_failed;
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
    // Every mock CA has the same name: the key identifier lets OpenSSL pick the right one from a
    // store or bundle that holds several (an older mock CA installed with update-ca-certificates).
    leaf_params.use_authority_key_identifier_extension = true;
    let leaf_cert = leaf_params
        .signed_by(&leaf_key, &issuer)
        .map_err(failed("leaf certificate"))?;
    Ok(Identity {
        chain: vec![leaf_cert.der().clone()],
        // rcgen serialises key pairs as PKCS#8.
        key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()).into(),
        ca_pem: Some(ca_pem),
    })
}

/// `--ca-dir DIR`: a CA kept in `DIR` (`ca.pem`, `ca-key.pem`, the key mode 0600), made on
/// the first start and reused by every later one, and a fresh leaf it signs at each start. A
/// client set up once to trust `DIR/ca.pem` (`NODE_EXTRA_CA_CERTS`, a system store) trusts
/// every later start.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("terminus-ca-dir-doc-{}", std::process::id()));
/// let first = terminus_mock::tls::with_ca_dir(&dir)?;
/// let second = terminus_mock::tls::with_ca_dir(&dir)?;
/// assert_eq!(first.ca_pem, second.ca_pem, "the same CA");
/// assert_ne!(first.chain, second.chain, "a fresh leaf");
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), terminus_mock::Error>(())
/// ```
pub fn with_ca_dir(dir: &Path) -> Result<Identity, Error> {
    let problem = |path: &Path, problem: String| TlsError::CaDir {
        path: path.to_owned(),
        problem,
    };
    fn io(path: &Path) -> impl Fn(std::io::Error) -> TlsError + '_ {
        move |e| TlsError::CaDir {
            path: path.to_owned(),
            problem: e.to_string(),
        }
    }
    create_private_dir(dir).map_err(io(dir))?;
    let (cert_path, key_path) = (dir.join("ca.pem"), dir.join("ca-key.pem"));
    if !key_path.exists() {
        make_ca(dir, &cert_path, &key_path)?;
    }
    // Made by this start, or by an earlier one (or a concurrent one: wait for its certificate).
    for _ in 0..100 {
        if cert_path.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    check_private(&key_path).map_err(|e| problem(&key_path, e))?;
    let key_pem = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
    let cert_pem = std::fs::read_to_string(&cert_path).map_err(io(&cert_path))?;
    let key = KeyPair::from_pem(&key_pem).map_err(|e| {
        problem(
            &key_path,
            format!("not a PEM private key ({e}); delete the directory to make a new CA"),
        )
    })?;
    let ca_der = CertificateDer::from_pem_slice(cert_pem.as_bytes()).map_err(|e| {
        problem(
            &cert_path,
            format!("not a PEM certificate ({e}); delete the directory to make a new CA"),
        )
    })?;
    let (params, key) = ca_params_and_key(Some(key))?;
    let identity = leaf_signed_by(Issuer::new(params, key), cert_pem)?;
    // The key must be the certificate's: a leaf it signed must chain to the certificate.
    if !chains_to(&identity, ca_der) {
        return Err(problem(
            &key_path,
            format!(
                "this key did not make {}: the two files do not go together; delete the directory to make a new CA",
                cert_path.display()
            ),
        )
        .into());
    }
    Ok(identity)
}

fn make_ca(dir: &Path, cert_path: &Path, key_path: &Path) -> Result<(), Error> {
    let problem = |path: &Path, problem: String| TlsError::CaDir {
        path: path.to_owned(),
        problem,
    };
    let (params, key) = ca_params_and_key(None)?;
    let cert = params
        .self_signed(&key)
        .map_err(generation_failed("CA certificate"))?;
    // Written under names of this process's own, then linked into place: a concurrent first
    // start either wins (and this one reads its CA) or loses, never a mix of the two.
    let suffix = format!("{}.tmp", std::process::id());
    let (key_tmp, cert_tmp) = (
        dir.join(format!("ca-key.pem.{suffix}")),
        dir.join(format!("ca.pem.{suffix}")),
    );
    write_private(&key_tmp, key.serialize_pem().as_bytes())
        .map_err(|e| problem(&key_tmp, e.to_string()))?;
    std::fs::write(&cert_tmp, cert.pem()).map_err(|e| problem(&cert_tmp, e.to_string()))?;
    let linked = std::fs::hard_link(&key_tmp, key_path);
    let result = match linked {
        Ok(()) => {
            std::fs::rename(&cert_tmp, cert_path).map_err(|e| problem(cert_path, e.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(problem(key_path, e.to_string())),
    };
    let _ = std::fs::remove_file(&key_tmp);
    let _ = std::fs::remove_file(&cert_tmp);
    Ok(result?)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// The CA key must be readable by its owner only.
fn check_private(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(|e| e.to_string())?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(format!(
                "the CA's private key is readable by others (mode {:o}): run `chmod 600 {}`",
                mode & 0o777,
                path.display()
            ));
        }
    }
    let _ = path;
    Ok(())
}

/// True when the identity's leaf verifies against `ca` as the only root.
fn chains_to(identity: &Identity, ca: CertificateDer<'static>) -> bool {
    let mut roots = rustls::RootCertStore::empty();
    if roots.add(ca).is_err() {
        return false;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let Ok(verifier) =
        rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
    else {
        return false;
    };
    use rustls::client::danger::ServerCertVerifier;
    let Ok(name) = rustls::pki_types::ServerName::try_from("localhost") else {
        return false;
    };
    verifier
        .verify_server_cert(
            &identity.chain[0],
            &[],
            &name,
            &[],
            rustls::pki_types::UnixTime::now(),
        )
        .is_ok()
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
