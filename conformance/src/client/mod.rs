//! Grading a client (SPEC.md part 4): `terminus-conformance client -- CMD [ARGS...]` runs the
//! smoke program CMD once per [`Scenario`], each against an in-process terminus-mock set up for
//! it, and judges every client clause the scenario checks from the mock's request journal, the
//! program's exit status and its output. Each judgement is a libtest-mimic trial
//! `CLI-N::scenario`, so filters, `--list`, `--format`, `--junit`, `--report`, the profiles and
//! the exit statuses work as for servers.
//!
//! - `scenario.rs`: the scenarios, and which clauses each checks;
//! - `redirects.rs`: the redirect space (CLI-4): every origin change × status × `Location` form,
//!   and the chain away and back;
//! - `stage.rs`: the mock set up for a scenario (key, certificate, faults, second origin);
//! - `program.rs`: finding CMD, running it with the scenario's environment and a timeout;
//! - `journal.rs`: the mock's journal as the runner reads it (JSON, `schemas/`);
//! - `setup.rs`: the pre-flight (`valid_key` first): a program that cannot be graded is one
//!   setup problem (exit 3), never violations;
//! - `judge.rs`: the judgement of each clause, with failures that read like bug reports;
//! - `cause.rs`: the cause of each failure, so one cause is one finding;
//! - `summary.rs`: the run's facts from the journals, and what is printed after libtest.

mod cause;
mod journal;
mod judge;
mod program;
mod redirects;
mod scenario;
mod setup;
mod stage;
mod summary;

pub use setup::SetupProblem;

use std::collections::HashMap;
use std::ffi::OsString;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{CommandFactory, FromArgMatches, Parser};
use libtest_mimic::{FormatSetting, Trial};
use serde_json::json;
use tokio::sync::watch;

use crate::error::Error;
use crate::judge::Verdict;
use crate::redact::redact;
use crate::report::{self, Record};
use crate::run::{completion, settle, EXIT_FAILED, EXIT_INCONCLUSIVE};
use crate::spec::{Clause, Profile};

use judge::Outcome;
use program::Program;
use scenario::Scenario;

/// terminus-conformance client: grades an SDK against the client contract (SPEC.md part 4).
///
/// Runs CMD once per scenario, with TERMINUS_BASE_URL (where to send `GET /v1/account`),
/// TERMINUS_API_KEY (valid, revoked or absent) and the scenario's CA in SSL_CERT_FILE,
/// REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE and NODE_EXTRA_CA_CERTS. CMD makes one call through the
/// SDK and exits 0 on success, non-zero on an error (printing the error as the SDK reports
/// it). Exit status: 0 all pass, 101 a must-level check failed (or a should-level one with
/// --profile strict), 2 usage error, 3 the program could not be graded (a setup problem: it
/// never reached the mock with a valid key) or a case could not be judged.
#[derive(Parser, Debug)]
#[command(
    name = "terminus-conformance client",
    override_usage = "terminus-conformance client [OPTIONS] [FILTER] -- CMD [ARGS...]",
    version = crate::spec::VERSION_LINE
)]
pub struct ClientCli {
    /// Seconds each run of CMD may take before it is killed.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    pub timeout: f64,
    /// Runs of CMD at once (default: the number of CPU cores; interpreters starting all at once
    /// on few cores are slow enough to meet the timeout).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// doc: should-level findings are reported, not failed; strict: they fail too.
    #[arg(long, value_enum, default_value_t = Profile::Doc)]
    pub profile: Profile,
    /// Write a JUnit XML report.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<std::path::PathBuf>,
    /// Write a JSON report.
    #[arg(long, value_name = "PATH")]
    pub report: Option<std::path::PathBuf>,
    /// Write a self-contained HTML report.
    #[arg(long, value_name = "PATH")]
    pub html: Option<std::path::PathBuf>,
    /// libtest's options.
    #[command(flatten)]
    pub harness: libtest_mimic::Arguments,
    /// The smoke program and its arguments, after `--`.
    #[arg(last = true, value_name = "CMD")]
    pub command: Vec<OsString>,
}

/// A scenario's outcome as the trials wait for it: `None` while it runs; `Err` when the
/// scenario could not be set up.
type Pending = watch::Receiver<Option<Arc<Result<Outcome, String>>>>;

