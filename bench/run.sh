#!/usr/bin/env bash
# bench/run.sh — `make bench`: the mock against nginx doing the same job, on this machine, in
# one run, mock and nginx alternating (A B A B ...); prints one table of figures and ratios
# and writes it to bench/results/latest.md (and latest.json). See bench/README.md.
#
# Environment (all optional):
#   BENCH_ROUNDS=3          rounds per scenario (each round: mock, then nginx)
#   BENCH_SECONDS=8         seconds per load measurement
#   BENCH_SCENARIOS="h1-401 h1-200 h2-401 h2-200 conn latency"
#   BENCH_LATENCY_RATE=250  requests/s per connection in the latency scenario (x 16 connections)
#   BENCH_STARTUP_RUNS=30   start-ups timed
#   BENCH_HELD=1000         TLS connections held open for the memory figure
#   BENCH_RUNNER=1          run the conformance runner for its figures (0: skip)
#   KEEP_WORK=1             keep the temp dir (configs, logs, raw results)
# Traffic goes to 127.0.0.1 only; every load run is bounded in time.
set -euo pipefail
PROG=bench
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROUNDS="${BENCH_ROUNDS:-3}"
SECONDS_EACH="${BENCH_SECONDS:-8}"
SCENARIOS="${BENCH_SCENARIOS:-h1-401 h1-200 h2-401 h2-200 conn latency}"
LATENCY_RATE="${BENCH_LATENCY_RATE:-250}"
STARTUP_RUNS="${BENCH_STARTUP_RUNS:-30}"
HELD="${BENCH_HELD:-1000}"
for n in "$ROUNDS" "$SECONDS_EACH" "$LATENCY_RATE" "$STARTUP_RUNS" "$HELD"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "BENCH_* numbers must be positive integers (got '$n')"
done
((SECONDS_EACH <= 60 && ROUNDS <= 10)) || die "BENCH_SECONDS <= 60 and BENCH_ROUNDS <= 10, to stay bounded"

make_workdir
trap cleanup EXIT
trap 'exit 130' INT TERM
TOOLS="$ROOT/bench/tools"
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
started_at=$(date +%s)

ensure_tools wrk:wrk h2load:nghttp2-client nginx:nginx openssl:openssl curl:curl python3:python3
build_mock
quiet_machine || DISTURBED="a compiler was running when the bench started; "

# --- start-up and memory, on fresh mocks (before any load) ------------------------------------
log "start-up: $STARTUP_RUNS runs, exec to ready file, certificate generation included"
STARTUP_JSON="$(python3 "$TOOLS/startup_time.py" "$MOCK_BIN" --runs "$STARTUP_RUNS" --dir "$WORK")"
log "  $STARTUP_JSON"

log "memory: a fresh mock (generated certificate), idle, then with $HELD TLS connections open"
start_mock mock-memory --ca-out "$WORK/mock-memory-ca.pem"
sleep 1
MOCK_IDLE_KIB="$(rss_kib "$MOCK_PID")"
HOLD_MOCK="$(python3 "$TOOLS/hold_connections.py" "$MOCK_URL" --count "$HELD" --pids "$MOCK_PID")"
log "  mock idle ${MOCK_IDLE_KIB} KiB; held: $HOLD_MOCK"
stop_pid "$MOCK_PID"

# --- one certificate for both servers ----------------------------------------------------------
make_cert "$WORK/cert"
start_mock mock --tls-cert "$WORK/cert/cert.pem" --tls-key "$WORK/cert/key.pem"
MOCK_BENCH_PID="$MOCK_PID" MOCK_BENCH_URL="$MOCK_URL"
OK_BODY="$(curl -sS --cacert "$WORK/cert/ca.pem" -H "Authorization: Bearer $API_KEY" "$MOCK_URL/v1/account")" \
  || die "the mock did not answer GET /v1/account with the test key"
start_nginx "$WORK/cert/cert.pem" "$WORK/cert/key.pem" "$OK_BODY"
sleep 0.5
NGINX_PIDS="$(printf '%s\n' "$NGINX_PID" $(children_of "$NGINX_PID") | paste -sd, -)"
NGINX_IDLE_KIB="$(rss_kib ${NGINX_PIDS//,/ })"
HOLD_NGINX="$(python3 "$TOOLS/hold_connections.py" "$NGINX_URL" --count "$HELD" --pids "$NGINX_PIDS")"
log "  nginx idle ${NGINX_IDLE_KIB} KiB (master + workers); held: $HOLD_NGINX"

# --- the same job: both give the same answers ----------------------------------------------
log "checking that both servers give the same answers (HTTP/1.1 and HTTP/2, with and without the key)"
same_job() {
  local url="$1" who="$2" proto key code body challenge
  for proto in --http1.1 --http2; do
    for key in "" "$API_KEY"; do
      local args=(-sS "$proto" --cacert "$WORK/cert/ca.pem" -o "$WORK/body" -D "$WORK/head" -w '%{http_code} %{http_version}')
      if [[ -n "$key" ]]; then args+=(-H "Authorization: Bearer $key"); fi
      code="$(curl "${args[@]}" "$url/v1/account")" || die "$who: curl $proto failed"
      body="$(cat "$WORK/body")"
      challenge="$(grep -i '^www-authenticate:' "$WORK/head" | cut -d' ' -f2- | tr -d '\r' || true)"
      if [[ -z "$key" ]]; then
        [[ "$code" == "401 "* && "$body" == "$ENVELOPE" && "$challenge" == "$CHALLENGE" ]] \
          || die "$who $proto without a key: got '$code', body '$body', challenge '$challenge'"
      else
        [[ "$code" == "200 "* && "$body" == "$OK_BODY" && -z "$challenge" ]] \
          || die "$who $proto with the key: got '$code', body '$body'"
      fi
      if [[ "$proto" == --http2 && "$code" != *" 2" ]]; then die "$who did not negotiate HTTP/2 ($code)"; fi
    done
  done
}
same_job "$MOCK_BENCH_URL" mock
same_job "$NGINX_URL" nginx

