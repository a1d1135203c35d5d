#!/usr/bin/env bash
# soak/run.sh — `make soak`: load, slow clients, abuse and admin churn against the release mock,
# each with figures and a pass/fail verdict, then one table. See soak/README.md.
#
# Environment (all optional):
#   SOAK_SECONDS=60          the load phase's duration
#   SOAK_CONNECTIONS=1000    concurrent TLS keep-alive connections in the load phase
#   SOAK_SLOW=300            slow-header connections (plus SOAK_SLOW/6 slow handshakes)
#   SOAK_HEADER_TIMEOUT=5    the mock's --header-read-timeout for the whole soak (seconds)
#   SOAK_MINTS=2000          keys minted in the admin phase (every other one is revoked)
#   SOAK_WORKERS=64          concurrent admin clients
#   SOAK_PHASES="load slow abuse admin"
#   KEEP_WORK=1              keep the temp dir (logs, raw JSON)
# Loopback only; every client is bounded in count and time; exits non-zero if a verdict fails.
set -euo pipefail
PROG=soak
# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bench/lib.sh"

SOAK_SECONDS="${SOAK_SECONDS:-60}"
CONNS="${SOAK_CONNECTIONS:-1000}"
SLOW="${SOAK_SLOW:-300}"
HDR_TIMEOUT="${SOAK_HEADER_TIMEOUT:-5}"
MINTS="${SOAK_MINTS:-2000}"
WORKERS="${SOAK_WORKERS:-64}"
PHASES="${SOAK_PHASES:-load slow abuse admin}"
for n in "$SOAK_SECONDS" "$CONNS" "$SLOW" "$HDR_TIMEOUT" "$MINTS" "$WORKERS"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "SOAK_* numbers must be positive integers (got '$n')"
done
((SOAK_SECONDS <= 600 && CONNS <= 5000 && SLOW <= 2000 && HDR_TIMEOUT <= 30 && MINTS <= 20000)) \
  || die "SOAK_* values are capped (seconds <= 600, connections <= 5000, slow <= 2000, timeout <= 30, mints <= 20000)"

make_workdir
trap cleanup EXIT
trap 'exit 130' INT TERM
TOOLS="$ROOT/soak/tools"
VERDICTS="$WORK/verdicts.jsonl"
: >"$VERDICTS"
started_at=$(date +%s)

ensure_tools wrk:wrk h2load:nghttp2-client openssl:openssl curl:curl python3:python3
build_mock
quiet_machine || true

start_mock soak --ca-out "$WORK/ca.pem" --header-read-timeout "$HDR_TIMEOUT"
URL="$MOCK_URL" ADMIN_URL="$MOCK_ADMIN_URL" PID="$MOCK_PID"
log "mock pid $PID at $URL (admin $ADMIN_URL), --header-read-timeout $HDR_TIMEOUT"

# verdict PHASE JSON: records one phase's figures (JSON with "ok" and "why").
verdict() {
  python3 -c 'import json,sys; d=json.loads(sys.argv[2]); d["phase"]=sys.argv[1]; print(json.dumps(d))' \
    "$1" "$2" >>"$VERDICTS"
  log "  $1: $2"
}
alive() {
  kill -0 "$PID" 2>/dev/null || die "the mock died (see $MOCK_DIR/stderr): $(tail -3 "$MOCK_DIR/stderr")"
}
fds() { ls "/proc/$PID/fd" | wc -l; }
# bg_start NAME CMD...: a bounded background client, recorded for cleanup; sets BG_PID.
bg_start() {
  local name="$1"; shift
  "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  BG_PID=$!
  STARTED_PIDS+=("$BG_PID")
}

