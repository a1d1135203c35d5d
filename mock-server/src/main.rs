//! `terminus-mock`: the Terminus Hub Public API mock server. `terminus-mock --help` for usage.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The log is written by a thread of its own: a request costs a line in a queue, not a
    // write to stderr. The thread writes whatever the queue holds through a buffer and flushes
    // it each time the queue is empty, so a busy second is a few writes, not one per line, and
    // a quiet one shows each line at once. Nothing is dropped (a full queue waits), and `_log`
    // flushes the rest when main returns, signals included (they end `cli::run`).
    let (writer, _log) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(64 * 1024)
        .thread_name("terminus-mock-log")
        .finish(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stderr(),
        ));
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(writer)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    // The Public API runs on threads of its own (one runtime per core, see `--threads`); this
    // runtime has the admin plane, signals and start-up.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("terminus-mock: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = std::io::stdout().flush();
            eprintln!("terminus-mock: error: {e}");
            ExitCode::from(1)
        }
    }
}
