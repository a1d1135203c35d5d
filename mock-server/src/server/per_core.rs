//! `Threading::PerCore`: the Public API on several threads, each with its own single-threaded
//! tokio runtime and its own `SO_REUSEPORT` listener on the same address (nginx's model), so a
//! connection never changes thread.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::listener::{serve, Limits, Transport};

/// `threads` listening sockets on one address, sharing it through `SO_REUSEPORT`. A plain
/// socket is bound first, without the option, so an address some other process holds (even
/// with `SO_REUSEPORT`) is refused as usual instead of being shared silently; port 0 becomes
/// the port the system chose for it.
pub(super) fn bind_reuseport(
    addr: SocketAddr,
    threads: usize,
) -> std::io::Result<Vec<std::net::TcpListener>> {
    use socket2::{Domain, Protocol, Socket, Type};
    let addr = std::net::TcpListener::bind(addr)?.local_addr()?;
    (0..threads)
        .map(|_| {
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
            socket.set_reuse_address(true)?;
            socket.set_reuse_port(true)?;
            socket.set_nonblocking(true)?;
            socket.bind(&addr.into())?;
            socket.listen(1024)?;
            Ok(socket.into())
        })
        .collect()
}

/// Serves each listener on a thread of its own, with a single-threaded runtime; the returned
/// task ends when every thread has finished (after a graceful shutdown).
pub(super) fn spawn_per_core<H, F>(
    listeners: Vec<std::net::TcpListener>,
    transport: Transport,
    handler: H,
    limits: Limits,
    stopped: watch::Receiver<bool>,
) -> std::io::Result<JoinHandle<()>>
where
    H: Fn(http::Request<crate::listener::RequestBody>) -> F + Clone + Send + Sync + 'static,
    F: std::future::Future<Output = crate::listener::Answer> + Send + 'static,
{
    let mut threads = Vec::with_capacity(listeners.len());
    for (i, listener) in listeners.into_iter().enumerate() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (transport, handler, limits, stopped) = (
            transport.clone(),
            handler.clone(),
            limits.clone(),
            stopped.clone(),
        );
        threads.push(
            std::thread::Builder::new()
                .name(format!("terminus-public-{i}"))
                .spawn(move || {
                    runtime.block_on(async move {
                        match TcpListener::from_std(listener) {
                            Ok(listener) => serve(listener, transport, handler, limits, stopped).await,
                            Err(e) => tracing::error!(target: "terminus_mock::listener", "cannot use a listener: {e}"),
                        }
                    })
                })?,
        );
    }
    Ok(tokio::task::spawn_blocking(move || {
        for thread in threads {
            let _ = thread.join();
        }
    }))
}