# --- load: N TLS keep-alive connections for SOAK_SECONDS ----------------------------------------
phase_load() {
  local half=$((CONNS / 2)) warm=$((SOAK_SECONDS / 4)) i
  log "load: $CONNS TLS keep-alive connections for $SOAK_SECONDS s ($half with the key, $half without)"
  bg_start wrk-key wrk -t1 -c"$half" -d"${SOAK_SECONDS}s" --timeout 5s --latency \
    -H "Authorization: Bearer $API_KEY" "$URL/v1/account"
  local w1=$BG_PID
  bg_start wrk-nokey wrk -t1 -c"$((CONNS - half))" -d"${SOAK_SECONDS}s" --timeout 5s --latency "$URL/v1/account"
  local w2=$BG_PID
  : >"$WORK/rss.txt"
  for i in $(seq 1 "$((SOAK_SECONDS + 5))"); do
    kill -0 "$w1" 2>/dev/null || kill -0 "$w2" 2>/dev/null || break
    alive
    echo "$i $(rss_kib "$PID") $(fds)" >>"$WORK/rss.txt"
    sleep 1
  done
  wait "$w1" "$w2" || true
  alive
  local key nokey
  key="$(python3 "$TOOLS/wrk_result.py" "$WORK/wrk-key.out" 200)"
  nokey="$(python3 "$TOOLS/wrk_result.py" "$WORK/wrk-nokey.out" 401)"
  verdict "load: with the key (200)" "$key"
  verdict "load: without a key (401)" "$nokey"
  verdict "load: RSS flat after warm-up" "$(python3 - "$WORK/rss.txt" "$warm" <<'PY'
import json, sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
warm = int(sys.argv[2])
after = [r[1] for r in rows if r[0] > warm]
if len(after) < 3:
    print(json.dumps({"ok": False, "why": "too few RSS samples"})); sys.exit()
start, end, peak = after[0], after[-1], max(after)
# Flat: the end of the run is within 5% (or 2 MiB) of the RSS at the end of warm-up.
allowed = max(2048, start * 0.05)
ok = end - start <= allowed
print(json.dumps({"rss_mib_after_warmup": round(start / 1024, 1), "rss_mib_end": round(end / 1024, 1),
                  "rss_mib_peak": round(peak / 1024, 1), "samples": len(rows),
                  "open_fds_peak": max(r[2] for r in rows), "ok": ok,
                  "why": None if ok else f"RSS grew {round((end - start) / 1024, 1)} MiB after warm-up"}))
PY
)"
}

# --- slow clients: trickled headers and handshakes closed at the timeout ----------------------
probe_latency() {  # probe_latency SECONDS -> JSON of a 25 req/s x 4 connections client
  python3 - "$URL" "$1" <<'PY'
import json, subprocess, sys, tempfile, os
url, secs = sys.argv[1], int(sys.argv[2])
with tempfile.TemporaryDirectory() as t:
    log = os.path.join(t, "log.tsv")
    out = subprocess.run(["h2load", "--h1", "-c4", "-m1", "--rps=25", f"-D{secs}", f"--log-file={log}",
                          url + "/v1/account"], capture_output=True, text=True, timeout=secs + 30).stdout
    rows = [l.split("\t") for l in open(log) if l.strip()]
lat = sorted(int(r[2]) / 1000 for r in rows if r[1] == "401")
bad = sum(1 for r in rows if r[1] != "401")
pick = lambda p: round(lat[min(len(lat) - 1, round(p / 100 * (len(lat) - 1)))], 2) if lat else None
print(json.dumps({"requests": len(rows), "not_401": bad, "p50_ms": pick(50), "p99_ms": pick(99)}))
PY
}
phase_slow() {
  local hs=$((SLOW / 6)) base during slow
  sleep 3   # let the previous phase's connections wind down first
  log "slow clients: baseline latency of a normal client"
  base="$(probe_latency 4)"
  log "slow clients: $SLOW trickling header bytes + $hs trickling a ClientHello, 1 byte/s; timeout ${HDR_TIMEOUT} s"
  bg_start slow python3 "$TOOLS/slow_clients.py" "$URL" --count "$SLOW" --handshake-count "$hs" \
    --interval 1 --timeout "$HDR_TIMEOUT"
  local sp=$BG_PID
  sleep 1
  during="$(probe_latency "$HDR_TIMEOUT")"
  wait "$sp" || true
  alive
  slow="$(cat "$WORK/slow.out")"
  [[ -n "$slow" ]] || slow='{"header": {}, "handshake": {}}'
  verdict "slow clients: closed at the timeout" "$(python3 - "$slow" "$HDR_TIMEOUT" <<'PY'
import json, sys
d, t = json.loads(sys.argv[1]), float(sys.argv[2])
why = []
for name in ("header", "handshake"):
    p = d.get(name, {})
    c = p.get("closed_after_s", {})
    if not p or p.get("closed") != p.get("count") or p.get("setup_errors"):
        why.append(f"{name}: {p.get('closed')} of {p.get('count')} closed ({p.get('setup_errors')} setup errors)")
    elif not (t - 1 <= (c.get("min") or 0) and (c.get("max") or 99) <= t + 2.5):
        why.append(f"{name}: closed after {c.get('min')}..{c.get('max')} s, timeout {t} s")
    if p.get("unexpected_responses"):
        why.append(f"{name}: unexpected answers {p['unexpected_responses']}")
print(json.dumps({"header": {k: d.get("header", {}).get(k) for k in ("count", "closed", "closed_after_s", "http_responses")},
                  "handshake": {k: d.get("handshake", {}).get(k) for k in ("count", "closed", "closed_after_s")},
                  "ok": not why, "why": "; ".join(why) or None}))
PY
)"
  verdict "slow clients: a normal client's latency" "$(python3 - "$base" "$during" <<'PY'
