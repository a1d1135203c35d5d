//! The command line: flags, the CA's files (`ca.pem` and the trust bundle), the ready file,
//! and waiting for SIGINT/SIGTERM. The banner is `banner.rs`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;

use crate::banner::{AdminToken, Banner};
use terminus_mock::{
    keys_file, tls, Error, Limits, MockConfig, MockServer, RouteTable, SchemeReading, Threading,
    TlsMode,
};

/// Mock server for the Terminus Hub Public API authentication contract: every request needs
/// `Authorization: Bearer thub_<key>`; every failure is the same 401 JSON envelope.
#[derive(Debug, Parser)]
#[command(name = "terminus-mock", version = terminus_mock::VERSION_LINE, about, long_about = None)]
pub struct Cli {
    /// Address of the Public API listener (port 0: let the system choose).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    listen: SocketAddr,

    /// Address of the admin plane (key create/list/revoke, /healthz). Loopback only unless
    /// --allow-remote-admin.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8444")]
    admin_listen: SocketAddr,

    /// Token guarding the admin plane. Neither this nor the variable: one is made and printed.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "TERMINUS_ADMIN_TOKEN",
        hide_env_values = true
    )]
    admin_token: Option<String>,

    /// Let --admin-listen be a non-loopback address (needs a token of 32+ characters).
    #[arg(long)]
    allow_remote_admin: bool,

    /// PEM certificate chain to serve (leaf first). Without it a CA and a leaf for
    /// localhost, 127.0.0.1 and ::1 are generated.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,

    /// PEM private key of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,

    /// Where to write the generated CA's PEM (default: a file in the temporary directory).
    /// Beside it, NAME-bundle.pem: the system's roots plus the CA.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["tls_cert", "plaintext"])]
    ca_out: Option<PathBuf>,
    /// Keep the generated CA in DIR (ca.pem, ca-key.pem mode 0600) and reuse it on later
    /// starts, with a fresh leaf each start: trust DIR/ca.pem once (NODE_EXTRA_CA_CERTS, a
    /// system store) for every start. DIR/bundle.pem, rewritten at each start, is the system's
    /// roots plus the CA: for REQUESTS_CA_BUNDLE, SSL_CERT_FILE, CURL_CA_BUNDLE.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["tls_cert", "tls_key", "plaintext"])]
    ca_dir: Option<PathBuf>,

    /// Keys file to seed the store with (default: the bundled test-only keys,
    /// contract/fixtures/keys.json).
    #[arg(long, value_name = "FILE")]
    keys: Option<PathBuf>,

    /// Keep the key store (digests, states, times; never keys) in this file across restarts.
    /// Every change is written (atomically, fsynced) before it is acknowledged.
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,

    /// Mint a key with this name at start-up and print it once (repeatable). Without it, one
    /// key named "local" is minted, except when --state already holds keys.
    #[arg(long = "mint", value_name = "NAME")]
    mint: Vec<String>,

    /// Mint no key at start-up.
    #[arg(long, conflicts_with = "mint")]
    no_mint: bool,

    /// Routes file: the endpoints served after authentication (default: the bundled
    /// contract/fixtures/routes.json).
    #[arg(long, value_name = "FILE")]
    routes: Option<PathBuf>,

    /// HDR-5's RFC reading: accept `bearer`/`BEARER` and several spaces after the scheme.
    #[arg(long)]
    lenient_scheme: bool,

    /// Serve plain HTTP instead of TLS (debugging only: SDKs should be tested over TLS).
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    plaintext: bool,

    /// Write this file (JSON: URLs, redirect URLs, CA path, CA bundle path, pid) once every
    /// listener accepts.
    #[arg(long, value_name = "PATH")]
    ready_file: Option<PathBuf>,

    /// Largest request header section in bytes (over it: 431). At least 8192.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024, value_parser = clap::value_parser!(u32).range(8192..=1_048_576))]
    max_header_bytes: u32,

    /// Seconds a client has to send its request headers (and to finish the TLS handshake).
    #[arg(long, value_name = "SECS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_read_timeout: u64,

    /// Threads serving the Public API, each with its own listener on the same address
    /// (SO_REUSEPORT), so a connection never changes thread (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,

    /// Connections served at once per listener; more wait in the backlog.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,

    /// Requests the journal keeps (GET /v1/requests on the admin plane); the oldest are dropped
    /// and counted. 0 keeps none.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u64).range(0..=10_000_000))]
    journal_size: u64,

    /// Bytes of each request body the journal keeps (its whole size is recorded too).
    #[arg(long, value_name = "BYTES", default_value_t = 65_536, value_parser = clap::value_parser!(u64).range(0..=16_777_216))]
    journal_body_limit: u64,

    /// Also append every journal entry to this file, one JSON line each (no key in them).
    #[arg(long, value_name = "PATH")]
    journal: Option<PathBuf>,

    /// Start a second origin over TLS here, for redirect tests: it answers anything
    /// 200 {"redirected":true} WITHOUT authentication and journals it (port 0: any).
    #[arg(long, value_name = "ADDR", conflicts_with = "plaintext")]
    redirect_listen: Option<SocketAddr>,

    /// The same second origin over plain HTTP.
    #[arg(long, value_name = "ADDR")]
    redirect_plain_listen: Option<SocketAddr>,

    /// The Public API port also answers plain HTTP, told from TLS by the first byte: for a
    /// redirect from https://HOST:PORT to http://HOST:PORT (same host and port).
    #[arg(long, conflicts_with = "plaintext")]
    also_plain: bool,
}

