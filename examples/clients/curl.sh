#!/usr/bin/env bash
# Smoke program for `terminus-conformance client`: one call with curl.
#
# Contract: read TERMINUS_BASE_URL and TERMINUS_API_KEY, make one GET /v1/account, exit 0 on
# success, non-zero on an error, printing the error. curl trusts the CA named by
# CURL_CA_BUNDLE, which the runner sets. --fail-with-body prints the 401 envelope and exits 22.
#
#     terminus-conformance client -- bash examples/clients/curl.sh
set -u
if [[ -z "${TERMINUS_API_KEY:-}" ]]; then
  echo "error: no API key: set TERMINUS_API_KEY" >&2
  exit 2
fi
# The header comes from a file descriptor, not the command line, so `ps` does not show the key.
exec curl -sS --fail-with-body --max-time 10 \
  -H @<(printf 'Authorization: Bearer %s\n' "$TERMINUS_API_KEY") \
  "$TERMINUS_BASE_URL/v1/account"
