#!/usr/bin/env python3
"""Smoke program (SPEC.md part 4): one GET /v1/account through urllib3's PoolManager (which
follows redirects, to any host), any version from 1.22 on.

`cert_reqs="CERT_REQUIRED"` as urllib3 1.x's docs told users to write (1.x did not verify by
default; 2.x does); the default context then loads the CA in SSL_CERT_FILE, which the grader
sets. The header is spelled `Authorization`: urllib3 1.23 to 1.24.1 strip only that spelling
(CVE-2018-25091). Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
"""
import json
import os
import sys

import urllib3

base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")
http = urllib3.PoolManager(cert_reqs="CERT_REQUIRED", retries=urllib3.Retry(3, redirect=3), timeout=10.0)
try:
    response = http.request("GET", f"{base}/v1/account", headers={"Authorization": f"Bearer {key}"})
except urllib3.exceptions.HTTPError as e:
    sys.exit(f"error: {e.__class__.__name__}: {e}")
body = response.data.decode("utf-8", "replace")
if response.status != 200:
    sys.exit(f"error: HTTP {response.status}: {body[:300]}")
print("ok:", json.loads(body).get("object"))
