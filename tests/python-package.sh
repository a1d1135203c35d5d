#!/usr/bin/env bash
# The Python distribution of terminus-mock (issue 19, item 1), as a Python SDK author gets it:
#  1. the wheel, built by maturin (mock-server/pyproject.toml, `bindings = "bin"`) from the debug
#     build `make test-rust` made (`--profile dev`: cargo finds it up to date, no second build);
#     maturin itself lives in a tool venv of its own under target/ (pinned; made once);
#  2. a FRESH venv (target/python-package/venv, remade each run) with that wheel, pytest and
#     requests from PyPI, nothing else;
#  3. its suite (tests/python-package/) and the example SDK's (examples/python) run through the
#     wheel's pytest plugin, with no cargo and no Rust on PATH (env -i PATH=venv/bin).
# About 20 s warm on 2 cores (the wheel 4 s, the venv 4 s, the suites 5 s; 30 s on cores other
# jobs load), 10 s of CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WORK="${CARGO_TARGET_DIR:-$ROOT/target}/python-package"
[[ "$WORK" = /* ]] || WORK="$ROOT/$WORK"
TOOL="$WORK/tool"
VENV="$WORK/venv"
MATURIN_VERSION="1.16.0"
PIP=(--quiet --disable-pip-version-check)

mkdir -p "$WORK"
if [[ ! -x "$TOOL/bin/maturin" ]] || ! "$TOOL/bin/maturin" --version | grep -qx "maturin $MATURIN_VERSION"; then
  rm -rf "$TOOL"
  python3 -m venv "$TOOL"
  "$TOOL/bin/python" -m pip install "${PIP[@]}" "maturin==$MATURIN_VERSION"
fi

rm -rf "$WORK/wheels"
if ! "$TOOL/bin/maturin" build --profile dev -m mock-server/Cargo.toml -o "$WORK/wheels" >"$WORK/maturin.log" 2>&1; then
  cat "$WORK/maturin.log" >&2
  echo "python-package: maturin could not build the wheel (its output above)" >&2
  exit 1
fi
WHEEL="$(ls "$WORK"/wheels/terminus_mock-*.whl)"

# Without a pip of its own (ensurepip takes 5 s): the tool venv's pip installs into it.
rm -rf "$VENV"
python3 -m venv --without-pip "$VENV"
"$TOOL/bin/python" -m pip --python "$VENV/bin/python" install "${PIP[@]}" "$WHEEL" pytest==8.3.4 requests==2.32.3

# What the SDK author's CI has once the wheel is installed: the venv's bin/ alone on PATH (so
# no cargo or rustc, wherever the system keeps them, and no target/debug); the suite checks it.
# PYTHONDONTWRITEBYTECODE: no __pycache__ left in the source tree.
CLEAN=(env -i "PATH=$VENV/bin" "HOME=$WORK" "LANG=C.UTF-8" PYTHONDONTWRITEBYTECODE=1)
echo "python-package: $(basename "$WHEEL") ($(du -m "$WHEEL" | cut -f1) MB) in a fresh venv"
"${CLEAN[@]}" "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/tests/python-package"
(cd examples/python && "${CLEAN[@]}" "$VENV/bin/python" -m pytest -q -p no:cacheprovider)