import json, sys
b, d = json.loads(sys.argv[1]), json.loads(sys.argv[2])
# Usual latency: p99 during the attack within 2x baseline p99 + 2 ms, every answer a 401.
ok = bool(d["requests"]) and d["not_401"] == 0 and d["p99_ms"] is not None and b["p99_ms"] is not None \
     and d["p99_ms"] <= 2 * b["p99_ms"] + 2
print(json.dumps({"baseline_p50_ms": b["p50_ms"], "baseline_p99_ms": b["p99_ms"], "during_p50_ms": d["p50_ms"],
                  "during_p99_ms": d["p99_ms"], "requests_during": d["requests"], "not_401": d["not_401"],
                  "ok": ok, "why": None if ok else "latency during the slow clients over 2x baseline p99 + 2 ms, or errors"}))
PY
)"
}

# --- abuse ------------------------------------------------------------------------------------
phase_abuse() {
  local round kind out fd0 rss0 rss1="" fd1 stopfile="$WORK/bystander.stop"
  head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'z' >"$WORK/10mb.bin"
  rm -f "$stopfile"
  bg_start bystander python3 "$TOOLS/bystander.py" "$URL" --until-file "$stopfile" --max-seconds 400
  local by=$BG_PID
  sleep 1
  fd0="$(fds)" rss0="$(rss_kib "$PID")"
  log "abuse: 2 rounds of every attack, a normal client running beside them (fds $fd0, RSS $((rss0 / 1024)) MiB)"
  for round in 1 2; do
    for kind in garbage plaintext reset half-open big-body h2-flood h2-reset; do
      case "$kind" in
        garbage|plaintext) n=200 ;; reset) n=300 ;; half-open) n=200 ;; big-body) n=3 ;;
        h2-flood) n=5000 ;; h2-reset) n=20000 ;;
      esac
      out="$(python3 "$TOOLS/abuse.py" "$kind" "$URL" --count "$n" --pid "$PID" --timeout $((HDR_TIMEOUT + 5)))"
      alive
      verdict "abuse $round: $kind" "$out"
    done
    # HTTP/2 uploads of 10 MB without a key (h2load posts the file).
    out="$(h2load -n4 -c2 -m2 -d "$WORK/10mb.bin" "$URL/v1/account" 2>&1 | tail -8 || true)"
    alive
    verdict "abuse $round: h2 10 MB body" "$(python3 - "$out" <<'PY'
