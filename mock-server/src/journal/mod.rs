//! The request journal: every request the Public API and redirect listeners saw, with every
//! credential replaced by what it was (SPEC.md part 2, "For SDK test suites"), so an SDK test
//! can assert "exactly one request, with the key, and the 401 was not retried".
//!
//! - `entry.rs`: [`JournalEntry`], what one request becomes;
//! - `credentials.rs`: where a credential is told apart (`<valid key "ci">`, …) without the key;
//! - `filter.rs`: the filters of `GET /v1/requests`;
//! - `endpoints.rs`: `GET` and `DELETE /v1/requests` on the admin plane;
//! - `file.rs`: `--journal PATH`, JSON lines written by a thread of their own.
//!
//! On the hot path: the entry is built by the request's own thread, outside any lock; the
//! shared ring is locked only to number the entry, push it and pop the oldest.

mod credentials;
mod endpoints;
mod entry;
mod file;
mod filter;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use http::{Request, StatusCode};

use crate::auth::{Decision, SchemeReading};
use crate::error::Error;
use crate::keys::KeyStore;

pub(crate) use endpoints::{clear as clear_endpoint, list as list_endpoint};
pub use entry::{Header, JournalEntry, KeySummary, Listener, Protocol, QueryParam};

use filter::RequestFilter;

/// The journal's entries, shared by every listener and the admin plane. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Journal {
    inner: Arc<Inner>,
}

struct Inner {
    ring: Mutex<Ring>,
    capacity: usize,
    file: Option<file::JournalFile>,
}

#[derive(Default)]
struct Ring {
    entries: VecDeque<Arc<JournalEntry>>,
    /// Entries pushed out by newer ones since the last clear.
    dropped: u64,
    /// The last sequence number given.
    last_seq: u64,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal")
            .field("capacity", &self.inner.capacity)
            .field("file", &self.inner.file.as_ref().map(|f| f.path()))
            .finish_non_exhaustive()
    }
}

impl Journal {
    /// A journal keeping the last `capacity` entries, also appending each to `file` when given
    /// (opened now: an unwritable path fails here, naming `--journal`).
    pub(crate) fn new(capacity: usize, file: Option<&Path>) -> Result<Self, Error> {
        let file = file.map(file::JournalFile::open).transpose()?;
        Ok(Self {
            inner: Arc::new(Inner {
                ring: Mutex::new(Ring {
                    entries: VecDeque::with_capacity(capacity.min(4096)),
                    ..Ring::default()
                }),
                capacity,
                file,
            }),
        })
    }

    /// What a listener records through: its name, whether it is TLS, the store credentials are
    /// looked up in, and the scheme reading its requests are judged by.
    pub(crate) fn recorder(
        &self,
        listener: Listener,
        tls: bool,
        store: KeyStore,
        reading: SchemeReading,
    ) -> Recorder {
        Recorder {
            journal: self.clone(),
            listener,
            tls,
            store,
            reading,
        }
    }

    fn ring(&self) -> MutexGuard<'_, Ring> {
        self.inner
            .ring
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether entries are kept anywhere (a ring of size 0 and no file keep none).
    fn keeps_entries(&self) -> bool {
        self.inner.capacity > 0 || self.inner.file.is_some()
    }

    /// Numbers `entry`, adds it, and drops the oldest when the ring is full. The entry is
    /// dropped (its memory freed) after the lock is released.
    fn push(&self, mut entry: Arc<JournalEntry>) {
        let evicted = {
            let mut ring = self.ring();
            ring.last_seq += 1;
            if let Some(entry) = Arc::get_mut(&mut entry) {
                entry.seq = ring.last_seq;
            }
            if let Some(file) = &self.inner.file {
                // Inside the lock, so the file has the ring's order.
                file.send(entry.clone());
            }
            if self.inner.capacity == 0 {
                ring.dropped += 1;
                Some(entry)
            } else {
                ring.entries.push_back(entry);
                if ring.entries.len() > self.inner.capacity {
                    ring.dropped += 1;
                    ring.entries.pop_front()
                } else {
                    None
                }
            }
        };
        drop(evicted);
    }

    /// A request that is not kept (ring of size 0, no file): numbered and counted as dropped.
    fn skip(&self) {
        let mut ring = self.ring();
        ring.last_seq += 1;
        ring.dropped += 1;
    }

    /// The entries that pass `filter`, oldest first, and the dropped counter.
    fn matching(&self, filter: &RequestFilter) -> (Vec<Arc<JournalEntry>>, u64) {
        let ring = self.ring();
        let entries = ring
            .entries
            .iter()
            .filter(|e| filter.matches(e))
            .cloned()
            .collect();
        (entries, ring.dropped)
    }

    /// Every entry, oldest first.
    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        let kept: Vec<Arc<JournalEntry>> = self.ring().entries.iter().cloned().collect();
        kept.iter().map(|e| JournalEntry::clone(e)).collect()
    }

    /// Entries dropped (the ring was full) since the last clear.
    pub(crate) fn dropped(&self) -> u64 {
        self.ring().dropped
    }

    /// How many entries the ring keeps.
    pub(crate) fn capacity(&self) -> usize {
        self.inner.capacity
    }

    /// Forgets every entry and resets the dropped counter; sequence numbers go on.
    pub(crate) fn clear(&self) {
        let entries = {
            let mut ring = self.ring();
            ring.dropped = 0;
            std::mem::take(&mut ring.entries)
        };
        drop(entries);
    }

    /// Writes what is pending to `--journal` and stops its writer; waits until it is done.
    pub(crate) async fn close(&self) {
        if let Some(file) = &self.inner.file {
            file.close().await;
        }
    }
}

/// One listener's way into the journal.
#[derive(Clone, Debug)]
pub(crate) struct Recorder {
    journal: Journal,
    listener: Listener,
    tls: bool,
    store: KeyStore,
    reading: SchemeReading,
}

impl Recorder {
    /// Records a request of the Public API: `decision` is what `auth.rs` decided, `status`
    /// what was answered, `started` when the head was received.
    pub(crate) fn record<B>(
        &self,
        request: &Request<B>,
        decision: &Decision,
        status: impl Into<Option<StatusCode>>,
        started: Instant,
    ) {
        if !self.journal.keeps_entries() {
            self.journal.skip();
            return;
        }
        let elapsed = started.elapsed();
        let now = SystemTime::now();
        let received = now.checked_sub(elapsed).unwrap_or(now);
        let entry = JournalEntry::from_request(
            request,
            received,
            (self.listener, self.tls),
            &self.store,
            decision,
            // 0: no answer (a scripted `reset` fault).
            status.into().map_or(0, |s| s.as_u16()),
            elapsed.as_micros() as u64,
        );
        self.journal.push(Arc::new(entry));
    }

    /// Records a request that was answered without authentication (the redirect listener):
    /// its key summary is what the Public API would have decided.
    pub(crate) fn record_unjudged<B>(
        &self,
        request: &Request<B>,
        status: StatusCode,
        started: Instant,
    ) {
        let decision = crate::auth::authenticate(request.headers(), &self.store, self.reading);
        self.record(request, &decision, status, started);
    }
}