/// `terminus-conformance client ...`: `args` are the arguments after `client`.
pub fn main(args: Vec<OsString>) -> ExitCode {
    if args.first().is_some_and(|a| a == "--version" || a == "-V") {
        println!("terminus-conformance {}", crate::spec::VERSION_LINE);
        return ExitCode::SUCCESS;
    }
    let mut argv = vec![OsString::from("terminus-conformance client")];
    argv.extend(args);
    // libtest-mimic's flattened arguments bring their own help template; the client's usage
    // (`client [OPTIONS] [FILTER] -- CMD [ARGS...]`) is put back on top.
    let command = ClientCli::command()
        .help_template("{about-with-newline}\n{usage-heading} {usage}\n\n{all-args}{after-help}")
        .after_help("Filtering, --list, --exact, --skip, --format and --test-threads work as with `cargo test`; trials are named CLI-N::scenario (`--list` shows them).");
    let cli =
        ClientCli::from_arg_matches(&command.get_matches_from(argv)).unwrap_or_else(|e| e.exit());
    let artifacts =
        (!cli.harness.list).then(|| (cli.junit.clone(), cli.report.clone(), cli.html.clone()));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("terminus-conformance client: {}", redact(&e.to_string()));
            if let Some((junit, report, html)) = artifacts {
                if let Err(w) =
                    report::errored::write(junit.as_deref(), report.as_deref(), html.as_deref(), &e)
                {
                    eprintln!("terminus-conformance client: {}", redact(&w.to_string()));
                }
            }
            ExitCode::from(e.exit_status())
        }
    }
}

/// Every trial: (scenario, clause), in run and manifest order.
pub fn trials() -> Vec<(Scenario, Clause)> {
    Scenario::all()
        .iter()
        .flat_map(|s| s.clauses().iter().map(move |c| (*s, *c)))
        .collect()
}

/// The manifest lines of the client trials (`--list --format json`).
pub fn manifest(selected: &[(Scenario, Clause)]) -> Vec<String> {
    selected
        .iter()
        .map(|(scenario, clause)| {
            json!({
                "type": "test",
                "name": scenario.trial_name(*clause),
                "clause": clause,
                "level": clause.level().as_str(),
                "requirement": clause.requirement(),
                "scenario": scenario.what(),
            })
            .to_string()
        })
        .collect()
}

