"""The example SDK's suite runs against terminus-mock through the wheel's pytest plugin
(`pip install terminus-mock`): the `terminus_mock` fixture starts the real binary once for the
session, on free ports with a CA directory, and stops it at the end. Here each test gets it
with a clean journal and no faults, and with requests trusting the mock.

Run: `make examples-sdk`, or in a venv with the wheel, pytest and requests installed: `pytest`
($TERMINUS_MOCK picks another binary)."""
import pytest


@pytest.fixture
def mock(terminus_mock, monkeypatch):
    terminus_mock.admin.clear()
    # What the SDK's users do: point requests at the bundle (the system's roots plus the CA),
    # not at ca.pem alone, which would replace the roots for every other HTTPS call.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", terminus_mock.ca_bundle_path)
    return terminus_mock


@pytest.fixture
def other_origin(terminus_mock):
    """The mock's second origin, by another host name as well as another port."""
    return terminus_mock.redirect_url.replace("127.0.0.1", "localhost")
