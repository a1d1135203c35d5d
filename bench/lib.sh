# Shared by bench/run.sh and soak/run.sh (sourced, not run): tools, the release mock, a
# certificate, starting and stopping servers, reading RSS. Everything a script starts is
# recorded in STARTED_PIDS and ended by `cleanup`; everything it writes lives under $WORK.
# The sourcing script sets PROG (its name, for messages) before sourcing.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MOCK_BIN="$ROOT/target/release/terminus-mock"
NGINX_BIN="${NGINX_BIN:-/usr/sbin/nginx}"
# The built-in, test-only active key (the first active one of contract/fixtures/keys.json): both
# servers accept it. Read from the fixture, so no key-shaped string lives in scripts.
API_KEY="$(python3 -c 'import json, sys
print(next(k["key"] for k in json.load(open(sys.argv[1]))["keys"] if k["status"] == "active"))' "$ROOT/contract/fixtures/keys.json")"
ENVELOPE='{"error":{"type":"authentication_error","code":null,"message":"Invalid API key"}}'
CHALLENGE='Bearer realm="terminus-hub"'
STARTED_PIDS=()

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '%s: error: %s\n' "${PROG:-bench}" "$*" >&2; exit 1; }

# make_workdir: a fresh temp dir in $WORK, removed by cleanup (unless KEEP_WORK=1).
make_workdir() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/${PROG:-bench}.XXXXXX")"
  chmod 0755 "$WORK"   # nginx workers run as nobody and must reach the certificate
}

cleanup() {
  local status=$? pid
  trap - EXIT INT TERM
  for pid in "${STARTED_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    # Bounded: 5 s of grace, then KILL.
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n "${WORK:-}" && -d "$WORK" && "${KEEP_WORK:-0}" != 1 ]]; then
    rm -rf "$WORK"
  elif [[ -n "${WORK:-}" ]]; then
    log "work files kept in $WORK"
  fi
  exit "$status"
}

