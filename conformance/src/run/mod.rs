//! One run, start to end: parse the command line, set up the target (embedded mock or
//! `--target`, pre-flight), turn the cases into libtest-mimic trials, run them, print the
//! summary, write the reports, choose the exit status.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libtest_mimic::{FormatSetting, Trial};

use crate::cases::{catalogue, Case, Context, RunOptions};
use crate::error::Error;
use crate::judge::{EnvelopeSchema, Verdict};
use crate::redact::redact;
use crate::report::{self, RunFacts};
use crate::target::{embedded, endpoints, AdminPlane, Keys, Target};
use crate::wire::tls::{certificates_from_pem, Trust};
use crate::wire::ClientOptions;

pub(crate) mod cli;
mod progress;
mod summary;
mod trial;

pub(crate) use summary::print_findings;
pub(crate) use trial::{completion, settle};

use cli::Cli;
use summary::summarize;
use trial::trial;

/// Exit status when a check failed (as `cargo test`).
pub const EXIT_FAILED: u8 = 101;
/// Exit status when no check failed but some could not be checked, as for an unreachable
/// target.
pub const EXIT_INCONCLUSIVE: u8 = 3;

/// The program: parses `std::env::args`, runs, returns the exit status.
pub fn main() -> ExitCode {
    install_redacting_panic_hook();
    // `terminus-conformance client -- CMD`: grading a client (SPEC.md part 4).
    let mut args = std::env::args_os();
    if let (Some(_), Some(first)) = (args.next(), args.next()) {
        if first == "client" {
            return crate::client::main(args.collect());
        }
        // libtest-mimic's flattened arguments turn clap's version flag off: answered here.
        if first == "--version" || first == "-V" {
            println!("terminus-conformance {}", crate::spec::VERSION_LINE);
            return ExitCode::SUCCESS;
        }
        // `terminus-conformance diff OLD NEW`: two reports or two manifests compared.
        if first == "diff" {
            return crate::diff::main(args.collect());
        }
        // `terminus-conformance axes`: the request space's axes, as the README's table.
        if first == "axes" {
            return crate::space::main();
        }
    }
    let cli = Cli::from_env();
    let artifacts =
        (!cli.harness.list).then(|| (cli.junit.clone(), cli.report.clone(), cli.html.clone()));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("terminus-conformance: {}", redact(&e.to_string()));
            // the artifacts CI uploads exist on every exit after the arguments parsed.
            if let Some((junit, report, html)) = artifacts {
                if let Err(w) =
                    report::errored::write(junit.as_deref(), report.as_deref(), html.as_deref(), &e)
                {
                    eprintln!("terminus-conformance: {}", redact(&w.to_string()));
                }
            }
            ExitCode::from(e.exit_status())
        }
    }
}

fn install_redacting_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("{}", redact(&info.to_string()));
    }));
}

