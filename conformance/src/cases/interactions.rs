//! Pairwise rows judged as interactions, for cases that build their own requests (HDR-1 with
//! the valid key, ERR-2 with each cause): as `space/explain.rs` does for the request space's
//! probes, a combination that fails because one of its values fails *alone* is that value's
//! finding — its single-value case reports it — and the pairwise case reports only what no
//! single value explains. One broken behaviour fails one case; a pairwise failure means an
//! interaction.

use std::collections::BTreeMap;

use super::Check;
use crate::judge::{CaseResult, Evidence};
use crate::wire::{Reply, Request};

/// One combination: its request, and each of its values alone (the same request otherwise).
pub struct Combination {
    /// The request carrying every value of the row.
    pub request: Request,
    /// The row's values one at a time.
    pub singles: Vec<Request>,
}

/// For each request, whether some copy of it (on every protocol the target speaks) was
/// answered and refused by `judge` (undelivered and rate-limited answers prove nothing).
async fn failing(
    check: &Check,
    requests: &[Request],
    judge: &impl Fn(&Request, &Reply) -> Result<(), String>,
) -> Vec<bool> {
    let mut copies = Vec::new();
    let mut of = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        for copy in check.client.on_every_wire(vec![request.clone()]) {
            copies.push(copy);
            of.push(i);
        }
    }
    let replies = check.client.send_all(&copies).await;
    let mut failed = vec![false; requests.len()];
    for ((i, copy), reply) in of.iter().zip(&copies).zip(&replies) {
        if reply.is_undelivered() || reply.status() == Some(429) {
            continue;
        }
        if judge(copy, reply).is_err() {
            failed[*i] = true;
        }
    }
    failed
}

/// Sends every combination; for those answered wrongly, sends each of their values alone;
/// reports (sent again, through [`Check::expect_every`], so the findings carry their own
/// evidence) the combinations no single value explains.
pub async fn expect_interactions(
    check: &Check,
    rows: Vec<Combination>,
    expected: &str,
    judge: impl Fn(&Request, &Reply) -> Result<(), String>,
) -> CaseResult {
    let combined: Vec<Request> = rows.iter().map(|r| r.request.clone()).collect();
    let failed = failing(check, &combined, &judge).await;
    let failing_rows: Vec<&Combination> = rows
        .iter()
        .zip(&failed)
        .filter_map(|(row, f)| f.then_some(row))
        .collect();
    if failing_rows.is_empty() {
        return Ok(Evidence::line(format!(
            "{} combinations, each answered as required ({expected})",
            rows.len()
        )));
    }
    // Each value of a failing row alone, once.
    let mut singles: BTreeMap<String, Request> = BTreeMap::new();
    for row in &failing_rows {
        for single in &row.singles {
            singles
                .entry(single.describe(""))
                .or_insert_with(|| single.clone());
        }
    }
    let (names, requests): (Vec<String>, Vec<Request>) = singles.into_iter().unzip();
    let alone_failed = failing(check, &requests, &judge).await;
    let fails_alone: Vec<&String> = names
        .iter()
        .zip(&alone_failed)
        .filter_map(|(n, f)| f.then_some(n))
        .collect();
    let unexplained: Vec<Request> = failing_rows
        .iter()
        .filter(|row| {
            !row.singles
                .iter()
                .any(|s| fails_alone.contains(&&s.describe("")))
        })
        .map(|row| row.request.clone())
        .collect();
    let explained = failing_rows.len() - unexplained.len();
    if unexplained.is_empty() {
        return Ok(Evidence::line(format!(
            "{} combinations; the {explained} answered wrongly are each explained by a value that fails alone, which its own case reports",
            rows.len()
        )));
    }
    check
        .expect_every(unexplained, expected, judge)
        .await
        .map(|e| e.and(format!("{explained} more combinations failed because of a value that fails alone (its own case reports it)")))
}
