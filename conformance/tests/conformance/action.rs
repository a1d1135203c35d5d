//! The GitHub Action (`action.yml` at the repository root; issue 19, item 3) stays true: its
//! steps run here as a runner runs a composite action, in both modes. Each step's `if:` is
//! evaluated (`always()`, `success()`, `inputs.X == 'v'`), its `env:` filled from the inputs,
//! its `run:` run with `bash -e -o pipefail` and GitHub's files (`GITHUB_ENV`, `GITHUB_OUTPUT`,
//! `GITHUB_PATH`, `GITHUB_ACTION_PATH` = the repository); the install step meets a stand-in
//! `cargo` that records what it was asked to install and links the built binary there, so the
//! later steps run the tools from where the action put them (or it finds them on the job's
//! PATH at the action's version, and builds nothing). `actions/upload-artifact` steps
//! are GitHub's: the files they name must exist. The recipes in `examples/ci/` that `uses:` the
//! action run it through [`run_action`] (recipes.rs).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::recipes::{
    bash, bin_dir, kill_background_mocks, repo, the_secrets, workspace, Target, Tools,
};

/// What a run of the action did.
pub(super) struct ActionRun {
    /// The exit status of the first step that failed, if one did.
    pub failed: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The action's `outputs:`, resolved from its steps' `GITHUB_OUTPUT`.
    pub outputs: BTreeMap<String, String>,
    /// The files the upload step named (each checked to exist).
    pub uploaded: Vec<PathBuf>,
    /// What the install step asked `cargo` for, one line per call.
    pub cargo_calls: String,
}

fn action() -> Value {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("action.yml: {e}"))
}

/// `${{ inputs.NAME }}` filled in; any other expression is a failure (the test would not
/// know its value).
fn expand(text: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in inputs {
        out = out.replace(&format!("${{{{ inputs.{name} }}}}"), value);
    }
    assert!(
        !out.contains("${{"),
        "action.yml: an expression this test cannot fill: {out}"
    );
    out
}

/// A step's `if:` (absent: `success()`).
fn condition(expr: Option<&str>, inputs: &BTreeMap<String, String>, failed: bool) -> bool {
    let (mut always, mut holds) = (false, true);
    for term in expr.into_iter().flat_map(|e| e.split("&&")).map(str::trim) {
        if term == "always()" {
            always = true;
        } else if term != "success()" {
            let (left, right) = term.split_once("==").unwrap_or_else(|| {
                panic!("action.yml: a condition this test does not evaluate: {term}")
            });
            let name = left
                .trim()
                .strip_prefix("inputs.")
                .expect("a condition on an input");
            holds &= inputs[name] == right.trim().trim_matches('\'');
        }
    }
    holds && (always || !failed)
}

/// The stand-in `cargo`: logs its arguments, and for `install --path P --root R` links the
/// built binary of P's package into R/bin, as the real install would put it there.
fn fake_cargo(dir: &Path) -> (PathBuf, PathBuf) {
    let bin = dir.join("fake-cargo");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("cargo-calls.log");
    let script = format!(
        "#!/usr/bin/env bash\necho \"$*\" >>'{log}'\n\
         while [ $# -gt 0 ]; do case \"$1\" in --path) p=\"$2\"; shift ;; --root) r=\"$2\"; shift ;; esac; shift; done\n\
         name=$(sed -n 's/^name = \"\\(.*\\)\"/\\1/p' \"$p/Cargo.toml\" | head -n1)\n\
         mkdir -p \"$r/bin\" && ln -sf '{bins}'/\"$name\" \"$r/bin/$name\"\n",
        log = log.display(),
        bins = bin_dir().display(),
    );
    std::fs::write(bin.join("cargo"), script).unwrap();
    std::process::Command::new("chmod")
        .args(["+x"])
        .arg(bin.join("cargo"))
        .status()
        .unwrap();
    (bin, log)
}