fn run(mut cli: ClientCli) -> Result<ExitCode, Error> {
    if !(cli.timeout > 0.0 && cli.timeout.is_finite()) {
        return Err(Error::Usage(
            "--timeout must be a positive number of seconds".into(),
        ));
    }
    let all = trials();
    let selected: Vec<(Scenario, Clause)> = all
        .iter()
        .copied()
        .filter(|(s, c)| {
            !cli.harness
                .is_filtered_out(&Trial::test(s.trial_name(*c), || Ok(())))
        })
        .collect();
    crate::run::cli::nothing_selected(
        &cli.harness,
        selected.iter().map(|(s, c)| s.trial_name(*c)),
        "terminus-conformance client --list",
    )?;
    if cli.harness.list {
        let lines: Vec<String> = if matches!(cli.harness.format, Some(FormatSetting::Json)) {
            std::iter::once(report::manifest::header("client"))
                .chain(manifest(&selected))
                .collect()
        } else {
            selected
                .iter()
                .map(|(s, c)| format!("{}: test", s.trial_name(*c)))
                .collect()
        };
        let mut out = std::io::stdout().lock();
        for line in lines {
            if writeln!(out, "{line}").is_err() {
                break;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let program = Program::find(&cli.command).map_err(|e| Error::Usage(e.to_string()))?;
    let timeout = Duration::from_secs_f64(cli.timeout);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let quiet = matches!(cli.harness.format, Some(FormatSetting::Json));
    // Every scenario a selected trial needs; `valid_key` always, first: the pre-flight.
    let mut needed: Vec<Scenario> = vec![Scenario::ValidKey];
    for (s, _) in &selected {
        if !needed.contains(s) {
            needed.push(*s);
        }
    }
    let jobs = cli.jobs.map_or_else(default_jobs, |n| n as usize);
    if !quiet {
        eprintln!(
            "terminus-conformance client {}: grading `{}` in {} scenario(s), {} check(s), profile {}, {} s timeout per run, {jobs} run(s) at once",
            env!("CARGO_PKG_VERSION"),
            redact(&program.shown),
            needed.len(),
            selected.len(),
            cli.profile.as_str(),
            cli.timeout
        );
    }
    let started = Instant::now();
    // The pre-flight: a program that never reached the mock with a valid key cannot be
    // graded; one setup problem, exit 3, never CLI-1/CLI-5 violations.
    let preflight = runtime.block_on(stage::grade(Scenario::ValidKey, &program, timeout));
    if let Some(problem) = preflight.as_ref().ok().and_then(setup::problem) {
        return Err(Error::ClientSetup(problem));
    }
    let mut outcomes: HashMap<Scenario, Pending> = HashMap::new();
    outcomes.insert(
        Scenario::ValidKey,
        watch::channel(Some(Arc::new(preflight))).1,
    );
    // Runs of CMD at once are bounded: on two cores, eleven interpreters starting together
    // took up to 20 s each (README, "Grading a client").
    let turns = Arc::new(tokio::sync::Semaphore::new(jobs));
    for scenario in needed.iter().skip(1) {
        let (tx, rx) = watch::channel(None);
        let (program, turns, scenario) = (program.clone(), Arc::clone(&turns), *scenario);
        runtime.spawn(async move {
            let _turn = turns.acquire_owned().await;
            let outcome = stage::grade(scenario, &program, timeout).await;
            let _ = tx.send(Some(Arc::new(outcome)));
        });
        outcomes.insert(scenario, rx);
    }
    let records = Arc::new(Mutex::new(Vec::new()));
    let trials: Vec<Trial> = all
        .iter()
        .map(|(scenario, clause)| {
            let name = scenario.trial_name(*clause);
            let rx = outcomes.get(scenario).cloned();
            let (records, handle, profile) =
                (Arc::clone(&records), runtime.handle().clone(), cli.profile);
            let clause = *clause;
            Trial::ignorable_test(name.clone(), move || {
                let trial_started = Instant::now();
                let outcome = rx.map(|mut rx| {
                    handle.block_on(async {
                        rx.wait_for(Option::is_some)
                            .await
                            .ok()
                            .and_then(|v| v.clone())
                    })
                });
                let result = match outcome.as_ref().map(|o| o.as_deref()) {
                    None => Err(crate::judge::Stop::Inconclusive(
                        "scenario not started".into(),
                    )),
                    Some(Some(Ok(outcome))) => judge::judge(clause, outcome),
                    Some(Some(Err(why))) => Err(crate::judge::Stop::Inconclusive(format!(
                        "the scenario could not be set up: {why}"
                    ))),
                    Some(None) => Err(crate::judge::Stop::Inconclusive(
                        "the scenario ended without an outcome".into(),
                    )),
                };
                // The program's own run time: the trial itself only waits for it (and with
                // --test-threads 1, not even that).
                let duration = match outcome.as_ref().map(|o| o.as_deref()) {
                    Some(Some(Ok(outcome))) => outcome.ran.elapsed,
                    _ => trial_started.elapsed(),
                };
                let verdict = settle(result, clause.level(), profile);
                let outcome = completion(&verdict);
                records
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Record {
                        name,
                        clause,
                        level: clause.level().as_str(),
                        verdict,
                        duration,
                    });
                outcome
            })
        })
        .collect();
    if cli.harness.test_threads.is_none() {
        // Trials wait on their scenario, not the CPU.
        cli.harness.test_threads = Some(all.len().clamp(1, 64));
    }
    let conclusion = libtest_mimic::run(&cli.harness, trials);
    let seconds = started.elapsed().as_secs_f64();
    let mut records = std::mem::take(&mut *records.lock().unwrap_or_else(|e| e.into_inner()));
    let order: HashMap<String, usize> = all
        .iter()
        .enumerate()
        .map(|(i, (s, c))| (s.trial_name(*c), i))
        .collect();
    records.sort_by_key(|r| order.get(&r.name).copied().unwrap_or(usize::MAX));
    let ran: Vec<Outcome> = needed
        .iter()
        .filter_map(|s| outcomes.get(s))
        .filter_map(|rx| match rx.borrow().as_deref() {
            Some(Ok(outcome)) => Some(outcome.clone()),
            _ => None,
        })
        .collect();
    let facts = summary::facts(&program, cli.profile, &ran, seconds);
    crate::run::print_findings(&facts, &records);
    summary::summarize(&facts, &records, quiet);
    if let Some(path) = &cli.junit {
        report::junit::write(path, &facts, &records)?;
    }
    if let Some(path) = &cli.report {
        report::json::write(path, &facts, &records)?;
    }
    if let Some(path) = &cli.html {
        report::html::write(path, &facts, &records)?;
    }
    let inconclusive = records
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Inconclusive(_)))
        .count();
    Ok(if conclusion.has_failed() {
        ExitCode::from(EXIT_FAILED)
    } else if inconclusive > 0 {
        eprintln!("terminus-conformance client: no check failed, but {inconclusive} could not be judged (inconclusive, listed above): exit status 3");
        ExitCode::from(EXIT_INCONCLUSIVE)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs of CMD at once by default: one per CPU core (at least one).
fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
