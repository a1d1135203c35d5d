//! Write coalescing for HTTP/2: what the connection writes during one poll of its task is held
//! and written when the poll ends, as one TLS record in one system call. h2 flushes after every
//! frame batch it can make, which on a busy connection is once per response; nginx, for the same
//! job, writes once per turn of its event loop. Reads pass straight through.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Held output past which a write first pushes what is held (backpressure).
const HIGH_WATER: usize = 64 * 1024;
/// Buffer capacity kept between turns; more is given back (idle connections stay small).
const KEEP_CAPACITY: usize = 8 * 1024;

struct Shared<T> {
    io: T,
    held: Vec<u8>,
    sent: usize,
    /// An error met while writing held output, reported to the connection on its next call.
    failed: Option<io::ErrorKind>,
}

impl<T: AsyncWrite + Unpin> Shared<T> {
    /// Writes out everything held, then flushes `io`.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.held.is_empty() {
            return Poll::Ready(Ok(()));
        }
        while self.sent < self.held.len() {
            let n = ready!(Pin::new(&mut self.io).poll_write(cx, &self.held[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        ready!(Pin::new(&mut self.io).poll_flush(cx))?;
        self.sent = 0;
        if self.held.capacity() > KEEP_CAPACITY {
            self.held = Vec::new();
        } else {
            self.held.clear();
        }
        Poll::Ready(Ok(()))
    }
}

impl<T> Shared<T> {
    fn check(&self) -> io::Result<()> {
        match self.failed {
            Some(kind) => Err(kind.into()),
            None => Ok(()),
        }
    }
}

fn lock<T>(shared: &Mutex<Shared<T>>) -> MutexGuard<'_, Shared<T>> {
    // Only the connection's own task ever takes this lock: it is never contended, and a
    // panic while holding it ends that task, so poisoning carries no meaning here.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The connection's side: an IO whose writes are held and whose flush is deferred.
pub(super) struct HeldIo<T> {
    shared: Arc<Mutex<Shared<T>>>,
}

/// The task's side: drives the connection and writes what it held after each poll.
pub(super) struct Flusher<T> {
    shared: Arc<Mutex<Shared<T>>>,
}

pub(super) fn wrap<T>(io: T) -> (HeldIo<T>, Flusher<T>) {
    let shared = Arc::new(Mutex::new(Shared {
        io,
        held: Vec::new(),
        sent: 0,
        failed: None,
    }));
    (
        HeldIo {
            shared: shared.clone(),
        },
        Flusher { shared },
    )
}

impl<T: AsyncWrite + Unpin> Flusher<T> {
    /// Runs `connection` to completion, writing its held output after every poll, and once
    /// more before returning.
    pub(super) async fn drive<F: Future>(self, connection: F) -> F::Output {
        let mut connection = std::pin::pin!(connection);
        let mut outcome = None;
        std::future::poll_fn(|cx| {
            if outcome.is_none() {
                if let Poll::Ready(out) = connection.as_mut().poll(cx) {
                    outcome = Some(out);
                }
            }
            let mut shared = lock(&self.shared);
            let drained = shared.poll_drain(cx);
            match (drained, outcome.is_some()) {
                // Done, and everything written (or the peer is gone: nothing to wait for).
                (Poll::Ready(_), true) => Poll::Ready(outcome.take().expect("checked")),
                (Poll::Ready(Err(e)), false) => {
                    // Tell the connection on its next read or write; have it polled again.
                    shared.failed = Some(e.kind());
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                // Written, or waiting for the socket (its readiness wakes this task).
                _ => Poll::Pending,
            }
        })
        .await
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for HeldIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let mut shared = lock(&self.shared);
        shared.check()?;
        Pin::new(&mut shared.io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for HeldIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let mut shared = lock(&self.shared);
        shared.check()?;
        if shared.held.len() >= HIGH_WATER {
            ready!(shared.poll_drain(cx))?;
        }
        shared.held.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let mut shared = lock(&self.shared);
        shared.check()?;
        if shared.held.len() >= HIGH_WATER {
            ready!(shared.poll_drain(cx))?;
        }
        let mut n = 0;
        for buf in bufs {
            shared.held.extend_from_slice(buf);
            n += buf.len();
        }
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    /// Deferred: the [`Flusher`] writes when the connection's poll ends.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        lock(&self.shared).check()?;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut shared = lock(&self.shared);
        ready!(shared.poll_drain(cx))?;
        Pin::new(&mut shared.io).poll_shutdown(cx)
    }
}
