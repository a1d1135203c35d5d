#!/usr/bin/env python3
"""A stand-in for a heavy Python SDK, for measuring how long a grading takes (README, "Runs at
once, and the timeout"): it imports what such SDKs pull in (httpx, requests, h2, pytest: the
project's venv, `bash tests/venv.sh`), then makes the one call of the smoke-program contract.

    terminus-conformance client --jobs 11 --report r.json -- "$(bash tests/venv.sh)" conformance/tests/clients/heavy_imports.py
"""

import os
import sys

import h2.connection  # noqa: F401
import httpx
import pytest  # noqa: F401
import requests  # noqa: F401

key = os.environ.get("TERMINUS_API_KEY")
if not key:
    print("error: no API key: set TERMINUS_API_KEY", file=sys.stderr)
    sys.exit(1)
try:
    r = httpx.get(
        os.environ["TERMINUS_BASE_URL"] + "/v1/account",
        headers={"Authorization": "Bearer " + key},
        verify=os.environ["SSL_CERT_FILE"],
        timeout=10,
    )
except httpx.HTTPError as e:
    print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
if r.status_code != 200:
    print(f"error: HTTP {r.status_code}: {r.text}", file=sys.stderr)
    sys.exit(1)
print("ok")
