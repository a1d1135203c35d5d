//! `terminus-mock`: the Terminus Hub Public API mock server. `terminus-mock --help` for usage.

mod banner;
mod cli;
mod log_format;
mod log_writer;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The log is written by a thread of its own (log_writer): a request's line is appended to a
    // buffer, and the thread writes what gathered in one write per batch. Nothing is dropped;
    // `log_guard` writes the rest when main returns, signals included (they end `cli::run`).
    let (writer, log_guard) = log_writer::stderr();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .event_format(log_format::LineFormat {
            ansi: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        })
        .with_writer(writer)
        .init();
    // The Public API runs on threads of its own (one runtime per core, see `--threads`); this
    // runtime has the admin plane, signals and start-up.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            log_guard.flush();
            eprintln!("terminus-mock: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::io::stdout().flush();
            log_guard.flush();
            eprintln!("terminus-mock: error: {e}");
            ExitCode::from(1)
        }
    }
}
