#!/usr/bin/env bash
# interop/clients/run.sh [CLIENT...] — `make interop-clients`: real client libraries, pinned,
# each graded by `terminus-conformance client -- PROGRAM` and compared with what its advisory
# predicts (interop/clients/clients.toml); then the README's client table.
#
# Installs what is missing, all under target/interop-clients/ (never globally): a venv per Python
# set (py/SET/venv, from interop/clients/python/sets/SET/requirements.txt), node_modules per Node
# set (node/SET, `npm ci` of the committed package-lock.json). Grades one client at a time (each
# grading already runs its scenarios in parallel), writes reports/CLIENT.json (the grader's
# --report), reports/CLIENT.meta.json (exit status, seconds, versions) and logs/CLIENT.log (the
# grader's output); then table.py prints the comparison and rewrites README.md's section.
#
# Environment: RUNNER (a built terminus-conformance; default: cargo build --release),
# RUNNER_ARGS (added to every grading), NO_README=1 (leave README.md alone), REPORTS (another
# reports directory: the table is made from every report in it; logs go next to it).
# Exit status: table.py's (1 when a verdict differs from its prediction without a known reason).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/interop/clients"
OUT="$ROOT/target/interop-clients"
REPORTS="${REPORTS:-$OUT/reports}"
LOGS="$REPORTS/../logs"
mkdir -p "$REPORTS" "$LOGS"

