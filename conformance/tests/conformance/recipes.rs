//! The CI recipes of `examples/ci/` stay true: every shell step of `github-actions.yml` and every
//! job script of `gitlab-ci.yml` runs here, in order, with `bash -e`, the built binaries first
//! on `PATH`: the SDK job against the mock it starts itself, the conformance job against a local
//! target (a terminus-mock binary with its built-in test-only keys as the "secrets"). A step
//! that `uses:` the repository's action runs the action's steps (action.rs); GitHub's other
//! `uses:` steps are GitHub's. The tools come from the built workspace ([`Tools::Built`]: the
//! steps that fetch them, `pip install ...`, are skipped) or, under `make test-action-wheels`,
//! from the wheels as the package index with no Rust on `PATH` ([`Tools::Wheels`]: every line
//! runs). The artifacts each recipe uploads must exist afterwards.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::action;

pub(super) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

pub(super) fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_terminus-conformance"))
        .parent()
        .unwrap()
        .to_owned()
}

fn yaml(name: &str) -> Value {
    let text = std::fs::read_to_string(repo().join("examples/ci").join(name)).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("examples/ci/{name}: {e}"))
}

/// A local "deployment": the mock binary with its CA kept in `dir`.
pub(super) struct Target {
    child: Child,
    pub(super) url: String,
    pub(super) ca: PathBuf,
}

