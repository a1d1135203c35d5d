#!/usr/bin/env python3
"""Smoke program (SPEC.md part 4): one GET /v1/account through the official `anthropic` SDK, with
`api_key=` and `base_url` = TERMINUS_BASE_URL, as its README shows it. Releases 2.x send the key
as `Authorization: Bearer`; earlier ones (0.40 here) send it as `X-Api-Key` (not this contract's
header: CLI-1, CLI-2). It runs on httpx (2.x: the SDK's own fork, `httpx2`), which trusts
SSL_CERT_FILE.

Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
"""
import os
import sys

import anthropic

base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")
client = anthropic.Anthropic(api_key=key, base_url=base, timeout=10)
try:
    account = client.get("/v1/account", cast_to=dict[str, object])
except anthropic.AnthropicError as e:
    sys.exit(f"error: {e.__class__.__name__}: {e}")
print("ok:", account.get("object"))
