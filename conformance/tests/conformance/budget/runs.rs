//! The runner runs the request-budget measurement is made of, and what it reads from them.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::super::fake_api::{REVOKED, VALID};
use super::super::faulty::Known;
use super::super::runner::{run_on, Run};
use super::super::servers::FakeServer;
use super::{BUSY, WAITING};

/// Runs the runner against `server` with explicit arguments (`TERMINUS_TEST_DEFAULTS` plays no
/// part), both keys in the environment.
pub(super) fn run(name: &str, server: &FakeServer, cases: u32, seed: u64, args: &[&str]) -> Run {
    let (cases, seed) = (cases.to_string(), seed.to_string());
    let mut all = vec!["-q", "--cases", cases.as_str(), "--seed", seed.as_str()];
    all.extend_from_slice(args);
    run_on(
        name,
        server,
        &all,
        &[
            ("TERMINUS_API_KEY", VALID),
            ("TERMINUS_REVOKED_API_KEY", REVOKED),
        ],
    )
}

/// Caught under `clause`: exit 101 and a failed case of that clause.
pub(super) fn caught(run: &Run, clause: &str) -> bool {
    run.status == 101 && run.failed_clauses().contains(clause)
}

/// Names of the cases that ran.
pub(super) fn ran(run: &Run) -> BTreeSet<String> {
    run.report["cases"]
        .as_array()
        .map(|cases| {
            cases
                .iter()
                .map(|c| c["name"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Every case name the runner has (`--list`).
pub(super) fn all_cases() -> Vec<String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_terminus-conformance"))
        .arg("--list")
        .output()
        .expect("the runner lists its cases");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_owned)
        .collect()
}

/// The first input (1-based) that caught the fault under `clause`, as the failure message of a
/// family says it (`generated input K of N was answered wrongly`); none when no family case of
/// `clause` failed (a sweep's catch names no input).
pub(super) fn first_input(run: &Run, clause: &str) -> Option<u32> {
    run.report["cases"]
        .as_array()?
        .iter()
        .filter(|c| c["verdict"] == "fail" && c["clause"] == clause)
        .flat_map(|c| c["evidence"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| {
            let text = e.as_str()?;
            let rest = &text[text.find("generated input ")? + "generated input ".len()..];
            rest.split(' ').next()?.parse().ok()
        })
        .min()
}

/// `--exact` and a `--skip` for each of `names`.
pub(super) fn skip_exactly<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut args = vec!["--exact"];
    args.extend(names.into_iter().flat_map(|n| ["--skip", n]));
    args
}

/// Runs `work` on every job, [`BUSY`] at once, and the jobs for which `waits` holds on
/// [`WAITING`] threads of their own; results in the order of `jobs`.
pub(super) fn parallel<J: Sync, R: Send>(
    jobs: &[J],
    waits: impl Fn(&J) -> bool + Sync,
    work: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..jobs.len()).map(|_| None).collect());
    let lanes = [(false, BUSY), (true, WAITING)].map(|(waiting, threads)| {
        let queue: Vec<usize> = (0..jobs.len())
            .filter(|&i| waits(&jobs[i]) == waiting)
            .collect();
        (queue, AtomicUsize::new(0), threads)
    });
    std::thread::scope(|scope| {
        for (queue, next, threads) in &lanes {
            for _ in 0..*threads {
                scope.spawn(|| {
                    while let Some(&i) = queue.get(next.fetch_add(1, Ordering::Relaxed)) {
                        let result = work(&jobs[i]);
                        results.lock().unwrap()[i] = Some(result);
                    }
                });
            }
        }
    });
    results
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect()
}

/// What a families-alone run found.
pub(super) struct Alone {
    /// Caught under the fault's clause.
    pub(super) caught: bool,
    /// [`first_input`].
    pub(super) first: Option<u32>,
    /// Every failed case.
    pub(super) failed: BTreeSet<String>,
}

/// `(1 - p)^n` as a percentage.
pub(super) fn miss(p: f64, n: u32) -> String {
    let m = (1.0 - p).powi(n as i32) * 100.0;
    if m >= 1.0 {
        format!("{m:.0}%")
    } else if m >= 0.01 {
        format!("{m:.2}%")
    } else {
        format!("{m:.0e}%")
    }
}

pub(super) fn hangs(k: &Known) -> bool {
    k.extra.contains(&"--timeout")
}