fn random_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    (nanos ^ (u64::from(std::process::id()) << 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 1
}

/// Runs with parsed options.
pub fn run(mut cli: Cli) -> Result<ExitCode, Error> {
    cli.validate()?;
    let endpoints = endpoints::load(
        &cli.endpoints,
        cli.routes.as_deref(),
        cli.openapi.as_deref(),
    )?;
    let cases = catalogue(&endpoints);
    cli::nothing_selected(
        &cli.harness,
        cases.iter().map(|c| c.name.clone()),
        "terminus-conformance --list",
    )?;
    if cli.harness.list {
        return Ok(list(&cli, cases));
    }
    let schema = EnvelopeSchema::load(cli.schema_dir.as_deref())?;
    let seed = cli.seed.unwrap_or_else(random_seed);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    let options = ClientOptions {
        timeout: Duration::from_secs_f64(cli.timeout),
        concurrency: cli.concurrency as usize,
        rate: cli.rate,
    };
    let (context, mock, target_url) =
        runtime.block_on(setup(&cli, &options, schema, endpoints, seed))?;
    let context = Arc::new(context);
    let quiet = matches!(cli.harness.format, Some(FormatSetting::Json));
    eprintln!(
        "terminus-conformance {}: {} ({}), profile {}, seed {seed}, {} inputs per generated family, {}",
        env!("CARGO_PKG_VERSION"),
        redact(&target_url),
        if mock.is_some() { "embedded terminus-mock" } else { "--target" },
        cli.profile.as_str(),
        cli.cases(),
        context.client.offered().describe(),
    );
    let records = Arc::new(Mutex::new(Vec::new()));
    let trials: Vec<(Trial, bool)> = cases
        .into_iter()
        .map(|case| {
            let sweep = case.sweep;
            (
                trial(case, &context, &records, runtime.handle(), cli.profile),
                sweep,
            )
        })
        .collect();
    // The sweeps wait for every other trial that runs (not filtered out, not ignored).
    let others = trials
        .iter()
        .filter(|(t, sweep)| {
            !sweep && !cli.harness.is_filtered_out(t) && !cli.harness.is_ignored(t)
        })
        .count();
    context
        .others
        .store(others, std::sync::atomic::Ordering::SeqCst);
    let trials = trials.into_iter().map(|(t, _)| t).collect();
    if cli.harness.test_threads.is_none() {
        // Trials wait on the network, not the CPU.
        cli.harness.test_threads = Some((cli.concurrency as usize).clamp(1, 32));
    }
    // the plan, then progress while the trials run.
    let selected: Vec<Case> = catalogue(&context.endpoints)
        .into_iter()
        .filter(|c| {
            !cli.harness
                .is_filtered_out(&Trial::test(c.name.clone(), || Ok(())))
        })
        .collect();
    let total = selected.iter().filter(|c| !c.sweep).count();
    let cases_selected = selected.len();
    let planned = runtime.block_on(progress::plan(&context, selected));
    if !quiet {
        progress::announce(cases_selected, planned, cli.rate);
    }
    let reporter =
        (!quiet).then(|| progress::Progress::start(Arc::clone(&context), total, planned));
    let started = Instant::now();
    let conclusion = libtest_mimic::run(&cli.harness, trials);
    if let Some(reporter) = reporter {
        reporter.finish();
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut records = std::mem::take(&mut *records.lock().unwrap_or_else(|e| e.into_inner()));
    // Run order, the manifest's: a report and a manifest line up case by case.
    let order: std::collections::HashMap<String, usize> = catalogue(&context.endpoints)
        .into_iter()
        .enumerate()
        .map(|(i, c)| (c.name, i))
        .collect();
    records.sort_by_key(|r| order.get(&r.name).copied().unwrap_or(usize::MAX));
    let facts = RunFacts {
        target: target_url,
        embedded: mock.is_some(),
        profile: cli.profile.as_str(),
        seed: Some(seed),
        cases_per_family: Some(cli.cases()),
        scenarios: None,
        requests: context.client.requests_sent(),
        rate_limited: context.client.rate_limited(),
        http2: context.client.speaks_h2(),
        protocols: context.client.offered().alpn_ids(),
        seconds,
        requests_per_second: (context.client.requests_sent() as f64 / seconds.max(1e-3)).round(),
        generated: context.generated.facts(),
    };
    summarize(&facts, &records, quiet);
    if let (Some(slowdown), false) = (context.client.slowdown(), quiet) {
        // a rate-limited run says that it slowed itself, and how far.
        eprintln!("terminus-conformance: {slowdown}");
    }
    if let Some(path) = &cli.junit {
        report::junit::write(path, &facts, &records)?;
    }
    if let Some(path) = &cli.report {
        report::json::write(path, &facts, &records)?;
    }
    if let Some(path) = &cli.html {
        report::html::write(path, &facts, &records)?;
    }
    drop(context);
    if let Some(mock) = mock {
        runtime.block_on(mock.shutdown());
    }
    let inconclusive = records
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Inconclusive(_)))
        .count();
    Ok(if conclusion.has_failed() {
        ExitCode::from(EXIT_FAILED)
    } else if inconclusive > 0 {
        // nothing failed, but not everything could be checked.
        eprintln!("terminus-conformance: no case failed, but {inconclusive} could not be checked (inconclusive, listed above): exit status 3");
        ExitCode::from(EXIT_INCONCLUSIVE)
    } else {
        ExitCode::SUCCESS
    })
}

