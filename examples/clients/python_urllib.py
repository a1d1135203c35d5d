#!/usr/bin/env python3
"""Smoke program for `terminus-conformance client`: one call through the standard library's
urllib.

Contract: read TERMINUS_BASE_URL and TERMINUS_API_KEY, make one GET /v1/account, exit 0 on
success, non-zero on an error, printing the error as the client reports it. urllib trusts the
CA named by SSL_CERT_FILE, which the runner sets.

The key goes in with `add_unredirected_header`: urllib copies the headers given to `Request(...,
headers=...)` onto every redirect, to any host and to http:// (CLI-4); unredirected headers are
sent to the first URL only.

    terminus-conformance client -- python3 examples/clients/python_urllib.py
"""
import json
import os
import sys
import urllib.error
import urllib.request

base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")

request = urllib.request.Request(f"{base}/v1/account")
request.add_unredirected_header("Authorization", f"Bearer {key}")
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        print("ok:", json.load(response).get("object"))
except urllib.error.HTTPError as e:
    try:
        error = json.load(e)["error"]
        sys.exit(f"error: HTTP {e.code} {error['type']}: {error['message']}")
    except (ValueError, KeyError, TypeError):
        sys.exit(f"error: HTTP {e.code}")
except urllib.error.URLError as e:
    sys.exit(f"error: {e.reason}")
