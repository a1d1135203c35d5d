//! The request budget (README, "Request budget"): how catching faults depends on `--cases`, the
//! inputs each generated family sends, and what each `--cases` costs in requests. Ignored, so
//! `make test` does not pay for it (about 8 minutes); re-run it with
//! `cargo test -p terminus-conformance --test conformance budget -- --ignored --nocapture`.
//!
//! 1. Every fault of `faulty.rs`, the generated families skipped: those no longer caught under
//!    their clause depend on a family.
//! 2. Every fault, the families alone (and the sweeps that report what they hand over),
//!    `--cases 256`, [`SCREEN_SEEDS`]: the faults they catch, with those of 1, go on to 3.
//! 3. Each of those with `--cases N` for every N of [`CASES`] and every seed of [`SEEDS`]:
//!    caught means exit 101 with a failed case of the fault's clause. The first catching input
//!    of the 256 run must predict every smaller N (a family's inputs are a prefix). Faults some
//!    seed misses get [`MORE_SEEDS`] at 256, and from their first catching inputs the rate at
//!    which one input catches them.
//! 4. A full run against correct servers at each N: its requests, and at `--rate 20` its time.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use super::fake_api::Fault;
use super::faulty::{Known, CAUGHT, CAUGHT_ALONE, CAUGHT_ALONG_AN_AXIS};

mod runs;
use super::servers::{start, FakeServer, Flavor};
use runs::{all_cases, caught, first_input, hangs, miss, parallel, ran, run, skip_exactly, Alone};

/// The generated families (`generated::run` in `src/cases/`).
const FAMILIES: [&str; 7] = [
    "KEY-2::random_unknown_keys",
    "KEY-2::near_miss_keys",
    "ROB-1::printable_ascii_values",
    "ROB-1::obs_text_values",
    "ROB-1::long_values",
    "ROB-1::near_miss_keys",
    "ROB-2::control_bytes_in_key",
];

/// The sweeps: they report what a case handed to another clause (the ledger), so a family's
/// finding that is another clause's consequence fails there.
const SWEEPS: [&str; 3] = [
    "ERR-1::every_refusal_is_401",
    "ROB-1::no_5xx_reset_or_hang_for_any_value",
    "ROUTE-1::no_404_or_405_for_path_variants",
];

/// The `--cases` values measured.
const CASES: [u32; 7] = [4, 8, 16, 32, 64, 128, 256];

/// The seeds every `--cases` value runs with.
const SEEDS: std::ops::RangeInclusive<u64> = 1..=10;

/// The seeds of the first look at what the families catch (`--cases 256`).
const SCREEN_SEEDS: std::ops::RangeInclusive<u64> = 1..=2;

/// More seeds, `--cases 256` only, for the faults some seed misses at a smaller N: where the
/// first catching input falls gives the rate at which one input catches them.
const MORE_SEEDS: std::ops::RangeInclusive<u64> = 11..=40;

/// The `--rate` the durations are given for.
const RATE: f64 = 20.0;

/// Runner processes at once that keep a core busy (the machine has two)…
const BUSY: usize = 2;
/// …and runs against a hanging fault (`--timeout` in its arguments), which mostly wait out
/// timeouts (a hang found costs the timeout and up to 6 s of shrinking), beside them.
const WAITING: usize = 4;

/// Every fault `faulty.rs` asserts is caught.
fn faults() -> Vec<&'static Known> {
    CAUGHT_ALONE
        .iter()
        .chain(CAUGHT)
        .chain(CAUGHT_ALONG_AN_AXIS)
        .collect()
}

