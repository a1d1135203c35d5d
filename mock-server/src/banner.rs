//! The start-up banner: the URLs, which file to give which trust variable (`ca.pem` to those
//! that add to a client's roots, the bundle to those that replace them), the keys minted, and
//! "Try it" lines that run as pasted. A token the mock was given is never printed: it is a CI
//! secret (the lines read it from `$TERMINUS_ADMIN_TOKEN`, or ask for `ADMIN_TOKEN`).

use std::path::Path;

use terminus_mock::tls::{RootsSource, TrustBundle};
use terminus_mock::{MintedKey, MockServer};

/// Where the admin token came from, which decides whether the banner may print it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminToken {
    /// Made by this start: printed, the only way to learn it.
    Generated,
    /// `TERMINUS_ADMIN_TOKEN`: never printed; the lines read the variable.
    FromEnv,
    /// `--admin-token`: never printed; the user sets `ADMIN_TOKEN` to it.
    FromFlag,
}

/// What the banner shows.
pub struct Banner<'a> {
    pub mock: &'a MockServer,
    pub lenient_scheme: bool,
    pub plaintext: bool,
    pub token: AdminToken,
    /// The CA's PEM, when the mock made it.
    pub ca: Option<&'a Path>,
    /// The system's roots plus the CA.
    pub bundle: Option<&'a TrustBundle>,
    pub minted: &'a [MintedKey],
    /// `--keys` was given (not the bundled test-only keys).
    pub keys_from_file: bool,
}

