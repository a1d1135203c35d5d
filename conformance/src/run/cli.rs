//! The command line: the runner's own options and libtest-mimic's (filter, `--list`,
//! `--exact`, `--skip`, `--ignored`, `--format`, `--test-threads`…) in one clap parser.

use std::path::PathBuf;

use clap::Parser;

use crate::spec::Profile;

/// terminus-conformance: checks a Terminus Hub Public API deployment against every clause of
/// SPEC.md part 1. Without --target it checks an embedded terminus-mock.
///
/// Keys come from the environment only: TERMINUS_API_KEY (valid; required with --target unless
/// --no-key), TERMINUS_REVOKED_API_KEY (revoked) and TERMINUS_SECOND_API_KEY (another active
/// key); cases that need a missing one are ignored, with the reason. Exit status: 0 all pass,
/// 101 a check failed, 2 usage error, 3 target unreachable or cases inconclusive.
#[derive(Parser, Debug)]
#[command(name = "terminus-conformance", version = crate::spec::VERSION_LINE, about, long_about = None)]
pub struct Cli {
    /// The deployment to check, e.g. https://api.example.com (default: an embedded mock).
    #[arg(long, value_name = "URL")]
    pub target: Option<String>,
    /// Trust this CA (PEM) instead of the system roots.
    #[arg(long, value_name = "PEM")]
    pub ca_cert: Option<PathBuf>,
    /// Do not check the target's certificate (loudly warned).
    #[arg(long, conflicts_with = "ca_cert")]
    pub insecure: bool,
    /// A documented endpoint to probe, "METHOD /path" (repeatable).
    #[arg(long = "endpoint", value_name = "METHOD /path")]
    pub endpoints: Vec<String>,
    /// Endpoints from a routes file ({"routes":[{"method","path"}]}).
    #[arg(long, value_name = "FILE")]
    pub routes: Option<PathBuf>,
    /// Endpoints from an OpenAPI 3 document (YAML or JSON): its paths and methods.
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// Inputs per generated family (default: 256 against the embedded mock, 128 against a
    /// --target: see "Request budget" in conformance/README.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub cases: Option<u32>,
    /// Seed of the generated families (default: random; always printed).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// doc: the vendor page's reading; rfc: RFC 9110/6750 requirements too (ERR-5, HDR-5).
    #[arg(long, value_enum, default_value_t = Profile::Doc)]
    pub profile: Profile,
    /// Write a JUnit XML report.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Write a JSON report (per case: clause, name, level, verdict, evidence, duration).
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Write an HTML report: one self-contained page (the run's facts, a clause matrix, every
    /// case with its evidence, failures first).
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Requests per second at most (0: no limit).
    #[arg(long, value_name = "N", default_value_t = 0.0)]
    pub rate: f64,
    /// Requests in flight at most.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// Seconds a request may take before it counts as a hang.
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub timeout: f64,
    /// Read error-envelope.schema.json from this directory instead of the bundled one.
    #[arg(long, value_name = "DIR")]
    pub schema_dir: Option<PathBuf>,
    /// Embedded mock only: run it with HDR-5's RFC reading (bearer, BEARER, several spaces).
    #[arg(long)]
    pub lenient_scheme: bool,
    /// An admin plane for the key lifecycle cases of an external target (token in
    /// TERMINUS_ADMIN_TOKEN).
    #[arg(long, value_name = "URL")]
    pub admin_url: Option<String>,
    /// allow an http:// --target (the key then travels unencrypted).
    #[arg(long)]
    pub plaintext: bool,
    /// run without TERMINUS_API_KEY: only the cases that need no valid key.
    #[arg(long)]
    pub no_key: bool,
    /// with --target, also send the valid key with POST, PUT, PATCH and DELETE (OK-1 on
    /// every documented endpoint; this may create or delete data).
    #[arg(long)]
    pub allow_writes: bool,
    /// libtest's options.
    #[command(flatten)]
    pub harness: libtest_mimic::Arguments,
}

/// Every way to call the runner: checking a server, and the subcommands.
const USAGE: &str = "terminus-conformance [OPTIONS] [FILTER]
       terminus-conformance client [OPTIONS] [FILTER] -- CMD [ARGS...]
       terminus-conformance diff OLD NEW
       terminus-conformance axes";

/// The subcommands, as `--help` lists them (each has its own `--help` where it takes options).
const SUBCOMMANDS: &str = "Subcommands:
  client [OPTIONS] [FILTER] -- CMD [ARGS...]
          Grade a client (an SDK) against SPEC.md part 4: runs CMD once per scenario against an
          embedded mock (`terminus-conformance client --help`)
  diff OLD NEW
          Compare two JSON reports or two manifests (exit 101 on a regression)
  axes
          Print the request space's axes (the README's table)";

