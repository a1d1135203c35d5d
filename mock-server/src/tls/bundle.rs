//! The trust bundle (`bundle.pem` in `--ca-dir`, `…-bundle.pem` beside `--ca-out`): the
//! machine's root certificates plus the mock's CA, in one PEM file.
//!
//! Some clients *add* a file to the roots they trust (`NODE_EXTRA_CA_CERTS`, a system store):
//! `ca.pem` alone is right for them. Others *replace* their roots with the file
//! (`REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`, `CURL_CA_BUNDLE`): given `ca.pem`, everything else on
//! the machine stops verifying (`pip` fails with `CERTIFICATE_VERIFY_FAILED`). The bundle is for
//! them: the mock and the rest of the world both verify.
//!
//! The roots come from `SSL_CERT_FILE` (unless it names a terminus-mock bundle: the bundle would
//! feed on itself), else the first of [`SYSTEM_BUNDLES`] that holds a certificate, else the
//! operating system's store (`rustls-native-certs`: the macOS keychain, Windows' store). The file
//! is written whole and renamed into place at each start, so it follows the system store.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;

use crate::error::Error;

/// Where systems keep their PEM bundle of trusted roots, in the order they are looked at.
pub const SYSTEM_BUNDLES: [&str; 6] = [
    "/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Arch, Gentoo
    "/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL, CentOS
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7+
    "/etc/ssl/ca-bundle.pem",             // openSUSE
    "/etc/ssl/cert.pem",                  // macOS, Alpine, OpenBSD
    "/usr/local/share/certs/ca-root-nss.crt", // FreeBSD
];

/// The first line of every bundle the mock writes: how a bundle is told from a system's.
const MARKER: &str = "# terminus-mock trust bundle";

/// Where a bundle's system roots came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootsSource {
    /// A PEM file: `SSL_CERT_FILE` or one of [`SYSTEM_BUNDLES`].
    File(PathBuf),
    /// The operating system's store, read by `rustls-native-certs`.
    OsStore,
    /// None found: the bundle holds the mock's CA alone (and says so).
    NotFound,
}

/// A bundle written by [`write_bundle`]: where, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustBundle {
    /// The file.
    pub path: PathBuf,
    /// How many system roots it holds besides the mock's CA (0 with [`RootsSource::NotFound`]).
    pub system_roots: usize,
    /// Where they came from.
    pub roots_from: RootsSource,
}

impl std::fmt::Display for RootsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::OsStore => f.write_str("the operating system's store"),
            Self::NotFound => write!(
                f,
                "nowhere: SSL_CERT_FILE unset or the mock's own, none of {}, the OS store empty",
                SYSTEM_BUNDLES.join(", ")
            ),
        }
    }
}

/// Writes `path`: the mock's CA (`ca_pem`) first, then the system's roots, each once. Written
/// under a temporary name and renamed, so a client never reads half a bundle.
///
/// ```
/// use rustls::pki_types::{pem::PemObject, CertificateDer};
///
/// let identity = terminus_mock::tls::generate()?;
/// let ca = identity.ca_pem.unwrap();
/// let path = std::env::temp_dir().join(format!("terminus-bundle-doc-{}.pem", std::process::id()));
/// let bundle = terminus_mock::tls::write_bundle(&path, &ca)?;
/// let certs = CertificateDer::pem_file_iter(&path).unwrap().count();
/// assert_eq!(certs, 1 + bundle.system_roots, "the CA and the system's roots");
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_bundle(path: &Path, ca_pem: &str) -> Result<TrustBundle, Error> {
    let ca: Vec<_> = CertificateDer::pem_slice_iter(ca_pem.as_bytes())
        .filter_map(Result::ok)
        .collect();
    let found = system_roots(path, &ca);
    write_with_roots(path, &ca, found)
}

/// System roots found for a bundle: each once, none of them the mock's CA.
struct Found {
    roots: Vec<CertificateDer<'static>>,
    from: RootsSource,
}

fn write_with_roots(
    path: &Path,
    ca: &[CertificateDer<'static>],
    found: Found,
) -> Result<TrustBundle, Error> {
    let mut text = format!(
        "{MARKER}: the system's roots plus the mock's CA, rewritten at each start.\n\
         # For clients that replace their roots with this file: REQUESTS_CA_BUNDLE, \
         SSL_CERT_FILE, CURL_CA_BUNDLE.\n"
    );
    match &found.from {
        RootsSource::NotFound => text.push_str(&format!(
            "# NO SYSTEM ROOTS FOUND ({}): this file trusts the mock's CA ONLY.\n",
            found.from
        )),
        from => text.push_str(&format!(
            "# {} system roots from {from}, after the mock's CA.\n",
            found.roots.len()
        )),
    }
    text.push_str("# The mock's CA:\n");
    for cert in ca.iter().chain(&found.roots) {
        text.push_str(&pem_of(cert));
    }
    let tmp = temporary_beside(path);
    let written = std::fs::write(&tmp, text.as_bytes())
        .and_then(|()| std::fs::File::open(&tmp)?.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(source) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::WriteFile {
            what: "trust bundle (system roots + the CA)",
            path: path.to_owned(),
            source,
        });
    }
    Ok(TrustBundle {
        path: path.to_owned(),
        system_roots: found.roots.len(),
        roots_from: found.from,
    })
}