/// Runs action.yml with the inputs `with` (unknown inputs refused, defaults filled) in `work`,
/// `env` the job's environment (what the steps add to GITHUB_ENV is added to it; its
/// `PIP_*` variables are `tools`' index unless it names its own), `tools` where the install
/// step finds them (the stand-in `cargo` only for [`Tools::Built`]).
pub(super) fn run_action(
    with: &BTreeMap<String, String>,
    env: &mut BTreeMap<String, String>,
    work: &Path,
    temp: &Path,
    tools: &Tools,
) -> ActionRun {
    for (k, v) in tools.job_env(temp) {
        env.entry(k).or_insert(v);
    }
    let action = action();
    assert_eq!(action["runs"]["using"], "composite");
    let mut inputs = BTreeMap::new();
    for (name, spec) in action["inputs"].as_object().unwrap() {
        inputs.insert(
            name.clone(),
            spec["default"].as_str().unwrap_or_default().to_owned(),
        );
    }
    for (name, value) in with {
        assert!(inputs.contains_key(name), "action.yml has no input {name}");
        inputs.insert(name.clone(), value.clone());
    }
    let files = temp.join("github");
    std::fs::create_dir_all(&files).unwrap();
    let (cargo_dir, cargo_log) = fake_cargo(temp);
    let (github_env, github_path) = (files.join("env"), files.join("path"));
    std::fs::write(&github_env, "").unwrap();
    std::fs::write(&github_path, "").unwrap();
    let mut run = ActionRun {
        failed: None,
        stdout: String::new(),
        stderr: String::new(),
        outputs: BTreeMap::new(),
        uploaded: Vec::new(),
        cargo_calls: String::new(),
    };
    let mut step_outputs = BTreeMap::new();
    for (i, step) in action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        let name = step["name"].as_str().unwrap_or_default();
        if !condition(step["if"].as_str(), &inputs, run.failed.is_some()) {
            continue;
        }
        if let Some(uses) = step["uses"].as_str() {
            assert!(
                uses.starts_with("actions/upload-artifact@"),
                "{name}: uses {uses}"
            );
            let paths = expand(step["with"]["path"].as_str().unwrap(), &inputs);
            for path in paths.lines().map(str::trim).filter(|l| !l.is_empty()) {
                // upload-artifact warns of a missing file (`if-no-files-found: warn`); here a
                // run whose steps all passed must have written every one.
                if work.join(path).exists() {
                    run.uploaded.push(work.join(path));
                } else {
                    assert!(run.failed.is_some(), "{name}: {path} was not written");
                }
            }
            continue;
        }
        assert_eq!(
            step["shell"], "bash",
            "{name}: a composite step names its shell"
        );
        let script = step["run"].as_str().unwrap();
        assert!(
            !script.contains("${{"),
            "{name}: an expression inside run: is a script injection; pass it through env:"
        );
        let mut step_env = env.clone();
        for (k, v) in step["env"].as_object().into_iter().flatten() {
            step_env.insert(k.clone(), expand(v.as_str().unwrap(), &inputs));
        }
        // GITHUB_PATH's entries first; then the stand-in cargo (built tools) and the job's PATH.
        let mut rest = job_path(env);
        if let Tools::Built = tools {
            rest = format!("{}:{rest}", cargo_dir.display());
        }
        let path = github_path_first(&github_path, rest);
        let output_file = files.join(format!("output-{i}"));
        std::fs::write(&output_file, "").unwrap();
        for (k, v) in [
            ("PATH", path),
            ("GITHUB_ENV", github_env.display().to_string()),
            ("GITHUB_PATH", github_path.display().to_string()),
            ("GITHUB_OUTPUT", output_file.display().to_string()),
            ("GITHUB_ACTION_PATH", repo().display().to_string()),
            ("RUNNER_TEMP", temp.display().to_string()),
        ] {
            step_env.insert(k.to_owned(), v);
        }
        let out = bash(script, work, &step_env);
        run.stdout += &String::from_utf8_lossy(&out.stdout);
        run.stderr += &String::from_utf8_lossy(&out.stderr);
        if !out.status.success() && run.failed.is_none() {
            run.failed = Some(out.status.code().unwrap_or(-1));
        }
        env.extend(github_pairs(&github_env));
        if let Some(id) = step["id"].as_str() {
            for (k, v) in github_pairs(&output_file) {
                step_outputs.insert(format!("${{{{ steps.{id}.outputs.{k} }}}}"), v);
            }
        }
    }
    for (name, spec) in action["outputs"].as_object().into_iter().flatten() {
        if let Some(value) = step_outputs.get(spec["value"].as_str().unwrap()) {
            run.outputs.insert(name.clone(), value.clone());
        }
    }
    // GitHub's $GITHUB_PATH: what the action added is on the PATH of the job's later steps.
    if !std::fs::read_to_string(&github_path).unwrap().is_empty() {
        let path = github_path_first(&github_path, job_path(env));
        env.insert("PATH".into(), path);
    }
    run.cargo_calls = std::fs::read_to_string(cargo_log).unwrap_or_default();
    run
}