# ensure_tools CMD:DEBIAN_PACKAGE ... — installs with apt-get what is missing (quietly, once).
ensure_tools() {
  local pair cmd pkg missing=()
  for pair in "$@"; do
    cmd="${pair%%:*}" pkg="${pair#*:}"
    if ! command -v "$cmd" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$cmd" ]]; then
      missing+=("$pkg")
    fi
  done
  ((${#missing[@]} == 0)) && return 0
  command -v apt-get >/dev/null 2>&1 \
    || die "missing ${missing[*]} and no apt-get to install them: install them by hand"
  [[ "$(id -u)" == 0 ]] || die "missing ${missing[*]}: run as root (apt-get install) or install them first"
  log "installing ${missing[*]} (apt-get)"
  local apt_log="${WORK:-/tmp}/apt.log"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      >"$apt_log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$apt_log" 2>&1 \
      || die "apt-get update failed (see $apt_log)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      >>"$apt_log" 2>&1 || { tail -5 "$apt_log" >&2; die "apt-get install ${missing[*]} failed"; }
  fi
}

# build_mock: the release binary, built quietly (the last lines are shown if it fails).
build_mock() {
  command -v cargo >/dev/null 2>&1 || die "cargo not found: a Rust toolchain is needed to build the mock"
  log "building the release mock (cargo build --release -p terminus-mock)"
  if ! (cd "$ROOT" && cargo build --release -p terminus-mock) >"$WORK/cargo.log" 2>&1; then
    tail -20 "$WORK/cargo.log" >&2
    die "cargo build --release -p terminus-mock failed"
  fi
  [[ -x "$MOCK_BIN" ]] || die "$MOCK_BIN was not built"
}

# make_cert DIR: an ECDSA P-256 CA and a leaf for localhost/127.0.0.1/::1, signed by it —
# the shape of the mock's own generated identity. Writes DIR/{ca,cert,key}.pem.
make_cert() {
  local dir="$1"
  command -v openssl >/dev/null 2>&1 || die "openssl not found (apt-get install openssl)"
  mkdir -p "$dir"
  openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 7 \
    -subj "/CN=bench local CA (test only)" -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" 2>/dev/null || die "openssl could not make the CA"
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -subj "/CN=localhost" -keyout "$dir/key.pem" -out "$dir/leaf.csr" 2>/dev/null \
    || die "openssl could not make the leaf key"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' >"$dir/leaf.ext"
  openssl x509 -req -in "$dir/leaf.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial \
    -days 7 -extfile "$dir/leaf.ext" -out "$dir/cert.pem" 2>/dev/null || die "openssl could not sign the leaf"
  chmod 0644 "$dir"/*.pem
}

# json_field FILE KEY: one top-level field of a JSON file.
json_field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# start_mock NAME [MOCK FLAGS...]: starts the release mock (RUST_LOG=warn unless set) on
# ephemeral loopback ports with admin token $ADMIN_TOKEN; waits (bounded) for its ready file.
# Sets MOCK_PID, MOCK_URL, MOCK_ADMIN_URL, MOCK_DIR.
ADMIN_TOKEN="bench-admin-token-0123456789abcdefghij"
start_mock() {
  local name="$1"; shift
  MOCK_DIR="$WORK/$name"
  mkdir -p "$MOCK_DIR"
  RUST_LOG="${MOCK_RUST_LOG:-warn}" "$MOCK_BIN" --listen 127.0.0.1:0 --admin-listen 127.0.0.1:0 \
    --admin-token "$ADMIN_TOKEN" --no-mint --ready-file "$MOCK_DIR/ready.json" "$@" \
    >"$MOCK_DIR/stdout" 2>"$MOCK_DIR/stderr" &
  MOCK_PID=$!
  STARTED_PIDS+=("$MOCK_PID")
  local i
  for i in $(seq 1 200); do
    [[ -s "$MOCK_DIR/ready.json" ]] && break
    kill -0 "$MOCK_PID" 2>/dev/null || { tail -5 "$MOCK_DIR/stderr" >&2; die "the mock ($name) exited at start"; }
    sleep 0.05
  done
  [[ -s "$MOCK_DIR/ready.json" ]] || die "the mock ($name) wrote no ready file within 10 s"
  MOCK_URL="$(json_field "$MOCK_DIR/ready.json" public_url)"
  MOCK_ADMIN_URL="$(json_field "$MOCK_DIR/ready.json" admin_url)"
}

# stop_pid PID: TERM, bounded wait, KILL.
stop_pid() {
  local pid="$1"
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# free_port: a loopback TCP port nobody listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_nginx CERT KEY OK_BODY: nginx from bench/nginx.conf.template on a free loopback port,
# in the foreground (daemon off) so its master is our child. Sets NGINX_PID, NGINX_URL.
start_nginx() {
  local cert="$1" key="$2" ok_body="$3" port dir
  [[ -x "$NGINX_BIN" ]] || die "nginx not found at $NGINX_BIN (apt-get install nginx)"
  dir="$WORK/${NGINX_NAME:-nginx}"
  mkdir -p "$dir"/tmp/{client_body,proxy,fastcgi,uwsgi,scgi}
  chmod -R 0777 "$dir/tmp"
  port="$(free_port)"
  T_RUN_DIR="$dir" T_PORT="$port" T_CERT="$cert" T_KEY="$key" T_API_KEY="$API_KEY" \
  T_CHALLENGE="$CHALLENGE" T_OK_BODY="$ok_body" T_ENVELOPE="$ENVELOPE" \
  T_ACCESS_LOG="${NGINX_ACCESS_LOG:-off}" \
    python3 "$ROOT/bench/tools/fill_template.py" "$ROOT/bench/nginx.conf.template" "$dir/nginx.conf" \
    || die "cannot write the nginx configuration"
  "$NGINX_BIN" -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' \
    2>"$dir/test.log" || { cat "$dir/test.log" >&2; die "nginx rejected $dir/nginx.conf"; }
  "$NGINX_BIN" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" -g 'daemon off;' \
    >"$dir/stdout" 2>"$dir/stderr" &
  NGINX_PID=$!
  STARTED_PIDS+=("$NGINX_PID")
  NGINX_URL="https://127.0.0.1:$port"
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$dir/stderr" "$dir/error.log" >&2 2>/dev/null; die "nginx exited at start"; }
    sleep 0.05
  done
  die "nginx did not listen on 127.0.0.1:$port within 5 s"
}

# rss_kib PID...: the sum of VmRSS of these processes (KiB).
rss_kib() {
  local pid total=0 v
  for pid in "$@"; do
    v="$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)"
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# children_of PID: its direct children (nginx workers).
children_of() { ps -o pid= --ppid "$1" | tr -d ' '; }

# quiet_machine: warn when a compiler is running (measurements would be disturbed).
quiet_machine() {
  if pgrep -x rustc >/dev/null 2>&1 || pgrep -x cc1 >/dev/null 2>&1; then
    log "WARNING: a compiler (rustc/cc1) is running on this machine: figures may be disturbed"
    return 1
  fi
  return 0
}
