//! The embedded default: without `--target`, the runner starts terminus-mock in-process on
//! ephemeral loopback ports, mints one key and mints-then-revokes another through the admin
//! plane (over HTTPS, like any client), and checks that.

use terminus_mock::{MockConfig, MockServer, SchemeReading};

use crate::error::{EmbeddedError, Error};
use crate::target::AdminPlane;
use crate::target::Keys;
use crate::wire::tls::{certificates_from_pem, Trust};
use crate::wire::ClientOptions;

/// A running embedded mock and what the runner got from its admin plane.
pub struct Embedded {
    /// The mock (dropped: stopped).
    pub mock: MockServer,
    /// Its Public API URL.
    pub url: String,
    /// The CA to trust.
    pub trust: Trust,
    /// The minted valid key and the minted-then-revoked key.
    pub keys: Keys,
    /// The admin plane, for the lifecycle cases.
    pub admin: AdminPlane,
}

/// Starts the mock (`lenient`: HDR-5's RFC reading) and prepares the keys.
pub async fn start(lenient: bool, options: &ClientOptions) -> Result<Embedded, Error> {
    let config = MockConfig {
        scheme: if lenient {
            SchemeReading::Lenient
        } else {
            SchemeReading::Strict
        },
        ..Default::default()
    };
    let mock = MockServer::start(config)
        .await
        .map_err(|e| Error::Embedded(EmbeddedError::Start(e)))?;
    let pem = mock.ca_pem().ok_or(Error::Embedded(EmbeddedError::NoCa))?;
    let certs =
        certificates_from_pem(pem.as_bytes()).map_err(|e| Error::Embedded(EmbeddedError::Ca(e)))?;
    let trust = Trust::Certificates(certs);
    let admin = AdminPlane::connect(&mock.admin_url(), mock.admin_token(), &trust, options).await?;
    let failed = |e| Error::Embedded(EmbeddedError::Admin(e));
    let valid = admin.mint("valid key").await.map_err(failed)?;
    let revoked = admin.mint("revoked key").await.map_err(failed)?;
    admin.revoke(&revoked.id).await.map_err(failed)?;
    Ok(Embedded {
        url: mock.public_url(),
        mock,
        trust,
        keys: Keys {
            valid: Some(valid.key),
            revoked: Some(revoked.key),
            ..Keys::default()
        },
        admin,
    })
}