log() { printf '[interop-clients %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'interop-clients: error: %s\n' "$*" >&2; exit 1; }

PLAN="$(python3 "$HERE/table.py" --plan "$@")" || exit 2

if [[ -z "${RUNNER:-}" ]]; then
  log "building the release runner (cargo build --release -p terminus-conformance)"
  (cd "$ROOT" && "${CARGO:-cargo}" build -q --release -p terminus-conformance) || die "the runner did not build"
  RUNNER="${CARGO_TARGET_DIR:-$ROOT/target}/release/terminus-conformance"
fi
[[ -x "$RUNNER" ]] || die "no runner at $RUNNER"
RUNNER_COMMIT="$(git -C "$ROOT" log -1 --format=%h -- conformance contract Cargo.lock 2>/dev/null || echo unknown)"
[[ -z "$(git -C "$ROOT" status --porcelain -- conformance contract Cargo.lock 2>/dev/null)" ]] \
  || RUNNER_COMMIT="$RUNNER_COMMIT+changes"

# ---- the sets ---------------------------------------------------------------------------

python_set() { # SET: target/interop-clients/py/SET/venv, made once per requirements.txt
  local req="$HERE/python/sets/$1/requirements.txt" venv="$OUT/py/$1/venv"
  local stamp="$venv/.installed-$(sha256sum "$req" "$HERE/python/sitecustomize.py" | sha256sum | cut -c1-16)"
  [[ -e "$stamp" ]] && return 0
  log "py/$1: pip install -r interop/clients/python/sets/$1/requirements.txt (target/interop-clients/py/$1/venv)"
  rm -rf "$venv"
  python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check -r "$req" >&2 || return 1
  # Sets written for Python <= 3.9 (the requirements file says so) get the collections aliases.
  if grep -q '^# needs: sitecustomize.py' "$req"; then
    cp "$HERE/python/sitecustomize.py" "$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/" || return 1
  fi
  touch "$stamp"
}

node_set() { # SET: npm ci of interop/clients/node/sets/SET/package-lock.json into target/interop-clients/node/SET
  local dir="$OUT/node/$1" lock="$HERE/node/sets/$1/package-lock.json"
  local stamp="$dir/.installed-$(sha256sum "$lock" | cut -c1-16)"
  if [[ ! -e "$stamp" ]]; then
    log "node/$1: npm ci (target/interop-clients/node/$1/node_modules)"
    rm -rf "$dir"; mkdir -p "$dir"
    cp "$HERE/node/sets/$1/package.json" "$lock" "$dir/" \
      && (cd "$dir" && npm ci --omit=dev --no-audit --no-fund --loglevel=error >&2) \
      && touch "$stamp" || return 1
  fi
  # The programs next to node_modules, so that their imports resolve there (ESM has no NODE_PATH).
  cp "$HERE"/node/*.mjs "$dir/"
}

declare -A SET_OK=()
install_set() { # SET ("py/X", "node/X" or "node"); remembers the outcome
  [[ -n "${SET_OK[$1]:-}" ]] && { [[ "${SET_OK[$1]}" == ok ]]; return; }
  local outcome=ok
  case "$1" in
    node) command -v node >/dev/null || outcome="node is not installed" ;;
    py/*) (python_set "${1#py/}") || outcome="pip install failed (see above)" ;;
    node/*) (node_set "${1#node/}") || outcome="npm ci failed (see above)" ;;
    *) outcome="unknown set $1" ;;
  esac
  SET_OK[$1]="$outcome"
  [[ "$outcome" == ok ]]
}

versions() { # SET PACKAGE...: "name=version" words
  local set="$1"; shift
  case "$set" in
    py/*) "$OUT/$set/venv/bin/python" -c 'import sys, importlib.metadata as m
print(" ".join(f"{p}={m.version(p)}" for p in sys.argv[1:]), f"Python={sys.version.split()[0]}")' "$@" ;;
    node/*) (cd "$OUT/$set/node_modules" && for p in "$@"; do
      printf '%s=%s ' "$p" "$(node -p "require('./$p/package.json').version")"; done; echo "Node=$(node --version | tr -d v)") ;;
    node) echo "Node=$(node --version | tr -d v)" ;;
  esac
}

# ---- one client -----------------------------------------------------------------------------

meta() { # CLIENT EXIT SECONDS VERSIONS [NOT_RUN]
  python3 -c 'import json, sys
name, status, seconds, versions, not_run, commit = sys.argv[1:7]
print(json.dumps({"client": name, "exit_status": None if status == "" else int(status),
  "seconds": float(seconds), "versions": dict(v.split("=", 1) for v in versions.split()),
  "runner_commit": commit, **({"not_run": not_run} if not_run else {})}))' \
    "$1" "$2" "$3" "$4" "${5:-}" "$RUNNER_COMMIT" >"$REPORTS/$1.meta.json"
}

grade() { # NAME SET ENV PACKAGES PROGRAM ARGS...
  local name="$1" set="$2" env="$3" packages="$4"; shift 4
  local program="$1"; shift
  rm -f "$REPORTS/$name.json" "$REPORTS/$name.meta.json"
  if ! install_set "$set"; then
    log "$name: not run: ${SET_OK[$set]}"; meta "$name" "" 0 "" "${SET_OK[$set]}"; return
  fi
  local cmd=(env)
  [[ "$env" == - ]] || cmd+=($env)
  case "$set" in
    py/*) cmd+=("$OUT/$set/venv/bin/python" "$HERE/$program") ;;
    node/*) cmd+=(node "$OUT/$set/$(basename "$program")") ;;
    node) cmd+=(node "$HERE/$program") ;;
  esac
  cmd+=("$@")
  local started status=0 seconds vers
  [[ "$packages" == - ]] && packages=""
  # shellcheck disable=SC2086 # word splitting of the package list is meant
  vers="$(versions "$set" $packages)"
  started="$(date +%s.%N)"
  # shellcheck disable=SC2086 # RUNNER_ARGS is a list of options
  "$RUNNER" client --profile strict ${RUNNER_ARGS:-} --report "$REPORTS/$name.json" -- "${cmd[@]}" \
    </dev/null >"$LOGS/$name.log" 2>&1 || status=$?
  seconds="$(python3 -c "import sys; print(round($(date +%s.%N) - $started, 1))")"
  meta "$name" "$status" "$seconds" "$vers"
  log "$name: exit $status after ${seconds}s"
}

while IFS=$'\t' read -r -a row; do
  grade "${row[@]}"
done <<<"$PLAN"

if [[ "${NO_README:-}" == 1 ]]; then
  python3 "$HERE/table.py" --check "$REPORTS"
else
  python3 "$HERE/table.py" --readme "$ROOT/README.md" "$REPORTS"
fi