/// Starts the mock, prints how to use it, waits for a signal, shuts down gracefully.
pub async fn run(cli: Cli) -> Result<(), Error> {
    let tls = match (&cli.tls_cert, &cli.tls_key, cli.plaintext) {
        (_, _, true) => TlsMode::Plaintext,
        _ if cli.ca_dir.is_some() => TlsMode::CaDir(cli.ca_dir.clone().unwrap_or_default()),
        (Some(cert), Some(key), false) => TlsMode::Files {
            cert: cert.clone(),
            key: key.clone(),
        },
        _ => TlsMode::Generate,
    };
    let keys = match &cli.keys {
        Some(path) => keys_file::load_file(path)?,
        None => keys_file::builtin(),
    };
    let routes = match &cli.routes {
        Some(path) => RouteTable::from_file(path)?,
        None => RouteTable::builtin(),
    };
    let limits = Limits {
        max_header_bytes: cli.max_header_bytes as usize,
        header_read_timeout: Duration::from_secs(cli.header_read_timeout),
        handshake_timeout: Duration::from_secs(cli.header_read_timeout),
        max_connections: cli.max_connections as usize,
        ..Limits::default()
    };
    let config = MockConfig {
        listen: cli.listen,
        admin_listen: cli.admin_listen,
        admin_token: cli.admin_token.clone(),
        allow_remote_admin: cli.allow_remote_admin,
        tls,
        keys,
        routes,
        scheme: if cli.lenient_scheme {
            SchemeReading::Lenient
        } else {
            SchemeReading::Strict
        },
        limits,
        state: cli.state.clone(),
        threading: Threading::PerCore(cli.threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            usize::from,
        )),
        journal_size: cli.journal_size as usize,
        journal_body_limit: cli.journal_body_limit as usize,
        journal_file: cli.journal.clone(),
        redirect_listen: cli.redirect_listen,
        redirect_plain_listen: cli.redirect_plain_listen,
        also_plain: cli.also_plain,
    };
    // A restart with --state keeps its keys: minting another "local" key each time would pile up.
    let resumed = cli.state.as_deref().is_some_and(Path::exists);
    let mock = MockServer::start(config).await?;

    let ca_path = match mock.ca_pem() {
        Some(_) if cli.ca_out.is_none() && cli.ca_dir.is_some() => {
            cli.ca_dir.as_ref().map(|dir| dir.join("ca.pem"))
        }
        Some(pem) => {
            let path = cli.ca_out.clone().unwrap_or_else(|| {
                std::env::temp_dir().join(format!("terminus-mock-{}-ca.pem", std::process::id()))
            });
            write_file(&path, pem.as_bytes(), "CA certificate (--ca-out)")?;
            Some(path)
        }
        None => None,
    };
    // The system's roots plus the CA, for the variables that replace a client's roots:
    // rewritten at each start, as the system's store may have changed.
    let bundle = match (mock.ca_pem(), &ca_path) {
        (Some(pem), Some(ca)) => {
            let path = match &cli.ca_dir {
                Some(dir) => dir.join(tls::BUNDLE_FILE),
                None => bundle_beside(ca),
            };
            Some(tls::write_bundle(&path, pem)?)
        }
        _ => None,
    };
    let names = match (cli.no_mint, cli.mint.is_empty(), resumed) {
        (true, _, _) | (false, true, true) => Vec::new(),
        (false, true, false) => vec!["local".to_owned()],
        (false, false, _) => cli.mint.clone(),
    };
    let minted = {
        let mut minted = Vec::new();
        for name in &names {
            minted.push(mock.key_store().mint(name).map_err(|source| Error::Mint {
                name: name.clone(),
                source,
            })?);
        }
        minted
    };

    Banner {
        mock: &mock,
        lenient_scheme: cli.lenient_scheme,
        plaintext: cli.plaintext,
        token: admin_token_source(cli.admin_token.as_deref()),
        ca: ca_path.as_deref(),
        bundle: bundle.as_ref(),
        minted: &minted,
        keys_from_file: cli.keys.is_some(),
    }
    .print();
    if let Some(path) = &cli.ready_file {
        let ready = serde_json::json!({
            "public_url": mock.public_url(),
            "admin_url": mock.admin_url(),
            "redirect_url": mock.redirect_url(),
            "redirect_plain_url": mock.redirect_plain_url(),
            "public_plain_url": mock.public_plain_url(),
            "ca_path": ca_path,
            "ca_bundle_path": bundle.as_ref().map(|b| &b.path),
            "pid": std::process::id(),
        });
        write_file(
            path,
            format!("{ready:#}\n").as_bytes(),
            "ready file (--ready-file)",
        )?;
    }

    wait_for_signal().await;
    tracing::info!(target: "terminus_mock", "shutting down: finishing requests in flight");
    mock.shutdown().await;
    Ok(())
}

/// Where the given token came from: `TERMINUS_ADMIN_TOKEN` when it holds that very token (the
/// command line wins over the variable, so a different value came from `--admin-token`).
fn admin_token_source(given: Option<&str>) -> AdminToken {
    match given {
        None => AdminToken::Generated,
        Some(token) if std::env::var("TERMINUS_ADMIN_TOKEN").is_ok_and(|v| v == token) => {
            AdminToken::FromEnv
        }
        Some(_) => AdminToken::FromFlag,
    }
}

/// The bundle beside `--ca-out`'s file: `ca.pem` → `ca-bundle.pem`.
fn bundle_beside(ca: &Path) -> PathBuf {
    let stem = ca
        .file_stem()
        .map_or_else(|| "ca".into(), |s| s.to_string_lossy());
    ca.with_file_name(format!("{stem}-bundle.pem"))
}

fn write_file(path: &Path, contents: &[u8], what: &'static str) -> Result<(), Error> {
    let err = |source| Error::WriteFile {
        what,
        path: path.to_owned(),
        source,
    };
    // Written whole, then renamed: whoever waits for the file never reads half of it.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, contents).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
