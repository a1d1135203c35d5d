#!/usr/bin/env python3
"""The way urllib is usually written: the key in `Request(..., headers=...)`. urllib copies those
headers onto every redirect, to any host and to http://, so this program breaks CLI-4 (the smoke
program examples/clients/python_urllib.py uses `add_unredirected_header` instead)."""
import json
import os
import sys
import urllib.error
import urllib.request

key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")
request = urllib.request.Request(
    os.environ["TERMINUS_BASE_URL"] + "/v1/account", headers={"Authorization": f"Bearer {key}"}
)
try:
    with urllib.request.urlopen(request, timeout=10) as response:
        print("ok:", json.load(response).get("object"))
except urllib.error.HTTPError as e:
    error = json.load(e).get("error", {})
    sys.exit(f"error: HTTP {e.code} {error.get('type')}: {error.get('message')}")
except urllib.error.URLError as e:
    sys.exit(f"error: {e.reason}")
