#!/usr/bin/env bash
# Issue 19, item 2: the npm package under the test runners Node SDK authors use besides
# node:test: Vitest (ESM, `import { start } from "terminus-mock"`) and Jest with its default
# setup (CommonJS, `require("terminus-mock")`, no transform). Takes the tarball
# tests/npm-package.sh packed (make test-npm first), installs it with the pinned runners from the
# npm registry into target/npm/frameworks, and runs tests/npm-frameworks/ with each, no cargo on
# PATH. Not in make test (the two runners are ~60 MB from the registry; about 30 s cold, 8 s
# warm): make test-npm-frameworks.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VITEST_VERSION="3.2.4"
JEST_VERSION="30.2.0"
work="$ROOT/target/npm"
tarball="$(ls "$work"/terminus-mock-*.tgz 2>/dev/null | head -n1 || true)"
[[ -n "$tarball" ]] || { echo "npm-frameworks: no packed terminus-mock in $work; run make test-npm first" >&2; exit 1; }

project="$work/frameworks"
mkdir -p "$project"
cd "$project"
# CommonJS by default (Jest's default setup); the Vitest file is .mjs.
printf '{ "name": "scratch-sdk-frameworks", "private": true }\n' > package.json
npm install --silent --no-audit --no-fund --save-dev \
  "vitest@$VITEST_VERSION" "jest@$JEST_VERSION" "$tarball"
rm -f ./*.test.* ./suite.cjs
cp "$ROOT"/tests/npm-frameworks/* .

mkdir -p "$work/frameworks-path"
ln -sf "$(command -v node)" "$work/frameworks-path/node"
clean=(env -u TERMINUS_MOCK -u TERMINUS_CA_DIR -u NODE_EXTRA_CA_CERTS PATH="$work/frameworks-path")
echo "npm-frameworks: vitest $VITEST_VERSION"
"${clean[@]}" node node_modules/vitest/vitest.mjs run --reporter=dot vitest.test.mjs
echo "npm-frameworks: jest $JEST_VERSION (default setup: CommonJS, no transform config)"
"${clean[@]}" node node_modules/jest/bin/jest.js --ci --testMatch '**/jest.test.cjs'
echo "npm-frameworks: terminus-mock's npm package passes under vitest $VITEST_VERSION and jest $JEST_VERSION"
