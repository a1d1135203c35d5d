#!/usr/bin/env bash
# interop/run.sh [STACK...] — `make interop`: real frameworks, each configured as its docs
# recommend for bearer keys, checked by the release runner; then the README's framework table.
# interop/run.sh --serve STACK [PORT] — installs and starts one stack, prints the command that
# checks it, and keeps it running until Ctrl-C (no runner, no README).
#
# Per stack: installs what is missing (pinned: a venv from interop/STACK/requirements.txt,
# `npm ci` from the committed package-lock.json, Debian's golang-go and nginx through apt-get),
# all under target/interop/; starts it on 127.0.0.1 with a throw-away CA; waits until it
# answers; runs terminus-conformance against it (--report, --junit); stops it. Then prints a
# summary and rewrites the README section between the interop markers (interop/table.py) from
# every report in target/interop/reports/.
#
# Environment: SEED (the runner's --seed, default 1, so two runs send the same inputs),
# RUNNER (a built terminus-conformance; default: cargo build --release), RUNNER_ARGS (added to
# every run), NO_README=1 (leave README.md alone).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/interop"
OUT="$ROOT/target/interop"
REPORTS="$OUT/reports"
SEED="${SEED:-1}"
ALL_STACKS=(fastapi starlette express flask drf go go-close aiohttp fastify fastify-h2 hono axum)
SERVE_PORT=""
if [[ "${1:-}" == --serve ]]; then
  [[ $# -ge 2 ]] || { echo "usage: interop/run.sh --serve STACK [PORT]" >&2; exit 2; }
  SERVE_PORT="${3:-0}"; set -- "$2"
fi
STACKS=("$@")
((${#STACKS[@]})) || STACKS=("${ALL_STACKS[@]}")

log() { printf '[interop %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'interop: error: %s\n' "$*" >&2; exit 1; }

for s in "${STACKS[@]}"; do
  [[ " ${ALL_STACKS[*]} " == *" $s "* ]] || die "unknown stack '$s' (one of: ${ALL_STACKS[*]})"
done
LOGS="$OUT/logs"   # what each stack prints (its own access and error logs): not shown
mkdir -p "$OUT" "$REPORTS" "$LOGS"

# ---- what every stack needs -------------------------------------------------------------

if [[ -z "${RUNNER:-}" ]]; then
  log "building the release runner (cargo build --release -p terminus-conformance)"
  (cd "$ROOT" && "${CARGO:-cargo}" build -q --release -p terminus-conformance) || die "the runner did not build"
  RUNNER="${CARGO_TARGET_DIR:-$ROOT/target}/release/terminus-conformance"
fi
[[ -x "$RUNNER" ]] || die "no runner at $RUNNER"
# The last commit that changed the runner (its crate, the contract it compiles in, the lock);
# "+changes" when the work tree differs from it there.
RUNNER_COMMIT="$(git -C "$ROOT" log -1 --format=%h -- conformance contract Cargo.lock 2>/dev/null || echo unknown)"
[[ -z "$(git -C "$ROOT" status --porcelain -- conformance contract Cargo.lock 2>/dev/null)" ]] \
  || RUNNER_COMMIT="$RUNNER_COMMIT+changes"

CERTS="$(bash "$ROOT/conformance/tests/external/gen-certs.sh" "$OUT/certs")"
chmod 0755 "$OUT"   # nginx workers (nobody, when run as root) reach their temp dirs through it
export INTEROP_KEYS="$ROOT/contract/fixtures/keys.json"
# The public, test-only keys of the fixture (its $comment says why they are safe to publish):
# the first active one is TERMINUS_API_KEY, the second TERMINUS_SECOND_API_KEY, the revoked one
# TERMINUS_REVOKED_API_KEY. Read here, so no key-shaped string lives in the scripts.
fixture_key() {
  python3 -c 'import json, sys
keys = [k["key"] for k in json.load(open(sys.argv[1]))["keys"] if k["status"] == sys.argv[2]]
print(keys[int(sys.argv[3])])' "$INTEROP_KEYS" "$1" "$2"
}
VALID_KEY="$(fixture_key active 0)"
SECOND_KEY="$(fixture_key active 1)"
REVOKED_KEY="$(fixture_key revoked 0)"

apt_install() { # CMD PACKAGE: apt-get install PACKAGE unless CMD exists
  command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" ]] && return 0
  [[ "$(id -u)" == 0 ]] || die "$1 is missing: install Debian's $2 (apt-get needs root)"
  log "installing $2 (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >"$OUT/apt.log" 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$OUT/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >>"$OUT/apt.log" 2>&1
  } || { tail -5 "$OUT/apt.log" >&2; die "apt-get install $2 failed"; }
}

python_env() { # STACK: target/interop/STACK/venv from interop/STACK/requirements.txt, made once
  local req="$HERE/$1/requirements.txt" venv="$OUT/$1/venv"
  local stamp="$venv/.installed-$(sha256sum "$req" | cut -c1-16)"
  if [[ ! -e "$stamp" ]]; then
    log "$1: pip install -r interop/$1/requirements.txt (target/interop/$1/venv)"
    rm -rf "$venv"
    python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check -r "$req" >&2 \
      && touch "$stamp" || return 1
  fi
}

node_env() { # STACK: npm ci of interop/STACK/package-lock.json into target/interop/STACK
  local dir="$OUT/$1" lock="$HERE/$1/package-lock.json"
  local stamp="$dir/.installed-$(sha256sum "$lock" | cut -c1-16)"
  if [[ ! -e "$stamp" ]]; then
    log "$1: npm ci (target/interop/$1/node_modules)"
    rm -rf "$dir/node_modules"; mkdir -p "$dir"
    cp "$HERE/$1/package.json" "$lock" "$dir/" \
      && (cd "$dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2) \
      && touch "$stamp" || return 1
  fi
}

go_build() { # the Go stack's binary, stdlib only (no module download)
  apt_install go golang-go && mkdir -p "$OUT/go" || return 1
  (cd "$HERE/go" && GOPATH="$OUT/go/path" GOCACHE="$OUT/go/cache" GOPROXY=off GOFLAGS=-mod=mod \
    go build -o "$OUT/go/goapi" .)
}

axum_build() { # the axum stack, its own Cargo.lock, built into target/interop/axum
  log "axum: cargo build --release --locked (interop/axum, target/interop/axum)"
  CARGO_TARGET_DIR="$OUT/axum/target" "${CARGO:-cargo}" build -q --release --locked \
    --manifest-path "$HERE/axum/Cargo.toml" || die "interop/axum did not build"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# versions KEY=VALUE... as a JSON object (for the table)
versions_json() { python3 -c 'import json, sys; print(json.dumps(dict(a.split("=", 1) for a in sys.argv[1:])))' "$@"; }
pyver() { "$OUT/$1/venv/bin/python" -c 'import sys, importlib.metadata as m
print(" ".join(f"{p}={m.version(p)}" for p in sys.argv[1:]), f"Python={sys.version.split()[0]}")' "${@:2}"; }
nodever() { (cd "$OUT/$1/node_modules" && for p in "${@:2}"; do
  printf '%s=%s ' "$p" "$(node -p "require('./$p/package.json').version")"; done; echo "Node=$(node --version | tr -d v)"); }
nginxver() { /usr/sbin/nginx -v 2>&1 | sed 's|.*nginx/|nginx=|'; }
gover() { go version | awk '{sub("go", "", $3); print "Go=" $3}'; }

# ---- the stacks: install STACK (in a subshell: a stack that will not install is skipped),
# then start_STACK PORT (appends to PIDS, sets VERSIONS) ----

install() {
  case "$1" in
    fastapi | starlette | flask | aiohttp) python_env "$1" ;;
    drf) python_env drf && apt_install nginx nginx ;;
    express | fastify | hono) node_env "$1" ;;
    fastify-h2) node_env fastify ;;
    go | go-close) go_build ;;
    axum) axum_build ;;
  esac
}

# installs STACK: install in a subshell, so that a `die` fails this stack only. (Called under
# `if`/`||`, where errexit is off: every install step chains its commands with && itself.)
installs() { (install "$1"); }

PIDS=()
start_fastapi() {
  (cd "$HERE/fastapi" && exec "$OUT/fastapi/venv/bin/uvicorn" app:app --host 127.0.0.1 --port "$1" \
    --ssl-keyfile "$CERTS/key.pem" --ssl-certfile "$CERTS/cert.pem" --log-level warning) \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(pyver fastapi fastapi starlette uvicorn)"
}
start_starlette() {
  (cd "$HERE/starlette" && exec "$OUT/starlette/venv/bin/uvicorn" app:app --host 127.0.0.1 --port "$1" \
    --ssl-keyfile "$CERTS/key.pem" --ssl-certfile "$CERTS/cert.pem" --log-level warning) \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(pyver starlette starlette uvicorn)"
}
start_flask() {
  (cd "$HERE/flask" && exec "$OUT/flask/venv/bin/gunicorn" -b "127.0.0.1:$1" -w 2 \
    --certfile "$CERTS/cert.pem" --keyfile "$CERTS/key.pem" --log-level warning app:app) \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(pyver flask Flask Flask-HTTPAuth Werkzeug gunicorn)"
}
start_drf() {
  local backend work="$OUT/drf/nginx"
  backend="$(free_port)"
  (cd "$HERE/drf" && exec "$OUT/drf/venv/bin/gunicorn" -b "127.0.0.1:$backend" -w 2 \
    --log-level warning wsgi:application) >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  mkdir -p "$work"; chmod 0755 "$work"
  sed -e "s|@PORT@|$1|; s|@BACKEND@|$backend|; s|@CERT@|$CERTS/cert.pem|; s|@KEY@|$CERTS/key.pem|" \
    -e "s|@WORK@|$work|g" "$HERE/drf/nginx.conf.in" >"$work/nginx.conf"
  /usr/sbin/nginx -p "$work" -c "$work/nginx.conf" -e "$work/nginx-error.log" >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(pyver drf Django djangorestframework gunicorn) $(nginxver)"
}
start_go() {
  "$OUT/go/goapi" -addr "127.0.0.1:$1" -cert "$CERTS/cert.pem" -key "$CERTS/key.pem" -keys "$INTEROP_KEYS" \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(gover)"
}
start_go-close() {
  "$OUT/go/goapi" -close -addr "127.0.0.1:$1" -cert "$CERTS/cert.pem" -key "$CERTS/key.pem" -keys "$INTEROP_KEYS" \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(gover)"
}
start_aiohttp() {
  "$OUT/aiohttp/venv/bin/python" "$HERE/aiohttp/app.py" --port "$1" --cert "$CERTS/cert.pem" --key "$CERTS/key.pem" \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(pyver aiohttp aiohttp)"
}
start_express() {
  NODE_PATH="$OUT/express/node_modules" node "$HERE/express/app.js" "$1" "$CERTS/cert.pem" "$CERTS/key.pem" \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(nodever express express passport passport-http-bearer)"
}
start_fastify() {
  NODE_PATH="$OUT/fastify/node_modules" node "$HERE/fastify/app.js" "$1" "$CERTS/cert.pem" "$CERTS/key.pem" \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(nodever fastify fastify @fastify/bearer-auth)"
}
start_fastify-h2() {
  NODE_PATH="$OUT/fastify/node_modules" node "$HERE/fastify/app.js" "$1" "$CERTS/cert.pem" "$CERTS/key.pem" h2 \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(nodever fastify fastify @fastify/bearer-auth)"
}
start_hono() {
  NODE_PATH="$OUT/hono/node_modules" node "$HERE/hono/app.js" "$1" "$CERTS/cert.pem" "$CERTS/key.pem" \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(nodever hono hono @hono/node-server)"
}
start_axum() {
  "$OUT/axum/target/release/interop-axum" "127.0.0.1:$1" "$CERTS/cert.pem" "$CERTS/key.pem" \
    >>"$LOGS/$STACK_NAME.log" 2>&1 &
  PIDS+=($!)
  VERSIONS="$(python3 -c 'import re, sys
lock = open(sys.argv[1]).read()
print(" ".join(n + "=" + re.search(r"name = \"%s\"\nversion = \"([^\"]+)\"" % n, lock).group(1)
               for n in ("axum", "axum-server", "rustls", "hyper")))' "$HERE/axum/Cargo.lock") rustc=$(rustc --version | cut -d' ' -f2)"
}

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap stop_all EXIT INT TERM

# wait_ready PORT: polls until the stack answers a TLS request, 60 s at most: any HTTP status
# but a proxy's 502/503/504 (nginx is up before the application behind it).
wait_ready() {
  local code pid
  for _ in $(seq 1 600); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$CERTS/ca.pem" \
      "https://127.0.0.1:$1/v1/account" 2>/dev/null || true)"
    [[ -n "$code" && "$code" != 000 && "$code" != 502 && "$code" != 503 && "$code" != 504 ]] && return 0
    for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
    sleep 0.1
  done
  return 1
}

# no_leak FILE...: no 10 consecutive characters of a key in what the runner wrote.
no_leak() {
  local k i
  for k in "$VALID_KEY" "$SECOND_KEY" "$REVOKED_KEY"; do
    for ((i = 0; i + 10 <= ${#k}; i++)); do
      if grep -qF -- "${k:i:10}" "$@"; then echo "LEAK"; return; fi
    done
  done
  echo "ok"
}

if [[ -n "$SERVE_PORT" ]]; then
  stack="${STACKS[0]}"
  port="$SERVE_PORT"; [[ "$port" != 0 ]] || port="$(free_port)"
  installs "$stack" || die "$stack did not install (see above)"
  STACK_NAME="$stack"; : >"$LOGS/$stack.log"
  "start_$stack" "$port"
  wait_ready "$port" || die "$stack did not start"
  cat <<EOT
$stack ($VERSIONS) is listening on https://127.0.0.1:$port (Ctrl-C stops it; its output goes to
target/interop/logs/$stack.log). Check it with:
  TERMINUS_API_KEY=\$(python3 -c 'import json; print([k["key"] for k in json.load(open("contract/fixtures/keys.json"))["keys"] if k["status"] == "active"][0])') \\
  $RUNNER --target https://127.0.0.1:$port --ca-cert $CERTS/ca.pem --allow-writes
EOT
  wait "${PIDS[0]}" || true
  exit 0
fi

# not_run STACK WHY: a meta file without a report, so the table says why the row is empty.
not_run() {
  log "$1: $2"
  python3 -c 'import json, sys
json.dump({"stack": sys.argv[1], "exit_status": None, "not_run": sys.argv[2], "seconds": 0, "versions": {},
           "runner_commit": sys.argv[3], "seed": int(sys.argv[4]), "secrets": "ok"}, open(sys.argv[5], "w"), indent=2)' \
    "$1" "$2" "$RUNNER_COMMIT" "$SEED" "$REPORTS/$1.meta.json"
  SUMMARY+=("$(python3 "$HERE/table.py" --line "$REPORTS/$1.meta.json")")
}

SUMMARY=()
for stack in "${STACKS[@]}"; do
  port="$(free_port)"
  VERSIONS=""
  base="$REPORTS/$stack"
  rm -f "$base".*
  if ! installs "$stack"; then
    not_run "$stack" "did not install (see make interop's output)"
    continue
  fi
  log "$stack: starting on https://127.0.0.1:$port (its output: target/interop/logs/$stack.log)"
  STACK_NAME="$stack"; : >"$LOGS/$stack.log"
  "start_$stack" "$port"
  if ! wait_ready "$port"; then
    stop_all
    not_run "$stack" "did not start (see target/interop/logs/$stack.log)"
    continue
  fi
  log "$stack: ready; running the conformance runner (seed $SEED)"
  start=$(date +%s.%N)
  status=0
  # Only ever 127.0.0.1: the stack this script just started.
  TERMINUS_API_KEY="$VALID_KEY" TERMINUS_SECOND_API_KEY="$SECOND_KEY" TERMINUS_REVOKED_API_KEY="$REVOKED_KEY" \
    "$RUNNER" --target "https://127.0.0.1:$port" --ca-cert "$CERTS/ca.pem" --allow-writes --seed "$SEED" \
    --report "$base.json" --junit "$base.xml" ${RUNNER_ARGS:-} >"$base.stdout" 2>"$base.stderr" || status=$?
  seconds="$(python3 -c "print(round($(date +%s.%N) - $start, 1))")"
  stop_all
  leak="$(no_leak "$base.json" "$base.xml" "$base.stdout" "$base.stderr")"
  # shellcheck disable=SC2086
  versions="$(versions_json $VERSIONS)"
  # The runner's own one-line error (exit 2 or 3: usage, unreachable), if it printed one.
  message=""
  [[ "$status" != 2 && "$status" != 3 ]] \
    || message="$(grep -h -m1 '^terminus-conformance: ' "$base.stdout" "$base.stderr" | head -1 || true)"
  python3 -c 'import json, sys
stack, status, seconds, versions, commit, seed, leak, message = sys.argv[1:9]
json.dump({"stack": stack, "exit_status": int(status), "seconds": float(seconds), "versions": json.loads(versions),
           "runner_commit": commit, "seed": int(seed), "secrets": leak, "runner_message": message},
          open(sys.argv[9], "w"), indent=2)' \
    "$stack" "$status" "$seconds" "$versions" "$RUNNER_COMMIT" "$SEED" "$leak" "$message" "$base.meta.json"
  SUMMARY+=("$(python3 "$HERE/table.py" --line "$base.meta.json")")
done

echo
echo "make interop: runner at commit $RUNNER_COMMIT, seed $SEED, reports in target/interop/reports/"
printf '  %s\n' "${SUMMARY[@]}"
if [[ "${NO_README:-0}" != 1 ]]; then
  python3 "$HERE/table.py" --readme "$ROOT/README.md" "$REPORTS"
  echo "README.md: the framework table rewritten from target/interop/reports/"
fi
