//! Combinations judged as interactions: a combination on a request that is itself answered
//! wrongly is that request's finding; a pairwise request that fails because one of the values
//! it carries fails *alone* is that value's finding — the case that sends the value alone
//! reports it under its clause (a backslash path variant reaching a handler is ROUTE-2's, an
//! `Expect` field that skips authentication ROUTE-1's front-end case's) — and the pairwise case
//! reports only what no single value explains: two values that are harmless apart and a bypass
//! together. So one broken behaviour fails one clause, and a pairwise failure always means an
//! interaction.

use std::collections::BTreeMap;

use super::{Probes, Site, Value};
use crate::cases::Check;
use crate::judge::{CaseResult, Evidence};
use crate::wire::Request;

/// Failing combinations shrunk to a pair at most (each costs up to 15 pairs, on every
/// protocol).
const SHRUNK_AT_MOST: usize = 8;

/// Values named in the evidence of combinations they explain, at most.
const CAUSES_SHOWN: usize = 12;

impl Probes {
    /// Sends every combination (on every protocol the target speaks); for those answered
    /// wrongly, sends each of their values alone on `site`; reports, as
    /// [`Probes::expect`] does, the combinations no single value explains (sent again, so the
    /// findings carry their own evidence).
    pub async fn expect_interactions(
        self,
        check: &Check,
        site: &Site,
        expected: &str,
    ) -> CaseResult {
        let sent = self.requests.len();
        let failing = self.failing(check, self.requests.clone()).await;
        if failing.is_empty() {
            return Ok(Evidence::line(format!(
                "{sent} combinations, each answered as required ({expected})"
            )));
        }
        // The request the values vary, bare: when it is itself answered wrongly (an unknown
        // path answered 404), every combination on it is explained by it, and the case that
        // sends it reports it.
        let bare = site.request();
        if !self.failing(check, vec![bare.clone()]).await.is_empty() {
            return Ok(Evidence::line(format!(
                "{} of {sent} combinations answered wrongly, as the request they vary is itself ({} {}): reported by the case that sends it, not as an interaction",
                failing.len(),
                bare.method,
                bare.target.shown()
            )));
        }
        // Each value of a failing combination, alone.
        let mut alone: BTreeMap<(&'static str, String), bool> = BTreeMap::new();
        let mut singles: Vec<(&'static str, String, Request)> = Vec::new();
        for request in &failing {
            for tag in &request.axes {
                let key = (tag.axis, tag.value.clone());
                if alone.contains_key(&key) {
                    continue;
                }
                alone.insert(key.clone(), false);
                let value: Option<&Value> = self.values.get(&key);
                if let Some(single) = value.and_then(|v| site.carrying(&[v])) {
                    singles.push((key.0, key.1, single));
                }
            }
        }
        let single_requests: Vec<Request> = singles.iter().map(|(_, _, r)| r.clone()).collect();
        for bad in self.failing(check, single_requests).await {
            for tag in &bad.axes {
                alone.insert((tag.axis, tag.value.clone()), true);
            }
        }
        let explained_by = |request: &Request| {
            request
                .axes
                .iter()
                .find(|t| alone.get(&(t.axis, t.value.clone())) == Some(&true))
                .map(|t| format!("{} = {}", t.axis, t.value))
        };
        let (explained, unexplained): (Vec<Request>, Vec<Request>) =
            failing.into_iter().partition(|r| explained_by(r).is_some());
        let mut causes: Vec<String> = explained.iter().filter_map(explained_by).collect();
        causes.sort();
        causes.dedup();
        if causes.len() > CAUSES_SHOWN {
            let more = causes.len() - CAUSES_SHOWN;
            causes.truncate(CAUSES_SHOWN);
            causes.push(format!("and {more} more"));
        }
        let note = (!explained.is_empty()).then(|| {
            format!(
                "{} of {sent} combinations were answered wrongly because a value they carry is answered wrongly alone ({}): reported by the case that sends it alone",
                explained.len(),
                causes.join("; ")
            )
        });
        if unexplained.is_empty() {
            return Ok(Evidence::line(format!(
                "{sent} combinations; none answered wrongly but for a value that fails alone"
            ))
            .and(note.unwrap_or_default()));
        }
        let unexplained = self.shrink(check, site, unexplained).await;
        let result = self.expect_only(check, unexplained, expected).await;
        match (result, note) {
            (Ok(evidence), Some(note)) => Ok(evidence.and(note)),
            (Err(crate::judge::Stop::Fail(mut failure)), Some(note)) => {
                failure.summary = format!("{} ({note})", failure.summary);
                Err(failure.into())
            }
            (result, _) => result,
        }
    }

    /// Each failing combination shrunk to a pair of its values that fails on its own, when one
    /// does (the first [`SHRUNK_AT_MOST`] combinations): the smallest request to reproduce.
    /// Combinations that shrink to the same pair are reported once.
    async fn shrink(&self, check: &Check, site: &Site, failing: Vec<Request>) -> Vec<Request> {
        let mut candidates: Vec<(usize, Request)> = Vec::new();
        for (i, request) in failing.iter().enumerate().take(SHRUNK_AT_MOST) {
            let values: Vec<&Value> = request
                .axes
                .iter()
                .filter_map(|t| self.values.get(&(t.axis, t.value.clone())))
                .collect();
            for (n, a) in values.iter().enumerate() {
                for b in &values[n + 1..] {
                    if let Some(pair) = site.carrying(&[a, b]) {
                        candidates.push((i, pair));
                    }
                }
            }
        }
        let pairs: Vec<Request> = candidates.iter().map(|(_, r)| r.clone()).collect();
        let bad = self.failing(check, pairs).await;
        let mut shrunk: Vec<Request> = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (i, request) in failing.into_iter().enumerate() {
            let pair = candidates
                .iter()
                .filter(|(j, _)| *j == i)
                .map(|(_, r)| r)
                .find(|r| bad.iter().any(|b| b.axes == r.axes));
            let chosen = pair.cloned().unwrap_or(request);
            let key = super::carried(&chosen.axes);
            if !seen.contains(&key) {
                seen.push(key);
                shrunk.push(chosen);
            }
        }
        shrunk
    }

    /// The requests answered wrongly on some protocol the target speaks (each sent on every
    /// one): delivered, not rate limited, refused by [`Probes::judge`].
    async fn failing(&self, check: &Check, requests: Vec<Request>) -> Vec<Request> {
        let mut wired = Vec::new();
        for (i, request) in requests.iter().enumerate() {
            for copy in check.client.on_every_wire(vec![request.clone()]) {
                wired.push((i, copy));
            }
        }
        let copies: Vec<Request> = wired.iter().map(|(_, r)| r.clone()).collect();
        let replies = check.client.send_all(&copies).await;
        let mut wrong = vec![false; requests.len()];
        for ((i, request), reply) in wired.iter().zip(&replies) {
            if !reply.is_undelivered()
                && reply.status() != Some(429)
                && self.judge(request, reply).is_err()
            {
                wrong[*i] = true;
            }
        }
        requests
            .into_iter()
            .zip(wrong)
            .filter_map(|(r, w)| w.then_some(r))
            .collect()
    }

    /// [`Probes::expect`] for `requests` only.
    async fn expect_only(
        &self,
        check: &Check,
        requests: Vec<Request>,
        expected: &str,
    ) -> CaseResult {
        check
            .expect_every(requests, expected, |request, reply| {
                self.judge(request, reply)
            })
            .await
    }
}