#[test]
#[ignore = "the request-budget measurement, minutes long: run by hand (README, Request budget)"]
fn budget() {
    let started = Instant::now();
    let cases = all_cases();
    for name in FAMILIES.iter().chain(&SWEEPS) {
        assert!(cases.iter().any(|c| c == name), "{name} is a case");
    }
    let faults = faults();
    let servers: Vec<FakeServer> = faults.iter().map(|k| start(k.fault, k.flavor)).collect();
    let all: Vec<usize> = (0..faults.len()).collect();

    // 1. Every fault with the families skipped: those no longer caught depend on a family.
    let no_families = skip_exactly(FAMILIES);
    let without = parallel(
        &all,
        |&i| hangs(faults[i]),
        |&i| {
            let k = &faults[i];
            let mut args = k.extra.to_vec();
            args.extend(&no_families);
            let r = run(&format!("budget-1-{}", k.test), &servers[i], 24, 7, &args);
            let ran = ran(&r);
            assert!(
                ran.len() > 100 && FAMILIES.iter().all(|f| !ran.contains(*f)),
                "{}: the families alone were skipped: {ran:?}",
                k.test
            );
            caught(&r, k.clause)
        },
    );
    let dependent: BTreeSet<usize> = all.iter().copied().filter(|&i| !without[i]).collect();
    eprintln!(
        "1. [{:.0} s] {} faults; caught only with a generated family: {:?}",
        started.elapsed().as_secs_f64(),
        faults.len(),
        dependent
            .iter()
            .map(|&i| faults[i].test)
            .collect::<Vec<_>>()
    );

    // 2. What the families catch alone (the families and the sweeps that report what they hand
    //    over, nothing else), `--cases 256`: those faults, and the dependent ones, go on to 3.
    let only_families = skip_exactly(
        cases
            .iter()
            .map(String::as_str)
            .filter(|c| !FAMILIES.contains(c) && !SWEEPS.contains(c)),
    );
    let alone = |i: usize, n: u32, seed: u64| -> Alone {
        let k = &faults[i];
        let mut args = k.extra.to_vec();
        args.extend(&only_families);
        let r = run(
            &format!("budget-{}-{n}-{seed}", k.test),
            &servers[i],
            n,
            seed,
            &args,
        );
        assert_eq!(
            ran(&r).len(),
            FAMILIES.len() + SWEEPS.len(),
            "{}: the families and sweeps alone ran",
            k.test
        );
        assert!(
            matches!(r.status, 0 | 101),
            "{} --cases {n} --seed {seed}: exit {}\n{}",
            k.test,
            r.status,
            r.stderr
        );
        Alone {
            caught: caught(&r, k.clause),
            first: first_input(&r, k.clause),
            failed: r.failed(),
        }
    };
    let screen_jobs: Vec<(usize, u64)> = all
        .iter()
        .flat_map(|&i| SCREEN_SEEDS.map(move |s| (i, s)))
        .collect();
    let screened = parallel(
        &screen_jobs,
        |&(i, _)| hangs(faults[i]),
        |&(i, seed)| alone(i, 256, seed),
    );
    let mut candidates = dependent.clone();
    let mut elsewhere: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (&(i, _), a) in screen_jobs.iter().zip(&screened) {
        if a.caught {
            candidates.insert(i);
        } else {
            elsewhere
                .entry(i)
                .or_default()
                .extend(a.failed.iter().cloned());
        }
    }
    elsewhere.retain(|i, failed| !failed.is_empty() && !candidates.contains(i));
    eprintln!(
        "2. [{:.0} s] the families alone catch, --cases 256, seeds {SCREEN_SEEDS:?}: {:?}",
        started.elapsed().as_secs_f64(),
        candidates
            .iter()
            .map(|&i| faults[i].test)
            .collect::<Vec<_>>()
    );
    for (i, failed) in &elsewhere {
        eprintln!(
            "   {} ({}) is not caught under its clause by the families, but they fail {failed:?}",
            faults[*i].test, faults[*i].clause
        );
    }

    // 3. Those faults, families alone, every `--cases` and seed.
    let grid_jobs: Vec<(usize, u32, u64)> = candidates
        .iter()
        .flat_map(|&i| {
            CASES
                .into_iter()
                .flat_map(move |n| SEEDS.map(move |s| (i, n, s)))
        })
        .collect();
    let grid = parallel(
        &grid_jobs,
        |&(i, _, _)| hangs(faults[i]),
        |&(i, n, seed)| alone(i, n, seed),
    );
    let mut rates: BTreeMap<(usize, u32), usize> = BTreeMap::new();
    let mut at_256: BTreeMap<(usize, u64), Option<u32>> = BTreeMap::new();
    for (&(i, n, seed), a) in grid_jobs.iter().zip(&grid) {
        *rates.entry((i, n)).or_default() += usize::from(a.caught);
        if n == 256 {
            at_256.insert((i, seed), a.first);
        }
    }
    // A family's first N inputs are the same whatever `--cases` is (one generator, one seed),
    // so a run with `--cases N` catches the fault exactly when the run with 256 caught it at
    // an input K <= N. Checked on every cell where a family (not a sweep) caught it.
    let mut checked = 0;
    for (&(i, n, seed), a) in grid_jobs.iter().zip(&grid) {
        if let Some(&Some(k)) = at_256.get(&(i, seed)) {
            assert_eq!(
                a.caught,
                k <= n,
                "{} --seed {seed}: caught at input {k} of 256, so --cases {n} catches it iff {k} <= {n}",
                faults[i].test
            );
            checked += 1;
        }
    }
    let seeds = SEEDS.count();
    eprintln!(
        "3. [{:.0} s] {} runs; the first-input rule holds in all {checked} cells where a family named the input",
        started.elapsed().as_secs_f64(),
        grid_jobs.len()
    );

    // 3b. The faults some seed misses below 256: more seeds at 256, and from the first catching
    //     input of each, the rate p at which one input catches the fault (geometric: p = seeds
    //     / sum of K), and what that predicts a run with `--cases N` misses, (1 - p)^N.
    let hard: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&i| CASES.iter().any(|&n| rates[&(i, n)] < seeds))
        .collect();
    let more_jobs: Vec<(usize, u64)> = hard
        .iter()
        .flat_map(|&i| MORE_SEEDS.map(move |s| (i, s)))
        .collect();
    let more = parallel(
        &more_jobs,
        |&(i, _)| hangs(faults[i]),
        |&(i, seed)| alone(i, 256, seed).first,
    );
    let mut firsts: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (&(i, seed), &first) in more_jobs.iter().zip(&more) {
        let first = first.unwrap_or_else(|| {
            panic!(
                "{} --seed {seed}: no family named its first catching input in 256",
                faults[i].test
            )
        });
        firsts.entry(i).or_default().push(first);
    }
    for &i in &hard {
        for seed in SEEDS {
            if let Some(&Some(k)) = at_256.get(&(i, seed)) {
                firsts.entry(i).or_default().push(k);
            }
        }
    }
    eprintln!(
        "3b. [{:.0} s] {} runs",
        started.elapsed().as_secs_f64(),
        more_jobs.len()
    );

    // 4. A full run at each `--cases` against correct servers: the requests it costs.
    let correct = [Flavor::Hyper, Flavor::Raw].map(|flavor| start(Fault::None, flavor));
    let count_jobs: Vec<(usize, u32)> = (0..correct.len())
        .flat_map(|s| CASES.map(move |n| (s, n)))
        .collect();
    let counts = parallel(
        &count_jobs,
        |_| false,
        |&(s, n)| {
            let r = run(&format!("budget-requests-{s}-{n}"), &correct[s], n, 1, &[]);
            assert_eq!(r.status, 0, "a correct server passes: {:?}", r.failed());
            let facts = &r.report["run"];
            (
                facts["requests"].as_u64().expect("run.requests"),
                facts["generated"]["requests"].as_u64().unwrap_or(0),
            )
        },
    );
    let elapsed = started.elapsed();

    // The tables.
    let mut out = String::new();
    let header: String = CASES.iter().map(|n| format!(" | {n:>5}")).collect();
    out += &format!(
        "\nCaught under its clause by the generated families alone, of {seeds} seeds (seeds {SEEDS:?}):\n\n| fault (clause){header} |\n|---{}|\n",
        "|---:".repeat(CASES.len())
    );
    for &i in &candidates {
        let k = &faults[i];
        let mark = if dependent.contains(&i) { " *" } else { "" };
        let cells: String = CASES
            .iter()
            .map(|&n| format!(" | {:>5}", format!("{}/{seeds}", rates[&(i, n)])))
            .collect();
        out += &format!("| {} ({}){mark}{cells} |\n", k.test, k.clause);
    }
    let smallest = CASES
        .iter()
        .copied()
        .find(|&n| candidates.iter().all(|&i| rates[&(i, n)] == seeds));
    out += &format!(
        "\n{} of {} faults depend on a family (* above: not caught with the families skipped).\nSmallest --cases at which the families alone catch every fault above with every seed: {}\n",
        dependent.len(),
        faults.len(),
        smallest.map_or("none measured".to_owned(), |n| n.to_string())
    );
    if !firsts.is_empty() {
        let header: String = CASES.iter().map(|n| format!(" | {n:>6}")).collect();
        out += &format!(
            "\nFaults some seed misses below 256: the first catching input K over {} seeds (seeds {SEEDS:?} and {MORE_SEEDS:?}, --cases 256), the rate p at which one input catches the fault, and the predicted share of runs with --cases N that miss it, (1 - p)^N:\n\n| fault | K: median, max | p{header} |\n|---|---|---:{}|\n",
            SEEDS.count() + MORE_SEEDS.count(),
            "|---:".repeat(CASES.len())
        );
        for (&i, ks) in &firsts {
            let mut ks = ks.clone();
            ks.sort_unstable();
            let p = ks.len() as f64 / ks.iter().map(|&k| f64::from(k)).sum::<f64>();
            let cells: String = CASES
                .iter()
                .map(|&n| format!(" | {:>6}", miss(p, n)))
                .collect();
            out += &format!(
                "| {} ({}) | {}, {} | {p:.3}{cells} |\n",
                faults[i].test,
                faults[i].clause,
                ks[ks.len() / 2],
                ks[ks.len() - 1]
            );
        }
    }
    if let Some(max) = firsts.values().flatten().max() {
        let all_seeds = CASES
            .iter()
            .copied()
            .filter(|&n| Some(n) >= smallest)
            .find(|&n| n >= *max);
        out += &format!(
            "\nWith the {} more seeds too (latest first catch: input {max}), the smallest --cases that catches every fault above with every seed: {}\n",
            MORE_SEEDS.count(),
            all_seeds.map_or("none measured".to_owned(), |n| n.to_string())
        );
    }
    out += &format!(
        "\nA full run (every case, --seed 1) against a correct server, and its time at --rate {RATE}:\n\n| --cases | requests, HTTP/2 server | of them generated | at --rate {RATE} | requests, HTTP/1.1-only server |\n|---:|---:|---:|---:|---:|\n"
    );
    for (j, &n) in CASES.iter().enumerate() {
        let (h2, generated) = counts[j];
        let (raw, _) = counts[CASES.len() + j];
        let secs = h2 as f64 / RATE;
        out += &format!(
            "| {n} | {h2} | {generated} | {}:{:02} | {raw} |\n",
            secs as u64 / 60,
            secs as u64 % 60
        );
    }
    out += &format!(
        "\nThe measurement took {:.0} s ({} runner runs).\n",
        elapsed.as_secs_f64(),
        all.len() + screen_jobs.len() + grid_jobs.len() + more_jobs.len() + count_jobs.len()
    );
    eprintln!("{out}");
}
