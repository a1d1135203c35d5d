#!/usr/bin/env bash
# The Python distributions (issue 19, item 1), as a Python SDK author or a CI engineer gets them:
#  1. the two wheels, built by maturin (`bindings = "bin"`) from the debug build `make test-rust`
#     made (`--profile dev`: cargo finds it up to date, no second build): terminus-mock
#     (mock-server/pyproject.toml: the binary and the pytest plugin) and terminus-conformance
#     (conformance/pyproject.toml: the runner); maturin itself lives in a tool venv of its own
#     under target/ (pinned; made once). `--wheels-only` stops here (make wheels);
#     WHEEL_PROFILE=release builds release wheels instead (make dist);
#  2. a FRESH venv (target/python-package/venv, remade each run) with both wheels, pytest and
#     requests from PyPI, nothing else;
#  3. its suite (tests/python-package/: the fixture, and the runner from its wheel checking the
#     fixture's mock) and the example SDK's (examples/python) run through the wheel's pytest
#     plugin, with no cargo and no Rust on PATH (env -i PATH=venv/bin).
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
for crate in mock-server conformance; do
  if ! "$TOOL/bin/maturin" build --profile "${WHEEL_PROFILE:-dev}" -m "$crate/Cargo.toml" -o "$WORK/wheels" >"$WORK/maturin.log" 2>&1; then
    cat "$WORK/maturin.log" >&2
    echo "python-package: maturin could not build the wheel of $crate/pyproject.toml (its output above)" >&2
    exit 1
  fi
done
WHEEL="$(ls "$WORK"/wheels/terminus_mock-*.whl)"
RUNNER_WHEEL="$(ls "$WORK"/wheels/terminus_conformance-*.whl)"
if [[ "${1:-}" == "--wheels-only" ]]; then
  echo "python-package: $(basename "$WHEEL") and $(basename "$RUNNER_WHEEL") in $WORK/wheels"
  exit 0
fi

# Without a pip of its own (ensurepip takes 5 s): the tool venv's pip installs into it.
rm -rf "$VENV"
python3 -m venv --without-pip "$VENV"
"$TOOL/bin/python" -m pip --python "$VENV/bin/python" install "${PIP[@]}" "$WHEEL" "$RUNNER_WHEEL" pytest==8.3.4 requests==2.32.3

# What the SDK author's CI has once the wheel is installed: the venv's bin/ alone on PATH (so
# no cargo or rustc, wherever the system keeps them, and no target/debug); the suite checks it.
# PYTHONDONTWRITEBYTECODE: no __pycache__ left in the source tree.
CLEAN=(env -i "PATH=$VENV/bin" "HOME=$WORK" "LANG=C.UTF-8" PYTHONDONTWRITEBYTECODE=1)
echo "python-package: $(basename "$WHEEL") ($(du -m "$WHEEL" | cut -f1) MB) and $(basename "$RUNNER_WHEEL") ($(du -m "$RUNNER_WHEEL" | cut -f1) MB) in a fresh venv"
"${CLEAN[@]}" "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/tests/python-package"
(cd examples/python && "${CLEAN[@]}" "$VENV/bin/python" -m pytest -q -p no:cacheprovider)
