"""Starting and stopping the terminus-mock binary for a test suite (SPEC.md part 2: the mock's
admin plane and ready file).

`start()` runs the binary the wheel installed beside this interpreter on free loopback ports
(`--listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --redirect-listen 127.0.0.1:0`), with a CA
directory (`--ca-dir`), an admin token of its own passed through the environment (never on the
command line, where `ps` shows it) and no key minted at start-up (`--no-mint`: the banner then
prints no secret). It waits for the ready file, mints one key for the SDK under test (KEY-1)
and hands back a `TerminusMock`: the URLs, the CA files, `env` for the SDK's process and
`admin`. Nothing here prints a key: every repr shows a key's last four characters at most.
"""
import json
import os
import pathlib
import secrets
import shutil
import subprocess
import sysconfig
import tempfile
import time

from .admin import AdminClient, hint

__all__ = ["MockStartError", "TerminusMock", "binary", "start"]

# How long a start may take: the first start of a CA directory makes the CA.
START_TIMEOUT = 30.0


class MockStartError(RuntimeError):
    """terminus-mock did not start: the message says why and ends with its log."""


def binary():
    """The terminus-mock to run: $TERMINUS_MOCK, else the one this wheel installed beside the
    interpreter (the venv's bin/), else the first on PATH."""
    given = os.environ.get("TERMINUS_MOCK")
    if given:
        return given
    name = "terminus-mock.exe" if os.name == "nt" else "terminus-mock"
    beside = pathlib.Path(sysconfig.get_path("scripts"), name)
    if beside.is_file():
        return str(beside)
    found = shutil.which("terminus-mock")
    if found:
        return found
    raise MockStartError(
        "no terminus-mock binary: install the wheel (`pip install terminus-mock`) into this "
        "interpreter's environment, or set TERMINUS_MOCK to the binary's path"
    )


class Environment(dict):
    """The variables for the SDK under test (a dict). Its repr hides the API key."""

    def __repr__(self):
        shown = {k: hint(v) if k == "TERMINUS_API_KEY" else v for k, v in self.items()}
        return f"Environment({shown!r})"

    __str__ = __repr__


class TerminusMock:
    """A running terminus-mock.

    - `base_url`: the Public API (https://127.0.0.1:PORT);
    - `ca_path`: the CA (DIR/ca.pem); `ca_bundle_path`: the system's roots plus the CA;
    - `api_key`: a `MintedKey` (`.key`, `.id`, `.name`) minted at start, for the SDK;
    - `env`: TERMINUS_BASE_URL, TERMINUS_API_KEY, and the CA for Python (SSL_CERT_FILE,
      REQUESTS_CA_BUNDLE: the bundle, as they replace the roots), curl (CURL_CA_BUNDLE) and
      Node (NODE_EXTRA_CA_CERTS: the CA, as it adds to the roots);
    - `admin`: an `AdminClient` (mint, revoke, requests, count, fault, clear, ...);
    - `redirect_url`: a second origin, for redirect tests (it answers anything, unauthenticated);
    - `stop()`, or use it as a context manager.
    """

    def __init__(self, process, ready, admin, api_key, work, owns_work):
        self.process = process
        self.pid = ready.get("pid", process.pid)
        self.base_url = ready["public_url"]
        self.admin_url = ready["admin_url"]
        self.redirect_url = ready.get("redirect_url")
        self.ca_path = ready["ca_path"]
        self.ca_bundle_path = ready["ca_bundle_path"]
        self.admin = admin
        self.api_key = api_key
        self.log_path = str(pathlib.Path(work, "mock.log"))
        self._work, self._owns_work = work, owns_work
        self.env = Environment(TERMINUS_BASE_URL=self.base_url)
        if api_key is not None:
            self.env["TERMINUS_API_KEY"] = api_key.key
        self.env.update(
            SSL_CERT_FILE=self.ca_bundle_path,
            REQUESTS_CA_BUNDLE=self.ca_bundle_path,
            CURL_CA_BUNDLE=self.ca_bundle_path,
            NODE_EXTRA_CA_CERTS=self.ca_path,
        )

    def __repr__(self):
        state = "running" if self.process.poll() is None else "stopped"
        key = hint(self.api_key.key) if self.api_key else None
        return f"<TerminusMock {self.base_url} pid={self.pid} {state} api_key={key}>"

    def stop(self, timeout=10):
        """SIGTERM (the mock finishes the requests in flight), SIGKILL after `timeout` s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._owns_work:
            shutil.rmtree(self._work, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(ca_dir=None, args=(), key_name="pytest", binary_path=None, work_dir=None,
          timeout=START_TIMEOUT):
    """Starts terminus-mock and returns a `TerminusMock` once it accepts.

    `ca_dir`: the CA directory to keep (and reuse) the CA in; default: a fresh one in the work
    directory. `args`: more flags (`["--routes", "routes.json"]`). `key_name`: the name of the
    key minted for `env` (None: mint none; `api_key` is then None). `work_dir`: where the ready
    file and the log go (default: a temporary directory, removed by `stop()`).
    """
    program = binary_path or binary()
    owns_work = work_dir is None
    work = pathlib.Path(work_dir or tempfile.mkdtemp(prefix="terminus-mock-"))
    work.mkdir(parents=True, exist_ok=True)
    ready_file = work / "ready.json"
    ready_file.unlink(missing_ok=True)
    ca_dir = pathlib.Path(ca_dir) if ca_dir else work / "ca"
    token = secrets.token_urlsafe(32)
    command = [
        program,
        "--listen", "127.0.0.1:0",
        "--admin-listen", "127.0.0.1:0",
        "--redirect-listen", "127.0.0.1:0",
        "--ca-dir", str(ca_dir),
        "--no-mint",
        "--ready-file", str(ready_file),
        *args,
    ]
    log = open(work / "mock.log", "wb")
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TERMINUS_ADMIN_TOKEN": token},
        )
    except OSError as error:
        if owns_work:
            shutil.rmtree(work, ignore_errors=True)
        raise MockStartError(f"cannot run {program}: {error}") from None
    finally:
        log.close()
    try:
        ready = _wait_ready(process, ready_file, work / "mock.log", timeout)
        admin = AdminClient(ready["admin_url"], token, ready["ca_path"])
        api_key = admin.mint(key_name) if key_name is not None else None
    except BaseException:
        process.kill()
        process.wait()
        if owns_work:
            shutil.rmtree(work, ignore_errors=True)
        raise
    return TerminusMock(process, ready, admin, api_key, work, owns_work)


def _wait_ready(process, ready_file, log, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready_file.exists():
            # Written whole, then renamed (the mock's write_file): never half a file.
            return json.loads(ready_file.read_text())
        if process.poll() is not None:
            raise MockStartError(
                f"terminus-mock exited with {process.returncode} before it was ready; "
                f"its output:\n{_tail(log)}"
            )
        time.sleep(0.02)
    raise MockStartError(f"terminus-mock was not ready after {timeout} s; its output:\n{_tail(log)}")


def _tail(log, lines=20):
    try:
        return "\n".join(pathlib.Path(log).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
