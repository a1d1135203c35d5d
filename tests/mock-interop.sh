#!/usr/bin/env bash
# Interop: the clients SDK authors use, against the real binary, every request answered, every
# time. curl (HTTP/1.1 and HTTP/2), Python requests and httpx (HTTP/2 on), Node fetch and
# node:http2, Java's java.net.http.HttpClient (HTTP/1.1 and HTTP/2): GET, POST, PUT and DELETE,
# with no body and with a JSON body (curl also as `-d` alone, and with `Expect: 100-continue`;
# Java with expectContinue), with the key (200/201, 405 for PUT, which no route serves) and
# without (the 401 envelope, byte for byte). Each combination REPS times (30 by default: a
# failure 1 time in 20 shows up with probability 1 - 0.95^30 = 79 %, at least once in a run
# of all the rows far more). Prints a table and exits non-zero if any request was not answered
# as expected.
#   Usage: tests/mock-interop.sh PATH/TO/terminus-mock
# Needs curl, node, java (JDK 17+: single-file source launch) on the PATH; Python's requests,
# httpx and h2 come from the project's venv (tests/venv.sh, tests/requirements.txt).
set -euo pipefail
BIN="${1:?usage: $0 PATH/TO/terminus-mock}"
REPS="${REPS:-30}"
HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="$(mktemp -d)"
cleanup() { [[ -n "${PID:-}" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "mock-interop.sh: FAIL: $*" >&2; [[ -f "$WORK/err" ]] && { echo "--- mock stderr:" >&2; tail -20 "$WORK/err" >&2; }; exit 1; }

for tool in curl node java; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (curl, nodejs and openjdk-17-jdk-headless are on the CI image; apt-get install them)"
done
PY="$(bash "$HERE/venv.sh")" || fail "the Python venv (tests/venv.sh)"
started=$(date +%s.%N)

ADMIN_TOKEN="interop-admin-token-0123456789abcdef"
"$BIN" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 --no-mint --admin-token "$ADMIN_TOKEN" \
  --ca-out "$WORK/ca.pem" --ready-file "$WORK/ready.json" >"$WORK/out" 2>"$WORK/err" &
PID=$!
for _ in $(seq 1 200); do [[ -s "$WORK/ready.json" ]] && break; sleep 0.05; done
[[ -s "$WORK/ready.json" ]] || fail "the mock did not write its ready file"
URL=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["public_url"])' "$WORK/ready.json")
ADMIN=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin_url"])' "$WORK/ready.json")
KEY=$(curl -sf --cacert "$WORK/ca.pem" -H "Authorization: Bearer $ADMIN_TOKEN" -X POST -d '{"name":"interop"}' \
  "$ADMIN/v1/keys" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["key"])') || fail "minting a key"
CA="$WORK/ca.pem"
export URL KEY CA REPS

ENVELOPE='{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}'
declare -A PATHS=([GET]=/v1/projects [POST]=/v1/projects [PUT]=/v1/projects/prj_1 [DELETE]=/v1/projects/prj_1)
declare -A WITH_KEY=([GET]=200 [POST]=201 [PUT]=405 [DELETE]=200)
RESULTS="$WORK/results.tsv"

phase() { printf 'mock-interop.sh: %s: %.1f s\n' "$1" "$(echo "$(date +%s.%N) - $started" | bc)" >&2; }
phase "mock started, key minted"
# curl: one process per combination, REPS transfers on one connection (as an SDK's pool does);
# each transfer's body, then a marker line with its status, HTTP version and curl exit code.
for proto in h1 h2; do
  flag=--http1.1; [[ $proto == h2 ]] && flag=--http2
  for method in GET POST PUT DELETE; do
    for body in none form json json+expect; do
      for key in key "no key"; do
        args=(-s "$flag" --cacert "$CA" -X "$method" -w '\n@@ %{http_code} %{http_version} %{exitcode}\n')
        [[ $key == key ]] && args+=(-H "Authorization: Bearer $KEY")
        case $body in
          form) args+=(-d '{"name":"proj"}') ;; # as the issue wrote it: curl's form Content-Type
          json) args+=(-H 'Content-Type: application/json' -d '{"name":"proj"}') ;;
          json+expect) args+=(-H 'Content-Type: application/json' -H 'Expect: 100-continue' -d '{"name":"proj"}') ;;
        esac
        urls=(); for ((i = 0; i < REPS; i++)); do urls+=("$URL${PATHS[$method]}"); done
        want=401; [[ $key == key ]] && want=${WITH_KEY[$method]}
        want_version=1.1; [[ $proto == h2 ]] && want_version=2
        curl "${args[@]}" "${urls[@]}" >"$WORK/curl.out" 2>"$WORK/curl.err" || true
        "$PY" - "$WORK/curl.out" "$want" "$want_version" "$ENVELOPE" "$REPS" "$proto" "$method" "$body" "$key" >>"$RESULTS" <<'PY'
import sys
out, want, want_version, envelope, reps, *row = sys.argv[1:]
answered, failed, first, text = 0, 0, "", ""
for line in open(out, encoding="utf-8", errors="replace").read().split("\n"):
    if not line.startswith("@@ "):
        text += line
        continue
    _, status, version, code = line.split(" ")
    error = None
    if code != "0":
        error = f"curl exit {code}" + (" (92: stream error in the HTTP/2 framing layer)" if code == "92" else "")
    elif status != want:
        error = f"status {status}, expected {want}"
    elif version != want_version:
        error = f"answered over HTTP/{version}"
    elif want == "401" and text != envelope:
        error = "the 401 body is not the envelope"
    answered, failed = answered + (error is None), failed + (error is not None)
    first = first or (error or "")
    text = ""
missing = int(reps) - answered - failed
if missing > 0:
    failed += missing
    first = first or f"{missing} transfers never reported"
print("\t".join(["curl", *row, str(answered), str(failed), first]))
PY
      done
    done
  done
done

phase "curl done"
"$PY" "$HERE/interop/interop.py" >>"$RESULTS" || fail "the Python clients did not run to their end"
phase "python done"
NODE_EXTRA_CA_CERTS="$CA" node "$HERE/interop/interop.mjs" >>"$RESULTS" || fail "the Node clients did not run to their end"
phase "node done"
java "$HERE/interop/Interop.java" >>"$RESULTS" || fail "the Java client did not run to their end"
phase "java done"

kill -TERM "$PID"; wait "$PID" 2>/dev/null || true; PID=
# The key reached no log line: neither the mock's output nor this table.
SECRET="${KEY#thub_}"
for ((i = 0; i + 10 <= ${#SECRET}; i++)); do
  if grep -qF -- "${SECRET:i:10}" "$WORK/err" "$WORK/out" "$RESULTS"; then fail "a piece of the minted key is in the output"; fi
done

elapsed=$(echo "$(date +%s.%N) - $started" | bc)
"$PY" - "$RESULTS" "$elapsed" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
head = ["client", "protocol", "method", "body", "key", "answered", "failed", "first failure"]
widths = [max(len(r[i]) if i < len(r) else 0 for r in rows + [head]) for i in range(len(head) - 1)]
def line(r):
    return "  ".join(c.ljust(w) for c, w in zip(r, widths)) + ("  " + r[7] if len(r) > 7 and r[7] else "")
print(line(head))
total = bad = 0
for r in rows:
    print(line(r))
    if r[5] != "-":
        total += int(r[5]) + int(r[6])
        bad += int(r[6])
print(f"mock-interop.sh: {total} requests in {len(rows)} combinations, {bad} not answered as expected, "
      f"{float(sys.argv[2]):.1f} s")
sys.exit(1 if bad else 0)
PY
