//! Binding a mock's listeners and starting the service on each: the Public API (one task, or
//! one thread per core), the redirect origins (TLS and plain), the admin plane. What a handler
//! leaves of a request body is read after the answer by the listener ([`RequestBody`]), for
//! every one of them.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

#[cfg(doc)]
use super::MockConfig;
use super::{per_core, Threading, TlsMode};
use crate::admin::AdminApi;
use crate::error::Error;
use crate::journal::Recorder;
use crate::listener::{capture_body, serve, Limits, RequestBody, Transport};
use crate::public_api::PublicApi;
use crate::redirect::RedirectOrigin;
use crate::tls;

/// The TLS acceptor of every TLS listener (`None`: plain HTTP) and the PEM of the CA the mock
/// made, if it made one.
pub(super) fn tls_acceptor(mode: &TlsMode) -> Result<(Option<TlsAcceptor>, Option<String>), Error> {
    let identity = match mode {
        TlsMode::Plaintext => return Ok((None, None)),
        TlsMode::Files { cert, key } => tls::load(cert, key)?,
        TlsMode::CaDir(dir) => tls::with_ca_dir(dir)?,
        TlsMode::Generate => tls::generate()?,
    };
    let server_config = tls::server_config(&identity)?;
    Ok((Some(TlsAcceptor::from(server_config)), identity.ca_pem))
}

/// A listener on `addr` and the address it got (port 0 replaced); `flag` names the option in
/// the error.
pub(super) async fn bind(
    addr: SocketAddr,
    flag: &'static str,
) -> Result<(TcpListener, SocketAddr), Error> {
    let error = |source| Error::Bind { addr, flag, source };
    let listener = TcpListener::bind(addr).await.map_err(error)?;
    let local = listener.local_addr().map_err(error)?;
    Ok((listener, local))
}

/// One listener of the redirect origin: bound, with its address, and whether it speaks TLS.
pub(super) struct RedirectListener {
    listener: TcpListener,
    pub(super) addr: SocketAddr,
    pub(super) tls: bool,
}

/// The redirect origin's listeners asked for ([`MockConfig::redirect_listen`],
/// [`MockConfig::redirect_plain_listen`]): TLS (same certificate) and/or plain.
pub(super) async fn bind_redirects(
    tls: Option<SocketAddr>,
    plain: Option<SocketAddr>,
) -> Result<Vec<RedirectListener>, Error> {
    let mut redirects = Vec::new();
    for (addr, tls, flag) in [
        (tls, true, "--redirect-listen"),
        (plain, false, "--redirect-plain-listen"),
    ] {
        if let Some(addr) = addr {
            let (listener, addr) = bind(addr, flag).await?;
            redirects.push(RedirectListener {
                listener,
                addr,
                tls,
            });
        }
    }
    Ok(redirects)
}

/// Binds the Public API on `listen` and serves it: one task, or one thread per core with a
/// listener each ([`Threading::PerCore`], the connection cap shared out between them).
pub(super) async fn spawn_public(
    listen: SocketAddr,
    threading: Threading,
    limits: &Limits,
    public: PublicApi,
    transport: Transport,
    stopped: watch::Receiver<bool>,
) -> Result<(SocketAddr, JoinHandle<()>), Error> {
    let handler = move |request: http::Request<RequestBody>| {
        let reply = public.handle(&request);
        // The journal keeps the body as it comes; the answer does not wait for it.
        if let Some(capture) = public.body_capture(&reply) {
            capture_body(request, capture);
        }
        reply
    };
    let bind_error = |source| Error::Bind {
        addr: listen,
        flag: "--listen",
        source,
    };
    match threading {
        Threading::PerCore(threads) if threads > 1 => {
            let listeners = per_core::bind_reuseport(listen, threads).map_err(bind_error)?;
            let addr = listeners[0].local_addr().map_err(bind_error)?;
            let limits = Limits {
                max_connections: (limits.max_connections / threads).max(1),
                ..limits.clone()
            };
            let task = per_core::spawn_per_core(listeners, transport, handler, limits, stopped)
                .map_err(bind_error)?;
            Ok((addr, task))
        }
        _ => {
            let (listener, addr) = bind(listen, "--listen").await?;
            let task = tokio::spawn(serve(listener, transport, handler, limits.clone(), stopped));
            Ok((addr, task))
        }
    }
}

/// Serves the redirect origin on one of its listeners, journaling through `recorder`.
pub(super) fn spawn_redirect(
    redirect: RedirectListener,
    recorder: Recorder,
    limits: &Limits,
    acceptor: Option<TlsAcceptor>,
    stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let origin = RedirectOrigin::new(recorder);
    let handler = move |request: http::Request<RequestBody>| {
        let (response, capture) = origin.handle(&request);
        if let Some(capture) = capture {
            capture_body(request, capture);
        }
        std::future::ready(Ok(response))
    };
    let acceptor = if redirect.tls { acceptor } else { None };
    tokio::spawn(serve(
        redirect.listener,
        acceptor,
        handler,
        limits.clone(),
        stopped,
    ))
}

/// Serves the admin plane on its listener.
pub(super) fn spawn_admin(
    listener: TcpListener,
    admin: AdminApi,
    limits: Limits,
    acceptor: Option<TlsAcceptor>,
    stopped: watch::Receiver<bool>,
) -> JoinHandle<()> {
    let handler = move |request: http::Request<RequestBody>| {
        let admin = admin.clone();
        async move { Ok(admin.handle(request).await) }
    };
    tokio::spawn(serve(listener, acceptor, handler, limits, stopped))
}
