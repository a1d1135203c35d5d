//! Findings a case makes about another clause. A probe that must not authenticate but gets a
//! 5xx, a reset or a hang is ROB-1's business; a refusal with another 4xx than 401 is ERR-1's
//! (ROB-1's when the value carries obs-text). The case that saw it passes that probe and writes
//! it here; the clause's sweep case (`ERR-1::every_refusal_is_401`,
//! `ROB-1::no_5xx_reset_or_hang_for_any_value`, `ROUTE-1::no_404_or_405_for_path_variants`),
//! which runs last, reports it. So a server that 500s on obs-text fails ROB-1, not every KEY
//! and HDR case that happened to send obs-text; one that answers 404 before authentication
//! fails ROUTE-1, not ROUTE-2 as well.
//!
//! A 400 for a value with obs-text is ROB-1's, unless ASCII values were refused with another
//! status than 401 too: then the server refuses malformed values that way, and that is ERR-1's.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tokio::sync::watch;

use super::verdict::Finding;
use crate::spec::Clause;
use crate::wire::{Reply, Request};

/// Whose business a finding handed over by another clause's case is: one of the clauses whose
/// sweep case reports the ledger, or a refusal of obs-text decided once every case has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// ERR-1: a refusal with another 4xx than 401.
    Err1,
    /// ROB-1: a 5xx, a reset, a hang or a non-HTTP answer to a valid-HTTP value.
    Rob1,
    /// ROUTE-1: a path variant answered 404, 405 or the like before authentication.
    Route1,
    /// A refusal other than 401 of a value with obs-text: ROB-1's, or ERR-1's when ASCII values
    /// were refused that way too (decided by the sweeps, once every case has run).
    ObsTextRefusal,
}

impl Owner {
    /// The clause that reports it, when that is already known.
    pub fn clause(self) -> Option<Clause> {
        match self {
            Owner::Err1 => Some(Clause::Err1),
            Owner::Rob1 => Some(Clause::Rob1),
            Owner::Route1 => Some(Clause::Route1),
            Owner::ObsTextRefusal => None,
        }
    }

    /// How a failure message names it.
    pub fn describe(self) -> &'static str {
        match self.clause() {
            Some(clause) => clause.id(),
            None => "ROB-1 or ERR-1",
        }
    }
}

impl std::fmt::Display for Owner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// The incidents of a run and how many trials have finished.
pub struct Ledger {
    incidents: Mutex<Vec<(Owner, Clause, Finding)>>,
    finished: watch::Sender<usize>,
    ascii_refused_otherwise: AtomicBool,
}

impl Default for Ledger {
    fn default() -> Self {
        Self {
            incidents: Mutex::new(Vec::new()),
            finished: watch::channel(0).0,
            ascii_refused_otherwise: AtomicBool::new(false),
        }
    }
}

impl Ledger {
    /// Records a finding for `owner` seen by a case of `seen_by`.
    pub fn record(&self, owner: Owner, seen_by: Clause, finding: Finding) {
        self.incidents
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((owner, seen_by, finding));
    }

    /// Notes every answer a case of `clause` got: a refusal with another 4xx than 401 of a
    /// one-field, ASCII-only, valid-HTTP `Authorization` value (HDR-4's lists aside) tells how
    /// the server refuses malformed values.
    pub fn note(&self, clause: Clause, request: &Request, reply: &Reply) {
        if clause == Clause::Hdr4 || !request.is_valid_http() {
            return;
        }
        let Some(status) = reply.status() else {
            return;
        };
        if !(400..500).contains(&status) || status == 401 || status == 429 {
            return;
        }
        let mut values = request
            .fields
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(b"authorization"));
        if let (Some(value), None) = (values.next(), values.next()) {
            if value.value.bytes().is_ascii() {
                self.ascii_refused_otherwise.store(true, Ordering::SeqCst);
            }
        }
    }

    /// Every finding the sweep of `sweep` reports, with the clause whose case saw it (for ROB-1 and
    /// ERR-1, the obs-text refusals that fall to it).
    pub fn findings_for(&self, sweep: Clause) -> Vec<(Clause, Finding)> {
        let ascii = self.ascii_refused_otherwise.load(Ordering::SeqCst);
        let takes_obs_text = (sweep == Clause::Rob1 && !ascii) || (sweep == Clause::Err1 && ascii);
        self.incidents
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(o, _, _)| {
                o.clause() == Some(sweep) || (takes_obs_text && *o == Owner::ObsTextRefusal)
            })
            .map(|(_, seen_by, f)| (*seen_by, f.clone()))
            .collect()
    }

    /// How many trials (sweeps aside) have finished.
    pub fn finished(&self) -> usize {
        *self.finished.borrow()
    }

    /// One more trial has finished.
    pub fn trial_finished(&self) {
        self.finished.send_modify(|n| *n += 1);
    }

    /// Waits until `others` trials have finished (a sweep runs after the cases it sweeps).
    pub async fn wait_for(&self, others: usize) {
        let mut rx = self.finished.subscribe();
        let _ = rx.wait_for(|n| *n >= others).await;
    }
}

/// Clauses whose cases send a request that must not authenticate with one `Authorization`
/// value: their odd answers belong to ERR-1 or ROB-1.
const VALUE_CLAUSES: [Clause; 6] = [
    Clause::Key1,
    Clause::Key2,
    Clause::Hdr1,
    Clause::Hdr2,
    Clause::Hdr3,
    Clause::Hdr5,
];

/// The clause that owns a wrong answer to `request` seen by a case of `seen_by`, when it is
/// not `seen_by`'s own business: a 5xx, reset, hang or non-HTTP answer to a valid-HTTP
/// `Authorization` value is ROB-1's; another 4xx than 401 is ERR-1's (ROB-1's for obs-text).
pub fn owner_of(seen_by: Clause, request: &Request, reply: &Reply) -> Option<Owner> {
    if reply.is_undelivered() || reply.status() == Some(429) {
        // Evidence of nothing: nobody's finding.
        return None;
    }
    if seen_by == Clause::Route2 {
        // Reaching a handler (2xx, 3xx) is ROUTE-2's; anything but 401 or 400 before
        // authentication is ROUTE-1's.
        return match (reply, reply.status()) {
            (_, Some(s)) if s < 400 || s == 401 || s == 400 || s == 429 => None,
            (Reply::Closed(_), _) => None,
            _ => Some(Owner::Route1),
        };
    }
    if !VALUE_CLAUSES.contains(&seen_by) && seen_by != Clause::Rob1 {
        return None;
    }
    let values: Vec<&[u8]> = request
        .fields
        .iter()
        .filter(|f| f.name.eq_ignore_ascii_case(b"authorization"))
        .map(|f| f.value.bytes())
        .collect();
    let [value] = values.as_slice() else {
        return None;
    };
    if !request.is_valid_http() {
        return None;
    }
    let obs_text = value.iter().any(|&b| b >= 0x80);
    match reply {
        Reply::Response(r) if r.status == 401 || r.status < 400 || r.status == 429 => None,
        Reply::Response(r) if r.status < 500 => {
            if obs_text {
                Some(Owner::ObsTextRefusal)
            } else {
                Some(Owner::Err1)
            }
        }
        _ => (seen_by != Clause::Rob1).then_some(Owner::Rob1),
    }
}