/// The `NAME=value` lines of one of GitHub's files (`GITHUB_ENV`, `GITHUB_OUTPUT`), in order.
pub(super) fn github_pairs(file: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The job's PATH: its environment's, else this machine's.
fn job_path(env: &BTreeMap<String, String>) -> String {
    env.get("PATH")
        .cloned()
        .unwrap_or_else(|| std::env::var("PATH").unwrap_or_default())
}

/// `rest` with the directories added to `GITHUB_PATH` in front, the newest first, as GitHub
/// builds each later step's PATH.
fn github_path_first(github_path: &Path, rest: String) -> String {
    let text = std::fs::read_to_string(github_path).unwrap();
    text.lines()
        .rev()
        .chain(std::iter::once(rest.as_str()))
        .collect::<Vec<_>>()
        .join(":")
}

fn inputs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The job's environment of a conformance run: the secrets, and the local target's CA where
/// the system store would hold a real deployment's.
fn conformance_env(target: &Target) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = the_secrets(target)
        .into_iter()
        .filter(|(name, _)| *name != "TERMINUS_TARGET")
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    env.insert("SSL_CERT_FILE".into(), target.ca.display().to_string());
    env
}

fn install_call(run: &ActionRun, dir: &str) {
    let wanted = format!(
        "install --locked --quiet --path {}/{dir} --root ",
        repo().display()
    );
    assert!(
        run.cargo_calls.contains(&wanted),
        "cargo was asked:\n{}",
        run.cargo_calls
    );
}

