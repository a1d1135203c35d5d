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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use super::fake_api::{Fault, REVOKED, VALID};
use super::runner::{run_with, Run};
use super::servers::{start, FakeServer, Flavor};

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

/// One line of `faulty.rs`.
struct Known {
    test: &'static str,
    fault: Fault,
    flavor: Flavor,
    clause: &'static str,
    extra: &'static [&'static str],
}

macro_rules! known {
    ($($test:ident: $fault:ident over $flavor:ident by $clause:literal $([$($arg:literal),*])?;)*) => {
        &[$(Known {
            test: stringify!($test),
            fault: Fault::$fault,
            flavor: Flavor::$flavor,
            clause: $clause,
            extra: &[$($($arg),*)?],
        }),*]
    };
}

/// Every fault `faulty.rs` asserts is caught, copied line for line (`the_table_is_faulty_rs`
/// keeps the copy true).
const FAULTS: &[Known] = known! {
    unicode_whitespace_trimmed_off_the_key: TrimsUnicodeWhitespace over Raw by "KEY-2";
    format_checked_keys_fail_key2_alone: FormatOnlyKey over Raw by "KEY-2";
    truncated_key_accepted_fails_key2_alone: AcceptsTruncatedKey over Raw by "KEY-2";
    sessionid_cookie_accepted: SessionIdCookie over Raw by "HDR-3";
    head_body_written_late_fails_err4_alone: HeadWithLateBody over Raw by "ERR-4";
    key_hint_in_a_header: KeyHintHeader over Raw by "ERR-6";
    header_echo_fails_err6_alone: EchoesInHeader over Raw by "ERR-6";
    not_found_before_auth_fails_route1_alone: NotFoundBeforeAuth over Raw by "ROUTE-1";
    method_not_allowed_before_auth_fails_route1_alone: MethodNotAllowedBeforeAuth over Hyper by "ROUTE-1";
    server_error_on_obs_text_fails_rob1_alone: ServerErrorOnObsText over Raw by "ROB-1";
    status_400_for_obs_text_fails_rob1_alone: Status400ForObsText over Raw by "ROB-1";
    hang_on_quote_fails_rob1_alone: HangsOnQuote over Raw by "ROB-1" ["--timeout", "1"];
    prefix_compared_case_insensitively: PrefixCaseInsensitive over Raw by "KEY-1";
    prefix_optional: PrefixOptional over Raw by "KEY-1";
    token_normalized: NormalizesToken over Raw by "KEY-2";
    key_compared_case_insensitively: CaseInsensitiveKey over Hyper by "KEY-2";
    revoked_key_gets_403: RevokedGets403 over Raw by "KEY-4";
    revoked_key_accepted: RevokedAccepted over Raw by "KEY-4";
    trailing_token_ignored: TrailingTokenIgnored over Raw by "HDR-1";
    tab_after_scheme_accepted: TabAccepted over Raw by "HDR-1";
    scheme_optional: SchemeOptional over Raw by "HDR-1";
    field_name_case_sensitive: FieldNameCaseSensitive over Raw by "HDR-2";
    whitespace_not_trimmed: WhitespaceNotTrimmed over Raw by "HDR-2";
    x_api_key_accepted: AcceptsXApiKey over Hyper by "HDR-3";
    query_param_accepted: AcceptsQueryParam over Raw by "HDR-3";
    basic_accepted: AcceptsBasic over Raw by "HDR-3";
    cookie_accepted: AcceptsCookie over Raw by "HDR-3";
    first_duplicate_wins: FirstDuplicateWins over Raw by "HDR-4";
    last_duplicate_wins: LastDuplicateWins over Hyper by "HDR-4";
    comma_joined_first_wins: CommaJoinedFirstWins over Raw by "HDR-4";
    options_open: OptionsOpen over Raw by "ROUTE-1";
    healthz_open: HealthzOpen over Raw by "ROUTE-1";
    trailing_slash_bypass: TrailingSlashBypass over Raw by "ROUTE-2";
    error_code_set: ErrorCodeSet over Raw by "ERR-2";
    text_html_content_type: TextHtmlContentType over Raw by "ERR-2";
    wrong_message: WrongMessage over Raw by "ERR-2";
    different_message_when_missing: DifferentMessageWhenMissing over Raw by "ERR-3";
    reason_header: ReasonHeader over Raw by "ERR-3";
    status_400_for_malformed: Status400ForMalformed over Raw by "ERR-1";
    head_with_body: HeadWithBody over Raw by "ERR-4";
    missing_www_authenticate_in_rfc_profile: MissingWwwAuthenticate over Raw by "ERR-5" ["--profile", "rfc"];
    credentials_echoed: EchoesCredentials over Raw by "ERR-6";
    hang_on_long_value: HangsOnLongValue over Raw by "ROB-1" ["--timeout", "1"];
    reset_on_quote: ResetOnQuote over Raw by "ROB-1";
    valid_key_refused_on_post: ValidKeyRefusedOnPost over Raw by "OK-1" ["--allow-writes"];
};

