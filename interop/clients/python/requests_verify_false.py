#!/usr/bin/env python3
"""Smoke program (SPEC.md part 4), misconfigured on purpose: requests with `verify=False`, the
line that silences a certificate error (must fail CLI-5: it talks to any server).

Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
"""
import os
import sys

import requests
import urllib3

urllib3.disable_warnings()  # as the snippets that set verify=False usually do
base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")
try:
    response = requests.get(
        f"{base}/v1/account", headers={"Authorization": f"Bearer {key}"}, timeout=10, verify=False
    )
except requests.RequestException as e:
    sys.exit(f"error: {e.__class__.__name__}: {e}")
if response.status_code != 200:
    sys.exit(f"error: HTTP {response.status_code}: {response.text[:300]}")
print("ok:", response.json().get("object"))
