"""The terminus-conformance wheel as a CI engineer or a Python SDK author uses it: `pip install
terminus-conformance` puts the runner on PATH with no Rust, and it checks a deployment (here the
mock the terminus-mock wheel's fixture started) with the keys from the environment, writing
JUnit, JSON and HTML reports, and printing no piece of a key."""
import importlib.metadata
import json
import os
import pathlib
import shutil
import subprocess
import sys


def test_the_runner_on_path_is_the_wheels_at_its_version():
    venv_bin = pathlib.Path(sys.prefix, "bin")
    assert [shutil.which(tool) for tool in ("cargo", "rustc")] == [None, None], "Rust is on PATH"
    assert shutil.which("terminus-conformance") == str(venv_bin / "terminus-conformance")
    shown = subprocess.run(["terminus-conformance", "--version"], capture_output=True, text=True,
                           check=True).stdout
    version = importlib.metadata.version("terminus-conformance")
    assert shown.startswith(f"terminus-conformance {version} (SPEC "), shown
    assert version == importlib.metadata.version("terminus-mock"), "the two wheels are one release"


def test_the_runner_checks_a_deployment_with_its_secrets_in_the_environment(terminus_mock, tmp_path):
    admin = terminus_mock.admin
    revoked = admin.mint("revoked-for-the-runner")
    admin.revoke(revoked)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "TERMINUS_API_KEY": terminus_mock.api_key.key,
        "TERMINUS_REVOKED_API_KEY": revoked.key,
    }
    reports = {name: tmp_path / name for name in ("junit.xml", "report.json", "report.html")}
    run = subprocess.run(
        ["terminus-conformance", "--target", terminus_mock.base_url, "--ca-cert", terminus_mock.ca_path,
         "--cases", "16", "--seed", "7",
         "--junit", str(reports["junit.xml"]), "--report", str(reports["report.json"]),
         "--html", str(reports["report.html"])],
        env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "test result: ok." in run.stdout
    report = json.loads(reports["report.json"].read_text())
    assert report["summary"]["fail"] == 0
    assert report["summary"]["pass"] > 200, report["summary"]
    assert report["run"]["seed"] == "7"
    assert "<testsuites" in reports["junit.xml"].read_text()
    assert reports["report.html"].read_text().lstrip().lower().startswith("<!doctype html")
    shown = run.stdout + run.stderr + "".join(p.read_text() for p in reports.values())
    for key in (terminus_mock.api_key.key, revoked.key):
        secret = key.removeprefix("thub_")
        pieces = {secret[i:i + 10] for i in range(len(secret) - 9)}
        assert not [p for p in pieces if p in shown], "a 10-character piece of a key was printed"