# --- load scenarios, alternating --------------------------------------------------------------
log "warm-up: 2 s of wrk on each"
wrk -t2 -c32 -d2s "$MOCK_BENCH_URL/v1/account" >/dev/null
wrk -t2 -c32 -d2s "$NGINX_URL/v1/account" >/dev/null

n_scen=$(wc -w <<<"$SCENARIOS")
log "load: $n_scen scenarios x $ROUNDS rounds x 2 servers x ${SECONDS_EACH} s (about $((n_scen * ROUNDS * 2 * (SECONDS_EACH + 1) / 60 + 1)) min)"
for round in $(seq 1 "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    for server in mock nginx; do
      if [[ "$server" == mock ]]; then url="$MOCK_BENCH_URL" pids="$MOCK_BENCH_PID"; else url="$NGINX_URL" pids="$NGINX_PIDS"; fi
      kill -0 "$MOCK_BENCH_PID" 2>/dev/null || die "the mock died during the bench (see $WORK/mock/stderr)"
      kill -0 "$NGINX_PID" 2>/dev/null || die "nginx died during the bench"
      python3 "$TOOLS/load.py" "$scenario" "$url" --server "$server" --round "$round" \
        --duration "$SECONDS_EACH" --key "$API_KEY" --latency-rate "$LATENCY_RATE" \
        --pids "$pids" --out "$RESULTS"
      # Let TIME_WAIT sockets and the other server's tail settle before the next run.
      sleep 1
    done
  done
done
quiet_machine || DISTURBED="${DISTURBED:-}a compiler was running at the end of the bench; "

# --- the conformance runner's own figures -----------------------------------------------------
RUNNER_BIN="$ROOT/target/release/terminus-conformance"
RUNNER_JSON='{"available": false, "why": "target/release/terminus-conformance not built"}'
if [[ "${BENCH_RUNNER:-1}" == 1 ]]; then
  if [[ ! -x "$RUNNER_BIN" && -f "$ROOT/conformance/src/main.rs" ]]; then
    log "building the runner (cargo build --release -p terminus-conformance)"
    (cd "$ROOT" && cargo build --release -p terminus-conformance) >"$WORK/runner-build.log" 2>&1 \
      || RUNNER_JSON='{"available": false, "why": "the runner does not build yet"}'
  fi
  if [[ -x "$RUNNER_BIN" ]]; then
    if "$RUNNER_BIN" --help 2>&1 | grep -q -- '--report'; then
      log "runner: a full default run against its embedded mock (--report)"
      t0=$(date +%s%N)
      set +e
      timeout 600 "$RUNNER_BIN" --report "$WORK/runner-report.json" >"$WORK/runner.out" 2>&1
      rc=$?
      set -e
      t1=$(date +%s%N)
      if [[ -s "$WORK/runner-report.json" ]]; then
        RUNNER_JSON="$(python3 "$TOOLS/runner_figures.py" "$WORK/runner-report.json" "$(( (t1 - t0) / 1000000 ))e-3")"
        RUNNER_JSON="$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["exit_status"]=int(sys.argv[2]); print(json.dumps(d))' "$RUNNER_JSON" "$rc")"
      else
        RUNNER_JSON="{\"available\": false, \"why\": \"the runner wrote no report (exit $rc)\"}"
      fi
    else
      RUNNER_JSON='{"available": false, "why": "terminus-conformance has no --report yet"}'
    fi
  fi
fi
log "runner: $RUNNER_JSON"

# --- the table ----------------------------------------------------------------------------------
elapsed=$(( $(date +%s) - started_at ))
export HOLD_MOCK HOLD_NGINX STARTUP_JSON RUNNER_JSON
python3 - "$WORK/extra.json" <<PY
import json, os, sys
held_mock = json.loads(os.environ["HOLD_MOCK"])
held_nginx = json.loads(os.environ["HOLD_NGINX"])
extra = {
    "memory": {
        "mock_idle_kib": $MOCK_IDLE_KIB, "mock_1000_kib": held_mock.get("rss_kib"),
        "mock_1000_opened": held_mock.get("opened"), "mock_1000_failed": held_mock.get("failed"),
        "nginx_idle_kib": $NGINX_IDLE_KIB, "nginx_1000_kib": held_nginx.get("rss_kib"),
        "held": $HELD,
    },
    "startup": json.loads(os.environ["STARTUP_JSON"]),
    "runner": json.loads(os.environ["RUNNER_JSON"]),
    "facts": {
        "date": "$(date -u +%Y-%m-%dT%H:%MZ)",
        "machine": "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r), nginx $("$NGINX_BIN" -v 2>&1 | sed 's|.*/||'), wrk $(wrk -v 2>&1 | awk 'NR==1{print $2}'), h2load $(h2load --version | awk '{print $2}' | sed 's|.*/||')",
        "rounds": $ROUNDS, "seconds": $SECONDS_EACH,
        "notes": "${DISTURBED:-}load generators share the 2 cores with the server under test; whole run ${elapsed} s.",
    },
}
json.dump(extra, open(sys.argv[1], "w"), indent=2)
PY
mkdir -p "$ROOT/bench/results"
python3 "$TOOLS/table.py" "$RESULTS" "$WORK/extra.json" \
  --md "$ROOT/bench/results/latest.md" --json "$ROOT/bench/results/latest.json"
cp "$RESULTS" "$ROOT/bench/results/latest-runs.jsonl"
log "table written to bench/results/latest.md (raw runs: bench/results/latest-runs.jsonl)"
