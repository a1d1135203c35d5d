#!/usr/bin/env bash
# run-target.sh STACK MODE [runner args...]
#   STACK: py (pyapi.py), node (nodeapi.js)
# Starts the target with MODE on a free port, runs the release runner against it with default
# options (plus any extra args), prints the verdict, failed cases and wall time, stops it.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
RUNNER="${RUNNER:-$ROOT/target/release/terminus-conformance}"
CERTS="$("$HERE/gen-certs.sh" "${CERTS_DIR:-/tmp/terminus-external-certs}")"
STACK="$1"; MODE="$2"; shift 2
export TERMINUS_API_KEY="${TERMINUS_API_KEY:-thub_ExtValidKey7Hq2ZpL9xWc4RtN8vBm3KdF6}"
export TERMINUS_REVOKED_API_KEY="${TERMINUS_REVOKED_API_KEY:-thub_ExtRevokedKey5Jt8YsQ1nVe6GuC0aXo2}"
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
case "$STACK" in
  py) python3 "$HERE/pyapi.py" --port "$PORT" --cert "$CERTS/cert.pem" --key "$CERTS/key.pem" --mode "$MODE" 2>/dev/null & ;;
  node) node "$HERE/nodeapi.js" "$PORT" "$CERTS/cert.pem" "$CERTS/key.pem" "$MODE" 2>/dev/null & ;;
  *) echo "unknown stack $STACK" >&2; exit 2 ;;
esac
PID=$!
trap 'kill $PID 2>/dev/null' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done
OUT="${OUT_DIR:-/tmp/terminus-external-runs}/$STACK-$MODE"; mkdir -p "$OUT"
START=$(date +%s.%N)
"$RUNNER" --target "https://127.0.0.1:$PORT" --ca-cert "$CERTS/ca.pem" --report "$OUT/report.json" "$@" >"$OUT/stdout" 2>"$OUT/stderr"
STATUS=$?
END=$(date +%s.%N)
FAILED=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join(sorted(c["name"] for c in r["cases"] if c["verdict"]=="fail")))' "$OUT/report.json" 2>/dev/null)
CLAUSES=$(echo "$FAILED" | tr ' ' '\n' | sed 's/::.*//' | sort -u | tr '\n' ' ')
printf '%-6s %-18s exit %-3s %5.1fs  clauses: %s\n' "$STACK" "$MODE" "$STATUS" "$(echo "$END - $START" | bc)" "${CLAUSES:-none}"
[[ -n "${VERBOSE:-}" ]] && echo "   failed: $FAILED"
# Secrets: no 10 consecutive characters of a key in any output.
for k in "$TERMINUS_API_KEY" "$TERMINUS_REVOKED_API_KEY"; do
  for ((i = 0; i + 10 <= ${#k}; i++)); do
    if grep -rqF -- "${k:i:10}" "$OUT"; then echo "   LEAK: a piece of a key is in $OUT"; break; fi
  done
done
exit 0
