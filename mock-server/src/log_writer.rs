//! The binary's log writer: the per-request line off the hot path. A request's thread appends
//! its line to a shared buffer (a lock and a copy, no system call); a writer thread writes what
//! has gathered to stderr in one `write` at most [`FLUSH_DELAY`] after the first line of a
//! batch, so someone watching the log sees each line within ~50 ms. Nothing is dropped: past
//! [`MAX_PENDING`] bytes the request's thread writes the batch itself (the lines wait for
//! stderr, as they would without this writer), and [`LogGuard`] writes whatever is left when
//! the program ends (SIGINT, SIGTERM, an error).
//!
//! Why not `tracing-appender`'s non-blocking writer: it sends every line through a channel to
//! its thread, waking that thread for most lines under load (a futex call per line instead of
//! a `write` per line); a shared buffer flushed on a timer wakes it once per batch.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

/// How long the writer thread lets lines gather after the first one of a batch.
pub const FLUSH_DELAY: Duration = Duration::from_millis(50);

/// Past this many bytes waiting, the thread that logs writes them itself (back-pressure, not
/// loss, nor unbounded memory).
pub const MAX_PENDING: usize = 1024 * 1024;

/// Lines waiting to be written, and whether the program is ending.
#[derive(Default)]
struct Pending {
    bytes: Vec<u8>,
    closing: bool,
}

struct Shared {
    pending: Mutex<Pending>,
    /// Signalled when a batch starts (the first line after a write) and at the end.
    wake: Condvar,
    /// Held while a batch is taken and written, so batches reach stderr in the order taken.
    output: Mutex<Output>,
}

struct Output {
    sink: Box<dyn Write + Send>,
    /// The buffer of the batch before last, swapped in so its capacity is reused.
    spare: Vec<u8>,
}

/// Locks a mutex whatever a panicking holder left: a log line must not be lost to a poisoned
/// lock, and the data (bytes) is valid at every point.
fn lock<T: ?Sized>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn append(&self, line: &[u8]) {
        let mut pending = lock(&self.pending);
        let first = pending.bytes.is_empty();
        pending.bytes.extend_from_slice(line);
        if pending.bytes.len() >= MAX_PENDING {
            drop(pending);
            self.write_pending();
        } else if first {
            drop(pending);
            self.wake.notify_one();
        }
    }

    /// Takes what is waiting and writes it. Errors are ignored: there is nowhere left to
    /// report a failing stderr, and the server must keep serving.
    fn write_pending(&self) {
        let mut output = lock(&self.output);
        let Output { sink, spare } = &mut *output;
        std::mem::swap(spare, &mut lock(&self.pending).bytes);
        if !spare.is_empty() {
            let _ = sink.write_all(spare);
            let _ = sink.flush();
            spare.clear();
        }
    }

    /// The writer thread: wait for a batch to start, let it gather, write it; until closing.
    fn run(&self) {
        loop {
            let mut pending = lock(&self.pending);
            while pending.bytes.is_empty() && !pending.closing {
                pending = self
                    .wake
                    .wait(pending)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            let closing = pending.closing;
            drop(pending);
            if !closing {
                std::thread::sleep(FLUSH_DELAY);
            }
            self.write_pending();
            if closing {
                return;
            }
        }
    }
}

/// What `tracing_subscriber::fmt().with_writer(..)` takes: each event's formatted line is
/// appended to the shared buffer.
#[derive(Clone)]
pub struct BufferedStderr {
    shared: Arc<Shared>,
}

/// Ends the writer thread and writes every line still waiting. Hold it until the program
/// ends; [`LogGuard::flush`] writes what is waiting now (before printing an error to stderr,
/// so the lines come out in order).
pub struct LogGuard {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// A writer to stderr off the hot path, and the guard that flushes it at exit.
pub fn stderr() -> (BufferedStderr, LogGuard) {
    to(Box::new(io::stderr()))
}

/// The same over any output (the tests read it back).
fn to(output: Box<dyn Write + Send>) -> (BufferedStderr, LogGuard) {
    let shared = Arc::new(Shared {
        pending: Mutex::new(Pending::default()),
        wake: Condvar::new(),
        output: Mutex::new(Output {
            sink: output,
            spare: Vec::new(),
        }),
    });
    let worker = Arc::clone(&shared);
    let thread = std::thread::Builder::new()
        .name("terminus-mock-log".to_owned())
        .spawn(move || worker.run())
        .ok();
    let guard = LogGuard {
        shared: Arc::clone(&shared),
        thread,
    };
    (BufferedStderr { shared }, guard)
}

impl LogGuard {
    /// Writes every line waiting now.
    pub fn flush(&self) {
        self.shared.write_pending();
    }
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        lock(&self.shared.pending).closing = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        // Lines logged after the thread's last write (or all of them, had it not started).
        self.shared.write_pending();
    }
}

/// One event's writer: tracing's fmt layer formats a whole line, then writes it with one
/// `write_all`, so each `write` here is appended whole and lines never interleave.
pub struct LineWriter<'a> {
    shared: &'a Shared,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.shared.append(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BufferedStderr {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// An output the test can read while the writer writes to it.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            lock(&self.0).extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn text(&self) -> String {
            String::from_utf8(lock(&self.0).clone()).unwrap()
        }
    }

    #[test]
    fn every_line_is_written_in_order_by_the_time_the_guard_drops() {
        let out = Captured::default();
        let (writer, guard) = to(Box::new(out.clone()));
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let writer = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..5_000 {
                        let line = format!("thread {t} line {i}\n");
                        writer.make_writer().write_all(line.as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(guard);
        let text = out.text();
        assert_eq!(text.lines().count(), 20_000);
        for t in 0..4 {
            let prefix = format!("thread {t} line ");
            let numbers: Vec<usize> = text
                .lines()
                .filter_map(|l| l.strip_prefix(&prefix))
                .map(|n| n.parse().unwrap())
                .collect();
            assert_eq!(numbers, (0..5_000).collect::<Vec<_>>(), "thread {t}");
        }
    }

    #[test]
    fn a_line_is_written_soon_without_more_lines_or_an_exit() {
        let out = Captured::default();
        let (writer, _guard) = to(Box::new(out.clone()));
        writer.make_writer().write_all(b"alone\n").unwrap();
        let started = Instant::now();
        while out.text().is_empty() {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the line was not written while the program runs"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(out.text(), "alone\n");
    }

    #[test]
    fn past_the_bound_the_logging_thread_writes_itself() {
        let out = Captured::default();
        let (writer, guard) = to(Box::new(out.clone()));
        let line = vec![b'x'; MAX_PENDING];
        writer.make_writer().write_all(&line).unwrap();
        // Written by this thread before write_all returned: no wait for the timer.
        assert_eq!(lock(&out.0).len(), MAX_PENDING);
        drop(guard);
    }
}