impl Known {
    /// The line as `faulty.rs` writes it.
    fn line(&self) -> String {
        let extra = if self.extra.is_empty() {
            String::new()
        } else {
            let args: Vec<String> = self.extra.iter().map(|a| format!("{a:?}")).collect();
            format!(" [{}]", args.join(", "))
        };
        format!(
            "{}: {:?} over {:?} by {:?}{extra};",
            self.test, self.fault, self.flavor, self.clause
        )
    }
}

/// The `name: Fault over Flavor by "CLAUSE" [args];` lines of `faulty.rs`.
fn faulty_rs_lines() -> BTreeSet<String> {
    include_str!("faulty.rs")
        .lines()
        .map(str::trim)
        .filter(|l| l.contains(" over ") && l.contains(" by \"") && l.ends_with(';'))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_table_is_faulty_rs() {
    let table: BTreeSet<String> = FAULTS.iter().map(Known::line).collect();
    let faulty = faulty_rs_lines();
    assert_eq!(
        table.symmetric_difference(&faulty).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "budget.rs's FAULTS must list exactly faulty.rs's faults"
    );
}

/// Runs the runner against `server` with explicit arguments (`TERMINUS_TEST_DEFAULTS` plays no
/// part), both keys in the environment.
fn run(name: &str, server: &FakeServer, cases: u32, seed: u64, args: &[&str]) -> Run {
    let ca = server.ca_path.to_string_lossy().into_owned();
    let (cases, seed) = (cases.to_string(), seed.to_string());
    let mut all = vec![
        "--target",
        server.url.as_str(),
        "--ca-cert",
        ca.as_str(),
        "-q",
        "--cases",
        cases.as_str(),
        "--seed",
        seed.as_str(),
    ];
    all.extend_from_slice(args);
    run_with(
        name,
        &all,
        &[
            ("TERMINUS_API_KEY", VALID),
            ("TERMINUS_REVOKED_API_KEY", REVOKED),
        ],
    )
}

/// Caught under `clause`: exit 101 and a failed case of that clause.
fn caught(run: &Run, clause: &str) -> bool {
    run.status == 101 && run.failed_clauses().contains(clause)
}

/// Names of the cases that ran.
fn ran(run: &Run) -> BTreeSet<String> {
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
fn all_cases() -> Vec<String> {
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
fn first_input(run: &Run, clause: &str) -> Option<u32> {
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
fn skip_exactly<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut args = vec!["--exact"];
    args.extend(names.into_iter().flat_map(|n| ["--skip", n]));
    args
}

/// Runs `work` on every job, [`BUSY`] at once, and the jobs for which `waits` holds on
/// [`WAITING`] threads of their own; results in the order of `jobs`.
fn parallel<J: Sync, R: Send>(
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
struct Alone {
    /// Caught under the fault's clause.
    caught: bool,
    /// [`first_input`].
    first: Option<u32>,
    /// Every failed case.
    failed: BTreeSet<String>,
}

/// `(1 - p)^n` as a percentage.
fn miss(p: f64, n: u32) -> String {
    let m = (1.0 - p).powi(n as i32) * 100.0;
    if m >= 1.0 {
        format!("{m:.0}%")
    } else if m >= 0.01 {
        format!("{m:.2}%")
    } else {
        format!("{m:.0e}%")
    }
}

fn hangs(k: &Known) -> bool {
    k.extra.contains(&"--timeout")
}

#[test]
#[ignore = "the request-budget measurement, minutes long: run by hand (README, Request budget)"]
fn budget() {
    let started = Instant::now();
    let cases = all_cases();
    for name in FAMILIES.iter().chain(&SWEEPS) {
        assert!(cases.iter().any(|c| c == name), "{name} is a case");
    }
    let servers: Vec<FakeServer> = FAULTS.iter().map(|k| start(k.fault, k.flavor)).collect();
    let all: Vec<usize> = (0..FAULTS.len()).collect();

    // 1. Every fault with the families skipped: those no longer caught depend on a family.
    let no_families = skip_exactly(FAMILIES);
    let without = parallel(
        &all,
        |&i| hangs(&FAULTS[i]),
        |&i| {
            let k = &FAULTS[i];
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
        FAULTS.len(),
        dependent
            .iter()
            .map(|&i| FAULTS[i].test)
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
        let k = &FAULTS[i];
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
        |&(i, _)| hangs(&FAULTS[i]),
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
            .map(|&i| FAULTS[i].test)
            .collect::<Vec<_>>()
    );
    for (i, failed) in &elsewhere {
        eprintln!(
            "   {} ({}) is not caught under its clause by the families, but they fail {failed:?}",
            FAULTS[*i].test, FAULTS[*i].clause
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
        |&(i, _, _)| hangs(&FAULTS[i]),
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
                FAULTS[i].test
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
        |&(i, _)| hangs(&FAULTS[i]),
        |&(i, seed)| alone(i, 256, seed).first,
    );
    let mut firsts: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for (&(i, seed), &first) in more_jobs.iter().zip(&more) {
        let first = first.unwrap_or_else(|| {
            panic!(
                "{} --seed {seed}: no family named its first catching input in 256",
                FAULTS[i].test
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
        let k = &FAULTS[i];
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
        FAULTS.len(),
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
                FAULTS[i].test,
                FAULTS[i].clause,
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