fn temporary_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "bundle.pem".into(), |n| n.to_string_lossy());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn pem_of(cert: &CertificateDer<'_>) -> String {
    let block = pem::Pem::new("CERTIFICATE", cert.as_ref());
    pem::encode_config(
        &block,
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// Where [`write_bundle`] looks for the system's roots: what the machine has.
fn system_roots(ours: &Path, ca: &[CertificateDer<'_>]) -> Found {
    let from_env = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty());
    let candidates: Vec<&Path> = SYSTEM_BUNDLES.iter().map(Path::new).collect();
    roots_from(
        from_env.as_deref().map(Path::new),
        &candidates,
        ours,
        ca,
        true,
    )
}

/// The roots in `from_env` (`SSL_CERT_FILE`) unless it is a bundle of ours, else in the first
/// candidate holding one, else (with `os_store`) in the operating system's store. A source
/// holding nothing but the mock's CA (`SSL_CERT_FILE=ca.pem`, as once advised) holds no root.
fn roots_from(
    from_env: Option<&Path>,
    candidates: &[&Path],
    ours: &Path,
    ca: &[CertificateDer<'_>],
    os_store: bool,
) -> Found {
    let mut env_is_a_bundle_of_ours = false;
    let in_file = |path: &Path| {
        let certs = CertificateDer::pem_file_iter(path).ok()?;
        other_than(certs.filter_map(Result::ok), ca)
    };
    if let Some(file) = from_env {
        if same_file(file, ours) || is_a_bundle_of_ours(file) {
            env_is_a_bundle_of_ours = true;
        } else if let Some(roots) = in_file(file) {
            let from = RootsSource::File(file.to_owned());
            return Found { roots, from };
        }
    }
    for candidate in candidates {
        if let Some(roots) = in_file(candidate) {
            let from = RootsSource::File(candidate.to_path_buf());
            return Found { roots, from };
        }
    }
    // rustls-native-certs reads SSL_CERT_FILE first too: not when it names a bundle of ours.
    if os_store && !env_is_a_bundle_of_ours {
        let native = rustls_native_certs::load_native_certs().certs;
        if let Some(roots) = other_than(native, ca) {
            let from = RootsSource::OsStore;
            return Found { roots, from };
        }
    }
    Found {
        roots: Vec::new(),
        from: RootsSource::NotFound,
    }
}

/// `certs`, each once, without the mock's CA; `None` when that leaves none.
fn other_than(
    certs: impl IntoIterator<Item = CertificateDer<'static>>,
    ca: &[CertificateDer<'_>],
) -> Option<Vec<CertificateDer<'static>>> {
    let mut seen: HashSet<Vec<u8>> = ca.iter().map(|c| c.as_ref().to_vec()).collect();
    let roots: Vec<_> = certs
        .into_iter()
        .filter(|c| seen.insert(c.as_ref().to_vec()))
        .collect();
    (!roots.is_empty()).then_some(roots)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn is_a_bundle_of_ours(path: &Path) -> bool {
    use std::io::Read;
    let mut start = [0u8; MARKER.len()];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| start == MARKER.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_of_ours_is_told_from_a_systems() {
        let dir = std::env::temp_dir().join(format!("terminus-bundle-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca = crate::tls::generate().unwrap().ca_pem.unwrap();
        let ours = dir.join("bundle.pem");
        write_bundle(&ours, &ca).unwrap();
        assert!(is_a_bundle_of_ours(&ours));
        let plain = dir.join("ca.pem");
        std::fs::write(&plain, &ca).unwrap();
        assert!(!is_a_bundle_of_ours(&plain));
        assert!(same_file(&ours, &dir.join(".").join("bundle.pem")));
        assert!(!same_file(&ours, &plain));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// No system roots anywhere: the bundle holds the CA alone and says so in its first lines.
    #[test]
    fn without_system_roots_the_bundle_is_the_ca_alone_and_says_so() {
        let dir = std::env::temp_dir().join(format!("terminus-bundle-none-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ca_pem = crate::tls::generate().unwrap().ca_pem.unwrap();
        let ca = [CertificateDer::from_pem_slice(ca_pem.as_bytes()).unwrap()];
        let path = dir.join("bundle.pem");
        let missing = dir.join("no-such-bundle.crt");
        let found = roots_from(None, &[missing.as_path()], &path, &ca, false);
        let bundle = write_with_roots(&path, &ca, found).unwrap();
        assert_eq!(bundle.roots_from, RootsSource::NotFound);
        assert_eq!(bundle.system_roots, 0);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("NO SYSTEM ROOTS FOUND"), "{text}");
        assert!(text.contains("the mock's CA ONLY"), "{text}");
        assert_eq!(CertificateDer::pem_slice_iter(text.as_bytes()).count(), 1);
        // SSL_CERT_FILE naming this very bundle is passed over: it would feed on itself.
        let found = roots_from(Some(&path), &[], &path, &ca, false);
        assert_eq!(found.from, RootsSource::NotFound);
        // SSL_CERT_FILE naming the CA alone holds no system root: the next source is looked at.
        let ca_file = dir.join("ca.pem");
        std::fs::write(&ca_file, &ca_pem).unwrap();
        let other = crate::tls::generate().unwrap().ca_pem.unwrap();
        let system = dir.join("system.pem");
        std::fs::write(&system, format!("{other}{other}{ca_pem}")).unwrap();
        let found = roots_from(Some(&ca_file), &[system.as_path()], &path, &ca, false);
        assert_eq!(found.from, RootsSource::File(system));
        assert_eq!(
            found.roots.len(),
            1,
            "each root once, the CA not among them"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn pem_of_is_read_back_as_the_same_certificate() {
        let ca = crate::tls::generate().unwrap().ca_pem.unwrap();
        let der = CertificateDer::from_pem_slice(ca.as_bytes()).unwrap();
        let again = pem_of(&der);
        assert!(
            again.starts_with("-----BEGIN CERTIFICATE-----\n"),
            "{again}"
        );
        assert_eq!(
            CertificateDer::from_pem_slice(again.as_bytes()).unwrap(),
            der
        );
    }
}
