#!/usr/bin/env bash
# interop/probe.sh PORT — by-hand requests to a stack started with `interop/run.sh --serve`,
# for the readings SPEC.md gained in issue 16 (HDR-1 whitespace mixes, ERR-2 negotiation,
# ERR-3's challenge, ROUTE-1's per-path headers). One line per request: status line, the
# WWW-Authenticate, Allow and Content-Type fields, the first bytes of the body. 127.0.0.1 only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${1:?usage: interop/probe.sh PORT}"
CA="$ROOT/target/interop/certs/ca.pem"
# The fixture's first active key (public, test-only).
KEY="$(python3 -c 'import json, sys
print(next(k["key"] for k in json.load(open(sys.argv[1]))["keys"] if k["status"] == "active"))' "$ROOT/contract/fixtures/keys.json")"
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT

probe() { # LABEL CURL-ARGS...
  local label="$1"; shift
  curl -s --cacert "$CA" -o "$TMP/body" -D "$TMP/head" "$@" "https://127.0.0.1:$PORT/v1/account" || true
  printf '%-34s %s | %s | %s | %s\n' "$label" \
    "$(head -1 "$TMP/head" | tr -d '\r')" \
    "$(grep -i '^www-authenticate:' "$TMP/head" | tr -d '\r' || echo 'no WWW-Authenticate')" \
    "$(grep -i '^\(allow\|content-type\):' "$TMP/head" | tr -d '\r' | paste -sd ' ' || true)" \
    "$(head -c 48 "$TMP/body" | tr '\n\t' '  ')"
}

probe "no key"                 
probe "no key, Accept: text/html"        -H 'Accept: text/html'
probe "no key, Accept: application/xml"  -H 'Accept: application/xml'
probe "malformed: Bearer a b"            -H 'Authorization: Bearer a b'
probe "unknown key"                      -H 'Authorization: Bearer thub_unknown'
probe "Bearer<SP><TAB><key>"             -H "Authorization: Bearer "$'\t'"$KEY"
probe "Bearer<TAB><key>"                 -H "Authorization: Bearer"$'\t'"$KEY"
probe "Bearer<SP><SP><key>"              -H "Authorization: Bearer  $KEY"
probe "bearer <key>"                     -H "Authorization: bearer $KEY"
probe "Bearer <key> (valid)"             -H "Authorization: Bearer $KEY"
