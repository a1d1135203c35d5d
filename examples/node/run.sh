#!/usr/bin/env bash
# Runs the Node example suite the way an SDK's CI would, on the terminus-mock npm package
# (packages/npm/terminus-mock, linked by npm from package.json's file: dependency; the binary
# is TERMINUS_MOCK, here the repository's build). The CA is made once (a first start() in
# TERMINUS_CA_DIR), then Node starts trusting it (NODE_EXTRA_CA_CERTS is read at process
# start), and the suite starts its own mock, which reuses that CA.
#   examples/node/run.sh [PATH/TO/terminus-mock]
set -euo pipefail
cd "$(dirname "$0")/../.."
export TERMINUS_MOCK="${1:-${TERMINUS_MOCK:-$PWD/target/debug/terminus-mock}}"
export TERMINUS_CA_DIR="${TERMINUS_CA_DIR:-$PWD/target/examples-ca}"
cd examples/node
# The package has no dependencies: linking it needs no network.
npm install --silent --no-audit --no-fund --offline --no-package-lock
if [[ ! -s "$TERMINUS_CA_DIR/ca.pem" ]]; then
  node --input-type=module -e 'import { start } from "terminus-mock"; await (await start()).stop();'
fi
NODE_EXTRA_CA_CERTS="$TERMINUS_CA_DIR/ca.pem" node --test
