//! `--journal PATH`: every entry appended as one JSON line, by a thread of its own, so no
//! request waits for the disk. Entries reach it through a bounded channel, which the writer
//! empties every [`TICK`] (it never sleeps on the channel, so a request never has to wake it:
//! that wake-up cost more than the writing), then flushes the file; and at shutdown. If more
//! than [`QUEUE`] entries come in one tick, the newest are not written and the loss is logged
//! (the ring still has them).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TryRecvError, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::recorded::Recorded;
use crate::error::Error;

/// How often the writer takes what was queued, writes it and flushes the file: the longest an
/// entry waits before it is in the file.
const TICK: Duration = Duration::from_millis(50);

/// Entries queued for the writer at most: 640,000 requests a second at one tick each 50 ms.
const QUEUE: usize = 32 * 1024;

enum Message {
    Entry(Arc<Recorded>),
    Close,
}

/// The `--journal` file and its writer thread.
pub(super) struct JournalFile {
    path: PathBuf,
    queue: SyncSender<Message>,
    lost: Arc<AtomicU64>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl JournalFile {
    /// Opens (creates, or appends to) `path` and starts its writer.
    pub(super) fn open(path: &Path) -> Result<Self, Error> {
        let err = |source| Error::WriteFile {
            what: "request journal (--journal)",
            path: path.to_owned(),
            source,
        };
        let file = File::options()
            .create(true)
            .append(true)
            .open(path)
            .map_err(err)?;
        let (queue, received) = sync_channel(QUEUE);
        let lost = Arc::new(AtomicU64::new(0));
        let writer = {
            let (path, lost) = (path.to_owned(), lost.clone());
            std::thread::Builder::new()
                .name("terminus-journal".into())
                .spawn(move || write_lines(file, &path, &received, &lost))
                .map_err(err)?
        };
        Ok(Self {
            path: path.to_owned(),
            queue,
            lost,
            writer: Mutex::new(Some(writer)),
        })
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Queues an entry; never waits.
    pub(super) fn send(&self, entry: Arc<Recorded>) {
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            self.queue.try_send(Message::Entry(entry))
        {
            self.lost.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Flushes what is queued and stops the writer; returns once the file is written.
    pub(super) async fn close(&self) {
        let writer = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        let Some(writer) = writer else { return };
        let queue = self.queue.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let _ = queue.send(Message::Close);
            let _ = writer.join();
        })
        .await;
    }
}

impl Drop for JournalFile {
    /// Dropped without [`close`](Self::close): the writer flushes and stops on its own.
    fn drop(&mut self) {
        let _ = self.queue.try_send(Message::Close);
    }
}

/// The writer thread: every [`TICK`], one JSON line per queued entry, then a flush.
fn write_lines(file: File, path: &Path, queue: &Receiver<Message>, lost: &AtomicU64) {
    let mut out = BufWriter::with_capacity(64 * 1024, file);
    let mut failing = false;
    loop {
        std::thread::sleep(TICK);
        let mut written = 0usize;
        let closing = loop {
            match queue.try_recv() {
                Ok(Message::Entry(entry)) => {
                    let line = serde_json::to_writer(&mut out, entry.entry())
                        .map_err(std::io::Error::from)
                        .and_then(|()| out.write_all(b"\n"));
                    report(line, path, &mut failing);
                    written += 1;
                }
                Ok(Message::Close) | Err(TryRecvError::Disconnected) => break true,
                Err(TryRecvError::Empty) => break false,
            }
        };
        if written > 0 || closing {
            report(out.flush(), path, &mut failing);
        }
        let missed = lost.swap(0, Ordering::Relaxed);
        if missed > 0 {
            tracing::warn!(target: "terminus_mock::journal",
                "{missed} requests were not written to {} (--journal): the writer fell behind; GET /v1/requests still has them while they are in the ring",
                path.display());
        }
        if closing {
            return;
        }
    }
}

/// Logs the first failure of a run of failures, and the recovery.
fn report(result: std::io::Result<()>, path: &Path, failing: &mut bool) {
    match result {
        Err(e) if !*failing => {
            *failing = true;
            tracing::error!(target: "terminus_mock::journal",
                "cannot write the request journal {} (--journal): {e}", path.display());
        }
        Ok(()) if *failing => {
            *failing = false;
            tracing::info!(target: "terminus_mock::journal",
                "the request journal {} is written again", path.display());
        }
        _ => {}
    }
}
