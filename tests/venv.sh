#!/usr/bin/env bash
# Makes (once, and again when tests/requirements.txt changes) the project's own Python
# environment, target/venv, and prints its python. Nothing is installed globally.
#   PY=$(bash tests/venv.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-$PWD/target/venv}"
REQUIREMENTS=tests/requirements.txt
STAMP="$VENV/.installed-$(sha256sum "$REQUIREMENTS" | cut -c1-16)"
# Tests call this in parallel: one makes the venv, the others wait for it.
mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9
if [[ ! -e "$STAMP" ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2
  touch "$STAMP"
fi
echo "$VENV/bin/python"
