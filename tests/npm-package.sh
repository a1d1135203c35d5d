#!/usr/bin/env bash
# Issue 19, item 2: the npm package as a Node SDK author installs it. Copies the debug
# terminus-mock (the one test-rust built: no release build) into a copy of
# packages/npm/terminus-mock (vendor/linux-x64/), `npm pack`s it, installs the tarball into a
# scratch project under target/npm/, and runs the package's node:test suite there with no cargo
# on PATH. Offline: the package has no dependencies.
#   tests/npm-package.sh [PATH/TO/terminus-mock]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BINARY="${1:-$TARGET/debug/terminus-mock}"
[[ -x "$BINARY" ]] || { echo "npm-package: no $BINARY; build it first (cargo build -p terminus-mock)" >&2; exit 1; }
platform="$(node -p 'process.platform + "-" + process.arch')"
[[ "$platform" == linux-x64 ]] || { echo "npm-package: this package is built for linux-x64, not $platform" >&2; exit 1; }

work="$ROOT/target/npm"
rm -rf "$work"
mkdir -p "$work/package" "$work/project"
# The package's own files, as git has them (no vendor/ or tarball left from an earlier run).
cp -R packages/npm/terminus-mock/. "$work/package/"
rm -rf "$work/package/vendor" "$work/package/"*.tgz "$work/package/.gitignore"
cp LICENSE-MIT LICENSE-APACHE "$work/package/"
mkdir -p "$work/package/vendor/linux-x64"
# Debug info stripped (the debug build is ~100 MB, ~30 of it compressed): what a release ships.
strip -o "$work/package/vendor/linux-x64/terminus-mock" "$BINARY" 2>/dev/null \
  || cp "$BINARY" "$work/package/vendor/linux-x64/terminus-mock"
tarball="$(cd "$work/package" && npm pack --silent --pack-destination "$work")"
echo "npm-package: packed $tarball ($(du -k "$work/$tarball" | cut -f1) KiB)"
contents="$(tar -tzf "$work/$tarball")"
grep -qx 'package/vendor/linux-x64/terminus-mock' <<<"$contents" \
  || { echo "npm-package: $tarball does not carry vendor/linux-x64/terminus-mock" >&2; exit 1; }

cd "$work/project"
printf '{ "name": "scratch-sdk-tests", "private": true, "type": "module" }\n' > package.json
npm install --silent --no-audit --no-fund --offline "$work/$tarball"
cp "$ROOT/packages/npm/terminus-mock/test/api.test.mjs" .
# The SDK author's machine as far as the suite can tell: node on PATH and nothing else (no
# Rust toolchain, wherever this machine keeps one), no TERMINUS_MOCK.
mkdir -p "$work/path"
ln -s "$(command -v node)" "$work/path/node"
env -u TERMINUS_MOCK -u TERMINUS_CA_DIR -u NODE_EXTRA_CA_CERTS PATH="$work/path" \
  node --test api.test.mjs
