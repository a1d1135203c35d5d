//! The banner's "Try it" lines, run with `bash -e` as a user pastes them, for each way the
//! admin token comes: generated (printed: the only way to learn it), `TERMINUS_ADMIN_TOKEN`
//! and `--admin-token` (a CI secret: no 10 characters of it in stdout or the log).

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::binary::temp_dir;
use crate::support::{mock_command, secret_windows, wait_for_ready};

/// A running mock's banner and log, and what its pasted lines did.
struct Pasted {
    banner: String,
    log: String,
    script: String,
    run: Output,
}

/// Starts the mock with `args` and `env`, reads its banner, runs its "Try it" lines with bash
/// (`bash_env` set), stops the mock and returns everything it printed.
fn paste_the_lines(
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
    bash_env: &[(&str, &str)],
) -> Pasted {
    let dir = temp_dir(&format!("pasted-{name}"));
    let ready = dir.join("ready.json");
    let mut command = mock_command(&ready);
    command.args(args);
    if !args.contains(&"--plaintext") {
        command.arg("--ca-dir").arg(dir.join("ca"));
    }
    let mut child = command
        .envs(env.iter().copied())
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The log is read all along, so a full pipe never stops the mock.
    let mut stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut log = String::new();
        let _ = stderr.read_to_string(&mut log);
        log
    });
    wait_for_ready(&ready);
    // The banner is printed before the ready file is written: read it up to its last line.
    let mut stdout = child.stdout.take().unwrap();
    let mut banner = String::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(10);
    while !banner.contains("Test-only keys") && Instant::now() < deadline {
        match stdout.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => banner.push_str(&String::from_utf8_lossy(&buf[..n])),
        }
    }
    let lines: Vec<&str> = banner
        .lines()
        .skip_while(|l| !l.starts_with("Try it"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::trim)
        .collect();
    assert!(lines.len() >= 5, "the banner's lines to paste:\n{banner}");
    for line in &lines {
        assert!(
            !line.contains(" CA ") && !line.contains("KEY_ID\"") && !line.contains("<"),
            "a placeholder in {line:?}"
        );
    }
    let script = lines.join("\n");
    let run = Command::new("bash")
        .args(["-e", "-c", &script])
        .env_remove("ADMIN_TOKEN")
        .env_remove("TERMINUS_ADMIN_TOKEN")
        .envs(bash_env.iter().copied())
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let mut rest = String::new();
    let _ = stdout.read_to_string(&mut rest);
    banner.push_str(&rest);
    let _ = std::fs::remove_dir_all(&dir);
    Pasted {
        banner,
        log: log.join().unwrap(),
        script,
        run,
    }
}

impl Pasted {
    /// Every line succeeded: the account, the journal, a key minted and revoked.
    fn ran(&self) {
        let script = &self.script;
        assert!(
            self.run.status.success(),
            "pasted lines failed:\n{script}\n--- stderr\n{}",
            String::from_utf8_lossy(&self.run.stderr)
        );
        let stdout = String::from_utf8_lossy(&self.run.stdout);
        assert!(stdout.contains(r#""object":"account""#), "{stdout}");
        assert!(
            stdout.contains(r#""requests":"#),
            "the journal answered: {stdout}"
        );
        assert!(
            stdout.contains(r#""revoked_at":""#) || stdout.contains("\"status\":\"revoked\""),
            "the revoke ran: {stdout}"
        );
    }

    /// No 10 consecutive characters of `token` in the banner or the log.
    fn never_shows(&self, token: &str) {
        for window in secret_windows(token) {
            assert!(
                !self.banner.contains(&window),
                "the banner shows {window}:\n{}",
                self.banner
            );
            assert!(
                !self.log.contains(&window),
                "the log shows {window}:\n{}",
                self.log
            );
        }
    }
}

/// A token as a CI secret would be: long, and this run's own.
fn a_given_token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "ci-secret-{}-{nanos:09}-abcdefghijklmnop",
        std::process::id()
    )
}

#[test]
fn the_banners_lines_run_as_pasted_over_tls() {
    let pasted = paste_the_lines("tls", &[], &[], &[]);
    pasted.ran();
    assert!(pasted.script.contains("--cacert"), "{}", pasted.script);
    assert!(!pasted.script.contains("http://"), "{}", pasted.script);
    // A generated token is printed: the only way to learn it.
    let token = pasted
        .banner
        .lines()
        .find_map(|l| l.strip_prefix("Admin token (generated, shown once): "))
        .expect("the generated token is shown");
    assert!(pasted
        .script
        .contains(&format!("export ADMIN_TOKEN={token}")));
}

#[test]
fn the_banners_lines_run_as_pasted_in_plaintext() {
    let pasted = paste_the_lines("plain", &["--plaintext"], &[], &[]);
    pasted.ran();
    assert!(pasted.script.contains("http://"), "{}", pasted.script);
    assert!(!pasted.script.contains("--cacert"), "{}", pasted.script);
}

/// `TERMINUS_ADMIN_TOKEN`: the lines read the variable; the token itself appears nowhere.
#[test]
fn the_banners_lines_run_as_pasted_with_a_token_from_the_environment() {
    let token = a_given_token();
    let env = [("TERMINUS_ADMIN_TOKEN", token.as_str())];
    let pasted = paste_the_lines("env", &[], &env, &env);
    pasted.ran();
    pasted.never_shows(&token);
    assert!(
        pasted
            .script
            .contains(r#"export ADMIN_TOKEN="$TERMINUS_ADMIN_TOKEN""#),
        "{}",
        pasted.script
    );
}

/// `--admin-token`: the user sets `ADMIN_TOKEN`; unset, the lines stop at once and say so
/// instead of calling the admin plane with no token.
#[test]
fn the_banners_lines_run_as_pasted_with_a_token_from_the_flag() {
    let token = a_given_token();
    let args = ["--admin-token", token.as_str()];
    let pasted = paste_the_lines("flag", &args, &[], &[("ADMIN_TOKEN", token.as_str())]);
    pasted.ran();
    pasted.never_shows(&token);
    assert!(
        pasted
            .banner
            .contains("the one you gave with --admin-token"),
        "{}",
        pasted.banner
    );

    let unset = paste_the_lines("flag-unset", &args, &[], &[]);
    unset.never_shows(&token);
    assert!(!unset.run.status.success(), "{}", unset.script);
    let stderr = String::from_utf8_lossy(&unset.run.stderr);
    assert!(
        stderr.contains("ADMIN_TOKEN") && stderr.contains("--admin-token"),
        "{stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&unset.run.stdout).contains("object"),
        "nothing ran before the token was asked for"
    );
}
