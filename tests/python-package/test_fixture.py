"""The terminus-mock wheel as a Python SDK author uses it: the binary on PATH, the
`terminus_mock` fixture (SPEC.md part 2: the admin plane, the journal, faults), the env for an
SDK's process, and no key in what pytest prints."""
import importlib.metadata
import os
import pathlib
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

import terminus_mock
from terminus_mock import AdminClient, AdminError

# An SDK's process: stdlib urllib trusting SSL_CERT_FILE, the key from TERMINUS_API_KEY.
SDK = """
import os, ssl, sys, urllib.request, urllib.error
request = urllib.request.Request(os.environ["TERMINUS_BASE_URL"] + "/v1/account",
                                 headers={"Authorization": "Bearer " + os.environ["TERMINUS_API_KEY"]})
with urllib.request.urlopen(request, context=ssl.create_default_context(), timeout=10) as r:
    print(r.status)
"""


def get(mock, path, key):
    context = ssl.create_default_context(cafile=mock.ca_path)
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    request = urllib.request.Request(mock.base_url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def mock(terminus_mock):
    terminus_mock.admin.clear()
    return terminus_mock


def test_the_binary_on_path_is_the_wheels_at_its_version():
    venv_bin = pathlib.Path(sys.prefix, "bin")
    assert [shutil.which(tool) for tool in ("cargo", "rustc")] == [None, None], "Rust is on PATH"
    assert shutil.which("terminus-mock") == str(venv_bin / "terminus-mock")
    assert terminus_mock.binary() == str(venv_bin / "terminus-mock")
    shown = subprocess.run(["terminus-mock", "--version"], capture_output=True, text=True, check=True).stdout
    assert importlib.metadata.version("terminus-mock") in shown, shown


def test_the_minted_key_reads_the_account_and_no_key_is_refused(mock):
    assert mock.base_url.startswith("https://127.0.0.1:")
    assert get(mock, "/v1/account", mock.api_key.key) == 200
    assert get(mock, "/v1/account", None) == 401
    assert mock.admin.count(path="/v1/account") == 2
    assert mock.admin.count(path="/v1/account", status="401") == 1
    [entry] = mock.admin.requests(status="2xx")
    assert entry["key"]["name"] == "pytest"


def test_a_revoked_key_is_refused_from_the_next_request(mock):
    minted = mock.admin.mint("to-revoke")
    assert get(mock, "/v1/account", minted.key) == 200
    mock.admin.revoke(minted)
    assert get(mock, "/v1/account", minted.key) == 401
    assert [k["status"] for k in mock.admin.keys() if k["id"] == minted.id] == ["revoked"]


def test_a_fault_answers_then_clear_removes_it_and_the_journal(mock):
    fault = mock.admin.fault({"path": "/v1/account", "times": 1, "respond": {"kind": "status", "status": 503}})
    assert fault["id"]
    assert get(mock, "/v1/account", mock.api_key.key) == 503
    assert get(mock, "/v1/account", mock.api_key.key) == 200
    mock.admin.fault(path="/v1/account", respond={"kind": "status", "status": 429})
    mock.admin.clear()
    assert mock.admin.requests() == [] and mock.admin.faults() == []
    assert get(mock, "/v1/account", mock.api_key.key) == 200


def test_the_env_is_what_an_sdk_process_needs(mock):
    assert set(mock.env) == {"TERMINUS_BASE_URL", "TERMINUS_API_KEY", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
                             "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"}
    assert mock.env["NODE_EXTRA_CA_CERTS"] == mock.ca_path and mock.ca_path.endswith("ca.pem")
    assert mock.env["SSL_CERT_FILE"] == mock.ca_bundle_path
    run = subprocess.run([sys.executable, "-c", SDK], env={"PATH": os.environ["PATH"], **mock.env},
                         capture_output=True, text=True, timeout=30)
    assert (run.returncode, run.stdout.strip()) == (0, "200"), run.stderr
    assert mock.admin.count(key_name="pytest", status="200") == 1


def test_terminus_mock_env_sets_os_environ(terminus_mock_env):
    assert os.environ["TERMINUS_BASE_URL"] == terminus_mock_env.base_url
    assert os.environ["REQUESTS_CA_BUNDLE"] == terminus_mock_env.ca_bundle_path


def test_the_admin_client_refuses_bad_filters_and_non_loopback_hosts(mock):
    with pytest.raises(AdminError) as raised:
        mock.admin.count(colour="red")
    assert raised.value.status == 400 and "colour" in raised.value.message
    with pytest.raises(ValueError, match="loopback"):
        AdminClient("https://example.com:8444", "token", mock.ca_path)
    wrong = AdminClient(mock.admin_url, "not-the-token", mock.ca_path)
    with pytest.raises(AdminError) as raised:
        wrong.keys()
    assert raised.value.status == 401


def test_the_factory_starts_mocks_that_stop_and_share_a_ca_dir(terminus_mock_factory, terminus_mock, tmp_path):
    first = terminus_mock_factory(ca_dir=tmp_path / "ca", key_name=None)
    second = terminus_mock_factory(ca_dir=tmp_path / "ca")
    assert first.api_key is None and "TERMINUS_API_KEY" not in first.env
    assert len({first.base_url, second.base_url, terminus_mock.base_url}) == 3
    assert pathlib.Path(first.ca_path).read_bytes() == pathlib.Path(second.ca_path).read_bytes()
    assert pathlib.Path(second.ca_path).read_bytes() != pathlib.Path(terminus_mock.ca_path).read_bytes()
    assert get(second, "/v1/account", second.api_key.key) == 200
    assert get(second, "/v1/account", terminus_mock.api_key.key) == 401, "each mock has its own keys"
    second.stop()
    assert second.process.poll() is not None
    with pytest.raises(OSError):
        get(second, "/v1/account", None)


def test_a_mock_that_cannot_start_says_why(terminus_mock_factory):
    with pytest.raises(terminus_mock.MockStartError, match="(?s)exited with 2 before it was ready.*--no-such-flag"):
        terminus_mock_factory(args=["--no-such-flag"])


SECRETS_SUITE = """
import pathlib

def test_compares_the_env(terminus_mock):
    pathlib.Path("key.txt").write_text(terminus_mock.api_key.key)
    pathlib.Path("url-1.txt").write_text(terminus_mock.base_url)
    pathlib.Path("pid-1.txt").write_text(str(terminus_mock.pid))
    env, minted, mock = terminus_mock.env, terminus_mock.api_key, terminus_mock
    assert env == {}

def test_compares_the_minted_key(terminus_mock):
    pathlib.Path("url-2.txt").write_text(terminus_mock.base_url)
    pathlib.Path("pid-2.txt").write_text(str(terminus_mock.pid))
    assert terminus_mock.api_key == ("x", "y", "z")

def test_takes_the_ini_args(terminus_mock):
    assert terminus_mock.admin.call("GET", "/v1/requests")["capacity"] == 7
"""


def test_pytest_prints_no_key_and_the_scope_and_args_are_ini_options(pytester):
    pytester.makepyfile(test_leak=SECRETS_SUITE)
    pytester.makeini("[pytest]\nterminus_mock_scope = function\nterminus_mock_args = --journal-size 7\n")
    result = pytester.runpytest_subprocess("-l", "-vv", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2, passed=1)
    key = (pytester.path / "key.txt").read_text()
    printed = result.stdout.str() + result.stderr.str()
    assert "thub_…" + key[-4:] in printed, "the hint is shown"
    # Counted, not listed: this test's own failure must not print the pieces either.
    leaked = sum(key[i:i + 10] in printed for i in range(len(key) - 9))
    assert leaked == 0, f"{leaked} 10-character pieces of the key in pytest's output"
    assert (pytester.path / "url-1.txt").read_text() != (pytester.path / "url-2.txt").read_text()
    for n in (1, 2):
        with pytest.raises(ProcessLookupError):
            os.kill(int((pytester.path / f"pid-{n}.txt").read_text()), 0)  # stopped at teardown