import json, re, sys
t = sys.argv[1]
c = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", t)
ok = bool(c) and int(c[3]) == 4
print(json.dumps({"statuses": c.group(0) if c else None, "ok": ok,
                  "why": None if ok else "4 uploads did not all get 401: " + t[-200:]}))
PY
)"
    # Let the server close what the attacks left (handshake/header timeouts), then look.
    sleep $((HDR_TIMEOUT + 2))
    fd1="$(fds)"
    if [[ -z "$rss1" ]]; then rss1="$(rss_kib "$PID")"; fi
  done
  local rss2
  rss2="$(rss_kib "$PID")"
  touch "$stopfile"
  wait "$by" || true
  verdict "abuse: a normal client beside the attacks" "$(python3 -c '
import json,sys; d=json.loads(sys.argv[1]); d["ok"]=d["failures"]==0 and d["requests"]>0
d["why"]=None if d["ok"] else "the normal client saw failures: %s" % d.get("first_failure"); print(json.dumps(d))' \
    "$(cat "$WORK/bystander.out")")"
  verdict "abuse: nothing leaked" "$(python3 -c '
import json,sys
fd0,fd1,r0,r1,r2=map(int,sys.argv[1:6])
# No leak: open descriptors back to where they were; the second round of attacks adds
# no more than 2 MiB of RSS to the first (allocator high-water marks are not leaks).
ok = fd1 <= fd0 + 2 and r2 - r1 <= 2048
print(json.dumps({"fds_before": fd0, "fds_after": fd1, "rss_mib_before": round(r0/1024,1),
  "rss_mib_after_round_1": round(r1/1024,1), "rss_mib_after_round_2": round(r2/1024,1), "ok": ok,
  "why": None if ok else "descriptors or memory not given back"}))' "$fd0" "$fd1" "$rss0" "$rss1" "$rss2")"
}

# --- admin plane under load -------------------------------------------------------------------
phase_admin() {
  log "admin: $MINTS mints (every other one revoked) by $WORKERS concurrent clients, wrk on the Public API"
  bg_start wrk-admin wrk -t1 -c64 -d300s --timeout 5s "$URL/v1/account"
  local w=$BG_PID out
  sleep 1
  out="$(python3 "$TOOLS/admin_churn.py" "$URL" "$ADMIN_URL" --token "$ADMIN_TOKEN" --ca "$WORK/ca.pem" \
    --mints "$MINTS" --workers "$WORKERS")"
  kill -INT "$w" 2>/dev/null || true   # wrk prints its summary on SIGINT
  wait "$w" || true
  alive
  verdict "admin: mint/revoke churn, list exact" "$out"
  verdict "admin: Public API under wrk meanwhile (401)" "$(python3 "$TOOLS/wrk_result.py" "$WORK/wrk-admin.out" 401)"
}

for phase in $PHASES; do
  case "$phase" in
    load) phase_load ;; slow) phase_slow ;; abuse) phase_abuse ;; admin) phase_admin ;;
    *) die "unknown phase '$phase' in SOAK_PHASES (load slow abuse admin)" ;;
  esac
done
alive
if grep -q 'panicked' "$MOCK_DIR/stderr"; then
  verdict "mock: no panic in its log" '{"ok": false, "why": "the mock logged a panic"}'
else
  verdict "mock: no panic in its log, still running" '{"ok": true}'
fi

elapsed=$(( $(date +%s) - started_at ))
mkdir -p "$ROOT/soak/results"
python3 "$TOOLS/table.py" "$VERDICTS" --md "$ROOT/soak/results/latest.md" \
  --title "\`make soak\` — $(date -u +%Y-%m-%dT%H:%MZ) — $(nproc) cores — ${elapsed} s — mock --header-read-timeout $HDR_TIMEOUT"
