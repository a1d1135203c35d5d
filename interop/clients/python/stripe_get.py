#!/usr/bin/env python3
"""Smoke program (SPEC.md part 4): one GET /v1/account through the official `stripe` SDK
(`Account.retrieve()` is that call), with `api_base` = TERMINUS_BASE_URL. Stripe sends
`Authorization: Bearer <key>` and verifies TLS against the CA bundle it ships
(`stripe.ca_bundle_path`), not SSL_CERT_FILE or REQUESTS_CA_BUNDLE: left at its default here, as
an integrator would, so it cannot trust the grader's CA (a setup problem, not a violation).

Reads TERMINUS_BASE_URL and TERMINUS_API_KEY; exits 0 on success, 1 on an error.
"""
import os
import sys

import stripe

base = os.environ["TERMINUS_BASE_URL"]
key = os.environ.get("TERMINUS_API_KEY")
if not key:
    sys.exit("error: no API key: set TERMINUS_API_KEY")
stripe.api_key = key
stripe.api_base = base
try:
    account = stripe.Account.retrieve()
except stripe.error.StripeError as e:
    sys.exit(f"error: {e.__class__.__name__}: {e}")
print("ok:", account.get("object"))
