"""pytest fixtures: terminus-mock started once for the session (the real binary), and a handle on
its admin plane to mint and revoke keys, script faults and read the request journal.

The binary is $TERMINUS_MOCK, or the workspace's debug build (`cargo build -p terminus-mock`).
"""
import json
import os
import pathlib
import subprocess
import tempfile
import time

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
MOCK = os.environ.get("TERMINUS_MOCK", str(ROOT / "target" / "debug" / "terminus-mock"))
ADMIN_TOKEN = "examples-python-admin-token-0123456789"


class Mock:
    """The admin plane of a running terminus-mock."""

    def __init__(self, ready):
        self.url = ready["public_url"]
        self.admin_url = ready["admin_url"]
        self.ca = ready["ca_path"]
        # The system's roots plus the CA: for variables that replace requests' roots.
        self.ca_bundle = ready["ca_bundle_path"]
        # The second origin, by another host name as well as another port.
        self.other_origin = ready["redirect_url"].replace("127.0.0.1", "localhost")

    def admin(self, method, path, **kwargs):
        response = requests.request(
            method,
            self.admin_url + path,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            verify=self.ca,
            timeout=10,
            **kwargs,
        )
        assert response.status_code < 300, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def mint(self, name):
        created = self.admin("POST", "/v1/keys", json={"name": name})
        return created["key"], created["id"]

    def revoke(self, key_id):
        self.admin("DELETE", f"/v1/keys/{key_id}")

    def fault(self, **fault):
        return self.admin("POST", "/v1/faults", json=fault)

    def journal(self, **filters):
        return self.admin("GET", "/v1/requests", params=filters)["requests"]

    def count(self, **filters):
        """How many journaled requests pass the filters of GET /v1/requests."""
        return self.admin("GET", "/v1/requests/count", params=filters)["count"]

    def unmatched(self, **filters):
        """The requests no route or fault had an answer for (a typo in the SDK's paths)."""
        return self.admin("GET", "/v1/requests/unmatched", params=filters)["requests"]

    def reset(self):
        self.admin("DELETE", "/v1/requests")
        self.admin("DELETE", "/v1/faults")


@pytest.fixture(scope="session")
def mock_server():
    work = tempfile.mkdtemp(prefix="terminus-examples-python-")
    ready_file = pathlib.Path(work, "ready.json")
    process = subprocess.Popen(
        [
            MOCK,
            "--listen", "127.0.0.1:0",
            "--admin-listen", "127.0.0.1:0",
            "--redirect-listen", "127.0.0.1:0",
            "--admin-token", ADMIN_TOKEN,
            "--no-mint",
            "--ca-out", os.path.join(work, "ca.pem"),
            "--ready-file", str(ready_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(work, "mock.log"), "w"),
    )
    for _ in range(200):
        if ready_file.exists() and ready_file.stat().st_size > 0:
            break
        assert process.poll() is None, f"terminus-mock exited: see {work}/mock.log"
        time.sleep(0.05)
    mock = Mock(json.loads(ready_file.read_text()))
    # What the SDK's users do: point requests at the bundle (read per request), not at ca.pem
    # alone, which would replace the system's roots for every other HTTPS call in the process.
    os.environ["REQUESTS_CA_BUNDLE"] = mock.ca_bundle
    yield mock
    process.terminate()
    process.wait(10)


@pytest.fixture
def mock(mock_server):
    mock_server.reset()
    yield mock_server
