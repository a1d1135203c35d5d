//! Runs a generated family: `--cases` inputs from the family's seed (derived from `--seed` and
//! the case name, so a filter does not change what a family generates), sent in batches that
//! stop at the first failure, which is then shrunk (bounded in steps and time) to a minimal
//! input shown with the seed.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::judge::{CaseResult, Evidence, Failure, Finding};
use crate::spec::Clause;

/// Inputs sent at once before looking for a failure: a small first batch (a target that
/// hangs costs one timeout, not four), then larger ones.
const FIRST_BATCH: usize = 16;
const BATCH: usize = 64;
/// Shrinking stops after this many steps…
const SHRINK_STEPS: u32 = 128;
/// …or this much time (a hanging target makes each step a timeout).
const SHRINK_TIME: Duration = Duration::from_secs(6);

/// FNV-1a, a hash that stays the same across releases and platforms.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The 32-byte seed of one family: from the run's seed and the case name.
pub fn family_seed(seed: u64, case_name: &str) -> [u8; 32] {
    let mut state = seed ^ fnv1a(case_name.as_bytes());
    let mut out = [0u8; 32];
    for chunk in out.chunks_mut(8) {
        // splitmix64
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    out
}

/// `(start, end)` of each batch of `n` inputs.
fn batches(n: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < n {
        let size = if start == 0 { FIRST_BATCH } else { BATCH };
        out.push((start, (start + size).min(n)));
        start += size;
    }
    out
}

/// What the generated families sent, and over how long: their requests per second, for the
/// reports (each generated input is one request).
#[derive(Debug, Default)]
pub struct GeneratedMeter(Mutex<MeterState>);

#[derive(Debug, Default, Clone, Copy)]
struct MeterState {
    families: u32,
    requests: u64,
    first_start: Option<Instant>,
    last_end: Option<Instant>,
}

/// The generated families' figures in a run.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct GeneratedFacts {
    /// Families that ran.
    pub families: u32,
    /// Requests they sent (one per generated input, shrinking steps included).
    pub requests: u64,
    /// From the first family's start to the last one's end, seconds.
    pub seconds: f64,
    /// `requests / seconds`.
    pub requests_per_second: f64,
}

impl GeneratedMeter {
    fn record(&self, started: Instant, requests: u64) {
        let ended = Instant::now();
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.families += 1;
        state.requests += requests;
        state.first_start = Some(state.first_start.map_or(started, |t| t.min(started)));
        state.last_end = Some(state.last_end.map_or(ended, |t| t.max(ended)));
    }

    /// The figures so far.
    pub fn facts(&self) -> GeneratedFacts {
        let state = *self.0.lock().unwrap_or_else(|e| e.into_inner());
        let seconds = match (state.first_start, state.last_end) {
            (Some(a), Some(b)) => b.duration_since(a).as_secs_f64(),
            _ => 0.0,
        };
        GeneratedFacts {
            families: state.families,
            requests: state.requests,
            seconds,
            requests_per_second: if seconds > 0.0 {
                (state.requests as f64 / seconds).round()
            } else {
                0.0
            },
        }
    }
}

/// What a family needs to know.
pub struct Family<'a> {
    /// The clause checked.
    pub clause: Clause,
    /// The full case name (for the seed and the reproduce line).
    pub case_name: &'a str,
    /// `--cases`.
    pub cases: u32,
    /// `--seed`.
    pub seed: u64,
    /// One line on what each input must get.
    pub expected: &'a str,
    /// Where the family's request count and time go.
    pub meter: &'a GeneratedMeter,
}

/// Checks `cases` generated inputs; `check` returns the finding for an input answered wrongly.
pub async fn run<S, F, Fut>(family: Family<'_>, strategy: S, check: F) -> CaseResult
where
    S: Strategy,
    S::Value: Clone,
    F: Fn(S::Value) -> Fut,
    Fut: Future<Output = Option<Finding>>,
{
    let started = Instant::now();
    let meter = family.meter;
    let sent = std::cell::Cell::new(0u64);
    let counted = |value| {
        sent.set(sent.get() + 1);
        check(value)
    };
    let result = check_inputs(family, strategy, counted).await;
    meter.record(started, sent.get());
    result
}

async fn check_inputs<S, F, Fut>(family: Family<'_>, strategy: S, check: F) -> CaseResult
where
    S: Strategy,
    S::Value: Clone,
    F: Fn(S::Value) -> Fut,
    Fut: Future<Output = Option<Finding>>,
{
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(
            RngAlgorithm::ChaCha,
            &family_seed(family.seed, family.case_name),
        ),
    );
    let mut trees = Vec::with_capacity(family.cases as usize);
    for _ in 0..family.cases {
        match strategy.new_tree(&mut runner) {
            Ok(tree) => trees.push(tree),
            Err(reason) => {
                return Err(Failure::new(
                    family.clause,
                    format!("the runner could not generate inputs: {reason}"),
                )
                .into())
            }
        }
    }
    let mut first_failure = None;
    'batches: for (start, end) in batches(trees.len()) {
        let findings =
            crate::wire::join_all(trees[start..end].iter().map(|t| check(t.current()))).await;
        for (offset, finding) in findings.into_iter().enumerate() {
            if let Some(finding) = finding {
                first_failure = Some((start + offset, finding));
                break 'batches;
            }
        }
    }
    let Some((index, original)) = first_failure else {
        return Ok(Evidence::line(format!(
            "{} generated inputs (seed {}), each answered as required: {}",
            trees.len(),
            family.seed,
            family.expected
        )));
    };
    let mut tree = trees.swap_remove(index);
    let mut minimal = original.clone();
    let mut steps = 0;
    let started = Instant::now();
    if tree.simplify() {
        loop {
            steps += 1;
            let remaining = SHRINK_TIME.saturating_sub(started.elapsed());
            let Ok(outcome) = tokio::time::timeout(remaining, check(tree.current())).await else {
                break;
            };
            match outcome {
                Some(finding) => {
                    minimal = finding;
                    if !tree.simplify() {
                        break;
                    }
                }
                None => {
                    if !tree.complicate() {
                        break;
                    }
                }
            }
            if steps >= SHRINK_STEPS || started.elapsed() > SHRINK_TIME {
                break;
            }
        }
    }
    let mut failure = Failure::new(
        family.clause,
        format!("generated input {} of {} was answered wrongly; shrunk in {steps} steps to the minimal input below", index + 1, trees.len() + 1),
    )
    .finding(minimal)
    .note(format!("originally generated input: {}", original.request.replace('\n', " ")))
    .note(format!(
        "seed {} — reproduce with: terminus-conformance --seed {} --cases {} --exact '{}'",
        family.seed, family.seed, family.cases, family.case_name
    ));
    failure.findings[0]
        .details
        .push("this is the shrunk minimal input".into());
    failure.observed = true;
    Err(failure.into())
}