/// `--list`: libtest's list, or with `--format json` the case manifest.
fn list(cli: &Cli, cases: Vec<Case>) -> ExitCode {
    let mut kept: Vec<&Case> = cases
        .iter()
        .filter(|c| {
            !cli.harness
                .is_filtered_out(&Trial::test(c.name.clone(), || Ok(())))
        })
        .collect();
    // As libtest: `--ignored --list` lists the ignored cases, and none is ignored before the run
    // (a case is ignored at run time, for want of a key): the manifest is then its header alone.
    if cli.harness.ignored {
        kept.clear();
    }
    let lines = if matches!(cli.harness.format, Some(FormatSetting::Json)) {
        report::manifest::lines(&kept)
    } else {
        kept.iter().map(|c| format!("{}: test", c.name)).collect()
    };
    // a reader that stops early (`| head`) ends the listing, quietly.
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}

async fn setup(
    cli: &Cli,
    options: &ClientOptions,
    schema: EnvelopeSchema,
    endpoints: Vec<endpoints::Endpoint>,
    seed: u64,
) -> Result<(Context, Option<terminus_mock::MockServer>, String), Error> {
    let (target, trust, keys, admin, mock) = match &cli.target {
        Some(url) => {
            let target = Target::parse(url)?;
            let trust = trust_for(cli)?;
            let admin = match &cli.admin_url {
                Some(admin_url) => {
                    let token = std::env::var("TERMINUS_ADMIN_TOKEN").map_err(|_| {
                        Error::Usage(
                            "--admin-url needs the admin token in TERMINUS_ADMIN_TOKEN".into(),
                        )
                    })?;
                    Some(AdminPlane::connect(admin_url, &token, &trust, options).await?)
                }
                None => None,
            };
            (
                target,
                trust,
                Keys::from_environment(cli.no_key)?,
                admin,
                None,
            )
        }
        None => {
            let embedded = embedded::start(cli.lenient_scheme, options).await?;
            let target = Target::parse(&embedded.url)?;
            (
                target,
                embedded.trust,
                embedded.keys,
                Some(embedded.admin),
                Some(embedded.mock),
            )
        }
    };
    let client = target.connect(&trust, options).await?;
    // against a --target the valid key goes with safe methods only, unless asked.
    let allow_writes = mock.is_some() || cli.allow_writes;
    if !allow_writes {
        for key in keys.valid.iter().chain(&keys.second) {
            client.read_only(key.bytes());
        }
    }
    let embedded = mock.is_some();
    let mut context = Context {
        client,
        keys,
        endpoints,
        options: RunOptions {
            profile: cli.profile,
            cases: cli.cases(),
            seed,
            allow_writes,
        },
        admin,
        schema,
        base_path: target.base_path.clone(),
        authority: target.authority.clone(),
        ledger: Default::default(),
        others: Default::default(),
        generated: Default::default(),
        accepted_forms: Default::default(),
    };
    if !embedded {
        context.check_keys().await;
    }
    Ok((context, mock, target.url))
}

fn trust_for(cli: &Cli) -> Result<Trust, Error> {
    if cli.insecure {
        eprintln!("terminus-conformance: WARNING: --insecure: the target's TLS certificate is NOT checked; anyone on the path can read the keys this run sends");
        return Ok(Trust::Anything);
    }
    match &cli.ca_cert {
        None => Ok(Trust::System),
        Some(path) => {
            let pem = std::fs::read(path).map_err(|source| Error::Read {
                flag: "--ca-cert",
                path: path.clone(),
                source,
            })?;
            let certs = certificates_from_pem(&pem).map_err(|source| Error::Certificates {
                flag: "--ca-cert",
                path: path.clone(),
                source,
            })?;
            Ok(Trust::Certificates(certs))
        }
    }
}