impl Banner<'_> {
    pub fn print(&self) {
        let mock = self.mock;
        let reading = if self.lenient_scheme {
            "lenient scheme (HDR-5 RFC reading)"
        } else {
            "strict scheme (exactly `Bearer thub_…`)"
        };
        println!(
            "terminus-mock {} — Terminus Hub Public API mock, {reading}",
            env!("CARGO_PKG_VERSION")
        );
        println!("  Public API   {}", mock.public_url());
        if let Some(url) = mock.public_plain_url() {
            println!("  Public API   {url}   (--also-plain: the same port, plain HTTP)");
        }
        println!(
            "  Admin API    {}   (GET /healthz, /v1/keys, /v1/requests, /v1/faults)",
            mock.admin_url()
        );
        for url in [mock.redirect_url(), mock.redirect_plain_url()]
            .into_iter()
            .flatten()
        {
            println!(
                "  Redirect     {url}   (a second origin: answers anything 200, no authentication)"
            );
        }
        if self.plaintext {
            println!("  WARNING      --plaintext: no TLS. Keys cross the wire in clear text; use this for debugging only.");
        }
        self.print_trust();
        println!();
        self.print_keys();
        println!();
        self.print_try_it();
        let seeded = mock.key_store().list().len() - self.minted.len();
        if self.keys_from_file {
            println!("Keys loaded from --keys: {seeded}");
        } else {
            println!("Test-only keys from contract/fixtures/keys.json: {seeded} (well-known; never use them anywhere real)");
        }
        println!();
    }

    /// Which file for which variable: `ca.pem` adds to a client's roots, the bundle replaces
    /// them (and keeps the rest of the machine verifying).
    fn print_trust(&self) {
        let Some(ca) = self.ca else {
            if !self.plaintext {
                println!("  TLS          serving --tls-cert; clients must trust its issuer");
            }
            return;
        };
        let ca = shell_quote(&ca.display().to_string());
        println!("  CA cert      {ca}");
        // Without a bundle (never, in practice: it is written with the CA), ca.pem for all.
        let bundle = match self.bundle {
            Some(bundle) => {
                let path = shell_quote(&bundle.path.display().to_string());
                match &bundle.roots_from {
                    RootsSource::NotFound => println!(
                        "  CA bundle    {path}   (the CA ONLY: no system roots found; other HTTPS fails with it)"
                    ),
                    from => println!(
                        "  CA bundle    {path}   ({} system root{} from {from}, plus the CA)",
                        bundle.system_roots,
                        if bundle.system_roots == 1 { "" } else { "s" }
                    ),
                }
                path
            }
            None => ca.clone(),
        };
        println!();
        println!("Trust the CA (see mock-server/README.md; --ca-dir keeps one CA across starts).");
        println!("Variables that add to the system's roots take the CA; those that replace them take the bundle:");
        println!("  Node    export NODE_EXTRA_CA_CERTS={ca}   (adds; before node starts)");
        println!("  Python  export REQUESTS_CA_BUNDLE={bundle} SSL_CERT_FILE={bundle}   (replace)");
        println!(
            "  curl    curl --cacert {ca} ...   or   export CURL_CA_BUNDLE={bundle}   (replaces)"
        );
        println!("  System  sudo cp {ca} /usr/local/share/ca-certificates/terminus-mock.crt && sudo update-ca-certificates");
        if matches!(self.bundle, Some(b) if b.roots_from == RootsSource::NotFound) {
            println!("  WARNING      no system roots were found for the bundle: with it, only the mock verifies.");
        }
    }

    fn print_keys(&self) {
        match self.token {
            AdminToken::Generated => println!(
                "Admin token (generated, shown once): {}",
                self.mock.admin_token()
            ),
            AdminToken::FromEnv => println!("Admin token: from TERMINUS_ADMIN_TOKEN (not shown)"),
            AdminToken::FromFlag => {
                println!("Admin token: the one you gave with --admin-token (not shown)")
            }
        }
        for key in self.minted {
            println!(
                "Key {:?} minted (id {}, shown once): {}",
                key.record.name, key.record.id, key.key
            );
        }
    }

    /// Every line runs as pasted: real paths and URLs, the variables set first.
    fn print_try_it(&self) {
        let mock = self.mock;
        let cacert = match self.ca {
            Some(ca) => format!("--cacert {} ", shell_quote(&ca.display().to_string())),
            None => String::new(),
        };
        println!("Try it (each line runs as pasted):");
        match self.token {
            AdminToken::Generated => {
                println!("  export ADMIN_TOKEN={}", shell_quote(mock.admin_token()))
            }
            AdminToken::FromEnv => println!("  export ADMIN_TOKEN=\"$TERMINUS_ADMIN_TOKEN\""),
            AdminToken::FromFlag => println!(
                "  : \"${{ADMIN_TOKEN:?set it to the token you gave with --admin-token}}\"   # ADMIN_TOKEN: the token you gave with --admin-token; export it first"
            ),
        }
        if let Some(first) = self.minted.first() {
            println!("  export TERMINUS_API_KEY={}", first.key);
            println!(
                "  curl {cacert}-H \"Authorization: Bearer $TERMINUS_API_KEY\" {}/v1/account",
                mock.public_url()
            );
        }
        let admin = mock.admin_url();
        println!(
            "  KEY_ID=$(curl -sS {cacert}-X POST -H \"Authorization: Bearer $ADMIN_TOKEN\" -d '{{\"name\":\"ci\"}}' {admin}/v1/keys | sed -E 's/.*\"id\":\"([^\"]+)\".*/\\1/')   # mint"
        );
        println!(
            "  curl {cacert}-H \"Authorization: Bearer $ADMIN_TOKEN\" {admin}/v1/keys   # list"
        );
        println!(
            "  curl {cacert}-X DELETE -H \"Authorization: Bearer $ADMIN_TOKEN\" {admin}/v1/keys/$KEY_ID   # revoke"
        );
        println!(
            "  curl {cacert}-H \"Authorization: Bearer $ADMIN_TOKEN\" {admin}/v1/requests   # the request journal"
        );
    }
}

/// `text` as one shell word: as it is when it needs no quoting, in single quotes otherwise.
fn shell_quote(text: &str) -> String {
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:@%+=,".contains(&b));
    if plain && !text.is_empty() {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
