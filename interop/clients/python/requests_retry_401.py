#!/usr/bin/env python3
"""Smoke program (SPEC.md part 4), misconfigured on purpose: a requests Session whose adapter
retries 401 (`urllib3.Retry(status_forcelist=[401])`: "retry when the token was refused").
Must fail CLI-6: it sends the refused key again.

Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
"""
import os
import sys

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")
session = requests.Session()
retry = Retry(total=3, backoff_factor=0.2, status_forcelist=[401])
session.mount("https://", HTTPAdapter(max_retries=retry))
session.mount("http://", HTTPAdapter(max_retries=retry))
try:
    response = session.get(f"{base}/v1/account", headers={"Authorization": f"Bearer {key}"}, timeout=10)
except requests.RequestException as e:
    sys.exit(f"error: {e.__class__.__name__}: {e}")
if response.status_code != 200:
    sys.exit(f"error: HTTP {response.status_code}: {response.text[:300]}")
print("ok:", response.json().get("object"))
