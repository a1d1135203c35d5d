//! The request journal: every request the Public API and redirect listeners saw, with every
//! credential replaced by what it was (SPEC.md part 2, "For SDK test suites"), so an SDK test
//! can assert "exactly one request, with the key, and the 401 was not retried".
//!
//! - `entry.rs`: [`JournalEntry`], what one request becomes;
//! - `credentials/`: where key material is found and told apart (`<valid key "ci">`, …)
//!   without the key; everything else is shown as sent;
//! - `recorded.rs`: what the hot path keeps of a request (its head as sent, in one buffer),
//!   described (key material replaced) only when first read;
//! - `pending.rs`: an entry between the request's head and the end of its answer, and the
//!   capture of its body;
//! - `outcome.rs`: [`Outcome`], what happened to the answer, and [`FaultRef`];
//! - `filter.rs`: the filters of `GET /v1/requests`;
//! - `endpoints.rs`: `GET` and `DELETE /v1/requests` on the admin plane;
//! - `file.rs`: `--journal PATH`, JSON lines written by a thread of their own.
//!
//! An entry joins the journal when its answer has ended (sent, reset, cut, or abandoned by the
//! client) and its body has been read; see `pending.rs`.
//!
//! On the hot path: the draft is copied by the request's own thread, outside any lock, and
//! pushed into that thread's own ring (a shard): its lock is never contended and its memory
//! stays with its core, so two threads serving requests do not pass a cache line back and
//! forth on every request. Only the sequence number is shared (one atomic). A reader locks
//! every shard at once and merges them by sequence number.

mod credentials;
mod endpoints;
mod entry;
mod file;
mod filter;
mod outcome;
mod pending;
mod recorded;

#[cfg(test)]
mod cost;

use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Instant, SystemTime};

use http::Request;

use crate::auth::{Decision, SchemeReading};
use crate::error::Error;
use crate::keys::KeyStore;

pub(crate) use endpoints::{
    clear as clear_endpoint, count as count_endpoint, list as list_endpoint,
    unmatched as unmatched_endpoint,
};
pub use entry::{
    BodyEncoding, Header, JournalEntry, KeySummary, Listener, Protocol, QueryParam, RecordedBody,
};
pub use outcome::{FaultRef, Outcome};
pub(crate) use pending::{BodyCapture, Pending};

use filter::RequestFilter;
use recorded::{Draft, RawHead, Recorded};

/// The journal's entries, shared by every listener and the admin plane. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Journal {
    inner: Arc<Inner>,
}

struct Inner {
    /// One ring per serving thread (a thread uses `shards[its ordinal % len]`), each keeping
    /// up to `capacity` entries; readers see the newest `capacity` of them all.
    shards: Box<[Mutex<Ring>]>,
    /// The last sequence number given, taken under the lock of the shard the entry joins, so
    /// a reader holding every shard's lock sees no gap below the newest entry it sees.
    last_seq: AtomicU64,
    capacity: usize,
    /// How many bytes of a request body an entry keeps.
    body_limit: usize,
    file: Option<file::JournalFile>,
    /// Held while an entry is numbered and sent to `file`, so the file has sequence order.
    file_order: Mutex<()>,
}

#[derive(Default)]
struct Ring {
    entries: VecDeque<Arc<Recorded>>,
    /// Requests this shard recorded since the last clear (kept or not).
    recorded: u64,
}

/// Every shard's ring, locked at once (in index order; a request's thread only ever takes
/// its own shard's lock, so this cannot deadlock).
struct Rings<'a>(Vec<MutexGuard<'a, Ring>>);

