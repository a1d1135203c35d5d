#!/usr/bin/env bash
# Runs the Node example suite the way an SDK's CI would: the CA is made once (terminus-mock
# --ca-dir), then Node starts trusting it (NODE_EXTRA_CA_CERTS is read at process start), and
# the suite starts its own mock, which reuses that CA.
#   examples/node/run.sh [PATH/TO/terminus-mock]
set -euo pipefail
cd "$(dirname "$0")/../.."
export TERMINUS_MOCK="${1:-${TERMINUS_MOCK:-$PWD/target/debug/terminus-mock}}"
export TERMINUS_CA_DIR="${TERMINUS_CA_DIR:-$PWD/target/examples-ca}"
if [[ ! -s "$TERMINUS_CA_DIR/ca.pem" ]]; then
  # First start: the mock makes the CA and keeps it; stop it once it is ready.
  ready="$(mktemp -d)/ready.json"
  "$TERMINUS_MOCK" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --no-mint \
    --ca-dir "$TERMINUS_CA_DIR" --ready-file "$ready" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do [[ -s "$ready" ]] && break; sleep 0.05; done
  kill "$pid"; wait "$pid" || true
fi
NODE_EXTRA_CA_CERTS="$TERMINUS_CA_DIR/ca.pem" node --test examples/node/