impl Target {
    pub(super) fn start(dir: &Path) -> Target {
        let ready = dir.join("target-ready.json");
        let ca_dir = dir.join("target-ca");
        let child = Command::new(bin_dir().join("terminus-mock"))
            .args([
                "--listen",
                "127.0.0.1:0",
                "--admin-listen",
                "127.0.0.1:0",
                "--no-mint",
            ])
            .arg("--ca-dir")
            .arg(&ca_dir)
            .arg("--ready-file")
            .arg(&ready)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the mock binary is built (test-rust builds the workspace)");
        let info = wait_for(&ready);
        Target {
            child,
            url: info["public_url"].as_str().unwrap().to_owned(),
            ca: ca_dir.join("ca.pem"),
        }
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(path: &Path) -> Value {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(text) = std::fs::read_to_string(path) {
            if let Ok(value) = serde_json::from_str(&text) {
                return value;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{} never appeared", path.display());
}

/// Kills the mocks a recipe started in the background (their ready files name their pids).
pub(super) fn kill_background_mocks(dir: &Path) {
    for entry in walk(dir) {
        if entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with("ready.json"))
            && !entry.ends_with("target-ready.json")
        {
            if let Some(pid) = wait_for(&entry)["pid"].as_u64() {
                let _ = Command::new("kill").arg(pid.to_string()).status();
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Where a recipe's tools come from.
#[derive(Clone)]
pub(super) enum Tools {
    /// The workspace's built binaries, first on `PATH`; install steps are skipped, and the
    /// action's install step falls back to a stand-in `cargo` that links them (its index is
    /// empty).
    Built,
    /// The wheels `make wheels` built, as the package index (`PIP_NO_INDEX`, `PIP_FIND_LINKS`:
    /// what `pip install terminus-conformance==VERSION` finds on PyPI once released), and no
    /// cargo, rustc or built binary on `PATH`: the install steps run for real.
    Wheels(PathBuf),
}

impl Tools {
    /// The wheels of `TERMINUS_WHEELS` (`make test-action-wheels` sets it).
    pub(super) fn wheels() -> Tools {
        let dir = std::env::var_os("TERMINUS_WHEELS").map(PathBuf::from).expect(
            "TERMINUS_WHEELS names the directory of the built wheels: run `make test-action-wheels`",
        );
        let found = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "whl"))
                    .count()
            })
            .unwrap_or(0);
        assert!(
            found >= 2,
            "{}: no wheels (make wheels builds them)",
            dir.display()
        );
        Tools::Wheels(dir)
    }

    /// The job's environment for these tools: the package index pip sees (never the network
    /// in a test), and for wheels a `PATH` without Rust or the workspace's binaries.
    pub(super) fn job_env(&self, temp: &Path) -> BTreeMap<String, String> {
        let mut env = BTreeMap::from([("PIP_NO_INDEX".to_owned(), "1".to_owned())]);
        match self {
            Tools::Built => {
                let empty = temp.join("empty-index");
                std::fs::create_dir_all(&empty).unwrap();
                env.insert("PIP_FIND_LINKS".into(), empty.display().to_string());
            }
            Tools::Wheels(dir) => {
                env.insert("PIP_FIND_LINKS".into(), dir.display().to_string());
                env.insert("PATH".into(), no_rust_path());
            }
        }
        env
    }
}

/// This machine's `PATH` without any directory that holds cargo, rustc or the workspace's
/// built binaries: a CI runner that has only what a pip install gave it.
pub(super) fn no_rust_path() -> String {
    let built = bin_dir();
    std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .filter(|dir| {
            let dir = Path::new(dir);
            !dir.as_os_str().is_empty()
                && dir != built
                && !["cargo", "rustc", "terminus-mock", "terminus-conformance"]
                    .iter()
                    .any(|tool| dir.join(tool).exists())
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// A fresh working directory with the repository's `examples/` (the smoke programs the
/// recipes grade), and a scratch directory for `RUNNER_TEMP`/`mktemp`.
pub(super) fn workspace(name: &str) -> (PathBuf, PathBuf) {
    let base = super::runner::scratch(&format!("recipes-{name}"));
    let (work, temp) = (base.join("work"), base.join("tmp"));
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&temp).unwrap();
    std::os::unix::fs::symlink(repo().join("examples"), work.join("examples")).unwrap();
    (work, temp)
}

pub(super) fn bash(
    script: &str,
    cwd: &Path,
    env: &BTreeMap<String, String>,
) -> std::process::Output {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .args(["-e", "-o", "pipefail", "-c", script])
        .current_dir(cwd);
    // A CI machine's environment, not this one's: no CA or key variables left over.
    for name in [
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        "NODE_EXTRA_CA_CERTS",
        "TERMINUS_API_KEY",
        "TERMINUS_REVOKED_API_KEY",
        "TERMINUS_SECOND_API_KEY",
        "TERMINUS_ADMIN_TOKEN",
    ] {
        command.env_remove(name);
    }
    command.env("PATH", path).envs(env).output().unwrap()
}

/// How examples/ci/github-actions.yml names the repository's action (action.yml).
const THE_ACTION: &str = "terminus-conformance/terminus-conformance@";

/// A YAML scalar as GitHub passes an input: a string.
fn scalar(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// `${{ vars.X }}` / `${{ secrets.X }}` filled from `values`.
fn fill(text: &str, values: &BTreeMap<&str, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in values {
        for kind in ["vars", "secrets"] {
            out = out.replace(&format!("${{{{ {kind}.{name} }}}}"), value);
        }
    }
    out
}

pub(super) fn the_secrets(target: &Target) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("TERMINUS_TARGET", target.url.clone()),
        // contract/fixtures/keys.json: public, test-only keys only the mock accepts.
        (
            "TERMINUS_API_KEY",
            "thub_TESTONLYactive1NotARealKey0000000001".to_owned(),
        ),
        (
            "TERMINUS_REVOKED_API_KEY",
            "thub_TESTONLYrevoked1NotARealKey000000003".to_owned(),
        ),
    ])
}

#[test]
fn the_github_actions_recipe_runs() {
    github_recipe("github", &Tools::Built);
}

#[test]
#[ignore = "needs the wheels: make test-action-wheels"]
fn from_the_wheels_the_github_actions_recipe_runs_with_no_rust() {
    github_recipe("github-wheels", &Tools::wheels());
}

fn github_recipe(name: &str, tools: &Tools) {
    let (work, temp) = workspace(name);
    let target = Target::start(&temp);
    let secrets = the_secrets(&target);
    let recipe = yaml("github-actions.yml");
    let jobs = recipe["jobs"].as_object().expect("jobs");
    assert!(jobs.contains_key("sdk-tests") && jobs.contains_key("conformance"));
    let mut ran = 0;
    for (job_name, job) in jobs {
        let github_env = temp.join(format!("{job_name}.env"));
        std::fs::write(&github_env, "").unwrap();
        let mut env = tools.job_env(&temp);
        env.extend([
            ("RUNNER_TEMP".to_owned(), temp.display().to_string()),
            ("GITHUB_ENV".to_owned(), github_env.display().to_string()),
            // The local target's CA, as the system store would hold a real deployment's.
            ("SSL_CERT_FILE".to_owned(), target.ca.display().to_string()),
        ]);
        for (name, value) in job["env"].as_object().into_iter().flatten() {
            env.insert(name.clone(), fill(value.as_str().unwrap(), &secrets));
        }
        for step in job["steps"].as_array().unwrap() {
            let name = step["name"].as_str().unwrap_or_default();
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with(THE_ACTION))
            {
                // The repository's own action (action.yml), its steps run as GitHub runs them.
                let with = step["with"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), fill(&scalar(v), &secrets)))
                    .collect();
                let run = action::run_action(&with, &mut env, &work, &temp, tools);
                assert_eq!(
                    run.failed, None,
                    "{job_name} / {name}: the action failed\n--- stdout\n{}\n--- stderr\n{}",
                    run.stdout, run.stderr
                );
                ran += 1;
                continue;
            }
            let Some(run) = step["run"].as_str() else {
                continue;
            };
            if name.starts_with("Install") {
                continue;
            }
            let out = bash(run, &work, &env);
            assert!(
                out.status.success(),
                "{job_name} / {name}: exit {:?}\n{run}\n--- stdout\n{}\n--- stderr\n{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            ran += 1;
            // GitHub's $GITHUB_ENV: what a step writes there is in the next steps' environment.
            env.extend(action::github_pairs(&github_env));
        }
        for step in job["steps"].as_array().unwrap() {
            if step["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact"))
            {
                for artifact in step["with"]["path"]
                    .as_str()
                    .unwrap()
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                {
                    assert!(
                        work.join(artifact.trim()).exists(),
                        "{job_name}: artifact {artifact} was not written"
                    );
                }
            }
        }
    }
    assert!(ran >= 5, "{ran} steps ran");
    kill_background_mocks(&temp);
    let report: Value =
        serde_json::from_slice(&std::fs::read(work.join("reports/report.json")).unwrap()).unwrap();
    assert_eq!(report["summary"]["fail"], 0, "the local target passes");
    assert!(report["cases"].as_array().unwrap().len() > 200);
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

#[test]
fn the_gitlab_recipe_runs() {
    gitlab_recipe("gitlab", &Tools::Built);
}

#[test]
#[ignore = "needs the wheels: make test-action-wheels"]
fn from_the_wheels_the_gitlab_recipe_runs_with_no_rust() {
    gitlab_recipe("gitlab-wheels", &Tools::wheels());
}

fn gitlab_recipe(name: &str, tools: &Tools) {
    let (work, temp) = workspace(name);
    let target = Target::start(&temp);
    let secrets = the_secrets(&target);
    let recipe = yaml("gitlab-ci.yml");
    for job_name in ["sdk-tests", "conformance"] {
        let job = &recipe[job_name];
        let image = job["image"].as_str().unwrap_or_default();
        assert!(
            image.starts_with("python:"),
            "{job_name}: the job installs the wheels with pip, in a Python image (not {image})"
        );
        let mut env = tools.job_env(&temp);
        env.extend([
            ("TMPDIR".to_owned(), temp.display().to_string()),
            ("SSL_CERT_FILE".to_owned(), target.ca.display().to_string()),
        ]);
        if let Tools::Wheels(_) = tools {
            // The image's Python: a venv of the job's own, first on PATH (its pip and what
            // pip installs there), as `python:3.x`'s /usr/local/bin is.
            let image = temp.join(format!("{job_name}-image"));
            let made = Command::new("python3")
                .arg("-m")
                .arg("venv")
                .arg(&image)
                .status()
                .unwrap();
            assert!(made.success(), "python3 -m venv");
            env.insert(
                "PATH".into(),
                format!("{}:{}", image.join("bin").display(), env["PATH"]),
            );
        }
        for (name, value) in job["variables"].as_object().into_iter().flatten() {
            env.insert(name.clone(), value.as_str().unwrap().to_owned());
        }
        // GitLab's masked CI/CD variables.
        for (name, value) in &secrets {
            env.entry(name.to_string()).or_insert_with(|| value.clone());
        }
        let script: Vec<&str> = job["script"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .filter(|line| match tools {
                // The built binaries are on PATH already.
                Tools::Built => !line.starts_with("pip install"),
                Tools::Wheels(_) => true,
            })
            .collect();
        assert!(
            job["script"][0]
                .as_str()
                .is_some_and(|l| l.starts_with("pip install ")),
            "{job_name}: the script starts by installing the tools with pip"
        );
        let out = bash(&script.join("\n"), &work, &env);
        assert!(
            out.status.success(),
            "{job_name}: exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for artifact in job["artifacts"]["paths"].as_array().unwrap() {
            let artifact = artifact.as_str().unwrap();
            assert!(
                work.join(artifact).exists(),
                "{job_name}: artifact {artifact} was not written"
            );
        }
    }
    kill_background_mocks(&temp);
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

/// The recipe and the README pin the action of this repository (Cargo.toml's `repository`) at
/// the tag of this version: a release that bumps the version bumps what users copy.
#[test]
fn the_action_is_pinned_at_this_repository_and_version() {
    let cargo = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let field = |name: &str| {
        cargo
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name} = \"")))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("Cargo.toml has no {name}"))
            .to_owned()
    };
    let repository = field("repository");
    let name = repository.strip_prefix("https://github.com/").unwrap();
    assert_eq!(format!("{name}@"), THE_ACTION, "Cargo.toml's repository");
    let pinned = format!("uses: {THE_ACTION}v{}", field("version"));
    for file in ["examples/ci/github-actions.yml", "README.md"] {
        let text = std::fs::read_to_string(repo().join(file)).unwrap();
        let uses: Vec<&str> = text
            .lines()
            .map(|l| l.trim().trim_start_matches("- "))
            .filter(|l| l.starts_with(&format!("uses: {THE_ACTION}")))
            .collect();
        assert!(!uses.is_empty(), "{file} does not use the action");
        for line in uses {
            assert_eq!(line, pinned, "{file}");
        }
    }
}
