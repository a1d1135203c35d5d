"""The pytest plugin of the terminus-mock wheel (entry point `pytest11`: loaded by pytest once
the wheel is installed). Fixtures:

- `terminus_mock`: one mock for the session (ini `terminus_mock_scope = function` for one per
  test), started on free loopback ports with a CA directory, stopped at teardown;
- `terminus_mock_env`: the same mock, with its `env` set in `os.environ` for the test;
- `terminus_mock_factory`: `factory(**start_options)` starts more mocks (other flags, another
  CA directory), all stopped at the test's end.

ini options: `terminus_mock_scope` (session), `terminus_mock_args` (more flags for the mock,
e.g. `--routes routes.json`). $TERMINUS_MOCK picks another binary.
"""
import pytest

from .admin import MintedKey
from .server import Environment, TerminusMock, start

__all__ = ["terminus_mock", "terminus_mock_env", "terminus_mock_factory"]


def pytest_addoption(parser):
    parser.addini(
        "terminus_mock_scope",
        "scope of the terminus_mock fixture: session (default), package, module, class or function",
        default="session",
    )
    parser.addini("terminus_mock_args", "more command-line flags for terminus-mock", type="args", default=[])


def pytest_assertrepr_compare(config, op, left, right):
    """A failed comparison of the env, a minted key or the mock is shown by their reprs, which
    hide the key (pytest's own dict and tuple diffs would print it in clear)."""
    secret = (Environment, MintedKey, TerminusMock)
    if isinstance(left, secret) or isinstance(right, secret):
        return [f"{left!r} {op} {right!r}", "(terminus-mock: key values hidden; compare key.id or a hint instead)"]
    return None


def _scope(fixture_name, config):
    return config.getini("terminus_mock_scope") or "session"


@pytest.fixture(scope=_scope)
def terminus_mock(pytestconfig):
    """A running terminus-mock (`terminus_mock.TerminusMock`): `base_url`, `ca_path`, `env`,
    `api_key`, `admin` (mint, revoke, requests, count, fault, clear)."""
    mock = start(args=pytestconfig.getini("terminus_mock_args"))
    try:
        yield mock
    finally:
        mock.stop()


@pytest.fixture
def terminus_mock_env(terminus_mock, monkeypatch):
    """`terminus_mock`, with its `env` (base URL, API key, CA variables) in `os.environ`
    for this test."""
    for name, value in terminus_mock.env.items():
        monkeypatch.setenv(name, value)
    return terminus_mock


@pytest.fixture
def terminus_mock_factory():
    """`factory(ca_dir=None, args=(), key_name="pytest")` → a new `TerminusMock`; each one
    started is stopped when the test ends."""
    started = []

    def factory(**options):
        mock = start(**options)
        started.append(mock)
        return mock

    yield factory
    for mock in started:
        mock.stop()
