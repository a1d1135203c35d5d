#!/usr/bin/env python3
"""Smoke program (SPEC.md part 4): one GET /v1/account through aiohttp's ClientSession (its
defaults: redirects followed, no retries). aiohttp's default SSL context loads SSL_CERT_FILE,
which the grader sets.

Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
"""
import asyncio
import os
import sys

import aiohttp


async def main(base, key):
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(f"{base}/v1/account", headers={"Authorization": f"Bearer {key}"}) as response:
            body = await response.text()
            if response.status != 200:
                sys.exit(f"error: HTTP {response.status}: {body[:300]}")
            print("ok:", (await response.json()).get("object"))


base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")
try:
    asyncio.run(main(base, key))
except aiohttp.ClientError as e:
    sys.exit(f"error: {e.__class__.__name__}: {e}")
