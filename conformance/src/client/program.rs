//! The program under grading: found before anything starts (exit 2 when it cannot be run),
//! then run once per scenario with the scenario's environment, its output captured and bounded,
//! killed with its whole process group at the timeout.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::AsyncReadExt;

/// Output kept per stream; the rest is counted, not kept.
const OUTPUT_CAP: usize = 1 << 20;

/// Environment variables removed before the program starts: keys from the user's shell, and
/// proxies that would carry the program's requests elsewhere than the mock.
const REMOVED: &[&str] = &[
    "TERMINUS_API_KEY",
    "TERMINUS_BASE_URL",
    "TERMINUS_REVOKED_API_KEY",
    "TERMINUS_SECOND_API_KEY",
    "TERMINUS_ADMIN_TOKEN",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "SSL_CERT_DIR",
    "NODE_TLS_REJECT_UNAUTHORIZED",
    "NODE_OPTIONS",
    "CURL_HOME",
];

/// The command line to grade: a program and its arguments.
#[derive(Debug, Clone)]
pub struct Program {
    /// The executable, resolved through `PATH` when given without a slash.
    pub path: PathBuf,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// As the user typed it, for messages.
    pub shown: String,
}

/// Why the program cannot be graded at all (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum ProgramError {
    /// No `-- CMD`.
    #[error("no program to grade: give it after `--`, e.g. `terminus-conformance client -- python3 my_smoke.py`")]
    Missing,
    /// Not found (on `PATH`, or at the path given).
    #[error("{0}: no such program (looked {1}); give a path or a command on PATH")]
    NotFound(String, String),
    /// Found but not executable.
    #[error("{}: not executable (chmod +x {}, or run it through its interpreter, e.g. `-- python3 {}`)", .0.display(), .0.display(), .0.display())]
    NotExecutable(PathBuf),
}

impl Program {
    /// Resolves `command[0]` as a shell would, and checks it can be executed.
    pub fn find(command: &[OsString]) -> Result<Program, ProgramError> {
        let (first, args) = command.split_first().ok_or(ProgramError::Missing)?;
        let shown = command
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let given = PathBuf::from(first);
        let path = if first.to_string_lossy().contains('/') {
            if !given.exists() {
                return Err(ProgramError::NotFound(
                    given.display().to_string(),
                    "at that path".into(),
                ));
            }
            given
        } else {
            let dirs = std::env::var_os("PATH").unwrap_or_default();
            std::env::split_paths(&dirs)
                .map(|d| d.join(&given))
                .find(|p| is_executable(p))
                .ok_or_else(|| {
                    ProgramError::NotFound(given.display().to_string(), "on PATH".into())
                })?
        };
        if !is_executable(&path) {
            return Err(ProgramError::NotExecutable(path));
        }
        Ok(Program {
            path,
            args: args.to_vec(),
            shown,
        })
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// How a run of the program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this status.
    Code(i32),
    /// A signal ended it.
    Signal(i32),
    /// It was still running at the timeout and was killed.
    TimedOut,
    /// It could not be started (the error is in the output).
    NotStarted,
}

impl Exit {
    /// True for exit status 0.
    pub fn success(self) -> bool {
        self == Exit::Code(0)
    }

    /// As a phrase: `exit status 1`, `killed by signal 9`, `killed at the 30 s timeout`.
    pub fn describe(self, timeout: Duration) -> String {
        match self {
            Exit::Code(c) => format!("exit status {c}"),
            Exit::Signal(s) => format!("ended by signal {s}"),
            Exit::TimedOut => format!(
                "still running at the {} s timeout: killed",
                timeout.as_secs_f64()
            ),
            Exit::NotStarted => "could not be started".into(),
        }
    }
}

/// One run of the program.
#[derive(Debug, Clone)]
pub struct Ran {
    /// How it ended.
    pub exit: Exit,
    /// Standard output (at most 1 MiB), lossily decoded.
    pub stdout: String,
    /// Standard error (at most 1 MiB), lossily decoded.
    pub stderr: String,
    /// From start to end.
    pub elapsed: Duration,
}

impl Ran {
    /// Both streams, stderr first (where errors go).
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stderr, self.stdout)
    }
}

/// Runs the program once with `env` added (after removing [`REMOVED`]) and `absent` removed.
pub async fn run(
    program: &Program,
    env: &[(&str, String)],
    timeout: Duration,
    workdir: &Path,
) -> Ran {
    let started = Instant::now();
    let mut command = tokio::process::Command::new(&program.path);
    command
        .args(&program.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("NO_PROXY", "localhost,127.0.0.1,::1")
        .env("no_proxy", "localhost,127.0.0.1,::1")
        .env("HOME", workdir)
        .process_group(0)
        .kill_on_drop(true);
    for name in REMOVED {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Ran {
                exit: Exit::NotStarted,
                stdout: String::new(),
                stderr: format!("{}: {e}", program.path.display()),
                elapsed: started.elapsed(),
            }
        }
    };
    let pid = child.id();
    let stdout = Captured::start(child.stdout.take());
    let stderr = Captured::start(child.stderr.take());
    let exit = match tokio::time::timeout(timeout, child.wait()).await {
        Ok(Ok(status)) => {
            use std::os::unix::process::ExitStatusExt;
            match (status.code(), status.signal()) {
                (Some(code), _) => Exit::Code(code),
                (None, Some(signal)) => Exit::Signal(signal),
                (None, None) => Exit::Signal(0),
            }
        }
        Ok(Err(_)) => Exit::Signal(0),
        Err(_) => Exit::TimedOut,
    };
    // Whatever the program left behind (a shell's children, a timed-out process) goes with it.
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) with a negative pid signals the process group the child leads
        // (`process_group(0)` above); no memory is involved.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.wait().await;
    let stdout = stdout.finish().await;
    let stderr = stderr.finish().await;
    Ran {
        exit,
        stdout,
        stderr,
        elapsed: started.elapsed(),
    }
}

/// A stream read to its end in the background, at most [`OUTPUT_CAP`] bytes kept.
struct Captured {
    kept: std::sync::Arc<std::sync::Mutex<(Vec<u8>, usize)>>,
    task: tokio::task::JoinHandle<()>,
}

impl Captured {
    fn start<R: tokio::io::AsyncRead + Unpin + Send + 'static>(stream: Option<R>) -> Captured {
        let kept = std::sync::Arc::new(std::sync::Mutex::new((Vec::new(), 0usize)));
        let sink = std::sync::Arc::clone(&kept);
        let task = tokio::spawn(async move {
            let Some(mut stream) = stream else { return };
            let mut buffer = [0u8; 8192];
            // Read past the cap too, so a chatty program never blocks on a full pipe.
            while let Ok(n @ 1..) = stream.read(&mut buffer).await {
                let mut kept = sink.lock().unwrap_or_else(|e| e.into_inner());
                let room = OUTPUT_CAP.saturating_sub(kept.0.len());
                kept.0.extend_from_slice(&buffer[..n.min(room)]);
                kept.1 += n.saturating_sub(room);
            }
        });
        Captured { kept, task }
    }

    /// What was read. A grandchild that escaped the process group and holds the pipe open
    /// does not hold the grading: reading stops a second after the program ended.
    async fn finish(self) -> String {
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(1), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let mut text = String::from_utf8_lossy(&kept.0).into_owned();
        if kept.1 > 0 {
            text.push_str(&format!("\n[{} more bytes of output not kept]", kept.1));
        }
        text
    }
}