/// Inputs per generated family against the embedded mock.
pub const EMBEDDED_CASES: u32 = 256;
/// Inputs per generated family against a `--target`: every fault of the runner's own test
/// servers was caught by the families alone at 64 with every seed measured, and by the rest of
/// the suite without them; 128 keeps a margin (README, "Request budget").
pub const TARGET_CASES: u32 = 128;

impl Cli {
    /// `--cases`, or its default for this kind of run.
    pub fn cases(&self) -> u32 {
        self.cases.unwrap_or(if self.target.is_some() {
            TARGET_CASES
        } else {
            EMBEDDED_CASES
        })
    }

    /// Parses `std::env::args`. libtest-mimic's flattened arguments bring their own help
    /// template; the runner's is put back on top.
    pub fn from_env() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let command = Self::command()
            .override_usage(USAGE)
            .help_template("{about-with-newline}\n{usage-heading} {usage}\n\n{before-help}{all-args}{after-help}")
            .before_help(SUBCOMMANDS)
            .after_help("Filtering, --list, --exact, --skip, --ignored, --format and --test-threads work as with `cargo test`.\n`--list --format json` prints the case manifest: every case with its clause and level.");
        let matches = command.get_matches();
        Self::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }

    /// Checks what clap cannot.
    pub fn validate(&self) -> Result<(), crate::error::Error> {
        let usage = |s: &str| Err(crate::error::Error::Usage(s.to_owned()));
        if !(self.timeout > 0.0 && self.timeout.is_finite()) {
            return usage("--timeout must be a positive number of seconds");
        }
        if !(self.rate >= 0.0 && self.rate.is_finite()) {
            return usage(
                "--rate must be zero (no limit) or a positive number of requests per second",
            );
        }
        if self.target.is_none()
            && (self.ca_cert.is_some() || self.insecure || self.admin_url.is_some())
        {
            return usage("--ca-cert, --insecure and --admin-url need --target (without it the runner checks its embedded mock)");
        }
        if let Some(target) = &self.target {
            let plain = target
                .get(..7)
                .is_some_and(|s| s.eq_ignore_ascii_case("http://"));
            if plain && !self.plaintext {
                return usage(&format!("--target {target}: the key would travel unencrypted over plain HTTP; use https://, or add --plaintext if this deployment really is plain HTTP on a network you trust"));
            }
            if !plain && self.plaintext {
                return usage("--plaintext is for an http:// --target; this one is not");
            }
        } else if self.plaintext || self.no_key || self.allow_writes {
            return usage("--plaintext, --no-key and --allow-writes are for a --target (the embedded mock needs none of them)");
        }
        if self.target.is_some() && self.lenient_scheme {
            return usage(
                "--lenient-scheme configures the embedded mock; it cannot change a --target",
            );
        }
        Ok(())
    }
}

/// a filter (or `--skip`) that selects none of `names` is a usage error, exit 2, before
/// anything is started: a misspelt filter in CI must not pass green. The message shows the
/// filter as given and the command (`list_command`) that lists every case name.
pub fn nothing_selected<I>(
    harness: &libtest_mimic::Arguments,
    names: I,
    list_command: &str,
) -> Result<(), crate::error::Error>
where
    I: IntoIterator<Item = String>,
{
    let filtered = harness.filter.is_some() || !harness.skip.is_empty();
    if !filtered
        || names
            .into_iter()
            .any(|name| !harness.is_filtered_out(&libtest_mimic::Trial::test(name, || Ok(()))))
    {
        return Ok(());
    }
    let mut shown = Vec::new();
    if let Some(f) = &harness.filter {
        shown.push(format!(
            "{f:?}{}",
            if harness.exact { " (--exact)" } else { "" }
        ));
    }
    shown.extend(harness.skip.iter().map(|s| format!("--skip {s:?}")));
    Err(crate::error::Error::Usage(format!(
        "the filter {} selects no case; `{list_command}` shows every case name",
        shown.join(" ")
    )))
}
