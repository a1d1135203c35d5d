#!/usr/bin/env bash
# bench/logs.sh — part of `make bench`: the mock and nginx with their per-request logs ON and
# OFF, like for like, in one run, alternating. "On" is each as users start it: the mock with
# its default log (RUST_LOG=info, one line per request on stderr, to a file) and its request
# journal (on by default); nginx with `access_log` to a file (its default format, a write per
# request). "Off": the mock with RUST_LOG=warn (the journal still on: it cannot be turned off
# from the command line but with --journal-size 0, which nobody does), nginx `access_log off`.
# Prints a table and writes bench/results/logs.md; exits 1 if the mock is behind nginx in
# either setting.
#   BENCH_ROUNDS=3 BENCH_SECONDS=8 BENCH_LOG_SCENARIOS="h1-401 h1-200 h1-401-t1 h1-200-t1 h2-401 h2-200"
set -euo pipefail
PROG=bench-logs
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROUNDS="${BENCH_ROUNDS:-3}"
SECONDS_EACH="${BENCH_SECONDS:-8}"
SCENARIOS="${BENCH_LOG_SCENARIOS:-h1-401 h1-200 h1-401-t1 h1-200-t1 h2-401 h2-200}"
make_workdir
trap cleanup EXIT
trap 'exit 130' INT TERM
TOOLS="$ROOT/bench/tools"
RESULTS="$WORK/logs.jsonl"
: >"$RESULTS"
ensure_tools wrk:wrk h2load:nghttp2-client nginx:nginx openssl:openssl curl:curl python3:python3
build_mock
make_cert "$WORK/cert"
TLS=(--tls-cert "$WORK/cert/cert.pem" --tls-key "$WORK/cert/key.pem")

MOCK_RUST_LOG=info start_mock mock-logged "${TLS[@]}"
declare -A URL PIDS
URL[mock-logged]="$MOCK_URL" PIDS[mock-logged]="$MOCK_PID"
MOCK_RUST_LOG=warn start_mock mock-quiet "${TLS[@]}"
URL[mock-quiet]="$MOCK_URL" PIDS[mock-quiet]="$MOCK_PID"
OK_BODY="$(curl -sS --cacert "$WORK/cert/ca.pem" -H "Authorization: Bearer $API_KEY" "${URL[mock-quiet]}/v1/account")" \
  || die "the mock did not answer GET /v1/account with the test key"
NGINX_NAME=nginx-logged NGINX_ACCESS_LOG="$WORK/nginx-logged/access.log" \
  start_nginx "$WORK/cert/cert.pem" "$WORK/cert/key.pem" "$OK_BODY"
URL[nginx-logged]="$NGINX_URL" PIDS[nginx-logged]="$(echo "$NGINX_PID" $(children_of "$NGINX_PID") | tr ' ' ,)"
NGINX_NAME=nginx-quiet NGINX_ACCESS_LOG=off start_nginx "$WORK/cert/cert.pem" "$WORK/cert/key.pem" "$OK_BODY"
URL[nginx-quiet]="$NGINX_URL" PIDS[nginx-quiet]="$(echo "$NGINX_PID" $(children_of "$NGINX_PID") | tr ' ' ,)"

for server in mock-logged nginx-logged mock-quiet nginx-quiet; do
  wrk -t2 -c32 -d1s "${URL[$server]}/v1/account" >/dev/null
done
log "logs on and off: $(wc -w <<<"$SCENARIOS") scenarios x $ROUNDS rounds x 4 servers x ${SECONDS_EACH} s"
for round in $(seq 1 "$ROUNDS"); do
  for scenario in $SCENARIOS; do
    for server in mock-logged nginx-logged mock-quiet nginx-quiet; do
      python3 "$TOOLS/load.py" "$scenario" "${URL[$server]}" --server "$server" --round "$round" \
        --duration "$SECONDS_EACH" --key "$API_KEY" --pids "${PIDS[$server]}" --out "$RESULTS"
      sleep 1
    done
  done
done
# Both logs really were written: one line per request.
lines_mock=$(grep -c "public request" "$WORK/mock-logged/stderr" || true)
lines_nginx=$(wc -l <"$WORK/nginx-logged/access.log")
log "log lines written: mock $lines_mock, nginx $lines_nginx"
mkdir -p "$ROOT/bench/results"
cp "$RESULTS" "$ROOT/bench/results/logs-runs.jsonl"
python3 - "$RESULTS" "$ROOT/bench/results/logs.md" "$lines_mock" "$lines_nginx" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def median(scenario, server, field="value"):
    values = [r[field] for r in runs if r.get("scenario") == scenario and r.get("server") == server and r.get("ok", True) and field in r]
    return statistics.median(values) if values else None
scenarios = sorted({r["scenario"] for r in runs}, key=["h1-401", "h1-200", "h1-401-t1", "h1-200-t1", "h2-401", "h2-200"].index)
rows, behind = [], []
for setting in ("logged", "quiet"):
    for s in scenarios:
        m, n = median(s, f"mock-{setting}"), median(s, f"nginx-{setting}")
        ratio = (m / n) if m and n else None
        if ratio is None or ratio < 1.0:
            behind.append(f"{s} ({setting})")
        mc, nc = median(s, f"mock-{setting}", "server_cpu_us_per_req"), median(s, f"nginx-{setting}", "server_cpu_us_per_req")
        cpu = f"{mc:.1f} / {nc:.1f} µs" if mc and nc else "-"
        label = 'logs on (mock: RUST_LOG=info + journal; nginx: access_log)' if setting == 'logged' else 'logs off (mock: RUST_LOG=warn; nginx: access_log off)'
        rows.append(f"| {s} | {label} | {m:,.0f} | {n:,.0f} | {ratio:.2f}x | {cpu} |" if ratio else f"| {s} | {setting} | - | - | - | - |")
table = "\n".join(["| scenario | setting | mock req/s | nginx req/s | mock / nginx | server CPU per request, mock / nginx |", "| --- | --- | --- | --- | --- | --- |", *rows])
text = f"# Logs on and off, like for like\n\n{table}\n\nLog lines written during the run: mock {sys.argv[3]}, nginx {sys.argv[4]}.\n"
open(sys.argv[2], "w").write(text)
print(text)
if behind:
    print("the mock is behind nginx in: " + ", ".join(behind))
    sys.exit(1)
PY
