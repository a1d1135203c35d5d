#!/usr/bin/env python3
"""Smoke program (SPEC.md part 4): one GET /v1/account through the official `openai` SDK, with
`base_url` = TERMINUS_BASE_URL (the SDK sends `Authorization: Bearer <api_key>`; its own retries,
two by default, and its own error classes). It runs on httpx (current releases: the
SDK's own fork, `httpx2`), which trusts SSL_CERT_FILE.

Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
"""
import os
import sys

import openai

base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")
client = openai.OpenAI(api_key=key, base_url=base, timeout=10)
try:
    account = client.get("/v1/account", cast_to=dict[str, object])
except openai.OpenAIError as e:
    sys.exit(f"error: {e.__class__.__name__}: {e}")
print("ok:", account.get("object"))