impl Rings<'_> {
    /// The newest `capacity` entries of every shard, oldest first, and how many were dropped
    /// since the last clear (recorded but not among them).
    fn view(&self, capacity: usize) -> (Vec<&Arc<Recorded>>, u64) {
        let mut entries: Vec<&Arc<Recorded>> =
            self.0.iter().flat_map(|ring| ring.entries.iter()).collect();
        if self.0.len() > 1 {
            entries.sort_unstable_by_key(|e| e.seq());
        }
        let excess = entries.len().saturating_sub(capacity);
        entries.drain(..excess);
        let recorded: u64 = self.0.iter().map(|ring| ring.recorded).sum();
        let dropped = recorded.saturating_sub(entries.len() as u64);
        (entries, dropped)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a shard leaves a ring that is whole at every step.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The shard of the calling thread: threads are numbered as they first record.
fn shard_index(shards: usize) -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static ORDINAL: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    ORDINAL.with(|ordinal| *ordinal % shards)
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
    #[cfg(test)]
    pub(crate) fn new(capacity: usize, file: Option<&Path>) -> Result<Self, Error> {
        Self::with_body_limit(capacity, file, DEFAULT_BODY_LIMIT)
    }

    /// [`new`](Self::new), keeping up to `body_limit` bytes of each request body.
    pub(crate) fn with_body_limit(
        capacity: usize,
        file: Option<&Path>,
        body_limit: usize,
    ) -> Result<Self, Error> {
        let file = file.map(file::JournalFile::open).transpose()?;
        let threads = std::thread::available_parallelism().map_or(4, |n| n.get());
        let shards = (0..threads.clamp(1, 16))
            .map(|_| Mutex::new(Ring::default()))
            .collect();
        Ok(Self {
            inner: Arc::new(Inner {
                shards,
                last_seq: AtomicU64::new(0),
                capacity,
                body_limit,
                file,
                file_order: Mutex::new(()),
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

    fn own_shard(&self) -> MutexGuard<'_, Ring> {
        lock(&self.inner.shards[shard_index(self.inner.shards.len())])
    }

    fn rings(&self) -> Rings<'_> {
        Rings(self.inner.shards.iter().map(lock).collect())
    }

    /// Whether entries are kept anywhere (a ring of size 0 and no file keep none).
    fn keeps_entries(&self) -> bool {
        self.inner.capacity > 0 || self.inner.file.is_some()
    }

    /// Numbers `entry` and adds it to this thread's shard, dropping that shard's oldest when
    /// it is full. What is dropped is freed after the lock is released.
    fn push(&self, mut recorded: Recorded) {
        let evicted = {
            let mut ring = self.own_shard();
            // With a file, numbered and sent in one step, so the file has sequence order.
            let order = self
                .inner
                .file
                .as_ref()
                .map(|_| lock(&self.inner.file_order));
            let seq = self.inner.last_seq.fetch_add(1, Ordering::SeqCst) + 1;
            recorded.set_seq(seq);
            let entry = Arc::new(recorded);
            if let Some(file) = &self.inner.file {
                file.send(entry.clone());
            }
            drop(order);
            ring.recorded += 1;
            if self.inner.capacity == 0 {
                Some(entry)
            } else {
                ring.entries.push_back(entry);
                if ring.entries.len() > self.inner.capacity {
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
        let mut ring = self.own_shard();
        self.inner.last_seq.fetch_add(1, Ordering::SeqCst);
        ring.recorded += 1;
    }

    /// The entries that pass `filter`, oldest first, and the dropped counter.
    /// Entries are described (`recorded.rs`) after the locks are released: a reader never
    /// holds up a request's thread while it looks for keys.
    fn matching(&self, filter: &RequestFilter) -> (Vec<Arc<Recorded>>, u64) {
        let (kept, dropped) = self.kept();
        let matching = kept
            .into_iter()
            .filter(|e| filter.matches(e.entry()))
            .collect();
        (matching, dropped)
    }

    /// The kept entries, oldest first, and the dropped counter, taken at once.
    fn kept(&self) -> (Vec<Arc<Recorded>>, u64) {
        let rings = self.rings();
        let (entries, dropped) = rings.view(self.inner.capacity);
        (entries.into_iter().cloned().collect(), dropped)
    }

    /// Every entry, oldest first.
    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        let (kept, _) = self.kept();
        kept.iter().map(|e| e.entry().clone()).collect()
    }

    /// Entries dropped (the ring was full) since the last clear.
    pub(crate) fn dropped(&self) -> u64 {
        self.rings().view(self.inner.capacity).1
    }

    /// How many bytes of a request body an entry keeps.
    fn body_limit(&self) -> usize {
        self.inner.body_limit
    }

    /// How many entries the ring keeps.
    pub(crate) fn capacity(&self) -> usize {
        self.inner.capacity
    }

    /// Forgets every entry and resets the dropped counter; sequence numbers go on.
    pub(crate) fn clear(&self) {
        let entries: Vec<VecDeque<Arc<Recorded>>> = {
            let mut rings = self.rings();
            rings
                .0
                .iter_mut()
                .map(|ring| {
                    ring.recorded = 0;
                    std::mem::take(&mut ring.entries)
                })
                .collect()
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
    /// Starts the entry of a request of the Public API, when its head has come (`started`):
    /// `decision` is what `auth.rs` decided. The entry joins the journal when the answer
    /// holding the returned [`Pending`] has ended and its body capture is done; `None` when
    /// the journal keeps no entries (the request is counted as dropped now).
    pub(crate) fn begin<B>(
        &self,
        request: &Request<B>,
        decision: &Decision,
        started: Instant,
    ) -> Option<Pending> {
        if !self.journal.keeps_entries() {
            self.journal.skip();
            return None;
        }
        let now = SystemTime::now();
        let received = now.checked_sub(started.elapsed()).unwrap_or(now);
        let draft = Draft::new(
            RawHead::of(request),
            received,
            (self.listener, self.tls),
            decision.clone(),
        );
        Some(Pending::new(
            self.journal.clone(),
            self.store.clone(),
            started,
            draft,
        ))
    }

    /// Starts the entry of a request answered without authentication (the redirect
    /// listener): its key summary is what the Public API would have decided.
    pub(crate) fn begin_unjudged<B>(
        &self,
        request: &Request<B>,
        started: Instant,
    ) -> Option<Pending> {
        let decision = crate::auth::authenticate(request.headers(), &self.store, self.reading);
        self.begin(request, &decision, started)
    }

    /// A capture of the request body for `pending`'s entry.
    pub(crate) fn body_capture(&self, pending: &Pending) -> Option<BodyCapture> {
        pending.body_capture()
    }
}

/// How many bytes of a request body an entry keeps, unless configured otherwise.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Recorded {
        let json = format!(
            r#"{{"seq":0,"time":"2026-01-01T00:00:00.000000Z","listener":"public","tls":true,
            "protocol":"HTTP/1.1","method":"GET","path":"{path}","query":[],"headers":[],
            "key":{{"state":"absent"}},"status":401,"latency_us":1,"outcome":"answered"}}"#
        );
        Recorded::described(serde_json::from_str(&json).unwrap())
    }

    /// Threads recording at once, each into its own shard: readers see the newest `capacity`
    /// entries of them all, numbered without a gap, in order, and every other one counted
    /// as dropped; a clear forgets them and the numbering goes on.
    #[test]
    fn shards_read_as_one_ring() {
        let journal = Journal::new(100, None).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let journal = journal.clone();
                std::thread::spawn(move || {
                    for i in 0..500 {
                        journal.push(entry(&format!("/t{t}/{i}")));
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let seqs: Vec<u64> = journal.entries().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1901..=2000).collect::<Vec<_>>());
        assert_eq!(journal.dropped(), 1900);
        // Each thread's own entries keep their order.
        for t in 0..4 {
            let prefix = format!("/t{t}/");
            let mine: Vec<u32> = journal
                .entries()
                .iter()
                .filter_map(|e| e.path.strip_prefix(&prefix)?.parse().ok())
                .collect();
            assert!(mine.windows(2).all(|w| w[0] < w[1]), "{mine:?}");
        }
        journal.clear();
        assert!(journal.entries().is_empty());
        assert_eq!(journal.dropped(), 0);
        journal.push(entry("/after"));
        assert_eq!(journal.entries()[0].seq, 2001);
        assert_eq!(journal.dropped(), 0);
    }

    #[test]
    fn a_journal_of_size_zero_keeps_nothing_and_counts_everything() {
        let journal = Journal::new(0, None).unwrap();
        journal.skip();
        journal.skip();
        assert!(journal.entries().is_empty());
        assert_eq!(journal.dropped(), 2);
    }
}
