#!/usr/bin/env python3
"""Smoke program for `terminus-conformance client`: one call through httpx.

Contract: read TERMINUS_BASE_URL and TERMINUS_API_KEY, make one GET /v1/account, exit 0 on
success, non-zero on an error, printing the error as the client reports it. httpx trusts the CA
named by SSL_CERT_FILE (trust_env, its default), which the runner sets.

    terminus-conformance client -- python3 examples/clients/python_httpx.py
"""
import os
import sys

import httpx

base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")

try:
    response = httpx.get(f"{base}/v1/account", headers={"Authorization": f"Bearer {key}"}, timeout=10)
except httpx.HTTPError as e:
    sys.exit(f"error: {e.__class__.__name__}: {e}")
if response.status_code != 200:
    try:
        error = response.json()["error"]
        sys.exit(f"error: HTTP {response.status_code} {error['type']}: {error['message']}")
    except (ValueError, KeyError, TypeError):
        sys.exit(f"error: HTTP {response.status_code}")
print("ok:", response.json().get("object"))