#[test]
fn the_action_checks_a_target_and_uploads_its_reports() {
    let (work, temp) = workspace("action-conformance");
    let target = Target::start(&temp);
    let mut env = conformance_env(&target);
    let key = env["TERMINUS_API_KEY"].clone();
    let with = inputs(&[("target", &target.url), ("args", "--seed 7 --timeout 5")]);
    let run = run_action(&with, &mut env, &work, &temp, &Tools::Built);
    assert_eq!(run.failed, None, "{}\n{}", run.stdout, run.stderr);
    // from: auto, and the index has no terminus-conformance 0.2.0: built from the checkout.
    assert!(
        run.stdout.contains(&format!(
            "::notice::terminus-conformance {} is not on the package index; building it from this action's checkout with cargo",
            env!("CARGO_PKG_VERSION")
        )),
        "{}",
        run.stdout
    );
    install_call(&run, "conformance");
    assert_eq!(
        run.cargo_calls.lines().count(),
        1,
        "only the runner: {}",
        run.cargo_calls
    );
    let names: Vec<_> = run
        .uploaded
        .iter()
        .map(|p| p.file_name().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["junit.xml", "report.json", "report.html"]);
    let report: Value =
        serde_json::from_slice(&std::fs::read(work.join("terminus-reports/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["summary"]["fail"], 0, "the local target passes");
    assert!(report["cases"].as_array().unwrap().len() > 200);
    assert_eq!(report["run"]["seed"], "7", "args reach the runner");
    for shown in [&run.stdout, &run.stderr] {
        assert!(
            !shown.contains(&key[5..15]),
            "a piece of the key was printed"
        );
    }
    drop(target);
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

#[test]
fn the_action_uploads_the_reports_of_a_run_that_fails() {
    let (work, temp) = workspace("action-unreachable");
    let target = Target::start(&temp);
    let mut env = conformance_env(&target);
    drop(target); // nothing listens there any more
                  // A runner that has this version of the tools already: nothing is built.
    let system = std::env::var("PATH").unwrap_or_default();
    env.insert("PATH".into(), format!("{}:{system}", bin_dir().display()));
    let with = inputs(&[("target", "https://127.0.0.1:9"), ("reports", "out/r")]);
    let run = run_action(&with, &mut env, &work, &temp, &Tools::Built);
    assert_eq!(
        run.failed,
        Some(3),
        "unreachable: exit 3\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(
        run.cargo_calls, "",
        "terminus-conformance 0.2.0 was on PATH already"
    );
    assert!(
        run.stdout.contains("is this action's version"),
        "{}",
        run.stdout
    );
    assert_eq!(run.uploaded.len(), 3, "the upload step ran (if: always())");
    assert!(work.join("out/r/report.json").exists());
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

#[test]
fn the_action_starts_the_mock_for_an_sdk_job() {
    let (work, temp) = workspace("action-mock");
    let mut env = BTreeMap::new();
    let run = run_action(
        &inputs(&[("mode", "mock"), ("key-name", "sdk \"ci\"")]),
        &mut env,
        &work,
        &temp,
        &Tools::Built,
    );
    assert_eq!(run.failed, None, "{}\n{}", run.stdout, run.stderr);
    install_call(&run, "mock-server");
    for name in [
        "TERMINUS_BASE_URL",
        "TERMINUS_ADMIN_URL",
        "TERMINUS_API_KEY",
        "TERMINUS_CA_PATH",
        "NODE_EXTRA_CA_CERTS",
        "SSL_CERT_FILE",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        "TERMINUS_MOCK_JOURNAL",
    ] {
        assert!(env.contains_key(name), "{name} not exported: {env:?}");
    }
    assert_eq!(run.outputs["base-url"], env["TERMINUS_BASE_URL"]);
    assert_eq!(run.outputs["ca-path"], env["TERMINUS_CA_PATH"]);
    for secret in ["TERMINUS_API_KEY", "TERMINUS_ADMIN_TOKEN"] {
        let mask = format!("::add-mask::{}\n", env[secret]);
        assert!(
            run.stdout.contains(&mask),
            "{secret} is not masked:\n{}",
            run.stdout
        );
    }
    // A later step of the job: the SDK's tests, with what the action exported.
    let check = bash(
        "curl -sS --fail-with-body -H @<(printf 'Authorization: Bearer %s\\n' \"$TERMINUS_API_KEY\") \"$TERMINUS_BASE_URL/v1/account\"\n\
         curl -sS --fail-with-body -H @<(printf 'Authorization: Bearer %s\\n' \"$TERMINUS_ADMIN_TOKEN\") \"$TERMINUS_ADMIN_URL/v1/keys\"",
        &work,
        &env,
    );
    let answered = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{answered}\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(answered.contains(r#""object":"account""#), "{answered}");
    assert!(
        answered.contains(r#""name":"sdk \"ci\"""#),
        "the key's name, as given: {answered}"
    );
    kill_background_mocks(&temp);
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

#[test]
fn the_action_refuses_a_mode_it_does_not_have() {
    let (work, temp) = workspace("action-mode");
    let run = run_action(
        &inputs(&[("mode", "mocks")]),
        &mut BTreeMap::new(),
        &work,
        &temp,
        &Tools::Built,
    );
    assert_eq!(run.failed, Some(2));
    assert!(
        run.stdout
            .contains("mode is `conformance` or `mock`, not `mocks`"),
        "{}",
        run.stdout
    );
    assert!(run.cargo_calls.is_empty() && run.uploaded.is_empty());
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

/// The tools the action installed: where `command -v` finds each on the job's PATH (the
/// action's `GITHUB_PATH` entry first), and what `--version` says.
fn installed(tool: &str, env: &BTreeMap<String, String>, work: &Path) -> (String, String) {
    let out = bash(
        &format!("readlink -f \"$(command -v {tool})\"; {tool} --version"),
        work,
        env,
    );
    assert!(
        out.status.success(),
        "{tool}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let (resolved, version) = text.split_once('\n').unwrap();
    (resolved.to_owned(), version.trim().to_owned())
}

#[test]
#[ignore = "needs the wheels: make test-action-wheels"]
fn from_the_wheels_with_no_rust_the_action_checks_a_target() {
    let tools = Tools::wheels();
    let (work, temp) = workspace("action-wheels-conformance");
    let target = Target::start(&temp);
    let mut env = conformance_env(&target);
    let key = env["TERMINUS_API_KEY"].clone();
    // from: auto, and the package index (the wheels, as PyPI holds them once released) has
    // this version: pip installs it, no cargo is asked (there is none on PATH).
    let with = inputs(&[("target", &target.url), ("args", "--seed 7 --timeout 5")]);
    let run = run_action(&with, &mut env, &work, &temp, &tools);
    assert_eq!(run.failed, None, "{}\n{}", run.stdout, run.stderr);
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        run.stdout.contains(&format!(
            "terminus-conformance {version}: installed from the package index"
        )),
        "{}",
        run.stdout
    );
    assert_eq!(run.cargo_calls, "", "no cargo");
    let (resolved, shown) = installed("terminus-conformance", &env, &work);
    assert!(
        resolved.starts_with(&temp.join("terminus/venv").display().to_string()),
        "the wheel's binary, in the action's venv: {resolved}"
    );
    assert!(
        shown.starts_with(&format!("terminus-conformance {version} (SPEC ")),
        "{shown}"
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(work.join("terminus-reports/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["summary"]["fail"], 0, "the local target passes");
    assert!(report["cases"].as_array().unwrap().len() > 200);
    assert_eq!(run.uploaded.len(), 3);
    for shown in [&run.stdout, &run.stderr] {
        assert!(
            !shown.contains(&key[5..15]),
            "a piece of the key was printed"
        );
    }
    drop(target);
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

#[test]
#[ignore = "needs the wheels: make test-action-wheels"]
fn from_a_directory_of_wheels_the_action_starts_the_mock_and_installs_the_runner() {
    let Tools::Wheels(wheels) = Tools::wheels() else {
        unreachable!()
    };
    let (work, temp) = workspace("action-wheels-mock");
    // The index has nothing: only `from`'s directory can give the tools.
    let empty = temp.join("nothing-here");
    std::fs::create_dir_all(&empty).unwrap();
    let mut env = BTreeMap::from([("PIP_FIND_LINKS".to_owned(), empty.display().to_string())]);
    let with = inputs(&[
        ("mode", "mock"),
        ("install", "terminus-mock terminus-conformance"),
        ("from", &wheels.display().to_string()),
    ]);
    let run = run_action(
        &with,
        &mut env,
        &work,
        &temp,
        &Tools::Wheels(wheels.clone()),
    );
    assert_eq!(run.failed, None, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.cargo_calls, "", "no cargo");
    let version = env!("CARGO_PKG_VERSION");
    for tool in ["terminus-mock", "terminus-conformance"] {
        assert!(
            run.stdout.contains(&format!(
                "{tool} {version}: installed from the wheels in {}",
                wheels.display()
            )),
            "{}",
            run.stdout
        );
        let (resolved, shown) = installed(tool, &env, &work);
        assert!(
            resolved.starts_with(&temp.join("terminus/venv").display().to_string()),
            "{resolved}"
        );
        assert!(shown.starts_with(&format!("{tool} {version}")), "{shown}");
    }
    // The SDK's job, with what the action exported: the mock from the wheel answers.
    let check = bash(
        "curl -sS --fail-with-body -H @<(printf 'Authorization: Bearer %s\\n' \"$TERMINUS_API_KEY\") \"$TERMINUS_BASE_URL/v1/account\"",
        &work,
        &env,
    );
    let answered = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success() && answered.contains(r#""object":"account""#),
        "{answered}"
    );
    kill_background_mocks(&temp);
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

#[test]
fn from_pypi_a_version_the_index_does_not_have_is_an_error_that_says_what_to_do() {
    let (work, temp) = workspace("action-pypi-missing");
    let run = run_action(
        &inputs(&[("target", "https://127.0.0.1:9"), ("from", "pypi")]),
        &mut BTreeMap::new(),
        &work,
        &temp,
        &Tools::Built,
    );
    assert_eq!(run.failed, Some(1), "{}\n{}", run.stdout, run.stderr);
    let said = format!(
        "::error::terminus-conformance: pip could not install terminus-conformance=={} from the package index (its output above); with a Rust toolchain on the runner, from: source builds it from this action's checkout",
        env!("CARGO_PKG_VERSION")
    );
    assert!(run.stdout.contains(&said), "{}", run.stdout);
    assert_eq!(run.cargo_calls, "", "from: pypi never builds");
    assert_eq!(
        run.uploaded.len(),
        0,
        "no reports: the runner never ran (the check step did not)"
    );
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}

#[test]
fn from_source_builds_from_the_checkout_and_from_a_missing_directory_is_refused() {
    let (work, temp) = workspace("action-from");
    let mut env = BTreeMap::new();
    let run = run_action(
        &inputs(&[("mode", "mock"), ("from", "source")]),
        &mut env,
        &work,
        &temp,
        &Tools::Built,
    );
    assert_eq!(run.failed, None, "{}\n{}", run.stdout, run.stderr);
    install_call(&run, "mock-server");
    assert!(
        !temp.join("terminus/venv").exists(),
        "from: source makes no venv"
    );
    kill_background_mocks(&temp);

    let (work, temp) = workspace("action-from-missing");
    let run = run_action(
        &inputs(&[("from", "/nonexistent/wheels")]),
        &mut BTreeMap::new(),
        &work,
        &temp,
        &Tools::Built,
    );
    assert_eq!(run.failed, Some(2), "{}", run.stdout);
    assert!(
        run.stdout.contains("from is `auto`, `pypi`, `source` or a directory of wheels; /nonexistent/wheels is none of them (no such directory)"),
        "{}",
        run.stdout
    );
    assert_eq!(run.cargo_calls, "");
    let _ = std::fs::remove_dir_all(temp.parent().unwrap());
}
