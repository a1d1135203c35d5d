//! The faults of one mock: [`Faults`], shared by the Public API (which asks it for a plan per
//! accepted request) and the admin plane (which adds, lists and removes). The request path
//! takes no lock while no fault has uses left.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use http::Request;
use serde::{Deserialize, Serialize};

use super::matching::{normalise_method, Seen};
use super::{Fault, FaultId, Respond};

/// A fault as listed: its definition, id, uses left and matches so far.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ListedFault {
    /// Its id.
    pub id: FaultId,
    /// Uses left (`None`: unlimited; 0: spent, kept so a test can see it fired).
    pub remaining: Option<u32>,
    /// Requests it answered.
    pub hits: u64,
    /// The definition.
    #[serde(flatten)]
    pub fault: Fault,
}

/// The faults of one mock, shared by its Public API and its admin plane. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// False while no fault has uses left: the request path then takes no lock.
    armed: AtomicBool,
    next_id: AtomicU64,
    list: Mutex<Vec<ListedFault>>,
}

/// What the Public API does with an accepted request.
#[derive(Debug)]
pub(crate) enum Plan {
    /// The normal answer (no fault matched).
    Normal,
    /// A fault matched: its id, and how it answers.
    Fault(FaultId, Respond),
}

impl Faults {
    /// Adds a fault, after [`Fault::validate`]; returns its id. A registered method written
    /// in another case is stored upper-case (`get` → `GET`), header names lower-case.
    pub fn add(&self, mut fault: Fault) -> Result<FaultId, String> {
        fault.method = fault.method.as_deref().map(normalise_method);
        fault.headers = std::mem::take(&mut fault.headers)
            .into_iter()
            .map(|(name, want)| (name.to_ascii_lowercase(), want))
            .collect();
        fault.validate()?;
        let id = format!(
            "fault_{}",
            self.inner.next_id.fetch_add(1, Ordering::Relaxed) + 1
        );
        let mut list = self.lock();
        list.push(ListedFault {
            id: id.clone(),
            remaining: fault.times,
            hits: 0,
            fault,
        });
        self.inner.armed.store(true, Ordering::Release);
        Ok(id)
    }

    /// Every fault, in creation order, spent ones included.
    pub fn list(&self) -> Vec<ListedFault> {
        self.lock().clone()
    }

    /// Removes one fault; false if there is none with this id.
    pub fn remove(&self, id: &str) -> bool {
        let mut list = self.lock();
        let before = list.len();
        list.retain(|f| f.id != id);
        self.rearm(&list);
        list.len() != before
    }

    /// Removes every fault.
    pub fn clear(&self) {
        let mut list = self.lock();
        list.clear();
        self.rearm(&list);
    }

    /// For an accepted request: the first fault that matches and has uses left, used once.
    /// `key_name` gives the name of the key it authenticated with (asked only when a fault
    /// is armed).
    pub(crate) fn plan<B>(
        &self,
        request: &Request<B>,
        key_name: impl FnOnce() -> Option<String>,
    ) -> Plan {
        if !self.inner.armed.load(Ordering::Acquire) {
            return Plan::Normal;
        }
        let key_name = key_name();
        let seen = Seen {
            method: request.method(),
            path: request.uri().path(),
            query: request.uri().query(),
            headers: request.headers(),
            key_name: key_name.as_deref(),
        };
        let mut list = self.lock();
        let found = list
            .iter_mut()
            .find(|f| f.remaining != Some(0) && f.fault.matches(&seen));
        let plan = match found {
            None => Plan::Normal,
            Some(f) => {
                f.hits += 1;
                if let Some(n) = &mut f.remaining {
                    *n -= 1;
                }
                Plan::Fault(f.id.clone(), f.fault.respond.clone())
            }
        };
        self.rearm(&list);
        plan
    }

    fn rearm(&self, list: &[ListedFault]) {
        let armed = list.iter().any(|f| f.remaining != Some(0));
        self.inner.armed.store(armed, Ordering::Release);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ListedFault>> {
        self.inner.list.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use http::Method;

    use super::*;

    fn get(path: &str) -> Request<()> {
        Request::get(path).body(()).unwrap()
    }

    #[test]
    fn uses_run_out_and_the_table_disarms() {
        let faults = Faults::default();
        faults
            .add(
                Fault::on(Method::GET, "/a")
                    .times(2)
                    .respond(Respond::status(503)),
            )
            .unwrap();
        let plan = |path: &str| faults.plan(&get(path), || None);
        assert!(matches!(plan("/a"), Plan::Fault(..)));
        assert!(matches!(plan("/b"), Plan::Normal));
        assert!(matches!(plan("/a"), Plan::Fault(..)));
        assert!(matches!(plan("/a"), Plan::Normal));
        assert!(!faults.inner.armed.load(Ordering::Relaxed));
        let listed = faults.list();
        assert_eq!((listed[0].remaining, listed[0].hits), (Some(0), 2));
    }

    #[test]
    fn a_lowercase_method_is_stored_upper_case_and_matches() {
        let faults = Faults::default();
        let mut fault = Fault::on(Method::GET, "/a");
        fault.method = Some("get".into());
        fault
            .headers
            .insert("X-Sdk".into(), super::super::ValueMatch::Equals("1".into()));
        faults.add(fault).unwrap();
        let listed = &faults.list()[0].fault;
        assert_eq!(listed.method.as_deref(), Some("GET"));
        assert!(listed.headers.contains_key("x-sdk"));
        let request = Request::get("/a").header("x-sdk", "1").body(()).unwrap();
        assert!(matches!(faults.plan(&request, || None), Plan::Fault(..)));
    }

    #[test]
    fn the_key_name_is_asked_only_when_a_fault_is_armed() {
        let faults = Faults::default();
        let plan = faults.plan(&get("/a"), || unreachable!("no fault is armed"));
        assert!(matches!(plan, Plan::Normal));
    }
}
