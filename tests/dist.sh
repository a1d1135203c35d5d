#!/usr/bin/env bash
# make dist: the release artifacts of this checkout, in dist/, for installing without Rust and
# without a registry (and what a release uploads):
#   dist/terminus_mock-VERSION-py3-none-PLATFORM.whl         pip install: the mock + pytest plugin
#   dist/terminus_conformance-VERSION-py3-none-PLATFORM.whl  pip install: the runner
#   dist/terminus-mock-VERSION.tgz                           npm install: the mock + start()
#   dist/SHA256SUMS
# Release builds (`cargo build --release`, maturin `--profile release`, the npm package's binary
# stripped); the npm package is tested as make test-npm tests it. The action takes the
# directory as `from: dist` once it is in the workspace (actions/download-artifact).
# For this machine's platform only; other platforms: README, "Packages for other platforms".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
[[ "$TARGET" = /* ]] || TARGET="$ROOT/$TARGET"
"${CARGO:-cargo}" build --release -q -p terminus-mock -p terminus-conformance
WHEEL_PROFILE=release bash tests/python-package.sh --wheels-only
bash tests/npm-package.sh "$TARGET/release/terminus-mock" >"$TARGET/npm-dist.log" 2>&1 \
  || { cat "$TARGET/npm-dist.log" >&2; echo "dist: the npm package failed its suite (above)" >&2; exit 1; }
rm -rf dist
mkdir dist
cp "$TARGET"/python-package/wheels/*.whl dist/
cp "$ROOT"/target/npm/terminus-mock-*.tgz dist/
(cd dist && sha256sum -- *.whl *.tgz >SHA256SUMS)
echo "dist: $(ls dist | grep -v SHA256SUMS | tr '\n' ' ')"
du -h dist/* | sed 's/^/  /'
